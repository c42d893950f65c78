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
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use super::dashboard::indicator_name;
use super::{page_param, path_id, Labels, Pager};
use crate::api::{urlencode, with_query, ApiError, Caller};
use crate::i18n::Tr;
use crate::money::{money_plain, parse_major_to_minor};
use crate::page::{done, render, typed, Ctx, FormErrors, PageError, PageResult};
use crate::session::Viewer;
use crate::{Api, Portal};
use wire::accounts::OrganisationOut;
use wire::deal::{BrokerOut, ContractOut, RegistrationOut, TargetOut};
use wire::Page;
use wire::{ListingKind, RegistrationStatus, VerificationStatus};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/console", get(reviews))
        .route("/console/reviews/{kind}/{id}", post(decide_review))
        .route("/console/targets", get(targets).post(create_target))
        .route("/console/targets/{id}", post(update_target))
        // `/console/orgs`, `/console/brokers`, `/console/registrations` and their items.
        .route("/console/{queue}", get(queue))
        .route("/console/{queue}/{id}", post(decide_in))
}

const PER_PAGE: u64 = 20;

/// Signed-in operators pass; others see the login page (anonymous) or the 403 page.
pub(super) fn require_operator(viewer: &Viewer) -> Result<(), PageError> {
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

pub(super) async fn tabs(api: &Api, caller: Caller<'_>, t: Tr, current: &str) -> Vec<Tab> {
    let pending = VerificationStatus::Pending;
    let orgs_waiting = format!("/api/v1/orgs?verification_status={pending}&per_page=1");
    let brokers_waiting = format!("/api/v1/brokers?status={pending}&per_page=1");
    let registrations_waiting = format!(
        "/api/v1/registrations?status={}&per_page=1",
        RegistrationStatus::Submitted
    );
    let (reviews, orgs, brokers, regs) = tokio::join!(
        api.get::<Vec<serde_json::Value>>(caller, "/api/v1/reviews"),
        api.get::<Total>(caller, &orgs_waiting),
        api.get::<Total>(caller, &brokers_waiting),
        api.get::<Total>(caller, &registrations_waiting),
    );
    let counts = [
        reviews.ok().map(|v| v.len() as u64),
        orgs.ok().map(|p| p.total),
        brokers.ok().map(|p| p.total),
        regs.ok().map(|p| p.total),
        None,
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
        ("fx", "/console/fx-rates", "console.tab_fx"),
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

/// One page of the items waiting in a paged queue, with its pager and the tabs.
struct Waiting<T> {
    items: Vec<T>,
    pager: Pager,
    tabs: Vec<Tab>,
}

/// Reads one page of a paged queue: `endpoint` filtered by `filter` (pending organisations,
/// submitted registrations, …), shown on the section `/console/{tab}`.
async fn waiting<T: DeserializeOwned>(
    portal: &Portal,
    viewer: &Viewer,
    t: Tr,
    tab: &str,
    endpoint: &str,
    (filter, value): (&str, &str),
    page: u64,
) -> Result<Waiting<T>, PageError> {
    let caller = viewer.caller();
    let path = with_query(
        endpoint,
        &[
            (filter, value.to_owned()),
            ("page", page.to_string()),
            ("per_page", PER_PAGE.to_string()),
        ],
    );
    let (list, tabs) = tokio::join!(
        portal.api.get::<Page<T>>(caller, &path),
        tabs(&portal.api, caller, t, tab),
    );
    let list = list.map_err(|e| viewer.fail(e))?;
    let pager = Pager::new(
        &format!("/console/{tab}?page={page}"),
        "page",
        list.page,
        PER_PAGE,
        list.total,
    );
    Ok(Waiting {
        items: list.items,
        pager,
        tabs,
    })
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
            .get::<OrganisationOut>(caller, &format!("/api/v1/orgs/{}", urlencode(&id)))
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
// Decisions: the same in every queue, but for the endpoint, its words and where it lands

/// The queue a decision is made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Queue {
    /// Submitted listings, with the API's path segment (`achievements` or `needs`).
    Reviews(&'static str),
    Orgs,
    Brokers,
    Registrations,
}

impl Queue {
    /// The queue of a section named in the path (`/console/{name}`; listings have their own).
    fn named(name: &str) -> Option<Queue> {
        match name {
            "orgs" => Some(Queue::Orgs),
            "brokers" => Some(Queue::Brokers),
            "registrations" => Some(Queue::Registrations),
            _ => None,
        }
    }

    /// The section's page: where a decision lands and a refusal is shown.
    fn page(self) -> &'static str {
        match self {
            Queue::Reviews(_) => "/console",
            Queue::Orgs => "/console/orgs",
            Queue::Brokers => "/console/brokers",
            Queue::Registrations => "/console/registrations",
        }
    }

    /// The endpoint that takes a decision about item `id` (a checked id).
    fn endpoint(self, id: &str) -> String {
        match self {
            Queue::Reviews(segment) => format!("/api/v1/{segment}/{id}/review"),
            Queue::Orgs => format!("/api/v1/orgs/{id}/verification"),
            Queue::Brokers => format!("/api/v1/brokers/{id}/verification"),
            Queue::Registrations => format!("/api/v1/registrations/{id}/decision"),
        }
    }

    /// The field that carries why an item was rejected, in the API and in the form.
    fn reason_field(self) -> &'static str {
        match self {
            Queue::Orgs | Queue::Brokers => "note",
            Queue::Reviews(_) | Queue::Registrations => "reason",
        }
    }

    /// The endpoint's word for the decision (each names it its own way; the organisation
    /// endpoint names the outcome).
    fn decision(self, reject: bool) -> &'static str {
        match (self, reject) {
            (Queue::Orgs, true) => VerificationStatus::Rejected.as_str(),
            (_, true) => "reject",
            (Queue::Reviews(_), false) => "publish",
            (Queue::Orgs, false) => VerificationStatus::Verified.as_str(),
            (Queue::Brokers, false) => "verify",
            (Queue::Registrations, false) => "register",
        }
    }

    /// Where a decision the API took lands: the section with its confirmation; a registration
    /// shows the number it was given.
    fn landing(self, id: &str, reject: bool) -> Response {
        match (self, reject) {
            (_, true) => done(self.page(), "rejected"),
            (Queue::Reviews(_), false) => done(self.page(), "published"),
            (Queue::Orgs | Queue::Brokers, false) => done(self.page(), "verified"),
            (Queue::Registrations, false) => {
                Redirect::to(&format!("/console/registrations?registered={id}")).into_response()
            }
        }
    }

    /// The section's page, with a refused decision beside its item (`Refusal::default()` for
    /// none); `registered` names a registration just registered.
    async fn show(
        self,
        portal: &Portal,
        viewer: &Viewer,
        page: u64,
        refusal: Refusal,
        registered: &str,
    ) -> PageResult {
        match self {
            Queue::Reviews(_) => reviews_page(portal, viewer, page, refusal).await,
            Queue::Orgs => orgs_page(portal, viewer, page, refusal).await,
            Queue::Brokers => brokers_page(portal, viewer, page, refusal).await,
            Queue::Registrations => {
                registrations_page(portal, viewer, page, refusal, registered).await
            }
        }
    }
}

#[derive(Debug, Default, Deserialize)]
struct DecisionForm {
    #[serde(default)]
    decision: String,
    /// Why the item is rejected (`note` in the organisation and broker forms).
    #[serde(default, alias = "note")]
    reason: String,
    /// The version the page showed; a form without one was not sent by the page.
    #[serde(default)]
    version: Option<i64>,
    #[serde(default)]
    page: Option<u64>,
    #[serde(default)]
    registered_on: String,
    #[serde(default)]
    registration_number: String,
}

/// Sends an operator's decision about item `id` of `queue`: a rejection needs a reason; a
/// refusal (the API's or that one) re-renders the section with the message beside the item
/// and what the operator typed kept.
async fn decide(
    portal: &Portal,
    viewer: &Viewer,
    queue: Queue,
    id: &str,
    form: DecisionForm,
) -> PageResult {
    let id = path_id(id).ok_or_else(|| viewer.not_found())?;
    let Some(version) = form.version else {
        return Err(viewer.error_page(StatusCode::BAD_REQUEST, String::new()));
    };
    let page = page_param(form.page);
    let field = queue.reason_field();
    // The registration form's fields are kept too (other queues' forms have none).
    let values = [
        (field, form.reason.as_str()),
        ("registered_on", form.registered_on.as_str()),
        ("registration_number", form.registration_number.as_str()),
    ];
    let reject = form.decision == "reject";
    let outcome = if reject && typed(&form.reason).is_none() {
        let message = Tr::new(viewer.lang).t("console.reason_required");
        Err(local_refusal(&id, field, message, &values))
    } else {
        let mut body = json!({"decision": queue.decision(reject), "version": version});
        body[field] = json!(typed(&form.reason));
        if queue == Queue::Registrations && !reject {
            body["registered_on"] = json!(typed(&form.registered_on));
            body["registration_number"] = json!(typed(&form.registration_number));
        }
        match portal
            .api
            .post::<serde_json::Value>(viewer.caller(), &queue.endpoint(&id), &body)
            .await
        {
            Ok(_) => Ok(()),
            Err(e) => Err(refusal_or_fail(viewer, e, &id, &values)?),
        }
    };
    match outcome {
        Ok(()) => Ok(queue.landing(&id, reject)),
        Err((refusal, status)) => {
            let v = at(viewer, format!("{}?page={page}", queue.page()));
            Ok(with_status(
                queue.show(portal, &v, page, refusal, "").await?,
                status,
            ))
        }
    }
}

/// The page of a queue named in the path (organisations, brokers, registrations).
async fn queue(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(name): Path<String>,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_operator(&viewer)?;
    let queue = Queue::named(&name).ok_or_else(|| viewer.not_found())?;
    let page = page_param(q.page);
    queue
        .show(&portal, &viewer, page, Refusal::default(), &q.registered)
        .await
}

/// A decision about an item of a queue named in the path.
async fn decide_in(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((name, id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let queue = Queue::named(&name).ok_or_else(|| viewer.not_found())?;
    decide(&portal, &viewer, queue, &id, form).await
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
    /// Set when the item is an edit of a published listing.
    #[serde(default)]
    revision: Option<super::listing::PendingRevision>,
}

/// A submitted listing (or an edit of a published one) as the queue shows it.
pub struct ReviewRow {
    pub id: String,
    /// Where the decision form posts.
    pub action: String,
    /// The question asked before a rejection is sent.
    pub confirm: String,
    pub kind_label: String,
    pub href: String,
    pub title: String,
    pub organisation: String,
    pub language: String,
    pub language_code: String,
    pub submitted: String,
    pub version: i64,
    /// For an edit of a published listing: each changed field and its proposed value.
    pub changes: Option<Vec<(String, String)>>,
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

async fn reviews(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_operator(&viewer)?;
    reviews_page(&portal, &viewer, page_param(q.page), Refusal::default()).await
}

async fn reviews_page(portal: &Portal, viewer: &Viewer, page: u64, refusal: Refusal) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let caller = viewer.caller();
    let (queue, labels, tabs) = tokio::join!(
        portal.api.get::<Vec<ReviewItem>>(caller, "/api/v1/reviews"),
        Labels::load(portal, viewer),
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
            let kind = ListingKind::parse(&i.kind).unwrap_or(ListingKind::Achievement);
            let segment = match kind {
                ListingKind::Need => "needs",
                ListingKind::Achievement => "achievements",
            };
            let term = kind.as_str();
            ReviewRow {
                href: format!("/{segment}/{}", i.id),
                action: format!("/console/reviews/{term}/{}", i.id),
                confirm: t.f("console.confirm_reject_listing", &[("title", &i.title)]),
                kind_label: t.term("kind", term),
                organisation: name_or_dash(&names, &i.organisation_id),
                language: labels.language(&i.language),
                language_code: i.language,
                submitted: t.opt_date(&i.submitted_at),
                id: i.id,
                title: i.title,
                version: i.version,
                changes: i
                    .revision
                    .as_ref()
                    .map(super::listing::PendingRevision::changes),
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

async fn decide_review(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((kind, id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let segment = match ListingKind::parse(&kind) {
        Some(ListingKind::Achievement) => "achievements",
        Some(ListingKind::Need) => "needs",
        None => return Err(viewer.not_found()),
    };
    decide(&portal, &viewer, Queue::Reviews(segment), &id, form).await
}

// ---------------------------------------------------------------------------------------------
// Organisations awaiting verification

pub struct OrgRow {
    pub id: String,
    /// Where the decision form posts.
    pub action: String,
    /// The question asked before a rejection is sent.
    pub confirm: String,
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

async fn orgs_page(portal: &Portal, viewer: &Viewer, page: u64, refusal: Refusal) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let pending = ("verification_status", VerificationStatus::Pending.as_str());
    let (list, labels) = tokio::join!(
        waiting::<OrganisationOut>(portal, viewer, t, "orgs", "/api/v1/orgs", pending, page),
        Labels::load(portal, viewer),
    );
    let Waiting { items, pager, tabs } = list?;
    let rows = items
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
            registered: t.day(&o.created_at),
            name_en: o.name_en.unwrap_or_default(),
            state_funded: o.state_funded,
            version: i64::from(o.version),
            confirm: t.f("console.confirm_reject_org", &[("name", &o.name)]),
            name: o.name,
            action: format!("/console/orgs/{}", o.id),
            id: o.id.to_string(),
        })
        .collect();
    Ok(render(&OrgsPage {
        ctx,
        tabs,
        rows,
        pager,
        page,
        refusal,
    }))
}

// ---------------------------------------------------------------------------------------------
// Brokers awaiting verification

pub struct BrokerRow {
    pub id: String,
    /// Where the decision form posts.
    pub action: String,
    /// The question asked before a rejection is sent.
    pub confirm: String,
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

async fn brokers_page(portal: &Portal, viewer: &Viewer, page: u64, refusal: Refusal) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let pending = ("status", VerificationStatus::Pending.as_str());
    let (list, labels) = tokio::join!(
        waiting::<BrokerOut>(
            portal,
            viewer,
            t,
            "brokers",
            "/api/v1/brokers",
            pending,
            page
        ),
        Labels::load(portal, viewer),
    );
    let Waiting { items, pager, tabs } = list?;
    let names = org_names(
        &portal.api,
        viewer.caller(),
        t,
        items
            .iter()
            .filter_map(|b| b.organisation_id.map(|o| o.to_string())),
    )
    .await;
    let join = |codes: &[String], f: &dyn Fn(&str) -> String| {
        if codes.is_empty() {
            "—".to_owned()
        } else {
            codes.iter().map(|c| f(c)).collect::<Vec<_>>().join("、")
        }
    };
    let rows = items
        .into_iter()
        .map(|b| BrokerRow {
            level: t.term("cert", b.certification_level.as_str()),
            certificate: b
                .certificate_number
                .clone()
                .unwrap_or_else(|| "—".to_owned()),
            organisation: b
                .organisation_id
                .map(|o| name_or_dash(&names, &o.to_string()))
                .unwrap_or_else(|| "—".to_owned()),
            fields: join(&b.fields, &|c| labels.industry(c)),
            regions: join(&b.regions, &|c| labels.region(c)),
            languages: join(&b.languages, &|c| labels.language(c)),
            bio: b.bio.clone().unwrap_or_default(),
            created: t.day(&b.created_at),
            version: b.version.into(),
            confirm: t.f(
                "console.confirm_reject_broker",
                &[("name", &b.display_name)],
            ),
            name: b.display_name,
            action: format!("/console/brokers/{}", b.id),
            id: b.id.to_string(),
        })
        .collect();
    Ok(render(&BrokersPage {
        ctx,
        tabs,
        rows,
        pager,
        page,
        refusal,
    }))
}

// ---------------------------------------------------------------------------------------------
// Contract registrations awaiting a decision

pub struct RegistrationRow {
    pub id: String,
    /// Where the decision forms post.
    pub action: String,
    /// The question asked before a rejection is sent.
    pub confirm: String,
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
    let submitted = ("status", RegistrationStatus::Submitted.as_str());
    let endpoint = "/api/v1/registrations";
    let Waiting { items, pager, tabs } = waiting::<RegistrationOut>(
        portal,
        viewer,
        t,
        "registrations",
        endpoint,
        submitted,
        page,
    )
    .await?;
    let mut contracts = HashMap::new();
    for r in &items {
        let path = format!("/api/v1/contracts/{}", r.contract_id);
        if let Ok(c) = portal.api.get::<ContractOut>(caller, &path).await {
            contracts.insert(r.contract_id, c);
        }
    }
    let names = org_names(
        &portal.api,
        caller,
        t,
        contracts.values().flat_map(|c| {
            [
                c.seller_organisation_id.to_string(),
                c.buyer_organisation_id.to_string(),
            ]
        }),
    )
    .await;
    let rows = items
        .into_iter()
        .map(|r| {
            let c = contracts.get(&r.contract_id);
            RegistrationRow {
                confirm: t.f(
                    "console.confirm_reject_registration",
                    &[("number", &r.contract_number)],
                ),
                number: r.contract_number,
                title: r.contract_title,
                contract_amount: t.cny(r.contract_amount_cny_minor),
                tech_amount: t.cny(r.tech_amount_cny_minor),
                seller: c
                    .map(|c| name_or_dash(&names, &c.seller_organisation_id.to_string()))
                    .unwrap_or_else(|| "—".to_owned()),
                buyer: c
                    .map(|c| name_or_dash(&names, &c.buyer_organisation_id.to_string()))
                    .unwrap_or_else(|| "—".to_owned()),
                contract_type: c
                    .map(|c| contract_type_words(t, &c.contract_type, &c.contract_type_label))
                    .unwrap_or_else(|| "—".to_owned()),
                signed_on: c
                    .map(|c| c.signed_on.to_string())
                    .unwrap_or_else(|| "—".to_owned()),
                submitted: t.day(&r.updated_at),
                version: r.version.into(),
                action: format!("/console/registrations/{}", r.id),
                id: r.id.to_string(),
            }
        })
        .collect();
    // After a registration the page names the number it was given.
    let just = match typed(registered).and_then(path_id) {
        Some(id) => portal
            .api
            .get::<RegistrationOut>(caller, &format!("/api/v1/registrations/{id}"))
            .await
            .ok()
            .filter(|r| r.status == RegistrationStatus::Registered)
            .map(|r| JustRegistered {
                contract_number: r.contract_number,
                title: r.contract_title,
                registration_number: r.registration_number.unwrap_or_default(),
                registered_on: t.opt_date(&r.registered_on),
                office: r.office.unwrap_or_default(),
            }),
        None => None,
    };
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

// ---------------------------------------------------------------------------------------------
// Targets

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

/// Decimals of a money target: targets are in yuan (the API stores fen).
const YUAN_EXPONENT: u32 = 2;

/// A target figure typed in a form, read by the one amount parser: yuan with at most two
/// decimals for money indicators (into fen), a whole count otherwise.
fn parse_target_value(money: bool, text: &str) -> Option<i64> {
    let exponent = if money { YUAN_EXPONENT } else { 0 };
    parse_major_to_minor(text, exponent).ok()
}

/// What a field says when its figure cannot be read.
fn value_invalid(t: Tr, money: bool) -> String {
    let key = if money {
        "console.amount_invalid"
    } else {
        "console.count_invalid"
    };
    t.t(key).to_owned()
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
        page_param(q.page),
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

async fn refuse_target(
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

async fn update_target(
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
