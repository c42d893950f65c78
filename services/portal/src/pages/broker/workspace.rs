//! `/broker`: a verified broker's workspace — the worklist (the best unhandled matches in the
//! broker's fields and regions, with reasons and a button that opens a deal) and a board of the
//! broker's deals by stage. Anyone else signed in learns how to become a broker and may
//! register a profile, which an operator then verifies. `POST /deals/from-match` opens a deal
//! from a match (the worklist and the listing pages' matches panels post to it).

use std::collections::HashMap;
use wire::Origin;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Redirect;
use axum::routing::{get, post};
use axum::{Form, Router};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::{post_or_refuse, short_id};
use crate::api::with_query;
use crate::page::{done, render, typed, Ctx, FormErrors, PageResult};
use crate::pages::{page_param, Labels, Pager};
use crate::session::Viewer;
use crate::Portal;
use wire::deal::{BrokerOut, DealOut};
use wire::ids::DealId;
use wire::matching::MatchOut;
use wire::Page;
use wire::{CertificationLevel, Stage, VerificationStatus};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/broker", get(workspace))
        .route("/broker/profile", post(register))
        // After signing in on the way to this form's action, a browser comes back with a GET.
        .route(
            "/deals/from-match",
            get(|| async { Redirect::to("/broker") }).post(open_from_match),
        )
}

/// Matches the worklist shows, and how many when the reader asks for all of them.
const WORKLIST_LIMIT: u64 = 10;
const WORKLIST_ALL: u64 = 100;
/// Deals per board page (the API's largest page).
const BOARD_PER_PAGE: u64 = 100;
/// Certification levels of a broker (技术经理人), lowest first.
/// The whole of Guangxi as a working region.
const GUANGXI: &str = "450000";

#[derive(Debug, Default, Deserialize)]
struct BoardQuery {
    page: Option<u64>,
    /// `all` shows the whole worklist.
    #[serde(default)]
    worklist: String,
}

/// One worklist match, ready to show.
struct MatchView {
    id: String,
    need_title: String,
    need_href: String,
    achievement_title: String,
    achievement_href: String,
    score: String,
    field: String,
    region: String,
    reasons: Vec<ReasonView>,
    /// The broker's deal on this match, when one is open already.
    deal_href: Option<String>,
}

struct ReasonView {
    text: String,
    pro: bool,
}

/// One column of the board.
struct Column {
    code: &'static str,
    title: String,
    cards: Vec<Card>,
}

struct Card {
    href: String,
    title: String,
    parties: String,
    updated: String,
    publicity_open: bool,
}

#[derive(Template)]
#[template(path = "broker_workspace.html")]
struct WorkspacePage {
    ctx: Ctx,
    broker_name: String,
    worklist: Vec<MatchView>,
    columns: Vec<Column>,
    total_deals: u64,
    pager: Pager,
    show_all: bool,
    worklist_limit: usize,
}

impl WorkspacePage {
    fn deals_count(&self) -> String {
        self.ctx.t.f(
            "broker.board_count",
            &[("total", &self.total_deals.to_string())],
        )
    }

    fn score_label(&self, score: &str) -> String {
        self.ctx.t.f("broker.score", &[("score", score)])
    }
}

async fn workspace(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<BoardQuery>,
) -> PageResult {
    let me = viewer.require_login()?;
    let Some(broker_id) = me.broker_id else {
        return join_page(
            &portal,
            &viewer,
            None,
            JoinForm::for_viewer(&viewer),
            FormErrors::default(),
        )
        .await;
    };
    let caller = viewer.caller();
    let profile: BrokerOut = portal
        .api
        .get(caller, &format!("/api/v1/brokers/{broker_id}"))
        .await
        .map_err(|e| viewer.fail(e))?;
    if profile.verification_status != VerificationStatus::Verified {
        return join_page(
            &portal,
            &viewer,
            Some(profile),
            JoinForm::for_viewer(&viewer),
            FormErrors::default(),
        )
        .await;
    }
    let page = page_param(q.page);
    let deals_path = with_query(
        "/api/v1/deals",
        &[
            ("broker_id", broker_id.to_string()),
            ("page", page.to_string()),
            ("per_page", BOARD_PER_PAGE.to_string()),
        ],
    );
    let show_all = q.worklist == "all";
    let limit = if show_all {
        WORKLIST_ALL
    } else {
        WORKLIST_LIMIT
    };
    let worklist_path = format!("/api/v1/brokers/me/worklist?limit={limit}");
    let (worklist, deals, labels) = tokio::join!(
        portal.api.get::<Vec<MatchOut>>(caller, &worklist_path),
        portal.api.get::<Page<DealOut>>(caller, &deals_path),
        Labels::load(&portal, &viewer),
    );
    let worklist = worklist.map_err(|e| viewer.fail(e))?;
    let deals = deals.map_err(|e| viewer.fail(e))?;
    let ctx = Ctx::new(&viewer, "broker");
    let t = ctx.t;

    let deal_of_match: HashMap<uuid::Uuid, DealId> = deals
        .items
        .iter()
        .filter_map(|d| d.match_id.map(|m| (m, d.id)))
        .collect();
    let worklist = worklist
        .iter()
        .map(|m| {
            let need = m.need.as_ref();
            let achievement = m.achievement.as_ref();
            MatchView {
                id: m.id.to_string(),
                need_title: need.map_or_else(|| short_id(&m.need_id), |b| b.title.clone()),
                need_href: format!("/needs/{}", m.need_id),
                achievement_title: achievement
                    .map_or_else(|| short_id(&m.achievement_id), |b| b.title.clone()),
                achievement_href: format!("/achievements/{}", m.achievement_id),
                score: format!("{:.0}", (m.score * 100.0).clamp(0.0, 100.0)),
                field: need
                    .map(|b| labels.industry(&b.industry))
                    .unwrap_or_default(),
                region: need
                    .map(|b| labels.region(&b.region_code))
                    .unwrap_or_default(),
                reasons: m
                    .reasons
                    .iter()
                    .map(|r| ReasonView {
                        text: t.pick(&r.zh, &r.en).to_owned(),
                        pro: r.positive,
                    })
                    .collect(),
                deal_href: deal_of_match.get(&m.id.0).map(|d| format!("/deals/{d}")),
            }
        })
        .collect();

    let mut columns: Vec<Column> = Stage::ALL
        .iter()
        .map(|stage| Column {
            code: stage.as_str(),
            title: t.term("stage", stage.as_str()),
            cards: Vec::new(),
        })
        .collect();
    for d in &deals.items {
        let card = Card {
            href: format!("/deals/{}", d.id),
            title: d.title.clone(),
            parties: format!("{} → {}", d.seller_name, d.buyer_name),
            updated: t.day(&d.updated_at),
            publicity_open: d.publicity.open,
        };
        if let Some(col) = columns.iter_mut().find(|c| c.code == d.stage.as_str()) {
            col.cards.push(card);
        }
    }
    let pager = Pager::new(
        &viewer.path,
        "page",
        deals.page,
        BOARD_PER_PAGE,
        deals.total,
    );
    Ok(render(&WorkspacePage {
        broker_name: profile.display_name,
        worklist,
        columns,
        total_deals: deals.total,
        pager,
        show_all,
        worklist_limit: WORKLIST_LIMIT as usize,
        ctx,
    }))
}

/// What the broker registration form holds (kept when the API refuses it).
#[derive(Debug, Default)]
struct JoinForm {
    display_name: String,
    certification_level: String,
    certificate_number: String,
    fields: Vec<String>,
    regions: Vec<String>,
    languages: Vec<String>,
    bio: String,
}

impl JoinForm {
    fn for_viewer(viewer: &Viewer) -> Self {
        JoinForm {
            display_name: viewer
                .me
                .as_ref()
                .map(|m| m.display_name.clone())
                .unwrap_or_default(),
            certification_level: CertificationLevel::Junior.as_str().to_owned(),
            languages: vec![viewer.lang.code().to_owned()],
            ..JoinForm::default()
        }
    }

    /// Reads the posted pairs; checkboxes repeat their name once per ticked box.
    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut f = JoinForm::default();
        for (k, v) in pairs {
            match k.as_str() {
                "display_name" => f.display_name = v,
                "certification_level" => f.certification_level = v,
                "certificate_number" => f.certificate_number = v,
                "fields" => f.fields.push(v),
                "regions" => f.regions.push(v),
                "languages" => f.languages.push(v),
                "bio" => f.bio = v,
                _ => {}
            }
        }
        f
    }
}

/// A checkbox or option with its label.
struct Choice {
    code: String,
    label: String,
    checked: bool,
}

/// The broker profile awaiting (or refused) verification.
struct ProfileView {
    name: String,
    status: String,
    status_code: String,
    level: String,
    certificate: String,
    note: Option<String>,
    fields: String,
    regions: String,
    languages: String,
}

#[derive(Template)]
#[template(path = "broker_join.html")]
struct JoinPage {
    ctx: Ctx,
    profile: Option<ProfileView>,
    form: JoinForm,
    errors: FormErrors,
    levels: Vec<Choice>,
    fields: Vec<Choice>,
    regions: Vec<Choice>,
    languages: Vec<Choice>,
}

async fn join_page(
    portal: &Portal,
    viewer: &Viewer,
    profile: Option<BrokerOut>,
    form: JoinForm,
    errors: FormErrors,
) -> PageResult {
    let labels = Labels::load(portal, viewer).await;
    let ctx = Ctx::new(viewer, "broker");
    let t = ctx.t;
    let profile = profile.map(|p| ProfileView {
        name: p.display_name,
        status: t.term("verification", p.verification_status.as_str()),
        status_code: p.verification_status.as_str().to_owned(),
        level: t.term("cert", p.certification_level.as_str()),
        certificate: p.certificate_number.unwrap_or_default(),
        note: p.verification_note,
        fields: p
            .fields
            .iter()
            .map(|c| labels.industry(c))
            .collect::<Vec<_>>()
            .join("、"),
        regions: p
            .regions
            .iter()
            .map(|c| region_name(&ctx, &labels, c))
            .collect::<Vec<_>>()
            .join("、"),
        languages: p
            .languages
            .iter()
            .map(|c| labels.language(c))
            .collect::<Vec<_>>()
            .join("、"),
    });
    let choose = |code: &str, label: String, chosen: &[String]| Choice {
        code: code.to_owned(),
        label,
        checked: chosen.iter().any(|c| c == code),
    };
    let levels = CertificationLevel::ALL
        .iter()
        .map(|l| Choice {
            code: l.as_str().to_owned(),
            label: t.term("cert", l.as_str()),
            checked: form.certification_level == l.as_str(),
        })
        .collect();
    let fields = labels
        .industries
        .iter()
        .map(|i| choose(&i.code, labels.name(i), &form.fields))
        .collect();
    let mut regions = vec![choose(
        GUANGXI,
        t.t("broker.region_guangxi_all").to_owned(),
        &form.regions,
    )];
    regions.extend(
        labels
            .cities
            .iter()
            .map(|c| choose(&c.code, labels.name(c), &form.regions)),
    );
    regions.extend(
        labels
            .countries
            .iter()
            .filter(|c| c.code != "CN")
            .map(|c| choose(&c.code, labels.name(c), &form.regions)),
    );
    let languages = labels
        .languages
        .iter()
        .map(|l| choose(&l.code, labels.name(l), &form.languages))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut resp = render(&JoinPage {
        ctx,
        profile,
        form,
        errors,
        levels,
        fields,
        regions,
        languages,
    });
    *resp.status_mut() = status;
    Ok(resp)
}

fn region_name(ctx: &Ctx, labels: &Labels, code: &str) -> String {
    if code == GUANGXI {
        ctx.t.t("broker.region_guangxi_all").to_owned()
    } else {
        labels.region(code)
    }
}

/// Registers the reader's broker profile (`POST /api/v1/brokers`); an operator verifies it.
async fn register(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    viewer.require_login()?;
    let form = JoinForm::from_pairs(pairs);
    let body = json!({
        "display_name": form.display_name.trim(),
        "certification_level": form.certification_level,
        "certificate_number": typed(&form.certificate_number),
        "fields": form.fields,
        "regions": form.regions,
        "languages": form.languages,
        "bio": typed(&form.bio),
    });
    let then = done("/broker", "saved");
    post_or_refuse(
        &portal,
        &viewer,
        "/api/v1/brokers",
        &body,
        &[],
        then,
        async |errors, _| join_page(&portal, &viewer, None, form, errors).await,
    )
    .await
}

#[derive(Debug, Deserialize)]
struct FromMatch {
    #[serde(default)]
    match_id: String,
}

/// Opens a deal from a match (`POST /api/v1/deals` with origin `match`); a broker is named as
/// its introducer. Lands on the new deal's page.
async fn open_from_match(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<FromMatch>,
) -> PageResult {
    let me = viewer.require_login()?;
    let mut body = json!({"origin": Origin::Match, "match_id": form.match_id.trim()});
    if let Some(broker) = &me.broker_id {
        body["broker_id"] = json!(broker);
    }
    let deal: DealOut = portal
        .api
        .post(viewer.caller(), "/api/v1/deals", &body)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/deals/{}", deal.id), "deal_opened"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticked_boxes_become_lists() {
        let f = JoinForm::from_pairs(vec![
            ("display_name".into(), "黄经理".into()),
            ("fields".into(), "modern_agriculture".into()),
            ("fields".into(), "new_energy".into()),
            ("regions".into(), "450000".into()),
        ]);
        assert_eq!(f.fields, ["modern_agriculture", "new_energy"]);
        assert_eq!(f.regions, ["450000"]);
        assert!(f.languages.is_empty());
    }
}
