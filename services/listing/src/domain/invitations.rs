//! Invitations: an organisation's admin invites a person by email; the invitation's secret
//! (shown once to the admin, stored only as a hash) lets them create their account in that
//! organisation. Admins also change members' roles.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use shared::audit::AuditEntry;
use shared::auth::{self, AuthUser, OrgRole};
use shared::entity::{invitations, users};
use shared::error::{ApiError, ApiResult, Validator};
use shared::ids::{new_uuid, OrganisationId, UserId};
use utoipa::ToSchema;
use uuid::Uuid;

use super::accounts::{self, SessionOut, UserOut};
use crate::SERVICE;

/// How long an invitation stays valid.
const INVITATION_TTL_DAYS: i64 = 14;

/// An invitation as an admin sends it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvitationIn {
    pub email: String,
    /// `admin` or `member` (default).
    pub org_role: Option<String>,
}

/// A created invitation: the secret is shown once, for the admin to pass on.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InvitationOut {
    pub id: Uuid,
    pub email: String,
    pub org_role: String,
    pub expires_at: chrono::DateTime<Utc>,
    /// The secret the invitee sends to `POST /api/v1/invitations/accept`.
    pub token: String,
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
        Some(r) => OrgRole::parse(r).ok_or_else(|| ApiError::field("org_role", "must be admin or member")),
    }
}

/// Invites `email` into `org` (its admins only).
pub async fn invite(db: &impl ConnectionTrait, caller: &AuthUser, org: OrganisationId, input: InvitationIn) -> ApiResult<InvitationOut> {
    if !caller.is_admin_of(org) {
        return Err(ApiError::Forbidden("only the organisation's admins may invite".to_owned()));
    }
    let role = parse_role(input.org_role.as_deref())?;
    let email = input.email.trim().to_lowercase();
    let mut v = Validator::new();
    v.check(email.contains('@') && email.len() <= 254, "email", "must be an email address");
    v.finish()?;
    let secret = format!("inv_{}", new_uuid().simple());
    let expires_at = Utc::now() + Duration::days(INVITATION_TTL_DAYS);
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
    }
    .insert(db)
    .await?;
    Ok(InvitationOut { id: row.id, email, org_role: role.as_str().to_owned(), expires_at, token: secret })
}

/// Creates the invitee's account in the inviting organisation and signs them in.
pub async fn accept(db: &(impl ConnectionTrait + TransactionTrait), input: AcceptIn, ttl_hours: i64) -> ApiResult<SessionOut> {
    let invalid = || ApiError::field("token", "this invitation is unknown, used or expired");
    let inv = invitations::Entity::find()
        .filter(invitations::Column::TokenHash.eq(auth::token_hash(input.token.trim())))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if inv.accepted_at.is_some() || inv.expires_at < Utc::now() {
        return Err(invalid());
    }
    let taken = users::Entity::find().filter(users::Column::Email.eq(&inv.email)).count(db).await?;
    if taken > 0 {
        return Err(ApiError::field("token", "an account with the invited email already exists: sign in instead"));
    }
    let role = OrgRole::parse(&inv.org_role).unwrap_or(OrgRole::Member);
    let txn = db.begin().await?;
    let claimed = invitations::Entity::update_many()
        .col_expr(invitations::Column::AcceptedAt, sea_orm::sea_query::Expr::value(sea_orm::Value::from(chrono::DateTime::<chrono::FixedOffset>::from(Utc::now()))))
        .filter(invitations::Column::Id.eq(inv.id))
        .filter(invitations::Column::AcceptedAt.is_null())
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        return Err(invalid());
    }
    let mut v = Validator::new();
    v.length(&input.display_name, "display_name", 1, 120);
    v.check(input.password.chars().count() >= 10, "password", "must be at least 10 characters");
    v.finish()?;
    let user = accounts::add_member(&txn, OrganisationId(inv.organisation_id), &inv.email, &input.display_name, &input.password, role).await?;
    let token = auth::issue_token(&txn, user.id, "session", Duration::hours(ttl_hours)).await?;
    txn.commit().await?;
    let organisation = shared::entity::organisations::Entity::find_by_id(inv.organisation_id).one(db).await?.map(Into::into);
    Ok(SessionOut { token, user, organisation })
}

/// A role change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleIn {
    pub org_role: String,
}

/// Changes a member's role (admins only); the last admin cannot step down.
pub async fn set_role(db: &(impl ConnectionTrait + TransactionTrait), caller: &AuthUser, org: OrganisationId, user: UserId, input: RoleIn) -> ApiResult<UserOut> {
    if !caller.is_admin_of(org) {
        return Err(ApiError::Forbidden("only the organisation's admins may change roles".to_owned()));
    }
    let role = parse_role(Some(&input.org_role))?;
    let member = users::Entity::find_by_id(user.0)
        .one(db)
        .await?
        .filter(|u| u.organisation_id == Some(org.0))
        .ok_or_else(|| ApiError::not_found(format!("member {user}")))?;
    if role == OrgRole::Member && member.org_role.as_deref() == Some("admin") {
        let admins = users::Entity::find()
            .filter(users::Column::OrganisationId.eq(org.0))
            .filter(users::Column::OrgRole.eq("admin"))
            .count(db)
            .await?;
        if admins <= 1 {
            return Err(ApiError::conflict("last_admin", "an organisation needs at least one admin"));
        }
    }
    let before = UserOut::from(member.clone());
    let txn = db.begin().await?;
    let mut active: users::ActiveModel = member.into();
    active.org_role = Set(Some(role.as_str().to_owned()));
    active.updated_at = Set(Utc::now().into());
    let updated = active.update(&txn).await?;
    AuditEntry { actor: Some(caller), service: SERVICE, action: "user.set_role", entity_type: "user", entity_id: user.0 }
        .record(&txn, Some(&before), Some(&UserOut::from(updated.clone())))
        .await?;
    txn.commit().await?;
    Ok(updated.into())
}
