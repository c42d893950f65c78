//! The deal service's API types: deals and their timeline, brokers, contracts with their
//! amounts, milestones and payments, registrations. The deal service builds them from its rows;
//! the portal reads them as they are.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ids::{BrokerId, ContractId, DealId, RegistrationId};
use crate::vocabulary::{
    AttributionRole, CertificationLevel, ContractStatus, MilestoneStatus, Mode, Origin,
    PaymentStatus, RegistrationStatus, Stage, VerificationStatus,
};

/// One event of a deal's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EventOut {
    pub id: Uuid,
    /// `deal_opened`, `stage_changed`, `note`, `broker_assigned`, `broker_unassigned`,
    /// `attribution`, `publicity_started`, `objection`, `contract_signed`, `contract_registered`, …
    pub kind: String,
    pub actor_id: Option<Uuid>,
    pub body: Option<String>,
    pub data: serde_json::Value,
    pub created_at: DateTime<FixedOffset>,
}

/// A broker's assignment, current (`unassigned_at` empty) or past.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AssignmentOut {
    pub broker_id: Uuid,
    pub display_name: String,
    pub assigned_by: Uuid,
    pub assigned_at: DateTime<FixedOffset>,
    pub unassigned_at: Option<DateTime<FixedOffset>>,
}

/// One entry of the append-only attribution ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AttributionOut {
    pub id: Uuid,
    pub broker_id: Uuid,
    pub role: AttributionRole,
    pub introduced_organisation_id: Option<Uuid>,
    pub note: Option<String>,
    pub recorded_by: Uuid,
    pub created_at: DateTime<FixedOffset>,
}

/// The publicity (公示) of a deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicityOut {
    /// Negotiated price with a state-funded university or institute as seller.
    pub required: bool,
    /// First day of the window.
    pub starts_on: Option<NaiveDate>,
    /// Last day of the window; signing is possible from the day after.
    pub ends_on: Option<NaiveDate>,
    /// Objections may be raised today.
    pub open: bool,
    /// The window has ended (or publicity is not required).
    pub satisfied: bool,
    pub objections: Vec<EventOut>,
}

/// A deal with its brokers, ledger, publicity and contracts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DealOut {
    pub id: DealId,
    pub title: String,
    pub origin: Origin,
    pub mode: Mode,
    pub match_id: Option<Uuid>,
    pub achievement_id: Option<Uuid>,
    pub need_id: Option<Uuid>,
    pub open_call_application_id: Option<Uuid>,
    pub seller_organisation_id: Uuid,
    pub seller_name: String,
    pub buyer_organisation_id: Uuid,
    pub buyer_name: String,
    pub stage: Stage,
    pub lost_reason: Option<String>,
    pub publicity: PublicityOut,
    pub brokers: Vec<AssignmentOut>,
    pub attributions: Vec<AttributionOut>,
    pub contract_ids: Vec<Uuid>,
    pub created_by: Uuid,
    pub closed_at: Option<DateTime<FixedOffset>>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A deal on the public publicity notice list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PublicityNotice {
    pub deal_id: Uuid,
    pub title: String,
    pub seller_name: String,
    pub buyer_name: String,
    pub achievement_id: Option<Uuid>,
    pub starts_on: Option<NaiveDate>,
    pub ends_on: Option<NaiveDate>,
    pub objection_count: u64,
    /// The price and how it was set, once the seller has stated it.
    #[serde(default)]
    pub price: Option<crate::tto::DealPriceOut>,
    /// The latest third-party evaluation of the achievement, shown beside the price.
    #[serde(default)]
    pub evaluation: Option<crate::tto::EvaluationOut>,
}

/// A broker profile as readers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct BrokerOut {
    pub id: BrokerId,
    pub user_id: Uuid,
    pub organisation_id: Option<Uuid>,
    pub display_name: String,
    pub certification_level: CertificationLevel,
    /// 初级 / 中级 / 高级
    pub certification_label: String,
    pub certificate_number: Option<String>,
    pub fields: Vec<String>,
    pub regions: Vec<String>,
    pub languages: Vec<String>,
    pub bio: Option<String>,
    pub verification_status: VerificationStatus,
    pub verification_note: Option<String>,
    pub verified_at: Option<DateTime<FixedOffset>>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// Hours of training classes attended (技术经理人培训).
    pub training_hours: i64,
    /// Certificates held, newest first.
    pub certificates: Vec<crate::training::CertificateOut>,
}

/// One non-technical part of the contract amount.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct CostLineIn {
    /// `equipment`, `materials`, `construction`, `software_licence`, `travel` or `other`.
    pub kind: String,
    pub description: String,
    /// In minor units of the contract's currency.
    pub amount_minor: i64,
}

/// A broker the contract names (reward schemes pay only these).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct NamedBrokerIn {
    pub broker_id: Uuid,
    /// `introducer`, `co_broker` or `closer`. A string, not [`AttributionRole`], so that an
    /// unknown role is a 422 naming the field (`brokers[i].role`) rather than an unreadable body.
    pub role: String,
}

/// The amounts of a contract, original and in CNY.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AmountsOut {
    pub currency: String,
    pub contract_amount_minor: i64,
    pub tech_amount_minor: i64,
    pub contract_amount_cny_minor: i64,
    pub tech_amount_cny_minor: i64,
    /// CNY per unit used (empty for CNY contracts).
    pub fx_rate: Option<String>,
    pub fx_rate_id: Option<Uuid>,
    pub fx_rate_date: Option<NaiveDate>,
    pub fx_rate_source: Option<String>,
}

/// The registration state shown with a contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegistrationSummary {
    pub id: Uuid,
    pub status: RegistrationStatus,
    pub registration_number: Option<String>,
    pub registered_on: Option<NaiveDate>,
}

/// A stored contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContractOut {
    pub id: ContractId,
    pub deal_id: Option<Uuid>,
    pub contract_number: String,
    pub title: String,
    pub contract_type: String,
    pub contract_type_label: String,
    pub subtype: String,
    pub licence_scope: Option<String>,
    /// The seller on the platform; absent for a party recorded off the platform.
    pub seller_organisation_id: Option<Uuid>,
    /// The buyer on the platform; absent for a party recorded off the platform.
    pub buyer_organisation_id: Option<Uuid>,
    pub intermediary_organisation_id: Option<Uuid>,
    pub signed_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub amounts: AmountsOut,
    /// How much of the contract amount innovation vouchers have paid (the buyer's vouchers;
    /// never more than the contract amount).
    pub voucher_paid_minor: i64,
    pub cost_lines: Vec<CostLineIn>,
    pub seller_country: String,
    pub seller_region_code: String,
    pub buyer_country: String,
    pub buyer_region_code: String,
    pub industry_code: String,
    pub ip_type: Option<String>,
    pub achievement_id: Option<Uuid>,
    pub need_id: Option<Uuid>,
    pub brokers: Vec<NamedBrokerIn>,
    pub status: ContractStatus,
    pub registration: Option<RegistrationSummary>,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// A stored milestone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MilestoneOut {
    pub id: Uuid,
    pub contract_id: Uuid,
    pub title: String,
    pub due_on: Option<NaiveDate>,
    pub amount_minor: i64,
    pub currency: String,
    pub status: MilestoneStatus,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

/// Contract types and subtypes, for forms.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ContractTypeOut {
    pub code: String,
    pub label_zh: String,
    pub subtypes: Vec<SubtypeOut>,
}

/// A subtype of a contract type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SubtypeOut {
    pub code: String,
    pub label_zh: String,
}

/// A stored payment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PaymentOut {
    pub id: Uuid,
    pub contract_id: Uuid,
    pub milestone_id: Option<Uuid>,
    pub amount_minor: i64,
    pub currency: String,
    pub due_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub status: PaymentStatus,
    pub reference: Option<String>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

/// A registration with the figures of its contract.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegistrationOut {
    pub id: RegistrationId,
    pub contract_id: Uuid,
    pub contract_number: String,
    pub contract_title: String,
    pub contract_amount_cny_minor: i64,
    pub tech_amount_cny_minor: i64,
    pub status: RegistrationStatus,
    pub registration_number: Option<String>,
    pub office: Option<String>,
    pub registered_on: Option<NaiveDate>,
    pub rejection_reason: Option<String>,
    pub change_note: Option<String>,
    pub submitted_by: Uuid,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<FixedOffset>>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// One step in a registration's history (from the audit log).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryEntry {
    /// `registration.submit`, `registration.decide`, `registration.change`, `registration.cancel`.
    pub action: String,
    pub actor_user_id: Option<Uuid>,
    /// Status after the step.
    pub status: Option<RegistrationStatus>,
    pub registration_number: Option<String>,
    pub registered_on: Option<String>,
    pub note: Option<String>,
    pub at: DateTime<FixedOffset>,
}

/// A stored target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TargetOut {
    pub id: Uuid,
    pub year: i32,
    pub indicator: String,
    pub target_value: i64,
    pub baseline_value: Option<i64>,
    pub baseline_year: Option<i32>,
    pub unit: String,
    pub source: String,
    pub version: i32,
    pub updated_at: DateTime<FixedOffset>,
}

/// A stored rate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FxRateOut {
    pub id: Uuid,
    pub currency: String,
    pub rate_date: NaiveDate,
    pub cny_per_unit: String,
    pub source: String,
    pub created_at: DateTime<FixedOffset>,
}
