//! The draft-and-edit flow achievements and needs share: create a draft, edit it (at once, or
//! as a pending revision of a published listing), apply an approved revision, write at a
//! version. What differs per kind is its [`Editable`] impl: its fields, who may post it, and
//! the checks only needs have (an open call's kind and promises).

use std::future::Future;

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::organisations;
use platform::error::{ApiError, ApiResult};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait,
    IntoActiveModel, QueryFilter, TransactionTrait,
};
use serde::de::DeserializeOwned;
use serde::Serialize;
use uuid::Uuid;

use super::listings::{Header, ListingKind, ListingStatus};
use super::revisions;
use crate::SERVICE;
use wire::OrgKind;

/// One kind of listing as the shared flow sees it.
pub trait Editable {
    type Entity: EntityTrait<Model = Self::Model, ActiveModel = Self::Active, Column = Self::Column>;
    type Model: IntoActiveModel<Self::Active> + Clone + Send + Sync;
    type Active: ActiveModelTrait<Entity = Self::Entity> + ActiveModelBehavior + Send;
    type Column: ColumnTrait;
    /// The input an owner writes (create, or the result of a merge patch).
    type Input: Serialize + DeserializeOwned + Send + Sync;

    /// Singular noun, as in audit entries and messages (`achievement`).
    const NOUN: &'static str;
    /// Audit actions of a creation and an edit.
    const CREATE_ACTION: &'static str;
    const UPDATE_ACTION: &'static str;
    /// Why a caller whose organisation may not post this kind is refused.
    const NOT_POSTED_BY: &'static str;
    const ID: Self::Column;
    const VERSION: Self::Column;
    /// Which kind this is (what an agency's consent must cover).
    const KIND: ListingKind;

    /// Whether an organisation of this kind posts this kind of listing.
    fn may_post(kind: Option<OrgKind>) -> bool;
    /// Records the broker agency that posted a listing for its client.
    fn set_posted_by(active: &mut Self::Active, agency: Option<Uuid>);
    /// The stored row as input (what a patch applies to).
    fn to_in(m: &Self::Model) -> Self::Input;
    fn header(m: &Self::Model) -> Header;
    /// The field rules; gives the country and region the listing is filed under.
    fn validate(input: &Self::Input, org: &organisations::Model) -> ApiResult<(String, String)>;
    /// A new draft row from validated input (shared by the API and bulk imports).
    fn draft(
        org_id: Uuid,
        created_by: Uuid,
        input: &Self::Input,
        country: String,
        region: String,
    ) -> Self::Active;
    /// Sets the owner-written fields of `active` from validated input.
    fn apply(active: &mut Self::Active, input: &Self::Input, country: String, region: String);
    /// Sets status, version and update time of a written row.
    fn stamp(active: &mut Self::Active, status: ListingStatus, version: i32);
    /// Rules on how a stored listing may change, beyond the field rules (none by default).
    fn check_change(
        _current: &Self::Model,
        _before: &Self::Input,
        _input: &Self::Input,
    ) -> ApiResult<()> {
        Ok(())
    }
    /// Checks of an edit against other rows (none by default): needs keep an open call's
    /// promises to its applicants.
    fn check_promises(
        _db: &impl ConnectionTrait,
        _id: Uuid,
        _before: &Self::Input,
        _input: &Self::Input,
    ) -> impl Future<Output = ApiResult<()>> + Send {
        async { Ok(()) }
    }
}

/// Reads a listing or 404 (no visibility check: callers decide).
#[tracing::instrument(level = "debug", skip_all, fields(listing.kind = K::NOUN, listing.id = %id))]
pub async fn find<K: Editable>(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<K::Model> {
    K::Entity::find()
        .filter(K::ID.eq(id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("{} {id}", K::NOUN)))
}

/// Creates a draft for the caller's organisation or, with `for_client`, for a client
/// organisation whose standing consent the caller's broker agency holds
/// ([`super::agencies::ensure_acts_for`]): the client owns it, the agency is recorded as the
/// one that posted it, and what the client's kind may post decides.
#[tracing::instrument(skip_all, fields(listing.kind = K::NOUN))]
pub async fn create<K: Editable>(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    input: K::Input,
    for_client: Option<Uuid>,
) -> ApiResult<K::Model> {
    let org_id = caller.require_organisation()?;
    let (org, posted_by) = match for_client {
        Some(client) if client != org_id.0 => {
            let org = super::agencies::ensure_acts_for(db, caller, client, K::KIND).await?;
            if !K::may_post(OrgKind::parse(&org.kind)) {
                return Err(ApiError::Forbidden(K::NOT_POSTED_BY.to_owned()));
            }
            (org, Some(org_id.0))
        }
        _ => {
            if !K::may_post(caller.org_kind) {
                return Err(ApiError::Forbidden(K::NOT_POSTED_BY.to_owned()));
            }
            let org = organisations::Entity::find_by_id(org_id.0)
                .one(db)
                .await?
                .ok_or_else(|| {
                    ApiError::Forbidden("your organisation no longer exists".to_owned())
                })?;
            (org, None)
        }
    };
    let (country, region) = K::validate(&input, &org)?;
    let txn = db.begin().await?;
    let mut draft = K::draft(org.id, caller.user_id.0, &input, country, region);
    K::set_posted_by(&mut draft, posted_by);
    let model = draft.insert(&txn).await?;
    // Checked again inside the transaction: a consent withdrawn since the first check (and
    // committed) refuses the listing rather than letting it slip in.
    if posted_by.is_some() && !super::agencies::acts_for(&txn, caller, org.id, K::KIND).await? {
        return Err(ApiError::Forbidden(
            "the client withdrew its consent meanwhile".to_owned(),
        ));
    }
    let header = K::header(&model);
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: K::CREATE_ACTION,
        entity_type: K::NOUN,
        entity_id: header.id,
    }
    .record(&txn, None::<&()>, Some(&K::to_in(&model)))
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Applies a JSON merge patch (RFC 7396) to a listing at `version`. On a draft, submitted or
/// rejected listing the change applies at once; on a published one it becomes a pending
/// revision (see [`super::revisions`]) and the returned row is the unchanged public one.
#[tracing::instrument(skip_all, fields(listing.kind = K::NOUN, listing.id = %id, listing.version = version))]
pub async fn update<K: Editable>(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    id: Uuid,
    version: i32,
    patch: serde_json::Value,
) -> ApiResult<K::Model> {
    let current = find::<K>(db, id).await?;
    let header = K::header(&current);
    let before = K::to_in(&current);
    let input: K::Input =
        revisions::merge_edit(db, &header, caller, version, &before, patch).await?;
    let (country, region) = check_edit::<K>(db, &current, &before, &input).await?;
    K::check_promises(db, id, &before, &input).await?;
    if header.status == ListingStatus::Published {
        let mut proposal = revisions::current_proposal(db, &header).await?;
        proposal.listing = revisions::diff(&before, &input)?;
        revisions::propose(db, caller, &header, version, proposal).await?;
        return find::<K>(db, id).await;
    }
    // A rejected listing that is edited goes back to draft for another review.
    let status = if header.status == ListingStatus::Rejected {
        ListingStatus::Draft
    } else {
        header.status
    };
    let txn = db.begin().await?;
    let updated = write::<K>(&txn, &current, &input, country, region, status, version).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: K::UPDATE_ACTION,
        entity_type: K::NOUN,
        entity_id: id,
    }
    .record(&txn, Some(&before), Some(&K::to_in(&updated)))
    .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Applies an approved revision's merge patch onto the published listing as it is now,
/// checked again (for a need, an application may have arrived since it was proposed), at the
/// version the operator read (inside the operator's transaction).
#[tracing::instrument(skip_all, fields(listing.kind = K::NOUN, listing.id = %header.id, listing.version = version))]
pub async fn apply_revision<K: Editable>(
    txn: &impl ConnectionTrait,
    caller: &AuthUser,
    header: &Header,
    version: i32,
    patch: serde_json::Value,
) -> ApiResult<()> {
    let current = find::<K>(txn, header.id).await?;
    let before = K::to_in(&current);
    let input: K::Input = super::patch::merge(&before, patch)?;
    let (country, region) = check_edit::<K>(txn, &current, &before, &input).await?;
    let updated = write::<K>(
        txn,
        &current,
        &input,
        country,
        region,
        ListingStatus::Published,
        version,
    )
    .await?;
    // Checked after the write: the UPDATE holds the listing's row lock, which an application
    // to an open call also takes before it is stored, so none can slip in between check and
    // commit.
    K::check_promises(txn, header.id, &before, &input).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: K::UPDATE_ACTION,
        entity_type: K::NOUN,
        entity_id: header.id,
    }
    .record(txn, Some(&before), Some(&K::to_in(&updated)))
    .await?;
    Ok(())
}

/// Validates `input` as an edit of `current`: the kind's change rules, then the field rules
/// under the owner organisation.
async fn check_edit<K: Editable>(
    db: &impl ConnectionTrait,
    current: &K::Model,
    before: &K::Input,
    input: &K::Input,
) -> ApiResult<(String, String)> {
    K::check_change(current, before, input)?;
    let org = organisations::Entity::find_by_id(K::header(current).organisation_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("organisation"))?;
    K::validate(input, &org)
}

/// Writes validated input onto the row at `version` (checked inside the UPDATE), bumping it.
async fn write<K: Editable>(
    txn: &impl ConnectionTrait,
    current: &K::Model,
    input: &K::Input,
    country: String,
    region: String,
    status: ListingStatus,
    version: i32,
) -> ApiResult<K::Model> {
    let id = K::header(current).id;
    let mut active = current.clone().into_active_model();
    K::apply(&mut active, input, country, region);
    K::stamp(&mut active, status, version + 1);
    let result = K::Entity::update_many()
        .set(active)
        .filter(K::ID.eq(id))
        .filter(K::VERSION.eq(version))
        .exec(txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(ApiError::StaleVersion(format!(
            "{} {id} changed meanwhile: reload and retry",
            K::NOUN
        )));
    }
    find::<K>(txn, id).await
}

/// The time a row is written at.
pub fn written_at() -> chrono::DateTime<chrono::FixedOffset> {
    Utc::now().into()
}
