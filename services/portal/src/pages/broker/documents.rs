//! The documents of a contract on its page (`/contracts/{id}`, section `#documents`): the list
//! with download links, the upload form and deleting one's own uploads. Files pass through the
//! portal as streams in both directions (`Api::stream`): an upload goes to
//! `POST /api/v1/contracts/{id}/documents` as the browser sends it, a download comes back as
//! the API sends it. Who may see what is the API's business (the contract's own rule).

use axum::body::{Body, Bytes};
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use http::{header, HeaderName, Method, StatusCode};

use super::path_id;
use crate::api::{with_query, ApiError};
use crate::i18n::{Lang, Tr};
use crate::page::PageResult;
use crate::session::Viewer;
use crate::Portal;
use wire::documents::ContractDocumentOut;
use wire::vocabulary::deal::ContractDocumentKind;
use wire::Page;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route(
            "/contracts/{id}/documents",
            // The file streams through to the API, which enforces the size limit; the
            // portal's own body limit is for forms.
            post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/contracts/{id}/documents/{document}", get(download))
        .route("/contracts/{id}/documents/{document}/delete", post(delete))
}

/// One row of the list.
pub struct DocumentRow {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub size: String,
    pub uploaded: String,
    pub sha256: String,
    pub sha256_short: String,
    pub delete_action: Option<String>,
}

/// The documents section of a contract page.
#[derive(Default)]
pub struct DocumentsView {
    pub rows: Vec<DocumentRow>,
    /// (code, label) of every kind, for the upload form.
    pub kinds: Vec<(String, String)>,
    /// Why the last upload was refused (a catalog key), from `?doc_error=`.
    pub error: Option<&'static str>,
}

fn kind_label(lang: Lang, kind: ContractDocumentKind) -> &'static str {
    if lang == Lang::Zh {
        kind.label_zh()
    } else {
        kind.label_en()
    }
}

/// `12.3 KB`, `4.5 MB`.
fn size_text(bytes: i64) -> String {
    let b = u32::try_from(bytes.max(0)).map_or(f64::from(u32::MAX), f64::from);
    if b < 1024.0 {
        format!("{b} B")
    } else if b < 1024.0 * 1024.0 {
        format!("{:.1} KB", b / 1024.0)
    } else {
        format!("{:.1} MB", b / (1024.0 * 1024.0))
    }
}

/// The refusal named in the page's query (`doc_error=too_large`), as a catalog key.
fn error_of(path: &str) -> Option<&'static str> {
    let query = path.split_once('?')?.1;
    let code = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("doc_error="))?;
    Some(match code {
        "too_large" => "docs.error_too_large",
        "unsupported" => "docs.error_unsupported",
        "empty" => "docs.error_empty",
        "no_file" => "docs.error_no_file",
        _ => "docs.error_unreadable",
    })
}

/// Reads the contract's documents for its page. A list that cannot be read shows as empty:
/// the contract itself was readable, and the rest of the page should not fail for it.
pub async fn load(portal: &Portal, viewer: &Viewer, contract: &str) -> DocumentsView {
    let t = Tr::new(viewer.lang);
    let path = format!("/api/v1/contracts/{contract}/documents?per_page=100");
    let docs = match portal
        .api
        .get::<Page<ContractDocumentOut>>(viewer.caller(), &path)
        .await
    {
        Ok(page) => page.items,
        Err(err) => {
            tracing::warn!(error = %err, "contract documents could not be read");
            Vec::new()
        }
    };
    let me = viewer.me.as_ref();
    let rows = docs
        .into_iter()
        .map(|d| {
            let mine = me.is_some_and(|m| m.is_operator || m.user_id == d.uploaded_by.to_string());
            DocumentRow {
                href: format!("/contracts/{contract}/documents/{}", d.id),
                name: d.file_name,
                kind: kind_label(t.lang, d.kind).to_owned(),
                size: size_text(d.size_bytes),
                uploaded: d.created_at.format("%Y-%m-%d %H:%M").to_string(),
                sha256_short: d.sha256.chars().take(12).collect(),
                sha256: d.sha256,
                delete_action: mine
                    .then(|| format!("/contracts/{contract}/documents/{}/delete", d.id)),
            }
        })
        .collect();
    DocumentsView {
        rows,
        kinds: ContractDocumentKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), kind_label(t.lang, *k).to_owned()))
            .collect(),
        error: error_of(&viewer.path),
    }
}

fn back(contract: &str, query: &str) -> Response {
    Redirect::to(&format!("/contracts/{contract}?{query}#documents")).into_response()
}

/// Largest `kind` field read from the form (a code of a few letters).
const MAX_KIND_BYTES: usize = 64;

/// Receives the upload form and streams its file to the API.
async fn upload(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let Ok(mut multipart) = multipart else {
        return Ok(back(&id, "doc_error=unreadable"));
    };
    // The form sends `kind` before `file` (browsers keep the form's order).
    let mut kind = ContractDocumentKind::Other.as_str().to_owned();
    loop {
        let mut field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(back(&id, "doc_error=no_file")),
            Err(_) => return Ok(back(&id, "doc_error=unreadable")),
        };
        match field.name() {
            Some("kind") => {
                let mut text = Vec::new();
                while let Ok(Some(chunk)) = field.chunk().await {
                    text.extend_from_slice(&chunk);
                    if text.len() > MAX_KIND_BYTES {
                        return Ok(back(&id, "doc_error=unreadable"));
                    }
                }
                kind = String::from_utf8_lossy(&text).trim().to_owned();
            }
            Some("file") => {
                let file_name = field.file_name().unwrap_or("").to_owned();
                if file_name.is_empty() {
                    return Ok(back(&id, "doc_error=no_file"));
                }
                let path = with_query(
                    &format!("/api/v1/contracts/{id}/documents"),
                    &[("kind", kind), ("file_name", file_name)],
                );
                // The field borrows the form, so it cannot become a body of its own: a channel
                // carries its chunks, and both ends run here, side by side.
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
                    Ok(_) => Ok(back(&id, "flash=saved")),
                    Err(ApiError::Problem(p)) if p.status == 413 => {
                        Ok(back(&id, "doc_error=too_large"))
                    }
                    Err(ApiError::Problem(p)) if p.status == 415 => {
                        Ok(back(&id, "doc_error=unsupported"))
                    }
                    Err(ApiError::Problem(p)) if p.status == 400 || p.status == 422 => {
                        Ok(back(&id, "doc_error=empty"))
                    }
                    Err(err) => Err(viewer.fail(err)),
                };
            }
            _ => {}
        }
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

/// Streams a document from the API to the browser.
async fn download(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, document)): Path<(String, String)>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let document = path_id(&document).ok_or_else(|| viewer.not_found())?;
    let path = format!("/api/v1/contracts/{id}/documents/{document}");
    let resp = portal
        .api
        .stream(viewer.caller(), Method::GET, &path, Body::empty(), None)
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

/// Deletes a document (the API allows its uploader and operators).
async fn delete(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, document)): Path<(String, String)>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let document = path_id(&document).ok_or_else(|| viewer.not_found())?;
    let path = format!("/api/v1/contracts/{id}/documents/{document}");
    portal
        .api
        .send_empty(viewer.caller(), Method::DELETE, &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(back(&id, "flash=deleted"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_and_refusals_read_as_words() {
        assert_eq!(size_text(512), "512 B");
        assert_eq!(size_text(1536), "1.5 KB");
        assert_eq!(size_text(5 * 1024 * 1024), "5.0 MB");
        assert_eq!(
            error_of("/contracts/x?doc_error=too_large"),
            Some("docs.error_too_large")
        );
        assert_eq!(
            error_of("/contracts/x?doc_error=<script>"),
            Some("docs.error_unreadable")
        );
        assert_eq!(error_of("/contracts/x?flash=saved"), None);
    }
}
