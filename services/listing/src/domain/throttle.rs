//! Login throttling: after `login_max_failures` failed logins on one account, or
//! `login_max_failures_per_address` from one client address, within `login_window_secs`,
//! further attempts are answered 429 with `Retry-After` until enough failures have aged out of
//! the window — even with the right password, or guessing would simply continue.
//!
//! The failures live in the database (`login_failures`), not in process memory, so every
//! replica of the listing service counts the same failures in distributed mode. Keys are
//! SHA-256 hashes (`account:<email>`, `address:<ip>`): the throttle counts, it need not know
//! who. A successful login clears its account's failures only; the address's count stays, so
//! one valid account does not reset an address that is guessing at others.
//!
//! The check and the recording are separate statements, so attempts still being checked are
//! counted too: [`check`] hands out an [`Attempt`] that holds a place against each key until
//! it is dropped, after its failure (if any) is recorded. Without that, 200 guesses sent at
//! once on one account would all pass a limit of 10 before the first failure was written.
//! The places are per process: replicas in distributed mode each admit up to the limit at
//! once, and an attempt that commits its failure just between another's database read and
//! its reservation is missed by that one check.
//!
//! A key found locked out is also remembered in this process until its lock lifts, so that a
//! flood of attempts on a locked key is answered from memory: without that, each refusal
//! costs a database read, and a client looping on cheap 429s queues every other request behind
//! its reads (SQLite has one connection). A lock only lifts by its failures ageing out —
//! a successful login, the one thing that clears failures, is refused while locked — so the
//! memory never refuses what the database would allow, but for the rare success that slipped
//! in on another replica just before the lock (that account then waits out the window here).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, OnceLock};

use chrono::{DateTime, Duration, FixedOffset, Utc};
use platform::auth::token_hash;
use platform::config::AuthConfig;
use platform::entity::login_failures;
use platform::error::{ApiError, ApiResult};
use platform::ids::new_uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set,
};

/// The counters one login attempt touches, with their limits.
pub struct LoginKeys {
    account: String,
    address: Option<String>,
}

impl LoginKeys {
    /// Keys of an attempt on `email` (already normalised) from `client`, if known.
    pub fn new(email: &str, client: Option<IpAddr>) -> Self {
        Self {
            account: token_hash(&format!("account:{email}")),
            address: client.map(|ip| token_hash(&format!("address:{ip}"))),
        }
    }

    fn with_limits(&self, config: &AuthConfig) -> Vec<(&str, u32)> {
        let mut keys = vec![(self.account.as_str(), config.login_max_failures)];
        if let Some(address) = &self.address {
            keys.push((address.as_str(), config.login_max_failures_per_address));
        }
        keys
    }
}

/// Keys known locked out in this process, with when their lock lifts.
fn lockouts() -> &'static Mutex<HashMap<String, DateTime<Utc>>> {
    static LOCKOUTS: OnceLock<Mutex<HashMap<String, DateTime<Utc>>>> = OnceLock::new();
    LOCKOUTS.get_or_init(Mutex::default)
}

/// Most keys remembered at once; past it, expired ones are dropped and new ones only counted
/// in the database (the memory is a shortcut, never the record).
const MAX_REMEMBERED: usize = 100_000;

/// When the lock of one of `keys` lifts, if this process knows one in force at `now`.
fn remembered_lock(keys: &[(&str, u32)], now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let map = lockouts()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    keys.iter()
        .filter_map(|(key, _)| map.get(*key).copied())
        .filter(|lifts| *lifts > now)
        .max()
}

fn remember_lock(key: &str, lifts: DateTime<Utc>, now: DateTime<Utc>) {
    let mut map = lockouts()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if map.len() >= MAX_REMEMBERED {
        map.retain(|_, l| *l > now);
    }
    if map.len() < MAX_REMEMBERED {
        map.insert(key.to_owned(), lifts);
    }
}

/// Attempts on each key being checked right now in this process.
fn in_flight() -> &'static Mutex<HashMap<String, u32>> {
    static IN_FLIGHT: OnceLock<Mutex<HashMap<String, u32>>> = OnceLock::new();
    IN_FLIGHT.get_or_init(Mutex::default)
}

/// A login attempt's place against its keys' limits, from the check until it is dropped
/// (after its failure, if any, has been recorded).
#[must_use = "the attempt counts against the limits only while it is held"]
pub struct Attempt {
    keys: Vec<String>,
}

impl Drop for Attempt {
    fn drop(&mut self) {
        let mut map = in_flight()
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for key in &self.keys {
            if let Some(n) = map.get_mut(key) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    map.remove(key);
                }
            }
        }
    }
}

/// Whether the attempts in flight on one of `limits`' keys already fill its limit.
fn in_flight_full(limits: &[(&str, u32)]) -> bool {
    let map = in_flight()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    limits
        .iter()
        .any(|(key, limit)| map.get(*key).copied().unwrap_or(0) >= *limit)
}

/// Takes a place against every key, if each key's recorded failures plus attempts in flight
/// stay under its limit; all or none.
fn reserve(limits: &[(&str, u32)], recorded: &[usize]) -> Option<Attempt> {
    let mut map = in_flight()
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let fits = limits.iter().zip(recorded).all(|((key, limit), failures)| {
        let flying = map.get(*key).copied().unwrap_or(0) as usize;
        failures.saturating_add(flying) < *limit as usize
    });
    if !fits {
        return None;
    }
    for (key, _) in limits {
        *map.entry((*key).to_owned()).or_insert(0) += 1;
    }
    Some(Attempt {
        keys: limits.iter().map(|(k, _)| (*k).to_owned()).collect(),
    })
}

/// The answer while other attempts on a key fill its limit: they finish within seconds.
fn busy_with_attempts() -> ApiError {
    ApiError::TooManyRequests {
        code: "too_many_attempts",
        detail: "too many sign-ins on this account or from this address at once; try again shortly"
            .to_owned(),
        retry_after_secs: 2,
    }
}

fn too_many(at: DateTime<Utc>, now: DateTime<Utc>) -> ApiError {
    let secs = (at - now).num_seconds().max(1);
    ApiError::TooManyRequests {
        code: "too_many_attempts",
        detail: format!("too many failed sign-ins; try again in {secs} seconds"),
        retry_after_secs: u64::try_from(secs).unwrap_or(1),
    }
}

fn window(config: &AuthConfig) -> Duration {
    Duration::seconds(i64::try_from(config.login_window_secs).unwrap_or(i64::MAX / 1000))
}

/// 429 with `Retry-After` when either counter has reached its limit within the window, or
/// when attempts in flight fill what remains of it; otherwise the attempt's place.
#[tracing::instrument(skip_all)]
pub async fn check(
    db: &impl ConnectionTrait,
    config: &AuthConfig,
    keys: &LoginKeys,
) -> ApiResult<Attempt> {
    let now = Utc::now();
    let limits = keys.with_limits(config);
    if let Some(lifts) = remembered_lock(&limits, now) {
        return Err(too_many(lifts, now));
    }
    if in_flight_full(&limits) {
        return Err(busy_with_attempts());
    }
    let window = window(config);
    let since: DateTime<FixedOffset> = (now - window).into();
    let mut retry_at: Option<DateTime<Utc>> = None;
    let mut recorded = Vec::with_capacity(limits.len());
    for &(key, limit) in &limits {
        // The newest `limit` failures: if all are inside the window, the limit is reached and
        // the oldest of them decides when it lifts.
        let recent: Vec<DateTime<FixedOffset>> = login_failures::Entity::find()
            .select_only()
            .column(login_failures::Column::CreatedAt)
            .filter(login_failures::Column::KeyHash.eq(key))
            .filter(login_failures::Column::CreatedAt.gt(since))
            .order_by_desc(login_failures::Column::CreatedAt)
            .limit(u64::from(limit))
            .into_tuple()
            .all(db)
            .await?;
        recorded.push(recent.len());
        if recent.len() >= limit as usize {
            if let Some(oldest) = recent.last() {
                let lifts = (*oldest + window).with_timezone(&Utc);
                remember_lock(key, lifts, now);
                retry_at = Some(retry_at.map_or(lifts, |r| r.max(lifts)));
            }
        }
    }
    if let Some(at) = retry_at {
        return Err(too_many(at, now));
    }
    reserve(&limits, &recorded).ok_or_else(busy_with_attempts)
}

/// Counts one failed attempt against the account and the address, and drops their failures
/// that have left the window (so the table holds at most a window's worth per key).
#[tracing::instrument(skip_all)]
pub async fn record_failure(
    db: &impl ConnectionTrait,
    config: &AuthConfig,
    keys: &LoginKeys,
) -> ApiResult<()> {
    let now = Utc::now();
    let since: DateTime<FixedOffset> = (now - window(config)).into();
    for (key, _) in keys.with_limits(config) {
        login_failures::Entity::delete_many()
            .filter(login_failures::Column::KeyHash.eq(key))
            .filter(login_failures::Column::CreatedAt.lte(since))
            .exec(db)
            .await?;
        login_failures::ActiveModel {
            id: Set(new_uuid()),
            key_hash: Set(key.to_owned()),
            created_at: Set(now.into()),
        }
        .insert(db)
        .await?;
    }
    Ok(())
}

/// Forgets the account's failures after a successful login (the address's stay).
#[tracing::instrument(skip_all)]
pub async fn clear_account(db: &impl ConnectionTrait, keys: &LoginKeys) -> ApiResult<()> {
    login_failures::Entity::delete_many()
        .filter(login_failures::Column::KeyHash.eq(keys.account.as_str()))
        .exec(db)
        .await?;
    Ok(())
}
