//! `/api/v1/achievements/{id}/inventors` and `/evaluations`: what a technology-transfer
//! office records about an achievement — its inventors and the grant to them (赋权), and
//! third-party evaluations (成果评价).

use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::{AuthUser, MaybeUser};
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath};
use platform::ids::AchievementId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wire::tto::{EvaluationIn, EvaluationOut, OwnershipIn, OwnershipOut};

use crate::domain::{evaluations, inventors};
use crate::ListingState;

pub fn router() -> OpenApiRouter<ListingState> {
    OpenApiRouter::new()
        .routes(routes!(get_inventors, put_inventors))
        .routes(routes!(list_evaluations, create_evaluation))
}

/// An achievement's inventors and the grant to them (members of its organisation, operators).
#[utoipa::path(get, path = "/api/v1/achievements/{id}/inventors", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")),
    responses((status = 200, body = OwnershipOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_inventors(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<AchievementId>,
) -> ApiResult<AppJson<OwnershipOut>> {
    inventors::get(&state.db, &caller, id).await.map(AppJson)
}

/// Replace an achievement's inventors (shares in basis points summing to 10,000) and the
/// share of ownership or long-term use granted to them.
#[utoipa::path(put, path = "/api/v1/achievements/{id}/inventors", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")), request_body = OwnershipIn,
    responses((status = 200, body = OwnershipOut), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_inventors(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<AchievementId>,
    AppJson(input): AppJson<OwnershipIn>,
) -> ApiResult<AppJson<OwnershipOut>> {
    inventors::replace(&state.db, &caller, id, input)
        .await
        .map(AppJson)
}

/// An achievement's third-party evaluations, latest first (whoever may see the achievement).
#[utoipa::path(get, path = "/api/v1/achievements/{id}/evaluations", tag = "achievements", security((), ("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")),
    responses((status = 200, body = Vec<EvaluationOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_evaluations(
    State(state): State<ListingState>,
    MaybeUser(caller): MaybeUser,
    AppPath(id): AppPath<AchievementId>,
) -> ApiResult<AppJson<Vec<EvaluationOut>>> {
    evaluations::list(&state.db, caller.as_ref(), id)
        .await
        .map(AppJson)
}

/// Record a third-party evaluation (members of the achievement's organisation).
#[utoipa::path(post, path = "/api/v1/achievements/{id}/evaluations", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")), request_body = EvaluationIn,
    responses((status = 201, body = EvaluationOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_evaluation(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<AchievementId>,
    AppJson(input): AppJson<EvaluationIn>,
) -> ApiResult<(StatusCode, AppJson<EvaluationOut>)> {
    let out = evaluations::create(&state.db, &caller, id, input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}
