//! The registration file (技术合同登记表) as an office works it: the form's fields from the
//! contract and its parties, the 认定 decision with its reasons, the registration number and
//! the certificate's verification link; the office's queue; the public certificate check.
//!
//! The certificate is verified by its unguessable code (see
//! [`super::offices::new_verification_code`]), never by the sequential registration number: a
//! forged certificate with a made-up number and code finds nothing.

use platform::auth::AuthUser;
use platform::entity::{contract_cost_lines, contracts, registration_offices, registrations};
use platform::error::{ApiError, ApiResult};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;
use wire::{DecisionKind, PaymentMethod, RegistrationStatus};

use super::{contracts as contract_rules, offices, paging, parties, registrations as regs, Page};

pub use wire::office::{CertificateOut, RegistrationFileOut};

/// The public path of a certificate's check, relative to the site.
pub fn verification_path(code: &str) -> String {
    format!("/verify/{code}")
}

/// The file of a registration.
#[tracing::instrument(skip_all, fields(registration.id = %r.id))]
pub async fn file_out(
    db: &impl ConnectionTrait,
    r: registrations::Model,
) -> ApiResult<RegistrationFileOut> {
    let c = contract_rules::find(db, r.contract_id).await?;
    let office = match r.office_id {
        Some(id) => registration_offices::Entity::find_by_id(id).one(db).await?,
        None => None,
    };
    let deductions = contract_cost_lines::Entity::find()
        .filter(contract_cost_lines::Column::ContractId.eq(c.id))
        .all(db)
        .await?
        .iter()
        .try_fold(0i64, |sum, l| sum.checked_add(l.amount_minor))
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("cost lines of {} overflow", c.id)))?;
    let parties = parties::parties_of(db, &c).await?;
    let registered = r.status == RegistrationStatus::Registered.as_str();
    Ok(RegistrationFileOut {
        id: r.id,
        contract_id: c.id,
        office_id: r.office_id,
        office_name: office.map(|o| o.name),
        contract_number: c.contract_number,
        contract_name: c.title,
        contract_type: c.contract_type,
        subtype: c.subtype,
        licence_scope: c.licence_scope,
        parties,
        currency: c.currency,
        contract_amount_minor: c.contract_amount_minor,
        tech_amount_minor: c.tech_amount_minor,
        contract_amount_cny_minor: c.contract_amount_cny_minor,
        tech_amount_cny_minor: c.tech_amount_cny_minor,
        deductions_minor: deductions,
        signed_on: c.signed_on,
        valid_from: c.valid_from,
        valid_until: c.valid_until,
        payment_method: c
            .payment_method
            .as_deref()
            .map(str::parse::<PaymentMethod>)
            .transpose()?,
        industry_code: c.industry_code,
        objectives: c.objectives,
        status: r.status.parse()?,
        decision: r
            .decision
            .as_deref()
            .map(str::parse::<DecisionKind>)
            .transpose()?,
        decision_reasons: r.decision_reasons.or(r.rejection_reason),
        registration_number: r.registration_number,
        registered_on: r.registered_on,
        verification_url: r
            .verification_code
            .filter(|_| registered)
            .map(|code| verification_path(&code)),
        version: r.version,
        created_at: r.created_at,
        updated_at: r.updated_at,
    })
}

/// Reads the file of a registration the caller may see.
pub async fn get(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<RegistrationFileOut> {
    let r = regs::get(db, caller, id).await?;
    file_out(db, r).await
}

/// Filters of an office's queue.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct QueueParams {
    /// `submitted` (the default: what waits for a decision), `registered`, `rejected`,
    /// `cancelled`.
    pub status: Option<RegistrationStatus>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// An office's registrations, oldest submission first (its operators).
#[tracing::instrument(skip_all, fields(office.id = %office_id))]
pub async fn queue(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    office_id: Uuid,
    params: &QueueParams,
) -> ApiResult<Page<RegistrationFileOut>> {
    offices::find(db, office_id).await?;
    offices::ensure_acts_for(db, caller, office_id).await?;
    let status = params.status.unwrap_or(RegistrationStatus::Submitted);
    let (page, per_page) = paging(params.page, params.per_page);
    let paginator = registrations::Entity::find()
        .filter(registrations::Column::OfficeId.eq(office_id))
        .filter(registrations::Column::Status.eq(status.as_str()))
        .order_by_asc(registrations::Column::CreatedAt)
        .order_by_asc(registrations::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for r in paginator.fetch_page(page - 1).await? {
        items.push(file_out(db, r).await?);
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}

/// The public check of a certificate by its verification code: 404 for any code no
/// registration carries, and for one whose registration is no longer in force.
#[tracing::instrument(skip_all)]
pub async fn verify(db: &impl ConnectionTrait, code: &str) -> ApiResult<CertificateOut> {
    let not_found = || ApiError::not_found("certificate");
    let code = code.trim().to_ascii_uppercase();
    if code.len() != 20 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(not_found());
    }
    let r = registrations::Entity::find()
        .filter(registrations::Column::VerificationCode.eq(code.as_str()))
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let status: RegistrationStatus = r.status.parse()?;
    if !matches!(
        status,
        RegistrationStatus::Registered | RegistrationStatus::Cancelled
    ) {
        return Err(not_found());
    }
    let number = r.registration_number.clone().ok_or_else(not_found)?;
    let c = contracts::Entity::find_by_id(r.contract_id)
        .one(db)
        .await?
        .ok_or_else(not_found)?;
    let office_name = match r.office_id {
        Some(id) => registration_offices::Entity::find_by_id(id)
            .one(db)
            .await?
            .map(|o| o.name),
        None => r.office.clone(),
    };
    Ok(CertificateOut {
        registration_number: number,
        status,
        office_name,
        registered_on: r.registered_on,
        contract_number: c.contract_number,
        contract_name: c.title,
        contract_type: c.contract_type,
        seller_name: parties::name_of(db, c.seller_organisation_id, c.seller_party_id).await?,
        buyer_name: parties::name_of(db, c.buyer_organisation_id, c.buyer_party_id).await?,
        currency: c.currency,
        contract_amount_minor: c.contract_amount_minor,
        tech_amount_minor: c.tech_amount_minor,
        contract_amount_cny_minor: c.contract_amount_cny_minor,
        tech_amount_cny_minor: c.tech_amount_cny_minor,
        verification_code: code,
    })
}
