//! From a dashboard figure to what is behind it: the registered contracts a figure sums
//! (operators; the API refuses anyone else and the page shows its answer) and the year's
//! figures as a CSV or XLSX file (anyone; the API applies the same withholding as the page).

use askama::Template;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderValue, Method};
use axum::response::IntoResponse;
use serde::Deserialize;

use crate::api::with_query;
use crate::format::decimal2;
use crate::page::{render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::stats::DrillOut;

/// The filters of a figure, passed to the API as given: a malformed value is the API's 400,
/// shown as the page's problem.
#[derive(Debug, Default, Deserialize)]
pub struct DrillParams {
    #[serde(default)]
    basis: String,
    #[serde(default)]
    year: String,
    #[serde(default)]
    month: String,
    #[serde(default)]
    city: String,
    #[serde(default)]
    contract_type: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    page: String,
    #[serde(default)]
    format: String,
}

impl DrillParams {
    fn pairs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("basis", self.basis.clone()),
            ("year", self.year.clone()),
            ("month", self.month.clone()),
            ("city", self.city.clone()),
            ("contract_type", self.contract_type.clone()),
            ("industry", self.industry.clone()),
            ("country", self.country.clone()),
        ]
    }
}

pub struct DrillLine {
    pub registered_on: String,
    pub registration_number: String,
    pub contract_number: String,
    pub title: String,
    pub contract_type: String,
    pub seller: String,
    pub buyer: String,
    pub yuan: String,
}

#[derive(Template)]
#[template(path = "dashboard_contracts.html")]
struct ContractsPage {
    ctx: Ctx,
    /// The filters in words ("year=2025 · basis=output").
    filters: String,
    back: String,
    total_count: String,
    total_amount: String,
    total_yuan: String,
    rows: Vec<DrillLine>,
    prev: String,
    next: String,
}

/// `/dashboard/contracts`: the contracts behind a figure, 50 a page.
pub async fn contracts(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<DrillParams>,
) -> PageResult {
    let ctx = Ctx::new(&viewer, "dashboard");
    let mut pairs = q.pairs();
    pairs.push(("page", q.page.clone()));
    pairs.push(("per_page", "50".to_owned()));
    let out: DrillOut = portal
        .api
        .get(
            viewer.caller(),
            &with_query("/api/v1/stats/turnover/contracts", &pairs),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    let t = ctx.t;
    let page = out.contracts.page;
    let pages = out.contracts.total.div_ceil(out.contracts.per_page.max(1));
    let here = |p: u64| {
        let mut pairs = q.pairs();
        pairs.push(("page", p.to_string()));
        with_query("/dashboard/contracts", &pairs)
    };
    let rows = out
        .contracts
        .items
        .iter()
        .map(|c| DrillLine {
            registered_on: c.registered_on.map(|d| d.to_string()).unwrap_or_default(),
            registration_number: c.registration_number.clone().unwrap_or_default(),
            contract_number: c.contract_number.clone(),
            title: c.title.clone(),
            contract_type: super::contract_type_name(&c.contract_type)
                .map_or_else(|| c.contract_type.clone(), |k| t.t(k).to_owned()),
            seller: format!("{} {}", c.seller_country, c.seller_region_code),
            buyer: format!("{} {}", c.buyer_country, c.buyer_region_code),
            yuan: decimal2(c.contract_amount_cny_minor),
        })
        .collect();
    let filters = q
        .pairs()
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(" · ");
    let back = with_query(
        "/dashboard",
        &[("year", q.year.clone()), ("basis", q.basis.clone())],
    );
    Ok(render(&ContractsPage {
        filters,
        back,
        total_count: t.count(out.total_contract_count),
        total_amount: t.cny(out.total_amount_cny_minor),
        total_yuan: decimal2(out.total_amount_cny_minor),
        rows,
        prev: if page > 1 {
            here(page - 1)
        } else {
            String::new()
        },
        next: if page < pages {
            here(page + 1)
        } else {
            String::new()
        },
        ctx,
    }))
}

/// `/dashboard/export`: the year's turnover by month as CSV (default) or XLSX, from the API's
/// export (the file the API makes, passed through with its type and name).
pub async fn export(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<DrillParams>,
) -> PageResult {
    let mut pairs = q.pairs();
    pairs.push(("group_by", "month".to_owned()));
    pairs.push(("format", q.format.clone()));
    let raw = portal
        .api
        .send(
            viewer.caller(),
            Method::GET,
            &with_query("/api/v1/stats/turnover/export", &pairs),
            Body::empty(),
            None,
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    let mut res = raw.body.into_response();
    let headers = res.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, raw.content_type),
        (header::CONTENT_DISPOSITION, raw.content_disposition),
    ] {
        if let Some(v) = value.and_then(|v| HeaderValue::from_str(&v).ok()) {
            headers.insert(name, v);
        }
    }
    Ok(res)
}
