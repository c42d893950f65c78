//! Invitations: an organisation's admin invites a person by email; the invitation's secret
//! (32 random bytes, shown once to the admin, stored only as a SHA-256 hash) lets them create
//! their account in that organisation. The secret travels only in a POST body, never in a URL,
//! where proxies and browser histories would keep it. Admins list pending invitations and
//! revoke them, and change members' roles (an organisation always keeps an admin).

use chrono::{Duration, Utc};
use platform::audit::AuditEntry;
use platform::auth::{self, AuthUser, OrgRole, PasswordGate};
use platform::entity::{invitations, users};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::{new_uuid, OrganisationId, UserId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::Deserialize;
use utoipa::ToSchema;
use uuid::Uuid;

use super::accounts::{self, user_out, SessionOut, UserOut};
use crate::SERVICE;

/// How long an invitation stays valid.
const INVITATION_TTL_DAYS: i64 = 14;

/// Prefix of invitation secrets, so a leaked one is recognisable.
const INVITATION_PREFIX: &str = "inv_";

/// Longest secret we look up (ours are 47 characters); longer input is refused unhashed.
const MAX_SECRET_CHARS: usize = 128;

/// An invitation as an admin sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationIn {
    pub email: String,
    /// `admin` or `member` (default).
    pub org_role: Option<String>,
}

pub use wire::accounts::{InvitationOut, PendingInvitation};

/// An invitation row as its organisation's admins see it.
pub fn pending_out(m: invitations::Model) -> PendingInvitation {
    PendingInvitation {
        id: m.id,
        email: m.email,
        org_role: m.org_role,
        invited_by: UserId(m.invited_by),
        created_at: m.created_at,
        expires_at: m.expires_at,
    }
}

/// Accepting an invitation.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptIn {
    pub token: String,
    pub display_name: String,
    pub password: String,
}

fn parse_role(role: Option<&str>) -> ApiResult<OrgRole> {
    match role {
        None => Ok(OrgRole::Member),
        Some(r) => {
            OrgRole::parse(r).ok_or_else(|| ApiError::field("org_role", "must be admin or member"))
        }
    }
}

fn require_admin(caller: &AuthUser, org: OrganisationId, what: &str) -> ApiResult<()> {
    if caller.is_admin_of(org) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "only the organisation's admins may {what}"
        )))
    }
}

/// Invites `email` into `org` (its admins only).
#[tracing::instrument(skip_all)]
pub async fn invite(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    org: OrganisationId,
    input: InvitationIn,
) -> ApiResult<InvitationOut> {
    require_admin(caller, org, "invite")?;
    let role = parse_role(input.org_role.as_deref())?;
    let email = input.email.trim().to_lowercase();
    let mut v = Validator::new();
    v.check(
        email.contains('@') && email.len() <= 254,
        "email",
        "must be an email address",
    );
    v.finish()?;
    let secret = auth::new_secret(INVITATION_PREFIX);
    let expires_at = Utc::now() + Duration::days(INVITATION_TTL_DAYS);
    let txn = db.begin().await?;
    let row = invitations::ActiveModel {
        id: Set(new_uuid()),
        organisation_id: Set(org.0),
        email: Set(email.clone()),
        org_role: Set(role.as_str().to_owned()),
        token_hash: Set(auth::token_hash(&secret)),
        invited_by: Set(caller.user_id.0),
        expires_at: Set(expires_at.into()),
        accepted_at: Set(None),
        created_at: Set(Utc::now().into()),
        revoked_at: Set(None),
        revoked_by: Set(None),
    }
    .insert(&txn)
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "invitation.create",
        entity_type: "invitation",
        entity_id: row.id,
    }
    .record(&txn, None::<&()>, Some(&pending_out(row.clone())))
    .await?;
    txn.commit().await?;
    Ok(InvitationOut {
        id: row.id,
        email,
        org_role: role.as_str().to_owned(),
        expires_at,
        token: secret,
    })
}

/// The organisation's invitations that can still be accepted, newest first (its admins only).
#[tracing::instrument(skip_all)]
pub async fn list_pending(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    org: OrganisationId,
) -> ApiResult<Vec<PendingInvitation>> {
    require_admin(caller, org, "list invitations")?;
    let now: chrono::DateTime<chrono::FixedOffset> = Utc::now().into();
    let rows = invitations::Entity::find()
        .filter(invitations::Column::OrganisationId.eq(org.0))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .order_by_desc(invitations::Column::CreatedAt)
        .all(db)
        .await?;
    // Expiry compared here, in one clock, rather than as stored text in SQL.
    Ok(rows
        .into_iter()
        .filter(|r| r.expires_at > now)
        .map(pending_out)
        .collect())
}

/// Withdraws a pending invitation (its organisation's admins only). Revoking twice is
/// harmless; a used invitation cannot be revoked (remove the member instead).
#[tracing::instrument(skip_all, fields(invitation.id = %id))]
pub async fn revoke(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    org: OrganisationId,
    id: Uuid,
) -> ApiResult<()> {
    require_admin(caller, org, "revoke invitations")?;
    let inv = invitations::Entity::find_by_id(id)
        .one(db)
        .await?
        .filter(|i| i.organisation_id == org.0)
        .ok_or_else(|| ApiError::not_found(format!("invitation {id}")))?;
    if inv.revoked_at.is_some() {
        return Ok(());
    }
    let txn = db.begin().await?;
    let now: chrono::DateTime<chrono::FixedOffset> = Utc::now().into();
    // Conditional on still being open, so a revoke racing an accept cannot both win.
    let result = invitations::Entity::update_many()
        .col_expr(
            invitations::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(sea_orm::Value::from(now)),
        )
        .col_expr(
            invitations::Column::RevokedBy,
            sea_orm::sea_query::Expr::value(sea_orm::Value::from(caller.user_id.0)),
        )
        .filter(invitations::Column::Id.eq(id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(ApiError::conflict(
            "invitation_used",
            "this invitation has already been accepted: remove the member instead",
        ));
    }
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "invitation.revoke",
        entity_type: "invitation",
        entity_id: id,
    }
    .record(&txn, Some(&pending_out(inv)), None::<&()>)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Creates the invitee's account in the inviting organisation and signs them in.
#[tracing::instrument(skip_all)]
pub async fn accept(
    db: &(impl ConnectionTrait + TransactionTrait),
    passwords: &PasswordGate,
    input: AcceptIn,
    ttl_hours: i64,
) -> ApiResult<SessionOut> {
    let invalid = || {
        ApiError::field(
            "token",
            "this invitation is unknown, used, revoked or expired",
        )
    };
    let secret = input.token.trim();
    if secret.is_empty() || secret.chars().count() > MAX_SECRET_CHARS {
        return Err(invalid());
    }
    let mut v = Validator::new();
    v.length(&input.display_name, "display_name", 1, 120);
    let n = input.password.chars().count();
    v.check(n >= 10, "password", "must be at least 10 characters");
    v.check(n <= 200, "password", "must be at most 200 characters");
    v.finish()?;
    let inv = invitations::Entity::find()
        .filter(invitations::Column::TokenHash.eq(auth::token_hash(secret)))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if inv.accepted_at.is_some() || inv.revoked_at.is_some() || inv.expires_at < Utc::now() {
        return Err(invalid());
    }
    let taken = users::Entity::find()
        .filter(users::Column::Email.eq(&inv.email))
        .count(db)
        .await?;
    if taken > 0 {
        return Err(ApiError::field(
            "token",
            "an account with the invited email already exists: sign in instead",
        ));
    }
    let role = OrgRole::parse(&inv.org_role).unwrap_or(OrgRole::Member);
    // Hashed before the transaction: argon2 takes tens of milliseconds, and on SQLite the
    // transaction holds the only connection.
    let hash = passwords.hash(&input.password).await?;
    let txn = db.begin().await?;
    let claimed = invitations::Entity::update_many()
        .col_expr(
            invitations::Column::AcceptedAt,
            sea_orm::sea_query::Expr::value(sea_orm::Value::from(chrono::DateTime::<
                chrono::FixedOffset,
            >::from(Utc::now()))),
        )
        .filter(invitations::Column::Id.eq(inv.id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .filter(invitations::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(invalid());
    }
    let user = accounts::add_member_hashed(
        &txn,
        OrganisationId(inv.organisation_id),
        &inv.email,
        &input.display_name,
        hash,
        role,
    )
    .await?;
    let token = auth::issue_token(&txn, user.id, "session", Duration::hours(ttl_hours)).await?;
    AuditEntry {
        actor: None,
        service: SERVICE,
        action: "invitation.accept",
        entity_type: "invitation",
        entity_id: inv.id,
    }
    .record_by(
        &txn,
        Some(user.id.0),
        Some(inv.organisation_id),
        None::<&()>,
        Some(&user),
    )
    .await?;
    txn.commit().await?;
    let organisation = platform::entity::organisations::Entity::find_by_id(inv.organisation_id)
        .one(db)
        .await?
        .map(super::organisations::out);
    Ok(SessionOut {
        token,
        user,
        organisation,
    })
}

/// A role change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    pub org_role: String,
}

/// Changes a member's role (admins only); the last admin cannot step down. The check runs in
/// the same transaction as the change, under the organisation's lock.
#[tracing::instrument(skip_all)]
pub async fn set_role(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    org: OrganisationId,
    user: UserId,
    input: RoleIn,
) -> ApiResult<UserOut> {
    require_admin(caller, org, "change roles")?;
    let role = parse_role(Some(&input.org_role))?;
    let txn = db.begin().await?;
    accounts::lock_organisation(&txn, org).await?;
    accounts::require_admin_now(&txn, caller, org).await?;
    let member = users::Entity::find_by_id(user.0)
        .one(&txn)
        .await?
        .filter(|u| u.organisation_id == Some(org.0))
        .ok_or_else(|| ApiError::not_found(format!("member {user}")))?;
    if role == OrgRole::Member {
        accounts::keep_an_admin(&txn, org, &member).await?;
    }
    let before = user_out(member.clone());
    let mut active: users::ActiveModel = member.into();
    active.org_role = Set(Some(role.as_str().to_owned()));
    active.updated_at = Set(Utc::now().into());
    let updated = active.update(&txn).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "user.set_role",
        entity_type: "user",
        entity_id: user.0,
    }
    .record(&txn, Some(&before), Some(&user_out(updated.clone())))
    .await?;
    txn.commit().await?;
    Ok(user_out(updated))
}
