//! Partners beyond ASEAN and agencies acting for clients: the countries the platform serves
//! with their partner groups, the turnover by partner group, and a client's consent that a
//! broker agency posts listings for it.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::vocabulary::{AgencyScope, AmountKind, PartnerGroup};

/// A country whose organisations may register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ServedCountry {
    /// ISO 3166-1 alpha-2 (`JP`).
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub partner_group: PartnerGroup,
    /// Added by an operator (stored), rather than served by the configuration.
    pub added_by_operator: bool,
}

/// An operator adds a partner country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerCountryIn {
    /// ISO 3166-1 alpha-2, two letters (`IL`).
    pub code: String,
    /// `rcep`, `belt_and_road` or `other` (China and ASEAN are served by definition).
    pub partner_group: PartnerGroup,
    pub name_zh: String,
    pub name_en: String,
}

/// Turnover with the counterparts of one partner group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PartnerGroupRow {
    pub partner_group: PartnerGroup,
    pub label_zh: String,
    pub label_en: String,
    /// Output (seller in Guangxi) with buyers of this group, CNY fen.
    pub output_cny_minor: i64,
    pub output_contracts: i64,
    /// Absorption (buyer in Guangxi) from sellers of this group, CNY fen.
    pub absorption_cny_minor: i64,
    pub absorption_contracts: i64,
    /// The counterpart countries that contributed, in code order.
    pub countries: Vec<String>,
}

/// Turnover grouped by the counterpart's partner group (from the rollups).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PartnerGroupsOut {
    pub amount: AmountKind,
    /// Every group, in vocabulary order, zero when nothing was registered.
    pub groups: Vec<PartnerGroupRow>,
    pub total_output_cny_minor: i64,
    pub total_absorption_cny_minor: i64,
    /// Some country cells were withheld from this reader (too few contracts); the groups sum
    /// the published ones.
    pub withheld: bool,
}

/// A client organisation consents that a broker agency posts listings for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyConsentIn {
    /// The broker agency (an organisation of kind `broker_agency`).
    pub agency_organisation_id: Uuid,
    pub scope: AgencyScope,
}

/// A consent, as the client and the agency see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgencyConsentOut {
    pub id: Uuid,
    pub agency_organisation_id: Uuid,
    pub agency_name: String,
    pub client_organisation_id: Uuid,
    pub client_name: String,
    pub scope: AgencyScope,
    /// Who in the client organisation granted it, and when.
    pub granted_by: Uuid,
    pub granted_at: DateTime<FixedOffset>,
    pub withdrawn_by: Option<Uuid>,
    pub withdrawn_at: Option<DateTime<FixedOffset>>,
    /// Granted and not withdrawn.
    pub active: bool,
    pub version: i32,
}
