//! Achievements (科技成果): what universities, institutes and companies offer.

use chrono::NaiveDate;
use platform::auth::{AuthUser, OrgKind};
use platform::entity::{achievements, organisations};
use platform::error::{ApiResult, Validator};
use platform::ids::AchievementId;
use platform::taxonomy;
use sea_orm::{ConnectionTrait, EntityTrait, Set, TransactionTrait};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use super::editing::{self, Editable};
use super::listings::{
    self, clean_ipc, clean_keywords, strings, CommonFields, Header, ListColumns, ListParams,
    ListingKind, ListingStatus, PriceRange,
};
use super::translations::{self, LocalizedText, Provenance};

/// An achievement as its owner writes it (create, or the result of a patch).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AchievementIn {
    /// Language the text is written in (`zh`, `en`, `vi`, `th`, …).
    pub language: String,
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Industry field code (`/api/v1/taxonomies/industries`).
    pub industry: String,
    #[serde(default)]
    pub ipc_codes: Vec<String>,
    /// `invention_patent`, `utility_model`, … (`/api/v1/taxonomies/ip-types`).
    pub ip_type: String,
    /// Patent or registration numbers (`ZL202110123456.7`).
    #[serde(default)]
    pub ip_numbers: Vec<String>,
    pub patent_status: Option<String>,
    /// Technology readiness level, 1–9.
    pub trl: i16,
    #[serde(default)]
    pub cooperation_modes: Vec<String>,
    /// Asking price; leave out for "negotiable".
    pub price: Option<PriceRange>,
    /// Defaults to the organisation's country.
    pub country: Option<String>,
    /// Defaults to the organisation's region.
    pub region_code: Option<String>,
    /// Open to partners across the border (ASEAN).
    #[serde(default)]
    pub cross_border: bool,
    /// Required before the listing can be submitted for publication.
    pub valid_until: Option<NaiveDate>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
}

pub use wire::listing::AchievementOut;

/// The original text of a stored achievement.
pub fn original_text(m: &achievements::Model) -> LocalizedText {
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

/// Builds the reader's view: text in their language when available.
pub fn to_out(
    m: achievements::Model,
    translations: &[LocalizedText],
    preferred: &[String],
    signed_in: bool,
) -> AchievementOut {
    let original = original_text(&m);
    let chosen = translations::choose(&original, translations, preferred).clone();
    let mut available = vec![original.language.clone()];
    available.extend(translations.iter().map(|t| t.language.clone()));
    let showing_translation = chosen.provenance != Provenance::Original;
    let price = m.currency.clone().map(|currency| PriceRange {
        min_minor: m.price_min_minor,
        max_minor: m.price_max_minor,
        currency,
    });
    AchievementOut {
        id: AchievementId(m.id),
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
        ip_type: m.ip_type,
        ip_numbers: strings(&m.ip_numbers),
        patent_status: m.patent_status,
        trl: m.trl,
        cooperation_modes: strings(&m.cooperation_modes),
        price,
        price_negotiable: m.price_negotiable,
        country: m.country,
        region_code: m.region_code,
        cross_border: m.cross_border,
        valid_until: m.valid_until,
        contact_name: m.contact_name.filter(|_| signed_in),
        contact_email: m.contact_email.filter(|_| signed_in),
        contact_phone: m.contact_phone.filter(|_| signed_in),
        submitted_at: m.submitted_at,
        published_at: m.published_at,
        created_at: m.created_at,
        updated_at: m.updated_at,
        pending_revision: None,
    }
}

/// The stored achievement as input again: what a patch is applied to.
pub fn to_in(m: &achievements::Model) -> AchievementIn {
    AchievementIn {
        language: m.original_language.clone(),
        title: m.title.clone(),
        summary: m.summary.clone(),
        description: m.description.clone(),
        keywords: strings(&m.keywords),
        industry: m.industry_code.clone(),
        ipc_codes: strings(&m.ipc_codes),
        ip_type: m.ip_type.clone(),
        ip_numbers: strings(&m.ip_numbers),
        patent_status: m.patent_status.clone(),
        trl: m.trl,
        cooperation_modes: strings(&m.cooperation_modes),
        price: m.currency.clone().map(|currency| PriceRange {
            min_minor: m.price_min_minor,
            max_minor: m.price_max_minor,
            currency,
        }),
        country: Some(m.country.clone()),
        region_code: Some(m.region_code.clone()),
        cross_border: m.cross_border,
        valid_until: m.valid_until,
        contact_name: m.contact_name.clone(),
        contact_email: m.contact_email.clone(),
        contact_phone: m.contact_phone.clone(),
    }
}

/// Validates an achievement; `org` supplies the default country and region.
pub fn validate(input: &AchievementIn, org: &organisations::Model) -> ApiResult<(String, String)> {
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
            price: input.price.as_ref(),
            price_path: "price",
            contact_email: input.contact_email.as_deref(),
        },
        &mut v,
    );
    v.check(
        (1..=9).contains(&input.trl),
        "trl",
        "must be between 1 and 9",
    );
    v.check(
        taxonomy::is_ip_type(&input.ip_type),
        "ip_type",
        "must be an IP type from /api/v1/taxonomies/ip-types",
    );
    if let Some(status) = &input.patent_status {
        v.check(
            taxonomy::is_patent_status(status),
            "patent_status",
            "must be filed, granted, expired or not_applicable",
        );
    }
    for (i, n) in input.ip_numbers.iter().enumerate() {
        v.length(n, &format!("ip_numbers[{i}]"), 3, 40);
    }
    v.finish()?;
    Ok((country, region))
}

/// Achievements in the shared draft-and-edit flow ([`editing`]).
pub struct Achievements;

impl Editable for Achievements {
    type Entity = achievements::Entity;
    type Model = achievements::Model;
    type Active = achievements::ActiveModel;
    type Column = achievements::Column;
    type Input = AchievementIn;

    const NOUN: &'static str = "achievement";
    const CREATE_ACTION: &'static str = "achievement.create";
    const UPDATE_ACTION: &'static str = "achievement.update";
    const NOT_POSTED_BY: &'static str =
        "achievements are posted by universities, institutes and companies";
    const ID: achievements::Column = achievements::Column::Id;
    const VERSION: achievements::Column = achievements::Column::Version;
    const KIND: ListingKind = ListingKind::Achievement;

    fn set_posted_by(active: &mut achievements::ActiveModel, agency: Option<Uuid>) {
        active.posted_by_organisation_id = Set(agency);
    }

    /// Universities, institutes and companies offer achievements.
    fn may_post(kind: Option<OrgKind>) -> bool {
        matches!(
            kind,
            Some(OrgKind::University | OrgKind::Institute | OrgKind::Enterprise | OrgKind::Other)
        )
    }

    fn to_in(m: &achievements::Model) -> AchievementIn {
        to_in(m)
    }

    fn header(m: &achievements::Model) -> Header {
        Header::from(m)
    }

    fn validate(input: &AchievementIn, org: &organisations::Model) -> ApiResult<(String, String)> {
        validate(input, org)
    }

    fn draft(
        org_id: Uuid,
        created_by: Uuid,
        input: &AchievementIn,
        country: String,
        region: String,
    ) -> achievements::ActiveModel {
        let now = editing::written_at();
        let mut active = achievements::ActiveModel {
            id: Set(AchievementId::new().0),
            organisation_id: Set(org_id),
            posted_by_organisation_id: Set(None),
            created_by: Set(created_by),
            status: Set(ListingStatus::Draft.as_str().to_owned()),
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

    fn apply(
        active: &mut achievements::ActiveModel,
        input: &AchievementIn,
        country: String,
        region: String,
    ) {
        active.original_language = Set(input.language.clone());
        active.title = Set(input.title.trim().to_owned());
        active.summary = Set(input.summary.trim().to_owned());
        active.description = Set(input.description.trim().to_owned());
        active.keywords = Set(serde_json::json!(clean_keywords(&input.keywords)));
        active.industry_code = Set(input.industry.clone());
        active.ipc_codes = Set(serde_json::json!(clean_ipc(&input.ipc_codes)));
        active.ip_type = Set(input.ip_type.clone());
        active.ip_numbers = Set(serde_json::json!(input.ip_numbers));
        active.patent_status = Set(input.patent_status.clone());
        active.trl = Set(input.trl);
        active.cooperation_modes = Set(serde_json::json!(input.cooperation_modes));
        active.price_min_minor = Set(input.price.as_ref().and_then(|p| p.min_minor));
        active.price_max_minor = Set(input.price.as_ref().and_then(|p| p.max_minor));
        active.currency = Set(input.price.as_ref().map(|p| p.currency.clone()));
        active.price_negotiable = Set(input.price.is_none());
        active.country = Set(country);
        active.region_code = Set(region);
        active.cross_border = Set(input.cross_border);
        active.valid_until = Set(input.valid_until);
        active.contact_name = Set(input.contact_name.clone());
        active.contact_email = Set(input.contact_email.clone());
        active.contact_phone = Set(input.contact_phone.clone());
    }

    fn stamp(active: &mut achievements::ActiveModel, status: ListingStatus, version: i32) {
        active.status = Set(status.as_str().to_owned());
        active.version = Set(version);
        active.updated_at = Set(editing::written_at());
    }
}

/// Creates a draft achievement for the caller's organisation ([`editing::create`]).
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    input: AchievementIn,
    for_client: Option<Uuid>,
) -> ApiResult<achievements::Model> {
    editing::create::<Achievements>(db, caller, input, for_client).await
}

/// A new draft row from validated input (shared by the API and bulk imports).
pub fn draft_model(
    org_id: Uuid,
    created_by: Uuid,
    input: &AchievementIn,
    country: String,
    region: String,
) -> achievements::ActiveModel {
    Achievements::draft(org_id, created_by, input, country, region)
}

/// Applies a JSON merge patch to the achievement at `version` ([`editing::update`]).
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn update(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    id: AchievementId,
    version: i32,
    patch: serde_json::Value,
) -> ApiResult<achievements::Model> {
    editing::update::<Achievements>(db, caller, id.0, version, patch).await
}

/// Applies an approved revision onto the published achievement ([`editing::apply_revision`]).
#[tracing::instrument(skip_all)]
pub async fn apply_revision(
    txn: &impl ConnectionTrait,
    caller: &AuthUser,
    header: &Header,
    version: i32,
    patch: serde_json::Value,
) -> ApiResult<()> {
    editing::apply_revision::<Achievements>(txn, caller, header, version, patch).await
}

/// Reads an achievement or 404 (no visibility check: callers decide).
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn find(db: &impl ConnectionTrait, id: AchievementId) -> ApiResult<achievements::Model> {
    editing::find::<Achievements>(db, id.0).await
}

/// Lists achievements the caller may see.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    params: &ListParams,
) -> ApiResult<(Vec<achievements::Model>, u64, u64, u64)> {
    listings::list_page(
        db,
        caller,
        params,
        achievements::Entity::find(),
        ListColumns {
            organisation_id: achievements::Column::OrganisationId,
            status: achievements::Column::Status,
            updated_at: achievements::Column::UpdatedAt,
            id: achievements::Column::Id,
        },
    )
    .await
}
