//! `/api/v1/orgs/*`: organisation profiles, members, verification.

use axum::extract::State;
use shared::auth::{AuthUser, MaybeUser};
use shared::error::{ApiResult, Problem};
use shared::extract::{AppJson, AppPath, AppQuery};
use shared::ids::{OrganisationId, UserId};
use shared::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::accounts::{self, SessionOut, UserOut};
use crate::domain::invitations::{self, AcceptIn, InvitationIn, InvitationOut, RoleIn};
use crate::domain::listings::Page;
use crate::domain::organisations::{self, OrganisationListParams, OrganisationOut, VerificationIn};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_organisations))
        .routes(routes!(get_organisation))
        .routes(routes!(list_members))
        .routes(routes!(decide_verification))
        .routes(routes!(invite))
        .routes(routes!(accept_invitation))
        .routes(routes!(set_role))
}

/// Organisations, oldest first, e.g. `verification_status=pending` for the verification
/// queue (operators only).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "organisations",
    security(("bearer" = [])),
    params(OrganisationListParams),
    responses(
        (status = 200, body = Page<OrganisationOut>),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_organisations(
    State(state): State<AppState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<OrganisationListParams>,
) -> ApiResult<AppJson<Page<OrganisationOut>>> {
    let (rows, total, page, per_page) = organisations::list(&state.db, &caller, &params).await?;
    let items = rows.into_iter().map(OrganisationOut::from).collect();
    Ok(AppJson(Page { items, total, page, per_page }))
}

/// An organisation's profile. Unverified organisations are visible to their members and
/// operators only.
#[utoipa::path(get, path = "/api/v1/orgs/{id}", tag = "organisations", security((), ("bearer" = [])),
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

/// Invite a person into your organisation (admins). The response carries the invitation's
/// secret once; pass it to the invitee.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/invitations", tag = "organisations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id")), request_body = InvitationIn,
    responses((status = 201, body = InvitationOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn invite(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath(id): AppPath<OrganisationId>,
    AppJson(input): AppJson<InvitationIn>,
) -> ApiResult<(axum::http::StatusCode, AppJson<InvitationOut>)> {
    let out = invitations::invite(&state.db, &caller, id, input).await?;
    Ok((axum::http::StatusCode::CREATED, AppJson(out)))
}

/// Accept an invitation: creates your account in the inviting organisation and signs you in.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "organisations", request_body = AcceptIn,
    responses((status = 201, body = SessionOut), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn accept_invitation(
    State(state): State<AppState>,
    AppJson(input): AppJson<AcceptIn>,
) -> ApiResult<(axum::http::StatusCode, AppJson<SessionOut>)> {
    let session = invitations::accept(&state.db, input, state.config.auth.token_ttl_hours).await?;
    Ok((axum::http::StatusCode::CREATED, AppJson(session)))
}

/// Change a member's role (admins); the last admin cannot step down.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/members/{user_id}/role", tag = "organisations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id"), ("user_id" = uuid::Uuid, Path, description = "Member id")),
    request_body = RoleIn,
    responses((status = 200, body = UserOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn set_role(
    State(state): State<AppState>,
    caller: AuthUser,
    AppPath((id, user_id)): AppPath<(OrganisationId, UserId)>,
    AppJson(input): AppJson<RoleIn>,
) -> ApiResult<AppJson<UserOut>> {
    invitations::set_role(&state.db, &caller, id, user_id, input).await.map(AppJson)
}
