//! The deal service's rules: each module owns one resource, takes `&impl ConnectionTrait` (or
//! a transaction) and returns our error type. Handlers in `crate::routes` only extract, call and
//! map.

pub mod access;
pub mod auctions;
pub mod brokers;
pub mod certificate_pdf;
pub mod contracts;
pub mod deals;
pub mod distribution;
pub mod documents;
pub mod export;
pub mod fx;
pub mod idempotency;
pub mod offices;
pub mod order_documents;
pub mod parties;
pub mod payments;
pub mod price_listings;
pub mod prices;
pub mod registration_file;
pub mod registration_imports;
pub mod registrations;
pub mod reports;
pub mod retention;
pub mod service_orders;
pub mod services;
pub mod stats;
pub mod targets;
pub mod training;
pub mod vouchers;

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use platform::error::ApiError;

pub use platform::json_column::strings;
pub use wire::{Page, PageParams};

/// `(page, per_page)` from optional query values (bounded, see `platform::paging`).
pub fn paging(page: Option<u64>, per_page: Option<u64>) -> (u64, u64) {
    platform::paging::paging(page, per_page)
}

/// Now, as stored in our timestamp columns (always set from Rust, never by the database).
pub fn now() -> DateTime<FixedOffset> {
    Utc::now().into()
}

/// Today's date in UTC.
pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// The 409 for an update whose `version` is no longer current.
pub fn stale(what: impl std::fmt::Display) -> ApiError {
    ApiError::StaleVersion(format!(
        "{what} changed since you read it: reload and retry"
    ))
}

/// The version a row moves to from the `version` the client sent. Checked: a client may send
/// any `i32`, and `i32::MAX + 1` overflowed (a panic, so a 500, in debug builds). No row is at
/// a version that cannot be incremented, so that one is simply stale.
pub fn next_version(version: i32, what: impl std::fmt::Display) -> Result<i32, ApiError> {
    version.checked_add(1).ok_or_else(|| stale(what))
}

/// Trimmed, non-empty optional text.
pub fn clean_opt(value: Option<String>) -> Option<String> {
    value.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty())
}
