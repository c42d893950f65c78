//! `/api/v1/orgs/*`: organisation profiles, members, verification.

use axum::extract::State;
use shared::auth::{AuthUser, MaybeUser};
use shared::error::{ApiResult, Problem};
use shared::extract::{AppJson, AppPath};
use shared::ids::OrganisationId;
use shared::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::accounts::{self, UserOut};
use crate::domain::organisations::{self, OrganisationOut, VerificationIn};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(get_organisation))
        .routes(routes!(list_members))
        .routes(routes!(decide_verification))
}

/// An organisation's profile. Unverified organisations are visible to their members and
/// operators only.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "organisations",
    params(("id" = uuid::Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, body = OrganisationOut),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
async fn get_organisation(
    State(state): State<AppState>,
    MaybeUser(caller): MaybeUser,
    AppPath(id): AppPath<OrganisationId>,
) -> ApiResult<AppJson<OrganisationOut>> {
    let org = organisations::find_visible(&state.db, id, caller.as_ref()).await?;
    Ok(AppJson(org.into()))
}

/// Members of an organisation (its members and operators only).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/members", tag = "organisations",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, body = Vec<UserOut>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_members(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(id): AppPath<OrganisationId>,
) -> ApiResult<AppJson<Vec<UserOut>>> {
    accounts::list_members(&state.db, &caller, id).await.map(AppJson)
}

/// Verify or reject an organisation (operators).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/verification", tag = "organisations",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id")),
    request_body = VerificationIn,
    responses(
        (status = 200, body = OrganisationOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn decide_verification(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(id): AppPath<OrganisationId>,
    AppJson(input): AppJson<VerificationIn>,
) -> ApiResult<AppJson<OrganisationOut>> {
    let org = organisations::decide_verification(&state.db, &caller, id, &input).await?;
    Ok(AppJson(org.into()))
}
