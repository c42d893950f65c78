//! `/api/v1/fx-rates`: exchange rates to CNY, with source and date (operators add them).

use crate::DealState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::fx::{self, FxListParams, FxRateIn, FxRateOut};
use crate::domain::Page;

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new().routes(routes!(list_rates, create_rate))
}

/// Rates, newest first.
#[utoipa::path(get, path = "/api/v1/fx-rates", tag = "fx-rates", params(FxListParams), responses((status = 200, body = Page<FxRateOut>)))]
async fn list_rates(
    State(state): State<DealState>,
    AppQuery(params): AppQuery<FxListParams>,
) -> ApiResult<AppJson<Page<FxRateOut>>> {
    fx::list(&state.db, &params).await.map(AppJson)
}

/// Add a rate (operators): CNY per unit of a foreign currency on a date, with its source.
#[utoipa::path(post, path = "/api/v1/fx-rates", tag = "fx-rates", security(("bearer" = [])), request_body = FxRateIn,
    responses((status = 201, body = FxRateOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_rate(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<FxRateIn>,
) -> ApiResult<(StatusCode, AppJson<FxRateOut>)> {
    let m = fx::create(&state.db, &caller, input).await?;
    Ok((StatusCode::CREATED, AppJson(fx::fx_rate_out(m))))
}
