//! Files through the portal, both ways, never held whole: an upload form's file streams on to
//! an API upload route as the browser sends it, a download streams back as the API sends it.
//! Contract documents (`broker::documents`) and an achievement's files (`tto`) both use these.
//! Who may upload or read what is the API's business.

use std::collections::HashMap;

use axum::body::{Body, Bytes};
use axum::extract::Multipart;
use axum::response::Response;
use http::{header, HeaderName, Method, StatusCode};

use crate::api::ApiError;
use crate::page::PageResult;
use crate::session::Viewer;
use crate::Portal;

/// Largest text field read from an upload form before its file (a code or an id).
const MAX_FIELD_BYTES: usize = 64;

/// How an upload form ended, for the page it returns to.
pub enum Uploaded {
    /// Stored.
    Saved,
    /// Refused; the code names why (`too_large`, `unsupported`, `empty`, `no_file`,
    /// `unreadable`) for the page's `doc_error=`.
    Refused(&'static str),
}

/// Reads an upload form — small text fields first, then `file` (browsers keep the form's
/// order) — and streams the file to the API path `api_path` makes of the fields read and the
/// file's name. The API's refusals come back as [`Uploaded::Refused`]; anything else (a 404,
/// the API unreachable) is the error.
pub async fn forward_upload(
    portal: &Portal,
    viewer: &Viewer,
    mut multipart: Multipart,
    api_path: impl FnOnce(&HashMap<String, String>, String) -> String,
) -> Result<Uploaded, ApiError> {
    let mut fields = HashMap::new();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(Uploaded::Refused("no_file")),
            Err(_) => return Ok(Uploaded::Refused("unreadable")),
        };
        let Some(name) = field.name().map(str::to_owned) else {
            continue;
        };
        if name != "file" {
            let mut text = Vec::new();
            while let Ok(Some(chunk)) = field.chunk().await {
                text.extend_from_slice(&chunk);
                if text.len() > MAX_FIELD_BYTES {
                    return Ok(Uploaded::Refused("unreadable"));
                }
            }
            fields.insert(name, String::from_utf8_lossy(&text).trim().to_owned());
            continue;
        }
        let file_name = field.file_name().unwrap_or("").to_owned();
        if file_name.is_empty() {
            return Ok(Uploaded::Refused("no_file"));
        }
        let path = api_path(&fields, file_name);
        // The field borrows the form, so it cannot become a body of its own: a channel carries
        // its chunks, and both ends run here, side by side.
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
        let body = Body::from_stream(futures::stream::unfold(rx, |mut rx| async move {
            rx.recv().await.map(|item| (item, rx))
        }));
        let pump = async move {
            loop {
                let item = match field.chunk().await {
                    Ok(Some(chunk)) => Ok(chunk),
                    Ok(None) => break,
                    Err(e) => Err(std::io::Error::other(e.to_string())),
                };
                let failed = item.is_err();
                // The API stopped reading (refused the file): stop too.
                if tx.send(item).await.is_err() || failed {
                    break;
                }
            }
        };
        let call = portal.api.stream(
            viewer.caller(),
            Method::POST,
            &path,
            body,
            Some("application/octet-stream"),
        );
        let ((), result) = tokio::join!(pump, call);
        return match result {
            Ok(_) => Ok(Uploaded::Saved),
            Err(ApiError::Problem(p)) if p.status == 413 => Ok(Uploaded::Refused("too_large")),
            Err(ApiError::Problem(p)) if p.status == 415 => Ok(Uploaded::Refused("unsupported")),
            Err(ApiError::Problem(p)) if p.status == 400 || p.status == 422 => {
                Ok(Uploaded::Refused("empty"))
            }
            Err(err) => Err(err),
        };
    }
}

/// Headers of the API's download passed on to the browser.
const PASSED_ON: [HeaderName; 6] = [
    header::CONTENT_TYPE,
    header::CONTENT_LENGTH,
    header::CONTENT_DISPOSITION,
    header::CACHE_CONTROL,
    HeaderName::from_static("x-content-sha256"),
    HeaderName::from_static("repr-digest"),
];

/// Streams a file from the API path `path` to the browser, with its type, name and hash.
pub async fn pass_download(portal: &Portal, viewer: &Viewer, path: &str) -> PageResult {
    let resp = portal
        .api
        .stream(viewer.caller(), Method::GET, path, Body::empty(), None)
        .await
        .map_err(|e| viewer.fail(e))?;
    let (parts, body) = resp.into_parts();
    let mut out = Response::new(body);
    *out.status_mut() = StatusCode::OK;
    for name in PASSED_ON {
        if let Some(value) = parts.headers.get(&name) {
            out.headers_mut().insert(name, value.clone());
        }
    }
    Ok(out)
}
