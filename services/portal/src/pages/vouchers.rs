//! Innovation vouchers in the portal (issue #16): the programmes open to an organisation with
//! the application form and its own vouchers (`/vouchers`); the operator's page to set up a
//! programme and decide applications (`/console/vouchers`) and a programme's report with its
//! ledger sums (`/console/vouchers/{id}`). Spending a voucher is on the order's page.

use askama::Template;
use axum::extract::{Path, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::console::require_operator;
use super::market::kind_word;
use super::Labels;
use crate::money::{exact, parse_major_to_minor};
use crate::page::{done, render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::services::{ProgrammeOut, ProgrammeReport, ReportRow, VoucherOut};
use wire::{Page, ServiceKind, VoucherState};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/vouchers", get(vouchers))
        .route("/vouchers/apply/{programme}", post(apply))
        .route("/console/vouchers", get(console).post(create))
        .route("/console/vouchers/decide/{voucher}", post(decide))
        .route("/console/vouchers/{programme}", get(report))
}

fn voucher_state(ctx: &Ctx, state: VoucherState) -> String {
    ctx.t
        .t(&format!("svc.voucher_{}", state.as_str()))
        .to_owned()
}

fn rule(ctx: &Ctx, p: &ProgrammeOut) -> String {
    match (p.face_value_minor, p.share_bp, p.cap_minor) {
        (Some(face), _, _) => exact(&ctx.t, face, &p.currency),
        (None, Some(bp), Some(cap)) => format!(
            "{} · {} {}",
            super::tto::percent(bp),
            ctx.t.t("svc.cap"),
            exact(&ctx.t, cap, &p.currency)
        ),
        _ => String::new(),
    }
}

#[derive(Template)]
#[template(path = "svc_vouchers.html")]
struct VouchersPage {
    ctx: Ctx,
    labels: Labels,
    programmes: Vec<ProgrammeOut>,
    mine: Vec<VoucherOut>,
}

impl VouchersPage {
    fn rule(&self, p: &ProgrammeOut) -> String {
        rule(&self.ctx, p)
    }
    fn available(&self, p: &ProgrammeOut) -> String {
        exact(&self.ctx.t, p.available_minor, &p.currency)
    }
    fn region(&self, p: &ProgrammeOut) -> String {
        self.labels.region(&p.home_region)
    }
    fn services(&self, p: &ProgrammeOut) -> String {
        p.eligible_service_kinds
            .iter()
            .map(|k| kind_word(&self.ctx, *k))
            .collect::<Vec<_>>()
            .join(" · ")
    }
    fn state(&self, v: &VoucherOut) -> String {
        voucher_state(&self.ctx, v.state)
    }
    fn value(&self, v: &VoucherOut) -> String {
        exact(&self.ctx.t, v.reserved_minor, &v.currency)
    }
    fn redeemed(&self, v: &VoucherOut) -> String {
        exact(&self.ctx.t, v.redeemed_minor, &v.currency)
    }
}

async fn vouchers(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    let caller = viewer.caller();
    let (programmes, labels) = tokio::join!(
        portal
            .api
            .get::<Page<ProgrammeOut>>(caller, "/api/v1/voucher-programmes?per_page=100"),
        Labels::load(&portal, &viewer)
    );
    let mine = if viewer.organisation_id().is_some() {
        portal
            .api
            .get::<Page<VoucherOut>>(caller, "/api/v1/vouchers?per_page=100")
            .await
            .map_err(|e| viewer.fail(e))?
            .items
    } else {
        Vec::new()
    };
    Ok(render(&VouchersPage {
        ctx: Ctx::new(&viewer, "services"),
        labels,
        programmes: programmes.map_err(|e| viewer.fail(e))?.items,
        mine,
    }))
}

#[derive(Debug, Default, Deserialize)]
struct ApplyForm {
    #[serde(default)]
    purpose: String,
}

async fn apply(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(programme): Path<Uuid>,
    Form(form): Form<ApplyForm>,
) -> PageResult {
    viewer.require_login()?;
    portal
        .api
        .post::<VoucherOut>(
            viewer.caller(),
            &format!("/api/v1/voucher-programmes/{programme}/applications"),
            &json!({"purpose": form.purpose}),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done("/vouchers", "submitted"))
}

#[derive(Template)]
#[template(path = "svc_console.html")]
struct ConsolePage {
    ctx: Ctx,
    programmes: Vec<ProgrammeOut>,
    applications: Vec<VoucherOut>,
    today: String,
    until: String,
}

impl ConsolePage {
    fn kinds(&self) -> Vec<(&'static str, String)> {
        ServiceKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_word(&self.ctx, *k)))
            .collect()
    }
    fn rule(&self, p: &ProgrammeOut) -> String {
        rule(&self.ctx, p)
    }
    fn budget(&self, p: &ProgrammeOut) -> String {
        exact(&self.ctx.t, p.budget_minor, &p.currency)
    }
    fn available(&self, p: &ProgrammeOut) -> String {
        exact(&self.ctx.t, p.available_minor, &p.currency)
    }
}

async fn console(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    require_operator(&viewer)?;
    let caller = viewer.caller();
    let (programmes, applications) = tokio::join!(
        portal
            .api
            .get::<Page<ProgrammeOut>>(caller, "/api/v1/voucher-programmes?per_page=100"),
        portal
            .api
            .get::<Page<VoucherOut>>(caller, "/api/v1/vouchers?state=applied&per_page=100"),
    );
    let today = chrono::Utc::now().date_naive();
    Ok(render(&ConsolePage {
        ctx: Ctx::new(&viewer, "console"),
        programmes: programmes.map_err(|e| viewer.fail(e))?.items,
        applications: applications.map_err(|e| viewer.fail(e))?.items,
        today: today.to_string(),
        until: (today + chrono::Duration::days(365)).to_string(),
    }))
}

#[derive(Debug, Default, Deserialize)]
struct ProgrammeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    issuer: String,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    share_percent: String,
    #[serde(default)]
    cap: String,
    #[serde(default)]
    face_value: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    valid_until: String,
    #[serde(default)]
    home_region: String,
    #[serde(default)]
    cross_region: Option<String>,
    #[serde(default)]
    pays_contracts: Option<String>,
    /// Checkbox values arrive one per key; the form names each kind.
    #[serde(default)]
    kind_pilot_scale: Option<String>,
    #[serde(default)]
    kind_proof_of_concept: Option<String>,
    #[serde(default)]
    kind_testing: Option<String>,
    #[serde(default)]
    kind_evaluation: Option<String>,
    #[serde(default)]
    kind_ip_agency: Option<String>,
    #[serde(default)]
    kind_consulting: Option<String>,
}

/// Yuan as typed, in fen; unreadable text goes through so the API names the field.
fn fen(text: &str) -> serde_json::Value {
    parse_major_to_minor(text, 2).map_or_else(|_| json!(text.trim()), |v| json!(v))
}

async fn create(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<ProgrammeForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let kinds: Vec<&str> = [
        (&form.kind_pilot_scale, ServiceKind::PilotScale),
        (&form.kind_proof_of_concept, ServiceKind::ProofOfConcept),
        (&form.kind_testing, ServiceKind::Testing),
        (&form.kind_evaluation, ServiceKind::Evaluation),
        (&form.kind_ip_agency, ServiceKind::IpAgency),
        (&form.kind_consulting, ServiceKind::Consulting),
    ]
    .into_iter()
    .filter(|(on, _)| on.is_some())
    .map(|(_, k)| k.as_str())
    .collect();
    // A share in percent with up to two decimals is basis points.
    let share = parse_major_to_minor(&form.share_percent, 2).ok();
    let face = form.face_value.trim();
    let mut body = json!({
        "name": form.name,
        "issuer": form.issuer,
        "budget_minor": fen(&form.budget),
        "currency": "CNY",
        "eligible_org_kinds": ["enterprise"],
        "eligible_service_kinds": kinds,
        "valid_from": form.valid_from.trim(),
        "valid_until": form.valid_until.trim(),
        "cross_region": form.cross_region.is_some(),
        "pays_contracts": form.pays_contracts.is_some(),
        "home_region": form.home_region.trim(),
    });
    if face.is_empty() {
        body["share_bp"] = json!(share);
        body["cap_minor"] = fen(&form.cap);
    } else {
        body["face_value_minor"] = fen(face);
    }
    let created: ProgrammeOut = portal
        .api
        .post(viewer.caller(), "/api/v1/voucher-programmes", &body)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/console/vouchers/{}", created.id), "saved"))
}

#[derive(Debug, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    approve: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    note: String,
}

async fn decide(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(voucher): Path<Uuid>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let note = Some(form.note.trim()).filter(|n| !n.is_empty());
    portal
        .api
        .post::<VoucherOut>(
            viewer.caller(),
            &format!("/api/v1/vouchers/{voucher}/decision"),
            &json!({"approve": form.approve == "1", "note": note, "version": form.version.trim().parse::<i32>().ok()}),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done("/console/vouchers", "saved"))
}

#[derive(Template)]
#[template(path = "svc_report.html")]
struct ReportPage {
    ctx: Ctx,
    labels: Labels,
    report: ProgrammeReport,
}

impl ReportPage {
    fn money(&self, minor: &i64) -> String {
        exact(&self.ctx.t, *minor, &self.report.programme.currency)
    }
    fn region(&self, r: &ReportRow) -> String {
        self.labels.region(&r.key)
    }
    fn kind(&self, r: &ReportRow) -> String {
        if r.key == wire::VoucherTarget::TechnologyContract.as_str() {
            return self.ctx.t.t("svc.technology_contract").to_owned();
        }
        ServiceKind::parse(&r.key).map_or_else(|| r.key.clone(), |k| kind_word(&self.ctx, k))
    }
    fn line_kind(&self, kind: &wire::LedgerKind) -> String {
        self.ctx
            .t
            .t(&format!("svc.ledger_{}", kind.as_str()))
            .to_owned()
    }
    fn rule(&self) -> String {
        rule(&self.ctx, &self.report.programme)
    }
}

async fn report(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(programme): Path<Uuid>,
) -> PageResult {
    require_operator(&viewer)?;
    let path = format!("/api/v1/voucher-programmes/{programme}/report");
    let (report, labels) = tokio::join!(
        portal.api.get::<ProgrammeReport>(viewer.caller(), &path),
        Labels::load(&portal, &viewer)
    );
    Ok(render(&ReportPage {
        ctx: Ctx::new(&viewer, "console"),
        labels,
        report: report.map_err(|e| viewer.fail(e))?,
    }))
}
