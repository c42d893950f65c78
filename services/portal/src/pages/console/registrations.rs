//! Contract registrations (认定登记) awaiting a decision, and the number a registration was
//! given.

use std::collections::HashMap;

use askama::Template;

use super::{name_or_dash, org_names, waiting, Refusal, Tab, Waiting};
use crate::i18n::Tr;
use crate::page::{render, typed, Ctx, PageResult};
use crate::pages::{path_id, Pager};
use crate::session::Viewer;
use crate::Portal;
use wire::deal::{ContractOut, RegistrationOut};
use wire::RegistrationStatus;

pub struct RegistrationRow {
    pub id: String,
    /// Where the decision forms post.
    pub action: String,
    /// The question asked before a rejection is sent.
    pub confirm: String,
    pub number: String,
    pub title: String,
    pub contract_amount: String,
    pub tech_amount: String,
    pub seller: String,
    pub buyer: String,
    pub contract_type: String,
    pub signed_on: String,
    pub submitted: String,
    pub version: i64,
}

/// The registration just registered, with its number.
pub struct JustRegistered {
    pub contract_number: String,
    pub title: String,
    pub registration_number: String,
    pub registered_on: String,
    pub office: String,
}

#[derive(Template)]
#[template(path = "console_registrations.html")]
pub(super) struct RegistrationsPage {
    ctx: Ctx,
    tabs: Vec<Tab>,
    rows: Vec<RegistrationRow>,
    pager: Pager,
    page: u64,
    refusal: Refusal,
    today: String,
    just: Option<JustRegistered>,
}

impl RegistrationsPage {
    fn just_line(&self, j: &JustRegistered) -> String {
        self.ctx.t.f(
            "console.registered_as",
            &[
                ("contract", &j.contract_number),
                ("title", &j.title),
                ("number", &j.registration_number),
                ("date", &j.registered_on),
            ],
        )
    }
}

pub(super) async fn registrations_page(
    portal: &Portal,
    viewer: &Viewer,
    page: u64,
    refusal: Refusal,
    registered: &str,
) -> PageResult {
    let ctx = Ctx::new(viewer, "console");
    let t = ctx.t;
    let caller = viewer.caller();
    let submitted = ("status", RegistrationStatus::Submitted.as_str());
    let endpoint = "/api/v1/registrations";
    let Waiting { items, pager, tabs } = waiting::<RegistrationOut>(
        portal,
        viewer,
        t,
        "registrations",
        endpoint,
        submitted,
        page,
    )
    .await?;
    let mut contracts = HashMap::new();
    for r in &items {
        let path = format!("/api/v1/contracts/{}", r.contract_id);
        if let Ok(c) = portal.api.get::<ContractOut>(caller, &path).await {
            contracts.insert(r.contract_id, c);
        }
    }
    let names = org_names(
        &portal.api,
        caller,
        t,
        contracts.values().flat_map(|c| {
            [c.seller_organisation_id, c.buyer_organisation_id]
                .into_iter()
                .flatten()
                .map(|o| o.to_string())
        }),
    )
    .await;
    let rows = items
        .into_iter()
        .map(|r| {
            let c = contracts.get(&r.contract_id);
            RegistrationRow {
                confirm: t.f(
                    "console.confirm_reject_registration",
                    &[("number", &r.contract_number)],
                ),
                number: r.contract_number,
                title: r.contract_title,
                contract_amount: t.cny(r.contract_amount_cny_minor),
                tech_amount: t.cny(r.tech_amount_cny_minor),
                seller: c
                    .and_then(|c| c.seller_organisation_id)
                    .map(|o| name_or_dash(&names, &o.to_string()))
                    .unwrap_or_else(|| "—".to_owned()),
                buyer: c
                    .and_then(|c| c.buyer_organisation_id)
                    .map(|o| name_or_dash(&names, &o.to_string()))
                    .unwrap_or_else(|| "—".to_owned()),
                contract_type: c
                    .map(|c| contract_type_words(t, &c.contract_type, &c.contract_type_label))
                    .unwrap_or_else(|| "—".to_owned()),
                signed_on: c
                    .map(|c| c.signed_on.to_string())
                    .unwrap_or_else(|| "—".to_owned()),
                submitted: t.day(&r.updated_at),
                version: r.version.into(),
                action: format!("/console/registrations/{}", r.id),
                id: r.id.to_string(),
            }
        })
        .collect();
    // After a registration the page names the number it was given.
    let just = match typed(registered).and_then(path_id) {
        Some(id) => portal
            .api
            .get::<RegistrationOut>(caller, &format!("/api/v1/registrations/{id}"))
            .await
            .ok()
            .filter(|r| r.status == RegistrationStatus::Registered)
            .map(|r| JustRegistered {
                contract_number: r.contract_number,
                title: r.contract_title,
                registration_number: r.registration_number.unwrap_or_default(),
                registered_on: t.opt_date(&r.registered_on),
                office: r.office.unwrap_or_default(),
            }),
        None => None,
    };
    let today = chrono::Utc::now().date_naive().to_string();
    Ok(render(&RegistrationsPage {
        ctx,
        tabs,
        rows,
        pager,
        page,
        refusal,
        today,
        just,
    }))
}

/// A contract type in the reader's language (the API's label is Chinese).
pub(super) fn contract_type_words(t: Tr, code: &str, api_label: &str) -> String {
    let key = match code {
        "development" => "dash.type_development",
        "transfer" => "dash.type_transfer",
        "licence" => "dash.type_licence",
        "consulting" => "dash.type_consulting",
        "service" => "dash.type_service",
        _ => {
            return if api_label.is_empty() {
                code.to_owned()
            } else {
                api_label.to_owned()
            }
        }
    };
    t.t(key).to_owned()
}
