//! `/office/registrations/{id}`: the registration file and the 认定 decision — register as
//! submitted, register with the type or the amounts corrected (with reasons), or refuse (with
//! reasons).

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::Form;
use serde::Deserialize;
use serde_json::{json, Value};

use super::{w, yuan};
use crate::api::ApiError;
use crate::page::{render, Ctx, PageResult};
use crate::pages::path_id;
use crate::session::Viewer;
use crate::Portal;
use wire::office::RegistrationFileOut;
use wire::RegistrationStatus;

#[derive(Template)]
#[template(path = "office_file.html")]
pub struct FilePage {
    pub ctx: Ctx,
    pub file: RegistrationFileOut,
    pub error: Option<String>,
    pub today: String,
}

impl FilePage {
    pub fn w(&self, zh: &'static str, en: &'static str) -> &'static str {
        w(self.ctx.lang, zh, en)
    }

    pub fn yuan(&self, fen: &i64) -> String {
        yuan(*fen)
    }

    pub fn submitted(&self) -> bool {
        self.file.status == RegistrationStatus::Submitted
    }

    pub fn registered(&self) -> bool {
        self.file.status == RegistrationStatus::Registered
    }

    pub fn opt(&self, v: &Option<String>) -> String {
        v.clone().unwrap_or_else(|| "—".to_owned())
    }
}

async fn show(portal: &Portal, viewer: &Viewer, id: &str, error: Option<String>) -> PageResult {
    let ctx = Ctx::new(viewer, "office");
    let file: RegistrationFileOut = portal
        .api
        .get(viewer.caller(), &format!("/api/v1/registrations/{id}/file"))
        .await
        .map_err(|e| viewer.fail(e))?;
    let today = chrono::Utc::now().date_naive().to_string();
    Ok(render(&FilePage {
        ctx,
        file,
        error,
        today,
    }))
}

pub(super) async fn file_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&raw).ok_or_else(|| viewer.not_found())?;
    show(&portal, &viewer, &id, None).await
}

/// The decision form.
#[derive(Debug, Deserialize)]
pub struct DecisionForm {
    pub version: i32,
    /// `register`, `correct` or `refuse`.
    pub action: String,
    #[serde(default)]
    pub registered_on: String,
    #[serde(default)]
    pub corrected_type: String,
    #[serde(default)]
    pub corrected_subtype: String,
    /// Corrected amounts in yuan.
    #[serde(default)]
    pub corrected_contract_amount: String,
    #[serde(default)]
    pub corrected_tech_amount: String,
    #[serde(default)]
    pub reasons: String,
}

/// Fen from yuan typed in a form (`1234.5`).
fn fen(v: &str) -> Option<i64> {
    spreadsheet::cells::parse_amount(v, 2, "CNY").ok()
}

pub(super) async fn decide(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(raw): Path<String>,
    Form(form): Form<DecisionForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&raw).ok_or_else(|| viewer.not_found())?;
    let mut body = json!({"version": form.version});
    let reasons = form.reasons.trim();
    match form.action.as_str() {
        "refuse" => {
            body["decision"] = json!("reject");
            body["reason"] = json!(reasons);
        }
        action => {
            body["decision"] = json!("register");
            if !form.registered_on.trim().is_empty() {
                body["registered_on"] = json!(form.registered_on.trim());
            }
            if action == "correct" {
                body["reasons"] = json!(reasons);
                if !form.corrected_type.trim().is_empty() {
                    body["corrected_type"] = json!(form.corrected_type.trim());
                    body["corrected_subtype"] = json!(form.corrected_subtype.trim());
                }
                if let (Some(c), Some(t)) = (
                    fen(&form.corrected_contract_amount),
                    fen(&form.corrected_tech_amount),
                ) {
                    let mut amounts = json!({"contract_amount_minor": c, "tech_amount_minor": t, "cost_lines": []});
                    if c > t {
                        amounts["cost_lines"] = json!([{"kind": "other", "description": "核定扣除 deductions set by the office", "amount_minor": c - t}]);
                    }
                    body["corrected_amounts"] = amounts;
                }
            }
        }
    }
    let result: Result<Value, ApiError> = portal
        .api
        .post(
            viewer.caller(),
            &format!("/api/v1/registrations/{id}/decision"),
            &body,
        )
        .await;
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/office/registrations/{id}")).into_response()),
        Err(ApiError::Problem(p)) if p.status < 500 && p.status != 401 && p.status != 404 => {
            let detail = if p.fields.is_empty() {
                p.detail.clone()
            } else {
                p.fields
                    .iter()
                    .map(|f| format!("{}: {}", f.path, f.message))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            show(&portal, &viewer, &id, Some(detail)).await
        }
        Err(e) => Err(viewer.fail(e)),
    }
}
