//! `/api/v1/orgs/*`: organisation profiles, members, invitations, verification; and
//! `/api/v1/users/*`: operators disabling and re-enabling accounts.

use crate::ListingState;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use platform::auth::{AuthUser, MaybeUser};
use platform::error::{ApiError, ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use platform::ids::{OrganisationId, UserId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::accounts::{self, SessionOut, UserOut};
use crate::domain::agencies;
use crate::domain::invitations::{
    self, AcceptIn, InvitationIn, InvitationOut, PendingInvitation, RoleIn,
};
use crate::domain::listings::Page;
use crate::domain::organisations::{self, OrganisationListParams, OrganisationOut, VerificationIn};
use wire::partners::{AgencyConsentIn, AgencyConsentOut};

pub fn router() -> OpenApiRouter<ListingState> {
    OpenApiRouter::new()
        .routes(routes!(list_organisations))
        .routes(routes!(get_organisation))
        .routes(routes!(list_members))
        .routes(routes!(decide_verification))
        .routes(routes!(invite, list_invitations))
        .routes(routes!(revoke_invitation))
        .routes(routes!(accept_invitation))
        .routes(routes!(set_role))
        .routes(routes!(remove_member))
        .routes(routes!(disable_user))
        .routes(routes!(enable_user))
        .routes(routes!(list_agency_consents, grant_agency_consent))
        .routes(routes!(withdraw_agency_consent))
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
    State(state): State<ListingState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<OrganisationListParams>,
) -> ApiResult<AppJson<Page<OrganisationOut>>> {
    let (rows, total, page, per_page) = organisations::list(&state.db, &caller, &params).await?;
    let items = rows.into_iter().map(organisations::out).collect();
    Ok(AppJson(Page {
        items,
        total,
        page,
        per_page,
    }))
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
    State(state): State<ListingState>,
    MaybeUser(caller): MaybeUser,
    AppPath(id): AppPath<OrganisationId>,
) -> ApiResult<AppJson<OrganisationOut>> {
    let org = organisations::find_visible(&state.db, id, caller.as_ref()).await?;
    Ok(AppJson(organisations::out(org)))
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
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<OrganisationId>,
) -> ApiResult<AppJson<Vec<UserOut>>> {
    accounts::list_members(&state.db, &caller, id)
        .await
        .map(AppJson)
}

/// Verify or reject an organisation (operators).
#[utoipa::path(post, path = "/api/v1/orgs/{id}/verification", tag = "organisations",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id")),
    request_body = VerificationIn,
    responses(
        (status = 200, body = OrganisationOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such organisation, or another city's for a city office's operator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Stale version", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn decide_verification(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<OrganisationId>,
    AppJson(input): AppJson<VerificationIn>,
) -> ApiResult<AppJson<OrganisationOut>> {
    let org = organisations::decide_verification(&state.db, &caller, id, &input).await?;
    Ok(AppJson(organisations::out(org)))
}

/// Invite a person into your organisation (admins). The response carries the invitation's
/// secret once; pass it to the invitee.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/invitations", tag = "organisations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id")), request_body = InvitationIn,
    responses((status = 201, body = InvitationOut), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn invite(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<OrganisationId>,
    AppJson(input): AppJson<InvitationIn>,
) -> ApiResult<(axum::http::StatusCode, AppJson<InvitationOut>)> {
    let out = invitations::invite(&state.db, &caller, id, input).await?;
    Ok((axum::http::StatusCode::CREATED, AppJson(out)))
}

/// The organisation's pending invitations, newest first (admins). Secrets are never shown again.
#[utoipa::path(get, path = "/api/v1/orgs/{id}/invitations", tag = "organisations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, body = Vec<PendingInvitation>),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_invitations(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<OrganisationId>,
) -> ApiResult<AppJson<Vec<PendingInvitation>>> {
    invitations::list_pending(&state.db, &caller, id)
        .await
        .map(AppJson)
}

/// Revoke a pending invitation (admins); its secret stops working. Revoking twice is harmless.
#[utoipa::path(delete, path = "/api/v1/orgs/{id}/invitations/{invitation_id}", tag = "organisations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id"), ("invitation_id" = uuid::Uuid, Path, description = "Invitation id")),
    responses(
        (status = 204),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already accepted", body = Problem, content_type = "application/problem+json"),
    ))]
async fn revoke_invitation(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath((id, invitation_id)): AppPath<(OrganisationId, uuid::Uuid)>,
) -> ApiResult<StatusCode> {
    invitations::revoke(&state.db, &caller, id, invitation_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accept an invitation: creates your account in the inviting organisation and signs you in.
/// The secret goes in the JSON body only; a request with a query string is refused (400) so
/// that secrets do not end up in URLs and proxy logs.
#[utoipa::path(post, path = "/api/v1/invitations/accept", tag = "organisations", request_body = AcceptIn,
    responses(
        (status = 201, body = SessionOut),
        (status = 400, description = "A query string was sent", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Unknown, used, revoked or expired invitation, or an invalid field", body = Problem, content_type = "application/problem+json"),
    ))]
async fn accept_invitation(
    State(state): State<ListingState>,
    RawQuery(query): RawQuery,
    AppJson(input): AppJson<AcceptIn>,
) -> ApiResult<(axum::http::StatusCode, AppJson<SessionOut>)> {
    if query.is_some() {
        return Err(ApiError::BadRequest(
            "send the invitation secret in the JSON body, not in the URL".to_owned(),
        ));
    }
    let session = invitations::accept(
        &state.db,
        &state.passwords,
        input,
        state.config.auth.token_ttl_hours,
    )
    .await?;
    Ok((axum::http::StatusCode::CREATED, AppJson(session)))
}

/// Change a member's role (admins); the last admin cannot step down.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/members/{user_id}/role", tag = "organisations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id"), ("user_id" = uuid::Uuid, Path, description = "Member id")),
    request_body = RoleIn,
    responses((status = 200, body = UserOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn set_role(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath((id, user_id)): AppPath<(OrganisationId, UserId)>,
    AppJson(input): AppJson<RoleIn>,
) -> ApiResult<AppJson<UserOut>> {
    invitations::set_role(&state.db, &caller, id, user_id, input)
        .await
        .map(AppJson)
}

/// Remove a member from the organisation (admins; an admin may remove themselves unless they
/// are the last one). Every session of theirs ends at once.
#[utoipa::path(delete, path = "/api/v1/orgs/{id}/members/{user_id}", tag = "organisations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id"), ("user_id" = uuid::Uuid, Path, description = "Member id")),
    responses(
        (status = 204),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last admin (`last_admin`)", body = Problem, content_type = "application/problem+json"),
    ))]
async fn remove_member(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath((id, user_id)): AppPath<(OrganisationId, UserId)>,
) -> ApiResult<StatusCode> {
    accounts::remove_member(&state.db, &caller, id, user_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Disable a user (operators): every token is revoked and logins are refused until re-enabled.
#[utoipa::path(post, path = "/api/v1/users/{user_id}/disable", tag = "organisations", security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = "User id")),
    responses(
        (status = 200, body = UserOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Operators cannot disable themselves", body = Problem, content_type = "application/problem+json"),
    ))]
async fn disable_user(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(user_id): AppPath<UserId>,
) -> ApiResult<AppJson<UserOut>> {
    accounts::set_user_disabled(&state.db, &caller, user_id, true)
        .await
        .map(AppJson)
}

/// Re-enable a disabled user (operators); they sign in again with their password.
#[utoipa::path(post, path = "/api/v1/users/{user_id}/enable", tag = "organisations", security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = "User id")),
    responses(
        (status = 200, body = UserOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
async fn enable_user(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(user_id): AppPath<UserId>,
) -> ApiResult<AppJson<UserOut>> {
    accounts::set_user_disabled(&state.db, &caller, user_id, false)
        .await
        .map(AppJson)
}

/// The consents an organisation gave to broker agencies, or received as one (its members and
/// operators).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/agency-consents", tag = "organisations",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Organisation id")),
    responses(
        (status = 200, body = Vec<AgencyConsentOut>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
async fn list_agency_consents(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<OrganisationId>,
) -> ApiResult<AppJson<Vec<AgencyConsentOut>>> {
    agencies::list(&state.db, &caller, id).await.map(AppJson)
}

/// Consent that a broker agency posts and manages listings for your organisation (admins of
/// the client organisation). Recorded with who granted it and when.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/agency-consents", tag = "organisations",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "The client organisation's id")),
    request_body = AgencyConsentIn,
    responses(
        (status = 201, body = AgencyConsentOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The agency already holds a standing consent", body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json"),
    ))]
async fn grant_agency_consent(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<OrganisationId>,
    AppJson(input): AppJson<AgencyConsentIn>,
) -> ApiResult<(StatusCode, AppJson<AgencyConsentOut>)> {
    let out = agencies::grant(&state.db, &caller, id, &input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// Withdraw a consent (admins of the client organisation): the agency can no longer post or
/// change listings for you; those it posted stay yours.
#[utoipa::path(post, path = "/api/v1/orgs/{id}/agency-consents/{consent_id}/withdraw", tag = "organisations",
    security(("bearer" = [])),
    params(
        ("id" = uuid::Uuid, Path, description = "The client organisation's id"),
        ("consent_id" = uuid::Uuid, Path, description = "Consent id"),
    ),
    responses(
        (status = 200, body = AgencyConsentOut),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already withdrawn", body = Problem, content_type = "application/problem+json"),
    ))]
async fn withdraw_agency_consent(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath((id, consent_id)): AppPath<(OrganisationId, uuid::Uuid)>,
) -> ApiResult<AppJson<AgencyConsentOut>> {
    agencies::withdraw(&state.db, &caller, id, consent_id)
        .await
        .map(AppJson)
}
