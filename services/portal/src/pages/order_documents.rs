//! The documents of a service order on its page (`/orders/{id}`, section `#documents`): the
//! list with download links and the upload form. Files pass through the portal as streams both
//! ways (`pages::files`), as contract documents do; who may see or attach what is the API's
//! business (the order's two sides; everyone else gets its 404).

use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use super::path_id;
use crate::api::with_query;
use crate::i18n::Tr;
use crate::page::PageResult;
use crate::pages::files::{self, Uploaded};
use crate::session::Viewer;
use crate::Portal;
use wire::services::OrderDocumentOut;
use wire::{OrderDocumentKind, Page};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route(
            "/orders/{id}/documents",
            // The file streams through to the API, which enforces the size limit.
            post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/orders/{id}/documents/{document}", get(download))
}

/// One row of the list.
pub struct DocumentRow {
    pub href: String,
    pub name: String,
    pub kind: String,
    pub uploaded: String,
    pub sha256_short: String,
}

/// The documents section of an order page.
#[derive(Default)]
pub struct DocumentsView {
    pub rows: Vec<DocumentRow>,
    /// (code, label) of every kind, for the upload form.
    pub kinds: Vec<(String, String)>,
    /// Why the last upload was refused (a catalog key), from `?doc_error=`.
    pub error: Option<&'static str>,
}

fn kind_label(t: &Tr, kind: OrderDocumentKind) -> String {
    t.t(&format!("svc.doc_kind_{}", kind.as_str())).to_owned()
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

/// Reads the order's documents for its page. A list that cannot be read shows as empty: the
/// order itself was readable, and the rest of the page should not fail for it.
pub async fn load(portal: &Portal, viewer: &Viewer, order: &str) -> DocumentsView {
    let t = Tr::new(viewer.lang);
    let path = format!("/api/v1/service-orders/{order}/documents?per_page=100");
    let docs = match portal
        .api
        .get::<Page<OrderDocumentOut>>(viewer.caller(), &path)
        .await
    {
        Ok(page) => page.items,
        Err(err) => {
            tracing::warn!(error = %err, "order documents could not be read");
            Vec::new()
        }
    };
    DocumentsView {
        rows: docs
            .into_iter()
            .map(|d| DocumentRow {
                href: format!("/orders/{order}/documents/{}", d.id),
                name: d.file_name,
                kind: kind_label(&t, d.kind),
                uploaded: d.created_at.format("%Y-%m-%d %H:%M").to_string(),
                sha256_short: d.sha256.chars().take(12).collect(),
            })
            .collect(),
        kinds: OrderDocumentKind::ALL
            .iter()
            .map(|k| (k.as_str().to_owned(), kind_label(&t, *k)))
            .collect(),
        error: error_of(&viewer.path),
    }
}

fn back(order: &str, query: &str) -> Response {
    Redirect::to(&format!("/orders/{order}?{query}#documents")).into_response()
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
            .unwrap_or_else(|| OrderDocumentKind::Other.as_str().to_owned());
        with_query(
            &format!("/api/v1/service-orders/{id}/documents"),
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
        &format!("/api/v1/service-orders/{id}/documents/{document}"),
    )
    .await
}
