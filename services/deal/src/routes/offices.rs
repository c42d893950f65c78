//! `/api/v1/offices`: registration offices and their operators, each office's queue of
//! submitted contracts, its batch intake of registered contracts and its statistics reports;
//! `/api/v1/certificates/{code}`: the public certificate check.

use crate::DealState;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use platform::auth::AuthUser;
use platform::error::{ApiError, ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use platform::upload::read_spreadsheet;
use serde::Deserialize;
use spreadsheet::{Format as SheetFormat, Table};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use wire::ImportMode;

use crate::domain::export::Format;
use crate::domain::offices::{self, OfficeIn, OfficeOperatorOut, OfficeOut, OperatorIn};
use crate::domain::registration_file::{self, CertificateOut, QueueParams, RegistrationFileOut};
use crate::domain::registration_imports::{self, RegistrationImportOut};
use crate::domain::{certificate_pdf, reports, Page};

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    // Uploads have their own limit (`server.import_limit_bytes`), enforced in the handler.
    let upload = OpenApiRouter::new()
        .routes(routes!(start_import, list_imports))
        .layer(DefaultBodyLimit::disable());
    OpenApiRouter::new()
        .merge(upload)
        .routes(routes!(list_offices, create_office))
        .routes(routes!(my_offices))
        .routes(routes!(list_operators, add_operator))
        .routes(routes!(remove_operator))
        .routes(routes!(queue))
        .routes(routes!(get_import))
        .routes(routes!(import_template))
        .routes(routes!(report))
        .routes(routes!(registration_file))
        .routes(routes!(certificate_pdf))
        .routes(routes!(verify_certificate))
}

/// Every registration office.
#[utoipa::path(get, path = "/api/v1/offices", tag = "offices", security(("bearer" = [])),
    responses((status = 200, body = Vec<OfficeOut>)))]
async fn list_offices(
    State(state): State<DealState>,
    _caller: AuthUser,
) -> ApiResult<AppJson<Vec<OfficeOut>>> {
    offices::list(&state.db).await.map(AppJson)
}

/// The offices you act for (your memberships; platform operators with none: the provincial
/// office).
#[utoipa::path(get, path = "/api/v1/offices/mine", tag = "offices", security(("bearer" = [])),
    responses((status = 200, body = Vec<OfficeOut>)))]
async fn my_offices(
    State(state): State<DealState>,
    caller: AuthUser,
) -> ApiResult<AppJson<Vec<OfficeOut>>> {
    offices::mine(&state.db, &caller).await.map(AppJson)
}

/// Create a city office (登记点) (administrators: platform operators of the provincial office).
#[utoipa::path(post, path = "/api/v1/offices", tag = "offices", security(("bearer" = [])), request_body = OfficeIn,
    responses((status = 201, body = OfficeOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_office(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<OfficeIn>,
) -> ApiResult<(StatusCode, AppJson<OfficeOut>)> {
    let office = offices::create(&state.db, &caller, input).await?;
    Ok((StatusCode::CREATED, AppJson(offices::office_out(office)?)))
}

/// An office's operators (its operators and administrators).
#[utoipa::path(get, path = "/api/v1/offices/{id}/operators", tag = "offices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Office id")),
    responses((status = 200, body = Vec<OfficeOperatorOut>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_operators(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<Vec<OfficeOperatorOut>>> {
    offices::operators(&state.db, &caller, id)
        .await
        .map(AppJson)
}

/// List a person as an operator of the office (administrators).
#[utoipa::path(post, path = "/api/v1/offices/{id}/operators", tag = "offices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Office id")), request_body = OperatorIn,
    responses((status = 201, body = Vec<OfficeOperatorOut>), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_operator(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<OperatorIn>,
) -> ApiResult<(StatusCode, AppJson<Vec<OfficeOperatorOut>>)> {
    offices::add_operator(&state.db, &caller, id, input).await?;
    let all = offices::operators(&state.db, &caller, id).await?;
    Ok((StatusCode::CREATED, AppJson(all)))
}

/// Remove a person from the office's operators (administrators).
#[utoipa::path(delete, path = "/api/v1/offices/{id}/operators/{user_id}", tag = "offices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Office id"), ("user_id" = Uuid, Path, description = "User id")),
    responses((status = 204), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn remove_operator(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath((id, user_id)): AppPath<(Uuid, Uuid)>,
) -> ApiResult<StatusCode> {
    offices::remove_operator(&state.db, &caller, id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The office's registrations by status (default: submitted, waiting for a decision), oldest
/// first, as registration files (the office's operators).
#[utoipa::path(get, path = "/api/v1/offices/{id}/queue", tag = "offices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Office id"), QueueParams),
    responses((status = 200, body = Page<RegistrationFileOut>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn queue(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<QueueParams>,
) -> ApiResult<AppJson<Page<RegistrationFileOut>>> {
    registration_file::queue(&state.db, &caller, id, &params)
        .await
        .map(AppJson)
}

/// The registration file of a registration you may see: the form's fields, parties (on the
/// platform or recorded), the decision and the certificate's verification link.
#[utoipa::path(get, path = "/api/v1/registrations/{id}/file", tag = "registrations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Registration id")),
    responses((status = 200, body = RegistrationFileOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn registration_file(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<RegistrationFileOut>> {
    registration_file::get(&state.db, &caller, id)
        .await
        .map(AppJson)
}

/// The registration certificate as PDF (whoever may see the registration): registration
/// number, parties, amounts, dates, office, verification code and link, in Chinese and
/// English, in the system's CJK font (embedded as a subset). 409 when the contract is not
/// registered; 503 when no usable font is installed (`documents.pdf_font`).
#[utoipa::path(get, path = "/api/v1/registrations/{id}/certificate.pdf", tag = "registrations", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Registration id")),
    responses((status = 200, description = "The certificate", content_type = "application/pdf", body = Vec<u8>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "Not registered: no certificate"),
        (status = 503, body = Problem, content_type = "application/problem+json", description = "No usable CJK font")))]
async fn certificate_pdf(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<Response> {
    let file = registration_file::get(&state.db, &caller, id).await?;
    let not_registered = || {
        ApiError::conflict(
            "not_registered",
            "this contract is not registered: no certificate",
        )
    };
    let code = file
        .verification_url
        .as_deref()
        .and_then(|u| u.rsplit('/').next())
        .filter(|c| !c.is_empty())
        .map(str::to_owned)
        .ok_or_else(not_registered)?;
    let number = file
        .registration_number
        .clone()
        .ok_or_else(not_registered)?;
    // Absolute when the platform knows its public address, so a printed certificate can be
    // checked by typing the link.
    let base = state
        .config
        .server
        .public_url
        .as_deref()
        .unwrap_or("")
        .trim_end_matches('/');
    let verify_url = format!("{base}{}", registration_file::verification_path(&code));
    let lines = certificate_pdf::lines(&file, &verify_url, &code)?;
    let config = state.config.documents.clone();
    let disposition = format!("inline; filename=\"certificate-{}.pdf\"", file.id);
    let pdf = tokio::task::spawn_blocking(move || {
        certificate_pdf::render(&config, &lines, &number, &code, &verify_url)
    })
    .await
    .map_err(|e| ApiError::Internal(anyhow::anyhow!("certificate task failed: {e}")))??;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/pdf"),
            ),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition).map_err(|e| ApiError::Internal(e.into()))?,
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            ),
        ],
        pdf,
    )
        .into_response())
}

/// Check a registration certificate by the verification code printed on it (public). A code
/// no registration carries — a forged certificate — is a 404.
#[utoipa::path(get, path = "/api/v1/certificates/{code}", tag = "offices",
    params(("code" = String, Path, description = "The certificate's verification code")),
    responses((status = 200, body = CertificateOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn verify_certificate(
    State(state): State<DealState>,
    AppPath(code): AppPath<String>,
) -> ApiResult<AppJson<CertificateOut>> {
    registration_file::verify(&state.db, &code)
        .await
        .map(AppJson)
}

/// Parameters of an intake upload.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// `all_or_nothing` (default) or `valid_rows_only`.
    pub mode: Option<ImportMode>,
    /// Original file name; also tells CSV from XLSX when the content type does not.
    pub file_name: Option<String>,
}

/// Upload a spreadsheet of registered contracts (the template at
/// `/api/v1/offices/import-template`; the raw file as the body). The intake runs as a job:
/// poll `GET /api/v1/offices/imports/{id}` for progress and per-row errors.
#[utoipa::path(post, path = "/api/v1/offices/{id}/imports", tag = "offices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Office id"), ImportParams),
    request_body(content = Vec<u8>, content_type = "text/csv", description = "The file; XLSX also accepted"),
    responses((status = 202, body = RegistrationImportOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn start_import(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<ImportParams>,
    request: Request,
) -> ApiResult<Response> {
    // Who may upload is answered before the body is read or its format judged.
    offices::find(&state.db, id).await?;
    offices::ensure_acts_for(&state.db, &caller, id).await?;
    let upload = read_spreadsheet(
        request,
        params.file_name.clone(),
        state.config.server.import_limit_bytes,
    )
    .await?;
    let import = registration_imports::start(
        &state.db,
        &caller,
        id,
        params.mode.unwrap_or(ImportMode::AllOrNothing),
        upload.format,
        &upload.file_name,
        upload.bytes,
    )
    .await?;
    let location = HeaderValue::from_str(&format!("/api/v1/offices/imports/{}", import.id))
        .map_err(|e| ApiError::Internal(e.into()))?;
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        AppJson(registration_imports::import_out(import)?),
    )
        .into_response())
}

/// The office's latest intakes, newest first (without their error reports).
#[utoipa::path(get, path = "/api/v1/offices/{id}/imports", tag = "offices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Office id")),
    responses((status = 200, body = Vec<RegistrationImportOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_imports(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<Vec<RegistrationImportOut>>> {
    registration_imports::list(&state.db, &caller, id)
        .await
        .map(AppJson)
}

/// An intake's progress and its per-row error report.
#[utoipa::path(get, path = "/api/v1/offices/imports/{id}", tag = "offices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Import id")),
    responses((status = 200, body = RegistrationImportOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_import(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<RegistrationImportOut>> {
    let m = registration_imports::find_visible(&state.db, &caller, id).await?;
    Ok(AppJson(registration_imports::import_out(m)?))
}

/// File format and header language of a download.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TemplateParams {
    /// `csv` or `xlsx` (default).
    pub format: Option<String>,
    /// `zh` (default) or `en` headers.
    pub headers: Option<String>,
}

/// The intake template: the header row of the registration form's fields (see
/// `docs/registration-import.md`).
#[utoipa::path(get, path = "/api/v1/offices/import-template", tag = "offices",
    params(TemplateParams),
    responses((status = 200, description = "The template as XLSX or CSV (`format`)", content(
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (String = "text/csv"))), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn import_template(AppQuery(params): AppQuery<TemplateParams>) -> ApiResult<Response> {
    let format = match params.format.as_deref().unwrap_or("xlsx") {
        "csv" => SheetFormat::Csv,
        "xlsx" => SheetFormat::Xlsx,
        other => {
            return Err(ApiError::BadRequest(format!(
                "format: {other:?} is not csv or xlsx"
            )))
        }
    };
    let chinese = params.headers.as_deref() != Some("en");
    let table = Table {
        headers: registration_imports::headers(chinese),
        rows: Vec::new(),
    };
    let bytes = spreadsheet::write(format, &table)?;
    download(
        bytes,
        format.content_type(),
        &format!("registration-template.{}", format.as_str()),
    )
}

/// Period and format of a report.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    /// `YYYY` (annual) or `YYYY-MM` (monthly).
    pub period: String,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
}

/// The office's registration statistics for a month or a year, by contract type, technical
/// field, city, output or absorption, and ASEAN counterpart: the registrations of this one
/// office, for its operators and platform operators (who read every office's figures).
#[utoipa::path(get, path = "/api/v1/offices/{id}/reports", tag = "offices", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Office id"), ReportParams),
    responses((status = 200, description = "The report", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 400, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn report(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<ReportParams>,
) -> ApiResult<Response> {
    let format = Format::parse(Some(params.format.as_deref().unwrap_or("xlsx")))?;
    let bytes = reports::render(&state.db, &caller, id, &params.period, format).await?;
    let office = offices::find(&state.db, id).await?;
    download(
        bytes,
        format.content_type(),
        &format!(
            "registrations-{}-{}.{}",
            office
                .code
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', ""),
            params
                .period
                .replace(|c: char| !c.is_ascii_alphanumeric() && c != '-', ""),
            format.extension()
        ),
    )
}

fn download(bytes: Vec<u8>, content_type: &'static str, name: &str) -> ApiResult<Response> {
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
        .map_err(|e| ApiError::Internal(e.into()))?;
    let mut res = bytes.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    res.headers_mut()
        .insert(header::CONTENT_DISPOSITION, disposition);
    Ok(res)
}
