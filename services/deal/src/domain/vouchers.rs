//! Innovation vouchers (科技创新券, issue #16): an operator runs a programme (issuer, budget,
//! eligible organisation kinds and service kinds, a face value or a share of the price with a
//! cap, a validity window, a home region and whether vouchers may pay providers outside it);
//! enterprises apply; the operator approves, which issues the voucher and reserves its value
//! from the budget; the holder redeems it once against one of its own accepted service orders;
//! the provider claims the redeemed amount once the order is confirmed. Where its programme
//! allows it (`pays_contracts`), the holder may instead redeem it against a signed technology
//! contract it is the buyer of; the seller claims it.
//!
//! Money never moves twice. Every movement is a line of the programme's ledger (insert only;
//! no route updates or deletes one) written in the same transaction as a guarded UPDATE:
//! issuing reserves only while `budget − issued + released` covers the value; redeeming and
//! claiming move the voucher from the one state they start from, so of twenty redemptions at
//! once one changes the row and nineteen find it already redeemed (409). On PostgreSQL the
//! losers wait on the row lock and re-check the guard; SQLite runs one writer at a time. Under
//! both, a unique index allows a voucher one ledger line of each kind. The programme's running
//! totals change only beside the line they sum, so they equal the ledger (the report shows both).
//!
//! A redemption pays `min(face value or share × price capped, reserved, what is left to pay)`
//! ([`redemption_amount`], the one home of that rule for orders and contracts); what the
//! voucher reserved beyond that goes back to the budget as a `release` line at once. What is
//! left to pay is the order's price (an order takes one voucher), or the contract amount less
//! what vouchers paid of it already: `contracts.voucher_paid_minor` moves only by an UPDATE
//! guarded to stay within the contract amount, taken after the contract row is locked, so
//! vouchers of several programmes never pay one contract beyond its amount.

use std::collections::{BTreeMap, HashMap};

use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::city_scope::OperatorScope;
use platform::entity::{
    contracts, organisations, registrations, service_orders, services, voucher_ledger,
    voucher_programmes, vouchers,
};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use platform::money::{Currency, WHOLE_BP};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set, TransactionTrait,
};
use uuid::Uuid;
use wire::services::{
    ContractRedemptionIn, LedgerLineOut, ProgrammeIn, ProgrammeOut, ProgrammeReport, RedemptionIn,
    ReportRow, VoucherApplicationIn, VoucherDecisionIn, VoucherListParams, VoucherOut,
};
use wire::{
    ContractStatus, LedgerKind, OrderState, OrgKind, Page, PageParams, RegistrationStatus,
    ServiceKind, VoucherState, VoucherTarget,
};

use super::service_orders::{self as orders, MAX_AMOUNT_MINOR};
use super::services::{is_region, region_covers};
use super::{clean_opt, next_version, now, paging, stale, strings, today};
use crate::SERVICE;

fn kinds<T: std::str::FromStr>(value: &serde_json::Value) -> Vec<T> {
    strings(value)
        .iter()
        .filter_map(|s| s.parse().ok())
        .collect()
}

/// The answer for a programme row.
pub fn programme_out(m: voucher_programmes::Model) -> ProgrammeOut {
    let available = m
        .budget_minor
        .saturating_sub(m.issued_minor)
        .saturating_add(m.released_minor);
    ProgrammeOut {
        id: m.id,
        eligible_org_kinds: kinds::<OrgKind>(&m.eligible_org_kinds),
        eligible_service_kinds: kinds::<ServiceKind>(&m.eligible_service_kinds),
        name: m.name,
        issuer: m.issuer,
        budget_minor: m.budget_minor,
        currency: m.currency,
        face_value_minor: m.face_value_minor,
        share_bp: m.share_bp,
        cap_minor: m.cap_minor,
        valid_from: m.valid_from,
        valid_until: m.valid_until,
        cross_region: m.cross_region,
        home_region: m.home_region,
        pays_contracts: m.pays_contracts,
        issued_minor: m.issued_minor,
        redeemed_minor: m.redeemed_minor,
        released_minor: m.released_minor,
        claimed_minor: m.claimed_minor,
        available_minor: available,
        sample: m.sample,
        created_at: m.created_at,
    }
}

fn voucher_out(
    m: vouchers::Model,
    programme_name: String,
    organisation_name: String,
) -> ApiResult<VoucherOut> {
    Ok(VoucherOut {
        id: m.id,
        programme_id: m.programme_id,
        programme_name,
        organisation_id: m.organisation_id,
        organisation_name,
        region_code: m.region_code,
        state: m.state.parse()?,
        purpose: m.purpose,
        reserved_minor: m.reserved_minor,
        redeemed_minor: m.redeemed_minor,
        currency: m.currency,
        order_id: m.order_id,
        contract_id: m.contract_id,
        decision_note: m.decision_note,
        version: m.version,
        applied_at: m.applied_at,
        decided_at: m.decided_at,
    })
}

fn line_out(m: voucher_ledger::Model) -> ApiResult<LedgerLineOut> {
    Ok(LedgerLineOut {
        id: m.id,
        programme_id: m.programme_id,
        voucher_id: m.voucher_id,
        kind: m.kind.parse()?,
        amount_minor: m.amount_minor,
        currency: m.currency,
        order_id: m.order_id,
        contract_id: m.contract_id,
        region_code: m.region_code,
        service_kind: m.service_kind.as_deref().map(str::parse).transpose()?,
        actor_id: m.actor_id,
        created_at: m.created_at,
    })
}

fn validate_programme(input: &ProgrammeIn) -> ApiResult<()> {
    let mut v = Validator::new();
    v.length(input.name.trim(), "name", 2, 200);
    v.length(input.issuer.trim(), "issuer", 2, 200);
    v.check(
        (1..=MAX_AMOUNT_MINOR).contains(&input.budget_minor),
        "budget_minor",
        "between 1 and 10^15 minor units",
    );
    v.check(
        Currency::parse(&input.currency).is_some(),
        "currency",
        "unknown ISO 4217 currency",
    );
    v.check(
        !input.eligible_org_kinds.is_empty(),
        "eligible_org_kinds",
        "name at least one kind",
    );
    v.check(
        !input.eligible_service_kinds.is_empty(),
        "eligible_service_kinds",
        "name at least one kind",
    );
    match (input.face_value_minor, input.share_bp, input.cap_minor) {
        (Some(face), None, None) => {
            v.check(
                (1..=input.budget_minor).contains(&face),
                "face_value_minor",
                "between 1 and the budget",
            );
        }
        (None, Some(bp), Some(cap)) => {
            v.check(
                (1..=WHOLE_BP).contains(&bp),
                "share_bp",
                "between 1 and 10000",
            );
            v.check(
                (1..=input.budget_minor).contains(&cap),
                "cap_minor",
                "between 1 and the budget",
            );
        }
        _ => {
            v.push(
                "face_value_minor",
                "give either face_value_minor, or share_bp with cap_minor",
            );
        }
    }
    v.check(
        input.valid_until >= input.valid_from,
        "valid_until",
        "must not be before valid_from",
    );
    v.check(
        is_region(&input.home_region),
        "home_region",
        "unknown region code",
    );
    v.finish()
}

/// Sets up a programme (operators).
#[tracing::instrument(skip_all)]
pub async fn create_programme(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: ProgrammeIn,
) -> ApiResult<ProgrammeOut> {
    caller.require_operator()?;
    validate_programme(&input)?;
    let share = input
        .share_bp
        .map(i32::try_from)
        .transpose()
        .map_err(|_| ApiError::field("share_bp", "out of range"))?;
    let org_kinds: Vec<&str> = input
        .eligible_org_kinds
        .iter()
        .map(|k| k.as_str())
        .collect();
    let service_kinds: Vec<&str> = input
        .eligible_service_kinds
        .iter()
        .map(|k| k.as_str())
        .collect();
    let txn = db.begin().await?;
    // A city office's operators run programmes for their own cities.
    if !OperatorScope::of(&txn, caller)
        .await?
        .covers_region(&input.home_region)
    {
        return Err(ApiError::Forbidden(
            "your office runs programmes of its own cities only".to_owned(),
        ));
    }
    let id = new_uuid();
    let row = voucher_programmes::ActiveModel {
        id: Set(id),
        name: Set(input.name.trim().to_owned()),
        issuer: Set(input.issuer.trim().to_owned()),
        budget_minor: Set(input.budget_minor),
        currency: Set(input.currency),
        eligible_org_kinds: Set(serde_json::json!(org_kinds)),
        eligible_service_kinds: Set(serde_json::json!(service_kinds)),
        face_value_minor: Set(input.face_value_minor),
        share_bp: Set(share),
        cap_minor: Set(input.cap_minor),
        valid_from: Set(input.valid_from),
        valid_until: Set(input.valid_until),
        cross_region: Set(input.cross_region),
        home_region: Set(input.home_region),
        pays_contracts: Set(input.pays_contracts),
        issued_minor: Set(0),
        redeemed_minor: Set(0),
        released_minor: Set(0),
        claimed_minor: Set(0),
        sample: Set(false),
        created_by: Set(caller.user_id.0),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "voucher_programme.create",
        entity_type: "voucher_programme",
        entity_id: id,
    }
    .record(&txn, None::<&()>, Some(&row))
    .await?;
    txn.commit().await?;
    Ok(programme_out(row))
}

async fn find_programme(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> ApiResult<voucher_programmes::Model> {
    voucher_programmes::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("voucher programme {id}")))
}

/// One programme (public: what a programme offers is published so enterprises can apply).
#[tracing::instrument(skip_all, fields(programme.id = %id))]
pub async fn get_programme(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<ProgrammeOut> {
    find_programme(db, id).await.map(programme_out)
}

/// All programmes, newest first (public).
#[tracing::instrument(skip_all)]
pub async fn list_programmes(
    db: &impl ConnectionTrait,
    params: PageParams,
) -> ApiResult<Page<ProgrammeOut>> {
    let q = voucher_programmes::Entity::find()
        .order_by_desc(voucher_programmes::Column::CreatedAt)
        .order_by_desc(voucher_programmes::Column::Id);
    platform::paging::fetch_page(db, q, paging(params.page, params.per_page), |m| {
        Ok(programme_out(m))
    })
    .await
}

/// An organisation's application for a voucher: its kind must be eligible, it must be in the
/// programme's home region, and the programme must still be open. One per organisation.
#[tracing::instrument(skip_all, fields(programme.id = %programme_id))]
pub async fn apply(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    programme_id: Uuid,
    input: VoucherApplicationIn,
) -> ApiResult<VoucherOut> {
    let org_id = caller.require_organisation()?;
    let mut v = Validator::new();
    v.length(input.purpose.trim(), "purpose", 1, 2000);
    v.finish()?;
    let txn = db.begin().await?;
    let programme = find_programme(&txn, programme_id).await?;
    let org = organisations::Entity::find_by_id(org_id.0)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("your organisation"))?;
    let kind: OrgKind = org.kind.parse()?;
    if !kinds::<OrgKind>(&programme.eligible_org_kinds).contains(&kind) {
        return Err(ApiError::conflict(
            "voucher_not_eligible",
            format!("a {kind} organisation may not apply to this programme"),
        ));
    }
    if !region_covers(&programme.home_region, &org.region_code) {
        return Err(ApiError::conflict(
            "voucher_out_of_region",
            format!(
                "the programme serves organisations of region {}",
                programme.home_region
            ),
        ));
    }
    if today() > programme.valid_until {
        return Err(ApiError::conflict(
            "voucher_expired",
            format!("the programme closed on {}", programme.valid_until),
        ));
    }
    let id = new_uuid();
    let row = vouchers::ActiveModel {
        id: Set(id),
        programme_id: Set(programme.id),
        organisation_id: Set(org.id),
        region_code: Set(org.region_code.clone()),
        state: Set(VoucherState::Applied.as_str().to_owned()),
        purpose: Set(input.purpose.trim().to_owned()),
        reserved_minor: Set(0),
        redeemed_minor: Set(0),
        currency: Set(programme.currency.clone()),
        order_id: Set(None),
        contract_id: Set(None),
        decision_note: Set(None),
        applied_by: Set(caller.user_id.0),
        applied_at: Set(now()),
        decided_by: Set(None),
        decided_at: Set(None),
        version: Set(1),
    }
    .insert(&txn)
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "voucher.apply",
        entity_type: "voucher",
        entity_id: id,
    }
    .record(&txn, None::<&()>, Some(&row))
    .await?;
    txn.commit().await?;
    voucher_out(row, programme.name, org.name)
}

/// The voucher, if the caller may see it: an operator, a member of the holder, or a member of
/// the provider of the order it paid or of the seller of the contract it paid. Anyone else gets the 404 of a voucher that does not exist.
async fn find_visible(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<vouchers::Model> {
    let missing = || ApiError::not_found(format!("voucher {id}"));
    let v = vouchers::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(missing)?;
    if caller.belongs_to(v.organisation_id.into())
        || platform::city_scope::operator_covers(db, Some(caller), v.organisation_id).await?
    {
        return Ok(v);
    }
    if let Some(order) = v.order_id {
        let o = service_orders::Entity::find_by_id(order).one(db).await?;
        if o.is_some_and(|o| caller.belongs_to(o.provider_organisation_id.into())) {
            return Ok(v);
        }
    }
    if let Some(contract) = v.contract_id {
        let c = contracts::Entity::find_by_id(contract).one(db).await?;
        if c.and_then(|c| c.seller_organisation_id)
            .is_some_and(|seller| caller.belongs_to(seller.into()))
        {
            return Ok(v);
        }
    }
    Err(missing())
}

/// A programme an operator administers: 403 for others, 404 for one whose home region is
/// outside a city office's operator's cities.
async fn find_programme_in_scope(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<voucher_programmes::Model> {
    let scope = OperatorScope::of(db, caller).await?;
    let programme = find_programme(db, id).await?;
    if scope.covers_region(&programme.home_region) {
        Ok(programme)
    } else {
        Err(ApiError::not_found(format!("programme {id}")))
    }
}

async fn to_out(db: &impl ConnectionTrait, v: vouchers::Model) -> ApiResult<VoucherOut> {
    let programme = find_programme(db, v.programme_id).await?;
    let org = organisations::Entity::find_by_id(v.organisation_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    voucher_out(v, programme.name, org)
}

/// One voucher.
#[tracing::instrument(skip_all, fields(voucher.id = %id))]
pub async fn get(db: &impl ConnectionTrait, caller: &AuthUser, id: Uuid) -> ApiResult<VoucherOut> {
    let v = find_visible(db, caller, id).await?;
    to_out(db, v).await
}

/// The caller's organisation's vouchers; every voucher for operators; with `contract_id`, the
/// vouchers that paid that contract (for its seller too).
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    params: VoucherListParams,
) -> ApiResult<Page<VoucherOut>> {
    let mut q = vouchers::Entity::find();
    if let Some(c) = params.contract_id {
        q = q.filter(vouchers::Column::ContractId.eq(c));
    }
    match OperatorScope::of_operator(db, Some(caller)).await? {
        Some(scope) => {
            q = q.filter(scope.organisation_condition(&[vouchers::Column::OrganisationId]));
        }
        None => {
            let org = caller.require_organisation()?;
            // The seller of a contract sees the vouchers that paid it, whoever holds them.
            let seller = match params.contract_id {
                Some(c) => contracts::Entity::find_by_id(c)
                    .one(db)
                    .await?
                    .and_then(|c| c.seller_organisation_id)
                    .is_some_and(|s| s == org.0),
                None => false,
            };
            if !seller {
                q = q.filter(vouchers::Column::OrganisationId.eq(org.0));
            }
        }
    }
    if let Some(p) = params.programme_id {
        q = q.filter(vouchers::Column::ProgrammeId.eq(p));
    }
    if let Some(s) = params.state {
        q = q.filter(vouchers::Column::State.eq(s.as_str()));
    }
    let q = q
        .order_by_desc(vouchers::Column::AppliedAt)
        .order_by_desc(vouchers::Column::Id);
    let rows =
        platform::paging::fetch_page(db, q, paging(params.page, params.per_page), Ok).await?;
    let mut programmes: BTreeMap<Uuid, String> = BTreeMap::new();
    let mut orgs: BTreeMap<Uuid, String> = BTreeMap::new();
    let mut items = Vec::with_capacity(rows.items.len());
    for v in rows.items {
        let p = match programmes.get(&v.programme_id) {
            Some(name) => name.clone(),
            None => {
                let name = find_programme(db, v.programme_id).await?.name;
                programmes.insert(v.programme_id, name.clone());
                name
            }
        };
        let o = match orgs.get(&v.organisation_id) {
            Some(name) => name.clone(),
            None => {
                let name = organisations::Entity::find_by_id(v.organisation_id)
                    .one(db)
                    .await?
                    .map(|o| o.name)
                    .unwrap_or_default();
                orgs.insert(v.organisation_id, name.clone());
                name
            }
        };
        items.push(voucher_out(v, p, o)?);
    }
    Ok(Page {
        items,
        total: rows.total,
        page: rows.page,
        per_page: rows.per_page,
    })
}

/// What a redeemed voucher paid: one of the holder's service orders (of a kind of service), or
/// a technology contract the holder buys. Ledger lines name it.
#[derive(Debug, Clone, Copy)]
enum Paid {
    Order { id: Uuid, kind: ServiceKind },
    Contract(Uuid),
}

impl Paid {
    fn order_id(self) -> Option<Uuid> {
        match self {
            Paid::Order { id, .. } => Some(id),
            Paid::Contract(_) => None,
        }
    }

    fn contract_id(self) -> Option<Uuid> {
        match self {
            Paid::Order { .. } => None,
            Paid::Contract(id) => Some(id),
        }
    }

    fn service_kind(self) -> Option<ServiceKind> {
        match self {
            Paid::Order { kind, .. } => Some(kind),
            Paid::Contract(_) => None,
        }
    }
}

/// Appends one ledger line (the only writer of the ledger; there is no update or delete).
async fn append(
    txn: &DatabaseTransaction,
    voucher: &vouchers::Model,
    kind: LedgerKind,
    amount: i64,
    paid: Paid,
    actor: Uuid,
    total: voucher_programmes::Column,
) -> ApiResult<()> {
    voucher_ledger::ActiveModel {
        id: Set(new_uuid()),
        programme_id: Set(voucher.programme_id),
        voucher_id: Set(voucher.id),
        kind: Set(kind.as_str().to_owned()),
        amount_minor: Set(amount),
        currency: Set(voucher.currency.clone()),
        order_id: Set(paid.order_id()),
        contract_id: Set(paid.contract_id()),
        region_code: Set(voucher.region_code.clone()),
        service_kind: Set(paid.service_kind().map(|k| k.as_str().to_owned())),
        actor_id: Set(actor),
        created_at: Set(now()),
    }
    .insert(txn)
    .await?;
    // The running total moves with its line, never on its own.
    voucher_programmes::Entity::update_many()
        .col_expr(total, Expr::col(total).add(amount))
        .filter(voucher_programmes::Column::Id.eq(voucher.programme_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Moves a voucher from `from` by a guarded UPDATE; `false` when another request moved it first.
async fn move_voucher(
    txn: &DatabaseTransaction,
    voucher: &vouchers::Model,
    from: VoucherState,
    set: Vec<(vouchers::Column, sea_orm::sea_query::SimpleExpr)>,
) -> ApiResult<bool> {
    let mut update = vouchers::Entity::update_many().col_expr(
        vouchers::Column::Version,
        Expr::value(next_version(voucher.version, "voucher")?),
    );
    for (col, value) in set {
        update = update.col_expr(col, value);
    }
    let res = update
        .filter(vouchers::Column::Id.eq(voucher.id))
        .filter(vouchers::Column::State.eq(from.as_str()))
        .filter(vouchers::Column::Version.eq(voucher.version))
        .exec(txn)
        .await?;
    Ok(res.rows_affected == 1)
}

/// The operator's decision: approval issues the voucher and reserves its value from the budget
/// (409 `budget_exhausted` when the budget no longer covers it); refusal records the note.
#[tracing::instrument(skip_all, fields(voucher.id = %id))]
pub async fn decide(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: VoucherDecisionIn,
) -> ApiResult<VoucherOut> {
    caller.require_operator()?;
    let mut v = Validator::new();
    if let Some(n) = &input.note {
        v.length(n, "note", 0, 2000);
    }
    v.finish()?;
    let txn = db.begin().await?;
    let before = find_visible(&txn, caller, id).await?;
    if before.state != VoucherState::Applied.as_str() {
        return Err(ApiError::conflict(
            "voucher_decided",
            format!("the voucher is {}: it was decided already", before.state),
        ));
    }
    if before.version != input.version {
        return Err(stale("voucher"));
    }
    let programme = find_programme(&txn, before.programme_id).await?;
    let note = clean_opt(input.note);
    if input.approve {
        if today() > programme.valid_until {
            return Err(ApiError::conflict(
                "voucher_expired",
                format!("the programme closed on {}", programme.valid_until),
            ));
        }
        let value = programme
            .face_value_minor
            .or(programme.cap_minor)
            .ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!("programme {} has no value", programme.id))
            })?;
        let moved = move_voucher(
            &txn,
            &before,
            VoucherState::Applied,
            vec![
                (
                    vouchers::Column::State,
                    Expr::value(VoucherState::Issued.as_str()),
                ),
                (vouchers::Column::ReservedMinor, Expr::value(value)),
                (vouchers::Column::DecisionNote, Expr::value(note)),
                (vouchers::Column::DecidedBy, Expr::value(caller.user_id.0)),
                (vouchers::Column::DecidedAt, Expr::value(now())),
            ],
        )
        .await?;
        if !moved {
            return Err(stale("voucher"));
        }
        // Reserve only while the budget covers it; the check and the change are one statement.
        let reserved = voucher_programmes::Entity::update_many()
            .col_expr(
                voucher_programmes::Column::IssuedMinor,
                Expr::col(voucher_programmes::Column::IssuedMinor).add(value),
            )
            .filter(voucher_programmes::Column::Id.eq(programme.id))
            .filter(
                Expr::expr(
                    Expr::col(voucher_programmes::Column::BudgetMinor)
                        .sub(Expr::col(voucher_programmes::Column::IssuedMinor))
                        .add(Expr::col(voucher_programmes::Column::ReleasedMinor)),
                )
                .gte(value),
            )
            .exec(&txn)
            .await?;
        if reserved.rows_affected == 0 {
            return Err(ApiError::conflict(
                "budget_exhausted",
                "the programme's remaining budget does not cover another voucher",
            ));
        }
        voucher_ledger::ActiveModel {
            id: Set(new_uuid()),
            programme_id: Set(programme.id),
            voucher_id: Set(before.id),
            kind: Set(LedgerKind::Issue.as_str().to_owned()),
            amount_minor: Set(value),
            currency: Set(before.currency.clone()),
            order_id: Set(None),
            contract_id: Set(None),
            region_code: Set(before.region_code.clone()),
            service_kind: Set(None),
            actor_id: Set(caller.user_id.0),
            created_at: Set(now()),
        }
        .insert(&txn)
        .await?;
    } else {
        let moved = move_voucher(
            &txn,
            &before,
            VoucherState::Applied,
            vec![
                (
                    vouchers::Column::State,
                    Expr::value(VoucherState::Refused.as_str()),
                ),
                (vouchers::Column::DecisionNote, Expr::value(note)),
                (vouchers::Column::DecidedBy, Expr::value(caller.user_id.0)),
                (vouchers::Column::DecidedAt, Expr::value(now())),
            ],
        )
        .await?;
        if !moved {
            return Err(stale("voucher"));
        }
    }
    let after = vouchers::Entity::find_by_id(id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("voucher {id}")))?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "voucher.decide",
        entity_type: "voucher",
        entity_id: id,
    }
    .record(&txn, Some(&before), Some(&after))
    .await?;
    let out = to_out(&txn, after).await?;
    txn.commit().await?;
    Ok(out)
}

/// What a voucher pays of `price` when `outstanding` of it is left to pay: the face value, or
/// the share of the price up to the cap; never more than it reserved nor than what is left.
/// Checked: the product is taken in `i128`. Orders pass their price twice (one voucher pays an
/// order); contracts their amount and the amount less what vouchers paid of it.
pub fn redemption_amount(
    programme: &voucher_programmes::Model,
    reserved: i64,
    price: i64,
    outstanding: i64,
) -> ApiResult<i64> {
    let rule = match (
        programme.face_value_minor,
        programme.share_bp,
        programme.cap_minor,
    ) {
        (Some(face), _, _) => face,
        (None, Some(bp), Some(cap)) => {
            let share = i128::from(price)
                .checked_mul(i128::from(bp))
                .map(|p| p / i128::from(WHOLE_BP))
                .and_then(|p| i64::try_from(p).ok())
                .ok_or_else(|| ApiError::field("order_id", "price out of range"))?;
            share.min(cap)
        }
        _ => {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "programme {} has no value rule",
                programme.id
            )))
        }
    };
    Ok(rule.min(reserved).min(price).min(outstanding).max(0))
}

/// The voucher and its programme, when the caller's organisation holds it and may spend it
/// today: issued (not yet spent), within the programme's validity.
async fn spendable(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<(vouchers::Model, voucher_programmes::Model)> {
    let voucher = find_visible(txn, caller, id).await?;
    if !caller.belongs_to(voucher.organisation_id.into()) {
        return Err(ApiError::Forbidden(
            "only the voucher holder's members spend it".to_owned(),
        ));
    }
    let state: VoucherState = voucher.state.parse()?;
    match state {
        VoucherState::Issued => {}
        VoucherState::Redeemed | VoucherState::Claimed => return Err(already_redeemed()),
        other => {
            return Err(ApiError::conflict(
                "voucher_not_issued",
                format!("the voucher is {other}: it cannot be spent"),
            ))
        }
    }
    let programme = find_programme(txn, voucher.programme_id).await?;
    let day = today();
    if day > programme.valid_until {
        return Err(ApiError::conflict(
            "voucher_expired",
            format!("the voucher was valid until {}", programme.valid_until),
        ));
    }
    if day < programme.valid_from {
        return Err(ApiError::conflict(
            "voucher_not_yet_valid",
            format!("the voucher is valid from {}", programme.valid_from),
        ));
    }
    Ok((voucher, programme))
}

fn already_redeemed() -> ApiError {
    ApiError::conflict("voucher_already_redeemed", "the voucher has been spent")
}

/// Refuses a payee outside the voucher's home region when the programme keeps vouchers home.
fn ensure_in_region(
    programme: &voucher_programmes::Model,
    payee_region: &str,
    payee: &str,
) -> ApiResult<()> {
    if !programme.cross_region && !region_covers(&programme.home_region, payee_region) {
        return Err(ApiError::conflict(
            "voucher_out_of_region",
            format!(
                "the voucher pays only payees in region {}; this {payee} is in {payee_region}",
                programme.home_region
            ),
        ));
    }
    Ok(())
}

fn ensure_currency(
    programme: &voucher_programmes::Model,
    what: &str,
    currency: &str,
) -> ApiResult<()> {
    if currency != programme.currency {
        return Err(ApiError::conflict(
            "currency_mismatch",
            format!(
                "the {what} is in {currency}, the voucher in {}",
                programme.currency
            ),
        ));
    }
    Ok(())
}

/// Marks the voucher redeemed for `amount` against `paid` (a guarded UPDATE: of concurrent
/// redemptions one moves it, the others get `voucher_already_redeemed`), writes the redeem
/// line and the release of what it reserved beyond `amount`.
async fn spend(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    voucher: &vouchers::Model,
    amount: i64,
    paid: Paid,
) -> ApiResult<()> {
    let release = voucher.reserved_minor.checked_sub(amount).ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!(
            "voucher {} pays beyond its reserve",
            voucher.id
        ))
    })?;
    let mut set = vec![
        (
            vouchers::Column::State,
            Expr::value(VoucherState::Redeemed.as_str()),
        ),
        (vouchers::Column::RedeemedMinor, Expr::value(amount)),
    ];
    match paid {
        Paid::Order { id, .. } => set.push((vouchers::Column::OrderId, Expr::value(id))),
        Paid::Contract(id) => set.push((vouchers::Column::ContractId, Expr::value(id))),
    }
    if !move_voucher(txn, voucher, VoucherState::Issued, set).await? {
        return Err(already_redeemed());
    }
    append(
        txn,
        voucher,
        LedgerKind::Redeem,
        amount,
        paid,
        caller.user_id.0,
        voucher_programmes::Column::RedeemedMinor,
    )
    .await?;
    if release > 0 {
        append(
            txn,
            voucher,
            LedgerKind::Release,
            release,
            paid,
            caller.user_id.0,
            voucher_programmes::Column::ReleasedMinor,
        )
        .await?;
    }
    Ok(())
}

/// Audits a change of the voucher and answers it as it now stands.
async fn audited(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    action: &'static str,
    before: &vouchers::Model,
) -> ApiResult<VoucherOut> {
    let id = before.id;
    let after = vouchers::Entity::find_by_id(id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("voucher {id}")))?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action,
        entity_type: "voucher",
        entity_id: id,
    }
    .record(txn, Some(before), Some(&after))
    .await?;
    to_out(txn, after).await
}

/// Spends the voucher on one of the holder's accepted service orders (a member of the holder).
/// Refused with a problem code: `voucher_not_issued` / `voucher_already_redeemed`,
/// `voucher_expired`, `voucher_not_yet_valid`, `voucher_out_of_region`, `service_not_eligible`,
/// `order_not_accepted`, `order_has_voucher`, `currency_mismatch`.
#[tracing::instrument(skip_all, fields(voucher.id = %id, order.id = %input.order_id))]
pub async fn redeem(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: RedemptionIn,
) -> ApiResult<VoucherOut> {
    let txn = db.begin().await?;
    let (voucher, programme) = spendable(&txn, caller, id).await?;
    // The holder's own order only; another's is as unknown as one that does not exist.
    let order = orders::find_visible(&txn, caller, input.order_id).await?;
    if order.requester_organisation_id != voucher.organisation_id {
        return Err(ApiError::not_found(format!(
            "service order {}",
            input.order_id
        )));
    }
    let service = services::Entity::find_by_id(order.service_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("service {}", order.service_id)))?;
    let service_kind: ServiceKind = service.kind.parse()?;
    if !kinds::<ServiceKind>(&programme.eligible_service_kinds).contains(&service_kind) {
        return Err(ApiError::conflict(
            "service_not_eligible",
            format!("the programme does not pay for {service_kind} services"),
        ));
    }
    ensure_in_region(&programme, &service.region_code, "service")?;
    let order_state: OrderState = order.state.parse()?;
    let price = match (order_state, order.quote_minor) {
        (OrderState::Accepted | OrderState::Delivered | OrderState::Confirmed, Some(p)) => p,
        _ => {
            return Err(ApiError::conflict(
                "order_not_accepted",
                "a voucher pays an order once its quote is accepted",
            ))
        }
    };
    match order.voucher_id {
        // This very voucher paid it: a concurrent redemption committed after the voucher was
        // read above, so the caller is told what happened to the voucher.
        Some(paid_by) if paid_by == voucher.id => return Err(already_redeemed()),
        Some(_) => {
            return Err(ApiError::conflict(
                "order_has_voucher",
                "a voucher already paid part of this order",
            ))
        }
        None => {}
    }
    ensure_currency(&programme, "order", &order.currency)?;
    let amount = redemption_amount(&programme, voucher.reserved_minor, price, price)?;
    let paid = Paid::Order {
        id: order.id,
        kind: service_kind,
    };
    spend(&txn, caller, &voucher, amount, paid).await?;
    if !orders::update_voucher(&txn, order.id, voucher.id, amount).await? {
        return Err(ApiError::conflict(
            "order_has_voucher",
            "a voucher already paid part of this order",
        ));
    }
    orders::record_event(
        &txn,
        order.id,
        "voucher",
        caller.user_id.0,
        None,
        Some(amount),
    )
    .await?;
    let out = audited(&txn, caller, "voucher.redeem", &voucher).await?;
    txn.commit().await?;
    Ok(out)
}

/// A voucher pays a signed contract only (checked on the read, and again by the guarded
/// UPDATE when a cancel lands in between).
fn not_signed(status: &str) -> ApiError {
    ApiError::conflict(
        "contract_not_signed",
        format!("the contract is {status}: a voucher pays a signed contract"),
    )
}

/// Spends the voucher on a signed technology contract the holder is the buyer of (a member of
/// the holder), when its programme pays contracts. It pays the programme's rule on the
/// contract amount, never more than is left of that amount after earlier vouchers.
/// Refused with a problem code: those of [`redeem`]'s voucher checks, `contract_not_eligible`
/// (the programme pays service orders only), 403 when the holder is not the contract's buyer
/// (404 when the caller cannot see the contract), `contract_not_signed`,
/// `voucher_out_of_region` (the seller), `currency_mismatch`, `contract_paid`.
#[tracing::instrument(skip_all, fields(voucher.id = %id, contract.id = %input.contract_id))]
pub async fn redeem_contract(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: ContractRedemptionIn,
) -> ApiResult<VoucherOut> {
    let txn = db.begin().await?;
    let (voucher, programme) = spendable(&txn, caller, id).await?;
    // Who may see the contract at all is the contract's own rule; a hidden one is a 404.
    let contract = super::contracts::get(&txn, caller, input.contract_id).await?;
    if contract.buyer_organisation_id != Some(voucher.organisation_id) {
        return Err(ApiError::Forbidden(
            "a voucher pays only a contract its holder is the buyer of".to_owned(),
        ));
    }
    if !programme.pays_contracts {
        return Err(ApiError::conflict(
            "contract_not_eligible",
            "this programme's vouchers pay service orders, not technology contracts",
        ));
    }
    if contract.status != ContractStatus::Signed.as_str() {
        return Err(not_signed(&contract.status));
    }
    ensure_in_region(
        &programme,
        &contract.seller_region_code,
        "contract's seller",
    )?;
    ensure_currency(&programme, "contract", &contract.currency)?;
    // Take the contract's row lock before reading what is left to pay, so that redemptions of
    // other vouchers against it wait here and then read what this one paid (PostgreSQL; SQLite
    // has one writer already). The guarded UPDATE below would refuse an overpayment anyway.
    contracts::Entity::update_many()
        .col_expr(
            contracts::Column::VoucherPaidMinor,
            Expr::col(contracts::Column::VoucherPaidMinor).into(),
        )
        .filter(contracts::Column::Id.eq(contract.id))
        .exec(&txn)
        .await?;
    let contract = super::contracts::find(&txn, contract.id).await?;
    let outstanding = contract
        .contract_amount_minor
        .checked_sub(contract.voucher_paid_minor)
        .filter(|left| *left > 0)
        .ok_or_else(|| {
            ApiError::conflict(
                "contract_paid",
                "vouchers have paid the whole contract amount already",
            )
        })?;
    let amount = redemption_amount(
        &programme,
        voucher.reserved_minor,
        contract.contract_amount_minor,
        outstanding,
    )?;
    spend(&txn, caller, &voucher, amount, Paid::Contract(contract.id)).await?;
    let paid = contracts::Entity::update_many()
        .col_expr(
            contracts::Column::VoucherPaidMinor,
            Expr::col(contracts::Column::VoucherPaidMinor).add(amount),
        )
        .filter(contracts::Column::Id.eq(contract.id))
        // Still signed: a cancel that committed before the lock was taken leaves nothing to pay.
        .filter(contracts::Column::Status.eq(ContractStatus::Signed.as_str()))
        .filter(
            Expr::expr(Expr::col(contracts::Column::VoucherPaidMinor).add(amount))
                .lte(Expr::col(contracts::Column::ContractAmountMinor)),
        )
        .exec(&txn)
        .await?;
    if paid.rows_affected != 1 {
        if contract.status != ContractStatus::Signed.as_str() {
            return Err(not_signed(&contract.status));
        }
        return Err(ApiError::conflict(
            "contract_paid",
            "vouchers have paid the whole contract amount already",
        ));
    }
    let out = audited(&txn, caller, "voucher.redeem", &voucher).await?;
    txn.commit().await?;
    Ok(out)
}

/// What a redeemed voucher paid, if the caller is a member of its payee (the order's provider,
/// the contract's seller), checked for being claimable: the order confirmed, the contract
/// still signed.
async fn claimable(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    voucher: &vouchers::Model,
) -> ApiResult<Paid> {
    let forbidden = || {
        ApiError::Forbidden(
            "only the provider of the order, or the seller of the contract, the voucher paid claims it"
                .to_owned(),
        )
    };
    if let Some(order_id) = voucher.order_id {
        let order = service_orders::Entity::find_by_id(order_id)
            .one(txn)
            .await?
            .filter(|o| caller.belongs_to(o.provider_organisation_id.into()))
            .ok_or_else(forbidden)?;
        let service = services::Entity::find_by_id(order.service_id)
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::not_found(format!("service {}", order.service_id)))?;
        ensure_redeemed(voucher)?;
        if order.state != OrderState::Confirmed.as_str() {
            return Err(ApiError::conflict(
                "order_not_confirmed",
                "the requester has not confirmed delivery yet",
            ));
        }
        return Ok(Paid::Order {
            id: order.id,
            kind: service.kind.parse()?,
        });
    }
    if let Some(contract_id) = voucher.contract_id {
        let contract = contracts::Entity::find_by_id(contract_id)
            .one(txn)
            .await?
            .filter(|c| {
                c.seller_organisation_id
                    .is_some_and(|s| caller.belongs_to(s.into()))
            })
            .ok_or_else(forbidden)?;
        ensure_redeemed(voucher)?;
        if contract.status != ContractStatus::Signed.as_str() {
            return Err(ApiError::conflict(
                "contract_not_signed",
                format!("the contract is {}: nothing to claim", contract.status),
            ));
        }
        // A contract its parties recorded between themselves is no ground for paying out a
        // programme's money: the registration office's 认定登记 is.
        let registered = registrations::Entity::find()
            .filter(registrations::Column::ContractId.eq(contract.id))
            .filter(registrations::Column::Status.eq(RegistrationStatus::Registered.as_str()))
            .count(txn)
            .await?;
        if registered == 0 {
            return Err(ApiError::conflict(
                "contract_not_registered",
                "a voucher's share of a technology contract is claimed once the contract is registered (认定登记)",
            ));
        }
        return Ok(Paid::Contract(contract.id));
    }
    Err(forbidden())
}

fn ensure_redeemed(voucher: &vouchers::Model) -> ApiResult<()> {
    match voucher.state.parse::<VoucherState>()? {
        VoucherState::Redeemed => Ok(()),
        VoucherState::Claimed => Err(ApiError::conflict(
            "voucher_claimed",
            "the voucher was claimed already",
        )),
        other => Err(ApiError::conflict(
            "voucher_not_redeemed",
            format!("the voucher is {other}: nothing to claim"),
        )),
    }
}

/// The payee claims what the voucher paid (a member of the provider, once the requester
/// confirmed the order; a member of the seller, while the contract stands). Once only.
#[tracing::instrument(skip_all, fields(voucher.id = %id))]
pub async fn claim(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<VoucherOut> {
    let txn = db.begin().await?;
    let voucher = find_visible(&txn, caller, id).await?;
    let paid = claimable(&txn, caller, &voucher).await?;
    let moved = move_voucher(
        &txn,
        &voucher,
        VoucherState::Redeemed,
        vec![(
            vouchers::Column::State,
            Expr::value(VoucherState::Claimed.as_str()),
        )],
    )
    .await?;
    if !moved {
        return Err(ApiError::conflict(
            "voucher_claimed",
            "the voucher was claimed already",
        ));
    }
    append(
        &txn,
        &voucher,
        LedgerKind::Claim,
        voucher.redeemed_minor,
        paid,
        caller.user_id.0,
        voucher_programmes::Column::ClaimedMinor,
    )
    .await?;
    let out = audited(&txn, caller, "voucher.claim", &voucher).await?;
    txn.commit().await?;
    Ok(out)
}

/// A programme's ledger, newest first (operators).
#[tracing::instrument(skip_all, fields(programme.id = %id))]
pub async fn ledger(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
    params: PageParams,
) -> ApiResult<Page<LedgerLineOut>> {
    find_programme_in_scope(db, caller, id).await?;
    let q = voucher_ledger::Entity::find()
        .filter(voucher_ledger::Column::ProgrammeId.eq(id))
        .order_by_desc(voucher_ledger::Column::CreatedAt)
        .order_by_desc(voucher_ledger::Column::Id);
    platform::paging::fetch_page(db, q, paging(params.page, params.per_page), line_out).await
}

/// Sums of a programme's ledger lines grouped by `group` and kind.
async fn sums_by(
    db: &impl ConnectionTrait,
    programme: Uuid,
    group: voucher_ledger::Column,
) -> ApiResult<Vec<(Option<String>, String, i64, i64)>> {
    Ok(voucher_ledger::Entity::find()
        .select_only()
        .column(group)
        .column(voucher_ledger::Column::Kind)
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT)"),
            "total",
        )
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .filter(voucher_ledger::Column::ProgrammeId.eq(programme))
        .group_by(group)
        .group_by(voucher_ledger::Column::Kind)
        .into_tuple::<(Option<String>, String, i64, i64)>()
        .all(db)
        .await?)
}

/// Sums of a programme's ledger lines that name a technology contract, by kind, keyed
/// `technology_contract` so they sit beside the service kinds in the report.
async fn contract_sums(
    db: &impl ConnectionTrait,
    programme: Uuid,
) -> ApiResult<Vec<(Option<String>, String, i64, i64)>> {
    let sums = voucher_ledger::Entity::find()
        .select_only()
        .column(voucher_ledger::Column::Kind)
        .column_as(
            Expr::cust("CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT)"),
            "total",
        )
        .column_as(Expr::cust("CAST(COUNT(*) AS BIGINT)"), "n")
        .filter(voucher_ledger::Column::ProgrammeId.eq(programme))
        .filter(voucher_ledger::Column::ContractId.is_not_null())
        .group_by(voucher_ledger::Column::Kind)
        .into_tuple::<(String, i64, i64)>()
        .all(db)
        .await?;
    let key = VoucherTarget::TechnologyContract.as_str();
    Ok(sums
        .into_iter()
        .map(|(kind, total, n)| (Some(key.to_owned()), kind, total, n))
        .collect())
}

fn rows(sums: Vec<(Option<String>, String, i64, i64)>) -> ApiResult<Vec<ReportRow>> {
    let mut by: BTreeMap<String, ReportRow> = BTreeMap::new();
    for (key, kind, total, n) in sums {
        let Some(key) = key else { continue };
        let row = by.entry(key.clone()).or_insert_with(|| ReportRow {
            key,
            issued_minor: 0,
            redeemed_minor: 0,
            claimed_minor: 0,
            redemptions: 0,
        });
        match kind.parse::<LedgerKind>()? {
            LedgerKind::Issue => row.issued_minor = total,
            LedgerKind::Redeem => {
                row.redeemed_minor = total;
                row.redemptions = u64::try_from(n).unwrap_or(0);
            }
            LedgerKind::Claim => row.claimed_minor = total,
            LedgerKind::Release => {}
        }
    }
    Ok(by.into_values().collect())
}

/// The operator's report: vouchers by state; issued, redeemed, released and claimed from the
/// programme's running totals and again from the ledger; by region and by service kind; the
/// latest redemptions and claims.
#[tracing::instrument(skip_all, fields(programme.id = %id))]
pub async fn report(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<ProgrammeReport> {
    let programme = find_programme_in_scope(db, caller, id).await?;
    let mut counts: HashMap<VoucherState, u64> = HashMap::new();
    for state in VoucherState::ALL {
        let n = vouchers::Entity::find()
            .filter(vouchers::Column::ProgrammeId.eq(id))
            .filter(vouchers::Column::State.eq(state.as_str()))
            .count(db)
            .await?;
        counts.insert(*state, n);
    }
    let count = |s: VoucherState| counts.get(&s).copied().unwrap_or(0);
    let mut totals: HashMap<LedgerKind, i64> = HashMap::new();
    for (_, kind, total, _) in sums_by(db, id, voucher_ledger::Column::Currency).await? {
        let k: LedgerKind = kind.parse()?;
        let sum = totals.entry(k).or_insert(0);
        *sum = sum
            .checked_add(total)
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("ledger sum overflows")))?;
    }
    let total = |k: LedgerKind| totals.get(&k).copied().unwrap_or(0);
    let recent = voucher_ledger::Entity::find()
        .filter(voucher_ledger::Column::ProgrammeId.eq(id))
        .filter(
            voucher_ledger::Column::Kind
                .is_in([LedgerKind::Redeem.as_str(), LedgerKind::Claim.as_str()]),
        )
        .order_by_desc(voucher_ledger::Column::CreatedAt)
        .order_by_desc(voucher_ledger::Column::Id)
        .limit(20)
        .all(db)
        .await?
        .into_iter()
        .map(line_out)
        .collect::<ApiResult<Vec<_>>>()?;
    Ok(ProgrammeReport {
        vouchers_applied: count(VoucherState::Applied),
        // Issued counts every voucher that was issued, whatever happened to it since.
        vouchers_issued: count(VoucherState::Issued)
            + count(VoucherState::Redeemed)
            + count(VoucherState::Claimed),
        vouchers_redeemed: count(VoucherState::Redeemed) + count(VoucherState::Claimed),
        vouchers_claimed: count(VoucherState::Claimed),
        ledger_issued_minor: total(LedgerKind::Issue),
        ledger_redeemed_minor: total(LedgerKind::Redeem),
        ledger_released_minor: total(LedgerKind::Release),
        ledger_claimed_minor: total(LedgerKind::Claim),
        by_region: rows(sums_by(db, id, voucher_ledger::Column::RegionCode).await?)?,
        by_service_kind: {
            let mut sums = sums_by(db, id, voucher_ledger::Column::ServiceKind).await?;
            sums.extend(contract_sums(db, id).await?);
            rows(sums)?
        },
        recent,
        programme: programme_out(programme),
    })
}
