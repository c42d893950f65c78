//! Files of an achievement (owned by listing), issue #15: the confidential dossier's documents,
//! the inventors' grant document (赋权) and evaluation reports. The bytes live in the document
//! store under `storage_key`, which the server makes in listing's own namespace
//! (`listings/<achievement>/<document>`), so deal's sweep of contract documents never touches
//! them; the uploader's file name is for display only. A deleted file keeps its row, marked
//! `deleted_at`/`deleted_by`, for the record (the access log names it); its bytes are removed.
//!
//! `dossier_views.document_id` names the file a download read (null: the dossier's text).
//! Added without a foreign key: SQLite cannot add one to an existing table, and the log
//! outlives nothing it names (rows are never removed, only marked deleted).

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
                    .table(ListingDocuments::Table)
                    .col(pk_uuid(ListingDocuments::Id))
                    .col(uuid(ListingDocuments::AchievementId))
                    // wire::vocabulary::tto::ListingDocumentKind
                    .col(string_len(ListingDocuments::Kind, 32))
                    // The evaluation a report belongs to (kind evaluation_report only).
                    .col(uuid_null(ListingDocuments::EvaluationId))
                    .col(string_len(ListingDocuments::FileName, 255))
                    .col(string_len(ListingDocuments::ContentType, 100))
                    .col(big_integer(ListingDocuments::SizeBytes))
                    .col(string_len(ListingDocuments::Sha256, 64))
                    .col(string_len(ListingDocuments::StorageKey, 200).unique_key())
                    .col(uuid(ListingDocuments::UploadedBy))
                    .col(uuid_null(ListingDocuments::UploadedByOrganisationId))
                    .col(timestamp_now(ListingDocuments::CreatedAt))
                    .col(timestamp_with_time_zone_null(ListingDocuments::DeletedAt))
                    .col(uuid_null(ListingDocuments::DeletedBy))
                    .foreign_key(&mut fk(
                        ListingDocuments::Table,
                        ListingDocuments::AchievementId,
                        Achievements::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        ListingDocuments::Table,
                        ListingDocuments::EvaluationId,
                        AchievementEvaluations::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        // An achievement's files of one kind, newest first.
        manager
            .create_index(
                Index::create()
                    .name("listing_documents_achievement_idx")
                    .table(ListingDocuments::Table)
                    .col(ListingDocuments::AchievementId)
                    .col(ListingDocuments::Kind)
                    .col(ListingDocuments::CreatedAt)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(DossierViews::Table)
                    .add_column(uuid_null(DossierViews::DocumentId))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(DossierViews::Table)
                    .drop_column(DossierViews::DocumentId)
                    .to_owned(),
            )
            .await?;
        manager
            .drop_table(Table::drop().table(ListingDocuments::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ListingDocuments {
    Table,
    Id,
    AchievementId,
    Kind,
    EvaluationId,
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
enum DossierViews {
    Table,
    DocumentId,
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
}

#[derive(DeriveIden)]
enum AchievementEvaluations {
    Table,
}
