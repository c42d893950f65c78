//! The rollups name their grouping set, and gain the office beside each other dimension
//! (issue #14's benchmark: one office's "by city" read 91 ms on SQLite and 157 ms on
//! PostgreSQL at 1M contracts, summed from the detail rows; the goal is 20 ms).
//!
//! - `turnover_rollups.grouping_set`: which set a row belongs to — `total`, one dimension
//!   (`city`, `country`, `contract_type`, `industry`, `office`), the office beside one other
//!   (`city+office`, `country+office`, `contract_type+office`, `industry+office`) or
//!   `detail`. Until now a reader told the sets apart by which cells were `*`, which no
//!   index can seek; the new index `(grouping_set, basis, month)` reads exactly one set's
//!   rows for a range of months.
//! - Backfill, the same on SQLite and PostgreSQL: existing rows are named by their `*`
//!   pattern (the sets migration 100 and the `stats` job wrote: total, each dimension alone,
//!   detail), and the four office pairs are summed from the detail rows by INSERT … SELECT,
//!   so an upgraded database answers at once, before any worker runs. A pair's sums are
//!   bounded by the month's total, which already fits a BIGINT.
//!
//! The column's default is the empty name, which no reader asks for: during a rolling
//! deploy (migrate, then roll the services) a deal worker built before this migration still
//! writes its rows without a name, and those rows must not be read as any set, the detail
//! least of all. The deal service recomputes every month that has such rows when it starts
//! (`deal::domain::stats::recompute_unnamed`).
//!
//! `down` deletes the pair rows and drops the index and the column. The names are those of
//! `deal::domain::stats::grouping`, which writes them from now on.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DatabaseBackend};

use crate::columns::add_column;

#[derive(DeriveMigrationName)]
pub struct Migration;

const INDEX: &str = "turnover_rollups_grouping_set_idx";

/// The rollup columns of the five dimensions, in the order set names list them.
const DIMS: [(&str, &str); 5] = [
    ("region_code", "city"),
    ("country", "country"),
    ("contract_type", "contract_type"),
    ("industry_code", "industry"),
    ("office_id", "office"),
];

/// The sets written before this migration, by which of [`DIMS`] hold real values.
const EXISTING: [(&str, [bool; 5]); 7] = [
    ("total", [false, false, false, false, false]),
    ("city", [true, false, false, false, false]),
    ("country", [false, true, false, false, false]),
    ("contract_type", [false, false, true, false, false]),
    ("industry", [false, false, false, true, false]),
    ("office", [false, false, false, false, true]),
    ("detail", [true, true, true, true, true]),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        add_column(
            manager,
            TurnoverRollups::Table,
            ColumnDef::new(TurnoverRollups::GroupingSet)
                .string_len(64)
                .not_null()
                .default("")
                .to_owned(),
        )
        .await?;
        let db = manager.get_connection();
        for (name, real) in EXISTING {
            let cells: Vec<String> = DIMS
                .iter()
                .zip(real)
                .map(|((column, _), real)| {
                    let op = if real { "<>" } else { "=" };
                    format!("{column} {op} '*'")
                })
                .collect();
            db.execute_unprepared(&format!(
                "UPDATE turnover_rollups SET grouping_set = '{name}' WHERE {}",
                cells.join(" AND ")
            ))
            .await?;
        }
        let new_id = match db.get_database_backend() {
            DatabaseBackend::Postgres => "gen_random_uuid()",
            _ => "randomblob(16)",
        };
        for (column, dim) in &DIMS[..4] {
            let cells: Vec<String> = DIMS
                .iter()
                .map(|(c, _)| {
                    if c == column || *c == "office_id" {
                        (*c).to_owned()
                    } else {
                        "'*'".to_owned()
                    }
                })
                .collect();
            db.execute_unprepared(&format!(
                "INSERT INTO turnover_rollups (id, month, basis, region_code, country, \
                 contract_type, industry_code, office_id, grouping_set, contract_count, \
                 contract_amount_cny_minor, tech_amount_cny_minor, updated_at) \
                 SELECT {new_id}, month, basis, {cells}, '{dim}+office', \
                 CAST(SUM(contract_count) AS BIGINT), \
                 CAST(SUM(contract_amount_cny_minor) AS BIGINT), \
                 CAST(SUM(tech_amount_cny_minor) AS BIGINT), MAX(updated_at) \
                 FROM turnover_rollups WHERE grouping_set = 'detail' \
                 GROUP BY month, basis, {column}, office_id",
                cells = cells.join(", "),
            ))
            .await?;
        }
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(TurnoverRollups::Table)
                    .col(TurnoverRollups::GroupingSet)
                    .col(TurnoverRollups::Basis)
                    .col(TurnoverRollups::Month)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let db = manager.get_connection();
        db.execute_unprepared("DELETE FROM turnover_rollups WHERE grouping_set LIKE '%+office'")
            .await?;
        manager
            .drop_index(
                Index::drop()
                    .name(INDEX)
                    .table(TurnoverRollups::Table)
                    .to_owned(),
            )
            .await?;
        db.execute_unprepared("ALTER TABLE turnover_rollups DROP COLUMN grouping_set")
            .await?;
        Ok(())
    }
}

#[derive(DeriveIden)]
enum TurnoverRollups {
    Table,
    GroupingSet,
    Basis,
    Month,
}
