//! `/api/v1/contracts`: technology contracts, their milestones and cancellation. Creation
//! honours `Idempotency-Key`.

use crate::DealState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::auth::AuthUser;
use platform::error::{ApiResult, Problem};
use platform::extract::{parse_json, AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{json_response, to_json};
use crate::domain::contracts::{
    self, CancelIn, ContractIn, ContractListParams, ContractOut, ContractTypeOut, MilestoneDoneIn,
    MilestoneIn, MilestoneOut,
};
use crate::domain::deals::PageParams;
use crate::domain::idempotency::{self, Claim};
use crate::domain::Page;

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_contracts, create_contract))
        .routes(routes!(contract_types))
        .routes(routes!(get_contract))
        .routes(routes!(cancel_contract))
        .routes(routes!(list_milestones, add_milestone))
        .routes(routes!(complete_milestone))
}

/// Contracts you may see.
#[utoipa::path(get, path = "/api/v1/contracts", tag = "contracts", security(("bearer" = [])), params(ContractListParams),
    responses((status = 200, body = Page<ContractOut>)))]
async fn list_contracts(
    State(state): State<DealState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<ContractListParams>,
) -> ApiResult<AppJson<Page<ContractOut>>> {
    contracts::list(&state.db, &caller, &params)
        .await
        .map(AppJson)
}

/// Record a signed contract. Send an `Idempotency-Key` header: the same key and body return
/// the first result (with `Idempotent-Replayed: true`); the same key with another body is a 422.
#[utoipa::path(post, path = "/api/v1/contracts", tag = "contracts", security(("bearer" = [])), request_body = ContractIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: one contract per key")),
    responses((status = 201, body = ContractOut), (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_contract(
    State(state): State<DealState>,
    caller: AuthUser,
    headers: HeaderMap,
    AppJson(body): AppJson<serde_json::Value>,
) -> ApiResult<Response> {
    let key = idempotency::key_from(&headers)?;
    let input: ContractIn = parse_json(
        &serde_json::to_vec(&body).map_err(|e| platform::ApiError::BadRequest(e.to_string()))?,
    )?;
    match idempotency::claim(
        &state.db,
        caller.user_id.0,
        key,
        "POST",
        "/api/v1/contracts",
        &body,
    )
    .await?
    {
        Claim::Replay { status, body } => Ok(json_response(status, body, true)),
        Claim::Fresh { txn, key_id } => {
            let c = contracts::create(&txn, &caller, input).await?;
            let out = to_json(&contracts::to_out(&txn, c).await?)?;
            idempotency::complete(&txn, key_id, StatusCode::CREATED, &out).await?;
            txn.commit().await?;
            Ok(json_response(StatusCode::CREATED, out, false))
        }
    }
}

/// Contract types and subtypes of the Civil Code.
#[utoipa::path(get, path = "/api/v1/contracts/types", tag = "contracts", responses((status = 200, body = Vec<ContractTypeOut>)))]
async fn contract_types() -> AppJson<Vec<ContractTypeOut>> {
    AppJson(contracts::types())
}

/// One contract with its amounts, rate, cost lines, brokers and registration.
#[utoipa::path(get, path = "/api/v1/contracts/{id}", tag = "contracts", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Contract id")),
    responses((status = 200, body = ContractOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_contract(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<ContractOut>> {
    let c = contracts::get(&state.db, &caller, id).await?;
    contracts::to_out(&state.db, c).await.map(AppJson)
}

/// Cancel a contract that has no active registration; `version` required.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/cancel", tag = "contracts", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Contract id")),
    request_body = CancelIn,
    responses((status = 200, body = ContractOut), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn cancel_contract(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<CancelIn>,
) -> ApiResult<AppJson<ContractOut>> {
    let c = contracts::cancel(&state.db, &caller, id, input).await?;
    contracts::to_out(&state.db, c).await.map(AppJson)
}

/// A contract's milestones.
#[utoipa::path(get, path = "/api/v1/contracts/{id}/milestones", tag = "contracts", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Contract id"), PageParams),
    responses((status = 200, body = Page<MilestoneOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_milestones(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<PageParams>,
) -> ApiResult<AppJson<Page<MilestoneOut>>> {
    contracts::list_milestones(&state.db, &caller, id, params.page, params.per_page)
        .await
        .map(AppJson)
}

/// Add a milestone (amount in the contract's currency).
#[utoipa::path(post, path = "/api/v1/contracts/{id}/milestones", tag = "contracts", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Contract id")),
    request_body = MilestoneIn,
    responses((status = 201, body = MilestoneOut), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn add_milestone(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<MilestoneIn>,
) -> ApiResult<(StatusCode, AppJson<MilestoneOut>)> {
    let m = contracts::add_milestone(&state.db, &caller, id, input).await?;
    Ok((StatusCode::CREATED, AppJson(contracts::milestone_out(m)?)))
}

/// Mark a milestone done; `version` required.
#[utoipa::path(post, path = "/api/v1/contracts/{id}/milestones/{milestone_id}/done", tag = "contracts", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Contract id"), ("milestone_id" = Uuid, Path, description = "Milestone id")),
    request_body = MilestoneDoneIn,
    responses((status = 200, body = MilestoneOut), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn complete_milestone(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath((id, milestone_id)): AppPath<(Uuid, Uuid)>,
    AppJson(input): AppJson<MilestoneDoneIn>,
) -> ApiResult<AppJson<MilestoneOut>> {
    let m = contracts::complete_milestone(&state.db, &caller, id, milestone_id, input).await?;
    Ok(AppJson(contracts::milestone_out(m)?))
}
