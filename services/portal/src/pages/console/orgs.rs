//! Organisations awaiting verification.

use askama::Template;

use super::{waiting, Refusal, Tab, Waiting};
use crate::page::{render, Ctx, PageResult};
use crate::pages::{Labels, Pager};
use crate::session::Viewer;
use crate::Portal;
use wire::accounts::OrganisationOut;
use wire::VerificationStatus;

pub struct OrgRow {
    pub id: String,
    /// Where the decision form posts.
    pub action: String,
    /// The question asked before a rejection is sent.
    pub confirm: String,
    pub name: String,
    pub name_en: String,
    pub kind: String,
    pub place: String,
    pub credit_code: String,
    pub state_funded: bool,
    pub website: String,
    pub registered: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "console_orgs.html")]
pub(super) struct OrgsPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    rows: Vec<OrgRow>,
    pager: Pager,
    page: u64,
    refusal: Refusal,
}

pub(super) async fn orgs_page(
    portal: &Portal,
    viewer: &Viewer,
    page: u64,
    refusal: Refusal,
) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let pending = ("verification_status", VerificationStatus::Pending.as_str());
    let (list, labels) = tokio::join!(
        waiting::<OrganisationOut>(portal, viewer, t, "orgs", "/api/v1/orgs", pending, page),
        Labels::load(portal, viewer),
    );
    let Waiting { items, pager, tabs } = list?;
    let rows = items
        .into_iter()
        .map(|o| OrgRow {
            kind: t.term("org_kind", &o.kind),
            place: if o.country == "CN" {
                labels.region(&o.region_code)
            } else {
                labels.country(&o.country)
            },
            credit_code: o.credit_code.unwrap_or_default(),
            website: o.website.unwrap_or_default(),
            registered: t.day(&o.created_at),
            name_en: o.name_en.unwrap_or_default(),
            state_funded: o.state_funded,
            version: i64::from(o.version),
            confirm: t.f("console.confirm_reject_org", &[("name", &o.name)]),
            name: o.name,
            action: format!("/console/orgs/{}", o.id),
            id: o.id.to_string(),
        })
        .collect();
    Ok(render(&OrgsPage {
        ctx,
        tabs,
        rows,
        pager,
        page,
        refusal,
    }))
}
