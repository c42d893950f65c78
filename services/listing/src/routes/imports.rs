//! `/api/v1/imports` and `/api/v1/exports`: spreadsheets in and out.

use crate::ListingState;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use platform::auth::AuthUser;
use platform::error::{ApiError, ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use platform::upload::read_spreadsheet;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::domain::imports::{self, ImportKind, ImportMode, ImportOut};
use crate::domain::spreadsheet::{self, Format, Table};

pub fn router() -> OpenApiRouter<ListingState> {
    // Uploads have their own, larger limit (`server.import_limit_bytes`), enforced in the
    // handler; the default body limit would refuse them first.
    let upload = OpenApiRouter::new()
        .routes(routes!(start_import, list_imports))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::new()
        .merge(upload)
        .routes(routes!(get_import))
        .routes(routes!(template))
        .routes(routes!(export))
}

/// Parameters of an upload.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `achievements` or `needs`.
    pub kind: ImportKind,
    /// `all_or_nothing` (default) or `valid_rows_only`.
    pub mode: Option<ImportMode>,
    /// Original file name; also used to tell CSV from XLSX when the content type does not.
    pub file_name: Option<String>,
}

/// Upload a CSV or XLSX file (the raw file as the body, `Content-Type: text/csv` or the XLSX
/// type). The import runs as a job: poll `GET /api/v1/imports/{id}` for progress and errors.
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", security(("bearer" = [])), params(ImportParams),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The file; XLSX also accepted"),
    responses((status = 202, body = ImportOut), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json", description = "The file is not of its format, or over a cap (unpacked size, rows, columns)")))]
async fn start_import(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<ImportParams>,
    request: Request,
) -> ApiResult<Response> {
    let upload = read_spreadsheet(
        request,
        params.file_name.clone(),
        state.config.server.import_limit_bytes,
    )
    .await?;
    let import = imports::start(
        &state.db,
        &caller,
        params.kind,
        params.mode.unwrap_or(ImportMode::AllOrNothing),
        upload.format,
        &upload.file_name,
        upload.bytes,
    )
    .await?;
    let location = HeaderValue::from_str(&format!("/api/v1/imports/{}", import.id))
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        AppJson(imports::import_out(import)?),
    )
        .into_response())
}

/// Your organisation's imports, newest first.
#[utoipa::path(get, path = "/api/v1/imports", tag = "imports", security(("bearer" = [])),
    responses((status = 200, body = Vec<ImportOut>)))]
async fn list_imports(
    State(state): State<ListingState>,
    caller: AuthUser,
) -> ApiResult<AppJson<Vec<ImportOut>>> {
    let rows = imports::list(&state.db, &caller).await?;
    let out = rows
        .into_iter()
        .map(imports::summary_out)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(AppJson(out))
}

/// An import's progress and its per-row error report.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Import id")),
    responses((status = 200, body = ImportOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_import(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<ImportOut>> {
    let m = imports::find_visible(&state.db, &caller, id).await?;
    Ok(AppJson(imports::import_out(m)?))
}

/// File format and header language of a download.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DownloadParams {
    /// `csv` or `xlsx` (default).
    pub format: Option<String>,
    /// `zh` for Chinese headers, `en` (default) for English ones.
    pub headers: Option<String>,
    /// Operators: whose listings to export (members export their own organisation's).
    pub organisation_id: Option<Uuid>,
}

fn download(format: Format, name: &str, table: &Table) -> ApiResult<Response> {
    let bytes = spreadsheet::write(format, table)?;
    let disposition = HeaderValue::from_str(&format!(
        "attachment; filename=\"{name}.{}\"",
        format.as_str()
    ))
    .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(format.content_type()),
            ),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        Body::from(bytes),
    )
        .into_response())
}

fn parse_format(params: &DownloadParams) -> ApiResult<Format> {
    match params.format.as_deref() {
        None => Ok(Format::Xlsx),
        Some(f) => Format::parse(f).ok_or_else(|| ApiError::field("format", "must be csv or xlsx")),
    }
}

/// An empty import template for `kind` (`achievements` or `needs`).
#[utoipa::path(get, path = "/api/v1/imports/template/{kind}", tag = "imports",
    params(("kind" = ImportKind, Path, description = "achievements or needs"), DownloadParams),
    responses((status = 200, description = "The template file")))]
async fn template(
    AppPath(kind): AppPath<ImportKind>,
    AppQuery(params): AppQuery<DownloadParams>,
) -> ApiResult<Response> {
    let format = parse_format(&params)?;
    let table = Table {
        headers: imports::headers(kind, params.headers.as_deref() == Some("zh")),
        rows: Vec::new(),
    };
    download(
        format,
        &format!("techmarket-{}-template", kind.as_str()),
        &table,
    )
}

/// Your organisation's listings as XLSX or CSV, in the import format.
#[utoipa::path(get, path = "/api/v1/exports/{kind}", tag = "imports", security(("bearer" = [])),
    params(("kind" = ImportKind, Path, description = "achievements or needs"), DownloadParams),
    responses((status = 200, description = "The file"), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn export(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(kind): AppPath<ImportKind>,
    AppQuery(params): AppQuery<DownloadParams>,
) -> ApiResult<Response> {
    let format = parse_format(&params)?;
    let org = match params.organisation_id {
        Some(org) if caller.is_operator || caller.belongs_to(org.into()) => org,
        Some(_) => {
            return Err(ApiError::Forbidden(
                "you may export your own organisation's listings only".to_owned(),
            ))
        }
        None => caller.require_organisation()?.0,
    };
    let table = imports::export(
        &state.db,
        kind,
        org,
        params.headers.as_deref() == Some("zh"),
    )
    .await?;
    // An export carries an organisation's whole list out of the platform: who took it, and
    // how much, is on the record.
    platform::audit::AuditEntry { actor: Some(&caller), service: crate::SERVICE, action: "listings.export", entity_type: "organisation", entity_id: org }
        .record(&state.db, None::<&()>, Some(&serde_json::json!({"kind": kind.as_str(), "format": format.as_str(), "rows": table.rows.len()})))
        .await?;
    download(format, &format!("techmarket-{}", kind.as_str()), &table)
}
