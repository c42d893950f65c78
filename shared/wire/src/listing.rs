//! The listing service's API types: achievements and needs as readers see them, their
//! translations and pending revisions, open-call applications, imports, search results, the
//! review queue and lifecycle answers. The listing service builds them from its rows; the
//! portal reads them as they are.

use std::collections::BTreeMap;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ids::{AchievementId, ApplicationId, NeedId};
use crate::vocabulary::{
    ApplicationStatus, ImportKind, ImportMode, ImportStatus, ListingKind, ListingStatus, NeedKind,
    Provenance, RevisionStatus,
};

// The wire form of `platform::money::Money` (which computes; this only carries): the same
// fields and the same OpenAPI name and description, so the document has one `Money`.
/// An exact amount: `minor_units` of `currency` (12345 CNY = 123.45 元).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Money {
    pub minor_units: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// A price or budget range in one currency; `None` bounds are open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceRange {
    /// Lower bound in minor units (fen for CNY).
    pub min_minor: Option<i64>,
    /// Upper bound in minor units.
    pub max_minor: Option<i64>,
    /// ISO 4217 code.
    pub currency: String,
}

/// One language's text of a listing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LocalizedText {
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub provenance: Provenance,
    /// Version of the translation row (absent for the original).
    pub version: Option<i32>,
}

/// A translation's text as a revision proposes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TranslationText {
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub provenance: Provenance,
}

/// What a revision proposes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Proposal {
    /// The listing fields that change, with their new values (a JSON merge patch).
    // Absent when nothing changes there: the service leaves empty parts out.
    #[serde(default, skip_serializing_if = "serde_json::Map::is_empty")]
    #[schema(value_type = Object)]
    pub listing: serde_json::Map<String, serde_json::Value>,
    /// Translations added or replaced (`null`: removed), by language.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schema(value_type = Object)]
    pub translations: BTreeMap<String, Option<TranslationText>>,
}

impl Proposal {
    /// Nothing would change.
    pub fn is_empty(&self) -> bool {
        self.listing.is_empty() && self.translations.is_empty()
    }
}

/// A revision as its owner and operators see it (never shown to anyone else).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RevisionOut {
    pub id: Uuid,
    /// `pending` (waiting for review) or `rejected` (see `reason`).
    pub status: RevisionStatus,
    /// The listing version whose public text this revision would replace.
    pub base_version: i32,
    pub proposed: Proposal,
    /// Why an operator rejected it.
    pub reason: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub reviewed_at: Option<DateTime<FixedOffset>>,
}

/// An achievement as a reader sees it, in the language chosen for them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct AchievementOut {
    pub id: AchievementId,
    pub organisation_id: Uuid,
    /// The broker agency that posted it for the owner (its client), if any.
    pub posted_by_organisation_id: Option<Uuid>,
    pub status: ListingStatus,
    pub version: i32,
    pub original_language: String,
    /// Language of `title`, `summary`, `description` and `keywords` in this response.
    pub language: String,
    /// How that text came to be; `machine` is shown with a mark.
    pub provenance: Provenance,
    /// Every language this listing can be read in.
    pub available_languages: Vec<String>,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<String>,
    /// The original text, when the response carries a translation.
    pub original: Option<LocalizedText>,
    pub industry: String,
    pub ipc_codes: Vec<String>,
    pub ip_type: String,
    pub ip_numbers: Vec<String>,
    pub patent_status: Option<String>,
    pub trl: i16,
    pub cooperation_modes: Vec<String>,
    pub price: Option<PriceRange>,
    pub price_negotiable: bool,
    pub country: String,
    pub region_code: String,
    pub cross_border: bool,
    pub valid_until: Option<NaiveDate>,
    /// Contact details are shown to signed-in users only.
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// The owner's edit waiting for review, or the last one rejected: on single reads by the
    /// owner's members and operators only (`null` for everyone else and in lists).
    pub pending_revision: Option<RevisionOut>,
}

/// A need's completeness score: brokers and matching do better with fuller needs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Completeness {
    pub score: u8,
    /// Fields whose absence lowers the score.
    pub missing: Vec<String>,
}

/// A need as a reader sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NeedOut {
    pub id: NeedId,
    pub kind: NeedKind,
    pub organisation_id: Uuid,
    /// The broker agency that posted it for the owner (its client), if any.
    pub posted_by_organisation_id: Option<Uuid>,
    pub status: ListingStatus,
    pub version: i32,
    pub original_language: String,
    pub language: String,
    pub provenance: Provenance,
    pub available_languages: Vec<String>,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub original: Option<LocalizedText>,
    pub industry: String,
    pub ipc_codes: Vec<String>,
    pub min_trl: i16,
    pub budget: Option<PriceRange>,
    pub budget_negotiable: bool,
    pub cooperation_modes: Vec<String>,
    pub deadline: Option<NaiveDate>,
    pub country: String,
    pub region_code: String,
    pub cross_border: bool,
    pub valid_until: Option<NaiveDate>,
    pub bounty: Option<Money>,
    pub eligibility: Option<String>,
    pub awarded_application_id: Option<Uuid>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// How complete the need is for matching, 0–100, and what would raise it.
    pub completeness: Completeness,
    /// The owner's edit waiting for review, or the last one rejected: on single reads by the
    /// owner's members and operators only (`null` for everyone else and in lists).
    pub pending_revision: Option<RevisionOut>,
}

/// An application to an open call as shown to the owner, the applicant and operators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ApplicationOut {
    pub id: ApplicationId,
    pub need_id: NeedId,
    pub organisation_id: Uuid,
    pub proposal: String,
    pub achievement_id: Option<Uuid>,
    pub status: ApplicationStatus,
    pub version: i32,
    pub created_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
}

/// One problem with one cell (or the whole file, as row 1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct RowError {
    /// Spreadsheet row number: the header is row 1, the first data row is 2.
    pub row: usize,
    /// The column as the file names it.
    pub column: String,
    pub reason: String,
}

impl RowError {
    /// A required column the file lacks: a whole-file error, reported on the header row.
    pub fn missing_column(zh: &str, en: &str) -> RowError {
        RowError {
            row: 1,
            column: format!("{zh} / {en}"),
            reason: "required column is missing".to_owned(),
        }
    }
}

/// An import and its progress.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ImportOut {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub kind: ImportKind,
    pub mode: ImportMode,
    pub format: String,
    pub file_name: String,
    pub status: ImportStatus,
    pub total_rows: i32,
    pub processed_rows: i32,
    pub created_count: i32,
    pub error_count: i32,
    /// Every bad cell: row, column and why.
    pub errors: Vec<RowError>,
    /// Why the whole import failed, when it did.
    pub failure: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub finished_at: Option<DateTime<FixedOffset>>,
}

/// One search result with the listing's text in the reader's language.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchHit {
    pub kind: ListingKind,
    pub id: Uuid,
    pub open_call: bool,
    pub title: String,
    pub summary: String,
    /// Language of `title` and `summary`.
    pub language: String,
    pub machine_translated: bool,
    /// Language of the text that matched the query.
    pub matched_language: Option<String>,
    /// `title` / `summary` with matches in `<mark>`, HTML-escaped.
    pub highlights: BTreeMap<String, String>,
    pub industry: String,
    pub region_code: String,
    pub country: String,
    pub trl: i16,
    pub organisation_id: Uuid,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub score: f32,
    /// `true` when found by meaning (an embedder is configured and the listing shares no
    /// words with the query, in another language, say); `score` is then the cosine
    /// similarity. Absent for full-text hits.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by_meaning: Option<bool>,
}

/// A page of search results with facet counts over all matches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SearchPage {
    pub total: u64,
    pub page: usize,
    pub per_page: usize,
    pub hits: Vec<SearchHit>,
    /// Facet → value → count, over every match (not only this page).
    pub facets: BTreeMap<String, BTreeMap<String, u64>>,
}

/// One listing waiting for review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ReviewItem {
    pub kind: ListingKind,
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub title: String,
    pub language: String,
    pub version: i32,
    pub submitted_at: Option<DateTime<FixedOffset>>,
    /// Set when the item is an edit of a published listing: what would change. `title` is
    /// then the public title; approve or reject through the same review route.
    pub revision: Option<RevisionOut>,
}

/// A listing's state after a change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ListingState {
    pub id: Uuid,
    pub kind: ListingKind,
    pub status: ListingStatus,
    pub version: i32,
}
