//! `/api/v1/reviews`: the operators' queue of listings waiting for review: new submissions and
//! pending revisions of published listings, side by side.

use crate::ListingState;
use axum::extract::State;
use platform::auth::AuthUser;
use platform::city_scope::OperatorScope;
use platform::entity::{achievements, needs};
use platform::error::{ApiResult, Problem};
use platform::extract::AppJson;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::domain::listings::{self, ListingKind, ListingStatus};
use crate::domain::revisions::{self};

pub fn router() -> OpenApiRouter<ListingState> {
    OpenApiRouter::new().routes(routes!(review_queue))
}

pub use wire::listing::ReviewItem;

/// Submitted achievements and needs and pending revisions of published ones, oldest first
/// (operators only; the operators of a city office see their cities' organisations' listings
/// only: `platform::city_scope`).
#[utoipa::path(get, path = "/api/v1/reviews", tag = "lifecycle", security(("bearer" = [])),
    responses((status = 200, body = Vec<ReviewItem>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn review_queue(
    State(state): State<ListingState>,
    caller: AuthUser,
) -> ApiResult<AppJson<Vec<ReviewItem>>> {
    let scope = OperatorScope::of(&state.db, &caller).await?;
    let submitted = ListingStatus::Submitted.as_str();
    let mut items: Vec<ReviewItem> = achievements::Entity::find()
        .filter(achievements::Column::Status.eq(submitted))
        .filter(scope.organisation_condition(&[achievements::Column::OrganisationId]))
        .order_by_asc(achievements::Column::SubmittedAt)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|m| ReviewItem {
            kind: ListingKind::Achievement,
            id: m.id,
            organisation_id: m.organisation_id,
            title: m.title,
            language: m.original_language,
            version: m.version,
            submitted_at: m.submitted_at,
            revision: None,
        })
        .collect();
    items.extend(
        needs::Entity::find()
            .filter(needs::Column::Status.eq(submitted))
            .filter(scope.organisation_condition(&[needs::Column::OrganisationId]))
            .order_by_asc(needs::Column::SubmittedAt)
            .all(&state.db)
            .await?
            .into_iter()
            .map(|m| ReviewItem {
                kind: ListingKind::Need,
                id: m.id,
                organisation_id: m.organisation_id,
                title: m.title,
                language: m.original_language,
                version: m.version,
                submitted_at: m.submitted_at,
                revision: None,
            }),
    );
    for r in revisions::pending_rows(&state.db).await? {
        let kind = if r.listing_kind == ListingKind::Need.as_str() {
            ListingKind::Need
        } else {
            ListingKind::Achievement
        };
        // Only a published listing's revision can be decided; one whose listing was withdrawn,
        // closed or expired meanwhile waits until it is public again.
        let Ok(h) = listings::header(&state.db, kind, r.listing_id).await else {
            continue;
        };
        if h.status != ListingStatus::Published
            || !scope
                .covers_organisation(&state.db, h.organisation_id)
                .await?
        {
            continue;
        }
        let title = match kind {
            ListingKind::Achievement => achievements::Entity::find_by_id(h.id)
                .one(&state.db)
                .await?
                .map(|m| m.title),
            ListingKind::Need => needs::Entity::find_by_id(h.id)
                .one(&state.db)
                .await?
                .map(|m| m.title),
        }
        .unwrap_or_default();
        items.push(ReviewItem {
            kind,
            id: h.id,
            organisation_id: h.organisation_id,
            title,
            language: h.original_language.clone(),
            version: h.version,
            submitted_at: Some(r.created_at),
            revision: Some(revisions::out(r)?),
        });
    }
    items.sort_by_key(|i| i.submitted_at);
    Ok(AppJson(items))
}
