//! The rollup writer: the `stats` queue's job recomputes a month's `turnover_rollups` rows
//! from the registered contracts.

use std::collections::BTreeMap;

use chrono::Datelike;
use platform::entity::{contracts, registrations, turnover_rollups};
use platform::ids::new_uuid;
use platform::jobs::Job;
use sea_orm::sea_query::{Alias, Expr, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, DerivePartialModel, EntityTrait,
    FromQueryResult, JoinType, QueryFilter, QuerySelect, RelationTrait, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::super::offices;
use super::grouping;
use super::query::{r, raw_dim};
use super::{city_of, in_guangxi, month_bounds, now, Basis, Dim, ALL};
use wire::{ContractStatus, RegistrationStatus};

/// Registered turnover changed in these months (`YYYY-MM`): recompute their rollups.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TurnoverChanged {
    pub months: Vec<String>,
}

impl Job for TurnoverChanged {
    const NAME: &'static str = "turnover_changed.v1";
    const QUEUE: &'static str = "stats";
}

/// What a registered contract adds to its month's rollups: typed columns of the entity, so a
/// renamed column fails to compile here instead of failing the job at run time.
#[derive(Debug, DerivePartialModel, FromQueryResult)]
#[sea_orm(entity = "contracts::Entity")]
struct Counted {
    seller_country: String,
    seller_region_code: String,
    buyer_country: String,
    buyer_region_code: String,
    contract_type: String,
    industry_code: String,
    contract_amount_cny_minor: i64,
    tech_amount_cny_minor: i64,
    /// The office that registered it (`registrations.office_id`).
    #[sea_orm(from_expr = "Expr::col((registrations::Entity, registrations::Column::OfficeId))")]
    office_id: Option<Uuid>,
}

/// One rollup row: basis, its grouping set and the cells of the five dimensions in
/// [`grouping::DIMS`] order (`*` outside the set).
type RollupKey = (String, grouping::Members, [String; 5]);

/// A month's sums went past `i64`: the recomputation fails (and its job is retried, then
/// parked) instead of storing a wrapped figure.
#[derive(Debug)]
struct SumOverflow;

impl std::fmt::Display for SumOverflow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a turnover sum overflows i64")
    }
}

impl std::error::Error for SumOverflow {}

/// Recomputes the rollups of one month from the raw rows, in one transaction. Idempotent.
#[tracing::instrument(skip_all, fields(stats.month = %month))]
pub async fn recompute_month(db: &impl TransactionTrait, month: &str) -> anyhow::Result<usize> {
    let (first, next) =
        month_bounds(month).ok_or_else(|| anyhow::anyhow!("not a month: {month}"))?;
    let txn = db.begin().await?;
    let backend = txn.get_database_backend();
    if backend == DatabaseBackend::Postgres {
        // Serialise recomputations of the same month across workers.
        let key = i64::from(first.year()) * 100 + i64::from(first.month());
        txn.execute(sea_orm::Statement::from_sql_and_values(
            backend,
            "SELECT pg_advisory_xact_lock(7345, $1)",
            [i32::try_from(key).unwrap_or(0).into()],
        ))
        .await?;
    }
    turnover_rollups::Entity::delete_many()
        .filter(turnover_rollups::Column::Month.eq(month))
        .exec(&txn)
        .await?;
    let rows = contracts::Entity::find()
        .join(
            JoinType::InnerJoin,
            contracts::Relation::Registrations.def(),
        )
        .filter(registrations::Column::Status.eq(RegistrationStatus::Registered.as_str()))
        .filter(contracts::Column::Status.eq(ContractStatus::Signed.as_str()))
        .filter(registrations::Column::RegisteredOn.gte(first))
        .filter(registrations::Column::RegisteredOn.lt(next))
        .into_partial_model::<Counted>()
        .all(&txn)
        .await?;
    // A registration with no office counts for the provincial office (migration 21 gave the
    // registrations made before offices existed to it; migration 100 backfills the same way).
    let provincial = if rows.iter().any(|r| r.office_id.is_none()) {
        Some(
            offices::provincial(&txn)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .id,
        )
    } else {
        None
    };
    let mut groups: BTreeMap<RollupKey, (i64, i64, i64)> = BTreeMap::new();
    for row in rows {
        let office = row
            .office_id
            .or(provincial)
            .map(|id| id.to_string())
            .unwrap_or_else(|| ALL.to_owned());
        let Counted {
            seller_country,
            seller_region_code: seller_region,
            buyer_country,
            buyer_region_code: buyer_region,
            contract_type,
            industry_code: industry,
            contract_amount_cny_minor: contract_amount,
            tech_amount_cny_minor: tech_amount,
            office_id: _,
        } = row;
        let mut add = |basis: Basis, region: &str, country: &str| {
            let cells = [
                city_of(region),
                country.to_owned(),
                contract_type.clone(),
                industry.clone(),
                office.clone(),
            ];
            // One row in each stored grouping set: dashboards read a few thousand rows of the
            // set their question needs instead of every combination.
            for set in grouping::STORED {
                let key: [String; 5] = std::array::from_fn(|i| {
                    if set[i] {
                        cells[i].clone()
                    } else {
                        ALL.to_owned()
                    }
                });
                let e = groups
                    .entry((basis.as_str().to_owned(), set, key))
                    .or_insert((0, 0, 0));
                *e = (
                    e.0.checked_add(1).ok_or(SumOverflow)?,
                    e.1.checked_add(contract_amount).ok_or(SumOverflow)?,
                    e.2.checked_add(tech_amount).ok_or(SumOverflow)?,
                );
            }
            Ok::<(), SumOverflow>(())
        };
        if in_guangxi(&seller_country, &seller_region) {
            add(Basis::Output, &seller_region, &buyer_country)?;
        }
        if in_guangxi(&buyer_country, &buyer_region) {
            add(Basis::Absorption, &buyer_region, &seller_country)?;
        }
    }
    let n = groups.len();
    let at = now();
    let models: Vec<turnover_rollups::ActiveModel> = groups
        .into_iter()
        .map(
            |(
                (basis, set, [region, country, contract_type, industry, office]),
                (count, contract_amount, tech_amount),
            )| turnover_rollups::ActiveModel {
                id: Set(new_uuid()),
                month: Set(month.to_owned()),
                basis: Set(basis),
                region_code: Set(region),
                country: Set(country),
                contract_type: Set(contract_type),
                industry_code: Set(industry),
                office_id: Set(office),
                grouping_set: Set(grouping::name(set)),
                contract_count: Set(count),
                contract_amount_cny_minor: Set(contract_amount),
                tech_amount_cny_minor: Set(tech_amount),
                updated_at: Set(at),
            },
        )
        .collect();
    for chunk in models.chunks(500) {
        turnover_rollups::Entity::insert_many(chunk.to_vec())
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    Ok(n)
}

/// Asks the `stats` queue to recompute every month that has rollup rows without a grouping
/// set: rows a deal worker built before migration 130 wrote during a rolling deploy, which no
/// reader counts (the column's default is empty). Run when the deal service starts; returns
/// how many months it enqueued.
pub async fn recompute_unnamed(db: &impl ConnectionTrait) -> anyhow::Result<usize> {
    let months: Vec<String> = turnover_rollups::Entity::find()
        .select_only_month()
        .filter(turnover_rollups::Column::GroupingSet.eq(""))
        .into_tuple()
        .all(db)
        .await?;
    let n = months.len();
    if n > 0 {
        tracing::warn!(
            ?months,
            "rollups written without a grouping set: recomputing"
        );
        platform::jobs::enqueue(db, &TurnoverChanged { months }).await?;
    }
    Ok(n)
}

/// Recomputes every month that has a registration (sample data, repairs, the benchmark).
#[tracing::instrument(skip_all)]
pub async fn rebuild_all(db: &(impl ConnectionTrait + TransactionTrait)) -> anyhow::Result<usize> {
    let backend = db.get_database_backend();
    let month_expr = raw_dim(backend, Basis::Output, Dim::Month);
    let mut q = Query::select();
    q.distinct()
        .expr_as(month_expr.clone(), Alias::new("month"))
        .from_as(registrations::Entity, Alias::new("r"));
    q.and_where(r(registrations::Column::RegisteredOn).is_not_null());
    let rows = db.query_all(backend.build(&q)).await?;
    let mut months: Vec<String> = rows
        .iter()
        .filter_map(|r| r.try_get::<String>("", "month").ok())
        .collect();
    // Months that have rollups but no registrations any more must be emptied too.
    let stale: Vec<String> = turnover_rollups::Entity::find()
        .select_only_month()
        .into_tuple()
        .all(db)
        .await?;
    months.extend(stale);
    months.sort();
    months.dedup();
    for m in &months {
        recompute_month(db, m).await?;
    }
    Ok(months.len())
}

trait SelectMonth {
    fn select_only_month(self) -> sea_orm::Select<turnover_rollups::Entity>;
}

impl SelectMonth for sea_orm::Select<turnover_rollups::Entity> {
    fn select_only_month(self) -> sea_orm::Select<turnover_rollups::Entity> {
        use sea_orm::QuerySelect;
        self.select_only()
            .column(turnover_rollups::Column::Month)
            .distinct()
    }
}
