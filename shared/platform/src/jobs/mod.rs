//! The durable job queue between services (transactional outbox).
//!
//! A write that other services must learn about enqueues one job per consumer queue *in the
//! same transaction* ([`enqueue`]), so a rolled-back change never produces a job and a committed
//! one always does. Workers ([`worker::Worker`]) lease jobs, run the registered handler and
//! delete the row on success, or release it with exponential backoff on failure. A worker that
//! dies mid-job leaves its lease to expire and another takes the job over, so handlers must be
//! idempotent: payloads carry ids, handlers re-read current rows and upsert.
//!
//! We do not read an ever-increasing event id with a cursor: PostgreSQL commits transactions
//! out of id order, and such a cursor silently skips rows.

pub mod events;
pub mod worker;

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, Set};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::entity::jobs;
use crate::ids::JobId;

/// A kind of job: its payload type, a versioned name and the queue that consumes it.
pub trait Job: Serialize + DeserializeOwned + Send + Sync + 'static {
    /// Versioned name stored in `jobs.job_type`, e.g. `listing_changed.v1`.
    const NAME: &'static str;
    /// Consumer queue, e.g. `search`, `matching`, `stats`, `notify`.
    const QUEUE: &'static str;
    /// Higher runs first.
    const PRIORITY: i16 = 0;

    /// What this job is unique over beside its type, for [`enqueue_unique_at`] and
    /// [`reschedule_unique_at`]: `None` (the default) means one waiting job of the type at
    /// all (periodic sweeps); `Some(key)` one waiting job per key (an auction's close is
    /// keyed by the auction). Stored in `jobs.unique_key`.
    fn unique_key(&self) -> Option<String> {
        None
    }
}

/// Adds `job` to its queue, runnable now, on `db` (pass the caller's transaction).
pub async fn enqueue<J: Job>(db: &impl ConnectionTrait, job: &J) -> Result<JobId, DbErr> {
    enqueue_at(db, job, Utc::now()).await
}

/// Adds `job` to its queue, runnable from `run_after`.
pub async fn enqueue_at<J: Job>(
    db: &impl ConnectionTrait,
    job: &J,
    run_after: DateTime<Utc>,
) -> Result<JobId, DbErr> {
    let payload = serde_json::to_value(job)
        .map_err(|e| DbErr::Custom(format!("Failed to serialize job {}: {e}", J::NAME)))?;
    let id = JobId::new();
    jobs::ActiveModel {
        id: Set(id.0),
        queue: Set(J::QUEUE.to_owned()),
        job_type: Set(J::NAME.to_owned()),
        payload: Set(payload),
        priority: Set(J::PRIORITY),
        attempts: Set(0),
        run_after: Set(run_after.into()),
        locked_until: Set(None),
        locked_by: Set(None),
        last_error: Set(None),
        created_at: Set(Utc::now().into()),
        unique_key: Set(job.unique_key()),
    }
    .insert(db)
    .await?;
    Ok(id)
}

/// The waiting (not running) jobs of `job`'s type and unique key.
fn waiting_like<J: Job>(job: &J) -> sea_orm::Select<jobs::Entity> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let same_key = match job.unique_key() {
        Some(key) => jobs::Column::UniqueKey.eq(key),
        None => jobs::Column::UniqueKey.is_null(),
    };
    jobs::Entity::find()
        .filter(jobs::Column::JobType.eq(J::NAME))
        .filter(same_key)
        .filter(jobs::Column::LockedBy.is_null())
}

/// Adds `job` unless one of its type and unique key ([`Job::unique_key`]) is already waiting
/// (not running): for periodic jobs that re-schedule themselves, so a crash between
/// re-scheduling and completion cannot fork the chain into two. Callers that write the same
/// key at once must be serialised by a row of their own (two transactions that both find
/// nothing waiting both insert).
pub async fn enqueue_unique_at<J: Job>(
    db: &impl ConnectionTrait,
    job: &J,
    run_after: DateTime<Utc>,
) -> Result<Option<JobId>, DbErr> {
    use sea_orm::PaginatorTrait;
    if waiting_like(job).count(db).await? > 0 {
        return Ok(None);
    }
    enqueue_at(db, job, run_after).await.map(Some)
}

/// Moves the waiting job of `job`'s type and unique key to `run_after`, or adds one if none
/// is waiting (a running one finishes on its own): a deadline that moves, such as an
/// auction's end after an extension, keeps exactly one waiting job.
pub async fn reschedule_unique_at<J: Job>(
    db: &impl ConnectionTrait,
    job: &J,
    run_after: DateTime<Utc>,
) -> Result<JobId, DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QuerySelect};
    let waiting: Vec<uuid::Uuid> = waiting_like(job)
        .select_only()
        .column(jobs::Column::Id)
        .into_tuple()
        .all(db)
        .await?;
    let Some((first, spare)) = waiting.split_first() else {
        return enqueue_at(db, job, run_after).await;
    };
    let moved = jobs::Entity::update_many()
        .col_expr(
            jobs::Column::RunAfter,
            Expr::value(chrono::DateTime::<chrono::FixedOffset>::from(run_after)),
        )
        .filter(jobs::Column::Id.eq(*first))
        .filter(jobs::Column::LockedBy.is_null())
        .exec(db)
        .await?;
    if moved.rows_affected == 0 {
        // A worker took it between the read and the update: it finishes on its own.
        return enqueue_at(db, job, run_after).await;
    }
    if !spare.is_empty() {
        // Left by an older version that added one per move: one is enough.
        jobs::Entity::delete_many()
            .filter(jobs::Column::Id.is_in(spare.iter().copied()))
            .filter(jobs::Column::LockedBy.is_null())
            .exec(db)
            .await?;
    }
    Ok(JobId(*first))
}

/// Frees every job lease. Only for a process that knows it is the queue's one consumer — the
/// embedded mode, which holds its data directory's lock: leases left by a predecessor killed
/// mid-job would otherwise hold those jobs back until they expire (`jobs.lease_secs`), and
/// search and matching would lag a crash by that long.
pub async fn release_all_leases(db: &impl ConnectionTrait) -> Result<u64, DbErr> {
    use sea_orm::sea_query::Expr;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    Ok(jobs::Entity::update_many()
        .col_expr(jobs::Column::LockedBy, Expr::value(Option::<String>::None))
        .col_expr(
            jobs::Column::LockedUntil,
            Expr::value(Option::<chrono::DateTime<chrono::FixedOffset>>::None),
        )
        .filter(jobs::Column::LockedBy.is_not_null())
        .exec(db)
        .await?
        .rows_affected)
}

type BoxFuture = Pin<Box<dyn Future<Output = anyhow::Result<()>> + Send>>;
type HandlerFn<C> = Arc<dyn Fn(C, serde_json::Value) -> BoxFuture + Send + Sync>;

/// Which handler runs each job type, and on which queue. `C` is the context handed to
/// handlers (a service's state).
pub struct Registry<C> {
    handlers: HashMap<&'static str, (&'static str, HandlerFn<C>)>,
}

impl<C> Default for Registry<C> {
    fn default() -> Self {
        Self {
            handlers: HashMap::new(),
        }
    }
}

impl<C: Clone + Send + Sync + 'static> Registry<C> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers the handler of job type `J`.
    pub fn register<J, F, Fut>(&mut self, handler: F) -> &mut Self
    where
        J: Job,
        F: Fn(C, J) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
    {
        let handler = Arc::new(handler);
        let erased: HandlerFn<C> = Arc::new(move |ctx: C, payload: serde_json::Value| {
            let handler = handler.clone();
            Box::pin(async move {
                let job: J = serde_json::from_value(payload).map_err(|e| {
                    anyhow::anyhow!("Failed to deserialize payload of {}: {e}", J::NAME)
                })?;
                handler(ctx, job).await
            })
        });
        self.handlers.insert(J::NAME, (J::QUEUE, erased));
        self
    }

    /// Adds every handler of `other` (used when one process runs several services).
    pub fn merge(&mut self, other: Registry<C>) -> &mut Self {
        self.handlers.extend(other.handlers);
        self
    }

    /// The same handlers, run on a larger context `D` from which each takes its own `C` (the
    /// embedded mode runs every service's handlers in one worker over one process state).
    pub fn with_context<D>(self, project: impl Fn(&D) -> C + Send + Sync + 'static) -> Registry<D>
    where
        D: Send + 'static,
    {
        let project = Arc::new(project);
        let handlers = self
            .handlers
            .into_iter()
            .map(|(name, (queue, handler))| {
                let project = project.clone();
                let lifted: HandlerFn<D> =
                    Arc::new(move |ctx: D, payload| handler(project(&ctx), payload));
                (name, (queue, lifted))
            })
            .collect();
        Registry { handlers }
    }

    /// The queues this registry has handlers for.
    pub fn queues(&self) -> Vec<&'static str> {
        let mut queues: Vec<&'static str> = self.handlers.values().map(|(q, _)| *q).collect();
        queues.sort_unstable();
        queues.dedup();
        queues
    }

    /// The job types this registry can run.
    pub fn job_types(&self) -> Vec<&'static str> {
        let mut types: Vec<&'static str> = self.handlers.keys().copied().collect();
        types.sort_unstable();
        types
    }

    pub(crate) fn handler(&self, job_type: &str) -> Option<HandlerFn<C>> {
        self.handlers.get(job_type).map(|(_, h)| h.clone())
    }
}
