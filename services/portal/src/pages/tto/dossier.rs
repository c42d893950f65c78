//! The reader's side of an achievement's disclosure: its evaluations, the part for verified
//! organisations, asking for the dossier (accepting the owner's NDA by its SHA-256), and the
//! dossier itself once granted — each read logged by the API for the owner.

use askama::Template;
use axum::extract::{Path, State};
use axum::Form;
use serde::Deserialize;
use serde_json::json;

use crate::api::ApiError;
use crate::page::{done, render, Ctx, PageResult};
use crate::pages::path_id;
use crate::session::Viewer;
use crate::Portal;
use wire::documents::ListingDocumentOut;
use wire::tto::{DisclosureOut, DossierOut, EvaluationOut};
use wire::{AccessStatus, DisclosureTerms};

#[derive(Template)]
#[template(path = "tto_dossier.html")]
struct DossierPage {
    ctx: Ctx,
    id: String,
    title: String,
    evaluations: Vec<EvaluationOut>,
    disclosure: Option<DisclosureOut>,
    dossier: Option<DossierOut>,
    /// The dossier's files, when the reader's organisation has access.
    files: Vec<ListingDocumentOut>,
    /// Evaluation reports (whoever sees the achievement).
    reports: Vec<ListingDocumentOut>,
}

impl DossierPage {
    fn value(&self, e: &EvaluationOut) -> String {
        evaluation_value(&self.ctx, e)
    }

    fn method(&self, e: &EvaluationOut) -> String {
        super::word(&self.ctx.t, "method", e.method.as_str())
    }

    fn terms(&self, d: &DisclosureOut) -> String {
        super::word(&self.ctx.t, "terms", d.terms.as_str())
    }

    fn needs_nda(&self, d: &DisclosureOut) -> bool {
        d.terms == DisclosureTerms::Nda
    }

    fn access_status(&self, d: &DisclosureOut) -> String {
        d.access
            .as_ref()
            .map(|a| super::word(&self.ctx.t, "status", a.status.as_str()))
            .unwrap_or_default()
    }

    fn may_ask(&self, d: &DisclosureOut) -> bool {
        d.may_request && d.access.is_none()
    }

    /// The reports of evaluation `e`.
    fn reports_of(&self, e: &EvaluationOut) -> Vec<&ListingDocumentOut> {
        self.reports
            .iter()
            .filter(|r| r.evaluation_id == Some(e.id))
            .collect()
    }

    fn granted(&self, d: &DisclosureOut) -> bool {
        d.access
            .as_ref()
            .is_some_and(|a| a.status == AccessStatus::Granted)
    }
}

/// An evaluation's value range or grade in the reader's words.
pub fn evaluation_value(ctx: &Ctx, e: &EvaluationOut) -> String {
    let cur = e.currency.as_deref().unwrap_or("CNY");
    let range = match (e.value_min_minor, e.value_max_minor) {
        (Some(a), Some(b)) if a == b => crate::money::money(&ctx.t, a, cur),
        (Some(a), Some(b)) => format!(
            "{} – {}",
            crate::money::money(&ctx.t, a, cur),
            crate::money::money(&ctx.t, b, cur)
        ),
        (Some(a), None) => format!("≥ {}", crate::money::money(&ctx.t, a, cur)),
        (None, Some(b)) => format!("≤ {}", crate::money::money(&ctx.t, b, cur)),
        (None, None) => String::new(),
    };
    match (&e.grade, range.is_empty()) {
        (Some(g), true) => g.clone(),
        (Some(g), false) => format!("{range} · {g}"),
        (None, _) => range,
    }
}

pub(super) async fn page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let caller = viewer.caller();
    let listing_path = format!("/api/v1/achievements/{id}");
    let evaluations_path = format!("/api/v1/achievements/{id}/evaluations");
    let disclosure_path = format!("/api/v1/achievements/{id}/disclosure");
    let reports_path = format!("/api/v1/achievements/{id}/documents?kind=evaluation_report");
    let (listing, evaluations, disclosure, reports) = tokio::join!(
        portal
            .api
            .get::<wire::listing::AchievementOut>(caller, &listing_path),
        portal
            .api
            .get::<Vec<EvaluationOut>>(caller, &evaluations_path),
        portal.api.get::<DisclosureOut>(caller, &disclosure_path),
        portal
            .api
            .get::<Vec<ListingDocumentOut>>(caller, &reports_path),
    );
    let reports = reports.map_err(|e| viewer.fail(e))?;
    let listing = listing.map_err(|e| viewer.fail(e))?;
    let evaluations = evaluations.map_err(|e| viewer.fail(e))?;
    // No disclosure set is an ordinary state, not an error.
    let disclosure = match disclosure {
        Ok(d) => Some(d),
        Err(ApiError::Problem(p)) if p.status == 404 => None,
        Err(e) => return Err(viewer.fail(e)),
    };
    // The dossier is read (and so logged) only when the reader's organisation has access.
    let granted = disclosure
        .as_ref()
        .and_then(|d| d.access.as_ref())
        .is_some_and(|a| a.status == AccessStatus::Granted);
    let (dossier, files) = if granted {
        let files_path = format!("/api/v1/achievements/{id}/documents?kind=dossier");
        let dossier_path = format!("/api/v1/achievements/{id}/dossier");
        let (dossier, files) = tokio::join!(
            portal.api.get::<DossierOut>(caller, &dossier_path),
            portal
                .api
                .get::<Vec<ListingDocumentOut>>(caller, &files_path),
        );
        (
            Some(dossier.map_err(|e| viewer.fail(e))?),
            files.map_err(|e| viewer.fail(e))?,
        )
    } else {
        (None, Vec::new())
    };
    Ok(render(&DossierPage {
        ctx: Ctx::new(&viewer, "listing"),
        id,
        title: listing.title,
        evaluations,
        disclosure,
        dossier,
        files,
        reports,
    }))
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct RequestForm {
    #[serde(default)]
    message: String,
    /// The hash of the NDA text the page showed, sent back when the reader ticks "I accept".
    #[serde(default)]
    accept_nda_sha256: String,
    #[serde(default)]
    accept: Option<String>,
}

pub(super) async fn request(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<RequestForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let message = Some(form.message.trim().to_owned()).filter(|m| !m.is_empty());
    // Without the tick the hash is not sent, so the API refuses an NDA listing's request.
    let hash = form
        .accept
        .is_some()
        .then_some(form.accept_nda_sha256)
        .filter(|h| !h.is_empty());
    let body = json!({"message": message, "accept_nda_sha256": hash});
    portal
        .api
        .post::<serde_json::Value>(
            viewer.caller(),
            &format!("/api/v1/achievements/{id}/dossier/requests"),
            &body,
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/achievements/{id}/dossier"), "submitted"))
}

pub(super) async fn download(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    super::pass_file(
        &portal,
        &viewer,
        &format!("/api/v1/achievements/{id}/dossier?download=true"),
    )
    .await
}

/// Streams one of an achievement's files to the browser (the API decides who may: a dossier
/// file's download is logged there for the owner).
pub(super) async fn file(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, document)): Path<(String, String)>,
) -> PageResult {
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let document = path_id(&document).ok_or_else(|| viewer.not_found())?;
    crate::pages::files::pass_download(
        &portal,
        &viewer,
        &format!("/api/v1/achievements/{id}/documents/{document}"),
    )
    .await
}
