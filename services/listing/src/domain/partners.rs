//! Partner countries operators add to those the configuration serves (the listing service
//! owns `partner_countries`; which countries are served, and each one's group, is read through
//! `platform::countries::Served`, the one home of that rule).

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::config::CountriesConfig;
use platform::countries::{fixed, is_country_code, Served};
use platform::entity::partner_countries;
use platform::error::{ApiError, ApiResult, Validator};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set, TransactionTrait};
use uuid::Uuid;
use wire::partners::{PartnerCountryIn, ServedCountry};
use wire::PartnerGroup;

use crate::SERVICE;

/// The audit log keys entities by UUID; a country's is its two letters as a number.
fn audit_id(code: &str) -> Uuid {
    let b = code.as_bytes();
    let n = b.iter().fold(0u128, |acc, &x| (acc << 8) | u128::from(x));
    Uuid::from_u128(n)
}

/// An operator adds a country organisations may register from, filed under a partner group.
/// A country already served (by configuration or an earlier addition) is a 409.
#[tracing::instrument(skip_all, fields(country = %input.code))]
pub async fn add(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    config: &CountriesConfig,
    input: &PartnerCountryIn,
) -> ApiResult<ServedCountry> {
    caller.require_operator()?;
    let code = input.code.trim().to_owned();
    let mut v = Validator::new();
    v.check(
        is_country_code(&code),
        "code",
        "must be an ISO 3166-1 alpha-2 code in capitals (IL)",
    );
    v.length(&input.name_zh, "name_zh", 1, 100);
    v.length(&input.name_en, "name_en", 1, 100);
    v.check(
        input.partner_group.operator_may_assign(),
        "partner_group",
        "must be rcep, belt_and_road or other (China and ASEAN are served by definition)",
    );
    // The RCEP members are a list fixed by treaty: only they are filed under it, and they
    // under nothing else.
    match fixed(&code) {
        Some((group, _, _)) => v.check(
            group == input.partner_group,
            "partner_group",
            format!("{code} belongs to {} by definition", group.as_str()),
        ),
        None => v.check(
            input.partner_group != PartnerGroup::Rcep,
            "partner_group",
            format!("{code} is not an RCEP member"),
        ),
    };
    v.finish()?;
    let txn = db.begin().await?;
    if Served::load(&txn, config).await?.contains(&code) {
        return Err(ApiError::conflict(
            "country_already_served",
            format!("{code} is already served"),
        ));
    }
    // Two operators adding the same country at once: the second insert hits the primary key
    // and is the same 409.
    partner_countries::ActiveModel {
        code: Set(code.clone()),
        partner_group: Set(input.partner_group.as_str().to_owned()),
        name_zh: Set(input.name_zh.trim().to_owned()),
        name_en: Set(input.name_en.trim().to_owned()),
        added_by: Set(caller.user_id.0),
        added_at: Set(Utc::now().fixed_offset()),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "country_already_served",
            format!("{code} is already served"),
        ),
        other => other,
    })?;
    let out = ServedCountry {
        code: code.clone(),
        name_zh: input.name_zh.trim().to_owned(),
        name_en: input.name_en.trim().to_owned(),
        partner_group: input.partner_group,
        added_by_operator: true,
    };
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "partner_country.add",
        entity_type: "partner_country",
        entity_id: audit_id(&code),
    }
    .record(&txn, None::<&()>, Some(&out))
    .await?;
    txn.commit().await?;
    Ok(out)
}
