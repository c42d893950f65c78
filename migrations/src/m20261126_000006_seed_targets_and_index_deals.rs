//! The deal service's second migration: seeds the targets table with the indicators of the
//! Guangxi 2021-2025 plan (`../shared/domain.md`, table 1) and adds the indexes the deal,
//! contract and statistics queries filter on.
//!
//! Seeded targets are data, editable per year by operators through `/api/v1/targets`; `down`
//! removes only the seeded rows (by their fixed ids).

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// When the seed rows were written (fixed, so the migration is reproducible).
const SEEDED_AT: &str = "2026-11-26T00:00:00+00:00";
/// Where the seeded figures come from.
const SOURCE: &str =
    "广西科技创新“十四五”规划 表1 / Guangxi S&T innovation plan 2021-2025, table 1";

/// One seeded target: (fixed id, year, indicator, target, baseline, baseline year, unit).
type Seed = (
    &'static str,
    i32,
    &'static str,
    i64,
    Option<i64>,
    Option<i32>,
    &'static str,
);

const SEEDS: &[Seed] = &[
    // 1200 亿元 = 1.2e11 CNY = 1.2e13 fen; 2020: 565.71 亿元 = 5_657_100_000_000 fen.
    (
        "0193a000-0000-7000-8000-000000000001",
        2025,
        "contract_turnover",
        12_000_000_000_000,
        Some(5_657_100_000_000),
        Some(2020),
        "fen",
    ),
    (
        "0193a000-0000-7000-8000-000000000002",
        2025,
        "achievements_transferred",
        3000,
        None,
        None,
        "count",
    ),
    (
        "0193a000-0000-7000-8000-000000000003",
        2025,
        "enterprises_served",
        20000,
        None,
        None,
        "count",
    ),
    (
        "0193a000-0000-7000-8000-000000000004",
        2025,
        "brokers_trained",
        1500,
        None,
        None,
        "count",
    ),
];

/// A UUID literal both databases store the way sea-orm reads it back: PostgreSQL coerces a
/// quoted literal to `uuid`; sqlx keeps UUIDs in SQLite as 16-byte blobs.
fn uuid_literal(backend: sea_orm::DatabaseBackend, id: &str) -> String {
    match backend {
        sea_orm::DatabaseBackend::Sqlite => format!("X'{}'", id.replace('-', "")),
        _ => format!("'{id}'"),
    }
}

async fn index(
    manager: &SchemaManager<'_>,
    name: &str,
    table: impl IntoIden + 'static,
    cols: Vec<DynIden>,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(name).table(table);
    for col in cols {
        stmt.col(col);
    }
    manager.create_index(stmt).await
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        for (id, year, indicator, target, baseline, baseline_year, unit) in SEEDS {
            let mut insert = Query::insert();
            insert
                .into_table(Targets::Table)
                .columns([
                    Targets::Id,
                    Targets::Year,
                    Targets::Indicator,
                    Targets::TargetValue,
                    Targets::BaselineValue,
                    Targets::BaselineYear,
                    Targets::Unit,
                    Targets::Source,
                    Targets::Version,
                    Targets::CreatedAt,
                    Targets::UpdatedAt,
                ])
                .values([
                    Expr::cust(uuid_literal(backend, id)),
                    Expr::val(*year).into(),
                    Expr::val(*indicator).into(),
                    Expr::val(*target).into(),
                    Expr::val(*baseline).into(),
                    Expr::val(*baseline_year).into(),
                    Expr::val(*unit).into(),
                    Expr::val(SOURCE).into(),
                    Expr::val(1).into(),
                    Expr::cust(format!("'{SEEDED_AT}'")),
                    Expr::cust(format!("'{SEEDED_AT}'")),
                ])
                .map_err(|e| DbErr::Custom(format!("Failed to build the targets seed: {e}")))?;
            manager.exec_stmt(insert).await?;
        }

        index(
            manager,
            "registrations_status_on_idx",
            Registrations::Table,
            vec![
                Registrations::Status.into_iden(),
                Registrations::RegisteredOn.into_iden(),
            ],
        )
        .await?;
        index(
            manager,
            "contracts_deal_idx",
            Contracts::Table,
            vec![Contracts::DealId.into_iden()],
        )
        .await?;
        index(
            manager,
            "contracts_seller_org_idx",
            Contracts::Table,
            vec![Contracts::SellerOrganisationId.into_iden()],
        )
        .await?;
        index(
            manager,
            "contracts_buyer_org_idx",
            Contracts::Table,
            vec![Contracts::BuyerOrganisationId.into_iden()],
        )
        .await?;
        index(
            manager,
            "contract_brokers_contract_idx",
            ContractBrokers::Table,
            vec![ContractBrokers::ContractId.into_iden()],
        )
        .await?;
        index(
            manager,
            "contract_brokers_broker_idx",
            ContractBrokers::Table,
            vec![ContractBrokers::BrokerId.into_iden()],
        )
        .await?;
        index(
            manager,
            "contract_cost_lines_contract_idx",
            ContractCostLines::Table,
            vec![ContractCostLines::ContractId.into_iden()],
        )
        .await?;
        index(
            manager,
            "deal_brokers_deal_idx",
            DealBrokers::Table,
            vec![DealBrokers::DealId.into_iden()],
        )
        .await?;
        index(
            manager,
            "attributions_deal_idx",
            Attributions::Table,
            vec![Attributions::DealId.into_iden()],
        )
        .await?;
        index(
            manager,
            "attributions_broker_idx",
            Attributions::Table,
            vec![Attributions::BrokerId.into_iden()],
        )
        .await?;
        index(
            manager,
            "deals_seller_org_idx",
            Deals::Table,
            vec![Deals::SellerOrganisationId.into_iden()],
        )
        .await?;
        index(
            manager,
            "deals_buyer_org_idx",
            Deals::Table,
            vec![Deals::BuyerOrganisationId.into_iden()],
        )
        .await?;
        index(
            manager,
            "milestones_contract_idx",
            Milestones::Table,
            vec![Milestones::ContractId.into_iden()],
        )
        .await?;
        index(
            manager,
            "payments_contract_idx",
            Payments::Table,
            vec![Payments::ContractId.into_iden()],
        )
        .await?;
        index(
            manager,
            "turnover_rollups_basis_month_idx",
            TurnoverRollups::Table,
            vec![
                TurnoverRollups::Basis.into_iden(),
                TurnoverRollups::Month.into_iden(),
            ],
        )
        .await?;
        // Finds one grouping set (subtotal rows have `*` in the other dimensions) quickly.
        index(
            manager,
            "turnover_rollups_sets_idx",
            TurnoverRollups::Table,
            vec![
                TurnoverRollups::Basis.into_iden(),
                TurnoverRollups::IndustryCode.into_iden(),
                TurnoverRollups::ContractType.into_iden(),
                TurnoverRollups::Country.into_iden(),
                TurnoverRollups::RegionCode.into_iden(),
                TurnoverRollups::Month.into_iden(),
            ],
        )
        .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table) in [
            (
                "turnover_rollups_sets_idx",
                TurnoverRollups::Table.into_iden(),
            ),
            (
                "turnover_rollups_basis_month_idx",
                TurnoverRollups::Table.into_iden(),
            ),
            ("payments_contract_idx", Payments::Table.into_iden()),
            ("milestones_contract_idx", Milestones::Table.into_iden()),
            ("deals_buyer_org_idx", Deals::Table.into_iden()),
            ("deals_seller_org_idx", Deals::Table.into_iden()),
            ("attributions_broker_idx", Attributions::Table.into_iden()),
            ("attributions_deal_idx", Attributions::Table.into_iden()),
            ("deal_brokers_deal_idx", DealBrokers::Table.into_iden()),
            (
                "contract_cost_lines_contract_idx",
                ContractCostLines::Table.into_iden(),
            ),
            (
                "contract_brokers_broker_idx",
                ContractBrokers::Table.into_iden(),
            ),
            (
                "contract_brokers_contract_idx",
                ContractBrokers::Table.into_iden(),
            ),
            ("contracts_buyer_org_idx", Contracts::Table.into_iden()),
            ("contracts_seller_org_idx", Contracts::Table.into_iden()),
            ("contracts_deal_idx", Contracts::Table.into_iden()),
            (
                "registrations_status_on_idx",
                Registrations::Table.into_iden(),
            ),
        ] {
            manager
                .drop_index(Index::drop().name(name).table(table).to_owned())
                .await?;
        }
        let backend = manager.get_database_backend();
        for (id, ..) in SEEDS {
            let delete = Query::delete()
                .from_table(Targets::Table)
                .and_where(Expr::col(Targets::Id).eq(Expr::cust(uuid_literal(backend, id))))
                .to_owned();
            manager.exec_stmt(delete).await?;
        }
        Ok(())
    }
}

#[derive(DeriveIden)]
enum Targets {
    Table,
    Id,
    Year,
    Indicator,
    TargetValue,
    BaselineValue,
    BaselineYear,
    Unit,
    Source,
    Version,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden)]
enum Registrations {
    Table,
    Status,
    RegisteredOn,
}

#[derive(DeriveIden)]
enum Contracts {
    Table,
    DealId,
    SellerOrganisationId,
    BuyerOrganisationId,
}

#[derive(DeriveIden)]
enum ContractBrokers {
    Table,
    ContractId,
    BrokerId,
}

#[derive(DeriveIden)]
enum ContractCostLines {
    Table,
    ContractId,
}

#[derive(DeriveIden)]
enum DealBrokers {
    Table,
    DealId,
}

#[derive(DeriveIden)]
enum Attributions {
    Table,
    DealId,
    BrokerId,
}

#[derive(DeriveIden)]
enum Deals {
    Table,
    SellerOrganisationId,
    BuyerOrganisationId,
}

#[derive(DeriveIden)]
enum Milestones {
    Table,
    ContractId,
}

#[derive(DeriveIden)]
enum Payments {
    Table,
    ContractId,
}

#[derive(DeriveIden)]
enum TurnoverRollups {
    Table,
    Basis,
    Month,
    IndustryCode,
    ContractType,
    Country,
    RegionCode,
}
