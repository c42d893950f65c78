//! The technology-transfer office's API types (issue #15): inventors and the grant to them
//! (赋权), distribution rules and ledger lines (收益分配), evaluations (成果评价), the price on a
//! publicity entry, and tiered disclosure of a listing's dossier. Listing builds the inventor,
//! evaluation and disclosure answers; deal the rule, ledger and price answers.
//!
//! Basis points arrive as `i64` so that a negative or enormous share is a 422 naming the field,
//! not a body that fails to parse.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::vocabulary::{
    AccessDecision, AccessStatus, DisclosureTerms, DistributionRecipient, DossierAction,
    EvaluationMethod, GrantKind, PriceMethod,
};

/// Basis points in a whole: shares are parts of 10,000.
pub const WHOLE_BP: i64 = 10_000;

/// An inventor as the owner records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InventorIn {
    pub name: String,
    /// The inventor's platform account, so they can read their own statement.
    pub user_id: Option<Uuid>,
    pub affiliation: Option<String>,
    /// Share of the inventors' part in basis points; the list sums to 10,000.
    pub share_bp: i64,
}

/// The share of ownership or long-term use granted to the inventors (赋权).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantIn {
    pub kind: GrantKind,
    /// Basis points of the right granted, 1..=10,000.
    pub share_bp: i64,
    pub granted_on: NaiveDate,
}

/// Replaces an achievement's inventors and grant in one step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnershipIn {
    pub inventors: Vec<InventorIn>,
    pub grant: Option<GrantIn>,
}

/// An inventor as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct InventorOut {
    pub id: Uuid,
    pub position: i32,
    pub name: String,
    pub user_id: Option<Uuid>,
    pub affiliation: Option<String>,
    pub share_bp: i32,
}

/// The grant as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct GrantOut {
    pub kind: GrantKind,
    pub share_bp: i32,
    pub granted_on: NaiveDate,
    pub updated_at: DateTime<FixedOffset>,
}

/// An achievement's inventors and the grant to them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OwnershipOut {
    pub achievement_id: Uuid,
    pub inventors: Vec<InventorOut>,
    pub grant: Option<GrantOut>,
}

/// How income is divided, in basis points of each payment; the five sum to 10,000.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DistributionRuleIn {
    pub inventors_bp: i64,
    pub college_bp: i64,
    pub transfer_office_bp: i64,
    pub university_bp: i64,
    pub broker_bp: i64,
    /// The version read, when changing an existing rule (stale → 409).
    pub version: Option<i32>,
}

/// A distribution rule: the organisation's default or an achievement's override.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DistributionRuleOut {
    pub organisation_id: Uuid,
    /// Set on an achievement's override.
    pub achievement_id: Option<Uuid>,
    pub inventors_bp: i32,
    pub college_bp: i32,
    pub transfer_office_bp: i32,
    pub university_bp: i32,
    pub broker_bp: i32,
    pub version: i32,
    pub updated_at: DateTime<FixedOffset>,
}

/// One line of the distribution ledger: part of one payment going to one recipient.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DistributionLineOut {
    pub id: Uuid,
    pub payment_id: Uuid,
    pub contract_id: Uuid,
    pub achievement_id: Uuid,
    pub line_no: i32,
    pub recipient: DistributionRecipient,
    pub inventor_id: Option<Uuid>,
    pub inventor_user_id: Option<Uuid>,
    pub inventor_name: Option<String>,
    /// Of the payment for a part, of the inventors' part for an inventor.
    pub share_bp: i32,
    pub amount_minor: i64,
    pub currency: String,
    pub paid_on: NaiveDate,
}

/// A statement: the ledger lines the caller may see, with totals per currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StatementOut {
    pub lines: Vec<DistributionLineOut>,
    /// Minor units per ISO 4217 code.
    pub totals_minor: BTreeMap<String, i64>,
}

/// A third-party evaluation as the owner records it: a value range or a grade (or both).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EvaluationIn {
    /// The evaluating organisation (评估机构).
    pub evaluator: String,
    pub method: EvaluationMethod,
    pub evaluated_on: NaiveDate,
    pub value_min_minor: Option<i64>,
    pub value_max_minor: Option<i64>,
    /// Required with a value.
    pub currency: Option<String>,
    pub grade: Option<String>,
    pub summary: Option<String>,
}

/// A recorded evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct EvaluationOut {
    pub id: Uuid,
    pub achievement_id: Uuid,
    pub evaluator: String,
    pub method: EvaluationMethod,
    pub evaluated_on: NaiveDate,
    pub value_min_minor: Option<i64>,
    pub value_max_minor: Option<i64>,
    pub currency: Option<String>,
    pub grade: Option<String>,
    pub summary: Option<String>,
    pub created_at: DateTime<FixedOffset>,
}

/// The price of a deal and how it was set, for its publicity entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealPriceIn {
    pub amount_minor: i64,
    pub currency: String,
    pub method: PriceMethod,
    /// The evaluation the price rests on (required when `method` is `evaluated`).
    pub evaluation_id: Option<Uuid>,
}

/// A deal's price as the publicity board shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DealPriceOut {
    pub amount_minor: i64,
    pub currency: String,
    pub method: PriceMethod,
    pub evaluation_id: Option<Uuid>,
    pub updated_at: DateTime<FixedOffset>,
}

/// The owner's disclosure settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisclosureIn {
    /// Shown to signed-in members of verified organisations.
    pub verified_text: String,
    /// The confidential dossier (never indexed).
    pub dossier_text: String,
    pub terms: DisclosureTerms,
    /// The confidentiality text; required when `terms` is `nda`.
    pub nda_text: Option<String>,
    /// The version read, when changing existing settings (stale → 409).
    pub version: Option<i32>,
}

/// The disclosure settings as the owner sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DisclosureSettingsOut {
    pub achievement_id: Uuid,
    pub verified_text: String,
    pub dossier_text: String,
    pub terms: DisclosureTerms,
    pub nda_text: Option<String>,
    /// SHA-256 (hex) of `nda_text`, what an acceptance records.
    pub nda_sha256: Option<String>,
    pub version: i32,
    pub updated_at: DateTime<FixedOffset>,
}

/// A listing's disclosure as another reader sees it: the terms, the verified part when the
/// reader's organisation is verified, and where their organisation's access stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DisclosureOut {
    pub achievement_id: Uuid,
    pub terms: DisclosureTerms,
    /// Only for members of verified organisations.
    pub verified_text: Option<String>,
    /// The text to accept, for members of verified organisations when the terms are `nda`.
    pub nda_text: Option<String>,
    pub nda_sha256: Option<String>,
    /// The reader may ask for the dossier (signed in, verified organisation, not the owner).
    pub may_request: bool,
    pub access: Option<AccessOut>,
}

/// Asks for a dossier. With `nda` terms, `accept_nda_sha256` is the SHA-256 of the text the
/// asker read and accepts; it must be the current text's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessRequestIn {
    pub message: Option<String>,
    pub accept_nda_sha256: Option<String>,
}

/// The owner's decision on an organisation's access.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessDecisionIn {
    pub decision: AccessDecision,
}

/// An organisation's access to a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccessOut {
    pub id: Uuid,
    pub achievement_id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub status: AccessStatus,
    pub requested_by: Uuid,
    pub requested_at: DateTime<FixedOffset>,
    pub message: Option<String>,
    pub decided_by: Option<Uuid>,
    pub decided_at: Option<DateTime<FixedOffset>>,
    pub nda_sha256: Option<String>,
    pub nda_accepted_by: Option<Uuid>,
    pub nda_accepted_at: Option<DateTime<FixedOffset>>,
    pub client_addr: Option<String>,
    pub version: i32,
}

/// The confidential dossier, for a reader with access (each read is logged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DossierOut {
    pub achievement_id: Uuid,
    pub title: String,
    pub dossier_text: String,
}

/// One read of a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DossierViewOut {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub user_id: Uuid,
    pub user_name: String,
    pub action: DossierAction,
    /// The dossier file a download read; `None` for the dossier's text.
    pub document_id: Option<Uuid>,
    /// That file's name as uploaded.
    pub document_name: Option<String>,
    pub client_addr: Option<String>,
    pub viewed_at: DateTime<FixedOffset>,
}

/// The owner's access log: every request and every read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AccessLogOut {
    pub requests: Vec<AccessOut>,
    pub views: Vec<DossierViewOut>,
}
