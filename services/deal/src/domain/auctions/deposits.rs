//! Deposits (保证金): an operator records that an organisation lodged an auction's deposit,
//! which gives it the next paddle number (竞买号) and the right to bid. Only verified
//! organisations other than the seller. At the close the winner's deposit is applied to the
//! price and every other one marked for refund (`closing`, or `cancelling`); an operator then
//! records each refund paid (`record_refund`).

use chrono::{Datelike, Utc};
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{auction_deposits, auctions, organisations};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use platform::jobs::enqueue;
use platform::jobs::events::AuctionNotice;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;
use wire::auction::{DepositIn, DepositOut, RefundIn};
use wire::{AuctionStatus, BidRefusal, DepositStatus, NotificationKind, VerificationStatus};

use super::{find, now_ms, status_at, ACTIVE, MAX_AMOUNT_MINOR};
use crate::SERVICE;

pub(super) async fn out(
    db: &impl ConnectionTrait,
    d: auction_deposits::Model,
) -> ApiResult<DepositOut> {
    let name = organisations::Entity::find_by_id(d.organisation_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    Ok(DepositOut {
        id: d.id,
        auction_id: d.auction_id,
        organisation_id: d.organisation_id,
        organisation_name: name,
        paddle: d.paddle,
        amount_minor: d.amount_minor,
        currency: d.currency,
        status: d.status.parse()?,
        note: d.note,
        recorded_at: d.recorded_at,
        updated_at: d.updated_at,
        refunded_on: d.refunded_on,
        refund_reference: d.refund_reference,
    })
}

/// The organisation's deposit on an auction, if one is recorded.
pub async fn of(
    db: &impl ConnectionTrait,
    auction_id: Uuid,
    organisation_id: Uuid,
) -> ApiResult<Option<auction_deposits::Model>> {
    Ok(auction_deposits::Entity::find()
        .filter(auction_deposits::Column::AuctionId.eq(auction_id))
        .filter(auction_deposits::Column::OrganisationId.eq(organisation_id))
        .one(db)
        .await?)
}

/// 403 unless the caller is an operator; 404 unless their scope holds the auction's seller (a
/// city office's operators take deposits and record refunds for their cities' sellers only).
async fn ensure_operator_of(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    a: &auctions::Model,
) -> ApiResult<()> {
    platform::city_scope::OperatorScope::of(db, caller)
        .await?
        .ensure_organisation(db, a.seller_organisation_id, || format!("auction {}", a.id))
        .await
}

/// Records a deposit (operators only) and hands out the next paddle number.
#[tracing::instrument(skip_all, fields(auction.id = %auction_id))]
pub async fn record(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    auction_id: Uuid,
    input: DepositIn,
) -> ApiResult<DepositOut> {
    let txn = db.begin().await?;
    let a = find(&txn, auction_id).await?;
    ensure_operator_of(&txn, caller, &a).await?;
    let mut v = Validator::new();
    v.check(
        (a.deposit_minor..=MAX_AMOUNT_MINOR).contains(&input.amount_minor),
        "amount_minor",
        format!(
            "must be at least the auction's deposit, {} minor units",
            a.deposit_minor
        ),
    );
    if let Some(n) = &input.note {
        v.length(n, "note", 1, 500);
    }
    v.finish()?;
    match status_at(&a, now_ms())? {
        AuctionStatus::Cancelled => {
            return Err(ApiError::conflict(
                BidRefusal::Cancelled.as_str(),
                "the auction was cancelled",
            ))
        }
        s if s.is_final() => {
            return Err(ApiError::conflict(
                BidRefusal::Ended.as_str(),
                "the auction is closed",
            ))
        }
        _ => {}
    }
    let org = organisations::Entity::find_by_id(input.organisation_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::field("organisation_id", "no such organisation"))?;
    if org.id == a.seller_organisation_id {
        return Err(ApiError::conflict(
            BidRefusal::OwnAuction.as_str(),
            "the seller does not bid on its own auction",
        ));
    }
    if org.verification_status != VerificationStatus::Verified.as_str() {
        return Err(ApiError::conflict(
            BidRefusal::NotVerified.as_str(),
            "only organisations an operator verified may take part in an auction",
        ));
    }
    if of(&txn, a.id, org.id).await?.is_some() {
        return Err(ApiError::conflict(
            "deposit_exists",
            "this organisation's deposit is already recorded",
        ));
    }
    // The next paddle number, taken with a conditional update: two deposits recorded at once
    // cannot get the same number (the loser is a 409 to retry).
    let paddle = a
        .paddle_count
        .checked_add(1)
        .ok_or_else(|| ApiError::conflict("too_many_bidders", "no paddle number left"))?;
    let taken = auctions::Entity::update_many()
        .col_expr(auctions::Column::PaddleCount, Expr::value(paddle))
        .filter(auctions::Column::Id.eq(a.id))
        .filter(auctions::Column::PaddleCount.eq(a.paddle_count))
        // Still open: a cancel or the close committed since the read would leave this deposit
        // held on an auction that already refunded the others.
        .filter(auctions::Column::Status.eq(ACTIVE))
        .exec(&txn)
        .await?;
    if taken.rows_affected == 0 {
        return Err(super::super::stale(format!("auction {}", a.id)));
    }
    let at = now_ms();
    let row = auction_deposits::ActiveModel {
        id: Set(new_uuid()),
        auction_id: Set(a.id),
        organisation_id: Set(org.id),
        paddle: Set(paddle),
        amount_minor: Set(input.amount_minor),
        currency: Set(a.currency.clone()),
        status: Set(DepositStatus::Held.as_str().to_owned()),
        note: Set(super::super::clean_opt(input.note)),
        recorded_by: Set(caller.user_id.0),
        recorded_at: Set(at),
        updated_at: Set(at),
        refunded_on: Set(None),
        refund_reference: Set(None),
        refund_recorded_by: Set(None),
        refund_recorded_at: Set(None),
    }
    .insert(&txn)
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "auction.deposit",
        entity_type: "auction_deposit",
        entity_id: row.id,
    }
    .record(&txn, None::<&()>, Some(&row))
    .await?;
    let out = out(&txn, row).await?;
    txn.commit().await?;
    Ok(out)
}

/// An auction's deposits: operators and the seller see all; a bidder its own.
#[tracing::instrument(skip_all, fields(auction.id = %auction_id))]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    auction_id: Uuid,
) -> ApiResult<Vec<DepositOut>> {
    let a = find(db, auction_id).await?;
    let mut q =
        auction_deposits::Entity::find().filter(auction_deposits::Column::AuctionId.eq(a.id));
    let all = caller.belongs_to(a.seller_organisation_id.into())
        || platform::city_scope::operator_covers(db, Some(caller), a.seller_organisation_id)
            .await?;
    if !all {
        let org = caller.organisation_id.map(|o| o.0).unwrap_or_default();
        q = q.filter(auction_deposits::Column::OrganisationId.eq(org));
    }
    let rows = q
        .order_by_asc(auction_deposits::Column::Paddle)
        .all(db)
        .await?;
    let mut items = Vec::with_capacity(rows.len());
    for d in rows {
        items.push(out(db, d).await?);
    }
    Ok(items)
}

/// An operator records that a deposit due for refund was paid back: the day and the
/// payment's reference. Once: the move `refund_due` → `refunded` is a conditional UPDATE, so
/// a second record, at once or later, is a 409 that changes nothing. The bidder is told.
#[tracing::instrument(skip_all, fields(auction.id = %auction_id, deposit.id = %deposit_id))]
pub async fn record_refund(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    auction_id: Uuid,
    deposit_id: Uuid,
    input: RefundIn,
) -> ApiResult<DepositOut> {
    caller.require_operator()?;
    let reference = input.reference.trim().to_owned();
    let mut v = Validator::new();
    v.length(&reference, "reference", 1, 200);
    // Beijing's day may be a day ahead of UTC's.
    let latest = (Utc::now() + chrono::Duration::days(1)).date_naive();
    v.check(
        input.paid_on <= latest,
        "paid_on",
        "must not be in the future",
    );
    v.check(
        input.paid_on.year() >= 2000,
        "paid_on",
        "must be a real payment day",
    );
    v.finish()?;
    let txn = db.begin().await?;
    let a = find(&txn, auction_id).await?;
    ensure_operator_of(&txn, caller, &a).await?;
    let d = auction_deposits::Entity::find_by_id(deposit_id)
        .filter(auction_deposits::Column::AuctionId.eq(a.id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("deposit {deposit_id}")))?;
    refundable(&d)?;
    let at = now_ms();
    let done = auction_deposits::Entity::update_many()
        .col_expr(
            auction_deposits::Column::Status,
            Expr::value(DepositStatus::Refunded.as_str()),
        )
        .col_expr(
            auction_deposits::Column::RefundedOn,
            Expr::value(Some(input.paid_on)),
        )
        .col_expr(
            auction_deposits::Column::RefundReference,
            Expr::value(Some(reference.clone())),
        )
        .col_expr(
            auction_deposits::Column::RefundRecordedBy,
            Expr::value(Some(caller.user_id.0)),
        )
        .col_expr(
            auction_deposits::Column::RefundRecordedAt,
            Expr::value(Some(at)),
        )
        .col_expr(auction_deposits::Column::UpdatedAt, Expr::value(at))
        .filter(auction_deposits::Column::Id.eq(d.id))
        .filter(auction_deposits::Column::Status.eq(DepositStatus::RefundDue.as_str()))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        // Another record of the same refund committed first.
        return Err(already_refunded());
    }
    let after = auction_deposits::Entity::find_by_id(d.id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("deposit {deposit_id}")))?;
    let title = super::title_of(&txn, a.achievement_id).await?;
    enqueue(
        &txn,
        &AuctionNotice {
            auction_id: a.id,
            kind: NotificationKind::DepositRefunded,
            organisation_ids: vec![d.organisation_id],
            title: format!("保证金已退还 Deposit refunded: {title}"),
            body: format!(
                "保证金 {amount} {cur} 已于 {day} 退还（凭证 {reference}）。Your deposit of {amount} {cur} minor units was paid back on {day} (reference {reference}).",
                amount = d.amount_minor,
                cur = d.currency,
                day = input.paid_on,
            ),
            key: format!("refund:{}", d.id),
        },
    )
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "auction.deposit_refund",
        entity_type: "auction_deposit",
        entity_id: d.id,
    }
    .record(&txn, Some(&d), Some(&after))
    .await?;
    let out = out(&txn, after).await?;
    txn.commit().await?;
    Ok(out)
}

fn already_refunded() -> ApiError {
    ApiError::conflict(
        "already_refunded",
        "this deposit's refund is already recorded",
    )
}

/// Only a deposit the close or a cancel marked `refund_due` is paid back.
fn refundable(d: &auction_deposits::Model) -> ApiResult<()> {
    match d.status.parse::<DepositStatus>()? {
        DepositStatus::RefundDue => Ok(()),
        DepositStatus::Refunded => Err(already_refunded()),
        DepositStatus::Held => Err(ApiError::conflict(
            "refund_not_due",
            "the deposit is held while the auction runs; it is due for refund after the close or a cancel",
        )),
        DepositStatus::Applied => Err(ApiError::conflict(
            "refund_not_due",
            "the winner's deposit is applied to the price, not refunded",
        )),
    }
}
