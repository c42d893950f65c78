//! The API types of listed-price sales (挂牌) and English auctions (竞价) with deposits (保证金)
//! and the hash-chained bid log. The deal service builds every answer; the portal reads them.
//!
//! Amounts are integer minor units of the currency beside them and arrive as `i64`, so a
//! negative or enormous amount is a 422 naming the field, not a body that fails to parse.
//! Every answer about a live sale carries `server_time`: the clock that decides, shown to
//! people so that nobody relies on their own.

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::vocabulary::{AuctionStatus, DepositStatus, PriceListingStatus};

/// A published achievement offered at a fixed price for a period (挂牌): the first verified
/// organisation that commits buys it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceListingIn {
    pub achievement_id: Uuid,
    /// The price, in minor units of `currency`.
    pub price_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// Defaults to now.
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub ends_at: DateTime<FixedOffset>,
    /// A verified broker who runs the sale: assigned to the deal it opens.
    pub broker_id: Option<Uuid>,
}

/// A listed-price sale as everyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PriceListingOut {
    pub id: Uuid,
    pub achievement_id: Uuid,
    pub title: String,
    pub seller_organisation_id: Uuid,
    pub seller_name: String,
    pub price_minor: i64,
    pub currency: String,
    pub starts_at: DateTime<FixedOffset>,
    pub ends_at: DateTime<FixedOffset>,
    pub status: PriceListingStatus,
    /// Who bought, once sold.
    pub buyer_organisation_id: Option<Uuid>,
    /// The deal the purchase opened (visible to those who may see the deal).
    pub deal_id: Option<Uuid>,
    pub sold_at: Option<DateTime<FixedOffset>>,
    /// When it was withdrawn (status `cancelled`), and why, as the canceller said.
    pub cancelled_at: Option<DateTime<FixedOffset>>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub server_time: DateTime<FixedOffset>,
}

/// An English (ascending) auction of a published achievement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuctionIn {
    pub achievement_id: Uuid,
    /// ISO 4217 code of every amount of the auction.
    pub currency: String,
    /// The first bid must be at least this.
    pub starting_price_minor: i64,
    /// Below this no sale is recorded; hidden from bidders until the end. Defaults to the
    /// starting price.
    pub reserve_price_minor: Option<i64>,
    /// Each bid beats the current price by at least this much.
    pub increment_minor: i64,
    /// The deposit (保证金) an organisation lodges before it may bid.
    pub deposit_minor: i64,
    /// Defaults to now.
    pub starts_at: Option<DateTime<FixedOffset>>,
    pub ends_at: DateTime<FixedOffset>,
    /// A bid accepted this many seconds or fewer before the end extends it (0: never).
    pub extension_window_secs: i64,
    /// How far from the extending bid the end moves.
    pub extension_secs: i64,
    /// A verified broker who runs the auction: assigned to the winner's deal.
    pub broker_id: Option<Uuid>,
}

/// An auction as everyone sees it. The reserve is shown to the seller and operators, and to
/// everyone once the auction is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AuctionOut {
    pub id: Uuid,
    pub achievement_id: Uuid,
    pub title: String,
    pub seller_organisation_id: Uuid,
    pub seller_name: String,
    pub currency: String,
    pub starting_price_minor: i64,
    pub increment_minor: i64,
    pub deposit_minor: i64,
    pub reserve_price_minor: Option<i64>,
    /// Whether the highest bid reached the reserve (once closed).
    pub reserve_met: Option<bool>,
    pub starts_at: DateTime<FixedOffset>,
    /// The end now, after any extensions.
    pub ends_at: DateTime<FixedOffset>,
    /// The end as scheduled.
    pub scheduled_ends_at: DateTime<FixedOffset>,
    pub extension_window_secs: i64,
    pub extension_secs: i64,
    pub status: AuctionStatus,
    /// The highest accepted bid, if any.
    pub current_price_minor: Option<i64>,
    /// The smallest bid that would be accepted now.
    pub next_minimum_minor: i64,
    pub bid_count: i64,
    /// The paddle number (竞买号) of the highest bidder.
    pub leading_paddle: Option<i32>,
    /// The caller's own paddle number, when their organisation lodged a deposit.
    pub your_paddle: Option<i32>,
    /// The hash of the last bid: the head of the chain (see `/bid-log`).
    pub head_hash: String,
    /// The deal the winning bid opened (visible to those who may see the deal).
    pub deal_id: Option<Uuid>,
    pub closed_at: Option<DateTime<FixedOffset>>,
    /// When it was called off (status `cancelled`), and why, as the canceller said.
    pub cancelled_at: Option<DateTime<FixedOffset>>,
    pub cancel_reason: Option<String>,
    pub created_at: DateTime<FixedOffset>,
    pub server_time: DateTime<FixedOffset>,
}

/// An operator records that an organisation lodged the auction's deposit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DepositIn {
    pub organisation_id: Uuid,
    /// At least the auction's deposit, in its currency.
    pub amount_minor: i64,
    /// Payment reference or remark.
    pub note: Option<String>,
}

/// A recorded deposit and the paddle number it gives its organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct DepositOut {
    pub id: Uuid,
    pub auction_id: Uuid,
    pub organisation_id: Uuid,
    pub organisation_name: String,
    pub paddle: i32,
    pub amount_minor: i64,
    pub currency: String,
    pub status: DepositStatus,
    pub note: Option<String>,
    pub recorded_at: DateTime<FixedOffset>,
    pub updated_at: DateTime<FixedOffset>,
    /// The day the deposit was paid back and the payment's reference (status `refunded`).
    pub refunded_on: Option<NaiveDate>,
    pub refund_reference: Option<String>,
}

/// Cancelling an auction or a listed-price sale. The seller's own cancel may leave the reason
/// out; an operator's must give one (it is shown on the page and sent to the bidders).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelIn {
    /// Up to 500 characters.
    pub reason: Option<String>,
}

/// An operator records that a deposit due for refund was paid back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefundIn {
    /// The day the money left (not in the future).
    pub paid_on: NaiveDate,
    /// The bank's or cashier's reference of the payment, 1–200 characters.
    pub reference: String,
}

/// A bid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BidIn {
    pub amount_minor: i64,
}

/// One accepted bid as the public log shows it: who by paddle number only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BidOut {
    /// 1 for the first bid, then one more per accepted bid.
    pub seq: i64,
    pub paddle: i32,
    pub amount_minor: i64,
    /// RFC 3339 UTC with milliseconds, exactly as hashed.
    pub placed_at: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The whole bid log of an auction, to download and verify: each `hash` is
/// `sha256(prev_hash + "\n" + canonical)` in lowercase hex, where `canonical` is
/// `auction_id|seq|paddle|amount_minor|currency|placed_at`, and the first bid's `prev_hash`
/// is `genesis_hash`. The last hash must equal `head_hash`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BidLog {
    pub auction_id: Uuid,
    pub currency: String,
    pub status: AuctionStatus,
    /// How each hash is computed, in words.
    pub algorithm: String,
    pub genesis_hash: String,
    pub bids: Vec<BidOut>,
    pub head_hash: String,
    pub server_time: DateTime<FixedOffset>,
}

/// The platform's own check of a stored bid log against its chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ChainCheck {
    pub valid: bool,
    pub bids_checked: i64,
    /// The first bid whose stored hash or link does not match its fields.
    pub first_invalid_seq: Option<i64>,
    /// The head recorded on the auction as bids were accepted.
    pub recorded_head: String,
    /// The head recomputed from the stored bids.
    pub computed_head: String,
}

/// An accepted bid and the auction after it (its price, end and chain head).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct BidAccepted {
    pub bid: BidOut,
    pub auction: AuctionOut,
}
