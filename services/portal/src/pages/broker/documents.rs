//! The documents of a contract on its page (`/contracts/{id}`, section `#documents`): the list
//! with download links, the upload form and deleting one's own uploads. Files pass through the
//! portal as streams in both directions (`pages::files`): an upload goes to
//! `POST /api/v1/contracts/{id}/documents` as the browser sends it, a download comes back as
//! the API sends it. Who may see what is the API's business (the contract's own rule).

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use http::Method;

use super::path_id;
use crate::api::with_query;
use crate::i18n::{Lang, Tr};
use crate::page::PageResult;
use crate::pages::files::{self, Uploaded};
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
            let mine = me.is_some_and(|m| m.is_operator || m.user_id.0 == d.uploaded_by);
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

/// Receives the upload form and streams its file to the API.
async fn upload(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let Ok(multipart) = multipart else {
        return Ok(back(&id, "doc_error=unreadable"));
    };
    let api_path = |fields: &std::collections::HashMap<String, String>, file_name: String| {
        let kind = fields
            .get("kind")
            .cloned()
            .unwrap_or_else(|| ContractDocumentKind::Other.as_str().to_owned());
        with_query(
            &format!("/api/v1/contracts/{id}/documents"),
            &[("kind", kind), ("file_name", file_name)],
        )
    };
    match files::forward_upload(&portal, &viewer, multipart, api_path).await {
        Ok(Uploaded::Saved) => Ok(back(&id, "flash=saved")),
        Ok(Uploaded::Refused(code)) => Ok(back(&id, &format!("doc_error={code}"))),
        Err(err) => Err(viewer.fail(err)),
    }
}

/// Streams a document from the API to the browser.
async fn download(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, document)): Path<(String, String)>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let document = path_id(&document).ok_or_else(|| viewer.not_found())?;
    files::pass_download(
        &portal,
        &viewer,
        &format!("/api/v1/contracts/{id}/documents/{document}"),
    )
    .await
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
