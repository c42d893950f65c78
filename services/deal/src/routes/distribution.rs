//! `/api/v1/distribution`: income-distribution rules (the organisation's default and an
//! achievement's override), statements from the ledger (JSON, CSV, XLSX) and the annual
//! 成果转化 report; and `/api/v1/deals/{id}/price`, the price on the publicity board.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use platform::auth::AuthUser;
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use wire::tto::{DealPriceIn, DealPriceOut, DistributionRuleIn, DistributionRuleOut, StatementOut};

use crate::domain::distribution::{self, StatementParams};
use crate::domain::export::Format;
use crate::domain::prices;
use crate::DealState;

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(get_rule, put_rule))
        .routes(routes!(get_achievement_rule, put_achievement_rule))
        .routes(routes!(statement))
        .routes(routes!(annual_report))
        .routes(routes!(get_price, put_price))
}

fn file(bytes: Vec<u8>, content_type: &'static str, name: &str) -> Response {
    let mut res = bytes.into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// Your organisation's distribution rule (404 until set).
#[utoipa::path(get, path = "/api/v1/distribution/rule", tag = "distribution", security(("bearer" = [])),
    responses((status = 200, body = DistributionRuleOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_rule(
    State(state): State<DealState>,
    caller: AuthUser,
) -> ApiResult<AppJson<DistributionRuleOut>> {
    distribution::organisation_rule(&state.db, &caller)
        .await
        .map(AppJson)
}

/// Set your organisation's distribution rule (admins): five parts in basis points summing to
/// 10,000; `version` when changing it.
#[utoipa::path(put, path = "/api/v1/distribution/rule", tag = "distribution", security(("bearer" = [])), request_body = DistributionRuleIn,
    responses((status = 200, body = DistributionRuleOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_rule(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<DistributionRuleIn>,
) -> ApiResult<AppJson<DistributionRuleOut>> {
    distribution::set_organisation_rule(&state.db, &caller, input)
        .await
        .map(AppJson)
}

/// An achievement's own rule, overriding the organisation's (admins of its organisation).
#[utoipa::path(get, path = "/api/v1/distribution/achievements/{id}/rule", tag = "distribution", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Achievement id")),
    responses((status = 200, body = DistributionRuleOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_achievement_rule(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<DistributionRuleOut>> {
    distribution::achievement_rule(&state.db, &caller, id)
        .await
        .map(AppJson)
}

/// Set an achievement's own rule (admins of its organisation).
#[utoipa::path(put, path = "/api/v1/distribution/achievements/{id}/rule", tag = "distribution", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Achievement id")), request_body = DistributionRuleIn,
    responses((status = 200, body = DistributionRuleOut), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_achievement_rule(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<DistributionRuleIn>,
) -> ApiResult<AppJson<DistributionRuleOut>> {
    distribution::set_achievement_rule(&state.db, &caller, id, input)
        .await
        .map(AppJson)
}

/// Ledger lines: all of your organisation's for its admins, only your own as an inventor
/// otherwise. `format=csv|xlsx` for a file.
#[utoipa::path(get, path = "/api/v1/distribution/statement", tag = "distribution", security(("bearer" = [])), params(StatementParams),
    responses((status = 200, body = StatementOut), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn statement(
    State(state): State<DealState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<StatementParams>,
) -> ApiResult<Response> {
    let format = match params.format.as_deref() {
        None | Some("json") => None,
        other => Some(Format::parse(other)?),
    };
    let out = distribution::statement(&state.db, &caller, &params).await?;
    match format {
        None => Ok(AppJson(out).into_response()),
        Some(f) => {
            let bytes = distribution::render_statement(&out, f)?;
            Ok(file(
                bytes,
                f.content_type(),
                &format!("statement.{}", f.extension()),
            ))
        }
    }
}

/// `?year=` of the annual report (default: this year).
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ReportParams {
    pub year: Option<i32>,
}

/// Your organisation's annual 成果转化 report as XLSX (admins): contracts, amounts, income,
/// distributed shares.
#[utoipa::path(get, path = "/api/v1/distribution/report", tag = "distribution", security(("bearer" = [])), params(ReportParams),
    responses((status = 200, description = "XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn annual_report(
    State(state): State<DealState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<ReportParams>,
) -> ApiResult<Response> {
    let year = params.year.unwrap_or_else(distribution::this_year);
    let bytes = distribution::annual_report(&state.db, &caller, year).await?;
    Ok(file(
        bytes,
        Format::Xlsx.content_type(),
        &format!("transfer-report-{year}.xlsx"),
    ))
}

/// A deal's price and how it was set (those who may see the deal).
#[utoipa::path(get, path = "/api/v1/deals/{id}/price", tag = "deals", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Deal id")),
    responses((status = 200, body = DealPriceOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_price(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<DealPriceOut>> {
    prices::get(&state.db, &caller, id).await.map(AppJson)
}

/// State the deal's price and how it was set, for the publicity board (the seller).
#[utoipa::path(put, path = "/api/v1/deals/{id}/price", tag = "deals", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Deal id")), request_body = DealPriceIn,
    responses((status = 200, body = DealPriceOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_price(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<DealPriceIn>,
) -> ApiResult<AppJson<DealPriceOut>> {
    prices::set(&state.db, &caller, id, input)
        .await
        .map(AppJson)
}
