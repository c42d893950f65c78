//! Open calls (揭榜挂帅): organisations apply with a proposal; the enterprise shortlists and
//! awards one. Applicants see their own application, the owner sees all, operators see all.

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::{AuthUser, OrgKind};
use platform::entity::{achievements, needs, open_call_applications as apps};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::{ApplicationId, NeedId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::events;
use super::listings::{self, Header, ListingKind, ListingStatus};
use super::needs::{NeedIn, NeedKind};
use crate::SERVICE;
use wire::ApplicationStatus;

/// An application (揭榜) as submitted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationIn {
    /// The team's proposal: approach, team, schedule, price.
    pub proposal: String,
    /// An achievement of the applicant's that the proposal builds on.
    pub achievement_id: Option<Uuid>,
}

pub use wire::listing::ApplicationOut;

/// An application row as the API shows it; its status is a stored code read into the vocabulary.
pub fn application_out(m: apps::Model) -> ApiResult<ApplicationOut> {
    Ok(ApplicationOut {
        id: ApplicationId(m.id),
        need_id: NeedId(m.need_id),
        organisation_id: m.organisation_id,
        proposal: m.proposal,
        achievement_id: m.achievement_id,
        status: m.status.parse()?,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}

async fn open_call(db: &impl ConnectionTrait, need_id: NeedId) -> ApiResult<needs::Model> {
    let need = needs::Entity::find_by_id(need_id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("open call {need_id}")))?;
    if need.kind != NeedKind::OpenCall.as_str() {
        return Err(ApiError::not_found(format!("open call {need_id}")));
    }
    Ok(need)
}

/// Applies to a published open call before its deadline, once per organisation.
#[tracing::instrument(skip_all)]
pub async fn apply(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    need_id: NeedId,
    input: ApplicationIn,
) -> ApiResult<apps::Model> {
    let org = caller.require_organisation()?;
    let need = open_call(db, need_id).await?;
    let header = Header::from(&need);
    listings::ensure_visible(db, &header, Some(caller)).await?;
    if header.status != ListingStatus::Published {
        return Err(ApiError::conflict(
            "open_call_not_open",
            "this open call is not accepting applications",
        ));
    }
    if need.deadline.is_some_and(|d| d < Utc::now().date_naive()) {
        return Err(ApiError::conflict(
            "open_call_closed",
            "the deadline of this open call has passed",
        ));
    }
    if need.organisation_id == org.0 {
        return Err(ApiError::Forbidden(
            "an organisation cannot apply to its own open call".to_owned(),
        ));
    }
    if caller.org_kind == Some(OrgKind::Government) {
        return Err(ApiError::Forbidden(
            "government bodies do not apply to open calls".to_owned(),
        ));
    }
    let mut v = Validator::new();
    v.length(&input.proposal, "proposal", 20, 20_000);
    v.finish()?;
    // The achievement an application builds on is the applicant's own: naming another
    // organisation's would pass off its work as theirs. A missing one reads the same, so the
    // answer does not reveal which ids exist.
    if let Some(achievement_id) = input.achievement_id {
        let own = achievements::Entity::find_by_id(achievement_id)
            .filter(achievements::Column::OrganisationId.eq(org.0))
            .one(db)
            .await?;
        if own.is_none() {
            return Err(ApiError::field(
                "achievement_id",
                "must be one of your organisation's achievements",
            ));
        }
    }
    let existing = apps::Entity::find()
        .filter(apps::Column::NeedId.eq(need_id.0))
        .filter(apps::Column::OrganisationId.eq(org.0))
        .one(db)
        .await?;
    if existing.is_some() {
        return Err(ApiError::conflict(
            "already_applied",
            "your organisation has already applied to this open call",
        ));
    }
    let now = Utc::now();
    let id = ApplicationId::new();
    let txn = db.begin().await?;
    // Take the open call's row lock (a no-op write) before storing the application, so an
    // approval that lowers the bounty or moves the deadline earlier either commits first (and
    // the application is made against the new terms) or sees this application and is refused.
    needs::Entity::update_many()
        .col_expr(
            needs::Column::Version,
            sea_orm::sea_query::Expr::col(needs::Column::Version).into(),
        )
        .filter(needs::Column::Id.eq(need_id.0))
        .exec(&txn)
        .await?;
    let model = apps::ActiveModel {
        id: Set(id.0),
        need_id: Set(need_id.0),
        organisation_id: Set(org.0),
        submitted_by: Set(caller.user_id.0),
        proposal: Set(input.proposal.trim().to_owned()),
        achievement_id: Set(input.achievement_id),
        status: Set(ApplicationStatus::Submitted.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now.into()),
        updated_at: Set(now.into()),
    }
    .insert(&txn)
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "open_call.apply",
        entity_type: "open_call_application",
        entity_id: id.0,
    }
    .record(&txn, None::<&()>, Some(&application_out(model.clone())?))
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// The applications the caller may see: all for the owner and operators, their own otherwise.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    need_id: NeedId,
) -> ApiResult<Vec<apps::Model>> {
    let need = open_call(db, need_id).await?;
    let header = Header::from(&need);
    listings::ensure_visible(db, &header, Some(caller)).await?;
    let mut query = apps::Entity::find().filter(apps::Column::NeedId.eq(need_id.0));
    if !(caller.belongs_to(need.organisation_id.into())
        || platform::city_scope::operator_covers(db, Some(caller), need.organisation_id).await?)
    {
        let org = caller.require_organisation()?;
        query = query.filter(apps::Column::OrganisationId.eq(org.0));
    }
    Ok(query.order_by_asc(apps::Column::CreatedAt).all(db).await?)
}

/// What the owner decides about an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationDecision {
    Shortlist,
    Award,
    Decline,
}

/// The owner's decision on one application.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationDecisionIn {
    pub decision: ApplicationDecision,
    /// The application's version as read.
    pub version: i32,
}

/// Owner shortlists, declines or awards an application. Awarding closes the open call: the
/// winner is recorded on the need and every other application becomes `not_selected`.
#[tracing::instrument(skip_all)]
pub async fn decide(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    need_id: NeedId,
    application_id: ApplicationId,
    input: ApplicationDecisionIn,
) -> ApiResult<apps::Model> {
    let need = open_call(db, need_id).await?;
    let header = Header::from(&need);
    listings::ensure_owner(db, &header, caller).await?;
    let app = apps::Entity::find_by_id(application_id.0)
        .one(db)
        .await?
        .filter(|a| a.need_id == need_id.0)
        .ok_or_else(|| ApiError::not_found(format!("application {application_id}")))?;
    if app.version != input.version {
        return Err(ApiError::StaleVersion(format!(
            "application {application_id} is at version {}",
            app.version
        )));
    }
    if need.awarded_application_id.is_some() {
        return Err(ApiError::conflict(
            "open_call_awarded",
            "this open call has already been awarded",
        ));
    }
    if !matches!(
        ApplicationStatus::parse(&app.status),
        Some(ApplicationStatus::Submitted | ApplicationStatus::Shortlisted)
    ) {
        return Err(ApiError::conflict(
            "illegal_state_change",
            format!("the application is {}", app.status),
        ));
    }
    let new_status = match input.decision {
        ApplicationDecision::Shortlist => ApplicationStatus::Shortlisted,
        ApplicationDecision::Award => ApplicationStatus::Awarded,
        ApplicationDecision::Decline => ApplicationStatus::NotSelected,
    };
    if input.decision == ApplicationDecision::Award && header.status != ListingStatus::Published {
        return Err(ApiError::conflict(
            "open_call_not_open",
            "only a published open call can be awarded",
        ));
    }
    let now = Utc::now();
    let txn = db.begin().await?;
    let before = application_out(app.clone())?;
    let mut active: apps::ActiveModel = app.into();
    active.status = Set(new_status.as_str().to_owned());
    active.version = Set(input.version + 1);
    active.updated_at = Set(now.into());
    let result = apps::Entity::update_many()
        .set(active)
        .filter(apps::Column::Id.eq(application_id.0))
        .filter(apps::Column::Version.eq(input.version))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(ApiError::StaleVersion(format!(
            "application {application_id} changed meanwhile"
        )));
    }
    if input.decision == ApplicationDecision::Award {
        apps::Entity::update_many()
            .col_expr(
                apps::Column::Status,
                sea_orm::sea_query::Expr::value(ApplicationStatus::NotSelected.as_str()),
            )
            .filter(apps::Column::NeedId.eq(need_id.0))
            .filter(apps::Column::Id.ne(application_id.0))
            .filter(apps::Column::Status.is_in([
                ApplicationStatus::Submitted.as_str(),
                ApplicationStatus::Shortlisted.as_str(),
            ]))
            .exec(&txn)
            .await?;
        listings::transition(
            &txn,
            &header,
            header.version,
            ListingStatus::Closed,
            vec![
                (
                    "awarded_application_id",
                    sea_orm::Value::from(application_id.0),
                ),
                ("closed_at", listings::now_value()),
            ],
        )
        .await?;
        events::listing_changed(&txn, ListingKind::Need, need_id.0).await?;
    }
    let updated = apps::Entity::find_by_id(application_id.0)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("application"))?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "open_call.decide",
        entity_type: "open_call_application",
        entity_id: application_id.0,
    }
    .record(
        &txn,
        Some(&before),
        Some(&application_out(updated.clone())?),
    )
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Once an open call has applications, its owner may not cut what they were promised: the
/// bounty may not go down (nor change currency) and the deadline may not move earlier or be
/// removed. Raising the bounty and extending the deadline stay allowed. Checked when an edit
/// is made and again when an operator approves it (an application may arrive in between).
#[tracing::instrument(skip_all)]
pub async fn check_promises(
    db: &impl ConnectionTrait,
    need_id: NeedId,
    before: &NeedIn,
    after: &NeedIn,
) -> ApiResult<()> {
    let bounty_cut = match (&before.bounty, &after.bounty) {
        (Some(_), None) => Some((
            "bounty",
            "cannot be removed after applications have arrived",
        )),
        (Some(b), Some(a)) if a.currency != b.currency => Some((
            "bounty.currency",
            "cannot change after applications have arrived",
        )),
        (Some(b), Some(a)) if a.minor_units < b.minor_units => Some((
            "bounty.minor_units",
            "cannot be lowered after applications have arrived",
        )),
        _ => None,
    };
    let deadline_cut = match (before.deadline, after.deadline) {
        (Some(_), None) => Some((
            "deadline",
            "cannot be removed after applications have arrived",
        )),
        (Some(b), Some(a)) if a < b => Some((
            "deadline",
            "cannot move earlier after applications have arrived",
        )),
        _ => None,
    };
    if bounty_cut.is_none() && deadline_cut.is_none() {
        return Ok(());
    }
    let applied = apps::Entity::find()
        .filter(apps::Column::NeedId.eq(need_id.0))
        .one(db)
        .await?
        .is_some();
    if !applied {
        return Ok(());
    }
    let mut v = Validator::new();
    for (path, message) in [bounty_cut, deadline_cut].into_iter().flatten() {
        v.push(path, message);
    }
    v.finish()
}
