//! The portal's only way to data: the three services' public HTTP API.
//!
//! In embedded mode the API routers run in the same process, so a call is a `oneshot` on the
//! router (no socket, same middleware, same authorisation); as its own service the portal calls
//! the ingress over HTTP. Either way the portal sees exactly what any other API client sees.

use axum::body::Body;
use axum::Router;
use bytes::Bytes;
use http::{header, HeaderValue, Method, Request, StatusCode};
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;
use serde::Serialize;
use tower::ServiceExt;

use crate::i18n::Lang;

// Streamed calls (documents), kept apart from the collected ones.
#[path = "api_stream.rs"]
mod stream;

const IDEMPOTENCY_KEY: &str = "idempotency-key";

/// Largest API response the portal reads (exports are streamed to the browser elsewhere).
const MAX_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Where API calls go.
#[derive(Clone)]
pub struct Api {
    transport: Transport,
}

#[derive(Clone)]
enum Transport {
    InProcess(Router),
    Remote { base: String, http: reqwest::Client },
}

/// Who is calling: the session token (if signed in) and the reader's language.
#[derive(Debug, Clone, Copy)]
pub struct Caller<'a> {
    pub token: Option<&'a str>,
    pub lang: Lang,
}

pub use wire::{FieldError, Problem};

/// Why an API call gave no usable answer.
#[derive(Debug)]
pub enum ApiError {
    /// The API answered with a problem (4xx/5xx). Boxed: results carry it on every call path.
    Problem(Box<Problem>),
    /// The API could not be reached or answered something unreadable.
    Transport(String),
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            Self::Problem(p) => StatusCode::from_u16(p.status).unwrap_or(StatusCode::BAD_GATEWAY),
            Self::Transport(_) => StatusCode::BAD_GATEWAY,
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Problem(p) => write!(f, "{} {}: {}", p.status, p.code, p.detail),
            Self::Transport(e) => write!(f, "API unreachable: {e}"),
        }
    }
}

/// A raw answer: status, content type and body.
pub struct Raw {
    pub status: StatusCode,
    pub content_type: Option<String>,
    pub content_disposition: Option<String>,
    pub body: Bytes,
}

impl Api {
    /// Calls the API routers of this process.
    pub fn in_process(router: Router) -> Self {
        Self {
            transport: Transport::InProcess(router),
        }
    }

    /// Calls the API at `base` (for example `http://ingress:8080`).
    pub fn remote(base: &str) -> Self {
        Self {
            transport: Transport::Remote {
                base: base.trim_end_matches('/').to_owned(),
                http: reqwest::Client::new(),
            },
        }
    }

    pub async fn get<T: DeserializeOwned>(
        &self,
        caller: Caller<'_>,
        path: &str,
    ) -> Result<T, ApiError> {
        decode(
            self.send(caller, Method::GET, path, Body::empty(), None)
                .await?,
        )
    }

    pub async fn post<T: DeserializeOwned>(
        &self,
        caller: Caller<'_>,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        self.json(caller, Method::POST, path, body).await
    }

    pub async fn json<T: DeserializeOwned>(
        &self,
        caller: Caller<'_>,
        method: Method,
        path: &str,
        body: &impl Serialize,
    ) -> Result<T, ApiError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Transport(e.to_string()))?;
        decode(
            self.send(
                caller,
                method,
                path,
                Body::from(bytes),
                Some("application/json"),
            )
            .await?,
        )
    }

    /// A POST the API de-duplicates by `Idempotency-Key`: a form submitted twice (double click,
    /// reload after a timeout) creates one record. The key is made when the form is shown.
    pub async fn post_once<T: DeserializeOwned>(
        &self,
        caller: Caller<'_>,
        path: &str,
        body: &impl Serialize,
        idempotency_key: &str,
    ) -> Result<T, ApiError> {
        let bytes = serde_json::to_vec(body).map_err(|e| ApiError::Transport(e.to_string()))?;
        let raw = self
            .send_with(
                caller,
                Method::POST,
                path,
                Body::from(bytes),
                Some("application/json"),
                Some(idempotency_key),
            )
            .await?;
        decode(raw)
    }

    /// A call whose success has no body worth reading (logout, mark read, delete).
    pub async fn send_empty(
        &self,
        caller: Caller<'_>,
        method: Method,
        path: &str,
    ) -> Result<(), ApiError> {
        let raw = self.send(caller, method, path, Body::empty(), None).await?;
        check(&raw)?;
        Ok(())
    }

    /// Any call; non-2xx answers become [`ApiError::Problem`].
    pub async fn send(
        &self,
        caller: Caller<'_>,
        method: Method,
        path: &str,
        body: Body,
        content_type: Option<&str>,
    ) -> Result<Raw, ApiError> {
        self.send_with(caller, method, path, body, content_type, None)
            .await
    }

    async fn send_with(
        &self,
        caller: Caller<'_>,
        method: Method,
        path: &str,
        body: Body,
        content_type: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> Result<Raw, ApiError> {
        let headers = request_headers(caller, content_type, idempotency_key);
        let raw = match &self.transport {
            Transport::InProcess(router) => {
                let mut req = Request::builder().method(method).uri(path);
                if let Some(map) = req.headers_mut() {
                    map.extend(headers);
                }
                let req = req
                    .body(body)
                    .map_err(|e| ApiError::Transport(e.to_string()))?;
                let resp = router
                    .clone()
                    .oneshot(req)
                    .await
                    .map_err(|e| ApiError::Transport(e.to_string()))?;
                let (parts, body) = resp.into_parts();
                let body = http_body_util::Limited::new(body, MAX_RESPONSE_BYTES)
                    .collect()
                    .await
                    .map_err(|e| ApiError::Transport(e.to_string()))?
                    .to_bytes();
                Raw {
                    status: parts.status,
                    content_type: header_text(&parts.headers, header::CONTENT_TYPE),
                    content_disposition: header_text(&parts.headers, header::CONTENT_DISPOSITION),
                    body,
                }
            }
            Transport::Remote { base, http } => {
                let bytes = body
                    .collect()
                    .await
                    .map_err(|e| ApiError::Transport(e.to_string()))?
                    .to_bytes();
                let req = http
                    .request(method, format!("{base}{path}"))
                    .headers(headers)
                    .body(bytes);
                let mut resp = req
                    .send()
                    .await
                    .map_err(|e| ApiError::Transport(e.to_string()))?;
                let status = resp.status();
                let content_type = header_text(resp.headers(), header::CONTENT_TYPE);
                let content_disposition = header_text(resp.headers(), header::CONTENT_DISPOSITION);
                let mut body = bytes::BytesMut::new();
                while let Some(chunk) = resp
                    .chunk()
                    .await
                    .map_err(|e| ApiError::Transport(e.to_string()))?
                {
                    if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
                        return Err(ApiError::Transport(format!(
                            "API answer larger than {MAX_RESPONSE_BYTES} bytes"
                        )));
                    }
                    body.extend_from_slice(&chunk);
                }
                Raw {
                    status,
                    content_type,
                    content_disposition,
                    body: body.freeze(),
                }
            }
        };
        check(&raw)?;
        Ok(raw)
    }
}

/// The headers of every API call: the reader's token, language, and what the body is.
fn request_headers(
    caller: Caller<'_>,
    content_type: Option<&str>,
    idempotency_key: Option<&str>,
) -> http::HeaderMap {
    let mut map = http::HeaderMap::new();
    let mut set = |name: header::HeaderName, value: &str| {
        if let Ok(v) = HeaderValue::from_str(value) {
            map.insert(name, v);
        }
    };
    if let Some(token) = caller.token {
        set(header::AUTHORIZATION, &format!("Bearer {token}"));
    }
    set(header::ACCEPT_LANGUAGE, caller.lang.code());
    if let Some(ct) = content_type {
        set(header::CONTENT_TYPE, ct);
    }
    if let Some(key) = idempotency_key {
        set(header::HeaderName::from_static(IDEMPOTENCY_KEY), key);
    }
    map
}

fn header_text(headers: &http::HeaderMap, name: header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

fn check(raw: &Raw) -> Result<(), ApiError> {
    if raw.status.is_success() {
        return Ok(());
    }
    let mut problem: Problem = serde_json::from_slice(&raw.body).unwrap_or_default();
    problem.status = raw.status.as_u16();
    Err(ApiError::Problem(Box::new(problem)))
}

fn decode<T: DeserializeOwned>(raw: Raw) -> Result<T, ApiError> {
    serde_json::from_slice(&raw.body)
        .map_err(|e| ApiError::Transport(format!("unreadable API answer: {e}")))
}

/// Builds `path?k=v&…` from pairs, skipping empty values and encoding the rest.
pub fn with_query(path: &str, pairs: &[(&str, String)]) -> String {
    let mut out = String::from(path);
    let mut first = !path.contains('?');
    for (k, v) in pairs {
        if v.is_empty() {
            continue;
        }
        out.push(if first { '?' } else { '&' });
        first = false;
        out.push_str(k);
        out.push('=');
        out.push_str(&urlencode(v));
    }
    out
}

/// Percent-encodes a query value (RFC 3986 unreserved characters pass).
pub fn urlencode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_skips_empty_values_and_encodes_the_rest() {
        let q = with_query(
            "/api/v1/search",
            &[
                ("q", "水稻 收获".to_owned()),
                ("industry", String::new()),
                ("page", "2".to_owned()),
            ],
        );
        assert_eq!(
            q,
            "/api/v1/search?q=%E6%B0%B4%E7%A8%BB%20%E6%94%B6%E8%8E%B7&page=2"
        );
        assert_eq!(
            with_query("/x?a=1", &[("b", "&".to_owned())]),
            "/x?a=1&b=%26"
        );
    }
}
