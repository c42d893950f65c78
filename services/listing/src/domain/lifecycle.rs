//! The life of a listing: draft → submitted → published or rejected (operator review) →
//! withdrawn / expired / closed, with renewal. Every step checks the caller, the current
//! state and the version, is audited, and tells the other services through the job queue.

use chrono::{Duration, NaiveDate, Utc};
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::city_scope::OperatorScope;
use platform::entity::listing_reviews;
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use platform::jobs::enqueue;
use platform::jobs::events::ListingExpiring;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionTrait, Value};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::events;
use super::listings::{self, now_value, Header, ListingKind, ListingStatus};
use crate::SERVICE;

/// Days before expiry that owners are reminded.
pub const REMIND_DAYS_BEFORE: i64 = 14;

/// A state change request: the version the caller read.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionIn {
    pub version: i32,
}

/// Renewal: the new valid-until date.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RenewIn {
    pub version: i32,
    pub valid_until: NaiveDate,
}

/// An operator's review decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Publish,
    Reject,
}

/// A review.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewIn {
    pub decision: Decision,
    /// Required when rejecting: what the owner must fix.
    pub reason: Option<String>,
    pub version: i32,
}

fn wrong_state(header: &Header, action: &str) -> ApiError {
    ApiError::conflict(
        "illegal_state_change",
        format!(
            "cannot {action} a {} that is {}",
            header.kind.as_str(),
            header.status.as_str()
        ),
    )
}

async fn audit(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    header: &Header,
    action: &'static str,
    to: ListingStatus,
) -> ApiResult<()> {
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action,
        entity_type: header.kind.as_str(),
        entity_id: header.id,
    }
    .record(
        db,
        Some(&serde_json::json!({"status": header.status, "version": header.version})),
        Some(&serde_json::json!({"status": to, "version": header.version + 1})),
    )
    .await?;
    Ok(())
}

/// Owner sends a draft (or a rejected listing) for review. It needs a future valid-until.
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn submit(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    kind: ListingKind,
    id: Uuid,
    input: VersionIn,
) -> ApiResult<()> {
    let header = listings::header(db, kind, id).await?;
    listings::ensure_owner(db, &header, caller).await?;
    listings::ensure_version(&header, input.version)?;
    if !matches!(
        header.status,
        ListingStatus::Draft | ListingStatus::Rejected
    ) {
        return Err(wrong_state(&header, "submit"));
    }
    let mut v = Validator::new();
    match header.valid_until {
        None => {
            v.push(
                "valid_until",
                "is required before a listing can be published",
            );
        }
        Some(d) => {
            v.check(
                d > Utc::now().date_naive(),
                "valid_until",
                "must be in the future",
            );
        }
    }
    v.finish()?;
    let txn = db.begin().await?;
    listings::transition(
        &txn,
        &header,
        input.version,
        ListingStatus::Submitted,
        vec![("submitted_at", now_value())],
    )
    .await?;
    audit(
        &txn,
        caller,
        &header,
        "listing.submit",
        ListingStatus::Submitted,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Longest reason an operator may give for a review decision.
pub const REVIEW_REASON_MAX: usize = 2000;

/// Operator publishes or rejects a submitted listing, or approves (`publish`) or rejects a
/// published listing's pending revision; within their cities for a city office's operator
/// (`platform::city_scope`).
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn review(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    kind: ListingKind,
    id: Uuid,
    input: ReviewIn,
) -> ApiResult<()> {
    let scope = OperatorScope::of(db, caller).await?;
    let header = listings::header(db, kind, id).await?;
    // A city office's operator reviews their cities' listings only; another city's is
    // answered as if it did not exist.
    scope
        .ensure_organisation(db, header.organisation_id, || {
            format!("{} {id}", kind.as_str())
        })
        .await?;
    // The reason is read by the owner; an essay-sized one is a mistake or an attack.
    if input
        .reason
        .as_deref()
        .is_some_and(|r| r.trim().chars().count() > REVIEW_REASON_MAX)
    {
        return Err(ApiError::field(
            "reason",
            format!("must be at most {REVIEW_REASON_MAX} characters"),
        ));
    }
    if header.status == ListingStatus::Published {
        // A published listing is reviewed again only through its pending revision.
        return super::revisions::review(db, caller, &header, &input).await;
    }
    listings::ensure_version(&header, input.version)?;
    if header.status != ListingStatus::Submitted {
        return Err(wrong_state(&header, "review"));
    }
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty());
    if input.decision == Decision::Reject && reason.is_none() {
        return Err(ApiError::field(
            "reason",
            "a rejection needs a reason the owner can act on",
        ));
    }
    if input.decision == Decision::Publish
        && header
            .valid_until
            .is_none_or(|d| d <= Utc::now().date_naive())
    {
        return Err(ApiError::field(
            "valid_until",
            "the listing's valid-until date has passed; the owner must renew it",
        ));
    }
    let txn = db.begin().await?;
    let (to, extra, action) = match input.decision {
        Decision::Publish => (
            ListingStatus::Published,
            vec![("published_at", now_value())],
            "listing.publish",
        ),
        Decision::Reject => (ListingStatus::Rejected, vec![], "listing.reject"),
    };
    listings::transition(&txn, &header, input.version, to, extra).await?;
    listing_reviews::ActiveModel {
        id: Set(new_uuid()),
        listing_kind: Set(kind.as_str().to_owned()),
        listing_id: Set(id),
        reviewer_id: Set(caller.user_id.0),
        decision: Set(match input.decision {
            Decision::Publish => ListingStatus::Published.as_str().to_owned(),
            Decision::Reject => ListingStatus::Rejected.as_str().to_owned(),
        }),
        reason: Set(reason.map(str::to_owned)),
        created_at: Set(Utc::now().into()),
    }
    .insert(&txn)
    .await?;
    audit(&txn, caller, &header, action, to).await?;
    if to == ListingStatus::Published {
        events::listing_changed(&txn, kind, id).await?;
    }
    txn.commit().await?;
    Ok(())
}

/// Owner takes a listing off the market.
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn withdraw(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    kind: ListingKind,
    id: Uuid,
    input: VersionIn,
) -> ApiResult<()> {
    let from = |s: ListingStatus| !matches!(s, ListingStatus::Withdrawn | ListingStatus::Closed);
    let ending = Ending {
        verb: "withdraw",
        action: "listing.withdraw",
        to: ListingStatus::Withdrawn,
    };
    end_listing(db, caller, kind, id, input, from, ending).await
}

/// Owner marks a listing closed: the technology was transferred or the need met.
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn close(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    kind: ListingKind,
    id: Uuid,
    input: VersionIn,
) -> ApiResult<()> {
    let from = |s: ListingStatus| matches!(s, ListingStatus::Published | ListingStatus::Expired);
    let ending = Ending {
        verb: "close",
        action: "listing.close",
        to: ListingStatus::Closed,
    };
    end_listing(db, caller, kind, id, input, from, ending).await
}

/// How an owner ends a listing: the verb a refusal names, the audit action, the final status.
struct Ending {
    verb: &'static str,
    action: &'static str,
    to: ListingStatus,
}

/// Withdrawing and closing are one flow: the owner, at the version read, from a status
/// `from` accepts, to a final status; a pending revision is discarded and the search index
/// and matching hear of it in the same transaction.
async fn end_listing(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    kind: ListingKind,
    id: Uuid,
    input: VersionIn,
    from: impl Fn(ListingStatus) -> bool,
    ending: Ending,
) -> ApiResult<()> {
    let header = listings::header(db, kind, id).await?;
    listings::ensure_owner(db, &header, caller).await?;
    listings::ensure_version(&header, input.version)?;
    if !from(header.status) {
        return Err(wrong_state(&header, ending.verb));
    }
    let txn = db.begin().await?;
    listings::transition(
        &txn,
        &header,
        input.version,
        ending.to,
        vec![("closed_at", now_value())],
    )
    .await?;
    audit(&txn, caller, &header, ending.action, ending.to).await?;
    super::revisions::discard_pending(&txn, &header).await?;
    events::listing_changed(&txn, kind, id).await?;
    txn.commit().await?;
    Ok(())
}

/// Owner extends a published or expired listing; an expired one is published again (it was
/// reviewed before).
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn renew(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    kind: ListingKind,
    id: Uuid,
    input: RenewIn,
) -> ApiResult<()> {
    let header = listings::header(db, kind, id).await?;
    listings::ensure_owner(db, &header, caller).await?;
    listings::ensure_version(&header, input.version)?;
    if !matches!(
        header.status,
        ListingStatus::Published | ListingStatus::Expired
    ) {
        return Err(wrong_state(&header, "renew"));
    }
    if input.valid_until <= Utc::now().date_naive() {
        return Err(ApiError::field("valid_until", "must be in the future"));
    }
    let txn = db.begin().await?;
    listings::transition(
        &txn,
        &header,
        input.version,
        ListingStatus::Published,
        vec![
            ("valid_until", Value::from(input.valid_until)),
            (
                "expiry_reminded_at",
                Value::ChronoDateTimeWithTimeZone(None),
            ),
        ],
    )
    .await?;
    audit(
        &txn,
        caller,
        &header,
        "listing.renew",
        ListingStatus::Published,
    )
    .await?;
    events::listing_changed(&txn, kind, id).await?;
    txn.commit().await?;
    Ok(())
}

/// Closes an achievement the deal service sold at a listed price or by auction (the job it
/// enqueued with the deal). Idempotent: an achievement already closed, or withdrawn meanwhile,
/// stays as it is; a concurrent edit is retried by the queue.
#[tracing::instrument(skip_all, fields(listing.id = %job.achievement_id, deal.id = %job.deal_id))]
pub async fn close_sold(
    db: &(impl ConnectionTrait + TransactionTrait),
    job: &platform::jobs::events::AchievementSold,
) -> anyhow::Result<()> {
    let kind = ListingKind::Achievement;
    let header = listings::header(db, kind, job.achievement_id).await?;
    if !matches!(
        header.status,
        ListingStatus::Published | ListingStatus::Expired
    ) {
        return Ok(());
    }
    let txn = db.begin().await?;
    listings::transition(
        &txn,
        &header,
        header.version,
        ListingStatus::Closed,
        vec![("closed_at", now_value())],
    )
    .await?;
    AuditEntry {
        actor: None,
        service: SERVICE,
        action: "listing.sold",
        entity_type: kind.as_str(),
        entity_id: header.id,
    }
    .record(
        &txn,
        Some(&serde_json::json!({"status": header.status, "version": header.version})),
        Some(&serde_json::json!({"status": ListingStatus::Closed, "deal_id": job.deal_id})),
    )
    .await?;
    super::revisions::discard_pending(&txn, &header).await?;
    events::listing_changed(&txn, kind, header.id).await?;
    txn.commit().await?;
    Ok(())
}

/// What one expiry sweep did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ExpirySweep {
    pub expired: usize,
    pub reminded: usize,
}

/// Expires published listings whose valid-until date is before `today`, and reminds owners of
/// those expiring within [`REMIND_DAYS_BEFORE`] days (once per validity period). Idempotent:
/// running it twice on the same day changes nothing the second time.
#[tracing::instrument(skip_all)]
pub async fn sweep_expiry(
    db: &(impl ConnectionTrait + TransactionTrait),
    today: NaiveDate,
) -> anyhow::Result<ExpirySweep> {
    let mut sweep = ExpirySweep::default();
    for kind in [ListingKind::Achievement, ListingKind::Need] {
        let table = Alias::new(listings::table(kind));
        let backend = db.get_database_backend();
        let mut select = Query::select();
        select
            .columns([
                Alias::new("id"),
                Alias::new("version"),
                Alias::new("organisation_id"),
                Alias::new("title"),
                Alias::new("valid_until"),
                Alias::new("expiry_reminded_at"),
            ])
            .from(table.clone())
            .and_where(Expr::col(Alias::new("status")).eq(ListingStatus::Published.as_str()))
            .and_where(
                Expr::col(Alias::new("valid_until"))
                    .lte(today + Duration::days(REMIND_DAYS_BEFORE)),
            );
        let rows = db.query_all(backend.build(&select)).await?;
        for row in rows {
            let id: Uuid = row.try_get("", "id")?;
            let version: i32 = row.try_get("", "version")?;
            let organisation_id: Uuid = row.try_get("", "organisation_id")?;
            let title: String = row.try_get("", "title")?;
            let valid_until: NaiveDate = row.try_get("", "valid_until")?;
            let reminded: Option<chrono::DateTime<chrono::FixedOffset>> =
                row.try_get("", "expiry_reminded_at")?;
            let txn = db.begin().await?;
            if valid_until < today {
                let header = Header {
                    kind,
                    id,
                    organisation_id,
                    // Not read by the transition that expires it.
                    posted_by_organisation_id: None,
                    status: ListingStatus::Published,
                    version,
                    valid_until: Some(valid_until),
                    original_language: String::new(),
                };
                // A concurrent edit wins; the next sweep expires it.
                if listings::transition(&txn, &header, version, ListingStatus::Expired, vec![])
                    .await
                    .is_ok()
                {
                    events::listing_changed(&txn, kind, id).await?;
                    sweep.expired += 1;
                }
            } else if reminded.is_none() {
                let mut update = Query::update();
                update
                    .table(table.clone())
                    .value(Alias::new("expiry_reminded_at"), now_value())
                    .and_where(Expr::col(Alias::new("id")).eq(id))
                    .and_where(Expr::col(Alias::new("expiry_reminded_at")).is_null());
                let result = txn.execute(backend.build(&update)).await?;
                if result.rows_affected() == 1 {
                    enqueue(
                        &txn,
                        &ListingExpiring {
                            kind,
                            id,
                            organisation_id,
                            title,
                            valid_until,
                        },
                    )
                    .await?;
                    sweep.reminded += 1;
                }
            }
            txn.commit().await?;
        }
    }
    Ok(sweep)
}
