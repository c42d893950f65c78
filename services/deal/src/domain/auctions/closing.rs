//! The close of an auction. Each auction has one waiting `close_auction.v1` job, due at its
//! end: an extension moves it to the new end (`platform::jobs::reschedule_unique_at`, keyed
//! by the auction), and a job that still finds the end ahead (it ran while a bid moved it)
//! schedules the close again, and one that finds the auction closed or cancelled does nothing. Closing is one transaction and a
//! conditional UPDATE on the bid count read: a bid accepted just before the end is never lost
//! under a close that read the row before it.
//!
//! A highest bid at or above the reserve opens the buyer's deal at `agreed` with exactly that
//! price (method `auction`), applies the winner's deposit and marks the others for refund,
//! and tells the listing service the achievement is sold; otherwise no sale is recorded and
//! every deposit is marked for refund. Every bidder with a deposit is told.

use chrono::{DateTime, FixedOffset};
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{auction_bids, auction_deposits, auctions};
use platform::error::{ApiError, ApiResult};
use platform::jobs::events::{AchievementSold, AuctionNotice};
use platform::jobs::{enqueue, reschedule_unique_at, Job};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wire::{AuctionStatus, DepositStatus, Mode, NotificationKind, Origin, PriceMethod};

use super::{find, now_ms, status_at, title_of, ACTIVE};
use crate::domain::deals::{self, Actor, Sale};
use crate::SERVICE;

/// Closes one auction if it is past its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloseAuction {
    pub auction_id: Uuid,
}

impl Job for CloseAuction {
    const NAME: &'static str = "close_auction.v1";
    const QUEUE: &'static str = "stats";
    const PRIORITY: i16 = 10;

    /// One waiting close per auction: an extension moves it rather than adding another.
    fn unique_key(&self) -> Option<String> {
        Some(self.auction_id.to_string())
    }
}

/// Schedules the close of a new auction at its end.
pub async fn schedule(db: &impl ConnectionTrait, a: &auctions::Model) -> ApiResult<()> {
    schedule_at(db, a.id, a.ends_at).await
}

/// Schedules the close at `at`, moving the auction's waiting close job if there is one (after
/// an extension), so an auction has one waiting close however often it is extended.
pub async fn schedule_at(
    db: &impl ConnectionTrait,
    auction_id: Uuid,
    at: DateTime<FixedOffset>,
) -> ApiResult<()> {
    reschedule_unique_at(db, &CloseAuction { auction_id }, at.into()).await?;
    Ok(())
}

/// What a close did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Closed {
    /// Not past its end yet (the next close is scheduled).
    NotYet,
    /// Already closed.
    Already,
    Sold(Uuid),
    NoSale,
}

/// The job's work: close if due, otherwise make sure a close is scheduled at the end.
#[tracing::instrument(skip_all, fields(auction.id = %job.auction_id))]
pub async fn run(
    db: &(impl ConnectionTrait + TransactionTrait),
    job: &CloseAuction,
) -> anyhow::Result<()> {
    match close(db, None, job.auction_id).await {
        Ok(Closed::NotYet) => {
            let a = find(db, job.auction_id).await?;
            schedule(db, &a).await?;
            Ok(())
        }
        Ok(_) => Ok(()),
        Err(ApiError::NotFound(_)) => Ok(()),
        Err(err) => Err(anyhow::anyhow!("closing auction {}: {err}", job.auction_id)),
    }
}

/// Closes the auction if its end has passed (by the job, or an operator who will not wait
/// for the queue). Retries a close that lost a race with a last bid.
#[tracing::instrument(skip_all, fields(auction.id = %auction_id))]
pub async fn close(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: Option<&AuthUser>,
    auction_id: Uuid,
) -> ApiResult<Closed> {
    for _ in 0..8 {
        let txn = db.begin().await?;
        let a = find(&txn, auction_id).await?;
        let at = now_ms();
        match status_at(&a, at)? {
            s if s.is_final() => return Ok(Closed::Already),
            AuctionStatus::Closing => {}
            _ => return Ok(Closed::NotYet),
        }
        let sold = a
            .current_price_minor
            .filter(|p| *p >= a.reserve_price_minor)
            .zip(a.leading_organisation_id);
        let status = if sold.is_some() {
            AuctionStatus::Sold
        } else {
            AuctionStatus::NoSale
        };
        let done = auctions::Entity::update_many()
            .col_expr(auctions::Column::Status, Expr::value(status.as_str()))
            .col_expr(
                auctions::Column::ActiveFor,
                Expr::value(Option::<Uuid>::None),
            )
            .col_expr(auctions::Column::ClosedAt, Expr::value(Some(at)))
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
            txn.rollback().await?;
            continue;
        }
        let title = title_of(&txn, a.achievement_id).await?;
        let mut deal_id = None;
        if let Some((price, winner)) = sold {
            let last = auction_bids::Entity::find()
                .filter(auction_bids::Column::AuctionId.eq(a.id))
                .order_by_desc(auction_bids::Column::Seq)
                .one(&txn)
                .await?
                .ok_or_else(|| {
                    ApiError::Internal(anyhow::anyhow!("auction {} has a price but no bid", a.id))
                })?;
            let deal = deals::open_from_sale(
                &txn,
                Actor {
                    user: caller,
                    user_id: last.bidder_id,
                },
                Sale {
                    origin: Origin::Auction,
                    mode: Mode::Auction,
                    method: PriceMethod::Auction,
                    achievement_id: a.achievement_id,
                    title: title.clone(),
                    seller_organisation_id: a.seller_organisation_id,
                    buyer_organisation_id: winner,
                    amount_minor: price,
                    currency: a.currency.clone(),
                    broker_id: a.broker_id,
                    note: format!("竞价成交 Auction won at {price} {} minor units (paddle {})", a.currency, last.paddle),
                    data: serde_json::json!({"auction_id": a.id, "bid_seq": last.seq, "head_hash": a.head_hash}),
                },
            )
            .await?;
            auctions::Entity::update_many()
                .col_expr(auctions::Column::DealId, Expr::value(Some(deal.id)))
                .filter(auctions::Column::Id.eq(a.id))
                .exec(&txn)
                .await?;
            enqueue(
                &txn,
                &AchievementSold {
                    achievement_id: a.achievement_id,
                    deal_id: deal.id,
                },
            )
            .await?;
            deal_id = Some(deal.id);
        }
        // Deposits: the winner's applied to the price, every other one to be refunded.
        let winner = sold.map(|(_, w)| w);
        let deposits = auction_deposits::Entity::find()
            .filter(auction_deposits::Column::AuctionId.eq(a.id))
            .all(&txn)
            .await?;
        for d in &deposits {
            let to = if Some(d.organisation_id) == winner {
                DepositStatus::Applied
            } else {
                DepositStatus::RefundDue
            };
            auction_deposits::Entity::update_many()
                .col_expr(auction_deposits::Column::Status, Expr::value(to.as_str()))
                .col_expr(auction_deposits::Column::UpdatedAt, Expr::value(at))
                .filter(auction_deposits::Column::Id.eq(d.id))
                .filter(auction_deposits::Column::Status.eq(DepositStatus::Held.as_str()))
                .exec(&txn)
                .await?;
        }
        let mut told: Vec<Uuid> = deposits.iter().map(|d| d.organisation_id).collect();
        told.push(a.seller_organisation_id);
        let outcome = match sold {
            Some((price, _)) => format!(
                "成交价 {price} {cur}。Sold at {price} {cur} minor units.",
                cur = a.currency
            ),
            None => "未达保留价，流拍。The reserve was not met: no sale.".to_owned(),
        };
        enqueue(
            &txn,
            &AuctionNotice {
                auction_id: a.id,
                kind: NotificationKind::AuctionEnded,
                organisation_ids: told,
                title: format!("竞价结束 Auction ended: {title}"),
                body: format!("{outcome} 哈希链头 Chain head: {}", a.head_hash),
                key: format!("close:{}", a.id),
            },
        )
        .await?;
        let after = find(&txn, a.id).await?;
        AuditEntry {
            actor: caller,
            service: SERVICE,
            action: "auction.close",
            entity_type: "auction",
            entity_id: a.id,
        }
        .record(&txn, Some(&a), Some(&after))
        .await?;
        txn.commit().await?;
        tracing::info!(auction.id = %a.id, status = status.as_str(), "auction closed");
        return Ok(match deal_id {
            Some(d) => Closed::Sold(d),
            None => Closed::NoSale,
        });
    }
    Err(ApiError::conflict(
        "auction_busy",
        "bids kept arriving while closing: try again",
    ))
}

/// An operator closes an auction whose end has passed without waiting for the queue; before
/// the end it is a 409.
#[tracing::instrument(skip_all, fields(auction.id = %auction_id))]
pub async fn close_now(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    auction_id: Uuid,
) -> ApiResult<()> {
    caller.require_operator()?;
    match close(db, Some(caller), auction_id).await? {
        Closed::NotYet => Err(ApiError::conflict(
            "auction_not_ended",
            "the auction has not reached its end",
        )),
        Closed::Already | Closed::Sold(_) | Closed::NoSale => Ok(()),
    }
}
