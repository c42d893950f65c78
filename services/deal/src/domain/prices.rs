//! A deal's price and how it was set (negotiated, evaluated, listed, auction), as the transfer
//! rules require the publicity board (公示) to show it, beside the achievement's latest
//! third-party evaluation. The seller states it; the board reads it.

use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{achievement_evaluations, deal_prices};
use platform::error::{ApiError, ApiResult, Validator};
use platform::money::Currency;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;
use wire::tto::{DealPriceIn, DealPriceOut, EvaluationOut};
use wire::PriceMethod;

use super::access::ensure_deal_visible;
use super::{deals, now};
use crate::SERVICE;

fn out(m: deal_prices::Model) -> ApiResult<DealPriceOut> {
    Ok(DealPriceOut {
        amount_minor: m.amount_minor,
        currency: m.currency,
        method: m.method.parse()?,
        evaluation_id: m.evaluation_id,
        updated_at: m.updated_at,
    })
}

/// A deal's stated price, if any (without an access check: the board is public).
pub async fn find(db: &impl ConnectionTrait, deal_id: Uuid) -> ApiResult<Option<DealPriceOut>> {
    deal_prices::Entity::find_by_id(deal_id)
        .one(db)
        .await?
        .map(out)
        .transpose()
}

/// The latest evaluation of an achievement (the listing service writes them).
pub async fn latest_evaluation(
    db: &impl ConnectionTrait,
    achievement_id: Uuid,
) -> ApiResult<Option<EvaluationOut>> {
    let Some(m) = achievement_evaluations::Entity::find()
        .filter(achievement_evaluations::Column::AchievementId.eq(achievement_id))
        .order_by_desc(achievement_evaluations::Column::EvaluatedOn)
        .order_by_desc(achievement_evaluations::Column::CreatedAt)
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(EvaluationOut {
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
    }))
}

/// A deal's price for those who may see the deal (404 when none is stated).
#[tracing::instrument(skip_all, fields(deal.id = %deal_id))]
pub async fn get(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    deal_id: Uuid,
) -> ApiResult<DealPriceOut> {
    let deal = deals::find(db, deal_id).await?;
    ensure_deal_visible(db, caller, &deal).await?;
    find(db, deal_id)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("price of deal {deal_id}")))
}

/// States or restates a deal's price (members of the seller organisation; anyone else who
/// may see the deal gets 403, everyone else 404). An `evaluated` price names an evaluation of
/// the deal's achievement.
#[tracing::instrument(skip_all, fields(deal.id = %deal_id))]
pub async fn set(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    deal_id: Uuid,
    input: DealPriceIn,
) -> ApiResult<DealPriceOut> {
    let txn = db.begin().await?;
    let deal = deals::find(&txn, deal_id).await?;
    ensure_deal_visible(&txn, caller, &deal).await?;
    if !caller.belongs_to(deal.seller_organisation_id.into()) {
        return Err(ApiError::Forbidden(
            "only the seller states the price".to_owned(),
        ));
    }
    let mut v = Validator::new();
    v.check(
        input.amount_minor >= 0,
        "amount_minor",
        "must not be negative",
    );
    v.check(
        Currency::parse(&input.currency).is_some(),
        "currency",
        "must be an ISO 4217 code the platform knows",
    );
    v.check(
        input.method != PriceMethod::Evaluated || input.evaluation_id.is_some(),
        "evaluation_id",
        "an evaluated price names its evaluation",
    );
    v.finish()?;
    if let Some(e) = input.evaluation_id {
        let found = achievement_evaluations::Entity::find_by_id(e)
            .one(&txn)
            .await?
            .filter(|ev| Some(ev.achievement_id) == deal.achievement_id);
        if found.is_none() {
            return Err(ApiError::field(
                "evaluation_id",
                "no such evaluation of this deal's achievement",
            ));
        }
    }
    let before = deal_prices::Entity::find_by_id(deal.id).one(&txn).await?;
    let row = deal_prices::ActiveModel {
        deal_id: Set(deal.id),
        amount_minor: Set(input.amount_minor),
        currency: Set(input.currency),
        method: Set(input.method.as_str().to_owned()),
        evaluation_id: Set(input.evaluation_id),
        set_by: Set(caller.user_id.0),
        updated_at: Set(now()),
    };
    let after = if before.is_some() {
        row.update(&txn).await?
    } else {
        row.insert(&txn).await?
    };
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "deal.price",
        entity_type: "deal",
        entity_id: deal.id,
    }
    .record(&txn, before.as_ref(), Some(&after))
    .await?;
    txn.commit().await?;
    out(after)
}
