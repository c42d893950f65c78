//! Targets the platform reports against (`../shared/domain.md`): data per year and indicator,
//! seeded by migration from the 2021-2025 plan and edited by operators.

use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::targets;
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{next_version, now, paging, stale, Page};
use crate::SERVICE;

/// Indicators the statistics know how to measure.
pub const INDICATORS: &[(&str, &str)] = &[
    ("contract_turnover", "fen"),
    ("achievements_transferred", "count"),
    ("enterprises_served", "count"),
    ("brokers_trained", "count"),
];

/// A new target.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetIn {
    pub year: i32,
    /// `contract_turnover` (fen), `achievements_transferred`, `enterprises_served`,
    /// `brokers_trained` (counts).
    pub indicator: String,
    pub target_value: i64,
    pub baseline_value: Option<i64>,
    pub baseline_year: Option<i32>,
    pub source: String,
}

/// Changes to a target; `version` is required.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TargetPatch {
    pub version: i32,
    pub target_value: Option<i64>,
    pub baseline_value: Option<i64>,
    pub baseline_year: Option<i32>,
    pub source: Option<String>,
}

pub use wire::deal::TargetOut;

/// A target as the API shows it.
pub fn target_out(m: targets::Model) -> TargetOut {
    TargetOut {
        id: m.id,
        year: m.year,
        indicator: m.indicator,
        target_value: m.target_value,
        baseline_value: m.baseline_value,
        baseline_year: m.baseline_year,
        unit: m.unit,
        source: m.source,
        version: m.version,
        updated_at: m.updated_at,
    }
}

/// Filters of the target list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TargetListParams {
    pub year: Option<i32>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Lists targets by year and indicator.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    params: &TargetListParams,
) -> ApiResult<Page<TargetOut>> {
    let (page, per_page) = paging(params.page, params.per_page);
    let mut q = targets::Entity::find();
    if let Some(y) = params.year {
        q = q.filter(targets::Column::Year.eq(y));
    }
    let paginator = q
        .order_by_desc(targets::Column::Year)
        .order_by_asc(targets::Column::Indicator)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let items = paginator
        .fetch_page(page - 1)
        .await?
        .into_iter()
        .map(target_out)
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

fn validate(
    year: i32,
    target: i64,
    baseline: Option<i64>,
    baseline_year: Option<i32>,
    source: &str,
    v: &mut Validator,
) {
    v.check(
        (2000..=2100).contains(&year),
        "year",
        "must be between 2000 and 2100",
    );
    v.check(target > 0, "target_value", "must be positive");
    if let Some(b) = baseline {
        v.check(b >= 0, "baseline_value", "must not be negative");
    }
    if let Some(by) = baseline_year {
        v.check(by < year, "baseline_year", "must be before the target year");
    }
    v.length(source, "source", 2, 300);
}

/// Adds a target for a year (operators).
#[tracing::instrument(skip_all)]
pub async fn create(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: TargetIn,
) -> ApiResult<targets::Model> {
    caller.require_operator()?;
    let mut v = Validator::new();
    let unit = INDICATORS
        .iter()
        .find(|(i, _)| *i == input.indicator)
        .map(|(_, u)| *u);
    v.check(unit.is_some(), "indicator", "must be contract_turnover, achievements_transferred, enterprises_served or brokers_trained");
    validate(
        input.year,
        input.target_value,
        input.baseline_value,
        input.baseline_year,
        &input.source,
        &mut v,
    );
    v.finish()?;
    let txn = db.begin().await?;
    let at = now();
    let m = targets::ActiveModel {
        id: Set(new_uuid()),
        year: Set(input.year),
        indicator: Set(input.indicator),
        target_value: Set(input.target_value),
        baseline_value: Set(input.baseline_value),
        baseline_year: Set(input.baseline_year),
        unit: Set(unit.unwrap_or("count").to_owned()),
        source: Set(input.source.trim().to_owned()),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "target_exists",
            "this year already has a target for the indicator; edit it instead",
        ),
        other => other,
    })?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "target.create",
        entity_type: "target",
        entity_id: m.id,
    }
    .record(&txn, None::<&()>, Some(&m))
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// Edits a target (operators).
#[tracing::instrument(skip_all, fields(target.id = %id))]
pub async fn update(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    patch: TargetPatch,
) -> ApiResult<targets::Model> {
    caller.require_operator()?;
    let txn = db.begin().await?;
    let before = targets::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("target {id}")))?;
    let target = patch.target_value.unwrap_or(before.target_value);
    let baseline = patch.baseline_value.or(before.baseline_value);
    let baseline_year = patch.baseline_year.or(before.baseline_year);
    let source = patch.source.unwrap_or_else(|| before.source.clone());
    let mut v = Validator::new();
    validate(
        before.year,
        target,
        baseline,
        baseline_year,
        &source,
        &mut v,
    );
    v.finish()?;
    let res = targets::Entity::update_many()
        .col_expr(targets::Column::TargetValue, Expr::value(target))
        .col_expr(targets::Column::BaselineValue, Expr::value(baseline))
        .col_expr(targets::Column::BaselineYear, Expr::value(baseline_year))
        .col_expr(
            targets::Column::Source,
            Expr::value(source.trim().to_owned()),
        )
        .col_expr(
            targets::Column::Version,
            Expr::value(next_version(patch.version, "target")?),
        )
        .col_expr(targets::Column::UpdatedAt, Expr::value(now()))
        .filter(targets::Column::Id.eq(id))
        .filter(targets::Column::Version.eq(patch.version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(format!("target {id}")));
    }
    let after = targets::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("target"))?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "target.update",
        entity_type: "target",
        entity_id: id,
    }
    .record(&txn, Some(&before), Some(&after))
    .await?;
    txn.commit().await?;
    Ok(after)
}
