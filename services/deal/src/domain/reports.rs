//! The statistics a registration office files upward (技术合同登记统计报表): for a month or a
//! year, the registered contracts of the office by contract type, technical field, city,
//! output or absorption, and ASEAN counterpart, with counts, contract amounts and technology
//! transaction amounts in CNY (exact fen, and yuan as decimal text). Written with the
//! dashboard's export writer ([`super::export::render_table`]).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use platform::auth::AuthUser;
use platform::entity::{contracts, registrations};
use platform::error::{ApiError, ApiResult};
use platform::identifiers::ASEAN_COUNTRIES;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;
use wire::{Basis, ContractStatus, RegistrationStatus};

use super::export::{render_table, yuan, Format};
use super::offices;
use super::stats::{city_of, in_guangxi};

/// The period of a report: `YYYY` (annual) or `YYYY-MM` (monthly); `[first, next)`.
pub fn period_bounds(period: &str) -> ApiResult<(NaiveDate, NaiveDate)> {
    let bad = || {
        ApiError::BadRequest(format!(
            "period: {period:?} is not YYYY (annual) or YYYY-MM (monthly)"
        ))
    };
    let (year, month) = match period.split_once('-') {
        Some((y, m)) if m.len() == 2 => (y, Some(m)),
        None => (period, None),
        _ => return Err(bad()),
    };
    if year.len() != 4 {
        return Err(bad());
    }
    let year: i32 = year.parse().map_err(|_| bad())?;
    if !(1990..=2999).contains(&year) {
        return Err(bad());
    }
    match month {
        None => Ok((
            NaiveDate::from_ymd_opt(year, 1, 1).ok_or_else(bad)?,
            NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or_else(bad)?,
        )),
        Some(m) => {
            let m: u32 = m.parse().map_err(|_| bad())?;
            let first = NaiveDate::from_ymd_opt(year, m, 1).ok_or_else(bad)?;
            let next = if m == 12 {
                NaiveDate::from_ymd_opt(year + 1, 1, 1)
            } else {
                NaiveDate::from_ymd_opt(year, m + 1, 1)
            }
            .ok_or_else(bad)?;
            Ok((first, next))
        }
    }
}

/// Count, contract amount and technology amount (fen) of one report line.
type Sums = (i64, i64, i64);

fn add(sums: &mut Sums, contract: i64, tech: i64) -> ApiResult<()> {
    let overflow = || ApiError::Internal(anyhow::anyhow!("a report sum overflows i64"));
    sums.0 = sums.0.checked_add(1).ok_or_else(overflow)?;
    sums.1 = sums.1.checked_add(contract).ok_or_else(overflow)?;
    sums.2 = sums.2.checked_add(tech).ok_or_else(overflow)?;
    Ok(())
}

/// The report's lines: (basis, section, key) → sums.
pub type Lines = BTreeMap<(String, &'static str, String), Sums>;

/// Sums the office's contracts registered in the period.
#[tracing::instrument(skip_all, fields(office.id = %office_id, period = %period))]
pub async fn lines(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    office_id: Uuid,
    period: &str,
) -> ApiResult<Lines> {
    offices::find(db, office_id).await?;
    // The office's figures: its operators and the platform's (the statistics' own rule).
    offices::ensure_reads_figures_of(db, caller, office_id).await?;
    let (first, next) = period_bounds(period)?;
    let rows = registrations::Entity::find()
        .filter(registrations::Column::OfficeId.eq(office_id))
        .filter(registrations::Column::Status.eq(RegistrationStatus::Registered.as_str()))
        .filter(registrations::Column::RegisteredOn.gte(first))
        .filter(registrations::Column::RegisteredOn.lt(next))
        .find_also_related(contracts::Entity)
        .all(db)
        .await?;
    let mut lines = Lines::new();
    for (_, c) in rows {
        let Some(c) = c else { continue };
        if c.status != ContractStatus::Signed.as_str() {
            continue;
        }
        let sides = [
            (
                Basis::Output,
                &c.seller_country,
                &c.seller_region_code,
                &c.buyer_country,
            ),
            (
                Basis::Absorption,
                &c.buyer_country,
                &c.buyer_region_code,
                &c.seller_country,
            ),
        ];
        for (basis, country, region, other) in sides {
            if !in_guangxi(country, region) {
                continue;
            }
            let b = basis.as_str().to_owned();
            let mut keys = vec![
                ("total", String::new()),
                ("contract_type", c.contract_type.clone()),
                ("industry", c.industry_code.clone()),
                ("city", city_of(region)),
            ];
            if ASEAN_COUNTRIES.contains(&other.as_str()) {
                keys.push(("asean", "all".to_owned()));
                keys.push(("asean_country", other.clone()));
            }
            for (section, key) in keys {
                let e = lines.entry((b.clone(), section, key)).or_insert((0, 0, 0));
                add(e, c.contract_amount_cny_minor, c.tech_amount_cny_minor)?;
            }
        }
    }
    Ok(lines)
}

/// The report as a file (XLSX by default).
pub async fn render(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    office_id: Uuid,
    period: &str,
    format: Format,
) -> ApiResult<Vec<u8>> {
    let lines = lines(db, caller, office_id, period).await?;
    let header: Vec<String> = [
        "period",
        "basis",
        "section",
        "key",
        "label",
        "contract_count",
        "contract_amount_cny",
        "contract_amount_cny_fen",
        "tech_amount_cny",
        "tech_amount_cny_fen",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let rows: Vec<Vec<String>> = lines
        .into_iter()
        .map(|((basis, section, key), (n, contract, tech))| {
            vec![
                period.to_owned(),
                basis,
                section.to_owned(),
                key.clone(),
                label(section, &key),
                n.to_string(),
                yuan(contract),
                contract.to_string(),
                yuan(tech),
                tech.to_string(),
            ]
        })
        .collect();
    render_table("registrations", &header, &rows, &[5, 7, 9], format)
}

fn label(section: &str, key: &str) -> String {
    match section {
        "contract_type" => super::contracts::type_label(key).unwrap_or("").to_owned(),
        "industry" => platform::taxonomy::INDUSTRIES
            .iter()
            .find(|t| t.code == key)
            .map_or_else(String::new, |t| t.zh.to_owned()),
        "total" => "合计 total".to_owned(),
        "asean" => "东盟 ASEAN".to_owned(),
        _ => String::new(),
    }
}
