//! Who reads a statistic, and so how much of it they may see: the one place of the rules that
//! keep a single contract's amount from being published.

use platform::error::{ApiError, ApiResult};
use sea_orm::ConnectionTrait;

use super::{turnover, Source, TurnoverOut, TurnoverParams, TurnoverRow};

/// Who reads a turnover table, and so how much of it they may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Operators see every cell.
    Operator,
    /// Everyone else sees only figures that sum at least `min_contracts` contracts: a cell of
    /// one contract is that contract's amount, which its parties did not agree to publish.
    Public { min_contracts: i64 },
}

impl Audience {
    /// The audience of `caller` (anonymous when `None`) under the configured minimum.
    pub fn of(caller: Option<&platform::auth::AuthUser>, min_contracts: i64) -> Audience {
        if caller.is_some_and(|c| c.is_operator) {
            Audience::Operator
        } else {
            Audience::Public { min_contracts }
        }
    }
}

/// Confines a turnover query to the cities a city office's operators work
/// (`platform::city_scope::cities`): one naming another city is refused, one naming none reads their
/// (only) city. Within it they read as operators do.
pub fn confine(params: &TurnoverParams, cities: &[String]) -> ApiResult<TurnoverParams> {
    let mut p = params.clone();
    match (&params.city, cities) {
        (Some(city), _) if cities.contains(city) => {}
        (Some(city), _) => {
            return Err(ApiError::Forbidden(format!(
                "your office reads the statistics of {} only, not of {city}",
                cities.join(", ")
            )))
        }
        (None, [only]) => p.city = Some(only.clone()),
        (None, _) => {
            return Err(ApiError::Forbidden(format!(
                "your offices work several cities: name one with city= ({})",
                cities.join(", ")
            )))
        }
    }
    Ok(p)
}

/// Answers `params` for `audience`. The public gets rollups only (a raw aggregation over every
/// contract is an operator's check, not a public query) and no figure summing fewer than the
/// minimum of contracts.
///
/// Suppression: cells under the minimum are left out, and when exactly one would be, the
/// smallest published cell goes with it, so that the total minus the published cells does
/// not give the hidden one back. A query narrowed by filters to a total under the minimum
/// gets neither cells nor totals. Not covered: differencing across separate queries with
/// overlapping groupings (city totals against city × month cells); an operator who needs
/// stronger protection raises `deal.stats_min_cell_contracts`.
#[tracing::instrument(skip_all, fields(stats.audience = ?audience))]
pub async fn turnover_for(
    db: &impl ConnectionTrait,
    params: &TurnoverParams,
    audience: Audience,
) -> ApiResult<TurnoverOut> {
    let Audience::Public { min_contracts } = audience else {
        return turnover(db, params).await;
    };
    if params.source == Some(Source::Raw) {
        return Err(ApiError::Forbidden(
            "source=raw is for operators; the public figures come from the rollups".to_owned(),
        ));
    }
    let mut out = turnover(db, params).await?;
    let narrowed = params.month.is_some()
        || params.from.is_some()
        || params.to.is_some()
        || params.city.is_some()
        || params.country.is_some()
        || params.contract_type.is_some()
        || params.industry.is_some();
    if narrowed && out.total_contract_count < min_contracts {
        out.withheld_cells = i64::try_from(out.rows.len()).unwrap_or(i64::MAX);
        out.rows.clear();
        out.total_contract_count = 0;
        out.total_amount_cny_minor = 0;
        out.total_withheld = true;
        return Ok(out);
    }
    let (small, mut shown): (Vec<TurnoverRow>, Vec<TurnoverRow>) = out
        .rows
        .into_iter()
        .partition(|r| r.contract_count < min_contracts);
    let mut withheld = small.len();
    if withheld == 1 && !shown.is_empty() {
        if let Some((i, _)) = shown
            .iter()
            .enumerate()
            .min_by_key(|(_, r)| (r.amount_cny_minor, r.contract_count))
        {
            shown.remove(i);
            withheld += 1;
        }
    }
    out.rows = shown;
    out.withheld_cells = i64::try_from(withheld).unwrap_or(i64::MAX);
    Ok(out)
}

/// Whether `out` (an answer of [`turnover_for`] grouped by country) withheld the cell of
/// country `code`: a country missing from a table with withheld cells.
pub(super) fn country_withheld(out: &TurnoverOut, code: &str) -> bool {
    out.withheld_cells > 0
        && !out
            .rows
            .iter()
            .any(|r| r.keys.get("country").map(String::as_str) == Some(code))
}
