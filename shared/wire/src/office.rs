//! The registration office's answers: offices and their operators, the parties of a contract
//! (on the platform or recorded), the registration file with its 认定 decision, the public
//! certificate check and the batch intake's progress.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::listing::RowError;
use crate::vocabulary::{
    DecisionKind, ImportMode, ImportStatus, OfficeKind, OrgKind, PartyRole, PaymentMethod,
    RegistrationStatus,
};

/// A registration office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OfficeOut {
    pub id: Uuid,
    /// The office's code: its region's GB/T 2260 code (`450000` the provincial office).
    pub code: String,
    pub name: String,
    pub name_en: Option<String>,
    pub kind: OfficeKind,
    /// The region whose contracts it works.
    pub region_code: String,
    pub active: bool,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
}

/// An operator of an office.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OfficeOperatorOut {
    pub office_id: Uuid,
    pub user_id: Uuid,
    pub email: String,
    pub display_name: String,
    pub created_at: DateTime<FixedOffset>,
}

/// One party of a contract: an organisation on the platform, a recorded party (off the
/// platform), or a recorded party since linked to the organisation that joined with its code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PartyOut {
    pub role: PartyRole,
    /// The organisation on the platform, when there is one (also after linking).
    pub organisation_id: Option<Uuid>,
    /// The recorded party, when the contract was recorded with one.
    pub recorded_party_id: Option<Uuid>,
    pub name: String,
    /// 统一社会信用代码, for Chinese parties.
    pub credit_code: Option<String>,
    /// A foreign party's registration number.
    pub foreign_registration_number: Option<String>,
    pub country: String,
    pub region_code: String,
    pub kind: Option<OrgKind>,
}

/// The registration file: the form's fields, the decision and the certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegistrationFileOut {
    pub id: Uuid,
    pub contract_id: Uuid,
    pub office_id: Option<Uuid>,
    pub office_name: Option<String>,
    pub contract_number: String,
    pub contract_name: String,
    pub contract_type: String,
    pub subtype: String,
    pub licence_scope: Option<String>,
    pub parties: Vec<PartyOut>,
    pub currency: String,
    pub contract_amount_minor: i64,
    pub tech_amount_minor: i64,
    pub contract_amount_cny_minor: i64,
    pub tech_amount_cny_minor: i64,
    /// Non-technical parts deducted from the contract amount, in its currency.
    pub deductions_minor: i64,
    pub signed_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub payment_method: Option<PaymentMethod>,
    /// Technical field (industry code).
    pub industry_code: String,
    /// Social and economic objectives (社会经济目标).
    pub objectives: Option<String>,
    pub status: RegistrationStatus,
    pub decision: Option<DecisionKind>,
    pub decision_reasons: Option<String>,
    pub registration_number: Option<String>,
    pub registered_on: Option<NaiveDate>,
    /// Where anyone can check the certificate (only for registered contracts).
    pub verification_url: Option<String>,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// What the public certificate check answers for a genuine certificate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CertificateOut {
    pub registration_number: String,
    pub status: RegistrationStatus,
    pub office_name: Option<String>,
    pub registered_on: Option<NaiveDate>,
    pub contract_number: String,
    pub contract_name: String,
    pub contract_type: String,
    pub seller_name: String,
    pub buyer_name: String,
    pub currency: String,
    pub contract_amount_minor: i64,
    pub tech_amount_minor: i64,
    pub contract_amount_cny_minor: i64,
    pub tech_amount_cny_minor: i64,
    pub verification_code: String,
}

/// A batch intake of contracts and its progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RegistrationImportOut {
    pub id: Uuid,
    pub office_id: Uuid,
    pub mode: ImportMode,
    pub format: String,
    pub file_name: String,
    pub status: ImportStatus,
    pub total_rows: i32,
    pub processed_rows: i32,
    pub created_count: i32,
    pub error_count: i32,
    /// Every bad row: row, column and why.
    pub errors: Vec<RowError>,
    pub failure: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub finished_at: Option<DateTime<FixedOffset>>,
}
