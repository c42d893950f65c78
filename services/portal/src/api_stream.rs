//! API calls whose bodies are streamed both ways (documents): an upload goes to the API as the
//! browser sends it, a download reaches the browser as the API sends it, so the portal never
//! holds a whole file. The other calls collect their (small, JSON) answers.

use axum::body::Body;
use futures::TryStreamExt;
use http::{Method, Request, Response};
use http_body_util::BodyExt;
use tower::ServiceExt;

use super::{check, request_headers, Api, ApiError, Caller, Raw, Transport};

/// Largest problem answer read from a refused streamed call.
const MAX_PROBLEM_BYTES: usize = 64 * 1024;

impl Api {
    /// Sends `body` as it comes and returns the API's answer with its body still streaming.
    /// A non-2xx answer is read (bounded) into [`ApiError::Problem`].
    pub async fn stream(
        &self,
        caller: Caller<'_>,
        method: Method,
        path: &str,
        body: Body,
        content_type: Option<&str>,
    ) -> Result<Response<Body>, ApiError> {
        let headers = request_headers(caller, content_type, None);
        let resp = match &self.transport {
            Transport::InProcess(router) => {
                let mut req = Request::builder().method(method).uri(path);
                if let Some(map) = req.headers_mut() {
                    map.extend(headers);
                }
                let req = req
                    .body(body)
                    .map_err(|e| ApiError::Transport(e.to_string()))?;
                router
                    .clone()
                    .oneshot(req)
                    .await
                    .map_err(|e| ApiError::Transport(e.to_string()))?
            }
            Transport::Remote { base, http } => {
                let resp = http
                    .request(method, format!("{base}{path}"))
                    .headers(headers)
                    .body(reqwest::Body::wrap_stream(body.into_data_stream()))
                    .send()
                    .await
                    .map_err(|e| ApiError::Transport(e.to_string()))?;
                let mut out = Response::builder().status(resp.status());
                if let Some(map) = out.headers_mut() {
                    map.extend(resp.headers().clone());
                }
                let stream = resp.bytes_stream().map_err(std::io::Error::other);
                out.body(Body::from_stream(stream))
                    .map_err(|e| ApiError::Transport(e.to_string()))?
            }
        };
        if resp.status().is_success() {
            return Ok(resp);
        }
        let (parts, body) = resp.into_parts();
        let body = http_body_util::Limited::new(body, MAX_PROBLEM_BYTES)
            .collect()
            .await
            .map(|b| b.to_bytes())
            .unwrap_or_default();
        let raw = Raw {
            status: parts.status,
            content_type: None,
            content_disposition: None,
            body,
        };
        check(&raw)?;
        Err(ApiError::Transport(format!(
            "API answered {} without a problem",
            parts.status
        )))
    }
}
