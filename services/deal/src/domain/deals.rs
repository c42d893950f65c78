//! Deals: a broker's pipeline from a match, an inquiry on a listing or an open-call award to a
//! registered contract. Stages move forward only (lead → contacted → nda → negotiating → agreed
//! → signed → registered → closed) or end in `lost` with a reason. Every change is a timeline
//! event and an audit entry.
//!
//! The attribution ledger is append-only: assigning a broker appends an entry, unassigning
//! only closes the assignment. Contracts made from the deal name every broker of the ledger.
//!
//! Publicity (公示): a negotiated-price deal whose seller is a state-funded university or
//! institute opens a publicity window when it reaches `agreed` (15 days by default, inclusive
//! of the first and last day); it cannot reach `signed` until the window has ended. Anyone
//! signed in may object while the window is open; objections are recorded on the timeline and
//! shown with the deal and on the public notice list.

use chrono::{Duration, NaiveDate};
use platform::audit::AuditEntry;
use platform::auth::{AuthUser, OrgKind};
use platform::entity::{
    achievements, attributions, brokers, contracts, deal_brokers, deal_events, deals, matches,
    needs, open_call_applications, organisations, registrations,
};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::{new_uuid, DealId};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::access::{ensure_deal_visible, is_assigned, is_party};
use super::{clean_opt, now, paging, stale, today, Page};
use crate::SERVICE;
use wire::{ApplicationStatus, ListingStatus, RegistrationStatus, VerificationStatus};

/// Longest publicity period an operator may set.
pub const PUBLICITY_DAYS_MAX: i64 = 90;

pub use wire::{Mode, Origin, Stage};

/// Opens a deal. Give `match_id` (origin `match`), `achievement_id` or `need_id` (origin
/// `inquiry`) or `open_call_application_id` (origin `open_call`).
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DealIn {
    pub origin: Origin,
    pub match_id: Option<Uuid>,
    pub achievement_id: Option<Uuid>,
    pub need_id: Option<Uuid>,
    pub open_call_application_id: Option<Uuid>,
    /// For an inquiry on an achievement opened by a broker or operator: who is buying.
    pub buyer_organisation_id: Option<Uuid>,
    /// For an inquiry on a need opened by a broker or operator: who is selling.
    pub seller_organisation_id: Option<Uuid>,
    /// Defaults to the listing's title.
    pub title: Option<String>,
    /// A verified broker to assign from the start (a broker opening a deal is assigned).
    pub broker_id: Option<Uuid>,
    /// First note on the timeline.
    pub note: Option<String>,
}

/// A stage change.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StageIn {
    pub version: i32,
    pub stage: Stage,
    /// Required for `lost`.
    pub reason: Option<String>,
    /// Publicity period opened on reaching `agreed` (default 15 days; only operators may
    /// shorten it).
    pub publicity_days: Option<i64>,
}

/// A note on the timeline.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteIn {
    pub body: String,
}

/// Assigns a broker.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignIn {
    pub broker_id: Uuid,
    /// Ledger role of the new broker: `co_broker` (default) or `closer`.
    pub role: Option<AttributionRole>,
    pub note: Option<String>,
}

pub use wire::AttributionRole;

/// An entry appended to the attribution ledger by hand.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AttributionIn {
    pub broker_id: Uuid,
    pub role: AttributionRole,
    /// The organisation the broker introduced.
    pub introduced_organisation_id: Option<Uuid>,
    pub note: Option<String>,
}

pub use wire::deal::{
    AssignmentOut, AttributionOut, DealOut, EventOut, PublicityNotice, PublicityOut,
};

/// A timeline event as the API shows it.
pub fn event_out(m: deal_events::Model) -> EventOut {
    EventOut {
        id: m.id,
        kind: m.kind,
        actor_id: m.actor_id,
        body: m.body,
        data: m.data,
        created_at: m.created_at,
    }
}

/// A ledger entry as the API shows it; its role is a stored code read into the vocabulary.
pub fn attribution_out(m: attributions::Model) -> ApiResult<AttributionOut> {
    Ok(AttributionOut {
        id: m.id,
        broker_id: m.broker_id,
        role: m.role.parse()?,
        introduced_organisation_id: m.introduced_organisation_id,
        note: m.note,
        recorded_by: m.recorded_by,
        created_at: m.created_at,
    })
}

/// Filters of the deal list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DealListParams {
    pub stage: Option<Stage>,
    /// Only deals this broker is assigned to now.
    pub broker_id: Option<Uuid>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Paging of sub-lists (timeline, notices).
pub use wire::PageParams;

/// Reads a deal or 404.
#[tracing::instrument(skip_all, fields(deal.id = %id))]
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<deals::Model> {
    deals::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("deal {id}")))
}

async fn org(db: &impl ConnectionTrait, id: Uuid, path: &str) -> ApiResult<organisations::Model> {
    organisations::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::field(path, "no such organisation"))
}

/// Whether the deal needs publicity: negotiated price, seller a state-funded university or
/// institute.
pub fn publicity_required(deal: &deals::Model, seller: &organisations::Model) -> bool {
    deal.mode == Mode::Negotiated.as_str()
        && seller.state_funded
        && matches!(
            OrgKind::parse(&seller.kind),
            Some(OrgKind::University | OrgKind::Institute)
        )
}

/// Appends a timeline event.
#[tracing::instrument(skip_all)]
pub async fn event(
    db: &impl ConnectionTrait,
    deal_id: Uuid,
    actor: Option<Uuid>,
    kind: &str,
    body: Option<String>,
    data: serde_json::Value,
) -> ApiResult<deal_events::Model> {
    Ok(deal_events::ActiveModel {
        id: Set(new_uuid()),
        deal_id: Set(deal_id),
        actor_id: Set(actor),
        kind: Set(kind.to_owned()),
        body: Set(body),
        data: Set(data),
        created_at: Set(now()),
    }
    .insert(db)
    .await?)
}

async fn audit_deal(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    action: &'static str,
    id: Uuid,
    before: Option<&deals::Model>,
    after: Option<&deals::Model>,
) -> ApiResult<()> {
    AuditEntry {
        actor: caller,
        service: SERVICE,
        action,
        entity_type: "deal",
        entity_id: id,
    }
    .record(db, before, after)
    .await?;
    Ok(())
}

async fn verified_broker(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<brokers::Model> {
    let b = brokers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::field("broker_id", "no such broker"))?;
    if b.verification_status != VerificationStatus::Verified.as_str() {
        return Err(ApiError::conflict(
            "broker_not_verified",
            "only brokers verified by an operator can work deals",
        ));
    }
    Ok(b)
}

/// Assigns `broker_id` and appends its ledger entry, inside the caller's transaction.
async fn assign(
    txn: &impl ConnectionTrait,
    caller: Actor<'_>,
    deal: &deals::Model,
    broker_id: Uuid,
    role: AttributionRole,
    introduced: Option<Uuid>,
    note: Option<String>,
) -> ApiResult<()> {
    let broker = verified_broker(txn, broker_id).await?;
    if is_assigned(txn, deal.id, broker_id).await? {
        return Err(ApiError::conflict(
            "broker_already_assigned",
            "this broker is already assigned to the deal",
        ));
    }
    let at = now();
    let row = deal_brokers::ActiveModel {
        id: Set(new_uuid()),
        deal_id: Set(deal.id),
        broker_id: Set(broker_id),
        assigned_by: Set(caller.user_id),
        assigned_at: Set(at),
        unassigned_at: Set(None),
    }
    .insert(txn)
    .await?;
    let entry = attributions::ActiveModel {
        id: Set(new_uuid()),
        deal_id: Set(deal.id),
        broker_id: Set(broker_id),
        role: Set(role.as_str().to_owned()),
        introduced_organisation_id: Set(introduced),
        note: Set(clean_opt(note)),
        recorded_by: Set(caller.user_id),
        created_at: Set(at),
    }
    .insert(txn)
    .await?;
    event(
        txn,
        deal.id,
        Some(caller.user_id),
        "broker_assigned",
        Some(format!("{} assigned as {}", broker.display_name, role.as_str())),
        serde_json::json!({"broker_id": broker_id, "role": role.as_str(), "attribution_id": entry.id}),
    )
    .await?;
    AuditEntry {
        actor: caller.user,
        service: SERVICE,
        action: "deal.assign_broker",
        entity_type: "deal_broker",
        entity_id: row.id,
    }
    .record(txn, None::<&()>, Some(&row))
    .await?;
    AuditEntry {
        actor: caller.user,
        service: SERVICE,
        action: "attribution.append",
        entity_type: "attribution",
        entity_id: entry.id,
    }
    .record(txn, None::<&()>, Some(&entry))
    .await?;
    Ok(())
}

/// Who does a thing: a signed-in person, or (for a job acting on their earlier act, such as
/// the close of an auction) only the id of the person it is recorded under.
#[derive(Clone, Copy)]
pub struct Actor<'a> {
    pub user: Option<&'a AuthUser>,
    pub user_id: Uuid,
}

impl<'a> From<&'a AuthUser> for Actor<'a> {
    fn from(caller: &'a AuthUser) -> Self {
        Actor {
            user: Some(caller),
            user_id: caller.user_id.0,
        }
    }
}

/// Opens a deal from a match, an inquiry or an open-call award.
#[tracing::instrument(skip_all)]
pub async fn open(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: DealIn,
) -> ApiResult<deals::Model> {
    let txn = db.begin().await?;
    let mut v = Validator::new();
    if let Some(t) = &input.title {
        v.length(t, "title", 2, 200);
    }
    if let Some(n) = &input.note {
        v.length(n, "note", 1, 4000);
    }
    v.finish()?;
    let given = [
        input.match_id.is_some(),
        input.achievement_id.is_some(),
        input.need_id.is_some(),
        input.open_call_application_id.is_some(),
    ]
    .into_iter()
    .filter(|x| *x)
    .count();
    if given != 1 {
        return Err(ApiError::field(
            "(body)",
            "give exactly one of match_id, achievement_id, need_id or open_call_application_id",
        ));
    }
    let (seller, buyer, achievement_id, need_id, default_title, default_mode) = match input.origin {
        Origin::Match => {
            let id = input
                .match_id
                .ok_or_else(|| ApiError::field("match_id", "required for origin match"))?;
            let m = matches::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or_else(|| ApiError::field("match_id", "no such match"))?;
            let a = achievements::Entity::find_by_id(m.achievement_id)
                .one(&txn)
                .await?
                .ok_or_else(|| ApiError::not_found("achievement"))?;
            let n = needs::Entity::find_by_id(m.need_id)
                .one(&txn)
                .await?
                .ok_or_else(|| ApiError::not_found("need"))?;
            // A match the caller may not see is one that does not exist, as in matching.
            if !platform::match_access::match_visible(&txn, caller, &n, &a).await? {
                return Err(ApiError::field("match_id", "no such match"));
            }
            (
                a.organisation_id,
                n.organisation_id,
                Some(a.id),
                Some(n.id),
                a.title,
                Mode::Negotiated,
            )
        }
        Origin::Inquiry => {
            if let Some(id) = input.achievement_id {
                let a = achievements::Entity::find_by_id(id)
                    .one(&txn)
                    .await?
                    .ok_or_else(|| ApiError::field("achievement_id", "no such achievement"))?;
                if a.status != ListingStatus::Published.as_str() {
                    return Err(ApiError::conflict(
                        "listing_not_published",
                        "inquiries are only possible on published listings",
                    ));
                }
                let buyer = match input.buyer_organisation_id {
                    Some(b) => b,
                    None => caller
                        .organisation_id
                        .map(|o| o.0)
                        .filter(|o| {
                            *o != a.organisation_id
                                && caller.org_kind != Some(OrgKind::BrokerAgency)
                        })
                        .ok_or_else(|| {
                            ApiError::field(
                                "buyer_organisation_id",
                                "say which organisation is inquiring",
                            )
                        })?,
                };
                // A single asking price is a fixed-price listing (挂牌); a range is negotiated.
                let fixed = !a.price_negotiable
                    && a.price_min_minor.is_some()
                    && a.price_min_minor == a.price_max_minor;
                let mode = if fixed {
                    Mode::FixedPrice
                } else {
                    Mode::Negotiated
                };
                (a.organisation_id, buyer, Some(a.id), None, a.title, mode)
            } else if let Some(id) = input.need_id {
                let n = needs::Entity::find_by_id(id)
                    .one(&txn)
                    .await?
                    .ok_or_else(|| ApiError::field("need_id", "no such need"))?;
                if n.status != ListingStatus::Published.as_str() {
                    return Err(ApiError::conflict(
                        "listing_not_published",
                        "inquiries are only possible on published listings",
                    ));
                }
                let seller = match input.seller_organisation_id {
                    Some(s) => s,
                    None => caller
                        .organisation_id
                        .map(|o| o.0)
                        .filter(|o| {
                            *o != n.organisation_id
                                && caller.org_kind != Some(OrgKind::BrokerAgency)
                        })
                        .ok_or_else(|| {
                            ApiError::field(
                                "seller_organisation_id",
                                "say which organisation offers the technology",
                            )
                        })?,
                };
                (
                    seller,
                    n.organisation_id,
                    None,
                    Some(n.id),
                    n.title,
                    Mode::Negotiated,
                )
            } else {
                return Err(ApiError::field(
                    "achievement_id",
                    "an inquiry needs achievement_id or need_id",
                ));
            }
        }
        Origin::ListedPrice | Origin::Auction => {
            return Err(ApiError::field(
                "origin",
                "listed-price and auction deals are opened by the purchase or the auction's close",
            ));
        }
        Origin::OpenCall => {
            let id = input.open_call_application_id.ok_or_else(|| {
                ApiError::field("open_call_application_id", "required for origin open_call")
            })?;
            let app = open_call_applications::Entity::find_by_id(id)
                .one(&txn)
                .await?
                .ok_or_else(|| {
                    ApiError::field("open_call_application_id", "no such application")
                })?;
            if app.status != ApplicationStatus::Awarded.as_str() {
                return Err(ApiError::conflict(
                    "application_not_awarded",
                    "only an awarded application opens a deal",
                ));
            }
            let n = needs::Entity::find_by_id(app.need_id)
                .one(&txn)
                .await?
                .ok_or_else(|| ApiError::not_found("need"))?;
            (
                app.organisation_id,
                n.organisation_id,
                app.achievement_id,
                Some(n.id),
                n.title,
                Mode::OpenCall,
            )
        }
    };
    if seller == buyer {
        return Err(ApiError::field(
            "buyer_organisation_id",
            "seller and buyer must be different organisations",
        ));
    }
    let seller_org = org(&txn, seller, "seller_organisation_id").await?;
    org(&txn, buyer, "buyer_organisation_id").await?;
    let party = caller.belongs_to(seller.into()) || caller.belongs_to(buyer.into());
    let caller_broker = match caller.broker_id {
        Some(b) => brokers::Entity::find_by_id(b)
            .one(&txn)
            .await?
            .filter(|b| b.verification_status == VerificationStatus::Verified.as_str()),
        None => None,
    };
    // An operator opens deals within their scope (a city office's: one side in their cities).
    let operator =
        match platform::city_scope::OperatorScope::of_operator(&txn, Some(caller)).await? {
            Some(scope) => {
                scope
                    .covers_any_organisation(&txn, &[seller, buyer])
                    .await?
            }
            None => false,
        };
    if !(operator || party || caller_broker.is_some()) {
        return Err(ApiError::Forbidden(
            "deals are opened by the parties, a verified broker or an operator".to_owned(),
        ));
    }
    let at = now();
    // The mode follows from the origin and the listing, never from the client: it decides
    // whether publicity (公示) applies, so a client choosing it could skip publicity.
    let mode = default_mode;
    let deal = deals::ActiveModel {
        id: Set(DealId::new().0),
        title: Set(clean_opt(input.title).unwrap_or(default_title)),
        origin: Set(input.origin.as_str().to_owned()),
        mode: Set(mode.as_str().to_owned()),
        match_id: Set(input.match_id),
        achievement_id: Set(achievement_id),
        need_id: Set(need_id),
        open_call_application_id: Set(input.open_call_application_id),
        seller_organisation_id: Set(seller),
        buyer_organisation_id: Set(buyer),
        stage: Set(Stage::Lead.as_str().to_owned()),
        lost_reason: Set(None),
        publicity_starts_on: Set(None),
        publicity_ends_on: Set(None),
        created_by: Set(caller.user_id.0),
        closed_at: Set(None),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(&txn)
    .await?;
    event(
        &txn,
        deal.id,
        Some(caller.user_id.0),
        "deal_opened",
        clean_opt(input.note),
        serde_json::json!({"origin": deal.origin, "mode": deal.mode, "publicity_required": publicity_required(&deal, &seller_org)}),
    )
    .await?;
    audit_deal(&txn, Some(caller), "deal.open", deal.id, None, Some(&deal)).await?;
    // The broker who brings the parties together is the introducer in the ledger.
    let introducer = input.broker_id.or(caller_broker.as_ref().map(|b| b.id));
    if let Some(broker) = introducer {
        if input.broker_id.is_some()
            && caller_broker.as_ref().map(|b| b.id) != input.broker_id
            && !(caller.is_operator || party)
        {
            return Err(ApiError::Forbidden(
                "a broker may only assign themself".to_owned(),
            ));
        }
        assign(
            &txn,
            caller.into(),
            &deal,
            broker,
            AttributionRole::Introducer,
            Some(buyer),
            None,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(deal)
}

/// The full view of a deal.
#[tracing::instrument(skip_all)]
pub async fn to_out(db: &impl ConnectionTrait, deal: deals::Model) -> ApiResult<DealOut> {
    let seller = organisations::Entity::find_by_id(deal.seller_organisation_id)
        .one(db)
        .await?;
    let buyer = organisations::Entity::find_by_id(deal.buyer_organisation_id)
        .one(db)
        .await?;
    let required = seller
        .as_ref()
        .is_some_and(|s| publicity_required(&deal, s));
    let assignments = deal_brokers::Entity::find()
        .filter(deal_brokers::Column::DealId.eq(deal.id))
        .order_by_asc(deal_brokers::Column::AssignedAt)
        .find_also_related(brokers::Entity)
        .all(db)
        .await?;
    let ledger = attributions::Entity::find()
        .filter(attributions::Column::DealId.eq(deal.id))
        .order_by_asc(attributions::Column::CreatedAt)
        .order_by_asc(attributions::Column::Id)
        .all(db)
        .await?;
    let objections = deal_events::Entity::find()
        .filter(deal_events::Column::DealId.eq(deal.id))
        .filter(deal_events::Column::Kind.eq("objection"))
        .order_by_asc(deal_events::Column::CreatedAt)
        .all(db)
        .await?;
    let contract_ids = contracts::Entity::find()
        .filter(contracts::Column::DealId.eq(deal.id))
        .order_by_asc(contracts::Column::CreatedAt)
        .all(db)
        .await?
        .into_iter()
        .map(|c| c.id)
        .collect();
    let today = today();
    let open = matches!((deal.publicity_starts_on, deal.publicity_ends_on), (Some(s), Some(e)) if s <= today && today <= e);
    let satisfied = !required || deal.publicity_ends_on.is_some_and(|e| today > e);
    Ok(DealOut {
        id: DealId(deal.id),
        title: deal.title,
        origin: deal.origin.parse()?,
        mode: deal.mode.parse()?,
        match_id: deal.match_id,
        achievement_id: deal.achievement_id,
        need_id: deal.need_id,
        open_call_application_id: deal.open_call_application_id,
        seller_organisation_id: deal.seller_organisation_id,
        seller_name: seller.map(|o| o.name).unwrap_or_default(),
        buyer_organisation_id: deal.buyer_organisation_id,
        buyer_name: buyer.map(|o| o.name).unwrap_or_default(),
        stage: deal.stage.parse()?,
        lost_reason: deal.lost_reason,
        publicity: PublicityOut {
            required,
            starts_on: deal.publicity_starts_on,
            ends_on: deal.publicity_ends_on,
            open,
            satisfied,
            objections: objections.into_iter().map(event_out).collect(),
        },
        brokers: assignments
            .into_iter()
            .map(|(a, b)| AssignmentOut {
                broker_id: a.broker_id,
                display_name: b.map(|b| b.display_name).unwrap_or_default(),
                assigned_by: a.assigned_by,
                assigned_at: a.assigned_at,
                unassigned_at: a.unassigned_at,
            })
            .collect(),
        attributions: ledger
            .into_iter()
            .map(attribution_out)
            .collect::<ApiResult<_>>()?,
        contract_ids,
        created_by: deal.created_by,
        closed_at: deal.closed_at,
        version: deal.version,
        created_at: deal.created_at,
        updated_at: deal.updated_at,
    })
}

/// Lists the deals the caller may see.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    params: &DealListParams,
) -> ApiResult<Page<DealOut>> {
    let (page, per_page) = paging(params.page, params.per_page);
    let mut q = deals::Entity::find();
    if let Some(scope) = super::access::deal_scope(db, caller).await? {
        q = q.filter(scope);
    }
    if let Some(stage) = params.stage {
        q = q.filter(deals::Column::Stage.eq(stage.as_str()));
    }
    if let Some(broker) = params.broker_id {
        q = q.filter(
            deals::Column::Id.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(deal_brokers::Column::DealId)
                    .from(deal_brokers::Entity)
                    .and_where(Expr::col(deal_brokers::Column::BrokerId).eq(broker))
                    .and_where(Expr::col(deal_brokers::Column::UnassignedAt).is_null())
                    .to_owned(),
            ),
        );
    }
    let paginator = q
        .order_by_desc(deals::Column::UpdatedAt)
        .order_by_desc(deals::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for d in paginator.fetch_page(page - 1).await? {
        items.push(to_out(db, d).await?);
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// 403 unless the caller may act on the deal (operator, party member, assigned broker); 404
/// when they may not even see it.
#[tracing::instrument(skip_all)]
pub async fn ensure_may_act(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    deal: &deals::Model,
) -> ApiResult<()> {
    ensure_deal_visible(db, caller, deal).await
}

/// Sets the stage with the version check in the UPDATE; `extra` sets further columns.
#[tracing::instrument(skip_all)]
pub async fn set_stage(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    deal: &deals::Model,
    to: Stage,
    lost_reason: Option<String>,
    publicity: Option<(NaiveDate, NaiveDate)>,
) -> ApiResult<deals::Model> {
    let mut update = deals::Entity::update_many()
        .col_expr(deals::Column::Stage, Expr::value(to.as_str()))
        .col_expr(deals::Column::Version, Expr::value(deal.version + 1))
        .col_expr(deals::Column::UpdatedAt, Expr::value(now()));
    if to == Stage::Lost {
        update = update.col_expr(deals::Column::LostReason, Expr::value(lost_reason.clone()));
    }
    if to.is_final() {
        update = update.col_expr(deals::Column::ClosedAt, Expr::value(Some(now())));
    }
    if let Some((starts, ends)) = publicity {
        update = update
            .col_expr(deals::Column::PublicityStartsOn, Expr::value(Some(starts)))
            .col_expr(deals::Column::PublicityEndsOn, Expr::value(Some(ends)));
    }
    let res = update
        .filter(deals::Column::Id.eq(deal.id))
        .filter(deals::Column::Version.eq(deal.version))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(format!("deal {}", deal.id)));
    }
    let after = find(db, deal.id).await?;
    event(
        db,
        deal.id,
        caller.map(|c| c.user_id.0),
        "stage_changed",
        lost_reason,
        serde_json::json!({"from": deal.stage, "to": to.as_str()}),
    )
    .await?;
    if let Some((starts, ends)) = publicity {
        event(
            db,
            deal.id,
            caller.map(|c| c.user_id.0),
            "publicity_started",
            Some(format!("公示 {starts} – {ends}")),
            serde_json::json!({"starts_on": starts, "ends_on": ends}),
        )
        .await?;
    }
    audit_deal(db, caller, "deal.stage", deal.id, Some(deal), Some(&after)).await?;
    Ok(after)
}

/// Checks that a deal may reach `signed` today: publicity, when required, has ended.
#[tracing::instrument(skip_all)]
pub async fn ensure_may_sign(db: &impl ConnectionTrait, deal: &deals::Model) -> ApiResult<()> {
    let seller = org(db, deal.seller_organisation_id, "seller_organisation_id").await?;
    if !publicity_required(deal, &seller) {
        return Ok(());
    }
    match deal.publicity_ends_on {
        None => Err(ApiError::conflict(
            "publicity_required",
            "a negotiated deal with a state-funded university or institute is publicised (公示) before signing: move it to `agreed` first",
        )),
        Some(ends) if today() <= ends => Err(ApiError::conflict(
            "publicity_window_open",
            format!("the publicity window runs until {ends}; the deal can be signed from the day after"),
        )),
        Some(_) => Ok(()),
    }
}

/// Moves a deal to another stage, checking the rules of the target stage.
#[tracing::instrument(skip_all, fields(deal.id = %id))]
pub async fn change_stage(
    db: &impl TransactionTrait,
    publicity_default_days: i64,
    caller: &AuthUser,
    id: Uuid,
    input: StageIn,
) -> ApiResult<deals::Model> {
    let txn = db.begin().await?;
    let deal = find(&txn, id).await?;
    ensure_may_act(&txn, caller, &deal).await?;
    if deal.version != input.version {
        return Err(stale(format!("deal {id}")));
    }
    let from = Stage::parse(&deal.stage).unwrap_or(Stage::Lead);
    let to = input.stage;
    if from.is_final() {
        return Err(ApiError::conflict(
            "deal_finished",
            format!("the deal is already {}", from.as_str()),
        ));
    }
    let reason = clean_opt(input.reason);
    if to == Stage::Lost {
        if reason.is_none() {
            return Err(ApiError::field("reason", "say why the deal was lost"));
        }
    } else if to <= from {
        return Err(ApiError::conflict(
            "illegal_stage_change",
            format!(
                "a deal moves forward only: {} → {} is not allowed",
                from.as_str(),
                to.as_str()
            ),
        ));
    }
    let mut publicity = None;
    let seller = org(&txn, deal.seller_organisation_id, "seller_organisation_id").await?;
    if to == Stage::Agreed
        && publicity_required(&deal, &seller)
        && deal.publicity_starts_on.is_none()
    {
        let days = input.publicity_days.unwrap_or(publicity_default_days);
        let min = if caller.is_operator {
            1
        } else {
            publicity_default_days
        };
        if !(min..=PUBLICITY_DAYS_MAX).contains(&days) {
            return Err(ApiError::field(
                "publicity_days",
                format!("must be between {min} and {PUBLICITY_DAYS_MAX} days"),
            ));
        }
        let starts = today();
        publicity = Some((starts, starts + Duration::days(days - 1)));
    }
    if matches!(to, Stage::Signed | Stage::Registered | Stage::Closed) {
        ensure_may_sign(&txn, &deal).await?;
    }
    if matches!(to, Stage::Registered | Stage::Closed) {
        let registered = registrations::Entity::find()
            .filter(registrations::Column::Status.eq(RegistrationStatus::Registered.as_str()))
            .filter(
                registrations::Column::ContractId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(contracts::Column::Id)
                        .from(contracts::Entity)
                        .and_where(Expr::col(contracts::Column::DealId).eq(deal.id))
                        .to_owned(),
                ),
            )
            .count(&txn)
            .await?;
        if registered == 0 && to == Stage::Registered {
            return Err(ApiError::conflict(
                "contract_not_registered",
                "a deal is registered when one of its contracts is",
            ));
        }
        if to == Stage::Closed && from < Stage::Signed {
            return Err(ApiError::conflict(
                "deal_not_signed",
                "only a signed deal can be closed; use `lost` otherwise",
            ));
        }
    }
    let after = set_stage(&txn, Some(caller), &deal, to, reason, publicity).await?;
    txn.commit().await?;
    Ok(after)
}

/// Adds a note to the timeline.
#[tracing::instrument(skip_all, fields(deal.id = %id))]
pub async fn add_note(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: NoteIn,
) -> ApiResult<EventOut> {
    let mut v = Validator::new();
    v.length(&input.body, "body", 1, 4000);
    v.finish()?;
    let txn = db.begin().await?;
    let deal = find(&txn, id).await?;
    ensure_may_act(&txn, caller, &deal).await?;
    let e = event(
        &txn,
        id,
        Some(caller.user_id.0),
        "note",
        Some(input.body.trim().to_owned()),
        serde_json::json!({}),
    )
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "deal.note",
        entity_type: "deal_event",
        entity_id: e.id,
    }
    .record(&txn, None::<&()>, Some(&e))
    .await?;
    txn.commit().await?;
    Ok(event_out(e))
}

/// Records an objection against a deal in its publicity window (anyone signed in).
#[tracing::instrument(skip_all, fields(deal.id = %id))]
pub async fn object(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: NoteIn,
) -> ApiResult<EventOut> {
    let mut v = Validator::new();
    v.length(&input.body, "body", 5, 4000);
    v.finish()?;
    let txn = db.begin().await?;
    let deal = find(&txn, id).await?;
    let today = today();
    let open = matches!((deal.publicity_starts_on, deal.publicity_ends_on), (Some(s), Some(e)) if s <= today && today <= e);
    if !open {
        // A deal that was never publicised is private: same answer as for a missing one,
        // unless the caller may see it anyway.
        if deal.publicity_starts_on.is_none() {
            ensure_deal_visible(&txn, caller, &deal).await?;
        }
        return Err(ApiError::conflict(
            "publicity_not_open",
            "objections are taken while the publicity window is open",
        ));
    }
    let e = event(
        &txn,
        id,
        Some(caller.user_id.0),
        "objection",
        Some(input.body.trim().to_owned()),
        serde_json::json!({"organisation_id": caller.organisation_id}),
    )
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "deal.objection",
        entity_type: "deal_event",
        entity_id: e.id,
    }
    .record(&txn, None::<&()>, Some(&e))
    .await?;
    txn.commit().await?;
    Ok(event_out(e))
}

/// The timeline, newest first.
#[tracing::instrument(skip_all, fields(deal.id = %id))]
pub async fn events(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
    params: &PageParams,
) -> ApiResult<Page<EventOut>> {
    let deal = find(db, id).await?;
    ensure_deal_visible(db, caller, &deal).await?;
    let (page, per_page) = paging(params.page, params.per_page);
    let paginator = deal_events::Entity::find()
        .filter(deal_events::Column::DealId.eq(id))
        .order_by_desc(deal_events::Column::CreatedAt)
        .order_by_desc(deal_events::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let items = paginator
        .fetch_page(page - 1)
        .await?
        .into_iter()
        .map(event_out)
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// Assigns another broker (operator, party member or an assigned broker).
#[tracing::instrument(skip_all, fields(deal.id = %id))]
pub async fn assign_broker(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: AssignIn,
) -> ApiResult<deals::Model> {
    let txn = db.begin().await?;
    let deal = find(&txn, id).await?;
    ensure_may_act(&txn, caller, &deal).await?;
    if Stage::parse(&deal.stage).is_some_and(Stage::is_final) {
        return Err(ApiError::conflict("deal_finished", "the deal is finished"));
    }
    let role = input.role.unwrap_or(AttributionRole::CoBroker);
    if role == AttributionRole::Introducer {
        return Err(ApiError::field(
            "role",
            "the introducer is recorded when the deal is opened; use co_broker or closer",
        ));
    }
    assign(
        &txn,
        caller.into(),
        &deal,
        input.broker_id,
        role,
        None,
        input.note,
    )
    .await?;
    let after = touch(&txn, &deal).await?;
    txn.commit().await?;
    Ok(after)
}

/// Bumps a deal's version and `updated_at` after a change to its sub-rows.
async fn touch(db: &impl ConnectionTrait, deal: &deals::Model) -> ApiResult<deals::Model> {
    let res = deals::Entity::update_many()
        .col_expr(deals::Column::Version, Expr::value(deal.version + 1))
        .col_expr(deals::Column::UpdatedAt, Expr::value(now()))
        .filter(deals::Column::Id.eq(deal.id))
        .filter(deals::Column::Version.eq(deal.version))
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(format!("deal {}", deal.id)));
    }
    find(db, deal.id).await
}

/// Ends a broker's assignment. The ledger keeps their entries.
#[tracing::instrument(skip_all, fields(deal.id = %id))]
pub async fn unassign_broker(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    broker_id: Uuid,
) -> ApiResult<deals::Model> {
    let txn = db.begin().await?;
    let deal = find(&txn, id).await?;
    ensure_may_act(&txn, caller, &deal).await?;
    let row = deal_brokers::Entity::find()
        .filter(deal_brokers::Column::DealId.eq(id))
        .filter(deal_brokers::Column::BrokerId.eq(broker_id))
        .filter(deal_brokers::Column::UnassignedAt.is_null())
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("assignment of broker {broker_id}")))?;
    let mut active: deal_brokers::ActiveModel = row.clone().into();
    active.unassigned_at = Set(Some(now()));
    let after_row = active.update(&txn).await?;
    event(
        &txn,
        id,
        Some(caller.user_id.0),
        "broker_unassigned",
        None,
        serde_json::json!({"broker_id": broker_id}),
    )
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "deal.unassign_broker",
        entity_type: "deal_broker",
        entity_id: row.id,
    }
    .record(&txn, Some(&row), Some(&after_row))
    .await?;
    let after = touch(&txn, &deal).await?;
    txn.commit().await?;
    Ok(after)
}

/// Appends an entry to the ledger by hand (operator or an assigned broker).
#[tracing::instrument(skip_all, fields(deal.id = %id))]
pub async fn record_attribution(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: AttributionIn,
) -> ApiResult<AttributionOut> {
    let txn = db.begin().await?;
    let deal = find(&txn, id).await?;
    ensure_may_act(&txn, caller, &deal).await?;
    let assigned_broker = match caller.broker_id {
        Some(b) => is_assigned(&txn, id, b).await?,
        None => false,
    };
    if !(caller.is_operator || assigned_broker) {
        return Err(ApiError::Forbidden(
            "only operators and the deal's brokers may add to the attribution ledger".to_owned(),
        ));
    }
    verified_broker(&txn, input.broker_id).await?;
    if let Some(o) = input.introduced_organisation_id {
        org(&txn, o, "introduced_organisation_id").await?;
    }
    let entry = attributions::ActiveModel {
        id: Set(new_uuid()),
        deal_id: Set(id),
        broker_id: Set(input.broker_id),
        role: Set(input.role.as_str().to_owned()),
        introduced_organisation_id: Set(input.introduced_organisation_id),
        note: Set(clean_opt(input.note)),
        recorded_by: Set(caller.user_id.0),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    event(&txn, id, Some(caller.user_id.0), "attribution", None, serde_json::json!({"attribution_id": entry.id, "broker_id": input.broker_id, "role": input.role.as_str()})).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "attribution.append",
        entity_type: "attribution",
        entity_id: entry.id,
    }
    .record(&txn, None::<&()>, Some(&entry))
    .await?;
    txn.commit().await?;
    attribution_out(entry)
}

/// Deals whose publicity window is open today: the public notice board (公示).
#[tracing::instrument(skip_all)]
pub async fn publicity_notices(
    db: &impl ConnectionTrait,
    params: &PageParams,
) -> ApiResult<Page<PublicityNotice>> {
    let (page, per_page) = paging(params.page, params.per_page);
    let today = today();
    let paginator = deals::Entity::find()
        .filter(deals::Column::PublicityStartsOn.lte(today))
        .filter(deals::Column::PublicityEndsOn.gte(today))
        .order_by_asc(deals::Column::PublicityEndsOn)
        .order_by_asc(deals::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for d in paginator.fetch_page(page - 1).await? {
        let seller = organisations::Entity::find_by_id(d.seller_organisation_id)
            .one(db)
            .await?;
        let buyer = organisations::Entity::find_by_id(d.buyer_organisation_id)
            .one(db)
            .await?;
        let objection_count = deal_events::Entity::find()
            .filter(deal_events::Column::DealId.eq(d.id))
            .filter(deal_events::Column::Kind.eq("objection"))
            .count(db)
            .await?;
        items.push(PublicityNotice {
            deal_id: d.id,
            title: d.title,
            seller_name: seller.map(|o| o.name).unwrap_or_default(),
            buyer_name: buyer.map(|o| o.name).unwrap_or_default(),
            achievement_id: d.achievement_id,
            starts_on: d.publicity_starts_on,
            ends_on: d.publicity_ends_on,
            objection_count,
            price: super::prices::find(db, d.id).await?,
            evaluation: match d.achievement_id {
                Some(a) => super::prices::latest_evaluation(db, a).await?,
                None => None,
            },
        });
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// True when the caller is a party member of the deal (used by contract rules).
pub fn caller_is_party(caller: &AuthUser, deal: &deals::Model) -> bool {
    is_party(caller, deal)
}

/// A sale that opens a deal at `agreed` with its price: the first commitment at a listed
/// price (挂牌) or an auction's winning bid (竞价).
pub struct Sale {
    pub origin: Origin,
    pub mode: Mode,
    pub method: wire::PriceMethod,
    pub achievement_id: Uuid,
    pub title: String,
    pub seller_organisation_id: Uuid,
    pub buyer_organisation_id: Uuid,
    pub amount_minor: i64,
    pub currency: String,
    /// A verified broker who ran the sale: assigned to the deal as its introducer.
    pub broker_id: Option<Uuid>,
    /// What the timeline says opened it.
    pub note: String,
    pub data: serde_json::Value,
}

/// Opens the deal of a sale inside the caller's transaction: at `agreed`, its mode and price
/// method from the sale (so publicity follows the rules for listed and auction prices, never
/// the request), the price on the publicity record, the broker assigned.
#[tracing::instrument(skip_all, fields(achievement.id = %sale.achievement_id))]
pub async fn open_from_sale(
    txn: &impl ConnectionTrait,
    actor: Actor<'_>,
    sale: Sale,
) -> ApiResult<deals::Model> {
    let at = now();
    let deal = deals::ActiveModel {
        id: Set(DealId::new().0),
        title: Set(sale.title),
        origin: Set(sale.origin.as_str().to_owned()),
        mode: Set(sale.mode.as_str().to_owned()),
        match_id: Set(None),
        achievement_id: Set(Some(sale.achievement_id)),
        need_id: Set(None),
        open_call_application_id: Set(None),
        seller_organisation_id: Set(sale.seller_organisation_id),
        buyer_organisation_id: Set(sale.buyer_organisation_id),
        stage: Set(Stage::Agreed.as_str().to_owned()),
        lost_reason: Set(None),
        publicity_starts_on: Set(None),
        publicity_ends_on: Set(None),
        created_by: Set(actor.user_id),
        closed_at: Set(None),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
    }
    .insert(txn)
    .await?;
    let seller = org(txn, deal.seller_organisation_id, "seller_organisation_id").await?;
    let mut data = sale.data;
    if let Some(obj) = data.as_object_mut() {
        obj.insert("origin".into(), serde_json::json!(deal.origin));
        obj.insert("mode".into(), serde_json::json!(deal.mode));
        obj.insert(
            "publicity_required".into(),
            serde_json::json!(publicity_required(&deal, &seller)),
        );
        obj.insert("amount_minor".into(), serde_json::json!(sale.amount_minor));
        obj.insert("currency".into(), serde_json::json!(sale.currency));
    }
    event(
        txn,
        deal.id,
        Some(actor.user_id),
        "deal_opened",
        Some(sale.note),
        data,
    )
    .await?;
    audit_deal(txn, actor.user, "deal.open", deal.id, None, Some(&deal)).await?;
    let price = platform::entity::deal_prices::ActiveModel {
        deal_id: Set(deal.id),
        amount_minor: Set(sale.amount_minor),
        currency: Set(sale.currency),
        method: Set(sale.method.as_str().to_owned()),
        evaluation_id: Set(None),
        set_by: Set(actor.user_id),
        updated_at: Set(at),
    }
    .insert(txn)
    .await?;
    AuditEntry {
        actor: actor.user,
        service: SERVICE,
        action: "deal.price",
        entity_type: "deal",
        entity_id: deal.id,
    }
    .record(txn, None::<&()>, Some(&price))
    .await?;
    if let Some(broker) = sale.broker_id {
        assign(
            txn,
            actor,
            &deal,
            broker,
            AttributionRole::Introducer,
            Some(deal.buyer_organisation_id),
            None,
        )
        .await?;
    }
    Ok(deal)
}
