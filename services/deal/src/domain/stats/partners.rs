//! Turnover by the counterpart's partner group (domestic, ASEAN, other RCEP, Belt and Road,
//! other). The grouping is not a rollup dimension of its own: the rollups keep the
//! counterpart's country, and a country's group is read from `platform::countries::Served`
//! (configuration and operator-added countries), so an operator filing a country under a
//! group regroups every month at once without rebuilding a rollup.

use std::collections::BTreeSet;

use platform::config::CountriesConfig;
use platform::countries::Served;
use platform::error::{ApiError, ApiResult};
use sea_orm::ConnectionTrait;
use wire::partners::{PartnerGroupRow, PartnerGroupsOut};
use wire::PartnerGroup;

use super::{turnover_for, Audience, Basis, Source, TurnoverParams};

/// Turnover grouped by partner group, on both bases (from the rollups; for the public, a
/// country cell with too few contracts is withheld as everywhere, and the groups sum the
/// published cells).
#[tracing::instrument(skip_all)]
pub async fn partner_groups(
    db: &impl ConnectionTrait,
    countries: &CountriesConfig,
    params: &TurnoverParams,
    audience: Audience,
) -> ApiResult<PartnerGroupsOut> {
    let by_country = |basis| {
        let mut p = params.clone();
        p.basis = Some(basis);
        p.group_by = Some("country".to_owned());
        p.source = Some(Source::Rollup);
        p
    };
    let output = turnover_for(db, &by_country(Basis::Output), audience).await?;
    let absorption = turnover_for(db, &by_country(Basis::Absorption), audience).await?;
    let served = Served::load(db, countries).await?;
    let mut groups: Vec<(PartnerGroupRow, BTreeSet<String>)> = PartnerGroup::ALL
        .iter()
        .map(|&g| {
            (
                PartnerGroupRow {
                    partner_group: g,
                    label_zh: g.label_zh().to_owned(),
                    label_en: g.label_en().to_owned(),
                    output_cny_minor: 0,
                    output_contracts: 0,
                    absorption_cny_minor: 0,
                    absorption_contracts: 0,
                    countries: Vec::new(),
                },
                BTreeSet::new(),
            )
        })
        .collect();
    let overflow = || ApiError::Internal(anyhow::anyhow!("partner group sum overflows i64"));
    for (out, is_output) in [(&output, true), (&absorption, false)] {
        for row in &out.rows {
            let Some(code) = row.keys.get("country") else {
                continue;
            };
            let group = served.group_of(code);
            let Some((g, codes)) = groups.iter_mut().find(|(g, _)| g.partner_group == group) else {
                continue;
            };
            codes.insert(code.clone());
            let (amount, count) = if is_output {
                (&mut g.output_cny_minor, &mut g.output_contracts)
            } else {
                (&mut g.absorption_cny_minor, &mut g.absorption_contracts)
            };
            *amount = amount
                .checked_add(row.amount_cny_minor)
                .ok_or_else(overflow)?;
            *count = count.checked_add(row.contract_count).ok_or_else(overflow)?;
        }
    }
    Ok(PartnerGroupsOut {
        amount: params.amount.unwrap_or_default(),
        groups: groups
            .into_iter()
            .map(|(mut g, codes)| {
                g.countries = codes.into_iter().collect();
                g
            })
            .collect(),
        total_output_cny_minor: output.total_amount_cny_minor,
        total_absorption_cny_minor: absorption.total_amount_cny_minor,
        withheld: output.withheld_cells > 0 || absorption.withheld_cells > 0,
    })
}
