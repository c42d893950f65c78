//! `cargo bench -p benchmarks --bench turnover` (or `scripts/with-postgres cargo bench -p benchmarks --bench turnover` for PostgreSQL too):
//! turnover grouped by city × month over generated registered contracts. Printed, not asserted.
//!
//! `BENCH_CONTRACTS` sets the number of contracts (default 1,000,000), `BENCH_ITERATIONS` the
//! number of timed dashboard queries (default 200), `BENCH_RAW_ITERATIONS` the raw ones (5).

use platform::config::DatabaseConfig;
use sea_orm::{ConnectionTrait, Database};
use sea_orm_migration::MigratorTrait;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run(url: &str, n: usize, iterations: usize, raw: usize) -> anyhow::Result<()> {
    let config = DatabaseConfig {
        url: url.to_owned().into(),
        max_connections: 4,
        acquire_timeout_secs: 60,
    };
    let db = platform::db::connect(&config, "deal-bench").await?;
    migrations::Migrator::up(&db, None).await?;
    let report = benchmarks::turnover::turnover_benchmark(&db, n, iterations, raw).await?;
    println!("{report}");
    db.close().await?;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let n = env_usize("BENCH_CONTRACTS", 1_000_000);
    let iterations = env_usize("BENCH_ITERATIONS", 200);
    let raw = env_usize("BENCH_RAW_ITERATIONS", 5);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        );
        run(&url, n, iterations, raw).await?;
        match std::env::var("TEST_DATABASE_URL") {
            Ok(admin_url) => {
                let name = format!("tm_bench_{}", uuid::Uuid::now_v7().simple());
                let admin = Database::connect(&admin_url).await?;
                admin
                    .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                    .await?;
                let url = match admin_url.rfind('/') {
                    Some(i) => format!("{}/{name}", &admin_url[..i]),
                    None => anyhow::bail!("TEST_DATABASE_URL has no database name"),
                };
                let result = run(&url, n, iterations, raw).await;
                admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .await?;
                result?;
            }
            Err(_) => println!(
                "PostgreSQL: skipped (set TEST_DATABASE_URL, e.g. with scripts/with-postgres)"
            ),
        }
        Ok(())
    })
}
