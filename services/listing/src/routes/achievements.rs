//! `/api/v1/achievements`: create, read (in the reader's language), list, edit.

use crate::ListingState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use platform::auth::{AuthUser, MaybeUser};
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use platform::ids::AchievementId;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{content_language, preferred};
use crate::domain::achievements::{self, AchievementIn, AchievementOut};
use crate::domain::listings::{self, Header, ListParams, ListingKind, Page, PostParams};
use crate::domain::{patch, revisions, translations};

pub fn router() -> OpenApiRouter<ListingState> {
    OpenApiRouter::new()
        .routes(routes!(list_achievements, create_achievement))
        .routes(routes!(get_achievement, update_achievement))
}

/// Published achievements; with `mine=true` (or your own `organisation_id`) every status of
/// your organisation's; operators may filter by any status.
#[utoipa::path(get, path = "/api/v1/achievements", tag = "achievements", security((), ("bearer" = [])), params(ListParams),
    responses((status = 200, body = Page<AchievementOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_achievements(
    State(state): State<ListingState>,
    MaybeUser(caller): MaybeUser,
    headers: HeaderMap,
    AppQuery(params): AppQuery<ListParams>,
) -> ApiResult<AppJson<Page<AchievementOut>>> {
    let prefs = preferred(params.lang.as_deref(), &headers);
    let (rows, total, page, per_page) =
        achievements::list(&state.db, caller.as_ref(), &params).await?;
    let mut items = Vec::with_capacity(rows.len());
    for m in rows {
        let t = translations::list(&state.db, ListingKind::Achievement, m.id).await?;
        items.push(achievements::to_out(m, &t, &prefs, caller.is_some()));
    }
    Ok(AppJson(Page {
        items,
        total,
        page,
        per_page,
    }))
}

/// Create a draft achievement for your organisation.
#[utoipa::path(post, path = "/api/v1/achievements", tag = "achievements", security(("bearer" = [])), params(PostParams), request_body = AchievementIn,
    responses((status = 201, body = AchievementOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_achievement(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppQuery(post): AppQuery<PostParams>,
    AppJson(input): AppJson<AchievementIn>,
) -> ApiResult<(StatusCode, AppJson<AchievementOut>)> {
    let m = achievements::create(&state.db, &caller, input, post.for_client).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(achievements::to_out(m, &[], &[], true)),
    ))
}

/// One achievement, in the language of `?lang=` or `Accept-Language` when a translation
/// exists (the original otherwise). `Content-Language` says which.
#[utoipa::path(get, path = "/api/v1/achievements/{id}", tag = "achievements", security((), ("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id"), ("lang" = Option<String>, Query, description = "Preferred language")),
    responses((status = 200, body = AchievementOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_achievement(
    State(state): State<ListingState>,
    MaybeUser(caller): MaybeUser,
    headers: HeaderMap,
    AppPath(id): AppPath<AchievementId>,
    AppQuery(q): AppQuery<super::LangQuery>,
) -> ApiResult<Response> {
    let m = achievements::find(&state.db, id).await?;
    let h = Header::from(&m);
    listings::ensure_visible(&state.db, &h, caller.as_ref()).await?;
    let pending = revisions::for_reader(&state.db, &h, caller.as_ref()).await?;
    let t = translations::list(&state.db, ListingKind::Achievement, m.id).await?;
    let mut out = achievements::to_out(
        m,
        &t,
        &preferred(q.lang.as_deref(), &headers),
        caller.is_some(),
    );
    out.pending_revision = pending;
    let lang = out.language.clone();
    Ok((
        [(header::CONTENT_LANGUAGE, content_language(&lang))],
        AppJson(out),
    )
        .into_response())
}

/// Edit an achievement with a JSON merge patch; `version` is required (stale → 409). On a
/// published achievement the edit waits for operator review as `pending_revision`.
#[utoipa::path(patch, path = "/api/v1/achievements/{id}", tag = "achievements", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")),
    request_body(content = serde_json::Value, description = "Fields to change plus `version`"),
    responses((status = 200, body = AchievementOut), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_achievement(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<AchievementId>,
    AppJson(mut body): AppJson<serde_json::Value>,
) -> ApiResult<AppJson<AchievementOut>> {
    let version = patch::take_version(&mut body)?;
    let m = achievements::update(&state.db, &caller, id, version, body).await?;
    let pending = revisions::for_reader(&state.db, &Header::from(&m), Some(&caller)).await?;
    let t = translations::list(&state.db, ListingKind::Achievement, m.id).await?;
    let mut out = achievements::to_out(m, &t, &[], true);
    out.pending_revision = pending;
    Ok(AppJson(out))
}
