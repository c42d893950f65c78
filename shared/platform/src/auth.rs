//! Authentication shared by every service: argon2 password hashes, opaque bearer tokens
//! (random, stored only as SHA-256, revocable, expiring) and the extractors that turn a request
//! into the caller's user, organisation and roles.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use axum::extract::{FromRef, FromRequestParts};
use axum::http::header;
use axum::http::request::Parts;
use base64::Engine;
use chrono::{Duration, Utc};
use rand::RngCore;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    Set,
};
use serde::Serialize;
use sha2::{Digest, Sha256};
use utoipa::ToSchema;

use crate::entity::{api_tokens, brokers, organisations, users};
use crate::error::{ApiError, ApiResult};
use crate::ids::{new_uuid, OrganisationId, TokenId, UserId};
use wire::UserStatus;

/// Prefix of every token we issue, so leaked tokens are recognisable by secret scanners.
const TOKEN_PREFIX: &str = "tm_";

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("Failed to hash password: {e}"))
}

/// True when `password` matches the stored hash. A malformed stored hash never matches.
pub fn verify_password(stored_hash: &str, password: &str) -> bool {
    match PasswordHash::new(stored_hash) {
        Ok(parsed) => Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok(),
        Err(_) => false,
    }
}

/// Where argon2 runs on the request path: on tokio's blocking pool, never on the runtime's
/// worker threads (a hash takes tens of milliseconds of CPU; a flood of logins on the workers
/// would stall every endpoint, health checks included), and at most `concurrency` at once so
/// a flood cannot queue unbounded work either. A caller that cannot get a slot within `wait`
/// is answered 429 with `Retry-After` instead of waiting forever.
#[derive(Clone, Debug)]
pub struct PasswordGate {
    permits: std::sync::Arc<tokio::sync::Semaphore>,
    wait: std::time::Duration,
}

impl PasswordGate {
    /// A gate of `concurrency` slots (0: half the CPU cores, at least one).
    pub fn new(concurrency: usize, wait: std::time::Duration) -> Self {
        let n = if concurrency == 0 {
            (std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get) / 2).max(1)
        } else {
            concurrency
        };
        Self {
            permits: std::sync::Arc::new(tokio::sync::Semaphore::new(n)),
            wait,
        }
    }

    /// The gate the `[auth]` configuration describes.
    pub fn from_config(config: &crate::config::AuthConfig) -> Self {
        Self::new(
            config.password_hash_concurrency,
            std::time::Duration::from_millis(config.password_hash_wait_ms),
        )
    }

    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> ApiResult<T> {
        let busy = || ApiError::TooManyRequests {
            code: "busy",
            detail: "too many sign-ins are being checked right now; retry in a moment".to_owned(),
            retry_after_secs: 1,
        };
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| busy())?
            .map_err(|_| busy())?;
        // A thread of its own at the lowest scheduling priority, not the shared blocking pool:
        // hashing is deliberately CPU-heavy, and a flood of sign-ins must take only the CPU that
        // every other request leaves (health checks included). The permit bounds the threads.
        let (answer, answered) = tokio::sync::oneshot::channel();
        std::thread::Builder::new()
            .name("password-hash".to_owned())
            .spawn(move || {
                let _permit = permit;
                if let Err(err) = lower_own_priority() {
                    tracing::debug!(error = ?err, "password hashing runs at normal priority");
                }
                let _ = answer.send(work());
            })
            .map_err(|e| {
                ApiError::Internal(anyhow::anyhow!(
                    "Failed to start a password hashing thread: {e}"
                ))
            })?;
        answered.await.map_err(|_| {
            ApiError::Internal(anyhow::anyhow!(
                "password hashing thread ended without an answer"
            ))
        })
    }

    /// [`hash_password`] off the runtime.
    pub async fn hash(&self, password: &str) -> ApiResult<String> {
        let password = password.to_owned();
        Ok(self.run(move || hash_password(&password)).await??)
    }

    /// [`verify_password`] off the runtime.
    pub async fn verify(&self, stored_hash: &str, password: &str) -> ApiResult<bool> {
        let (stored_hash, password) = (stored_hash.to_owned(), password.to_owned());
        self.run(move || verify_password(&stored_hash, &password))
            .await
    }
}

/// Puts the calling thread below every ordinary one. On Linux that is `SCHED_IDLE`: any other
/// thread that wakes preempts it at once (a nice-19 thread keeps its slice, a few ms, and
/// under a flood of sign-ins those ms became the other requests' p99). Elsewhere, the lowest
/// nice value.
fn lower_own_priority() -> Result<(), thread_priority::Error> {
    #[cfg(target_os = "linux")]
    {
        use thread_priority::unix::{
            set_thread_priority_and_policy, thread_native_id, NormalThreadSchedulePolicy,
            ThreadSchedulePolicy,
        };
        set_thread_priority_and_policy(
            thread_native_id(),
            thread_priority::ThreadPriority::Min,
            ThreadSchedulePolicy::Normal(NormalThreadSchedulePolicy::Idle),
        )
    }
    #[cfg(not(target_os = "linux"))]
    {
        thread_priority::set_current_thread_priority(thread_priority::ThreadPriority::Min)
    }
}

/// SHA-256 of a token secret, hex-encoded: what the `api_tokens` table stores.
pub fn token_hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

/// A new secret: `prefix` and 32 bytes from the operating system's generator, base64url.
/// Store only its [`token_hash`].
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

pub use wire::accounts::IssuedToken;

/// Creates a login token for `user_id` valid for `ttl`.
pub async fn issue_token(
    db: &impl ConnectionTrait,
    user_id: UserId,
    name: &str,
    ttl: Duration,
) -> ApiResult<IssuedToken> {
    let secret = new_secret(TOKEN_PREFIX);
    let now = Utc::now();
    let expires_at = now + ttl;
    let id = new_uuid();
    api_tokens::ActiveModel {
        id: Set(id),
        user_id: Set(user_id.0),
        token_hash: Set(token_hash(&secret)),
        name: Set(name.to_owned()),
        created_at: Set(now.into()),
        expires_at: Set(expires_at.into()),
        revoked_at: Set(None),
        last_used_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok(IssuedToken {
        token: secret,
        token_id: TokenId(id),
        expires_at,
    })
}

/// Marks a token revoked; later requests with it are 401.
pub async fn revoke_token(db: &impl ConnectionTrait, token_id: TokenId) -> ApiResult<()> {
    let token = api_tokens::Entity::find_by_id(token_id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("token"))?;
    if token.revoked_at.is_none() {
        let mut active: api_tokens::ActiveModel = token.into();
        active.revoked_at = Set(Some(Utc::now().into()));
        active.update(db).await?;
    }
    Ok(())
}

pub use wire::{OrgKind, OrgRole};

/// The authenticated caller.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthUser {
    pub user_id: UserId,
    pub token_id: TokenId,
    pub email: String,
    pub display_name: String,
    pub organisation_id: Option<OrganisationId>,
    pub org_kind: Option<OrgKind>,
    pub org_role: Option<OrgRole>,
    /// Platform operator: reviews, verifies, registers, reads everything.
    pub is_operator: bool,
    /// Has a broker profile (技术经理人).
    pub broker_id: Option<uuid::Uuid>,
}

impl From<AuthUser> for wire::accounts::Me {
    fn from(u: AuthUser) -> Self {
        wire::accounts::Me {
            user_id: u.user_id,
            token_id: u.token_id,
            email: u.email,
            display_name: u.display_name,
            organisation_id: u.organisation_id,
            org_kind: u.org_kind,
            org_role: u.org_role,
            is_operator: u.is_operator,
            broker_id: u.broker_id,
            // Not known from the token alone: `GET /api/v1/me` looks it up.
            works_at_office: false,
        }
    }
}

impl AuthUser {
    /// Member (any role) of `org`.
    pub fn belongs_to(&self, org: OrganisationId) -> bool {
        self.organisation_id == Some(org)
    }

    /// Admin of `org`.
    pub fn is_admin_of(&self, org: OrganisationId) -> bool {
        self.belongs_to(org) && self.org_role == Some(OrgRole::Admin)
    }

    /// 403 unless the caller is an operator.
    pub fn require_operator(&self) -> ApiResult<()> {
        if self.is_operator {
            Ok(())
        } else {
            Err(ApiError::Forbidden(
                "only platform operators may do this".to_owned(),
            ))
        }
    }

    /// The caller's organisation, or 403 for a user without one.
    pub fn require_organisation(&self) -> ApiResult<OrganisationId> {
        self.organisation_id.ok_or_else(|| {
            ApiError::Forbidden("this needs a user who belongs to an organisation".to_owned())
        })
    }
}

/// Reads `Authorization: Bearer <token>`; `None` when the header is absent.
fn bearer(parts: &Parts) -> ApiResult<Option<String>> {
    let Some(value) = parts.headers.get(header::AUTHORIZATION) else {
        return Ok(None);
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::Unauthorized("malformed Authorization header".to_owned()))?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| {
            ApiError::Unauthorized("expected Authorization: Bearer <token>".to_owned())
        })?;
    Ok(Some(token.trim().to_owned()))
}

/// Resolves a token secret into the caller, or a 401 saying why not.
pub async fn authenticate(db: &DatabaseConnection, secret: &str) -> ApiResult<AuthUser> {
    let invalid = || ApiError::Unauthorized("invalid token".to_owned());
    if !secret.starts_with(TOKEN_PREFIX) {
        return Err(invalid());
    }
    let token = api_tokens::Entity::find()
        .filter(api_tokens::Column::TokenHash.eq(token_hash(secret)))
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if token.revoked_at.is_some() {
        return Err(ApiError::Unauthorized("token has been revoked".to_owned()));
    }
    if token.expires_at < Utc::now() {
        return Err(ApiError::Unauthorized("token has expired".to_owned()));
    }
    let user = users::Entity::find_by_id(token.user_id)
        .one(db)
        .await?
        .ok_or_else(invalid)?;
    if user.status != UserStatus::Active.as_str() {
        return Err(ApiError::Unauthorized("account is disabled".to_owned()));
    }
    let org = match user.organisation_id {
        Some(id) => organisations::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let broker = brokers::Entity::find()
        .filter(brokers::Column::UserId.eq(user.id))
        .one(db)
        .await?;
    Ok(AuthUser {
        user_id: UserId(user.id),
        token_id: TokenId(token.id),
        email: user.email,
        display_name: user.display_name,
        organisation_id: user.organisation_id.map(OrganisationId),
        org_kind: org.as_ref().and_then(|o| OrgKind::parse(&o.kind)),
        org_role: user.org_role.as_deref().and_then(OrgRole::parse),
        is_operator: user.is_operator,
        broker_id: broker.map(|b| b.id),
    })
}

impl<S> FromRequestParts<S> for AuthUser
where
    DatabaseConnection: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(user) = parts.extensions.get::<AuthUser>() {
            return Ok(user.clone());
        }
        let secret = bearer(parts)?
            .ok_or_else(|| ApiError::Unauthorized("sign in first: no bearer token".to_owned()))?;
        let db = DatabaseConnection::from_ref(state);
        let user = authenticate(&db, &secret).await?;
        parts.extensions.insert(user.clone());
        Ok(user)
    }
}

/// The caller if a valid token was sent, `None` for anonymous requests. A token that is sent
/// but invalid is still a 401: silently treating it as anonymous hides expired sessions.
#[derive(Debug, Clone)]
pub struct MaybeUser(pub Option<AuthUser>);

impl<S> FromRequestParts<S> for MaybeUser
where
    DatabaseConnection: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if bearer(parts)?.is_none() {
            return Ok(MaybeUser(None));
        }
        AuthUser::from_request_parts(parts, state)
            .await
            .map(|u| MaybeUser(Some(u)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let hash = hash_password("correct horse").expect("hash");
        assert!(verify_password(&hash, "correct horse"));
        assert!(!verify_password(&hash, "wrong horse"));
        assert!(!verify_password("not a hash", "correct horse"));
    }
}
