//! Decisions: the same in every queue (reviews, organisations, brokers, registrations), but
//! for the endpoint, its words and the page the operator lands on.

use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::brokers::brokers_page;
use super::orgs::orgs_page;
use super::registrations::registrations_page;
use super::reviews::reviews_page;
use super::{
    at, local_refusal, refusal_or_fail, require_operator, with_status, PageParam, Refusal,
};
use crate::i18n::Tr;
use crate::page::{done, typed, PageResult};
use crate::pages::{page_param, path_id};
use crate::session::Viewer;
use crate::Portal;
use wire::VerificationStatus;

/// The queue a decision is made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Queue {
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
pub(super) struct DecisionForm {
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
pub(super) async fn decide(
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
pub(super) async fn queue(
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
pub(super) async fn decide_in(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((name, id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    require_operator(&viewer)?;
    let queue = Queue::named(&name).ok_or_else(|| viewer.not_found())?;
    decide(&portal, &viewer, queue, &id, form).await
}
