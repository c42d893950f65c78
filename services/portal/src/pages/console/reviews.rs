//! The review queue: submitted listings and proposed edits of published ones.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::Form;

use super::decisions::{decide, DecisionForm, Queue};
use super::{name_or_dash, org_names, require_operator, tabs, PageParam, Refusal, Tab, PER_PAGE};
use crate::page::{render, Ctx, PageResult};
use crate::pages::listing::RevisionView;
use crate::pages::{page_param, Labels, Pager};
use crate::session::Viewer;
use crate::Portal;
use wire::listing::ReviewItem;
use wire::ListingKind;

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
pub(super) struct ReviewsPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    rows: Vec<ReviewRow>,
    pager: Pager,
    page: u64,
    refusal: Refusal,
}

pub(super) async fn reviews(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_operator(&viewer)?;
    reviews_page(&portal, &viewer, page_param(q.page), Refusal::default()).await
}

pub(super) async fn reviews_page(
    portal: &Portal,
    viewer: &Viewer,
    page: u64,
    refusal: Refusal,
) -> PageResult {
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
        shown.iter().map(|i| i.organisation_id.to_string()),
    )
    .await;
    let rows = shown
        .into_iter()
        .map(|i| {
            let kind = i.kind;
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
                organisation: name_or_dash(&names, &i.organisation_id.to_string()),
                language: labels.language(&i.language),
                language_code: i.language,
                submitted: t.opt_date(&i.submitted_at),
                id: i.id.to_string(),
                title: i.title,
                version: i.version.into(),
                changes: i.revision.as_ref().map(RevisionView::changes),
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

pub(super) async fn decide_review(
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
