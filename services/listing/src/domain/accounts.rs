//! People: self-service sign-up (a new organisation and its first admin), login (throttled),
//! logout, password change, operators, the member list of an organisation, and off-boarding:
//! an admin removes a member, an operator disables or re-enables a user. Passwords are hashed
//! and checked through the [`PasswordGate`], off the async runtime.

use chrono::{Duration, Utc};
use std::net::IpAddr;

use platform::audit::AuditEntry;
use platform::auth::{self, AuthUser, PasswordGate};
use platform::config::AuthConfig;
use platform::entity::{api_tokens, organisations as org_entity, users};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::{OrganisationId, UserId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::organisations::{self, OrganisationIn};
use super::throttle::{self, LoginKeys};
use crate::SERVICE;
use wire::{OrgRole, UserStatus};

/// Shortest password accepted.
const MIN_PASSWORD_CHARS: usize = 10;

/// Self-service sign-up: the person and the organisation they register.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupIn {
    pub email: String,
    pub password: String,
    pub display_name: String,
    /// `zh`, `en`, `vi`, `th`, … — the interface language they prefer.
    #[serde(default)]
    pub locale: Option<String>,
    pub organisation: OrganisationIn,
}

pub use wire::accounts::{SessionOut, UserOut};

/// A person row as clients see it.
pub fn user_out(m: users::Model) -> UserOut {
    UserOut {
        id: UserId(m.id),
        email: m.email,
        display_name: m.display_name,
        organisation_id: m.organisation_id.map(OrganisationId),
        org_role: m.org_role,
        is_operator: m.is_operator,
        locale: m.locale,
        status: m.status,
        created_at: m.created_at,
    }
}

fn normalise_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

fn validate_email(email: &str, v: &mut Validator) {
    let ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
        })
        && !email.contains(char::is_whitespace);
    v.check(ok, "email", "must be an email address");
}

fn validate_password(password: &str, path: &str, v: &mut Validator) {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        v.push(
            path,
            format!("must be at least {MIN_PASSWORD_CHARS} characters"),
        );
    } else if n > 200 {
        v.push(path, "must be at most 200 characters");
    }
}

fn token_ttl(state_hours: i64) -> Duration {
    Duration::hours(state_hours)
}

/// Registers an organisation (pending verification) with the caller as its admin, and signs
/// them in. Everything or nothing: one transaction.
#[tracing::instrument(skip_all)]
pub async fn sign_up(
    db: &(impl ConnectionTrait + TransactionTrait),
    passwords: &PasswordGate,
    input: SignupIn,
    ttl_hours: i64,
    countries: &platform::config::CountriesConfig,
) -> ApiResult<SessionOut> {
    let served = platform::countries::Served::load(db, countries).await?;
    let email = normalise_email(&input.email);
    let mut v = Validator::new();
    validate_email(&email, &mut v);
    validate_password(&input.password, "password", &mut v);
    v.length(&input.display_name, "display_name", 1, 120);
    let credit = organisations::validate(&input.organisation, &served, "organisation.", &mut v);
    v.finish()?;

    let taken = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(ApiError::Validation(vec![
            platform::error::FieldError::new("email", "an account with this email already exists"),
        ]));
    }
    let hash = passwords.hash(&input.password).await?;
    let txn = db.begin().await?;
    let org = organisations::insert(&txn, &input.organisation, credit).await?;
    let now = Utc::now();
    let user = users::ActiveModel {
        id: Set(UserId::new().0),
        email: Set(email),
        display_name: Set(input.display_name.trim().to_owned()),
        password_hash: Set(hash),
        organisation_id: Set(Some(org.id)),
        org_role: Set(Some(OrgRole::Admin.as_str().to_owned())),
        is_operator: Set(false),
        locale: Set(input.locale.unwrap_or_else(|| "zh".to_owned())),
        status: Set(UserStatus::Active.as_str().to_owned()),
        last_login_at: Set(Some(now.into())),
        version: Set(1),
        created_at: Set(now.into()),
        updated_at: Set(now.into()),
    }
    .insert(&txn)
    .await?;
    let token = auth::issue_token(&txn, UserId(user.id), "session", token_ttl(ttl_hours)).await?;
    AuditEntry {
        actor: None,
        service: SERVICE,
        action: "organisation.register",
        entity_type: "organisation",
        entity_id: org.id,
    }
    .record(&txn, None::<&()>, Some(&organisations::out(org.clone())))
    .await?;
    txn.commit().await?;
    Ok(SessionOut {
        token,
        user: user_out(user),
        organisation: Some(organisations::out(org)),
    })
}

/// Login credentials.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginIn {
    pub email: String,
    pub password: String,
}

/// Checks credentials and issues a token. Wrong email and wrong password get the same 401, so
/// the endpoint does not reveal who has an account. Throttled per account and per client
/// address (see [`throttle`]); every attempt that reaches the password check is audited.
/// A refusal is held until `auth.failed_login_delay_ms` (plus jitter) after arrival, so a flood
/// of guesses is paced by its connections instead of by the server's cores.
#[tracing::instrument(skip_all)]
pub async fn log_in(
    db: &(impl ConnectionTrait + TransactionTrait),
    passwords: &PasswordGate,
    config: &AuthConfig,
    input: LoginIn,
    client: Option<IpAddr>,
) -> ApiResult<SessionOut> {
    let arrived = tokio::time::Instant::now();
    let outcome = check_credentials(db, passwords, config, input, client).await;
    if matches!(
        outcome,
        Err(ApiError::Unauthorized(_) | ApiError::TooManyRequests { .. })
    ) {
        tokio::time::sleep_until(arrived + failed_login_hold(config.failed_login_delay_ms)).await;
    }
    outcome
}

/// The configured delay plus up to half again at random: a flood's connections, all held the
/// same time, would otherwise come back and strike together, once per delay.
fn failed_login_hold(delay_ms: u64) -> std::time::Duration {
    let jitter = rand::Rng::gen_range(&mut rand::thread_rng(), 0..=delay_ms / 2);
    std::time::Duration::from_millis(delay_ms.saturating_add(jitter))
}

async fn check_credentials(
    db: &(impl ConnectionTrait + TransactionTrait),
    passwords: &PasswordGate,
    config: &AuthConfig,
    input: LoginIn,
    client: Option<IpAddr>,
) -> ApiResult<SessionOut> {
    let refused = || ApiError::Unauthorized("wrong email or password".to_owned());
    let email = normalise_email(&input.email);
    let keys = LoginKeys::new(&email, client);
    let _attempt = throttle::check(db, config, &keys).await?;
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(db)
        .await?;
    // An unknown email spends the same time on a real check so timing does not reveal accounts.
    let stored = user
        .as_ref()
        .map_or(DUMMY_HASH, |u| u.password_hash.as_str());
    let matches = passwords.verify(stored, &input.password).await?;
    let known = user.as_ref().map(|u| u.id);
    let Some(user) = user.filter(|_| matches) else {
        let txn = db.begin().await?;
        throttle::record_failure(&txn, config, &keys).await?;
        AuditEntry {
            actor: None,
            service: SERVICE,
            action: "auth.login_failed",
            entity_type: "user",
            // Nil for an email without an account; the email itself is not kept.
            entity_id: known.unwrap_or_else(uuid::Uuid::nil),
        }
        .record_by(
            &txn,
            None,
            None,
            None::<&()>,
            Some(&serde_json::json!({
                "reason": if known.is_some() { "wrong_password" } else { "unknown_account" },
            })),
        )
        .await?;
        txn.commit().await?;
        return Err(refused());
    };
    if user.status != UserStatus::Active.as_str() {
        return Err(ApiError::Forbidden(
            "this account has been disabled by a platform operator".to_owned(),
        ));
    }
    let txn = db.begin().await?;
    throttle::clear_account(&txn, &keys).await?;
    let token = auth::issue_token(
        &txn,
        UserId(user.id),
        "session",
        token_ttl(config.token_ttl_hours),
    )
    .await?;
    let mut active: users::ActiveModel = user.clone().into();
    active.last_login_at = Set(Some(Utc::now().into()));
    let user = active.update(&txn).await?;
    AuditEntry {
        actor: None,
        service: SERVICE,
        action: "auth.login",
        entity_type: "user",
        entity_id: user.id,
    }
    .record_by(
        &txn,
        Some(user.id),
        user.organisation_id,
        None::<&()>,
        Some(&serde_json::json!({ "token_id": token.token_id })),
    )
    .await?;
    txn.commit().await?;
    let organisation = match user.organisation_id {
        Some(id) => org_entity::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(organisations::out),
        None => None,
    };
    Ok(SessionOut {
        token,
        user: user_out(user),
        organisation,
    })
}

/// Revokes the caller's current token (logout), audited.
#[tracing::instrument(skip_all)]
pub async fn log_out(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
) -> ApiResult<()> {
    let txn = db.begin().await?;
    auth::revoke_token(&txn, caller.token_id).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "auth.logout",
        entity_type: "user",
        entity_id: caller.user_id.0,
    }
    .record(
        &txn,
        None::<&()>,
        Some(&serde_json::json!({ "token_id": caller.token_id })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// An argon2 hash of a random string, verified against when the email is unknown.
const DUMMY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Rk5pPHm5YxHtzQ1x2oxKNSe1KwH3R2ZjQ0P3aNfWnE";

/// Changing a password.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeIn {
    pub current_password: String,
    pub new_password: String,
}

/// Changes the caller's password and revokes every other token of theirs.
#[tracing::instrument(skip_all)]
pub async fn change_password(
    db: &(impl ConnectionTrait + TransactionTrait),
    passwords: &PasswordGate,
    config: &AuthConfig,
    caller: &AuthUser,
    input: PasswordChangeIn,
) -> ApiResult<()> {
    let mut v = Validator::new();
    validate_password(&input.new_password, "new_password", &mut v);
    v.finish()?;
    let user = users::Entity::find_by_id(caller.user_id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("account no longer exists".to_owned()))?;
    // A stolen session must not become a way to guess the password: wrong current passwords
    // count against the account's login throttle.
    let keys = LoginKeys::new(&user.email, None);
    let _attempt = throttle::check(db, config, &keys).await?;
    if !passwords
        .verify(&user.password_hash, &input.current_password)
        .await?
    {
        throttle::record_failure(db, config, &keys).await?;
        return Err(ApiError::field(
            "current_password",
            "is not your current password",
        ));
    }
    let hash = passwords.hash(&input.new_password).await?;
    let txn = db.begin().await?;
    let mut active: users::ActiveModel = user.into();
    active.password_hash = Set(hash);
    active.updated_at = Set(Utc::now().into());
    active.update(&txn).await?;
    api_tokens::Entity::update_many()
        .col_expr(
            api_tokens::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(sea_orm::Value::from(chrono::DateTime::<
                chrono::FixedOffset,
            >::from(Utc::now()))),
        )
        .filter(api_tokens::Column::UserId.eq(caller.user_id.0))
        .filter(api_tokens::Column::Id.ne(caller.token_id.0))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(&txn)
        .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "user.change_password",
        entity_type: "user",
        entity_id: caller.user_id.0,
    }
    .record(&txn, None::<&()>, None::<&()>)
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Creates a platform operator (from `techmarket admin create-operator` and the sample data),
/// audited with no actor: it comes from the command line, not from a session.
#[tracing::instrument(skip_all)]
pub async fn create_operator(
    db: &(impl ConnectionTrait + TransactionTrait),
    email: &str,
    display_name: &str,
    password: &str,
) -> ApiResult<UserOut> {
    let email = normalise_email(email);
    let mut v = Validator::new();
    validate_email(&email, &mut v);
    validate_password(password, "password", &mut v);
    v.length(display_name, "display_name", 1, 120);
    v.finish()?;
    let hash = auth::hash_password(password)?;
    let txn = db.begin().await?;
    let user = new_user(email, display_name, hash, None, true)
        .insert(&txn)
        .await?;
    let out = user_out(user);
    AuditEntry {
        actor: None,
        service: SERVICE,
        action: "user.create_operator",
        entity_type: "user",
        entity_id: out.id.0,
    }
    .record(&txn, None::<&()>, Some(&out))
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// Adds a person to an existing organisation (sample data and invitations use it).
#[tracing::instrument(skip_all)]
pub async fn add_member(
    db: &impl ConnectionTrait,
    organisation: OrganisationId,
    email: &str,
    display_name: &str,
    password: &str,
    role: auth::OrgRole,
) -> ApiResult<UserOut> {
    let hash = auth::hash_password(password)?;
    add_member_hashed(db, organisation, email, display_name, hash, role).await
}

/// [`add_member`] with the password already hashed (through the [`PasswordGate`]).
#[tracing::instrument(skip_all)]
pub async fn add_member_hashed(
    db: &impl ConnectionTrait,
    organisation: OrganisationId,
    email: &str,
    display_name: &str,
    password_hash: String,
    role: auth::OrgRole,
) -> ApiResult<UserOut> {
    let user = new_user(
        normalise_email(email),
        display_name,
        password_hash,
        Some((organisation, role)),
        false,
    )
    .insert(db)
    .await?;
    Ok(user_out(user))
}

/// A new active user row.
fn new_user(
    email: String,
    display_name: &str,
    password_hash: String,
    membership: Option<(OrganisationId, auth::OrgRole)>,
    is_operator: bool,
) -> users::ActiveModel {
    let now = Utc::now();
    users::ActiveModel {
        id: Set(UserId::new().0),
        email: Set(email),
        display_name: Set(display_name.trim().to_owned()),
        password_hash: Set(password_hash),
        organisation_id: Set(membership.map(|(org, _)| org.0)),
        org_role: Set(membership.map(|(_, role)| role.as_str().to_owned())),
        is_operator: Set(is_operator),
        locale: Set("zh".to_owned()),
        status: Set(UserStatus::Active.as_str().to_owned()),
        last_login_at: Set(None),
        version: Set(1),
        created_at: Set(now.into()),
        updated_at: Set(now.into()),
    }
}

/// Members of `org`, for its own members and operators only.
#[tracing::instrument(skip_all)]
pub async fn list_members(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    org: OrganisationId,
) -> ApiResult<Vec<UserOut>> {
    if !(caller.belongs_to(org)
        || platform::city_scope::operator_covers(db, Some(caller), org.0).await?)
    {
        return Err(ApiError::Forbidden(
            "only members of this organisation and operators may list its members".to_owned(),
        ));
    }
    let members = users::Entity::find()
        .filter(users::Column::OrganisationId.eq(org.0))
        .order_by_asc(users::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(members.into_iter().map(user_out).collect())
}

// ---------------------------------------------------------------------------------------------
// Off-boarding and the last-admin rule.

/// Takes the organisation's row lock for the rest of `txn` (PostgreSQL), so changes to its
/// admins run one after another and each sees the others' result: two admins removing or
/// demoting each other at once cannot leave none. SQLite needs no lock: it has one writer, and
/// our SQLite pool a single connection, so a transaction there already runs alone.
pub(crate) async fn lock_organisation(
    txn: &impl ConnectionTrait,
    org: OrganisationId,
) -> ApiResult<()> {
    if platform::db::is_postgres(txn) {
        org_entity::Entity::find_by_id(org.0)
            .lock_exclusive()
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("organisation {org}")))?;
    }
    Ok(())
}

/// Inside `txn`, after [`lock_organisation`]: 403 unless `caller` is still an active admin of
/// `org` (their token was checked when the request began; a concurrent change may have
/// removed or demoted them since).
pub(crate) async fn require_admin_now(
    txn: &impl ConnectionTrait,
    caller: &AuthUser,
    org: OrganisationId,
) -> ApiResult<()> {
    let still = users::Entity::find_by_id(caller.user_id.0)
        .filter(users::Column::OrganisationId.eq(org.0))
        .filter(users::Column::OrgRole.eq(OrgRole::Admin.as_str()))
        .filter(users::Column::Status.eq(UserStatus::Active.as_str()))
        .count(txn)
        .await?;
    if still == 0 {
        return Err(ApiError::Forbidden(
            "only the organisation's admins may do this".to_owned(),
        ));
    }
    Ok(())
}

/// Inside `txn`, after [`lock_organisation`]: 409 when `member` is an admin and no other
/// active admin of `org` would remain without them.
pub(crate) async fn keep_an_admin(
    txn: &impl ConnectionTrait,
    org: OrganisationId,
    member: &users::Model,
) -> ApiResult<()> {
    if member.org_role.as_deref() != Some(OrgRole::Admin.as_str()) {
        return Ok(());
    }
    let others = users::Entity::find()
        .filter(users::Column::OrganisationId.eq(org.0))
        .filter(users::Column::OrgRole.eq(OrgRole::Admin.as_str()))
        .filter(users::Column::Status.eq(UserStatus::Active.as_str()))
        .filter(users::Column::Id.ne(member.id))
        .count(txn)
        .await?;
    if others == 0 {
        return Err(ApiError::conflict(
            "last_admin",
            "an organisation needs at least one admin",
        ));
    }
    Ok(())
}

/// Revokes every live token of `user` (their sessions end at once).
pub(crate) async fn revoke_all_tokens(
    db: &impl ConnectionTrait,
    user: uuid::Uuid,
) -> ApiResult<u64> {
    let result = api_tokens::Entity::update_many()
        .col_expr(
            api_tokens::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(sea_orm::Value::from(chrono::DateTime::<
                chrono::FixedOffset,
            >::from(Utc::now()))),
        )
        .filter(api_tokens::Column::UserId.eq(user))
        .filter(api_tokens::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(result.rows_affected)
}

/// Removes `user` from `org` (its admins only; an admin may remove themselves unless they
/// are the last admin). The person keeps an account without an organisation; every token of
/// theirs is revoked, so they lose the organisation's private objects at once.
#[tracing::instrument(skip_all)]
pub async fn remove_member(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    org: OrganisationId,
    user: UserId,
) -> ApiResult<()> {
    if !caller.is_admin_of(org) {
        return Err(ApiError::Forbidden(
            "only the organisation's admins may remove members".to_owned(),
        ));
    }
    let txn = db.begin().await?;
    lock_organisation(&txn, org).await?;
    require_admin_now(&txn, caller, org).await?;
    let member = users::Entity::find_by_id(user.0)
        .one(&txn)
        .await?
        .filter(|u| u.organisation_id == Some(org.0))
        .ok_or_else(|| ApiError::not_found(format!("member {user}")))?;
    keep_an_admin(&txn, org, &member).await?;
    let before = user_out(member.clone());
    let mut active: users::ActiveModel = member.clone().into();
    active.organisation_id = Set(None);
    active.org_role = Set(None);
    active.version = Set(member.version.saturating_add(1));
    active.updated_at = Set(Utc::now().into());
    let updated = active.update(&txn).await?;
    let revoked = revoke_all_tokens(&txn, user.0).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "user.remove_member",
        entity_type: "user",
        entity_id: user.0,
    }
    .record(
        &txn,
        Some(&before),
        Some(&serde_json::json!({ "user": user_out(updated), "tokens_revoked": revoked })),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// Disables (`disabled = true`) or re-enables a user (operators only). Disabling revokes every
/// token and refuses later logins; re-enabling lets them sign in again with their password.
#[tracing::instrument(skip_all)]
pub async fn set_user_disabled(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    user: UserId,
    disabled: bool,
) -> ApiResult<UserOut> {
    caller.require_operator()?;
    if disabled && caller.user_id == user {
        return Err(ApiError::conflict(
            "cannot_disable_self",
            "operators cannot disable their own account",
        ));
    }
    let txn = db.begin().await?;
    let target = users::Entity::find_by_id(user.0)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("user {user}")))?;
    let status = if disabled {
        UserStatus::Disabled
    } else {
        UserStatus::Active
    }
    .as_str();
    let before = user_out(target.clone());
    let mut active: users::ActiveModel = target.clone().into();
    active.status = Set(status.to_owned());
    active.version = Set(target.version.saturating_add(1));
    active.updated_at = Set(Utc::now().into());
    let updated = active.update(&txn).await?;
    let revoked = if disabled {
        revoke_all_tokens(&txn, user.0).await?
    } else {
        0
    };
    let out = user_out(updated);
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: if disabled {
            "user.disable"
        } else {
            "user.enable"
        },
        entity_type: "user",
        entity_id: user.0,
    }
    .record(
        &txn,
        Some(&before),
        Some(&serde_json::json!({ "user": &out, "tokens_revoked": revoked })),
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// Whether a registration office lists `caller` among its operators (`office_operators`, a
/// table deal owns and listing only reads), for `/me`: clients offer the office's pages to
/// office operators and platform operators only.
pub async fn works_at_office(db: &impl ConnectionTrait, caller: &AuthUser) -> ApiResult<bool> {
    use platform::entity::office_operators;
    Ok(office_operators::Entity::find()
        .filter(office_operators::Column::UserId.eq(caller.user_id.0))
        .count(db)
        .await?
        > 0)
}
