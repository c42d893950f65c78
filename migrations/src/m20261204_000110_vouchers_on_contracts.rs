//! The rest of issue #16 in the deal service's tables: vouchers that pay technology contracts,
//! documents on service orders, and services their provider withdraws.
//!
//! - `voucher_programmes.pays_contracts`: whether the programme's vouchers may pay a technology
//!   contract (besides service orders). Existing programmes keep paying orders only.
//! - `vouchers.contract_id`, `voucher_ledger.contract_id`: the contract a voucher paid and the
//!   ledger lines that name it (a line names an order or a contract, never both).
//! - `contracts.voucher_paid_minor`: how much of the contract amount vouchers have paid; moved
//!   only by a guarded UPDATE that keeps it within the contract amount, so vouchers never pay
//!   one contract beyond its amount however many redeem at once.
//! - `services.withdrawn_at` / `withdrawn_by`: a withdrawn service leaves the directory; its open
//!   orders finish, new requests are refused.
//! - `service_order_documents`: quotes, test reports, delivery notes attached to an order; the
//!   bytes in the document store under `service_orders/<order>/<document>` keys (deal's own
//!   namespace, swept like `contracts/`).
//!
//! The new id columns on existing tables have no foreign key: SQLite cannot add one to an
//! existing table. The domain writes them only with ids it has just read.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::columns::{add_column as add, fk, minor_units, timestamp_now};

#[derive(DeriveMigrationName)]
pub struct Migration;

async fn drop(
    manager: &SchemaManager<'_>,
    table: impl IntoIden + 'static,
    col: impl IntoIden + 'static,
) -> Result<(), DbErr> {
    manager
        .alter_table(Table::alter().table(table).drop_column(col).to_owned())
        .await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add(
            manager,
            VoucherProgrammes::Table,
            boolean(VoucherProgrammes::PaysContracts)
                .default(false)
                .take(),
        )
        .await?;
        add(manager, Vouchers::Table, uuid_null(Vouchers::ContractId)).await?;
        add(
            manager,
            VoucherLedger::Table,
            uuid_null(VoucherLedger::ContractId),
        )
        .await?;
        add(
            manager,
            Contracts::Table,
            minor_units(Contracts::VoucherPaidMinor),
        )
        .await?;
        add(
            manager,
            Services::Table,
            timestamp_with_time_zone_null(Services::WithdrawnAt),
        )
        .await?;
        add(manager, Services::Table, uuid_null(Services::WithdrawnBy)).await?;
        // The vouchers that paid a contract (the contract page lists them).
        manager
            .create_index(
                Index::create()
                    .name("vouchers_contract_idx")
                    .table(Vouchers::Table)
                    .col(Vouchers::ContractId)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ServiceOrderDocuments::Table)
                    .col(pk_uuid(ServiceOrderDocuments::Id))
                    .col(uuid(ServiceOrderDocuments::OrderId))
                    // wire::vocabulary::services::OrderDocumentKind
                    .col(string_len(ServiceOrderDocuments::Kind, 32))
                    .col(string_len(ServiceOrderDocuments::FileName, 255))
                    .col(string_len(ServiceOrderDocuments::ContentType, 100))
                    .col(big_integer(ServiceOrderDocuments::SizeBytes))
                    .col(string_len(ServiceOrderDocuments::Sha256, 64))
                    .col(string_len(ServiceOrderDocuments::StorageKey, 200).unique_key())
                    .col(uuid(ServiceOrderDocuments::UploadedBy))
                    .col(uuid(ServiceOrderDocuments::UploadedByOrganisationId))
                    .col(timestamp_now(ServiceOrderDocuments::CreatedAt))
                    .foreign_key(&mut fk(
                        ServiceOrderDocuments::Table,
                        ServiceOrderDocuments::OrderId,
                        ServiceOrders::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // An order's documents, newest first.
        manager
            .create_index(
                Index::create()
                    .name("service_order_documents_order_idx")
                    .table(ServiceOrderDocuments::Table)
                    .col(ServiceOrderDocuments::OrderId)
                    .col(ServiceOrderDocuments::CreatedAt)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ServiceOrderDocuments::Table).to_owned())
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name("vouchers_contract_idx")
                    .table(Vouchers::Table)
                    .to_owned(),
            )
            .await?;
        drop(manager, Services::Table, Services::WithdrawnBy).await?;
        drop(manager, Services::Table, Services::WithdrawnAt).await?;
        drop(manager, Contracts::Table, Contracts::VoucherPaidMinor).await?;
        drop(manager, VoucherLedger::Table, VoucherLedger::ContractId).await?;
        drop(manager, Vouchers::Table, Vouchers::ContractId).await?;
        drop(
            manager,
            VoucherProgrammes::Table,
            VoucherProgrammes::PaysContracts,
        )
        .await
    }
}

#[derive(DeriveIden)]
enum VoucherProgrammes {
    Table,
    PaysContracts,
}

#[derive(DeriveIden)]
enum Vouchers {
    Table,
    ContractId,
}

#[derive(DeriveIden)]
enum VoucherLedger {
    Table,
    ContractId,
}

#[derive(DeriveIden)]
enum Contracts {
    Table,
    VoucherPaidMinor,
}

#[derive(DeriveIden)]
enum Services {
    Table,
    WithdrawnAt,
    WithdrawnBy,
}

#[derive(DeriveIden)]
enum ServiceOrders {
    Table,
}

#[derive(DeriveIden)]
enum ServiceOrderDocuments {
    Table,
    Id,
    OrderId,
    Kind,
    FileName,
    ContentType,
    SizeBytes,
    Sha256,
    StorageKey,
    UploadedBy,
    UploadedByOrganisationId,
    CreatedAt,
}
