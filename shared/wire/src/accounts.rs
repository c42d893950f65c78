//! The listing service's accounts API: organisations as clients see them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::ids::OrganisationId;

/// An organisation as shown to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OrganisationOut {
    pub id: OrganisationId,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: String,
    pub country: String,
    pub region_code: String,
    pub credit_code: Option<String>,
    pub state_funded: bool,
    pub website: Option<String>,
    pub description: Option<String>,
    /// `pending`, `verified` or `rejected`.
    pub verification_status: String,
    pub verification_note: Option<String>,
    pub version: i32,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
}
