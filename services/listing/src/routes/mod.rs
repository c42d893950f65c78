//! HTTP handlers: extract, call one domain function, map to a DTO.

pub mod achievements;
pub mod auth;
pub mod disclosure;
pub mod documents;
pub mod imports;
pub mod lifecycle;
pub mod needs;
pub mod orgs;
pub mod reviews;
pub mod search;
pub mod taxonomies;
pub mod tto;

use axum::http::{header, HeaderMap, HeaderValue};
use serde::Deserialize;

use crate::domain::listings::preferred_languages;

/// `?lang=` on single-listing reads.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LangQuery {
    pub lang: Option<String>,
}

/// The reader's languages from `?lang=` or `Accept-Language`.
pub fn preferred(query_lang: Option<&str>, headers: &HeaderMap) -> Vec<String> {
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    preferred_languages(query_lang, accept)
}

/// `Content-Language` value for a language code (codes are ASCII; fall back to `und`).
pub fn content_language(lang: &str) -> HeaderValue {
    HeaderValue::from_str(lang).unwrap_or_else(|_| HeaderValue::from_static("und"))
}
