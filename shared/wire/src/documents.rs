//! Documents attached to contracts (`/api/v1/contracts/{id}/documents`), as the deal service
//! answers them and the portal reads them. The bytes themselves are downloaded separately
//! (`download_url`), streamed, with their SHA-256 in a header.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::vocabulary::deal::ContractDocumentKind;

/// One document of a contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContractDocumentOut {
    pub id: Uuid,
    pub contract_id: Uuid,
    pub kind: ContractDocumentKind,
    /// The name it was uploaded under, for display and as the download's suggested name only:
    /// it is never part of where the file is kept.
    pub file_name: String,
    /// The type its content showed when uploaded (not the one the client claimed).
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the stored bytes, lowercase hex.
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub uploaded_by_organisation_id: Option<Uuid>,
    pub created_at: DateTime<FixedOffset>,
    /// Where to download it (same authorisation as the contract).
    pub download_url: String,
}
