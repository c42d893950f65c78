//! Brokers awaiting verification.

use askama::Template;

use super::{name_or_dash, org_names, waiting, Refusal, Tab, Waiting};
use crate::page::{render, Ctx, PageResult};
use crate::pages::{Labels, Pager};
use crate::session::Viewer;
use crate::Portal;
use wire::deal::BrokerOut;
use wire::VerificationStatus;

pub struct BrokerRow {
    pub id: String,
    /// Where the decision form posts.
    pub action: String,
    /// The question asked before a rejection is sent.
    pub confirm: String,
    pub name: String,
    pub level: String,
    pub certificate: String,
    pub organisation: String,
    pub fields: String,
    pub regions: String,
    pub languages: String,
    pub bio: String,
    pub created: String,
    pub version: i64,
}

#[derive(Template)]
#[template(path = "console_brokers.html")]
pub(super) struct BrokersPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    rows: Vec<BrokerRow>,
    pager: Pager,
    page: u64,
    refusal: Refusal,
}

pub(super) async fn brokers_page(
    portal: &Portal,
    viewer: &Viewer,
    page: u64,
    refusal: Refusal,
) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let pending = ("status", VerificationStatus::Pending.as_str());
    let (list, labels) = tokio::join!(
        waiting::<BrokerOut>(
            portal,
            viewer,
            t,
            "brokers",
            "/api/v1/brokers",
            pending,
            page
        ),
        Labels::load(portal, viewer),
    );
    let Waiting { items, pager, tabs } = list?;
    let names = org_names(
        &portal.api,
        viewer.caller(),
        t,
        items
            .iter()
            .filter_map(|b| b.organisation_id.map(|o| o.to_string())),
    )
    .await;
    let join = |codes: &[String], f: &dyn Fn(&str) -> String| {
        if codes.is_empty() {
            "—".to_owned()
        } else {
            codes.iter().map(|c| f(c)).collect::<Vec<_>>().join("、")
        }
    };
    let rows = items
        .into_iter()
        .map(|b| BrokerRow {
            level: t.term("cert", b.certification_level.as_str()),
            certificate: b
                .certificate_number
                .clone()
                .unwrap_or_else(|| "—".to_owned()),
            organisation: b
                .organisation_id
                .map(|o| name_or_dash(&names, &o.to_string()))
                .unwrap_or_else(|| "—".to_owned()),
            fields: join(&b.fields, &|c| labels.industry(c)),
            regions: join(&b.regions, &|c| labels.region(c)),
            languages: join(&b.languages, &|c| labels.language(c)),
            bio: b.bio.clone().unwrap_or_default(),
            created: t.day(&b.created_at),
            version: b.version.into(),
            confirm: t.f(
                "console.confirm_reject_broker",
                &[("name", &b.display_name)],
            ),
            name: b.display_name,
            action: format!("/console/brokers/{}", b.id),
            id: b.id.to_string(),
        })
        .collect();
    Ok(render(&BrokersPage {
        ctx,
        tabs,
        rows,
        pager,
        page,
        refusal,
    }))
}
