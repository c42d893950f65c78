//! Matches of a need or an achievement, previews for a need being written, status, feedback,
//! and the broker worklist.

use crate::MatchingState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::entity::{achievements, match_feedback, needs};
use platform::error::{ApiError, ApiResult, Problem, Validator};
use platform::extract::{AppJson, AppPath, AppQuery};
use platform::ids::{AchievementId, MatchId, NeedId};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use wire::MatchSideStatus;

use crate::domain::access::{broker_area, ensure_may_see};
use crate::domain::matches::{self, FeedbackIn, FeedbackOut, MatchOut, StatusIn};
use crate::domain::profiles::achievement_profiles;
use crate::engine::{self, NeedProfile, Scored};
use wire::{ListingStatus, Stage};

pub fn router() -> OpenApiRouter<MatchingState> {
    OpenApiRouter::new()
        .routes(routes!(need_matches))
        .routes(routes!(achievement_matches))
        .routes(routes!(get_match))
        .routes(routes!(set_status))
        .routes(routes!(list_feedback, give_feedback))
        .routes(routes!(preview))
        .routes(routes!(worklist))
}

/// The best achievements for a need, with scores and reasons (the need's organisation,
/// operators, and brokers of its field and region).
#[utoipa::path(get, path = "/api/v1/needs/{id}/matches", tag = "matching", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Need id")),
    responses((status = 200, body = Vec<MatchOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn need_matches(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppPath(id): AppPath<NeedId>,
) -> ApiResult<AppJson<Vec<MatchOut>>> {
    let need = needs::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("need {id}")))?;
    if need.status != ListingStatus::Published.as_str()
        && !(caller.is_operator || caller.belongs_to(need.organisation_id.into()))
    {
        return Err(ApiError::not_found(format!("need {id}")));
    }
    ensure_may_see(
        &state.db,
        &caller,
        need.organisation_id,
        &need.industry_code,
        &need.region_code,
    )
    .await?;
    let rows =
        matches::live_for(&state.db, platform::entity::matches::Column::NeedId, id.0).await?;
    matches::to_out(&state.db, rows).await.map(AppJson)
}

/// The needs an achievement fits (its organisation, operators, brokers of its field and region).
#[utoipa::path(get, path = "/api/v1/achievements/{id}/matches", tag = "matching", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Achievement id")),
    responses((status = 200, body = Vec<MatchOut>), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn achievement_matches(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppPath(id): AppPath<AchievementId>,
) -> ApiResult<AppJson<Vec<MatchOut>>> {
    let ach = achievements::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("achievement {id}")))?;
    if ach.status != ListingStatus::Published.as_str()
        && !(caller.is_operator || caller.belongs_to(ach.organisation_id.into()))
    {
        return Err(ApiError::not_found(format!("achievement {id}")));
    }
    ensure_may_see(
        &state.db,
        &caller,
        ach.organisation_id,
        &ach.industry_code,
        &ach.region_code,
    )
    .await?;
    let rows = matches::live_for(
        &state.db,
        platform::entity::matches::Column::AchievementId,
        id.0,
    )
    .await?;
    matches::to_out(&state.db, rows).await.map(AppJson)
}

async fn visible_match(
    state: &MatchingState,
    caller: &AuthUser,
    id: MatchId,
) -> ApiResult<MatchOut> {
    let m = platform::entity::matches::Entity::find_by_id(id.0)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("match {id}")))?;
    let need = needs::Entity::find_by_id(m.need_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("need"))?;
    let ach = achievements::Entity::find_by_id(m.achievement_id)
        .one(&state.db)
        .await?
        .ok_or_else(|| ApiError::not_found("achievement"))?;
    let party = caller.belongs_to(need.organisation_id.into())
        || caller.belongs_to(ach.organisation_id.into());
    if !party {
        ensure_may_see(
            &state.db,
            caller,
            need.organisation_id,
            &need.industry_code,
            &need.region_code,
        )
        .await
        .map_err(|_| ApiError::not_found(format!("match {id}")))?;
    }
    matches::to_out(&state.db, vec![m])
        .await?
        .pop()
        .ok_or_else(|| ApiError::not_found(format!("match {id}")))
}

/// One match.
#[utoipa::path(get, path = "/api/v1/matches/{id}", tag = "matching", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Match id")),
    responses((status = 200, body = MatchOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_match(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppPath(id): AppPath<MatchId>,
) -> ApiResult<AppJson<MatchOut>> {
    visible_match(&state, &caller, id).await.map(AppJson)
}

/// Move your side of a match: new → shortlisted / dismissed → contacted → converted.
#[utoipa::path(post, path = "/api/v1/matches/{id}/status", tag = "matching", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Match id")), request_body = StatusIn,
    responses((status = 200, body = MatchOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn set_status(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppPath(id): AppPath<MatchId>,
    AppJson(input): AppJson<StatusIn>,
) -> ApiResult<AppJson<MatchOut>> {
    let m = matches::set_status(&state.db, &caller, id, input).await?;
    matches::to_out(&state.db, vec![m])
        .await?
        .pop()
        .map(AppJson)
        .ok_or_else(|| ApiError::not_found("match"))
}

/// Feedback on a match (good / poor with a typed reason); it reaches the judged listing's owner.
#[utoipa::path(post, path = "/api/v1/matches/{id}/feedback", tag = "matching", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Match id")), request_body = FeedbackIn,
    responses((status = 201, body = FeedbackOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn give_feedback(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppPath(id): AppPath<MatchId>,
    AppJson(input): AppJson<FeedbackIn>,
) -> ApiResult<(StatusCode, AppJson<FeedbackOut>)> {
    let row = matches::give_feedback(&state.db, &caller, id, input).await?;
    Ok((StatusCode::CREATED, AppJson(matches::feedback_out(row)?)))
}

/// Feedback given on a match (its parties, operators and brokers who may see it).
#[utoipa::path(get, path = "/api/v1/matches/{id}/feedback", tag = "matching", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path, description = "Match id")),
    responses((status = 200, body = Vec<FeedbackOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_feedback(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppPath(id): AppPath<MatchId>,
) -> ApiResult<AppJson<Vec<FeedbackOut>>> {
    visible_match(&state, &caller, id).await?;
    let rows = match_feedback::Entity::find()
        .filter(match_feedback::Column::MatchId.eq(id.0))
        .order_by_asc(match_feedback::Column::CreatedAt)
        .all(&state.db)
        .await?;
    let out = rows
        .into_iter()
        .map(matches::feedback_out)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(AppJson(out))
}

/// A need still being written, to preview its matches.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PreviewIn {
    /// The problem in the enterprise's words (any language).
    pub text: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub industry: Option<String>,
    #[serde(default)]
    pub ipc_codes: Vec<String>,
    #[serde(default = "one")]
    pub min_trl: i16,
    /// Budget in CNY fen.
    pub budget_min_cny_fen: Option<i64>,
    pub budget_max_cny_fen: Option<i64>,
    #[serde(default)]
    pub cooperation_modes: Vec<String>,
    pub region_code: Option<String>,
    /// Defaults to CN.
    pub country: Option<String>,
    #[serde(default)]
    pub cross_border: bool,
    /// At most 50 (default 10).
    pub limit: Option<usize>,
}

fn one() -> i16 {
    1
}

/// Longest preview text, in characters.
const PREVIEW_MAX_CHARS: usize = 5000;

/// Matches for a need that is not saved yet (nothing is stored).
#[utoipa::path(post, path = "/api/v1/matches/preview", tag = "matching", security(("bearer" = [])), request_body = PreviewIn,
    responses((status = 200, body = Vec<Scored>), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn preview(
    State(state): State<MatchingState>,
    _caller: AuthUser,
    AppJson(input): AppJson<PreviewIn>,
) -> ApiResult<AppJson<Vec<Scored>>> {
    let mut v = Validator::new();
    v.length(&input.text, "text", 2, PREVIEW_MAX_CHARS);
    v.check(
        (1..=9).contains(&input.min_trl),
        "min_trl",
        "must be between 1 and 9",
    );
    if let Some(i) = &input.industry {
        v.check(
            platform::taxonomy::is_industry(i),
            "industry",
            "unknown industry code",
        );
    }
    for (i, c) in input.ipc_codes.iter().enumerate() {
        v.check(
            platform::taxonomy::is_ipc_code(c),
            &format!("ipc_codes[{i}]"),
            "must be an IPC code like A01D 45/10",
        );
    }
    if let (Some(a), Some(b)) = (input.budget_min_cny_fen, input.budget_max_cny_fen) {
        v.check(
            a <= b,
            "budget_min_cny_fen",
            "must not exceed budget_max_cny_fen",
        );
    }
    let limit = input.limit.unwrap_or(10);
    v.check(
        (1..=50).contains(&limit),
        "limit",
        "must be between 1 and 50",
    );
    v.finish()?;
    let need = NeedProfile {
        language: String::new(),
        title: input.title,
        summary: input.text,
        description: String::new(),
        keywords: input.keywords,
        industry: input.industry,
        ipc_codes: input.ipc_codes,
        min_trl: input.min_trl,
        budget_min_cny_fen: input.budget_min_cny_fen,
        budget_max_cny_fen: input.budget_max_cny_fen,
        cooperation_modes: input.cooperation_modes,
        region_code: input.region_code,
        country: input.country.unwrap_or_else(|| "CN".to_owned()),
        cross_border: input.cross_border,
    };
    let db = state.db.clone();
    let ranked = engine::rank(
        state.search.as_ref(),
        &need,
        &search::Filters::default(),
        &crate::settings::MatchingConfig::from_config(&state.config)
            .map_err(|e| ApiError::Internal(e.into()))?,
        limit,
        |ids| async move { achievement_profiles(&db, &ids).await },
    )
    .await?;
    Ok(AppJson(ranked))
}

/// Worklist paging.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorklistParams {
    /// At most 100 (default 30).
    pub limit: Option<u64>,
}

/// The best unhandled matches in the calling broker's fields and regions.
#[utoipa::path(get, path = "/api/v1/brokers/me/worklist", tag = "matching", security(("bearer" = [])), params(WorklistParams),
    responses((status = 200, body = Vec<MatchOut>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn worklist(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<WorklistParams>,
) -> ApiResult<AppJson<Vec<MatchOut>>> {
    let area = broker_area(&state.db, &caller)
        .await?
        .ok_or_else(|| ApiError::Forbidden("the worklist is for verified brokers".to_owned()))?;
    let limit = params.limit.unwrap_or(30).clamp(1, 100);
    // Unhandled matches, best first; filtered to the broker's area by need field and region.
    // A match a deal is already working (any stage but lost) is handled: the deal service's
    // table is read here, never written.
    use platform::entity::deals;
    use sea_orm::sea_query::{Expr, Query};
    let in_deals = Query::select()
        .column(deals::Column::MatchId)
        .from(deals::Entity)
        .and_where(Expr::col(deals::Column::MatchId).is_not_null())
        .and_where(Expr::col(deals::Column::Stage).ne(Stage::Lost.as_str()))
        .to_owned();
    let candidates = platform::entity::matches::Entity::find()
        .filter(platform::entity::matches::Column::RetiredAt.is_null())
        .filter(Expr::col(platform::entity::matches::Column::Id).not_in_subquery(in_deals))
        .filter(platform::entity::matches::Column::NeedSideStatus.eq(MatchSideStatus::New.as_str()))
        .filter(
            platform::entity::matches::Column::AchievementSideStatus
                .eq(MatchSideStatus::New.as_str()),
        )
        .order_by_desc(platform::entity::matches::Column::Score)
        .limit(2000)
        .all(&state.db)
        .await?;
    let need_ids: Vec<uuid::Uuid> = candidates.iter().map(|m| m.need_id).collect();
    let needs_by_id: std::collections::HashMap<uuid::Uuid, needs::Model> = needs::Entity::find()
        .filter(needs::Column::Id.is_in(need_ids))
        .all(&state.db)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let picked: Vec<_> = candidates
        .into_iter()
        .filter(|m| {
            needs_by_id
                .get(&m.need_id)
                .is_some_and(|n| area.covers(&n.industry_code, &n.region_code))
        })
        .take(usize::try_from(limit).unwrap_or(30))
        .collect();
    matches::to_out(&state.db, picked).await.map(AppJson)
}
