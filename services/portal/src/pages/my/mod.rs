//! "My organisation": the signed-in member's organisation, its listings in every status with
//! their matches, feedback received, open-call applications, spreadsheet imports (upload,
//! progress, per-row errors), members and invitations, and accepting an invitation.
//!
//! Everything comes from the API as the member sees it. The API has no "feedback on my
//! listings" list, so feedback received is read from the member's `match_feedback`
//! notifications (each names the match, verdict and reason); the per-match feedback is on the
//! listing page's matches panel.
//!
//! One module per section; this one holds the routes, the API answers the sections share and
//! the helpers.

mod imports;
mod join;
mod members;
mod open_calls;
mod overview;

use std::collections::{HashMap, HashSet};

use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use axum::Router;
use http::StatusCode;

use crate::api::{ApiError, Caller};
use crate::i18n::Tr;
use crate::page::PageError;
use crate::pages::Pager;
use crate::session::{Me, Viewer};
use crate::Portal;
use wire::{ImportKind, ImportStatus, ListingKind};

/// Largest spreadsheet the upload form forwards (the API's default import limit).
const UPLOAD_LIMIT_BYTES: usize = 32 * 1024 * 1024;
/// Largest text field of the upload form (`kind`, `mode`: a word each).
const UPLOAD_TEXT_LIMIT_BYTES: usize = 1024;
const LISTINGS_PER_PAGE: u64 = 10;
const IMPORTS_PER_PAGE: u64 = 20;
const ROW_ERRORS_PER_PAGE: u64 = 50;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/my", get(overview::overview))
        .route("/my/members", get(members::members_page))
        .route("/my/members/invite", post(members::invite))
        .route("/my/members/{user_id}/role", post(members::set_role))
        .route("/my/members/{user_id}/remove", post(members::remove_member))
        .route(
            "/my/members/invitations/{id}/revoke",
            post(members::revoke_invitation),
        )
        .route("/my/open-calls/{id}", get(open_calls::open_call_page))
        .route(
            "/my/open-calls/{id}/applications/{application_id}",
            post(open_calls::decide),
        )
        .route(
            "/my/imports",
            get(imports::imports_page)
                .post(imports::start_import)
                .layer(DefaultBodyLimit::max(UPLOAD_LIMIT_BYTES + 64 * 1024)),
        )
        .route("/my/imports/{id}", get(imports::import_page))
        .route("/join", get(join::join_form).post(join::join))
}

// ---------------------------------------------------------------------------------------------
// API answers.

pub use wire::listing::{ImportOut, RowError};

/// What the import pages ask of an import (the wire type is the crate's, so this is a trait).
pub trait ImportView {
    fn running(&self) -> bool;
    fn percent(&self) -> i64;
    fn status_class(&self) -> &'static str;
}

impl ImportView for ImportOut {
    fn running(&self) -> bool {
        matches!(self.status, ImportStatus::Queued | ImportStatus::Running)
    }

    /// Rows read so far, in percent (0 before the file is parsed).
    fn percent(&self) -> i64 {
        let total = i64::from(self.total_rows);
        if total <= 0 {
            if self.running() {
                0
            } else {
                100
            }
        } else {
            (i64::from(self.processed_rows).clamp(0, total) * 100) / total
        }
    }

    fn status_class(&self) -> &'static str {
        match self.status {
            ImportStatus::Succeeded => "ok",
            ImportStatus::Failed => "bad",
            ImportStatus::Queued | ImportStatus::Running => "warn",
        }
    }
}

pub use wire::listing::ApplicationOut;

// ---------------------------------------------------------------------------------------------
// Helpers.

/// Pages for members of an organisation: sign in first; an account without one is told why.
fn require_org(viewer: &Viewer) -> Result<(&Me, String), PageError> {
    let me = viewer.require_login()?;
    let org = me.organisation_id.ok_or_else(|| {
        viewer.error_page(
            StatusCode::FORBIDDEN,
            Tr::new(viewer.lang).t("my.no_organisation").to_owned(),
        )
    })?;
    Ok((me, org.to_string()))
}

fn is_admin(me: &Me) -> bool {
    me.is_org_admin()
}

/// What [`get_all`] read, by key, and the keys whose read failed (their panel says so).
struct Fetched<T> {
    answers: HashMap<String, T>,
    failed: HashSet<String>,
}

/// Runs one GET per path at once (the API answers independently); results keep their key.
async fn get_all<T>(portal: &Portal, viewer: &Viewer, paths: Vec<(String, String)>) -> Fetched<T>
where
    T: serde::de::DeserializeOwned + Send + 'static,
{
    let mut tasks = Vec::with_capacity(paths.len());
    for (key, path) in paths {
        let api = portal.api.clone();
        let token = viewer.token.clone();
        let lang = viewer.lang;
        let task = tokio::spawn(async move {
            let caller = Caller {
                token: token.as_deref(),
                lang,
            };
            api.get::<T>(caller, &path).await
        });
        tasks.push((key, task));
    }
    let mut fetched = Fetched {
        answers: HashMap::new(),
        failed: HashSet::new(),
    };
    for (key, task) in tasks {
        match task.await {
            Ok(Ok(value)) => {
                fetched.answers.insert(key, value);
            }
            Ok(Err(err)) => {
                tracing::warn!(error = %err, key = %key, "my organisation: a detail could not be read");
                fetched.failed.insert(key);
            }
            Err(err) => {
                tracing::warn!(error = %err, key = %key, "my organisation: a detail task failed");
                fetched.failed.insert(key);
            }
        }
    }
    fetched
}

/// A side panel's list, and whether it could not be read (the panel then says so, rather
/// than showing an empty list that reads as "nothing here").
fn panel<T>(read: Result<Vec<T>, ApiError>, what: &str) -> (Vec<T>, bool) {
    match read {
        Ok(items) => (items, false),
        Err(err) => {
            tracing::warn!(error = %err, panel = what, "my organisation: a panel could not be read");
            (Vec::new(), true)
        }
    }
}

/// The items of the pager's page. The pager has clamped the page to the last one, so a huge
/// `?page=` shows the last page instead of overflowing.
pub(super) fn page_items<T>(
    items: impl IntoIterator<Item = T>,
    pager: &Pager,
    per_page: u64,
) -> Vec<T> {
    let start = pager.page.saturating_sub(1).saturating_mul(per_page);
    let start = usize::try_from(start).unwrap_or(usize::MAX);
    let per_page = usize::try_from(per_page).unwrap_or(usize::MAX);
    items.into_iter().skip(start).take(per_page).collect()
}

/// An import's status in the reader's words (the overview's panel and the import pages).
fn import_status(t: &Tr, status: ImportStatus) -> String {
    match status {
        ImportStatus::Queued => t.t("my.import_queued").to_owned(),
        ImportStatus::Running => t.t("my.import_running").to_owned(),
        ImportStatus::Succeeded => t.t("my.import_succeeded").to_owned(),
        ImportStatus::Failed => t.t("my.import_failed").to_owned(),
    }
}

/// What an import creates, in the reader's words.
fn import_kind(t: &Tr, kind: ImportKind) -> String {
    match kind {
        ImportKind::Needs => t.term("kind", ListingKind::Need.as_str()),
        ImportKind::Achievements => t.term("kind", ListingKind::Achievement.as_str()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_past_the_end_is_the_last_page() {
        let pager = Pager::new("/my/imports", "page", u64::MAX, 20, 45);
        assert_eq!(page_items(0..45, &pager, 20), (40..45).collect::<Vec<_>>());
        let pager = Pager::new("/my/imports", "page", 2, 20, 45);
        assert_eq!(page_items(0..45, &pager, 20), (20..40).collect::<Vec<_>>());
        assert!(page_items(
            Vec::<u8>::new(),
            &Pager::new("/x", "page", u64::MAX, 20, 0),
            20
        )
        .is_empty());
    }
}
