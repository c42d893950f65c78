//! People: self-service sign-up (a new organisation and its first admin), login, logout,
//! password change, operators, and the member list of an organisation.

use chrono::{Duration, Utc};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use shared::audit::AuditEntry;
use shared::auth::{self, AuthUser, IssuedToken};
use shared::entity::{api_tokens, users};
use shared::error::{ApiError, ApiResult, Validator};
use shared::ids::{OrganisationId, UserId};
use utoipa::ToSchema;

use super::organisations::{self, OrganisationIn, OrganisationOut};
use crate::SERVICE;

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

/// A person as shown to clients (never the password hash).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UserOut {
    pub id: UserId,
    pub email: String,
    pub display_name: String,
    pub organisation_id: Option<OrganisationId>,
    pub org_role: Option<String>,
    pub is_operator: bool,
    pub locale: String,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
}

impl From<users::Model> for UserOut {
    fn from(m: users::Model) -> Self {
        Self {
            id: UserId(m.id),
            email: m.email,
            display_name: m.display_name,
            organisation_id: m.organisation_id.map(OrganisationId),
            org_role: m.org_role,
            is_operator: m.is_operator,
            locale: m.locale,
            created_at: m.created_at,
        }
    }
}

/// What sign-up and login return: a token and who it belongs to.
#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    #[serde(flatten)]
    pub token: IssuedToken,
    pub user: UserOut,
    pub organisation: Option<OrganisationOut>,
}

fn normalise_email(raw: &str) -> String {
    raw.trim().to_lowercase()
}

fn validate_email(email: &str, v: &mut Validator) {
    let ok = email.len() <= 254
        && email
            .split_once('@')
            .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.'))
        && !email.contains(char::is_whitespace);
    v.check(ok, "email", "must be an email address");
}

fn validate_password(password: &str, path: &str, v: &mut Validator) {
    let n = password.chars().count();
    if n < MIN_PASSWORD_CHARS {
        v.push(path, format!("must be at least {MIN_PASSWORD_CHARS} characters"));
    } else if n > 200 {
        v.push(path, "must be at most 200 characters");
    }
}

fn token_ttl(state_hours: i64) -> Duration {
    Duration::hours(state_hours)
}

/// Registers an organisation (pending verification) with the caller as its admin, and signs
/// them in. Everything or nothing: one transaction.
pub async fn sign_up(
    db: &(impl ConnectionTrait + TransactionTrait),
    input: SignupIn,
    ttl_hours: i64,
) -> ApiResult<SessionOut> {
    let email = normalise_email(&input.email);
    let mut v = Validator::new();
    validate_email(&email, &mut v);
    validate_password(&input.password, "password", &mut v);
    v.length(&input.display_name, "display_name", 1, 120);
    let credit = organisations::validate(&input.organisation, "organisation.", &mut v);
    v.finish()?;

    let taken = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(db)
        .await?;
    if taken.is_some() {
        return Err(ApiError::Validation(vec![shared::error::FieldError::new(
            "email",
            "an account with this email already exists",
        )]));
    }
    let hash = auth::hash_password(&input.password)?;
    let txn = db.begin().await?;
    let org = organisations::insert(&txn, &input.organisation, credit).await?;
    let now = Utc::now();
    let user = users::ActiveModel {
        id: Set(UserId::new().0),
        email: Set(email),
        display_name: Set(input.display_name.trim().to_owned()),
        password_hash: Set(hash),
        organisation_id: Set(Some(org.id)),
        org_role: Set(Some("admin".to_owned())),
        is_operator: Set(false),
        locale: Set(input.locale.unwrap_or_else(|| "zh".to_owned())),
        status: Set("active".to_owned()),
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
    .record(&txn, None::<&()>, Some(&OrganisationOut::from(org.clone())))
    .await?;
    txn.commit().await?;
    Ok(SessionOut {
        token,
        user: user.into(),
        organisation: Some(org.into()),
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
/// the endpoint does not reveal who has an account.
pub async fn log_in(db: &impl ConnectionTrait, input: LoginIn, ttl_hours: i64) -> ApiResult<SessionOut> {
    let refused = || ApiError::Unauthorized("wrong email or password".to_owned());
    let email = normalise_email(&input.email);
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(&email))
        .one(db)
        .await?;
    let Some(user) = user else {
        // Spend the same time as a real check so timing does not reveal accounts.
        let _ = auth::verify_password(DUMMY_HASH, &input.password);
        return Err(refused());
    };
    if !auth::verify_password(&user.password_hash, &input.password) {
        return Err(refused());
    }
    if user.status != "active" {
        return Err(ApiError::Unauthorized("account is disabled".to_owned()));
    }
    let token = auth::issue_token(db, UserId(user.id), "session", token_ttl(ttl_hours)).await?;
    let mut active: users::ActiveModel = user.clone().into();
    active.last_login_at = Set(Some(Utc::now().into()));
    let user = active.update(db).await?;
    let organisation = match user.organisation_id {
        Some(id) => shared::entity::organisations::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(OrganisationOut::from),
        None => None,
    };
    Ok(SessionOut {
        token,
        user: user.into(),
        organisation,
    })
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
pub async fn change_password(
    db: &(impl ConnectionTrait + TransactionTrait),
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
    if !auth::verify_password(&user.password_hash, &input.current_password) {
        return Err(ApiError::field("current_password", "is not your current password"));
    }
    let hash = auth::hash_password(&input.new_password)?;
    let txn = db.begin().await?;
    let mut active: users::ActiveModel = user.into();
    active.password_hash = Set(hash);
    active.updated_at = Set(Utc::now().into());
    active.update(&txn).await?;
    api_tokens::Entity::update_many()
        .col_expr(
            api_tokens::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(sea_orm::Value::from(chrono::DateTime::<chrono::FixedOffset>::from(Utc::now()))),
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

/// Creates a platform operator (from `techmarket admin create-operator`).
pub async fn create_operator(
    db: &impl ConnectionTrait,
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
    let user = new_user(email, display_name, password, None, true)?.insert(db).await?;
    Ok(user.into())
}

/// Adds a person to an existing organisation (sample data and invitations use it).
pub async fn add_member(
    db: &impl ConnectionTrait,
    organisation: OrganisationId,
    email: &str,
    display_name: &str,
    password: &str,
    role: auth::OrgRole,
) -> ApiResult<UserOut> {
    let user = new_user(normalise_email(email), display_name, password, Some((organisation, role)), false)?
        .insert(db)
        .await?;
    Ok(user.into())
}

/// A new active user row; the password is hashed here.
fn new_user(
    email: String,
    display_name: &str,
    password: &str,
    membership: Option<(OrganisationId, auth::OrgRole)>,
    is_operator: bool,
) -> ApiResult<users::ActiveModel> {
    let now = Utc::now();
    Ok(users::ActiveModel {
        id: Set(UserId::new().0),
        email: Set(email),
        display_name: Set(display_name.trim().to_owned()),
        password_hash: Set(auth::hash_password(password)?),
        organisation_id: Set(membership.map(|(org, _)| org.0)),
        org_role: Set(membership.map(|(_, role)| role.as_str().to_owned())),
        is_operator: Set(is_operator),
        locale: Set("zh".to_owned()),
        status: Set("active".to_owned()),
        last_login_at: Set(None),
        version: Set(1),
        created_at: Set(now.into()),
        updated_at: Set(now.into()),
    })
}

/// Members of `org`, for its own members and operators only.
pub async fn list_members(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    org: OrganisationId,
) -> ApiResult<Vec<UserOut>> {
    if !(caller.is_operator || caller.belongs_to(org)) {
        return Err(ApiError::Forbidden(
            "only members of this organisation and operators may list its members".to_owned(),
        ));
    }
    let members = users::Entity::find()
        .filter(users::Column::OrganisationId.eq(org.0))
        .order_by_asc(users::Column::CreatedAt)
        .all(db)
        .await?;
    Ok(members.into_iter().map(UserOut::from).collect())
}
