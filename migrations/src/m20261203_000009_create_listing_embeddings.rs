//! Listing vectors for matching across languages by meaning (owned by matching): one int8
//! vector per listing and language, with the model that made it and a hash of its text, so
//! unchanged text is not embedded again and a model change re-embeds through the job queue.
//!
//! `listing_kind` + `listing_id` name an achievement or a need (two tables, so no foreign key,
//! as for translations); the embed job deletes a listing's rows when it leaves the market.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::timestamp_now;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(ListingEmbeddings::Table)
                    // achievement | need
                    .col(string_len(ListingEmbeddings::ListingKind, 16))
                    .col(uuid(ListingEmbeddings::ListingId))
                    .col(string_len(ListingEmbeddings::Language, 16))
                    // `model@dimensions`
                    .col(string_len(ListingEmbeddings::Model, 200))
                    .col(string_len(ListingEmbeddings::TextSha256, 64))
                    .col(blob(ListingEmbeddings::Vector))
                    .col(timestamp_now(ListingEmbeddings::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(ListingEmbeddings::ListingKind)
                            .col(ListingEmbeddings::ListingId)
                            .col(ListingEmbeddings::Language),
                    )
                    .to_owned(),
            )
            .await?;
        // Loading the in-memory index reads one model's vectors.
        manager
            .create_index(
                Index::create()
                    .name("listing_embeddings_model_idx")
                    .table(ListingEmbeddings::Table)
                    .col(ListingEmbeddings::Model)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ListingEmbeddings::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ListingEmbeddings {
    Table,
    ListingKind,
    ListingId,
    Language,
    Model,
    TextSha256,
    Vector,
    UpdatedAt,
}
