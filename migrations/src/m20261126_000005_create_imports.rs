//! Bulk imports of listings from XLSX or CSV: the uploaded file, its progress and its per-row
//! error report. Owned by the listing service.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{fk, timestamp_now};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Imports::Table)
                    .col(pk_uuid(Imports::Id))
                    .col(uuid(Imports::OrganisationId))
                    .col(uuid(Imports::CreatedBy))
                    // achievements | needs
                    .col(string_len(Imports::ListingKind, 16))
                    // all_or_nothing | valid_rows_only
                    .col(string_len(Imports::Mode, 16))
                    // csv | xlsx
                    .col(string_len(Imports::Format, 8))
                    .col(string_len(Imports::FileName, 255))
                    .col(blob(Imports::Content))
                    // queued | running | succeeded | failed
                    .col(string_len(Imports::Status, 16))
                    .col(integer(Imports::TotalRows).default(0))
                    .col(integer(Imports::ProcessedRows).default(0))
                    .col(integer(Imports::CreatedCount).default(0))
                    .col(integer(Imports::ErrorCount).default(0))
                    .col(json_binary(Imports::Errors))
                    .col(text_null(Imports::Failure))
                    .col(timestamp_now(Imports::CreatedAt))
                    .col(timestamp_now(Imports::UpdatedAt))
                    .col(timestamp_with_time_zone_null(Imports::FinishedAt))
                    .foreign_key(&mut fk(
                        Imports::Table,
                        Imports::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("imports_org_idx")
                    .table(Imports::Table)
                    .col(Imports::OrganisationId)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Imports::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
}

#[derive(DeriveIden)]
enum Imports {
    Table,
    Id,
    OrganisationId,
    CreatedBy,
    ListingKind,
    Mode,
    Format,
    FileName,
    Content,
    Status,
    TotalRows,
    ProcessedRows,
    CreatedCount,
    ErrorCount,
    Errors,
    Failure,
    CreatedAt,
    UpdatedAt,
    FinishedAt,
}
