//! Listed-price sales (挂牌): the owner (or an operator) offers a published achievement at a
//! fixed price for a period; the first verified organisation that commits buys it. The
//! purchase is a conditional UPDATE of the listing row (`WHERE status = 'open'`) in the
//! transaction that opens the deal, so of two commitments at once exactly one wins and the
//! other is a 409 that changed nothing. The deal opens at `agreed` with the price (method
//! `listed`), and the listing service hears through the job queue that the achievement is
//! sold and closes it.

use chrono::Duration;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{auctions, organisations, price_listings};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use platform::jobs::enqueue;
use platform::jobs::events::AchievementSold;
use platform::money::Currency;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use wire::auction::{CancelIn, PriceListingIn, PriceListingOut};
use wire::{Mode, OrgKind, Origin, PriceListingStatus, PriceMethod, VerificationStatus};

use super::auctions::{
    now_ms, sale_achievement, title_of, verified_broker, MAX_AMOUNT_MINOR, MAX_DAYS,
};
use super::deals::{self, Sale};
use super::{paging, Page};
use crate::SERVICE;

/// Filters of the list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PriceListingParams {
    pub achievement_id: Option<Uuid>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Reads one or 404 (price listings are public).
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<price_listings::Model> {
    price_listings::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("price listing {id}")))
}

fn status_of(p: &price_listings::Model) -> ApiResult<PriceListingStatus> {
    let stored: PriceListingStatus = p.status.parse()?;
    Ok(match stored {
        PriceListingStatus::Open if now_ms() >= p.ends_at => PriceListingStatus::Ended,
        s => s,
    })
}

/// A price listing as the API shows it; the deal id only to those who are party to it.
pub async fn to_out(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    p: price_listings::Model,
) -> ApiResult<PriceListingOut> {
    let seller_name = organisations::Entity::find_by_id(p.seller_organisation_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let party = caller.is_some_and(|c| {
        c.is_operator
            || c.belongs_to(p.seller_organisation_id.into())
            || p.buyer_organisation_id
                .is_some_and(|b| c.belongs_to(b.into()))
    });
    Ok(PriceListingOut {
        id: p.id,
        achievement_id: p.achievement_id,
        title: title_of(db, p.achievement_id).await?,
        seller_organisation_id: p.seller_organisation_id,
        seller_name,
        price_minor: p.price_minor,
        currency: p.currency.clone(),
        starts_at: p.starts_at,
        ends_at: p.ends_at,
        status: status_of(&p)?,
        buyer_organisation_id: p.buyer_organisation_id,
        deal_id: p.deal_id.filter(|_| party),
        sold_at: p.sold_at,
        cancelled_at: p.cancelled_at,
        cancel_reason: p.cancel_reason.clone(),
        created_at: p.created_at,
        server_time: now_ms(),
    })
}

/// Offers a published achievement at a price (a member of its organisation or an operator).
/// One live sale per achievement: not beside an open listing or a live auction.
#[tracing::instrument(skip_all, fields(achievement.id = %input.achievement_id))]
pub async fn create(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: PriceListingIn,
) -> ApiResult<price_listings::Model> {
    let at = now_ms();
    let broker_id = input.broker_id;
    let starts_at = input.starts_at.unwrap_or(at).to_utc().fixed_offset();
    let ends_at = input.ends_at.to_utc().fixed_offset();
    let mut v = Validator::new();
    v.check(
        Currency::parse(&input.currency).is_some(),
        "currency",
        "must be an ISO 4217 code the platform knows",
    );
    v.check(
        (1..=MAX_AMOUNT_MINOR).contains(&input.price_minor),
        "price_minor",
        format!("must be between 1 and {MAX_AMOUNT_MINOR} minor units"),
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
    v.finish()?;
    let txn = db.begin().await?;
    let achievement = sale_achievement(&txn, caller, input.achievement_id).await?;
    if let Some(b) = broker_id {
        verified_broker(&txn, b).await?;
    }
    if let Some(live) = price_listings::Entity::find()
        .filter(price_listings::Column::ActiveFor.eq(achievement.id))
        .one(&txn)
        .await?
    {
        // A listing whose period is over no longer holds the achievement.
        if at >= live.ends_at {
            price_listings::Entity::update_many()
                .col_expr(
                    price_listings::Column::ActiveFor,
                    Expr::value(Option::<Uuid>::None),
                )
                .col_expr(
                    price_listings::Column::Status,
                    Expr::value(PriceListingStatus::Ended.as_str()),
                )
                .filter(price_listings::Column::Id.eq(live.id))
                .filter(price_listings::Column::Status.eq(PriceListingStatus::Open.as_str()))
                .exec(&txn)
                .await?;
        } else {
            return Err(ApiError::conflict(
                "sale_exists",
                "this achievement is already listed at a price",
            ));
        }
    }
    let auction_live = auctions::Entity::find()
        .filter(auctions::Column::ActiveFor.eq(achievement.id))
        .count(&txn)
        .await?;
    if auction_live > 0 {
        return Err(ApiError::conflict(
            "sale_exists",
            "this achievement is being auctioned",
        ));
    }
    let row = price_listings::ActiveModel {
        id: Set(new_uuid()),
        achievement_id: Set(achievement.id),
        active_for: Set(Some(achievement.id)),
        seller_organisation_id: Set(achievement.organisation_id),
        price_minor: Set(input.price_minor),
        currency: Set(input.currency),
        starts_at: Set(starts_at),
        ends_at: Set(ends_at),
        status: Set(PriceListingStatus::Open.as_str().to_owned()),
        buyer_organisation_id: Set(None),
        deal_id: Set(None),
        sold_at: Set(None),
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
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "price_listing.create",
        entity_type: "price_listing",
        entity_id: row.id,
    }
    .record(&txn, None::<&()>, Some(&row))
    .await?;
    txn.commit().await?;
    Ok(row)
}

/// Price listings, newest first.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    params: &PriceListingParams,
) -> ApiResult<Page<PriceListingOut>> {
    let (page, per_page) = paging(params.page, params.per_page);
    let mut q = price_listings::Entity::find();
    if let Some(a) = params.achievement_id {
        q = q.filter(price_listings::Column::AchievementId.eq(a));
    }
    let paginator = q
        .order_by_desc(price_listings::Column::CreatedAt)
        .order_by_desc(price_listings::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for p in paginator.fetch_page(page - 1).await? {
        items.push(to_out(db, caller, p).await?);
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// Commits the caller's organisation to buy at the listed price. The first commitment wins.
#[tracing::instrument(skip_all, fields(price_listing.id = %id))]
pub async fn purchase(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<PriceListingOut> {
    let buyer = caller.require_organisation()?.0;
    let txn = db.begin().await?;
    let p = find(&txn, id).await?;
    let at = now_ms();
    if buyer == p.seller_organisation_id {
        return Err(ApiError::Forbidden(
            "the seller does not buy its own listing".to_owned(),
        ));
    }
    if caller.org_kind == Some(OrgKind::BrokerAgency) {
        return Err(ApiError::Forbidden(
            "a broker agency does not buy technology for itself here".to_owned(),
        ));
    }
    let verified = organisations::Entity::find_by_id(buyer)
        .one(&txn)
        .await?
        .is_some_and(|o| o.verification_status == VerificationStatus::Verified.as_str());
    if !verified {
        return Err(ApiError::Forbidden(
            "only organisations an operator verified may buy".to_owned(),
        ));
    }
    match status_of(&p)? {
        PriceListingStatus::Open if at >= p.starts_at => {}
        PriceListingStatus::Open => {
            return Err(ApiError::conflict(
                "sale_not_started",
                format!(
                    "the listing opens at {}",
                    super::auctions::stamp(p.starts_at)
                ),
            ))
        }
        PriceListingStatus::Sold => {
            return Err(ApiError::conflict(
                "already_sold",
                "another organisation committed first",
            ))
        }
        PriceListingStatus::Ended => {
            return Err(ApiError::conflict(
                "sale_ended",
                "the listing period is over",
            ))
        }
        PriceListingStatus::Cancelled => return Err(sale_cancelled()),
    }
    let won = price_listings::Entity::update_many()
        .col_expr(
            price_listings::Column::Status,
            Expr::value(PriceListingStatus::Sold.as_str()),
        )
        .col_expr(
            price_listings::Column::BuyerOrganisationId,
            Expr::value(Some(buyer)),
        )
        .col_expr(price_listings::Column::SoldAt, Expr::value(Some(at)))
        .col_expr(
            price_listings::Column::ActiveFor,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(
            price_listings::Column::Version,
            Expr::col(price_listings::Column::Version).add(1),
        )
        .col_expr(price_listings::Column::UpdatedAt, Expr::value(at))
        .filter(price_listings::Column::Id.eq(p.id))
        .filter(price_listings::Column::Status.eq(PriceListingStatus::Open.as_str()))
        .exec(&txn)
        .await?;
    if won.rows_affected == 0 {
        // Another commitment or a cancel changed the row first: say which.
        txn.rollback().await?;
        let now = find(db, id).await?;
        if now.status == PriceListingStatus::Cancelled.as_str() {
            return Err(sale_cancelled());
        }
        return Err(ApiError::conflict(
            "already_sold",
            "another organisation committed first",
        ));
    }
    let title = title_of(&txn, p.achievement_id).await?;
    let deal = deals::open_from_sale(
        &txn,
        caller.into(),
        Sale {
            origin: Origin::ListedPrice,
            mode: Mode::FixedPrice,
            method: PriceMethod::Listed,
            achievement_id: p.achievement_id,
            title,
            seller_organisation_id: p.seller_organisation_id,
            buyer_organisation_id: buyer,
            amount_minor: p.price_minor,
            currency: p.currency.clone(),
            broker_id: p.broker_id,
            note: format!(
                "挂牌成交 Bought at the listed price, {} {} minor units",
                p.price_minor, p.currency
            ),
            data: serde_json::json!({"price_listing_id": p.id}),
        },
    )
    .await?;
    price_listings::Entity::update_many()
        .col_expr(price_listings::Column::DealId, Expr::value(Some(deal.id)))
        .filter(price_listings::Column::Id.eq(p.id))
        .exec(&txn)
        .await?;
    enqueue(
        &txn,
        &AchievementSold {
            achievement_id: p.achievement_id,
            deal_id: deal.id,
        },
    )
    .await?;
    let after = find(&txn, p.id).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "price_listing.purchase",
        entity_type: "price_listing",
        entity_id: p.id,
    }
    .record(&txn, Some(&p), Some(&after))
    .await?;
    txn.commit().await?;
    to_out(db, Some(caller), after).await
}

fn sale_cancelled() -> ApiError {
    ApiError::conflict("sale_cancelled", "the seller withdrew this listing")
}

/// Withdraws an open listing before a commitment: a member of the seller's organisation, or an
/// operator with a reason. A conditional UPDATE on `status = 'open'`, the same row and
/// condition a purchase writes, so of a purchase and a cancel racing exactly one wins and the
/// other is a 409 (`already_sold` for the cancel, `sale_cancelled` for the purchase).
#[tracing::instrument(skip_all, fields(price_listing.id = %id))]
pub async fn cancel(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    id: Uuid,
    input: CancelIn,
) -> ApiResult<PriceListingOut> {
    let before = find(db, id).await?;
    let operator =
        super::auctions::cancelling::canceller(db, caller, before.seller_organisation_id).await?;
    let reason = super::auctions::cancelling::reason(operator, input)?;
    let txn = db.begin().await?;
    let p = find(&txn, id).await?;
    let refused = |status: PriceListingStatus| match status {
        PriceListingStatus::Sold => {
            ApiError::conflict("already_sold", "a buyer committed: the sale is a deal now")
        }
        PriceListingStatus::Cancelled => {
            ApiError::conflict("already_cancelled", "the listing was already withdrawn")
        }
        PriceListingStatus::Ended | PriceListingStatus::Open => {
            ApiError::conflict("sale_ended", "the listing period is over")
        }
    };
    match status_of(&p)? {
        PriceListingStatus::Open => {}
        other => return Err(refused(other)),
    }
    let at = now_ms();
    let done = price_listings::Entity::update_many()
        .col_expr(
            price_listings::Column::Status,
            Expr::value(PriceListingStatus::Cancelled.as_str()),
        )
        .col_expr(
            price_listings::Column::ActiveFor,
            Expr::value(Option::<Uuid>::None),
        )
        .col_expr(price_listings::Column::CancelledAt, Expr::value(Some(at)))
        .col_expr(
            price_listings::Column::CancelledBy,
            Expr::value(Some(caller.user_id.0)),
        )
        .col_expr(
            price_listings::Column::CancelReason,
            Expr::value(reason.clone()),
        )
        .col_expr(
            price_listings::Column::Version,
            Expr::col(price_listings::Column::Version).add(1),
        )
        .col_expr(price_listings::Column::UpdatedAt, Expr::value(at))
        .filter(price_listings::Column::Id.eq(p.id))
        .filter(price_listings::Column::Status.eq(PriceListingStatus::Open.as_str()))
        .exec(&txn)
        .await?;
    if done.rows_affected == 0 {
        txn.rollback().await?;
        let now = find(db, id).await?;
        return Err(refused(now.status.parse()?));
    }
    let after = find(&txn, p.id).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "price_listing.cancel",
        entity_type: "price_listing",
        entity_id: p.id,
    }
    .record(&txn, Some(&p), Some(&after))
    .await?;
    txn.commit().await?;
    to_out(db, Some(caller), after).await
}
