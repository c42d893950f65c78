//! The matching service's purge: notifications their recipient has read, once older than
//! `retention.read_notifications_days` (unread ones stay). Runs every
//! `retention.purge_every_minutes`.

use crate::MatchingState;
use chrono::{DateTime, Duration, FixedOffset, Utc};
use platform::config::Config;
use platform::entity::notifications;
use platform::jobs::{enqueue_unique_at, Job, Registry};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};

/// Purges, then schedules the next purge: one chain per deployment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PurgeMatchingRecords {}

impl Job for PurgeMatchingRecords {
    const NAME: &'static str = "purge_matching_records.v1";
    const QUEUE: &'static str = "notify";
}

/// Deletes read notifications older than the setting, as of `now`; returns how many.
#[tracing::instrument(skip_all)]
pub async fn purge(
    db: &impl ConnectionTrait,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<u64, DbErr> {
    let days = i64::from(config.retention.read_notifications_days);
    let before: DateTime<FixedOffset> = (now - Duration::days(days)).into();
    Ok(notifications::Entity::delete_many()
        .filter(notifications::Column::ReadAt.is_not_null())
        .filter(notifications::Column::CreatedAt.lt(before))
        .exec(db)
        .await?
        .rows_affected)
}

/// Registers the purge's handler.
pub fn register(registry: &mut Registry<MatchingState>) {
    registry.register(
        |state: MatchingState, _job: PurgeMatchingRecords| async move {
            let now = Utc::now();
            let notifications = purge(&state.db, &state.config, now).await?;
            if notifications > 0 {
                tracing::info!(notifications, "read notifications purged");
            }
            let every = state.config.retention.purge_every();
            enqueue_unique_at(&state.db, &PurgeMatchingRecords {}, now + every).await?;
            Ok(())
        },
    );
}
