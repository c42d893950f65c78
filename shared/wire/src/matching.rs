//! The matching service's API types.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

/// A notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationOut {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub payload: serde_json::Value,
    pub read_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
}

/// A saved search as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SavedSearchOut {
    pub id: Uuid,
    pub name: String,
    pub alert_kind: String,
    pub query: Option<String>,
    pub filters: serde_json::Value,
    pub listing_kind: Option<String>,
    pub listing_id: Option<Uuid>,
    pub email_enabled: bool,
    pub last_notified_at: Option<chrono::DateTime<chrono::FixedOffset>>,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
}
