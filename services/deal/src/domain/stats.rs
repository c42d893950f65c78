//! Statistics: registered technology-contract turnover (技术合同成交额) on an output basis
//! (seller in Guangxi, region code 45xxxx) or an absorption basis (buyer in Guangxi), by the
//! month of registration, in CNY fen.
//!
//! Dashboards read monthly rollups (`turnover_rollups`), never the raw contracts: one row per
//! month × basis × Guangxi city × counterpart country × contract type × industry, with the
//! contract count and both CNY amounts. The `stats` queue keeps them: a registration that
//! starts or stops counting (or changes date or amounts) enqueues [`TurnoverChanged`] for the
//! months it touches, and the job recomputes those months from the raw rows — idempotent, so a
//! retried or duplicated job gives the same rows. `source=raw` answers the same question from
//! the raw tables (for checks and the benchmark); the tests prove both agree to the fen.
//!
//! Besides the detail rows, each month has subtotal rows per single dimension (the other
//! dimensions set to [`ALL`], `*`) and a total row; a query reads exactly one of these grouping
//! sets, so "turnover by city × month" sums a few thousand rows, not every combination.
//!
//! Dimensions: `city` is the Guangxi party's prefecture-level city (the first four digits of
//! its region code followed by `00`); `country` is the counterpart's country (the buyer's for
//! output, the seller's for absorption), which gives the ASEAN share by country.

use std::collections::{BTreeMap, HashSet};

use chrono::{Datelike, NaiveDate};
use platform::entity::{
    achievements, brokers, contract_brokers, contracts, deal_brokers, deals, matches, needs,
    organisations, registrations, turnover_rollups,
};
use platform::error::{ApiError, ApiResult};
use platform::ids::new_uuid;
use platform::jobs::Job;
use platform::taxonomy;
use sea_orm::sea_query::{Alias, Expr, Order, Query, SelectStatement, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseBackend, EntityTrait, PaginatorTrait, QueryFilter,
    QueryResult, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{now, paging, today, Page};

/// Registered turnover changed in these months (`YYYY-MM`): recompute their rollups.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TurnoverChanged {
    pub months: Vec<String>,
}

impl Job for TurnoverChanged {
    const NAME: &'static str = "turnover_changed.v1";
    const QUEUE: &'static str = "stats";
}

/// `YYYY-MM` of a date.
pub fn month_of(date: NaiveDate) -> String {
    format!("{:04}-{:02}", date.year(), date.month())
}

/// First day of `YYYY-MM` and first day of the month after.
pub fn month_bounds(month: &str) -> Option<(NaiveDate, NaiveDate)> {
    let (y, m) = month.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (y, m): (i32, u32) = (y.parse().ok()?, m.parse().ok()?);
    let first = NaiveDate::from_ymd_opt(y, m, 1)?;
    let next = if m == 12 {
        NaiveDate::from_ymd_opt(y + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(y, m + 1, 1)?
    };
    Some((first, next))
}

/// The prefecture-level city of a Guangxi region code (`450103` → `450100`).
pub fn city_of(region: &str) -> String {
    if region.len() == 6 && region.is_ascii() {
        format!("{}00", &region[..4])
    } else {
        region.to_owned()
    }
}

/// In Guangxi: a Chinese region code starting with 45.
pub fn in_guangxi(country: &str, region: &str) -> bool {
    country == "CN" && region.starts_with("45")
}

/// Output (seller in Guangxi) or absorption (buyer in Guangxi).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// 技术输出: the seller is in Guangxi (the headline figure).
    #[default]
    Output,
    /// 技术吸纳: the buyer is in Guangxi.
    Absorption,
}

impl Basis {
    /// Stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Output => "output",
            Basis::Absorption => "absorption",
        }
    }
}

/// Which amount to sum.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AmountKind {
    /// 合同成交额
    #[default]
    Contract,
    /// 技术交易额
    Technology,
}

/// Rollups (default) or the raw tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    #[default]
    Rollup,
    Raw,
}

/// A grouping dimension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Dim {
    Year,
    Month,
    City,
    ContractType,
    Industry,
    Country,
}

impl Dim {
    fn parse(s: &str) -> Option<Dim> {
        match s.trim() {
            "year" => Some(Dim::Year),
            "month" => Some(Dim::Month),
            "city" => Some(Dim::City),
            "contract_type" => Some(Dim::ContractType),
            "industry" => Some(Dim::Industry),
            "country" => Some(Dim::Country),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Dim::Year => "year",
            Dim::Month => "month",
            Dim::City => "city",
            Dim::ContractType => "contract_type",
            Dim::Industry => "industry",
            Dim::Country => "country",
        }
    }

    fn label(self, code: &str) -> String {
        let found = match self {
            Dim::City | Dim::Country => taxonomy::region_label(code, "zh"),
            Dim::ContractType => super::contracts::type_label(code),
            Dim::Industry => taxonomy::INDUSTRIES
                .iter()
                .find(|t| t.code == code)
                .map(|t| t.zh),
            Dim::Year | Dim::Month => None,
        };
        found.map(str::to_owned).unwrap_or_else(|| code.to_owned())
    }
}

/// What figure to compute and over which contracts.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TurnoverParams {
    /// `output` (default) or `absorption`.
    pub basis: Option<Basis>,
    /// `contract` (default) or `technology`.
    pub amount: Option<AmountKind>,
    /// Comma-separated dimensions: `year`, `month`, `city`, `contract_type`, `industry`,
    /// `country` (default `year`; empty for the grand total only).
    pub group_by: Option<String>,
    /// Only this registration year.
    pub year: Option<i32>,
    /// Only this registration month, `YYYY-MM`.
    pub month: Option<String>,
    /// From this month (`YYYY-MM`, inclusive).
    pub from: Option<String>,
    /// Up to this month (`YYYY-MM`, inclusive).
    pub to: Option<String>,
    /// Only this Guangxi city (`450100`).
    pub city: Option<String>,
    /// Only this counterpart country (`VN`).
    pub country: Option<String>,
    pub contract_type: Option<String>,
    pub industry: Option<String>,
    /// `rollup` (default) or `raw`.
    pub source: Option<Source>,
    /// Drill-down and export only: page.
    pub page: Option<u64>,
    /// Drill-down only: page size.
    pub per_page: Option<u64>,
    /// Export only: `csv` (default) or `xlsx`.
    pub format: Option<String>,
}

/// One figure.
#[derive(Debug, Clone, Serialize, ToSchema, PartialEq, Eq)]
pub struct TurnoverRow {
    /// The group's codes, by dimension name.
    pub keys: BTreeMap<String, String>,
    /// Labels of the codes (Chinese), by dimension name.
    pub labels: BTreeMap<String, String>,
    pub contract_count: i64,
    /// Sum in CNY fen.
    pub amount_cny_minor: i64,
}

/// Turnover grouped as asked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TurnoverOut {
    pub basis: Basis,
    pub amount: AmountKind,
    pub source: Source,
    pub group_by: Vec<Dim>,
    pub rows: Vec<TurnoverRow>,
    pub total_contract_count: i64,
    pub total_amount_cny_minor: i64,
    /// Cells left out because they sum too few contracts to publish (see [`Audience`]).
    #[serde(default)]
    pub withheld_cells: i64,
    /// The totals are withheld (and given as 0): the query narrowed the figure to too few
    /// contracts to publish.
    #[serde(default)]
    pub total_withheld: bool,
}

/// Who reads a turnover table, and so how much of it they may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Operators see every cell.
    Operator,
    /// Everyone else sees only figures that sum at least `min_contracts` contracts: a cell of
    /// one contract is that contract's amount, which its parties did not agree to publish.
    Public { min_contracts: i64 },
}

impl Audience {
    /// The audience of `caller` (anonymous when `None`) under the configured minimum.
    pub fn of(caller: Option<&platform::auth::AuthUser>, min_contracts: i64) -> Audience {
        if caller.is_some_and(|c| c.is_operator) {
            Audience::Operator
        } else {
            Audience::Public { min_contracts }
        }
    }
}

/// Answers `params` for `audience`. The public gets rollups only (a raw aggregation over every
/// contract is an operator's check, not a public query) and no figure summing fewer than the
/// minimum of contracts.
///
/// Suppression: cells under the minimum are left out, and when exactly one would be, the
/// smallest published cell goes with it, so that the total minus the published cells does
/// not give the hidden one back. A query narrowed by filters to a total under the minimum
/// gets neither cells nor totals. Not covered: differencing across separate queries with
/// overlapping groupings (city totals against city × month cells); an operator who needs
/// stronger protection raises `deal.stats_min_cell_contracts`.
pub async fn turnover_for(
    db: &impl ConnectionTrait,
    params: &TurnoverParams,
    audience: Audience,
) -> ApiResult<TurnoverOut> {
    let Audience::Public { min_contracts } = audience else {
        return turnover(db, params).await;
    };
    if params.source == Some(Source::Raw) {
        return Err(ApiError::Forbidden(
            "source=raw is for operators; the public figures come from the rollups".to_owned(),
        ));
    }
    let mut out = turnover(db, params).await?;
    let narrowed = params.month.is_some()
        || params.from.is_some()
        || params.to.is_some()
        || params.city.is_some()
        || params.country.is_some()
        || params.contract_type.is_some()
        || params.industry.is_some();
    if narrowed && out.total_contract_count < min_contracts {
        out.withheld_cells = i64::try_from(out.rows.len()).unwrap_or(i64::MAX);
        out.rows.clear();
        out.total_contract_count = 0;
        out.total_amount_cny_minor = 0;
        out.total_withheld = true;
        return Ok(out);
    }
    let (small, mut shown): (Vec<TurnoverRow>, Vec<TurnoverRow>) = out
        .rows
        .into_iter()
        .partition(|r| r.contract_count < min_contracts);
    let mut withheld = small.len();
    if withheld == 1 && !shown.is_empty() {
        if let Some((i, _)) = shown
            .iter()
            .enumerate()
            .min_by_key(|(_, r)| (r.amount_cny_minor, r.contract_count))
        {
            shown.remove(i);
            withheld += 1;
        }
    }
    out.rows = shown;
    out.withheld_cells = i64::try_from(withheld).unwrap_or(i64::MAX);
    Ok(out)
}

/// The validated form of [`TurnoverParams`].
#[derive(Debug, Clone)]
struct Filters {
    basis: Basis,
    amount: AmountKind,
    dims: Vec<Dim>,
    from: Option<String>,
    to: Option<String>,
    city: Option<String>,
    country: Option<String>,
    contract_type: Option<String>,
    industry: Option<String>,
}

fn is_month(s: &str) -> bool {
    month_bounds(s).is_some()
}

fn filters(p: &TurnoverParams) -> ApiResult<Filters> {
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

fn col(table: &str, name: &str) -> Expr {
    Expr::col((Alias::new(table), Alias::new(name)))
}

fn rollup_dim(d: Dim) -> SimpleExpr {
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
fn raw_dim(backend: DatabaseBackend, basis: Basis, d: Dim) -> SimpleExpr {
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

fn rollup_query(f: &Filters) -> SelectStatement {
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

/// The code standing for "every value" in the subtotal rows of the rollups.
pub const ALL: &str = "*";
/// The rollup dimensions that have subtotal rows.
const SUBTOTAL_COLUMNS: [&str; 4] = ["region_code", "country", "contract_type", "industry_code"];

/// The WHERE conditions over `contracts c JOIN registrations r` for the filters.
fn raw_conditions(backend: DatabaseBackend, f: &Filters) -> Vec<SimpleExpr> {
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

fn raw_from(q: &mut SelectStatement) {
    q.from_as(contracts::Entity, Alias::new("c")).join_as(
        sea_orm::JoinType::InnerJoin,
        registrations::Entity,
        Alias::new("r"),
        Expr::col((Alias::new("r"), Alias::new("contract_id")))
            .equals((Alias::new("c"), Alias::new("id"))),
    );
}

fn raw_query(backend: DatabaseBackend, f: &Filters) -> SelectStatement {
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

fn read_row(row: &QueryResult, dims: &[Dim]) -> Result<TurnoverRow, sea_orm::DbErr> {
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

/// Turnover grouped by the requested dimensions.
pub async fn turnover(
    db: &impl ConnectionTrait,
    params: &TurnoverParams,
) -> ApiResult<TurnoverOut> {
    let f = filters(params)?;
    let backend = db.get_database_backend();
    let source = params.source.unwrap_or_default();
    let stmt = match source {
        Source::Rollup => rollup_query(&f),
        Source::Raw => raw_query(backend, &f),
    };
    let rows = db.query_all(backend.build(&stmt)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let r = read_row(row, &f.dims)?;
        // An empty grand total (no rows at all) comes back as one zero row: drop it.
        if f.dims.is_empty() && r.contract_count == 0 {
            continue;
        }
        out.push(r);
    }
    let total_contract_count = checked_sum(out.iter().map(|r| r.contract_count))?;
    let total_amount_cny_minor = checked_sum(out.iter().map(|r| r.amount_cny_minor))?;
    Ok(TurnoverOut {
        basis: f.basis,
        amount: f.amount,
        source,
        group_by: f.dims,
        rows: out,
        total_contract_count,
        total_amount_cny_minor,
        withheld_cells: 0,
        total_withheld: false,
    })
}

/// A sum of amounts or counts that refuses to wrap: a total past `i64` is a fault to report,
/// never a wrong official figure.
fn checked_sum(values: impl IntoIterator<Item = i64>) -> ApiResult<i64> {
    values
        .into_iter()
        .try_fold(0_i64, i64::checked_add)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("turnover sum overflows i64")))
}

/// One contract behind a figure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrillRow {
    pub contract_id: Uuid,
    pub contract_number: String,
    pub title: String,
    pub contract_type: String,
    pub industry_code: String,
    pub seller_organisation_id: Uuid,
    pub buyer_organisation_id: Uuid,
    pub seller_region_code: String,
    pub buyer_country: String,
    pub buyer_region_code: String,
    pub seller_country: String,
    pub currency: String,
    pub contract_amount_minor: i64,
    pub contract_amount_cny_minor: i64,
    pub tech_amount_cny_minor: i64,
    pub registration_number: Option<String>,
    pub registered_on: Option<NaiveDate>,
}

/// The contracts a figure sums, with the figure.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct DrillOut {
    pub basis: Basis,
    pub amount: AmountKind,
    /// Over all pages.
    pub total_contract_count: i64,
    /// Over all pages, in CNY fen.
    pub total_amount_cny_minor: i64,
    pub contracts: Page<DrillRow>,
}

/// The registered contracts behind a turnover figure (same filters as [`turnover`]).
pub async fn drill_down(db: &impl ConnectionTrait, params: &TurnoverParams) -> ApiResult<DrillOut> {
    let mut f = filters(params)?;
    f.dims = Vec::new();
    let backend = db.get_database_backend();
    let mut totals = raw_query(backend, &f);
    totals.clear_order_by();
    let row = db.query_one(backend.build(&totals)).await?;
    let (total_count, total_amount): (i64, i64) = match row {
        Some(r) => (r.try_get("", "n")?, r.try_get("", "amount")?),
        None => (0, 0),
    };
    let (page, per_page) = paging(params.page, params.per_page);
    let mut q = Query::select();
    raw_from(&mut q);
    for name in [
        "id",
        "contract_number",
        "title",
        "contract_type",
        "industry_code",
        "seller_organisation_id",
        "buyer_organisation_id",
        "seller_region_code",
        "seller_country",
        "buyer_region_code",
        "buyer_country",
        "currency",
        "contract_amount_minor",
        "contract_amount_cny_minor",
        "tech_amount_cny_minor",
    ] {
        q.expr_as(col("c", name), Alias::new(name));
    }
    q.expr_as(
        col("r", "registration_number"),
        Alias::new("registration_number"),
    );
    q.expr_as(col("r", "registered_on"), Alias::new("registered_on"));
    for cond in raw_conditions(backend, &f) {
        q.and_where(cond);
    }
    q.order_by_expr(col("r", "registered_on").into(), Order::Desc)
        .order_by_expr(col("c", "id").into(), Order::Asc)
        .limit(per_page)
        .offset((page - 1) * per_page);
    let rows = db.query_all(backend.build(&q)).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(DrillRow {
            contract_id: r.try_get("", "id")?,
            contract_number: r.try_get("", "contract_number")?,
            title: r.try_get("", "title")?,
            contract_type: r.try_get("", "contract_type")?,
            industry_code: r.try_get("", "industry_code")?,
            seller_organisation_id: r.try_get("", "seller_organisation_id")?,
            buyer_organisation_id: r.try_get("", "buyer_organisation_id")?,
            seller_region_code: r.try_get("", "seller_region_code")?,
            seller_country: r.try_get("", "seller_country")?,
            buyer_region_code: r.try_get("", "buyer_region_code")?,
            buyer_country: r.try_get("", "buyer_country")?,
            currency: r.try_get("", "currency")?,
            contract_amount_minor: r.try_get("", "contract_amount_minor")?,
            contract_amount_cny_minor: r.try_get("", "contract_amount_cny_minor")?,
            tech_amount_cny_minor: r.try_get("", "tech_amount_cny_minor")?,
            registration_number: r.try_get("", "registration_number")?,
            registered_on: r.try_get("", "registered_on")?,
        });
    }
    Ok(DrillOut {
        basis: f.basis,
        amount: f.amount,
        total_contract_count: total_count,
        total_amount_cny_minor: total_amount,
        contracts: Page {
            items,
            total: u64::try_from(total_count).unwrap_or(0),
            page,
            per_page,
        },
    })
}

/// Dimensions of one rollup row.
type RollupKey = (String, String, String, String, String);

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
    let mut q = Query::select();
    raw_from(&mut q);
    for name in [
        "seller_country",
        "seller_region_code",
        "buyer_country",
        "buyer_region_code",
        "contract_type",
        "industry_code",
        "contract_amount_cny_minor",
        "tech_amount_cny_minor",
    ] {
        q.expr_as(col("c", name), Alias::new(name));
    }
    q.and_where(col("r", "status").eq("registered"))
        .and_where(col("c", "status").eq("signed"))
        .and_where(col("r", "registered_on").gte(first))
        .and_where(col("r", "registered_on").lt(next));
    let rows = txn.query_all(backend.build(&q)).await?;
    let mut groups: BTreeMap<RollupKey, (i64, i64, i64)> = BTreeMap::new();
    for row in rows {
        let seller_country: String = row.try_get("", "seller_country")?;
        let seller_region: String = row.try_get("", "seller_region_code")?;
        let buyer_country: String = row.try_get("", "buyer_country")?;
        let buyer_region: String = row.try_get("", "buyer_region_code")?;
        let contract_type: String = row.try_get("", "contract_type")?;
        let industry: String = row.try_get("", "industry_code")?;
        let contract_amount: i64 = row.try_get("", "contract_amount_cny_minor")?;
        let tech_amount: i64 = row.try_get("", "tech_amount_cny_minor")?;
        let mut add = |basis: Basis, region: &str, country: &str| {
            let city = city_of(region);
            // The detail row, the subtotal of each single dimension and the month's total:
            // dashboards read a few thousand rows instead of every combination.
            let all = || ALL.to_owned();
            let keys = [
                (
                    city.clone(),
                    country.to_owned(),
                    contract_type.clone(),
                    industry.clone(),
                ),
                (city, all(), all(), all()),
                (all(), country.to_owned(), all(), all()),
                (all(), all(), contract_type.clone(), all()),
                (all(), all(), all(), industry.clone()),
                (all(), all(), all(), all()),
            ];
            for (r, c, t, i) in keys {
                let e = groups
                    .entry((basis.as_str().to_owned(), r, c, t, i))
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
                (basis, region, country, contract_type, industry),
                (count, contract_amount, tech_amount),
            )| turnover_rollups::ActiveModel {
                id: Set(new_uuid()),
                month: Set(month.to_owned()),
                basis: Set(basis),
                region_code: Set(region),
                country: Set(country),
                contract_type: Set(contract_type),
                industry_code: Set(industry),
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

/// Recomputes every month that has a registration (sample data, repairs, the benchmark).
pub async fn rebuild_all(db: &(impl ConnectionTrait + TransactionTrait)) -> anyhow::Result<usize> {
    let backend = db.get_database_backend();
    let month_expr = raw_dim(backend, Basis::Output, Dim::Month);
    let mut q = Query::select();
    q.distinct()
        .expr_as(month_expr.clone(), Alias::new("month"))
        .from_as(registrations::Entity, Alias::new("r"));
    q.and_where(col("r", "registered_on").is_not_null());
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

/// Which year's targets, as of which day.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TargetsParams {
    /// Target year (default: the latest year with targets).
    pub year: Option<i32>,
    /// Day the progress is measured on (default today).
    pub as_of: Option<NaiveDate>,
}

/// Progress of one indicator toward its target.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetProgress {
    pub indicator: String,
    pub year: i32,
    /// `fen` for turnover, `count` for the others.
    pub unit: String,
    pub target_value: i64,
    pub baseline_value: Option<i64>,
    pub baseline_year: Option<i32>,
    /// Annual (turnover in the target year) or cumulative since the plan started.
    pub measure: String,
    pub actual: i64,
    /// actual / target, percent with two decimals.
    pub progress_percent: String,
    pub remaining: i64,
    pub months_elapsed: i64,
    pub months_remaining: i64,
    /// Average per elapsed month.
    pub current_monthly_rate: i64,
    /// Per remaining month, rounded up, to reach the target.
    pub needed_monthly_rate: i64,
    /// Where the indicator ends at the current rate.
    pub projection: i64,
    pub on_track: bool,
    pub source: String,
}

/// Progress toward every target of a year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TargetsOut {
    pub year: i32,
    pub as_of: NaiveDate,
    pub indicators: Vec<TargetProgress>,
}

/// First year of the plan the cumulative indicators count from.
pub const PLAN_START_YEAR: i32 = 2021;

fn months_between(start: NaiveDate, end_inclusive: NaiveDate) -> i64 {
    let a = i64::from(start.year()) * 12 + i64::from(start.month0());
    let b = i64::from(end_inclusive.year()) * 12 + i64::from(end_inclusive.month0());
    (b - a + 1).max(0)
}

/// Progress, run-rate needed and projection for each target of `year`.
pub async fn targets(db: &impl ConnectionTrait, params: &TargetsParams) -> ApiResult<TargetsOut> {
    use sea_orm::QueryOrder;
    let as_of = params.as_of.unwrap_or_else(today);
    let year = match params.year {
        Some(y) => y,
        None => platform::entity::targets::Entity::find()
            .order_by_desc(platform::entity::targets::Column::Year)
            .one(db)
            .await?
            .map(|t| t.year)
            .unwrap_or(as_of.year()),
    };
    let rows = platform::entity::targets::Entity::find()
        .filter(platform::entity::targets::Column::Year.eq(year))
        .order_by_asc(platform::entity::targets::Column::Indicator)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for t in rows {
        let annual = t.indicator == "contract_turnover";
        let start_year = if annual {
            year
        } else {
            t.baseline_year.map_or(PLAN_START_YEAR, |b| b + 1).min(year)
        };
        let start = NaiveDate::from_ymd_opt(start_year, 1, 1).unwrap_or(as_of);
        let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(as_of);
        let total_months = months_between(start, end);
        let elapsed = if as_of < start {
            0
        } else {
            months_between(start, as_of.min(end))
        };
        let remaining_months = (total_months - elapsed).max(0);
        let actual = actual_value(db, &t.indicator, start, as_of.min(end)).await?;
        let remaining = (t.target_value - actual).max(0);
        let rate = if elapsed > 0 { actual / elapsed } else { 0 };
        let needed = if remaining_months > 0 {
            (remaining + remaining_months - 1) / remaining_months
        } else {
            remaining
        };
        let projection = if elapsed > 0 {
            // actual + actual/elapsed × remaining months, in integers (rounded down).
            let extra = i128::from(actual) * i128::from(remaining_months) / i128::from(elapsed);
            i64::try_from(i128::from(actual) + extra).unwrap_or(i64::MAX)
        } else {
            actual
        };
        let percent = if t.target_value > 0 {
            let bp = i128::from(actual) * 10_000 / i128::from(t.target_value);
            format!("{}.{:02}", bp / 100, bp % 100)
        } else {
            "0.00".to_owned()
        };
        out.push(TargetProgress {
            indicator: t.indicator,
            year: t.year,
            unit: t.unit,
            target_value: t.target_value,
            baseline_value: t.baseline_value,
            baseline_year: t.baseline_year,
            measure: if annual { "annual" } else { "cumulative" }.to_owned(),
            actual,
            progress_percent: percent,
            remaining,
            months_elapsed: elapsed,
            months_remaining: remaining_months,
            current_monthly_rate: rate,
            needed_monthly_rate: needed,
            projection,
            on_track: projection >= t.target_value,
            source: t.source,
        });
    }
    Ok(TargetsOut {
        year,
        as_of,
        indicators: out,
    })
}

/// The measured value of an indicator between `start` and `end` (inclusive).
async fn actual_value(
    db: &impl ConnectionTrait,
    indicator: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> ApiResult<i64> {
    match indicator {
        "contract_turnover" => {
            let params = TurnoverParams {
                group_by: Some(String::new()),
                from: Some(month_of(start)),
                to: Some(month_of(end)),
                ..Default::default()
            };
            Ok(turnover(db, &params).await?.total_amount_cny_minor)
        }
        "achievements_transferred" => {
            // Achievements on registered contracts, plus achievements closed as transferred.
            let mut ids: HashSet<Uuid> = HashSet::new();
            let rows = registrations::Entity::find()
                .filter(registrations::Column::Status.eq("registered"))
                .filter(registrations::Column::RegisteredOn.lte(end))
                .find_also_related(contracts::Entity)
                .all(db)
                .await?;
            ids.extend(
                rows.into_iter()
                    .filter_map(|(_, c)| c.and_then(|c| c.achievement_id)),
            );
            let closed: Vec<Uuid> = {
                use sea_orm::QuerySelect;
                achievements::Entity::find()
                    .select_only()
                    .column(achievements::Column::Id)
                    .filter(achievements::Column::Status.eq("closed"))
                    .into_tuple()
                    .all(db)
                    .await?
            };
            ids.extend(closed);
            Ok(i64::try_from(ids.len()).unwrap_or(i64::MAX))
        }
        "enterprises_served" => {
            // Enterprises that are a party to a deal or a contract.
            let enterprises: HashSet<Uuid> = {
                use sea_orm::QuerySelect;
                organisations::Entity::find()
                    .select_only()
                    .column(organisations::Column::Id)
                    .filter(organisations::Column::Kind.eq("enterprise"))
                    .into_tuple::<Uuid>()
                    .all(db)
                    .await?
                    .into_iter()
                    .collect()
            };
            let mut served: HashSet<Uuid> = HashSet::new();
            let end_ts = end
                .and_hms_opt(23, 59, 59)
                .map(|d| d.and_utc().fixed_offset());
            let mut dq = deals::Entity::find();
            if let Some(ts) = end_ts {
                dq = dq.filter(deals::Column::CreatedAt.lte(ts));
            }
            for d in dq.all(db).await? {
                served.insert(d.seller_organisation_id);
                served.insert(d.buyer_organisation_id);
            }
            for c in contracts::Entity::find()
                .filter(contracts::Column::SignedOn.lte(end))
                .all(db)
                .await?
            {
                served.insert(c.seller_organisation_id);
                served.insert(c.buyer_organisation_id);
            }
            Ok(i64::try_from(served.intersection(&enterprises).count()).unwrap_or(i64::MAX))
        }
        "brokers_trained" => {
            let n = brokers::Entity::find()
                .filter(brokers::Column::VerificationStatus.eq("verified"))
                .count(db)
                .await?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        }
        _ => Ok(0),
    }
}

/// One ASEAN member's share.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AseanRow {
    pub country: String,
    pub name_zh: String,
    pub name_en: String,
    /// Guangxi sellers, buyers in this country (CNY fen).
    pub output_cny_minor: i64,
    pub output_contracts: i64,
    /// Guangxi buyers, sellers in this country (CNY fen).
    pub absorption_cny_minor: i64,
    pub absorption_contracts: i64,
    /// Share of all ASEAN output, percent with two decimals.
    pub output_share_percent: String,
    /// Share of all ASEAN absorption, percent with two decimals.
    pub absorption_share_percent: String,
    /// A figure of this country sums too few contracts to publish and reads as zero here
    /// (or may be zero: a withheld country cannot be told from an empty one).
    pub withheld: bool,
}

/// Turnover with ASEAN members, by country.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AseanOut {
    pub amount: AmountKind,
    pub countries: Vec<AseanRow>,
    pub asean_output_cny_minor: i64,
    pub asean_absorption_cny_minor: i64,
    /// All Guangxi output (any counterpart), for the ASEAN share of the whole.
    pub total_output_cny_minor: i64,
    pub total_absorption_cny_minor: i64,
    pub asean_share_of_output_percent: String,
    pub asean_share_of_absorption_percent: String,
}

fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0.00".to_owned();
    }
    let bp = i128::from(part) * 10_000 / i128::from(whole);
    format!("{}.{:02}", bp / 100, bp % 100)
}

/// The ASEAN share of turnover by country (from the rollups).
///
/// For the public, a country whose figure sums fewer contracts than the minimum is withheld
/// like any turnover cell ([`turnover_for`]): it reads as zero with `withheld` set, and the
/// ASEAN sums and shares cover the published countries.
pub async fn asean(
    db: &impl ConnectionTrait,
    params: &TurnoverParams,
    audience: Audience,
) -> ApiResult<AseanOut> {
    let by_country = |basis| {
        let mut p = params.clone();
        p.basis = Some(basis);
        p.group_by = Some("country".to_owned());
        p.source = Some(Source::Rollup);
        p
    };
    let output = turnover_for(db, &by_country(Basis::Output), audience).await?;
    let absorption = turnover_for(db, &by_country(Basis::Absorption), audience).await?;
    let withheld = |out: &TurnoverOut, code: &str| {
        out.withheld_cells > 0
            && !out
                .rows
                .iter()
                .any(|r| r.keys.get("country").map(String::as_str) == Some(code))
    };
    let find = |out: &TurnoverOut, code: &str| {
        out.rows
            .iter()
            .find(|r| r.keys.get("country").map(String::as_str) == Some(code))
            .map(|r| (r.amount_cny_minor, r.contract_count))
            .unwrap_or((0, 0))
    };
    let asean_out: i64 = taxonomy::ASEAN
        .iter()
        .map(|m| find(&output, m.code).0)
        .sum();
    let asean_abs: i64 = taxonomy::ASEAN
        .iter()
        .map(|m| find(&absorption, m.code).0)
        .sum();
    let countries = taxonomy::ASEAN
        .iter()
        .map(|m| {
            let (o, oc) = find(&output, m.code);
            let (a, ac) = find(&absorption, m.code);
            AseanRow {
                country: m.code.to_owned(),
                name_zh: m.zh.to_owned(),
                name_en: m.en.to_owned(),
                output_cny_minor: o,
                output_contracts: oc,
                absorption_cny_minor: a,
                absorption_contracts: ac,
                output_share_percent: percent(o, asean_out),
                absorption_share_percent: percent(a, asean_abs),
                withheld: withheld(&output, m.code) || withheld(&absorption, m.code),
            }
        })
        .collect();
    Ok(AseanOut {
        amount: params.amount.unwrap_or_default(),
        countries,
        asean_output_cny_minor: asean_out,
        asean_absorption_cny_minor: asean_abs,
        total_output_cny_minor: output.total_amount_cny_minor,
        total_absorption_cny_minor: absorption.total_amount_cny_minor,
        asean_share_of_output_percent: percent(asean_out, output.total_amount_cny_minor),
        asean_share_of_absorption_percent: percent(asean_abs, absorption.total_amount_cny_minor),
    })
}

/// One broker's record.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BrokerPerformance {
    pub broker_id: Uuid,
    pub display_name: String,
    pub certification_level: String,
    /// Deals the broker was ever assigned to.
    pub deals: i64,
    /// Of those, registered or closed.
    pub deals_closed: i64,
    /// Registered contracts naming the broker.
    pub contracts_registered: i64,
    /// Their contract amounts in CNY fen.
    pub registered_turnover_cny_minor: i64,
    /// Median days from the match (or the deal's opening) to the contract's signing.
    pub median_days_to_contract: Option<i64>,
}

/// Paging of the broker performance list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BrokerStatsParams {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Performance of verified brokers.
pub async fn broker_performance(
    db: &impl ConnectionTrait,
    params: &BrokerStatsParams,
) -> ApiResult<Page<BrokerPerformance>> {
    use sea_orm::QueryOrder;
    let (page, per_page) = paging(params.page, params.per_page);
    let paginator = brokers::Entity::find()
        .filter(brokers::Column::VerificationStatus.eq("verified"))
        .order_by_asc(brokers::Column::DisplayName)
        .order_by_asc(brokers::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for b in paginator.fetch_page(page - 1).await? {
        let deal_ids: HashSet<Uuid> = deal_brokers::Entity::find()
            .filter(deal_brokers::Column::BrokerId.eq(b.id))
            .all(db)
            .await?
            .into_iter()
            .map(|d| d.deal_id)
            .collect();
        let mut closed = 0;
        for id in &deal_ids {
            if let Some(d) = deals::Entity::find_by_id(*id).one(db).await? {
                if matches!(d.stage.as_str(), "registered" | "closed") {
                    closed += 1;
                }
            }
        }
        let named = contract_brokers::Entity::find()
            .filter(contract_brokers::Column::BrokerId.eq(b.id))
            .find_also_related(contracts::Entity)
            .all(db)
            .await?;
        let mut registered = 0;
        let mut turnover = 0i64;
        let mut days: Vec<i64> = Vec::new();
        for (_, c) in named {
            let Some(c) = c else { continue };
            let reg = registrations::Entity::find()
                .filter(registrations::Column::ContractId.eq(c.id))
                .filter(registrations::Column::Status.eq("registered"))
                .one(db)
                .await?;
            if reg.is_some() && c.status == "signed" {
                registered += 1;
                turnover = turnover
                    .checked_add(c.contract_amount_cny_minor)
                    .ok_or_else(|| {
                        ApiError::Internal(anyhow::anyhow!("broker turnover overflows i64"))
                    })?;
            }
            if let Some(deal_id) = c.deal_id {
                if let Some(d) = deals::Entity::find_by_id(deal_id).one(db).await? {
                    let started = match d.match_id {
                        Some(m) => matches::Entity::find_by_id(m)
                            .one(db)
                            .await?
                            .map(|m| m.created_at),
                        None => None,
                    }
                    .unwrap_or(d.created_at);
                    days.push((c.signed_on - started.date_naive()).num_days().max(0));
                }
            }
        }
        days.sort_unstable();
        let median = match days.len() {
            0 => None,
            n if n % 2 == 1 => Some(days[n / 2]),
            n => Some((days[n / 2 - 1] + days[n / 2]) / 2),
        };
        items.push(BrokerPerformance {
            broker_id: b.id,
            display_name: b.display_name,
            certification_level: b.certification_level,
            deals: i64::try_from(deal_ids.len()).unwrap_or(0),
            deals_closed: closed,
            contracts_registered: registered,
            registered_turnover_cny_minor: turnover,
            median_days_to_contract: median,
        });
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// The platform's headline numbers.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Kpis {
    pub organisations: u64,
    pub enterprises: u64,
    pub achievements_published: u64,
    pub needs_published: u64,
    pub brokers_verified: u64,
    pub matches: u64,
    pub deals_open: u64,
    /// Deals by stage.
    pub deals_by_stage: BTreeMap<String, u64>,
    pub contracts_signed: u64,
    pub contracts_registered: u64,
    /// All registered output turnover, CNY fen.
    pub registered_output_cny_minor: i64,
    /// All registered absorption turnover, CNY fen.
    pub registered_absorption_cny_minor: i64,
}

/// Counts across the platform.
pub async fn kpis(db: &impl ConnectionTrait) -> ApiResult<Kpis> {
    let mut by_stage = BTreeMap::new();
    let mut open = 0;
    for stage in [
        "lead",
        "contacted",
        "nda",
        "negotiating",
        "agreed",
        "signed",
        "registered",
        "closed",
        "lost",
    ] {
        let n = deals::Entity::find()
            .filter(deals::Column::Stage.eq(stage))
            .count(db)
            .await?;
        if !matches!(stage, "closed" | "lost") {
            open += n;
        }
        by_stage.insert(stage.to_owned(), n);
    }
    let total = |basis| TurnoverParams {
        basis: Some(basis),
        group_by: Some(String::new()),
        ..Default::default()
    };
    Ok(Kpis {
        organisations: organisations::Entity::find().count(db).await?,
        enterprises: organisations::Entity::find()
            .filter(organisations::Column::Kind.eq("enterprise"))
            .count(db)
            .await?,
        achievements_published: achievements::Entity::find()
            .filter(achievements::Column::Status.eq("published"))
            .count(db)
            .await?,
        needs_published: needs::Entity::find()
            .filter(needs::Column::Status.eq("published"))
            .count(db)
            .await?,
        brokers_verified: brokers::Entity::find()
            .filter(brokers::Column::VerificationStatus.eq("verified"))
            .count(db)
            .await?,
        matches: matches::Entity::find().count(db).await?,
        deals_open: open,
        deals_by_stage: by_stage,
        contracts_signed: contracts::Entity::find()
            .filter(contracts::Column::Status.eq("signed"))
            .count(db)
            .await?,
        contracts_registered: registrations::Entity::find()
            .filter(registrations::Column::Status.eq("registered"))
            .count(db)
            .await?,
        registered_output_cny_minor: turnover(db, &total(Basis::Output))
            .await?
            .total_amount_cny_minor,
        registered_absorption_cny_minor: turnover(db, &total(Basis::Absorption))
            .await?
            .total_amount_cny_minor,
    })
}
