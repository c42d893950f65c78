//! The one error body of every API, RFC 9457 `application/problem+json`:
//!
//! ```json
//! {"type": "urn:techmarket:problem:not_found", "title": "Not found", "status": 404,
//!  "detail": "achievement 0192… does not exist", "code": "not_found",
//!  "fields": [{"path": "title", "message": "…"}]}
//! ```
//!
//! `code` is stable and meant for programs; `detail` is for people; `fields` appears on 422.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Media type of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// One invalid field of a request: where it is and why it is refused.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
pub struct FieldError {
    /// JSON path of the field (`title`, `price.max`, `translations[1].language`).
    pub path: String,
    /// Why the value is refused, for people.
    pub message: String,
}

impl FieldError {
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// The RFC 9457 body; documented in the OpenAPI spec as `Problem`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    pub code: String,
    /// Absent unless the status is 422, so a reader takes a missing list as empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldError>,
}
