//! Claims and runs queued jobs.
//!
//! Claiming is one statement that leases the oldest due job of our queues: `locked_until` is
//! set into the future and `attempts` bumped. PostgreSQL adds `FOR UPDATE SKIP LOCKED` so
//! concurrent workers never wait on each other; SQLite has a single writer, so the plain
//! statement is already exclusive. A lease that expires (the worker died) makes the job
//! claimable again.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement, Value};
use tokio::sync::watch;
use uuid::Uuid;

use super::Registry;
use crate::config::JobsConfig;

/// What happened to one claimed job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Handler succeeded; row deleted.
    Done { job_type: String },
    /// Handler failed; released for a later attempt (or parked after the last one).
    Failed { job_type: String, error: String, parked: bool },
}

/// A job row as claimed.
#[derive(Debug, Clone)]
pub struct ClaimedJob {
    pub id: Uuid,
    pub job_type: String,
    pub payload: serde_json::Value,
    pub attempts: i32,
}

/// Runs the jobs of the queues its registry handles.
pub struct Worker<C> {
    db: DatabaseConnection,
    registry: Arc<Registry<C>>,
    ctx: C,
    queues: Vec<String>,
    config: JobsConfig,
    name: String,
}

impl<C: Clone + Send + Sync + 'static> Worker<C> {
    pub fn new(db: DatabaseConnection, registry: Arc<Registry<C>>, ctx: C, config: JobsConfig) -> Self {
        let queues = registry.queues().into_iter().map(str::to_owned).collect();
        Self {
            db,
            registry,
            ctx,
            queues,
            config,
            name: format!("worker-{}", Uuid::now_v7()),
        }
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

    /// Runs a claimed job's handler, without deleting or releasing it.
    pub async fn handle(&self, job: &ClaimedJob) -> anyhow::Result<()> {
        let handler = self
            .registry
            .handler(&job.job_type)
            .ok_or_else(|| anyhow::anyhow!("no handler registered for {}", job.job_type))?;
        handler(self.ctx.clone(), job.payload.clone()).await
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
    pub async fn fail(&self, job: &ClaimedJob, error: &str, now: DateTime<Utc>) -> anyhow::Result<bool> {
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
        let _enter = span.enter();
        let started = std::time::Instant::now();
        let result = self.handle(&job).await;
        let duration_ms = started.elapsed().as_millis();
        metrics::counter!("jobs_run_total", "job" => job.job_type.clone(), "ok" => result.is_ok().to_string()).increment(1);
        match result {
            Ok(()) => {
                self.complete(&job).await?;
                tracing::debug!(duration_ms, "job done");
                Ok(Some(Outcome::Done { job_type: job.job_type }))
            }
            Err(err) => {
                let error = format!("{err:#}");
                let parked = self.fail(&job, &error, now).await?;
                tracing::warn!(duration_ms, error = %error, parked, "job failed");
                Ok(Some(Outcome::Failed { job_type: job.job_type, error, parked }))
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
            let list: Vec<String> = (0..queues.len()).map(|i| format!("${}", start + i)).collect();
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
