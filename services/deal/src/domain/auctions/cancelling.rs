//! Calling an auction off before its end: the seller before the first bid, an operator at any
//! time before the end with a reason. The cancel is a conditional UPDATE on the status and
//! the bid count read (`WHERE status = 'active' AND bid_count = <read>`), the same row a bid
//! writes with `WHERE status = 'active' AND bid_count = <read>`: of a bid and a cancel racing,
//! exactly one changes the row, and a bid that lost reads the row again and is refused
//! `auction_cancelled`; a seller's cancel that lost to a bid reads it again and is refused
//! `auction_has_bids`. Deposits held are marked for refund and their organisations told; the
//! bid log is left as it is, so it still verifies.

use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{auction_deposits, auctions};
use platform::error::{ApiError, ApiResult, Validator};
use platform::jobs::enqueue;
use platform::jobs::events::AuctionNotice;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, TransactionTrait};
use uuid::Uuid;
use wire::auction::CancelIn;
use wire::{AuctionStatus, BidRefusal, DepositStatus, NotificationKind};

use super::{find, now_ms, stamp, status_at, title_of, ACTIVE};
use crate::SERVICE;

/// How often a cancel that lost a race with a bid reads the row again.
const ATTEMPTS: usize = 8;

/// Who may call off a sale (auction or price listing) of `seller_org`: the seller's members,
/// or an operator whose scope holds the seller (a city office's operators: their cities'
/// sellers only, `platform::city_scope`). `Ok(true)` when the caller acts as an operator (who
/// gives a reason and may cancel after bids), `Ok(false)` for the seller, 403 for anyone else.
pub async fn canceller(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    seller_org: Uuid,
) -> ApiResult<bool> {
    if caller.belongs_to(seller_org.into()) {
        return Ok(false);
    }
    if platform::city_scope::operator_covers(db, Some(caller), seller_org).await? {
        return Ok(true);
    }
    Err(ApiError::Forbidden(
        "only the seller or an operator of the seller's city calls off a sale".to_owned(),
    ))
}

/// The reason given, trimmed, checked for length; an operator must give one.
pub fn reason(operator: bool, input: CancelIn) -> ApiResult<Option<String>> {
    let reason = super::super::clean_opt(input.reason);
    let mut v = Validator::new();
    if let Some(r) = &reason {
        v.length(r, "reason", 1, 500);
    }
    v.check(
        !(operator && reason.is_none()),
        "reason",
        "an operator's cancel says why",
    );
    v.finish()?;
    Ok(reason)
}

/// Cancels the auction for `caller` (see the module's rule) and returns the row after.
#[tracing::instrument(skip_all, fields(auction.id = %auction_id))]
pub async fn cancel(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    auction_id: Uuid,
    input: CancelIn,
) -> ApiResult<auctions::Model> {
    let before = find(db, auction_id).await?;
    let operator = canceller(db, caller, before.seller_organisation_id).await?;
    let reason = reason(operator, input)?;
    for _ in 0..ATTEMPTS {
        let txn = db.begin().await?;
        let a = find(&txn, auction_id).await?;
        let at = now_ms();
        match status_at(&a, at)? {
            AuctionStatus::Scheduled | AuctionStatus::Open => {}
            AuctionStatus::Cancelled => {
                return Err(ApiError::conflict(
                    "already_cancelled",
                    "the auction was already cancelled",
                ))
            }
            _ => {
                return Err(ApiError::conflict(
                    BidRefusal::Ended.as_str(),
                    format!(
                        "the auction ended at {}; it is closed, not cancelled",
                        stamp(a.ends_at)
                    ),
                ))
            }
        }
        if !operator && a.bid_count > 0 {
            return Err(ApiError::conflict(
                "auction_has_bids",
                "bids were placed: only an operator cancels the auction now, with a reason",
            ));
        }
        let done = auctions::Entity::update_many()
            .col_expr(
                auctions::Column::Status,
                Expr::value(AuctionStatus::Cancelled.as_str()),
            )
            .col_expr(
                auctions::Column::ActiveFor,
                Expr::value(Option::<Uuid>::None),
            )
            .col_expr(auctions::Column::CancelledAt, Expr::value(Some(at)))
            .col_expr(
                auctions::Column::CancelledBy,
                Expr::value(Some(caller.user_id.0)),
            )
            .col_expr(auctions::Column::CancelReason, Expr::value(reason.clone()))
            .col_expr(
                auctions::Column::Version,
                Expr::col(auctions::Column::Version).add(1),
            )
            .col_expr(auctions::Column::UpdatedAt, Expr::value(at))
            .filter(auctions::Column::Id.eq(a.id))
            .filter(auctions::Column::Status.eq(ACTIVE))
            .filter(auctions::Column::BidCount.eq(a.bid_count))
            .exec(&txn)
            .await?;
        if done.rows_affected == 0 {
            // A bid, the close or another cancel changed the row first: read it again.
            txn.rollback().await?;
            continue;
        }
        auction_deposits::Entity::update_many()
            .col_expr(
                auction_deposits::Column::Status,
                Expr::value(DepositStatus::RefundDue.as_str()),
            )
            .col_expr(auction_deposits::Column::UpdatedAt, Expr::value(at))
            .filter(auction_deposits::Column::AuctionId.eq(a.id))
            .filter(auction_deposits::Column::Status.eq(DepositStatus::Held.as_str()))
            .exec(&txn)
            .await?;
        let mut told: Vec<Uuid> = auction_deposits::Entity::find()
            .filter(auction_deposits::Column::AuctionId.eq(a.id))
            .all(&txn)
            .await?
            .into_iter()
            .map(|d| d.organisation_id)
            .collect();
        if operator {
            told.push(a.seller_organisation_id);
        }
        if !told.is_empty() {
            let title = title_of(&txn, a.achievement_id).await?;
            let why = reason.as_deref().unwrap_or("—");
            enqueue(
                &txn,
                &AuctionNotice {
                    auction_id: a.id,
                    kind: NotificationKind::AuctionCancelled,
                    organisation_ids: told,
                    title: format!("竞价取消 Auction cancelled: {title}"),
                    body: format!(
                        "竞价已取消，保证金将退还。原因：{why}。The auction was cancelled and deposits will be refunded. Reason: {why}. 哈希链头 Chain head: {}",
                        a.head_hash
                    ),
                    key: format!("cancel:{}", a.id),
                },
            )
            .await?;
        }
        let after = find(&txn, a.id).await?;
        AuditEntry {
            actor: Some(caller),
            service: SERVICE,
            action: "auction.cancel",
            entity_type: "auction",
            entity_id: a.id,
        }
        .record(&txn, Some(&a), Some(&after))
        .await?;
        txn.commit().await?;
        tracing::info!(auction.id = %a.id, bids = a.bid_count, "auction cancelled");
        return Ok(after);
    }
    Err(ApiError::conflict(
        "auction_busy",
        "bids kept arriving while cancelling: try again",
    ))
}
