//! `/auctions`: the public list of auctions — upcoming, live and ended — with a filter by
//! state and pages. Each row links to the auction's own page (`auction.rs`).

use askama::Template;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use crate::api::with_query;
use crate::money::money;
use crate::page::{render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::auction::AuctionOut;
use wire::{AuctionStatus, Page};

use super::price_listing::beijing_clock;
use super::{page_param, Pager};

pub fn routes() -> Router<Portal> {
    Router::new().route("/auctions", get(list))
}

const PER_PAGE: u64 = 20;

#[derive(Debug, Default, Deserialize)]
struct Filters {
    /// One of the auction states; anything else (or nothing) lists all.
    #[serde(default)]
    status: String,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "auctions.html")]
struct ListPage {
    ctx: Ctx,
    status: Option<AuctionStatus>,
    auctions: Vec<AuctionOut>,
    pager: Pager,
}

impl ListPage {
    fn states(&self) -> Vec<(&'static str, String, bool)> {
        AuctionStatus::ALL
            .iter()
            .map(|s| {
                (
                    s.as_str(),
                    self.ctx
                        .t
                        .t(&format!("auction.status_{}", s.as_str()))
                        .to_owned(),
                    self.status == Some(*s),
                )
            })
            .collect()
    }
    fn status_label(&self, a: &AuctionOut) -> String {
        self.ctx
            .t
            .t(&format!("auction.status_{}", a.status.as_str()))
            .to_owned()
    }
    fn price(&self, a: &AuctionOut) -> String {
        money(
            &self.ctx.t,
            a.current_price_minor.unwrap_or(a.starting_price_minor),
            &a.currency,
        )
    }
    fn clock(&self, a: &AuctionOut) -> String {
        beijing_clock(&a.ends_at)
    }
}

async fn list(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(filters): Query<Filters>,
) -> PageResult {
    let status = AuctionStatus::parse(filters.status.trim());
    let page = page_param(filters.page);
    let mut query = vec![
        ("page", page.to_string()),
        ("per_page", PER_PAGE.to_string()),
    ];
    if let Some(s) = status {
        query.push(("status", s.as_str().to_owned()));
    }
    let path = with_query("/api/v1/auctions", &query);
    let list = portal
        .api
        .get::<Page<AuctionOut>>(viewer.caller(), &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    let pager = Pager::new(&viewer.path, "page", list.page, list.per_page, list.total);
    Ok(render(&ListPage {
        ctx: Ctx::new(&viewer, "auctions"),
        status,
        auctions: list.items,
        pager,
    }))
}
