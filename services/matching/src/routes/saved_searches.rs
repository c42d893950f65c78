//! `/api/v1/saved-searches`: alerts a person keeps.

use crate::MatchingState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::domain::alerts::{self, SavedSearchIn, SavedSearchOut};

pub fn router() -> OpenApiRouter<MatchingState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(delete))
}

/// Your saved searches and alerts.
#[utoipa::path(get, path = "/api/v1/saved-searches", tag = "notifications", security(("bearer" = [])),
    responses((status = 200, body = Vec<SavedSearchOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<MatchingState>,
    caller: AuthUser,
) -> ApiResult<AppJson<Vec<SavedSearchOut>>> {
    let rows = alerts::list_mine(&state.db, &caller).await?;
    Ok(AppJson(rows.into_iter().map(alerts::out).collect()))
}

/// Save a search (alert on new listings) or ask for new-match alerts; email optional.
#[utoipa::path(post, path = "/api/v1/saved-searches", tag = "notifications", security(("bearer" = [])), request_body = SavedSearchIn,
    responses((status = 201, body = SavedSearchOut), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppJson(input): AppJson<SavedSearchIn>,
) -> ApiResult<(StatusCode, AppJson<SavedSearchOut>)> {
    let row = alerts::create(&state.db, &caller, input).await?;
    Ok((StatusCode::CREATED, AppJson(alerts::out(row))))
}

/// Delete one of your saved searches.
#[utoipa::path(delete, path = "/api/v1/saved-searches/{id}", tag = "notifications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Saved search id")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<StatusCode> {
    alerts::delete(&state.db, &caller, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
