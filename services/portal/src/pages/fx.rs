//! The operator's exchange rates (`/console/fx-rates`): a contract in a foreign currency is
//! converted at the rate of its signing date, so the rates must be recorded before such a
//! contract can be. Rates are decimal text end to end (the API stores them exactly).

use askama::Template;
use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;

use super::console::{require_operator, tabs, Tab};
use super::{page_param, Pager};
use crate::api::{with_query, ApiError};
use crate::money::currency_codes;
use crate::page::{done, render, Ctx, FormErrors, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::deal::FxRateOut;
use wire::Page;

pub fn routes() -> Router<Portal> {
    Router::new().route("/console/fx-rates", get(list).post(record))
}

const PER_PAGE: u64 = 30;

#[derive(Debug, Default, Deserialize)]
struct Filters {
    #[serde(default)]
    currency: String,
    page: Option<u64>,
}

/// The form as typed.
#[derive(Debug, Default, Deserialize)]
struct RateForm {
    #[serde(default)]
    currency: String,
    #[serde(default)]
    rate_date: String,
    #[serde(default)]
    cny_per_unit: String,
    #[serde(default)]
    source: String,
}

#[derive(Template)]
#[template(path = "console_fx.html")]
struct FxPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    rates: Vec<FxRateOut>,
    pager: Pager,
    filters: Filters,
    form: RateForm,
    errors: FormErrors,
    /// The one `refusal` the console layout reads; this page shows its errors in the form.
    refusal: super::console::Refusal,
}

impl FxPage {
    fn currencies(&self) -> Vec<&'static str> {
        currency_codes()
            .into_iter()
            .filter(|c| *c != "CNY")
            .collect()
    }
}

async fn list(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(filters): Query<Filters>,
) -> PageResult {
    require_operator(&viewer)?;
    let form = RateForm {
        rate_date: chrono::Utc::now().date_naive().to_string(),
        ..RateForm::default()
    };
    page(&portal, &viewer, filters, form, FormErrors::default()).await
}

async fn page(
    portal: &Portal,
    viewer: &Viewer,
    filters: Filters,
    form: RateForm,
    errors: FormErrors,
) -> PageResult {
    let page = page_param(filters.page);
    let path = with_query(
        "/api/v1/fx-rates",
        &[
            ("currency", filters.currency.clone()),
            ("page", page.to_string()),
            ("per_page", PER_PAGE.to_string()),
        ],
    );
    let (rates, tabs) = tokio::join!(
        portal.api.get::<Page<FxRateOut>>(viewer.caller(), &path),
        tabs(
            &portal.api,
            viewer.caller(),
            crate::i18n::Tr::new(viewer.lang),
            "fx"
        ),
    );
    let rates = rates.map_err(|e| viewer.fail(e))?;
    let pager = Pager::new(
        &viewer.path,
        "page",
        rates.page,
        rates.per_page,
        rates.total,
    );
    let ctx = Ctx::new(viewer, "console");
    Ok(render(&FxPage {
        ctx,
        tabs,
        rates: rates.items,
        pager,
        filters,
        form,
        errors,
        refusal: Default::default(),
    }))
}

async fn record(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<RateForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let body = serde_json::json!({
        "currency": form.currency,
        "rate_date": form.rate_date.trim(),
        "cny_per_unit": form.cny_per_unit.trim(),
        "source": form.source.trim(),
    });
    match portal
        .api
        .post::<serde_json::Value>(viewer.caller(), "/api/v1/fx-rates", &body)
        .await
    {
        Ok(_) => Ok(done("/console/fx-rates", "saved")),
        Err(ApiError::Problem(p)) if matches!(p.status, 409 | 422) => {
            let mut resp = page(
                &portal,
                &viewer,
                Filters::default(),
                form,
                FormErrors::from_problem(&p),
            )
            .await?;
            *resp.status_mut() = http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(e) => Err(viewer.fail(e)),
    }
}
