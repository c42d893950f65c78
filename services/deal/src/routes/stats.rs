//! `/api/v1/stats`: turnover (from the monthly rollups), drill-down to the contracts, export,
//! progress toward targets, ASEAN share, broker performance and platform KPIs.

use crate::DealState;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use platform::auth::{AuthUser, MaybeUser};
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::export::{self, Format};
use crate::domain::stats::{
    self, AseanOut, Audience, BrokerPerformance, BrokerStatsParams, DrillOut, Kpis, TargetsOut,
    TargetsParams, TurnoverOut, TurnoverParams,
};
use crate::domain::Page;

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(turnover))
        .routes(routes!(turnover_contracts))
        .routes(routes!(turnover_export))
        .routes(routes!(targets))
        .routes(routes!(asean))
        .routes(routes!(partner_groups))
        .routes(routes!(brokers))
        .routes(routes!(kpis))
}

/// Registered turnover grouped by year, month, city, contract type, industry or country, on
/// an output or absorption basis, by contract or technology amount (CNY fen).
#[utoipa::path(get, path = "/api/v1/stats/turnover", tag = "stats", security((), ("bearer" = [])), params(TurnoverParams),
    responses((status = 200, body = TurnoverOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "source=raw by a non-operator")))]
async fn turnover(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppQuery(params): AppQuery<TurnoverParams>,
) -> ApiResult<AppJson<TurnoverOut>> {
    let (params, audience) = reading(&state, caller.as_ref(), params).await?;
    stats::turnover_for(&state.db, &params, audience)
        .await
        .map(AppJson)
}

fn audience(state: &DealState, caller: Option<&AuthUser>) -> Audience {
    Audience::of(caller, state.config.deal.stats_min_cell_contracts)
}

/// The query as `caller` may ask it and the audience they read as: the operators of city
/// offices read their city (`platform::city_scope::cities`, `stats::confine`) as operators; everyone
/// else as before.
async fn reading(
    state: &DealState,
    caller: Option<&AuthUser>,
    params: TurnoverParams,
) -> ApiResult<(TurnoverParams, Audience)> {
    match platform::city_scope::cities(&state.db, caller).await? {
        Some(cities) => Ok((stats::confine(&params, &cities)?, Audience::Operator)),
        None => Ok((params, audience(state, caller))),
    }
}

/// The registered contracts a turnover figure sums (operators): give the same basis and the
/// row's keys as filters (`month=2026-03&city=450100`).
#[utoipa::path(get, path = "/api/v1/stats/turnover/contracts", tag = "stats", security(("bearer" = [])), params(TurnoverParams),
    responses((status = 200, body = DrillOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn turnover_contracts(
    State(state): State<DealState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<TurnoverParams>,
) -> ApiResult<AppJson<DrillOut>> {
    let params = match platform::city_scope::cities(&state.db, Some(&caller)).await? {
        Some(cities) => stats::confine(&params, &cities)?,
        None => {
            caller.require_operator()?;
            params
        }
    };
    stats::drill_down(&state.db, &params).await.map(AppJson)
}

/// The turnover figures as CSV or XLSX (`format=csv|xlsx`).
#[utoipa::path(get, path = "/api/v1/stats/turnover/export", tag = "stats", security((), ("bearer" = [])), params(TurnoverParams),
    responses((status = 200, description = "CSV or XLSX file", content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "source=raw by a non-operator")))]
async fn turnover_export(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppQuery(params): AppQuery<TurnoverParams>,
) -> ApiResult<Response> {
    let format = Format::parse(params.format.as_deref())?;
    let (params, audience) = reading(&state, caller.as_ref(), params).await?;
    let out = stats::turnover_for(&state.db, &params, audience).await?;
    let bytes = export::render(&out, format)?;
    let disposition = format!("attachment; filename=\"turnover.{}\"", format.extension());
    let mut res = bytes.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(format.content_type()),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        res.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}

/// Progress toward each target of a year: actual, percent, the monthly run-rate needed and a
/// projection at the current rate.
#[utoipa::path(get, path = "/api/v1/stats/targets", tag = "stats", params(TargetsParams), responses((status = 200, body = TargetsOut)))]
async fn targets(
    State(state): State<DealState>,
    AppQuery(params): AppQuery<TargetsParams>,
) -> ApiResult<AppJson<TargetsOut>> {
    stats::targets(&state.db, &params).await.map(AppJson)
}

/// Turnover with each ASEAN member (output and absorption) and its share.
#[utoipa::path(get, path = "/api/v1/stats/asean", tag = "stats", security((), ("bearer" = [])), params(TurnoverParams), responses((status = 200, body = AseanOut),
    (status = 403, body = Problem, content_type = "application/problem+json", description = "another city than a city office's own")))]
async fn asean(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppQuery(params): AppQuery<TurnoverParams>,
) -> ApiResult<AppJson<AseanOut>> {
    let (params, audience) = reading(&state, caller.as_ref(), params).await?;
    stats::asean(&state.db, &params, audience)
        .await
        .map(AppJson)
}

/// Turnover by the counterpart's partner group (domestic, ASEAN, other RCEP, Belt and Road,
/// other partners), output and absorption.
#[utoipa::path(get, path = "/api/v1/stats/partner-groups", tag = "stats", security((), ("bearer" = [])), params(TurnoverParams),
    responses((status = 200, body = wire::partners::PartnerGroupsOut),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "another city than a city office's own")))]
async fn partner_groups(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppQuery(params): AppQuery<TurnoverParams>,
) -> ApiResult<AppJson<wire::partners::PartnerGroupsOut>> {
    let (params, audience) = reading(&state, caller.as_ref(), params).await?;
    stats::partner_groups(&state.db, &state.config.countries, &params, audience)
        .await
        .map(AppJson)
}

/// Broker performance: deals, deals closed, registered turnover, median days to contract.
#[utoipa::path(get, path = "/api/v1/stats/brokers", tag = "stats", params(BrokerStatsParams), responses((status = 200, body = Page<BrokerPerformance>)))]
async fn brokers(
    State(state): State<DealState>,
    AppQuery(params): AppQuery<BrokerStatsParams>,
) -> ApiResult<AppJson<Page<BrokerPerformance>>> {
    stats::broker_performance(&state.db, &params)
        .await
        .map(AppJson)
}

/// The platform's KPIs.
#[utoipa::path(get, path = "/api/v1/stats/kpis", tag = "stats", responses((status = 200, body = Kpis)))]
async fn kpis(State(state): State<DealState>) -> ApiResult<AppJson<Kpis>> {
    stats::kpis(&state.db).await.map(AppJson)
}
