//! `/contracts` and `/contracts/{id}`: the contracts the reader may see, and one contract —
//! its amounts in the original currency and in CNY at the stored rate, parties, type, brokers,
//! milestones and payments (with forms to add them), and its registration (认定登记): the
//! button that submits it, its status and history, and the registration number once given.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::contract_form::type_label;
use super::{form_version, path_id, post_or_refuse, section, short_id, word};
use crate::api::with_query;
use crate::i18n::Tr;
use crate::money::{exponent_of, money, parse_major_to_minor};
use crate::page::{done, render, typed, Ctx, FormErrors, PageError, PageResult};
use crate::pages::{page_param, Labels, Pager, Term};
use crate::session::Viewer;
use crate::Portal;
use uuid::Uuid;
use wire::accounts::OrganisationOut;
use wire::deal::{
    BrokerOut, ContractOut, ContractTypeOut, DealOut, HistoryEntry, MilestoneOut, PaymentOut,
};
use wire::Page;
use wire::{ContractStatus, MilestoneStatus, PaymentStatus, RegistrationStatus};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/contracts", get(list))
        .route("/contracts/{id}", get(show))
        .route("/contracts/{id}/milestones", post(add_milestone))
        .route(
            "/contracts/{id}/milestones/{milestone}/done",
            post(milestone_done),
        )
        .route("/contracts/{id}/payments", post(add_payment))
        .route(
            "/contracts/{id}/payments/{payment}/paid",
            post(payment_paid),
        )
        .route("/contracts/{id}/registration", post(submit_registration))
}

/// Contracts per list page.
const PER_PAGE: u64 = 20;

// ---------------------------------------------------------------- the list

#[derive(Debug, Default, Deserialize)]
struct ListQuery {
    page: Option<u64>,
}

struct ListRow {
    href: String,
    number: String,
    title: String,
    kind: String,
    amount: String,
    amount_cny: Option<String>,
    signed_on: String,
    status: String,
    registration: Option<String>,
}

#[derive(Template)]
#[template(path = "contract_list.html")]
struct ListPage {
    ctx: Ctx,
    rows: Vec<ListRow>,
    pager: Pager,
}

async fn list(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<ListQuery>,
) -> PageResult {
    viewer.require_login()?;
    let caller = viewer.caller();
    let path = with_query(
        "/api/v1/contracts",
        &[
            ("page", page_param(q.page).to_string()),
            ("per_page", PER_PAGE.to_string()),
        ],
    );
    let (page, types) = tokio::join!(
        portal.api.get::<Page<ContractOut>>(caller, &path),
        portal
            .api
            .get::<Vec<ContractTypeOut>>(caller, "/api/v1/contracts/types"),
    );
    let page = page.map_err(|e| viewer.fail(e))?;
    let types = types.unwrap_or_default();
    let ctx = Ctx::new(&viewer, section(&viewer));
    let t = ctx.t;
    let rows = page
        .items
        .iter()
        .map(|c| ListRow {
            href: format!("/contracts/{}", c.id),
            number: c.contract_number.clone(),
            title: c.title.clone(),
            kind: kind_label(&t, &types, c),
            amount: money(&t, c.amounts.contract_amount_minor, &c.amounts.currency),
            amount_cny: (c.amounts.currency != "CNY")
                .then(|| t.cny(c.amounts.contract_amount_cny_minor)),
            signed_on: c.signed_on.to_string(),
            status: t.term("contract_status", c.status.as_str()),
            registration: c
                .registration
                .as_ref()
                .map(|r| t.term("registration", r.status.as_str())),
        })
        .collect();
    let pager = Pager::new(&viewer.path, "page", page.page, PER_PAGE, page.total);
    Ok(render(&ListPage { ctx, rows, pager }))
}

/// `技术许可 · 专利实施许可` / `Licence · Patent licence`.
fn kind_label(t: &Tr, types: &[ContractTypeOut], c: &ContractOut) -> String {
    let ty = types.iter().find(|ty| ty.code == c.contract_type);
    let type_name = match ty {
        Some(ty) => type_label(t, ty),
        None if !c.contract_type_label.is_empty() && t.lang == crate::i18n::Lang::Zh => {
            c.contract_type_label.clone()
        }
        None => word(t, "ctype", &c.contract_type),
    };
    let sub = ty.and_then(|ty| ty.subtypes.iter().find(|s| s.code == c.subtype));
    let sub_name = match sub {
        Some(s) if t.lang == crate::i18n::Lang::Zh => s.label_zh.clone(),
        _ => word(t, "subtype", &c.subtype),
    };
    format!("{type_name} · {sub_name}")
}

// ---------------------------------------------------------------- one contract

/// What the reader typed into the contract page's forms, kept when the API refuses one.
#[derive(Debug, Default)]
struct Typed {
    milestone_errors: FormErrors,
    milestone: MilestoneForm,
    payment_errors: FormErrors,
    payment: PaymentForm,
    registration_errors: FormErrors,
}

struct Choice {
    code: String,
    label: String,
    selected: bool,
}

struct MilestoneRow {
    id: String,
    title: String,
    due: String,
    amount: String,
    status: String,
    done: bool,
    version: i64,
}

struct PaymentRow {
    id: String,
    amount: String,
    due: String,
    paid: String,
    status: String,
    is_due: bool,
    reference: String,
    milestone: String,
    version: i64,
}

struct HistoryRow {
    when: String,
    action: String,
    status: String,
    note: String,
    number: String,
}

struct RegistrationView {
    status: String,
    status_code: String,
    number: Option<String>,
    registered_on: Option<String>,
}

#[derive(Template)]
#[template(path = "contract_show.html")]
struct ContractPage {
    ctx: Ctx,
    id: String,
    number: String,
    title: String,
    kind: String,
    scope: Option<String>,
    status: String,
    cancelled: bool,
    seller: String,
    buyer: String,
    intermediary: Option<String>,
    signed_on: String,
    valid_from: String,
    valid_until: String,
    currency: String,
    contract_amount: String,
    contract_amount_cny: String,
    tech_amount: String,
    tech_amount_cny: String,
    fx: Option<String>,
    cost_lines: Vec<(String, String, String)>,
    industry: String,
    ip_type: String,
    brokers: Vec<(String, String)>,
    deal_href: Option<String>,
    milestones: Vec<MilestoneRow>,
    payments: Vec<PaymentRow>,
    milestone_options: Vec<Choice>,
    registration: Option<RegistrationView>,
    history: Vec<HistoryRow>,
    may_submit: bool,
    today: String,
    typed: Typed,
    documents: super::documents::DocumentsView,
    vouchers: super::contract_vouchers::VouchersView,
}

impl ContractPage {
    fn amount_hint(&self) -> String {
        self.ctx
            .t
            .f("broker.amount_in", &[("currency", &self.currency)])
    }
}

async fn show(State(portal): State<Portal>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    contract_page(&portal, &viewer, &id, Typed::default(), StatusCode::OK).await
}

/// Reads everything the contract page shows and renders it.
async fn contract_page(
    portal: &Portal,
    viewer: &Viewer,
    id: &str,
    typed: Typed,
    status: StatusCode,
) -> PageResult {
    let caller = viewer.caller();
    let contract_path = format!("/api/v1/contracts/{id}");
    let milestones_path = format!("/api/v1/contracts/{id}/milestones?per_page=100");
    let payments_path = format!("/api/v1/payments?contract_id={id}&per_page=100");
    let (contract, milestones, payments, types, ip_types, labels) = tokio::join!(
        portal.api.get::<ContractOut>(caller, &contract_path),
        portal
            .api
            .get::<Page<MilestoneOut>>(caller, &milestones_path),
        portal.api.get::<Page<PaymentOut>>(caller, &payments_path),
        portal
            .api
            .get::<Vec<ContractTypeOut>>(caller, "/api/v1/contracts/types"),
        portal
            .api
            .get::<Vec<Term>>(caller, "/api/v1/taxonomies/ip-types"),
        Labels::load(portal, viewer),
    );
    let c = contract.map_err(|e| viewer.fail(e))?;
    let milestones = milestones.map_err(|e| viewer.fail(e))?.items;
    let payments = payments.map_err(|e| viewer.fail(e))?.items;
    let types = types.unwrap_or_default();

    // Party names: from the deal when the reader may see it, else the organisations' profiles.
    let mut names: HashMap<Uuid, String> = HashMap::new();
    if let Some(deal) = &c.deal_id {
        if let Ok(d) = portal
            .api
            .get::<DealOut>(caller, &format!("/api/v1/deals/{deal}"))
            .await
        {
            names.insert(d.seller_organisation_id, d.seller_name);
            names.insert(d.buyer_organisation_id, d.buyer_name);
        }
    }
    let orgs = [
        c.seller_organisation_id.as_ref(),
        c.buyer_organisation_id.as_ref(),
        c.intermediary_organisation_id.as_ref(),
    ];
    for org in orgs.into_iter().flatten() {
        if !names.contains_key(org) {
            if let Ok(o) = portal
                .api
                .get::<OrganisationOut>(caller, &format!("/api/v1/orgs/{org}"))
                .await
            {
                names.insert(*org, o.name);
            }
        }
    }
    let name_of = |org: &Uuid| names.get(org).cloned().unwrap_or_else(|| short_id(org));
    let mut brokers = Vec::new();
    for b in &c.brokers {
        let name = match portal
            .api
            .get::<BrokerOut>(caller, &format!("/api/v1/brokers/{}", b.broker_id))
            .await
        {
            Ok(profile) => profile.display_name,
            Err(_) => short_id(&b.broker_id),
        };
        brokers.push((name, b.role.clone()));
    }
    let documents = super::documents::load(portal, viewer, id).await;
    let vouchers = super::contract_vouchers::load(portal, viewer, &c).await;
    let history = match &c.registration {
        Some(r) => portal
            .api
            .get::<Page<HistoryEntry>>(
                caller,
                &format!("/api/v1/registrations/{}/history?per_page=100", r.id),
            )
            .await
            .map(|p| p.items)
            .unwrap_or_default(),
        None => Vec::new(),
    };

    let ctx = Ctx::new(viewer, section(viewer));
    let t = ctx.t;
    let a = &c.amounts;
    let fx = a.fx_rate.as_ref().map(|rate| {
        t.f(
            "broker.fx_used",
            &[
                ("currency", &a.currency),
                ("rate", rate),
                ("date", &t.opt_date(&a.fx_rate_date)),
                ("source", a.fx_rate_source.as_deref().unwrap_or("—")),
            ],
        )
    });
    let milestone_title: HashMap<Uuid, &str> = milestones
        .iter()
        .map(|m| (m.id, m.title.as_str()))
        .collect();
    let payment_rows = payments
        .iter()
        .map(|p| PaymentRow {
            id: p.id.to_string(),
            amount: money(&t, p.amount_minor, &p.currency),
            due: t.opt_date(&p.due_on),
            paid: t.opt_date(&p.paid_on),
            status: word(&t, "payment_status", p.status.as_str()),
            is_due: p.status == PaymentStatus::Due,
            reference: p.reference.clone().unwrap_or_default(),
            milestone: p
                .milestone_id
                .and_then(|m| milestone_title.get(&m))
                .map(|s| (*s).to_owned())
                .unwrap_or_default(),
            version: p.version.into(),
        })
        .collect();
    let milestone_options = milestones
        .iter()
        .map(|m| Choice {
            code: m.id.to_string(),
            label: m.title.clone(),
            selected: m.id.to_string() == typed.payment.payment_milestone_id,
        })
        .collect();
    let milestone_rows = milestones
        .iter()
        .map(|m| MilestoneRow {
            id: m.id.to_string(),
            title: m.title.clone(),
            due: t.opt_date(&m.due_on),
            amount: money(&t, m.amount_minor, &m.currency),
            status: word(&t, "milestone_status", m.status.as_str()),
            done: m.status == MilestoneStatus::Done,
            version: m.version.into(),
        })
        .collect();
    let history = history
        .iter()
        .map(|h| HistoryRow {
            when: t.day(&h.at),
            action: word(&t, "history", &h.action.replace('.', "_")),
            status: h
                .status
                .map(|s| t.term("registration", s.as_str()))
                .unwrap_or_default(),
            note: h.note.clone().unwrap_or_default(),
            number: h.registration_number.clone().unwrap_or_default(),
        })
        .collect();
    let cancelled = c.status == ContractStatus::Cancelled;
    let may_submit = !cancelled
        && c.registration
            .as_ref()
            .is_none_or(|r| r.status == RegistrationStatus::Rejected);
    let page = ContractPage {
        id: c.id.to_string(),
        number: c.contract_number.clone(),
        title: c.title.clone(),
        kind: kind_label(&t, &types, &c),
        scope: c.licence_scope.as_ref().map(|s| word(&t, "scope", s)),
        status: t.term("contract_status", c.status.as_str()),
        cancelled,
        // A party recorded off the platform has no organisation to name here.
        seller: c
            .seller_organisation_id
            .as_ref()
            .map_or_else(|| "—".to_owned(), name_of),
        buyer: c
            .buyer_organisation_id
            .as_ref()
            .map_or_else(|| "—".to_owned(), name_of),
        intermediary: c.intermediary_organisation_id.as_ref().map(name_of),
        signed_on: c.signed_on.to_string(),
        valid_from: t.opt_date(&c.valid_from),
        valid_until: t.opt_date(&c.valid_until),
        currency: a.currency.clone(),
        contract_amount: money(&t, a.contract_amount_minor, &a.currency),
        contract_amount_cny: t.cny(a.contract_amount_cny_minor),
        tech_amount: money(&t, a.tech_amount_minor, &a.currency),
        tech_amount_cny: t.cny(a.tech_amount_cny_minor),
        fx,
        cost_lines: c
            .cost_lines
            .iter()
            .map(|l| {
                (
                    word(&t, "cost", &l.kind),
                    l.description.clone(),
                    money(&t, l.amount_minor, &a.currency),
                )
            })
            .collect(),
        industry: labels.industry(&c.industry_code),
        ip_type: c
            .ip_type
            .as_deref()
            .map(|code| {
                let term = ip_types
                    .as_ref()
                    .ok()
                    .and_then(|all| all.iter().find(|i| i.code == code));
                term.map_or_else(|| code.to_owned(), |i| t.pick(&i.zh, &i.en).to_owned())
            })
            .unwrap_or_default(),
        brokers: brokers
            .into_iter()
            .map(|(n, r)| (n, word(&t, "roles", &r)))
            .collect(),
        deal_href: c.deal_id.as_ref().map(|d| format!("/deals/{d}")),
        milestones: milestone_rows,
        payments: payment_rows,
        milestone_options,
        registration: c.registration.as_ref().map(|r| RegistrationView {
            status: t.term("registration", r.status.as_str()),
            status_code: r.status.as_str().to_owned(),
            number: r.registration_number.clone(),
            registered_on: r.registered_on.as_ref().map(ToString::to_string),
        }),
        history,
        may_submit,
        today: chrono::Utc::now().date_naive().to_string(),
        typed,
        documents,
        vouchers,
        ctx,
    };
    let mut resp = render(&page);
    *resp.status_mut() = status;
    Ok(resp)
}

/// The contract's currency, for reading typed amounts in it; the error page when the contract
/// cannot be read (an amount read in the wrong currency would be off by its decimals).
async fn currency_of(portal: &Portal, viewer: &Viewer, id: &str) -> Result<String, PageError> {
    portal
        .api
        .get::<ContractOut>(viewer.caller(), &format!("/api/v1/contracts/{id}"))
        .await
        .map(|c| c.amounts.currency)
        .map_err(|e| viewer.fail(e))
}

/// Reads a typed amount in the contract's currency, or says beside `field` why it cannot.
fn typed_amount(t: &Tr, currency: &str, field: &str, text: &str) -> Result<i64, FormErrors> {
    let exponent = exponent_of(currency);
    parse_major_to_minor(text, exponent).map_err(|e| {
        let mut errors = FormErrors::field(field, e.message(t, exponent));
        errors.summary = Some(t.t("common.form_has_errors").to_owned());
        errors
    })
}

#[derive(Debug, Default, Deserialize)]
struct MilestoneForm {
    #[serde(default)]
    milestone_title: String,
    #[serde(default)]
    milestone_amount: String,
    #[serde(default)]
    milestone_due_on: String,
}

/// Adds a milestone (`POST /api/v1/contracts/{id}/milestones`).
async fn add_milestone(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<MilestoneForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let t = Tr::new(viewer.lang);
    let currency = currency_of(&portal, &viewer, &id).await?;
    let body =
        typed_amount(&t, &currency, "milestone_amount", &form.milestone_amount).map(|amount| {
            json!({
                "title": form.milestone_title.trim(),
                "amount_minor": amount,
                "due_on": typed(&form.milestone_due_on),
            })
        });
    let refused = async |milestone_errors, status| {
        let typed = Typed {
            milestone_errors,
            milestone: form,
            ..Typed::default()
        };
        contract_page(&portal, &viewer, &id, typed, status).await
    };
    match body {
        Ok(body) => {
            let path = format!("/api/v1/contracts/{id}/milestones");
            let renames = [
                ("title", "milestone_title"),
                ("amount_minor", "milestone_amount"),
                ("due_on", "milestone_due_on"),
            ];
            let then = done(&format!("/contracts/{id}"), "saved");
            post_or_refuse(&portal, &viewer, &path, &body, &renames, then, refused).await
        }
        Err(errors) => refused(errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

#[derive(Debug, Default, Deserialize)]
struct VersionForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    paid_on: String,
}

/// Marks a milestone done.
async fn milestone_done(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, milestone)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let milestone = path_id(&milestone).ok_or_else(|| viewer.not_found())?;
    let body = json!({"version": form_version(&viewer, &form.version)?});
    let path = format!("/api/v1/contracts/{id}/milestones/{milestone}/done");
    let then = done(&format!("/contracts/{id}"), "updated");
    post_or_refuse(
        &portal,
        &viewer,
        &path,
        &body,
        &[],
        then,
        async |milestone_errors, status| {
            let typed = Typed {
                milestone_errors,
                ..Typed::default()
            };
            contract_page(&portal, &viewer, &id, typed, status).await
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct PaymentForm {
    #[serde(default)]
    payment_amount: String,
    #[serde(default)]
    payment_due_on: String,
    #[serde(default)]
    payment_paid_on: String,
    #[serde(default)]
    payment_reference: String,
    #[serde(default)]
    payment_milestone_id: String,
}

const PAYMENT_RENAMES: [(&str, &str); 6] = [
    ("amount_minor", "payment_amount"),
    ("currency", "payment_amount"),
    ("due_on", "payment_due_on"),
    ("paid_on", "payment_paid_on"),
    ("reference", "payment_reference"),
    ("milestone_id", "payment_milestone_id"),
];

/// Records a payment, due or already paid (`POST /api/v1/payments`).
async fn add_payment(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<PaymentForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let t = Tr::new(viewer.lang);
    let currency = currency_of(&portal, &viewer, &id).await?;
    let body = typed_amount(&t, &currency, "payment_amount", &form.payment_amount).map(|amount| {
        json!({
            "contract_id": id,
            "amount_minor": amount,
            "due_on": typed(&form.payment_due_on),
            "paid_on": typed(&form.payment_paid_on),
            "reference": typed(&form.payment_reference),
            "milestone_id": typed(&form.payment_milestone_id),
        })
    });
    let refused = async |payment_errors, status| {
        let typed = Typed {
            payment_errors,
            payment: form,
            ..Typed::default()
        };
        contract_page(&portal, &viewer, &id, typed, status).await
    };
    match body {
        Ok(body) => {
            let then = done(&format!("/contracts/{id}"), "saved");
            post_or_refuse(
                &portal,
                &viewer,
                "/api/v1/payments",
                &body,
                &PAYMENT_RENAMES,
                then,
                refused,
            )
            .await
        }
        Err(errors) => refused(errors, StatusCode::UNPROCESSABLE_ENTITY).await,
    }
}

/// Marks a due payment paid on a date.
async fn payment_paid(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, payment)): Path<(String, String)>,
    Form(form): Form<VersionForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let payment = path_id(&payment).ok_or_else(|| viewer.not_found())?;
    let body = json!({
        "version": form_version(&viewer, &form.version)?,
        "paid_on": form.paid_on.trim(),
    });
    let path = format!("/api/v1/payments/{payment}/paid");
    let then = done(&format!("/contracts/{id}"), "updated");
    post_or_refuse(
        &portal,
        &viewer,
        &path,
        &body,
        &PAYMENT_RENAMES,
        then,
        async |payment_errors, status| {
            let typed = Typed {
                payment_errors,
                ..Typed::default()
            };
            contract_page(&portal, &viewer, &id, typed, status).await
        },
    )
    .await
}

/// Submits the contract for registration (`POST /api/v1/registrations`).
async fn submit_registration(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = json!({"contract_id": id});
    let then = done(&format!("/contracts/{id}"), "registration_submitted");
    let path = "/api/v1/registrations";
    post_or_refuse(
        &portal,
        &viewer,
        path,
        &body,
        &[],
        then,
        async |registration_errors, status| {
            let typed = Typed {
                registration_errors,
                ..Typed::default()
            };
            contract_page(&portal, &viewer, &id, typed, status).await
        },
    )
    .await
}
