//! The statistics dashboard (public): the year's technology-market turnover against its target
//! with the projection, turnover by month, city, contract type and industry field, the ASEAN
//! share by country, and the platform's KPI cards. Every chart is server-side SVG
//! ([`crate::charts`]) with the same numbers in a table under it.
//!
//! Any year can be chosen: with a target the year is measured against it; with or without
//! one, against 2020's baseline (the plan's starting figure, stored with the targets) and
//! within the trend over every registered year. `basis=output|absorption` switches the side
//! counted (seller or buyer in Guangxi) and survives in every link; operators drill from a
//! figure to its contracts and anyone exports the figures ([`drill`]).

mod drill;

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::Router;
use chrono::Datelike;
use serde::Deserialize;

use super::Labels;
use crate::api::{with_query, ApiError};
use crate::charts::{self, Datum, Marker};
use crate::format::{decimal2, group_digits};
use crate::i18n::Tr;
use crate::page::{render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::deal::TargetOut;
use wire::stats::{AseanOut, AseanRow, Kpis, TargetsOut, TurnoverOut, TurnoverRow};
use wire::{Basis, Dim, Page};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/dashboard", get(dashboard))
        .route("/dashboard/contracts", get(drill::contracts))
        .route("/dashboard/export", get(drill::export))
}

/// The indicator whose unit is fen: the technology-market turnover.
const TURNOVER: &str = "contract_turnover";

/// The dashboard's query: any text is accepted and a bad value falls back to the default (a
/// shared link with a typo still opens the page).
#[derive(Debug, Default, Deserialize)]
struct YearParam {
    #[serde(default)]
    year: String,
    #[serde(default)]
    basis: String,
}

/// The requested side, output unless `absorption` is asked for.
fn chosen_basis(param: &str) -> Basis {
    Basis::parse(param.trim()).unwrap_or_default()
}

/// The query string carrying the year and the side, for links that keep both.
fn year_basis_query(year: i32, basis: Basis) -> String {
    format!("year={year}&basis={}", basis.as_str())
}

/// The API's smallest public group (`deal.stats_min_cell_contracts`), named in the note on
/// withheld groups.
const MIN_PUBLIC_CONTRACTS: &str = "3";

/// The turnover target of the year with its chart, every figure as people read it.
pub struct TargetView {
    pub actual: String,
    pub target: String,
    pub projection: String,
    pub percent: String,
    pub remaining: String,
    pub needed_monthly: String,
    pub current_monthly: String,
    pub months_remaining: String,
    pub baseline: String,
    pub source: String,
    pub on_track: bool,
    pub svg: String,
}

/// One breakdown of the year's turnover (by month, city, type or field).
pub struct Breakdown {
    pub id: &'static str,
    pub heading: &'static str,
    pub column: &'static str,
    pub svg: String,
    pub rows: Vec<BreakdownRow>,
    /// No contract in any group: the page says so instead of an empty chart.
    pub empty: bool,
    /// Groups withheld from public view, in words (empty when none).
    pub withheld: String,
    pub total_count: String,
    pub total_amount: String,
    pub total_yuan: String,
}

pub struct BreakdownRow {
    pub label: String,
    /// The group's code (a month `YYYY-MM`, a city, a type, a field).
    pub code: String,
    /// The contracts behind this figure (operators), empty when there is no link.
    pub href: String,
    pub contracts: String,
    pub amount: String,
    pub yuan: String,
}

/// A target measured in counts (achievements transferred, enterprises served, brokers).
pub struct IndicatorRow {
    pub name: &'static str,
    pub actual: String,
    pub target: String,
    pub percent: String,
    pub measure: String,
    pub on_track: bool,
}

pub struct AseanView {
    pub svg: String,
    pub rows: Vec<AseanLine>,
    pub output: String,
    pub absorption: String,
    pub share_output: String,
    pub share_absorption: String,
    pub any: bool,
}

pub struct AseanLine {
    pub name: String,
    pub output: String,
    pub output_contracts: String,
    pub output_share: String,
    pub absorption: String,
    pub absorption_contracts: String,
    pub absorption_share: String,
}

/// A year the selector offers.
pub struct YearOption {
    pub year: i32,
    pub selected: bool,
}

/// One registered year of the trend, against its target and the baseline.
pub struct TrendRow {
    pub year: i32,
    /// The dashboard of that year (same side).
    pub href: String,
    /// Its contracts (operators), empty otherwise.
    pub drill: String,
    pub contracts: String,
    pub amount: String,
    pub yuan: String,
    /// The year's turnover target, or "—".
    pub target: String,
    /// Percent of the target reached, or "—".
    pub of_target: String,
    /// Percent of the baseline year's figure, or "—".
    pub of_baseline: String,
    pub selected: bool,
}

/// The turnover of every registered year, with a chart.
pub struct TrendView {
    pub svg: String,
    pub rows: Vec<TrendRow>,
    /// The baseline in words ("Baseline: 565.71 亿元 in 2020"), empty when none is stored.
    pub baseline: String,
}

pub struct Kpi {
    pub label: &'static str,
    pub value: String,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    ctx: Ctx,
    year: i32,
    basis: Basis,
    years: Vec<YearOption>,
    /// Years with a target, for the "no target this year" notice.
    target_years: Vec<i32>,
    as_of: String,
    actual: String,
    actual_yuan: String,
    contracts: String,
    turnover: Option<TargetView>,
    indicators: Vec<IndicatorRow>,
    /// The chosen year against the baseline ("112.3% of 2020's 565.71 亿元"), empty when no
    /// baseline is stored or the side is absorption (the baseline is an output figure).
    vs_baseline: String,
    trend: TrendView,
    /// Export links: (label, href).
    exports: Vec<(&'static str, String)>,
    /// The caller may open the contracts behind a figure (operators): the tables get a
    /// column of links.
    drill: bool,
    breakdowns: Vec<Breakdown>,
    asean: AseanView,
    kpis: Vec<Kpi>,
}

impl DashboardPage {
    fn heading(&self) -> String {
        self.ctx
            .t
            .f("dash.turnover_heading", &[("year", &self.year.to_string())])
    }

    fn contracts_line(&self) -> String {
        self.ctx.t.f(
            "dash.contracts_registered_in_year",
            &[("count", &self.contracts), ("year", &self.year.to_string())],
        )
    }

    fn no_target(&self) -> String {
        self.ctx
            .t
            .f("dash.no_target", &[("year", &self.year.to_string())])
    }

    fn empty_year(&self) -> String {
        self.ctx
            .t
            .f("dash.empty_year", &[("year", &self.year.to_string())])
    }

    fn as_of_line(&self) -> String {
        self.ctx.t.f("dash.as_of", &[("date", &self.as_of)])
    }

    fn is_output(&self) -> bool {
        self.basis == Basis::Output
    }

    fn basis_note(&self) -> &'static str {
        match self.basis {
            Basis::Output => self.ctx.t.t("dash.basis_note"),
            Basis::Absorption => self.ctx.t.t("dash.basis_note_absorption"),
        }
    }
}

fn current_year() -> i32 {
    chrono::Utc::now().year()
}

/// The requested year when it is a plausible one, else the current year.
fn chosen_year(param: &str) -> i32 {
    param
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (2000..=2100).contains(y))
        .unwrap_or_else(current_year)
}

async fn dashboard(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<YearParam>,
) -> PageResult {
    let ctx = Ctx::new(&viewer, "dashboard");
    let year = chosen_year(&q.year);
    let basis = chosen_basis(&q.basis);
    let api = &portal.api;
    let caller = viewer.caller();
    let y = year.to_string();
    let b = basis.as_str().to_owned();
    let turnover = |group: Dim| {
        with_query(
            "/api/v1/stats/turnover",
            &[
                ("group_by", group.as_str().to_owned()),
                ("year", y.clone()),
                ("basis", b.clone()),
            ],
        )
    };
    let trend_path = with_query(
        "/api/v1/stats/turnover",
        &[
            ("group_by", Dim::Year.as_str().to_owned()),
            ("basis", b.clone()),
        ],
    );
    let targets_path = with_query("/api/v1/stats/targets", &[("year", y.clone())]);
    let asean_path = with_query("/api/v1/stats/asean", &[("year", y.clone())]);
    let (month_path, city_path, type_path, industry_path) = (
        turnover(Dim::Month),
        turnover(Dim::City),
        turnover(Dim::ContractType),
        turnover(Dim::Industry),
    );
    let (targets, stored, month, city, ctype, industry) = tokio::join!(
        api.get::<TargetsOut>(caller, &targets_path),
        api.get::<Page<TargetOut>>(caller, "/api/v1/targets?per_page=100"),
        api.get::<TurnoverOut>(caller, &month_path),
        api.get::<TurnoverOut>(caller, &city_path),
        api.get::<TurnoverOut>(caller, &type_path),
        api.get::<TurnoverOut>(caller, &industry_path),
    );
    let (asean, kpis, labels, by_year) = tokio::join!(
        api.get::<AseanOut>(caller, &asean_path),
        api.get::<Kpis>(caller, "/api/v1/stats/kpis"),
        Labels::load(&portal, &viewer),
        api.get::<TurnoverOut>(caller, &trend_path),
    );
    let fail = |e: ApiError| viewer.fail(e);
    let targets = targets.map_err(fail)?;
    let stored = stored.map_err(fail)?;
    let month = month.map_err(fail)?;
    let (city, ctype, industry) = (
        city.map_err(fail)?,
        ctype.map_err(fail)?,
        industry.map_err(fail)?,
    );
    let (asean, kpis) = (asean.map_err(fail)?, kpis.map_err(fail)?);
    let by_year = by_year.map_err(fail)?;
    let drill = viewer.is_operator();

    let t = ctx.t;
    let target_years: BTreeSet<i32> = stored.items.iter().map(|s| s.year).collect();
    let mut years: BTreeSet<i32> = target_years.clone();
    years.extend(by_year.rows.iter().filter_map(|r| {
        r.keys
            .get(Dim::Year.as_str())
            .and_then(|y| y.parse::<i32>().ok())
    }));
    years.insert(current_year());
    years.insert(year);
    let trend = trend_view(t, &stored.items, &by_year, year, basis, drill);
    let vs_baseline = if basis == Basis::Output {
        baseline_of(&stored.items)
            .map(|(by, fen)| {
                t.f(
                    "dash.vs_baseline",
                    &[
                        ("percent", &percent_of(month.total_amount_cny_minor, fen)),
                        ("year", &by.to_string()),
                        ("amount", &t.cny(fen)),
                    ],
                )
            })
            .unwrap_or_default()
    } else {
        String::new()
    };
    let exports = ["csv", "xlsx"]
        .into_iter()
        .map(|format| {
            (
                if format == "csv" {
                    "dash.export_csv"
                } else {
                    "dash.export_xlsx"
                },
                format!(
                    "/dashboard/export?{}&format={format}",
                    year_basis_query(year, basis)
                ),
            )
        })
        .collect();
    let turnover_target = targets
        .indicators
        .iter()
        .find(|p| p.indicator == TURNOVER)
        .cloned();
    let actual_fen = month.total_amount_cny_minor;

    // The target is an output figure: on the absorption side there is nothing to compare.
    let turnover_view = turnover_target
        .clone()
        .filter(|_| basis == Basis::Output)
        .map(|p| {
            let summary = t.f(
                "dash.target_chart_summary",
                &[
                    ("year", &y),
                    ("actual", &t.cny(p.actual)),
                    ("target", &t.cny(p.target_value)),
                    ("projection", &t.cny(p.projection)),
                    ("percent", &p.progress_percent),
                ],
            );
            let bars = [
                Datum::new(t.t("dash.bar_actual"), p.actual, t.cny(p.actual)),
                Datum::new(
                    t.t("dash.bar_projection"),
                    p.projection,
                    t.cny(p.projection),
                )
                .alt(),
            ];
            let marker = Marker {
                label: t.f("dash.target_marker", &[("amount", &t.cny(p.target_value))]),
                value: p.target_value,
            };
            let baseline = match (p.baseline_value, p.baseline_year) {
                (Some(v), Some(by)) => t.f(
                    "dash.baseline",
                    &[("year", &by.to_string()), ("amount", &t.cny(v))],
                ),
                _ => String::new(),
            };
            TargetView {
                actual: t.cny(p.actual),
                target: t.cny(p.target_value),
                projection: t.cny(p.projection),
                percent: format!("{}%", p.progress_percent),
                remaining: t.cny(p.remaining),
                needed_monthly: t.cny(p.needed_monthly_rate),
                current_monthly: t.cny(p.current_monthly_rate),
                months_remaining: t.f(
                    "dash.months_remaining",
                    &[("n", &p.months_remaining.to_string())],
                ),
                baseline,
                source: t.f("dash.source_line", &[("source", &p.source)]),
                on_track: p.on_track,
                svg: charts::horizontal("chart-target", &summary, &bars, Some(&marker)),
            }
        });

    let indicators = targets
        .indicators
        .iter()
        .filter(|p| p.indicator != TURNOVER)
        .map(|p| IndicatorRow {
            name: indicator_name(&p.indicator),
            actual: t.count(p.actual),
            target: t.count(p.target_value),
            percent: format!("{}%", p.progress_percent),
            measure: if p.measure == "cumulative" {
                let from = p.baseline_year.map_or(2021, |b| b + 1);
                t.f("dash.measure_cumulative", &[("from", &from.to_string())])
            } else {
                t.t("dash.measure_annual").to_owned()
            },
            on_track: p.on_track,
        })
        .collect();

    let link = |pairs: &[(&str, String)]| {
        if drill {
            with_query(
                "/dashboard/contracts",
                &[&[("basis", b.clone())], pairs].concat(),
            )
        } else {
            String::new()
        }
    };
    let mut breakdowns = vec![
        month_breakdown(t, year, &month),
        breakdown(
            t,
            &labels,
            "by-city",
            "dash.by_city",
            "dash.col_city",
            Dim::City,
            &city,
        ),
        breakdown(
            t,
            &labels,
            "by-type",
            "dash.by_type",
            "dash.col_type",
            Dim::ContractType,
            &ctype,
        ),
        breakdown(
            t,
            &labels,
            "by-industry",
            "dash.by_industry",
            "dash.col_industry",
            Dim::Industry,
            &industry,
        ),
    ];

    // Drill-down links (operators): each row's contracts, by the row's key.
    for (bd, dim) in
        breakdowns
            .iter_mut()
            .zip([Dim::Month, Dim::City, Dim::ContractType, Dim::Industry])
    {
        for row in &mut bd.rows {
            row.href = if dim == Dim::Month {
                link(&[(dim.as_str(), row.code.clone())])
            } else {
                link(&[
                    (Dim::Year.as_str(), y.clone()),
                    (dim.as_str(), row.code.clone()),
                ])
            };
        }
    }
    let asean = asean_view(t, year, &asean);
    let kpis = vec![
        Kpi {
            label: t.t("dash.kpi_organisations"),
            value: group_digits(kpis.organisations),
        },
        Kpi {
            label: t.t("dash.kpi_enterprises"),
            value: group_digits(kpis.enterprises),
        },
        Kpi {
            label: t.t("dash.kpi_achievements"),
            value: group_digits(kpis.achievements_published),
        },
        Kpi {
            label: t.t("dash.kpi_needs"),
            value: group_digits(kpis.needs_published),
        },
        Kpi {
            label: t.t("dash.kpi_matches"),
            value: group_digits(kpis.matches),
        },
        Kpi {
            label: t.t("dash.kpi_deals_open"),
            value: group_digits(kpis.deals_open),
        },
        Kpi {
            label: t.t("dash.kpi_contracts_signed"),
            value: group_digits(kpis.contracts_signed),
        },
        Kpi {
            label: t.t("dash.kpi_contracts_registered"),
            value: group_digits(kpis.contracts_registered),
        },
        Kpi {
            label: t.t("dash.kpi_output"),
            value: t.cny(kpis.registered_output_cny_minor),
        },
        Kpi {
            label: t.t("dash.kpi_absorption"),
            value: t.cny(kpis.registered_absorption_cny_minor),
        },
        Kpi {
            label: t.t("dash.kpi_brokers"),
            value: group_digits(kpis.brokers_verified),
        },
    ];

    Ok(render(&DashboardPage {
        years: years
            .into_iter()
            .rev()
            .map(|y| YearOption {
                year: y,
                selected: y == year,
            })
            .collect(),
        target_years: target_years.into_iter().rev().collect(),
        basis,
        vs_baseline,
        trend,
        exports,
        drill,
        as_of: targets.as_of.to_string(),
        actual: t.cny(actual_fen),
        actual_yuan: decimal2(actual_fen),
        contracts: t.count(month.total_contract_count),
        turnover: turnover_view,
        indicators,
        breakdowns,
        asean,
        kpis,
        year,
        ctx,
    }))
}

/// The stored 2020 baseline of the turnover indicator: `(year, fen)` from the latest turnover
/// target that names one (the migration seeds 565.71 亿元 for 2020 with the 2025 target).
fn baseline_of(stored: &[TargetOut]) -> Option<(i32, i64)> {
    stored
        .iter()
        .filter(|s| s.indicator == TURNOVER)
        .filter_map(|s| Some((s.year, s.baseline_year?, s.baseline_value?)))
        .max_by_key(|(year, _, _)| *year)
        .map(|(_, by, fen)| (by, fen))
}

/// `part` as a percent of `whole` with two decimals ("47.25%"), or "—" for no whole. Integer
/// arithmetic (amounts are never floats), rounded down.
fn percent_of(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "—".to_owned();
    }
    let bp = i128::from(part) * 10_000 / i128::from(whole);
    format!("{}.{:02}%", bp / 100, bp % 100)
}

/// The turnover of every registered year, each against its target (when one is stored) and
/// the baseline (output side only: the baseline and the targets are output figures).
fn trend_view(
    t: Tr,
    stored: &[TargetOut],
    by_year: &TurnoverOut,
    chosen: i32,
    basis: Basis,
    drill: bool,
) -> TrendView {
    let output = basis == Basis::Output;
    let baseline = baseline_of(stored).filter(|_| output);
    let target_of = |year: i32| {
        stored
            .iter()
            .find(|s| s.indicator == TURNOVER && s.year == year)
            .map(|s| s.target_value)
            .filter(|_| output)
    };
    let mut bars = Vec::new();
    let mut rows = Vec::new();
    for r in &by_year.rows {
        let Some(year) = r
            .keys
            .get(Dim::Year.as_str())
            .and_then(|y| y.parse::<i32>().ok())
        else {
            continue;
        };
        let fen = r.amount_cny_minor;
        bars.push(Datum::new(
            year.to_string(),
            fen,
            format!("{year}: {}", t.cny(fen)),
        ));
        let target = target_of(year);
        rows.push(TrendRow {
            year,
            href: format!("/dashboard?{}", year_basis_query(year, basis)),
            drill: if drill {
                format!("/dashboard/contracts?{}", year_basis_query(year, basis))
            } else {
                String::new()
            },
            contracts: t.count(r.contract_count),
            amount: t.cny(fen),
            yuan: decimal2(fen),
            target: target.map_or_else(|| "—".to_owned(), |v| t.cny(v)),
            of_target: target.map_or_else(|| "—".to_owned(), |v| percent_of(fen, v)),
            of_baseline: baseline.map_or_else(|| "—".to_owned(), |(_, v)| percent_of(fen, v)),
            selected: year == chosen,
        });
    }
    // No baseline line on the chart: the baseline is the region's official total, the bars
    // may be far smaller (sample data, or a year in progress) and would flatten; the table
    // gives each year's share of it.
    let summary = t.f(
        "dash.trend_summary",
        &[
            ("years", &rows.len().to_string()),
            ("total", &t.cny(by_year.total_amount_cny_minor)),
        ],
    );
    TrendView {
        svg: charts::vertical("chart-trend", &summary, &bars, None),
        rows,
        baseline: baseline
            .map(|(by, v)| {
                t.f(
                    "dash.baseline",
                    &[("year", &by.to_string()), ("amount", &t.cny(v))],
                )
            })
            .unwrap_or_default(),
    }
}

/// Words for an indicator code (shared with the console's targets tab).
pub fn indicator_name(code: &str) -> &'static str {
    match code {
        "contract_turnover" => "dash.indicator_contract_turnover",
        "achievements_transferred" => "dash.indicator_achievements_transferred",
        "enterprises_served" => "dash.indicator_enterprises_served",
        "brokers_trained" => "dash.indicator_brokers_trained",
        _ => "dash.indicator_other",
    }
}

/// The twelve months of `year` (months without registrations show as zero). No target line
/// here: a month is a small fraction of a yearly target, and the line would flatten the bars;
/// the target chart above carries the comparison.
fn month_breakdown(t: Tr, year: i32, out: &TurnoverOut) -> Breakdown {
    let by_month: BTreeMap<&str, &TurnoverRow> = out
        .rows
        .iter()
        .filter_map(|r| r.keys.get(Dim::Month.as_str()).map(|m| (m.as_str(), r)))
        .collect();
    let mut rows = Vec::with_capacity(12);
    let mut bars = Vec::with_capacity(12);
    // With groups withheld, a month missing from the answer may be empty or withheld: it is
    // shown as unknown, never as zero.
    let unknown = out.withheld_cells > 0;
    for m in 1..=12 {
        let key = format!("{year}-{m:02}");
        let found = by_month
            .get(key.as_str())
            .map(|r| (r.contract_count, r.amount_cny_minor));
        let (count, fen) = found.unwrap_or((0, 0));
        let shown = |text: String| {
            if found.is_none() && unknown {
                "—".to_owned()
            } else {
                text
            }
        };
        bars.push(Datum::new(
            format!("{m:02}"),
            fen,
            format!("{key}: {}", shown(t.cny(fen))),
        ));
        rows.push(BreakdownRow {
            code: key.clone(),
            href: String::new(),
            label: key,
            contracts: shown(t.count(count)),
            amount: shown(t.cny(fen)),
            yuan: shown(decimal2(fen)),
        });
    }
    let summary = t.f(
        "dash.month_chart_summary",
        &[
            ("year", &year.to_string()),
            ("total", &t.cny(out.total_amount_cny_minor)),
        ],
    );
    Breakdown {
        id: "by-month",
        heading: t.t("dash.by_month"),
        column: t.t("dash.col_month"),
        svg: charts::vertical("chart-by-month", &summary, &bars, None),
        rows,
        empty: out.total_contract_count == 0,
        withheld: withheld_note(t, out),
        total_count: t.count(out.total_contract_count),
        total_amount: t.cny(out.total_amount_cny_minor),
        total_yuan: decimal2(out.total_amount_cny_minor),
    }
}

/// Says how many groups the API withheld from public view (empty when none).
fn withheld_note(t: Tr, out: &TurnoverOut) -> String {
    if out.withheld_cells == 0 {
        return String::new();
    }
    t.f(
        "dash.withheld",
        &[
            ("cells", &out.withheld_cells.to_string()),
            ("min", MIN_PUBLIC_CONTRACTS),
        ],
    )
}

/// One grouping of the year's turnover, largest first.
fn breakdown(
    t: Tr,
    labels: &Labels,
    id: &'static str,
    heading: &'static str,
    column: &'static str,
    dim: Dim,
    out: &TurnoverOut,
) -> Breakdown {
    let mut sorted: Vec<&TurnoverRow> = out.rows.iter().collect();
    sorted.sort_by_key(|r| std::cmp::Reverse(r.amount_cny_minor));
    let named: Vec<(String, &TurnoverRow)> = sorted
        .into_iter()
        .map(|r| (row_label(t, labels, dim, r), r))
        .collect();
    let bars: Vec<Datum> = named
        .iter()
        .map(|(l, r)| Datum::new(l.clone(), r.amount_cny_minor, t.cny(r.amount_cny_minor)))
        .collect();
    let rows = named
        .iter()
        .map(|(l, r)| BreakdownRow {
            code: r.keys.get(dim.as_str()).cloned().unwrap_or_default(),
            href: String::new(),
            label: l.clone(),
            contracts: t.count(r.contract_count),
            amount: t.cny(r.amount_cny_minor),
            yuan: decimal2(r.amount_cny_minor),
        })
        .collect();
    let summary = t.f(
        "dash.breakdown_summary",
        &[
            ("what", t.t(heading)),
            ("groups", &named.len().to_string()),
            ("total", &t.cny(out.total_amount_cny_minor)),
        ],
    );
    Breakdown {
        id,
        heading: t.t(heading),
        column: t.t(column),
        svg: charts::horizontal(&format!("chart-{id}"), &summary, &bars, None),
        empty: named.is_empty() && out.withheld_cells == 0,
        withheld: withheld_note(t, out),
        rows,
        total_count: t.count(out.total_contract_count),
        total_amount: t.cny(out.total_amount_cny_minor),
        total_yuan: decimal2(out.total_amount_cny_minor),
    }
}

/// A group's name in the reader's language: the taxonomy's words, else the API's Chinese label,
/// else the code.
fn row_label(t: Tr, labels: &Labels, dim: Dim, row: &TurnoverRow) -> String {
    let code = row.keys.get(dim.as_str()).map(String::as_str).unwrap_or("");
    let api_zh = row
        .labels
        .get(dim.as_str())
        .map_or(code, String::as_str)
        .to_owned();
    let ours = match dim {
        Dim::City => labels.region(code),
        Dim::Industry => labels.industry(code),
        Dim::ContractType => contract_type_name(code)
            .map(|k| t.t(k).to_owned())
            .unwrap_or_default(),
        _ => String::new(),
    };
    if ours.is_empty() || ours == code {
        api_zh
    } else {
        ours
    }
}

fn contract_type_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "development" => "dash.type_development",
        "transfer" => "dash.type_transfer",
        "licence" => "dash.type_licence",
        "consulting" => "dash.type_consulting",
        "service" => "dash.type_service",
        _ => return None,
    })
}

fn asean_view(t: Tr, year: i32, a: &AseanOut) -> AseanView {
    let mut countries: Vec<&AseanRow> = a.countries.iter().collect();
    countries.sort_by(|x, y| {
        y.output_cny_minor
            .cmp(&x.output_cny_minor)
            .then(y.absorption_cny_minor.cmp(&x.absorption_cny_minor))
    });
    // The chart shows the countries with output; the table lists every member.
    let bars: Vec<Datum> = countries
        .iter()
        .filter(|c| c.output_cny_minor != 0)
        .map(|c| {
            let name = t.pick(&c.name_zh, &c.name_en).to_owned();
            Datum::new(
                name,
                c.output_cny_minor,
                format!(
                    "{} ({}%)",
                    t.cny(c.output_cny_minor),
                    c.output_share_percent
                ),
            )
        })
        .collect();
    let summary = t.f(
        "dash.asean_summary",
        &[
            ("year", &year.to_string()),
            ("amount", &t.cny(a.asean_output_cny_minor)),
            ("percent", &a.asean_share_of_output_percent),
        ],
    );
    let rows = countries
        .iter()
        .map(|c| {
            let shown = |text: String| if c.withheld { "—".to_owned() } else { text };
            AseanLine {
                name: format!("{} ({})", t.pick(&c.name_zh, &c.name_en), c.country),
                output: shown(t.cny(c.output_cny_minor)),
                output_contracts: shown(t.count(c.output_contracts)),
                output_share: shown(format!("{}%", c.output_share_percent)),
                absorption: shown(t.cny(c.absorption_cny_minor)),
                absorption_contracts: shown(t.count(c.absorption_contracts)),
                absorption_share: shown(format!("{}%", c.absorption_share_percent)),
            }
        })
        .collect();
    AseanView {
        svg: charts::horizontal("chart-asean", &summary, &bars, None),
        rows,
        output: t.cny(a.asean_output_cny_minor),
        absorption: t.cny(a.asean_absorption_cny_minor),
        share_output: format!("{}%", a.asean_share_of_output_percent),
        share_absorption: format!("{}%", a.asean_share_of_absorption_percent),
        any: a.asean_output_cny_minor != 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wire::{AmountKind, Basis, Dim, Source};

    #[test]
    fn a_bad_year_falls_back_to_the_current_one() {
        assert_eq!(chosen_year("2025"), 2025);
        assert_eq!(chosen_year("20x5"), current_year());
        assert_eq!(chosen_year("1800"), current_year());
    }

    #[test]
    fn months_without_registrations_show_as_zero() {
        let out = TurnoverOut {
            rows: vec![TurnoverRow {
                keys: BTreeMap::from([("month".to_owned(), "2025-03".to_owned())]),
                labels: BTreeMap::new(),
                contract_count: 2,
                amount_cny_minor: 123_456,
            }],
            total_contract_count: 2,
            total_amount_cny_minor: 123_456,
            withheld_cells: 0,
            basis: Basis::Output,
            amount: AmountKind::Contract,
            source: Source::Rollup,
            group_by: vec![Dim::Month],
            total_withheld: false,
        };
        let b = month_breakdown(Tr::new(crate::i18n::Lang::En), 2025, &out);
        assert_eq!(b.rows.len(), 12);
        assert_eq!(b.rows[2].yuan, "1,234.56");
        assert_eq!(b.rows[0].yuan, "0.00");
        // With groups withheld from the public, a missing month is unknown, not zero.
        let withheld = TurnoverOut {
            withheld_cells: 1,
            ..out
        };
        let b = month_breakdown(Tr::new(crate::i18n::Lang::En), 2025, &withheld);
        assert_eq!(b.rows[2].yuan, "1,234.56");
        assert_eq!(b.rows[0].yuan, "—");
        assert_eq!(b.total_yuan, "1,234.56");
    }
}
