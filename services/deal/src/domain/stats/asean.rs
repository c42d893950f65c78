//! The ASEAN share of turnover by country.

use platform::error::ApiResult;
use platform::taxonomy;
use sea_orm::ConnectionTrait;

use super::audience::country_withheld;
use super::{
    turnover_for, AseanOut, AseanRow, Audience, Basis, Source, TurnoverOut, TurnoverParams,
};

fn percent(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0.00".to_owned();
    }
    let bp = i128::from(part) * 10_000 / i128::from(whole);
    format!("{}.{:02}", bp / 100, bp % 100)
}

/// The ASEAN share of turnover by country (from the rollups).
///
/// For the public, a country whose figure sums fewer contracts than the minimum is withheld
/// like any turnover cell ([`turnover_for`]): it reads as zero with `withheld` set, and the
/// ASEAN sums and shares cover the published countries.
#[tracing::instrument(skip_all)]
pub async fn asean(
    db: &impl ConnectionTrait,
    params: &TurnoverParams,
    audience: Audience,
) -> ApiResult<AseanOut> {
    let by_country = |basis| {
        let mut p = params.clone();
        p.basis = Some(basis);
        p.group_by = Some("country".to_owned());
        p.source = Some(Source::Rollup);
        p
    };
    let output = turnover_for(db, &by_country(Basis::Output), audience).await?;
    let absorption = turnover_for(db, &by_country(Basis::Absorption), audience).await?;
    let find = |out: &TurnoverOut, code: &str| {
        out.rows
            .iter()
            .find(|r| r.keys.get("country").map(String::as_str) == Some(code))
            .map(|r| (r.amount_cny_minor, r.contract_count))
            .unwrap_or((0, 0))
    };
    let asean_out: i64 = taxonomy::ASEAN
        .iter()
        .map(|m| find(&output, m.code).0)
        .sum();
    let asean_abs: i64 = taxonomy::ASEAN
        .iter()
        .map(|m| find(&absorption, m.code).0)
        .sum();
    let countries = taxonomy::ASEAN
        .iter()
        .map(|m| {
            let (o, oc) = find(&output, m.code);
            let (a, ac) = find(&absorption, m.code);
            AseanRow {
                country: m.code.to_owned(),
                name_zh: m.zh.to_owned(),
                name_en: m.en.to_owned(),
                output_cny_minor: o,
                output_contracts: oc,
                absorption_cny_minor: a,
                absorption_contracts: ac,
                output_share_percent: percent(o, asean_out),
                absorption_share_percent: percent(a, asean_abs),
                withheld: country_withheld(&output, m.code)
                    || country_withheld(&absorption, m.code),
            }
        })
        .collect();
    Ok(AseanOut {
        amount: params.amount.unwrap_or_default(),
        countries,
        asean_output_cny_minor: asean_out,
        asean_absorption_cny_minor: asean_abs,
        total_output_cny_minor: output.total_amount_cny_minor,
        total_absorption_cny_minor: absorption.total_amount_cny_minor,
        asean_share_of_output_percent: percent(asean_out, output.total_amount_cny_minor),
        asean_share_of_absorption_percent: percent(asean_abs, absorption.total_amount_cny_minor),
    })
}
