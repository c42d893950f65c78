//! Broker profiles (技术经理人 / 技术转移机构): certification level and number, fields, regions,
//! languages; verified by an operator before they can be assigned to deals.

use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::brokers;
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::BrokerId;
use platform::taxonomy;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{clean_opt, next_version, now, paging, stale, strings, Page};
use crate::SERVICE;
use wire::VerificationStatus;

pub use wire::CertificationLevel;

/// A broker profile as its owner writes it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BrokerIn {
    pub display_name: String,
    /// `junior` / `intermediate` / `senior` (初级 / 中级 / 高级 are accepted too).
    pub certification_level: CertificationLevel,
    pub certificate_number: Option<String>,
    /// Industry codes (`/api/v1/taxonomies/industries`).
    #[serde(default)]
    pub fields: Vec<String>,
    /// GB/T 2260 region codes or ASEAN country codes the broker works in.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Language codes the broker works in.
    #[serde(default)]
    pub languages: Vec<String>,
    pub bio: Option<String>,
}

/// Changes to a broker profile; `version` is required.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BrokerPatch {
    pub version: i32,
    pub display_name: Option<String>,
    pub certification_level: Option<CertificationLevel>,
    pub certificate_number: Option<String>,
    pub fields: Option<Vec<String>>,
    pub regions: Option<Vec<String>>,
    pub languages: Option<Vec<String>>,
    pub bio: Option<String>,
}

/// An operator's decision on a broker profile.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
// Its own name in the OpenAPI document: the organisations' `VerificationIn` (a free-text
// decision) would take its place otherwise.
#[schema(as = BrokerVerificationIn)]
pub struct VerificationIn {
    pub version: i32,
    pub decision: VerificationDecision,
    pub note: Option<String>,
}

/// Verify or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum VerificationDecision {
    Verify,
    Reject,
}

pub use wire::deal::BrokerOut;

/// A broker profile as the API shows it; level and verification are stored codes read into the
/// vocabulary.
pub fn broker_out(m: brokers::Model) -> ApiResult<BrokerOut> {
    let level: CertificationLevel = m.certification_level.parse()?;
    Ok(BrokerOut {
        id: BrokerId(m.id),
        user_id: m.user_id,
        organisation_id: m.organisation_id,
        display_name: m.display_name,
        certification_label: level.label_zh().to_owned(),
        certification_level: level,
        certificate_number: m.certificate_number,
        fields: strings(&m.fields),
        regions: strings(&m.regions),
        languages: strings(&m.languages),
        bio: m.bio,
        verification_status: m.verification_status.parse()?,
        verification_note: m.verification_note,
        verified_at: m.verified_at,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        // Filled from the training records by `training::attach` before answering.
        training_hours: 0,
        certificates: Vec::new(),
    })
}

/// Filters of the broker list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BrokerListParams {
    /// Only brokers working in this industry field.
    pub field: Option<String>,
    /// Only brokers working in this region (code).
    pub region: Option<String>,
    /// Only brokers speaking this language.
    pub language: Option<String>,
    /// `junior`, `intermediate` or `senior`.
    pub level: Option<String>,
    /// `pending`, `verified`, `rejected` (operators; others see verified brokers only).
    pub status: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

fn validate_lists(fields: &[String], regions: &[String], languages: &[String], v: &mut Validator) {
    v.check(fields.len() <= 20, "fields", "at most 20 fields");
    for (i, f) in fields.iter().enumerate() {
        v.check(
            taxonomy::is_industry(f),
            &format!("fields[{i}]"),
            "must be an industry code from /api/v1/taxonomies/industries",
        );
    }
    v.check(regions.len() <= 40, "regions", "at most 40 regions");
    for (i, r) in regions.iter().enumerate() {
        v.check(
            taxonomy::is_chinese_region(r) || taxonomy::asean(r).is_some(),
            &format!("regions[{i}]"),
            "must be a GB/T 2260 region code or an ASEAN country code",
        );
    }
    v.check(languages.len() <= 12, "languages", "at most 12 languages");
    for (i, l) in languages.iter().enumerate() {
        v.check(
            taxonomy::is_language(l),
            &format!("languages[{i}]"),
            "must be a supported language code",
        );
    }
}

fn validate_text(
    display_name: &str,
    certificate: Option<&str>,
    bio: Option<&str>,
    v: &mut Validator,
) {
    v.length(display_name, "display_name", 1, 120);
    if let Some(c) = certificate {
        v.length(c, "certificate_number", 1, 64);
    }
    if let Some(b) = bio {
        v.length(b, "bio", 0, 4000);
    }
}

/// Reads a broker or 404.
#[tracing::instrument(skip_all, fields(broker.id = %id))]
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<brokers::Model> {
    brokers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("broker {id}")))
}

/// Reads a broker the caller may see, or 404: verified profiles are public, unverified ones
/// only to the broker and operators (the directory's rule, which the training record follows).
pub async fn find_visible(
    db: &impl ConnectionTrait,
    id: Uuid,
    caller: Option<&AuthUser>,
) -> ApiResult<brokers::Model> {
    let m = find(db, id).await?;
    let privileged = caller.is_some_and(|c| c.is_operator || c.user_id.0 == m.user_id);
    if m.verification_status != VerificationStatus::Verified.as_str() && !privileged {
        return Err(ApiError::not_found(format!("broker {id}")));
    }
    Ok(m)
}

/// Creates the caller's own broker profile (pending verification). One per user.
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: BrokerIn,
) -> ApiResult<brokers::Model> {
    let mut v = Validator::new();
    validate_text(
        &input.display_name,
        input.certificate_number.as_deref(),
        input.bio.as_deref(),
        &mut v,
    );
    validate_lists(&input.fields, &input.regions, &input.languages, &mut v);
    v.finish()?;
    if caller.broker_id.is_some() {
        return Err(ApiError::conflict(
            "broker_exists",
            "you already have a broker profile",
        ));
    }
    let txn = db.begin().await?;
    let at = now();
    let model = brokers::ActiveModel {
        id: Set(BrokerId::new().0),
        user_id: Set(caller.user_id.0),
        organisation_id: Set(caller.organisation_id.map(|o| o.0)),
        display_name: Set(input.display_name.trim().to_owned()),
        certification_level: Set(input.certification_level.as_str().to_owned()),
        certificate_number: Set(clean_opt(input.certificate_number)),
        fields: Set(serde_json::json!(input.fields)),
        regions: Set(serde_json::json!(input.regions)),
        languages: Set(serde_json::json!(input.languages)),
        bio: Set(clean_opt(input.bio)),
        verification_status: Set(VerificationStatus::Pending.as_str().to_owned()),
        verification_note: Set(None),
        verified_at: Set(None),
        verified_by: Set(None),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await?;
    audit(&txn, caller, "broker.create", model.id, None, Some(&model)).await?;
    txn.commit().await?;
    Ok(model)
}

async fn audit(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    action: &'static str,
    id: Uuid,
    before: Option<&brokers::Model>,
    after: Option<&brokers::Model>,
) -> ApiResult<()> {
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action,
        entity_type: "broker",
        entity_id: id,
    }
    .record(db, before, after)
    .await?;
    Ok(())
}

/// Edits a profile (its owner, or an operator). Changing the certification of a verified
/// profile sends it back to `pending`.
#[tracing::instrument(skip_all, fields(broker.id = %id))]
pub async fn update(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    patch: BrokerPatch,
) -> ApiResult<brokers::Model> {
    let txn = db.begin().await?;
    let before = find(&txn, id).await?;
    if before.user_id != caller.user_id.0 && !caller.is_operator {
        return Err(ApiError::Forbidden(
            "only the broker themself or an operator may edit this profile".to_owned(),
        ));
    }
    let display_name = patch
        .display_name
        .unwrap_or_else(|| before.display_name.clone());
    let certificate = patch
        .certificate_number
        .or_else(|| before.certificate_number.clone());
    let bio = patch.bio.or_else(|| before.bio.clone());
    let fields = patch.fields.unwrap_or_else(|| strings(&before.fields));
    let regions = patch.regions.unwrap_or_else(|| strings(&before.regions));
    let languages = patch
        .languages
        .unwrap_or_else(|| strings(&before.languages));
    let mut v = Validator::new();
    validate_text(
        &display_name,
        certificate.as_deref(),
        bio.as_deref(),
        &mut v,
    );
    validate_lists(&fields, &regions, &languages, &mut v);
    v.finish()?;
    let level = patch
        .certification_level
        .map(|l| l.as_str().to_owned())
        .unwrap_or_else(|| before.certification_level.clone());
    let recertify = (level != before.certification_level
        || certificate != before.certificate_number)
        && !caller.is_operator;
    let status = if recertify {
        VerificationStatus::Pending.as_str().to_owned()
    } else {
        before.verification_status.clone()
    };
    let res = brokers::Entity::update_many()
        .col_expr(
            brokers::Column::DisplayName,
            Expr::value(display_name.trim().to_owned()),
        )
        .col_expr(brokers::Column::CertificationLevel, Expr::value(level))
        .col_expr(
            brokers::Column::CertificateNumber,
            Expr::value(clean_opt(certificate)),
        )
        .col_expr(
            brokers::Column::Fields,
            Expr::value(serde_json::json!(fields)),
        )
        .col_expr(
            brokers::Column::Regions,
            Expr::value(serde_json::json!(regions)),
        )
        .col_expr(
            brokers::Column::Languages,
            Expr::value(serde_json::json!(languages)),
        )
        .col_expr(brokers::Column::Bio, Expr::value(clean_opt(bio)))
        .col_expr(brokers::Column::VerificationStatus, Expr::value(status))
        .col_expr(
            brokers::Column::Version,
            Expr::value(next_version(patch.version, "broker")?),
        )
        .col_expr(brokers::Column::UpdatedAt, Expr::value(now()))
        .filter(brokers::Column::Id.eq(id))
        .filter(brokers::Column::Version.eq(patch.version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(format!("broker {id}")));
    }
    let after = find(&txn, id).await?;
    audit(
        &txn,
        caller,
        "broker.update",
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// An operator verifies or rejects a profile.
#[tracing::instrument(skip_all, fields(broker.id = %id))]
pub async fn verify(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: VerificationIn,
) -> ApiResult<brokers::Model> {
    caller.require_operator()?;
    let txn = db.begin().await?;
    let before = find(&txn, id).await?;
    let (status, verified_at) = match input.decision {
        VerificationDecision::Verify => (VerificationStatus::Verified, Some(now())),
        VerificationDecision::Reject => {
            if clean_opt(input.note.clone()).is_none() {
                return Err(ApiError::field("note", "say why the profile is rejected"));
            }
            (VerificationStatus::Rejected, None)
        }
    };
    let res = brokers::Entity::update_many()
        .col_expr(
            brokers::Column::VerificationStatus,
            Expr::value(status.as_str()),
        )
        .col_expr(
            brokers::Column::VerificationNote,
            Expr::value(clean_opt(input.note)),
        )
        .col_expr(brokers::Column::VerifiedAt, Expr::value(verified_at))
        .col_expr(
            brokers::Column::VerifiedBy,
            Expr::value(Some(caller.user_id.0)),
        )
        .col_expr(
            brokers::Column::Version,
            Expr::value(next_version(input.version, "broker")?),
        )
        .col_expr(brokers::Column::UpdatedAt, Expr::value(now()))
        .filter(brokers::Column::Id.eq(id))
        .filter(brokers::Column::Version.eq(input.version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(format!("broker {id}")));
    }
    let after = find(&txn, id).await?;
    audit(
        &txn,
        caller,
        "broker.verify",
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Lists brokers: verified ones for everybody, any status for operators.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    params: &BrokerListParams,
) -> ApiResult<Page<BrokerOut>> {
    let (page, per_page) = paging(params.page, params.per_page);
    let operator = caller.is_some_and(|c| c.is_operator);
    let mut q = brokers::Entity::find();
    match (&params.status, operator) {
        (Some(s), true) => q = q.filter(brokers::Column::VerificationStatus.eq(s.as_str())),
        (Some(s), false) if s != VerificationStatus::Verified.as_str() => {
            return Err(ApiError::Forbidden(
                "only operators may list unverified brokers".to_owned(),
            ));
        }
        (None, true) => {}
        _ => {
            q = q.filter(
                brokers::Column::VerificationStatus.eq(VerificationStatus::Verified.as_str()),
            )
        }
    }
    if let Some(level) = &params.level {
        q = q.filter(brokers::Column::CertificationLevel.eq(level.as_str()));
    }
    // JSON arrays are matched as text (`"code"` inside the array) so one query serves both
    // databases; codes are plain ASCII and cannot contain quotes.
    for (col, value) in [
        ("fields", &params.field),
        ("regions", &params.region),
        ("languages", &params.language),
    ] {
        if let Some(value) = value {
            if value.contains('"') || value.contains('%') {
                return Err(ApiError::BadRequest(format!("invalid {col} filter")));
            }
            q = q.filter(
                Expr::expr(Expr::cust(format!("CAST({col} AS TEXT)")))
                    .like(format!("%\"{value}\"%")),
            );
        }
    }
    platform::paging::fetch_page(
        db,
        q.order_by_asc(brokers::Column::DisplayName)
            .order_by_asc(brokers::Column::Id),
        (page, per_page),
        broker_out,
    )
    .await
}
