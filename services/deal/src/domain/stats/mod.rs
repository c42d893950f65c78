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
//!
//! Rooms: [`rollup`] writes the rollups (the `stats` queue's job); the readers are
//! [`turnover`] (figures and drill-down), [`targets`], [`asean`], [`brokers`] and [`kpis`],
//! over the SQL of [`query`]; [`audience`] holds who may see which figure (the one place of
//! the withholding rules). The vocabulary of the statistics (months, cities, bases,
//! dimensions) and the figures' shapes are here.

mod asean;
mod audience;
mod brokers;
mod kpis;
mod query;
mod rollup;
mod targets;
mod turnover;

pub use asean::asean;
pub use audience::{turnover_for, Audience};
pub use brokers::broker_performance;
pub use kpis::kpis;
pub use rollup::{rebuild_all, recompute_month, TurnoverChanged};
pub use targets::{targets, PLAN_START_YEAR};
pub use turnover::{drill_down, turnover};

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use platform::taxonomy;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{now, paging, today, Page};

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

/// The code standing for "every value" in the subtotal rows of the rollups.
pub const ALL: &str = "*";

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
