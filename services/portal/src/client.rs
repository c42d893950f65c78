//! The browser's address, carried to the API calls a page makes, so that what the API records
//! about a person's act — the address an NDA was accepted from, a dossier read from — is the
//! person's and not the portal's. A task-local: a page's API calls run in the page's task
//! (`tokio::join!` polls them there), so no signature between the handler and `api.rs` changes.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::Response;

tokio::task_local! {
    static CLIENT: Option<IpAddr>;
}

/// The address of the request being served, if known.
pub fn current() -> Option<IpAddr> {
    CLIENT.try_with(|c| *c).ok().flatten()
}

/// Remembers the browser's address for the request: the socket peer, or, with
/// `auth.trust_forwarded_for` (behind our own proxy), the last `X-Forwarded-For` entry — the
/// one that proxy wrote.
pub async fn remember(trust_forwarded_for: bool, req: Request, next: Next) -> Response {
    let forwarded = trust_forwarded_for
        .then(|| {
            req.headers()
                .get_all("x-forwarded-for")
                .iter()
                .next_back()
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .and_then(|s| s.trim().parse::<IpAddr>().ok())
        })
        .flatten();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(p)| p.ip());
    CLIENT.scope(forwarded.or(peer), next.run(req)).await
}
