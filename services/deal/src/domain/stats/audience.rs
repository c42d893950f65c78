//! Who reads a statistic, and so how much of it they may see: the one place of the rules that
//! keep a single contract's amount from being published, that confine a city office to its
//! city, and that keep an office's figures to that office and the platform's operators
//! ([`reading`]).

use platform::auth::AuthUser;
use platform::city_scope::OperatorScope;
use platform::error::{ApiError, ApiResult};
use sea_orm::ConnectionTrait;

use super::{turnover, Dim, Source, TurnoverOut, TurnoverParams, TurnoverRow};
use crate::domain::offices;

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

/// The question `caller` (anonymous when `None`) may ask and the audience they read as — the
/// one rule of who reads which turnover figures, for every statistics route:
/// - a question about registration offices (an `office` filter or grouping) is for those who
///   read office figures ([`offices::office_figures`]): anonymous callers get 401, members of
///   organisations 403; a city office's operators read their own office (named or, when they
///   have one, implied) and get 403 for another; platform operators and the provincial office
///   read any office; an office that does not exist is a 404. Office figures are read as
///   operators read (every cell);
/// - otherwise the operators of city offices read their city (`platform::city_scope::cities`,
///   [`confine`]) as operators, and everyone else as [`Audience::of`] says.
#[tracing::instrument(skip_all)]
pub async fn reading(
    db: &impl ConnectionTrait,
    caller: Option<&AuthUser>,
    params: TurnoverParams,
    min_contracts: i64,
) -> ApiResult<(TurnoverParams, Audience)> {
    if asks_for_offices(&params) {
        let Some(caller) = caller else {
            return Err(ApiError::Unauthorized(
                "office figures are for registration offices: sign in".to_owned(),
            ));
        };
        if let Some(office) = params.office {
            offices::find(db, office).await?;
        }
        let figures = offices::office_figures(db, caller).await?;
        return Ok((confine_to_offices(&params, &figures)?, Audience::Operator));
    }
    match platform::city_scope::cities(db, caller).await? {
        Some(cities) => Ok((confine(&params, &cities)?, Audience::Operator)),
        None if acts_nowhere(db, caller).await? => Ok((params, Audience::Public { min_contracts })),
        None => Ok((params, Audience::of(caller, min_contracts))),
    }
}

/// An operator whose city offices were all closed: they read as the public does, never as an
/// operator of the whole region (closing an office never widens its people).
async fn acts_nowhere(db: &impl ConnectionTrait, caller: Option<&AuthUser>) -> ApiResult<bool> {
    Ok(matches!(
        OperatorScope::of_operator(db, caller).await?,
        Some(OperatorScope::Cities(cities)) if cities.is_empty()
    ))
}

/// The question of the drill-down to contracts (signed-in callers): the same rule as
/// [`reading`], and outside an office's figures and a city office's city, operators only.
pub async fn reading_contracts(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    params: TurnoverParams,
) -> ApiResult<TurnoverParams> {
    let (params, audience) = reading(db, Some(caller), params, i64::MAX).await?;
    if audience != Audience::Operator {
        caller.require_operator()?;
        return Err(ApiError::Forbidden(
            "your city offices are closed: the contracts behind the figures are not yours to read"
                .to_owned(),
        ));
    }
    Ok(params)
}

/// Whether a question is about registration offices.
fn asks_for_offices(params: &TurnoverParams) -> bool {
    params.office.is_some()
        || params.group_by.as_deref().is_some_and(|g| {
            g.split(',')
                .any(|d| Dim::parse(d.trim()) == Some(Dim::Office))
        })
}

/// Confines a question about offices to the offices whose figures the caller reads.
fn confine_to_offices(
    params: &TurnoverParams,
    figures: &offices::OfficeFigures,
) -> ApiResult<TurnoverParams> {
    let mut p = params.clone();
    match figures {
        offices::OfficeFigures::Any => {}
        offices::OfficeFigures::Refused => {
            return Err(ApiError::Forbidden(
                "office figures are for registration offices' operators and platform operators"
                    .to_owned(),
            ))
        }
        offices::OfficeFigures::Own(own) => match (params.office, own.as_slice()) {
            (Some(office), _) if own.contains(&office) => {}
            (Some(_), _) | (None, []) => {
                return Err(ApiError::Forbidden(
                    "your office reads its own figures only".to_owned(),
                ))
            }
            (None, [only]) => p.office = Some(*only),
            (None, _) => {
                return Err(ApiError::Forbidden(
                    "you work several offices: name one with office=".to_owned(),
                ))
            }
        },
    }
    Ok(p)
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
        || params.industry.is_some()
        || params.office.is_some();
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
