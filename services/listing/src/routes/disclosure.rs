//! Tiered disclosure of an achievement: the owner's settings and access log, the reader's view,
//! access requests (with click-through NDA), the owner's decisions, and the dossier itself.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use platform::auth::{AuthUser, MaybeUser};
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use platform::ids::AchievementId;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use wire::tto::{
    AccessDecisionIn, AccessLogOut, AccessOut, AccessRequestIn, DisclosureIn, DisclosureOut,
    DisclosureSettingsOut, DossierOut,
};
use wire::DossierAction;

use super::auth::client_address;
use crate::domain::disclosure;
use crate::ListingState;

pub fn router() -> OpenApiRouter<ListingState> {
    OpenApiRouter::new()
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(get_disclosure))
        .routes(routes!(request_access))
        .routes(routes!(decide_access))
        .routes(routes!(read_dossier))
        .routes(routes!(access_log))
}

/// The caller's address as text, for the NDA record and the access log.
pub(super) fn client(
    state: &ListingState,
    headers: &HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
) -> Option<String> {
    let peer = peer.map(|Extension(ConnectInfo(p))| p);
    // No socket peer means an in-process call, which only the embedded portal makes: it names
    // the browser's address in `X-Forwarded-For` (`portal::client`), so that is the person's.
    let trust = state.config.auth.trust_forwarded_for || peer.is_none();
    client_address(headers, peer, trust).map(|a| a.to_string())
}

/// The owner's disclosure settings (members of the owning organisation; 404 when none).
#[utoipa::path(get, path = "/api/v1/achievements/{id}/disclosure/settings", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")),
    responses((status = 200, body = DisclosureSettingsOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_settings(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<AchievementId>,
) -> ApiResult<AppJson<DisclosureSettingsOut>> {
    disclosure::settings(&state.db, &caller, id)
        .await
        .map(AppJson)
}

/// Set the verified part, the confidential dossier and the terms of access.
#[utoipa::path(put, path = "/api/v1/achievements/{id}/disclosure/settings", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")), request_body = DisclosureIn,
    responses((status = 200, body = DisclosureSettingsOut), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_settings(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<AchievementId>,
    AppJson(input): AppJson<DisclosureIn>,
) -> ApiResult<AppJson<DisclosureSettingsOut>> {
    disclosure::save_settings(&state.db, &caller, id, input)
        .await
        .map(AppJson)
}

/// The disclosure as the reader sees it: terms, the verified part (verified organisations),
/// the NDA text to accept, and their organisation's access.
#[utoipa::path(get, path = "/api/v1/achievements/{id}/disclosure", tag = "achievements", security((), ("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")),
    responses((status = 200, body = DisclosureOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_disclosure(
    State(state): State<ListingState>,
    MaybeUser(caller): MaybeUser,
    AppPath(id): AppPath<AchievementId>,
) -> ApiResult<AppJson<DisclosureOut>> {
    disclosure::reader_view(&state.db, caller.as_ref(), id)
        .await
        .map(AppJson)
}

/// Ask for the dossier for your organisation; with NDA terms send the SHA-256 of the text you
/// accept. 201 with the access (granted at once unless the owner approves requests).
#[utoipa::path(post, path = "/api/v1/achievements/{id}/dossier/requests", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")), request_body = AccessRequestIn,
    responses((status = 201, body = AccessOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn request_access(
    State(state): State<ListingState>,
    caller: AuthUser,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    AppPath(id): AppPath<AchievementId>,
    AppJson(input): AppJson<AccessRequestIn>,
) -> ApiResult<(StatusCode, AppJson<AccessOut>)> {
    let addr = client(&state, &headers, peer);
    let out = disclosure::request_access(&state.db, &caller, id, input, addr).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// Approve, refuse or revoke an organisation's access (the owner).
#[utoipa::path(post, path = "/api/v1/achievements/{id}/dossier/requests/{access_id}/decision", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id"), ("access_id" = Uuid, Path, description = "Access request id")),
    request_body = AccessDecisionIn,
    responses((status = 200, body = AccessOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn decide_access(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath((id, access_id)): AppPath<(AchievementId, Uuid)>,
    AppJson(input): AppJson<AccessDecisionIn>,
) -> ApiResult<AppJson<AccessOut>> {
    disclosure::decide(&state.db, &caller, id, access_id, input)
        .await
        .map(AppJson)
}

/// `?download=true` asks for the dossier as a file.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DossierQuery {
    pub download: Option<bool>,
}

/// Read (or download) the confidential dossier: the owner, or an organisation with granted
/// access; 404 for everyone else. Every read is logged.
#[utoipa::path(get, path = "/api/v1/achievements/{id}/dossier", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id"), DossierQuery),
    responses((status = 200, description = "The dossier; with `download=true` its text as a file", content(
        (DossierOut = "application/json"),
        (String = "text/plain"))), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn read_dossier(
    State(state): State<ListingState>,
    caller: AuthUser,
    headers: HeaderMap,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    AppPath(id): AppPath<AchievementId>,
    AppQuery(q): AppQuery<DossierQuery>,
) -> ApiResult<Response> {
    let addr = client(&state, &headers, peer);
    let download = q.download.unwrap_or(false);
    let action = if download {
        DossierAction::Download
    } else {
        DossierAction::View
    };
    let out = disclosure::read_dossier(&state.db, &caller, id, action, addr).await?;
    if download {
        let disposition = HeaderValue::from_str(&format!(
            "attachment; filename=\"dossier-{}.txt\"",
            out.achievement_id
        ))
        .unwrap_or_else(|_| HeaderValue::from_static("attachment"));
        return Ok((
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/plain; charset=utf-8"),
                ),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            out.dossier_text,
        )
            .into_response());
    }
    Ok(AppJson(out).into_response())
}

/// Who asked for the dossier, what was decided, and every read (the owner).
#[utoipa::path(get, path = "/api/v1/achievements/{id}/dossier/log", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")),
    responses((status = 200, body = AccessLogOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn access_log(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<AchievementId>,
) -> ApiResult<AppJson<AccessLogOut>> {
    disclosure::access_log(&state.db, &caller, id)
        .await
        .map(AppJson)
}
