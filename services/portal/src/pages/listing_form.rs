//! Posting and editing achievements, needs and open calls (揭榜挂帅), sending them for review
//! and withdrawing them; applying to another organisation's open call.
//!
//! The forms carry every structured field of `AchievementIn` / `NeedIn`, named as the API names
//! them, so the API's field errors land beside the right input. Amounts are typed in 万元 for
//! CNY (the unit Chinese price lists use) or in the currency's major unit otherwise, and are
//! converted to minor units with integer arithmetic only. Edits are JSON merge patches carrying
//! the version that was read, so a listing changed meanwhile is reported, not overwritten.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use http::{Method, StatusCode};
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::listing::{Completeness, ListingView, RevisionOut, RevisionView};
use super::{path_id, Labels, Term};
use crate::api::{with_query, ApiError, Problem};
use crate::i18n::Tr;
use crate::money::{money_plain, parse_major_to_minor, AmountError};
use crate::page::{done, render, typed, Ctx, FormErrors, PageError, PageResult};
use crate::session::Viewer;
use crate::Portal;
use uuid::Uuid;
use wire::listing::{AchievementOut, ApplicationOut, ListingState, NeedOut};
use wire::Page;
use wire::{ApplicationStatus, ListingKind, ListingStatus, NeedKind};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route(
            "/achievements/new",
            get(new_achievement).post(create_achievement),
        )
        .route("/needs/new", get(new_need).post(create_need))
        .route(
            "/achievements/{id}/edit",
            get(edit_achievement).post(update_achievement),
        )
        .route("/needs/{id}/edit", get(edit_need).post(update_need))
        .route("/achievements/{id}/submit", post(submit_achievement))
        .route("/needs/{id}/submit", post(submit_need))
        .route("/achievements/{id}/withdraw", post(withdraw_achievement))
        .route("/needs/{id}/withdraw", post(withdraw_need))
        .route("/open-calls/{id}/apply", get(apply_form).post(apply))
}

/// What a form posts: an achievement, a need, or a need that is an open call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Achievement,
    Need,
    OpenCall,
}

impl Kind {
    /// The API collection (`/api/v1/{collection}`); open calls are needs.
    pub fn collection(self) -> &'static str {
        match self {
            Kind::Achievement => "achievements",
            Kind::Need | Kind::OpenCall => "needs",
        }
    }

    /// The public listing page (written by the listing pages' module).
    pub fn view_href(self, id: &str) -> String {
        match self {
            Kind::Achievement => format!("/achievements/{id}"),
            Kind::Need => format!("/needs/{id}"),
            Kind::OpenCall => format!("/open-calls/{id}"),
        }
    }

    /// The kind the API answers with (open calls are needs).
    pub fn listing_kind(self) -> ListingKind {
        match self {
            Kind::Achievement => ListingKind::Achievement,
            Kind::Need | Kind::OpenCall => ListingKind::Need,
        }
    }

    pub fn edit_href(self, id: &str) -> String {
        format!("/{}/{id}/edit", self.collection())
    }

    /// The `term.kind.*` code.
    pub fn term(self) -> &'static str {
        match self {
            Kind::Achievement => ListingKind::Achievement.as_str(),
            Kind::Need => NeedKind::Need.as_str(),
            Kind::OpenCall => NeedKind::OpenCall.as_str(),
        }
    }

    fn of_need(kind: Option<&str>) -> Kind {
        if kind == Some(NeedKind::OpenCall.as_str()) {
            Kind::OpenCall
        } else {
            Kind::Need
        }
    }

    pub fn is_achievement(self) -> bool {
        self == Kind::Achievement
    }

    pub fn is_open_call(self) -> bool {
        self == Kind::OpenCall
    }
}

// ---------------------------------------------------------------------------------------------
// Money: the form unit of each currency (the text itself is read by `crate::money`).

/// Decimals of one form unit of `currency`, in minor units: 万元 for CNY (10^4 yuan, so the
/// currency's 2 decimals + 4), the major unit for every other currency the platform knows;
/// `None` for a code it does not know.
pub fn form_scale(currency: &str) -> Option<u32> {
    let cur = platform::money::Currency::parse(currency)?;
    Some(if cur.code == "CNY" {
        cur.exponent + 4
    } else {
        cur.exponent
    })
}

/// Minor units as they are typed back into the form's box: the form unit's decimals without
/// trailing zeros (`12_500_000` fen is `12.5` 万元, `1,200` for twelve million yuan).
fn typed_amount(minor: i64, scale: u32) -> String {
    let text = money_plain(minor, scale);
    if scale == 0 {
        return text;
    }
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

// ---------------------------------------------------------------------------------------------
// The form.

/// What a listing form holds: the text exactly as typed (so a refused form comes back as it
/// was sent), named as the API fields are.
#[derive(Debug, Clone, Default)]
pub struct ListingForm {
    pub version: String,
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: String,
    pub industry: String,
    pub ipc_codes: String,
    // Achievements.
    pub trl: String,
    pub ip_type: String,
    pub ip_numbers: String,
    pub patent_status: String,
    // Needs.
    pub min_trl: String,
    pub deadline: String,
    // Open calls.
    pub bounty: String,
    pub eligibility: String,
    // Price (achievements) or budget (needs), in the form unit of `currency`.
    pub amount_min: String,
    pub amount_max: String,
    pub currency: String,
    pub cooperation_modes: Vec<String>,
    pub region_code: String,
    pub country: String,
    pub cross_border: bool,
    pub valid_until: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
}

impl ListingForm {
    /// A new form: the reader's language, CNY, and valid for a year (the API needs a
    /// valid-until date before review; the reader may change it).
    fn blank(lang: &str) -> Self {
        let valid_until = chrono::Utc::now()
            .date_naive()
            .checked_add_months(chrono::Months::new(12))
            .map(|d| d.to_string())
            .unwrap_or_default();
        ListingForm {
            language: lang.to_owned(),
            currency: "CNY".to_owned(),
            min_trl: "1".to_owned(),
            valid_until,
            ..Self::default()
        }
    }

    /// Reads a posted form; checkboxes repeat their name, so the body is read as pairs.
    fn from_pairs(kind: Kind, pairs: Vec<(String, String)>) -> Self {
        let mut f = ListingForm::default();
        let (min_name, max_name) = amount_names(kind);
        for (k, v) in pairs {
            match k.as_str() {
                "version" => f.version = v,
                "language" => f.language = v,
                "title" => f.title = v,
                "summary" => f.summary = v,
                "description" => f.description = v,
                "keywords" => f.keywords = v,
                "industry" => f.industry = v,
                "ipc_codes" => f.ipc_codes = v,
                "trl" => f.trl = v,
                "ip_type" => f.ip_type = v,
                "ip_numbers" => f.ip_numbers = v,
                "patent_status" => f.patent_status = v,
                "min_trl" => f.min_trl = v,
                "deadline" => f.deadline = v,
                "bounty" => f.bounty = v,
                "eligibility" => f.eligibility = v,
                "currency" => f.currency = v,
                "cooperation_modes" if !v.is_empty() && !f.cooperation_modes.contains(&v) => {
                    f.cooperation_modes.push(v)
                }
                "region_code" => f.region_code = v,
                "country" => f.country = v,
                "cross_border" => f.cross_border = !v.is_empty(),
                "valid_until" => f.valid_until = v,
                "contact_name" => f.contact_name = v,
                "contact_email" => f.contact_email = v,
                "contact_phone" => f.contact_phone = v,
                name if name == min_name => f.amount_min = v,
                name if name == max_name => f.amount_max = v,
                _ => {}
            }
        }
        f
    }

    /// The form prefilled from a stored listing (its original text, not a translation).
    fn from_listing(l: &ListingView) -> Self {
        let (title, summary, description, keywords) = match &l.original {
            Some(o) => (
                o.title.clone(),
                o.summary.clone(),
                o.description.clone(),
                o.keywords.clone(),
            ),
            None => (
                l.title.clone(),
                l.summary.clone(),
                l.description.clone(),
                l.keywords.clone(),
            ),
        };
        let range = l.price.as_ref().or(l.budget.as_ref());
        let currency = range
            .map(|r| r.currency.clone())
            .or_else(|| l.bounty.as_ref().map(|b| b.currency.clone()))
            .unwrap_or_else(|| "CNY".to_owned());
        let scale = form_scale(&currency).unwrap_or(2);
        let amount = |v: Option<i64>| v.map(|m| typed_amount(m, scale)).unwrap_or_default();
        ListingForm {
            version: l.version.to_string(),
            language: l.original_language.clone(),
            title,
            summary,
            description,
            keywords: keywords.join("，"),
            industry: l.industry.clone(),
            ipc_codes: l.ipc_codes.join(", "),
            trl: l.trl.map(|t| t.to_string()).unwrap_or_default(),
            ip_type: l.ip_type.clone().unwrap_or_default(),
            ip_numbers: l.ip_numbers.join(", "),
            patent_status: l.patent_status.clone().unwrap_or_default(),
            min_trl: l
                .min_trl
                .map(|t| t.to_string())
                .unwrap_or_else(|| "1".to_owned()),
            deadline: l.deadline.map(|d| d.to_string()).unwrap_or_default(),
            bounty: l
                .bounty
                .as_ref()
                .map(|b| typed_amount(b.minor_units, form_scale(&b.currency).unwrap_or(2)))
                .unwrap_or_default(),
            eligibility: l.eligibility.clone().unwrap_or_default(),
            amount_min: amount(range.and_then(|r| r.min_minor)),
            amount_max: amount(range.and_then(|r| r.max_minor)),
            currency,
            cooperation_modes: l.cooperation_modes.clone(),
            region_code: l.region_code.clone(),
            country: l.country.clone(),
            cross_border: l.cross_border,
            valid_until: l.valid_until.map(|d| d.to_string()).unwrap_or_default(),
            contact_name: l.contact_name.clone().unwrap_or_default(),
            contact_email: l.contact_email.clone().unwrap_or_default(),
            contact_phone: l.contact_phone.clone().unwrap_or_default(),
        }
    }

    /// The API body (`AchievementIn` or `NeedIn`, with `kind` on create only) and the errors
    /// of fields the portal reads before the API can (amounts, dates, levels).
    ///
    /// A field the portal cannot read is sent as a value the API always refuses (TRL 0, a
    /// negative amount, a past date), so that the API still checks every other field and the
    /// reader sees all errors at once, while nothing is saved.
    fn to_body(&self, kind: Kind, creating: bool, t: &Tr) -> (Value, FormErrors) {
        let mut errors = FormErrors::default();
        let mut body = Map::new();
        body.insert("language".into(), json!(self.language.trim()));
        body.insert("title".into(), json!(self.title.trim()));
        body.insert("summary".into(), json!(self.summary.trim()));
        body.insert("description".into(), json!(self.description.trim()));
        body.insert("keywords".into(), json!(split_list(&self.keywords)));
        body.insert("industry".into(), json!(self.industry.trim()));
        body.insert("ipc_codes".into(), json!(split_list(&self.ipc_codes)));
        body.insert("cooperation_modes".into(), json!(self.cooperation_modes));
        body.insert("country".into(), json!(typed(&self.country)));
        body.insert("region_code".into(), json!(typed(&self.region_code)));
        body.insert("cross_border".into(), json!(self.cross_border));
        body.insert(
            "valid_until".into(),
            date_field("valid_until", &self.valid_until, t, &mut errors),
        );
        body.insert("contact_name".into(), json!(typed(&self.contact_name)));
        body.insert("contact_email".into(), json!(typed(&self.contact_email)));
        body.insert("contact_phone".into(), json!(typed(&self.contact_phone)));
        let (min_name, max_name) = amount_names(kind);
        let currency = self.currency.trim();
        let scale = form_scale(currency);
        let has_amount = [&self.amount_min, &self.amount_max, &self.bounty]
            .iter()
            .any(|a| !a.trim().is_empty());
        if scale.is_none() && has_amount {
            // The API refuses the unknown code too, beside the same input.
            errors
                .fields
                .insert("currency".into(), t.t("form.currency_unknown").to_owned());
        }
        let scale = scale.unwrap_or(2);
        let min = amount_field(min_name, &self.amount_min, scale, t, &mut errors);
        let max = amount_field(max_name, &self.amount_max, scale, t, &mut errors);
        let range = if min.is_none() && max.is_none() {
            Value::Null
        } else {
            json!({ "min_minor": min, "max_minor": max, "currency": currency })
        };
        match kind {
            Kind::Achievement => {
                match self.trl.trim().parse::<i64>() {
                    Ok(level) => {
                        body.insert("trl".into(), json!(level));
                    }
                    Err(_) => {
                        errors
                            .fields
                            .insert("trl".into(), t.t("form.choose_trl").to_owned());
                        body.insert("trl".into(), json!(0));
                    }
                }
                body.insert("ip_type".into(), json!(self.ip_type.trim()));
                body.insert("ip_numbers".into(), json!(split_list(&self.ip_numbers)));
                body.insert("patent_status".into(), json!(typed(&self.patent_status)));
                body.insert("price".into(), range);
            }
            Kind::Need | Kind::OpenCall => {
                if creating {
                    body.insert(
                        "kind".into(),
                        json!(if kind == Kind::OpenCall {
                            NeedKind::OpenCall
                        } else {
                            NeedKind::Need
                        }),
                    );
                }
                let min_trl = if self.min_trl.trim().is_empty() {
                    Ok(1)
                } else {
                    self.min_trl.trim().parse::<i64>()
                };
                match min_trl {
                    Ok(level) => {
                        body.insert("min_trl".into(), json!(level));
                    }
                    Err(_) => {
                        errors
                            .fields
                            .insert("min_trl".into(), t.t("form.choose_trl").to_owned());
                        body.insert("min_trl".into(), json!(0));
                    }
                }
                body.insert("budget".into(), range);
                body.insert(
                    "deadline".into(),
                    date_field("deadline", &self.deadline, t, &mut errors),
                );
                if kind == Kind::OpenCall {
                    let bounty = amount_field("bounty", &self.bounty, scale, t, &mut errors)
                        .map(|m| if m < 0 { 0 } else { m });
                    body.insert(
                        "bounty".into(),
                        bounty
                            .map(|m| json!({ "minor_units": m, "currency": currency }))
                            .unwrap_or(Value::Null),
                    );
                    body.insert("eligibility".into(), json!(typed(&self.eligibility)));
                }
            }
        }
        (Value::Object(body), errors)
    }
}

/// The inputs of the price (achievements) or budget (needs) range.
fn amount_names(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Achievement => ("price_min", "price_max"),
        Kind::Need | Kind::OpenCall => ("budget_min", "budget_max"),
    }
}

/// A list typed in one box: commas (either width), 、, semicolons or new lines separate items.
pub fn split_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for item in text.split([',', '，', '、', ';', '；', '\n', '\r']) {
        let item = item.trim();
        if !item.is_empty() && !out.iter().any(|o| o == item) {
            out.push(item.to_owned());
        }
    }
    out
}

/// Sent for a date the portal cannot read: the API refuses past dates.
const REFUSED_DATE: &str = "2000-01-01";
/// Sent for an amount the portal cannot read: the API refuses negative amounts (and a
/// non-positive bounty).
const REFUSED_AMOUNT: i64 = -1;

fn date_field(name: &str, text: &str, t: &Tr, errors: &mut FormErrors) -> Value {
    let text = text.trim();
    if text.is_empty() {
        return Value::Null;
    }
    match NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(d) => json!(d.to_string()),
        Err(_) => {
            errors
                .fields
                .insert(name.to_owned(), t.t("form.date_invalid").to_owned());
            json!(REFUSED_DATE)
        }
    }
}

fn amount_field(
    name: &str,
    text: &str,
    scale: u32,
    t: &Tr,
    errors: &mut FormErrors,
) -> Option<i64> {
    if text.trim().is_empty() {
        return None;
    }
    match parse_major_to_minor(text, scale) {
        Ok(v) => Some(v),
        Err(e) => {
            // The form's words name the unit typed in (万元 has 6 decimals, not CNY's 2).
            let message = match e {
                AmountError::Invalid => t.t("form.amount_invalid").to_owned(),
                AmountError::TooManyDecimals if scale > 0 => {
                    t.f("form.amount_too_precise", &[("places", &scale.to_string())])
                }
                other => other.message(t, scale),
            };
            errors.fields.insert(name.to_owned(), message);
            Some(REFUSED_AMOUNT)
        }
    }
}

/// The API's errors with the portal's own for the fields it could not read (its words are
/// about what was typed, the API's about the stand-in value).
fn merge_errors(mut api: FormErrors, local: FormErrors, t: &Tr) -> FormErrors {
    if !local.fields.is_empty() {
        api.fields.extend(local.fields);
        api.summary = Some(t.t("common.form_has_errors").to_owned());
    }
    api
}

/// The API's field paths renamed to this form's inputs (`price.min_minor` → `price_min`).
fn form_errors(problem: &Problem) -> FormErrors {
    let mut errors = FormErrors::from_problem(problem);
    let renames = [
        ("price", "price_min"),
        ("price.min_minor", "price_min"),
        ("price.max_minor", "price_max"),
        ("price.currency", "currency"),
        ("budget", "budget_min"),
        ("budget.min_minor", "budget_min"),
        ("budget.max_minor", "budget_max"),
        ("budget.currency", "currency"),
        ("bounty.minor_units", "bounty"),
        ("bounty.currency", "currency"),
        ("(body)", "title"),
    ];
    for (from, to) in renames {
        if let Some(message) = errors.fields.remove(from) {
            errors.fields.entry(to.to_owned()).or_insert(message);
        }
    }
    errors
}

// ---------------------------------------------------------------------------------------------
// API answers.

/// Which form edits a listing: achievements have a TRL and no kind; needs say theirs.
fn kind_of(l: &ListingView) -> Kind {
    match l.kind {
        None => Kind::Achievement,
        Some(NeedKind::OpenCall) => Kind::OpenCall,
        Some(NeedKind::Need) => Kind::Need,
    }
}

// ---------------------------------------------------------------------------------------------
// The page.

/// The listing the form edits, and what it is allowed to do next.
pub struct Editing {
    pub id: String,
    pub status: ListingStatus,
    pub version: i32,
    pub completeness: Option<Completeness>,
    /// Changes to the published listing waiting for review (the form shows them).
    pub revision: Option<RevisionOut>,
}

impl Editing {
    pub fn can_submit(&self) -> bool {
        matches!(self.status, ListingStatus::Draft | ListingStatus::Rejected)
    }

    pub fn can_withdraw(&self) -> bool {
        !matches!(
            self.status,
            ListingStatus::Withdrawn | ListingStatus::Closed
        )
    }

    pub fn editable(&self) -> bool {
        self.status.editable()
    }
}

/// A select option.
pub struct Opt {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

const PATENT_STATUSES: [&str; 4] = ["filed", "granted", "expired", "not_applicable"];

/// The fields the live completeness meter of a need form counts (app.js).
const COMPLETENESS_FIELDS: &str = "description,keywords,ipc_codes,budget_min,budget_max,cooperation_modes,deadline,contact_email,contact_phone";

#[derive(Template)]
#[template(path = "form_listing.html")]
struct FormPage {
    ctx: Ctx,
    labels: Labels,
    /// A choice list could not be read: its select is empty until the page is reloaded.
    options_failed: bool,
    kind: Kind,
    form: ListingForm,
    errors: FormErrors,
    editing: Option<Editing>,
    /// The API said the listing changed meanwhile (or cannot change any more).
    conflict: Option<String>,
}

impl FormPage {
    fn heading(&self) -> String {
        let kind = self.ctx.t.term("kind", self.kind.term());
        if self.editing.is_some() {
            self.ctx.t.f("form.edit_heading", &[("kind", &kind)])
        } else {
            self.ctx.t.f("form.new_heading", &[("kind", &kind)])
        }
    }

    fn action(&self) -> String {
        match &self.editing {
            Some(e) => self.kind.edit_href(&e.id),
            None => format!("/{}/new", self.kind.collection()),
        }
    }

    fn view_href(&self) -> String {
        self.editing
            .as_ref()
            .map(|e| self.kind.view_href(&e.id))
            .unwrap_or_default()
    }

    fn submit_action(&self) -> String {
        self.editing
            .as_ref()
            .map(|e| format!("/{}/{}/submit", self.kind.collection(), e.id))
            .unwrap_or_default()
    }

    fn revision_withdraw_action(&self) -> String {
        self.editing
            .as_ref()
            .map(|e| format!("/{}/{}/revision/withdraw", self.kind.collection(), e.id))
            .unwrap_or_default()
    }

    fn withdraw_action(&self) -> String {
        self.editing
            .as_ref()
            .map(|e| format!("/{}/{}/withdraw", self.kind.collection(), e.id))
            .unwrap_or_default()
    }

    /// A withdrawn, expired or closed listing cannot be edited, so its form is not shown.
    fn show_form(&self) -> bool {
        self.editing.as_ref().is_none_or(Editing::editable)
    }

    fn kind_value(&self) -> &'static str {
        self.kind.term()
    }

    fn status_label(&self) -> String {
        self.editing
            .as_ref()
            .map(|e| self.ctx.t.term("status", e.status.as_str()))
            .unwrap_or_default()
    }

    fn status_class(&self) -> &'static str {
        status_class(
            self.editing
                .as_ref()
                .map(|e| e.status.as_str())
                .unwrap_or(""),
        )
    }

    fn min_name(&self) -> &'static str {
        amount_names(self.kind).0
    }

    fn max_name(&self) -> &'static str {
        amount_names(self.kind).1
    }

    fn amount_legend(&self) -> &'static str {
        if self.kind.is_achievement() {
            self.ctx.t.t("form.price")
        } else {
            self.ctx.t.t("form.budget")
        }
    }

    fn completeness_fields(&self) -> &'static str {
        COMPLETENESS_FIELDS
    }

    fn score(&self) -> i64 {
        self.editing
            .as_ref()
            .and_then(|e| e.completeness.as_ref())
            .map(|c| i64::from(c.score))
            .unwrap_or(0)
    }

    fn has_score(&self) -> bool {
        self.editing
            .as_ref()
            .is_some_and(|e| e.completeness.is_some())
    }

    /// The fields whose absence lowers the saved score, in the reader's words.
    fn missing(&self) -> Vec<&'static str> {
        let Some(c) = self.editing.as_ref().and_then(|e| e.completeness.as_ref()) else {
            return Vec::new();
        };
        c.missing
            .iter()
            .map(|m| match m.as_str() {
                "description" => self.ctx.t.t("form.missing_description"),
                "keywords" => self.ctx.t.t("form.missing_keywords"),
                "ipc_codes" => self.ctx.t.t("form.ipc_codes"),
                "budget" => self.ctx.t.t("form.budget"),
                "cooperation_modes" => self.ctx.t.t("form.cooperation_modes"),
                "deadline" => self.ctx.t.t("form.deadline"),
                "min_trl" => self.ctx.t.t("form.min_trl"),
                "contact" => self.ctx.t.t("form.missing_contact"),
                _ => self.ctx.t.t("form.missing_other"),
            })
            .collect()
    }

    fn languages(&self) -> Vec<Opt> {
        terms(&self.labels, &self.labels.languages, &self.form.language)
    }

    fn industries(&self) -> Vec<Opt> {
        terms(&self.labels, &self.labels.industries, &self.form.industry)
    }

    fn ip_type_options(&self) -> Vec<Opt> {
        terms(&self.labels, &self.labels.ip_types, &self.form.ip_type)
    }

    fn trl_options(&self, current: &str) -> Vec<Opt> {
        self.labels
            .trl
            .iter()
            .map(|t| Opt {
                value: t.code.clone(),
                label: format!("TRL {} · {}", t.code, self.labels.name(t)),
                selected: t.code == current,
            })
            .collect()
    }

    fn patent_statuses(&self) -> Vec<Opt> {
        PATENT_STATUSES
            .iter()
            .map(|code| Opt {
                value: (*code).to_owned(),
                label: self.ctx.t.t(&format!("form.patent_{code}")).to_owned(),
                selected: self.form.patent_status == *code,
            })
            .collect()
    }

    fn currencies(&self) -> Vec<Opt> {
        platform::money::CURRENCIES
            .iter()
            .map(|c| Opt {
                value: c.code.to_owned(),
                label: if c.code == "CNY" {
                    self.ctx.t.t("form.currency_cny").to_owned()
                } else {
                    c.code.to_owned()
                },
                selected: self.form.currency == c.code,
            })
            .collect()
    }

    fn coop_options(&self) -> Vec<Opt> {
        self.labels
            .cooperation_modes
            .iter()
            .map(|t| Opt {
                value: t.code.clone(),
                label: self.labels.name(t),
                selected: self.form.cooperation_modes.contains(&t.code),
            })
            .collect()
    }

    fn regions(&self) -> Vec<Opt> {
        let mut out: Vec<Opt> = self
            .labels
            .cities
            .iter()
            .map(|t| Opt {
                value: t.code.clone(),
                label: self.labels.name(t),
                selected: t.code == self.form.region_code,
            })
            .collect();
        out.extend(
            self.labels
                .countries
                .iter()
                .filter(|c| c.code != "CN")
                .map(|t| Opt {
                    value: t.code.clone(),
                    label: self.labels.name(t),
                    selected: t.code == self.form.region_code,
                }),
        );
        // A region outside the lists (another province) still shows, so an edit keeps it.
        if !self.form.region_code.is_empty() && !out.iter().any(|o| o.selected) {
            out.push(Opt {
                value: self.form.region_code.clone(),
                label: self.labels.region(&self.form.region_code),
                selected: true,
            });
        }
        out
    }

    fn countries(&self) -> Vec<Opt> {
        terms(&self.labels, &self.labels.countries, &self.form.country)
    }
}

fn terms(labels: &Labels, list: &[Term], current: &str) -> Vec<Opt> {
    list.iter()
        .map(|t| Opt {
            value: t.code.clone(),
            label: labels.name(t),
            selected: t.code == current,
        })
        .collect()
}

/// The badge class of a listing status.
pub fn status_class(status: &str) -> &'static str {
    match ListingStatus::parse(status) {
        Some(ListingStatus::Published) => "ok",
        Some(ListingStatus::Submitted) => "warn",
        Some(ListingStatus::Rejected) => "bad",
        _ => "",
    }
}

/// Everything a form page needs besides the form: the taxonomies in the reader's language, and
/// whether one of them could not be read. Every taxonomy has entries, so an empty list is a
/// failed read (`Labels::load` keeps pages up without them, and logs nothing the reader sees).
async fn load_options(portal: &Portal, viewer: &Viewer) -> (Labels, bool) {
    let labels = Labels::load(portal, viewer).await;
    let lists = [
        &labels.industries,
        &labels.languages,
        &labels.trl,
        &labels.cities,
        &labels.countries,
        &labels.ip_types,
        &labels.cooperation_modes,
    ];
    let failed = lists.iter().any(|list| list.is_empty());
    if failed {
        tracing::warn!("listing form: a taxonomy could not be read; its select is empty");
    }
    (labels, failed)
}

/// Renders the form page with `status` (422 for a refused form, 409 for a conflict).
async fn form_page(
    portal: &Portal,
    viewer: &Viewer,
    kind: Kind,
    form: ListingForm,
    more: Shown,
    status: StatusCode,
) -> Response {
    let Shown {
        errors,
        editing,
        conflict,
    } = more;
    let (labels, options_failed) = load_options(portal, viewer).await;
    let ctx = Ctx::new(viewer, "my");
    let mut resp = render(&FormPage {
        ctx,
        labels,
        options_failed,
        kind,
        form,
        errors,
        editing,
        conflict,
    });
    *resp.status_mut() = status;
    resp
}

/// What a form page shows besides the form.
#[derive(Default)]
struct Shown {
    errors: FormErrors,
    editing: Option<Editing>,
    conflict: Option<String>,
}

/// Only members of an organisation post; anyone else is asked to sign in or told why not.
fn require_member(viewer: &Viewer) -> Result<(), PageError> {
    let me = viewer.require_login()?;
    if me.organisation_id.is_none() {
        return Err(viewer.error_page(
            StatusCode::FORBIDDEN,
            Tr::new(viewer.lang).t("form.need_organisation").to_owned(),
        ));
    }
    Ok(())
}

#[derive(Debug, Default, Deserialize)]
struct NewParams {
    kind: Option<String>,
}

async fn new_achievement(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    require_member(&viewer)?;
    let form = ListingForm::blank(viewer.lang.code());
    Ok(form_page(
        &portal,
        &viewer,
        Kind::Achievement,
        form,
        Shown::default(),
        StatusCode::OK,
    )
    .await)
}

async fn new_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<NewParams>,
) -> PageResult {
    require_member(&viewer)?;
    let kind = Kind::of_need(q.kind.as_deref());
    let form = ListingForm::blank(viewer.lang.code());
    Ok(form_page(
        &portal,
        &viewer,
        kind,
        form,
        Shown::default(),
        StatusCode::OK,
    )
    .await)
}

async fn create_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    create(&portal, &viewer, Kind::Achievement, pairs).await
}

async fn create_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    let kind = Kind::of_need(
        pairs
            .iter()
            .find(|(k, _)| k == "kind")
            .map(|(_, v)| v.as_str()),
    );
    create(&portal, &viewer, kind, pairs).await
}

/// Creates a draft and goes on to its edit page, where it can be sent for review.
async fn create(
    portal: &Portal,
    viewer: &Viewer,
    kind: Kind,
    pairs: Vec<(String, String)>,
) -> PageResult {
    require_member(viewer)?;
    let t = Tr::new(viewer.lang);
    let form = ListingForm::from_pairs(kind, pairs);
    let (body, local) = form.to_body(kind, true, &t);
    let path = format!("/api/v1/{}", kind.collection());
    match ListingView::send(
        &portal.api,
        viewer.caller(),
        kind.listing_kind(),
        Method::POST,
        &path,
        &body,
    )
    .await
    {
        Ok(created) => {
            if !local.is_empty() {
                tracing::error!(listing.id = %created.id, "the API accepted a value the portal could not read");
            }
            Ok(done(&kind.edit_href(&created.id.to_string()), "saved"))
        }
        Err(ApiError::Problem(p)) if p.status == 422 => {
            let errors = merge_errors(form_errors(&p), local, &t);
            Ok(form_page(
                portal,
                viewer,
                kind,
                form,
                Shown {
                    errors,
                    ..Shown::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await)
        }
        Err(err) => Err(viewer.fail(err)),
    }
}

/// Reads a listing for editing: its owner's members only (the API decides on saving, the
/// portal does not show a form nobody could save).
async fn load_for_edit(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
) -> Result<ListingView, PageError> {
    require_member(viewer)?;
    let id = path_id(id).ok_or_else(|| viewer.not_found())?;
    let path = format!("/api/v1/{collection}/{}", crate::api::urlencode(&id));
    let kind = if collection == Kind::Achievement.collection() {
        ListingKind::Achievement
    } else {
        ListingKind::Need
    };
    let listing = ListingView::get(&portal.api, viewer.caller(), kind, &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    if viewer.organisation_id().map(|o| o.0) != Some(listing.organisation_id) {
        return Err(viewer.error_page(
            StatusCode::FORBIDDEN,
            Tr::new(viewer.lang).t("form.not_owner").to_owned(),
        ));
    }
    Ok(listing)
}

fn editing_of(l: &ListingView) -> Editing {
    Editing {
        id: l.id.to_string(),
        status: l.status,
        version: l.version,
        completeness: l.completeness.clone(),
        revision: l.pending_revision.clone(),
    }
}

async fn edit_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    edit(&portal, &viewer, "achievements", &id).await
}

async fn edit_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    edit(&portal, &viewer, "needs", &id).await
}

async fn edit(portal: &Portal, viewer: &Viewer, collection: &str, id: &str) -> PageResult {
    let listing = load_for_edit(portal, viewer, collection, id).await?;
    // A published listing's form starts from the changes waiting for review, if any.
    let form = ListingForm::from_listing(&listing.clone().with_pending_changes());
    Ok(form_page(
        portal,
        viewer,
        kind_of(&listing),
        form,
        Shown {
            editing: Some(editing_of(&listing)),
            ..Shown::default()
        },
        StatusCode::OK,
    )
    .await)
}

async fn update_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    update(&portal, &viewer, "achievements", &id, pairs).await
}

async fn update_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> PageResult {
    update(&portal, &viewer, "needs", &id, pairs).await
}

/// Saves an edit as a merge patch at the version the form was made from.
async fn update(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
    pairs: Vec<(String, String)>,
) -> PageResult {
    let current = load_for_edit(portal, viewer, collection, id).await?;
    let kind = kind_of(&current);
    let t = Tr::new(viewer.lang);
    let mut form = ListingForm::from_pairs(kind, pairs);
    let editing = editing_of(&current);
    let (mut body, local) = form.to_body(kind, false, &t);
    let version: i32 = form.version.trim().parse().unwrap_or(current.version);
    if let Value::Object(map) = &mut body {
        map.insert("version".into(), json!(version));
    }
    let path = format!(
        "/api/v1/{collection}/{}",
        crate::api::urlencode(&current.id.to_string())
    );
    match ListingView::send(
        &portal.api,
        viewer.caller(),
        kind.listing_kind(),
        Method::PATCH,
        &path,
        &body,
    )
    .await
    {
        // A published listing's edit is stored as changes waiting for review, not published.
        Ok(saved)
            if saved
                .pending_revision
                .as_ref()
                .is_some_and(RevisionView::is_pending) =>
        {
            Ok(done(
                &kind.edit_href(&saved.id.to_string()),
                "sent_for_review",
            ))
        }
        Ok(saved) => Ok(done(&kind.edit_href(&saved.id.to_string()), "saved")),
        Err(ApiError::Problem(p)) if p.status == 422 => {
            let errors = merge_errors(form_errors(&p), local, &t);
            Ok(form_page(
                portal,
                viewer,
                kind,
                form,
                Shown {
                    errors,
                    editing: Some(editing),
                    conflict: None,
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await)
        }
        Err(ApiError::Problem(p)) if p.status == 409 => {
            // Keep what was typed; the reader compares with the current version and saves again.
            let message = if p.code == "stale_version" {
                t.t("form.conflict").to_owned()
            } else {
                p.detail.clone()
            };
            // Saving again is a deliberate overwrite of the version just read.
            form.version = current.version.to_string();
            Ok(form_page(
                portal,
                viewer,
                kind,
                form,
                Shown {
                    errors: FormErrors::default(),
                    editing: Some(editing),
                    conflict: Some(message),
                },
                StatusCode::CONFLICT,
            )
            .await)
        }
        Err(err) => Err(viewer.fail(err)),
    }
}

#[derive(Debug, Deserialize)]
struct VersionForm {
    version: i64,
}

async fn submit_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> PageResult {
    submit(&portal, &viewer, "achievements", &id, f.version).await
}

async fn submit_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> PageResult {
    submit(&portal, &viewer, "needs", &id, f.version).await
}

/// Sends a draft for the operator's review; a listing the API will not send (no `valid_until`)
/// comes back as its edit form with the reason beside the field.
async fn submit(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
    version: i64,
) -> PageResult {
    let current = load_for_edit(portal, viewer, collection, id).await?;
    let kind = kind_of(&current);
    let path = format!(
        "/api/v1/{collection}/{}/submit",
        crate::api::urlencode(&current.id.to_string())
    );
    match portal
        .api
        .post::<ListingState>(viewer.caller(), &path, &json!({ "version": version }))
        .await
    {
        Ok(state) => Ok(done(&kind.view_href(&state.id.to_string()), "submitted")),
        Err(ApiError::Problem(p)) if p.status == 422 || p.status == 409 => {
            let form = ListingForm::from_listing(&current);
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            let (errors, conflict) = if p.status == 422 {
                (form_errors(&p), None)
            } else {
                let t = Tr::new(viewer.lang);
                (
                    FormErrors::default(),
                    Some(if p.code == "stale_version" {
                        t.t("form.conflict").to_owned()
                    } else {
                        p.detail.clone()
                    }),
                )
            };
            Ok(form_page(
                portal,
                viewer,
                kind,
                form,
                Shown {
                    errors,
                    editing: Some(editing_of(&current)),
                    conflict,
                },
                status,
            )
            .await)
        }
        Err(err) => Err(viewer.fail(err)),
    }
}

async fn withdraw_achievement(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> PageResult {
    withdraw(&portal, &viewer, "achievements", &id, f.version).await
}

async fn withdraw_need(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(f): Form<VersionForm>,
) -> PageResult {
    withdraw(&portal, &viewer, "needs", &id, f.version).await
}

/// Takes a listing off the market; back to "my organisation", where it shows as withdrawn.
async fn withdraw(
    portal: &Portal,
    viewer: &Viewer,
    collection: &str,
    id: &str,
    version: i64,
) -> PageResult {
    require_member(viewer)?;
    let id = path_id(id).ok_or_else(|| viewer.not_found())?;
    let path = format!(
        "/api/v1/{collection}/{}/withdraw",
        crate::api::urlencode(&id)
    );
    match portal
        .api
        .post::<ListingState>(viewer.caller(), &path, &json!({ "version": version }))
        .await
    {
        Ok(_) => Ok(done("/my", "withdrawn")),
        Err(err) => Err(viewer.fail(err)),
    }
}

// ---------------------------------------------------------------------------------------------
// Applying to an open call (揭榜).

/// One of our published achievements, as the apply form's select offers it.
#[derive(Debug, Clone)]
struct AchievementBrief {
    id: String,
    title: String,
}

#[derive(Debug, Default, Deserialize)]
struct ApplyForm {
    #[serde(default)]
    achievement_id: String,
    #[serde(default)]
    proposal: String,
}

#[derive(Template)]
#[template(path = "form_apply.html")]
struct ApplyPage {
    ctx: Ctx,
    call: NeedOut,
    achievements: Vec<AchievementBrief>,
    /// Our published achievements could not be read (the select offers none until a reload).
    achievements_failed: bool,
    /// Our organisation's application, when it has applied already.
    existing: Option<ApplicationOut>,
    form: ApplyForm,
    errors: FormErrors,
    /// Why this organisation cannot apply (its own call, not open…).
    blocked: Option<String>,
}

impl ApplyPage {
    fn heading(&self) -> String {
        self.ctx
            .t
            .f("form.apply_heading", &[("title", &self.call.title)])
    }

    fn call_href(&self) -> String {
        Kind::OpenCall.view_href(&self.call.id.to_string())
    }

    fn bounty(&self) -> String {
        self.call
            .bounty
            .as_ref()
            .map(|b| self.ctx.t.money(b.minor_units, &b.currency))
            .unwrap_or_default()
    }

    fn deadline(&self) -> String {
        self.ctx.t.opt_date(&self.call.deadline)
    }

    fn application_status(&self, status: &ApplicationStatus) -> String {
        self.ctx
            .t
            .t(&format!("form.application_{status}"))
            .to_owned()
    }

    fn achievement_title(&self, id: &Option<Uuid>) -> String {
        let Some(id) = id.map(|id| id.to_string()) else {
            return String::new();
        };
        self.achievements
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.title.clone())
            .unwrap_or(id)
    }
}

async fn apply_page(
    portal: &Portal,
    viewer: &Viewer,
    id: &str,
    form: ApplyForm,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    require_member(viewer)?;
    let id = path_id(id).ok_or_else(|| viewer.not_found())?;
    let caller = viewer.caller();
    let id_enc = crate::api::urlencode(&id);
    let ach_path = with_query(
        "/api/v1/achievements",
        &[
            ("mine", "true".to_owned()),
            ("status", ListingStatus::Published.as_str().to_owned()),
            ("per_page", "100".to_owned()),
            ("lang", viewer.lang.code().to_owned()),
        ],
    );
    let call_path = format!("/api/v1/needs/{id_enc}?lang={}", viewer.lang.code());
    let apps_path = format!("/api/v1/needs/{id_enc}/applications");
    let (call, apps, achievements) = tokio::join!(
        portal.api.get::<NeedOut>(caller, &call_path),
        portal.api.get::<Vec<ApplicationOut>>(caller, &apps_path),
        portal.api.get::<Page<AchievementOut>>(caller, &ach_path),
    );
    let call = call.map_err(|e| viewer.fail(e))?;
    if call.kind != NeedKind::OpenCall {
        return Err(viewer.not_found());
    }
    let t = Tr::new(viewer.lang);
    let mine = viewer.organisation_id().map(|o| o.0);
    // Without our application the page would offer to apply again: no answer, no page.
    let existing = apps
        .map_err(|e| viewer.fail(e))?
        .into_iter()
        .find(|a| Some(a.organisation_id) == mine);
    let blocked = if Some(call.organisation_id) == mine {
        Some(t.t("form.apply_own_call").to_owned())
    } else if call.status != ListingStatus::Published {
        Some(t.t("form.apply_not_open").to_owned())
    } else {
        None
    };
    let ctx = Ctx::new(viewer, "listing");
    let (achievements, achievements_failed) = match achievements {
        Ok(page) => (
            page.items
                .into_iter()
                .map(|a| AchievementBrief {
                    id: a.id.to_string(),
                    title: a.title,
                })
                .collect(),
            false,
        ),
        Err(err) => {
            tracing::warn!(error = %err, "apply form: our achievements could not be read");
            (Vec::new(), true)
        }
    };
    let mut resp = render(&ApplyPage {
        ctx,
        call,
        achievements,
        achievements_failed,
        existing,
        form,
        errors,
        blocked,
    });
    *resp.status_mut() = status;
    Ok(resp)
}

async fn apply_form(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    apply_page(
        &portal,
        &viewer,
        &id,
        ApplyForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

async fn apply(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<ApplyForm>,
) -> PageResult {
    require_member(&viewer)?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = json!({
        "achievement_id": typed(&form.achievement_id),
        "proposal": form.proposal.trim(),
    });
    let path = format!("/api/v1/needs/{}/applications", crate::api::urlencode(&id));
    match portal
        .api
        .post::<ApplicationOut>(viewer.caller(), &path, &body)
        .await
    {
        Ok(_) => Ok(done(&format!("/open-calls/{id}/apply"), "saved")),
        Err(ApiError::Problem(p)) if matches!(p.status, 409 | 422) => {
            let errors = FormErrors::from_problem(&p);
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            apply_page(&portal, &viewer, &id, form, errors, status).await
        }
        Err(err) => Err(viewer.fail(err)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_typed_in_wan_yuan_become_exact_fen() {
        // 万元 → fen: 10^6 fen in one 万元.
        let wan = form_scale("CNY").expect("CNY");
        assert_eq!(wan, 6);
        assert_eq!(parse_major_to_minor("12.5", wan), Ok(12_500_000));
        assert_eq!(parse_major_to_minor("80.35", wan), Ok(80_350_000));
        assert_eq!(parse_major_to_minor("1,200", wan), Ok(1_200_000_000));
        assert_eq!(parse_major_to_minor("0.000001", wan), Ok(1));
        assert_eq!(
            parse_major_to_minor("12.5000001", wan),
            Err(AmountError::TooManyDecimals)
        );
        // "1,5" is a decimal comma, not fifteen 万元.
        assert_eq!(parse_major_to_minor("1,5", wan), Err(AmountError::Invalid));
        assert_eq!(form_scale("USD"), Some(2));
        assert_eq!(form_scale("VND"), Some(0));
        assert_eq!(form_scale("XXX"), None);
    }

    #[test]
    fn amounts_go_back_into_the_form_as_they_were_typed() {
        assert_eq!(typed_amount(12_500_000, 6), "12.5");
        assert_eq!(typed_amount(80_350_000, 6), "80.35");
        assert_eq!(typed_amount(50_000_000, 6), "50");
        assert_eq!(typed_amount(1, 6), "0.000001");
        assert_eq!(typed_amount(8_010, 2), "80.1");
        assert_eq!(
            typed_amount(1_000, 0),
            "1,000",
            "no decimals to trim in đồng"
        );
        for v in [0i64, 1, 99, 100, 123_456_789, 1_200_000_000] {
            assert_eq!(parse_major_to_minor(&typed_amount(v, 6), 6), Ok(v));
        }
    }

    fn ctx() -> Ctx {
        let lang = crate::i18n::Lang::En;
        Ctx {
            t: Tr::new(lang),
            lang,
            me: None,
            path: "/x".to_owned(),
            flash: None,
            section: "my",
        }
    }

    #[test]
    fn choice_lists_that_could_not_be_read_are_announced() {
        let t = Tr::new(crate::i18n::Lang::En);
        let form = |options_failed| FormPage {
            ctx: ctx(),
            labels: Labels::default(),
            options_failed,
            kind: Kind::Achievement,
            form: ListingForm::blank("en"),
            errors: FormErrors::default(),
            editing: None,
            conflict: None,
        };
        assert!(form(true)
            .render()
            .expect("renders")
            .contains(t.t("form.options_failed")));
        assert!(!form(false)
            .render()
            .expect("renders")
            .contains(t.t("form.options_failed")));

        let call: NeedOut = serde_json::from_value(json!({
            "id": "0192c6a0-0000-7000-8000-000000000001",
            "organisation_id": "0192c6a0-0000-7000-8000-000000000002", "status": "published",
            "version": 1, "original_language": "zh", "language": "en", "provenance": "original",
            "available_languages": ["zh", "en"], "title": "Open call", "summary": "s",
            "description": "", "keywords": [], "original": null, "industry": "modern_agriculture",
            "ipc_codes": [], "min_trl": 1, "budget": null, "budget_negotiable": true,
            "cooperation_modes": [], "deadline": null, "country": "CN", "region_code": "450200",
            "cross_border": false, "valid_until": null, "bounty": null, "eligibility": null,
            "awarded_application_id": null, "contact_name": null, "contact_email": null,
            "contact_phone": null, "submitted_at": null, "published_at": null,
            "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
            "completeness": {"score": 100, "missing": []}, "pending_revision": null,
            "kind": "open_call"
        }))
        .expect("an open call");
        let apply = ApplyPage {
            ctx: ctx(),
            call,
            achievements: Vec::new(),
            achievements_failed: true,
            existing: None,
            form: ApplyForm::default(),
            errors: FormErrors::default(),
            blocked: None,
        };
        // (The catalog's apostrophe is escaped in the page.)
        assert!(apply
            .render()
            .expect("renders")
            .contains("achievements could not be loaded"));
    }

    #[test]
    fn lists_split_on_every_separator_people_type() {
        assert_eq!(
            split_list("甘蔗、收割机，智能控制, 甘蔗;AI"),
            vec!["甘蔗", "收割机", "智能控制", "AI"]
        );
        assert!(split_list(" , 、").is_empty());
    }

    #[test]
    fn api_paths_land_on_the_form_inputs() {
        let p = Problem {
            status: 422,
            fields: vec![
                crate::api::FieldError {
                    path: "price.min_minor".into(),
                    message: "must not be greater".into(),
                },
                crate::api::FieldError {
                    path: "keywords[2]".into(),
                    message: "too long".into(),
                },
                crate::api::FieldError {
                    path: "bounty".into(),
                    message: "needed".into(),
                },
            ],
            ..Problem::default()
        };
        let e = form_errors(&p);
        assert!(e.has("price_min") && e.has("keywords") && e.has("bounty"));
    }
}
