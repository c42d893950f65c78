//! Tiered disclosure of an achievement (issue #15): the public listing, a part for signed-in
//! members of verified organisations, and a confidential dossier released per organisation on
//! the owner's terms — to anyone verified who asks, after a click-through NDA, or after the
//! owner's approval — and revocable. Every read of the dossier is logged for the owner.
//!
//! The dossier lives in its own table, which the search document builder (`domain::index`)
//! never reads: neither the search index nor matching (which retrieves from it) can contain a
//! word of it.
//!
//! A caller without access gets the same 404 as for a dossier that does not exist, so whether
//! a listing has one is not revealed by probing.

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{
    achievements, dossier_access, dossier_views, listing_disclosures, listing_documents,
    organisations, users,
};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::{new_uuid, AchievementId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use wire::tto::{
    AccessDecisionIn, AccessLogOut, AccessOut, AccessRequestIn, DisclosureIn, DisclosureOut,
    DisclosureSettingsOut, DossierOut, DossierViewOut,
};
use wire::{AccessDecision, AccessStatus, DisclosureTerms, DossierAction, VerificationStatus};

use super::achievements::find;
use super::listings::{ensure_visible, Header};
use crate::SERVICE;

/// Longest verified part or dossier text, in characters.
pub const TEXT_MAX: usize = 50_000;
/// Longest NDA text, in characters.
pub const NDA_MAX: usize = 20_000;

/// SHA-256 of a text, lower-case hex: what an NDA acceptance records.
pub fn sha256_hex(text: &str) -> String {
    hex::encode(Sha256::digest(text.as_bytes()))
}

fn not_found(id: AchievementId) -> ApiError {
    ApiError::not_found(format!("dossier of achievement {id}"))
}

fn settings_out(m: listing_disclosures::Model) -> ApiResult<DisclosureSettingsOut> {
    Ok(DisclosureSettingsOut {
        achievement_id: m.achievement_id,
        nda_sha256: m.nda_text.as_deref().map(sha256_hex),
        verified_text: m.verified_text,
        dossier_text: m.dossier_text,
        terms: m.terms.parse()?,
        nda_text: m.nda_text,
        version: m.version,
        updated_at: m.updated_at,
    })
}

fn access_out(m: dossier_access::Model, organisation_name: String) -> ApiResult<AccessOut> {
    Ok(AccessOut {
        id: m.id,
        achievement_id: m.achievement_id,
        organisation_id: m.organisation_id,
        organisation_name,
        status: m.status.parse()?,
        requested_by: m.requested_by,
        requested_at: m.requested_at,
        message: m.message,
        decided_by: m.decided_by,
        decided_at: m.decided_at,
        nda_sha256: m.nda_sha256,
        nda_accepted_by: m.nda_accepted_by,
        nda_accepted_at: m.nda_accepted_at,
        client_addr: m.client_addr,
        version: m.version,
    })
}

async fn org_name(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<String> {
    Ok(organisations::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default())
}

/// Whether the caller's organisation is verified (the gate of the middle tier).
async fn caller_verified(db: &impl ConnectionTrait, caller: &AuthUser) -> ApiResult<bool> {
    let Some(org) = caller.organisation_id else {
        return Ok(false);
    };
    Ok(organisations::Entity::find_by_id(org.0)
        .one(db)
        .await?
        .is_some_and(|o| o.verification_status == VerificationStatus::Verified.as_str()))
}

/// The achievement, for a member of its organisation. Anyone else — operators included, who
/// read but do not run another organisation's disclosure — gets a 404: the settings and the
/// log are not theirs to know of.
async fn for_owner(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: AchievementId,
) -> ApiResult<achievements::Model> {
    let m = find(db, id).await?;
    if caller.belongs_to(m.organisation_id.into()) {
        Ok(m)
    } else {
        Err(ApiError::not_found(format!(
            "disclosure of achievement {id}"
        )))
    }
}

/// The owner's settings, or 404 when none are set.
#[tracing::instrument(skip_all, fields(achievement.id = %id))]
pub async fn settings(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: AchievementId,
) -> ApiResult<DisclosureSettingsOut> {
    let m = for_owner(db, caller, id).await?;
    let row = listing_disclosures::Entity::find_by_id(m.id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("disclosure settings of achievement {id}")))?;
    settings_out(row)
}

/// Sets the verified part, the dossier and the terms (members of the owning organisation).
/// A change of the NDA text leaves existing access as it was: each acceptance keeps the hash
/// of the text it accepted.
#[tracing::instrument(skip_all, fields(achievement.id = %id))]
pub async fn save_settings(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: AchievementId,
    input: DisclosureIn,
) -> ApiResult<DisclosureSettingsOut> {
    let mut v = Validator::new();
    v.length(&input.verified_text, "verified_text", 0, TEXT_MAX);
    v.length(&input.dossier_text, "dossier_text", 0, TEXT_MAX);
    let nda = input
        .nda_text
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(t) = nda {
        v.length(t, "nda_text", 1, NDA_MAX);
    }
    v.check(
        input.terms != DisclosureTerms::Nda || nda.is_some(),
        "nda_text",
        "required when the terms are nda",
    );
    let txn = db.begin().await?;
    let m = for_owner(&txn, caller, id).await?;
    v.finish()?;
    let before = listing_disclosures::Entity::find_by_id(m.id)
        .one(&txn)
        .await?;
    let now = Utc::now();
    match &before {
        None => {
            listing_disclosures::ActiveModel {
                achievement_id: Set(m.id),
                verified_text: Set(input.verified_text),
                dossier_text: Set(input.dossier_text),
                terms: Set(input.terms.as_str().to_owned()),
                nda_text: Set(nda.map(str::to_owned)),
                version: Set(1),
                updated_by: Set(caller.user_id.0),
                updated_at: Set(now.into()),
            }
            .insert(&txn)
            .await?;
        }
        Some(b) => {
            let Some(version) = input.version else {
                return Err(ApiError::field(
                    "version",
                    "required when changing existing settings",
                ));
            };
            let next = version
                .checked_add(1)
                .ok_or_else(|| ApiError::field("version", "out of range"))?;
            // The version check is inside the UPDATE, so two concurrent saves cannot both win.
            let res = listing_disclosures::Entity::update_many()
                .col_expr(
                    listing_disclosures::Column::VerifiedText,
                    Expr::value(input.verified_text),
                )
                .col_expr(
                    listing_disclosures::Column::DossierText,
                    Expr::value(input.dossier_text),
                )
                .col_expr(
                    listing_disclosures::Column::Terms,
                    Expr::value(input.terms.as_str()),
                )
                .col_expr(
                    listing_disclosures::Column::NdaText,
                    Expr::value(nda.map(str::to_owned)),
                )
                .col_expr(listing_disclosures::Column::Version, Expr::value(next))
                .col_expr(
                    listing_disclosures::Column::UpdatedBy,
                    Expr::value(caller.user_id.0),
                )
                .col_expr(
                    listing_disclosures::Column::UpdatedAt,
                    Expr::value(chrono::DateTime::<chrono::FixedOffset>::from(now)),
                )
                .filter(listing_disclosures::Column::AchievementId.eq(m.id))
                .filter(listing_disclosures::Column::Version.eq(version))
                .exec(&txn)
                .await?;
            if res.rows_affected == 0 {
                return Err(ApiError::StaleVersion(format!(
                    "the disclosure settings are at version {}, you sent {version}: reload and retry",
                    b.version
                )));
            }
        }
    }
    let after = listing_disclosures::Entity::find_by_id(m.id)
        .one(&txn)
        .await?
        .ok_or_else(|| not_found(id))?;
    // The audit entry records the change, not the confidential text itself.
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "disclosure.settings",
        entity_type: "achievement",
        entity_id: m.id,
    }
    .record(
        &txn,
        before
            .as_ref()
            .map(|b| serde_json::json!({"terms": b.terms, "version": b.version}))
            .as_ref(),
        Some(&serde_json::json!({"terms": after.terms, "version": after.version})),
    )
    .await?;
    txn.commit().await?;
    settings_out(after)
}

/// What another reader sees of the disclosure: the terms, the verified part when their
/// organisation is verified, and their organisation's access.
#[tracing::instrument(skip_all, fields(achievement.id = %id))]
pub async fn reader_view(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    id: AchievementId,
) -> ApiResult<DisclosureOut> {
    let m = find(db, id).await?;
    ensure_visible(db, &Header::from(&m), caller).await?;
    let d = listing_disclosures::Entity::find_by_id(m.id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("disclosure of achievement {id}")))?;
    let owner = caller.is_some_and(|c| c.belongs_to(m.organisation_id.into()));
    let verified = match caller {
        Some(c) => owner || c.is_operator || caller_verified(db, c).await?,
        None => false,
    };
    let access = match caller.and_then(|c| c.organisation_id) {
        Some(org) if !owner => match dossier_access::Entity::find()
            .filter(dossier_access::Column::AchievementId.eq(m.id))
            .filter(dossier_access::Column::OrganisationId.eq(org.0))
            .one(db)
            .await?
        {
            Some(a) => Some(access_out(a, org_name(db, org.0).await?)?),
            None => None,
        },
        _ => None,
    };
    let terms: DisclosureTerms = d.terms.parse()?;
    let nda_text = (verified && terms == DisclosureTerms::Nda)
        .then(|| d.nda_text.clone())
        .flatten();
    Ok(DisclosureOut {
        achievement_id: m.id,
        terms,
        verified_text: verified.then_some(d.verified_text),
        nda_sha256: nda_text.as_deref().map(sha256_hex),
        nda_text,
        may_request: verified && !owner && caller.is_some_and(|c| c.organisation_id.is_some()),
        access,
    })
}

/// An organisation asks for the dossier. With no terms access is granted at once; with an NDA
/// once `accept_nda_sha256` matches the current text (the acceptance is recorded with who,
/// when, the hash and `client_addr`); with approval the request waits for the owner.
///
/// One access record per organisation and listing (a unique index): of two requests at once
/// one is created, the other is a 409, as is asking again.
#[tracing::instrument(skip_all, fields(achievement.id = %id))]
pub async fn request_access(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: AchievementId,
    input: AccessRequestIn,
    client_addr: Option<String>,
) -> ApiResult<AccessOut> {
    let txn = db.begin().await?;
    let m = find(&txn, id).await?;
    ensure_visible(&txn, &Header::from(&m), Some(caller)).await?;
    let org = caller.require_organisation()?;
    if caller.belongs_to(m.organisation_id.into()) {
        return Err(ApiError::conflict(
            "own_listing",
            "your organisation owns this dossier",
        ));
    }
    let d = listing_disclosures::Entity::find_by_id(m.id)
        .one(&txn)
        .await?
        .ok_or_else(|| not_found(id))?;
    if !caller_verified(&txn, caller).await? {
        return Err(ApiError::Forbidden(
            "only members of verified organisations may ask for a dossier".to_owned(),
        ));
    }
    let mut v = Validator::new();
    if let Some(msg) = &input.message {
        v.length(msg, "message", 0, 2_000);
    }
    v.finish()?;
    let now = Utc::now();
    let terms: DisclosureTerms = d.terms.parse()?;
    let mut row = dossier_access::ActiveModel {
        id: Set(new_uuid()),
        achievement_id: Set(m.id),
        organisation_id: Set(org.0),
        status: Set(AccessStatus::Requested.as_str().to_owned()),
        requested_by: Set(caller.user_id.0),
        requested_at: Set(now.into()),
        message: Set(input.message.filter(|s| !s.trim().is_empty())),
        decided_by: Set(None),
        decided_at: Set(None),
        nda_sha256: Set(None),
        nda_accepted_by: Set(None),
        nda_accepted_at: Set(None),
        client_addr: Set(client_addr),
        version: Set(1),
    };
    match terms {
        DisclosureTerms::Approval => {}
        DisclosureTerms::None => {
            row.status = Set(AccessStatus::Granted.as_str().to_owned());
            row.decided_at = Set(Some(now.into()));
        }
        DisclosureTerms::Nda => {
            let current = d.nda_text.as_deref().map(sha256_hex);
            let accepted = input
                .accept_nda_sha256
                .map(|h| h.trim().to_ascii_lowercase());
            if accepted.is_none() || accepted != current {
                return Err(ApiError::field(
                    "accept_nda_sha256",
                    "accept the current confidentiality text: send its SHA-256",
                ));
            }
            row.status = Set(AccessStatus::Granted.as_str().to_owned());
            row.decided_at = Set(Some(now.into()));
            row.nda_sha256 = Set(accepted);
            row.nda_accepted_by = Set(Some(caller.user_id.0));
            row.nda_accepted_at = Set(Some(now.into()));
        }
    }
    let existing = dossier_access::Entity::find()
        .filter(dossier_access::Column::AchievementId.eq(m.id))
        .filter(dossier_access::Column::OrganisationId.eq(org.0))
        .one(&txn)
        .await?;
    if let Some(e) = existing {
        return Err(ApiError::conflict(
            "access_exists",
            format!("your organisation's access is already {}", e.status),
        ));
    }
    let row = row.insert(&txn).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "dossier.request",
        entity_type: "dossier_access",
        entity_id: row.id,
    }
    .record(&txn, None::<&()>, Some(&row))
    .await?;
    let name = org_name(&txn, org.0).await?;
    txn.commit().await?;
    access_out(row, name)
}

/// The owner approves, refuses or revokes an organisation's access. Each decision applies
/// only from the states it names (inside the UPDATE), so of two identical decisions at once
/// one wins and the other is a 409.
#[tracing::instrument(skip_all, fields(achievement.id = %id, access.id = %access_id))]
pub async fn decide(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: AchievementId,
    access_id: Uuid,
    input: AccessDecisionIn,
) -> ApiResult<AccessOut> {
    let txn = db.begin().await?;
    let m = for_owner(&txn, caller, id).await?;
    let before = dossier_access::Entity::find_by_id(access_id)
        .filter(dossier_access::Column::AchievementId.eq(m.id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("access request {access_id}")))?;
    let (from, to): (&[AccessStatus], AccessStatus) = match input.decision {
        AccessDecision::Approve => (
            &[
                AccessStatus::Requested,
                AccessStatus::Refused,
                AccessStatus::Revoked,
            ],
            AccessStatus::Granted,
        ),
        AccessDecision::Refuse => (&[AccessStatus::Requested], AccessStatus::Refused),
        AccessDecision::Revoke => (&[AccessStatus::Granted], AccessStatus::Revoked),
    };
    let res = dossier_access::Entity::update_many()
        .col_expr(dossier_access::Column::Status, Expr::value(to.as_str()))
        .col_expr(
            dossier_access::Column::DecidedBy,
            Expr::value(Some(caller.user_id.0)),
        )
        .col_expr(
            dossier_access::Column::DecidedAt,
            Expr::value(Some(chrono::DateTime::<chrono::FixedOffset>::from(
                Utc::now(),
            ))),
        )
        .col_expr(
            dossier_access::Column::Version,
            Expr::col(dossier_access::Column::Version).add(1),
        )
        .filter(dossier_access::Column::Id.eq(before.id))
        .filter(dossier_access::Column::Status.is_in(from.iter().map(|s| s.as_str())))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(ApiError::conflict(
            "access_state",
            format!("cannot {} access that is {}", input.decision, before.status),
        ));
    }
    let after = dossier_access::Entity::find_by_id(before.id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("access request {access_id}")))?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "dossier.decide",
        entity_type: "dossier_access",
        entity_id: after.id,
    }
    .record(&txn, Some(&before), Some(&after))
    .await?;
    let name = org_name(&txn, after.organisation_id).await?;
    txn.commit().await?;
    access_out(after, name)
}

/// The achievement whose dossier `caller` may read: members of the owning organisation, or of
/// an organisation whose access is granted. Anyone else — before a grant, after a refusal or
/// revocation, operators included — gets the same 404 as for a dossier that does not exist.
/// The dossier's files follow this rule too (`listing_documents`).
pub async fn dossier_for_reader(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: AchievementId,
) -> ApiResult<achievements::Model> {
    let m = find(db, id).await?;
    if caller.belongs_to(m.organisation_id.into()) {
        return Ok(m);
    }
    ensure_visible(db, &Header::from(&m), Some(caller))
        .await
        .map_err(|_| not_found(id))?;
    let org = caller.organisation_id.ok_or_else(|| not_found(id))?;
    let granted = dossier_access::Entity::find()
        .filter(dossier_access::Column::AchievementId.eq(m.id))
        .filter(dossier_access::Column::OrganisationId.eq(org.0))
        .filter(dossier_access::Column::Status.eq(AccessStatus::Granted.as_str()))
        .one(db)
        .await?;
    match granted {
        Some(_) => Ok(m),
        None => Err(not_found(id)),
    }
}

/// Writes one line of the owner's read log: who (person and organisation), what (`action`,
/// and the file when one was downloaded), when and from where.
pub async fn log_read(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    achievement_id: Uuid,
    action: DossierAction,
    document_id: Option<Uuid>,
    client_addr: Option<String>,
) -> ApiResult<()> {
    let org = caller
        .organisation_id
        .ok_or_else(|| ApiError::not_found(format!("dossier of achievement {achievement_id}")))?;
    dossier_views::ActiveModel {
        id: Set(new_uuid()),
        achievement_id: Set(achievement_id),
        organisation_id: Set(org.0),
        user_id: Set(caller.user_id.0),
        action: Set(action.as_str().to_owned()),
        document_id: Set(document_id),
        client_addr: Set(client_addr),
        viewed_at: Set(Utc::now().into()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Reads the dossier's text (see [`dossier_for_reader`] for who may). Every read, the owner's
/// included, is logged with who, when and from where.
#[tracing::instrument(skip_all, fields(achievement.id = %id))]
pub async fn read_dossier(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: AchievementId,
    action: DossierAction,
    client_addr: Option<String>,
) -> ApiResult<DossierOut> {
    let txn = db.begin().await?;
    let m = dossier_for_reader(&txn, caller, id).await?;
    let d = listing_disclosures::Entity::find_by_id(m.id)
        .one(&txn)
        .await?
        .ok_or_else(|| not_found(id))?;
    log_read(&txn, caller, m.id, action, None, client_addr).await?;
    txn.commit().await?;
    Ok(DossierOut {
        achievement_id: m.id,
        title: m.title,
        dossier_text: d.dossier_text,
    })
}

/// The owner's access log: every request with its state, every read, newest first.
#[tracing::instrument(skip_all, fields(achievement.id = %id))]
pub async fn access_log(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: AchievementId,
) -> ApiResult<AccessLogOut> {
    let m = for_owner(db, caller, id).await?;
    let mut requests = Vec::new();
    for a in dossier_access::Entity::find()
        .filter(dossier_access::Column::AchievementId.eq(m.id))
        .order_by_desc(dossier_access::Column::RequestedAt)
        .all(db)
        .await?
    {
        let name = org_name(db, a.organisation_id).await?;
        requests.push(access_out(a, name)?);
    }
    let mut views = Vec::new();
    for v in dossier_views::Entity::find()
        .filter(dossier_views::Column::AchievementId.eq(m.id))
        .order_by_desc(dossier_views::Column::ViewedAt)
        .order_by_desc(dossier_views::Column::Id)
        .all(db)
        .await?
    {
        let user_name = users::Entity::find_by_id(v.user_id)
            .one(db)
            .await?
            .map(|u| u.display_name)
            .unwrap_or_default();
        let document_name = match v.document_id {
            Some(doc) => listing_documents::Entity::find_by_id(doc)
                .one(db)
                .await?
                .map(|d| d.file_name),
            None => None,
        };
        views.push(DossierViewOut {
            id: v.id,
            document_id: v.document_id,
            document_name,
            organisation_name: org_name(db, v.organisation_id).await?,
            organisation_id: v.organisation_id,
            user_id: v.user_id,
            user_name,
            action: v.action.parse()?,
            client_addr: v.client_addr,
            viewed_at: v.viewed_at,
        });
    }
    Ok(AccessLogOut { requests, views })
}
