//! `/api/v1/auth/*` and `/api/v1/me`: sign-up, login, logout, the current user.

use axum::extract::State;
use axum::http::StatusCode;
use shared::auth::{self, AuthUser};
use shared::error::{ApiResult, Problem};
use shared::extract::AppJson;
use shared::AppState;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::accounts::{self, LoginIn, PasswordChangeIn, SessionOut, SignupIn};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sign_up))
        .routes(routes!(log_in))
        .routes(routes!(log_out))
        .routes(routes!(me))
        .routes(routes!(change_password))
}

/// Register an organisation and its first admin; returns a session.
#[utoipa::path(post, path = "/api/v1/auth/signup", tag = "auth", request_body = SignupIn,
    responses(
        (status = 201, body = SessionOut),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
    ))]
async fn sign_up(
    State(state): State<AppState>,
    AppJson(input): AppJson<SignupIn>,
) -> ApiResult<(StatusCode, AppJson<SessionOut>)> {
    let session = accounts::sign_up(&state.db, input, state.config.auth.token_ttl_hours).await?;
    Ok((StatusCode::CREATED, AppJson(session)))
}

/// Exchange email and password for a bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginIn,
    responses(
        (status = 200, body = SessionOut),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
    ))]
async fn log_in(
    State(state): State<AppState>,
    AppJson(input): AppJson<LoginIn>,
) -> ApiResult<AppJson<SessionOut>> {
    accounts::log_in(&state.db, input, state.config.auth.token_ttl_hours)
        .await
        .map(AppJson)
}

/// Revoke the token this request carries.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn log_out(State(state): State<AppState>, caller: AuthUser) -> ApiResult<StatusCode> {
    auth::revoke_token(&state.db, caller.token_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller: user, organisation and roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = AuthUser), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn me(caller: AuthUser) -> AppJson<AuthUser> {
    AppJson(caller)
}

/// Change the caller's password; every other session of theirs is revoked.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])),
    request_body = PasswordChangeIn,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn change_password(
    State(state): State<AppState>,
    caller: AuthUser,
    AppJson(input): AppJson<PasswordChangeIn>,
) -> ApiResult<StatusCode> {
    accounts::change_password(&state.db, &caller, input).await?;
    Ok(StatusCode::NO_CONTENT)
}
