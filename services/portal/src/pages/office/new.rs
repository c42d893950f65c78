//! `/office/new`: a contract registered by hand at the office's desk — the registration
//! form's fields, with parties off the platform (name, credit code or foreign registration
//! number, country, region). The contract is recorded and submitted to the office in one go;
//! the decision follows on the registration file.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use serde::Deserialize;
use serde_json::{json, Value};

use super::w;
use crate::api::ApiError;
use crate::page::{render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;

#[derive(Template)]
#[template(path = "office_new.html")]
pub struct NewPage {
    pub ctx: Ctx,
    pub key: String,
    pub error: Option<String>,
    pub today: String,
}

impl NewPage {
    pub fn w(&self, zh: &'static str, en: &'static str) -> &'static str {
        w(self.ctx.lang, zh, en)
    }
}

fn page(viewer: &Viewer, error: Option<String>) -> PageResult {
    Ok(render(&NewPage {
        ctx: Ctx::new(viewer, "office"),
        key: uuid::Uuid::now_v7().to_string(),
        error,
        today: chrono::Utc::now().date_naive().to_string(),
    }))
}

pub(super) async fn new_page(viewer: Viewer) -> PageResult {
    viewer.require_login()?;
    page(&viewer, None)
}

/// The form, as typed.
#[derive(Debug, Deserialize)]
pub struct NewForm {
    pub key: String,
    pub contract_number: String,
    pub title: String,
    pub contract_type: String,
    pub subtype: String,
    #[serde(default)]
    pub licence_scope: String,
    pub seller_name: String,
    #[serde(default)]
    pub seller_credit_code: String,
    #[serde(default)]
    pub seller_region: String,
    pub buyer_name: String,
    #[serde(default)]
    pub buyer_credit_code: String,
    #[serde(default)]
    pub buyer_foreign_number: String,
    #[serde(default)]
    pub buyer_country: String,
    #[serde(default)]
    pub buyer_region: String,
    pub signed_on: String,
    #[serde(default)]
    pub valid_until: String,
    pub contract_amount: String,
    pub tech_amount: String,
    pub industry_code: String,
    #[serde(default)]
    pub payment_method: String,
    #[serde(default)]
    pub objectives: String,
}

fn party(name: &str, code: &str, foreign: &str, country: &str, region: &str) -> Value {
    let country = if country.trim().is_empty() {
        "CN"
    } else {
        country.trim()
    };
    let mut p = json!({"name": name.trim(), "country": country.to_ascii_uppercase()});
    if !code.trim().is_empty() {
        p["credit_code"] = json!(code.trim());
    }
    if !foreign.trim().is_empty() {
        p["foreign_registration_number"] = json!(foreign.trim());
    }
    if !region.trim().is_empty() {
        p["region_code"] = json!(region.trim());
    }
    p
}

fn opt(v: &str) -> Value {
    let v = v.trim();
    if v.is_empty() {
        Value::Null
    } else {
        json!(v)
    }
}

pub(super) async fn create(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<NewForm>,
) -> PageResult {
    viewer.require_login()?;
    let t = viewer.lang;
    let Some(contract) = spreadsheet::cells::parse_amount(&form.contract_amount, 2, "CNY").ok()
    else {
        return page(
            &viewer,
            Some(
                w(
                    t,
                    "合同成交额不是金额",
                    "The contract amount is not an amount",
                )
                .to_owned(),
            ),
        );
    };
    let Some(tech) = spreadsheet::cells::parse_amount(&form.tech_amount, 2, "CNY").ok() else {
        return page(
            &viewer,
            Some(
                w(
                    t,
                    "技术交易额不是金额",
                    "The technology amount is not an amount",
                )
                .to_owned(),
            ),
        );
    };
    let mut cost_lines = Vec::new();
    if contract > tech {
        cost_lines.push(json!({"kind": "other", "description": "非技术性费用 non-technical deductions", "amount_minor": contract - tech}));
    }
    let body = json!({
        "contract_number": form.contract_number.trim(),
        "title": form.title.trim(),
        "contract_type": form.contract_type.trim(),
        "subtype": form.subtype.trim(),
        "licence_scope": opt(&form.licence_scope),
        "seller_party": party(&form.seller_name, &form.seller_credit_code, "", "CN", &form.seller_region),
        "buyer_party": party(&form.buyer_name, &form.buyer_credit_code, &form.buyer_foreign_number, &form.buyer_country, &form.buyer_region),
        "signed_on": form.signed_on.trim(),
        "valid_from": form.signed_on.trim(),
        "valid_until": opt(&form.valid_until),
        "currency": "CNY",
        "contract_amount_minor": contract,
        "tech_amount_minor": tech,
        "cost_lines": cost_lines,
        "industry_code": form.industry_code.trim(),
        "payment_method": opt(&form.payment_method),
        "objectives": opt(&form.objectives),
    });
    let caller = viewer.caller();
    let created: Result<Value, ApiError> = portal
        .api
        .post_once(caller, "/api/v1/contracts", &body, &form.key)
        .await;
    let contract = match created {
        Ok(c) => c,
        Err(ApiError::Problem(p)) if p.status < 500 && p.status != 401 => {
            let detail = if p.fields.is_empty() {
                p.detail.clone()
            } else {
                p.fields
                    .iter()
                    .map(|f| format!("{}: {}", f.path, f.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            return page(&viewer, Some(detail));
        }
        Err(e) => return Err(viewer.fail(e)),
    };
    let contract_id = contract["id"].as_str().unwrap_or_default().to_owned();
    let registration: Value = portal
        .api
        .post(
            caller,
            "/api/v1/registrations",
            &json!({"contract_id": contract_id}),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    let id = registration["id"].as_str().unwrap_or_default();
    Ok(Redirect::to(&format!("/office/registrations/{id}")).into_response())
}
