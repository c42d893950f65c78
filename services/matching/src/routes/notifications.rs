//! `/api/v1/notifications`: the caller's in-app notifications.

use crate::MatchingState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::entity::notifications;
use platform::error::{ApiError, ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

pub fn router() -> OpenApiRouter<MatchingState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(mark_read))
        .routes(routes!(mark_all_read))
}

pub use wire::matching::NotificationOut;

/// A notification row as its reader sees it.
fn notification_out(m: notifications::Model) -> NotificationOut {
    NotificationOut {
        id: m.id,
        kind: m.kind,
        title: m.title,
        body: m.body,
        link: m.link,
        payload: m.payload,
        read_at: m.read_at,
        created_at: m.created_at,
    }
}

/// Filters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Only unread ones.
    #[serde(default)]
    pub unread: bool,
    /// At most 200 (default 50).
    pub limit: Option<u64>,
}

/// Your notifications, newest first.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", security(("bearer" = [])), params(ListParams),
    responses((status = 200, body = Vec<NotificationOut>), (status = 401, body = Problem, content_type = "application/problem+json")))]
async fn list(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppQuery(p): AppQuery<ListParams>,
) -> ApiResult<AppJson<Vec<NotificationOut>>> {
    let mut q =
        notifications::Entity::find().filter(notifications::Column::UserId.eq(caller.user_id.0));
    if p.unread {
        q = q.filter(notifications::Column::ReadAt.is_null());
    }
    let rows = q
        .order_by_desc(notifications::Column::CreatedAt)
        .limit(p.limit.unwrap_or(50).clamp(1, 200))
        .all(&state.db)
        .await?;
    Ok(AppJson(rows.into_iter().map(notification_out).collect()))
}

fn now() -> sea_orm::Value {
    sea_orm::Value::from(chrono::DateTime::<chrono::FixedOffset>::from(
        chrono::Utc::now(),
    ))
}

/// Mark one notification read.
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "notifications", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Notification id")),
    responses((status = 204), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn mark_read(
    State(state): State<MatchingState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<StatusCode> {
    let n = notifications::Entity::find_by_id(id)
        .one(&state.db)
        .await?
        .filter(|n| n.user_id == caller.user_id.0)
        .ok_or_else(|| ApiError::not_found(format!("notification {id}")))?;
    if n.read_at.is_none() {
        notifications::Entity::update_many()
            .col_expr(
                notifications::Column::ReadAt,
                sea_orm::sea_query::Expr::value(now()),
            )
            .filter(notifications::Column::Id.eq(id))
            .exec(&state.db)
            .await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Mark all your notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read-all", tag = "notifications", security(("bearer" = [])),
    responses((status = 204)))]
async fn mark_all_read(
    State(state): State<MatchingState>,
    caller: AuthUser,
) -> ApiResult<StatusCode> {
    notifications::Entity::update_many()
        .col_expr(
            notifications::Column::ReadAt,
            sea_orm::sea_query::Expr::value(now()),
        )
        .filter(notifications::Column::UserId.eq(caller.user_id.0))
        .filter(notifications::Column::ReadAt.is_null())
        .exec(&state.db)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
