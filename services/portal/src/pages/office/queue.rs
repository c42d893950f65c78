//! `/office`: the offices the person works, each with its figures for the year (the contracts
//! it registered, by month, from the statistics API's `office` filter), its queue of
//! submitted contracts, the intake upload, the latest intakes and the monthly and annual
//! reports.

use askama::Template;
use axum::extract::State;

use super::{w, yuan};
use crate::page::{render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::office::{OfficeOut, RegistrationFileOut, RegistrationImportOut};
use wire::stats::TurnoverOut;
use wire::{Dim, Page};

/// One submitted contract in the queue.
pub struct QueueRow {
    pub href: String,
    pub number: String,
    pub name: String,
    pub parties: String,
    pub amount: String,
    pub signed_on: String,
}

/// One month of an office's registered turnover.
pub struct MonthFigure {
    pub month: String,
    pub count: i64,
    pub amount: String,
}

/// An office's registered turnover in the year (output basis, contract amount).
pub struct Figures {
    pub count: i64,
    pub amount: String,
    pub months: Vec<MonthFigure>,
}

impl Figures {
    fn from_turnover(out: TurnoverOut) -> Figures {
        Figures {
            count: out.total_contract_count,
            amount: yuan(out.total_amount_cny_minor),
            months: out
                .rows
                .into_iter()
                .map(|r| MonthFigure {
                    month: r.keys.get(Dim::Month.as_str()).cloned().unwrap_or_default(),
                    count: r.contract_count,
                    amount: yuan(r.amount_cny_minor),
                })
                .collect(),
        }
    }
}

/// One office's desk.
pub struct Desk {
    pub office: OfficeOut,
    pub rows: Vec<QueueRow>,
    pub waiting: u64,
    pub imports: Vec<RegistrationImportOut>,
    pub month: String,
    pub year: String,
    /// `None` when the API refused or failed (the desk still works).
    pub figures: Option<Figures>,
}

#[derive(Template)]
#[template(path = "office_queue.html")]
pub struct QueuePage {
    pub ctx: Ctx,
    pub desks: Vec<Desk>,
}

impl QueuePage {
    pub fn w(&self, zh: &'static str, en: &'static str) -> &'static str {
        w(self.ctx.lang, zh, en)
    }
}

pub(super) async fn queue_page(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    viewer.require_login()?;
    let ctx = Ctx::new(&viewer, "office");
    let caller = viewer.caller();
    let offices: Vec<OfficeOut> = portal
        .api
        .get(caller, "/api/v1/offices/mine")
        .await
        .map_err(|e| viewer.fail(e))?;
    let today = chrono::Utc::now().date_naive();
    let mut desks = Vec::new();
    for office in offices {
        let queue: Page<RegistrationFileOut> = portal
            .api
            .get(
                caller,
                &format!("/api/v1/offices/{}/queue?per_page=50", office.id),
            )
            .await
            .map_err(|e| viewer.fail(e))?;
        let imports: Vec<RegistrationImportOut> = portal
            .api
            .get(caller, &format!("/api/v1/offices/{}/imports", office.id))
            .await
            .unwrap_or_default();
        // The office's own figures: the API decides who reads them (its operators and the
        // platform's), so a refusal only leaves the desk without them.
        let figures: Option<TurnoverOut> = portal
            .api
            .get(
                caller,
                &format!(
                    "/api/v1/stats/turnover?office={}&year={}&group_by=month",
                    office.id,
                    today.format("%Y")
                ),
            )
            .await
            .ok();
        let rows = queue
            .items
            .into_iter()
            .map(|f| QueueRow {
                href: format!("/office/registrations/{}", f.id),
                number: f.contract_number,
                name: f.contract_name,
                parties: f
                    .parties
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(" / "),
                amount: yuan(f.contract_amount_cny_minor),
                signed_on: f.signed_on.to_string(),
            })
            .collect();
        desks.push(Desk {
            office,
            rows,
            waiting: queue.total,
            imports,
            month: today.format("%Y-%m").to_string(),
            year: today.format("%Y").to_string(),
            figures: figures.map(Figures::from_turnover),
        });
    }
    Ok(render(&QueuePage { ctx, desks }))
}
