//! A listing's translations, for its owner: each one edited in place (title, summary,
//! description, keywords, provenance human/machine) and new languages added. The listing API
//! stores them (`PUT /api/v1/{kind}/{id}/translations/{lang}`) and decides who may: this page
//! only shows the forms to the owning organisation and passes the API's answer on. Matching
//! embeds each translation too, so a translation makes a listing findable in that language.

use askama::Template;
use axum::extract::{Path, State};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use wire::listing::LocalizedText;
use wire::ListingKind;

use super::listing::ListingView;

use crate::page::{done, render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;

/// Languages a translation may be added in (the platform's: Chinese, English and ASEAN).
const LANGUAGES: [&str; 10] = ["zh", "en", "vi", "th", "ms", "id", "km", "lo", "my", "fil"];

/// The longest text a form field passes on; the API has its own limits and says which field is
/// too long, this only keeps an absurd post from being forwarded whole.
const MAX_FIELD_CHARS: usize = 20_000;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route(
            "/achievements/{id}/translations",
            get(achievement_page).post(save_achievement),
        )
        .route("/needs/{id}/translations", get(need_page).post(save_need))
}

#[derive(Template)]
#[template(path = "translations.html")]
struct TranslationsPage {
    ctx: Ctx,
    collection: &'static str,
    listing: ListingView,
    translations: Vec<LocalizedText>,
    /// Languages with no text yet: the "add" form offers these.
    missing: Vec<&'static str>,
}

impl TranslationsPage {
    fn action(&self) -> String {
        format!("/{}/{}/translations", self.collection, self.listing.id)
    }

    fn listing_href(&self) -> String {
        format!("/{}/{}", self.collection, self.listing.id)
    }

    fn keywords(&self, t: &LocalizedText) -> String {
        t.keywords.join(", ")
    }

    fn is_machine(&self, t: &LocalizedText) -> bool {
        t.provenance == wire::vocabulary::Provenance::Machine
    }

    fn version(&self, t: &LocalizedText) -> String {
        t.version.map(|v| v.to_string()).unwrap_or_default()
    }
}

async fn achievement_page(state: State<Portal>, viewer: Viewer, id: Path<String>) -> PageResult {
    page(state, viewer, id, "achievements").await
}

async fn need_page(state: State<Portal>, viewer: Viewer, id: Path<String>) -> PageResult {
    page(state, viewer, id, "needs").await
}

/// The listing, if the viewer's organisation owns it; anyone else gets "not found", as for a
/// draft of another organisation (whether the listing exists is not theirs to learn here).
async fn owned(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    raw_id: &str,
) -> Result<ListingView, crate::page::PageError> {
    viewer.require_login()?;
    let id = super::path_id(raw_id).ok_or_else(|| viewer.not_found())?;
    let kind = if collection == "needs" {
        ListingKind::Need
    } else {
        ListingKind::Achievement
    };
    let listing = ListingView::get(
        &portal.api,
        viewer.caller(),
        kind,
        &format!("/api/v1/{collection}/{id}"),
    )
    .await
    .map_err(|e| viewer.fail(e))?;
    if viewer.organisation_id() != Some(listing.organisation_id.into()) {
        return Err(viewer.not_found());
    }
    Ok(listing)
}

async fn page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(raw_id): Path<String>,
    collection: &'static str,
) -> PageResult {
    let listing = owned(&portal, &viewer, collection, &raw_id).await?;
    let translations = portal
        .api
        .get::<Vec<LocalizedText>>(
            viewer.caller(),
            &format!("/api/v1/{collection}/{}/translations", listing.id),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    let missing = LANGUAGES
        .into_iter()
        .filter(|l| {
            *l != listing.original_language && translations.iter().all(|t| t.language != *l)
        })
        .collect();
    Ok(render(&TranslationsPage {
        ctx: Ctx::new(&viewer, "translations"),
        collection,
        listing,
        translations,
        missing,
    }))
}

/// One translation as the forms post it (an edit names the version it started from).
#[derive(Debug, Deserialize)]
struct TranslationForm {
    language: String,
    title: String,
    summary: String,
    #[serde(default)]
    description: String,
    /// Comma-separated (either comma: `,` or `，`).
    #[serde(default)]
    keywords: String,
    provenance: String,
    #[serde(default)]
    version: String,
}

async fn save_achievement(
    state: State<Portal>,
    viewer: Viewer,
    id: Path<String>,
    form: Form<TranslationForm>,
) -> PageResult {
    save(state, viewer, id, form, "achievements").await
}

async fn save_need(
    state: State<Portal>,
    viewer: Viewer,
    id: Path<String>,
    form: Form<TranslationForm>,
) -> PageResult {
    save(state, viewer, id, form, "needs").await
}

async fn save(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(raw_id): Path<String>,
    Form(form): Form<TranslationForm>,
    collection: &'static str,
) -> PageResult {
    let listing = owned(&portal, &viewer, collection, &raw_id).await?;
    let language = form.language.trim();
    // The language becomes a path segment of the API call: only the codes offered here.
    if !LANGUAGES.contains(&language) {
        return Err(viewer.error_page(http::StatusCode::UNPROCESSABLE_ENTITY, String::new()));
    }
    if [
        &form.title,
        &form.summary,
        &form.description,
        &form.keywords,
    ]
    .iter()
    .any(|f| f.chars().count() > MAX_FIELD_CHARS)
    {
        return Err(viewer.error_page(http::StatusCode::PAYLOAD_TOO_LARGE, String::new()));
    }
    let keywords: Vec<String> = form
        .keywords
        .split([',', '，'])
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .map(str::to_owned)
        .collect();
    let mut body = serde_json::json!({
        "title": form.title.trim(),
        "summary": form.summary.trim(),
        "description": form.description.trim(),
        "keywords": keywords,
        "provenance": form.provenance,
    });
    if let Ok(version) = form.version.trim().parse::<i32>() {
        body["version"] = serde_json::Value::from(version);
    }
    portal
        .api
        .json::<serde_json::Value>(
            viewer.caller(),
            http::Method::PUT,
            &format!(
                "/api/v1/{collection}/{}/translations/{language}",
                listing.id
            ),
            &body,
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(
        &format!("/{collection}/{}/translations", listing.id),
        "saved",
    ))
}
