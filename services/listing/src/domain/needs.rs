//! Needs (技术需求) and open calls (揭榜挂帅): what enterprises are looking for.

use chrono::{NaiveDate, Utc};
use platform::auth::{AuthUser, OrgKind};
use platform::entity::{needs, organisations};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::NeedId;
use platform::money::{Currency, Money};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::editing::{self, Editable};
use super::listings::{
    self, clean_ipc, clean_keywords, strings, CommonFields, Header, ListColumns, ListParams,
    ListingKind, ListingStatus, PriceRange,
};
use super::translations::{self, LocalizedText, Provenance};

pub use wire::NeedKind;

/// A need as its owner writes it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NeedIn {
    #[serde(default)]
    pub kind: NeedKind,
    pub language: String,
    pub title: String,
    /// The problem in a few sentences.
    pub summary: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub industry: String,
    /// Optional IPC hints.
    #[serde(default)]
    pub ipc_codes: Vec<String>,
    /// Lowest technology readiness level acceptable, 1–9.
    #[serde(default = "default_min_trl")]
    pub min_trl: i16,
    /// Budget; leave out for "negotiable".
    pub budget: Option<PriceRange>,
    #[serde(default)]
    pub cooperation_modes: Vec<String>,
    /// When the enterprise needs answers by; required for open calls.
    pub deadline: Option<NaiveDate>,
    pub country: Option<String>,
    pub region_code: Option<String>,
    #[serde(default)]
    pub cross_border: bool,
    pub valid_until: Option<NaiveDate>,
    /// Open calls: the published bounty.
    pub bounty: Option<Money>,
    /// Open calls: who may apply.
    pub eligibility: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
}

fn default_min_trl() -> i16 {
    1
}

pub use wire::listing::{Completeness, NeedOut};

/// Scores how much a matcher and a broker have to go on.
pub fn completeness(m: &needs::Model) -> Completeness {
    let checks: [(&str, bool, u8); 8] = [
        ("description", m.description.chars().count() >= 100, 20),
        ("keywords", strings(&m.keywords).len() >= 3, 15),
        ("ipc_codes", !strings(&m.ipc_codes).is_empty(), 15),
        ("budget", m.currency.is_some(), 15),
        (
            "cooperation_modes",
            !strings(&m.cooperation_modes).is_empty(),
            10,
        ),
        ("deadline", m.deadline.is_some(), 10),
        ("min_trl", m.min_trl > 1, 5),
        (
            "contact",
            m.contact_email.is_some() || m.contact_phone.is_some(),
            10,
        ),
    ];
    let mut score = 0u8;
    let mut missing = Vec::new();
    for (name, ok, weight) in checks {
        if ok {
            score += weight;
        } else {
            missing.push(name.to_owned());
        }
    }
    Completeness { score, missing }
}

pub fn original_text(m: &needs::Model) -> LocalizedText {
    LocalizedText {
        language: m.original_language.clone(),
        title: m.title.clone(),
        summary: m.summary.clone(),
        description: m.description.clone(),
        keywords: strings(&m.keywords),
        provenance: Provenance::Original,
        version: None,
    }
}

pub fn to_out(
    m: needs::Model,
    translations: &[LocalizedText],
    preferred: &[String],
    signed_in: bool,
) -> NeedOut {
    let original = original_text(&m);
    let chosen = translations::choose(&original, translations, preferred).clone();
    let mut available = vec![original.language.clone()];
    available.extend(translations.iter().map(|t| t.language.clone()));
    let showing_translation = chosen.provenance != Provenance::Original;
    let score = completeness(&m);
    NeedOut {
        id: NeedId(m.id),
        kind: NeedKind::parse(&m.kind).unwrap_or_default(),
        organisation_id: m.organisation_id,
        posted_by_organisation_id: m.posted_by_organisation_id,
        status: ListingStatus::parse(&m.status).unwrap_or(ListingStatus::Draft),
        version: m.version,
        original_language: m.original_language.clone(),
        language: chosen.language.clone(),
        provenance: chosen.provenance,
        available_languages: available,
        title: chosen.title,
        summary: chosen.summary,
        description: chosen.description,
        keywords: chosen.keywords,
        original: showing_translation.then_some(original),
        industry: m.industry_code,
        ipc_codes: strings(&m.ipc_codes),
        min_trl: m.min_trl,
        budget: m.currency.clone().map(|currency| PriceRange {
            min_minor: m.budget_min_minor,
            max_minor: m.budget_max_minor,
            currency,
        }),
        budget_negotiable: m.budget_negotiable,
        cooperation_modes: strings(&m.cooperation_modes),
        deadline: m.deadline,
        country: m.country,
        region_code: m.region_code,
        cross_border: m.cross_border,
        valid_until: m.valid_until,
        bounty: match (m.bounty_minor, m.bounty_currency) {
            (Some(minor), Some(currency)) => Some(wire::listing::Money {
                minor_units: minor,
                currency,
            }),
            _ => None,
        },
        eligibility: m.eligibility,
        awarded_application_id: m.awarded_application_id,
        contact_name: m.contact_name.filter(|_| signed_in),
        contact_email: m.contact_email.filter(|_| signed_in),
        contact_phone: m.contact_phone.filter(|_| signed_in),
        submitted_at: m.submitted_at,
        published_at: m.published_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
        completeness: score,
        pending_revision: None,
    }
}

pub fn to_in(m: &needs::Model) -> NeedIn {
    NeedIn {
        kind: NeedKind::parse(&m.kind).unwrap_or_default(),
        language: m.original_language.clone(),
        title: m.title.clone(),
        summary: m.summary.clone(),
        description: m.description.clone(),
        keywords: strings(&m.keywords),
        industry: m.industry_code.clone(),
        ipc_codes: strings(&m.ipc_codes),
        min_trl: m.min_trl,
        budget: m.currency.clone().map(|currency| PriceRange {
            min_minor: m.budget_min_minor,
            max_minor: m.budget_max_minor,
            currency,
        }),
        cooperation_modes: strings(&m.cooperation_modes),
        deadline: m.deadline,
        country: Some(m.country.clone()),
        region_code: Some(m.region_code.clone()),
        cross_border: m.cross_border,
        valid_until: m.valid_until,
        bounty: match (m.bounty_minor, &m.bounty_currency) {
            (Some(minor), Some(currency)) => Some(Money {
                minor_units: minor,
                currency: currency.clone(),
            }),
            _ => None,
        },
        eligibility: m.eligibility.clone(),
        contact_name: m.contact_name.clone(),
        contact_email: m.contact_email.clone(),
        contact_phone: m.contact_phone.clone(),
    }
}

pub fn validate(input: &NeedIn, org: &organisations::Model) -> ApiResult<(String, String)> {
    let (country, region) =
        listings::filed_under(input.country.as_deref(), input.region_code.as_deref(), org);
    let mut v = Validator::new();
    listings::validate_common(
        &CommonFields {
            language: &input.language,
            title: &input.title,
            summary: &input.summary,
            description: &input.description,
            keywords: &input.keywords,
            industry: &input.industry,
            ipc_codes: &input.ipc_codes,
            cooperation_modes: &input.cooperation_modes,
            country: &country,
            region_code: &region,
            valid_until: input.valid_until,
            price: input.budget.as_ref(),
            price_path: "budget",
            contact_email: input.contact_email.as_deref(),
        },
        &mut v,
    );
    v.check(
        (1..=9).contains(&input.min_trl),
        "min_trl",
        "must be between 1 and 9",
    );
    if let Some(deadline) = input.deadline {
        v.check(
            deadline > Utc::now().date_naive(),
            "deadline",
            "must be in the future",
        );
    }
    if input.kind == NeedKind::OpenCall {
        match &input.bounty {
            None => {
                v.push("bounty", "an open call needs a published bounty");
            }
            Some(b) => {
                v.check(
                    Currency::parse(&b.currency).is_some(),
                    "bounty.currency",
                    "must be an ISO 4217 code the platform knows",
                );
                v.check(b.minor_units > 0, "bounty.minor_units", "must be positive");
            }
        }
        v.check(
            input.deadline.is_some(),
            "deadline",
            "an open call needs a deadline",
        );
        v.check(
            input
                .eligibility
                .as_deref()
                .is_some_and(|e| e.trim().chars().count() >= 10),
            "eligibility",
            "an open call needs eligibility rules (at least 10 characters)",
        );
    } else {
        v.check(
            input.bounty.is_none(),
            "bounty",
            "only open calls carry a bounty",
        );
    }
    v.finish()?;
    Ok((country, region))
}

/// Needs (and open calls) in the shared draft-and-edit flow ([`editing`]).
pub struct Needs;

impl Editable for Needs {
    type Entity = needs::Entity;
    type Model = needs::Model;
    type Active = needs::ActiveModel;
    type Column = needs::Column;
    type Input = NeedIn;

    const NOUN: &'static str = "need";
    const CREATE_ACTION: &'static str = "need.create";
    const UPDATE_ACTION: &'static str = "need.update";
    const NOT_POSTED_BY: &'static str = "broker agencies do not post needs of their own";
    const ID: needs::Column = needs::Column::Id;
    const VERSION: needs::Column = needs::Column::Version;
    const KIND: ListingKind = ListingKind::Need;

    fn set_posted_by(active: &mut needs::ActiveModel, agency: Option<Uuid>) {
        active.posted_by_organisation_id = Set(agency);
    }

    /// Every kind of organisation but broker agencies posts needs.
    fn may_post(kind: Option<OrgKind>) -> bool {
        matches!(
            kind,
            Some(
                OrgKind::Enterprise
                    | OrgKind::Institute
                    | OrgKind::University
                    | OrgKind::Government
                    | OrgKind::Other
            )
        )
    }

    fn to_in(m: &needs::Model) -> NeedIn {
        to_in(m)
    }

    fn header(m: &needs::Model) -> Header {
        Header::from(m)
    }

    fn validate(input: &NeedIn, org: &organisations::Model) -> ApiResult<(String, String)> {
        validate(input, org)
    }

    fn draft(
        org_id: Uuid,
        created_by: Uuid,
        input: &NeedIn,
        country: String,
        region: String,
    ) -> needs::ActiveModel {
        let now = editing::written_at();
        let mut active = needs::ActiveModel {
            id: Set(NeedId::new().0),
            organisation_id: Set(org_id),
            posted_by_organisation_id: Set(None),
            created_by: Set(created_by),
            status: Set(ListingStatus::Draft.as_str().to_owned()),
            awarded_application_id: Set(None),
            submitted_at: Set(None),
            published_at: Set(None),
            closed_at: Set(None),
            expiry_reminded_at: Set(None),
            version: Set(1),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        };
        Self::apply(&mut active, input, country, region);
        active
    }

    fn apply(active: &mut needs::ActiveModel, input: &NeedIn, country: String, region: String) {
        active.kind = Set(input.kind.as_str().to_owned());
        active.original_language = Set(input.language.clone());
        active.title = Set(input.title.trim().to_owned());
        active.summary = Set(input.summary.trim().to_owned());
        active.description = Set(input.description.trim().to_owned());
        active.keywords = Set(serde_json::json!(clean_keywords(&input.keywords)));
        active.industry_code = Set(input.industry.clone());
        active.ipc_codes = Set(serde_json::json!(clean_ipc(&input.ipc_codes)));
        active.min_trl = Set(input.min_trl);
        active.budget_min_minor = Set(input.budget.as_ref().and_then(|p| p.min_minor));
        active.budget_max_minor = Set(input.budget.as_ref().and_then(|p| p.max_minor));
        active.currency = Set(input.budget.as_ref().map(|p| p.currency.clone()));
        active.budget_negotiable = Set(input.budget.is_none());
        active.cooperation_modes = Set(serde_json::json!(input.cooperation_modes));
        active.deadline = Set(input.deadline);
        active.country = Set(country);
        active.region_code = Set(region);
        active.cross_border = Set(input.cross_border);
        active.valid_until = Set(input.valid_until);
        active.bounty_minor = Set(input.bounty.as_ref().map(|b| b.minor_units));
        active.bounty_currency = Set(input.bounty.as_ref().map(|b| b.currency.clone()));
        active.eligibility = Set(input.eligibility.clone());
        active.contact_name = Set(input.contact_name.clone());
        active.contact_email = Set(input.contact_email.clone());
        active.contact_phone = Set(input.contact_phone.clone());
    }

    fn stamp(active: &mut needs::ActiveModel, status: ListingStatus, version: i32) {
        active.status = Set(status.as_str().to_owned());
        active.version = Set(version);
        active.updated_at = Set(editing::written_at());
    }

    /// A published need cannot become an open call or stop being one: applicants answered
    /// what it was.
    fn check_change(current: &needs::Model, before: &NeedIn, input: &NeedIn) -> ApiResult<()> {
        if input.kind != before.kind
            && ListingStatus::parse(&current.status) == Some(ListingStatus::Published)
        {
            return Err(ApiError::field(
                "kind",
                "a published need cannot become an open call or stop being one",
            ));
        }
        Ok(())
    }

    async fn check_promises(
        db: &impl ConnectionTrait,
        id: Uuid,
        before: &NeedIn,
        input: &NeedIn,
    ) -> ApiResult<()> {
        super::open_calls::check_promises(db, NeedId(id), before, input).await
    }
}

/// Creates a draft need for the caller's organisation ([`editing::create`]).
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    input: NeedIn,
    for_client: Option<Uuid>,
) -> ApiResult<needs::Model> {
    editing::create::<Needs>(db, caller, input, for_client).await
}

/// A new draft row from validated input (shared by the API and bulk imports).
pub fn draft_model(
    org_id: Uuid,
    created_by: Uuid,
    input: &NeedIn,
    country: String,
    region: String,
) -> needs::ActiveModel {
    Needs::draft(org_id, created_by, input, country, region)
}

/// Applies a JSON merge patch to the need at `version` ([`editing::update`]).
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn update(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    id: NeedId,
    version: i32,
    patch: serde_json::Value,
) -> ApiResult<needs::Model> {
    editing::update::<Needs>(db, caller, id.0, version, patch).await
}

/// Applies an approved revision onto the published need ([`editing::apply_revision`]).
#[tracing::instrument(skip_all)]
pub async fn apply_revision(
    txn: &impl ConnectionTrait,
    caller: &AuthUser,
    header: &Header,
    version: i32,
    patch: serde_json::Value,
) -> ApiResult<()> {
    editing::apply_revision::<Needs>(txn, caller, header, version, patch).await
}

/// Reads a need or 404 (no visibility check: callers decide).
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn find(db: &impl ConnectionTrait, id: NeedId) -> ApiResult<needs::Model> {
    editing::find::<Needs>(db, id.0).await
}

/// Lists needs the caller may see; `open_calls_only` for `/api/v1/open-calls`.
#[tracing::instrument(skip_all, fields(open_calls_only = open_calls_only))]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    params: &ListParams,
    open_calls_only: bool,
) -> ApiResult<(Vec<needs::Model>, u64, u64, u64)> {
    let mut query = needs::Entity::find();
    if open_calls_only {
        query = query.filter(needs::Column::Kind.eq(NeedKind::OpenCall.as_str()));
    }
    listings::list_page(
        db,
        caller,
        params,
        query,
        ListColumns {
            organisation_id: needs::Column::OrganisationId,
            status: needs::Column::Status,
            updated_at: needs::Column::UpdatedAt,
            id: needs::Column::Id,
        },
    )
    .await
}
