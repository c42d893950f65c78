//! Third-party evaluations of an achievement (成果评价): who evaluated it, how, when, and the
//! value range (integer minor units) or grade they arrived at. Public wherever the listing is,
//! so a price can be read beside what backs it; the deal service reads the latest one for the
//! publicity board.

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::achievement_evaluations;
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::{new_uuid, AchievementId};
use platform::money::Currency;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use wire::tto::{EvaluationIn, EvaluationOut};

use super::achievements::find;
use super::listings::{ensure_visible, Header};
use crate::SERVICE;

/// An evaluation as the API shows it; its method is a stored code read into the vocabulary.
pub fn out(m: achievement_evaluations::Model) -> ApiResult<EvaluationOut> {
    Ok(EvaluationOut {
        id: m.id,
        achievement_id: m.achievement_id,
        evaluator: m.evaluator,
        method: m.method.parse()?,
        evaluated_on: m.evaluated_on,
        value_min_minor: m.value_min_minor,
        value_max_minor: m.value_max_minor,
        currency: m.currency,
        grade: m.grade,
        summary: m.summary,
        created_at: m.created_at,
    })
}

fn validate(input: &EvaluationIn) -> ApiResult<()> {
    let mut v = Validator::new();
    v.length(input.evaluator.trim(), "evaluator", 1, 200);
    v.check(
        input.evaluated_on <= Utc::now().date_naive(),
        "evaluated_on",
        "cannot be in the future",
    );
    let has_value = input.value_min_minor.is_some() || input.value_max_minor.is_some();
    for (path, value) in [
        ("value_min_minor", input.value_min_minor),
        ("value_max_minor", input.value_max_minor),
    ] {
        if let Some(x) = value {
            v.check(x >= 0, path, "must not be negative");
        }
    }
    if let (Some(min), Some(max)) = (input.value_min_minor, input.value_max_minor) {
        v.check(
            min <= max,
            "value_min_minor",
            "must not exceed value_max_minor",
        );
    }
    match &input.currency {
        Some(c) => v.check(
            Currency::parse(c).is_some(),
            "currency",
            "must be an ISO 4217 code the platform knows",
        ),
        None => v.check(!has_value, "currency", "required with a value"),
    };
    if let Some(g) = &input.grade {
        v.length(g.trim(), "grade", 1, 32);
    }
    if let Some(s) = &input.summary {
        v.length(s, "summary", 0, 5_000);
    }
    v.check(
        has_value || input.grade.is_some(),
        "value_min_minor",
        "give a value range or a grade",
    );
    v.finish()
}

/// Records an evaluation (members of the achievement's organisation).
#[tracing::instrument(skip_all, fields(achievement.id = %id))]
pub async fn create(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: AchievementId,
    input: EvaluationIn,
) -> ApiResult<EvaluationOut> {
    let txn = db.begin().await?;
    let m = find(&txn, id).await?;
    if !caller.belongs_to(m.organisation_id.into()) {
        return Err(ApiError::not_found(format!("achievement {id}")));
    }
    validate(&input)?;
    let row = achievement_evaluations::ActiveModel {
        id: Set(new_uuid()),
        achievement_id: Set(m.id),
        evaluator: Set(input.evaluator.trim().to_owned()),
        method: Set(input.method.as_str().to_owned()),
        evaluated_on: Set(input.evaluated_on),
        value_min_minor: Set(input.value_min_minor),
        value_max_minor: Set(input.value_max_minor),
        currency: Set(input.currency),
        grade: Set(input.grade.map(|g| g.trim().to_owned())),
        summary: Set(input.summary),
        created_by: Set(caller.user_id.0),
        created_at: Set(Utc::now().into()),
    }
    .insert(&txn)
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "achievement.evaluation",
        entity_type: "achievement_evaluation",
        entity_id: row.id,
    }
    .record(&txn, None::<&()>, Some(&row))
    .await?;
    txn.commit().await?;
    out(row)
}

/// An achievement's evaluations, latest first, for anyone who may see the achievement.
#[tracing::instrument(skip_all, fields(achievement.id = %id))]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    id: AchievementId,
) -> ApiResult<Vec<EvaluationOut>> {
    let m = find(db, id).await?;
    ensure_visible(db, &Header::from(&m), caller).await?;
    achievement_evaluations::Entity::find()
        .filter(achievement_evaluations::Column::AchievementId.eq(m.id))
        .order_by_desc(achievement_evaluations::Column::EvaluatedOn)
        .order_by_desc(achievement_evaluations::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(out)
        .collect()
}
