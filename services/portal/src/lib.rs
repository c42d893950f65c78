//! The portal: the web UI over the three services' APIs. It owns no tables and reads no
//! database: every page is made from API answers ([`api`]), so it shows exactly what the API
//! allows the reader to see.
//!
//! Pages are rendered on the server (askama templates under `templates/`) and work without
//! JavaScript; `assets/app.js` only adds conveniences (confirmation of destructive actions,
//! live completeness, progress refresh). Every asset is served from `/assets/`; nothing is
//! loaded from another origin.

pub mod api;
mod assets;
mod charts;
mod client;
pub mod format;
pub mod i18n;
pub mod money;
mod page;
mod pages;
mod session;

use axum::extract::{FromRef, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use http::{header, Method, StatusCode};
use platform::config::Config;

pub use api::Api;

/// Service name, used in logs.
pub const SERVICE: &str = "portal";

/// What every portal handler has: the API and how to set cookies.
#[derive(Clone)]
pub struct Portal {
    pub api: Api,
    pub secure_cookies: bool,
    /// Taxonomy labels, read from the API once: taxonomies change with releases only (the API
    /// says so in its cache headers), and nearly every page needs them.
    taxonomies: std::sync::Arc<tokio::sync::OnceCell<pages::Labels>>,
}

impl FromRef<Portal> for Api {
    fn from_ref(p: &Portal) -> Api {
        p.api.clone()
    }
}

/// The portal's pages and assets, calling the API through `api`. The session cookie is
/// `Secure` when configured so, or when the platform's public URL is https. The portal keeps
/// its own state ([`Portal`]): the router fits into any application's.
pub fn router<S: Clone + Send + Sync + 'static>(api: Api, config: &Config) -> Router<S> {
    let secure_cookies = config.portal.secure_cookies || config.server.is_https();
    let trust_forwarded_for = config.auth.trust_forwarded_for;
    let portal = Portal {
        api,
        secure_cookies,
        taxonomies: Default::default(),
    };
    Router::new()
        .merge(assets::routes())
        .merge(pages::routes())
        .layer(axum::middleware::from_fn(refused_forms_are_pages))
        .layer(axum::middleware::from_fn(same_origin_posts))
        .layer(axum::middleware::from_fn(move |req, next| {
            client::remember(trust_forwarded_for, req, next)
        }))
        .with_state(portal)
}

/// Refuses a state-changing request that another site's page sent (a second line of defence
/// behind the `SameSite=Lax` session cookie): browsers name the sending origin in `Origin`
/// and `Sec-Fetch-Site`. `Origin: null` (sandboxed frames, some redirects) is foreign too.
async fn same_origin_posts(req: Request, next: Next) -> Response {
    if req.method() == Method::GET || req.method() == Method::HEAD {
        return next.run(req).await;
    }
    let headers = req.headers();
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let cross_site = headers
        .get("sec-fetch-site")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == "cross-site" || v == "same-site");
    let foreign_origin = headers
        .get(header::ORIGIN)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|origin| origin.split_once("://").map(|(_, h)| h) != Some(host));
    if cross_site || foreign_origin {
        return (StatusCode::FORBIDDEN, axum::response::Html("<!doctype html><meta charset=utf-8><title>403</title><p>跨站提交已拒绝。Cross-site form submission refused.</p>")).into_response();
    }
    next.run(req).await
}

/// A form post the API refused comes back as the same form with the reasons beside its fields.
/// Handlers say 422 or 409, which is what happened; the browser is answered 200, because
/// browsers log every 4xx document as a console error, and a refused form is an ordinary page
/// in a person's work, not a failure of the site.
async fn refused_forms_are_pages(req: Request, next: Next) -> Response {
    let is_post = req.method() == Method::POST;
    let mut resp = next.run(req).await;
    let is_html = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if is_post
        && is_html
        && matches!(
            resp.status(),
            StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
        )
    {
        *resp.status_mut() = StatusCode::OK;
    }
    resp
}
