//! `Idempotency-Key` for POSTs that create money-bearing records (contracts, payments).
//!
//! The key row is inserted first, inside the transaction that creates the record, and
//! completed with the response before commit. A concurrent request with the same key blocks on
//! the unique index (user, key) until the first commits — PostgreSQL — or waits for the single
//! SQLite connection; it then finds the stored response and returns it. The same key with a
//! different method, path or body is a 422. A failed request stores nothing: its transaction
//! rolls back with the key, so a retry runs again. Keys live [`KEY_TTL_HOURS`] hours.

use axum::http::{HeaderMap, StatusCode};
use chrono::{Duration, Utc};
use platform::entity::idempotency_keys;
use platform::error::{ApiError, ApiResult};
use platform::ids::new_uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait,
    QueryFilter, Set, SqlErr, TransactionTrait,
};
use serde_json::Value;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Name of the request header.
pub const HEADER: &str = "idempotency-key";
/// How long a key and its stored response are kept.
pub const KEY_TTL_HOURS: i64 = 24;

/// What [`claim`] found.
pub enum Claim {
    /// First use of the key (or no key): do the work in `txn`, then [`complete`] and commit.
    Fresh {
        txn: DatabaseTransaction,
        key_id: Option<Uuid>,
    },
    /// The key was used before with the same request: answer with the stored response.
    Replay { status: StatusCode, body: Value },
}

/// Reads and checks the header: 1–255 visible ASCII characters.
pub fn key_from(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let Some(value) = headers.get(HEADER) else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ApiError::BadRequest("Idempotency-Key must be visible ASCII".to_owned()))?
        .trim()
        .to_owned();
    if key.is_empty() || key.len() > 255 {
        return Err(ApiError::BadRequest(
            "Idempotency-Key must be 1 to 255 characters".to_owned(),
        ));
    }
    Ok(Some(key))
}

/// SHA-256 over method, path and the body in canonical JSON (object keys sorted).
pub fn request_hash(method: &str, path: &str, body: &Value) -> String {
    let mut hasher = Sha256::new();
    hasher.update(method.as_bytes());
    hasher.update(b"\n");
    hasher.update(path.as_bytes());
    hasher.update(b"\n");
    hasher.update(canonical(body).as_bytes());
    hex::encode(hasher.finalize())
}

fn canonical(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .into_iter()
                .map(|k| format!("{}:{}", Value::String(k.clone()), canonical(&map[k])))
                .collect();
            format!("{{{}}}", inner.join(","))
        }
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(canonical).collect::<Vec<_>>().join(",")
        ),
        other => other.to_string(),
    }
}

/// Begins the transaction and claims the key in it.
#[tracing::instrument(skip_all)]
pub async fn claim(
    db: &DatabaseConnection,
    user_id: Uuid,
    key: Option<String>,
    method: &str,
    path: &str,
    body: &Value,
) -> ApiResult<Claim> {
    let Some(key) = key else {
        return Ok(Claim::Fresh {
            txn: db.begin().await?,
            key_id: None,
        });
    };
    let hash = request_hash(method, path, body);
    // Two rounds at most: the second after removing an expired key.
    for _ in 0..2 {
        let txn = db.begin().await?;
        let id = new_uuid();
        let now = Utc::now();
        let inserted = idempotency_keys::ActiveModel {
            id: Set(id),
            user_id: Set(user_id),
            key: Set(key.clone()),
            method: Set(method.to_owned()),
            path: Set(path.to_owned()),
            request_hash: Set(hash.clone()),
            response_status: Set(None),
            response_body: Set(None),
            created_at: Set(now.into()),
            expires_at: Set((now + Duration::hours(KEY_TTL_HOURS)).into()),
        }
        .insert(&txn)
        .await;
        match inserted {
            Ok(_) => {
                return Ok(Claim::Fresh {
                    txn,
                    key_id: Some(id),
                })
            }
            Err(err) if matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                txn.rollback().await?;
            }
            Err(err) => return Err(err.into()),
        }
        let existing = idempotency_keys::Entity::find()
            .filter(idempotency_keys::Column::UserId.eq(user_id))
            .filter(idempotency_keys::Column::Key.eq(key.as_str()))
            .one(db)
            .await?;
        let Some(existing) = existing else {
            continue;
        };
        if existing.expires_at < Utc::now() {
            idempotency_keys::Entity::delete_by_id(existing.id)
                .exec(db)
                .await?;
            continue;
        }
        if existing.method != method || existing.path != path || existing.request_hash != hash {
            return Err(ApiError::Validation(vec![platform::error::FieldError::new(
                "Idempotency-Key",
                "this key was already used with a different request; use a new key for a new request",
            )]));
        }
        let (Some(status), Some(body)) = (existing.response_status, existing.response_body) else {
            return Err(ApiError::conflict(
                "request_in_progress",
                "a request with this Idempotency-Key is still running; retry shortly",
            ));
        };
        let status = u16::try_from(status)
            .ok()
            .and_then(|s| StatusCode::from_u16(s).ok())
            .unwrap_or(StatusCode::OK);
        return Ok(Claim::Replay { status, body });
    }
    Err(ApiError::conflict(
        "request_in_progress",
        "a request with this Idempotency-Key is still running; retry shortly",
    ))
}

/// Stores the response with the key, in the same transaction as the work.
#[tracing::instrument(skip_all)]
pub async fn complete(
    txn: &DatabaseTransaction,
    key_id: Option<Uuid>,
    status: StatusCode,
    body: &Value,
) -> ApiResult<()> {
    let Some(id) = key_id else {
        return Ok(());
    };
    let status = i16::try_from(status.as_u16()).unwrap_or(200);
    idempotency_keys::Entity::update_many()
        .col_expr(
            idempotency_keys::Column::ResponseStatus,
            sea_orm::sea_query::Expr::value(Some(status)),
        )
        .col_expr(
            idempotency_keys::Column::ResponseBody,
            sea_orm::sea_query::Expr::value(Some(body.clone())),
        )
        .filter(idempotency_keys::Column::Id.eq(id))
        .exec(txn)
        .await?;
    Ok(())
}
