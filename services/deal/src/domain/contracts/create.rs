//! Recording a contract: [`create`] reads as its steps, in the order their errors are
//! answered (the body's own fields, then the deal and the parties, then who may record it,
//! then the deal's state and the exchange rate), followed by the writes.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{
    achievements, attributions, brokers, contract_brokers, contract_cost_lines, contracts, needs,
    organisations,
};
use platform::error::{ApiError, ApiResult, Validator};
use platform::fx;
use platform::ids::{new_uuid, ContractId};
use platform::taxonomy;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseTransaction, EntityTrait, QueryFilter,
    QueryOrder, Set,
};
use uuid::Uuid;

use super::super::access::is_assigned;
use super::super::deals::{self, Stage};
use super::super::parties::{self, CheckedParty, RecordedPartyIn, Side};
use super::super::{now, today};
use super::{
    subtype_ok, to_cny, type_label, validate_amounts, ContractIn, CostLineIn, NamedBrokerIn,
};
use crate::SERVICE;
use wire::{ContractStatus, LicenceScope};

/// Creates a contract inside `txn` (the caller's idempotency transaction). A contract of a
/// deal moves the deal to `signed`, which needs its publicity window to have ended.
#[tracing::instrument(skip_all, fields(deal.id = ?input.deal_id))]
pub async fn create(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    input: ContractIn,
) -> ApiResult<contracts::Model> {
    validate_fields(&input)?;
    let deal = find_deal(txn, input.deal_id).await?;
    let parties = find_parties(txn, caller, &input, deal.as_ref()).await?;
    ensure_may_record(txn, caller, deal.as_ref(), &parties).await?;
    let listings = find_listings(txn, &input, deal.as_ref()).await?;
    if let Some(d) = &deal {
        ensure_deal_may_sign(txn, d).await?;
    }
    let amounts = convert_amounts(txn, &input).await?;
    let contract = insert_contract(txn, caller, &input, &parties, listings, &amounts).await?;
    insert_cost_lines(txn, contract.id, &input.cost_lines).await?;
    let named = name_brokers(txn, contract.id, deal.as_ref(), &input.brokers).await?;
    record_audit(txn, caller, &contract, &input.cost_lines, &named).await?;
    if let Some(d) = &deal {
        mark_deal_signed(txn, caller, d, &contract).await?;
    }
    Ok(contract)
}

/// The rules on the body alone: type and subtype, licence scope, dates, amounts and cost
/// lines, codes, broker roles.
fn validate_fields(input: &ContractIn) -> ApiResult<()> {
    let mut v = Validator::new();
    v.length(&input.contract_number, "contract_number", 1, 64);
    v.length(&input.title, "title", 2, 200);
    v.check(
        type_label(&input.contract_type).is_some(),
        "contract_type",
        "must be development, transfer, licence, consulting or service",
    );
    if type_label(&input.contract_type).is_some() {
        v.check(
            subtype_ok(&input.contract_type, &input.subtype),
            "subtype",
            format!("is not a subtype of {}", input.contract_type),
        );
    }
    match (&input.licence_scope, input.contract_type == "licence") {
        (None, true) => {
            v.push(
                "licence_scope",
                "a licence says whether it is exclusive, sole or non_exclusive",
            );
        }
        (Some(s), true) => {
            v.check(
                LicenceScope::parse(s).is_some(),
                "licence_scope",
                "must be exclusive, sole or non_exclusive",
            );
        }
        (Some(_), false) => {
            v.push("licence_scope", "only licences have a scope");
        }
        (None, false) => {}
    }
    v.check(
        input.signed_on <= today(),
        "signed_on",
        "cannot be in the future",
    );
    if let (Some(from), Some(until)) = (input.valid_from, input.valid_until) {
        v.check(from <= until, "valid_from", "must not be after valid_until");
    }
    if let Some(until) = input.valid_until {
        v.check(
            input.signed_on <= until,
            "valid_until",
            "must not be before signed_on",
        );
    }
    validate_amounts(
        &input.currency,
        input.contract_amount_minor,
        input.tech_amount_minor,
        &input.cost_lines,
        &mut v,
    );
    if let Some(o) = &input.objectives {
        v.length(o, "objectives", 0, 2000);
    }
    v.check(
        taxonomy::is_industry(&input.industry_code),
        "industry_code",
        "must be an industry code from /api/v1/taxonomies/industries",
    );
    if let Some(ip) = &input.ip_type {
        v.check(
            taxonomy::is_ip_type(ip),
            "ip_type",
            "must be an IP type code from /api/v1/taxonomies/ip-types",
        );
    }
    for (i, b) in input.brokers.iter().enumerate() {
        v.check(
            wire::AttributionRole::parse(&b.role).is_some(),
            &format!("brokers[{i}].role"),
            "must be introducer, co_broker or closer",
        );
    }
    v.finish()
}

/// The deal the contract concludes, if it names one.
async fn find_deal(
    txn: &DatabaseTransaction,
    deal_id: Option<Uuid>,
) -> ApiResult<Option<platform::entity::deals::Model>> {
    match deal_id {
        Some(id) => Ok(Some(
            deals::find(txn, id)
                .await
                .map_err(|_| ApiError::field("deal_id", "no such deal"))?,
        )),
        None => Ok(None),
    }
}

/// Seller and buyer (the deal's unless the body names them), each an organisation on the
/// platform or a recorded party: they give the contract its countries and regions.
pub(crate) struct Parties {
    pub(crate) seller: Side,
    pub(crate) buyer: Side,
    pub(crate) intermediary: Option<Side>,
}

/// The recorded parties of the body, checked (422 with every bad field).
fn check_recorded(input: &ContractIn) -> ApiResult<[Option<CheckedParty>; 3]> {
    let mut v = Validator::new();
    let mut checked = |p: &Option<RecordedPartyIn>, path: &str| {
        p.as_ref().and_then(|p| {
            let mut own = Validator::new();
            let c = parties::check(p, path, &mut own);
            if let Err(ApiError::Validation(fields)) = own.finish() {
                for f in fields {
                    v.push(&f.path, f.message);
                }
            }
            c
        })
    };
    let seller = checked(&input.seller_party, "seller_party");
    let buyer = checked(&input.buyer_party, "buyer_party");
    let intermediary = checked(&input.intermediary_party, "intermediary_party");
    v.finish()?;
    Ok([seller, buyer, intermediary])
}

/// The parties of the contract, checked against each other, the intermediary and the deal.
async fn find_parties(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    input: &ContractIn,
    deal: Option<&platform::entity::deals::Model>,
) -> ApiResult<Parties> {
    parties::one_of(
        input.seller_organisation_id,
        input.seller_party.is_some(),
        "seller_party",
    )?;
    parties::one_of(
        input.buyer_organisation_id,
        input.buyer_party.is_some(),
        "buyer_party",
    )?;
    parties::one_of(
        input.intermediary_organisation_id,
        input.intermediary_party.is_some(),
        "intermediary_party",
    )?;
    if deal.is_some() && (input.seller_party.is_some() || input.buyer_party.is_some()) {
        return Err(ApiError::field(
            "deal_id",
            "a deal's parties are on the platform; recorded parties are for contracts without a deal",
        ));
    }
    let [seller_rec, buyer_rec, intermediary_rec] = check_recorded(input)?;
    let seller_id = input
        .seller_organisation_id
        .or(deal.map(|d| d.seller_organisation_id));
    let buyer_id = input
        .buyer_organisation_id
        .or(deal.map(|d| d.buyer_organisation_id));
    if seller_id.is_none() && seller_rec.is_none() {
        return Err(ApiError::field(
            "seller_organisation_id",
            "required without a deal (or give seller_party)",
        ));
    }
    if buyer_id.is_none() && buyer_rec.is_none() {
        return Err(ApiError::field(
            "buyer_organisation_id",
            "required without a deal (or give buyer_party)",
        ));
    }
    if let Some(d) = deal {
        let mut v = Validator::new();
        v.check(
            Some(d.seller_organisation_id) == seller_id,
            "seller_organisation_id",
            "must be the deal's seller",
        );
        v.check(
            Some(d.buyer_organisation_id) == buyer_id,
            "buyer_organisation_id",
            "must be the deal's buyer",
        );
        v.finish()?;
    }
    let seller = match (seller_id, &seller_rec) {
        (Some(id), _) => Side::organisation(
            &organisations::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or_else(|| ApiError::field("seller_organisation_id", "no such organisation"))?,
        ),
        (None, Some(p)) => parties::resolve(txn, caller, p).await?,
        (None, None) => unreachable_side("seller")?,
    };
    let buyer = match (buyer_id, &buyer_rec) {
        (Some(id), _) => Side::organisation(
            &organisations::Entity::find_by_id(id)
                .one(txn)
                .await?
                .ok_or_else(|| ApiError::field("buyer_organisation_id", "no such organisation"))?,
        ),
        (None, Some(p)) => parties::resolve(txn, caller, p).await?,
        (None, None) => unreachable_side("buyer")?,
    };
    let intermediary = match (input.intermediary_organisation_id, &intermediary_rec) {
        (Some(i), _) => Some(Side::organisation(
            &organisations::Entity::find_by_id(i)
                .one(txn)
                .await?
                .ok_or_else(|| {
                    ApiError::field("intermediary_organisation_id", "no such organisation")
                })?,
        )),
        (None, Some(p)) => Some(parties::resolve(txn, caller, p).await?),
        (None, None) => None,
    };
    let mut v = Validator::new();
    v.check(
        seller.key() != buyer.key(),
        "buyer_organisation_id",
        "seller and buyer must be different organisations",
    );
    if let Some(i) = &intermediary {
        v.check(
            i.key() != seller.key() && i.key() != buyer.key(),
            "intermediary_organisation_id",
            "the intermediary is neither seller nor buyer",
        );
    }
    v.finish()?;
    Ok(Parties {
        seller,
        buyer,
        intermediary,
    })
}

/// Both the organisation and the recorded party of a side were checked absent above.
fn unreachable_side(role: &str) -> ApiResult<Side> {
    Err(ApiError::field(
        format!("{role}_organisation_id"),
        "required without a deal",
    ))
}

/// Who may record it: operators, members of the seller or the buyer, brokers assigned to the
/// deal — who the caller is, never what the body says. Naming an intermediary confers
/// nothing: it is a field any caller can fill in.
async fn ensure_may_record(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    deal: Option<&platform::entity::deals::Model>,
    parties: &Parties,
) -> ApiResult<()> {
    let party = [&parties.seller, &parties.buyer].iter().any(|side| {
        side.organisation_id
            .is_some_and(|o| caller.belongs_to(o.into()))
    });
    let assigned = match (deal, caller.broker_id) {
        (Some(d), Some(b)) => is_assigned(txn, d.id, b).await?,
        _ => false,
    };
    if caller.is_operator || party || assigned {
        return Ok(());
    }
    // A registration office records the contracts brought to its desk.
    if !super::super::offices::acting_for(txn, caller)
        .await?
        .is_empty()
    {
        return Ok(());
    }
    if let Some(d) = deal {
        super::super::access::ensure_deal_visible(txn, caller, d).await?;
    }
    Err(ApiError::Forbidden(
        "contracts are recorded by the seller, the buyer, the deal's assigned brokers, a registration office or operators"
            .to_owned(),
    ))
}

/// The achievement and need the contract is about (the deal's unless the body names them);
/// the ones the body names must exist.
async fn find_listings(
    txn: &DatabaseTransaction,
    input: &ContractIn,
    deal: Option<&platform::entity::deals::Model>,
) -> ApiResult<(Option<Uuid>, Option<Uuid>)> {
    let achievement_id = input.achievement_id.or(deal.and_then(|d| d.achievement_id));
    let need_id = input.need_id.or(deal.and_then(|d| d.need_id));
    if let Some(a) = input.achievement_id {
        achievements::Entity::find_by_id(a)
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::field("achievement_id", "no such achievement"))?;
    }
    if let Some(n) = input.need_id {
        needs::Entity::find_by_id(n)
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::field("need_id", "no such need"))?;
    }
    Ok((achievement_id, need_id))
}

/// A finished deal takes no contract; an open one needs its publicity window to have ended.
async fn ensure_deal_may_sign(
    txn: &DatabaseTransaction,
    deal: &platform::entity::deals::Model,
) -> ApiResult<()> {
    let stage = Stage::parse(&deal.stage).unwrap_or(Stage::Lead);
    if stage.is_final() {
        return Err(ApiError::conflict(
            "deal_finished",
            format!("the deal is {}", deal.stage),
        ));
    }
    deals::ensure_may_sign(txn, deal).await
}

/// The CNY amounts and the rate they were converted at (none for CNY).
struct Converted {
    rate: Option<fx::Rate>,
    contract_cny: i64,
    tech_cny: i64,
}

/// Converts the amounts at the rate of the signing date.
async fn convert_amounts(txn: &DatabaseTransaction, input: &ContractIn) -> ApiResult<Converted> {
    let rate = signing_rate(txn, &input.currency, input.signed_on).await?;
    let (contract_cny, tech_cny) = to_cny(
        &input.currency,
        input.contract_amount_minor,
        input.tech_amount_minor,
        rate.as_ref().map(|r| r.cny_per_unit),
    )?;
    Ok(Converted {
        rate,
        contract_cny,
        tech_cny,
    })
}

/// The rate a contract in `currency` signed on `signed_on` converts at (`None` for CNY). A
/// missing or stale rate is the submitter's to see, on the signing date.
async fn signing_rate(
    db: &impl ConnectionTrait,
    currency: &str,
    signed_on: NaiveDate,
) -> ApiResult<Option<fx::Rate>> {
    if currency == fx::CNY {
        return Ok(None);
    }
    match fx::rate_for(db, currency, signed_on).await {
        Ok(rate) => Ok(Some(rate)),
        Err(e @ fx::FxError::NoRate { .. }) => Err(ApiError::field(
            "signed_on",
            format!("{e}; an operator adds it at /api/v1/fx-rates"),
        )),
        Err(e) => Err(e.into()),
    }
}

/// Inserts the contract row; a contract number already recorded is a conflict.
async fn insert_contract(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    input: &ContractIn,
    parties: &Parties,
    (achievement_id, need_id): (Option<Uuid>, Option<Uuid>),
    amounts: &Converted,
) -> ApiResult<contracts::Model> {
    let at = now();
    let rate = amounts.rate.as_ref();
    contracts::ActiveModel {
        id: Set(ContractId::new().0),
        deal_id: Set(input.deal_id),
        contract_number: Set(input.contract_number.trim().to_owned()),
        title: Set(input.title.trim().to_owned()),
        contract_type: Set(input.contract_type.clone()),
        subtype: Set(input.subtype.clone()),
        licence_scope: Set(input.licence_scope.clone()),
        seller_organisation_id: Set(parties.seller.organisation_id),
        buyer_organisation_id: Set(parties.buyer.organisation_id),
        intermediary_organisation_id: Set(parties
            .intermediary
            .as_ref()
            .and_then(|i| i.organisation_id)),
        signed_on: Set(input.signed_on),
        valid_from: Set(input.valid_from),
        valid_until: Set(input.valid_until),
        currency: Set(input.currency.clone()),
        contract_amount_minor: Set(input.contract_amount_minor),
        tech_amount_minor: Set(input.tech_amount_minor),
        fx_rate_id: Set(rate.map(|r| r.row.id)),
        fx_rate: Set(rate.map(|r| r.row.cny_per_unit.clone())),
        contract_amount_cny_minor: Set(amounts.contract_cny),
        tech_amount_cny_minor: Set(amounts.tech_cny),
        seller_country: Set(parties.seller.country.clone()),
        seller_region_code: Set(parties.seller.region_code.clone()),
        buyer_country: Set(parties.buyer.country.clone()),
        buyer_region_code: Set(parties.buyer.region_code.clone()),
        industry_code: Set(input.industry_code.clone()),
        ip_type: Set(input.ip_type.clone()),
        achievement_id: Set(achievement_id),
        need_id: Set(need_id),
        status: Set(ContractStatus::Signed.as_str().to_owned()),
        created_by: Set(caller.user_id.0),
        version: Set(1),
        created_at: Set(at),
        updated_at: Set(at),
        seller_party_id: Set(parties.seller.party_id),
        buyer_party_id: Set(parties.buyer.party_id),
        intermediary_party_id: Set(parties.intermediary.as_ref().and_then(|i| i.party_id)),
        payment_method: Set(input.payment_method.map(|m| m.as_str().to_owned())),
        objectives: Set(input
            .objectives
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)),
        voucher_paid_minor: Set(0),
    }
    .insert(txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "contract_number_taken",
            "a contract with this number is already recorded",
        ),
        other => other,
    })
}

/// The non-technical parts of the contract amount.
async fn insert_cost_lines(
    txn: &DatabaseTransaction,
    contract_id: Uuid,
    lines: &[CostLineIn],
) -> ApiResult<()> {
    for line in lines {
        contract_cost_lines::ActiveModel {
            id: Set(new_uuid()),
            contract_id: Set(contract_id),
            kind: Set(line.kind.clone()),
            description: Set(line.description.trim().to_owned()),
            amount_minor: Set(line.amount_minor),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// Names the contract's brokers: every broker of the deal's ledger (first role recorded),
/// then the explicitly named ones. Returns broker → role.
async fn name_brokers(
    txn: &DatabaseTransaction,
    contract_id: Uuid,
    deal: Option<&platform::entity::deals::Model>,
    requested: &[NamedBrokerIn],
) -> ApiResult<BTreeMap<Uuid, String>> {
    let mut named: BTreeMap<Uuid, String> = BTreeMap::new();
    if let Some(d) = deal {
        let ledger = attributions::Entity::find()
            .filter(attributions::Column::DealId.eq(d.id))
            .order_by_asc(attributions::Column::CreatedAt)
            .order_by_asc(attributions::Column::Id)
            .all(txn)
            .await?;
        for entry in ledger {
            named.entry(entry.broker_id).or_insert(entry.role);
        }
    }
    for (i, b) in requested.iter().enumerate() {
        brokers::Entity::find_by_id(b.broker_id)
            .one(txn)
            .await?
            .ok_or_else(|| ApiError::field(format!("brokers[{i}].broker_id"), "no such broker"))?;
        named.entry(b.broker_id).or_insert(b.role.clone());
    }
    for (broker_id, role) in &named {
        contract_brokers::ActiveModel {
            id: Set(new_uuid()),
            contract_id: Set(contract_id),
            broker_id: Set(*broker_id),
            role: Set(role.clone()),
        }
        .insert(txn)
        .await?;
    }
    Ok(named)
}

async fn record_audit(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    contract: &contracts::Model,
    cost_lines: &[CostLineIn],
    named: &BTreeMap<Uuid, String>,
) -> ApiResult<()> {
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "contract.create",
        entity_type: "contract",
        entity_id: contract.id,
    }
    .record(
        txn,
        None::<&()>,
        Some(
            &serde_json::json!({"contract": contract, "cost_lines": cost_lines, "brokers": named}),
        ),
    )
    .await?;
    Ok(())
}

/// Tells the deal's history, and moves a deal not yet signed to `signed`.
async fn mark_deal_signed(
    txn: &DatabaseTransaction,
    caller: &AuthUser,
    deal: &platform::entity::deals::Model,
    contract: &contracts::Model,
) -> ApiResult<()> {
    deals::event(
        txn,
        deal.id,
        Some(caller.user_id.0),
        "contract_signed",
        Some(format!(
            "合同 {} 签订 / contract signed",
            contract.contract_number
        )),
        serde_json::json!({"contract_id": contract.id}),
    )
    .await?;
    if Stage::parse(&deal.stage).is_some_and(|s| s < Stage::Signed) {
        let current = deals::find(txn, deal.id).await?;
        deals::set_stage(txn, Some(caller), &current, Stage::Signed, None, None).await?;
    }
    Ok(())
}
