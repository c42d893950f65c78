//! `/api/v1/brokers`: broker profiles and their verification.

use crate::DealState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::{AuthUser, MaybeUser};
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::domain::brokers::{
    self, BrokerIn, BrokerListParams, BrokerOut, BrokerPatch, VerificationIn,
};
use crate::domain::{training, Page};

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_brokers, create_broker))
        .routes(routes!(get_broker, update_broker))
        .routes(routes!(verify_broker))
}

/// Verified brokers (operators: any status), filterable by field, region, language, level.
#[utoipa::path(get, path = "/api/v1/brokers", tag = "brokers", security((), ("bearer" = [])), params(BrokerListParams),
    responses((status = 200, body = Page<BrokerOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_brokers(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppQuery(params): AppQuery<BrokerListParams>,
) -> ApiResult<AppJson<Page<BrokerOut>>> {
    let mut page = brokers::list(&state.db, caller.as_ref(), &params).await?;
    training::attach(&state.db, &mut page.items).await?;
    Ok(AppJson(page))
}

/// Create your own broker profile; an operator verifies it.
#[utoipa::path(post, path = "/api/v1/brokers", tag = "brokers", security(("bearer" = [])), request_body = BrokerIn,
    responses((status = 201, body = BrokerOut), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_broker(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<BrokerIn>,
) -> ApiResult<(StatusCode, AppJson<BrokerOut>)> {
    let m = brokers::create(&state.db, &caller, input).await?;
    Ok((
        StatusCode::CREATED,
        one(&state, brokers::broker_out(m)?).await?,
    ))
}

/// One broker profile (unverified ones only to themselves and operators).
#[utoipa::path(get, path = "/api/v1/brokers/{id}", tag = "brokers", security((), ("bearer" = [])), params(("id" = Uuid, Path, description = "Broker id")),
    responses((status = 200, body = BrokerOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_broker(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<BrokerOut>> {
    let m = brokers::find_visible(&state.db, id, caller.as_ref()).await?;
    one(&state, brokers::broker_out(m)?).await
}

/// Edit a profile (the broker or an operator); `version` required. Changing the certification
/// sends a verified profile back for verification.
#[utoipa::path(patch, path = "/api/v1/brokers/{id}", tag = "brokers", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Broker id")),
    request_body = BrokerPatch,
    responses((status = 200, body = BrokerOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn update_broker(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<BrokerPatch>,
) -> ApiResult<AppJson<BrokerOut>> {
    let m = brokers::update(&state.db, &caller, id, input).await?;
    one(&state, brokers::broker_out(m)?).await
}

/// Verify or reject a profile (operators).
#[utoipa::path(post, path = "/api/v1/brokers/{id}/verification", tag = "brokers", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Broker id")),
    request_body = VerificationIn,
    responses((status = 200, body = BrokerOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn verify_broker(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<VerificationIn>,
) -> ApiResult<AppJson<BrokerOut>> {
    let m = brokers::verify(&state.db, &caller, id, input).await?;
    one(&state, brokers::broker_out(m)?).await
}

/// A profile with its training hours and certificates.
async fn one(state: &DealState, out: BrokerOut) -> ApiResult<AppJson<BrokerOut>> {
    let mut items = [out];
    training::attach(&state.db, &mut items).await?;
    let [out] = items;
    Ok(AppJson(out))
}
