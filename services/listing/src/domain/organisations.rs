//! Organisations: registration data, validation, operator verification.

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::{AuthUser, OrgKind};
use platform::city_scope::OperatorScope;
use platform::countries::Served;
use platform::entity::organisations;
use platform::error::{ApiError, ApiResult, Validator};
use platform::identifiers::{is_gbt2260_code, parse_credit_code};
use platform::ids::OrganisationId;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::SERVICE;
use wire::VerificationStatus;

/// An organisation as submitted at sign-up.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationIn {
    /// Name in the organisation's own language (广西大学).
    pub name: String,
    /// English name, if it has one.
    pub name_en: Option<String>,
    pub kind: OrgKind,
    /// ISO 3166-1 alpha-2: `CN` or an ASEAN member.
    pub country: String,
    /// GB/T 2260 code in China (`450100` 南宁); the country code elsewhere.
    pub region_code: String,
    /// Unified social credit code, required for Chinese organisations.
    pub credit_code: Option<String>,
    /// State-funded university or institute: its negotiated deals need a publicity window.
    #[serde(default)]
    pub state_funded: bool,
    pub website: Option<String>,
    pub description: Option<String>,
}

pub use wire::accounts::OrganisationOut;

/// An organisation row as clients see it.
pub fn out(m: organisations::Model) -> OrganisationOut {
    OrganisationOut {
        id: OrganisationId(m.id),
        name: m.name,
        name_en: m.name_en,
        kind: m.kind,
        country: m.country,
        region_code: m.region_code,
        credit_code: m.credit_code,
        state_funded: m.state_funded,
        website: m.website,
        description: m.description,
        verification_status: m.verification_status,
        verification_note: m.verification_note,
        version: m.version,
        created_at: m.created_at,
    }
}

/// Validates `input`, reporting every bad field (paths prefixed with `prefix`); the country
/// must be one the platform serves now (`served`, configuration and operator-added).
pub fn validate(
    input: &OrganisationIn,
    served: &Served,
    prefix: &str,
    v: &mut Validator,
) -> Option<String> {
    let p = |f: &str| format!("{prefix}{f}");
    v.length(&input.name, &p("name"), 2, 200);
    if let Some(en) = &input.name_en {
        v.length(en, &p("name_en"), 1, 200);
    }
    let country = input.country.trim().to_ascii_uppercase();
    v.check(
        served.contains(&country),
        &p("country"),
        "must be the ISO 3166 code of a country the platform serves (GET /api/v1/taxonomies/countries)",
    );
    if country == "CN" {
        v.check(
            is_gbt2260_code(&input.region_code),
            &p("region_code"),
            "must be a six-digit GB/T 2260 code for Chinese organisations",
        );
    } else {
        v.check(
            input.region_code.trim().eq_ignore_ascii_case(&country),
            &p("region_code"),
            "must be the country code for organisations outside China",
        );
    }
    let mut credit = None;
    match (&input.credit_code, country.as_str()) {
        (Some(code), _) => match parse_credit_code(code) {
            Ok(c) => credit = Some(c),
            Err(e) => {
                v.push(&p("credit_code"), e.to_string());
            }
        },
        (None, "CN") => {
            v.push(&p("credit_code"), "is required for Chinese organisations");
        }
        (None, _) => {}
    }
    credit
}

/// Inserts a validated organisation (pending verification).
#[tracing::instrument(skip_all)]
pub async fn insert(
    db: &impl ConnectionTrait,
    input: &OrganisationIn,
    credit_code: Option<String>,
) -> ApiResult<organisations::Model> {
    let now = Utc::now();
    let country = input.country.trim().to_ascii_uppercase();
    let region = if country == "CN" {
        input.region_code.trim().to_owned()
    } else {
        country.clone()
    };
    let model = organisations::ActiveModel {
        id: Set(OrganisationId::new().0),
        name: Set(input.name.trim().to_owned()),
        name_en: Set(input.name_en.as_ref().map(|s| s.trim().to_owned())),
        kind: Set(input.kind.as_str().to_owned()),
        country: Set(country),
        region_code: Set(region),
        credit_code: Set(credit_code),
        state_funded: Set(input.state_funded),
        website: Set(input.website.clone()),
        description: Set(input.description.clone()),
        verification_status: Set(VerificationStatus::Pending.as_str().to_owned()),
        verification_note: Set(None),
        verified_at: Set(None),
        verified_by: Set(None),
        version: Set(1),
        created_at: Set(now.into()),
        updated_at: Set(now.into()),
    }
    .insert(db)
    .await?;
    if model.credit_code.is_some() {
        // Contracts recorded with this party off the platform link to it once it is verified
        // (deal's `organisation_joined.v1` handler checks that).
        platform::jobs::enqueue(
            db,
            &platform::jobs::events::OrganisationJoined {
                organisation_id: model.id,
            },
        )
        .await?;
    }
    Ok(model)
}

/// Finds an organisation the caller may see: verified ones are public; pending or rejected
/// ones only to their members and operators (a city office's operators: their cities' only;
/// 404 to everyone else).
#[tracing::instrument(skip_all, fields(organisation.id = %id))]
pub async fn find_visible(
    db: &impl ConnectionTrait,
    id: OrganisationId,
    caller: Option<&AuthUser>,
) -> ApiResult<organisations::Model> {
    let org = organisations::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("organisation {id}")))?;
    let visible = org.verification_status == VerificationStatus::Verified.as_str()
        || caller.is_some_and(|c| c.belongs_to(id))
        || match OperatorScope::of_operator(db, caller).await? {
            Some(scope) => scope.covers(&org.country, &org.region_code),
            None => false,
        };
    if visible {
        Ok(org)
    } else {
        Err(ApiError::not_found(format!("organisation {id}")))
    }
}

/// An operator's verification decision.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationIn {
    /// `verified` or `rejected`.
    pub decision: String,
    /// Required when rejecting: the reason the organisation will read.
    pub note: Option<String>,
    /// The version the operator saw; a stale one is refused with 409.
    pub version: i32,
}

/// Verifies or rejects an organisation (operators only).
#[tracing::instrument(skip_all, fields(organisation.id = %id))]
pub async fn decide_verification(
    db: &impl ConnectionTrait,
    operator: &AuthUser,
    id: OrganisationId,
    input: &VerificationIn,
) -> ApiResult<organisations::Model> {
    let scope = OperatorScope::of(db, operator).await?;
    let mut v = Validator::new();
    v.check(
        matches!(
            VerificationStatus::parse(&input.decision),
            Some(VerificationStatus::Verified | VerificationStatus::Rejected)
        ),
        "decision",
        "must be `verified` or `rejected`",
    );
    if input.decision == VerificationStatus::Rejected.as_str() {
        v.check(
            input.note.as_deref().is_some_and(|n| !n.trim().is_empty()),
            "note",
            "a rejection needs a reason",
        );
    }
    v.finish()?;
    let org = organisations::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("organisation {id}")))?;
    // A city office's operator verifies their cities' organisations only; another city's is
    // answered as if it did not exist.
    if !scope.covers(&org.country, &org.region_code) {
        return Err(ApiError::not_found(format!("organisation {id}")));
    }
    if org.version != input.version {
        return Err(ApiError::StaleVersion(format!(
            "organisation {id} is at version {}, not {}",
            org.version, input.version
        )));
    }
    let before = out(org.clone());
    let now = Utc::now();
    let mut active: organisations::ActiveModel = org.into();
    active.verification_status = Set(input.decision.clone());
    active.verification_note = Set(input.note.clone());
    active.verified_at = Set(Some(now.into()));
    active.verified_by = Set(Some(operator.user_id.0));
    active.version = Set(input.version + 1);
    active.updated_at = Set(now.into());
    // The version check is in the UPDATE itself, so two operators deciding at once cannot
    // both win.
    let result = organisations::Entity::update_many()
        .set(active)
        .filter(organisations::Column::Id.eq(id.0))
        .filter(organisations::Column::Version.eq(input.version))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(ApiError::StaleVersion(format!(
            "organisation {id} changed while you were deciding; reload it"
        )));
    }
    let updated = organisations::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("organisation {id}")))?;
    AuditEntry {
        actor: Some(operator),
        service: SERVICE,
        action: "organisation.verify",
        entity_type: "organisation",
        entity_id: id.0,
    }
    .record(db, Some(&before), Some(&out(updated.clone())))
    .await?;
    if updated.credit_code.is_some()
        && updated.verification_status == VerificationStatus::Verified.as_str()
    {
        platform::jobs::enqueue(
            db,
            &platform::jobs::events::OrganisationJoined {
                organisation_id: updated.id,
            },
        )
        .await?;
    }
    Ok(updated)
}

/// Filters of the operators' organisation list.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OrganisationListParams {
    /// Only organisations in this state: `pending`, `verified` or `rejected`.
    pub verification_status: Option<String>,
    /// 1-based page number.
    pub page: Option<u64>,
    /// Page size, at most 100 (default 20).
    pub per_page: Option<u64>,
}

/// Organisations for operators, oldest first (the verification queue reads `pending` ones in
/// the order they registered); a city office's operators list their cities' only. Returns (rows, total, page, per_page).
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    params: &OrganisationListParams,
) -> ApiResult<(Vec<organisations::Model>, u64, u64, u64)> {
    use sea_orm::{PaginatorTrait, QueryOrder};
    let scope = OperatorScope::of(db, caller).await?;
    let (page, per_page) = platform::paging::paging(params.page, params.per_page);
    let mut query = organisations::Entity::find().filter(scope.place_condition(
        organisations::Column::Country,
        organisations::Column::RegionCode,
    ));
    if let Some(status) = params.verification_status.as_deref() {
        if VerificationStatus::parse(status).is_none() {
            return Err(ApiError::BadRequest(
                "verification_status must be pending, verified or rejected".to_owned(),
            ));
        }
        query = query.filter(organisations::Column::VerificationStatus.eq(status));
    }
    let paginator = query
        .order_by_asc(organisations::Column::CreatedAt)
        .order_by_asc(organisations::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page - 1).await?;
    Ok((items, total, page, per_page))
}
