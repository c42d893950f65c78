//! `/deals/{id}/contract/new`: the contract of a deal (`POST /api/v1/contracts`). Amounts are
//! typed in the currency's major units (元) and converted exactly to minor units; the
//! non-technical cost lines are a few optional rows; parties, listings and the brokers of the
//! deal's attribution ledger come from the deal. A refusal re-renders the form with the API's
//! messages next to their fields and everything the reader typed.

use askama::Template;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Form, Router};
use http::StatusCode;
use serde_json::json;

use super::{
    drafts_contract, inline_problem, path_id, refusal, section, short_id, status_of, word,
};
use crate::i18n::Tr;
use crate::money::{currency_codes, exact, exponent_of, parse_major_to_minor};
use crate::page::{done, render, typed, Ctx, FormErrors, PageResult};
use crate::pages::{Labels, Term};
use crate::session::Viewer;
use crate::Portal;
use uuid::Uuid;
use wire::deal::{ContractOut, ContractTypeOut, DealOut};
use wire::{AttributionRole, CostKind, LicenceScope};

pub fn routes() -> Router<Portal> {
    Router::new().route(
        "/deals/{id}/contract/new",
        get(new_contract).post(create_contract),
    )
}

/// Cost-line rows the form offers (empty rows are left out).
const COST_ROWS: usize = 3;

/// One cost-line row as typed.
#[derive(Debug, Default, Clone)]
struct CostRow {
    kind: String,
    description: String,
    amount: String,
}

impl CostRow {
    fn is_blank(&self) -> bool {
        self.description.trim().is_empty() && self.amount.trim().is_empty()
    }
}

/// The contract form as typed.
#[derive(Debug, Default)]
struct ContractForm {
    contract_number: String,
    title: String,
    /// `type:subtype`, one select for both so only valid pairs can be chosen.
    subtype: String,
    licence_scope: String,
    signed_on: String,
    valid_from: String,
    valid_until: String,
    currency: String,
    contract_amount: String,
    tech_amount: String,
    industry_code: String,
    ip_type: String,
    cost: Vec<CostRow>,
    /// Made when the form is first shown and kept through re-renders: the API records one
    /// contract per key, so a double submit cannot create two.
    idempotency_key: String,
}

impl ContractForm {
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = ContractForm {
            cost: vec![CostRow::default(); COST_ROWS],
            ..ContractForm::default()
        };
        for (k, v) in pairs {
            if let Some((field, index)) = k
                .rsplit_once('_')
                .and_then(|(f, i)| i.parse::<usize>().ok().map(|i| (f.to_owned(), i)))
            {
                if let Some(row) = f.cost.get_mut(index) {
                    match field.as_str() {
                        "cost_kind" => row.kind = v,
                        "cost_description" => row.description = v,
                        "cost_amount" => row.amount = v,
                        _ => {}
                    }
                }
                continue;
            }
            match k.as_str() {
                "contract_number" => f.contract_number = v,
                "title" => f.title = v,
                "subtype" => f.subtype = v,
                "licence_scope" => f.licence_scope = v,
                "signed_on" => f.signed_on = v,
                "valid_from" => f.valid_from = v,
                "valid_until" => f.valid_until = v,
                "currency" => f.currency = v,
                "contract_amount" => f.contract_amount = v,
                "tech_amount" => f.tech_amount = v,
                "industry_code" => f.industry_code = v,
                "ip_type" => f.ip_type = v,
                "idempotency_key" => f.idempotency_key = v,
                _ => {}
            }
        }
        f
    }
}

/// The form's values as the API takes them, or the fields the portal itself refuses (amounts
/// that are not amounts, dates that are not dates) before anything is sent.
struct Checked {
    body: serde_json::Value,
    contract_minor: i64,
    tech_minor: i64,
    cost_minor: i64,
}

fn check(t: &Tr, deal_id: &str, form: &ContractForm) -> Result<Checked, FormErrors> {
    let mut errors = FormErrors::default();
    let exponent = exponent_of(&form.currency);
    let mut amount = |name: &str, text: &str| match parse_major_to_minor(text, exponent) {
        Ok(v) => Some(v),
        Err(e) => {
            errors
                .fields
                .insert(name.to_owned(), e.message(t, exponent));
            None
        }
    };
    let contract_minor = amount("contract_amount", &form.contract_amount);
    let tech_minor = amount("tech_amount", &form.tech_amount);
    let mut lines = Vec::new();
    let mut cost_minor: i64 = 0;
    for (i, row) in form.cost.iter().enumerate().filter(|(_, r)| !r.is_blank()) {
        let n = (i + 1).to_string();
        match parse_major_to_minor(&row.amount, exponent) {
            Ok(v) => {
                cost_minor = cost_minor.saturating_add(v);
                lines.push(json!({"kind": if row.kind.is_empty() { CostKind::Other.as_str() } else { row.kind.as_str() }, "description": row.description.trim(), "amount_minor": v}));
            }
            Err(e) => {
                let message = t.f(
                    "broker.cost_row_error",
                    &[("row", &n), ("error", &e.message(t, exponent))],
                );
                errors
                    .fields
                    .entry("cost_lines".to_owned())
                    .or_insert(message);
            }
        }
    }
    let mut date = |name: &str, text: &str, required: bool| -> Option<String> {
        let text = text.trim();
        if text.is_empty() {
            if required {
                errors
                    .fields
                    .insert(name.to_owned(), t.t("broker.date_required").to_owned());
            }
            return None;
        }
        match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            Ok(d) => Some(d.to_string()),
            Err(_) => {
                errors
                    .fields
                    .insert(name.to_owned(), t.t("broker.date_invalid").to_owned());
                None
            }
        }
    };
    let signed_on = date("signed_on", &form.signed_on, true);
    let valid_from = date("valid_from", &form.valid_from, false);
    let valid_until = date("valid_until", &form.valid_until, false);
    if form.subtype.is_empty() {
        errors
            .fields
            .insert("subtype".to_owned(), t.t("broker.choose_type").to_owned());
    }
    let (Some(contract_minor), Some(tech_minor), Some(signed_on), true) = (
        contract_minor,
        tech_minor,
        signed_on,
        errors.fields.is_empty(),
    ) else {
        errors.summary = Some(t.t("common.form_has_errors").to_owned());
        return Err(errors);
    };
    let (contract_type, subtype) = form
        .subtype
        .split_once(':')
        .unwrap_or((form.subtype.as_str(), ""));
    let body = json!({
        "deal_id": deal_id,
        "contract_number": form.contract_number.trim(),
        "title": form.title.trim(),
        "contract_type": contract_type,
        "subtype": subtype,
        "licence_scope": typed(&form.licence_scope),
        "signed_on": signed_on,
        "valid_from": valid_from,
        "valid_until": valid_until,
        "currency": form.currency,
        "contract_amount_minor": contract_minor,
        "tech_amount_minor": tech_minor,
        "cost_lines": lines,
        "industry_code": form.industry_code,
        "ip_type": typed(&form.ip_type),
    });
    Ok(Checked {
        body,
        contract_minor,
        tech_minor,
        cost_minor,
    })
}

/// An option of a select.
struct Choice {
    code: String,
    label: String,
    selected: bool,
}

struct TypeGroup {
    label: String,
    options: Vec<Choice>,
}

struct CostRowView {
    index: usize,
    kinds: Vec<Choice>,
    description: String,
    amount: String,
}

#[derive(Template)]
#[template(path = "contract_new.html")]
struct ContractFormPage {
    ctx: Ctx,
    deal_id: String,
    deal_title: String,
    seller: String,
    buyer: String,
    stage_word: String,
    allowed: bool,
    publicity_until: Option<String>,
    form: ContractForm,
    errors: FormErrors,
    type_groups: Vec<TypeGroup>,
    scopes: Vec<Choice>,
    currencies: Vec<Choice>,
    industries: Vec<Choice>,
    ip_types: Vec<Choice>,
    rows: Vec<CostRowView>,
    named_brokers: Vec<(String, String)>,
}

impl ContractFormPage {
    fn intro(&self) -> String {
        self.ctx.t.f(
            "broker.contract_form_intro",
            &[("seller", &self.seller), ("buyer", &self.buyer)],
        )
    }

    fn not_yet(&self) -> String {
        self.ctx
            .t
            .f("broker.contract_not_yet", &[("stage", &self.stage_word)])
    }

    fn publicity_notice(&self, until: &str) -> String {
        self.ctx
            .t
            .f("broker.contract_publicity_notice", &[("ends", until)])
    }
}

async fn new_contract(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let deal: DealOut = portal
        .api
        .get(viewer.caller(), &format!("/api/v1/deals/{id}"))
        .await
        .map_err(|e| viewer.fail(e))?;
    // The deal's achievement suggests the contract's field and IP type.
    let defaults = match &deal.achievement_id {
        Some(a) => portal
            .api
            .get::<wire::listing::AchievementOut>(
                viewer.caller(),
                &format!("/api/v1/achievements/{a}"),
            )
            .await
            .ok(),
        None => None,
    };
    let form = ContractForm {
        title: deal.title.clone(),
        signed_on: chrono::Utc::now().date_naive().to_string(),
        currency: "CNY".to_owned(),
        industry_code: defaults
            .as_ref()
            .map(|d| d.industry.clone())
            .unwrap_or_default(),
        ip_type: defaults.map(|d| d.ip_type).unwrap_or_default(),
        cost: vec![CostRow::default(); COST_ROWS],
        idempotency_key: uuid::Uuid::now_v7().to_string(),
        ..ContractForm::default()
    };
    form_page(
        &portal,
        &viewer,
        deal,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn form_page(
    portal: &Portal,
    viewer: &Viewer,
    deal: DealOut,
    form: ContractForm,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    let caller = viewer.caller();
    let (types, ip_types, labels) = tokio::join!(
        portal
            .api
            .get::<Vec<ContractTypeOut>>(caller, "/api/v1/contracts/types"),
        portal
            .api
            .get::<Vec<Term>>(caller, "/api/v1/taxonomies/ip-types"),
        Labels::load(portal, viewer),
    );
    let types = types.map_err(|e| viewer.fail(e))?;
    let ip_types = ip_types.unwrap_or_default();
    let ctx = Ctx::new(viewer, section(viewer));
    let t = ctx.t;
    let choice = |code: &str, label: String, current: &str| Choice {
        code: code.to_owned(),
        label,
        selected: code == current,
    };
    let type_groups = types
        .iter()
        .map(|ty| TypeGroup {
            label: type_label(&t, ty),
            options: ty
                .subtypes
                .iter()
                .map(|s| {
                    let code = format!("{}:{}", ty.code, s.code);
                    let label = if t.lang == crate::i18n::Lang::Zh {
                        s.label_zh.clone()
                    } else {
                        word(&t, "subtype", &s.code).replace('_', " ")
                    };
                    choice(&code, label, &form.subtype)
                })
                .collect(),
        })
        .collect();
    let scopes = LicenceScope::ALL
        .iter()
        .map(|s| {
            choice(
                s.as_str(),
                word(&t, "scope", s.as_str()),
                &form.licence_scope,
            )
        })
        .collect();
    let currencies = currency_codes()
        .into_iter()
        .map(|c| choice(c, c.to_owned(), &form.currency))
        .collect();
    let industries = labels
        .industries
        .iter()
        .map(|i| choice(&i.code, labels.name(i), &form.industry_code))
        .collect();
    let ip_types = ip_types
        .iter()
        .map(|i| choice(&i.code, t.pick(&i.zh, &i.en).to_owned(), &form.ip_type))
        .collect();
    let rows = form
        .cost
        .iter()
        .enumerate()
        .map(|(index, r)| CostRowView {
            index,
            kinds: CostKind::ALL
                .iter()
                .map(|k| choice(k.as_str(), word(&t, "cost", k.as_str()), &r.kind))
                .collect(),
            description: r.description.clone(),
            amount: r.amount.clone(),
        })
        .collect();
    let mut named_brokers: Vec<(Uuid, AttributionRole)> = Vec::new();
    for a in &deal.attributions {
        if named_brokers.iter().all(|(id, _)| *id != a.broker_id) {
            named_brokers.push((a.broker_id, a.role));
        }
    }
    let named_brokers = named_brokers
        .into_iter()
        .map(|(id, role)| {
            let name = deal
                .brokers
                .iter()
                .find(|b| b.broker_id == id)
                .map_or_else(|| short_id(&id), |b| b.display_name.clone());
            (name, word(&t, "roles", role.as_str()))
        })
        .collect();
    let publicity_until = (deal.publicity.required && !deal.publicity.satisfied)
        .then(|| t.opt_date(&deal.publicity.ends_on));
    let page = ContractFormPage {
        deal_id: deal.id.to_string(),
        deal_title: deal.title.clone(),
        seller: deal.seller_name.clone(),
        buyer: deal.buyer_name.clone(),
        stage_word: t.term("stage", deal.stage.as_str()),
        allowed: drafts_contract(deal.stage),
        publicity_until,
        form,
        errors,
        type_groups,
        scopes,
        currencies,
        industries,
        ip_types,
        rows,
        named_brokers,
        ctx,
    };
    let mut resp = render(&page);
    *resp.status_mut() = status;
    Ok(resp)
}

/// A contract type's name in the reader's language (the API gives Chinese names).
pub fn type_label(t: &Tr, ty: &ContractTypeOut) -> String {
    if t.lang == crate::i18n::Lang::Zh {
        ty.label_zh.clone()
    } else {
        word(t, "ctype", &ty.code)
    }
}

/// Records the contract; lands on its page.
async fn create_contract(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let t = Tr::new(viewer.lang);
    let mut form = ContractForm::from_pairs(pairs);
    if form.idempotency_key.is_empty() {
        form.idempotency_key = uuid::Uuid::now_v7().to_string();
    }
    let deal: DealOut = portal
        .api
        .get(viewer.caller(), &format!("/api/v1/deals/{id}"))
        .await
        .map_err(|e| viewer.fail(e))?;
    let checked = match check(&t, &id, &form) {
        Ok(c) => c,
        Err(errors) => {
            return form_page(
                &portal,
                &viewer,
                deal,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
    };
    match portal
        .api
        .post_once::<ContractOut>(
            viewer.caller(),
            "/api/v1/contracts",
            &checked.body,
            &form.idempotency_key,
        )
        .await
    {
        Ok(c) => Ok(done(&format!("/contracts/{}", c.id), "contract_saved")),
        Err(err) => {
            let Some(problem) = inline_problem(&err) else {
                return Err(viewer.fail(err));
            };
            let mut errors = refusal(
                &t,
                &problem,
                &[
                    ("contract_type", "subtype"),
                    ("contract_amount_minor", "contract_amount"),
                    ("tech_amount_minor", "tech_amount"),
                ],
            );
            if errors.has("cost_lines")
                && checked.tech_minor <= checked.contract_minor
                && checked.contract_minor - checked.tech_minor != checked.cost_minor
            {
                // The API counts in minor units; say it in the amounts the reader typed.
                let message = t.f(
                    "broker.cost_lines_sum",
                    &[
                        (
                            "difference",
                            &exact(
                                &t,
                                checked.contract_minor - checked.tech_minor,
                                &form.currency,
                            ),
                        ),
                        ("sum", &exact(&t, checked.cost_minor, &form.currency)),
                    ],
                );
                errors.fields.insert("cost_lines".to_owned(), message);
            }
            if problem.code == "contract_number_taken" {
                errors.fields.insert(
                    "contract_number".to_owned(),
                    t.t("broker.refused_number_taken").to_owned(),
                );
            }
            form_page(&portal, &viewer, deal, form, errors, status_of(&problem)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn the_form_becomes_exact_minor_units() {
        let form = ContractForm::from_pairs(pairs(&[
            ("contract_number", "GX-1"),
            ("title", "许可合同"),
            ("subtype", "licence:patent_licence"),
            ("licence_scope", "non_exclusive"),
            ("signed_on", "2026-01-05"),
            ("currency", "CNY"),
            ("contract_amount", "800,000.00"),
            ("tech_amount", "600000"),
            ("industry_code", "modern_agriculture"),
            ("cost_kind_0", "equipment"),
            ("cost_description_0", "样机"),
            ("cost_amount_0", "200000.01"),
            ("cost_kind_2", "travel"),
        ]));
        let checked = check(&Tr::new(Lang::Zh), "d", &form).expect("valid");
        assert_eq!(checked.body["contract_amount_minor"], 80_000_000);
        assert_eq!(checked.body["tech_amount_minor"], 60_000_000);
        assert_eq!(checked.body["contract_type"], "licence");
        assert_eq!(checked.body["subtype"], "patent_licence");
        assert_eq!(
            checked.body["cost_lines"].as_array().map(Vec::len),
            Some(1),
            "blank rows are left out"
        );
        assert_eq!(checked.body["cost_lines"][0]["amount_minor"], 20_000_001);
        assert_eq!(checked.body["valid_from"], serde_json::Value::Null);
    }

    #[test]
    fn amounts_and_dates_that_are_not_are_refused_before_the_api() {
        let form = ContractForm::from_pairs(pairs(&[
            ("subtype", "service:training"),
            ("signed_on", "5 Jan"),
            ("currency", "VND"),
            ("contract_amount", "1000.5"),
            ("tech_amount", ""),
            ("cost_description_1", "设备"),
        ]));
        let errors = check(&Tr::new(Lang::En), "d", &form)
            .err()
            .expect("refused");
        assert!(
            errors.has("contract_amount")
                && errors.has("tech_amount")
                && errors.has("signed_on")
                && errors.has("cost_lines")
        );
        assert!(
            errors.get("cost_lines").unwrap_or("").contains('2'),
            "names the row"
        );
    }
}
