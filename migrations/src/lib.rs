//! The one TechMarket schema, shared by the listing, matching and deal services.
//!
//! Every migration is written with sea-query's schema builder so the same file applies on
//! SQLite (embedded mode) and PostgreSQL (production). A merged migration is never edited:
//! later changes are new files, listed in order below.

pub use sea_orm_migration::prelude::*;

pub use m20261203_000021_registration_offices::PROVINCIAL_OFFICE_ID;

mod columns;
mod m20261126_000001_create_platform_tables;
mod m20261126_000002_create_listing_tables;
mod m20261126_000003_create_matching_tables;
mod m20261126_000004_create_deal_tables;
mod m20261126_000005_create_imports;
mod m20261126_000006_seed_targets_and_index_deals;
mod m20261202_000007_accounts_and_audit;
mod m20261202_000008_listing_revisions;
mod m20261203_000009_create_listing_embeddings;
mod m20261203_000021_registration_offices;
mod m20261203_000030_contract_documents;
mod m20261203_000040_create_tech_transfer_tables;
mod m20261203_000050_services_and_vouchers;
mod m20261203_000060_training_agencies_partners;
mod m20261203_000070_listed_price_and_auctions;
mod m20261203_000090_listing_documents;
mod m20261204_000100_office_statistics;
mod m20261204_000110_vouchers_on_contracts;
mod m20261204_000120_auction_cancel_refunds;
mod m20261204_000130_rollup_grouping_sets;

/// Applies and reverts the schema; `techmarket migrate` and the tests drive it.
pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261126_000001_create_platform_tables::Migration),
            Box::new(m20261126_000002_create_listing_tables::Migration),
            Box::new(m20261126_000003_create_matching_tables::Migration),
            Box::new(m20261126_000004_create_deal_tables::Migration),
            Box::new(m20261126_000005_create_imports::Migration),
            Box::new(m20261126_000006_seed_targets_and_index_deals::Migration),
            Box::new(m20261202_000007_accounts_and_audit::Migration),
            Box::new(m20261202_000008_listing_revisions::Migration),
            Box::new(m20261203_000009_create_listing_embeddings::Migration),
            Box::new(m20261203_000021_registration_offices::Migration),
            Box::new(m20261203_000030_contract_documents::Migration),
            Box::new(m20261203_000040_create_tech_transfer_tables::Migration),
            Box::new(m20261203_000050_services_and_vouchers::Migration),
            Box::new(m20261203_000060_training_agencies_partners::Migration),
            Box::new(m20261203_000090_listing_documents::Migration),
            Box::new(m20261203_000070_listed_price_and_auctions::Migration),
            Box::new(m20261204_000100_office_statistics::Migration),
            Box::new(m20261204_000110_vouchers_on_contracts::Migration),
            Box::new(m20261204_000120_auction_cancel_refunds::Migration),
            Box::new(m20261204_000130_rollup_grouping_sets::Migration),
        ]
    }
}
