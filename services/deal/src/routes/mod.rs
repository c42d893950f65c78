//! HTTP handlers: extract, call one domain function, map to a DTO.

pub mod auctions;
pub mod brokers;
pub mod contracts;
pub mod deals;
pub mod distribution;
pub mod documents;
pub mod fx_rates;
pub mod offices;
pub mod order_documents;
pub mod payments;
pub mod price_listings;
pub mod registrations;
pub mod services;
pub mod stats;
pub mod targets;
pub mod training;
pub mod vouchers;

use axum::http::{HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use platform::error::ApiError;

/// Set on a response that repeats the stored result of an earlier request with the same
/// `Idempotency-Key`.
pub const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// A JSON response with its status, marked as replayed when it is.
pub fn json_response(status: StatusCode, body: serde_json::Value, replayed: bool) -> Response {
    let mut res = (status, axum::Json(body)).into_response();
    if replayed {
        res.headers_mut()
            .insert(REPLAYED, HeaderValue::from_static("true"));
    }
    res
}

/// Serializes a DTO for storing with an idempotency key.
pub fn to_json<T: serde::Serialize>(value: &T) -> Result<serde_json::Value, ApiError> {
    serde_json::to_value(value)
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("Failed to serialize response: {e}")))
}
