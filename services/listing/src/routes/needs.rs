//! `/api/v1/needs` and `/api/v1/open-calls`: create, read, list, edit; open-call applications.

use crate::ListingState;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use platform::auth::{AuthUser, MaybeUser};
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use platform::ids::{ApplicationId, NeedId};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::{content_language, preferred};
use crate::domain::listings::{self, Header, ListParams, ListingKind, Page, PostParams};
use crate::domain::needs::{self, NeedIn, NeedOut};
use crate::domain::open_calls::{self, ApplicationDecisionIn, ApplicationIn, ApplicationOut};
use crate::domain::{patch, revisions, translations};

pub fn router() -> OpenApiRouter<ListingState> {
    OpenApiRouter::new()
        .routes(routes!(list_needs, create_need))
        .routes(routes!(get_need, update_need))
        .routes(routes!(list_open_calls))
        .routes(routes!(list_applications, apply))
        .routes(routes!(decide_application))
}

async fn page_of(
    state: &ListingState,
    caller: Option<&AuthUser>,
    headers: &HeaderMap,
    params: &ListParams,
    open_calls_only: bool,
) -> ApiResult<Page<NeedOut>> {
    let prefs = preferred(params.lang.as_deref(), headers);
    let (rows, total, page, per_page) =
        needs::list(&state.db, caller, params, open_calls_only).await?;
    let mut items = Vec::with_capacity(rows.len());
    for m in rows {
        let t = translations::list(&state.db, ListingKind::Need, m.id).await?;
        items.push(needs::to_out(m, &t, &prefs, caller.is_some()));
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// Published needs; with `mine=true` every status of your organisation's.
#[utoipa::path(get, path = "/api/v1/needs", tag = "needs", security((), ("bearer" = [])), params(ListParams),
    responses((status = 200, body = Page<NeedOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_needs(
    State(state): State<ListingState>,
    MaybeUser(caller): MaybeUser,
    headers: HeaderMap,
    AppQuery(params): AppQuery<ListParams>,
) -> ApiResult<AppJson<Page<NeedOut>>> {
    page_of(&state, caller.as_ref(), &headers, &params, false)
        .await
        .map(AppJson)
}

/// Published open calls (揭榜挂帅).
#[utoipa::path(get, path = "/api/v1/open-calls", tag = "needs", security((), ("bearer" = [])), params(ListParams),
    responses((status = 200, body = Page<NeedOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_open_calls(
    State(state): State<ListingState>,
    MaybeUser(caller): MaybeUser,
    headers: HeaderMap,
    AppQuery(params): AppQuery<ListParams>,
) -> ApiResult<AppJson<Page<NeedOut>>> {
    page_of(&state, caller.as_ref(), &headers, &params, true)
        .await
        .map(AppJson)
}

/// Create a draft need (or open call) for your organisation.
#[utoipa::path(post, path = "/api/v1/needs", tag = "needs", security(("bearer" = [])), params(PostParams), request_body = NeedIn,
    responses((status = 201, body = NeedOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_need(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppQuery(post): AppQuery<PostParams>,
    AppJson(input): AppJson<NeedIn>,
) -> ApiResult<(StatusCode, AppJson<NeedOut>)> {
    let m = needs::create(&state.db, &caller, input, post.for_client).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(needs::to_out(m, &[], &[], true)),
    ))
}

/// One need, in the reader's language when a translation exists.
#[utoipa::path(get, path = "/api/v1/needs/{id}", tag = "needs", security((), ("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Need id"), ("lang" = Option<String>, Query, description = "Preferred language")),
    responses((status = 200, body = NeedOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_need(
    State(state): State<ListingState>,
    MaybeUser(caller): MaybeUser,
    headers: HeaderMap,
    AppPath(id): AppPath<NeedId>,
    AppQuery(q): AppQuery<super::LangQuery>,
) -> ApiResult<Response> {
    let m = needs::find(&state.db, id).await?;
    let h = Header::from(&m);
    listings::ensure_visible(&state.db, &h, caller.as_ref()).await?;
    let pending = revisions::for_reader(&state.db, &h, caller.as_ref()).await?;
    let t = translations::list(&state.db, ListingKind::Need, m.id).await?;
    let mut out = needs::to_out(
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

/// Edit a need with a JSON merge patch; `version` is required (stale → 409). On a published
/// need the edit waits for operator review as `pending_revision`.
#[utoipa::path(patch, path = "/api/v1/needs/{id}", tag = "needs", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Need id")),
    request_body(content = serde_json::Value, description = "Fields to change plus `version`"),
    responses((status = 200, body = NeedOut), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_need(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<NeedId>,
    AppJson(mut body): AppJson<serde_json::Value>,
) -> ApiResult<AppJson<NeedOut>> {
    let version = patch::take_version(&mut body)?;
    let m = needs::update(&state.db, &caller, id, version, body).await?;
    let pending = revisions::for_reader(&state.db, &Header::from(&m), Some(&caller)).await?;
    let t = translations::list(&state.db, ListingKind::Need, m.id).await?;
    let mut out = needs::to_out(m, &t, &[], true);
    out.pending_revision = pending;
    Ok(AppJson(out))
}

/// Applications to an open call: all of them for its owner and operators, your own otherwise.
#[utoipa::path(get, path = "/api/v1/needs/{id}/applications", tag = "needs", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Open call (need) id")),
    responses((status = 200, body = Vec<ApplicationOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_applications(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<NeedId>,
) -> ApiResult<AppJson<Vec<ApplicationOut>>> {
    let rows = open_calls::list(&state.db, &caller, id).await?;
    let out = rows
        .into_iter()
        .map(open_calls::application_out)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(AppJson(out))
}

/// Apply (揭榜) to a published open call before its deadline.
#[utoipa::path(post, path = "/api/v1/needs/{id}/applications", tag = "needs", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Open call (need) id")), request_body = ApplicationIn,
    responses((status = 201, body = ApplicationOut), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn apply(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath(id): AppPath<NeedId>,
    AppJson(input): AppJson<ApplicationIn>,
) -> ApiResult<(StatusCode, AppJson<ApplicationOut>)> {
    let m = open_calls::apply(&state.db, &caller, id, input).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(open_calls::application_out(m)?),
    ))
}

/// The open call's owner shortlists, declines or awards an application.
#[utoipa::path(post, path = "/api/v1/needs/{id}/applications/{application_id}/decision", tag = "needs", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Open call (need) id"), ("application_id" = uuid::Uuid, Path, description = "Application id")),
    request_body = ApplicationDecisionIn,
    responses((status = 200, body = ApplicationOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn decide_application(
    State(state): State<ListingState>,
    caller: AuthUser,
    AppPath((id, application_id)): AppPath<(NeedId, ApplicationId)>,
    AppJson(input): AppJson<ApplicationDecisionIn>,
) -> ApiResult<AppJson<ApplicationOut>> {
    let m = open_calls::decide(&state.db, &caller, id, application_id, input).await?;
    Ok(AppJson(open_calls::application_out(m)?))
}
