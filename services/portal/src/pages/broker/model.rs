//! The API's answers these pages read (only the fields they show; the API may send more).

use serde::Deserialize;

/// `DealOut`.
#[derive(Debug, Clone, Deserialize)]
pub struct Deal {
    pub id: String,
    pub title: String,
    pub origin: String,
    pub mode: String,
    #[serde(default)]
    pub match_id: Option<String>,
    #[serde(default)]
    pub achievement_id: Option<String>,
    #[serde(default)]
    pub need_id: Option<String>,
    pub seller_organisation_id: String,
    pub seller_name: String,
    pub buyer_organisation_id: String,
    pub buyer_name: String,
    pub stage: String,
    #[serde(default)]
    pub lost_reason: Option<String>,
    pub publicity: Publicity,
    #[serde(default)]
    pub brokers: Vec<Assignment>,
    #[serde(default)]
    pub attributions: Vec<Attribution>,
    pub version: i64,
    pub updated_at: String,
}

/// `PublicityOut`: the publicity window (公示) of a deal.
#[derive(Debug, Clone, Deserialize)]
pub struct Publicity {
    pub required: bool,
    #[serde(default)]
    pub starts_on: Option<String>,
    #[serde(default)]
    pub ends_on: Option<String>,
    pub open: bool,
    pub satisfied: bool,
    #[serde(default)]
    pub objections: Vec<Event>,
}

/// `EventOut`: one entry of a deal's timeline.
#[derive(Debug, Clone, Deserialize)]
pub struct Event {
    pub kind: String,
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub data: serde_json::Value,
    pub created_at: String,
}

/// `AssignmentOut`.
#[derive(Debug, Clone, Deserialize)]
pub struct Assignment {
    pub broker_id: String,
    pub display_name: String,
    pub assigned_at: String,
    #[serde(default)]
    pub unassigned_at: Option<String>,
}

/// `AttributionOut`: one entry of the attribution ledger.
#[derive(Debug, Clone, Deserialize)]
pub struct Attribution {
    pub broker_id: String,
    pub role: String,
    #[serde(default)]
    pub introduced_organisation_id: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
    pub created_at: String,
}

/// `MatchOut` as the worklist gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct Match {
    pub id: String,
    pub need_id: String,
    pub achievement_id: String,
    pub score: f64,
    #[serde(default)]
    pub reasons: Vec<Reason>,
    #[serde(default)]
    pub need: Option<Brief>,
    #[serde(default)]
    pub achievement: Option<Brief>,
}

/// `ListingBrief`.
#[derive(Debug, Clone, Deserialize)]
pub struct Brief {
    pub title: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub region_code: String,
}

/// A reason for or against a match, in both interface languages.
#[derive(Debug, Clone, Deserialize)]
pub struct Reason {
    pub positive: bool,
    pub zh: String,
    #[serde(default)]
    pub en: String,
}

/// `BrokerOut` (the operator console reads it too).
#[derive(Debug, Clone, Deserialize)]
pub struct Broker {
    pub id: String,
    pub display_name: String,
    pub certification_level: String,
    #[serde(default)]
    pub certificate_number: Option<String>,
    #[serde(default)]
    pub fields: Vec<String>,
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub languages: Vec<String>,
    pub verification_status: String,
    #[serde(default)]
    pub verification_note: Option<String>,
    /// The broker agency the broker works for, if any.
    #[serde(default)]
    pub organisation_id: Option<String>,
    #[serde(default)]
    pub bio: Option<String>,
    #[serde(default)]
    pub version: i64,
    #[serde(default)]
    pub created_at: String,
}

/// `ContractOut`.
#[derive(Debug, Clone, Deserialize)]
pub struct Contract {
    pub id: String,
    #[serde(default)]
    pub deal_id: Option<String>,
    pub contract_number: String,
    pub title: String,
    pub contract_type: String,
    #[serde(default)]
    pub contract_type_label: String,
    pub subtype: String,
    #[serde(default)]
    pub licence_scope: Option<String>,
    pub seller_organisation_id: String,
    pub buyer_organisation_id: String,
    #[serde(default)]
    pub intermediary_organisation_id: Option<String>,
    pub signed_on: String,
    #[serde(default)]
    pub valid_from: Option<String>,
    #[serde(default)]
    pub valid_until: Option<String>,
    pub amounts: Amounts,
    #[serde(default)]
    pub cost_lines: Vec<CostLine>,
    pub industry_code: String,
    #[serde(default)]
    pub ip_type: Option<String>,
    #[serde(default)]
    pub brokers: Vec<NamedBroker>,
    pub status: String,
    #[serde(default)]
    pub registration: Option<RegistrationSummary>,
}

/// `AmountsOut`: original currency and CNY at the stored rate.
#[derive(Debug, Clone, Deserialize)]
pub struct Amounts {
    pub currency: String,
    pub contract_amount_minor: i64,
    pub tech_amount_minor: i64,
    pub contract_amount_cny_minor: i64,
    pub tech_amount_cny_minor: i64,
    #[serde(default)]
    pub fx_rate: Option<String>,
    #[serde(default)]
    pub fx_rate_date: Option<String>,
    #[serde(default)]
    pub fx_rate_source: Option<String>,
}

/// `CostLineIn`: a non-technical part of the contract amount.
#[derive(Debug, Clone, Deserialize)]
pub struct CostLine {
    pub kind: String,
    pub description: String,
    pub amount_minor: i64,
}

/// `NamedBrokerIn`.
#[derive(Debug, Clone, Deserialize)]
pub struct NamedBroker {
    pub broker_id: String,
    pub role: String,
}

/// `RegistrationSummary`.
#[derive(Debug, Clone, Deserialize)]
pub struct RegistrationSummary {
    pub id: String,
    pub status: String,
    #[serde(default)]
    pub registration_number: Option<String>,
    #[serde(default)]
    pub registered_on: Option<String>,
}

/// `HistoryEntry` of a registration.
#[derive(Debug, Clone, Deserialize)]
pub struct HistoryEntry {
    pub action: String,
    pub at: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub registration_number: Option<String>,
    #[serde(default)]
    pub status: Option<String>,
}

/// `ContractTypeOut`.
#[derive(Debug, Clone, Deserialize)]
pub struct ContractType {
    pub code: String,
    pub label_zh: String,
    #[serde(default)]
    pub subtypes: Vec<Subtype>,
}

/// `SubtypeOut`.
#[derive(Debug, Clone, Deserialize)]
pub struct Subtype {
    pub code: String,
    pub label_zh: String,
}

/// `MilestoneOut`.
#[derive(Debug, Clone, Deserialize)]
pub struct Milestone {
    pub id: String,
    pub title: String,
    #[serde(default)]
    pub due_on: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    pub status: String,
    pub version: i64,
}

/// `PaymentOut`.
#[derive(Debug, Clone, Deserialize)]
pub struct Payment {
    pub id: String,
    #[serde(default)]
    pub milestone_id: Option<String>,
    pub amount_minor: i64,
    pub currency: String,
    #[serde(default)]
    pub due_on: Option<String>,
    #[serde(default)]
    pub paid_on: Option<String>,
    pub status: String,
    #[serde(default)]
    pub reference: Option<String>,
    pub version: i64,
}

/// `OrganisationOut` (only the name is shown).
#[derive(Debug, Clone, Deserialize)]
pub struct Organisation {
    pub name: String,
}

/// Anything the API created, for the redirect to its page.
#[derive(Debug, Clone, Deserialize)]
pub struct Created {
    pub id: String,
}
