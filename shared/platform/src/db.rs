//! The database connection of a process: SQLite in embedded mode, PostgreSQL in production.

use std::time::Duration;

use anyhow::Context;
use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseBackend, DatabaseConnection};
use secrecy::ExposeSecret;

use crate::config::DatabaseConfig;

/// Opens the pool for `service` (shown as `application_name` in `pg_stat_activity`).
///
/// SQLite gets WAL, a busy timeout and foreign keys, and a single connection: SQLite allows one
/// writer at a time, and a deferred transaction that upgrades to writing fails at once with
/// `SQLITE_BUSY` when another connection writes; one connection serialises writers instead of
/// failing them. PostgreSQL gets a pool of `max_connections`.
pub async fn connect(config: &DatabaseConfig, service: &str) -> anyhow::Result<DatabaseConnection> {
    let url = config.url.expose_secret().to_owned();
    let mut options = ConnectOptions::new(url.clone());
    options
        .acquire_timeout(Duration::from_secs(config.acquire_timeout_secs))
        // Statement logging at sqlx's default level would log every query at info.
        .sqlx_logging(false);
    if url.starts_with("sqlite:") {
        options.max_connections(1).min_connections(1);
        // synchronous=NORMAL in WAL mode: a commit is in the WAL (the OS's page cache) when it
        // is acknowledged, so a killed process loses nothing — the crash soak
        // (`--example crash_soak`: 20 SIGKILLs under load, 0 acknowledged writes lost) shows it.
        // Only a power cut or kernel crash can take the last commits; FULL would fsync each one
        // to close that too, at a disk flush per write. Embedded mode is a single machine's
        // trial or a small office: NORMAL. Production's database is PostgreSQL.
        options.map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true)
                .create_if_missing(true)
        });
    } else {
        let name = format!("techmarket-{service}");
        options
            .max_connections(config.max_connections)
            .min_connections(1);
        options.map_sqlx_postgres_opts(move |opts| opts.application_name(&name));
    }
    let db = Database::connect(options)
        .await
        .with_context(|| format!("Failed to connect to the database for {service}"))?;
    Ok(db)
}

/// True when the connection is PostgreSQL (SKIP LOCKED and friends are available).
pub fn is_postgres(db: &impl ConnectionTrait) -> bool {
    db.get_database_backend() == DatabaseBackend::Postgres
}

/// `SELECT 1`, for `/readyz`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    db.ping().await
}
