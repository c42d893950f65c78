//! Payments under a contract: due and paid amounts in the contract's currency, optionally
//! against a milestone. Non-cancelled payments never add up to more than the contract amount.

use chrono::NaiveDate;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{milestones, payments};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::{clean_opt, next_version, now, paging, stale, today, Page};
use super::{contracts, distribution};
use crate::SERVICE;
use wire::{ContractStatus, PaymentStatus};

/// A payment as recorded.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentIn {
    pub contract_id: Uuid,
    pub milestone_id: Option<Uuid>,
    /// Minor units of the contract's currency.
    pub amount_minor: i64,
    /// Must be the contract's currency (defaults to it).
    pub currency: Option<String>,
    pub due_on: Option<NaiveDate>,
    /// Set when the money has arrived; the payment is then `paid`.
    pub paid_on: Option<NaiveDate>,
    pub reference: Option<String>,
}

/// Marks a payment paid.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaidIn {
    pub version: i32,
    pub paid_on: NaiveDate,
    pub reference: Option<String>,
}

pub use wire::deal::PaymentOut;

/// A payment as the API shows it; its status is a stored code read into the vocabulary.
pub fn payment_out(m: payments::Model) -> ApiResult<PaymentOut> {
    Ok(PaymentOut {
        id: m.id,
        contract_id: m.contract_id,
        milestone_id: m.milestone_id,
        amount_minor: m.amount_minor,
        currency: m.currency,
        due_on: m.due_on,
        paid_on: m.paid_on,
        status: m.status.parse()?,
        reference: m.reference,
        version: m.version,
        created_at: m.created_at,
    })
}

/// Filters of the payment list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PaymentListParams {
    pub contract_id: Uuid,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Records a payment inside `txn` (the caller's idempotency transaction).
#[tracing::instrument(skip_all)]
pub async fn create(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    input: PaymentIn,
) -> ApiResult<payments::Model> {
    let c = contracts::get_to_act(txn, caller, input.contract_id).await?;
    let currency = input.currency.clone().unwrap_or_else(|| c.currency.clone());
    let mut v = Validator::new();
    v.check(input.amount_minor > 0, "amount_minor", "must be positive");
    v.check(
        currency == c.currency,
        "currency",
        format!("must be the contract's currency, {}", c.currency),
    );
    if let Some(paid) = input.paid_on {
        v.check(paid <= today(), "paid_on", "cannot be in the future");
    }
    if let Some(r) = &input.reference {
        v.length(r, "reference", 1, 120);
    }
    v.finish()?;
    if c.status == ContractStatus::Cancelled.as_str() {
        return Err(ApiError::conflict(
            "contract_cancelled",
            "the contract is cancelled",
        ));
    }
    if let Some(m) = input.milestone_id {
        milestones::Entity::find_by_id(m)
            .filter(milestones::Column::ContractId.eq(c.id))
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::field("milestone_id", "no such milestone of this contract"))?;
    }
    let existing: i64 = payments::Entity::find()
        .filter(payments::Column::ContractId.eq(c.id))
        .filter(payments::Column::Status.ne(PaymentStatus::Cancelled.as_str()))
        .all(txn)
        .await?
        .iter()
        .map(|p| p.amount_minor)
        .sum();
    if existing.saturating_add(input.amount_minor) > c.contract_amount_minor {
        return Err(ApiError::conflict(
            "payments_exceed_contract",
            format!(
                "payments would total more than the contract amount ({} minor units)",
                c.contract_amount_minor
            ),
        ));
    }
    let p = payments::ActiveModel {
        id: Set(new_uuid()),
        contract_id: Set(c.id),
        milestone_id: Set(input.milestone_id),
        amount_minor: Set(input.amount_minor),
        currency: Set(currency),
        due_on: Set(input.due_on),
        paid_on: Set(input.paid_on),
        status: Set(if input.paid_on.is_some() {
            PaymentStatus::Paid
        } else {
            PaymentStatus::Due
        }
        .as_str()
        .to_owned()),
        reference: Set(clean_opt(input.reference)),
        created_by: Set(caller.user_id.0),
        version: Set(1),
        created_at: Set(now()),
    }
    .insert(txn)
    .await?;
    // Income arrived: its distribution ledger lines are written in the same transaction.
    distribution::split_payment(txn, &p).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "payment.create",
        entity_type: "payment",
        entity_id: p.id,
    }
    .record(txn, None::<&()>, Some(&p))
    .await?;
    Ok(p)
}

/// A contract's payments.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    params: &PaymentListParams,
) -> ApiResult<Page<PaymentOut>> {
    contracts::get(db, caller, params.contract_id).await?;
    let (page, per_page) = paging(params.page, params.per_page);
    platform::paging::fetch_page(
        db,
        payments::Entity::find()
            .filter(payments::Column::ContractId.eq(params.contract_id))
            .order_by_asc(payments::Column::CreatedAt)
            .order_by_asc(payments::Column::Id),
        (page, per_page),
        payment_out,
    )
    .await
}

/// Marks a due payment paid.
#[tracing::instrument(skip_all, fields(payment.id = %id))]
pub async fn mark_paid(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: PaidIn,
) -> ApiResult<payments::Model> {
    let txn = db.begin().await?;
    let before = payments::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("payment {id}")))?;
    contracts::get_to_act(&txn, caller, before.contract_id).await?;
    if before.status != PaymentStatus::Due.as_str() {
        return Err(ApiError::conflict(
            "payment_not_due",
            format!("the payment is {}", before.status),
        ));
    }
    if input.paid_on > today() {
        return Err(ApiError::field("paid_on", "cannot be in the future"));
    }
    let res = payments::Entity::update_many()
        .col_expr(
            payments::Column::Status,
            Expr::value(PaymentStatus::Paid.as_str()),
        )
        .col_expr(payments::Column::PaidOn, Expr::value(Some(input.paid_on)))
        .col_expr(
            payments::Column::Reference,
            Expr::value(clean_opt(input.reference).or(before.reference.clone())),
        )
        .col_expr(
            payments::Column::Version,
            Expr::value(next_version(input.version, "payment")?),
        )
        .filter(payments::Column::Id.eq(id))
        .filter(payments::Column::Version.eq(input.version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(format!("payment {id}")));
    }
    let after = payments::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("payment"))?;
    distribution::split_payment(&txn, &after).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "payment.paid",
        entity_type: "payment",
        entity_id: id,
    }
    .record(&txn, Some(&before), Some(&after))
    .await?;
    txn.commit().await?;
    Ok(after)
}
