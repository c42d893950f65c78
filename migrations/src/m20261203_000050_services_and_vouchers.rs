//! The service market and innovation vouchers (issue #16): services organisations publish
//! (中试, 概念验证, 检验检测…) with their industry fields, orders for them and each order's
//! history, voucher programmes (科技创新券), the vouchers enterprises apply for, and each
//! programme's append-only ledger.
//!
//! Owner: deal writes all of them (they are commercial records like deals and contracts).
//! The programme's running totals (`issued_minor`…) move only in the transaction that inserts
//! the ledger line they sum, under a guarded UPDATE, so they always equal the ledger. A voucher
//! has at most one line of each kind (unique index): whatever the code does, the database will
//! not record a voucher issued, redeemed or claimed twice. Triggers refuse UPDATE and DELETE
//! on `voucher_ledger` (as on `audit_log`), so its lines cannot be rewritten by a bug either.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use sea_orm_migration::sea_orm::DatabaseBackend;

use crate::columns::{fk, minor_units, timestamp_now, version};

/// PostgreSQL: one function, raised from row triggers on UPDATE and DELETE and a statement
/// trigger on TRUNCATE (which bypasses row triggers).
const PG_UP: &[&str] = &[
    "CREATE OR REPLACE FUNCTION voucher_ledger_append_only() RETURNS trigger AS $$
     BEGIN
         RAISE EXCEPTION 'voucher_ledger is append-only: % is not allowed', TG_OP;
     END;
     $$ LANGUAGE plpgsql",
    "CREATE TRIGGER voucher_ledger_no_update BEFORE UPDATE ON voucher_ledger
     FOR EACH ROW EXECUTE FUNCTION voucher_ledger_append_only()",
    "CREATE TRIGGER voucher_ledger_no_delete BEFORE DELETE ON voucher_ledger
     FOR EACH ROW EXECUTE FUNCTION voucher_ledger_append_only()",
    "CREATE TRIGGER voucher_ledger_no_truncate BEFORE TRUNCATE ON voucher_ledger
     FOR EACH STATEMENT EXECUTE FUNCTION voucher_ledger_append_only()",
];

const PG_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS voucher_ledger_no_truncate ON voucher_ledger",
    "DROP TRIGGER IF EXISTS voucher_ledger_no_delete ON voucher_ledger",
    "DROP TRIGGER IF EXISTS voucher_ledger_no_update ON voucher_ledger",
    "DROP FUNCTION IF EXISTS voucher_ledger_append_only()",
];

const SQLITE_UP: &[&str] = &[
    "CREATE TRIGGER voucher_ledger_no_update BEFORE UPDATE ON voucher_ledger
     BEGIN SELECT RAISE(ABORT, 'voucher_ledger is append-only: UPDATE is not allowed'); END",
    "CREATE TRIGGER voucher_ledger_no_delete BEFORE DELETE ON voucher_ledger
     BEGIN SELECT RAISE(ABORT, 'voucher_ledger is append-only: DELETE is not allowed'); END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TRIGGER IF EXISTS voucher_ledger_no_delete",
    "DROP TRIGGER IF EXISTS voucher_ledger_no_update",
];

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Services::Table)
                    .col(pk_uuid(Services::Id))
                    .col(uuid(Services::OrganisationId))
                    // pilot_scale | proof_of_concept | testing | evaluation | ip_agency | consulting
                    .col(string_len(Services::Kind, 32))
                    .col(string_len(Services::Title, 200))
                    .col(text(Services::Description))
                    .col(string_len_null(Services::Capacity, 500))
                    .col(integer(Services::LeadTimeDays))
                    .col(minor_units(Services::PriceMinMinor))
                    .col(minor_units(Services::PriceMaxMinor))
                    .col(string_len(Services::Currency, 3))
                    .col(string_len_null(Services::Accreditation, 200))
                    .col(string_len(Services::RegionCode, 16))
                    .col(boolean(Services::Sample).default(false))
                    .col(uuid(Services::CreatedBy))
                    .col(version(Services::Version))
                    .col(timestamp_now(Services::CreatedAt))
                    .col(timestamp_now(Services::UpdatedAt))
                    .foreign_key(&mut fk(
                        Services::Table,
                        Services::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("services_kind_idx", Services::Kind),
            ("services_region_idx", Services::RegionCode),
            ("services_organisation_idx", Services::OrganisationId),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(Services::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        // A service's industry fields, one row each, so the directory filters by field with an
        // indexed lookup on both databases (a JSON list cannot be searched the same way on both).
        manager
            .create_table(
                Table::create()
                    .table(ServiceFields::Table)
                    .col(uuid(ServiceFields::ServiceId))
                    .col(string_len(ServiceFields::IndustryCode, 64))
                    .col(integer(ServiceFields::Position))
                    .primary_key(
                        Index::create()
                            .col(ServiceFields::ServiceId)
                            .col(ServiceFields::IndustryCode),
                    )
                    .foreign_key(&mut fk(
                        ServiceFields::Table,
                        ServiceFields::ServiceId,
                        Services::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("service_fields_code_idx")
                    .table(ServiceFields::Table)
                    .col(ServiceFields::IndustryCode)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ServiceOrders::Table)
                    .col(pk_uuid(ServiceOrders::Id))
                    .col(uuid(ServiceOrders::ServiceId))
                    .col(uuid(ServiceOrders::ProviderOrganisationId))
                    .col(uuid(ServiceOrders::RequesterOrganisationId))
                    // requested | quoted | accepted | delivered | confirmed
                    .col(string_len(ServiceOrders::State, 16))
                    .col(text(ServiceOrders::Description))
                    .col(big_integer_null(ServiceOrders::QuoteMinor))
                    .col(string_len(ServiceOrders::Currency, 3))
                    // The voucher that paid part of it; set once, by a guarded UPDATE.
                    .col(uuid_null(ServiceOrders::VoucherId))
                    .col(minor_units(ServiceOrders::VoucherMinor))
                    .col(uuid(ServiceOrders::RequestedBy))
                    .col(version(ServiceOrders::Version))
                    .col(timestamp_now(ServiceOrders::CreatedAt))
                    .col(timestamp_now(ServiceOrders::UpdatedAt))
                    .foreign_key(&mut fk(
                        ServiceOrders::Table,
                        ServiceOrders::ServiceId,
                        Services::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ServiceOrders::Table,
                        ServiceOrders::ProviderOrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        ServiceOrders::Table,
                        ServiceOrders::RequesterOrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            (
                "service_orders_provider_idx",
                ServiceOrders::ProviderOrganisationId,
            ),
            (
                "service_orders_requester_idx",
                ServiceOrders::RequesterOrganisationId,
            ),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table(ServiceOrders::Table)
                        .col(col)
                        .to_owned(),
                )
                .await?;
        }

        manager
            .create_table(
                Table::create()
                    .table(ServiceOrderEvents::Table)
                    .col(pk_uuid(ServiceOrderEvents::Id))
                    .col(uuid(ServiceOrderEvents::OrderId))
                    // the state reached, or `voucher`
                    .col(string_len(ServiceOrderEvents::Kind, 16))
                    .col(uuid(ServiceOrderEvents::ActorId))
                    .col(text_null(ServiceOrderEvents::Note))
                    .col(big_integer_null(ServiceOrderEvents::AmountMinor))
                    .col(timestamp_now(ServiceOrderEvents::CreatedAt))
                    .foreign_key(&mut fk(
                        ServiceOrderEvents::Table,
                        ServiceOrderEvents::OrderId,
                        ServiceOrders::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("service_order_events_order_idx")
                    .table(ServiceOrderEvents::Table)
                    .col(ServiceOrderEvents::OrderId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(VoucherProgrammes::Table)
                    .col(pk_uuid(VoucherProgrammes::Id))
                    .col(string_len(VoucherProgrammes::Name, 200))
                    .col(string_len(VoucherProgrammes::Issuer, 200))
                    .col(minor_units(VoucherProgrammes::BudgetMinor))
                    .col(string_len(VoucherProgrammes::Currency, 3))
                    .col(json_binary(VoucherProgrammes::EligibleOrgKinds))
                    .col(json_binary(VoucherProgrammes::EligibleServiceKinds))
                    .col(big_integer_null(VoucherProgrammes::FaceValueMinor))
                    .col(integer_null(VoucherProgrammes::ShareBp))
                    .col(big_integer_null(VoucherProgrammes::CapMinor))
                    .col(date(VoucherProgrammes::ValidFrom))
                    .col(date(VoucherProgrammes::ValidUntil))
                    .col(boolean(VoucherProgrammes::CrossRegion))
                    .col(string_len(VoucherProgrammes::HomeRegion, 16))
                    // Running sums of the ledger's lines of each kind.
                    .col(minor_units(VoucherProgrammes::IssuedMinor))
                    .col(minor_units(VoucherProgrammes::RedeemedMinor))
                    .col(minor_units(VoucherProgrammes::ReleasedMinor))
                    .col(minor_units(VoucherProgrammes::ClaimedMinor))
                    .col(boolean(VoucherProgrammes::Sample).default(false))
                    .col(uuid(VoucherProgrammes::CreatedBy))
                    .col(timestamp_now(VoucherProgrammes::CreatedAt))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Vouchers::Table)
                    .col(pk_uuid(Vouchers::Id))
                    .col(uuid(Vouchers::ProgrammeId))
                    .col(uuid(Vouchers::OrganisationId))
                    // The holder's region when it applied (the report groups by it).
                    .col(string_len(Vouchers::RegionCode, 16))
                    // applied | issued | refused | redeemed | claimed
                    .col(string_len(Vouchers::State, 16))
                    .col(text(Vouchers::Purpose))
                    .col(minor_units(Vouchers::ReservedMinor))
                    .col(minor_units(Vouchers::RedeemedMinor))
                    .col(string_len(Vouchers::Currency, 3))
                    .col(uuid_null(Vouchers::OrderId))
                    .col(text_null(Vouchers::DecisionNote))
                    .col(uuid(Vouchers::AppliedBy))
                    .col(timestamp_now(Vouchers::AppliedAt))
                    .col(uuid_null(Vouchers::DecidedBy))
                    .col(timestamp_with_time_zone_null(Vouchers::DecidedAt))
                    .col(version(Vouchers::Version))
                    .foreign_key(&mut fk(
                        Vouchers::Table,
                        Vouchers::ProgrammeId,
                        VoucherProgrammes::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Vouchers::Table,
                        Vouchers::OrganisationId,
                        Organisations::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        Vouchers::Table,
                        Vouchers::OrderId,
                        ServiceOrders::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        // One voucher per organisation and programme: two applications at once meet here.
        manager
            .create_index(
                Index::create()
                    .name("vouchers_programme_org_key")
                    .table(Vouchers::Table)
                    .col(Vouchers::ProgrammeId)
                    .col(Vouchers::OrganisationId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // An order is paid by at most one voucher (NULLs, unredeemed vouchers, do not collide).
        manager
            .create_index(
                Index::create()
                    .name("vouchers_order_key")
                    .table(Vouchers::Table)
                    .col(Vouchers::OrderId)
                    .unique()
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(VoucherLedger::Table)
                    .col(pk_uuid(VoucherLedger::Id))
                    .col(uuid(VoucherLedger::ProgrammeId))
                    .col(uuid(VoucherLedger::VoucherId))
                    // issue | redeem | release | claim
                    .col(string_len(VoucherLedger::Kind, 16))
                    .col(minor_units(VoucherLedger::AmountMinor))
                    .col(string_len(VoucherLedger::Currency, 3))
                    .col(uuid_null(VoucherLedger::OrderId))
                    .col(string_len(VoucherLedger::RegionCode, 16))
                    .col(string_len_null(VoucherLedger::ServiceKind, 32))
                    .col(uuid(VoucherLedger::ActorId))
                    .col(timestamp_now(VoucherLedger::CreatedAt))
                    .foreign_key(&mut fk(
                        VoucherLedger::Table,
                        VoucherLedger::ProgrammeId,
                        VoucherProgrammes::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .foreign_key(&mut fk(
                        VoucherLedger::Table,
                        VoucherLedger::VoucherId,
                        Vouchers::Table,
                        ForeignKeyAction::Restrict,
                    ))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("voucher_ledger_voucher_kind_key")
                    .table(VoucherLedger::Table)
                    .col(VoucherLedger::VoucherId)
                    .col(VoucherLedger::Kind)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("voucher_ledger_programme_idx")
                    .table(VoucherLedger::Table)
                    .col(VoucherLedger::ProgrammeId)
                    .col(VoucherLedger::CreatedAt)
                    .to_owned(),
            )
            .await?;
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => PG_UP,
            _ => SQLITE_UP,
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        let statements = match manager.get_database_backend() {
            DatabaseBackend::Postgres => PG_DOWN,
            _ => SQLITE_DOWN,
        };
        for sql in statements {
            db.execute_unprepared(sql).await?;
        }
        for table in [
            VoucherLedger::Table.into_iden(),
            Vouchers::Table.into_iden(),
            VoucherProgrammes::Table.into_iden(),
            ServiceOrderEvents::Table.into_iden(),
            ServiceOrders::Table.into_iden(),
            ServiceFields::Table.into_iden(),
            Services::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Organisations {
    Table,
}

#[derive(DeriveIden)]
enum Services {
    Table,
    Id,
    OrganisationId,
    Kind,
    Title,
    Description,
    Capacity,
    LeadTimeDays,
    PriceMinMinor,
    PriceMaxMinor,
    Currency,
    Accreditation,
    RegionCode,
    Sample,
    CreatedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ServiceFields {
    Table,
    ServiceId,
    IndustryCode,
    Position,
}

#[derive(DeriveIden)]
enum ServiceOrders {
    Table,
    Id,
    ServiceId,
    ProviderOrganisationId,
    RequesterOrganisationId,
    State,
    Description,
    QuoteMinor,
    Currency,
    VoucherId,
    VoucherMinor,
    RequestedBy,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum ServiceOrderEvents {
    Table,
    Id,
    OrderId,
    Kind,
    ActorId,
    Note,
    AmountMinor,
    CreatedAt,
}

#[derive(DeriveIden)]
enum VoucherProgrammes {
    Table,
    Id,
    Name,
    Issuer,
    BudgetMinor,
    Currency,
    EligibleOrgKinds,
    EligibleServiceKinds,
    FaceValueMinor,
    ShareBp,
    CapMinor,
    ValidFrom,
    ValidUntil,
    CrossRegion,
    HomeRegion,
    IssuedMinor,
    RedeemedMinor,
    ReleasedMinor,
    ClaimedMinor,
    Sample,
    CreatedBy,
    CreatedAt,
}

#[derive(DeriveIden)]
enum Vouchers {
    Table,
    Id,
    ProgrammeId,
    OrganisationId,
    RegionCode,
    State,
    Purpose,
    ReservedMinor,
    RedeemedMinor,
    Currency,
    OrderId,
    DecisionNote,
    AppliedBy,
    AppliedAt,
    DecidedBy,
    DecidedAt,
    Version,
}

#[derive(DeriveIden)]
enum VoucherLedger {
    Table,
    Id,
    ProgrammeId,
    VoucherId,
    Kind,
    AmountMinor,
    Currency,
    OrderId,
    RegionCode,
    ServiceKind,
    ActorId,
    CreatedAt,
}
