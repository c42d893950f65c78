//! Documents attached to contracts (`/api/v1/contracts/{id}/documents`, deal) and to
//! achievements (`/api/v1/achievements/{id}/documents`, listing: dossier files, grant
//! documents, evaluation reports), as the services answer them and the portal reads them. The bytes themselves are downloaded separately
//! (`download_url`), streamed, with their SHA-256 in a header.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::vocabulary::deal::ContractDocumentKind;
use crate::vocabulary::tto::ListingDocumentKind;

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

/// One file attached to an achievement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ListingDocumentOut {
    pub id: Uuid,
    pub achievement_id: Uuid,
    pub kind: ListingDocumentKind,
    /// The evaluation a report belongs to (kind `evaluation_report`).
    pub evaluation_id: Option<Uuid>,
    /// The name it was uploaded under, for display and as the download's suggested name only.
    pub file_name: String,
    /// The type its content showed when uploaded (not the one the client claimed).
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the stored bytes, lowercase hex.
    pub sha256: String,
    pub uploaded_by: Uuid,
    pub created_at: DateTime<FixedOffset>,
    /// Where to download it (the kind's readers only; dossier downloads are logged).
    pub download_url: String,
}
