//! Broker agencies acting for clients: a client organisation's admin records consent that a
//! broker agency posts and manages listings for it (who granted it, when, for which kinds);
//! the client withdraws it the same way. The one rule the listing flow asks is [`acts_for`]:
//! may this caller, a member of an agency, act for this client on this kind of listing now.
//!
//! One row per agency and client (unique): a second grant while one stands is a 409, a grant
//! after a withdrawal reuses the row, so two grants at once cannot leave two consents. Every
//! grant and withdrawal is in the audit log, which keeps the history the row overwrites.

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{agency_consents, organisations};
use platform::error::{ApiError, ApiResult};
use platform::ids::OrganisationId;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;
use wire::partners::{AgencyConsentIn, AgencyConsentOut};
use wire::{AgencyScope, ListingKind, OrgKind};

use crate::SERVICE;

/// Whether `caller` is a member of a broker agency that `client` consented (and has not
/// withdrawn) to act for it on listings of `kind`.
#[tracing::instrument(skip_all, fields(org.id = %client))]
pub async fn acts_for(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    client: Uuid,
    kind: ListingKind,
) -> ApiResult<bool> {
    let (Some(agency), Some(OrgKind::BrokerAgency)) = (caller.organisation_id, caller.org_kind)
    else {
        return Ok(false);
    };
    let consent = agency_consents::Entity::find()
        .filter(agency_consents::Column::AgencyOrganisationId.eq(agency.0))
        .filter(agency_consents::Column::ClientOrganisationId.eq(client))
        .filter(agency_consents::Column::WithdrawnAt.is_null())
        .one(db)
        .await?;
    Ok(consent.is_some_and(|c| AgencyScope::parse(&c.scope).is_some_and(|s| s.covers(kind))))
}

/// The client a listing is posted for, checked: the caller's agency must act for `client` on
/// `kind` now. 403 otherwise (the client's profile may be public; the consent is not).
pub async fn ensure_acts_for(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    client: Uuid,
    kind: ListingKind,
) -> ApiResult<organisations::Model> {
    if !acts_for(db, caller, client, kind).await? {
        return Err(ApiError::Forbidden(format!(
            "your organisation has no standing consent of organisation {client} to post {}s for it",
            kind.as_str()
        )));
    }
    organisations::Entity::find_by_id(client)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("organisation {client}")))
}

/// 403 unless the caller administers `org` (consents are the client's to give and take).
fn ensure_client_admin(caller: &AuthUser, org: OrganisationId) -> ApiResult<()> {
    if caller.is_admin_of(org) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only an admin of the client organisation may grant or withdraw its consent".to_owned(),
        ))
    }
}

async fn out(db: &impl ConnectionTrait, m: agency_consents::Model) -> ApiResult<AgencyConsentOut> {
    let name = |id: Uuid| async move {
        Ok::<_, ApiError>(
            organisations::Entity::find_by_id(id)
                .one(db)
                .await?
                .map(|o| o.name)
                .unwrap_or_default(),
        )
    };
    let scope = AgencyScope::parse(&m.scope)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("stored agency scope {:?}", m.scope)))?;
    Ok(AgencyConsentOut {
        id: m.id,
        agency_name: name(m.agency_organisation_id).await?,
        client_name: name(m.client_organisation_id).await?,
        agency_organisation_id: m.agency_organisation_id,
        client_organisation_id: m.client_organisation_id,
        scope,
        granted_by: m.granted_by,
        granted_at: m.granted_at,
        withdrawn_by: m.withdrawn_by,
        withdrawn_at: m.withdrawn_at,
        active: m.withdrawn_at.is_none(),
        version: m.version,
    })
}

/// The consents `org` gave or received (its members and operators).
#[tracing::instrument(skip_all, fields(org.id = %org))]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    org: OrganisationId,
) -> ApiResult<Vec<AgencyConsentOut>> {
    if !(caller.belongs_to(org)
        || platform::city_scope::operator_covers(db, Some(caller), org.0).await?)
    {
        return Err(ApiError::not_found(format!("organisation {org}")));
    }
    let rows = agency_consents::Entity::find()
        .filter(
            Condition::any()
                .add(agency_consents::Column::ClientOrganisationId.eq(org.0))
                .add(agency_consents::Column::AgencyOrganisationId.eq(org.0)),
        )
        .order_by_asc(agency_consents::Column::GrantedAt)
        .all(db)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for m in rows {
        items.push(out(db, m).await?);
    }
    Ok(items)
}

/// The client `client` consents that a broker agency acts for it.
#[tracing::instrument(skip_all, fields(org.id = %client))]
pub async fn grant(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    client: OrganisationId,
    input: &AgencyConsentIn,
) -> ApiResult<AgencyConsentOut> {
    ensure_client_admin(caller, client)?;
    if input.agency_organisation_id == client.0 {
        return Err(ApiError::field(
            "agency_organisation_id",
            "an organisation cannot be its own agency",
        ));
    }
    let agency = organisations::Entity::find_by_id(input.agency_organisation_id)
        .one(db)
        .await?;
    if agency
        .as_ref()
        .and_then(|a| OrgKind::parse(&a.kind))
        .is_none_or(|k| k != OrgKind::BrokerAgency)
    {
        return Err(ApiError::field(
            "agency_organisation_id",
            "must be a broker agency on the platform",
        ));
    }
    let now = Utc::now().fixed_offset();
    let txn = db.begin().await?;
    let existing = agency_consents::Entity::find()
        .filter(agency_consents::Column::AgencyOrganisationId.eq(input.agency_organisation_id))
        .filter(agency_consents::Column::ClientOrganisationId.eq(client.0))
        .one(&txn)
        .await?;
    let already = || {
        ApiError::conflict(
            "consent_already_granted",
            "this agency already holds a standing consent of your organisation; withdraw it first to change its scope",
        )
    };
    let saved = match existing {
        None => agency_consents::ActiveModel {
            id: Set(Uuid::now_v7()),
            agency_organisation_id: Set(input.agency_organisation_id),
            client_organisation_id: Set(client.0),
            scope: Set(input.scope.as_str().to_owned()),
            granted_by: Set(caller.user_id.0),
            granted_at: Set(now),
            withdrawn_by: Set(None),
            withdrawn_at: Set(None),
            version: Set(1),
        }
        .insert(&txn)
        .await
        .map_err(|e| match ApiError::from(e) {
            // The same grant twice at once: the other one made the row.
            ApiError::Conflict { .. } => already(),
            other => other,
        })?,
        Some(row) if row.withdrawn_at.is_none() => return Err(already()),
        Some(row) => {
            // Granted again after a withdrawal: only while it is still withdrawn (a
            // concurrent grant finds 0 rows and is refused).
            let done = agency_consents::Entity::update_many()
                .col_expr(
                    agency_consents::Column::Scope,
                    Expr::value(input.scope.as_str()),
                )
                .col_expr(
                    agency_consents::Column::GrantedBy,
                    Expr::value(caller.user_id.0),
                )
                .col_expr(agency_consents::Column::GrantedAt, Expr::value(now))
                .col_expr(
                    agency_consents::Column::WithdrawnBy,
                    Expr::value(Option::<Uuid>::None),
                )
                .col_expr(
                    agency_consents::Column::WithdrawnAt,
                    Expr::value(Option::<chrono::DateTime<chrono::FixedOffset>>::None),
                )
                .col_expr(
                    agency_consents::Column::Version,
                    Expr::value(row.version + 1),
                )
                .filter(agency_consents::Column::Id.eq(row.id))
                .filter(agency_consents::Column::Version.eq(row.version))
                .exec(&txn)
                .await?;
            if done.rows_affected == 0 {
                return Err(already());
            }
            agency_consents::Entity::find_by_id(row.id)
                .one(&txn)
                .await?
                .ok_or_else(|| ApiError::not_found("consent"))?
        }
    };
    let result = out(&txn, saved).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "agency_consent.grant",
        entity_type: "agency_consent",
        entity_id: result.id,
    }
    .record(&txn, None::<&()>, Some(&result))
    .await?;
    txn.commit().await?;
    Ok(result)
}

/// The client withdraws a consent; the agency can no longer post or change listings for it
/// (those it posted stay the client's).
#[tracing::instrument(skip_all, fields(org.id = %client, consent.id = %id))]
pub async fn withdraw(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    client: OrganisationId,
    id: Uuid,
) -> ApiResult<AgencyConsentOut> {
    ensure_client_admin(caller, client)?;
    let txn = db.begin().await?;
    let row = agency_consents::Entity::find_by_id(id)
        .filter(agency_consents::Column::ClientOrganisationId.eq(client.0))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("consent {id}")))?;
    let before = out(&txn, row.clone()).await?;
    let done = agency_consents::Entity::update_many()
        .col_expr(
            agency_consents::Column::WithdrawnBy,
            Expr::value(caller.user_id.0),
        )
        .col_expr(
            agency_consents::Column::WithdrawnAt,
            Expr::value(Utc::now().fixed_offset()),
        )
        .col_expr(
            agency_consents::Column::Version,
            Expr::value(row.version + 1),
        )
        .filter(agency_consents::Column::Id.eq(id))
        .filter(agency_consents::Column::WithdrawnAt.is_null())
        .filter(agency_consents::Column::Version.eq(row.version))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        return Err(ApiError::conflict(
            "consent_not_active",
            "this consent is already withdrawn",
        ));
    }
    let after_row = agency_consents::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("consent {id}")))?;
    let after = out(&txn, after_row).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "agency_consent.withdraw",
        entity_type: "agency_consent",
        entity_id: id,
    }
    .record(&txn, Some(&before), Some(&after))
    .await?;
    txn.commit().await?;
    Ok(after)
}
