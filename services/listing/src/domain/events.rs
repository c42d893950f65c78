//! Jobs the listing service enqueues when a listing changes, inside the changing transaction.

use platform::jobs::{enqueue, Job};
use sea_orm::{ConnectionTrait, DbErr};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::listings::ListingKind;

/// Bring the search index in line with the listing's current row (a wire payload: matching
/// enqueues it too, when a listing's vectors change).
pub use platform::jobs::events::SyncSearch;

/// Expire listings past their valid-until date and remind owners of those about to expire.
/// Re-enqueues itself, so one chain runs per deployment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExpireListings {}

impl Job for ExpireListings {
    const NAME: &'static str = "expire_listings.v1";
    const QUEUE: &'static str = "search";
}

/// A listing was published, changed, withdrawn, expired or closed: every consumer learns.
#[tracing::instrument(skip_all, fields(event.id = %id))]
pub async fn listing_changed(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
) -> Result<(), DbErr> {
    enqueue(db, &SyncSearch { kind, id }).await?;
    Ok(())
}
