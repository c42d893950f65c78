//! `/api/v1/auth/*` and `/api/v1/me`: sign-up, login, logout, the current user.

use std::net::{IpAddr, SocketAddr};

use crate::ListingState;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Extension;
use platform::auth::AuthUser;
use platform::error::{ApiResult, Problem};
use platform::extract::AppJson;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::accounts::{self, LoginIn, PasswordChangeIn, SessionOut, SignupIn};

pub fn router() -> OpenApiRouter<ListingState> {
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
    State(state): State<ListingState>,
    AppJson(input): AppJson<SignupIn>,
) -> ApiResult<(StatusCode, AppJson<SessionOut>)> {
    let session = accounts::sign_up(
        &state.db,
        &state.passwords,
        input,
        state.config.auth.token_ttl_hours,
        &state.config.countries,
    )
    .await?;
    Ok((StatusCode::CREATED, AppJson(session)))
}

/// The client's address for the login throttle: the socket peer, or, with
/// `auth.trust_forwarded_for`, the last `X-Forwarded-For` entry (the one our own proxy wrote;
/// earlier entries are whatever the client claimed). `None` for in-process calls (the embedded
/// portal), which are then throttled per account only.
pub(crate) fn client_address(
    headers: &HeaderMap,
    peer: Option<SocketAddr>,
    trust_forwarded_for: bool,
) -> Option<IpAddr> {
    if trust_forwarded_for {
        // Only the very last entry: an unparsable one falls back to the peer rather than to
        // an earlier, client-controlled entry.
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .next_back()
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|s| s.trim().parse::<IpAddr>().ok());
        if forwarded.is_some() {
            return forwarded;
        }
    }
    peer.map(|p| p.ip())
}

/// Exchange email and password for a bearer token. After too many failures for the account or
/// from the client's address the answer is 429 with `Retry-After`, whatever the password.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginIn,
    responses(
        (status = 200, body = SessionOut),
        (status = 401, description = "Wrong email or password", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "The account is disabled", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many failed attempts (`too_many_attempts`) or too many password checks at once (`busy`); see `Retry-After`",
            body = Problem, content_type = "application/problem+json"),
    ))]
async fn log_in(
    State(state): State<ListingState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
    AppJson(input): AppJson<LoginIn>,
) -> ApiResult<AppJson<SessionOut>> {
    let client = client_address(
        &headers,
        peer.map(|Extension(ConnectInfo(p))| p),
        state.config.auth.trust_forwarded_for,
    );
    accounts::log_in(
        &state.db,
        &state.passwords,
        &state.config.auth,
        input,
        client,
    )
    .await
    .map(AppJson)
}

/// Revoke the token this request carries.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn log_out(State(state): State<ListingState>, caller: AuthUser) -> ApiResult<StatusCode> {
    accounts::log_out(&state.db, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller: user, organisation and roles.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = wire::accounts::Me), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn me(
    State(state): State<ListingState>,
    caller: AuthUser,
) -> ApiResult<AppJson<wire::accounts::Me>> {
    let works_at_office = accounts::works_at_office(&state.db, &caller).await?;
    let mut me: wire::accounts::Me = caller.into();
    me.works_at_office = works_at_office;
    Ok(AppJson(me))
}

/// Change the caller's password; every other session of theirs is revoked.
#[utoipa::path(post, path = "/api/v1/me/password", tag = "auth", security(("bearer" = [])),
    request_body = PasswordChangeIn,
    responses((status = 204), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn change_password(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppJson(input): AppJson<PasswordChangeIn>,
) -> ApiResult<StatusCode> {
    accounts::change_password(
        &state.db,
        &state.passwords,
        &state.config.auth,
        &caller,
        input,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
