//! Revisions under review: an owner's edit to a *published* listing (achievement, need, open
//! call), or to one of its translations, does not change what the public reads. It is stored
//! as a pending revision and waits in the operators' review queue beside new submissions;
//! the reviewed text stays public, in search and in matching until an operator approves it
//! (applied, version bumped, search sync enqueued in the same transaction, as publishing does)
//! or rejects it with a reason (the owner reads the decision and reason on their listing as
//! `pending_revision`, and a `listing_reviews` row records it, as for any review decision).
//!
//! Design: a `listing_revisions` table rather than a JSON column on `achievements`/`needs`.
//! One table serves both kinds (one query for the review queue, one code path), keeps every
//! proposal with its decision and reason as history, and leaves the live rows — which search,
//! matching, deals and imports read — untouched until approval.
//!
//! A revision stores a JSON merge patch of the listing fields that differ from the live row
//! (not a full snapshot), so a change made directly meanwhile (renewal's new valid-until) is
//! not reverted when the revision is approved; approval merges the patch onto the row as it is
//! then and validates the result again (an open call's promises included).
//!
//! Every field goes through review, contact details too: they are shown to every signed-in
//! user, so a changed phone number or address is a public claim as much as a title is. Only
//! the lifecycle steps (withdraw, close, renew) act at once, as before.
//!
//! Concurrency: the listing's `version` is the token for the listing *and* its pending
//! revision. Proposing, replacing, withdrawing, approving and rejecting each bump it with the
//! version check inside the UPDATE, so of two edits sent with the same version one gets a 409,
//! and an operator cannot approve a proposal that changed after they read it.

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{listing_reviews, listing_revisions as revs};
use platform::error::{ApiError, ApiResult};
use platform::ids::new_uuid;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use super::lifecycle::{Decision, ReviewIn};
use super::listings::{self, Header, ListingKind, ListingStatus};
use super::translations::{self};
use super::{achievements, events, needs};
use crate::SERVICE;

/// Where a revision is, as stored.
pub mod status {
    use wire::RevisionStatus;

    pub const PENDING: &str = RevisionStatus::Pending.as_str();
    pub const APPROVED: &str = RevisionStatus::Approved.as_str();
    pub const REJECTED: &str = RevisionStatus::Rejected.as_str();
    pub const WITHDRAWN: &str = RevisionStatus::Withdrawn.as_str();
    pub const SUPERSEDED: &str = RevisionStatus::Superseded.as_str();
}

pub use wire::listing::{Proposal, RevisionOut};

/// A revision row as the API shows it; its status is a stored code read into the vocabulary.
fn to_out(m: revs::Model) -> ApiResult<RevisionOut> {
    Ok(RevisionOut {
        id: m.id,
        status: m.status.parse()?,
        base_version: m.base_version,
        proposed: serde_json::from_value(m.proposed).unwrap_or_default(),
        reason: m.reason,
        created_at: m.created_at,
        reviewed_at: m.reviewed_at,
    })
}

/// The pending revision of a listing, if any.
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn find_pending(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
) -> ApiResult<Option<revs::Model>> {
    Ok(revs::Entity::find()
        .filter(revs::Column::ListingKind.eq(kind.as_str()))
        .filter(revs::Column::ListingId.eq(id))
        .filter(revs::Column::Status.eq(status::PENDING))
        .order_by_desc(revs::Column::CreatedAt)
        .one(db)
        .await?)
}

/// What the owner's members and operators see of a listing's revision: the pending one, or
/// the last one if it was rejected (so the owner reads why). Everyone else: nothing.
#[tracing::instrument(skip_all)]
pub async fn for_reader(
    db: &impl ConnectionTrait,
    header: &Header,
    caller: Option<&AuthUser>,
) -> ApiResult<Option<RevisionOut>> {
    let privileged = caller.is_some_and(|c| c.belongs_to(header.organisation_id.into()))
        || platform::city_scope::operator_covers(db, caller, header.organisation_id).await?;
    if !privileged {
        return Ok(None);
    }
    let latest = revs::Entity::find()
        .filter(revs::Column::ListingKind.eq(header.kind.as_str()))
        .filter(revs::Column::ListingId.eq(header.id))
        .order_by_desc(revs::Column::CreatedAt)
        .order_by_desc(revs::Column::UpdatedAt)
        .one(db)
        .await?;
    latest
        .filter(|r| r.status == status::PENDING || r.status == status::REJECTED)
        .map(to_out)
        .transpose()
}

/// Every pending revision, oldest first (the review queue shows those of published listings).
#[tracing::instrument(skip_all)]
pub async fn pending_rows(db: &impl ConnectionTrait) -> ApiResult<Vec<revs::Model>> {
    Ok(revs::Entity::find()
        .filter(revs::Column::Status.eq(status::PENDING))
        .order_by_asc(revs::Column::CreatedAt)
        .all(db)
        .await?)
}

/// The API view of a revision row (shown to the owner's members and operators only).
pub fn out(m: revs::Model) -> ApiResult<RevisionOut> {
    to_out(m)
}

/// The owner's edit of `live` (the stored listing as input): checks the caller, the version and
/// the state, then merges `patch` — onto the pending proposal when the listing is published,
/// so an owner who edits again replaces their proposal with a newer one.
#[tracing::instrument(skip_all)]
pub async fn merge_edit<T: Serialize + DeserializeOwned>(
    db: &impl ConnectionTrait,
    header: &Header,
    caller: &AuthUser,
    version: i32,
    live: &T,
    patch: serde_json::Value,
) -> ApiResult<T> {
    listings::ensure_owner(db, header, caller).await?;
    listings::ensure_version(header, version)?;
    if !header.status.editable() {
        return Err(ApiError::conflict(
            "listing_not_editable",
            format!(
                "a {} {} cannot be edited; renew or create a new one",
                header.status.as_str(),
                header.kind.as_str()
            ),
        ));
    }
    let base = match (
        header.status,
        find_pending(db, header.kind, header.id).await?,
    ) {
        (ListingStatus::Published, Some(pending)) => {
            let proposal: Proposal = serde_json::from_value(pending.proposed)
                .map_err(|e| ApiError::Internal(e.into()))?;
            super::patch::merge(live, serde_json::Value::Object(proposal.listing))?
        }
        _ => super::patch::merge(live, serde_json::json!({}))?,
    };
    super::patch::merge(&base, patch)
}

/// The top-level fields of `after` that differ from `before`, as a merge patch.
pub fn diff<T: Serialize>(
    before: &T,
    after: &T,
) -> ApiResult<serde_json::Map<String, serde_json::Value>> {
    let to_map = |v: &T| match serde_json::to_value(v) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        Ok(_) => Err(ApiError::Internal(anyhow::anyhow!(
            "a listing input is not a JSON object"
        ))),
        Err(e) => Err(ApiError::Internal(e.into())),
    };
    let (before, after) = (to_map(before)?, to_map(after)?);
    Ok(after
        .into_iter()
        .filter(|(k, v)| before.get(k) != Some(v))
        .collect())
}

/// Bumps a listing's version (and nothing else the public sees), with the version check inside
/// the UPDATE so that of two concurrent changes only one wins.
async fn bump(db: &impl ConnectionTrait, header: &Header, expected: i32) -> ApiResult<()> {
    let mut stmt = Query::update();
    stmt.table(Alias::new(listings::table(header.kind)))
        .value(Alias::new("version"), expected + 1)
        .and_where(Expr::col(Alias::new("id")).eq(header.id))
        .and_where(Expr::col(Alias::new("version")).eq(expected))
        .and_where(Expr::col(Alias::new("status")).eq(ListingStatus::Published.as_str()));
    let result = db.execute(db.get_database_backend().build(&stmt)).await?;
    if result.rows_affected() == 0 {
        return Err(ApiError::StaleVersion(format!(
            "{} {} changed meanwhile: reload and retry",
            header.kind.as_str(),
            header.id
        )));
    }
    Ok(())
}

/// Ends the pending revision (if any) with `to`; returns the ended row.
async fn end_pending(
    db: &impl ConnectionTrait,
    header: &Header,
    to: &str,
    reviewer: Option<Uuid>,
    reason: Option<String>,
) -> ApiResult<Option<revs::Model>> {
    let Some(pending) = find_pending(db, header.kind, header.id).await? else {
        return Ok(None);
    };
    let now = Utc::now();
    let reviewed = reviewer.is_some();
    let mut active: revs::ActiveModel = pending.into();
    active.status = Set(to.to_owned());
    active.updated_at = Set(now.into());
    if reviewed {
        active.reviewed_by = Set(reviewer);
        active.reviewed_at = Set(Some(now.into()));
        active.reason = Set(reason);
    }
    Ok(Some(active.update(db).await?))
}

/// A listing that leaves the market (withdrawn, closed) drops its pending revision: there is
/// nothing left to review. Runs inside the transaction that changes the listing's state.
#[tracing::instrument(skip_all)]
pub async fn discard_pending(txn: &impl ConnectionTrait, header: &Header) -> ApiResult<()> {
    end_pending(txn, header, status::WITHDRAWN, None, None).await?;
    Ok(())
}

/// Stores `proposal` as the listing's pending revision (replacing an earlier pending one),
/// bumping the listing's version from `version`. An empty proposal (the edit brings the text
/// back to what is public) just ends the pending revision. The public row is not touched.
#[tracing::instrument(skip_all)]
pub async fn propose(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    header: &Header,
    version: i32,
    proposal: Proposal,
) -> ApiResult<()> {
    if proposal.is_empty() && find_pending(db, header.kind, header.id).await?.is_none() {
        // The edit changes nothing public and nothing is pending: nothing to record.
        return Ok(());
    }
    let txn = db.begin().await?;
    bump(&txn, header, version).await?;
    let previous = end_pending(&txn, header, status::SUPERSEDED, None, None).await?;
    let after = if proposal.is_empty() {
        None
    } else {
        let now = Utc::now();
        let row = revs::ActiveModel {
            id: Set(new_uuid()),
            listing_kind: Set(header.kind.as_str().to_owned()),
            listing_id: Set(header.id),
            organisation_id: Set(header.organisation_id),
            status: Set(status::PENDING.to_owned()),
            proposed: Set(
                serde_json::to_value(&proposal).map_err(|e| ApiError::Internal(e.into()))?
            ),
            base_version: Set(version),
            proposed_by: Set(caller.user_id.0),
            reviewed_by: Set(None),
            reason: Set(None),
            created_at: Set(now.into()),
            updated_at: Set(now.into()),
            reviewed_at: Set(None),
        }
        .insert(&txn)
        .await?;
        Some(to_out(row)?)
    };
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "listing.revision_propose",
        entity_type: header.kind.as_str(),
        entity_id: header.id,
    }
    .record(
        &txn,
        previous.map(to_out).transpose()?.as_ref(),
        after.as_ref(),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The current pending proposal, or an empty one.
#[tracing::instrument(skip_all)]
pub async fn current_proposal(db: &impl ConnectionTrait, header: &Header) -> ApiResult<Proposal> {
    match find_pending(db, header.kind, header.id).await? {
        Some(p) => serde_json::from_value(p.proposed).map_err(|e| ApiError::Internal(e.into())),
        None => Ok(Proposal::default()),
    }
}

/// The owner takes back their pending revision; the public text stays as it is.
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn withdraw(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    kind: ListingKind,
    id: Uuid,
    version: i32,
) -> ApiResult<()> {
    let header = listings::header(db, kind, id).await?;
    listings::ensure_owner(db, &header, caller).await?;
    listings::ensure_version(&header, version)?;
    if header.status != ListingStatus::Published || find_pending(db, kind, id).await?.is_none() {
        return Err(ApiError::conflict(
            "no_pending_revision",
            format!("this {} has no revision waiting for review", kind.as_str()),
        ));
    }
    let txn = db.begin().await?;
    bump(&txn, &header, version).await?;
    let ended = end_pending(&txn, &header, status::WITHDRAWN, None, None).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "listing.revision_withdraw",
        entity_type: kind.as_str(),
        entity_id: id,
    }
    .record(&txn, ended.map(to_out).transpose()?.as_ref(), None::<&()>)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An operator approves (`publish`) or rejects a published listing's pending revision.
/// `input.version` is the listing version the operator read (stale → 409).
#[tracing::instrument(skip_all)]
pub async fn review(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    header: &Header,
    input: &ReviewIn,
) -> ApiResult<()> {
    caller.require_operator()?;
    listings::ensure_version(header, input.version)?;
    let Some(pending) = find_pending(db, header.kind, header.id).await? else {
        return Err(ApiError::conflict(
            "illegal_state_change",
            format!(
                "cannot review a {} that is published and has no pending revision",
                header.kind.as_str()
            ),
        ));
    };
    let reason = input
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    if input.decision == Decision::Reject && reason.is_none() {
        return Err(ApiError::field(
            "reason",
            "a rejection needs a reason the owner can act on",
        ));
    }
    let proposal: Proposal = serde_json::from_value(pending.proposed.clone())
        .map_err(|e| ApiError::Internal(e.into()))?;
    let txn = db.begin().await?;
    let (to, decision, action) = match input.decision {
        Decision::Publish => {
            // Applying writes the row with the version check and bumps it; translations follow.
            if proposal.listing.is_empty() {
                bump(&txn, header, input.version).await?;
            } else {
                let patch = serde_json::Value::Object(proposal.listing.clone());
                match header.kind {
                    ListingKind::Achievement => {
                        achievements::apply_revision(&txn, caller, header, input.version, patch)
                            .await?
                    }
                    ListingKind::Need => {
                        needs::apply_revision(&txn, caller, header, input.version, patch).await?
                    }
                }
            }
            let original_language = listings::header(&txn, header.kind, header.id)
                .await?
                .original_language;
            for (lang, text) in &proposal.translations {
                translations::apply_reviewed(
                    &txn,
                    caller,
                    header.kind,
                    header.id,
                    &original_language,
                    lang,
                    text.clone(),
                    pending.proposed_by,
                )
                .await?;
            }
            (status::APPROVED, "rev_approved", "listing.revision_approve")
        }
        Decision::Reject => {
            bump(&txn, header, input.version).await?;
            (status::REJECTED, "rev_rejected", "listing.revision_reject")
        }
    };
    let ended = end_pending(&txn, header, to, Some(caller.user_id.0), reason.clone()).await?;
    listing_reviews::ActiveModel {
        id: Set(new_uuid()),
        listing_kind: Set(header.kind.as_str().to_owned()),
        listing_id: Set(header.id),
        reviewer_id: Set(caller.user_id.0),
        decision: Set(decision.to_owned()),
        reason: Set(reason),
        created_at: Set(Utc::now().into()),
    }
    .insert(&txn)
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action,
        entity_type: header.kind.as_str(),
        entity_id: header.id,
    }
    .record(
        &txn,
        Some(&to_out(pending)?),
        ended.map(to_out).transpose()?.as_ref(),
    )
    .await?;
    if to == status::APPROVED {
        events::listing_changed(&txn, header.kind, header.id).await?;
    }
    txn.commit().await?;
    Ok(())
}
