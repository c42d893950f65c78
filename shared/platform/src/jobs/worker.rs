//! Claims and runs queued jobs.
//!
//! Claiming is one statement that leases the oldest due job of our queues: `locked_until` is
//! set into the future and `attempts` bumped. PostgreSQL adds `FOR UPDATE SKIP LOCKED` so
//! concurrent workers never wait on each other; SQLite has a single writer, so the plain
//! statement is already exclusive. A lease that expires (the worker died) makes the job
//! claimable again; while a handler runs, its worker renews the lease, so a long job is never
//! taken over and run twice by a live worker's peer.
//!
//! A handler runs as its own task: a panic or an overrun fails that attempt only (retried with
//! backoff, then parked), and the worker goes on with the next job. Whatever a handler does,
//! the worker keeps beating its [`WorkerHealth`], which `/readyz` reads.

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};
use tokio::sync::watch;
use tracing::Instrument;
use uuid::Uuid;

use super::Registry;
use crate::config::JobsConfig;

/// What happened to one claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Handler succeeded; row deleted.
    Done { job_type: String },
    /// Handler failed; released for a later attempt (or parked after the last one).
    Failed {
        job_type: String,
        error: String,
        parked: bool,
    },
}

/// A job row as claimed.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: Uuid,
    pub job_type: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
}

/// Whether this process's job worker is alive: the time of its last sign of life. The worker
/// beats on every loop turn and on every lease renewal, so a silent worker is a stopped or
/// wedged one (`/readyz` says so).
#[derive(Debug, Default)]
pub struct WorkerHealth {
    /// A worker was started in this process (a process without one has nothing to report).
    started: AtomicBool,
    /// Unix seconds of the last beat.
    last_beat: AtomicI64,
    /// Times the worker task died and was started again.
    restarts: AtomicI64,
}

impl WorkerHealth {
    /// Records a sign of life now.
    pub fn beat(&self) {
        self.started.store(true, Ordering::Relaxed);
        self.last_beat
            .store(Utc::now().timestamp(), Ordering::Relaxed);
    }

    /// Records that the worker task died and was started again.
    pub fn record_restart(&self) {
        self.restarts.fetch_add(1, Ordering::Relaxed);
    }

    /// `None` when no worker runs in this process; otherwise how long it has been silent.
    pub fn silence(&self, now: DateTime<Utc>) -> Option<chrono::Duration> {
        if !self.started.load(Ordering::Relaxed) {
            return None;
        }
        Some(
            now - DateTime::from_timestamp(self.last_beat.load(Ordering::Relaxed), 0)
                .unwrap_or(now),
        )
    }

    /// How many times the worker task was restarted after dying.
    pub fn restarts(&self) -> i64 {
        self.restarts.load(Ordering::Relaxed)
    }
}

/// Runs the jobs of the queues its registry handles.
pub struct Worker<C> {
    db: DatabaseConnection,
    registry: Arc<Registry<C>>,
    ctx: C,
    queues: Vec<String>,
    config: JobsConfig,
    name: String,
    health: Arc<WorkerHealth>,
}

impl<C: Clone + Send + Sync + 'static> Worker<C> {
    pub fn new(
        db: DatabaseConnection,
        registry: Arc<Registry<C>>,
        ctx: C,
        config: JobsConfig,
    ) -> Self {
        let queues = registry.queues().into_iter().map(str::to_owned).collect();
        Self {
            db,
            registry,
            ctx,
            queues,
            config,
            name: format!("worker-{}", Uuid::now_v7()),
            health: Arc::default(),
        }
    }

    /// Reports signs of life to `health` (the process's, which `/readyz` reads).
    #[must_use]
    pub fn with_health(mut self, health: Arc<WorkerHealth>) -> Self {
        self.health = health;
        self
    }

    /// Leases the next job due at `now`, without running it.
    pub async fn claim(&self, now: DateTime<Utc>) -> anyhow::Result<Option<ClaimedJob>> {
        if self.queues.is_empty() {
            return Ok(None);
        }
        let lease_secs = i64::try_from(self.config.lease_secs).unwrap_or(i64::MAX / 2);
        let lease_until = now + chrono::Duration::seconds(lease_secs);
        let backend = self.db.get_database_backend();
        let stmt = claim_statement(
            backend,
            &self.queues,
            now,
            lease_until,
            &self.name,
            self.config.max_attempts,
        );
        let Some(row) = self.db.query_one(stmt).await? else {
            return Ok(None);
        };
        Ok(Some(ClaimedJob {
            id: row.try_get("", "id")?,
            job_type: row.try_get("", "job_type")?,
            payload: row.try_get("", "payload")?,
            attempts: row.try_get("", "attempts")?,
        }))
    }

    /// Runs a claimed job's handler, without deleting or releasing it. The handler runs as its
    /// own task, so its panic is an error of this attempt, not of the worker; past
    /// `handler_timeout_secs` it is aborted. Meanwhile the lease is renewed every third of its
    /// length.
    pub async fn handle(&self, job: &ClaimedJob) -> anyhow::Result<()> {
        let handler = self
            .registry
            .handler(&job.job_type)
            .ok_or_else(|| anyhow::anyhow!("no handler registered for {}", job.job_type))?;
        let mut task =
            tokio::spawn(handler(self.ctx.clone(), job.payload.clone()).in_current_span());
        let limit = Duration::from_secs(self.config.handler_timeout_secs.max(1));
        let deadline = tokio::time::sleep(limit);
        tokio::pin!(deadline);
        let renew_every = Duration::from_secs((self.config.lease_secs / 3).max(1));
        let mut renew =
            tokio::time::interval_at(tokio::time::Instant::now() + renew_every, renew_every);
        loop {
            tokio::select! {
                joined = &mut task => {
                    return match joined {
                        Ok(result) => result,
                        Err(err) if err.is_panic() => {
                            Err(anyhow::anyhow!("handler panicked: {}", panic_message(err.into_panic().as_ref())))
                        }
                        Err(err) => Err(anyhow::anyhow!("handler task ended abnormally: {err}")),
                    };
                }
                () = &mut deadline => {
                    task.abort();
                    return Err(anyhow::anyhow!("handler ran longer than {}s and was stopped", limit.as_secs()));
                }
                _ = renew.tick() => {
                    self.health.beat();
                    match self.renew_lease(job).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!("lease lost while the handler runs; another worker may run it too"),
                        Err(err) => tracing::warn!(error = %format!("{err:#}"), "could not renew the lease"),
                    }
                }
            }
        }
    }

    /// Extends the lease of a job we hold; `false` when we no longer hold it.
    async fn renew_lease(&self, job: &ClaimedJob) -> anyhow::Result<bool> {
        let lease_secs = i64::try_from(self.config.lease_secs).unwrap_or(i64::MAX / 2);
        let until = Utc::now() + chrono::Duration::seconds(lease_secs);
        let backend = self.db.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => {
                "UPDATE jobs SET locked_until = $1 WHERE id = $2 AND locked_by = $3"
            }
            _ => "UPDATE jobs SET locked_until = ? WHERE id = ? AND locked_by = ?",
        };
        let result = self
            .db
            .execute(Statement::from_sql_and_values(
                backend,
                sql,
                [
                    Value::from(until),
                    Value::from(job.id),
                    Value::from(self.name.clone()),
                ],
            ))
            .await?;
        Ok(result.rows_affected() == 1)
    }

    /// Deletes a finished job, if we still hold its lease.
    pub async fn complete(&self, job: &ClaimedJob) -> anyhow::Result<()> {
        let backend = self.db.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => "DELETE FROM jobs WHERE id = $1 AND locked_by = $2",
            _ => "DELETE FROM jobs WHERE id = ? AND locked_by = ?",
        };
        self.db
            .execute(Statement::from_sql_and_values(
                backend,
                sql,
                [Value::from(job.id), Value::from(self.name.clone())],
            ))
            .await?;
        Ok(())
    }

    /// Releases a failed job for a retry after an exponential backoff.
    pub async fn fail(
        &self,
        job: &ClaimedJob,
        error: &str,
        now: DateTime<Utc>,
    ) -> anyhow::Result<bool> {
        let parked = job.attempts >= self.config.max_attempts;
        let retry_at = now + backoff(job.attempts);
        let backend = self.db.get_database_backend();
        let sql = match backend {
            DbBackend::Postgres => {
                "UPDATE jobs SET locked_until = NULL, locked_by = NULL, run_after = $1, last_error = $2 \
                 WHERE id = $3 AND locked_by = $4"
            }
            _ => {
                "UPDATE jobs SET locked_until = NULL, locked_by = NULL, run_after = ?, last_error = ? \
                 WHERE id = ? AND locked_by = ?"
            }
        };
        let error: String = error.chars().take(4000).collect();
        self.db
            .execute(Statement::from_sql_and_values(
                backend,
                sql,
                [
                    Value::from(retry_at),
                    Value::from(error),
                    Value::from(job.id),
                    Value::from(self.name.clone()),
                ],
            ))
            .await?;
        Ok(parked)
    }

    /// Claims, runs and settles one job due at `now`. `None` when nothing is due.
    pub async fn run_once_at(&self, now: DateTime<Utc>) -> anyhow::Result<Option<Outcome>> {
        let Some(job) = self.claim(now).await? else {
            return Ok(None);
        };
        let span = tracing::info_span!("job", job.name = %job.job_type, job.id = %job.id, job.attempt = job.attempts);
        self.settle(job, now).instrument(span).await.map(Some)
    }

    async fn settle(&self, job: ClaimedJob, now: DateTime<Utc>) -> anyhow::Result<Outcome> {
        let started = std::time::Instant::now();
        let result = self.handle(&job).await;
        let duration_ms = started.elapsed().as_millis();
        metrics::counter!("jobs_run_total", "job" => job.job_type.clone(), "ok" => result.is_ok().to_string()).increment(1);
        match result {
            Ok(()) => {
                self.complete(&job).await?;
                tracing::debug!(duration_ms, "job done");
                Ok(Outcome::Done {
                    job_type: job.job_type,
                })
            }
            Err(err) => {
                let error = format!("{err:#}");
                let parked = self.fail(&job, &error, now).await?;
                if parked {
                    tracing::error!(duration_ms, error = %error, "job failed its last attempt and is parked");
                } else {
                    tracing::warn!(duration_ms, error = %error, "job failed");
                }
                Ok(Outcome::Failed {
                    job_type: job.job_type,
                    error,
                    parked,
                })
            }
        }
    }

    /// Claims, runs and settles one job due now.
    pub async fn run_once(&self) -> anyhow::Result<Option<Outcome>> {
        self.run_once_at(Utc::now()).await
    }

    /// Runs jobs due at `now` until none is left; returns what happened, in order. Tests use
    /// it to drive the queue synchronously.
    pub async fn run_until_idle_at(&self, now: DateTime<Utc>) -> anyhow::Result<Vec<Outcome>> {
        let mut outcomes = Vec::new();
        // A failing job is rescheduled into the future, so this loop ends.
        while let Some(outcome) = self.run_once_at(now).await? {
            outcomes.push(outcome);
        }
        Ok(outcomes)
    }

    /// Polls until `shutdown` turns true; finishes the job in hand before returning.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let idle = Duration::from_millis(self.config.poll_interval_ms.max(10));
        tracing::info!(worker = %self.name, queues = ?self.queues, "job worker started");
        loop {
            self.health.beat();
            if *shutdown.borrow() {
                break;
            }
            let worked = match self.run_once().await {
                Ok(Some(_)) => true,
                Ok(None) => false,
                Err(err) => {
                    tracing::error!(error = %format!("{err:#}"), "job worker could not reach the queue");
                    false
                }
            };
            if !worked {
                tokio::select! {
                    _ = tokio::time::sleep(idle) => {}
                    _ = shutdown.changed() => {}
                }
            }
        }
        tracing::info!(worker = %self.name, "job worker stopped");
    }
}

/// The text a panic was raised with, when it is text.
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".to_owned())
}

/// 2^attempts seconds, capped at one hour.
fn backoff(attempts: i32) -> chrono::Duration {
    let exp = u32::try_from(attempts.clamp(0, 12)).unwrap_or(12);
    chrono::Duration::seconds(2_i64.pow(exp).min(3600))
}

fn claim_statement(
    backend: DbBackend,
    queues: &[String],
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    worker: &str,
    max_attempts: i32,
) -> Statement {
    let mut values: Vec<Value> = vec![
        Value::from(lease_until),
        Value::from(worker.to_owned()),
        Value::from(now),
        Value::from(now),
        Value::from(max_attempts),
    ];
    let (placeholders, lock) = match backend {
        DbBackend::Postgres => {
            let start = values.len() + 1;
            let list: Vec<String> = (0..queues.len())
                .map(|i| format!("${}", start + i))
                .collect();
            (list.join(", "), " FOR UPDATE SKIP LOCKED")
        }
        _ => (vec!["?"; queues.len()].join(", "), ""),
    };
    values.extend(queues.iter().map(|q| Value::from(q.clone())));
    let p = |i: usize| match backend {
        DbBackend::Postgres => format!("${i}"),
        _ => "?".to_owned(),
    };
    let sql = format!(
        "UPDATE jobs SET locked_until = {lease}, locked_by = {worker}, attempts = attempts + 1 \
         WHERE id = (SELECT id FROM jobs \
           WHERE run_after <= {now1} AND (locked_until IS NULL OR locked_until < {now2}) \
             AND attempts < {max} AND queue IN ({placeholders}) \
           ORDER BY priority DESC, run_after, id LIMIT 1{lock}) \
         RETURNING id, job_type, payload, attempts",
        lease = p(1),
        worker = p(2),
        now1 = p(3),
        now2 = p(4),
        max = p(5),
    );
    Statement::from_sql_and_values(backend, sql, values)
}
