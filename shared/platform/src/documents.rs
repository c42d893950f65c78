//! Documents over HTTP, for every service that keeps files in the document store (`docstore`):
//! deal's contract documents, listing's dossier files, grant and evaluation-report documents.
//!
//! The store itself streams, limits, types by content and hashes; what lives here is what each
//! service would otherwise copy: the store's refusals as problem answers ([`put_error`],
//! [`read_error`]), the shown name of an upload ([`display_name`]), the upload task that
//! writes the bytes and then the row and removes the bytes again when the row fails
//! ([`store_then_record`]), a download's headers ([`download_response`]) and the sweep of bytes
//! no row points at ([`sweep_orphans`]). Which rows exist and who may read them stays in each
//! service: each owns its own namespace of keys (`contracts/…`, `listings/…`), so one
//! service's sweep never lists, let alone deletes, another's bytes.

use std::collections::HashSet;
use std::future::Future;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use docstore::{ByteStream, DocumentKey, DocumentStore, PutError, StoreError, Stored};
use futures::{StreamExt, TryStreamExt};

use crate::error::{ApiError, ApiResult};

/// Carries a download's SHA-256 (lowercase hex), as recorded when it was uploaded.
pub const CONTENT_SHA256: HeaderName = HeaderName::from_static("x-content-sha256");
/// RFC 9530's digest of the representation: `sha-256=:<base64>:`.
pub const REPR_DIGEST: HeaderName = HeaderName::from_static("repr-digest");

/// How long a stored object may go without a row before [`sweep_orphans`] removes it: an
/// upload writes its bytes first and its row right after, so a young object may still be
/// waiting for its row.
pub const ORPHAN_GRACE: chrono::Duration = chrono::Duration::hours(1);

/// The name shown for an upload: the last part of whatever path the client sent, without
/// control characters, at most 200 characters; a type-appropriate default when nothing is left.
pub fn display_name(raw: Option<&str>, ext: &str) -> String {
    let last = raw.unwrap_or("").rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().trim_matches('.').trim().to_owned();
    if cleaned.is_empty() {
        format!("document.{ext}")
    } else {
        cleaned
    }
}

/// A refused or failed write as the caller's answer: 413, 415, 400, or 503 for the store.
pub fn put_error(err: PutError) -> ApiError {
    match err {
        PutError::TooLarge { limit } => {
            ApiError::PayloadTooLarge(format!("documents are limited to {limit} bytes"))
        }
        PutError::Unsupported => ApiError::UnsupportedMediaType(format!(
            "the file's content is not an accepted document type; accepted: {}",
            docstore::DocumentType::ALL
                .iter()
                .map(|t| t.extension().to_uppercase())
                .collect::<Vec<_>>()
                .join(", ")
        )),
        PutError::Empty => ApiError::BadRequest("the file is empty".to_owned()),
        PutError::Body(e) => ApiError::BadRequest(format!("the upload was interrupted: {e}")),
        PutError::Store(e) => {
            tracing::error!(error = %format!("{e:#}"), "document store write failed");
            ApiError::Unavailable("document store".to_owned())
        }
    }
}

/// A failed read: a row whose bytes are gone is our fault (500), a store that does not answer
/// is a 503.
pub fn read_error(err: StoreError) -> ApiError {
    match err {
        StoreError::NotFound(key) => {
            ApiError::Internal(anyhow::anyhow!("document bytes missing at {key}"))
        }
        StoreError::Other(e) => {
            tracing::error!(error = %format!("{e:#}"), "document store read failed");
            ApiError::Unavailable("document store".to_owned())
        }
    }
}

/// A key read back from a row, checked again (a malformed one is our fault).
pub fn stored_key(key: &str) -> ApiResult<DocumentKey> {
    DocumentKey::parse(key).map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))
}

/// The `Content-Length` a request declares, if it declares one that parses.
pub fn declared_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
}

/// A request's body as the store reads it: a stream of chunks, never collected whole.
pub fn body_stream(request: Request) -> ByteStream {
    request
        .into_body()
        .into_data_stream()
        .map_err(std::io::Error::other)
        .boxed()
}

/// Removes a document's bytes once no row points at them (a deleted row, a row that failed to
/// be written). Called after the database has its answer, so a failure here leaves bytes no
/// row points at — logged, and removed by the prefix's [`sweep_orphans`] — never a row pointing
/// at nothing.
pub async fn remove_bytes(store: &dyn DocumentStore, key: &DocumentKey) {
    if let Err(e) = store.delete(key).await {
        tracing::error!(error = %e, key = %key, "could not remove a document's bytes");
    }
}

/// Streams `body` to `key`, then runs `record` (which writes and audits the row) with what was
/// stored; when `record` fails the bytes are removed again, so a failed upload leaves nothing.
///
/// Both run on a task of their own: if the request is dropped midway (the client goes away,
/// the request times out), the task still either finishes both or cleans up, so a dropped
/// request cannot leave bytes without a row. The request id follows the task into the audit.
pub async fn store_then_record<T, F, Fut>(
    store: &Arc<dyn DocumentStore>,
    key: DocumentKey,
    body: ByteStream,
    max_bytes: u64,
    record: F,
) -> ApiResult<T>
where
    T: Send + 'static,
    F: FnOnce(Stored) -> Fut + Send + 'static,
    Fut: Future<Output = ApiResult<T>> + Send + 'static,
{
    let store = store.clone();
    let request_id = crate::audit::current_request_id();
    let task = async move {
        let stored = store.put(&key, body, max_bytes).await.map_err(put_error)?;
        let recorded = crate::audit::with_request_id(request_id, record(stored)).await;
        if recorded.is_err() {
            remove_bytes(store.as_ref(), &key).await;
        }
        recorded
    };
    tokio::spawn(task)
        .await
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("document upload task failed: {e}")))?
}

/// What a download's headers say about the file, as its row recorded it.
pub struct FileMeta<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub size_bytes: i64,
    /// Lowercase hex.
    pub sha256: &'a str,
}

/// A download: streamed, with its stored type and length, `Content-Disposition: attachment`,
/// no caching, and its SHA-256 in `X-Content-SHA256` (hex) and `Repr-Digest` (RFC 9530).
pub fn download_response(meta: &FileMeta<'_>, body: ByteStream) -> ApiResult<Response> {
    let value =
        |v: String| HeaderValue::from_str(&v).map_err(|e| ApiError::Internal(anyhow::anyhow!(e)));
    let digest = hex::decode(meta.sha256)
        .map(|raw| base64::engine::general_purpose::STANDARD.encode(raw))
        .map_err(|e| ApiError::Internal(anyhow::anyhow!(e)))?;
    let headers = [
        (header::CONTENT_TYPE, value(meta.content_type.to_owned())?),
        (header::CONTENT_LENGTH, value(meta.size_bytes.to_string())?),
        (
            header::CONTENT_DISPOSITION,
            value(content_disposition(meta.file_name))?,
        ),
        (
            header::CACHE_CONTROL,
            HeaderValue::from_static("private, no-store"),
        ),
        (CONTENT_SHA256, value(meta.sha256.to_owned())?),
        (REPR_DIGEST, value(format!("sha-256=:{digest}:"))?),
    ];
    Ok((headers, Body::from_stream(body)).into_response())
}

/// `attachment` with the name twice: an ASCII fallback (`filename`, anything else replaced)
/// and the exact name (`filename*`, RFC 5987 percent-encoding), so neither quotes nor line
/// breaks nor non-ASCII can break out of the header.
pub fn content_disposition(name: &str) -> String {
    let ascii: String = name
        .chars()
        .map(|c| {
            if (c.is_ascii_graphic() && c != '"' && c != '\\') || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&b) {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// Removes the bytes under `namespace` that no live row points at, written before `cutoff`:
/// what a process killed between storing the bytes and committing the row left behind, and
/// the bytes of a deleted document whose removal failed. `live` answers which of a chunk of
/// keys (at most 500) a live row of the namespace's owner names. Unfinished writes are not the
/// store's to list (a killed multipart upload: the bucket's lifecycle rule aborts it).
/// Returns how many were removed.
pub async fn sweep_orphans<L, Fut>(
    store: &Arc<dyn DocumentStore>,
    namespace: &str,
    cutoff: chrono::DateTime<chrono::Utc>,
    mut live: L,
) -> anyhow::Result<u64>
where
    L: FnMut(Vec<String>) -> Fut,
    Fut: Future<Output = anyhow::Result<HashSet<String>>>,
{
    // `list` takes a prefix; the trailing slash keeps `contracts` from matching a namespace
    // that merely starts with the same letters.
    let old: Vec<DocumentKey> = store
        .list(namespace)
        .await?
        .into_iter()
        .filter(|l| l.modified < cutoff)
        .filter(|l| l.key.as_str().starts_with(&format!("{namespace}/")))
        .map(|l| l.key)
        .collect();
    let mut removed = 0;
    for chunk in old.chunks(500) {
        let names: Vec<String> = chunk.iter().map(ToString::to_string).collect();
        let live = live(names).await?;
        for key in chunk {
            if !live.contains(key.as_str()) {
                store.delete(key).await?;
                removed += 1;
            }
        }
    }
    Ok(removed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_keep_only_a_name() {
        assert_eq!(display_name(Some("../../etc/passwd"), "pdf"), "passwd");
        assert_eq!(
            display_name(Some("C:\\Users\\a\\合同.pdf"), "pdf"),
            "合同.pdf"
        );
        assert_eq!(display_name(Some(".."), "pdf"), "document.pdf");
        assert_eq!(display_name(Some("a\r\nb.pdf"), "pdf"), "ab.pdf");
        assert_eq!(display_name(None, "png"), "document.png");
        assert_eq!(display_name(Some(&"x".repeat(500)), "pdf").len(), 200);
    }

    #[test]
    fn content_disposition_cannot_be_broken_out_of() {
        assert_eq!(
            content_disposition("合同 v2.pdf"),
            "attachment; filename=\"__ v2.pdf\"; filename*=UTF-8''%E5%90%88%E5%90%8C%20v2.pdf"
        );
        let evil = content_disposition("a\".pdf\r\nSet-Cookie: x=1");
        assert!(HeaderValue::from_str(&evil).is_ok(), "{evil}");
        assert!(!evil.contains('\r') && !evil.contains('\n'));
        assert!(
            evil.starts_with("attachment; filename=\"a_.pdf__Set-Cookie: x=1\""),
            "{evil}"
        );
    }
}
