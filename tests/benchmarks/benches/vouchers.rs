//! `cargo bench -p benchmarks --bench vouchers` (prefix `scripts/with-postgres` for PostgreSQL
//! too): the operator's voucher programme report over `BENCH_VOUCHERS` vouchers (default
//! 100,000; three ledger lines each), p50/p95 over `BENCH_ITERATIONS` requests (default 50).
//! Printed, not asserted.

use sea_orm::{ConnectionTrait, Database};
use sea_orm_migration::MigratorTrait;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn run(url: &str, n: usize, iterations: usize) -> anyhow::Result<()> {
    let config = platform::config::DatabaseConfig {
        url: url.to_owned().into(),
        max_connections: 4,
        acquire_timeout_secs: 60,
    };
    let db = platform::db::connect(&config, "voucher-bench").await?;
    migrations::Migrator::up(&db, None).await?;
    let report = benchmarks::vouchers::voucher_benchmark(&db, n, iterations).await?;
    println!("{report}");
    db.close().await?;
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let n = env_usize("BENCH_VOUCHERS", 100_000);
    let iterations = env_usize("BENCH_ITERATIONS", 50);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let dir = tempfile::tempdir()?;
        let url = format!(
            "sqlite://{}?mode=rwc",
            dir.path().join("bench.db").display()
        );
        run(&url, n, iterations).await?;
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
                let result = run(&url, n, iterations).await;
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
