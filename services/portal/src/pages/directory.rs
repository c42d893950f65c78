//! Public pages anyone may read: the broker directory and the publicity board (公示) of deals
//! whose state-funded sellers must announce them, with the objection form.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::{Labels, Pager};
use crate::api::{with_query, ApiError};
use crate::page::{done, render, Ctx, FormErrors, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::deal::{BrokerOut, PublicityNotice};
use wire::CertificationLevel;
use wire::Page;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/brokers", get(brokers))
        .route("/publicity", get(publicity))
        .route("/publicity/{deal_id}/objections", post(object))
}

const PER_PAGE: u64 = 20;

#[derive(Debug, Default, Deserialize)]
struct BrokerFilters {
    #[serde(default)]
    field: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    language: String,
    #[serde(default)]
    level: String,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "brokers.html")]
struct BrokersPage {
    ctx: Ctx,
    labels: Labels,
    filters: BrokerFilters,
    brokers: Vec<BrokerOut>,
    pager: Pager,
}

impl BrokersPage {
    fn list(&self, codes: &[String], f: impl Fn(&Labels, &str) -> String) -> String {
        let sep = if self.ctx.lang == crate::i18n::Lang::Zh {
            "、"
        } else {
            ", "
        };
        codes
            .iter()
            .map(|c| f(&self.labels, c))
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn fields_of(&self, b: &BrokerOut) -> String {
        self.list(&b.fields, |l, c| l.industry(c))
    }

    fn regions_of(&self, b: &BrokerOut) -> String {
        self.list(&b.regions, |l, c| {
            if c == "450000" {
                self.ctx.t.t("dir.all_guangxi").to_owned()
            } else {
                l.region(c)
            }
        })
    }

    fn languages_of(&self, b: &BrokerOut) -> String {
        self.list(&b.languages, |l, c| l.language(c))
    }

    fn levels(&self) -> Vec<(&'static str, String)> {
        CertificationLevel::ALL
            .iter()
            .map(|l| (l.as_str(), self.ctx.t.term("cert", l.as_str())))
            .collect()
    }
}

async fn brokers(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(filters): Query<BrokerFilters>,
) -> PageResult {
    let page = filters.page.unwrap_or(1).max(1);
    let path = with_query(
        "/api/v1/brokers",
        &[
            ("field", filters.field.clone()),
            ("region", filters.region.clone()),
            ("language", filters.language.clone()),
            ("level", filters.level.clone()),
            ("page", page.to_string()),
            ("per_page", PER_PAGE.to_string()),
        ],
    );
    let (list, labels) = tokio::join!(
        portal.api.get::<Page<BrokerOut>>(viewer.caller(), &path),
        Labels::load(&portal, &viewer)
    );
    let list = list.map_err(|e| viewer.fail(e))?;
    let pager = Pager::new(&viewer.path, "page", list.page, list.per_page, list.total);
    let ctx = Ctx::new(&viewer, "brokers");
    Ok(render(&BrokersPage {
        ctx,
        labels,
        filters,
        brokers: list.items,
        pager,
    }))
}

#[derive(Debug, Default, Deserialize)]
struct PageParam {
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "publicity.html")]
struct PublicityPage {
    ctx: Ctx,
    notices: Vec<PublicityNotice>,
    pager: Pager,
    errors: FormErrors,
    /// The notice an objection was refused for, to show the message beside it.
    refused_for: String,
}

impl PublicityPage {
    fn price(&self, n: &PublicityNotice) -> String {
        super::tto::publicity_price(&self.ctx, n)
    }

    fn evaluation(&self, n: &PublicityNotice) -> String {
        super::tto::publicity_evaluation(&self.ctx, n)
    }
}

async fn publicity(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    publicity_page(
        &portal,
        &viewer,
        q.page.unwrap_or(1),
        FormErrors::default(),
        String::new(),
    )
    .await
}

async fn publicity_page(
    portal: &Portal,
    viewer: &Viewer,
    page: u64,
    errors: FormErrors,
    refused_for: String,
) -> PageResult {
    let path = with_query(
        "/api/v1/deals/publicity",
        &[
            ("page", page.max(1).to_string()),
            ("per_page", PER_PAGE.to_string()),
        ],
    );
    let list = portal
        .api
        .get::<Page<PublicityNotice>>(viewer.caller(), &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    let pager = Pager::new(&viewer.path, "page", list.page, list.per_page, list.total);
    let ctx = Ctx::new(viewer, "publicity");
    Ok(render(&PublicityPage {
        ctx,
        notices: list.items,
        pager,
        errors,
        refused_for,
    }))
}

#[derive(Debug, Deserialize)]
struct ObjectionForm {
    body: String,
}

async fn object(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(deal_id): Path<String>,
    Form(form): Form<ObjectionForm>,
) -> PageResult {
    viewer.require_login()?;
    let deal_id = super::path_id(&deal_id).ok_or_else(|| viewer.not_found())?;
    let body = serde_json::json!({ "body": form.body.trim() });
    match portal
        .api
        .post::<serde_json::Value>(
            viewer.caller(),
            &format!("/api/v1/deals/{deal_id}/objections"),
            &body,
        )
        .await
    {
        Ok(_) => Ok(done("/publicity", "objection_sent")),
        Err(ApiError::Problem(p)) if p.status == 422 => {
            publicity_page(&portal, &viewer, 1, FormErrors::from_problem(&p), deal_id).await
        }
        Err(e) => Err(viewer.fail(e)),
    }
}
