//! Accounts hardening and an append-only audit log:
//! - `login_failures`: recent failed logins per account and per client address, read by the
//!   login throttle (in the database so every replica of the listing service shares it);
//! - `invitations.revoked_at` / `revoked_by`: an admin withdraws an invitation before it is used;
//! - triggers that refuse any UPDATE or DELETE on `audit_log`, so its history cannot be
//!   rewritten by a bug or a compromised service (only `down`, which drops them, can).

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::columns::timestamp_now;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// PostgreSQL: one function, raised from a row trigger on UPDATE and on DELETE.
const PG_UP: &[&str] = &[
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger AS $$
     BEGIN
         RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP;
     END;
     $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
     FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    // TRUNCATE bypasses row triggers; a statement trigger covers it.
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
     FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
];

const PG_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_delete ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_update ON audit_log",
    "DROP FUNCTION IF EXISTS audit_log_append_only()",
];

const SQLITE_UP: &[&str] = &[
    "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: UPDATE is not allowed'); END",
    "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
     BEGIN SELECT RAISE(ABORT, 'audit_log is append-only: DELETE is not allowed'); END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS audit_log_no_delete",
    "DROP TRIGGER IF EXISTS audit_log_no_update",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(LoginFailures::Table)
                    .col(pk_uuid(LoginFailures::Id))
                    // SHA-256 of `account:<email>` or `address:<ip>`: the throttle needs to
                    // count, not to know who; no plain emails or addresses are kept here.
                    .col(string_len(LoginFailures::KeyHash, 64))
                    .col(timestamp_now(LoginFailures::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("login_failures_key_idx")
                    .table(LoginFailures::Table)
                    .col(LoginFailures::KeyHash)
                    .col(LoginFailures::CreatedAt)
                    .to_owned(),
            )
            .await?;
        // SQLite adds one column per ALTER TABLE.
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .add_column(timestamp_with_time_zone_null(Invitations::RevokedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .add_column(uuid_null(Invitations::RevokedBy))
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => PG_UP,
            _ => SQLITE_UP,
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => PG_DOWN,
            _ => SQLITE_DOWN,
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .drop_column(Invitations::RevokedBy)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(Invitations::Table)
                    .drop_column(Invitations::RevokedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(LoginFailures::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum LoginFailures {
    Table,
    Id,
    KeyHash,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Invitations {
    Table,
    RevokedAt,
    RevokedBy,
}
