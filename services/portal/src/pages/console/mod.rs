//! The operator console: the review queue of submitted listings, organisations and brokers
//! awaiting verification, contract registrations awaiting a decision, and the targets the
//! statistics report against. Operators only; everyone else gets the 403 page.
//!
//! Each section is its own page under `/console` with the same tabs. Every decision is a plain
//! form post; a refusal (a missing reason, a stale version) re-renders the section with the
//! message beside the item it concerns and what the operator typed kept.
//!
//! One module per section; this one holds the routes and what every section shares (the tabs,
//! the paged queue, refusals, organisation names).

mod brokers;
mod decisions;
mod orgs;
mod registrations;
mod reviews;
mod targets;

use std::collections::HashMap;

use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use http::StatusCode;
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::api::{urlencode, with_query, ApiError, Caller};
use crate::i18n::Tr;
use crate::page::{FormErrors, PageError};
use crate::pages::Pager;
use crate::session::Viewer;
use crate::{Api, Portal};
use wire::accounts::OrganisationOut;
use wire::Page;
use wire::{RegistrationStatus, VerificationStatus};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/console", get(reviews::reviews))
        .route("/console/reviews/{kind}/{id}", post(reviews::decide_review))
        .route(
            "/console/targets",
            get(targets::targets).post(targets::create_target),
        )
        .route("/console/targets/{id}", post(targets::update_target))
        // `/console/orgs`, `/console/brokers`, `/console/registrations` and their items.
        .route("/console/{queue}", get(decisions::queue))
        .route("/console/{queue}/{id}", post(decisions::decide_in))
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

pub(super) async fn tabs(api: &Api, caller: Caller<'_>, t: Tr, current: &str) -> Vec<Tab> {
    let pending = VerificationStatus::Pending;
    let orgs_waiting = format!("/api/v1/orgs?verification_status={pending}&per_page=1");
    let brokers_waiting = format!("/api/v1/brokers?status={pending}&per_page=1");
    let registrations_waiting = format!(
        "/api/v1/registrations?status={}&per_page=1",
        RegistrationStatus::Submitted
    );
    let (reviews, orgs, brokers, regs) = tokio::join!(
        api.get::<Vec<wire::listing::ReviewItem>>(caller, "/api/v1/reviews"),
        api.get::<wire::Page<wire::accounts::OrganisationOut>>(caller, &orgs_waiting),
        api.get::<wire::Page<wire::deal::BrokerOut>>(caller, &brokers_waiting),
        api.get::<wire::Page<wire::deal::RegistrationOut>>(caller, &registrations_waiting),
    );
    let counts = [
        reviews.ok().map(|v| v.len() as u64),
        orgs.ok().map(|p| p.total),
        brokers.ok().map(|p| p.total),
        regs.ok().map(|p| p.total),
        None,
        None,
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
        ("countries", "/console/countries", "partners.tab_countries"),
        ("training", "/console/training", "partners.tab_training"),
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

#[cfg(test)]
mod tests {
    use super::*;

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
