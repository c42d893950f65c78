//! Documents attached to contracts (owned by deal): the signed contract, annexes, invoices.
//! The bytes live in the document store (`docstore`: a directory or an S3 bucket) under
//! `storage_key`, which the server makes from the contract's and the document's ids; the
//! uploader's file name is kept for display only. A deleted document keeps its row, marked
//! `deleted_at`/`deleted_by`, for the record; its bytes are removed.

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
                    .table(ContractDocuments::Table)
                    .col(pk_uuid(ContractDocuments::Id))
                    .col(uuid(ContractDocuments::ContractId))
                    // wire::vocabulary::deal::ContractDocumentKind
                    .col(string_len(ContractDocuments::Kind, 32))
                    .col(string_len(ContractDocuments::FileName, 255))
                    .col(string_len(ContractDocuments::ContentType, 100))
                    .col(big_integer(ContractDocuments::SizeBytes))
                    .col(string_len(ContractDocuments::Sha256, 64))
                    .col(string_len(ContractDocuments::StorageKey, 200).unique_key())
                    .col(uuid(ContractDocuments::UploadedBy))
                    .col(uuid_null(ContractDocuments::UploadedByOrganisationId))
                    .col(timestamp_now(ContractDocuments::CreatedAt))
                    .col(timestamp_with_time_zone_null(ContractDocuments::DeletedAt))
                    .col(uuid_null(ContractDocuments::DeletedBy))
                    .foreign_key(&mut fk(
                        ContractDocuments::Table,
                        ContractDocuments::ContractId,
                        Contracts::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // A contract's documents, newest first.
        manager
            .create_index(
                Index::create()
                    .name("contract_documents_contract_idx")
                    .table(ContractDocuments::Table)
                    .col(ContractDocuments::ContractId)
                    .col(ContractDocuments::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ContractDocuments::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ContractDocuments {
    Table,
    Id,
    ContractId,
    Kind,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    StorageKey,
    UploadedBy,
    UploadedByOrganisationId,
    CreatedAt,
    DeletedAt,
    DeletedBy,
}

#[derive(DeriveIden)]
enum Contracts {
    Table,
}
