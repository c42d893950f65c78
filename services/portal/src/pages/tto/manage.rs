//! The owner's page for an achievement: inventors and the grant to them (赋权), evaluations,
//! the disclosure settings (verified part, dossier, terms, NDA text) and the access log, with
//! approve / refuse / revoke on each organisation's access.

use std::collections::HashMap;

use askama::Template;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use http::Method;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::api::{with_query, ApiError};
use crate::page::{done, render, Ctx, PageResult};
use crate::pages::files::{self, Uploaded};
use crate::pages::path_id;
use crate::session::Viewer;
use crate::Portal;
use wire::documents::ListingDocumentOut;
use wire::tto::{AccessLogOut, AccessOut, DisclosureSettingsOut, EvaluationOut, OwnershipOut};
use wire::{
    AccessDecision, AccessStatus, DisclosureTerms, EvaluationMethod, GrantKind, ListingDocumentKind,
};

#[derive(Template)]
#[template(path = "tto_manage.html")]
struct ManagePage {
    ctx: Ctx,
    id: String,
    title: String,
    ownership: OwnershipOut,
    evaluations: Vec<EvaluationOut>,
    settings: Option<DisclosureSettingsOut>,
    log: AccessLogOut,
    /// The achievement's files of every kind (dossier, grant, evaluation reports).
    files: Vec<ListingDocumentOut>,
    /// Why the last upload was refused (from `?doc_error=`).
    file_error: bool,
}

impl ManagePage {
    /// The inventors as the textarea edits them: `name | share_bp | affiliation | user id`.
    fn inventor_lines(&self) -> String {
        self.ownership
            .inventors
            .iter()
            .map(|i| {
                format!(
                    "{} | {} | {} | {}",
                    i.name,
                    i.share_bp,
                    i.affiliation.as_deref().unwrap_or(""),
                    i.user_id.map(|u| u.to_string()).unwrap_or_default()
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn share(&self, bp: &i32) -> String {
        super::percent(*bp)
    }

    fn grant_kinds(&self) -> Vec<(&'static str, String, bool)> {
        let current = self.ownership.grant.as_ref().map(|g| g.kind);
        GrantKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    super::word(&self.ctx.t, "grant", k.as_str()),
                    current == Some(*k),
                )
            })
            .collect()
    }

    fn grant_share(&self) -> String {
        self.ownership
            .grant
            .as_ref()
            .map(|g| g.share_bp.to_string())
            .unwrap_or_default()
    }

    fn grant_date(&self) -> String {
        self.ownership
            .grant
            .as_ref()
            .map(|g| g.granted_on.to_string())
            .unwrap_or_default()
    }

    fn methods(&self) -> Vec<(&'static str, String)> {
        EvaluationMethod::ALL
            .iter()
            .map(|m| (m.as_str(), super::word(&self.ctx.t, "method", m.as_str())))
            .collect()
    }

    fn method(&self, e: &EvaluationOut) -> String {
        super::word(&self.ctx.t, "method", e.method.as_str())
    }

    fn value(&self, e: &EvaluationOut) -> String {
        super::dossier::evaluation_value(&self.ctx, e)
    }

    fn terms_options(&self) -> Vec<(&'static str, String, bool)> {
        let current = self
            .settings
            .as_ref()
            .map(|s| s.terms)
            .unwrap_or(DisclosureTerms::Nda);
        DisclosureTerms::ALL
            .iter()
            .map(|t| {
                (
                    t.as_str(),
                    super::word(&self.ctx.t, "terms", t.as_str()),
                    current == *t,
                )
            })
            .collect()
    }

    fn verified_text(&self) -> &str {
        self.settings
            .as_ref()
            .map_or("", |s| s.verified_text.as_str())
    }

    fn dossier_text(&self) -> &str {
        self.settings
            .as_ref()
            .map_or("", |s| s.dossier_text.as_str())
    }

    fn nda_text(&self) -> &str {
        self.settings
            .as_ref()
            .and_then(|s| s.nda_text.as_deref())
            .unwrap_or("")
    }

    fn version(&self) -> String {
        self.settings
            .as_ref()
            .map(|s| s.version.to_string())
            .unwrap_or_default()
    }

    fn file_kinds(&self) -> Vec<(&'static str, String)> {
        ListingDocumentKind::ALL
            .iter()
            .map(|k| {
                (
                    k.as_str(),
                    super::word(&self.ctx.t, "file_kind", k.as_str()),
                )
            })
            .collect()
    }

    fn file_kind(&self, d: &ListingDocumentOut) -> String {
        super::word(&self.ctx.t, "file_kind", d.kind.as_str())
    }

    /// The evaluation a report belongs to, by its evaluator and date.
    fn file_evaluation(&self, d: &ListingDocumentOut) -> String {
        d.evaluation_id
            .and_then(|e| self.evaluations.iter().find(|x| x.id == e))
            .map(|e| format!("{} · {}", e.evaluator, e.evaluated_on))
            .unwrap_or_default()
    }

    fn status(&self, a: &AccessOut) -> String {
        super::word(&self.ctx.t, "status", a.status.as_str())
    }

    fn action(&self, code: &str) -> String {
        super::word(&self.ctx.t, "action", code)
    }

    /// The decisions that apply to an access in its state.
    fn decisions(&self, a: &AccessOut) -> Vec<(&'static str, String)> {
        let apply: &[AccessDecision] = match a.status {
            AccessStatus::Requested => &[AccessDecision::Approve, AccessDecision::Refuse],
            AccessStatus::Granted => &[AccessDecision::Revoke],
            AccessStatus::Refused | AccessStatus::Revoked => &[AccessDecision::Approve],
        };
        apply
            .iter()
            .map(|d| (d.as_str(), super::word(&self.ctx.t, "decision", d.as_str())))
            .collect()
    }
}

pub(super) async fn page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let caller = viewer.caller();
    let listing_path = format!("/api/v1/achievements/{id}");
    let inventors_path = format!("/api/v1/achievements/{id}/inventors");
    let evaluations_path = format!("/api/v1/achievements/{id}/evaluations");
    let settings_path = format!("/api/v1/achievements/{id}/disclosure/settings");
    let log_path = format!("/api/v1/achievements/{id}/dossier/log");
    let (listing, ownership, evaluations, settings, log) = tokio::join!(
        portal
            .api
            .get::<wire::listing::AchievementOut>(caller, &listing_path),
        portal.api.get::<OwnershipOut>(caller, &inventors_path),
        portal
            .api
            .get::<Vec<EvaluationOut>>(caller, &evaluations_path),
        portal
            .api
            .get::<DisclosureSettingsOut>(caller, &settings_path),
        portal.api.get::<AccessLogOut>(caller, &log_path),
    );
    let settings = match settings {
        Ok(s) => Some(s),
        Err(ApiError::Problem(p)) if p.status == 404 => None,
        Err(e) => return Err(viewer.fail(e)),
    };
    let mut files = Vec::new();
    for kind in ListingDocumentKind::ALL {
        let path = format!("/api/v1/achievements/{id}/documents?kind={}", kind.as_str());
        let mut some = portal
            .api
            .get::<Vec<ListingDocumentOut>>(caller, &path)
            .await
            .map_err(|e| viewer.fail(e))?;
        files.append(&mut some);
    }
    let file_error = viewer.path.contains("doc_error=");
    Ok(render(&ManagePage {
        ctx: Ctx::new(&viewer, "my"),
        id,
        title: listing.map_err(|e| viewer.fail(e))?.title,
        ownership: ownership.map_err(|e| viewer.fail(e))?,
        evaluations: evaluations.map_err(|e| viewer.fail(e))?,
        settings,
        log: log.map_err(|e| viewer.fail(e))?,
        files,
        file_error,
    }))
}

fn back(id: &str, query: &str) -> Response {
    Redirect::to(&format!("/achievements/{id}/disclosure?{query}#files-h")).into_response()
}

/// Receives the files form (kind, the evaluation a report belongs to, the file) and streams
/// the file on to the API.
pub(super) async fn upload_file(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let Ok(multipart) = multipart else {
        return Ok(back(&id, "doc_error=unreadable"));
    };
    let api_path = |fields: &HashMap<String, String>, file_name: String| {
        let kind = fields.get("kind").cloned().unwrap_or_default();
        let mut query = vec![("kind", kind.clone()), ("file_name", file_name)];
        // The evaluation is sent for a report only; the select keeps its value otherwise.
        if kind == ListingDocumentKind::EvaluationReport.as_str() {
            if let Some(e) = fields.get("evaluation_id").filter(|e| !e.is_empty()) {
                query.push(("evaluation_id", e.clone()));
            }
        }
        with_query(&format!("/api/v1/achievements/{id}/documents"), &query)
    };
    match files::forward_upload(&portal, &viewer, multipart, api_path).await {
        Ok(Uploaded::Saved) => Ok(back(&id, "flash=saved")),
        Ok(Uploaded::Refused(code)) => Ok(back(&id, &format!("doc_error={code}"))),
        Err(err) => Err(viewer.fail(err)),
    }
}

/// Deletes a file (the API allows the owning organisation).
pub(super) async fn delete_file(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, document)): Path<(String, String)>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let document = path_id(&document).ok_or_else(|| viewer.not_found())?;
    portal
        .api
        .send_empty(
            viewer.caller(),
            Method::DELETE,
            &format!("/api/v1/achievements/{id}/documents/{document}"),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(back(&id, "flash=deleted"))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct SettingsForm {
    #[serde(default)]
    verified_text: String,
    #[serde(default)]
    dossier_text: String,
    #[serde(default)]
    terms: String,
    #[serde(default)]
    nda_text: String,
    #[serde(default)]
    version: String,
}

pub(super) async fn save_settings(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<SettingsForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = json!({
        "verified_text": form.verified_text,
        "dossier_text": form.dossier_text,
        // An unknown code goes through as typed; the API names the field.
        "terms": form.terms,
        "nda_text": Some(form.nda_text).filter(|t| !t.trim().is_empty()),
        "version": form.version.trim().parse::<i32>().ok(),
    });
    portal
        .api
        .json::<Value>(
            viewer.caller(),
            Method::PUT,
            &format!("/api/v1/achievements/{id}/disclosure/settings"),
            &body,
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/achievements/{id}/disclosure"), "saved"))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct InventorsForm {
    #[serde(default)]
    inventors: String,
    #[serde(default)]
    grant_kind: String,
    #[serde(default)]
    grant_share_bp: String,
    #[serde(default)]
    grant_date: String,
}

/// One inventor per line: `name | share in basis points | affiliation | user id`; numbers
/// the portal cannot read go through as text so the API names the field.
fn inventor_rows(text: &str) -> Vec<Value> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut parts = line.split('|').map(str::trim);
            let name = parts.next().unwrap_or("");
            let share = parts.next().unwrap_or("");
            let affiliation = parts.next().filter(|s| !s.is_empty());
            let user = parts.next().filter(|s| !s.is_empty());
            let share: Value = share
                .parse::<i64>()
                .map_or_else(|_| json!(share), |n| json!(n));
            json!({"name": name, "share_bp": share, "affiliation": affiliation, "user_id": user})
        })
        .collect()
}

pub(super) async fn save_inventors(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<InventorsForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let grant = (!form.grant_kind.is_empty()).then(|| {
        let share: Value = form
            .grant_share_bp
            .trim()
            .parse::<i64>()
            .map_or_else(|_| json!(form.grant_share_bp), |n| json!(n));
        json!({"kind": form.grant_kind, "share_bp": share, "granted_on": form.grant_date.trim()})
    });
    let body = json!({"inventors": inventor_rows(&form.inventors), "grant": grant});
    portal
        .api
        .json::<Value>(
            viewer.caller(),
            Method::PUT,
            &format!("/api/v1/achievements/{id}/inventors"),
            &body,
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/achievements/{id}/disclosure"), "saved"))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct EvaluationForm {
    #[serde(default)]
    evaluator: String,
    #[serde(default)]
    method: String,
    #[serde(default)]
    evaluated_on: String,
    /// In yuan (major units), as people write amounts.
    #[serde(default)]
    value_min: String,
    #[serde(default)]
    value_max: String,
    #[serde(default)]
    grade: String,
    #[serde(default)]
    summary: String,
}

/// Yuan typed by a person → fen; blank is none. Unreadable text goes through as text.
fn fen(text: &str) -> Value {
    let t = text.trim();
    if t.is_empty() {
        return Value::Null;
    }
    match crate::money::parse_major_to_minor(t, 2) {
        Ok(n) => json!(n),
        Err(_) => json!(t),
    }
}

pub(super) async fn add_evaluation(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<EvaluationForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let min = fen(&form.value_min);
    let max = fen(&form.value_max);
    let currency = (!min.is_null() || !max.is_null()).then_some("CNY");
    let body = json!({
        "evaluator": form.evaluator,
        "method": form.method,
        "evaluated_on": form.evaluated_on.trim(),
        "value_min_minor": min,
        "value_max_minor": max,
        "currency": currency,
        "grade": Some(form.grade.trim()).filter(|g| !g.is_empty()),
        "summary": Some(form.summary.trim()).filter(|s| !s.is_empty()),
    });
    portal
        .api
        .post::<Value>(
            viewer.caller(),
            &format!("/api/v1/achievements/{id}/evaluations"),
            &body,
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/achievements/{id}/disclosure"), "saved"))
}

#[derive(Debug, Deserialize)]
pub(super) struct DecisionForm {
    decision: String,
}

pub(super) async fn decide(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, access_id)): Path<(String, String)>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let access_id = path_id(&access_id).ok_or_else(|| viewer.not_found())?;
    portal
        .api
        .post::<Value>(
            viewer.caller(),
            &format!("/api/v1/achievements/{id}/dossier/requests/{access_id}/decision"),
            &json!({"decision": form.decision}),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/achievements/{id}/disclosure"), "updated"))
}
