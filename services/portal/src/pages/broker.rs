//! The broker's side of the portal: the workspace (worklist of matches and a board of deals by
//! stage, or how to become a broker), the deal page (parties, stage, publicity window, timeline,
//! brokers and attribution ledger), the contract form, and the contract pages (amounts in the
//! original currency and in CNY, milestones, payments, registration).
//!
//! Every rule is the API's: these pages show its answers and, next to the form that caused
//! them, its refusals (a 409 or 422); a 403/404 becomes the error page.

mod contract;
mod contract_form;
mod contract_vouchers;
mod deal;
mod documents;
mod workspace;

use axum::response::Response;
use axum::Router;
use http::StatusCode;
use serde_json::Value;

use crate::api::{ApiError, Problem};
use crate::i18n::Tr;
use crate::page::{FormErrors, PageError, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::Stage;

pub fn routes() -> Router<Portal> {
    Router::new()
        .merge(workspace::routes())
        .merge(deal::routes())
        .merge(contract_form::routes())
        .merge(contract::routes())
        .merge(contract_vouchers::routes())
        .merge(documents::routes())
}

/// Stages at which the contract is drafted.
pub const CONTRACT_STAGES: [Stage; 2] = [Stage::Agreed, Stage::Signed];

/// Whether a deal at this stage may have its contract drafted.
pub fn drafts_contract(stage: Stage) -> bool {
    CONTRACT_STAGES.contains(&stage)
}

/// The word for an API code from this area's catalog (`broker.{group}.{code}`), or the code
/// itself when the catalog has none (codes added to the API later still show).
pub fn word(t: &Tr, group: &str, code: &str) -> String {
    let key = format!("broker.{group}.{code}");
    let text = t.t(&key);
    if text == key {
        code.to_owned()
    } else {
        text.to_owned()
    }
}

/// The navigation section of a deal or contract page: the broker workspace for brokers, the
/// organisation's pages for the parties.
pub fn section(viewer: &Viewer) -> &'static str {
    if viewer.is_broker() {
        "broker"
    } else {
        "my"
    }
}

/// The first characters of an id, for rows that have nothing better to show.
pub fn short_id<Id: std::fmt::Display + ?Sized>(id: &Id) -> String {
    id.to_string().chars().take(8).collect()
}

/// What a form shows when the API refused it: field messages under the form's own input
/// names (`renames` maps API paths to inputs), and a summary in the reader's language for the
/// refusals this area knows (a stale version, a finished deal, …), else the API's words.
pub fn refusal(t: &Tr, problem: &Problem, renames: &[(&str, &str)]) -> FormErrors {
    let mut errors = FormErrors::from_problem(problem);
    for (from, to) in renames {
        if let Some(message) = errors.fields.remove(*from) {
            errors.fields.entry((*to).to_owned()).or_insert(message);
        }
    }
    let known = match problem.code.as_str() {
        "stale_version" => Some("broker.refused_stale"),
        "publicity_required" => Some("broker.refused_publicity_required"),
        "illegal_stage_change" => Some("broker.refused_backwards"),
        "contract_not_registered" => Some("broker.refused_not_registered"),
        "deal_not_signed" => Some("broker.refused_not_signed"),
        "deal_finished" => Some("broker.refused_finished"),
        "broker_not_verified" => Some("broker.refused_broker_unverified"),
        "broker_already_assigned" => Some("broker.refused_already_assigned"),
        "already_submitted" => Some("broker.refused_already_submitted"),
        "contract_cancelled" => Some("broker.refused_contract_cancelled"),
        "payments_exceed_contract" => Some("broker.refused_payments_exceed"),
        "contract_number_taken" => Some("broker.refused_number_taken"),
        "broker_exists" => Some("broker.refused_broker_exists"),
        "milestone_done" => Some("broker.refused_milestone_done"),
        "payment_not_due" => Some("broker.refused_payment_not_due"),
        _ => None,
    };
    if problem.code == "publicity_window_open" {
        let ends = first_date(&problem.detail).unwrap_or_default();
        errors.summary = Some(t.f("broker.refused_publicity_open", &[("ends", ends)]));
    } else if let Some(key) = known {
        errors.summary = Some(t.t(key).to_owned());
    } else if !errors.fields.is_empty() {
        errors.summary = Some(t.t("common.form_has_errors").to_owned());
    }
    errors
}

/// The first `YYYY-MM-DD` in a text (the API names dates that way in its refusals).
fn first_date(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    (0..bytes.len().saturating_sub(9)).find_map(|i| {
        let candidate = text.get(i..i + 10)?;
        let b = candidate.as_bytes();
        let shape = b.iter().enumerate().all(|(j, c)| {
            if j == 4 || j == 7 {
                *c == b'-'
            } else {
                c.is_ascii_digit()
            }
        });
        shape.then_some(candidate)
    })
}

pub use super::path_id;

/// The refusal a form shows beside itself (a 409 or 422); anything else (sign-in, 403, 404,
/// server trouble) becomes the error page.
pub fn inline_problem(err: &ApiError) -> Option<Problem> {
    match err {
        ApiError::Problem(p) if p.status == 409 || p.status == 422 => Some((**p).clone()),
        _ => None,
    }
}

/// The status a re-rendered form answers with: the API's (409 or 422).
pub fn status_of(problem: &Problem) -> StatusCode {
    StatusCode::from_u16(problem.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY)
}

/// Posts a form's `body` to the API at `path`: `then` (the redirect back to the page) when the
/// API takes it; a refusal the form shows beside itself (409 or 422) goes to `refused` as the
/// form's messages (API field paths renamed to the form's inputs by `renames`) and the status to
/// answer with; anything else (sign-in, 403, 404, server trouble) becomes the error page.
pub async fn post_or_refuse(
    portal: &Portal,
    viewer: &Viewer,
    path: &str,
    body: &Value,
    renames: &[(&str, &str)],
    then: Response,
    refused: impl AsyncFnOnce(FormErrors, StatusCode) -> PageResult,
) -> PageResult {
    match portal.api.post::<Value>(viewer.caller(), path, body).await {
        Ok(_) => Ok(then),
        Err(err) => match inline_problem(&err) {
            Some(problem) => {
                let errors = refusal(&Tr::new(viewer.lang), &problem, renames);
                refused(errors, status_of(&problem)).await
            }
            None => Err(viewer.fail(err)),
        },
    }
}

/// The version a form carries (the one the page showed). A form without a readable one was not
/// sent by the page: it gets the error page rather than a made-up version.
pub fn form_version(viewer: &Viewer, text: &str) -> Result<i64, PageError> {
    text.trim()
        .parse()
        .map_err(|_| viewer.error_page(StatusCode::BAD_REQUEST, String::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn refusals_name_their_date() {
        assert_eq!(
            first_date("the publicity window runs until 2026-03-14; the deal can be signed"),
            Some("2026-03-14")
        );
        assert_eq!(first_date("no date here"), None);
        assert_eq!(first_date("2026-01-05"), Some("2026-01-05"));
    }

    #[test]
    fn words_fall_back_to_the_code() {
        let en = Tr::new(Lang::En);
        assert_eq!(word(&en, "roles", "introducer"), "Introducer");
        assert_eq!(word(&en, "roles", "astrologer"), "astrologer");
    }
}
