//! Cancelling sales, recording refunds and one close job per auction (issue #17).
//!
//! - `auctions` and `price_listings` record who cancelled, when and why (the status word
//!   `cancelled` itself is in `wire::vocabulary::auction`; the status column is free text).
//! - `auction_deposits` record the refund paid back: the day it was paid, the bank's or
//!   cashier's reference, who recorded it and when. The status moves `refund_due` →
//!   `refunded` once, by a conditional UPDATE.
//! - `jobs.unique_key` names what a job is unique over beside its type (an auction's close
//!   is unique per auction, not per job type): `platform::jobs::enqueue_unique_at` reads it.
//!
//! Each column is its own ALTER: SQLite adds one column per statement.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::add_column as add;

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn drop(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + Clone + 'static,
    cols: &[&'static str],
) -> Result<(), DbErr> {
    for c in cols {
        manager
            .alter_table(
                Table::alter()
                    .table(table.clone())
                    .drop_column(Alias::new(*c))
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add(
            manager,
            Auctions::Table,
            timestamp_with_time_zone_null(Cancelling::CancelledAt),
        )
        .await?;
        add(manager, Auctions::Table, uuid_null(Cancelling::CancelledBy)).await?;
        add(
            manager,
            Auctions::Table,
            string_len_null(Cancelling::CancelReason, 500),
        )
        .await?;
        add(
            manager,
            PriceListings::Table,
            timestamp_with_time_zone_null(Cancelling::CancelledAt),
        )
        .await?;
        add(
            manager,
            PriceListings::Table,
            uuid_null(Cancelling::CancelledBy),
        )
        .await?;
        add(
            manager,
            PriceListings::Table,
            string_len_null(Cancelling::CancelReason, 500),
        )
        .await?;
        add(
            manager,
            AuctionDeposits::Table,
            date_null(AuctionDeposits::RefundedOn),
        )
        .await?;
        add(
            manager,
            AuctionDeposits::Table,
            string_len_null(AuctionDeposits::RefundReference, 200),
        )
        .await?;
        add(
            manager,
            AuctionDeposits::Table,
            uuid_null(AuctionDeposits::RefundRecordedBy),
        )
        .await?;
        add(
            manager,
            AuctionDeposits::Table,
            timestamp_with_time_zone_null(AuctionDeposits::RefundRecordedAt),
        )
        .await?;
        add(manager, Jobs::Table, string_len_null(Jobs::UniqueKey, 200)).await?;
        // The waiting job of a type and key is looked up on every extension of an auction.
        manager
            .create_index(
                Index::create()
                    .name("jobs_type_unique_key_idx")
                    .table(Jobs::Table)
                    .col(Jobs::JobType)
                    .col(Jobs::UniqueKey)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("jobs_type_unique_key_idx")
                    .table(Jobs::Table)
                    .to_owned(),
            )
            .await?;
        drop(manager, Jobs::Table, &["unique_key"]).await?;
        drop(
            manager,
            AuctionDeposits::Table,
            &[
                "refunded_on",
                "refund_reference",
                "refund_recorded_by",
                "refund_recorded_at",
            ],
        )
        .await?;
        let cancel = ["cancelled_at", "cancelled_by", "cancel_reason"];
        drop(manager, PriceListings::Table, &cancel).await?;
        drop(manager, Auctions::Table, &cancel).await
    }
}

#[derive(DeriveIden, Clone)]
enum Auctions {
    Table,
}

#[derive(DeriveIden, Clone)]
enum PriceListings {
    Table,
}

/// The cancel columns, the same on auctions and price listings.
#[derive(DeriveIden)]
enum Cancelling {
    CancelledAt,
    CancelledBy,
    CancelReason,
}

#[derive(DeriveIden, Clone)]
enum AuctionDeposits {
    Table,
    RefundedOn,
    RefundReference,
    RefundRecordedBy,
    RefundRecordedAt,
}

#[derive(DeriveIden, Clone)]
enum Jobs {
    Table,
    JobType,
    UniqueKey,
}
