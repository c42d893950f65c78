//! The job queue: transactional enqueue, retry with backoff, lease takeover after a crash,
//! and no double work between concurrent workers — on both databases.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use integration_tests::{Backend, TestDb};
use platform::config::JobsConfig;
use platform::entity::jobs as jobs_table;
use platform::jobs::worker::{Outcome, Worker};
use platform::jobs::{enqueue, Job, Registry};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, EntityTrait, PaginatorTrait, Statement,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};

/// A job whose effect is one row keyed by `key`, written idempotently.
#[derive(Debug, Serialize, Deserialize)]
struct RecordEffect {
    key: String,
}

impl Job for RecordEffect {
    const NAME: &'static str = "test_record_effect.v1";
    const QUEUE: &'static str = "test";
}

#[derive(Clone)]
struct Ctx {
    db: DatabaseConnection,
    /// How many times the handler ran, per key.
    runs: Arc<Mutex<HashMap<String, usize>>>,
    /// Keys whose first run fails.
    fail_first: Arc<Mutex<Vec<String>>>,
}

async fn setup(backend: Backend) -> (TestDb, Ctx) {
    let test_db = TestDb::migrated(backend).await;
    let db = test_db.connect().await;
    db.execute_unprepared("CREATE TABLE test_job_effects (key VARCHAR(64) PRIMARY KEY)")
        .await
        .expect("effects table");
    let ctx = Ctx {
        db,
        runs: Arc::default(),
        fail_first: Arc::default(),
    };
    (test_db, ctx)
}

fn registry() -> Arc<Registry<Ctx>> {
    let mut registry = Registry::new();
    registry.register(|ctx: Ctx, job: RecordEffect| async move {
        let first_run = {
            let mut runs = ctx.runs.lock().expect("lock");
            let n = runs.entry(job.key.clone()).or_insert(0);
            *n += 1;
            *n == 1
        };
        if first_run && ctx.fail_first.lock().expect("lock").contains(&job.key) {
            anyhow::bail!("simulated failure of {}", job.key);
        }
        let sql = match ctx.db.get_database_backend() {
            DbBackend::Postgres => {
                "INSERT INTO test_job_effects (key) VALUES ($1) ON CONFLICT (key) DO NOTHING"
            }
            _ => "INSERT INTO test_job_effects (key) VALUES (?) ON CONFLICT (key) DO NOTHING",
        };
        ctx.db
            .execute(Statement::from_sql_and_values(
                ctx.db.get_database_backend(),
                sql,
                [job.key.into()],
            ))
            .await?;
        Ok(())
    });
    Arc::new(registry)
}

fn worker(ctx: &Ctx) -> Worker<Ctx> {
    let config = JobsConfig {
        lease_secs: 30,
        max_attempts: 3,
        ..JobsConfig::default()
    };
    Worker::new(ctx.db.clone(), registry(), ctx.clone(), config)
}

async fn effects(db: &DatabaseConnection) -> i64 {
    let row = db
        .query_one(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM test_job_effects",
        ))
        .await
        .expect("count")
        .expect("row");
    row.try_get::<i64>("", "n").expect("n")
}

async fn pending(db: &DatabaseConnection) -> u64 {
    jobs_table::Entity::find()
        .count(db)
        .await
        .expect("count jobs")
}

fn runs(ctx: &Ctx, key: &str) -> usize {
    ctx.runs
        .lock()
        .expect("lock")
        .get(key)
        .copied()
        .unwrap_or(0)
}

async fn rolled_back_enqueue_never_runs(backend: Backend) {
    let (_db, ctx) = setup(backend).await;
    let txn = ctx.db.begin().await.expect("begin");
    enqueue(&txn, &RecordEffect { key: "k".into() })
        .await
        .expect("enqueue");
    txn.rollback().await.expect("rollback");
    let outcomes = worker(&ctx)
        .run_until_idle_at(Utc::now())
        .await
        .expect("run");
    assert!(outcomes.is_empty(), "{outcomes:?}");
    assert_eq!(pending(&ctx.db).await, 0);
    assert_eq!(runs(&ctx, "k"), 0);
}

async fn committed_enqueue_runs_once_and_is_deleted(backend: Backend) {
    let (_db, ctx) = setup(backend).await;
    let txn = ctx.db.begin().await.expect("begin");
    enqueue(&txn, &RecordEffect { key: "k".into() })
        .await
        .expect("enqueue");
    txn.commit().await.expect("commit");
    let outcomes = worker(&ctx)
        .run_until_idle_at(Utc::now())
        .await
        .expect("run");
    assert_eq!(
        outcomes,
        vec![Outcome::Done {
            job_type: RecordEffect::NAME.into()
        }]
    );
    assert_eq!(pending(&ctx.db).await, 0);
    assert_eq!(effects(&ctx.db).await, 1);
    assert_eq!(runs(&ctx, "k"), 1);
}

async fn failed_job_is_retried_after_backoff_and_completes_once(backend: Backend) {
    let (_db, ctx) = setup(backend).await;
    ctx.fail_first.lock().expect("lock").push("k".into());
    enqueue(&ctx.db, &RecordEffect { key: "k".into() })
        .await
        .expect("enqueue");
    let w = worker(&ctx);
    let now = Utc::now();
    let first = w.run_until_idle_at(now).await.expect("run");
    assert!(
        matches!(first.as_slice(), [Outcome::Failed { parked: false, .. }]),
        "{first:?}"
    );
    assert_eq!(effects(&ctx.db).await, 0);
    let row = jobs_table::Entity::find()
        .one(&ctx.db)
        .await
        .expect("read")
        .expect("job kept");
    assert_eq!(row.attempts, 1);
    assert!(row
        .last_error
        .as_deref()
        .unwrap_or("")
        .contains("simulated failure"));
    assert!(row.run_after > now, "backoff moves the job into the future");
    // Not due yet: nothing runs.
    assert!(w.run_until_idle_at(now).await.expect("run").is_empty());
    // Due later: it runs to completion, once.
    let later = w
        .run_until_idle_at(now + Duration::hours(2))
        .await
        .expect("run");
    assert_eq!(
        later,
        vec![Outcome::Done {
            job_type: RecordEffect::NAME.into()
        }]
    );
    assert_eq!(effects(&ctx.db).await, 1);
    assert_eq!(runs(&ctx, "k"), 2);
    assert_eq!(pending(&ctx.db).await, 0);
}

async fn worker_killed_after_handling_leaves_a_job_that_reruns_harmlessly(backend: Backend) {
    let (_db, ctx) = setup(backend).await;
    enqueue(&ctx.db, &RecordEffect { key: "k".into() })
        .await
        .expect("enqueue");
    let now = Utc::now();
    // Worker A claims and handles, then "dies" before deleting the row.
    let a = worker(&ctx);
    let job = a.claim(now).await.expect("claim").expect("a job");
    a.handle(&job).await.expect("handled");
    drop(a);
    assert_eq!(effects(&ctx.db).await, 1);
    // Worker B cannot take it while A's lease holds…
    let b = worker(&ctx);
    assert!(b
        .run_until_idle_at(now + Duration::seconds(5))
        .await
        .expect("run")
        .is_empty());
    // …and takes it over once the lease has expired. The handler is idempotent.
    let outcomes = b
        .run_until_idle_at(now + Duration::seconds(31))
        .await
        .expect("run");
    assert_eq!(
        outcomes,
        vec![Outcome::Done {
            job_type: RecordEffect::NAME.into()
        }]
    );
    assert_eq!(runs(&ctx, "k"), 2, "the handler ran again");
    assert_eq!(effects(&ctx.db).await, 1, "but its effect is there once");
    assert_eq!(pending(&ctx.db).await, 0);
}

async fn a_job_failing_every_time_is_parked(backend: Backend) {
    let (_db, ctx) = setup(backend).await;
    let mut registry = Registry::new();
    registry.register(|_ctx: Ctx, _job: RecordEffect| async move { anyhow::bail!("always fails") });
    let config = JobsConfig {
        max_attempts: 3,
        ..JobsConfig::default()
    };
    let w = Worker::new(ctx.db.clone(), Arc::new(registry), ctx.clone(), config);
    enqueue(&ctx.db, &RecordEffect { key: "k".into() })
        .await
        .expect("enqueue");
    let mut t = Utc::now();
    let mut outcomes = Vec::new();
    for _ in 0..5 {
        outcomes.extend(w.run_until_idle_at(t).await.expect("run"));
        t += Duration::hours(2);
    }
    assert_eq!(outcomes.len(), 3, "{outcomes:?}");
    assert!(matches!(
        outcomes.last(),
        Some(Outcome::Failed { parked: true, .. })
    ));
    assert_eq!(
        pending(&ctx.db).await,
        1,
        "a parked job stays for an operator to see"
    );
}

async fn concurrent_workers_run_each_job_exactly_once(backend: Backend) {
    let (_db, ctx) = setup(backend).await;
    for i in 0..60 {
        enqueue(
            &ctx.db,
            &RecordEffect {
                key: format!("k{i}"),
            },
        )
        .await
        .expect("enqueue");
    }
    let mut tasks = Vec::new();
    for _ in 0..4 {
        let w = worker(&ctx);
        tasks.push(tokio::spawn(async move {
            w.run_until_idle_at(Utc::now()).await.expect("run").len()
        }));
    }
    let mut total = 0;
    for t in tasks {
        total += t.await.expect("worker task");
    }
    assert_eq!(total, 60);
    assert_eq!(effects(&ctx.db).await, 60);
    {
        let runs = ctx.runs.lock().expect("lock");
        assert!(runs.values().all(|&n| n == 1), "a job ran twice: {runs:?}");
    }
    assert_eq!(pending(&ctx.db).await, 0);
}

/// A job whose handler panics, as an overflow in a handler once did.
#[derive(Debug, Serialize, Deserialize)]
struct Explode;

impl Job for Explode {
    const NAME: &'static str = "test_explode.v1";
    const QUEUE: &'static str = "test";
}

/// A job whose handler takes `secs` seconds, then records its effect.
#[derive(Debug, Serialize, Deserialize)]
struct Slow {
    secs: u64,
    key: String,
}

impl Job for Slow {
    const NAME: &'static str = "test_slow.v1";
    const QUEUE: &'static str = "test";
}

/// The test registry plus the panicking and the slow job.
fn hostile_registry() -> Arc<Registry<Ctx>> {
    let mut registry =
        Arc::try_unwrap(registry()).unwrap_or_else(|_| unreachable!("fresh registry"));
    registry.register(|_ctx: Ctx, _job: Explode| async move {
        let big = rust_decimal::Decimal::MAX;
        let _ = big * rust_decimal::Decimal::from(10);
        Ok(())
    });
    registry.register(|ctx: Ctx, job: Slow| async move {
        tokio::time::sleep(std::time::Duration::from_secs(job.secs)).await;
        ctx.runs
            .lock()
            .expect("lock")
            .entry(job.key)
            .and_modify(|n| *n += 1)
            .or_insert(1);
        Ok(())
    });
    Arc::new(registry)
}

async fn a_panicking_handler_fails_its_attempt_and_the_worker_runs_on(backend: Backend) {
    let (_db, ctx) = setup(backend).await;
    enqueue(&ctx.db, &Explode).await.expect("enqueue");
    enqueue(
        &ctx.db,
        &RecordEffect {
            key: "after".into(),
        },
    )
    .await
    .expect("enqueue");
    let config = JobsConfig {
        poll_interval_ms: 20,
        max_attempts: 3,
        ..JobsConfig::default()
    };
    let w = Worker::new(ctx.db.clone(), hostile_registry(), ctx.clone(), config);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = tokio::spawn(w.run(stopped));
    // The worker loop itself, not a test driver: the job after the panic still runs.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while effects(&ctx.db).await == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the worker stopped after the panic"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    stop.send(true).expect("stop");
    running
        .await
        .expect("the worker task ended normally, it did not die");
    let row = jobs_table::Entity::find()
        .one(&ctx.db)
        .await
        .expect("read")
        .expect("the failed job is kept for a retry");
    assert_eq!(row.job_type, Explode::NAME);
    assert!(
        row.last_error
            .as_deref()
            .unwrap_or("")
            .contains("handler panicked"),
        "{:?}",
        row.last_error
    );
}

async fn a_handler_over_its_time_limit_fails_and_frees_the_worker(backend: Backend) {
    let (_db, ctx) = setup(backend).await;
    enqueue(
        &ctx.db,
        &Slow {
            secs: 3600,
            key: "hung".into(),
        },
    )
    .await
    .expect("enqueue");
    enqueue(
        &ctx.db,
        &RecordEffect {
            key: "after".into(),
        },
    )
    .await
    .expect("enqueue");
    let config = JobsConfig {
        handler_timeout_secs: 1,
        ..JobsConfig::default()
    };
    let w = Worker::new(ctx.db.clone(), hostile_registry(), ctx.clone(), config);
    let outcomes = w.run_until_idle_at(Utc::now()).await.expect("run");
    assert!(
        matches!(&outcomes[..], [Outcome::Failed { error, parked: false, .. }, Outcome::Done { .. }] if error.contains("longer than 1s")),
        "{outcomes:?}"
    );
    assert_eq!(runs(&ctx, "hung"), 0);
    assert_eq!(effects(&ctx.db).await, 1);
}

async fn a_long_handler_keeps_its_lease_so_no_peer_runs_it_twice(backend: Backend) {
    let (_db, ctx) = setup(backend).await;
    enqueue(
        &ctx.db,
        &Slow {
            secs: 5,
            key: "long".into(),
        },
    )
    .await
    .expect("enqueue");
    // A 3-second lease, renewed every second while the 5-second handler runs.
    let config = JobsConfig {
        lease_secs: 3,
        ..JobsConfig::default()
    };
    let a = Worker::new(
        ctx.db.clone(),
        hostile_registry(),
        ctx.clone(),
        config.clone(),
    );
    let first = tokio::spawn(async move { a.run_until_idle_at(Utc::now()).await.expect("run") });
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    let b = Worker::new(ctx.db.clone(), hostile_registry(), ctx.clone(), config);
    let taken = b.run_until_idle_at(Utc::now()).await.expect("run");
    assert!(
        taken.is_empty(),
        "the peer took over a job whose worker is alive: {taken:?}"
    );
    let done = first.await.expect("first worker");
    assert!(matches!(&done[..], [Outcome::Done { .. }]), "{done:?}");
    assert_eq!(runs(&ctx, "long"), 1);
    assert_eq!(pending(&ctx.db).await, 0);
}

macro_rules! both {
    ($($name:ident),*) => {$(
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() { super::$name(integration_tests::Backend::Sqlite).await }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() { super::$name(integration_tests::Backend::Postgres).await }
        }
    )*};
}

both!(
    rolled_back_enqueue_never_runs,
    committed_enqueue_runs_once_and_is_deleted,
    failed_job_is_retried_after_backoff_and_completes_once,
    worker_killed_after_handling_leaves_a_job_that_reruns_harmlessly,
    a_job_failing_every_time_is_parked,
    concurrent_workers_run_each_job_exactly_once,
    a_panicking_handler_fails_its_attempt_and_the_worker_runs_on,
    a_handler_over_its_time_limit_fails_and_frees_the_worker,
    a_long_handler_keeps_its_lease_so_no_peer_runs_it_twice
);

integration_tests::db_test! {
    async fn readyz_reports_the_worker_and_metrics_count_parked_jobs(app: TestApp) {
        let ready = app.get("/readyz", None).await;
        assert_eq!(ready.assert_status(200)["worker"], "not running in this process");
        // A job that failed its last attempt.
        let parked = jobs_table::ActiveModel {
            id: sea_orm::Set(uuid::Uuid::now_v7()),
            queue: sea_orm::Set("search".to_owned()),
            job_type: sea_orm::Set("sync_search.v1".to_owned()),
            payload: sea_orm::Set(serde_json::json!({})),
            priority: sea_orm::Set(0),
            attempts: sea_orm::Set(app.state.config.jobs.max_attempts),
            run_after: sea_orm::Set(Utc::now().into()),
            locked_until: sea_orm::Set(None),
            locked_by: sea_orm::Set(None),
            last_error: sea_orm::Set(Some("handler panicked: attempt to multiply with overflow".to_owned())),
            created_at: sea_orm::Set(Utc::now().into()),
            unique_key: sea_orm::Set(None),
        };
        sea_orm::ActiveModelTrait::insert(parked, &app.db).await.expect("parked job");
        let metrics = app.get("/metrics", None).await;
        assert_eq!(metrics.status.as_u16(), 200);
        assert!(metrics.text.contains("jobs_parked{queue=\"search\"} 1"), "{}", metrics.text);
    }
}

async fn readyz_says_a_running_worker_is_alive(backend: Backend) {
    let app =
        integration_tests::TestApp::spawn_with(backend, |c| c.jobs.worker_enabled = true).await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let ready = app.get("/readyz", None).await;
        if ready.body["worker"] == "ok" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "{}", ready.text);
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

both!(readyz_says_a_running_worker_is_alive);
