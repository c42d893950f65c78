//! The schema applies up and down cleanly on both databases.

use integration_tests::{Backend, TestDb};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use sea_orm_migration::MigratorTrait;

/// Tables every service expects, one per row of the design.
const EXPECTED_TABLES: &[&str] = &[
    "jobs",
    "audit_log",
    "idempotency_keys",
    "organisations",
    "users",
    "api_tokens",
    "invitations",
    "achievements",
    "needs",
    "open_call_applications",
    "listing_translations",
    "listing_reviews",
    "listing_revisions",
    "matches",
    "match_feedback",
    "saved_searches",
    "notifications",
    "brokers",
    "deals",
    "deal_brokers",
    "deal_events",
    "attributions",
    "fx_rates",
    "contracts",
    "contract_cost_lines",
    "contract_brokers",
    "contract_documents",
    "milestones",
    "payments",
    "registrations",
    "targets",
    "turnover_rollups",
];

async fn tables(db: &DatabaseConnection) -> Vec<String> {
    let backend = db.get_database_backend();
    let sql = match backend {
        sea_orm::DatabaseBackend::Postgres => {
            "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public'"
        }
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let mut names: Vec<String> = db
        .query_all(Statement::from_string(backend, sql))
        .await
        .expect("list tables")
        .into_iter()
        .map(|row| row.try_get::<String>("", "name").expect("name"))
        .filter(|n| n != "seaql_migrations")
        .collect();
    names.sort();
    names
}

async fn up_down_up(backend: Backend) {
    let test_db = TestDb::empty_unmigrated(backend).await;
    let db = test_db.connect().await;
    assert!(
        tables(&db).await.is_empty(),
        "a fresh database has no tables"
    );

    migrations::Migrator::up(&db, None).await.expect("up");
    let after_up = tables(&db).await;
    for table in EXPECTED_TABLES {
        assert!(
            after_up.contains(&(*table).to_owned()),
            "table {table} missing after up: {after_up:?}"
        );
    }
    assert!(migrations::Migrator::get_pending_migrations(&db)
        .await
        .expect("pending")
        .is_empty());

    migrations::Migrator::down(&db, None).await.expect("down");
    assert_eq!(
        tables(&db).await,
        Vec::<String>::new(),
        "down leaves tables behind"
    );

    migrations::Migrator::up(&db, None).await.expect("up again");
    assert_eq!(
        tables(&db).await,
        after_up,
        "second up gives the same schema"
    );
}

mod migrations_apply_up_down_and_up_again {
    use super::*;

    #[tokio::test]
    async fn sqlite() {
        up_down_up(Backend::Sqlite).await;
    }

    #[tokio::test]
    async fn postgres() {
        up_down_up(Backend::Postgres).await;
    }
}
