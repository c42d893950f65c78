//! The operator console: the review queue of submitted listings, organisations and brokers
//! awaiting verification, contract registrations awaiting a decision, and the targets the
//! statistics report against. Operators only; everyone else gets the 403 page.
//!
//! Each section is its own page under `/console` with the same tabs. Every decision is a plain
//! form post; a refusal (a missing reason, a stale version) re-renders the section with the
//! message beside the item it concerns and what the operator typed kept.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

use super::dashboard::indicator_name;
use super::{ApiPage, Labels, Pager};
use crate::api::{urlencode, with_query, ApiError, Caller};
use crate::i18n::Tr;
use crate::page::{done, render, Ctx, FormErrors, PageError, PageResult};
use crate::session::Viewer;
use crate::{Api, Portal};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/console", get(reviews))
        .route("/console/reviews/{kind}/{id}", post(decide_review))
        .route("/console/orgs", get(orgs))
        .route("/console/orgs/{id}", post(decide_org))
        .route("/console/brokers", get(brokers))
        .route("/console/brokers/{id}", post(decide_broker))
        .route("/console/registrations", get(registrations))
        .route("/console/registrations/{id}", post(decide_registration))
        .route("/console/targets", get(targets).post(create_target))
        .route("/console/targets/{id}", post(update_target))
}

const PER_PAGE: u64 = 20;

/// Signed-in operators pass; others see the login page (anonymous) or the 403 page.
#[expect(
    clippy::result_large_err,
    reason = "PageError is the page's finished response, returned once per request"
)]
fn require_operator(viewer: &Viewer) -> Result<(), PageError> {
    let me = viewer.require_login()?;
    if me.is_operator {
        Ok(())
    } else {
        Err(viewer.error_page(StatusCode::FORBIDDEN, String::new()))
    }
}

/// The viewer of a re-rendered section: the layout's links (language switch) point at the
/// section's page, not at the form's POST address.
fn at(viewer: &Viewer, path: String) -> Viewer {
    let mut v = viewer.clone();
    v.path = path;
    v
}

#[derive(Debug, Default, Deserialize)]
struct PageParam {
    page: Option<u64>,
    /// Targets: the year shown (empty for every year).
    #[serde(default)]
    year: String,
    /// Registrations: the registration just registered, to show its number.
    #[serde(default)]
    registered: String,
}

impl PageParam {
    fn page(&self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }
}

// ---------------------------------------------------------------------------------------------
// Tabs and refusals, shared by every section

/// One section of the console in the tab bar, with how many items wait there.
pub struct Tab {
    pub href: &'static str,
    pub label: &'static str,
    pub count: Option<u64>,
    pub current: bool,
}

#[derive(Debug, Deserialize)]
struct Total {
    total: u64,
}

async fn tabs(api: &Api, caller: Caller<'_>, t: Tr, current: &str) -> Vec<Tab> {
    let (reviews, orgs, brokers, regs) = tokio::join!(
        api.get::<Vec<serde_json::Value>>(caller, "/api/v1/reviews"),
        api.get::<Total>(
            caller,
            "/api/v1/orgs?verification_status=pending&per_page=1"
        ),
        api.get::<Total>(caller, "/api/v1/brokers?status=pending&per_page=1"),
        api.get::<Total>(caller, "/api/v1/registrations?status=submitted&per_page=1"),
    );
    let counts = [
        reviews.ok().map(|v| v.len() as u64),
        orgs.ok().map(|p| p.total),
        brokers.ok().map(|p| p.total),
        regs.ok().map(|p| p.total),
        None,
    ];
    let sections = [
        ("reviews", "/console", "console.tab_reviews"),
        ("orgs", "/console/orgs", "console.tab_orgs"),
        ("brokers", "/console/brokers", "console.tab_brokers"),
        (
            "registrations",
            "/console/registrations",
            "console.tab_registrations",
        ),
        ("targets", "/console/targets", "console.tab_targets"),
    ];
    sections
        .into_iter()
        .zip(counts)
        .map(|((name, href, label), count)| Tab {
            href,
            label: t.t(label),
            count,
            current: name == current,
        })
        .collect()
}

/// A refused decision: which item it was about, the messages, and what the operator typed.
#[derive(Debug, Default)]
pub struct Refusal {
    pub id: String,
    pub errors: FormErrors,
    pub values: HashMap<String, String>,
}

impl Refusal {
    fn new(id: &str, errors: FormErrors, values: &[(&str, &str)]) -> Self {
        Self {
            id: id.to_owned(),
            errors,
            values: values
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect(),
        }
    }

    /// Whether the refusal concerns this item.
    pub fn is(&self, id: &str) -> bool {
        !self.id.is_empty() && self.id == id
    }

    /// The overall message for this item, if it was refused.
    pub fn summary(&self, id: &str) -> Option<&str> {
        if self.is(id) {
            self.errors.summary.as_deref()
        } else {
            None
        }
    }

    /// The message beside one field of this item's form.
    pub fn error(&self, id: &str, field: &str) -> Option<&str> {
        if self.is(id) {
            self.errors.get(field)
        } else {
            None
        }
    }

    /// What the operator typed into a field of this item's form, or `default`.
    pub fn value<'a>(&'a self, id: &str, field: &str, default: &'a str) -> &'a str {
        if self.is(id) {
            self.values
                .get(field)
                .map(String::as_str)
                .unwrap_or(default)
        } else {
            default
        }
    }
}

/// The refusal for an API problem the operator can act on (validation, stale version, wrong
/// state); other failures become the error page.
#[expect(
    clippy::result_large_err,
    reason = "PageError is the page's finished response, returned once per request"
)]
fn refusal_or_fail(
    viewer: &Viewer,
    err: ApiError,
    id: &str,
    values: &[(&str, &str)],
) -> Result<(Refusal, StatusCode), PageError> {
    match err {
        ApiError::Problem(p) if matches!(p.status, 400 | 404 | 409 | 422) => {
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let mut errors = FormErrors::from_problem(&p);
            if p.status == 409 {
                // Someone decided first or the item changed: say so in the reader's language.
                errors.summary = Some(
                    Tr::new(viewer.lang)
                        .t("common.error_conflict_advice")
                        .to_owned(),
                );
            }
            Ok((Refusal::new(id, errors, values), status))
        }
        other => Err(viewer.fail(other)),
    }
}

/// A refusal the portal makes itself before calling the API (an empty reason); the message
/// shows beside the field only.
fn local_refusal(
    id: &str,
    field: &str,
    message: &str,
    values: &[(&str, &str)],
) -> (Refusal, StatusCode) {
    (
        Refusal::new(id, FormErrors::field(field, message), values),
        StatusCode::UNPROCESSABLE_ENTITY,
    )
}

fn with_status(mut resp: Response, status: StatusCode) -> Response {
    *resp.status_mut() = status;
    resp
}

/// Organisation names by id, for lists that carry only ids (`/api/v1/orgs/{id}` each, once).
async fn org_names(
    api: &Api,
    caller: Caller<'_>,
    t: Tr,
    ids: impl Iterator<Item = String>,
) -> HashMap<String, String> {
    let mut names = HashMap::new();
    for id in ids {
        if id.is_empty() || names.contains_key(&id) {
            continue;
        }
        let name = match api
            .get::<OrgOut>(caller, &format!("/api/v1/orgs/{}", urlencode(&id)))
            .await
        {
            Ok(o) => t
                .pick(&o.name, o.name_en.as_deref().unwrap_or(""))
                .to_owned(),
            Err(_) => String::new(),
        };
        names.insert(id, name);
    }
    names
}

fn name_or_dash(names: &HashMap<String, String>, id: &str) -> String {
    names
        .get(id)
        .filter(|n| !n.is_empty())
        .cloned()
        .unwrap_or_else(|| "—".to_owned())
}

// ---------------------------------------------------------------------------------------------
// Review queue

#[derive(Debug, Clone, Deserialize)]
struct ReviewItem {
    kind: String,
    id: String,
    organisation_id: String,
    title: String,
    language: String,
    version: i64,
    submitted_at: Option<String>,
}

/// A submitted listing as the queue shows it.
pub struct ReviewRow {
    pub id: String,
    pub kind: String,
    pub kind_label: String,
    pub href: String,
    pub title: String,
    pub organisation: String,
    pub language: String,
    pub language_code: String,
    pub submitted: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "console_reviews.html")]
struct ReviewsPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    rows: Vec<ReviewRow>,
    pager: Pager,
    page: u64,
    refusal: Refusal,
}

impl ReviewsPage {
    fn confirm_reject(&self, title: &str) -> String {
        self.ctx
            .t
            .f("console.confirm_reject_listing", &[("title", title)])
    }
}

async fn reviews(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_operator(&viewer)?;
    reviews_page(&portal, &viewer, q.page(), Refusal::default()).await
}

async fn reviews_page(portal: &Portal, viewer: &Viewer, page: u64, refusal: Refusal) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let caller = viewer.caller();
    let (queue, labels, tabs) = tokio::join!(
        portal.api.get::<Vec<ReviewItem>>(caller, "/api/v1/reviews"),
        Labels::load(&portal.api, viewer),
        tabs(&portal.api, caller, t, "reviews"),
    );
    let queue = queue.map_err(|e| viewer.fail(e))?;
    let total = queue.len() as u64;
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = page.min(pages);
    let start = ((page - 1) * PER_PAGE) as usize;
    let shown: Vec<ReviewItem> = queue
        .iter()
        .skip(start)
        .take(PER_PAGE as usize)
        .cloned()
        .collect();
    let names = org_names(
        &portal.api,
        caller,
        t,
        shown.iter().map(|i| i.organisation_id.clone()),
    )
    .await;
    let rows = shown
        .into_iter()
        .map(|i| {
            let (segment, term) = if i.kind == "need" {
                ("needs", "need")
            } else {
                ("achievements", "achievement")
            };
            ReviewRow {
                href: format!("/{segment}/{}", i.id),
                kind_label: t.term("kind", term),
                organisation: name_or_dash(&names, &i.organisation_id),
                language: labels.language(&i.language),
                language_code: i.language,
                submitted: t.opt_date(&i.submitted_at),
                id: i.id,
                kind: term.to_owned(),
                title: i.title,
                version: i.version,
            }
        })
        .collect();
    let pager = Pager::new(
        &format!("/console?page={page}"),
        "page",
        page,
        PER_PAGE,
        total,
    );
    Ok(render(&ReviewsPage {
        ctx,
        tabs,
        rows,
        pager,
        page,
        refusal,
    }))
}

#[derive(Debug, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    page: Option<u64>,
    #[serde(default)]
    registered_on: String,
    #[serde(default)]
    registration_number: String,
}

fn opt(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

async fn decide_review(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((kind, id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let segment = match kind.as_str() {
        "achievement" => "achievements",
        "need" => "needs",
        _ => return Err(viewer.not_found()),
    };
    let page = form.page.unwrap_or(1).max(1);
    let t = Tr::new(viewer.lang);
    let values = [("reason", form.reason.as_str())];
    let reject = form.decision == "reject";
    let outcome = if reject && opt(&form.reason).is_none() {
        Err(local_refusal(
            &id,
            "reason",
            t.t("console.reason_required"),
            &values,
        ))
    } else {
        let body = json!({
            "decision": if reject { "reject" } else { "publish" },
            "reason": opt(&form.reason),
            "version": form.version,
        });
        let path = format!("/api/v1/{segment}/{}/review", urlencode(&id));
        match portal
            .api
            .post::<serde_json::Value>(viewer.caller(), &path, &body)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(refusal_or_fail(&viewer, e, &id, &values)?),
        }
    };
    match outcome {
        Ok(()) => Ok(done(
            "/console",
            if reject { "rejected" } else { "published" },
        )),
        Err((refusal, status)) => {
            let v = at(&viewer, format!("/console?page={page}"));
            Ok(with_status(
                reviews_page(&portal, &v, page, refusal).await?,
                status,
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Organisations awaiting verification

#[derive(Debug, Clone, Deserialize)]
struct OrgOut {
    id: String,
    name: String,
    name_en: Option<String>,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    region_code: String,
    credit_code: Option<String>,
    #[serde(default)]
    state_funded: bool,
    website: Option<String>,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    created_at: String,
}

pub struct OrgRow {
    pub id: String,
    pub name: String,
    pub name_en: String,
    pub kind: String,
    pub place: String,
    pub credit_code: String,
    pub state_funded: bool,
    pub website: String,
    pub registered: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "console_orgs.html")]
struct OrgsPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    rows: Vec<OrgRow>,
    pager: Pager,
    page: u64,
    refusal: Refusal,
}

impl OrgsPage {
    fn confirm_reject(&self, name: &str) -> String {
        self.ctx
            .t
            .f("console.confirm_reject_org", &[("name", name)])
    }
}

async fn orgs(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_operator(&viewer)?;
    orgs_page(&portal, &viewer, q.page(), Refusal::default()).await
}

async fn orgs_page(portal: &Portal, viewer: &Viewer, page: u64, refusal: Refusal) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let caller = viewer.caller();
    let path = with_query(
        "/api/v1/orgs",
        &[
            ("verification_status", "pending".to_owned()),
            ("page", page.to_string()),
            ("per_page", PER_PAGE.to_string()),
        ],
    );
    let (list, labels, tabs) = tokio::join!(
        portal.api.get::<ApiPage<OrgOut>>(caller, &path),
        Labels::load(&portal.api, viewer),
        tabs(&portal.api, caller, t, "orgs"),
    );
    let list = list.map_err(|e| viewer.fail(e))?;
    let rows = list
        .items
        .into_iter()
        .map(|o| OrgRow {
            kind: t.term("org_kind", &o.kind),
            place: if o.country == "CN" {
                labels.region(&o.region_code)
            } else {
                labels.country(&o.country)
            },
            credit_code: o.credit_code.unwrap_or_default(),
            website: o.website.unwrap_or_default(),
            registered: t.date(&o.created_at),
            name_en: o.name_en.unwrap_or_default(),
            state_funded: o.state_funded,
            version: o.version,
            name: o.name,
            id: o.id,
        })
        .collect();
    let pager = Pager::new(
        &format!("/console/orgs?page={page}"),
        "page",
        list.page,
        PER_PAGE,
        list.total,
    );
    Ok(render(&OrgsPage {
        ctx,
        tabs,
        rows,
        pager,
        page,
        refusal,
    }))
}

async fn decide_org(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let page = form.page.unwrap_or(1).max(1);
    let t = Tr::new(viewer.lang);
    let values = [("note", form.note.as_str())];
    let reject = form.decision == "reject";
    let outcome = if reject && opt(&form.note).is_none() {
        Err(local_refusal(
            &id,
            "note",
            t.t("console.reason_required"),
            &values,
        ))
    } else {
        // The organisation endpoint names the outcome (`verified` / `rejected`).
        let body = json!({
            "decision": if reject { "rejected" } else { "verified" },
            "note": opt(&form.note),
            "version": form.version,
        });
        let path = format!("/api/v1/orgs/{}/verification", urlencode(&id));
        match portal
            .api
            .post::<serde_json::Value>(viewer.caller(), &path, &body)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(refusal_or_fail(&viewer, e, &id, &values)?),
        }
    };
    match outcome {
        Ok(()) => Ok(done(
            "/console/orgs",
            if reject { "rejected" } else { "verified" },
        )),
        Err((refusal, status)) => {
            let v = at(&viewer, format!("/console/orgs?page={page}"));
            Ok(with_status(
                orgs_page(&portal, &v, page, refusal).await?,
                status,
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Brokers awaiting verification

#[derive(Debug, Clone, Deserialize)]
struct BrokerOut {
    id: String,
    display_name: String,
    #[serde(default)]
    certification_level: String,
    certificate_number: Option<String>,
    #[serde(default)]
    fields: Vec<String>,
    #[serde(default)]
    regions: Vec<String>,
    #[serde(default)]
    languages: Vec<String>,
    organisation_id: Option<String>,
    bio: Option<String>,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    created_at: String,
}

pub struct BrokerRow {
    pub id: String,
    pub name: String,
    pub level: String,
    pub certificate: String,
    pub organisation: String,
    pub fields: String,
    pub regions: String,
    pub languages: String,
    pub bio: String,
    pub created: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "console_brokers.html")]
struct BrokersPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    rows: Vec<BrokerRow>,
    pager: Pager,
    page: u64,
    refusal: Refusal,
}

impl BrokersPage {
    fn confirm_reject(&self, name: &str) -> String {
        self.ctx
            .t
            .f("console.confirm_reject_broker", &[("name", name)])
    }
}

async fn brokers(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_operator(&viewer)?;
    brokers_page(&portal, &viewer, q.page(), Refusal::default()).await
}

async fn brokers_page(portal: &Portal, viewer: &Viewer, page: u64, refusal: Refusal) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let caller = viewer.caller();
    let path = with_query(
        "/api/v1/brokers",
        &[
            ("status", "pending".to_owned()),
            ("page", page.to_string()),
            ("per_page", PER_PAGE.to_string()),
        ],
    );
    let (list, labels, tabs) = tokio::join!(
        portal.api.get::<ApiPage<BrokerOut>>(caller, &path),
        Labels::load(&portal.api, viewer),
        tabs(&portal.api, caller, t, "brokers"),
    );
    let list = list.map_err(|e| viewer.fail(e))?;
    let names = org_names(
        &portal.api,
        caller,
        t,
        list.items.iter().filter_map(|b| b.organisation_id.clone()),
    )
    .await;
    let join = |codes: &[String], f: &dyn Fn(&str) -> String| {
        if codes.is_empty() {
            "—".to_owned()
        } else {
            codes.iter().map(|c| f(c)).collect::<Vec<_>>().join("、")
        }
    };
    let rows = list
        .items
        .into_iter()
        .map(|b| BrokerRow {
            level: t.term("cert", &b.certification_level),
            certificate: b
                .certificate_number
                .clone()
                .unwrap_or_else(|| "—".to_owned()),
            organisation: b
                .organisation_id
                .as_deref()
                .map(|o| name_or_dash(&names, o))
                .unwrap_or_else(|| "—".to_owned()),
            fields: join(&b.fields, &|c| labels.industry(c)),
            regions: join(&b.regions, &|c| labels.region(c)),
            languages: join(&b.languages, &|c| labels.language(c)),
            bio: b.bio.clone().unwrap_or_default(),
            created: t.date(&b.created_at),
            version: b.version,
            name: b.display_name,
            id: b.id,
        })
        .collect();
    let pager = Pager::new(
        &format!("/console/brokers?page={page}"),
        "page",
        list.page,
        PER_PAGE,
        list.total,
    );
    Ok(render(&BrokersPage {
        ctx,
        tabs,
        rows,
        pager,
        page,
        refusal,
    }))
}

async fn decide_broker(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let page = form.page.unwrap_or(1).max(1);
    let t = Tr::new(viewer.lang);
    let values = [("note", form.note.as_str())];
    let reject = form.decision == "reject";
    let outcome = if reject && opt(&form.note).is_none() {
        Err(local_refusal(
            &id,
            "note",
            t.t("console.reason_required"),
            &values,
        ))
    } else {
        let body = json!({
            "decision": if reject { "reject" } else { "verify" },
            "note": opt(&form.note),
            "version": form.version,
        });
        let path = format!("/api/v1/brokers/{}/verification", urlencode(&id));
        match portal
            .api
            .post::<serde_json::Value>(viewer.caller(), &path, &body)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(refusal_or_fail(&viewer, e, &id, &values)?),
        }
    };
    match outcome {
        Ok(()) => Ok(done(
            "/console/brokers",
            if reject { "rejected" } else { "verified" },
        )),
        Err((refusal, status)) => {
            let v = at(&viewer, format!("/console/brokers?page={page}"));
            Ok(with_status(
                brokers_page(&portal, &v, page, refusal).await?,
                status,
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Contract registrations awaiting a decision

#[derive(Debug, Clone, Deserialize)]
struct RegistrationOut {
    id: String,
    contract_id: String,
    contract_number: String,
    contract_title: String,
    contract_amount_cny_minor: i64,
    tech_amount_cny_minor: i64,
    #[serde(default)]
    status: String,
    registration_number: Option<String>,
    registered_on: Option<String>,
    office: Option<String>,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    updated_at: String,
}

/// The parts of a contract the registration list shows beside the registration.
#[derive(Debug, Clone, Deserialize)]
struct ContractBrief {
    seller_organisation_id: String,
    buyer_organisation_id: String,
    #[serde(default)]
    contract_type: String,
    #[serde(default)]
    contract_type_label: String,
    #[serde(default)]
    signed_on: String,
}

pub struct RegistrationRow {
    pub id: String,
    pub number: String,
    pub title: String,
    pub contract_amount: String,
    pub tech_amount: String,
    pub seller: String,
    pub buyer: String,
    pub contract_type: String,
    pub signed_on: String,
    pub submitted: String,
    pub version: i64,
}

/// The registration just registered, with its number.
pub struct JustRegistered {
    pub contract_number: String,
    pub title: String,
    pub registration_number: String,
    pub registered_on: String,
    pub office: String,
}

#[derive(Template)]
#[template(path = "console_registrations.html")]
struct RegistrationsPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    rows: Vec<RegistrationRow>,
    pager: Pager,
    page: u64,
    refusal: Refusal,
    today: String,
    just: Option<JustRegistered>,
}

impl RegistrationsPage {
    fn confirm_reject(&self, number: &str) -> String {
        self.ctx
            .t
            .f("console.confirm_reject_registration", &[("number", number)])
    }

    fn just_line(&self, j: &JustRegistered) -> String {
        self.ctx.t.f(
            "console.registered_as",
            &[
                ("contract", &j.contract_number),
                ("title", &j.title),
                ("number", &j.registration_number),
                ("date", &j.registered_on),
            ],
        )
    }
}

async fn registrations(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_operator(&viewer)?;
    registrations_page(
        &portal,
        &viewer,
        q.page(),
        Refusal::default(),
        &q.registered,
    )
    .await
}

async fn registrations_page(
    portal: &Portal,
    viewer: &Viewer,
    page: u64,
    refusal: Refusal,
    registered: &str,
) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let caller = viewer.caller();
    let path = with_query(
        "/api/v1/registrations",
        &[
            ("status", "submitted".to_owned()),
            ("page", page.to_string()),
            ("per_page", PER_PAGE.to_string()),
        ],
    );
    let (list, tabs) = tokio::join!(
        portal.api.get::<ApiPage<RegistrationOut>>(caller, &path),
        tabs(&portal.api, caller, t, "registrations")
    );
    let list = list.map_err(|e| viewer.fail(e))?;
    let mut contracts = HashMap::new();
    for r in &list.items {
        let path = format!("/api/v1/contracts/{}", urlencode(&r.contract_id));
        if let Ok(c) = portal.api.get::<ContractBrief>(caller, &path).await {
            contracts.insert(r.contract_id.clone(), c);
        }
    }
    let names = org_names(
        &portal.api,
        caller,
        t,
        contracts.values().flat_map(|c| {
            [
                c.seller_organisation_id.clone(),
                c.buyer_organisation_id.clone(),
            ]
        }),
    )
    .await;
    let rows = list
        .items
        .into_iter()
        .map(|r| {
            let c = contracts.get(&r.contract_id);
            RegistrationRow {
                number: r.contract_number,
                title: r.contract_title,
                contract_amount: t.cny(r.contract_amount_cny_minor),
                tech_amount: t.cny(r.tech_amount_cny_minor),
                seller: c
                    .map(|c| name_or_dash(&names, &c.seller_organisation_id))
                    .unwrap_or_else(|| "—".to_owned()),
                buyer: c
                    .map(|c| name_or_dash(&names, &c.buyer_organisation_id))
                    .unwrap_or_else(|| "—".to_owned()),
                contract_type: c
                    .map(|c| contract_type_words(t, &c.contract_type, &c.contract_type_label))
                    .unwrap_or_else(|| "—".to_owned()),
                signed_on: c
                    .map(|c| t.date(&c.signed_on))
                    .unwrap_or_else(|| "—".to_owned()),
                submitted: t.date(&r.updated_at),
                version: r.version,
                id: r.id,
            }
        })
        .collect();
    // After a registration the page names the number it was given.
    let just = match opt(registered) {
        Some(id) => portal
            .api
            .get::<RegistrationOut>(caller, &format!("/api/v1/registrations/{}", urlencode(id)))
            .await
            .ok()
            .filter(|r| r.status == "registered")
            .map(|r| JustRegistered {
                contract_number: r.contract_number,
                title: r.contract_title,
                registration_number: r.registration_number.unwrap_or_default(),
                registered_on: t.opt_date(&r.registered_on),
                office: r.office.unwrap_or_default(),
            }),
        None => None,
    };
    let pager = Pager::new(
        &format!("/console/registrations?page={page}"),
        "page",
        list.page,
        PER_PAGE,
        list.total,
    );
    let today = chrono::Utc::now().date_naive().to_string();
    Ok(render(&RegistrationsPage {
        ctx,
        tabs,
        rows,
        pager,
        page,
        refusal,
        today,
        just,
    }))
}

/// A contract type in the reader's language (the API's label is Chinese).
fn contract_type_words(t: Tr, code: &str, api_label: &str) -> String {
    let key = match code {
        "development" => "dash.type_development",
        "transfer" => "dash.type_transfer",
        "licence" => "dash.type_licence",
        "consulting" => "dash.type_consulting",
        "service" => "dash.type_service",
        _ => {
            return if api_label.is_empty() {
                code.to_owned()
            } else {
                api_label.to_owned()
            }
        }
    };
    t.t(key).to_owned()
}

async fn decide_registration(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let page = form.page.unwrap_or(1).max(1);
    let t = Tr::new(viewer.lang);
    let values = [
        ("reason", form.reason.as_str()),
        ("registered_on", form.registered_on.as_str()),
        ("registration_number", form.registration_number.as_str()),
    ];
    let reject = form.decision == "reject";
    let outcome = if reject && opt(&form.reason).is_none() {
        Err(local_refusal(
            &id,
            "reason",
            t.t("console.reason_required"),
            &values,
        ))
    } else {
        let body = if reject {
            json!({"decision": "reject", "reason": opt(&form.reason), "version": form.version})
        } else {
            json!({
                "decision": "register",
                "registered_on": opt(&form.registered_on),
                "registration_number": opt(&form.registration_number),
                "version": form.version,
            })
        };
        let path = format!("/api/v1/registrations/{}/decision", urlencode(&id));
        match portal
            .api
            .post::<serde_json::Value>(viewer.caller(), &path, &body)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(refusal_or_fail(&viewer, e, &id, &values)?),
        }
    };
    match outcome {
        Ok(()) if reject => Ok(done("/console/registrations", "rejected")),
        Ok(()) => Ok(Redirect::to(&format!(
            "/console/registrations?registered={}",
            urlencode(&id)
        ))
        .into_response()),
        Err((refusal, status)) => {
            let v = at(&viewer, format!("/console/registrations?page={page}"));
            Ok(with_status(
                registrations_page(&portal, &v, page, refusal, "").await?,
                status,
            ))
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Targets

#[derive(Debug, Clone, Deserialize)]
struct TargetOut {
    id: String,
    year: i32,
    indicator: String,
    target_value: i64,
    baseline_value: Option<i64>,
    baseline_year: Option<i32>,
    unit: String,
    source: String,
    version: i64,
    #[serde(default)]
    updated_at: String,
}

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
struct TargetsPage {
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

const INDICATORS: [&str; 4] = [
    "contract_turnover",
    "achievements_transferred",
    "enterprises_served",
    "brokers_trained",
];

/// `120000000000` fen → `1200000000.00` (no grouping, as an input's value).
fn plain_major(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// A decimal amount in the currency's major unit (`1,234.5` yuan) as minor units (123450
/// fen), exactly, with integer arithmetic. Negative amounts and more than two decimals are
/// refused.
fn parse_major_to_minor(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '_'))
        .collect();
    let (int, frac) = cleaned.split_once('.').unwrap_or((cleaned.as_str(), ""));
    if (int.is_empty() && frac.is_empty()) || frac.len() > 2 {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = if int.is_empty() { 0 } else { int.parse().ok()? };
    let cents: i64 = match frac.len() {
        0 => 0,
        1 => frac.parse::<i64>().ok()? * 10,
        _ => frac.parse().ok()?,
    };
    whole.checked_mul(100)?.checked_add(cents)
}

/// A whole count (`20,000`).
fn parse_count(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ',' | '，' | ' ' | '_'))
        .collect();
    if cleaned.is_empty() || !cleaned.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    cleaned.parse().ok()
}

/// A target figure typed in a form: yuan for money indicators, a count otherwise.
fn parse_target_value(money: bool, text: &str) -> Option<i64> {
    if money {
        parse_major_to_minor(text)
    } else {
        parse_count(text)
    }
}

fn is_money(indicator: &str) -> bool {
    indicator == "contract_turnover"
}

async fn targets(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_operator(&viewer)?;
    targets_page(
        &portal,
        &viewer,
        q.page(),
        q.year.trim(),
        Refusal::default(),
    )
    .await
}

async fn targets_page(
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
        portal.api.get::<ApiPage<TargetOut>>(caller, &path),
        portal
            .api
            .get::<ApiPage<TargetOut>>(caller, "/api/v1/targets?per_page=100"),
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
                    plain_major(x.target_value)
                } else {
                    x.target_value.to_string()
                },
                baseline: match (x.baseline_value, x.baseline_year) {
                    (Some(v), Some(y)) => format!("{} ({y})", show(money, v)),
                    (Some(v), None) => show(money, v),
                    _ => "—".to_owned(),
                },
                updated: t.date(&x.updated_at),
                money,
                id: x.id,
                year: x.year,
                source: x.source,
                version: x.version,
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
struct TargetForm {
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
    #[serde(default)]
    version: i64,
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

async fn refuse_target(
    portal: &Portal,
    viewer: &Viewer,
    form: &TargetForm,
    refusal: Refusal,
    status: StatusCode,
) -> PageResult {
    let page = form.page.unwrap_or(1).max(1);
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

async fn create_target(
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
        let key = if money {
            "console.amount_invalid"
        } else {
            "console.count_invalid"
        };
        errors
            .fields
            .insert("target_value".to_owned(), t.t(key).to_owned());
    }
    let baseline = match opt(&form.baseline_value) {
        None => Some(None),
        Some(b) => parse_target_value(money, b).map(Some),
    };
    if baseline.is_none() {
        let key = if money {
            "console.amount_invalid"
        } else {
            "console.count_invalid"
        };
        errors
            .fields
            .insert("baseline_value".to_owned(), t.t(key).to_owned());
    }
    let baseline_year = match opt(&form.baseline_year) {
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

async fn update_target(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<TargetForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let t = Tr::new(viewer.lang);
    let money = form.money == "true";
    let Some(value) = parse_target_value(money, &form.target_value) else {
        let key = if money {
            "console.amount_invalid"
        } else {
            "console.count_invalid"
        };
        let (refusal, status) = local_refusal(&id, "target_value", t.t(key), &form.values());
        return refuse_target(&portal, &viewer, &form, refusal, status).await;
    };
    let body = json!({"version": form.version, "target_value": value, "source": opt(&form.source)});
    let path = format!("/api/v1/targets/{}", urlencode(&id));
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
    fn amounts_in_yuan_become_fen_exactly() {
        assert_eq!(
            parse_major_to_minor("120000000000"),
            Some(12_000_000_000_000)
        );
        assert_eq!(parse_major_to_minor("1,234.5"), Some(123_450));
        assert_eq!(parse_major_to_minor("0.07"), Some(7));
        assert_eq!(parse_major_to_minor(".5"), Some(50));
        assert_eq!(parse_major_to_minor("1.234"), None);
        assert_eq!(parse_major_to_minor("-3"), None);
        assert_eq!(parse_major_to_minor("abc"), None);
        assert_eq!(parse_major_to_minor(""), None);
        assert_eq!(parse_major_to_minor("99999999999999999999"), None);
        assert_eq!(plain_major(12_000_000_000_000), "120000000000.00");
        assert_eq!(
            parse_major_to_minor(&plain_major(123_456_789)),
            Some(123_456_789)
        );
    }

    #[test]
    fn counts_are_whole_numbers() {
        assert_eq!(parse_count("20,000"), Some(20_000));
        assert_eq!(parse_count("1.5"), None);
        assert_eq!(parse_count(""), None);
    }

    #[test]
    fn a_refusal_concerns_one_item() {
        let r = Refusal::new(
            "a",
            FormErrors::field("reason", "needed"),
            &[("reason", "typed")],
        );
        assert!(r.is("a") && !r.is("b"));
        assert_eq!(r.error("a", "reason"), Some("needed"));
        assert_eq!(r.error("b", "reason"), None);
        assert_eq!(r.value("a", "reason", ""), "typed");
        assert_eq!(r.value("b", "reason", "x"), "x");
        assert!(!Refusal::default().is(""));
    }
}
