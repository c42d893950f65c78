//! Listing pages (achievement, need, open call) in the reader's language, and the matches panel
//! the listing's owner, brokers and operators see, with the actions a party takes on a match.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::home::safe_next;
use super::Labels;
use crate::api::{with_query, Api, ApiError, Caller};
use crate::page::{done, render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use chrono::{DateTime, FixedOffset, NaiveDate};
use http::Method;
use uuid::Uuid;
use wire::accounts::OrganisationOut;
use wire::{
    DeclineReason, FeedbackParty, ListingKind, ListingStatus, MatchSideStatus, NeedKind,
    Provenance, RevisionStatus, Verdict, VerificationStatus,
};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/achievements/{id}", get(achievement))
        .route("/needs/{id}", get(need))
        .route("/open-calls/{id}", get(need))
        .route(
            "/achievements/{id}/revision/withdraw",
            post(withdraw_achievement_revision),
        )
        .route(
            "/needs/{id}/revision/withdraw",
            post(withdraw_need_revision),
        )
        .route("/matches/{id}/status", post(match_status))
        .route("/matches/{id}/feedback", post(match_feedback))
}

pub use wire::listing::{
    AchievementOut, Completeness, LocalizedText, Money, NeedOut, PriceRange, RevisionOut,
};

/// What achievement and need pages show, built from either wire answer ([`AchievementOut`] or
/// [`NeedOut`]); the fields one kind lacks are `None`. It is never read from JSON: both answers
/// are taken apart whole below, so a field the API renames or adds is a compile error here.
#[derive(Debug, Clone)]
pub struct ListingView {
    pub id: Uuid,
    pub organisation_id: Uuid,
    /// The broker agency that posted it for the owner, if any.
    pub posted_by_organisation_id: Option<Uuid>,
    pub status: ListingStatus,
    /// The version an edit must name (the edit form's merge patch).
    pub version: i32,
    pub original_language: String,
    /// The text as its author wrote it, when the page shows a translation (the edit form).
    pub original: Option<LocalizedText>,
    pub language: String,
    pub provenance: Provenance,
    pub available_languages: Vec<String>,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub industry: String,
    pub ipc_codes: Vec<String>,
    pub cooperation_modes: Vec<String>,
    pub country: String,
    pub region_code: String,
    pub cross_border: bool,
    pub valid_until: Option<NaiveDate>,
    pub published_at: Option<DateTime<FixedOffset>>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    // achievement
    pub trl: Option<i16>,
    pub ip_type: Option<String>,
    pub patent_status: Option<String>,
    pub ip_numbers: Vec<String>,
    pub price: Option<PriceRange>,
    // need
    pub kind: Option<NeedKind>,
    pub min_trl: Option<i16>,
    pub budget: Option<PriceRange>,
    pub deadline: Option<NaiveDate>,
    pub bounty: Option<Money>,
    pub eligibility: Option<String>,
    pub completeness: Option<Completeness>,
    /// The owner's edit waiting for operator review (owners and operators only).
    pub pending_revision: Option<RevisionOut>,
}

impl From<AchievementOut> for ListingView {
    fn from(a: AchievementOut) -> Self {
        let AchievementOut {
            id,
            organisation_id,
            posted_by_organisation_id,
            status,
            version,
            original_language,
            language,
            provenance,
            available_languages,
            title,
            summary,
            description,
            keywords,
            original,
            industry,
            ipc_codes,
            ip_type,
            ip_numbers,
            patent_status,
            trl,
            cooperation_modes,
            price,
            price_negotiable: _,
            country,
            region_code,
            cross_border,
            valid_until,
            contact_name,
            contact_email,
            contact_phone,
            submitted_at: _,
            published_at,
            created_at: _,
            updated_at: _,
            pending_revision,
        } = a;
        ListingView {
            id: id.0,
            organisation_id,
            posted_by_organisation_id,
            status,
            version,
            original_language,
            original,
            language,
            provenance,
            available_languages,
            title,
            summary,
            description,
            keywords,
            industry,
            ipc_codes,
            cooperation_modes,
            country,
            region_code,
            cross_border,
            valid_until,
            published_at,
            contact_name,
            contact_email,
            contact_phone,
            trl: Some(trl),
            ip_type: Some(ip_type),
            patent_status,
            ip_numbers,
            price,
            kind: None,
            min_trl: None,
            budget: None,
            deadline: None,
            bounty: None,
            eligibility: None,
            completeness: None,
            pending_revision,
        }
    }
}

impl From<NeedOut> for ListingView {
    fn from(n: NeedOut) -> Self {
        let NeedOut {
            id,
            kind,
            organisation_id,
            posted_by_organisation_id,
            status,
            version,
            original_language,
            language,
            provenance,
            available_languages,
            title,
            summary,
            description,
            keywords,
            original,
            industry,
            ipc_codes,
            min_trl,
            budget,
            budget_negotiable: _,
            cooperation_modes,
            deadline,
            country,
            region_code,
            cross_border,
            valid_until,
            bounty,
            eligibility,
            awarded_application_id: _,
            contact_name,
            contact_email,
            contact_phone,
            submitted_at: _,
            published_at,
            created_at: _,
            updated_at: _,
            completeness,
            pending_revision,
        } = n;
        ListingView {
            id: id.0,
            organisation_id,
            posted_by_organisation_id,
            status,
            version,
            original_language,
            original,
            language,
            provenance,
            available_languages,
            title,
            summary,
            description,
            keywords,
            industry,
            ipc_codes,
            cooperation_modes,
            country,
            region_code,
            cross_border,
            valid_until,
            published_at,
            contact_name,
            contact_email,
            contact_phone,
            trl: None,
            ip_type: None,
            patent_status: None,
            ip_numbers: Vec::new(),
            price: None,
            kind: Some(kind),
            min_trl: Some(min_trl),
            budget,
            deadline,
            bounty,
            eligibility,
            completeness: Some(completeness),
            pending_revision,
        }
    }
}

impl ListingView {
    /// Reads one listing at `path` as the answer of its kind.
    pub async fn get(
        api: &Api,
        caller: Caller<'_>,
        kind: ListingKind,
        path: &str,
    ) -> Result<ListingView, ApiError> {
        Ok(match kind {
            ListingKind::Achievement => api.get::<AchievementOut>(caller, path).await?.into(),
            ListingKind::Need => api.get::<NeedOut>(caller, path).await?.into(),
        })
    }

    /// Sends a body that answers with the listing (create, edit).
    pub async fn send(
        api: &Api,
        caller: Caller<'_>,
        kind: ListingKind,
        method: Method,
        path: &str,
        body: &serde_json::Value,
    ) -> Result<ListingView, ApiError> {
        Ok(match kind {
            ListingKind::Achievement => api
                .json::<AchievementOut>(caller, method, path, body)
                .await?
                .into(),
            ListingKind::Need => api
                .json::<NeedOut>(caller, method, path, body)
                .await?
                .into(),
        })
    }
}

/// What the pages ask of a revision (the wire type is the crate's, so this is a trait):
/// whether it still waits for review, and its changes in plain words.
pub trait RevisionView {
    fn is_pending(&self) -> bool;
    fn changes(&self) -> Vec<(String, String)>;
}

impl RevisionView for RevisionOut {
    fn is_pending(&self) -> bool {
        self.status == RevisionStatus::Pending
    }

    /// Each proposed change as (field, new value) in plain words, for the owner and operators.
    fn changes(&self) -> Vec<(String, String)> {
        let text = |v: &serde_json::Value| match v {
            serde_json::Value::Null => "—".to_owned(),
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Array(items) if items.iter().all(|i| i.is_string()) => items
                .iter()
                .filter_map(|i| i.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            other => other.to_string(),
        };
        let mut out: Vec<(String, String)> = self
            .proposed
            .listing
            .iter()
            .map(|(k, v)| (k.clone(), text(v)))
            .collect();
        for (lang, t) in &self.proposed.translations {
            let value = t
                .as_ref()
                .map(|t| t.title.clone())
                .unwrap_or_else(|| "—".to_owned());
            out.push((format!("translation ({lang})"), value));
        }
        out
    }
}

impl ListingView {
    /// The listing with its pending revision's values in place of the public ones, so an edit
    /// form starts from what the owner last proposed (a new save replaces that proposal).
    pub fn with_pending_changes(mut self) -> Self {
        let Some(rev) = self
            .pending_revision
            .clone()
            .filter(RevisionView::is_pending)
        else {
            return self;
        };
        for (key, v) in rev.proposed.listing {
            let get = |v: &serde_json::Value| v.as_str().map(str::to_owned);
            let date = |v: &serde_json::Value| v.as_str().and_then(|d| d.parse().ok());
            let level = |v: &serde_json::Value| v.as_i64().and_then(|t| i16::try_from(t).ok());
            let list =
                |v: serde_json::Value| serde_json::from_value::<Vec<String>>(v).unwrap_or_default();
            match key.as_str() {
                "title" => self.title = get(&v).unwrap_or_default(),
                "summary" => self.summary = get(&v).unwrap_or_default(),
                "description" => self.description = get(&v).unwrap_or_default(),
                "keywords" => self.keywords = list(v),
                "industry" => self.industry = get(&v).unwrap_or_default(),
                "ipc_codes" => self.ipc_codes = list(v),
                "cooperation_modes" => self.cooperation_modes = list(v),
                "ip_numbers" => self.ip_numbers = list(v),
                "country" => self.country = get(&v).unwrap_or_default(),
                "region_code" => self.region_code = get(&v).unwrap_or_default(),
                "cross_border" => self.cross_border = v.as_bool().unwrap_or(false),
                "valid_until" => self.valid_until = date(&v),
                "deadline" => self.deadline = date(&v),
                "contact_name" => self.contact_name = get(&v),
                "contact_email" => self.contact_email = get(&v),
                "contact_phone" => self.contact_phone = get(&v),
                "ip_type" => self.ip_type = get(&v),
                "patent_status" => self.patent_status = get(&v),
                "eligibility" => self.eligibility = get(&v),
                "trl" => self.trl = level(&v),
                "min_trl" => self.min_trl = level(&v),
                "price" => self.price = serde_json::from_value(v).ok(),
                "budget" => self.budget = serde_json::from_value(v).ok(),
                "bounty" => self.bounty = serde_json::from_value(v).ok(),
                _ => {}
            }
        }
        self
    }
}

pub use wire::matching::{FeedbackOut, ListingBrief, MatchOut, Reason};

/// One match as the panel shows it: the other listing, why, and what this reader may do.
struct MatchCard {
    m: MatchOut,
    other: Option<ListingBrief>,
    other_href: String,
    /// What the reader's side has done with the match (owners only).
    my_status: Option<MatchSideStatus>,
    feedback: Vec<FeedbackOut>,
}

impl MatchCard {
    fn percent(&self) -> i64 {
        // Scores are fit fractions, not money; a rounded percentage is what readers compare.
        (self.m.score * 100.0).round() as i64
    }

    /// The reader's side has done this with the match.
    fn status_is(&self, status: MatchSideStatus) -> bool {
        self.my_status == Some(status)
    }
}

#[derive(Template)]
#[template(path = "listing.html")]
struct ListingPage {
    ctx: Ctx,
    labels: Labels,
    kind: &'static str,
    l: ListingView,
    org: Option<OrganisationOut>,
    /// The broker agency that posted it for the owner, when there is one and it is visible.
    agency: Option<OrganisationOut>,
    is_owner: bool,
    /// Matches the reader may see; `None` when the panel is not for them.
    matches: Option<Vec<MatchCard>>,
    /// An achievement's sales (listed price, auctions); `None` for needs and unpublished ones.
    sale: Option<super::price_listing::SalePanel>,
}

#[derive(Debug, Default, Deserialize)]
struct ViewParams {
    /// `original` shows the text as written instead of the reader's language.
    content: Option<String>,
}

async fn achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<ViewParams>,
) -> PageResult {
    show(portal, viewer, ListingKind::Achievement, id, q).await
}

async fn need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<ViewParams>,
) -> PageResult {
    show(portal, viewer, ListingKind::Need, id, q).await
}

async fn show(
    portal: Portal,
    viewer: Viewer,
    api_kind: ListingKind,
    id: String,
    q: ViewParams,
) -> PageResult {
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    let collection = match api_kind {
        ListingKind::Achievement => "achievements",
        ListingKind::Need => "needs",
    };
    let path = with_query(
        &format!("/api/v1/{collection}/{id}"),
        &[("lang", viewer.lang.code().to_owned())],
    );
    let (listing, labels) = tokio::join!(
        ListingView::get(&portal.api, viewer.caller(), api_kind, &path),
        Labels::load(&portal, &viewer)
    );
    let mut l = listing.map_err(|e| viewer.fail(e))?;
    if q.content.as_deref() == Some("original") && l.language != l.original_language {
        // The text as written: ask for the listing's own language.
        let path = with_query(
            &format!("/api/v1/{collection}/{id}"),
            &[("lang", l.original_language.clone())],
        );
        l = ListingView::get(&portal.api, viewer.caller(), api_kind, &path)
            .await
            .map_err(|e| viewer.fail(e))?;
    }
    let kind = match (api_kind, l.kind) {
        (ListingKind::Need, Some(NeedKind::OpenCall)) => NeedKind::OpenCall.as_str(),
        (ListingKind::Need, _) => NeedKind::Need.as_str(),
        (ListingKind::Achievement, _) => ListingKind::Achievement.as_str(),
    };
    let org = portal
        .api
        .get::<OrganisationOut>(
            viewer.caller(),
            &format!("/api/v1/orgs/{}", l.organisation_id),
        )
        .await
        .ok();
    let agency = match l.posted_by_organisation_id {
        Some(agency) => portal
            .api
            .get::<OrganisationOut>(viewer.caller(), &format!("/api/v1/orgs/{agency}"))
            .await
            .ok(),
        None => None,
    };
    let is_owner = viewer.organisation_id().map(|o| o.0) == Some(l.organisation_id);
    let side = is_owner.then_some(api_kind);
    let matches = if viewer.signed_in() && l.status == ListingStatus::Published {
        match portal
            .api
            .get::<Vec<MatchOut>>(
                viewer.caller(),
                &format!("/api/v1/{collection}/{id}/matches"),
            )
            .await
        {
            Ok(list) => Some(cards(&portal, &viewer, api_kind, side, list).await),
            Err(ApiError::Problem(p)) if matches!(p.status, 403 | 404) => None,
            Err(e) => return Err(viewer.fail(e)),
        }
    } else {
        None
    };
    let sale = match (api_kind, l.status) {
        (ListingKind::Achievement, ListingStatus::Published | ListingStatus::Closed) => {
            Some(super::price_listing::SalePanel::load(&portal, &viewer, l.id).await)
        }
        _ => None,
    };
    let ctx = Ctx::new(&viewer, "listing");
    Ok(render(&ListingPage {
        ctx,
        labels,
        kind,
        l,
        org,
        agency,
        is_owner,
        matches,
        sale,
    }))
}

/// The panel's cards; owners also see the feedback given on each match.
async fn cards(
    portal: &Portal,
    viewer: &Viewer,
    api_kind: ListingKind,
    side: Option<ListingKind>,
    list: Vec<MatchOut>,
) -> Vec<MatchCard> {
    let mut out = Vec::with_capacity(list.len());
    for m in list {
        let (other, other_href) = if api_kind == ListingKind::Achievement {
            let href = m
                .need
                .as_ref()
                .map(|n| format!("/needs/{}", n.id))
                .unwrap_or_default();
            (m.need.clone(), href)
        } else {
            let href = m
                .achievement
                .as_ref()
                .map(|a| format!("/achievements/{}", a.id))
                .unwrap_or_default();
            (m.achievement.clone(), href)
        };
        let my_status = match side {
            Some(ListingKind::Need) => Some(m.need_side_status),
            Some(ListingKind::Achievement) => Some(m.achievement_side_status),
            None => None,
        };
        let feedback = if side.is_some() {
            portal
                .api
                .get::<Vec<FeedbackOut>>(
                    viewer.caller(),
                    &format!("/api/v1/matches/{}/feedback", m.id),
                )
                .await
                .unwrap_or_default()
        } else {
            Vec::new()
        };
        out.push(MatchCard {
            m,
            other,
            other_href,
            my_status,
            feedback,
        });
    }
    out
}

impl ListingPage {
    fn kind_label(&self) -> String {
        self.ctx.t.term("kind", self.kind)
    }

    fn org_name(&self) -> String {
        match &self.org {
            Some(o) => match (&o.name_en, self.ctx.lang) {
                (Some(en), l) if l != crate::i18n::Lang::Zh && !en.is_empty() => en.clone(),
                _ => o.name.clone(),
            },
            None => String::new(),
        }
    }

    fn org_verified(&self) -> bool {
        self.org
            .as_ref()
            .is_some_and(|o| o.verification_status == VerificationStatus::Verified.as_str())
    }

    /// Whether the text shown is a translation (then it says so and links to the original).
    fn translated(&self) -> bool {
        self.l.language != self.l.original_language
    }

    fn provenance_note(&self) -> String {
        let key = if self.l.provenance == Provenance::Machine {
            "listing.machine_translated"
        } else {
            "listing.human_translated"
        };
        self.ctx.t.f(
            key,
            &[("language", &self.labels.language(&self.l.original_language))],
        )
    }

    fn is_achievement(&self) -> bool {
        self.kind == ListingKind::Achievement.as_str()
    }

    fn original_href(&self) -> String {
        let base = if self.kind == NeedKind::OpenCall.as_str() {
            "open-calls"
        } else if self.kind == NeedKind::Need.as_str() {
            "needs"
        } else {
            "achievements"
        };
        format!("/{base}/{}?content=original", self.l.id)
    }

    fn price_text(&self) -> String {
        let p = if self.is_achievement() {
            &self.l.price
        } else {
            &self.l.budget
        };
        match p {
            Some(r) => self.ctx.t.range(r.min_minor, r.max_minor, &r.currency),
            None => self.ctx.t.t("common.negotiable").to_owned(),
        }
    }

    fn bounty_text(&self) -> String {
        self.l
            .bounty
            .as_ref()
            .map(|b| self.ctx.t.money(b.minor_units, &b.currency))
            .unwrap_or_default()
    }

    fn modes(&self) -> String {
        let sep = if self.ctx.lang == crate::i18n::Lang::Zh {
            "、"
        } else {
            ", "
        };
        self.l
            .cooperation_modes
            .iter()
            .map(|m| self.labels.cooperation_mode(m))
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn keywords(&self) -> String {
        let sep = if self.ctx.lang == crate::i18n::Lang::Zh {
            "、"
        } else {
            ", "
        };
        self.l.keywords.join(sep)
    }

    fn trl_text(&self) -> String {
        match (self.l.trl, self.l.min_trl) {
            (Some(t), _) => self.labels.trl(i64::from(t)),
            (None, Some(t)) => format!("≥ {}", self.labels.trl(i64::from(t))),
            _ => String::new(),
        }
    }

    /// The completeness score's missing fields, named as the form names them.
    fn missing_fields(&self, c: &Completeness) -> String {
        let sep = if self.ctx.lang == crate::i18n::Lang::Zh {
            "、"
        } else {
            ", "
        };
        c.missing
            .iter()
            .map(|field| {
                let key = format!(
                    "form.{}",
                    if field == "contact" {
                        "section_contact"
                    } else {
                        field.as_str()
                    }
                );
                if crate::i18n::has_key(&key) {
                    self.ctx.t.t(&key).to_owned()
                } else {
                    field.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(sep)
    }

    fn revision_withdraw_action(&self) -> String {
        format!(
            "/{}/{}/revision/withdraw",
            if self.is_achievement() {
                "achievements"
            } else {
                "needs"
            },
            self.l.id
        )
    }

    /// The owner's page for the listing's translations (`pages/translations.rs`).
    fn translations_href(&self) -> String {
        let base = if self.is_achievement() {
            "achievements"
        } else {
            "needs"
        };
        format!("/{base}/{}/translations", self.l.id)
    }

    fn edit_href(&self) -> String {
        let base = if self.is_achievement() {
            "achievements"
        } else {
            "needs"
        };
        format!("/{base}/{}/edit", self.l.id)
    }

    fn reason_text<'a>(&self, r: &'a Reason) -> &'a str {
        self.ctx.t.pick(&r.zh, &r.en)
    }

    fn match_count(&self) -> usize {
        self.matches.as_ref().map_or(0, Vec::len)
    }

    fn matches_heading(&self) -> String {
        let key = if self.is_achievement() {
            "listing.matches_for_achievement"
        } else {
            "listing.matches_for_need"
        };
        self.ctx
            .t
            .f(key, &[("count", &self.match_count().to_string())])
    }

    fn feedback_line(&self, f: &FeedbackOut) -> String {
        let verdict = self.ctx.t.t(if f.verdict == Verdict::Good {
            "listing.verdict_good"
        } else {
            "listing.verdict_poor"
        });
        let reason = f
            .reason
            .map(|r| self.ctx.t.term("decline", r.as_str()))
            .unwrap_or_default();
        let party = self.ctx.t.t(match f.party {
            FeedbackParty::NeedOwner => "listing.party_need_owner",
            FeedbackParty::AchievementOwner => "listing.party_achievement_owner",
            FeedbackParty::Broker => "listing.party_broker",
        });
        let mut s = format!("{} · {party} · {verdict}", self.ctx.t.day(&f.created_at));
        if !reason.is_empty() {
            s.push_str(&format!(" · {reason}"));
        }
        if let Some(c) = f.comment.as_deref().filter(|c| !c.is_empty()) {
            s.push_str(&format!(": {c}"));
        }
        s
    }

    fn decline_reasons(&self) -> Vec<(&'static str, String)> {
        DeclineReason::ALL
            .iter()
            .map(|r| (r.as_str(), self.ctx.t.term("decline", r.as_str())))
            .collect()
    }
}

#[derive(Debug, Deserialize)]
struct StatusForm {
    status: String,
    version: i64,
    back: String,
}

async fn match_status(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<StatusForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = serde_json::json!({ "status": form.status, "version": form.version });
    portal
        .api
        .post::<serde_json::Value>(
            viewer.caller(),
            &format!("/api/v1/matches/{id}/status"),
            &body,
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&back_to(&form.back), "updated"))
}

#[derive(Debug, Deserialize)]
struct FeedbackForm {
    verdict: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    comment: String,
    back: String,
    /// Dismissing with a reason also moves the reader's side of the match to `dismissed`.
    #[serde(default)]
    dismiss_version: Option<i64>,
}

async fn match_feedback(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<FeedbackForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = serde_json::json!({
        "verdict": form.verdict,
        "reason": (!form.reason.is_empty()).then_some(&form.reason),
        "comment": (!form.comment.trim().is_empty()).then(|| form.comment.trim()),
    });
    portal
        .api
        .post::<serde_json::Value>(
            viewer.caller(),
            &format!("/api/v1/matches/{id}/feedback"),
            &body,
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    if let Some(version) = form.dismiss_version {
        let body = serde_json::json!({ "status": MatchSideStatus::Dismissed, "version": version });
        portal
            .api
            .post::<serde_json::Value>(
                viewer.caller(),
                &format!("/api/v1/matches/{id}/status"),
                &body,
            )
            .await
            .map_err(|e| viewer.fail(e))?;
    }
    Ok(done(&back_to(&form.back), "feedback_sent"))
}

#[derive(Debug, Deserialize)]
struct RevisionForm {
    version: i64,
}

async fn withdraw_achievement_revision(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<RevisionForm>,
) -> PageResult {
    withdraw_revision(&portal, &viewer, "achievements", &id, form.version).await
}

async fn withdraw_need_revision(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<RevisionForm>,
) -> PageResult {
    withdraw_revision(&portal, &viewer, "needs", &id, form.version).await
}

/// The owner takes back the changes waiting for review; the public text stays.
async fn withdraw_revision(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
    version: i64,
) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(id).ok_or_else(|| viewer.not_found())?;
    portal
        .api
        .post::<serde_json::Value>(
            viewer.caller(),
            &format!("/api/v1/{collection}/{id}/revision/withdraw"),
            &serde_json::json!({ "version": version }),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/{collection}/{id}"), "withdrawn"))
}

/// Where to go after acting on a match: the listing page it was shown on.
fn back_to(back: &str) -> String {
    let b = safe_next(Some(back));
    b.split('#').next().map(str::to_owned).unwrap_or(b)
}
