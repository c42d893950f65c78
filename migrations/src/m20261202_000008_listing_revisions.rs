//! Pending revisions of published listings: an owner's edit to a published achievement, need
//! or open call waits here for operator review while the reviewed text stays public.
//!
//! One row per proposed change; the row is never deleted, so the history of what was proposed,
//! approved or rejected (with the reason) stays readable beside the audit log.

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
                    .table(ListingRevisions::Table)
                    .col(pk_uuid(ListingRevisions::Id))
                    // achievement | need
                    .col(string_len(ListingRevisions::ListingKind, 16))
                    .col(uuid(ListingRevisions::ListingId))
                    .col(uuid(ListingRevisions::OrganisationId))
                    // pending | approved | rejected | withdrawn | superseded
                    .col(string_len(ListingRevisions::Status, 16))
                    // {"listing": <the whole proposed input>?, "translations": {"en": {…} | null}}
                    .col(json_binary(ListingRevisions::Proposed))
                    // The listing version the owner edited (the public text the proposal replaces).
                    .col(integer(ListingRevisions::BaseVersion))
                    .col(uuid(ListingRevisions::ProposedBy))
                    .col(uuid_null(ListingRevisions::ReviewedBy))
                    .col(text_null(ListingRevisions::Reason))
                    .col(timestamp_now(ListingRevisions::CreatedAt))
                    .col(timestamp_now(ListingRevisions::UpdatedAt))
                    .col(timestamp_with_time_zone_null(ListingRevisions::ReviewedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("listing_revisions_listing_status_idx")
                    .table(ListingRevisions::Table)
                    .col(ListingRevisions::ListingKind)
                    .col(ListingRevisions::ListingId)
                    .col(ListingRevisions::Status)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("listing_revisions_status_created_idx")
                    .table(ListingRevisions::Table)
                    .col(ListingRevisions::Status)
                    .col(ListingRevisions::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ListingRevisions::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum ListingRevisions {
    Table,
    Id,
    ListingKind,
    ListingId,
    OrganisationId,
    Status,
    Proposed,
    BaseVersion,
    ProposedBy,
    ReviewedBy,
    Reason,
    CreatedAt,
    UpdatedAt,
    ReviewedAt,
}
