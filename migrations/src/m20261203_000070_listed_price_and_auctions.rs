//! Listed-price sales (挂牌) and English auctions (竞价) with deposits (保证金) and a
//! hash-chained bid log (issue #17). The deal service owns all four tables.
//!
//! Concurrency lives in the rows, portable to SQLite and PostgreSQL: a purchase or a bid is a
//! conditional UPDATE of the listing or auction row (`… WHERE status = 'open'`, `… WHERE
//! bid_count = <read>`) in the transaction that writes the rest, so of two at once exactly one
//! changes a row. `active_for` holds the achievement's id while a sale is live and NULL after:
//! a unique index over it allows one live sale of each kind per achievement (NULLs never
//! collide, on both databases). `(auction_id, seq)` and `(auction_id, paddle)` are unique, so
//! a bid log can have no gap filled twice and no paddle number is handed out twice.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{fk, minor_units, timestamp_now, version};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(PriceListings::Table)
                    .col(pk_uuid(PriceListings::Id))
                    .col(uuid(PriceListings::AchievementId))
                    .col(uuid_null(PriceListings::ActiveFor))
                    .col(uuid(PriceListings::SellerOrganisationId))
                    .col(minor_units(PriceListings::PriceMinor))
                    .col(string_len(PriceListings::Currency, 3))
                    .col(timestamp_with_time_zone(PriceListings::StartsAt))
                    .col(timestamp_with_time_zone(PriceListings::EndsAt))
                    // open | sold | ended (wire::PriceListingStatus)
                    .col(string_len(PriceListings::Status, 16))
                    .col(uuid_null(PriceListings::BuyerOrganisationId))
                    .col(uuid_null(PriceListings::DealId))
                    .col(timestamp_with_time_zone_null(PriceListings::SoldAt))
                    // A verified broker who runs the sale: assigned to the deal it opens.
                    .col(uuid_null(PriceListings::BrokerId))
                    .col(uuid(PriceListings::CreatedBy))
                    .col(version(PriceListings::Version))
                    .col(timestamp_now(PriceListings::CreatedAt))
                    .col(timestamp_now(PriceListings::UpdatedAt))
                    .foreign_key(&mut fk(
                        PriceListings::Table,
                        PriceListings::AchievementId,
                        Achievements::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("price_listings_active_key")
                    .table(PriceListings::Table)
                    .col(PriceListings::ActiveFor)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("price_listings_achievement_idx")
                    .table(PriceListings::Table)
                    .col(PriceListings::AchievementId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Auctions::Table)
                    .col(pk_uuid(Auctions::Id))
                    .col(uuid(Auctions::AchievementId))
                    .col(uuid_null(Auctions::ActiveFor))
                    .col(uuid(Auctions::SellerOrganisationId))
                    .col(string_len(Auctions::Currency, 3))
                    .col(minor_units(Auctions::StartingPriceMinor))
                    .col(minor_units(Auctions::ReservePriceMinor))
                    .col(minor_units(Auctions::IncrementMinor))
                    .col(minor_units(Auctions::DepositMinor))
                    .col(timestamp_with_time_zone(Auctions::StartsAt))
                    .col(timestamp_with_time_zone(Auctions::EndsAt))
                    .col(timestamp_with_time_zone(Auctions::ScheduledEndsAt))
                    .col(big_integer(Auctions::ExtensionWindowSecs))
                    .col(big_integer(Auctions::ExtensionSecs))
                    // active | sold | no_sale | cancelled (wire::AuctionStatus; scheduled,
                    // open and closing are read from the clock on an active row)
                    .col(string_len(Auctions::Status, 16))
                    .col(big_integer_null(Auctions::CurrentPriceMinor))
                    .col(big_integer(Auctions::BidCount).default(0))
                    .col(integer_null(Auctions::LeadingPaddle))
                    .col(uuid_null(Auctions::LeadingOrganisationId))
                    .col(string_len(Auctions::HeadHash, 64))
                    .col(integer(Auctions::PaddleCount).default(0))
                    .col(uuid_null(Auctions::DealId))
                    .col(timestamp_with_time_zone_null(Auctions::ClosedAt))
                    .col(uuid_null(Auctions::BrokerId))
                    .col(uuid(Auctions::CreatedBy))
                    .col(version(Auctions::Version))
                    .col(timestamp_now(Auctions::CreatedAt))
                    .col(timestamp_now(Auctions::UpdatedAt))
                    .foreign_key(&mut fk(
                        Auctions::Table,
                        Auctions::AchievementId,
                        Achievements::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("auctions_active_key")
                    .table(Auctions::Table)
                    .col(Auctions::ActiveFor)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("auctions_status_ends_idx")
                    .table(Auctions::Table)
                    .col(Auctions::Status)
                    .col(Auctions::EndsAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(AuctionDeposits::Table)
                    .col(pk_uuid(AuctionDeposits::Id))
                    .col(uuid(AuctionDeposits::AuctionId))
                    .col(uuid(AuctionDeposits::OrganisationId))
                    .col(integer(AuctionDeposits::Paddle))
                    .col(minor_units(AuctionDeposits::AmountMinor))
                    .col(string_len(AuctionDeposits::Currency, 3))
                    // held | refund_due | applied (wire::DepositStatus)
                    .col(string_len(AuctionDeposits::Status, 16))
                    .col(string_len_null(AuctionDeposits::Note, 500))
                    .col(uuid(AuctionDeposits::RecordedBy))
                    .col(timestamp_now(AuctionDeposits::RecordedAt))
                    .col(timestamp_now(AuctionDeposits::UpdatedAt))
                    .foreign_key(&mut fk(
                        AuctionDeposits::Table,
                        AuctionDeposits::AuctionId,
                        Auctions::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        AuctionDeposits::Table,
                        AuctionDeposits::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("auction_deposits_org_key", AuctionDeposits::OrganisationId),
            ("auction_deposits_paddle_key", AuctionDeposits::Paddle),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(AuctionDeposits::Table)
                        .col(AuctionDeposits::AuctionId)
                        .col(col)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(AuctionBids::Table)
                    .col(pk_uuid(AuctionBids::Id))
                    .col(uuid(AuctionBids::AuctionId))
                    .col(big_integer(AuctionBids::Seq))
                    .col(integer(AuctionBids::Paddle))
                    .col(uuid(AuctionBids::OrganisationId))
                    .col(uuid(AuctionBids::BidderId))
                    .col(minor_units(AuctionBids::AmountMinor))
                    // RFC 3339 UTC with milliseconds, as hashed: kept as text so that what
                    // was hashed is what is stored, byte for byte, on both databases.
                    .col(string_len(AuctionBids::PlacedAt, 32))
                    .col(string_len(AuctionBids::PrevHash, 64))
                    .col(string_len(AuctionBids::Hash, 64))
                    .foreign_key(&mut fk(
                        AuctionBids::Table,
                        AuctionBids::AuctionId,
                        Auctions::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("auction_bids_seq_key")
                    .table(AuctionBids::Table)
                    .col(AuctionBids::AuctionId)
                    .col(AuctionBids::Seq)
                    .unique()
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuctionBids::Table.into_iden(),
            AuctionDeposits::Table.into_iden(),
            Auctions::Table.into_iden(),
            PriceListings::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Achievements {
    Table,
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
}

#[derive(DeriveIden)]
enum PriceListings {
    Table,
    Id,
    AchievementId,
    ActiveFor,
    SellerOrganisationId,
    PriceMinor,
    Currency,
    StartsAt,
    EndsAt,
    Status,
    BuyerOrganisationId,
    DealId,
    SoldAt,
    BrokerId,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Auctions {
    Table,
    Id,
    AchievementId,
    ActiveFor,
    SellerOrganisationId,
    Currency,
    StartingPriceMinor,
    ReservePriceMinor,
    IncrementMinor,
    DepositMinor,
    StartsAt,
    EndsAt,
    ScheduledEndsAt,
    ExtensionWindowSecs,
    ExtensionSecs,
    Status,
    CurrentPriceMinor,
    BidCount,
    LeadingPaddle,
    LeadingOrganisationId,
    HeadHash,
    PaddleCount,
    DealId,
    ClosedAt,
    BrokerId,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuctionDeposits {
    Table,
    Id,
    AuctionId,
    OrganisationId,
    Paddle,
    AmountMinor,
    Currency,
    Status,
    Note,
    RecordedBy,
    RecordedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum AuctionBids {
    Table,
    Id,
    AuctionId,
    Seq,
    Paddle,
    OrganisationId,
    BidderId,
    AmountMinor,
    PlacedAt,
    PrevHash,
    Hash,
}
