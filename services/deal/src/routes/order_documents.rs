//! `/api/v1/service-orders/{id}/documents`: quotes, test reports and delivery notes attached to
//! a service order. An upload is the raw file as the request body (any `Content-Type`: the
//! content decides), described by query parameters, streamed to the document store; a download
//! streams it back.

use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use platform::auth::AuthUser;
use platform::documents::{body_stream, declared_length, FileMeta};
use platform::error::{ApiError, ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use wire::services::OrderDocumentOut;
use wire::{Page, PageParams};

use crate::domain::order_documents::{self, UploadParams};
use crate::DealState;

/// The routes of these resources, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    // Uploads have their own limit (`documents.max_bytes`), enforced while streaming; the
    // default body limit is for JSON.
    let upload = OpenApiRouter::new()
        .routes(routes!(list_documents, upload_document))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::new()
        .merge(upload)
        .routes(routes!(download_document))
}

/// Attach a document to a service order (the provider's or the requester's members): the raw
/// file is the body, streamed to the store. Its type is read from its content: PDF, PNG, JPEG,
/// TIFF, DOCX, XLSX, ODT or ODS; anything else is a 415. Larger than `documents.max_bytes` is a
/// 413. Nothing is kept from a refused or interrupted upload. The upload is a row of the
/// order's history. Anyone who may not see the order gets a 404; an operator a 403.
#[utoipa::path(post, path = "/api/v1/service-orders/{id}/documents", tag = "services", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Service order id"), UploadParams),
    request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The file itself"),
    responses((status = 201, body = OrderDocumentOut, headers(("Location" = String, description = "The document's download URL"))),
        (status = 400, body = Problem, content_type = "application/problem+json", description = "Bad query, empty or interrupted body"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn upload_document(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<UploadParams>,
    request: Request,
) -> ApiResult<Response> {
    let limit = state.config.documents.max_bytes;
    // A declared length over the limit is refused before a byte of the body is read, after
    // the order's own answer (404, 403) so the limit reveals nothing of a hidden order.
    if declared_length(request.headers()).is_some_and(|n| n > limit) {
        order_documents::side_of(&state.db, &caller, id).await?;
        return Err(ApiError::PayloadTooLarge(format!(
            "documents are limited to {limit} bytes"
        )));
    }
    let body = body_stream(request);
    let out = order_documents::upload(
        &state.db,
        &state.documents,
        &caller,
        id,
        params,
        body,
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

/// A service order's documents, newest first (its two sides and operators).
#[utoipa::path(get, path = "/api/v1/service-orders/{id}/documents", tag = "services", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Service order id"), PageParams),
    responses((status = 200, body = Page<OrderDocumentOut>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_documents(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<PageParams>,
) -> ApiResult<AppJson<Page<OrderDocumentOut>>> {
    order_documents::list(&state.db, &caller, id, params.page, params.per_page)
        .await
        .map(AppJson)
}

/// Download a document: streamed, with its stored type, `Content-Disposition: attachment` and
/// its SHA-256 in `X-Content-SHA256` (hex) and `Repr-Digest` (RFC 9530).
#[utoipa::path(get, path = "/api/v1/service-orders/{id}/documents/{document_id}", tag = "services", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Service order id"), ("document_id" = Uuid, Path, description = "Document id")),
    responses((status = 200, description = "The file, with the type its content showed when uploaded", content(
            (Vec<u8> = "application/pdf"), (Vec<u8> = "image/png"), (Vec<u8> = "image/jpeg"), (Vec<u8> = "image/tiff"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
            (Vec<u8> = "application/vnd.oasis.opendocument.text"),
            (Vec<u8> = "application/vnd.oasis.opendocument.spreadsheet"),
            (Vec<u8> = "application/octet-stream")),
            headers(("X-Content-SHA256" = String, description = "SHA-256 of the file, hex"), ("Content-Disposition" = String))),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn download_document(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath((id, document_id)): AppPath<(Uuid, Uuid)>,
) -> ApiResult<Response> {
    let download =
        order_documents::download(&state.db, &state.documents, &caller, id, document_id).await?;
    let doc = &download.document;
    platform::documents::download_response(
        &FileMeta {
            file_name: &doc.file_name,
            content_type: &doc.content_type,
            size_bytes: doc.size_bytes,
            sha256: &doc.sha256,
        },
        download.body,
    )
}
