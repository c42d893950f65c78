//! Placing a bid. Bids on one auction are serialised by the auction row itself, the same way
//! on SQLite and PostgreSQL: a bid reads the row, checks its amount against the price it read,
//! and writes the new price, count, chain head and end with a conditional UPDATE (`WHERE
//! bid_count = <the count it read> AND status = 'active'`) in the transaction that inserts the
//! bid. Of bids racing on the same count exactly one changes the row; each other one reads
//! the row again and either still beats the new price (and tries again) or is refused as
//! outbid. Nothing but this function writes a bid, and no API edits or deletes one.

use chrono::Duration;
use platform::auth::AuthUser;
use platform::entity::{auction_bids, auctions, organisations};
use platform::error::{ApiError, ApiResult};
use platform::ids::new_uuid;
use platform::jobs::enqueue;
use platform::jobs::events::AuctionNotice;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use uuid::Uuid;
use wire::auction::{BidAccepted, BidIn, BidOut};
use wire::{AuctionStatus, BidRefusal, DepositStatus, NotificationKind, VerificationStatus};

use super::{chain, deposits, find, next_minimum, now_ms, stamp, status_at, to_out, ACTIVE};

/// How often a bid that lost a race but still beats the new price is tried again.
const ATTEMPTS: usize = 8;

fn refuse(reason: BidRefusal, detail: impl Into<String>) -> ApiError {
    match reason {
        // Who the caller is decides these: a 403, as every refusal of authority.
        BidRefusal::NotVerified | BidRefusal::OwnAuction => ApiError::Forbidden(detail.into()),
        _ => ApiError::conflict(reason.as_str(), detail),
    }
}

/// Places a bid of `amount_minor` for the caller's organisation.
#[tracing::instrument(skip_all, fields(auction.id = %auction_id))]
pub async fn place(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    auction_id: Uuid,
    input: BidIn,
) -> ApiResult<BidAccepted> {
    let org_id = caller.require_organisation()?.0;
    for attempt in 0..ATTEMPTS {
        let txn = db.begin().await?;
        let a = find(&txn, auction_id).await?;
        let at = now_ms();
        match status_at(&a, at)? {
            AuctionStatus::Scheduled => {
                return Err(refuse(
                    BidRefusal::NotStarted,
                    format!("bidding opens at {}", stamp(a.starts_at)),
                ))
            }
            AuctionStatus::Open => {}
            AuctionStatus::Cancelled => {
                return Err(refuse(
                    BidRefusal::Cancelled,
                    "the auction was cancelled; no bid is taken",
                ))
            }
            _ => {
                return Err(refuse(
                    BidRefusal::Ended,
                    format!("the auction ended at {}", stamp(a.ends_at)),
                ))
            }
        }
        if org_id == a.seller_organisation_id {
            return Err(refuse(
                BidRefusal::OwnAuction,
                "the seller does not bid on its own auction",
            ));
        }
        let verified = organisations::Entity::find_by_id(org_id)
            .one(&txn)
            .await?
            .is_some_and(|o| o.verification_status == VerificationStatus::Verified.as_str());
        if !verified {
            return Err(refuse(
                BidRefusal::NotVerified,
                "only organisations an operator verified may bid",
            ));
        }
        let Some(deposit) = deposits::of(&txn, a.id, org_id)
            .await?
            .filter(|d| d.status == DepositStatus::Held.as_str())
        else {
            // Deposits are released (marked for refund or applied) only by a cancel or the
            // close: one that committed after this bid read the auction is seen here first
            // (PostgreSQL reads each statement at its own start), so say what happened.
            match find(&txn, a.id).await?.status.parse::<AuctionStatus>() {
                Ok(AuctionStatus::Cancelled) => {
                    return Err(refuse(
                        BidRefusal::Cancelled,
                        "the auction was cancelled; no bid is taken",
                    ))
                }
                Ok(s) if s.is_final() => {
                    return Err(refuse(BidRefusal::Ended, "the auction is closed"))
                }
                _ => {}
            }
            return Err(refuse(
                BidRefusal::DepositRequired,
                format!(
                    "lodge the deposit of {} {} minor units first; an operator records it",
                    a.deposit_minor, a.currency
                ),
            ));
        };
        let minimum = next_minimum(&a);
        if input.amount_minor < minimum {
            let (reason, what) = if attempt == 0 {
                (BidRefusal::TooLow, "")
            } else {
                (BidRefusal::Outbid, "another bid was accepted first: ")
            };
            return Err(refuse(
                reason,
                format!(
                    "{what}amount must be at least {minimum} ({} minor units)",
                    a.currency
                ),
            ));
        }
        if input.amount_minor > super::MAX_AMOUNT_MINOR {
            return Err(ApiError::field(
                "amount_minor",
                format!("must be at most {}", super::MAX_AMOUNT_MINOR),
            ));
        }
        let seq = a
            .bid_count
            .checked_add(1)
            .ok_or_else(|| refuse(BidRefusal::Ended, "the bid log is full"))?;
        let placed_at = stamp(at);
        let hash = chain::link_hash(
            &a.head_hash,
            &chain::Link {
                auction_id: a.id,
                seq,
                paddle: deposit.paddle,
                amount_minor: input.amount_minor,
                currency: &a.currency,
                placed_at: &placed_at,
            },
        );
        // A bid in the last `extension_window_secs` moves the end to `extension_secs` after
        // it, so nobody wins by bidding in the last second.
        let window = Duration::seconds(a.extension_window_secs);
        let extended = a.extension_window_secs > 0 && a.ends_at - at <= window;
        let ends_at = if extended {
            (at + Duration::seconds(a.extension_secs)).max(a.ends_at)
        } else {
            a.ends_at
        };
        let won = auctions::Entity::update_many()
            .col_expr(
                auctions::Column::CurrentPriceMinor,
                Expr::value(Some(input.amount_minor)),
            )
            .col_expr(auctions::Column::BidCount, Expr::value(seq))
            .col_expr(auctions::Column::HeadHash, Expr::value(hash.clone()))
            .col_expr(
                auctions::Column::LeadingPaddle,
                Expr::value(Some(deposit.paddle)),
            )
            .col_expr(
                auctions::Column::LeadingOrganisationId,
                Expr::value(Some(org_id)),
            )
            .col_expr(auctions::Column::EndsAt, Expr::value(ends_at))
            .col_expr(auctions::Column::UpdatedAt, Expr::value(at))
            .filter(auctions::Column::Id.eq(a.id))
            .filter(auctions::Column::BidCount.eq(a.bid_count))
            .filter(auctions::Column::Status.eq(ACTIVE))
            .exec(&txn)
            .await?;
        if won.rows_affected == 0 {
            // Another bid, the close or a cancel changed the row first: read it again (a
            // cancelled auction is refused above, so no bid slips in after a cancel).
            txn.rollback().await?;
            continue;
        }
        let bid = auction_bids::ActiveModel {
            id: Set(new_uuid()),
            auction_id: Set(a.id),
            seq: Set(seq),
            paddle: Set(deposit.paddle),
            organisation_id: Set(org_id),
            bidder_id: Set(caller.user_id.0),
            amount_minor: Set(input.amount_minor),
            placed_at: Set(placed_at),
            prev_hash: Set(a.head_hash.clone()),
            hash: Set(hash),
        }
        .insert(&txn)
        .await?;
        if let Some(previous) = a.leading_organisation_id.filter(|o| *o != org_id) {
            let title = super::title_of(&txn, a.achievement_id).await?;
            enqueue(
                &txn,
                &AuctionNotice {
                    auction_id: a.id,
                    kind: NotificationKind::AuctionOutbid,
                    organisation_ids: vec![previous],
                    title: format!("出价被超过 Outbid: {title}"),
                    body: format!(
                        "当前最高价 {amount} {cur}（竞买号 {paddle}）。The highest bid is now {amount} {cur} minor units (paddle {paddle}).",
                        amount = input.amount_minor,
                        cur = a.currency,
                        paddle = deposit.paddle
                    ),
                    key: format!("bid:{}", bid.id),
                },
            )
            .await?;
        }
        if extended && ends_at != a.ends_at {
            super::closing::schedule_at(&txn, a.id, ends_at).await?;
        }
        let after = find(&txn, a.id).await?;
        txn.commit().await?;
        let auction = to_out(db, Some(caller), after).await;
        return Ok(BidAccepted {
            bid: BidOut {
                seq: bid.seq,
                paddle: bid.paddle,
                amount_minor: bid.amount_minor,
                placed_at: bid.placed_at,
                prev_hash: bid.prev_hash,
                hash: bid.hash,
            },
            auction: auction?,
        });
    }
    let a = find(db, auction_id).await?;
    Err(refuse(
        BidRefusal::Outbid,
        format!(
            "other bids were accepted first: amount must be at least {} ({} minor units)",
            next_minimum(&a),
            a.currency
        ),
    ))
}
