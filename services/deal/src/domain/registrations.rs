//! Registration of technology contracts (技术合同认定登记). A party submits a signed contract;
//! an operator of the registration office registers it (number, office, date) or rejects it
//! (reason); a registered contract can later be changed (变更) or cancelled (注销). Only
//! registered contracts count in the official turnover: every change of what counts enqueues
//! the statistics job for the months it touches, in the same transaction.
//!
//! Registration numbers: the office's own number when the operator gives one, otherwise
//! `deal.registration_number_format` (default `{year}450000{seq:06}`) — the year, the Guangxi region code 450000 and a six-digit
//! sequence within the year, e.g. `2026450000000001`.

use chrono::{Datelike, NaiveDate};
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{contract_cost_lines, contracts, registrations};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::{new_uuid, RegistrationId};
use platform::jobs::enqueue;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, TransactionTrait,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use super::access::contract_scope;
use super::contracts::{self as contract_rules, CostLineIn};
use super::deals::{self, Stage};
use super::offices;
use super::stats::{month_of, TurnoverChanged};
use super::{clean_opt, next_version, now, paging, stale, today, Page};
use crate::SERVICE;
use wire::{ContractStatus, DecisionKind, RegistrationStatus};

/// Submits a contract for registration.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegistrationIn {
    pub contract_id: Uuid,
}

/// An operator's decision.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionIn {
    pub version: i32,
    pub decision: Decision,
    /// The office's number; generated from the default format when left out.
    pub registration_number: Option<String>,
    pub office: Option<String>,
    /// Defaults to today.
    pub registered_on: Option<NaiveDate>,
    /// Required for `reject`.
    pub reason: Option<String>,
    /// 认定 with a corrected type: the contract type the office registers it under.
    #[serde(default)]
    pub corrected_type: Option<String>,
    /// The corrected subtype (with `corrected_type`).
    #[serde(default)]
    pub corrected_subtype: Option<String>,
    /// The corrected licence scope, for a correction to a licence.
    #[serde(default)]
    pub corrected_licence_scope: Option<String>,
    /// 认定 with corrected amounts (核定技术交易额), in the contract's currency.
    #[serde(default)]
    pub corrected_amounts: Option<AmountsChangeIn>,
    /// Why the office corrected what it did (required with a correction).
    #[serde(default)]
    pub reasons: Option<String>,
}

/// Register or reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
// Its own name in the OpenAPI document: the review's `Decision` (publish/reject) would take
// its place otherwise, and the document would offer `publish` here.
#[schema(as = RegistrationDecision)]
pub enum Decision {
    Register,
    Reject,
}

/// New amounts recorded by a change (变更), with the cost lines that explain them.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmountsChangeIn {
    pub contract_amount_minor: i64,
    pub tech_amount_minor: i64,
    #[serde(default)]
    pub cost_lines: Vec<CostLineIn>,
}

/// A change (变更) to a registered contract.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeIn {
    pub version: i32,
    /// What changed and why.
    pub note: String,
    pub office: Option<String>,
    pub registered_on: Option<NaiveDate>,
    /// New amounts in the contract's currency, converted at the stored rate.
    pub amounts: Option<AmountsChangeIn>,
}

/// Cancellation (注销) of a registration.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelRegistrationIn {
    pub version: i32,
    pub reason: String,
}

pub use wire::deal::{HistoryEntry, RegistrationOut};

/// Filters of the registration list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RegistrationListParams {
    pub status: Option<String>,
    pub contract_id: Option<Uuid>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Reads a registration or 404.
#[tracing::instrument(skip_all, fields(registration.id = %id))]
pub async fn find(db: &impl ConnectionTrait, id: Uuid) -> ApiResult<registrations::Model> {
    registrations::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("registration {id}")))
}

/// The view of a registration.
#[tracing::instrument(skip_all)]
pub async fn to_out(
    db: &impl ConnectionTrait,
    r: registrations::Model,
) -> ApiResult<RegistrationOut> {
    let c = contract_rules::find(db, r.contract_id).await?;
    Ok(RegistrationOut {
        id: RegistrationId(r.id),
        contract_id: r.contract_id,
        contract_number: c.contract_number,
        contract_title: c.title,
        contract_amount_cny_minor: c.contract_amount_cny_minor,
        tech_amount_cny_minor: c.tech_amount_cny_minor,
        status: r.status.parse()?,
        registration_number: r.registration_number,
        office: r.office,
        registered_on: r.registered_on,
        rejection_reason: r.rejection_reason,
        change_note: r.change_note,
        submitted_by: r.submitted_by,
        decided_by: r.decided_by,
        decided_at: r.decided_at,
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

/// Reads a registration whose contract the caller may see.
#[tracing::instrument(skip_all, fields(registration.id = %id))]
pub async fn get(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<registrations::Model> {
    let r = find(db, id).await?;
    if contract_rules::get(db, caller, r.contract_id)
        .await
        .is_err()
    {
        return Err(ApiError::not_found(format!("registration {id}")));
    }
    Ok(r)
}

async fn audit(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    action: &'static str,
    before: Option<&registrations::Model>,
    after: &registrations::Model,
) -> ApiResult<()> {
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action,
        entity_type: "registration",
        entity_id: after.id,
    }
    .record(db, before, Some(after))
    .await?;
    Ok(())
}

/// Submits (or, after a rejection, resubmits) a signed contract.
#[tracing::instrument(skip_all)]
pub async fn submit(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: RegistrationIn,
) -> ApiResult<registrations::Model> {
    let txn = db.begin().await?;
    let c = contract_rules::get_to_act(&txn, caller, input.contract_id).await?;
    if c.status != ContractStatus::Signed.as_str() {
        return Err(ApiError::conflict(
            "contract_cancelled",
            "only signed contracts can be registered",
        ));
    }
    let existing = registrations::Entity::find()
        .filter(registrations::Column::ContractId.eq(c.id))
        .one(&txn)
        .await?;
    let office = office_of_submission(&txn, caller, &c).await?;
    let at = now();
    let (before, after) = match existing {
        None => {
            let r = registrations::ActiveModel {
                id: Set(RegistrationId::new().0),
                contract_id: Set(c.id),
                status: Set(RegistrationStatus::Submitted.as_str().to_owned()),
                registration_number: Set(None),
                office: Set(None),
                registered_on: Set(None),
                rejection_reason: Set(None),
                change_note: Set(None),
                submitted_by: Set(caller.user_id.0),
                decided_by: Set(None),
                decided_at: Set(None),
                version: Set(1),
                created_at: Set(at),
                updated_at: Set(at),
                office_id: Set(Some(office)),
                decision: Set(None),
                decision_reasons: Set(None),
                verification_code: Set(None),
            }
            .insert(&txn)
            .await
            .map_err(|e| match ApiError::from(e) {
                ApiError::Conflict { .. } => ApiError::conflict(
                    "already_submitted",
                    "this contract has already been submitted",
                ),
                other => other,
            })?;
            (None, r)
        }
        Some(r) if r.status == RegistrationStatus::Rejected.as_str() => {
            let res = registrations::Entity::update_many()
                .col_expr(
                    registrations::Column::Status,
                    Expr::value(RegistrationStatus::Submitted.as_str()),
                )
                .col_expr(
                    registrations::Column::SubmittedBy,
                    Expr::value(caller.user_id.0),
                )
                .col_expr(registrations::Column::Version, Expr::value(r.version + 1))
                .col_expr(registrations::Column::UpdatedAt, Expr::value(at))
                .col_expr(registrations::Column::OfficeId, Expr::value(Some(office)))
                .col_expr(registrations::Column::Decision, Expr::value(None::<String>))
                .filter(registrations::Column::Id.eq(r.id))
                .filter(registrations::Column::Version.eq(r.version))
                .exec(&txn)
                .await?;
            if res.rows_affected == 0 {
                return Err(stale(format!("registration {}", r.id)));
            }
            let after = find(&txn, r.id).await?;
            (Some(r), after)
        }
        Some(r) => {
            return Err(ApiError::conflict(
                "already_submitted",
                format!("this contract's registration is {}", r.status),
            ));
        }
    };
    audit(&txn, caller, "registration.submit", before.as_ref(), &after).await?;
    txn.commit().await?;
    Ok(after)
}

/// The office a submission goes to: the submitter's own office when an office brings it (and
/// the submitter acts for exactly one), otherwise the office of the contract's area.
async fn office_of_submission(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    c: &contracts::Model,
) -> ApiResult<Uuid> {
    let mine = offices::memberships(db, caller.user_id.0).await?;
    if let [only] = mine.as_slice() {
        return Ok(*only);
    }
    Ok(offices::office_for_area(
        db,
        (&c.seller_country, &c.seller_region_code),
        (&c.buyer_country, &c.buyer_region_code),
    )
    .await?
    .id)
}

/// Reads a registration the caller may work as its office's operator: 404 for those who may
/// not see its contract, 403 for those who see it but do not act for its office.
pub async fn get_for_office(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<registrations::Model> {
    let r = get(db, caller, id).await?;
    let office = office_id_of(db, &r).await?;
    offices::ensure_acts_for(db, caller, office).await?;
    Ok(r)
}

/// Applies the office's corrections (type, amounts) to the contract before it is registered,
/// audited; answers which kind of 认定 this is.
async fn apply_corrections(
    txn: &sea_orm::DatabaseTransaction,
    caller: &AuthUser,
    c: &contracts::Model,
    input: &DecisionIn,
) -> ApiResult<DecisionKind> {
    let type_change = input.corrected_type.is_some() || input.corrected_subtype.is_some();
    let amounts_change = input.corrected_amounts.is_some();
    if !type_change && !amounts_change {
        return Ok(DecisionKind::Registered);
    }
    if clean_opt(input.reasons.clone()).is_none() {
        return Err(ApiError::field(
            "reasons",
            "say why the office corrects the contract",
        ));
    }
    if type_change {
        let t = input
            .corrected_type
            .clone()
            .unwrap_or_else(|| c.contract_type.clone());
        let sub = input
            .corrected_subtype
            .clone()
            .ok_or_else(|| ApiError::field("corrected_subtype", "name the corrected subtype"))?;
        let mut v = Validator::new();
        v.check(
            contract_rules::type_label(&t).is_some(),
            "corrected_type",
            "must be development, transfer, licence, consulting or service",
        );
        v.check(
            contract_rules::subtype_of(&t, &sub),
            "corrected_subtype",
            format!("is not a subtype of {t}"),
        );
        let scope = if t == "licence" {
            let s = input
                .corrected_licence_scope
                .clone()
                .or_else(|| c.licence_scope.clone());
            v.check(
                s.as_deref()
                    .is_some_and(|s| wire::LicenceScope::parse(s).is_some()),
                "corrected_licence_scope",
                "a licence says whether it is exclusive, sole or non_exclusive",
            );
            s
        } else {
            None
        };
        v.finish()?;
        let res = contracts::Entity::update_many()
            .col_expr(contracts::Column::ContractType, Expr::value(t))
            .col_expr(contracts::Column::Subtype, Expr::value(sub))
            .col_expr(contracts::Column::LicenceScope, Expr::value(scope))
            .col_expr(contracts::Column::Version, Expr::value(c.version + 1))
            .col_expr(contracts::Column::UpdatedAt, Expr::value(now()))
            .filter(contracts::Column::Id.eq(c.id))
            .filter(contracts::Column::Version.eq(c.version))
            .exec(txn)
            .await?;
        if res.rows_affected == 0 {
            return Err(stale(format!("contract {}", c.id)));
        }
    }
    if let Some(amounts) = &input.corrected_amounts {
        let current = contract_rules::find(txn, c.id).await?;
        set_amounts(txn, &current, amounts).await?;
    }
    let after = contract_rules::find(txn, c.id).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "contract.correct",
        entity_type: "contract",
        entity_id: c.id,
    }
    .record(txn, Some(c), Some(&after))
    .await?;
    Ok(match (type_change, amounts_change) {
        (true, true) => DecisionKind::TypeAndAmountsCorrected,
        (true, false) => DecisionKind::TypeCorrected,
        _ => DecisionKind::AmountsCorrected,
    })
}

/// Sets a contract's amounts and cost lines (a change, or the office's correction), converted
/// at the contract's stored rate.
async fn set_amounts(
    txn: &sea_orm::DatabaseTransaction,
    c: &contracts::Model,
    amounts: &AmountsChangeIn,
) -> ApiResult<()> {
    let mut v = Validator::new();
    contract_rules::validate_amounts(
        &c.currency,
        amounts.contract_amount_minor,
        amounts.tech_amount_minor,
        &amounts.cost_lines,
        &mut v,
    );
    v.finish()?;
    let rate = match &c.fx_rate {
        Some(r) => Some(platform::fx::parse_rate(r).ok_or_else(|| {
            ApiError::Internal(anyhow::anyhow!(
                "stored rate of contract {} unreadable",
                c.id
            ))
        })?),
        None => None,
    };
    let (contract_cny, tech_cny) = contract_rules::to_cny(
        &c.currency,
        amounts.contract_amount_minor,
        amounts.tech_amount_minor,
        rate,
    )?;
    let res = contracts::Entity::update_many()
        .col_expr(
            contracts::Column::ContractAmountMinor,
            Expr::value(amounts.contract_amount_minor),
        )
        .col_expr(
            contracts::Column::TechAmountMinor,
            Expr::value(amounts.tech_amount_minor),
        )
        .col_expr(
            contracts::Column::ContractAmountCnyMinor,
            Expr::value(contract_cny),
        )
        .col_expr(contracts::Column::TechAmountCnyMinor, Expr::value(tech_cny))
        .col_expr(contracts::Column::Version, Expr::value(c.version + 1))
        .col_expr(contracts::Column::UpdatedAt, Expr::value(now()))
        .filter(contracts::Column::Id.eq(c.id))
        .filter(contracts::Column::Version.eq(c.version))
        .exec(txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(format!("contract {}", c.id)));
    }
    contract_cost_lines::Entity::delete_many()
        .filter(contract_cost_lines::Column::ContractId.eq(c.id))
        .exec(txn)
        .await?;
    for line in &amounts.cost_lines {
        contract_cost_lines::ActiveModel {
            id: Set(new_uuid()),
            contract_id: Set(c.id),
            kind: Set(line.kind.clone()),
            description: Set(line.description.trim().to_owned()),
            amount_minor: Set(line.amount_minor),
        }
        .insert(txn)
        .await?;
    }
    Ok(())
}

/// The office a registration belongs to (rows from before offices: the provincial office).
pub async fn office_id_of(db: &impl ConnectionTrait, r: &registrations::Model) -> ApiResult<Uuid> {
    match r.office_id {
        Some(id) => Ok(id),
        None => Ok(offices::provincial(db).await?.id),
    }
}

/// A registration-number format split around its sequence: (prefix, digits, suffix) for `year`.
pub(crate) fn split_format(format: &str, year: i32) -> (String, usize, String) {
    let year = year.to_string();
    let Some(start) = format.find("{seq") else {
        return (format.replace("{year}", &year), 6, String::new());
    };
    let rest = &format[start..];
    let end = rest.find('}').map_or(rest.len(), |i| i + 1);
    let width = rest[..end]
        .trim_start_matches("{seq")
        .trim_end_matches('}')
        .trim_start_matches(':')
        .trim_start_matches('0')
        .parse::<usize>()
        .unwrap_or(1);
    (
        format[..start].replace("{year}", &year),
        width,
        rest[end..].replace("{year}", &year),
    )
}

/// The next number in `format` (configuration `deal.registration_number_format`) for `year`.
pub(crate) async fn next_number(
    db: &impl ConnectionTrait,
    format: &str,
    year: i32,
) -> ApiResult<String> {
    let (prefix, width, suffix) = split_format(format, year);
    let numbers: Vec<String> = registrations::Entity::find()
        .filter(registrations::Column::RegistrationNumber.starts_with(prefix.as_str()))
        .all(db)
        .await?
        .into_iter()
        .filter_map(|r| r.registration_number)
        .collect();
    let seq = numbers
        .iter()
        .filter(|n| n.ends_with(suffix.as_str()) && n.len() >= prefix.len() + suffix.len())
        .filter_map(|n| n[prefix.len()..n.len() - suffix.len()].parse::<u64>().ok())
        .max()
        .unwrap_or(0)
        + 1;
    Ok(format!("{prefix}{seq:0width$}{suffix}"))
}

/// Enqueues the statistics job for the months a registration counted in before and after.
async fn turnover_changed(
    db: &impl ConnectionTrait,
    before: Option<NaiveDate>,
    after: Option<NaiveDate>,
) -> ApiResult<()> {
    let mut months: Vec<String> = [before, after]
        .into_iter()
        .flatten()
        .map(month_of)
        .collect();
    months.sort();
    months.dedup();
    if !months.is_empty() {
        enqueue(db, &TurnoverChanged { months }).await?;
    }
    Ok(())
}

/// Registers or rejects a submitted contract (operators).
#[tracing::instrument(skip_all, fields(registration.id = %id))]
pub async fn decide(
    db: &impl TransactionTrait,
    config: &platform::config::DealConfig,
    caller: &AuthUser,
    id: Uuid,
    input: DecisionIn,
) -> ApiResult<registrations::Model> {
    let txn = db.begin().await?;
    let before = get_for_office(&txn, caller, id).await?;
    if before.status != RegistrationStatus::Submitted.as_str() {
        return Err(ApiError::conflict(
            "registration_not_submitted",
            format!("the registration is {}", before.status),
        ));
    }
    let c = contract_rules::find(&txn, before.contract_id).await?;
    // The provincial office registers under the configured name (`deal.registration_office`);
    // a city office under its own.
    let office_name = match before.office_id {
        Some(o) => {
            let office = offices::find(&txn, o).await?;
            if office.kind == wire::OfficeKind::Provincial.as_str() {
                config.registration_office.clone()
            } else {
                office.name
            }
        }
        None => config.registration_office.clone(),
    };
    let at = now();
    let update = registrations::Entity::update_many()
        .col_expr(
            registrations::Column::DecidedBy,
            Expr::value(Some(caller.user_id.0)),
        )
        .col_expr(registrations::Column::DecidedAt, Expr::value(Some(at)))
        .col_expr(
            registrations::Column::Version,
            Expr::value(next_version(input.version, "registration")?),
        )
        .col_expr(registrations::Column::UpdatedAt, Expr::value(at));
    let update = match input.decision {
        Decision::Register => {
            let on = input.registered_on.unwrap_or_else(today);
            let mut v = Validator::new();
            v.check(on <= today(), "registered_on", "cannot be in the future");
            v.check(
                on >= c.signed_on,
                "registered_on",
                "cannot be before the contract was signed",
            );
            if let Some(n) = &input.registration_number {
                v.length(n, "registration_number", 4, 64);
            }
            if let Some(o) = &input.office {
                v.length(o, "office", 2, 200);
            }
            v.finish()?;
            if c.status != ContractStatus::Signed.as_str() {
                return Err(ApiError::conflict(
                    "contract_cancelled",
                    "the contract was cancelled",
                ));
            }
            let kind = apply_corrections(&txn, caller, &c, &input).await?;
            let number = match clean_opt(input.registration_number.clone()) {
                Some(n) => n,
                None => next_number(&txn, &config.registration_number_format, on.year()).await?,
            };
            update
                .col_expr(
                    registrations::Column::Status,
                    Expr::value(RegistrationStatus::Registered.as_str()),
                )
                .col_expr(
                    registrations::Column::RegistrationNumber,
                    Expr::value(Some(number)),
                )
                .col_expr(
                    registrations::Column::Office,
                    Expr::value(Some(
                        clean_opt(input.office.clone()).unwrap_or_else(|| office_name.clone()),
                    )),
                )
                .col_expr(registrations::Column::RegisteredOn, Expr::value(Some(on)))
                .col_expr(
                    registrations::Column::RejectionReason,
                    Expr::value(None::<String>),
                )
                .col_expr(
                    registrations::Column::Decision,
                    Expr::value(Some(kind.as_str())),
                )
                .col_expr(
                    registrations::Column::DecisionReasons,
                    Expr::value(clean_opt(input.reasons.clone())),
                )
                .col_expr(
                    registrations::Column::VerificationCode,
                    Expr::value(Some(offices::new_verification_code())),
                )
        }
        Decision::Reject => {
            let reason = clean_opt(input.reason.clone())
                .or_else(|| clean_opt(input.reasons.clone()))
                .ok_or_else(|| ApiError::field("reason", "say why the registration is rejected"))?;
            update
                .col_expr(
                    registrations::Column::Decision,
                    Expr::value(Some(DecisionKind::Refused.as_str())),
                )
                .col_expr(
                    registrations::Column::DecisionReasons,
                    Expr::value(Some(reason.clone())),
                )
                .col_expr(
                    registrations::Column::Status,
                    Expr::value(RegistrationStatus::Rejected.as_str()),
                )
                .col_expr(
                    registrations::Column::RejectionReason,
                    Expr::value(Some(reason)),
                )
        }
    };
    let res = update
        .filter(registrations::Column::Id.eq(id))
        .filter(registrations::Column::Version.eq(input.version))
        .exec(&txn)
        .await
        .map_err(|e| match ApiError::from(e) {
            ApiError::Conflict { .. } => ApiError::conflict(
                "registration_number_taken",
                "this registration number is already in use",
            ),
            other => other,
        })?;
    if res.rows_affected == 0 {
        return Err(stale(format!("registration {id}")));
    }
    let after = find(&txn, id).await?;
    audit(&txn, caller, "registration.decide", Some(&before), &after).await?;
    if after.status == RegistrationStatus::Registered.as_str() {
        turnover_changed(&txn, None, after.registered_on).await?;
        if let Some(deal_id) = c.deal_id {
            deals::event(
                &txn,
                deal_id,
                Some(caller.user_id.0),
                "contract_registered",
                after.registration_number.clone(),
                serde_json::json!({"contract_id": c.id, "registration_id": after.id}),
            )
            .await?;
            let deal = deals::find(&txn, deal_id).await?;
            if Stage::parse(&deal.stage).is_some_and(|s| s < Stage::Registered && s != Stage::Lost)
            {
                deals::set_stage(&txn, Some(caller), &deal, Stage::Registered, None, None).await?;
            }
        }
    }
    txn.commit().await?;
    Ok(after)
}

/// Records a change (变更) to a registered contract (operators).
#[tracing::instrument(skip_all, fields(registration.id = %id))]
pub async fn change(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: ChangeIn,
) -> ApiResult<registrations::Model> {
    let mut v = Validator::new();
    v.length(&input.note, "note", 2, 2000);
    if let Some(o) = &input.office {
        v.length(o, "office", 2, 200);
    }
    if let Some(on) = input.registered_on {
        v.check(on <= today(), "registered_on", "cannot be in the future");
    }
    v.finish()?;
    let txn = db.begin().await?;
    let before = get_for_office(&txn, caller, id).await?;
    if before.status != RegistrationStatus::Registered.as_str() {
        return Err(ApiError::conflict(
            "registration_not_registered",
            "only a registered contract can be changed",
        ));
    }
    let c = contract_rules::find(&txn, before.contract_id).await?;
    if let Some(on) = input.registered_on {
        if on < c.signed_on {
            return Err(ApiError::field(
                "registered_on",
                "cannot be before the contract was signed",
            ));
        }
    }
    if let Some(amounts) = &input.amounts {
        set_amounts(&txn, &c, amounts).await?;
        let after_contract = contract_rules::find(&txn, c.id).await?;
        AuditEntry {
            actor: Some(caller),
            service: SERVICE,
            action: "contract.change",
            entity_type: "contract",
            entity_id: c.id,
        }
        .record(&txn, Some(&c), Some(&after_contract))
        .await?;
    }
    let mut update = registrations::Entity::update_many()
        .col_expr(
            registrations::Column::ChangeNote,
            Expr::value(Some(input.note.trim().to_owned())),
        )
        .col_expr(
            registrations::Column::Version,
            Expr::value(next_version(input.version, "registration")?),
        )
        .col_expr(registrations::Column::UpdatedAt, Expr::value(now()));
    if let Some(o) = clean_opt(input.office) {
        update = update.col_expr(registrations::Column::Office, Expr::value(Some(o)));
    }
    if let Some(on) = input.registered_on {
        update = update.col_expr(registrations::Column::RegisteredOn, Expr::value(Some(on)));
    }
    let res = update
        .filter(registrations::Column::Id.eq(id))
        .filter(registrations::Column::Version.eq(input.version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(format!("registration {id}")));
    }
    let after = find(&txn, id).await?;
    audit(&txn, caller, "registration.change", Some(&before), &after).await?;
    turnover_changed(&txn, before.registered_on, after.registered_on).await?;
    txn.commit().await?;
    Ok(after)
}

/// Cancels (注销) a registration (operators): the contract no longer counts.
#[tracing::instrument(skip_all, fields(registration.id = %id))]
pub async fn cancel(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: Uuid,
    input: CancelRegistrationIn,
) -> ApiResult<registrations::Model> {
    let mut v = Validator::new();
    v.length(&input.reason, "reason", 2, 2000);
    v.finish()?;
    let txn = db.begin().await?;
    let before = get_for_office(&txn, caller, id).await?;
    if before.status != RegistrationStatus::Registered.as_str() {
        return Err(ApiError::conflict(
            "registration_not_registered",
            "only a registered contract can be cancelled",
        ));
    }
    let res = registrations::Entity::update_many()
        .col_expr(
            registrations::Column::Status,
            Expr::value(RegistrationStatus::Cancelled.as_str()),
        )
        .col_expr(
            registrations::Column::ChangeNote,
            Expr::value(Some(format!("注销: {}", input.reason.trim()))),
        )
        .col_expr(
            registrations::Column::Version,
            Expr::value(next_version(input.version, "registration")?),
        )
        .col_expr(registrations::Column::UpdatedAt, Expr::value(now()))
        .filter(registrations::Column::Id.eq(id))
        .filter(registrations::Column::Version.eq(input.version))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        return Err(stale(format!("registration {id}")));
    }
    let after = find(&txn, id).await?;
    audit(&txn, caller, "registration.cancel", Some(&before), &after).await?;
    turnover_changed(&txn, before.registered_on, None).await?;
    txn.commit().await?;
    Ok(after)
}

/// Lists registrations of contracts the caller may see.
#[tracing::instrument(skip_all)]
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    params: &RegistrationListParams,
) -> ApiResult<Page<RegistrationOut>> {
    let (page, per_page) = paging(params.page, params.per_page);
    let mut q = registrations::Entity::find();
    if let Some(scope) = contract_scope(db, caller).await? {
        let visible = contracts::Entity::find().filter(scope);
        let ids: Vec<Uuid> = visible
            .select_only()
            .column(contracts::Column::Id)
            .into_tuple()
            .all(db)
            .await?;
        q = q.filter(registrations::Column::ContractId.is_in(ids));
    }
    if let Some(s) = &params.status {
        q = q.filter(registrations::Column::Status.eq(s.as_str()));
    }
    if let Some(c) = params.contract_id {
        q = q.filter(registrations::Column::ContractId.eq(c));
    }
    let paginator = q
        .order_by_desc(registrations::Column::UpdatedAt)
        .order_by_desc(registrations::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for r in paginator.fetch_page(page - 1).await? {
        items.push(to_out(db, r).await?);
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// Submissions, decisions, changes (变更) and cancellation (注销) of a registration, oldest
/// first.
#[tracing::instrument(skip_all, fields(registration.id = %id))]
pub async fn history(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
    page: Option<u64>,
    per_page: Option<u64>,
) -> ApiResult<Page<HistoryEntry>> {
    use platform::entity::audit_log;
    get(db, caller, id).await?;
    let (page, per_page) = paging(page, per_page);
    let paginator = audit_log::Entity::find()
        .filter(audit_log::Column::EntityType.eq("registration"))
        .filter(audit_log::Column::EntityId.eq(id))
        .order_by_asc(audit_log::Column::CreatedAt)
        .order_by_asc(audit_log::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let text = |v: &Option<serde_json::Value>, key: &str| {
        v.as_ref()
            .and_then(|a| a.get(key))
            .and_then(|x| x.as_str())
            .map(str::to_owned)
    };
    let items = paginator
        .fetch_page(page - 1)
        .await?
        .into_iter()
        .map(|e| -> ApiResult<_> {
            Ok(HistoryEntry {
                status: text(&e.after, "status")
                    .map(|code| code.parse())
                    .transpose()?,
                registration_number: text(&e.after, "registration_number"),
                registered_on: text(&e.after, "registered_on"),
                note: text(&e.after, "change_note").or_else(|| text(&e.after, "rejection_reason")),
                action: e.action,
                actor_user_id: e.actor_user_id,
                at: e.created_at,
            })
        })
        .collect::<ApiResult<_>>()?;
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

#[cfg(test)]
mod numbering_tests {
    use super::split_format;

    #[test]
    fn formats_split_around_the_sequence() {
        assert_eq!(
            split_format("{year}450000{seq:06}", 2026),
            ("2026450000".to_owned(), 6, String::new())
        );
        assert_eq!(
            split_format("桂技登{year}-{seq:04}号", 2027),
            ("桂技登2027-".to_owned(), 4, "号".to_owned())
        );
        assert_eq!(
            split_format("R{seq}", 2027),
            ("R".to_owned(), 1, String::new())
        );
    }
}
