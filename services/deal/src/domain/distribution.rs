//! Income distribution (收益分配): the organisation's rule for dividing what a transfer earns —
//! inventors, college or institute, technology-transfer office, university, broker's fee —
//! overridable per achievement, and the append-only ledger every paid payment splits into.
//!
//! The split runs inside the transaction that makes a payment paid (`payments::create` with a
//! `paid_on`, `payments::mark_paid`), so a paid payment and its ledger lines exist together or
//! not at all. It is idempotent: lines are numbered per payment under a unique index and a
//! payment that already has lines is left alone.
//!
//! Rounding, the one rule: `platform::money::allocate_bp` (largest remainder). The payment is
//! split into the five parts; the inventors' part is then split among the inventors by their
//! shares with the same rule. The lines of a payment always add up to it exactly.
//!
//! Who sees what: members with the admin role of the organisation (the technology-transfer
//! office) see all its lines; anyone else sees only the lines where they are the inventor, so
//! colleagues' incomes stay private even within the organisation.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{
    achievement_inventors, achievements, contracts, distribution_lines, distribution_rules,
    organisations, payments,
};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::new_uuid;
use platform::money::{allocate_bp, WHOLE_BP};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use wire::tto::{DistributionLineOut, DistributionRuleIn, DistributionRuleOut, StatementOut};
use wire::{DistributionRecipient, PaymentStatus};

use super::export::{self, yuan, Format, Sheet};
use super::{next_version, now, stale, today};
use crate::SERVICE;

fn rule_out(m: distribution_rules::Model) -> DistributionRuleOut {
    DistributionRuleOut {
        organisation_id: m.organisation_id,
        achievement_id: m.achievement_id,
        inventors_bp: m.inventors_bp,
        college_bp: m.college_bp,
        transfer_office_bp: m.transfer_office_bp,
        university_bp: m.university_bp,
        broker_bp: m.broker_bp,
        version: m.version,
        updated_at: m.updated_at,
    }
}

fn line_out(m: distribution_lines::Model) -> ApiResult<DistributionLineOut> {
    Ok(DistributionLineOut {
        id: m.id,
        payment_id: m.payment_id,
        contract_id: m.contract_id,
        achievement_id: m.achievement_id,
        line_no: m.line_no,
        recipient: m.recipient.parse()?,
        inventor_id: m.inventor_id,
        inventor_user_id: m.inventor_user_id,
        inventor_name: m.inventor_name,
        share_bp: m.share_bp,
        amount_minor: m.amount_minor,
        currency: m.currency,
        paid_on: m.paid_on,
    })
}

/// The five parts in ledger order, each in 0..=10,000 and summing to 10,000 (checked sums, so
/// enormous values are a 422 and never an overflow).
fn validate_rule(input: &DistributionRuleIn) -> ApiResult<[i32; 5]> {
    let parts = [
        ("inventors_bp", input.inventors_bp),
        ("college_bp", input.college_bp),
        ("transfer_office_bp", input.transfer_office_bp),
        ("university_bp", input.university_bp),
        ("broker_bp", input.broker_bp),
    ];
    let mut v = Validator::new();
    let mut sum = Some(0i64);
    for (path, bp) in parts {
        v.check(
            (0..=WHOLE_BP).contains(&bp),
            path,
            "must be between 0 and 10000 basis points",
        );
        sum = sum.and_then(|s| s.checked_add(bp));
    }
    if v.is_empty() {
        v.check(
            sum == Some(WHOLE_BP),
            "inventors_bp",
            "the five parts must sum to 10000 basis points",
        );
    }
    v.finish()?;
    let mut out = [0i32; 5];
    for (slot, (path, bp)) in out.iter_mut().zip(parts) {
        *slot = i32::try_from(bp).map_err(|_| ApiError::field(path, "out of range"))?;
    }
    Ok(out)
}

/// The organisation whose rule an achievement uses, if the caller is an admin of it; 404
/// otherwise (another organisation's achievement is none of the caller's business).
async fn achievement_for_admin(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    achievement_id: Uuid,
) -> ApiResult<achievements::Model> {
    let a = achievements::Entity::find_by_id(achievement_id)
        .one(db)
        .await?
        .filter(|a| caller.is_admin_of(a.organisation_id.into()))
        .ok_or_else(|| ApiError::not_found(format!("achievement {achievement_id}")))?;
    Ok(a)
}

/// The caller's organisation, if they are its admin (403 otherwise: it is their own).
fn admin_organisation(caller: &AuthUser) -> ApiResult<Uuid> {
    let org = caller.require_organisation()?;
    if caller.is_admin_of(org) {
        Ok(org.0)
    } else {
        Err(ApiError::Forbidden(
            "only your organisation's admins set its distribution rule".to_owned(),
        ))
    }
}

/// The organisation's default rule (members read it).
#[tracing::instrument(skip_all)]
pub async fn organisation_rule(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
) -> ApiResult<DistributionRuleOut> {
    let org = caller.require_organisation()?;
    distribution_rules::Entity::find_by_id(org.0)
        .one(db)
        .await?
        .map(rule_out)
        .ok_or_else(|| ApiError::not_found("distribution rule of your organisation"))
}

/// An achievement's override (admins of its organisation; 404 when none).
#[tracing::instrument(skip_all, fields(achievement.id = %achievement_id))]
pub async fn achievement_rule(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    achievement_id: Uuid,
) -> ApiResult<DistributionRuleOut> {
    let a = achievement_for_admin(db, caller, achievement_id).await?;
    distribution_rules::Entity::find_by_id(a.id)
        .one(db)
        .await?
        .map(rule_out)
        .ok_or_else(|| {
            ApiError::not_found(format!("distribution rule of achievement {achievement_id}"))
        })
}

/// Sets the organisation's default rule (its admins).
#[tracing::instrument(skip_all)]
pub async fn set_organisation_rule(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: DistributionRuleIn,
) -> ApiResult<DistributionRuleOut> {
    let org = admin_organisation(caller)?;
    let parts = validate_rule(&input)?;
    let txn = db.begin().await?;
    let out = upsert_rule(&txn, caller, org, org, None, parts, input.version).await?;
    txn.commit().await?;
    Ok(out)
}

/// Sets an achievement's override (admins of its organisation).
#[tracing::instrument(skip_all, fields(achievement.id = %achievement_id))]
pub async fn set_achievement_rule(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    achievement_id: Uuid,
    input: DistributionRuleIn,
) -> ApiResult<DistributionRuleOut> {
    let txn = db.begin().await?;
    let a = achievement_for_admin(&txn, caller, achievement_id).await?;
    let parts = validate_rule(&input)?;
    let out = upsert_rule(
        &txn,
        caller,
        a.id,
        a.organisation_id,
        Some(a.id),
        parts,
        input.version,
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}

/// Creates the rule of a scope, or changes it when `version` is current. Two first saves at
/// once meet on the primary key (one wins, the other is a 409); later saves check the version
/// inside the UPDATE.
async fn upsert_rule(
    txn: &impl ConnectionTrait,
    caller: &AuthUser,
    scope_id: Uuid,
    organisation_id: Uuid,
    achievement_id: Option<Uuid>,
    [inventors, college, office, university, broker]: [i32; 5],
    version: Option<i32>,
) -> ApiResult<DistributionRuleOut> {
    let before = distribution_rules::Entity::find_by_id(scope_id)
        .one(txn)
        .await?;
    match &before {
        None => {
            distribution_rules::ActiveModel {
                scope_id: Set(scope_id),
                organisation_id: Set(organisation_id),
                achievement_id: Set(achievement_id),
                inventors_bp: Set(inventors),
                college_bp: Set(college),
                transfer_office_bp: Set(office),
                university_bp: Set(university),
                broker_bp: Set(broker),
                version: Set(1),
                updated_by: Set(caller.user_id.0),
                updated_at: Set(now()),
            }
            .insert(txn)
            .await?;
        }
        Some(_) => {
            let version = version.ok_or_else(|| {
                ApiError::field("version", "required when changing an existing rule")
            })?;
            let res = distribution_rules::Entity::update_many()
                .col_expr(
                    distribution_rules::Column::InventorsBp,
                    Expr::value(inventors),
                )
                .col_expr(distribution_rules::Column::CollegeBp, Expr::value(college))
                .col_expr(
                    distribution_rules::Column::TransferOfficeBp,
                    Expr::value(office),
                )
                .col_expr(
                    distribution_rules::Column::UniversityBp,
                    Expr::value(university),
                )
                .col_expr(distribution_rules::Column::BrokerBp, Expr::value(broker))
                .col_expr(
                    distribution_rules::Column::Version,
                    Expr::value(next_version(version, "distribution rule")?),
                )
                .col_expr(
                    distribution_rules::Column::UpdatedBy,
                    Expr::value(caller.user_id.0),
                )
                .col_expr(distribution_rules::Column::UpdatedAt, Expr::value(now()))
                .filter(distribution_rules::Column::ScopeId.eq(scope_id))
                .filter(distribution_rules::Column::Version.eq(version))
                .exec(txn)
                .await?;
            if res.rows_affected == 0 {
                return Err(stale("distribution rule"));
            }
        }
    }
    let after = distribution_rules::Entity::find_by_id(scope_id)
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::not_found("distribution rule"))?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "distribution.rule",
        entity_type: "distribution_rule",
        entity_id: scope_id,
    }
    .record(txn, before.as_ref(), Some(&after))
    .await?;
    Ok(rule_out(after))
}

/// Splits a paid payment into ledger lines, inside the caller's transaction. Does nothing for
/// a payment that is not paid, whose contract names no achievement, whose seller is not the
/// achievement's organisation (the income is not theirs to divide), for which no rule is set,
/// or that already has lines. Returns how many lines were written.
#[tracing::instrument(skip_all, fields(payment.id = %payment.id))]
pub async fn split_payment(
    txn: &impl ConnectionTrait,
    payment: &payments::Model,
) -> ApiResult<usize> {
    if payment.status != PaymentStatus::Paid.as_str() {
        return Ok(0);
    }
    let Some(contract) = contracts::Entity::find_by_id(payment.contract_id)
        .one(txn)
        .await?
    else {
        return Ok(0);
    };
    let Some(achievement_id) = contract.achievement_id else {
        return Ok(0);
    };
    let Some(achievement) = achievements::Entity::find_by_id(achievement_id)
        .one(txn)
        .await?
    else {
        return Ok(0);
    };
    if Some(achievement.organisation_id) != contract.seller_organisation_id {
        return Ok(0);
    }
    let done = distribution_lines::Entity::find()
        .filter(distribution_lines::Column::PaymentId.eq(payment.id))
        .count(txn)
        .await?;
    if done > 0 {
        return Ok(0);
    }
    let rule = match distribution_rules::Entity::find_by_id(achievement.id)
        .one(txn)
        .await?
    {
        Some(r) => r,
        None => match distribution_rules::Entity::find_by_id(achievement.organisation_id)
            .one(txn)
            .await?
        {
            Some(r) => r,
            None => {
                tracing::info!("no distribution rule set; the payment is not split");
                return Ok(0);
            }
        },
    };
    let parts_bp = [
        (DistributionRecipient::Inventors, rule.inventors_bp),
        (DistributionRecipient::College, rule.college_bp),
        (
            DistributionRecipient::TransferOffice,
            rule.transfer_office_bp,
        ),
        (DistributionRecipient::University, rule.university_bp),
        (DistributionRecipient::Broker, rule.broker_bp),
    ];
    let weights: Vec<i64> = parts_bp.iter().map(|(_, bp)| i64::from(*bp)).collect();
    let amounts = allocate_bp(payment.amount_minor, &weights).ok_or_else(|| {
        ApiError::Internal(anyhow::anyhow!(
            "distribution rule {} does not sum to 10000 or the payment is negative",
            rule.scope_id
        ))
    })?;
    let inventors = achievement_inventors::Entity::find()
        .filter(achievement_inventors::Column::AchievementId.eq(achievement.id))
        .order_by_asc(achievement_inventors::Column::Position)
        .all(txn)
        .await?;
    let paid_on = payment.paid_on.unwrap_or_else(today);
    let mut lines: Vec<distribution_lines::ActiveModel> = Vec::new();
    let line = |recipient: DistributionRecipient,
                share_bp: i32,
                amount: i64,
                inventor: Option<&achievement_inventors::Model>| {
        distribution_lines::ActiveModel {
            id: Set(new_uuid()),
            payment_id: Set(payment.id),
            contract_id: Set(contract.id),
            achievement_id: Set(achievement.id),
            organisation_id: Set(achievement.organisation_id),
            line_no: Set(0),
            recipient: Set(recipient.as_str().to_owned()),
            inventor_id: Set(inventor.map(|i| i.id)),
            inventor_user_id: Set(inventor.and_then(|i| i.user_id)),
            inventor_name: Set(inventor.map(|i| i.name.clone())),
            share_bp: Set(share_bp),
            amount_minor: Set(amount),
            currency: Set(payment.currency.clone()),
            paid_on: Set(paid_on),
            created_at: Set(now()),
        }
    };
    for ((recipient, bp), amount) in parts_bp.iter().zip(amounts.iter()) {
        if *bp == 0 {
            continue;
        }
        if *recipient == DistributionRecipient::Inventors && !inventors.is_empty() {
            let shares: Vec<i64> = inventors.iter().map(|i| i64::from(i.share_bp)).collect();
            let each = allocate_bp(*amount, &shares).ok_or_else(|| {
                ApiError::Internal(anyhow::anyhow!(
                    "inventors' shares of achievement {} do not sum to 10000",
                    achievement.id
                ))
            })?;
            for (inv, a) in inventors.iter().zip(each) {
                lines.push(line(
                    DistributionRecipient::Inventor,
                    inv.share_bp,
                    a,
                    Some(inv),
                ));
            }
        } else {
            lines.push(line(*recipient, *bp, *amount, None));
        }
    }
    let count = lines.len();
    for (n, mut l) in lines.into_iter().enumerate() {
        l.line_no = Set(i32::try_from(n + 1).unwrap_or(i32::MAX));
        l.insert(txn).await?;
    }
    tracing::info!(lines = count, "payment split into the distribution ledger");
    Ok(count)
}

/// Filters of a statement.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct StatementParams {
    /// Calendar year of the payment date.
    pub year: Option<i32>,
    pub achievement_id: Option<Uuid>,
    /// Admins: only the lines where you are the inventor.
    pub mine: Option<bool>,
    /// `json` (default), `csv` or `xlsx`.
    pub format: Option<String>,
}

fn year_bounds(year: i32) -> ApiResult<(NaiveDate, NaiveDate)> {
    let from = NaiveDate::from_ymd_opt(year, 1, 1);
    let to = NaiveDate::from_ymd_opt(year, 12, 31);
    match (from, to) {
        (Some(f), Some(t)) if (2000..=2100).contains(&year) => Ok((f, t)),
        _ => Err(ApiError::field("year", "must be between 2000 and 2100")),
    }
}

/// The ledger lines the caller may see (module doc), oldest first, with totals per currency.
#[tracing::instrument(skip_all)]
pub async fn statement(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    params: &StatementParams,
) -> ApiResult<StatementOut> {
    let mut q = distribution_lines::Entity::find();
    let admin_of = caller.organisation_id.filter(|o| caller.is_admin_of(*o));
    match admin_of {
        Some(org) if !params.mine.unwrap_or(false) => {
            q = q.filter(distribution_lines::Column::OrganisationId.eq(org.0));
        }
        _ => {
            q = q.filter(distribution_lines::Column::InventorUserId.eq(caller.user_id.0));
        }
    }
    if let Some(y) = params.year {
        let (from, to) = year_bounds(y)?;
        q = q
            .filter(distribution_lines::Column::PaidOn.gte(from))
            .filter(distribution_lines::Column::PaidOn.lte(to));
    }
    if let Some(a) = params.achievement_id {
        q = q.filter(distribution_lines::Column::AchievementId.eq(a));
    }
    let rows = q
        .order_by_asc(distribution_lines::Column::PaidOn)
        .order_by_asc(distribution_lines::Column::PaymentId)
        .order_by_asc(distribution_lines::Column::LineNo)
        .all(db)
        .await?;
    let mut totals: BTreeMap<String, i64> = BTreeMap::new();
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let t = totals.entry(r.currency.clone()).or_insert(0);
        *t = t
            .checked_add(r.amount_minor)
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("statement total overflows")))?;
        lines.push(line_out(r)?);
    }
    Ok(StatementOut {
        lines,
        totals_minor: totals,
    })
}

/// A statement as CSV or XLSX: one row per line, amounts in fen and in yuan text.
pub fn render_statement(out: &StatementOut, format: Format) -> ApiResult<Vec<u8>> {
    let header: Vec<String> = [
        "paid_on",
        "payment_id",
        "contract_id",
        "achievement_id",
        "line_no",
        "recipient",
        "inventor_name",
        "share_bp",
        "currency",
        "amount",
        "amount_minor",
    ]
    .map(str::to_owned)
    .to_vec();
    let rows: Vec<Vec<String>> = out
        .lines
        .iter()
        .map(|l| {
            vec![
                l.paid_on.to_string(),
                l.payment_id.to_string(),
                l.contract_id.to_string(),
                l.achievement_id.to_string(),
                l.line_no.to_string(),
                l.recipient.as_str().to_owned(),
                l.inventor_name.clone().unwrap_or_default(),
                l.share_bp.to_string(),
                l.currency.clone(),
                yuan(l.amount_minor),
                l.amount_minor.to_string(),
            ]
        })
        .collect();
    match format {
        Format::Csv => export::csv(&header, &rows),
        Format::Xlsx => export::xlsx(&[Sheet {
            name: "statement",
            header,
            rows,
            numeric: vec![4, 7, 10],
        }]),
    }
}

/// The organisation's annual 成果转化 report as XLSX (its admins): the contracts it signed as
/// seller in `year` with their amounts and the income paid in the year, the distributed shares
/// by recipient, and by inventor. Amounts in the contract's or payment's currency, fen and yuan.
#[tracing::instrument(skip_all, fields(report.year = year))]
pub async fn annual_report(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    year: i32,
) -> ApiResult<Vec<u8>> {
    let org = admin_organisation(caller)?;
    let (from, to) = year_bounds(year)?;
    let org_name = organisations::Entity::find_by_id(org)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    let signed = contracts::Entity::find()
        .filter(contracts::Column::SellerOrganisationId.eq(org))
        .filter(contracts::Column::SignedOn.gte(from))
        .filter(contracts::Column::SignedOn.lte(to))
        .order_by_asc(contracts::Column::SignedOn)
        .order_by_asc(contracts::Column::Id)
        .all(db)
        .await?;
    let mut contract_rows = Vec::new();
    for c in &signed {
        let income: i64 = payments::Entity::find()
            .filter(payments::Column::ContractId.eq(c.id))
            .filter(payments::Column::Status.eq(PaymentStatus::Paid.as_str()))
            .filter(payments::Column::PaidOn.gte(from))
            .filter(payments::Column::PaidOn.lte(to))
            .all(db)
            .await?
            .iter()
            .try_fold(0i64, |acc, p| acc.checked_add(p.amount_minor))
            .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("income overflows")))?;
        contract_rows.push(vec![
            c.contract_number.clone(),
            c.title.clone(),
            c.signed_on.to_string(),
            c.achievement_id.map(|a| a.to_string()).unwrap_or_default(),
            c.currency.clone(),
            yuan(c.contract_amount_minor),
            c.contract_amount_minor.to_string(),
            yuan(income),
            income.to_string(),
        ]);
    }
    let lines = distribution_lines::Entity::find()
        .filter(distribution_lines::Column::OrganisationId.eq(org))
        .filter(distribution_lines::Column::PaidOn.gte(from))
        .filter(distribution_lines::Column::PaidOn.lte(to))
        .all(db)
        .await?;
    let mut by_recipient: BTreeMap<(String, String), i64> = BTreeMap::new();
    let mut by_inventor: BTreeMap<(String, String), i64> = BTreeMap::new();
    for l in &lines {
        let sum = by_recipient
            .entry((l.recipient.clone(), l.currency.clone()))
            .or_insert(0);
        *sum = sum.saturating_add(l.amount_minor);
        if let Some(name) = &l.inventor_name {
            let sum = by_inventor
                .entry((name.clone(), l.currency.clone()))
                .or_insert(0);
            *sum = sum.saturating_add(l.amount_minor);
        }
    }
    let money_rows = |m: BTreeMap<(String, String), i64>| -> Vec<Vec<String>> {
        m.into_iter()
            .map(|((k, cur), v)| vec![k, cur, yuan(v), v.to_string()])
            .collect()
    };
    let h = |cols: &[&str]| cols.iter().map(|c| (*c).to_owned()).collect::<Vec<_>>();
    export::xlsx(&[
        Sheet {
            name: "contracts",
            header: h(&[
                "contract_number",
                "title",
                "signed_on",
                "achievement_id",
                "currency",
                "contract_amount",
                "contract_amount_minor",
                "income_in_year",
                "income_in_year_minor",
            ]),
            rows: contract_rows,
            numeric: vec![6, 8],
        },
        Sheet {
            name: "distributed",
            header: h(&["recipient", "currency", "amount", "amount_minor"]),
            rows: money_rows(by_recipient),
            numeric: vec![3],
        },
        Sheet {
            name: "inventors",
            header: h(&["inventor", "currency", "amount", "amount_minor"]),
            rows: money_rows(by_inventor),
            numeric: vec![3],
        },
        Sheet {
            name: "about",
            header: h(&["organisation", "year", "rounding"]),
            rows: vec![vec![
                org_name,
                year.to_string(),
                "largest remainder, to the minor unit".to_owned(),
            ]],
            numeric: vec![],
        },
    ])
}

/// The calendar year of today, the report's default.
pub fn this_year() -> i32 {
    today().year()
}
