//! Service orders (issue #16): an enterprise requests a published service, the provider quotes,
//! the requester accepts, the provider delivers, the requester confirms. Each step belongs to
//! one side, decided by the caller's organisation, never by a field of the request; each moves
//! the order by a guarded UPDATE (expected state and version), so two people acting at once
//! get one success and one 409. Every step writes a history row and an audit entry.
//!
//! Documents on orders are not attached here: the document store is keyed to contracts
//! (`documents.rs`), and extending its visibility rule to orders is a separate change.

use std::collections::HashMap;

use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{service_order_events, service_orders, services};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use uuid::Uuid;
use wire::services::{OrderEventOut, OrderIn, OrderListParams, OrderOut, OrderStepIn, QuoteIn};
use wire::{OrderState, Page};

use super::{clean_opt, next_version, now, paging, services as catalogue, stale};
use crate::SERVICE;

/// Largest quote accepted: 10^15 minor units (ten trillion yuan), far above any service and
/// far below where sums of amounts could overflow.
pub const MAX_AMOUNT_MINOR: i64 = 1_000_000_000_000_000;

/// Which side of an order takes a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Provider,
    Requester,
}

/// A step: the states it starts from, the state it reaches, and who takes it.
#[derive(Debug, Clone, Copy)]
pub enum Step {
    Quote,
    Accept,
    Deliver,
    Confirm,
}

impl Step {
    fn rule(self) -> (&'static [OrderState], OrderState, Side, &'static str) {
        match self {
            // A provider may revise its quote until the requester accepts.
            Step::Quote => (
                &[OrderState::Requested, OrderState::Quoted],
                OrderState::Quoted,
                Side::Provider,
                "service_order.quote",
            ),
            Step::Accept => (
                &[OrderState::Quoted],
                OrderState::Accepted,
                Side::Requester,
                "service_order.accept",
            ),
            Step::Deliver => (
                &[OrderState::Accepted],
                OrderState::Delivered,
                Side::Provider,
                "service_order.deliver",
            ),
            Step::Confirm => (
                &[OrderState::Delivered],
                OrderState::Confirmed,
                Side::Requester,
                "service_order.confirm",
            ),
        }
    }
}

/// The answer for an order row (without its history).
pub fn to_out(m: service_orders::Model, service: &services::Model) -> ApiResult<OrderOut> {
    Ok(OrderOut {
        id: m.id,
        service_id: m.service_id,
        service_title: service.title.clone(),
        service_kind: service.kind.parse()?,
        provider_organisation_id: m.provider_organisation_id,
        requester_organisation_id: m.requester_organisation_id,
        state: m.state.parse()?,
        description: m.description,
        quote_minor: m.quote_minor,
        currency: m.currency,
        voucher_id: m.voucher_id,
        voucher_minor: m.voucher_minor,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
        events: Vec::new(),
    })
}

/// True when the caller is a member of the order's provider or requester.
pub fn is_party(caller: &AuthUser, order: &service_orders::Model) -> bool {
    caller.belongs_to(order.provider_organisation_id.into())
        || caller.belongs_to(order.requester_organisation_id.into())
}

/// The order, if the caller may see it (a party or an operator, within a city office's cities
/// for its operators); the same 404 otherwise as for an order that does not exist.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<service_orders::Model> {
    let missing = || ApiError::not_found(format!("service order {id}"));
    let order = service_orders::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(missing)?;
    if is_party(caller, &order) {
        return Ok(order);
    }
    // Operators see orders within their scope (a city office's: one side in their cities).
    match platform::city_scope::OperatorScope::of_operator(db, Some(caller)).await? {
        Some(scope)
            if scope
                .covers_any_organisation(
                    db,
                    &[
                        order.provider_organisation_id,
                        order.requester_organisation_id,
                    ],
                )
                .await? =>
        {
            Ok(order)
        }
        _ => Err(missing()),
    }
}

/// Writes one history row of an order.
pub async fn record_event(
    db: &impl ConnectionTrait,
    order_id: Uuid,
    kind: &str,
    actor: Uuid,
    note: Option<String>,
    amount_minor: Option<i64>,
) -> ApiResult<()> {
    service_order_events::ActiveModel {
        id: Set(new_uuid()),
        order_id: Set(order_id),
        kind: Set(kind.to_owned()),
        actor_id: Set(actor),
        note: Set(note),
        amount_minor: Set(amount_minor),
        created_at: Set(now()),
    }
    .insert(db)
    .await?;
    Ok(())
}

fn check_note(note: &Option<String>, v: &mut Validator) {
    if let Some(n) = note {
        v.length(n, "note", 0, 2000);
    }
}

/// An enterprise's request for a service (a member of any organisation but the provider).
#[tracing::instrument(skip_all, fields(service.id = %input.service_id))]
pub async fn create(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: OrderIn,
) -> ApiResult<OrderOut> {
    let org = caller.require_organisation()?;
    let mut v = Validator::new();
    v.length(input.description.trim(), "description", 1, 5000);
    v.finish()?;
    let txn = db.begin().await?;
    let service = catalogue::find(&txn, input.service_id).await?;
    if service.organisation_id == org.0 {
        return Err(ApiError::conflict(
            "own_service",
            "your organisation provides this service: it cannot order it",
        ));
    }
    if service.withdrawn_at.is_some() {
        return Err(ApiError::conflict(
            "service_withdrawn",
            "the provider has withdrawn this service: it takes no new requests",
        ));
    }
    let id = new_uuid();
    let row = service_orders::ActiveModel {
        id: Set(id),
        service_id: Set(service.id),
        provider_organisation_id: Set(service.organisation_id),
        requester_organisation_id: Set(org.0),
        state: Set(OrderState::Requested.as_str().to_owned()),
        description: Set(input.description.trim().to_owned()),
        quote_minor: Set(None),
        currency: Set(service.currency.clone()),
        voucher_id: Set(None),
        voucher_minor: Set(0),
        requested_by: Set(caller.user_id.0),
        version: Set(1),
        created_at: Set(now()),
        updated_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    record_event(
        &txn,
        id,
        OrderState::Requested.as_str(),
        caller.user_id.0,
        None,
        None,
    )
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "service_order.request",
        entity_type: "service_order",
        entity_id: id,
    }
    .record(&txn, None::<&()>, Some(&row))
    .await?;
    let out = get(&txn, caller, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// A quote (the provider).
#[tracing::instrument(skip_all, fields(order.id = %id))]
pub async fn quote(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: QuoteIn,
) -> ApiResult<OrderOut> {
    let mut v = Validator::new();
    v.check(
        (1..=MAX_AMOUNT_MINOR).contains(&input.amount_minor),
        "amount_minor",
        "between 1 and 10^15 minor units",
    );
    check_note(&input.note, &mut v);
    v.finish()?;
    take_step(
        db,
        caller,
        id,
        Step::Quote,
        input.version,
        input.note,
        Some(input.amount_minor),
    )
    .await
}

/// Accept, deliver or confirm (each by its side).
#[tracing::instrument(skip_all, fields(order.id = %id))]
pub async fn step(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    step: Step,
    input: OrderStepIn,
) -> ApiResult<OrderOut> {
    let mut v = Validator::new();
    check_note(&input.note, &mut v);
    v.finish()?;
    take_step(db, caller, id, step, input.version, input.note, None).await
}

async fn take_step(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    step: Step,
    version: i32,
    note: Option<String>,
    amount: Option<i64>,
) -> ApiResult<OrderOut> {
    let (from, to, side, action) = step.rule();
    let txn = db.begin().await?;
    let before = find_visible(&txn, caller, id).await?;
    let org = match side {
        Side::Provider => before.provider_organisation_id,
        Side::Requester => before.requester_organisation_id,
    };
    if !caller.belongs_to(org.into()) {
        return Err(ApiError::Forbidden(match side {
            Side::Provider => "only the provider's members take this step".to_owned(),
            Side::Requester => "only the requester's members take this step".to_owned(),
        }));
    }
    let state: OrderState = before.state.parse()?;
    if !from.contains(&state) {
        return Err(ApiError::conflict(
            "order_state",
            format!("the order is {state}: this step is not open"),
        ));
    }
    let mut update = service_orders::Entity::update_many()
        .col_expr(service_orders::Column::State, Expr::value(to.as_str()))
        .col_expr(
            service_orders::Column::Version,
            Expr::value(next_version(version, "service order")?),
        )
        .col_expr(service_orders::Column::UpdatedAt, Expr::value(now()));
    if let Some(a) = amount {
        update = update.col_expr(service_orders::Column::QuoteMinor, Expr::value(a));
    }
    let res = update
        .filter(service_orders::Column::Id.eq(id))
        .filter(service_orders::Column::Version.eq(version))
        .filter(service_orders::Column::State.is_in(from.iter().map(|s| s.as_str())))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale("service order"));
    }
    let note = clean_opt(note);
    record_event(&txn, id, to.as_str(), caller.user_id.0, note, amount).await?;
    let after = service_orders::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("service order {id}")))?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action,
        entity_type: "service_order",
        entity_id: id,
    }
    .record(&txn, Some(&before), Some(&after))
    .await?;
    let out = get(&txn, caller, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// One order with its history (its parties and operators).
#[tracing::instrument(skip_all, fields(order.id = %id))]
pub async fn get(db: &impl ConnectionTrait, caller: &AuthUser, id: Uuid) -> ApiResult<OrderOut> {
    let order = find_visible(db, caller, id).await?;
    let service = catalogue::find(db, order.service_id).await?;
    let events = service_order_events::Entity::find()
        .filter(service_order_events::Column::OrderId.eq(id))
        .order_by_asc(service_order_events::Column::CreatedAt)
        .order_by_asc(service_order_events::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|e| OrderEventOut {
            id: e.id,
            kind: e.kind,
            actor_id: e.actor_id,
            note: e.note,
            amount_minor: e.amount_minor,
            created_at: e.created_at,
        })
        .collect();
    let mut out = to_out(order, &service)?;
    out.events = events;
    Ok(out)
}

/// The orders the caller's organisation placed (`side=requester`, the default) or received
/// (`side=provider`); operators without a side see all.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    params: OrderListParams,
) -> ApiResult<Page<OrderOut>> {
    let mut q = service_orders::Entity::find();
    let side = params.side.as_deref();
    match (side, caller.organisation_id) {
        (None, _) if caller.is_operator => {
            let scope = platform::city_scope::OperatorScope::of(db, caller).await?;
            q = q.filter(scope.organisation_condition(&[
                service_orders::Column::ProviderOrganisationId,
                service_orders::Column::RequesterOrganisationId,
            ]));
        }
        (None | Some("requester"), Some(org)) => {
            q = q.filter(service_orders::Column::RequesterOrganisationId.eq(org.0));
        }
        (Some("provider"), Some(org)) => {
            q = q.filter(service_orders::Column::ProviderOrganisationId.eq(org.0));
        }
        (Some("provider" | "requester"), None) | (None, None) => {
            q = q.filter(Condition::all().add(Expr::val(1).eq(0)));
        }
        (Some(_), _) => return Err(ApiError::field("side", "provider or requester")),
    }
    if let Some(state) = params.state {
        q = q.filter(service_orders::Column::State.eq(state.as_str()));
    }
    let q = q
        .order_by_desc(service_orders::Column::CreatedAt)
        .order_by_desc(service_orders::Column::Id);
    let rows =
        platform::paging::fetch_page(db, q, paging(params.page, params.per_page), Ok).await?;
    let ids: Vec<Uuid> = rows.items.iter().map(|o| o.service_id).collect();
    let svcs: HashMap<Uuid, services::Model> = if ids.is_empty() {
        HashMap::new()
    } else {
        services::Entity::find()
            .filter(services::Column::Id.is_in(ids))
            .all(db)
            .await?
            .into_iter()
            .map(|s| (s.id, s))
            .collect()
    };
    let items = rows
        .items
        .into_iter()
        .map(|o| {
            let s = svcs
                .get(&o.service_id)
                .ok_or_else(|| ApiError::not_found(format!("service {}", o.service_id)))?;
            to_out(o, s)
        })
        .collect::<ApiResult<_>>()?;
    Ok(Page {
        items,
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    })
}

/// Records that a voucher paid `amount` of the order: once, by a guarded UPDATE (`false` when
/// another voucher got there first).
pub async fn update_voucher(
    txn: &impl ConnectionTrait,
    order_id: Uuid,
    voucher_id: Uuid,
    amount: i64,
) -> ApiResult<bool> {
    let res = service_orders::Entity::update_many()
        .col_expr(service_orders::Column::VoucherId, Expr::value(voucher_id))
        .col_expr(service_orders::Column::VoucherMinor, Expr::value(amount))
        .col_expr(
            service_orders::Column::Version,
            Expr::col(service_orders::Column::Version).add(1),
        )
        .col_expr(service_orders::Column::UpdatedAt, Expr::value(now()))
        .filter(service_orders::Column::Id.eq(order_id))
        .filter(service_orders::Column::VoucherId.is_null())
        .exec(txn)
        .await?;
    Ok(res.rows_affected == 1)
}
