//! The applications to one of the organisation's open calls (揭榜挂帅), and the decisions on
//! them.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::Form;
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::{get_all, require_org, ApplicationOut};
use crate::api::urlencode;
use crate::i18n::Tr;
use crate::page::{done, render, Ctx, PageResult};
use crate::pages::listing_form::Kind;
use crate::pages::path_id;
use crate::session::Viewer;
use crate::Portal;
use uuid::Uuid;
use wire::accounts::OrganisationOut;
use wire::listing::NeedOut;
use wire::{ApplicationStatus, ListingStatus, NeedKind};

#[derive(Template)]
#[template(path = "my_open_call.html")]
pub(super) struct OpenCallPage {
    ctx: Ctx,
    call: NeedOut,
    applications: Vec<ApplicationOut>,
    orgs: HashMap<String, OrganisationOut>,
}

impl OpenCallPage {
    fn org_name(&self, id: &Uuid) -> String {
        self.orgs
            .get(&id.to_string())
            .map(|o| o.name.clone())
            .unwrap_or_else(|| self.ctx.t.t("my.unknown_org").to_owned())
    }

    fn app_status(&self, status: &ApplicationStatus) -> String {
        self.ctx
            .t
            .t(&format!("form.application_{status}"))
            .to_owned()
    }

    fn app_class(&self, status: &ApplicationStatus) -> &'static str {
        match status {
            ApplicationStatus::Awarded => "ok",
            ApplicationStatus::Shortlisted => "warn",
            ApplicationStatus::NotSelected => "bad",
            ApplicationStatus::Submitted => "",
        }
    }

    fn decidable(&self, status: &ApplicationStatus) -> bool {
        self.call.awarded_application_id.is_none()
            && matches!(
                status,
                ApplicationStatus::Submitted | ApplicationStatus::Shortlisted
            )
    }

    fn can_award(&self) -> bool {
        self.call.status == ListingStatus::Published
    }

    fn call_href(&self) -> String {
        Kind::OpenCall.view_href(&self.call.id.to_string())
    }

    fn status(&self) -> String {
        self.ctx.t.term("status", self.call.status.as_str())
    }

    fn deadline(&self) -> String {
        self.ctx.t.opt_date(&self.call.deadline)
    }
}

pub(super) async fn open_call_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let (_, org_id) = require_org(&viewer)?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let caller = viewer.caller();
    let call_path = format!(
        "/api/v1/needs/{}?lang={}",
        urlencode(&id),
        viewer.lang.code()
    );
    let apps_path = format!("/api/v1/needs/{}/applications", urlencode(&id));
    let (call, apps) = tokio::join!(
        portal.api.get::<NeedOut>(caller, &call_path),
        portal.api.get::<Vec<ApplicationOut>>(caller, &apps_path)
    );
    let call = call.map_err(|e| viewer.fail(e))?;
    if call.kind != NeedKind::OpenCall {
        return Err(viewer.not_found());
    }
    if call.organisation_id.to_string() != org_id {
        return Err(viewer.error_page(
            StatusCode::FORBIDDEN,
            Tr::new(viewer.lang).t("form.not_owner").to_owned(),
        ));
    }
    let applications = apps.map_err(|e| viewer.fail(e))?;
    let mut org_paths: Vec<(String, String)> = Vec::new();
    for a in &applications {
        let org = a.organisation_id.to_string();
        if !org_paths.iter().any(|(k, _)| k == &org) {
            let path = format!("/api/v1/orgs/{}", urlencode(&org));
            org_paths.push((org, path));
        }
    }
    let orgs = get_all::<OrganisationOut>(&portal, &viewer, org_paths)
        .await
        .answers;
    Ok(render(&OpenCallPage {
        ctx: Ctx::new(&viewer, "my"),
        call,
        applications,
        orgs,
    }))
}

#[derive(Debug, Deserialize)]
pub(super) struct DecisionForm {
    decision: String,
    version: i64,
}

pub(super) async fn decide(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, application_id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    require_org(&viewer)?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let application_id = path_id(&application_id).ok_or_else(|| viewer.not_found())?;
    let path = format!(
        "/api/v1/needs/{}/applications/{}/decision",
        urlencode(&id),
        urlencode(&application_id)
    );
    portal
        .api
        .post::<ApplicationOut>(
            viewer.caller(),
            &path,
            &json!({ "decision": form.decision, "version": form.version }),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/my/open-calls/{id}"), "updated"))
}
