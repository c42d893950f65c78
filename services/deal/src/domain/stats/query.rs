//! The SQL behind the readers and the writer: the turnover question (validated filters and
//! dimensions) over the rollups or over the raw `contracts c JOIN registrations r`.

use std::collections::BTreeMap;

use platform::entity::{contracts, registrations, turnover_rollups};
use platform::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Alias, Expr, Order, Query, SelectStatement, SimpleExpr};
use sea_orm::{DatabaseBackend, QueryResult};

use super::{month_bounds, AmountKind, Basis, Dim, TurnoverParams, TurnoverRow, ALL};

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
                let d = Dim::parse(part).ok_or_else(|| {
                    ApiError::BadRequest(format!("group_by: unknown dimension {part:?} (year, month, city, contract_type, industry, country)"))
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
    })
}

pub(super) fn col(table: &str, name: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(name)))
}

pub(super) fn rollup_dim(d: Dim) -> SimpleExpr {
    match d {
        // Literal arguments: PostgreSQL only matches the GROUP BY expression with the SELECT
        // one when they are textually equal, which bound parameters ($1, $3) are not.
        Dim::Year => Expr::cust("substr(turnover_rollups.month, 1, 4)"),
        Dim::Month => col("turnover_rollups", "month").into(),
        Dim::City => col("turnover_rollups", "region_code").into(),
        Dim::ContractType => col("turnover_rollups", "contract_type").into(),
        Dim::Industry => col("turnover_rollups", "industry_code").into(),
        Dim::Country => col("turnover_rollups", "country").into(),
    }
}

/// The raw-table expression of a dimension (`c` = contracts, `r` = registrations).
pub(super) fn raw_dim(backend: DatabaseBackend, basis: Basis, d: Dim) -> SimpleExpr {
    let (home, other) = match basis {
        Basis::Output => ("seller", "buyer"),
        Basis::Absorption => ("buyer", "seller"),
    };
    match (d, backend) {
        (Dim::Year, DatabaseBackend::Postgres) => Expr::cust("to_char(r.registered_on, 'YYYY')"),
        (Dim::Month, DatabaseBackend::Postgres) => {
            Expr::cust("to_char(r.registered_on, 'YYYY-MM')")
        }
        (Dim::Year, _) => Expr::cust("substr(r.registered_on, 1, 4)"),
        (Dim::Month, _) => Expr::cust("substr(r.registered_on, 1, 7)"),
        (Dim::City, _) => Expr::cust(format!("substr(c.{home}_region_code, 1, 4) || '00'")),
        (Dim::ContractType, _) => col("c", "contract_type").into(),
        (Dim::Industry, _) => col("c", "industry_code").into(),
        (Dim::Country, _) => col("c", &format!("{other}_country")).into(),
    }
}

pub(super) fn rollup_query(f: &Filters) -> SelectStatement {
    let mut q = Query::select();
    q.from(turnover_rollups::Entity);
    for d in &f.dims {
        q.expr_as(rollup_dim(*d), Alias::new(d.name()));
    }
    let amount = match f.amount {
        AmountKind::Contract => "contract_amount_cny_minor",
        AmountKind::Technology => "tech_amount_cny_minor",
    };
    q.expr_as(
        Expr::cust("CAST(COALESCE(SUM(contract_count), 0) AS BIGINT)"),
        Alias::new("n"),
    );
    q.expr_as(
        Expr::cust(format!("CAST(COALESCE(SUM({amount}), 0) AS BIGINT)")),
        Alias::new("amount"),
    );
    q.and_where(col("turnover_rollups", "basis").eq(f.basis.as_str()));
    if let Some(from) = &f.from {
        q.and_where(col("turnover_rollups", "month").gte(from.as_str()));
    }
    if let Some(to) = &f.to {
        q.and_where(col("turnover_rollups", "month").lte(to.as_str()));
    }
    if let Some(city) = &f.city {
        q.and_where(col("turnover_rollups", "region_code").eq(city.as_str()));
    }
    if let Some(c) = &f.country {
        q.and_where(col("turnover_rollups", "country").eq(c.as_str()));
    }
    if let Some(t) = &f.contract_type {
        q.and_where(col("turnover_rollups", "contract_type").eq(t.as_str()));
    }
    if let Some(i) = &f.industry {
        q.and_where(col("turnover_rollups", "industry_code").eq(i.as_str()));
    }
    // Pick the grouping set: the subtotal rows of the one dimension the question uses, the
    // month totals when it uses none, the detail rows otherwise. Exactly one set is read, so
    // nothing is counted twice.
    let mut used: Vec<&str> = Vec::new();
    for (dim, column, filtered) in [
        (Dim::City, "region_code", f.city.is_some()),
        (Dim::Country, "country", f.country.is_some()),
        (
            Dim::ContractType,
            "contract_type",
            f.contract_type.is_some(),
        ),
        (Dim::Industry, "industry_code", f.industry.is_some()),
    ] {
        if filtered || f.dims.contains(&dim) {
            used.push(column);
        }
    }
    for column in SUBTOTAL_COLUMNS {
        let real = used.len() > 1 || used.contains(&column);
        let c = col("turnover_rollups", column);
        q.and_where(if real { c.ne(ALL) } else { c.eq(ALL) });
    }
    for d in &f.dims {
        q.add_group_by([rollup_dim(*d)]);
        q.order_by_expr(rollup_dim(*d), Order::Asc);
    }
    q
}

/// The rollup dimensions that have subtotal rows.
const SUBTOTAL_COLUMNS: [&str; 4] = ["region_code", "country", "contract_type", "industry_code"];

/// The WHERE conditions over `contracts c JOIN registrations r` for the filters.
pub(super) fn raw_conditions(backend: DatabaseBackend, f: &Filters) -> Vec<SimpleExpr> {
    let (home, _) = match f.basis {
        Basis::Output => ("seller", "buyer"),
        Basis::Absorption => ("buyer", "seller"),
    };
    let mut w = vec![
        col("r", "status").eq("registered"),
        col("c", "status").eq("signed"),
        col("c", &format!("{home}_country")).eq("CN"),
        col("c", &format!("{home}_region_code")).like("45%"),
    ];
    if let Some((first, _)) = f.from.as_deref().and_then(month_bounds) {
        w.push(col("r", "registered_on").gte(first));
    }
    if let Some((_, next)) = f.to.as_deref().and_then(month_bounds) {
        w.push(col("r", "registered_on").lt(next));
    }
    if let Some(city) = &f.city {
        w.push(Expr::expr(raw_dim(backend, f.basis, Dim::City)).eq(city.as_str()));
    }
    if let Some(c) = &f.country {
        w.push(Expr::expr(raw_dim(backend, f.basis, Dim::Country)).eq(c.as_str()));
    }
    if let Some(t) = &f.contract_type {
        w.push(col("c", "contract_type").eq(t.as_str()));
    }
    if let Some(i) = &f.industry {
        w.push(col("c", "industry_code").eq(i.as_str()));
    }
    w
}

pub(super) fn raw_from(q: &mut SelectStatement) {
    q.from_as(contracts::Entity, Alias::new("c")).join_as(
        sea_orm::JoinType::InnerJoin,
        registrations::Entity,
        Alias::new("r"),
        Expr::col((Alias::new("r"), Alias::new("contract_id")))
            .equals((Alias::new("c"), Alias::new("id"))),
    );
}

pub(super) fn raw_query(backend: DatabaseBackend, f: &Filters) -> SelectStatement {
    let mut q = Query::select();
    raw_from(&mut q);
    for d in &f.dims {
        q.expr_as(raw_dim(backend, f.basis, *d), Alias::new(d.name()));
    }
    let amount = match f.amount {
        AmountKind::Contract => "contract_amount_cny_minor",
        AmountKind::Technology => "tech_amount_cny_minor",
    };
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
        let code: String = row.try_get("", d.name())?;
        labels.insert(d.name().to_owned(), d.label(&code));
        keys.insert(d.name().to_owned(), code);
    }
    Ok(TurnoverRow {
        keys,
        labels,
        contract_count: row.try_get("", "n")?,
        amount_cny_minor: row.try_get("", "amount")?,
    })
}
