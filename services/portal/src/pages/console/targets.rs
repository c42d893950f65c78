//! The targets the statistics report against: listed by year, created and edited in yuan or
//! counts.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::Form;
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::{
    at, local_refusal, refusal_or_fail, require_operator, tabs, with_status, PageParam, Refusal,
    Tab, PER_PAGE,
};
use crate::api::{urlencode, with_query};
use crate::i18n::Tr;
use crate::money::{money_plain, parse_major_to_minor};
use crate::page::{done, render, typed, Ctx, FormErrors, PageResult};
use crate::pages::dashboard::indicator_name;
use crate::pages::{page_param, path_id, Pager};
use crate::session::Viewer;
use crate::Portal;
use wire::deal::TargetOut;
use wire::Page;

pub struct TargetRow {
    pub id: String,
    pub year: i32,
    pub indicator: &'static str,
    pub money: bool,
    pub value: String,
    /// The value as the edit form shows it: yuan with two decimals, or a count.
    pub input: String,
    pub baseline: String,
    pub source: String,
    pub updated: String,
    pub version: i64,
}

/// An indicator the create form offers, with whether it is measured in money.
pub struct IndicatorOption {
    pub code: &'static str,
    pub label: &'static str,
}

#[derive(Template)]
#[template(path = "console_targets.html")]
pub(super) struct TargetsPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    rows: Vec<TargetRow>,
    years: Vec<i32>,
    year: String,
    pager: Pager,
    page: u64,
    refusal: Refusal,
    indicators: Vec<IndicatorOption>,
    /// The create form: what it shows, and its errors when the API refused it.
    create: CreateValues,
    create_errors: FormErrors,
}

/// The fields of the create form, as typed.
#[derive(Debug, Default)]
pub struct CreateValues {
    pub year: String,
    pub indicator: String,
    pub target_value: String,
    pub baseline_value: String,
    pub baseline_year: String,
    pub source: String,
}

pub(super) const INDICATORS: [&str; 4] = [
    "contract_turnover",
    "achievements_transferred",
    "enterprises_served",
    "brokers_trained",
];

/// Decimals of a money target: targets are in yuan (the API stores fen).
pub(super) const YUAN_EXPONENT: u32 = 2;

/// A target figure typed in a form, read by the one amount parser: yuan with at most two
/// decimals for money indicators (into fen), a whole count otherwise.
pub(super) fn parse_target_value(money: bool, text: &str) -> Option<i64> {
    let exponent = if money { YUAN_EXPONENT } else { 0 };
    parse_major_to_minor(text, exponent).ok()
}

/// What a field says when its figure cannot be read.
pub(super) fn value_invalid(t: Tr, money: bool) -> String {
    let key = if money {
        "console.amount_invalid"
    } else {
        "console.count_invalid"
    };
    t.t(key).to_owned()
}

pub(super) fn is_money(indicator: &str) -> bool {
    indicator == "contract_turnover"
}

pub(super) async fn targets(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_operator(&viewer)?;
    targets_page(
        &portal,
        &viewer,
        page_param(q.page),
        q.year.trim(),
        Refusal::default(),
    )
    .await
}

pub(super) async fn targets_page(
    portal: &Portal,
    viewer: &Viewer,
    page: u64,
    year: &str,
    refusal: Refusal,
) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let caller = viewer.caller();
    let year: String = year
        .parse::<i32>()
        .map(|y| y.to_string())
        .unwrap_or_default();
    let path = with_query(
        "/api/v1/targets",
        &[
            ("year", year.clone()),
            ("page", page.to_string()),
            ("per_page", PER_PAGE.to_string()),
        ],
    );
    let (list, all, tabs) = tokio::join!(
        portal.api.get::<Page<TargetOut>>(caller, &path),
        portal
            .api
            .get::<Page<TargetOut>>(caller, "/api/v1/targets?per_page=100"),
        tabs(&portal.api, caller, t, "targets"),
    );
    let list = list.map_err(|e| viewer.fail(e))?;
    let mut years: Vec<i32> = all
        .map(|p| p.items.into_iter().map(|t| t.year).collect())
        .unwrap_or_default();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    let show = |money: bool, v: i64| if money { t.cny(v) } else { t.count(v) };
    let rows = list
        .items
        .into_iter()
        .map(|x| {
            let money = x.unit == "fen" || is_money(&x.indicator);
            TargetRow {
                indicator: indicator_name(&x.indicator),
                value: show(money, x.target_value),
                input: if money {
                    money_plain(x.target_value, YUAN_EXPONENT)
                } else {
                    x.target_value.to_string()
                },
                baseline: match (x.baseline_value, x.baseline_year) {
                    (Some(v), Some(y)) => format!("{} ({y})", show(money, v)),
                    (Some(v), None) => show(money, v),
                    _ => "—".to_owned(),
                },
                updated: t.day(&x.updated_at),
                money,
                id: x.id.to_string(),
                year: x.year,
                source: x.source,
                version: x.version.into(),
            }
        })
        .collect();
    let base = if year.is_empty() {
        format!("/console/targets?page={page}")
    } else {
        format!("/console/targets?year={year}&page={page}")
    };
    let pager = Pager::new(&base, "page", list.page, PER_PAGE, list.total);
    let indicators = INDICATORS
        .iter()
        .map(|c| IndicatorOption {
            code: c,
            label: t.t(indicator_name(c)),
        })
        .collect();
    let mut refusal = refusal;
    let (create, create_errors) = if refusal.is("new") {
        let v = |k: &str| refusal.values.get(k).cloned().unwrap_or_default();
        let create = CreateValues {
            year: v("year"),
            indicator: v("indicator"),
            target_value: v("target_value"),
            baseline_value: v("baseline_value"),
            baseline_year: v("baseline_year"),
            source: v("source"),
        };
        (create, std::mem::take(&mut refusal.errors))
    } else {
        let next_year = years.first().map_or_else(
            || chrono::Utc::now().date_naive().format("%Y").to_string(),
            |y| (y + 1).to_string(),
        );
        let create = CreateValues {
            year: next_year,
            indicator: INDICATORS[0].to_owned(),
            ..CreateValues::default()
        };
        (create, FormErrors::default())
    };
    Ok(render(&TargetsPage {
        ctx,
        tabs,
        rows,
        years,
        year,
        pager,
        page,
        refusal,
        indicators,
        create,
        create_errors,
    }))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct TargetForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    indicator: String,
    #[serde(default)]
    target_value: String,
    #[serde(default)]
    baseline_value: String,
    #[serde(default)]
    baseline_year: String,
    #[serde(default)]
    source: String,
    /// The version the page showed (the edit form's; the create form has none).
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    money: String,
    #[serde(default)]
    page: Option<u64>,
    /// The year filter of the list the form was posted from.
    #[serde(default)]
    shown_year: String,
}

impl TargetForm {
    fn values(&self) -> Vec<(&'static str, &str)> {
        vec![
            ("year", self.year.as_str()),
            ("indicator", self.indicator.as_str()),
            ("target_value", self.target_value.as_str()),
            ("baseline_value", self.baseline_value.as_str()),
            ("baseline_year", self.baseline_year.as_str()),
            ("source", self.source.as_str()),
        ]
    }
}

pub(super) async fn refuse_target(
    portal: &Portal,
    viewer: &Viewer,
    form: &TargetForm,
    refusal: Refusal,
    status: StatusCode,
) -> PageResult {
    let page = page_param(form.page);
    let shown = form.shown_year.trim();
    let path = if shown.is_empty() {
        "/console/targets".to_owned()
    } else {
        format!("/console/targets?year={}", urlencode(shown))
    };
    let v = at(viewer, path);
    Ok(with_status(
        targets_page(portal, &v, page, shown, refusal).await?,
        status,
    ))
}

pub(super) async fn create_target(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<TargetForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let t = Tr::new(viewer.lang);
    let money = is_money(&form.indicator);
    let mut errors = FormErrors::default();
    let year = form.year.trim().parse::<i32>().ok();
    if year.is_none() {
        errors
            .fields
            .insert("year".to_owned(), t.t("console.year_invalid").to_owned());
    }
    let value = parse_target_value(money, &form.target_value);
    if value.is_none() {
        errors
            .fields
            .insert("target_value".to_owned(), value_invalid(t, money));
    }
    let baseline = match typed(&form.baseline_value) {
        None => Some(None),
        Some(b) => parse_target_value(money, b).map(Some),
    };
    if baseline.is_none() {
        errors
            .fields
            .insert("baseline_value".to_owned(), value_invalid(t, money));
    }
    let baseline_year = match typed(&form.baseline_year) {
        None => Some(None),
        Some(b) => b.parse::<i32>().ok().map(Some),
    };
    if baseline_year.is_none() {
        errors.fields.insert(
            "baseline_year".to_owned(),
            t.t("console.year_invalid").to_owned(),
        );
    }
    if !errors.fields.is_empty() {
        errors.summary = Some(t.t("common.form_has_errors").to_owned());
        let refusal = Refusal::new("new", errors, &form.values());
        return refuse_target(
            &portal,
            &viewer,
            &form,
            refusal,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let body = json!({
        "year": year,
        "indicator": form.indicator,
        "target_value": value,
        "baseline_value": baseline.flatten(),
        "baseline_year": baseline_year.flatten(),
        "source": form.source.trim(),
    });
    match portal
        .api
        .post::<TargetOut>(viewer.caller(), "/api/v1/targets", &body)
        .await
    {
        Ok(created) => Ok(done(
            &format!("/console/targets?year={}", created.year),
            "saved",
        )),
        Err(e) => {
            let (refusal, status) = refusal_or_fail(&viewer, e, "new", &form.values())?;
            refuse_target(&portal, &viewer, &form, refusal, status).await
        }
    }
}

pub(super) async fn update_target(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<TargetForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let Some(version) = form.version else {
        return Err(viewer.error_page(StatusCode::BAD_REQUEST, String::new()));
    };
    let t = Tr::new(viewer.lang);
    let money = form.money == "true";
    let Some(value) = parse_target_value(money, &form.target_value) else {
        let message = value_invalid(t, money);
        let (refusal, status) = local_refusal(&id, "target_value", &message, &form.values());
        return refuse_target(&portal, &viewer, &form, refusal, status).await;
    };
    let body = json!({"version": version, "target_value": value, "source": typed(&form.source)});
    let path = format!("/api/v1/targets/{id}");
    match portal
        .api
        .json::<TargetOut>(viewer.caller(), Method::PATCH, &path, &body)
        .await
    {
        Ok(updated) => Ok(done(
            &format!("/console/targets?year={}", updated.year),
            "updated",
        )),
        Err(e) => {
            let (refusal, status) = refusal_or_fail(&viewer, e, &id, &form.values())?;
            refuse_target(&portal, &viewer, &form, refusal, status).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_targets_are_yuan_read_into_fen_exactly() {
        assert_eq!(
            parse_target_value(true, "120000000000"),
            Some(12_000_000_000_000)
        );
        assert_eq!(parse_target_value(true, "1,234.5"), Some(123_450));
        assert_eq!(parse_target_value(true, "0.07"), Some(7));
        assert_eq!(parse_target_value(true, "1.230"), Some(123));
        assert_eq!(parse_target_value(true, "1\u{a0}234"), Some(123_400));
        assert_eq!(parse_target_value(true, "1.234"), None);
        assert_eq!(parse_target_value(true, "-3"), None);
        assert_eq!(parse_target_value(true, "1,5"), None);
        assert_eq!(parse_target_value(true, ""), None);
        assert_eq!(parse_target_value(true, "99999999999999999999"), None);
        let shown = money_plain(12_000_000_000_000, YUAN_EXPONENT);
        assert_eq!(shown, "120,000,000,000.00");
        assert_eq!(parse_target_value(true, &shown), Some(12_000_000_000_000));
    }

    #[test]
    fn counts_are_whole_numbers() {
        assert_eq!(parse_target_value(false, "20,000"), Some(20_000));
        assert_eq!(parse_target_value(false, "1.5"), None);
        assert_eq!(parse_target_value(false, ""), None);
    }
}
