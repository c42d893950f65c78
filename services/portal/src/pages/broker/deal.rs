//! `/deals/{id}`: one deal — its parties and listings, its stage with the forms that move it
//! forward or mark it lost, the publicity window (公示) with its objections, the contracts made
//! from it, its brokers and attribution ledger, and its timeline with a note form. A refused
//! change (the publicity window still open, a stale version, …) is shown beside its form.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use http::StatusCode;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{drafts_contract, form_version, path_id, post_or_refuse, section, short_id, word};
use crate::api::with_query;
use crate::i18n::Tr;
use crate::money::money;
use crate::page::{done, render, typed, Ctx, FormErrors, PageResult};
use crate::pages::{page_param, Pager};
use crate::session::Viewer;
use crate::Portal;
use uuid::Uuid;
use wire::deal::{BrokerOut, ContractOut, DealOut, EventOut};
use wire::Page;
use wire::{AttributionRole, Stage};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/deals/{id}", get(show))
        .route("/deals/{id}/stage", post(change_stage))
        .route("/deals/{id}/notes", post(add_note))
        .route("/deals/{id}/attributions", post(record_attribution))
}

/// Timeline entries per page.
const EVENTS_PER_PAGE: u64 = 20;
/// Roles of the attribution ledger.

#[derive(Debug, Default, Deserialize)]
struct ShowQuery {
    events_page: Option<u64>,
}

/// What the reader typed into the page's forms, kept when the API refuses one.
#[derive(Debug, Default)]
struct Typed {
    stage_errors: FormErrors,
    lost_errors: FormErrors,
    reason: String,
    note_errors: FormErrors,
    note_body: String,
    attribution_errors: FormErrors,
    attribution: AttributionForm,
}

/// An option of a select.
struct Choice {
    code: String,
    label: String,
    selected: bool,
}

struct PublicityView {
    starts: String,
    ends: String,
    open: bool,
    satisfied: bool,
    objections: Vec<(String, String)>,
}

struct AssignmentRow {
    name: String,
    since: String,
    until: Option<String>,
}

struct LedgerRow {
    broker: String,
    role: String,
    introduced: String,
    note: String,
    when: String,
}

struct ContractRow {
    href: String,
    number: String,
    title: String,
    amount: String,
    status: String,
    registration: Option<String>,
}

/// One stage on the way from lead to closed, as done, current or to come.
struct Step {
    label: String,
    state: &'static str,
}

struct EventRow {
    when: String,
    kind: String,
    text: String,
    link: Option<String>,
}

#[derive(Template)]
#[template(path = "deal_show.html")]
struct DealPage {
    ctx: Ctx,
    id: String,
    title: String,
    stage: String,
    stage_word: String,
    origin: String,
    mode: String,
    seller: String,
    buyer: String,
    achievement_href: Option<String>,
    need_href: Option<String>,
    lost_reason: Option<String>,
    finished: bool,
    version: i64,
    next_stages: Vec<Choice>,
    publicity: Option<PublicityView>,
    assignments: Vec<AssignmentRow>,
    ledger: Vec<LedgerRow>,
    contracts: Vec<ContractRow>,
    can_draft: bool,
    events: Vec<EventRow>,
    pager: Pager,
    steps: Vec<Step>,
    may_attribute: bool,
    broker_options: Vec<Choice>,
    role_options: Vec<Choice>,
    org_options: Vec<Choice>,
    typed: Typed,
}

impl DealPage {
    fn publicity_dates(&self, p: &PublicityView) -> String {
        self.ctx.t.f(
            "broker.publicity_dates",
            &[("starts", &p.starts), ("ends", &p.ends)],
        )
    }
}

async fn show(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<ShowQuery>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    deal_page(
        &portal,
        &viewer,
        &id,
        page_param(q.events_page),
        Typed::default(),
        StatusCode::OK,
    )
    .await
}

/// Reads everything the deal page shows and renders it (with `status`, 422/409 after a
/// refused form).
async fn deal_page(
    portal: &Portal,
    viewer: &Viewer,
    id: &str,
    events_page: u64,
    typed: Typed,
    status: StatusCode,
) -> PageResult {
    let caller = viewer.caller();
    let events_path = with_query(
        &format!("/api/v1/deals/{id}/events"),
        &[
            ("page", events_page.to_string()),
            ("per_page", EVENTS_PER_PAGE.to_string()),
        ],
    );
    let contracts_path = with_query(
        "/api/v1/contracts",
        &[("deal_id", id.to_owned()), ("per_page", "100".to_owned())],
    );
    let may_attribute = viewer.is_broker() || viewer.is_operator();
    let directory = async {
        if may_attribute {
            portal
                .api
                .get::<Page<BrokerOut>>(caller, "/api/v1/brokers?per_page=100")
                .await
                .map(|p| p.items)
                .unwrap_or_default()
        } else {
            Vec::new()
        }
    };
    let deal_path = format!("/api/v1/deals/{id}");
    let (deal, events, contracts, directory) = tokio::join!(
        portal.api.get::<DealOut>(caller, &deal_path),
        portal.api.get::<Page<EventOut>>(caller, &events_path),
        portal.api.get::<Page<ContractOut>>(caller, &contracts_path),
        directory,
    );
    let deal = deal.map_err(|e| viewer.fail(e))?;
    let events = events.map_err(|e| viewer.fail(e))?;
    let contracts = contracts.map_err(|e| viewer.fail(e))?;
    let ctx = Ctx::new(viewer, section(viewer));
    let t = ctx.t;

    let mut broker_names: HashMap<String, String> = directory
        .iter()
        .map(|b| (b.id.to_string(), b.display_name.clone()))
        .collect();
    for a in &deal.brokers {
        broker_names.insert(a.broker_id.to_string(), a.display_name.clone());
    }
    let broker_name = |id: &str| {
        broker_names
            .get(id)
            .cloned()
            .unwrap_or_else(|| short_id(id))
    };
    let org_name = |id: &Option<Uuid>| match id {
        Some(o) if *o == deal.seller_organisation_id => deal.seller_name.clone(),
        Some(o) if *o == deal.buyer_organisation_id => deal.buyer_name.clone(),
        Some(o) => short_id(o),
        None => "—".to_owned(),
    };

    let current = Some(deal.stage);
    let position = Stage::ALL
        .iter()
        .position(|s| Some(*s) == current)
        .unwrap_or(0);
    let finished = current.is_some_and(Stage::is_final);
    let next_stages = Stage::ALL
        .iter()
        .enumerate()
        .filter(|(i, s)| *i > position && **s != Stage::Lost)
        .enumerate()
        .map(|(n, (_, s))| Choice {
            code: s.as_str().to_owned(),
            label: t.term("stage", s.as_str()),
            selected: n == 0,
        })
        .collect();
    let steps = if current == Some(Stage::Lost) {
        Vec::new()
    } else {
        Stage::ALL
            .iter()
            .enumerate()
            .filter(|(_, s)| **s != Stage::Lost)
            .map(|(i, s)| Step {
                label: t.term("stage", s.as_str()),
                state: match i.cmp(&position) {
                    std::cmp::Ordering::Less => "done",
                    std::cmp::Ordering::Equal => "current",
                    std::cmp::Ordering::Greater => "todo",
                },
            })
            .collect()
    };
    let publicity = deal.publicity.required.then(|| PublicityView {
        starts: t.opt_date(&deal.publicity.starts_on),
        ends: t.opt_date(&deal.publicity.ends_on),
        open: deal.publicity.open,
        satisfied: deal.publicity.satisfied,
        objections: deal
            .publicity
            .objections
            .iter()
            .map(|o| (t.day(&o.created_at), o.body.clone().unwrap_or_default()))
            .collect(),
    });
    let assignments = deal
        .brokers
        .iter()
        .map(|a| AssignmentRow {
            name: a.display_name.clone(),
            since: t.day(&a.assigned_at),
            until: a.unassigned_at.as_ref().map(|u| t.day(u)),
        })
        .collect();
    let ledger = deal
        .attributions
        .iter()
        .map(|a| LedgerRow {
            broker: broker_name(&a.broker_id.to_string()),
            role: word(&t, "roles", a.role.as_str()),
            introduced: org_name(&a.introduced_organisation_id),
            note: a.note.clone().unwrap_or_default(),
            when: t.day(&a.created_at),
        })
        .collect();
    let contracts = contracts
        .items
        .iter()
        .map(|c| ContractRow {
            href: format!("/contracts/{}", c.id),
            number: c.contract_number.clone(),
            title: c.title.clone(),
            amount: money(&t, c.amounts.contract_amount_minor, &c.amounts.currency),
            status: t.term("contract_status", c.status.as_str()),
            registration: c
                .registration
                .as_ref()
                .map(|r| t.term("registration", r.status.as_str())),
        })
        .collect();
    let events_rows = events
        .items
        .iter()
        .map(|e| event_row(&t, e, &broker_name))
        .collect();
    let events_pager = Pager::new(
        &viewer.path,
        "events_page",
        events.page,
        EVENTS_PER_PAGE,
        events.total,
    );

    let chosen_broker = if typed.attribution.broker_id.is_empty() {
        viewer
            .me
            .as_ref()
            .and_then(|m| m.broker_id)
            .map(|b| b.to_string())
            .unwrap_or_default()
    } else {
        typed.attribution.broker_id.clone()
    };
    let broker_options = directory
        .iter()
        .map(|b| Choice {
            code: b.id.to_string(),
            label: b.display_name.clone(),
            selected: b.id.to_string() == chosen_broker,
        })
        .collect();
    let chosen_role = if typed.attribution.role.is_empty() {
        AttributionRole::CoBroker.as_str()
    } else {
        typed.attribution.role.as_str()
    };
    let role_options = AttributionRole::ALL
        .iter()
        .map(|r| Choice {
            code: r.as_str().to_owned(),
            label: word(&t, "roles", r.as_str()),
            selected: r.as_str() == chosen_role,
        })
        .collect();
    let org_options = [
        (
            deal.buyer_organisation_id.to_string(),
            deal.buyer_name.clone(),
        ),
        (
            deal.seller_organisation_id.to_string(),
            deal.seller_name.clone(),
        ),
    ]
    .into_iter()
    .map(|(code, label)| Choice {
        selected: code == typed.attribution.introduced_organisation_id,
        code,
        label,
    })
    .collect();

    let page = DealPage {
        id: deal.id.to_string(),
        title: deal.title.clone(),
        stage_word: t.term("stage", deal.stage.as_str()),
        can_draft: drafts_contract(deal.stage),
        stage: deal.stage.as_str().to_owned(),
        origin: word(&t, "origin", deal.origin.as_str()),
        mode: word(&t, "mode", deal.mode.as_str()),
        seller: deal.seller_name.clone(),
        buyer: deal.buyer_name.clone(),
        achievement_href: deal
            .achievement_id
            .as_ref()
            .map(|a| format!("/achievements/{a}")),
        need_href: deal.need_id.as_ref().map(|n| format!("/needs/{n}")),
        lost_reason: deal.lost_reason.clone(),
        finished,
        version: deal.version.into(),
        next_stages,
        publicity,
        assignments,
        ledger,
        contracts,
        events: events_rows,
        pager: events_pager,
        steps,
        may_attribute,
        broker_options,
        role_options,
        org_options,
        typed,
        ctx,
    };
    let mut resp = render(&page);
    *resp.status_mut() = status;
    Ok(resp)
}

/// One timeline entry in the reader's words: stage changes name both stages, assignments the
/// broker and role, contract events link to the contract.
fn event_row(t: &Tr, e: &EventOut, broker_name: &impl Fn(&str) -> String) -> EventRow {
    let data = |k: &str| {
        e.data
            .get(k)
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned()
    };
    let body = e.body.clone().unwrap_or_default();
    let text = match e.kind.as_str() {
        "stage_changed" => {
            let moved = format!(
                "{} → {}",
                t.term("stage", &data("from")),
                t.term("stage", &data("to"))
            );
            if body.is_empty() {
                moved
            } else {
                format!("{moved}: {body}")
            }
        }
        "publicity_started" => t.f(
            "broker.publicity_dates",
            &[("starts", &data("starts_on")), ("ends", &data("ends_on"))],
        ),
        "broker_assigned" | "attribution" => {
            format!(
                "{} · {}",
                broker_name(&data("broker_id")),
                word(t, "roles", &data("role"))
            )
        }
        "broker_unassigned" => broker_name(&data("broker_id")),
        _ => body,
    };
    let contract = data("contract_id");
    EventRow {
        when: t.day(&e.created_at),
        kind: word(t, "event", &e.kind),
        text,
        link: (!contract.is_empty()).then(|| format!("/contracts/{contract}")),
    }
}

#[derive(Debug, Default, Deserialize)]
struct StageForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    stage: String,
    #[serde(default)]
    reason: String,
}

/// Moves the deal (`POST /api/v1/deals/{id}/stage`); a refusal shows beside the form that
/// caused it.
async fn change_stage(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<StageForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = json!({
        "stage": form.stage,
        "version": form_version(&viewer, &form.version)?,
        "reason": typed(&form.reason),
    });
    let path = format!("/api/v1/deals/{id}/stage");
    let then = done(&format!("/deals/{id}"), "updated");
    post_or_refuse(
        &portal,
        &viewer,
        &path,
        &body,
        &[],
        then,
        async |errors, status| {
            let typed = if form.stage == Stage::Lost.as_str() {
                Typed {
                    lost_errors: errors,
                    reason: form.reason,
                    ..Typed::default()
                }
            } else {
                Typed {
                    stage_errors: errors,
                    ..Typed::default()
                }
            };
            deal_page(&portal, &viewer, &id, 1, typed, status).await
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct NoteForm {
    #[serde(default)]
    body: String,
}

/// Adds a note to the timeline (`POST /api/v1/deals/{id}/events`).
async fn add_note(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<NoteForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = json!({"body": form.body});
    let path = format!("/api/v1/deals/{id}/events");
    let then = done(&format!("/deals/{id}"), "saved");
    post_or_refuse(
        &portal,
        &viewer,
        &path,
        &body,
        &[],
        then,
        async |errors, status| {
            let typed = Typed {
                note_errors: errors,
                note_body: form.body,
                ..Typed::default()
            };
            deal_page(&portal, &viewer, &id, 1, typed, status).await
        },
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
struct AttributionForm {
    #[serde(default)]
    broker_id: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    introduced_organisation_id: String,
    #[serde(default)]
    note: String,
}

/// Appends to the attribution ledger (`POST /api/v1/deals/{id}/attributions`; operators and
/// the deal's brokers).
async fn record_attribution(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<AttributionForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = json!({
        "broker_id": form.broker_id,
        "role": form.role,
        "introduced_organisation_id": typed(&form.introduced_organisation_id),
        "note": typed(&form.note),
    });
    let path = format!("/api/v1/deals/{id}/attributions");
    let then = done(&format!("/deals/{id}"), "saved");
    post_or_refuse(
        &portal,
        &viewer,
        &path,
        &body,
        &[],
        then,
        async |errors, status| {
            let typed = Typed {
                attribution_errors: errors,
                attribution: form,
                ..Typed::default()
            };
            deal_page(&portal, &viewer, &id, 1, typed, status).await
        },
    )
    .await
}
