//! The SQL behind the readers and the writer: the turnover question (validated filters and
//! dimensions) over the rollups or over the raw `contracts c JOIN registrations r`.

use std::collections::BTreeMap;

use platform::entity::{contracts, registration_offices, registrations, turnover_rollups};
use platform::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Alias, Expr, Order, Query, SelectStatement, SimpleExpr};
use sea_orm::{DatabaseBackend, EntityName, IdenStatic, QueryResult};

use super::{
    dim_label, grouping, month_bounds, AmountKind, Basis, Dim, TurnoverParams, TurnoverRow,
};
use uuid::Uuid;
use wire::{ContractStatus, RegistrationStatus};

use crate::domain::offices::PROVINCIAL_CODE;

/// The validated form of [`TurnoverParams`].
#[derive(Debug, Clone)]
pub(super) struct Filters {
    pub(super) basis: Basis,
    pub(super) amount: AmountKind,
    pub(super) dims: Vec<Dim>,
    pub(super) from: Option<String>,
    pub(super) to: Option<String>,
    pub(super) city: Option<String>,
    pub(super) country: Option<String>,
    pub(super) contract_type: Option<String>,
    pub(super) industry: Option<String>,
    /// Only this registration office's registrations.
    pub(super) office: Option<Uuid>,
}

pub(super) fn is_month(s: &str) -> bool {
    month_bounds(s).is_some()
}

pub(super) fn filters(p: &TurnoverParams) -> ApiResult<Filters> {
    let dims = match p.group_by.as_deref() {
        None => vec![Dim::Year],
        Some(s) if s.trim().is_empty() => Vec::new(),
        Some(s) => {
            let mut dims = Vec::new();
            for part in s.split(',') {
                let d = Dim::parse(part.trim()).ok_or_else(|| {
                    ApiError::BadRequest(format!("group_by: unknown dimension {part:?} (year, month, city, contract_type, industry, country, office)"))
                })?;
                if !dims.contains(&d) {
                    dims.push(d);
                }
            }
            dims
        }
    };
    let mut from = p.from.clone();
    let mut to = p.to.clone();
    for (name, v) in [("from", &from), ("to", &to), ("month", &p.month)] {
        if let Some(v) = v {
            if !is_month(v) {
                return Err(ApiError::BadRequest(format!(
                    "{name}: expected a month as YYYY-MM"
                )));
            }
        }
    }
    let mut narrow = |lo: String, hi: String| {
        from = Some(from.take().map_or(lo.clone(), |f| f.max(lo)));
        to = Some(to.take().map_or(hi.clone(), |t| t.min(hi)));
    };
    if let Some(y) = p.year {
        if !(1900..=9999).contains(&y) {
            return Err(ApiError::BadRequest("year: out of range".to_owned()));
        }
        narrow(format!("{y:04}-01"), format!("{y:04}-12"));
    }
    if let Some(m) = &p.month {
        narrow(m.clone(), m.clone());
    }
    Ok(Filters {
        basis: p.basis.unwrap_or_default(),
        amount: p.amount.unwrap_or_default(),
        dims,
        from,
        to,
        city: p.city.clone(),
        country: p.country.clone(),
        contract_type: p.contract_type.clone(),
        industry: p.industry.clone(),
        office: p.office,
    })
}

/// A column of the contract (`c`) in the raw `contracts c JOIN registrations r`. Columns are
/// the entities' own, so a renamed column is a compile error here, not a failing query.
pub(super) fn c(column: contracts::Column) -> Expr {
    Expr::col((Alias::new("c"), column))
}

/// A column of the registration (`r`) in the raw join.
pub(super) fn r(column: registrations::Column) -> Expr {
    Expr::col((Alias::new("r"), column))
}

/// A column of the rollups.
fn rollup(column: turnover_rollups::Column) -> Expr {
    Expr::col((turnover_rollups::Entity, column))
}

/// The Guangxi party's country and region columns and the counterpart's country column: the
/// seller's for output, the buyer's for absorption.
fn sides(basis: Basis) -> (contracts::Column, contracts::Column, contracts::Column) {
    use contracts::Column::{BuyerCountry, BuyerRegionCode, SellerCountry, SellerRegionCode};
    match basis {
        Basis::Output => (SellerCountry, SellerRegionCode, BuyerCountry),
        Basis::Absorption => (BuyerCountry, BuyerRegionCode, SellerCountry),
    }
}

pub(super) fn rollup_dim(d: Dim) -> SimpleExpr {
    match d {
        // Literal arguments: PostgreSQL only matches the GROUP BY expression with the SELECT
        // one when they are textually equal, which bound parameters ($1, $3) are not.
        Dim::Year => Expr::cust(format!(
            "substr({}.{}, 1, 4)",
            turnover_rollups::Entity.table_name(),
            turnover_rollups::Column::Month.as_str()
        )),
        Dim::Month => rollup(turnover_rollups::Column::Month).into(),
        Dim::City => rollup(turnover_rollups::Column::RegionCode).into(),
        Dim::ContractType => rollup(turnover_rollups::Column::ContractType).into(),
        Dim::Industry => rollup(turnover_rollups::Column::IndustryCode).into(),
        Dim::Country => rollup(turnover_rollups::Column::Country).into(),
        Dim::Office => rollup(turnover_rollups::Column::OfficeId).into(),
    }
}

/// The raw-table expression of a dimension (`c` = contracts, `r` = registrations).
pub(super) fn raw_dim(backend: DatabaseBackend, basis: Basis, d: Dim) -> SimpleExpr {
    let (_, home_region, other_country) = sides(basis);
    let registered_on = registrations::Column::RegisteredOn.as_str();
    // Written out (not bound) for the reason given in `rollup_dim`.
    match (d, backend) {
        (Dim::Year, DatabaseBackend::Postgres) => {
            Expr::cust(format!("to_char(r.{registered_on}, 'YYYY')"))
        }
        (Dim::Month, DatabaseBackend::Postgres) => {
            Expr::cust(format!("to_char(r.{registered_on}, 'YYYY-MM')"))
        }
        (Dim::Year, _) => Expr::cust(format!("substr(r.{registered_on}, 1, 4)")),
        (Dim::Month, _) => Expr::cust(format!("substr(r.{registered_on}, 1, 7)")),
        (Dim::City, _) => Expr::cust(format!("substr(c.{}, 1, 4) || '00'", home_region.as_str())),
        (Dim::ContractType, _) => c(contracts::Column::ContractType).into(),
        (Dim::Industry, _) => c(contracts::Column::IndustryCode).into(),
        (Dim::Country, _) => c(other_country).into(),
        (Dim::Office, _) => Expr::cust(format!(
            "COALESCE({}, (SELECT {} FROM {} WHERE {} = '{}'))",
            uuid_text(
                backend,
                &format!("r.{}", registrations::Column::OfficeId.as_str())
            ),
            uuid_text(backend, registration_offices::Column::Id.as_str()),
            registration_offices::Entity.table_name(),
            registration_offices::Column::Code.as_str(),
            PROVINCIAL_CODE,
        )),
    }
}

/// A uuid column as its usual text form (`0193a000-…`), the way the rollups key offices:
/// PostgreSQL casts it; SQLite holds the 16 bytes sqlx bound, spelled out here in hex.
fn uuid_text(backend: DatabaseBackend, column: &str) -> String {
    match backend {
        DatabaseBackend::Postgres => format!("CAST({column} AS TEXT)"),
        _ => {
            let hex = format!("hex({column})");
            format!(
                "CASE WHEN typeof({column}) = 'blob' THEN lower(substr({hex}, 1, 8) || '-' || \
                 substr({hex}, 9, 4) || '-' || substr({hex}, 13, 4) || '-' || \
                 substr({hex}, 17, 4) || '-' || substr({hex}, 21, 12)) ELSE lower({column}) END"
            )
        }
    }
}

pub(super) fn rollup_query(f: &Filters) -> SelectStatement {
    let mut q = Query::select();
    q.from(turnover_rollups::Entity);
    for d in &f.dims {
        q.expr_as(rollup_dim(*d), Alias::new(d.as_str()));
    }
    let amount_column = match f.amount {
        AmountKind::Contract => turnover_rollups::Column::ContractAmountCnyMinor,
        AmountKind::Technology => turnover_rollups::Column::TechAmountCnyMinor,
    };
    let amount = amount_column.as_str();
    q.expr_as(
        Expr::cust(format!(
            "CAST(COALESCE(SUM({}), 0) AS BIGINT)",
            turnover_rollups::Column::ContractCount.as_str()
        )),
        Alias::new("n"),
    );
    q.expr_as(
        Expr::cust(format!("CAST(COALESCE(SUM({amount}), 0) AS BIGINT)")),
        Alias::new("amount"),
    );
    q.and_where(rollup(turnover_rollups::Column::Basis).eq(f.basis.as_str()));
    if let Some(from) = &f.from {
        q.and_where(rollup(turnover_rollups::Column::Month).gte(from.as_str()));
    }
    if let Some(to) = &f.to {
        q.and_where(rollup(turnover_rollups::Column::Month).lte(to.as_str()));
    }
    if let Some(city) = &f.city {
        q.and_where(rollup(turnover_rollups::Column::RegionCode).eq(city.as_str()));
    }
    if let Some(c) = &f.country {
        q.and_where(rollup(turnover_rollups::Column::Country).eq(c.as_str()));
    }
    if let Some(t) = &f.contract_type {
        q.and_where(rollup(turnover_rollups::Column::ContractType).eq(t.as_str()));
    }
    if let Some(i) = &f.industry {
        q.and_where(rollup(turnover_rollups::Column::IndustryCode).eq(i.as_str()));
    }
    if let Some(o) = &f.office {
        q.and_where(rollup(turnover_rollups::Column::OfficeId).eq(o.to_string()));
    }
    // Read exactly one grouping set (see `grouping`): the one of the dimensions the question
    // groups or filters by.
    let filtered = [
        f.city.is_some(),
        f.country.is_some(),
        f.contract_type.is_some(),
        f.industry.is_some(),
        f.office.is_some(),
    ];
    let mut used = [false; 5];
    for (i, dim) in grouping::DIMS.iter().enumerate() {
        used[i] = filtered[i] || f.dims.contains(dim);
    }
    q.and_where(
        rollup(turnover_rollups::Column::GroupingSet).eq(grouping::name(grouping::answering(used))),
    );
    for d in &f.dims {
        q.add_group_by([rollup_dim(*d)]);
        q.order_by_expr(rollup_dim(*d), Order::Asc);
    }
    q
}

/// The WHERE conditions over `contracts c JOIN registrations r` for the filters.
pub(super) fn raw_conditions(backend: DatabaseBackend, f: &Filters) -> Vec<SimpleExpr> {
    let (home_country, home_region, _) = sides(f.basis);
    let mut w = vec![
        r(registrations::Column::Status).eq(RegistrationStatus::Registered.as_str()),
        c(contracts::Column::Status).eq(ContractStatus::Signed.as_str()),
        c(home_country).eq("CN"),
        c(home_region).like("45%"),
    ];
    if let Some((first, _)) = f.from.as_deref().and_then(month_bounds) {
        w.push(r(registrations::Column::RegisteredOn).gte(first));
    }
    if let Some((_, next)) = f.to.as_deref().and_then(month_bounds) {
        w.push(r(registrations::Column::RegisteredOn).lt(next));
    }
    if let Some(city) = &f.city {
        w.push(Expr::expr(raw_dim(backend, f.basis, Dim::City)).eq(city.as_str()));
    }
    if let Some(country) = &f.country {
        w.push(Expr::expr(raw_dim(backend, f.basis, Dim::Country)).eq(country.as_str()));
    }
    if let Some(t) = &f.contract_type {
        w.push(c(contracts::Column::ContractType).eq(t.as_str()));
    }
    if let Some(i) = &f.industry {
        w.push(c(contracts::Column::IndustryCode).eq(i.as_str()));
    }
    if let Some(o) = &f.office {
        w.push(Expr::expr(raw_dim(backend, f.basis, Dim::Office)).eq(o.to_string()));
    }
    w
}

pub(super) fn raw_from(q: &mut SelectStatement) {
    q.from_as(contracts::Entity, Alias::new("c")).join_as(
        sea_orm::JoinType::InnerJoin,
        registrations::Entity,
        Alias::new("r"),
        r(registrations::Column::ContractId).equals((Alias::new("c"), contracts::Column::Id)),
    );
}

pub(super) fn raw_query(backend: DatabaseBackend, f: &Filters) -> SelectStatement {
    let mut q = Query::select();
    raw_from(&mut q);
    for d in &f.dims {
        q.expr_as(raw_dim(backend, f.basis, *d), Alias::new(d.as_str()));
    }
    let amount_column = match f.amount {
        AmountKind::Contract => contracts::Column::ContractAmountCnyMinor,
        AmountKind::Technology => contracts::Column::TechAmountCnyMinor,
    };
    let amount = amount_column.as_str();
    q.expr_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), Alias::new("n"));
    q.expr_as(
        Expr::cust(format!("CAST(COALESCE(SUM(c.{amount}), 0) AS BIGINT)")),
        Alias::new("amount"),
    );
    for cond in raw_conditions(backend, f) {
        q.and_where(cond);
    }
    for d in &f.dims {
        q.add_group_by([raw_dim(backend, f.basis, *d)]);
        q.order_by_expr(raw_dim(backend, f.basis, *d), Order::Asc);
    }
    q
}

pub(super) fn read_row(row: &QueryResult, dims: &[Dim]) -> Result<TurnoverRow, sea_orm::DbErr> {
    let mut keys = BTreeMap::new();
    let mut labels = BTreeMap::new();
    for d in dims {
        let code: String = row.try_get("", d.as_str())?;
        labels.insert(d.as_str().to_owned(), dim_label(*d, &code));
        keys.insert(d.as_str().to_owned(), code);
    }
    Ok(TurnoverRow {
        keys,
        labels,
        contract_count: row.try_get("", "n")?,
        amount_cny_minor: row.try_get("", "amount")?,
    })
}
