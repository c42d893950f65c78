//! The deal service's purge: idempotency keys past their expiry (a retry after that is a new
//! request anyway), and document bytes no row points at (`documents::sweep_orphans` for
//! `contracts/`, `order_documents::sweep_orphans` for `service_orders/`). Runs every
//! `retention.purge_every_minutes`.

use crate::DealState;
use chrono::{DateTime, FixedOffset, Utc};
use platform::entity::idempotency_keys;
use platform::jobs::{enqueue_unique_at, Job, Registry};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

/// Purges, then schedules the next purge: one chain per deployment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PurgeDealRecords {}

impl Job for PurgeDealRecords {
    const NAME: &'static str = "purge_deal_records.v1";
    const QUEUE: &'static str = "stats";
}

/// Deletes idempotency keys expired at `now`; returns how many.
#[tracing::instrument(skip_all)]
pub async fn purge(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<u64, DbErr> {
    let now: DateTime<FixedOffset> = now.into();
    Ok(idempotency_keys::Entity::delete_many()
        .filter(idempotency_keys::Column::ExpiresAt.lt(now))
        .exec(db)
        .await?
        .rows_affected)
}

/// Registers the purge's handler.
pub fn register(registry: &mut Registry<DealState>) {
    registry.register(|state: DealState, _job: PurgeDealRecords| async move {
        let now = Utc::now();
        let keys = purge(&state.db, now).await?;
        if keys > 0 {
            tracing::info!(keys, "expired idempotency keys purged");
        }
        // A store that cannot be listed now is tried again at the next purge; the keys'
        // purge above stands.
        let cutoff = now - platform::documents::ORPHAN_GRACE;
        // Each of deal's namespaces by itself: `contracts/`, then `service_orders/`.
        let swept = [
            (
                super::documents::NAMESPACE,
                super::documents::sweep_orphans(&state.db, &state.documents, cutoff).await,
            ),
            (
                super::order_documents::NAMESPACE,
                super::order_documents::sweep_orphans(&state.db, &state.documents, cutoff).await,
            ),
        ];
        for (namespace, result) in swept {
            match result {
                Ok(0) => {}
                Ok(removed) => {
                    tracing::info!(namespace, removed, "document bytes without a row removed")
                }
                Err(err) => {
                    tracing::warn!(namespace, error = %format!("{err:#}"), "document sweep failed")
                }
            }
        }
        let every = state.config.retention.purge_every();
        enqueue_unique_at(&state.db, &PurgeDealRecords {}, now + every).await?;
        Ok(())
    });
}
