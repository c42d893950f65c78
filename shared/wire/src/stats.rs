//! The deal service's statistics answers: turnover figures and the contracts behind them,
//! progress toward targets, ASEAN shares, broker records and the headline numbers.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::page::Page;
use crate::vocabulary::{AmountKind, Basis, CertificationLevel, Dim, Source};

/// One figure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TurnoverOut {
    pub basis: Basis,
    pub amount: AmountKind,
    pub source: Source,
    pub group_by: Vec<Dim>,
    pub rows: Vec<TurnoverRow>,
    pub total_contract_count: i64,
    pub total_amount_cny_minor: i64,
    /// Cells left out because they sum too few contracts to publish.
    pub withheld_cells: i64,
    /// The totals are withheld (and given as 0): the query narrowed the figure to too few
    /// contracts to publish.
    pub total_withheld: bool,
}

/// One contract behind a figure.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DrillRow {
    pub contract_id: Uuid,
    pub contract_number: String,
    pub title: String,
    pub contract_type: String,
    pub industry_code: String,
    pub seller_organisation_id: Option<Uuid>,
    pub buyer_organisation_id: Option<Uuid>,
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DrillOut {
    pub basis: Basis,
    pub amount: AmountKind,
    /// Over all pages.
    pub total_contract_count: i64,
    /// Over all pages, in CNY fen.
    pub total_amount_cny_minor: i64,
    pub contracts: Page<DrillRow>,
}

/// Progress of one indicator toward its target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TargetsOut {
    pub year: i32,
    pub as_of: NaiveDate,
    pub indicators: Vec<TargetProgress>,
}

/// One ASEAN member's share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BrokerPerformance {
    pub broker_id: Uuid,
    pub display_name: String,
    pub certification_level: CertificationLevel,
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

/// The platform's headline numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Kpis {
    pub organisations: u64,
    pub enterprises: u64,
    pub achievements_published: u64,
    pub needs_published: u64,
    pub brokers_verified: u64,
    /// Brokers holding a training certificate (培训技术经理人).
    pub brokers_trained: u64,
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
