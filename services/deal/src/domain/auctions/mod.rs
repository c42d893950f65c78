//! English auctions (竞价) of published achievements: scheduling with a starting price, a
//! hidden reserve, an increment, a deposit and an extension window; deposits recorded by
//! operators (`deposits`); bids serialised per auction in the database (`bids`); the hash
//! chain over the bid log (`chain`); the close that opens the winner's deal or records no sale
//! (`closing`).
//!
//! The stored status is `active` until the close; whether an active auction is scheduled,
//! open or closing is read from the server's clock against `starts_at` and `ends_at`, so
//! nothing needs to run at the start.

pub mod bids;
pub mod cancelling;
pub mod chain;
pub mod closing;
pub mod deposits;

use chrono::{DateTime, Duration, FixedOffset, SecondsFormat, Utc};
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{
    achievements, auction_bids, auction_deposits, auctions, brokers, organisations, price_listings,
};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use platform::money::Currency;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use wire::auction::{AuctionIn, AuctionOut, BidLog, BidOut, ChainCheck};
use wire::{AuctionStatus, ListingStatus, VerificationStatus};

use super::{paging, Page};
use crate::SERVICE;

/// The stored status of an auction that is not closed yet.
pub const ACTIVE: &str = "active";

/// Longest an auction may run, and furthest ahead it may be scheduled.
pub const MAX_DAYS: i64 = 90;
/// Largest extension window and extension.
pub const MAX_EXTENSION_SECS: i64 = 3600;
/// Amounts above this (10^15 minor units: ten trillion yuan) are refused as nonsense before
/// any arithmetic can overflow.
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000_000;

/// Now, to the millisecond: bid times are hashed as RFC 3339 with milliseconds, and every
/// comparison uses the same clock reading.
pub fn now_ms() -> DateTime<FixedOffset> {
    let now = Utc::now();
    let ms = now.timestamp_millis();
    DateTime::from_timestamp_millis(ms)
        .unwrap_or(now)
        .fixed_offset()
}

/// A time as a bid stores and hashes it.
pub fn stamp(at: DateTime<FixedOffset>) -> String {
    at.with_timezone(&Utc)
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An instant given by a client, in UTC (SQLite compares stored timestamps as text).
fn utc(at: DateTime<FixedOffset>) -> DateTime<FixedOffset> {
    at.with_timezone(&Utc).fixed_offset()
}

/// Filters of the auction list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuctionListParams {
    /// Only auctions of this achievement.
    pub achievement_id: Option<Uuid>,
    /// Only auctions in this state now (`scheduled`, `open` and `closing` are read from the
    /// server's clock, as on each auction).
    pub status: Option<AuctionStatus>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Reads an auction or 404 (auctions are public).
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<auctions::Model> {
    auctions::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("auction {id}")))
}

/// The status of an auction at `at`.
pub fn status_at(a: &auctions::Model, at: DateTime<FixedOffset>) -> ApiResult<AuctionStatus> {
    if a.status != ACTIVE {
        return Ok(a.status.parse()?);
    }
    Ok(if at < a.starts_at {
        AuctionStatus::Scheduled
    } else if at < a.ends_at {
        AuctionStatus::Open
    } else {
        AuctionStatus::Closing
    })
}

/// The smallest bid accepted next: the starting price, then the current price plus the
/// increment (checked: an overflow is a price nobody can beat).
pub fn next_minimum(a: &auctions::Model) -> i64 {
    match a.current_price_minor {
        None => a.starting_price_minor,
        Some(p) => p.checked_add(a.increment_minor).unwrap_or(i64::MAX),
    }
}

/// Whether the caller sees the reserve before the end: the seller and the operators whose
/// scope holds the seller (`platform::city_scope`).
async fn sees_reserve(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    a: &auctions::Model,
) -> ApiResult<bool> {
    if caller.is_some_and(|c| c.belongs_to(a.seller_organisation_id.into())) {
        return Ok(true);
    }
    platform::city_scope::operator_covers(db, caller, a.seller_organisation_id).await
}

/// An auction as the API shows it to `caller` (anonymous when `None`).
pub async fn to_out(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    a: auctions::Model,
) -> ApiResult<AuctionOut> {
    let at = now_ms();
    let status = status_at(&a, at)?;
    let title = title_of(db, a.achievement_id).await?;
    let seller_name = organisations::Entity::find_by_id(a.seller_organisation_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let your_paddle = match caller.and_then(|c| c.organisation_id) {
        Some(org) => auction_deposits::Entity::find()
            .filter(auction_deposits::Column::AuctionId.eq(a.id))
            .filter(auction_deposits::Column::OrganisationId.eq(org.0))
            .one(db)
            .await?
            .map(|d| d.paddle),
        None => None,
    };
    let closed = status.is_final();
    let reserve_visible = closed || sees_reserve(db, caller, &a).await?;
    Ok(AuctionOut {
        id: a.id,
        achievement_id: a.achievement_id,
        title,
        seller_organisation_id: a.seller_organisation_id,
        seller_name,
        currency: a.currency.clone(),
        starting_price_minor: a.starting_price_minor,
        increment_minor: a.increment_minor,
        deposit_minor: a.deposit_minor,
        reserve_price_minor: reserve_visible.then_some(a.reserve_price_minor),
        reserve_met: (closed && status != AuctionStatus::Cancelled).then(|| {
            a.current_price_minor
                .is_some_and(|p| p >= a.reserve_price_minor)
        }),
        starts_at: a.starts_at,
        ends_at: a.ends_at,
        scheduled_ends_at: a.scheduled_ends_at,
        extension_window_secs: a.extension_window_secs,
        extension_secs: a.extension_secs,
        status,
        current_price_minor: a.current_price_minor,
        next_minimum_minor: next_minimum(&a),
        bid_count: a.bid_count,
        leading_paddle: a.leading_paddle,
        your_paddle,
        head_hash: a.head_hash,
        deal_id: a.deal_id,
        closed_at: a.closed_at,
        cancelled_at: a.cancelled_at,
        cancel_reason: a.cancel_reason,
        created_at: a.created_at,
        server_time: at,
    })
}

/// Schedules an auction of a published achievement (a member of its organisation, or an
/// operator). One live auction per achievement.
#[tracing::instrument(skip_all, fields(achievement.id = %input.achievement_id))]
pub async fn create(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: AuctionIn,
) -> ApiResult<auctions::Model> {
    let at = now_ms();
    let broker_id = input.broker_id;
    let starts_at = utc(input.starts_at.unwrap_or(at));
    let ends_at = utc(input.ends_at);
    let mut v = Validator::new();
    v.check(
        Currency::parse(&input.currency).is_some(),
        "currency",
        "must be an ISO 4217 code the platform knows",
    );
    let amount = |v: &mut Validator, value: i64, path: &str, min: i64| {
        v.check(
            (min..=MAX_AMOUNT_MINOR).contains(&value),
            path,
            format!("must be between {min} and {MAX_AMOUNT_MINOR} minor units"),
        );
    };
    amount(
        &mut v,
        input.starting_price_minor,
        "starting_price_minor",
        1,
    );
    amount(&mut v, input.increment_minor, "increment_minor", 1);
    amount(&mut v, input.deposit_minor, "deposit_minor", 0);
    let reserve = input
        .reserve_price_minor
        .unwrap_or(input.starting_price_minor);
    amount(&mut v, reserve, "reserve_price_minor", 1);
    v.check(
        reserve >= input.starting_price_minor,
        "reserve_price_minor",
        "must not be below the starting price",
    );
    v.check(
        starts_at >= at - Duration::minutes(5) && starts_at <= at + Duration::days(MAX_DAYS),
        "starts_at",
        format!("must be from now to {MAX_DAYS} days ahead"),
    );
    v.check(
        ends_at > starts_at
            && ends_at > at
            // Checked: a start near the end of the calendar must be a 422, not an overflow.
            && starts_at
                .checked_add_signed(Duration::days(MAX_DAYS))
                .is_some_and(|last| ends_at <= last),
        "ends_at",
        format!("must be in the future, after the start and at most {MAX_DAYS} days after it"),
    );
    v.check(
        (0..=MAX_EXTENSION_SECS).contains(&input.extension_window_secs),
        "extension_window_secs",
        format!("must be between 0 and {MAX_EXTENSION_SECS}"),
    );
    v.check(
        (0..=MAX_EXTENSION_SECS).contains(&input.extension_secs),
        "extension_secs",
        format!("must be between 0 and {MAX_EXTENSION_SECS}"),
    );
    v.finish()?;
    let txn = db.begin().await?;
    let achievement = sale_achievement(&txn, caller, input.achievement_id).await?;
    if let Some(b) = broker_id {
        verified_broker(&txn, b).await?;
    }
    let listed = price_listings::Entity::find()
        .filter(price_listings::Column::ActiveFor.eq(achievement.id))
        .one(&txn)
        .await?;
    if listed.is_some_and(|p| at < p.ends_at) {
        return Err(ApiError::conflict(
            "sale_exists",
            "this achievement is listed at a price",
        ));
    }
    let id = new_uuid();
    let row = auctions::ActiveModel {
        id: Set(id),
        achievement_id: Set(achievement.id),
        active_for: Set(Some(achievement.id)),
        seller_organisation_id: Set(achievement.organisation_id),
        currency: Set(input.currency),
        starting_price_minor: Set(input.starting_price_minor),
        reserve_price_minor: Set(reserve),
        increment_minor: Set(input.increment_minor),
        deposit_minor: Set(input.deposit_minor),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        scheduled_ends_at: Set(ends_at),
        extension_window_secs: Set(input.extension_window_secs),
        extension_secs: Set(input.extension_secs),
        status: Set(ACTIVE.to_owned()),
        current_price_minor: Set(None),
        bid_count: Set(0),
        leading_paddle: Set(None),
        leading_organisation_id: Set(None),
        // The genesis names the auction, so no two chains start alike.
        head_hash: Set(chain::genesis(id)),
        paddle_count: Set(0),
        deal_id: Set(None),
        closed_at: Set(None),
        broker_id: Set(broker_id),
        created_by: Set(caller.user_id.0),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        cancelled_at: Set(None),
        cancelled_by: Set(None),
        cancel_reason: Set(None),
    }
    .insert(&txn)
    .await?;
    closing::schedule(&txn, &row).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "auction.create",
        entity_type: "auction",
        entity_id: row.id,
    }
    .record(&txn, None::<&()>, Some(&row))
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// The achievement a sale is of: published, and the caller a member of its organisation or an
/// operator (a stranger gets the same 404 as for a missing one only when it is not public;
/// published achievements are public, so a stranger gets 403).
pub async fn sale_achievement(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<achievements::Model> {
    let missing = || ApiError::field("achievement_id", "no such achievement");
    let a = achievements::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(missing)?;
    // An operator whose scope holds the owner (a city office's: their cities' owners only).
    let entitled = caller.belongs_to(a.organisation_id.into())
        || platform::city_scope::operator_covers(db, Some(caller), a.organisation_id).await?;
    if a.status != ListingStatus::Published.as_str() && !entitled {
        return Err(missing());
    }
    if !entitled {
        return Err(ApiError::Forbidden(
            "only the achievement's owner or an operator of its city offers it for sale".to_owned(),
        ));
    }
    if a.status != ListingStatus::Published.as_str() {
        return Err(ApiError::conflict(
            "listing_not_published",
            "only a published achievement is offered for sale",
        ));
    }
    Ok(a)
}

/// A broker named to run a sale must be one an operator verified.
pub async fn verified_broker(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<()> {
    let verified = brokers::Entity::find_by_id(id)
        .one(db)
        .await?
        .is_some_and(|b| b.verification_status == VerificationStatus::Verified.as_str());
    if !verified {
        return Err(ApiError::field("broker_id", "no such verified broker"));
    }
    Ok(())
}

/// One auction.
#[tracing::instrument(skip_all, fields(auction.id = %id))]
pub async fn get(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    id: Uuid,
) -> ApiResult<AuctionOut> {
    let a = find(db, id).await?;
    to_out(db, caller, a).await
}

/// Auctions, latest end first.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    params: &AuctionListParams,
) -> ApiResult<Page<AuctionOut>> {
    let (page, per_page) = paging(params.page, params.per_page);
    let mut q = auctions::Entity::find();
    if let Some(a) = params.achievement_id {
        q = q.filter(auctions::Column::AchievementId.eq(a));
    }
    if let Some(status) = params.status {
        let at = now_ms();
        let active = auctions::Column::Status.eq(ACTIVE);
        q = match status {
            AuctionStatus::Scheduled => q.filter(active).filter(auctions::Column::StartsAt.gt(at)),
            AuctionStatus::Open => q
                .filter(active)
                .filter(auctions::Column::StartsAt.lte(at))
                .filter(auctions::Column::EndsAt.gt(at)),
            AuctionStatus::Closing => q.filter(active).filter(auctions::Column::EndsAt.lte(at)),
            closed => q.filter(auctions::Column::Status.eq(closed.as_str())),
        };
    }
    let paginator = q
        .order_by_desc(auctions::Column::EndsAt)
        .order_by_desc(auctions::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let rows = paginator.fetch_page(page - 1).await?;
    let mut items = Vec::with_capacity(rows.len());
    for a in rows {
        items.push(to_out(db, caller, a).await?);
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

fn bid_out(b: auction_bids::Model) -> BidOut {
    BidOut {
        seq: b.seq,
        paddle: b.paddle,
        amount_minor: b.amount_minor,
        placed_at: b.placed_at,
        prev_hash: b.prev_hash,
        hash: b.hash,
    }
}

async fn stored_bids(
    db: &impl ConnectionTrait,
    auction_id: Uuid,
) -> ApiResult<Vec<auction_bids::Model>> {
    Ok(auction_bids::Entity::find()
        .filter(auction_bids::Column::AuctionId.eq(auction_id))
        .order_by_asc(auction_bids::Column::Seq)
        .all(db)
        .await?)
}

/// The whole bid log, public: paddle numbers, amounts, times and hashes (the log of a live
/// auction is its bid history; after the close its head is final).
#[tracing::instrument(skip_all, fields(auction.id = %id))]
pub async fn bid_log(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<BidLog> {
    let a = find(db, id).await?;
    let status = status_at(&a, now_ms())?;
    let bids = stored_bids(db, id).await?;
    Ok(BidLog {
        auction_id: a.id,
        currency: a.currency,
        status,
        algorithm: chain::ALGORITHM.to_owned(),
        genesis_hash: chain::genesis(a.id),
        bids: bids.into_iter().map(bid_out).collect(),
        head_hash: a.head_hash,
        server_time: now_ms(),
    })
}

/// Recomputes the chain from the stored bids and compares it with the head recorded as they
/// were accepted.
#[tracing::instrument(skip_all, fields(auction.id = %id))]
pub async fn verify(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<ChainCheck> {
    let a = find(db, id).await?;
    let bids = stored_bids(db, id).await?;
    let verdict = chain::check(
        a.id,
        bids.iter().map(|b| chain::StoredLink {
            link: chain::Link {
                auction_id: b.auction_id,
                seq: b.seq,
                paddle: b.paddle,
                amount_minor: b.amount_minor,
                currency: &a.currency,
                placed_at: &b.placed_at,
            },
            prev_hash: &b.prev_hash,
            hash: &b.hash,
        }),
    );
    let valid = verdict.first_invalid_seq.is_none()
        && verdict.computed_head == a.head_hash
        && verdict.checked == a.bid_count;
    Ok(ChainCheck {
        valid,
        bids_checked: verdict.checked,
        first_invalid_seq: verdict.first_invalid_seq,
        recorded_head: a.head_hash,
        computed_head: verdict.computed_head,
    })
}

/// The title of the achievement a sale is of (for notices and pages).
pub async fn title_of(db: &impl ConnectionTrait, achievement_id: Uuid) -> ApiResult<String> {
    Ok(achievements::Entity::find_by_id(achievement_id)
        .one(db)
        .await?
        .map(|x| x.title)
        .unwrap_or_default())
}
