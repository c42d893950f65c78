//! The registration office becomes a dimension of the turnover statistics (owned by deal):
//! `turnover_rollups.office_id`, the office that registered the contracts a row sums (the
//! office's id as text, `*` in the rows that sum every office), part of the rows' unique key.
//!
//! Backfill: a rollup row written before this migration sums contracts of possibly several
//! offices, so it cannot be given one office by an UPDATE; it has to be split. The migration
//! therefore rebuilds every rollup row from the registrations, in one INSERT … SELECT that
//! runs on SQLite and PostgreSQL alike (only the month, the id and the uuid-as-text
//! expressions differ): the same rows, grouping sets and sums as the `stats` queue's job
//! (`deal::domain::stats::rollup::recompute_month`) writes — detail rows, one subtotal per
//! single dimension, one total per month and basis — so an upgraded database answers by office
//! at once, without waiting for a worker. A registration with no office (none is left after
//! migration 21, which gave them the provincial office) counts for the provincial office, as
//! the job counts it. Sums that overflow BIGINT fail the migration instead of wrapping.
//!
//! `down` rebuilds the rows without the office and drops the column.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::m20261203_000021_registration_offices::PROVINCIAL_OFFICE_ID;

/// The code of "every value" in the subtotal rows.
const ALL: &str = "*";

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("turnover_rollups_dims_uniq")
                    .table(TurnoverRollups::Table)
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table(TurnoverRollups::Table)
                    .add_column(
                        ColumnDef::new(TurnoverRollups::OfficeId)
                            .string_len(36)
                            .not_null()
                            .default(ALL),
                    )
                    .to_owned(),
            )
            .await?;
        rebuild(manager, true).await?;
        manager
            .create_index(unique_dims("turnover_rollups_office_dims_uniq", true))
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_index(
                Index::drop()
                    .name("turnover_rollups_office_dims_uniq")
                    .table(TurnoverRollups::Table)
                    .to_owned(),
            )
            .await?;
        rebuild(manager, false).await?;
        manager
            .get_connection()
            .execute_unprepared("ALTER TABLE turnover_rollups DROP COLUMN office_id")
            .await?;
        manager
            .create_index(unique_dims("turnover_rollups_dims_uniq", false))
            .await
    }
}

fn unique_dims(name: &str, with_office: bool) -> IndexCreateStatement {
    let mut index = Index::create();
    index
        .name(name)
        .table(TurnoverRollups::Table)
        .col(TurnoverRollups::Month)
        .col(TurnoverRollups::Basis)
        .col(TurnoverRollups::RegionCode)
        .col(TurnoverRollups::Country)
        .col(TurnoverRollups::ContractType)
        .col(TurnoverRollups::IndustryCode);
    if with_office {
        index.col(TurnoverRollups::OfficeId);
    }
    index.unique().to_owned()
}

/// Replaces every rollup row with rows recomputed from the registered contracts.
async fn rebuild(manager: &SchemaManager<'_>, with_office: bool) -> Result<(), DbErr> {
    let db = manager.get_connection();
    db.execute_unprepared("DELETE FROM turnover_rollups")
        .await?;
    db.execute_unprepared(&rebuild_sql(db.get_database_backend(), with_office))
        .await?;
    Ok(())
}

/// The INSERT … SELECT of the rollups (see the module comment).
fn rebuild_sql(backend: DatabaseBackend, with_office: bool) -> String {
    let (month, new_id, office_text) = match backend {
        DatabaseBackend::Postgres => (
            "to_char(r.registered_on, 'YYYY-MM')".to_owned(),
            "gen_random_uuid()",
            "CAST(r.office_id AS TEXT)".to_owned(),
        ),
        _ => {
            // sqlx stores a uuid as 16 bytes on SQLite; the rollups hold its usual text form.
            let hex = "hex(r.office_id)";
            let text = format!(
                "lower(substr({hex}, 1, 8) || '-' || substr({hex}, 9, 4) || '-' || \
                 substr({hex}, 13, 4) || '-' || substr({hex}, 17, 4) || '-' || \
                 substr({hex}, 21, 12))"
            );
            (
                "substr(r.registered_on, 1, 7)".to_owned(),
                "randomblob(16)",
                format!(
                    "CASE WHEN typeof(r.office_id) = 'blob' THEN {text} \
                     ELSE lower(r.office_id) END"
                ),
            )
        }
    };
    let office = format!("COALESCE({office_text}, '{PROVINCIAL_OFFICE_ID}')");
    let city = |region: &str| {
        format!(
            "CASE WHEN length({region}) = 6 THEN substr({region}, 1, 4) || '00' ELSE {region} END"
        )
    };
    // One row per registered contract and basis: the Guangxi side's city, the counterpart's
    // country (the seller's for absorption, the buyer's for output).
    let side = |basis: &str, home: &str, other: &str| {
        format!(
            "SELECT {month} AS month, '{basis}' AS basis, {city} AS region_code, \
             c.{other}_country AS country, c.contract_type AS contract_type, \
             c.industry_code AS industry_code, {office} AS office_id, \
             c.contract_amount_cny_minor AS ca, c.tech_amount_cny_minor AS ta \
             FROM contracts c JOIN registrations r ON r.contract_id = c.id \
             WHERE r.status = 'registered' AND c.status = 'signed' \
             AND r.registered_on IS NOT NULL \
             AND c.{home}_country = 'CN' AND c.{home}_region_code LIKE '45%'",
            city = city(&format!("c.{home}_region_code")),
        )
    };
    let counted = format!(
        "{} UNION ALL {}",
        side("output", "seller", "buyer"),
        side("absorption", "buyer", "seller")
    );
    let mut dims = vec!["region_code", "country", "contract_type", "industry_code"];
    if with_office {
        dims.push("office_id");
    }
    // The grouping sets: every dimension (detail), each one alone, none (the month's total).
    let mut sets: Vec<Vec<&str>> = vec![dims.clone()];
    sets.extend(dims.iter().map(|d| vec![*d]));
    sets.push(Vec::new());
    let selects: Vec<String> = sets
        .iter()
        .map(|set| {
            let cells: Vec<String> = dims
                .iter()
                .map(|d| {
                    if set.contains(d) {
                        (*d).to_owned()
                    } else {
                        format!("'{ALL}'")
                    }
                })
                .collect();
            let mut group = vec!["month", "basis"];
            group.extend(set.iter().copied());
            format!(
                "SELECT month, basis, {}, COUNT(*) AS n, SUM(ca) AS ca, SUM(ta) AS ta \
                 FROM counted GROUP BY {}",
                cells.join(", "),
                group.join(", ")
            )
        })
        .collect();
    format!(
        "WITH counted AS ({counted}), grouped AS ({sets}) \
         INSERT INTO turnover_rollups (id, month, basis, {dims}, contract_count, \
         contract_amount_cny_minor, tech_amount_cny_minor) \
         SELECT {new_id}, month, basis, {dims}, CAST(n AS BIGINT), CAST(ca AS BIGINT), \
         CAST(ta AS BIGINT) FROM grouped",
        sets = selects.join(" UNION ALL "),
        dims = dims.join(", "),
    )
}

#[derive(DeriveIden)]
enum TurnoverRollups {
    Table,
    Month,
    Basis,
    RegionCode,
    Country,
    ContractType,
    IndustryCode,
    OfficeId,
}
