//! Technology contracts (技术合同, Civil Code book 3 chapter 20): type and subtype, parties and
//! their regions, dates, the contract amount (合同成交额) and the technology transaction amount
//! (技术交易额) with the non-technical cost lines that make up the difference, the original
//! currency with the rate used and the CNY amounts, the brokers the contract names, milestones.
//!
//! Rules: subtype belongs to type (a licence has a scope), parties differ, dates in order
//! (signed on or before today and before the end of validity), 0 < technology amount ≤
//! contract amount, cost lines sum exactly to the difference, currency known, a foreign
//! currency converts at the signing-date rate (`platform::fx`), rounded half away from zero to
//! the fen (`platform::money::Money::to_cny`).

use chrono::NaiveDate;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{
    contract_brokers, contract_cost_lines, contracts, fx_rates, milestones, registrations,
};
use platform::error::{ApiError, ApiResult, Validator};
use platform::fx;
use platform::ids::{new_uuid, ContractId};
use platform::money::{Currency, Money};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use wire::{ContractStatus, CostKind, MilestoneStatus, RegistrationStatus};

use super::access::{contract_scope, ensure_contract_visible, is_assigned, is_contract_party};
use super::deals;
use super::parties::RecordedPartyIn;
use super::{now, paging, stale, Page};
use crate::SERVICE;

mod create;

pub use create::create;

/// A code with its Chinese label.
pub type Coded = (&'static str, &'static str);

/// Contract types of the Civil Code with their subtypes: `(type, 中文, [(subtype, 中文)])`.
pub const CONTRACT_TYPES: &[(&str, &str, &[Coded])] = &[
    (
        "development",
        "技术开发",
        &[("commissioned", "委托开发"), ("cooperative", "合作开发")],
    ),
    (
        "transfer",
        "技术转让",
        &[
            ("patent_right", "专利权转让"),
            ("patent_application_right", "专利申请权转让"),
            ("know_how", "技术秘密转让"),
            ("other", "其他技术转让"),
        ],
    ),
    (
        "licence",
        "技术许可",
        &[
            ("patent_licence", "专利实施许可"),
            ("know_how_licence", "技术秘密使用许可"),
        ],
    ),
    ("consulting", "技术咨询", &[("consulting", "技术咨询")]),
    (
        "service",
        "技术服务",
        &[
            ("service", "技术服务"),
            ("training", "技术培训"),
            ("brokerage", "技术中介"),
        ],
    ),
];

/// Chinese label of a contract type.
pub fn type_label(code: &str) -> Option<&'static str> {
    CONTRACT_TYPES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, l, _)| *l)
}

/// True when `subtype` is a subtype of `contract_type`.
pub fn subtype_of(contract_type: &str, subtype: &str) -> bool {
    subtype_ok(contract_type, subtype)
}

fn subtype_ok(contract_type: &str, subtype: &str) -> bool {
    CONTRACT_TYPES
        .iter()
        .any(|(t, _, subs)| *t == contract_type && subs.iter().any(|(s, _)| *s == subtype))
}

pub use wire::deal::{
    AmountsOut, ContractOut, ContractTypeOut, CostLineIn, MilestoneOut, NamedBrokerIn,
    RegistrationSummary, SubtypeOut,
};

/// A contract as the parties record it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractIn {
    /// The deal this contract concludes; its parties, listings and brokers are the defaults.
    pub deal_id: Option<Uuid>,
    /// The parties' own contract number (unique on the platform).
    pub contract_number: String,
    pub title: String,
    /// `development`, `transfer`, `licence`, `consulting` or `service`.
    pub contract_type: String,
    /// A subtype of the type (see `GET /api/v1/contracts/types`).
    pub subtype: String,
    /// For licences: `exclusive`, `sole` or `non_exclusive`.
    pub licence_scope: Option<String>,
    pub seller_organisation_id: Option<Uuid>,
    pub buyer_organisation_id: Option<Uuid>,
    pub intermediary_organisation_id: Option<Uuid>,
    pub signed_on: NaiveDate,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    /// ISO 4217 code of the amounts.
    pub currency: String,
    /// 合同成交额, minor units.
    pub contract_amount_minor: i64,
    /// 技术交易额, minor units; at most the contract amount.
    pub tech_amount_minor: i64,
    /// Required when the amounts differ; they sum to exactly the difference.
    #[serde(default)]
    pub cost_lines: Vec<CostLineIn>,
    /// Industry field code.
    pub industry_code: String,
    /// IP type code, if the contract is about an IP right.
    pub ip_type: Option<String>,
    pub achievement_id: Option<Uuid>,
    pub need_id: Option<Uuid>,
    /// Brokers to name besides those of the deal's attribution ledger.
    #[serde(default)]
    pub brokers: Vec<NamedBrokerIn>,
    /// The seller when it is not on the platform (instead of `seller_organisation_id`).
    #[serde(default)]
    pub seller_party: Option<RecordedPartyIn>,
    /// The buyer when it is not on the platform (instead of `buyer_organisation_id`).
    #[serde(default)]
    pub buyer_party: Option<RecordedPartyIn>,
    /// The intermediary when it is not on the platform.
    #[serde(default)]
    pub intermediary_party: Option<RecordedPartyIn>,
    /// How the price is paid (registration form).
    #[serde(default)]
    pub payment_method: Option<wire::PaymentMethod>,
    /// Social and economic objectives (registration form).
    #[serde(default)]
    pub objectives: Option<String>,
}

/// Filters of the contract list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContractListParams {
    pub deal_id: Option<Uuid>,
    /// `signed` or `cancelled`.
    pub status: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Cancels a contract.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelIn {
    pub version: i32,
    pub reason: String,
}

/// A milestone as the parties record it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneIn {
    pub title: String,
    pub due_on: Option<NaiveDate>,
    /// In minor units of the contract's currency.
    pub amount_minor: i64,
}

/// Marks a milestone done.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneDoneIn {
    pub version: i32,
}

/// A milestone as the API shows it; its status is a stored code read into the vocabulary.
pub fn milestone_out(m: milestones::Model) -> ApiResult<MilestoneOut> {
    Ok(MilestoneOut {
        id: m.id,
        contract_id: m.contract_id,
        title: m.title,
        due_on: m.due_on,
        amount_minor: m.amount_minor,
        currency: m.currency,
        status: m.status.parse()?,
        version: m.version,
        created_at: m.created_at,
    })
}

/// Reads a contract or 404.
#[tracing::instrument(level = "debug", skip_all, fields(contract.id = %id))]
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<contracts::Model> {
    contracts::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("contract {id}")))
}

/// Checks the amounts and cost lines; shared with registration changes.
pub fn validate_amounts(
    currency: &str,
    contract: i64,
    tech: i64,
    lines: &[CostLineIn],
    v: &mut Validator,
) {
    v.check(
        Currency::parse(currency).is_some(),
        "currency",
        "must be an ISO 4217 code the platform knows (CNY, USD, THB, VND, …)",
    );
    v.check(contract > 0, "contract_amount_minor", "must be positive");
    v.check(tech > 0, "tech_amount_minor", "must be positive");
    v.check(
        tech <= contract,
        "tech_amount_minor",
        "the technology transaction amount cannot exceed the contract amount",
    );
    let mut sum: i64 = 0;
    for (i, line) in lines.iter().enumerate() {
        v.check(
            CostKind::parse(&line.kind).is_some(),
            &format!("cost_lines[{i}].kind"),
            format!(
                "must be one of {}",
                CostKind::ALL
                    .iter()
                    .map(|k| k.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        );
        v.length(
            &line.description,
            &format!("cost_lines[{i}].description"),
            1,
            300,
        );
        v.check(
            line.amount_minor > 0,
            &format!("cost_lines[{i}].amount_minor"),
            "must be positive",
        );
        sum = sum.saturating_add(line.amount_minor);
    }
    if tech <= contract && tech > 0 {
        let difference = contract - tech;
        v.check(
            sum == difference,
            "cost_lines",
            format!("the non-technical cost lines must add up to the contract amount minus the technology amount ({difference}), not {sum}"),
        );
    }
}

/// Converts both amounts to CNY: CNY as they are, a foreign currency at the contract's
/// `rate` (which a foreign-currency contract always has; its absence is a broken row, not a
/// reason to read the foreign amount as CNY).
pub fn to_cny(
    currency: &str,
    contract: i64,
    tech: i64,
    rate: Option<rust_decimal::Decimal>,
) -> ApiResult<(i64, i64)> {
    let rate = match rate {
        None if currency == fx::CNY => return Ok((contract, tech)),
        None => {
            return Err(ApiError::Internal(anyhow::anyhow!(
                "a {currency} contract without an exchange rate"
            )))
        }
        Some(rate) => rate,
    };
    let convert = |amount: i64| {
        Money::new(amount, currency)
            .to_cny(rate)
            .map(|m| m.minor_units)
            .map_err(|e| ApiError::field("contract_amount_minor", e.to_string()))
    };
    Ok((convert(contract)?, convert(tech)?))
}

/// The full view of a contract.
#[tracing::instrument(level = "debug", skip_all, fields(contract.id = %c.id))]
pub async fn to_out(db: &impl ConnectionTrait, c: contracts::Model) -> ApiResult<ContractOut> {
    let lines = contract_cost_lines::Entity::find()
        .filter(contract_cost_lines::Column::ContractId.eq(c.id))
        .order_by_asc(contract_cost_lines::Column::Id)
        .all(db)
        .await?;
    let named = contract_brokers::Entity::find()
        .filter(contract_brokers::Column::ContractId.eq(c.id))
        .order_by_asc(contract_brokers::Column::Id)
        .all(db)
        .await?;
    let registration = registrations::Entity::find()
        .filter(registrations::Column::ContractId.eq(c.id))
        .one(db)
        .await?;
    let rate = match c.fx_rate_id {
        Some(id) => fx_rates::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    Ok(ContractOut {
        id: ContractId(c.id),
        deal_id: c.deal_id,
        contract_number: c.contract_number,
        contract_type_label: type_label(&c.contract_type).unwrap_or("").to_owned(),
        title: c.title,
        contract_type: c.contract_type,
        subtype: c.subtype,
        licence_scope: c.licence_scope,
        seller_organisation_id: c.seller_organisation_id,
        buyer_organisation_id: c.buyer_organisation_id,
        intermediary_organisation_id: c.intermediary_organisation_id,
        signed_on: c.signed_on,
        valid_from: c.valid_from,
        valid_until: c.valid_until,
        amounts: AmountsOut {
            currency: c.currency,
            contract_amount_minor: c.contract_amount_minor,
            tech_amount_minor: c.tech_amount_minor,
            contract_amount_cny_minor: c.contract_amount_cny_minor,
            tech_amount_cny_minor: c.tech_amount_cny_minor,
            fx_rate: c.fx_rate,
            fx_rate_id: c.fx_rate_id,
            fx_rate_date: rate.as_ref().map(|r| r.rate_date),
            fx_rate_source: rate.map(|r| r.source),
        },
        voucher_paid_minor: c.voucher_paid_minor,
        cost_lines: lines
            .into_iter()
            .map(|l| CostLineIn {
                kind: l.kind,
                description: l.description,
                amount_minor: l.amount_minor,
            })
            .collect(),
        seller_country: c.seller_country,
        seller_region_code: c.seller_region_code,
        buyer_country: c.buyer_country,
        buyer_region_code: c.buyer_region_code,
        industry_code: c.industry_code,
        ip_type: c.ip_type,
        achievement_id: c.achievement_id,
        need_id: c.need_id,
        brokers: named
            .into_iter()
            .map(|b| NamedBrokerIn {
                broker_id: b.broker_id,
                role: b.role,
            })
            .collect(),
        status: c.status.parse()?,
        registration: registration
            .map(|r| -> ApiResult<_> {
                Ok(RegistrationSummary {
                    id: r.id,
                    status: r.status.parse()?,
                    registration_number: r.registration_number,
                    registered_on: r.registered_on,
                })
            })
            .transpose()?,
        created_by: c.created_by,
        version: c.version,
        created_at: c.created_at,
        updated_at: c.updated_at,
    })
}

/// Reads a contract the caller may see.
#[tracing::instrument(skip_all, fields(contract.id = %id))]
pub async fn get(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<contracts::Model> {
    let c = find(db, id).await?;
    ensure_contract_visible(db, caller, &c).await?;
    Ok(c)
}

/// Reads a contract the caller may act on (milestones, payments, registration): a party, a
/// broker assigned to its deal, or an operator. Those who may only read it — members of the
/// intermediary, brokers named without an assignment — get a 403.
#[tracing::instrument(skip_all, fields(contract.id = %id))]
pub async fn get_to_act(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<contracts::Model> {
    let c = get(db, caller, id).await?;
    if caller.is_operator || is_contract_party(caller, &c) {
        return Ok(c);
    }
    if let (Some(deal), Some(broker)) = (c.deal_id, caller.broker_id) {
        if is_assigned(db, deal, broker).await? {
            return Ok(c);
        }
    }
    // A registration office acts on the contracts it sees (its own, those at its desk).
    if !super::offices::memberships(db, caller.user_id.0)
        .await?
        .is_empty()
    {
        return Ok(c);
    }
    Err(ApiError::Forbidden(
        "only the parties, the deal's assigned brokers, registration offices and operators act on a contract".to_owned(),
    ))
}

/// Lists the contracts the caller may see.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    params: &ContractListParams,
) -> ApiResult<Page<ContractOut>> {
    let (page, per_page) = paging(params.page, params.per_page);
    let mut q = contracts::Entity::find();
    if let Some(scope) = contract_scope(db, caller).await? {
        q = q.filter(scope);
    }
    if let Some(d) = params.deal_id {
        q = q.filter(contracts::Column::DealId.eq(d));
    }
    if let Some(s) = &params.status {
        q = q.filter(contracts::Column::Status.eq(s.as_str()));
    }
    let paginator = q
        .order_by_desc(contracts::Column::SignedOn)
        .order_by_desc(contracts::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for c in paginator.fetch_page(page - 1).await? {
        items.push(to_out(db, c).await?);
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// Cancels a signed contract (parties or operators). A registered one is cancelled at the
/// registration office first (注销).
#[tracing::instrument(skip_all, fields(contract.id = %id))]
pub async fn cancel(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: CancelIn,
) -> ApiResult<contracts::Model> {
    let mut v = Validator::new();
    v.length(&input.reason, "reason", 2, 2000);
    v.finish()?;
    let txn = db.begin().await?;
    let before = get(&txn, caller, id).await?;
    if !(caller.is_operator || is_contract_party(caller, &before)) {
        return Err(ApiError::Forbidden(
            "only the parties or an operator may cancel a contract".to_owned(),
        ));
    }
    if before.status == ContractStatus::Cancelled.as_str() {
        return Err(ApiError::conflict(
            "contract_cancelled",
            "the contract is already cancelled",
        ));
    }
    if before.voucher_paid_minor > 0 {
        return Err(voucher_paid());
    }
    let registered = registrations::Entity::find()
        .filter(registrations::Column::ContractId.eq(id))
        .filter(registrations::Column::Status.is_in([
            RegistrationStatus::Registered.as_str(),
            RegistrationStatus::Submitted.as_str(),
        ]))
        .count(&txn)
        .await?;
    if registered > 0 {
        return Err(ApiError::conflict(
            "registration_active",
            "the contract has an active registration: have it cancelled (注销) or decided first",
        ));
    }
    let res = contracts::Entity::update_many()
        .col_expr(
            contracts::Column::Status,
            Expr::value(ContractStatus::Cancelled.as_str()),
        )
        .col_expr(
            contracts::Column::Version,
            Expr::value(super::next_version(
                input.version,
                format!("contract {id}"),
            )?),
        )
        .col_expr(contracts::Column::UpdatedAt, Expr::value(now()))
        .filter(contracts::Column::Id.eq(id))
        .filter(contracts::Column::Version.eq(input.version))
        // A voucher redeemed since the read (it does not move the version) keeps it standing.
        .filter(contracts::Column::VoucherPaidMinor.eq(0))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        if find(&txn, id).await?.voucher_paid_minor > 0 {
            return Err(voucher_paid());
        }
        return Err(stale(format!("contract {id}")));
    }
    let after = find(&txn, id).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "contract.cancel",
        entity_type: "contract",
        entity_id: id,
    }
    .record(
        &txn,
        Some(&before),
        Some(&serde_json::json!({"contract": &after, "reason": input.reason})),
    )
    .await?;
    if let Some(deal) = before.deal_id {
        deals::event(
            &txn,
            deal,
            Some(caller.user_id.0),
            "contract_cancelled",
            Some(input.reason),
            serde_json::json!({"contract_id": id}),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(after)
}

/// Adds a milestone (parties, the deal's brokers, operators).
#[tracing::instrument(skip_all, fields(contract.id = %id))]
pub async fn add_milestone(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: MilestoneIn,
) -> ApiResult<milestones::Model> {
    let mut v = Validator::new();
    v.length(&input.title, "title", 1, 200);
    v.check(
        input.amount_minor >= 0,
        "amount_minor",
        "must not be negative",
    );
    v.finish()?;
    let txn = db.begin().await?;
    let c = get_to_act(&txn, caller, id).await?;
    if c.status == ContractStatus::Cancelled.as_str() {
        return Err(ApiError::conflict(
            "contract_cancelled",
            "the contract is cancelled",
        ));
    }
    let m = milestones::ActiveModel {
        id: Set(new_uuid()),
        contract_id: Set(id),
        title: Set(input.title.trim().to_owned()),
        due_on: Set(input.due_on),
        amount_minor: Set(input.amount_minor),
        currency: Set(c.currency.clone()),
        status: Set(MilestoneStatus::Pending.as_str().to_owned()),
        version: Set(1),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "milestone.create",
        entity_type: "milestone",
        entity_id: m.id,
    }
    .record(&txn, None::<&()>, Some(&m))
    .await?;
    txn.commit().await?;
    Ok(m)
}

/// A contract's milestones, by due date.
#[tracing::instrument(skip_all, fields(contract.id = %id))]
pub async fn list_milestones(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
    page: Option<u64>,
    per_page: Option<u64>,
) -> ApiResult<Page<MilestoneOut>> {
    get(db, caller, id).await?;
    let (page, per_page) = paging(page, per_page);
    platform::paging::fetch_page(
        db,
        milestones::Entity::find()
            .filter(milestones::Column::ContractId.eq(id))
            .order_by_asc(milestones::Column::DueOn)
            .order_by_asc(milestones::Column::Id),
        (page, per_page),
        milestone_out,
    )
    .await
}

/// Marks a milestone done.
#[tracing::instrument(skip_all, fields(contract.id = %contract_id, milestone.id = %milestone_id))]
pub async fn complete_milestone(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    contract_id: Uuid,
    milestone_id: Uuid,
    input: MilestoneDoneIn,
) -> ApiResult<milestones::Model> {
    let txn = db.begin().await?;
    get_to_act(&txn, caller, contract_id).await?;
    let before = milestones::Entity::find_by_id(milestone_id)
        .filter(milestones::Column::ContractId.eq(contract_id))
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("milestone {milestone_id}")))?;
    if before.status == MilestoneStatus::Done.as_str() {
        return Err(ApiError::conflict(
            "milestone_done",
            "the milestone is already done",
        ));
    }
    let res = milestones::Entity::update_many()
        .col_expr(
            milestones::Column::Status,
            Expr::value(MilestoneStatus::Done.as_str()),
        )
        .col_expr(
            milestones::Column::Version,
            Expr::value(super::next_version(
                input.version,
                format!("milestone {milestone_id}"),
            )?),
        )
        .filter(milestones::Column::Id.eq(milestone_id))
        .filter(milestones::Column::Version.eq(input.version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(format!("milestone {milestone_id}")));
    }
    let after = milestones::Entity::find_by_id(milestone_id)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("milestone"))?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "milestone.done",
        entity_type: "milestone",
        entity_id: milestone_id,
    }
    .record(&txn, Some(&before), Some(&after))
    .await?;
    txn.commit().await?;
    Ok(after)
}

/// Every contract type with its subtypes.
pub fn types() -> Vec<ContractTypeOut> {
    CONTRACT_TYPES
        .iter()
        .map(|(code, label, subs)| ContractTypeOut {
            code: (*code).to_owned(),
            label_zh: (*label).to_owned(),
            subtypes: subs
                .iter()
                .map(|(c, l)| SubtypeOut {
                    code: (*c).to_owned(),
                    label_zh: (*l).to_owned(),
                })
                .collect(),
        })
        .collect()
}

/// A contract that innovation vouchers paid part of stands: cancelling it would leave the
/// programme's money on a contract that no longer exists.
fn voucher_paid() -> ApiError {
    ApiError::conflict(
        "voucher_paid",
        "innovation vouchers paid part of this contract: it cannot be cancelled",
    )
}
