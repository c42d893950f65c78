//! `/api/v1/achievements/{id}/documents`: an achievement's files — the confidential dossier's
//! documents, the inventors' grant document, evaluation reports. An upload is the raw file as
//! the request body (the content decides its type), described by query parameters and
//! streamed to the document store; a download streams it back. Who may read each kind is in
//! `domain::listing_documents`.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use platform::auth::{AuthUser, MaybeUser};
use platform::documents::{body_stream, declared_length, download_response, FileMeta};
use platform::error::{ApiError, ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use platform::ids::AchievementId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use wire::documents::ListingDocumentOut;

use super::disclosure::client;
use crate::domain::listing_documents::{self, ListParams, UploadParams};
use crate::ListingState;

pub fn router() -> OpenApiRouter<ListingState> {
    // Uploads have their own limit (`documents.max_bytes`), enforced while streaming; the
    // default body limit is for JSON.
    let upload = OpenApiRouter::new()
        .routes(routes!(list_documents, upload_document))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::new()
        .merge(upload)
        .routes(routes!(download_document, delete_document))
}

/// Attach a file to an achievement (members of its organisation): a dossier document, the
/// inventors' grant document, or an evaluation's report (`evaluation_id`). The raw file is the
/// body; its type is read from its content: PDF, PNG, JPEG, TIFF, DOCX, XLSX, ODT or ODS,
/// anything else is a 415; larger than `documents.max_bytes` is a 413. Nothing is kept from a
/// refused or interrupted upload.
#[utoipa::path(post, path = "/api/v1/achievements/{id}/documents", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file itself"),
    responses((status = 201, body = ListingDocumentOut, headers(("Location" = String, description = "The file's download URL"))),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "Empty or interrupted body"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Too many files of this kind"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "evaluation_id missing, foreign or out of place")))]
async fn upload_document(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<AchievementId>,
    AppQuery(params): AppQuery<UploadParams>,
    request: Request,
) -> ApiResult<Response> {
    let limit = state.config.documents.max_bytes;
    // A declared length over the limit is refused before a byte of the body is read; a
    // caller who may not upload here gets the 404 first, whatever the body.
    if declared_length(request.headers()).is_some_and(|n| n > limit) {
        let m = crate::domain::achievements::find(&state.db, id).await?;
        if !caller.belongs_to(m.organisation_id.into()) {
            return Err(ApiError::not_found(format!("files of achievement {id}")));
        }
        return Err(ApiError::PayloadTooLarge(format!(
            "documents are limited to {limit} bytes"
        )));
    }
    let out = listing_documents::upload(
        &state.db,
        &state.documents,
        &caller,
        id,
        params,
        body_stream(request),
        limit,
    )
    .await?;
    let location =
        HeaderValue::from_str(&out.download_url).map_err(|e| ApiError::Internal(e.into()))?;
    Ok((
        StatusCode::CREATED,
        [(header::LOCATION, location)],
        AppJson(out),
    )
        .into_response())
}

/// An achievement's files of one kind, newest first: dossier files for the owner and
/// organisations granted access, the grant document for the owner and operators, evaluation
/// reports for whoever may see the achievement. 404 for anyone else.
#[utoipa::path(get, path = "/api/v1/achievements/{id}/documents", tag = "achievements", security((), ("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id"), ListParams),
    responses((status = 200, body = Vec<ListingDocumentOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_documents(
    State(state): State<ListingState>,
    MaybeUser(caller): MaybeUser,
    AppPath(id): AppPath<AchievementId>,
    AppQuery(params): AppQuery<ListParams>,
) -> ApiResult<AppJson<Vec<ListingDocumentOut>>> {
    listing_documents::list(&state.db, caller.as_ref(), id, params.kind)
        .await
        .map(AppJson)
}

/// Download a file (the readers of its kind; 404 for anyone else): streamed, with its stored
/// type, `Content-Disposition: attachment` and its SHA-256 in `X-Content-SHA256` (hex) and
/// `Repr-Digest` (RFC 9530). A dossier file's download is written to the owner's access log.
#[utoipa::path(get, path = "/api/v1/achievements/{id}/documents/{document_id}", tag = "achievements", security((), ("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id"), ("document_id" = Uuid, Path, description = "File id")),
    responses((status = 200, description = "The file", content(
            (Vec<u8> = "application/pdf"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/tiff"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/vnd.oasis.opendocument.text"),
            (Vec<u8> = "application/vnd.oasis.opendocument.spreadsheet"),
            (Vec<u8> = "application/octet-stream")),
            headers(("X-Content-SHA256" = String, description = "SHA-256 of the file, hex"), ("Content-Disposition" = String))),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn download_document(
    State(state): State<ListingState>,
    MaybeUser(caller): MaybeUser,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    AppPath((id, document_id)): AppPath<(AchievementId, Uuid)>,
) -> ApiResult<Response> {
    let addr = client(&state, &headers, peer);
    let download = listing_documents::download(
        &state.db,
        &state.documents,
        caller.as_ref(),
        id,
        document_id,
        addr,
    )
    .await?;
    let doc = &download.document;
    download_response(
        &FileMeta {
            file_name: &doc.file_name,
            content_type: &doc.content_type,
            size_bytes: doc.size_bytes,
            sha256: &doc.sha256,
        },
        download.body,
    )
}

/// Delete a file (members of the owning organisation; 403 for other readers, 404 for
/// everyone else). Audited; the row stays, marked deleted, so the access log still names it.
#[utoipa::path(delete, path = "/api/v1/achievements/{id}/documents/{document_id}", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id"), ("document_id" = Uuid, Path, description = "File id")),
    responses((status = 204, description = "Deleted"), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_document(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath((id, document_id)): AppPath<(AchievementId, Uuid)>,
) -> ApiResult<StatusCode> {
    listing_documents::delete(&state.db, &state.documents, &caller, id, document_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
