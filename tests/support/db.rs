//! Fresh, migrated databases for tests.
//!
//! SQLite: a file in a temporary directory. PostgreSQL: a new database cloned from a template
//! that is migrated once per schema version (so each test costs a `CREATE DATABASE`, not a
//! full migration), dropped when the test ends.

use std::path::PathBuf;

use platform::config::DatabaseConfig;
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, Statement};
use sea_orm_migration::MigratorTrait;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database that exists for one test.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    /// Kept alive for the SQLite file; removed on drop.
    _dir: Option<tempfile::TempDir>,
    pg_drop: Option<(String, String)>,
}

impl TestDb {
    /// A fresh database with the whole schema applied.
    pub async fn migrated(backend: Backend) -> TestDb {
        Self::empty(backend, true).await
    }

    /// A fresh database with no tables (for migration tests).
    pub async fn empty_unmigrated(backend: Backend) -> TestDb {
        Self::empty(backend, false).await
    }

    async fn empty(backend: Backend, migrated: bool) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory for SQLite");
                let path: PathBuf = dir.path().join("test.db");
                let url = format!("sqlite://{}?mode=rwc", path.display());
                let test_db = TestDb {
                    backend,
                    url,
                    _dir: Some(dir),
                    pg_drop: None,
                };
                if migrated {
                    let conn = test_db.connect().await;
                    migrations::Migrator::up(&conn, None)
                        .await
                        .expect("migrate SQLite");
                    conn.close().await.expect("close");
                }
                test_db
            }
            Backend::Postgres => {
                let admin_url = std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| {
                    panic!(
                        "TEST_DATABASE_URL is not set: PostgreSQL tests need a server. Run the suite \
                         with `tests/run` (it starts one), or `scripts/with-postgres cargo nextest run`."
                    )
                });
                let name = format!("tm_test_{}", uuid::Uuid::now_v7().simple());
                let admin = Database::connect(&admin_url)
                    .await
                    .expect("connect to TEST_DATABASE_URL");
                let create = if migrated {
                    let template = ensure_template(&admin_url).await;
                    format!("CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"")
                } else {
                    format!("CREATE DATABASE \"{name}\"")
                };
                admin
                    .execute_unprepared(&create)
                    .await
                    .expect("create test database");
                admin.close().await.expect("close admin connection");
                let url = replace_db_name(&admin_url, &name);
                TestDb {
                    backend,
                    url,
                    _dir: None,
                    pg_drop: Some((admin_url, name)),
                }
            }
        }
    }

    /// The configuration section that points at this database.
    pub fn config(&self) -> DatabaseConfig {
        DatabaseConfig {
            url: self.url.clone().into(),
            max_connections: 10,
            acquire_timeout_secs: 10,
        }
    }

    /// A connection with the same settings the services use.
    pub async fn connect(&self) -> DatabaseConnection {
        platform::db::connect(&self.config(), "tests")
            .await
            .expect("connect to test database")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((admin_url, name)) = self.pg_drop.take() {
            // Drop runs outside async context: use a small runtime on a thread of its own.
            let handle = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                if let Ok(rt) = rt {
                    rt.block_on(async move {
                        if let Ok(admin) = Database::connect(&admin_url).await {
                            let _ = admin
                                .execute_unprepared(&format!(
                                    "DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"
                                ))
                                .await;
                            let _ = admin.close().await;
                        }
                    });
                }
            });
            let _ = handle.join();
        }
    }
}

fn replace_db_name(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let base = match base.rfind('/') {
        Some(idx) if idx > "postgres://".len() => &base[..idx],
        _ => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// Creates (once per schema version, across test processes) a migrated template database.
async fn ensure_template(admin_url: &str) -> String {
    let names: Vec<String> = migrations::Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect();
    let template = format!("tm_template_{:016x}", fnv1a(names.join(",").as_bytes()));
    // One connection: an advisory lock belongs to the session that took it.
    let mut options = sea_orm::ConnectOptions::new(admin_url.to_owned());
    options.max_connections(1).sqlx_logging(false);
    let admin = Database::connect(options)
        .await
        .expect("connect to TEST_DATABASE_URL");
    // Serialise template creation between concurrently running test processes.
    admin
        .execute_unprepared("SELECT pg_advisory_lock(727274)")
        .await
        .expect("advisory lock");
    let exists = admin
        .query_one(Statement::from_string(
            admin.get_database_backend(),
            format!("SELECT 1 AS one FROM pg_database WHERE datname = '{template}'"),
        ))
        .await
        .expect("look up template")
        .is_some();
    if !exists {
        let building = format!("{template}_building");
        admin
            .execute_unprepared(&format!(
                "DROP DATABASE IF EXISTS \"{building}\" WITH (FORCE)"
            ))
            .await
            .expect("drop half-built template");
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{building}\""))
            .await
            .expect("create template");
        let conn = Database::connect(replace_db_name(admin_url, &building))
            .await
            .expect("connect to template");
        migrations::Migrator::up(&conn, None)
            .await
            .expect("migrate template");
        conn.close().await.expect("close template connection");
        admin
            .execute_unprepared(&format!(
                "ALTER DATABASE \"{building}\" RENAME TO \"{template}\""
            ))
            .await
            .expect("publish template");
    }
    admin
        .execute_unprepared("SELECT pg_advisory_unlock(727274)")
        .await
        .expect("advisory unlock");
    admin.close().await.expect("close admin connection");
    template
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        hash ^= u64::from(*b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}
