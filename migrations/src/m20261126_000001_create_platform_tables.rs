//! Tables every service uses: the job queue between services, the audit log of every write,
//! and the idempotency keys that make money-bearing POSTs safe to retry.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::timestamp_now;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Durable queue: a row per pending job; workers lease rows with `locked_until`
        // (PostgreSQL adds SKIP LOCKED) and delete them on success.
        manager
            .create_table(
                Table::create()
                    .table(Jobs::Table)
                    .col(pk_uuid(Jobs::Id))
                    .col(string_len(Jobs::Queue, 64))
                    .col(string_len(Jobs::JobType, 128))
                    .col(json_binary(Jobs::Payload))
                    .col(small_integer(Jobs::Priority).default(0))
                    .col(integer(Jobs::Attempts).default(0))
                    .col(timestamp_now(Jobs::RunAfter))
                    .col(timestamp_with_time_zone_null(Jobs::LockedUntil))
                    .col(string_len_null(Jobs::LockedBy, 128))
                    .col(text_null(Jobs::LastError))
                    .col(timestamp_now(Jobs::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("jobs_claim_idx")
                    .table(Jobs::Table)
                    .col(Jobs::Queue)
                    .col(Jobs::RunAfter)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuditLog::Table)
                    .col(pk_uuid(AuditLog::Id))
                    .col(uuid_null(AuditLog::ActorUserId))
                    .col(uuid_null(AuditLog::ActorOrganisationId))
                    .col(string_len(AuditLog::Service, 32))
                    .col(string_len(AuditLog::Action, 64))
                    .col(string_len(AuditLog::EntityType, 64))
                    .col(uuid(AuditLog::EntityId))
                    .col(json_binary_null(AuditLog::Before))
                    .col(json_binary_null(AuditLog::After))
                    .col(string_len_null(AuditLog::RequestId, 64))
                    .col(timestamp_now(AuditLog::CreatedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("audit_log_entity_idx")
                    .table(AuditLog::Table)
                    .col(AuditLog::EntityType)
                    .col(AuditLog::EntityId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(IdempotencyKeys::Table)
                    .col(pk_uuid(IdempotencyKeys::Id))
                    .col(uuid(IdempotencyKeys::UserId))
                    .col(string_len(IdempotencyKeys::Key, 255))
                    .col(string_len(IdempotencyKeys::Method, 16))
                    .col(string_len(IdempotencyKeys::Path, 512))
                    .col(string_len(IdempotencyKeys::RequestHash, 64))
                    .col(small_integer_null(IdempotencyKeys::ResponseStatus))
                    .col(json_binary_null(IdempotencyKeys::ResponseBody))
                    .col(timestamp_now(IdempotencyKeys::CreatedAt))
                    .col(timestamp_with_time_zone(IdempotencyKeys::ExpiresAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idempotency_keys_user_key_uniq")
                    .table(IdempotencyKeys::Table)
                    .col(IdempotencyKeys::UserId)
                    .col(IdempotencyKeys::Key)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            IdempotencyKeys::Table.into_iden(),
            AuditLog::Table.into_iden(),
            Jobs::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Jobs {
    Table,
    Id,
    Queue,
    JobType,
    Payload,
    Priority,
    Attempts,
    RunAfter,
    LockedUntil,
    LockedBy,
    LastError,
    CreatedAt,
}

#[derive(DeriveIden)]
enum AuditLog {
    Table,
    Id,
    ActorUserId,
    ActorOrganisationId,
    Service,
    Action,
    EntityType,
    EntityId,
    Before,
    After,
    RequestId,
    CreatedAt,
}

#[derive(DeriveIden)]
enum IdempotencyKeys {
    Table,
    Id,
    UserId,
    Key,
    Method,
    Path,
    RequestHash,
    ResponseStatus,
    ResponseBody,
    CreatedAt,
    ExpiresAt,
}
