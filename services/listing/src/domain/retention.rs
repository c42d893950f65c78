//! The listing service's purge of records that have served their purpose: ended session
//! tokens, login failures outside the throttle's window, and imports that never finished
//! (their uploaded file is dropped); and achievements' file bytes no row points at
//! (`listing_documents::sweep_orphans`, listing's `listings/` keys only). Runs every
//! `retention.purge_every_minutes`.

use crate::ListingState;
use chrono::{DateTime, Duration, FixedOffset, Utc};
use platform::config::Config;
use platform::entity::{api_tokens, imports, login_failures};
use platform::jobs::{enqueue_unique_at, Job, Registry};
use sea_orm::sea_query::{Condition, Expr};
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};
use serde::{Deserialize, Serialize};
use wire::ImportStatus;

/// Purges, then schedules the next purge: one chain per deployment.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct PurgeListingRecords {}

impl Job for PurgeListingRecords {
    const NAME: &'static str = "purge_listing_records.v1";
    const QUEUE: &'static str = "search";
}

/// How many records one purge removed or closed.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Purged {
    pub tokens: u64,
    pub login_failures: u64,
    pub abandoned_imports: u64,
}

fn days_ago(now: DateTime<Utc>, days: u32) -> DateTime<FixedOffset> {
    (now - Duration::days(i64::from(days))).into()
}

/// Removes what `config.retention` no longer keeps, as of `now`.
#[tracing::instrument(skip_all)]
pub async fn purge(
    db: &impl ConnectionTrait,
    config: &Config,
    now: DateTime<Utc>,
) -> Result<Purged, DbErr> {
    let retention = &config.retention;
    let tokens_before = days_ago(now, retention.ended_tokens_days);
    let tokens = api_tokens::Entity::delete_many()
        .filter(
            Condition::any()
                .add(api_tokens::Column::ExpiresAt.lt(tokens_before))
                .add(api_tokens::Column::RevokedAt.lt(tokens_before)),
        )
        .exec(db)
        .await?
        .rows_affected;
    let window = i64::try_from(config.auth.login_window_secs).unwrap_or(i64::MAX / 1000);
    let failures_before: DateTime<FixedOffset> = (now - Duration::seconds(window)).into();
    let login_failures = login_failures::Entity::delete_many()
        .filter(login_failures::Column::CreatedAt.lt(failures_before))
        .exec(db)
        .await?
        .rows_affected;
    let now_fixed: DateTime<FixedOffset> = now.into();
    let abandoned_imports = imports::Entity::update_many()
        .col_expr(
            imports::Column::Status,
            Expr::value(ImportStatus::Failed.as_str()),
        )
        .col_expr(
            imports::Column::Failure,
            Expr::value(Some(format!(
                "abandoned: not finished within {} days; upload the file again",
                retention.unfinished_imports_days
            ))),
        )
        .col_expr(imports::Column::Content, Expr::value(Vec::<u8>::new()))
        .col_expr(imports::Column::UpdatedAt, Expr::value(now_fixed))
        .col_expr(imports::Column::FinishedAt, Expr::value(Some(now_fixed)))
        .filter(imports::Column::Status.is_not_in([
            ImportStatus::Succeeded.as_str(),
            ImportStatus::Failed.as_str(),
        ]))
        .filter(imports::Column::CreatedAt.lt(days_ago(now, retention.unfinished_imports_days)))
        .exec(db)
        .await?
        .rows_affected;
    Ok(Purged {
        tokens,
        login_failures,
        abandoned_imports,
    })
}

/// Registers the purge's handler.
pub fn register(registry: &mut Registry<ListingState>) {
    registry.register(
        |state: ListingState, _job: PurgeListingRecords| async move {
            let now = Utc::now();
            let purged = purge(&state.db, &state.config, now).await?;
            if purged != Purged::default() {
                tracing::info!(?purged, "listing records purged");
            }
            // A store that cannot be listed now is tried again at the next purge.
            let cutoff = now - platform::documents::ORPHAN_GRACE;
            match super::listing_documents::sweep_orphans(&state.db, &state.documents, cutoff).await
            {
                Ok(0) => {}
                Ok(removed) => {
                    tracing::info!(removed, "achievement file bytes without a row removed")
                }
                Err(err) => tracing::warn!(error = %format!("{err:#}"), "file sweep failed"),
            }
            let every = state.config.retention.purge_every();
            enqueue_unique_at(&state.db, &PurgeListingRecords {}, now + every).await?;
            Ok(())
        },
    );
}
