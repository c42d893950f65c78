//! The service market's and the innovation vouchers' API types (issue #16): services a provider
//! publishes, orders for them with their history, voucher programmes, vouchers, the programme
//! ledger and the operator's report. The deal service builds them; the portal reads them.
//!
//! Amounts are integer minor units beside their currency (fen for CNY). Amounts and counts that
//! arrive in a request are `i64`, so a negative or enormous value is a 422 naming the field, not
//! a body that fails to parse.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::vocabulary::{
    LedgerKind, OrderDocumentKind, OrderState, OrgKind, ServiceKind, VoucherState,
};

/// A service as its provider publishes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceIn {
    pub kind: ServiceKind,
    pub title: String,
    pub description: String,
    /// Industry field codes from the taxonomy (1 to 10).
    pub industry_codes: Vec<String>,
    /// What the provider can take on, in words ("3 batches of 500 L a month").
    pub capacity: Option<String>,
    /// Usual days from acceptance to delivery.
    pub lead_time_days: i64,
    /// Price range in minor units of `currency`.
    pub price_min_minor: i64,
    pub price_max_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Accreditation held (CMA, CNAS…).
    pub accreditation: Option<String>,
    /// Where the service is performed (region code).
    pub region_code: String,
}

/// A published service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ServiceOut {
    pub id: Uuid,
    pub provider_organisation_id: Uuid,
    pub provider_name: String,
    pub kind: ServiceKind,
    pub title: String,
    pub description: String,
    pub industry_codes: Vec<String>,
    pub capacity: Option<String>,
    pub lead_time_days: i32,
    pub price_min_minor: i64,
    pub price_max_minor: i64,
    pub currency: String,
    pub accreditation: Option<String>,
    pub region_code: String,
    /// Sample data shipped for a first start, not a real provider's offer.
    pub sample: bool,
    /// Needed to edit or withdraw it (a stale version is a 409).
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// When its provider withdrew it: it has left the directory and takes no new requests;
    /// orders already placed finish.
    pub withdrawn_at: Option<DateTime<FixedOffset>>,
}

/// The provider's change to its service: what is given replaces what was there, checked as on
/// creation. Absent fields stay; an empty `capacity` or `accreditation` clears it.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServicePatch {
    pub version: i32,
    pub kind: Option<ServiceKind>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub industry_codes: Option<Vec<String>>,
    pub capacity: Option<String>,
    pub lead_time_days: Option<i64>,
    pub price_min_minor: Option<i64>,
    pub price_max_minor: Option<i64>,
    pub currency: Option<String>,
    pub accreditation: Option<String>,
    pub region_code: Option<String>,
}

/// Withdrawing a service from the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceWithdrawIn {
    pub version: i32,
}

/// Filters and paging of the service directory.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ServiceListParams {
    pub kind: Option<ServiceKind>,
    /// Only services in this industry field.
    pub industry: Option<String>,
    /// Only services performed in this region or one of its cities (`450000` covers Guangxi).
    pub region: Option<String>,
    /// Words in the title.
    pub q: Option<String>,
    /// Only this provider's services.
    pub provider: Option<Uuid>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// An enterprise's request for a service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderIn {
    pub service_id: Uuid,
    /// What is to be done (samples, quantities, dates).
    pub description: String,
}

/// The provider's quote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteIn {
    /// Price in minor units of the service's currency.
    pub amount_minor: i64,
    pub note: Option<String>,
    pub version: i32,
}

/// A step of an order that carries only a note (accept, deliver, confirm).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrderStepIn {
    pub note: Option<String>,
    pub version: i32,
}

/// One row of an order's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderEventOut {
    pub id: Uuid,
    /// The state the order reached, `voucher` for a voucher applied to it, or `document` for a
    /// document attached (the note names its kind and file).
    pub kind: String,
    pub actor_id: Uuid,
    pub note: Option<String>,
    pub amount_minor: Option<i64>,
    pub created_at: DateTime<FixedOffset>,
}

/// A service order with its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderOut {
    pub id: Uuid,
    pub service_id: Uuid,
    pub service_title: String,
    pub service_kind: ServiceKind,
    pub provider_organisation_id: Uuid,
    pub requester_organisation_id: Uuid,
    pub state: OrderState,
    pub description: String,
    pub quote_minor: Option<i64>,
    pub currency: String,
    /// The part paid by an innovation voucher.
    pub voucher_id: Option<Uuid>,
    pub voucher_minor: i64,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// Oldest first; empty in lists.
    pub events: Vec<OrderEventOut>,
}

/// Which side of the orders to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrderListParams {
    /// `provider` for the orders your organisation received, `requester` (default) for those it
    /// placed; operators see all.
    pub side: Option<String>,
    pub state: Option<OrderState>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A voucher programme as the operator sets it up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProgrammeIn {
    pub name: String,
    /// Who funds it (科技厅, a city's bureau…).
    pub issuer: String,
    pub budget_minor: i64,
    pub currency: String,
    /// Organisation kinds that may apply (e.g. `enterprise`).
    pub eligible_org_kinds: Vec<OrgKind>,
    /// Service kinds a voucher may pay for.
    pub eligible_service_kinds: Vec<ServiceKind>,
    /// A fixed value per voucher; or else `share_bp` with `cap_minor`.
    pub face_value_minor: Option<i64>,
    /// Share of the price paid, in basis points (1..=10,000).
    pub share_bp: Option<i64>,
    /// Most a share voucher pays (what is reserved when it is issued).
    pub cap_minor: Option<i64>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    /// May a voucher pay a provider outside the home region?
    pub cross_region: bool,
    /// The region whose enterprises apply (`450000` Guangxi, or a city).
    pub home_region: String,
    /// May its vouchers pay technology contracts (the buyer's share of a signed contract)
    /// besides service orders? Default: no.
    #[serde(default)]
    pub pays_contracts: bool,
}

/// A voucher programme with its running totals (each equals the sum of its ledger lines).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProgrammeOut {
    pub id: Uuid,
    pub name: String,
    pub issuer: String,
    pub budget_minor: i64,
    pub currency: String,
    pub eligible_org_kinds: Vec<OrgKind>,
    pub eligible_service_kinds: Vec<ServiceKind>,
    pub face_value_minor: Option<i64>,
    pub share_bp: Option<i32>,
    pub cap_minor: Option<i64>,
    pub valid_from: NaiveDate,
    pub valid_until: NaiveDate,
    pub cross_region: bool,
    pub home_region: String,
    /// Its vouchers may pay technology contracts.
    pub pays_contracts: bool,
    pub issued_minor: i64,
    pub redeemed_minor: i64,
    pub released_minor: i64,
    pub claimed_minor: i64,
    /// Budget not reserved by a voucher: budget − issued + released.
    pub available_minor: i64,
    pub sample: bool,
    pub created_at: DateTime<FixedOffset>,
}

/// An enterprise's application for a voucher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoucherApplicationIn {
    /// What the enterprise means to spend it on.
    pub purpose: String,
}

/// The operator's decision on an application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VoucherDecisionIn {
    pub approve: bool,
    pub note: Option<String>,
    pub version: i32,
}

/// Spending a voucher on one of the holder's service orders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RedemptionIn {
    pub order_id: Uuid,
}

/// Spending a voucher on a signed technology contract the holder's organisation buys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractRedemptionIn {
    pub contract_id: Uuid,
}

/// A voucher.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct VoucherOut {
    pub id: Uuid,
    pub programme_id: Uuid,
    pub programme_name: String,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub region_code: String,
    pub state: VoucherState,
    pub purpose: String,
    /// Reserved when issued (face value, or a share voucher's cap).
    pub reserved_minor: i64,
    /// What it paid when redeemed.
    pub redeemed_minor: i64,
    pub currency: String,
    /// The service order it paid, if it paid one.
    pub order_id: Option<Uuid>,
    /// The technology contract it paid, if it paid one.
    pub contract_id: Option<Uuid>,
    pub decision_note: Option<String>,
    pub version: i32,
    pub applied_at: DateTime<FixedOffset>,
    pub decided_at: Option<DateTime<FixedOffset>>,
}

/// Filters of the voucher list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct VoucherListParams {
    pub programme_id: Option<Uuid>,
    /// Only the vouchers that paid this technology contract; its seller sees them too (to
    /// claim them), not only their holder.
    pub contract_id: Option<Uuid>,
    pub state: Option<VoucherState>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// A line of a programme's ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct LedgerLineOut {
    pub id: Uuid,
    pub programme_id: Uuid,
    pub voucher_id: Uuid,
    pub kind: LedgerKind,
    pub amount_minor: i64,
    pub currency: String,
    pub order_id: Option<Uuid>,
    /// The technology contract the voucher paid (redeem, release and claim lines).
    pub contract_id: Option<Uuid>,
    /// The voucher holder's region.
    pub region_code: String,
    pub service_kind: Option<ServiceKind>,
    pub actor_id: Uuid,
    pub created_at: DateTime<FixedOffset>,
}

/// Sums of one group of ledger lines.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReportRow {
    /// The region code or service kind of the group.
    pub key: String,
    pub issued_minor: i64,
    pub redeemed_minor: i64,
    pub claimed_minor: i64,
    /// Vouchers redeemed in this group.
    pub redemptions: u64,
}

/// The operator's report of a programme.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ProgrammeReport {
    pub programme: ProgrammeOut,
    /// Vouchers by state.
    pub vouchers_applied: u64,
    pub vouchers_issued: u64,
    pub vouchers_redeemed: u64,
    pub vouchers_claimed: u64,
    /// Sums over the ledger itself (issue, redeem, release, claim): they equal the programme's
    /// running totals.
    pub ledger_issued_minor: i64,
    pub ledger_redeemed_minor: i64,
    pub ledger_released_minor: i64,
    pub ledger_claimed_minor: i64,
    /// By the voucher holder's region.
    pub by_region: Vec<ReportRow>,
    /// By the kind of service redeemed against, and a `technology_contract` row
    /// (`VoucherTarget::TechnologyContract`) for contracts (issue lines pay nothing: not here).
    pub by_service_kind: Vec<ReportRow>,
    /// The most recent redemptions and claims, newest first.
    pub recent: Vec<LedgerLineOut>,
}

/// A document attached to a service order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OrderDocumentOut {
    pub id: Uuid,
    pub order_id: Uuid,
    pub kind: OrderDocumentKind,
    /// The name it was uploaded under, for display and the download's suggested name only.
    pub file_name: String,
    /// The type its content showed when uploaded (not the one the client claimed).
    pub content_type: String,
    pub size_bytes: i64,
    /// SHA-256 of the stored bytes, lowercase hex.
    pub sha256: String,
    pub uploaded_by: Uuid,
    /// The side that attached it (the provider's or the requester's organisation).
    pub uploaded_by_organisation_id: Uuid,
    pub created_at: DateTime<FixedOffset>,
    /// Where to download it (the order's two sides and operators).
    pub download_url: String,
}
