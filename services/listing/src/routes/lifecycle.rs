//! `/api/v1/{kind}/{id}/…` for `kind` = `achievements` or `needs`: the state changes and the
//! translations both kinds share.

use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::error::{ApiError, ApiResult, Problem};
use platform::extract::{AppJson, AppPath};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::domain::lifecycle::{self, RenewIn, ReviewIn, VersionIn};
use crate::domain::listings::{self, ListingKind};
use crate::domain::revisions;
use crate::domain::translations::{self, LocalizedText, TranslationIn};

pub fn router() -> OpenApiRouter<crate::ListingState> {
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(review))
        .routes(routes!(withdraw))
        .routes(routes!(close))
        .routes(routes!(renew))
        .routes(routes!(list_translations))
        .routes(routes!(put_translation, delete_translation))
        .routes(routes!(withdraw_revision))
}

/// `achievements` / `needs` in the path; anything else is a 404 like any unknown route.
fn kind(segment: &str) -> ApiResult<ListingKind> {
    match segment {
        "achievements" => Ok(ListingKind::Achievement),
        "needs" => Ok(ListingKind::Need),
        _ => Err(ApiError::NotFound("no such route".to_owned())),
    }
}

pub use wire::listing::ListingState;

async fn state_of(
    state: &crate::ListingState,
    kind: ListingKind,
    id: Uuid,
) -> ApiResult<AppJson<ListingState>> {
    let h = listings::header(&state.db, kind, id).await?;
    Ok(AppJson(ListingState {
        id: h.id,
        kind: h.kind,
        status: h.status,
        version: h.version,
    }))
}

/// Send a draft (or a rejected listing) for operator review. Needs a future `valid_until`.
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/submit", tag = "lifecycle", security(("bearer" = [])),
    params(("kind" = String, Path, description = "`achievements` or `needs`"), ("id" = Uuid, Path, description = "Listing id")),
    request_body = VersionIn,
    responses((status = 200, body = ListingState), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn submit(
    State(state): State<crate::ListingState>,
    caller: AuthUser,
    AppPath((k, id)): AppPath<(String, Uuid)>,
    AppJson(input): AppJson<VersionIn>,
) -> ApiResult<AppJson<ListingState>> {
    let kind = kind(&k)?;
    lifecycle::submit(&state.db, &caller, kind, id, input).await?;
    state_of(&state, kind, id).await
}

/// Publish or reject a submitted listing, or approve (`publish`) or reject a published
/// listing's pending revision (operators).
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/review", tag = "lifecycle", security(("bearer" = [])),
    params(("kind" = String, Path, description = "`achievements` or `needs`"), ("id" = Uuid, Path, description = "Listing id")),
    request_body = ReviewIn,
    responses((status = 200, body = ListingState), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json", description = "No such listing, or another city's for a city office's operator"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn review(
    State(state): State<crate::ListingState>,
    caller: AuthUser,
    AppPath((k, id)): AppPath<(String, Uuid)>,
    AppJson(input): AppJson<ReviewIn>,
) -> ApiResult<AppJson<ListingState>> {
    let kind = kind(&k)?;
    lifecycle::review(&state.db, &caller, kind, id, input).await?;
    state_of(&state, kind, id).await
}

/// Take a listing off the market.
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/withdraw", tag = "lifecycle", security(("bearer" = [])),
    params(("kind" = String, Path, description = "`achievements` or `needs`"), ("id" = Uuid, Path, description = "Listing id")),
    request_body = VersionIn,
    responses((status = 200, body = ListingState), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn withdraw(
    State(state): State<crate::ListingState>,
    caller: AuthUser,
    AppPath((k, id)): AppPath<(String, Uuid)>,
    AppJson(input): AppJson<VersionIn>,
) -> ApiResult<AppJson<ListingState>> {
    let kind = kind(&k)?;
    lifecycle::withdraw(&state.db, &caller, kind, id, input).await?;
    state_of(&state, kind, id).await
}

/// Mark a listing closed (transferred, or the need met).
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/close", tag = "lifecycle", security(("bearer" = [])),
    params(("kind" = String, Path, description = "`achievements` or `needs`"), ("id" = Uuid, Path, description = "Listing id")),
    request_body = VersionIn,
    responses((status = 200, body = ListingState), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn close(
    State(state): State<crate::ListingState>,
    caller: AuthUser,
    AppPath((k, id)): AppPath<(String, Uuid)>,
    AppJson(input): AppJson<VersionIn>,
) -> ApiResult<AppJson<ListingState>> {
    let kind = kind(&k)?;
    lifecycle::close(&state.db, &caller, kind, id, input).await?;
    state_of(&state, kind, id).await
}

/// Extend a published or expired listing's validity; an expired one is published again.
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/renew", tag = "lifecycle", security(("bearer" = [])),
    params(("kind" = String, Path, description = "`achievements` or `needs`"), ("id" = Uuid, Path, description = "Listing id")),
    request_body = RenewIn,
    responses((status = 200, body = ListingState), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn renew(
    State(state): State<crate::ListingState>,
    caller: AuthUser,
    AppPath((k, id)): AppPath<(String, Uuid)>,
    AppJson(input): AppJson<RenewIn>,
) -> ApiResult<AppJson<ListingState>> {
    let kind = kind(&k)?;
    lifecycle::renew(&state.db, &caller, kind, id, input).await?;
    state_of(&state, kind, id).await
}

/// Every translation of a listing the caller may see.
#[utoipa::path(get, path = "/api/v1/{kind}/{id}/translations", tag = "translations", security((), ("bearer" = [])),
    params(("kind" = String, Path, description = "`achievements` or `needs`"), ("id" = Uuid, Path, description = "Listing id")),
    responses((status = 200, body = Vec<LocalizedText>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_translations(
    State(state): State<crate::ListingState>,
    platform::auth::MaybeUser(caller): platform::auth::MaybeUser,
    AppPath((k, id)): AppPath<(String, Uuid)>,
) -> ApiResult<AppJson<Vec<LocalizedText>>> {
    let kind = kind(&k)?;
    let h = listings::header(&state.db, kind, id).await?;
    listings::ensure_visible(&state.db, &h, caller.as_ref()).await?;
    translations::list(&state.db, kind, id).await.map(AppJson)
}

/// Add or replace the translation into `lang` (owners); replacing needs the translation's
/// `version`. On an unpublished listing it is stored at once (200); on a published one it joins
/// the listing's pending revision and waits for operator review (202).
#[utoipa::path(put, path = "/api/v1/{kind}/{id}/translations/{lang}", tag = "translations", security(("bearer" = [])),
    params(("kind" = String, Path, description = "`achievements` or `needs`"), ("id" = Uuid, Path, description = "Listing id"), ("lang" = String, Path, description = "Language code")),
    request_body = TranslationIn,
    responses((status = 200, body = LocalizedText), (status = 202, body = LocalizedText, description = "Waiting for review"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn put_translation(
    State(state): State<crate::ListingState>,
    caller: AuthUser,
    AppPath((k, id, lang)): AppPath<(String, Uuid, String)>,
    AppJson(input): AppJson<TranslationIn>,
) -> ApiResult<(StatusCode, AppJson<LocalizedText>)> {
    let kind = kind(&k)?;
    let h = listings::header(&state.db, kind, id).await?;
    match translations::put(&state.db, &caller, &h, &lang, input).await? {
        translations::Outcome::Applied(text) => Ok((StatusCode::OK, AppJson(text))),
        translations::Outcome::Proposed(text) => Ok((StatusCode::ACCEPTED, AppJson(text))),
    }
}

/// Remove the translation into `lang` (owners). On a published listing the removal waits for
/// review with the listing's pending revision (202).
#[utoipa::path(delete, path = "/api/v1/{kind}/{id}/translations/{lang}", tag = "translations", security(("bearer" = [])),
    params(("kind" = String, Path, description = "`achievements` or `needs`"), ("id" = Uuid, Path, description = "Listing id"), ("lang" = String, Path, description = "Language code")),
    responses((status = 202, description = "Waiting for review"), (status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn delete_translation(
    State(state): State<crate::ListingState>,
    caller: AuthUser,
    AppPath((k, id, lang)): AppPath<(String, Uuid, String)>,
) -> ApiResult<StatusCode> {
    let kind = kind(&k)?;
    let h = listings::header(&state.db, kind, id).await?;
    let proposed = translations::remove(&state.db, &caller, &h, &lang).await?;
    Ok(if proposed {
        StatusCode::ACCEPTED
    } else {
        StatusCode::NO_CONTENT
    })
}

/// Withdraw your pending revision of a published listing; the public text stays as it is.
#[utoipa::path(post, path = "/api/v1/{kind}/{id}/revision/withdraw", tag = "lifecycle", security(("bearer" = [])),
    params(("kind" = String, Path, description = "`achievements` or `needs`"), ("id" = Uuid, Path, description = "Listing id")),
    request_body = VersionIn,
    responses((status = 200, body = ListingState), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn withdraw_revision(
    State(state): State<crate::ListingState>,
    caller: AuthUser,
    AppPath((k, id)): AppPath<(String, Uuid)>,
    AppJson(input): AppJson<VersionIn>,
) -> ApiResult<AppJson<ListingState>> {
    let kind = kind(&k)?;
    revisions::withdraw(&state.db, &caller, kind, id, input.version).await?;
    state_of(&state, kind, id).await
}
