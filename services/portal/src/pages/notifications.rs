//! The signed-in person's notifications: unread first, each with its link, "mark read" per
//! item and "mark all read".

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::Router;
use http::Method;
use serde::Deserialize;

use super::my::page_items;
use super::{page_param, path_id, Pager};
use crate::api::urlencode;
use crate::page::{done, render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::matching::NotificationOut;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/notifications", get(list))
        .route("/notifications/read-all", post(read_all))
        .route("/notifications/{id}/read", post(read_one))
}

const PER_PAGE: u64 = 20;
/// The API answers at most this many (newest first); older ones are not shown.
const FETCH_LIMIT: u64 = 200;

#[derive(Template)]
#[template(path = "notifications.html")]
struct NotificationsPage {
    ctx: Ctx,
    items: Vec<NotificationOut>,
    unread: usize,
    pager: Pager,
    page: u64,
}

impl NotificationsPage {
    /// Links that stay on this site only (the API stores paths like `/needs/{id}#matches`).
    fn href<'a>(&self, n: &'a NotificationOut) -> Option<&'a str> {
        n.link.as_deref().filter(|l| crate::page::is_local_path(l))
    }

    fn unread_text(&self) -> String {
        self.ctx.t.f(
            "my.notif_unread_count",
            &[("count", &self.unread.to_string())],
        )
    }

    fn kind_label(&self, kind: &str) -> &'static str {
        // Kinds this portal does not know yet (a newer service) read as "other".
        match wire::NotificationKind::parse(kind) {
            Some(wire::NotificationKind::MatchFeedback) => self.ctx.t.t("my.notif_kind_feedback"),
            Some(wire::NotificationKind::NewMatches) => self.ctx.t.t("my.notif_kind_match"),
            Some(wire::NotificationKind::SavedSearch) => self.ctx.t.t("my.notif_kind_alert"),
            Some(wire::NotificationKind::ListingExpiring) => self.ctx.t.t("my.notif_kind_expiry"),
            Some(wire::NotificationKind::DealOpened) => self.ctx.t.t("my.notif_kind_deal"),
            Some(wire::NotificationKind::AuctionOutbid) => self.ctx.t.t("my.notif_kind_outbid"),
            Some(wire::NotificationKind::AuctionEnded) => {
                self.ctx.t.t("my.notif_kind_auction_ended")
            }
            Some(wire::NotificationKind::AuctionCancelled) => {
                self.ctx.t.t("my.notif_kind_auction_cancelled")
            }
            Some(wire::NotificationKind::DepositRefunded) => {
                self.ctx.t.t("my.notif_kind_deposit_refunded")
            }
            None => self.ctx.t.t("my.notif_kind_other"),
        }
    }

    /// Where "mark read" comes back to: this page of the list.
    fn back(&self) -> String {
        if self.page > 1 {
            format!("/notifications?page={}", self.page)
        } else {
            "/notifications".to_owned()
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct Params {
    page: Option<u64>,
}

async fn list(State(portal): State<Portal>, viewer: Viewer, Query(q): Query<Params>) -> PageResult {
    viewer.require_login()?;
    let path = format!("/api/v1/notifications?limit={FETCH_LIMIT}");
    let all = portal
        .api
        .get::<Vec<NotificationOut>>(viewer.caller(), &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    // Unread first; within each group newest first, as the API orders them.
    let (mut items, read): (Vec<NotificationOut>, Vec<NotificationOut>) =
        all.into_iter().partition(|n| n.read_at.is_none());
    let unread = items.len();
    items.extend(read);
    let pager = Pager::new(
        &viewer.path,
        "page",
        page_param(q.page),
        PER_PAGE,
        items.len() as u64,
    );
    let page = pager.page;
    let items = page_items(items, &pager, PER_PAGE);
    Ok(render(&NotificationsPage {
        ctx: Ctx::new(&viewer, "notifications"),
        items,
        unread,
        pager,
        page,
    }))
}

#[derive(Debug, Default, Deserialize)]
struct Back {
    back: Option<String>,
}

fn back_to(back: Option<&str>) -> String {
    match back {
        Some(b) if b.starts_with("/notifications") && crate::page::is_local_path(b) => b.to_owned(),
        _ => "/notifications".to_owned(),
    }
}

async fn read_one(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    axum::Form(f): axum::Form<Back>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let path = format!("/api/v1/notifications/{}/read", urlencode(&id));
    portal
        .api
        .send_empty(viewer.caller(), Method::POST, &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&back_to(f.back.as_deref()), "updated"))
}

async fn read_all(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    viewer.require_login()?;
    portal
        .api
        .send_empty(
            viewer.caller(),
            Method::POST,
            "/api/v1/notifications/read-all",
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done("/notifications", "updated"))
}
