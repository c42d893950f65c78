//! Saved searches: "tell me about new listings like these" from the search page, listed and
//! deleted here. The alerts themselves arrive as notifications (and email when enabled).

use askama::Template;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use http::Method;
use serde::Deserialize;

use crate::page::{done, render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::matching::SavedSearchOut;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/saved-searches", get(list).post(create))
        .route("/saved-searches/{id}/delete", post(delete))
}

#[derive(Template)]
#[template(path = "saved_searches.html")]
struct SavedSearchesPage {
    ctx: Ctx,
    items: Vec<SavedSearchOut>,
}

impl SavedSearchesPage {
    /// The search page showing what saved search `s` watches.
    fn href(&self, s: &SavedSearchOut) -> String {
        let mut pairs = vec![("q", s.query.clone().unwrap_or_default())];
        if let Some(map) = s.filters.as_object() {
            for key in ["kind", "industry", "region", "country", "trl_min"] {
                if let Some(v) = map.get(key) {
                    let text = v
                        .as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string());
                    pairs.push((key, text));
                }
            }
        }
        crate::api::with_query("/", &pairs)
    }

    /// When the alert last fired, as a day.
    fn last_notified(&self, s: &SavedSearchOut) -> String {
        s.last_notified_at
            .map(|at| self.ctx.t.day(&at))
            .unwrap_or_else(|| "—".to_owned())
    }
}

async fn list(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    viewer.require_login()?;
    let items = portal
        .api
        .get::<Vec<SavedSearchOut>>(viewer.caller(), "/api/v1/saved-searches")
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(render(&SavedSearchesPage {
        ctx: Ctx::new(&viewer, "saved"),
        items,
    }))
}

/// The search form's filters, as the home page posts them, and the alert's name.
#[derive(Debug, Deserialize)]
struct SaveForm {
    name: String,
    #[serde(default)]
    email: Option<String>,
    #[serde(flatten)]
    search: super::home::SearchParams,
}

async fn create(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<SaveForm>,
) -> PageResult {
    viewer.require_login()?;
    let mut filters = serde_json::Map::new();
    let q = &form.search;
    for (key, value) in [
        ("kind", &q.kind),
        ("industry", &q.industry),
        ("region", &q.region),
        ("country", &q.country),
    ] {
        if !value.is_empty() {
            filters.insert(key.to_owned(), serde_json::Value::String(value.clone()));
        }
    }
    if let Ok(trl) = q.trl_min.parse::<i64>() {
        filters.insert("trl_min".to_owned(), serde_json::Value::from(trl));
    }
    let name = if form.name.trim().is_empty() {
        q.q.trim().to_owned()
    } else {
        form.name.trim().to_owned()
    };
    let body = serde_json::json!({
        "name": name,
        "alert_kind": wire::AlertKind::Search,
        "query": crate::page::typed(&q.q),
        "filters": filters,
        "email_enabled": form.email.is_some(),
    });
    portal
        .api
        .post::<serde_json::Value>(viewer.caller(), "/api/v1/saved-searches", &body)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done("/saved-searches", "saved"))
}

async fn delete(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    portal
        .api
        .send_empty(
            viewer.caller(),
            Method::DELETE,
            &format!("/api/v1/saved-searches/{id}"),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done("/saved-searches", "deleted"))
}
