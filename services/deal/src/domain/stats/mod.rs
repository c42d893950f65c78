//! Statistics: registered technology-contract turnover (技术合同成交额) on an output basis
//! (seller in Guangxi, region code 45xxxx) or an absorption basis (buyer in Guangxi), by the
//! month of registration, in CNY fen.
//!
//! Dashboards read monthly rollups (`turnover_rollups`), never the raw contracts: one row per
//! month × basis × Guangxi city × counterpart country × contract type × industry ×
//! registration office (since migration 100), with the
//! contract count and both CNY amounts. The `stats` queue keeps them: a registration that
//! starts or stops counting (or changes date or amounts) enqueues [`TurnoverChanged`] for the
//! months it touches, and the job recomputes those months from the raw rows — idempotent, so a
//! retried or duplicated job gives the same rows. `source=raw` answers the same question from
//! the raw tables (for checks and the benchmark); the tests prove both agree to the fen.
//!
//! Besides the detail rows, each month has subtotal rows per single dimension and per office
//! beside one other dimension (the other dimensions set to [`ALL`], `*`) and a total row; each
//! row names its set, and a query reads exactly one set ([`grouping`]), so "turnover by city ×
//! month", for the region or for one office, sums a few thousand rows, not every combination.
//!
//! Dimensions: `city` is the Guangxi party's prefecture-level city (the first four digits of
//! its region code followed by `00`); `country` is the counterpart's country (the buyer's for
//! output, the seller's for absorption), which gives the ASEAN share by country.
//!
//! Rooms: [`rollup`] writes the rollups (the `stats` queue's job); the readers are
//! [`turnover`] (figures and drill-down), [`targets`], [`asean`], [`partner_groups`],
//! [`brokers`] and [`kpis`],
//! over the SQL of [`query`]; [`audience`] holds who may see which figure (the one place of
//! the withholding rules). The vocabulary of the statistics (months, cities, bases,
//! dimensions) and the figures' shapes are here.

mod asean;
mod audience;
mod brokers;
mod grouping;
mod kpis;
mod partners;
mod query;
mod rollup;
mod targets;
mod turnover;

pub use asean::asean;
pub use audience::{confine, reading, reading_contracts, turnover_for, Audience};
pub use brokers::broker_performance;
pub use kpis::kpis;
pub use partners::partner_groups;
pub use rollup::{rebuild_all, recompute_month, recompute_unnamed, TurnoverChanged};
pub use targets::{targets, PLAN_START_YEAR};
pub use turnover::{drill_down, turnover};

use chrono::{Datelike, NaiveDate};
use platform::taxonomy;
use serde::Deserialize;
use utoipa::IntoParams;

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

/// The prefecture-level city of a Guangxi region code (`450103` → `450100`): the one rule of
/// `platform::city_scope`, so a rollup's city and an office's city sub-market agree.
pub use platform::city_scope::city_of;

/// In Guangxi: a Chinese region code starting with 45.
pub fn in_guangxi(country: &str, region: &str) -> bool {
    country == "CN" && region.starts_with("45")
}

pub use wire::stats::{
    AseanOut, AseanRow, BrokerPerformance, DrillOut, DrillRow, Kpis, TargetProgress, TargetsOut,
    TurnoverOut, TurnoverRow,
};
pub use wire::{AmountKind, Basis, Dim, Source};

/// The Chinese label of a dimension's code (a city, country, contract type or industry name),
/// or the code itself where there is none (years and months, unknown codes).
pub(crate) fn dim_label(dim: Dim, code: &str) -> String {
    let found = match dim {
        Dim::City | Dim::Country => taxonomy::region_label(code, "zh"),
        Dim::ContractType => super::contracts::type_label(code),
        Dim::Industry => taxonomy::INDUSTRIES
            .iter()
            .find(|t| t.code == code)
            .map(|t| t.zh),
        // Office names are read from the offices by the reader (`turnover::name_offices`).
        Dim::Year | Dim::Month | Dim::Office => None,
    };
    found.map(str::to_owned).unwrap_or_else(|| code.to_owned())
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
    /// `country`, `office` (keys are office ids; for those who read office figures) (default
    /// `year`; empty for the grand total only).
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
    /// Only this registration office (its id). Office figures are for the office's own
    /// operators and for platform operators (`confine`); others get 401/403.
    pub office: Option<uuid::Uuid>,
    /// `rollup` (default) or `raw`.
    pub source: Option<Source>,
    /// Drill-down and export only: page.
    pub page: Option<u64>,
    /// Drill-down only: page size.
    pub per_page: Option<u64>,
    /// Export only: `csv` (default) or `xlsx`.
    pub format: Option<String>,
}

/// The code standing for "every value" in the subtotal rows of the rollups.
pub const ALL: &str = "*";

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

/// Paging of the broker performance list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BrokerStatsParams {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}
