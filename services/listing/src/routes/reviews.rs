//! `/api/v1/reviews`: the operators' queue of listings waiting for review.

use axum::extract::State;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::Serialize;
use shared::auth::AuthUser;
use shared::entity::{achievements, needs};
use shared::error::{ApiResult, Problem};
use shared::extract::AppJson;
use shared::AppState;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::domain::listings::{ListingKind, Status};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(review_queue))
}

/// One listing waiting for review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItem {
    pub kind: ListingKind,
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub title: String,
    pub language: String,
    pub version: i32,
    pub submitted_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// Submitted achievements and needs, oldest first (operators only).
#[utoipa::path(get, path = "/api/v1/reviews", tag = "lifecycle", security(("bearer" = [])),
    responses((status = 200, body = Vec<ReviewItem>), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn review_queue(State(state): State<AppState>, caller: AuthUser) -> ApiResult<AppJson<Vec<ReviewItem>>> {
    caller.require_operator()?;
    let submitted = Status::Submitted.as_str();
    let mut items: Vec<ReviewItem> = achievements::Entity::find()
        .filter(achievements::Column::Status.eq(submitted))
        .order_by_asc(achievements::Column::SubmittedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| ReviewItem { kind: ListingKind::Achievement, id: m.id, organisation_id: m.organisation_id, title: m.title, language: m.original_language, version: m.version, submitted_at: m.submitted_at })
        .collect();
    items.extend(
        needs::Entity::find()
            .filter(needs::Column::Status.eq(submitted))
            .order_by_asc(needs::Column::SubmittedAt)
            .all(&state.db)
            .await?
            .into_iter()
            .map(|m| ReviewItem { kind: ListingKind::Need, id: m.id, organisation_id: m.organisation_id, title: m.title, language: m.original_language, version: m.version, submitted_at: m.submitted_at }),
    );
    items.sort_by_key(|i| i.submitted_at);
    Ok(AppJson(items))
}
