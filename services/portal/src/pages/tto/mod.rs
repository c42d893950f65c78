//! What a technology-transfer office does in the portal (issue #15): the owner's page for an
//! achievement (inventors and the grant to them, evaluations, disclosure settings, the access
//! log with decisions), the reader's page (evaluations, the verified part, asking for the
//! dossier and accepting the NDA, reading and downloading it), and the organisation's income
//! distribution (rule, statements, exports, the annual report).
//!
//! Every answer is read as a `wire::tto` type; the portal decides nothing the API does not.

mod distribution;
mod dossier;
mod manage;

use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use http::{header, HeaderValue, Method};

use crate::api::Raw;
use crate::i18n::{has_key, Tr};
use crate::page::{Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/achievements/{id}/dossier", get(dossier::page))
        .route("/achievements/{id}/dossier/request", post(dossier::request))
        .route(
            "/achievements/{id}/dossier/download",
            get(dossier::download),
        )
        .route("/achievements/{id}/disclosure", get(manage::page))
        .route(
            "/achievements/{id}/disclosure/settings",
            post(manage::save_settings),
        )
        .route(
            "/achievements/{id}/disclosure/inventors",
            post(manage::save_inventors),
        )
        .route(
            "/achievements/{id}/disclosure/evaluations",
            post(manage::add_evaluation),
        )
        .route(
            "/achievements/{id}/disclosure/requests/{access_id}",
            post(manage::decide),
        )
        .route(
            "/achievements/{id}/disclosure/files",
            // The file streams through to the API, which enforces the size limit.
            post(manage::upload_file).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/achievements/{id}/disclosure/files/{document}/delete",
            post(manage::delete_file),
        )
        .route("/achievements/{id}/files/{document}", get(dossier::file))
        .route("/my/distribution", get(distribution::page))
        .route("/my/distribution/rule", post(distribution::save_rule))
        .route("/my/distribution/export", get(distribution::export))
        .route("/my/distribution/report", get(distribution::report))
}

/// Passes a file the API made (CSV, XLSX, the dossier as text) on to the browser.
async fn pass_file(portal: &Portal, viewer: &Viewer, path: &str) -> PageResult {
    let raw: Raw = portal
        .api
        .send(viewer.caller(), Method::GET, path, Body::empty(), None)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(file_response(raw))
}

fn file_response(raw: Raw) -> Response {
    let mut res = raw.body.into_response();
    let headers = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, raw.content_type),
        (header::CONTENT_DISPOSITION, raw.content_disposition),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, v);
        }
    }
    res
}

/// A vocabulary code in the reader's words (`tto.<group>_<code>`), the code itself if the
/// catalog has no entry (a newer code than this portal knows).
pub fn word(t: &Tr, group: &str, code: &str) -> String {
    let key = format!("tto.{group}_{code}");
    if has_key(&key) {
        t.t(&key).to_owned()
    } else {
        code.to_owned()
    }
}

/// Basis points as a percentage for people: 1500 → "15%", 1234 → "12.34%".
pub fn percent(bp: i32) -> String {
    if bp % 100 == 0 {
        format!("{}%", bp / 100)
    } else {
        format!("{}.{:02}%", bp / 100, (bp % 100).abs())
    }
}

/// A publicity entry's price and how it was set: "75 万元 · 评估定价".
pub fn publicity_price(ctx: &Ctx, n: &wire::deal::PublicityNotice) -> String {
    match &n.price {
        Some(p) => format!(
            "{} · {}",
            crate::money::money(&ctx.t, p.amount_minor, &p.currency),
            word(&ctx.t, "price", p.method.as_str())
        ),
        None => String::new(),
    }
}

/// The evaluation beside a publicity entry's price: evaluator, method, date, value or grade.
pub fn publicity_evaluation(ctx: &Ctx, n: &wire::deal::PublicityNotice) -> String {
    match &n.evaluation {
        Some(e) => format!(
            "{} · {} · {} · {}",
            e.evaluator,
            word(&ctx.t, "method", e.method.as_str()),
            e.evaluated_on,
            dossier::evaluation_value(ctx, e)
        ),
        None => String::new(),
    }
}
