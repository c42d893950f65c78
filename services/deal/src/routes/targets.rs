//! `/api/v1/targets`: the targets statistics report against, editable per year by operators.

use crate::DealState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::domain::targets::{self, TargetIn, TargetListParams, TargetOut, TargetPatch};
use crate::domain::Page;

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_targets, create_target))
        .routes(routes!(update_target))
}

/// Targets by year and indicator.
#[utoipa::path(get, path = "/api/v1/targets", tag = "targets", params(TargetListParams), responses((status = 200, body = Page<TargetOut>)))]
async fn list_targets(
    State(state): State<DealState>,
    AppQuery(params): AppQuery<TargetListParams>,
) -> ApiResult<AppJson<Page<TargetOut>>> {
    targets::list(&state.db, &params).await.map(AppJson)
}

/// Add a year's target for an indicator (operators).
#[utoipa::path(post, path = "/api/v1/targets", tag = "targets", security(("bearer" = [])), request_body = TargetIn,
    responses((status = 201, body = TargetOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn create_target(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<TargetIn>,
) -> ApiResult<(StatusCode, AppJson<TargetOut>)> {
    let m = targets::create(&state.db, &caller, input).await?;
    Ok((StatusCode::CREATED, AppJson(targets::target_out(m))))
}

/// Edit a target (operators); `version` required.
#[utoipa::path(patch, path = "/api/v1/targets/{id}", tag = "targets", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Target id")),
    request_body = TargetPatch,
    responses((status = 200, body = TargetOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn update_target(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<TargetPatch>,
) -> ApiResult<AppJson<TargetOut>> {
    targets::update(&state.db, &caller, id, input)
        .await
        .map(|m| AppJson(targets::target_out(m)))
}
