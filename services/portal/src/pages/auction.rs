//! The auction pages (竞价): the live auction page with the bid form, the bid log and the
//! server's clock; the operator's deposit form and close; the owner's form to schedule an
//! auction of a published achievement.
//!
//! Live updates: `/auctions/{id}/live` is a server-sent event stream the page's script
//! listens to. The portal owns no tables and hears of no events, so the stream polls the
//! deal API once a second for the caller and sends what changed (always the clock), and ends
//! when the auction is closed; the browser's `EventSource` reconnects by itself. Without
//! JavaScript the page refreshes itself every few seconds while the auction runs, and the
//! bid form is a plain form.

use std::time::Duration;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use serde::{Deserialize, Serialize};

use crate::api::{ApiError, Caller};
use crate::i18n::{Lang, Tr};
use crate::money::{exponent_of, money, parse_major_to_minor};
use crate::page::{done, render, Ctx, FormErrors, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::auction::{
    AuctionIn, AuctionOut, BidAccepted, BidLog, BidOut, CancelIn, DepositOut, RefundIn,
};
use wire::{AuctionStatus, DepositStatus};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/auctions/new", get(new_form).post(create))
        .route("/auctions/{id}", get(show))
        .route("/auctions/{id}/live", get(live))
        .route("/auctions/{id}/bids", post(bid))
        .route("/auctions/{id}/deposits", post(deposit))
        .route("/auctions/{id}/close", post(close))
        .route("/auctions/{id}/cancel", post(cancel))
        .route("/auctions/{id}/deposits/{deposit_id}/refund", post(refund))
}

/// How many bids the page and the stream show (the full log is the download).
const SHOWN_BIDS: usize = 30;
/// How often the stream asks the API.
const POLL: Duration = Duration::from_secs(1);
/// A stream ends after this; the browser reconnects.
const STREAM_FOR: Duration = Duration::from_secs(15 * 60);
/// Beijing time, in which people type an auction's end.
const UTC8_SECS: i32 = 8 * 3600;

/// A time as the page shows it: Beijing time to the second.
fn clock(at: &DateTime<FixedOffset>) -> String {
    let offset = FixedOffset::east_opt(UTC8_SECS).unwrap_or(at.timezone());
    at.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M:%S (UTC+8)")
        .to_string()
}

fn is_live(status: AuctionStatus) -> bool {
    !status.is_final()
}

fn status_label(t: &Tr, status: AuctionStatus) -> String {
    t.t(&format!("auction.status_{}", status.as_str()))
        .to_owned()
}

#[derive(Template)]
#[template(path = "auction.html")]
struct AuctionPage {
    ctx: Ctx,
    a: AuctionOut,
    bids: Vec<BidOut>,
    deposits: Vec<DepositOut>,
    errors: FormErrors,
    /// The amount typed into a refused bid, shown again.
    amount: String,
}

impl AuctionPage {
    // Askama passes fields by reference (and loop items by two): `&i64` takes both.
    fn money(&self, minor: &i64) -> String {
        money(&self.ctx.t, *minor, &self.a.currency)
    }
    fn opt_money(&self, minor: &Option<i64>) -> String {
        minor.map_or_else(|| "—".to_owned(), |m| self.money(&m))
    }
    fn clock(&self, at: &DateTime<FixedOffset>) -> String {
        clock(at)
    }
    fn status(&self) -> String {
        status_label(&self.ctx.t, self.a.status)
    }
    fn live(&self) -> bool {
        is_live(self.a.status)
    }
    fn open(&self) -> bool {
        self.a.status == AuctionStatus::Open
    }
    fn closed(&self) -> bool {
        self.a.status.is_final()
    }
    fn opt_paddle(&self, p: &Option<i32>) -> String {
        p.map_or_else(|| "—".to_owned(), |p| p.to_string())
    }
    fn placed(&self, b: &BidOut) -> String {
        b.placed_at
            .parse::<DateTime<FixedOffset>>()
            .map_or_else(|_| b.placed_at.clone(), |at| clock(&at))
    }
    fn short(&self, hash: &str) -> String {
        hash.chars().take(12).collect()
    }
    fn extension_rule(&self) -> String {
        self.ctx.t.f(
            "auction.extension_rule",
            &[
                ("window", &self.a.extension_window_secs.to_string()),
                ("secs", &self.a.extension_secs.to_string()),
            ],
        )
    }
    fn deposit_status(&self, d: &DepositOut) -> String {
        self.ctx
            .t
            .t(&format!("auction.deposit_status_{}", d.status.as_str()))
            .to_owned()
    }
    /// The cancel form is offered to operators while the auction runs, and to the seller
    /// before the first bid (the API decides again).
    fn may_cancel(&self) -> bool {
        let running = matches!(
            self.a.status,
            AuctionStatus::Scheduled | AuctionStatus::Open
        );
        let seller = self
            .ctx
            .me
            .as_ref()
            .and_then(|m| m.organisation_id)
            .is_some_and(|o| o.0 == self.a.seller_organisation_id);
        running && (self.ctx.is_operator() || (seller && self.a.bid_count == 0))
    }
    fn cancelled(&self) -> bool {
        self.a.status == AuctionStatus::Cancelled
    }
    fn refund_due(&self, d: &DepositOut) -> bool {
        d.status == DepositStatus::RefundDue
    }
    fn today(&self) -> String {
        let offset = FixedOffset::east_opt(UTC8_SECS).unwrap_or(self.a.server_time.timezone());
        self.a
            .server_time
            .with_timezone(&offset)
            .date_naive()
            .to_string()
    }
    fn major(&self) -> String {
        crate::money::money_plain(self.a.next_minimum_minor, exponent_of(&self.a.currency))
            .replace(',', "")
    }
}

async fn load(
    portal: &Portal,
    viewer: &Viewer,
    id: &str,
) -> Result<(AuctionOut, BidLog, Vec<DepositOut>), ApiError> {
    let caller = viewer.caller();
    let (one, log_path) = (
        format!("/api/v1/auctions/{id}"),
        format!("/api/v1/auctions/{id}/bid-log"),
    );
    let (a, log) = tokio::join!(
        portal.api.get::<AuctionOut>(caller, &one),
        portal.api.get::<BidLog>(caller, &log_path),
    );
    let a = a?;
    let deposits = if viewer.signed_in() {
        portal
            .api
            .get::<Vec<DepositOut>>(caller, &format!("/api/v1/auctions/{id}/deposits"))
            .await
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    Ok((a, log?, deposits))
}

async fn page(
    portal: &Portal,
    viewer: &Viewer,
    id: &str,
    errors: FormErrors,
    amount: String,
) -> PageResult {
    let (a, log, deposits) = load(portal, viewer, id).await.map_err(|e| viewer.fail(e))?;
    let mut bids = log.bids;
    bids.reverse();
    bids.truncate(SHOWN_BIDS);
    let ctx = Ctx::new(viewer, "auctions");
    Ok(render(&AuctionPage {
        ctx,
        a,
        bids,
        deposits,
        errors,
        amount,
    }))
}

async fn show(State(portal): State<Portal>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    page(&portal, &viewer, &id, FormErrors::default(), String::new()).await
}

/// What the stream sends: the state of the auction in words the page shows as they are.
#[derive(Debug, Serialize)]
struct LiveUpdate {
    status: &'static str,
    status_label: String,
    live: bool,
    bid_count: i64,
    current: String,
    next_minimum: String,
    next_minimum_major: String,
    leader: String,
    ends_at: String,
    server_time: String,
    /// Milliseconds since the epoch, so the page's clock can tick between updates.
    server_time_ms: i64,
    /// The latest bids, newest first, when the count changed.
    bids: Option<Vec<LiveBid>>,
}

#[derive(Debug, Serialize)]
struct LiveBid {
    seq: i64,
    paddle: i32,
    amount: String,
    placed_at: String,
    hash: String,
}

fn update(t: &Tr, a: &AuctionOut, bids: Option<Vec<BidOut>>) -> LiveUpdate {
    let m = |minor: i64| money(t, minor, &a.currency);
    LiveUpdate {
        status: a.status.as_str(),
        status_label: status_label(t, a.status),
        live: is_live(a.status),
        bid_count: a.bid_count,
        current: a.current_price_minor.map_or_else(|| "—".to_owned(), m),
        next_minimum: m(a.next_minimum_minor),
        next_minimum_major: crate::money::money_plain(
            a.next_minimum_minor,
            exponent_of(&a.currency),
        )
        .replace(',', ""),
        leader: a
            .leading_paddle
            .map_or_else(|| "—".to_owned(), |p| p.to_string()),
        ends_at: clock(&a.ends_at),
        server_time: clock(&a.server_time),
        server_time_ms: a.server_time.timestamp_millis(),
        bids: bids.map(|bids| {
            bids.into_iter()
                .rev()
                .take(SHOWN_BIDS)
                .map(|b| LiveBid {
                    seq: b.seq,
                    paddle: b.paddle,
                    amount: m(b.amount_minor),
                    placed_at: b
                        .placed_at
                        .parse::<DateTime<FixedOffset>>()
                        .map_or_else(|_| b.placed_at.clone(), |at| clock(&at)),
                    hash: b.hash.chars().take(12).collect(),
                })
                .collect()
        }),
    }
}

/// Where the stream is: what it last sent and when it started.
struct Cursor {
    portal: Portal,
    token: Option<String>,
    lang: Lang,
    id: String,
    last_count: Option<i64>,
    started: tokio::time::Instant,
    first: bool,
    done: bool,
}

async fn next_event(mut c: Cursor) -> Option<(Result<Event, std::convert::Infallible>, Cursor)> {
    if c.done || c.started.elapsed() > STREAM_FOR {
        return None;
    }
    if !c.first {
        tokio::time::sleep(POLL).await;
    }
    c.first = false;
    let caller = Caller {
        token: c.token.as_deref(),
        lang: c.lang,
    };
    let t = Tr::new(c.lang);
    let a = match c
        .portal
        .api
        .get::<AuctionOut>(caller, &format!("/api/v1/auctions/{}", c.id))
        .await
    {
        Ok(a) => a,
        Err(err) => {
            // The browser reconnects and the page still works by refreshing.
            tracing::debug!(error = %err, "auction stream: API unavailable");
            c.done = true;
            let event = Event::default().event("gone").data("{}");
            return Some((Ok(event), c));
        }
    };
    let bids = if c.last_count != Some(a.bid_count) {
        c.portal
            .api
            .get::<BidLog>(caller, &format!("/api/v1/auctions/{}/bid-log", c.id))
            .await
            .ok()
            .map(|log| log.bids)
    } else {
        None
    };
    if bids.is_some() {
        c.last_count = Some(a.bid_count);
    }
    c.done = !is_live(a.status);
    let data = serde_json::to_string(&update(&t, &a, bids)).unwrap_or_else(|_| "{}".to_owned());
    Some((Ok(Event::default().event("auction").data(data)), c))
}

async fn live(State(portal): State<Portal>, viewer: Viewer, Path(id): Path<String>) -> Response {
    let Some(id) = super::path_id(&id) else {
        return viewer.not_found().into_response();
    };
    // An auction that does not exist is a 404, not a stream that ends at once.
    if let Err(err) = portal
        .api
        .get::<AuctionOut>(viewer.caller(), &format!("/api/v1/auctions/{id}"))
        .await
    {
        return viewer.fail(err).into_response();
    }
    let cursor = Cursor {
        portal,
        token: viewer.token.clone(),
        lang: viewer.lang,
        id,
        last_count: None,
        started: tokio::time::Instant::now(),
        first: true,
        done: false,
    };
    let stream = futures::stream::unfold(cursor, next_event);
    Sse::new(stream)
        .keep_alive(KeepAlive::default())
        .into_response()
}

#[derive(Debug, Deserialize)]
struct BidForm {
    amount: String,
}

async fn bid(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<BidForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    let a = portal
        .api
        .get::<AuctionOut>(viewer.caller(), &format!("/api/v1/auctions/{id}"))
        .await
        .map_err(|e| viewer.fail(e))?;
    let amount = match parse_major_to_minor(&form.amount, exponent_of(&a.currency)) {
        Ok(minor) => minor,
        Err(e) => {
            let t = Tr::new(viewer.lang);
            let errors = FormErrors::field("amount_minor", e.message(&t, exponent_of(&a.currency)));
            return page(&portal, &viewer, &id, errors, form.amount).await;
        }
    };
    let body = serde_json::json!({ "amount_minor": amount });
    match portal
        .api
        .post::<BidAccepted>(
            viewer.caller(),
            &format!("/api/v1/auctions/{id}/bids"),
            &body,
        )
        .await
    {
        Ok(_) => Ok(done(&format!("/auctions/{id}"), "bid_placed")),
        Err(ApiError::Problem(p)) if matches!(p.status, 403 | 409 | 422) => {
            let errors = FormErrors::from_problem(&p);
            page(&portal, &viewer, &id, errors, form.amount).await
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

#[derive(Debug, Deserialize)]
struct DepositForm {
    organisation_id: String,
    amount: String,
    #[serde(default)]
    note: String,
}

async fn deposit(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<DepositForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    let a = portal
        .api
        .get::<AuctionOut>(viewer.caller(), &format!("/api/v1/auctions/{id}"))
        .await
        .map_err(|e| viewer.fail(e))?;
    let t = Tr::new(viewer.lang);
    let amount = match parse_major_to_minor(&form.amount, exponent_of(&a.currency)) {
        Ok(minor) => minor,
        Err(e) => {
            let errors =
                FormErrors::field("deposit_amount", e.message(&t, exponent_of(&a.currency)));
            return page(&portal, &viewer, &id, errors, String::new()).await;
        }
    };
    let Some(org) = super::path_id(form.organisation_id.trim()) else {
        let errors = FormErrors::field("organisation_id", t.t("auction.bad_org_id"));
        return page(&portal, &viewer, &id, errors, String::new()).await;
    };
    let note = form.note.trim();
    let body = serde_json::json!({
        "organisation_id": org,
        "amount_minor": amount,
        "note": if note.is_empty() { None } else { Some(note) },
    });
    match portal
        .api
        .post::<DepositOut>(
            viewer.caller(),
            &format!("/api/v1/auctions/{id}/deposits"),
            &body,
        )
        .await
    {
        Ok(_) => Ok(done(&format!("/auctions/{id}"), "deposit_recorded")),
        Err(ApiError::Problem(p)) if matches!(p.status, 403 | 409 | 422) => {
            let errors = FormErrors::from_problem(&p);
            page(&portal, &viewer, &id, errors, String::new()).await
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

async fn close(State(portal): State<Portal>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    match portal
        .api
        .post::<AuctionOut>(
            viewer.caller(),
            &format!("/api/v1/auctions/{id}/close"),
            &serde_json::json!({}),
        )
        .await
    {
        Ok(_) => Ok(done(&format!("/auctions/{id}"), "auction_closed")),
        Err(ApiError::Problem(p)) if matches!(p.status, 403 | 409) => {
            let errors = FormErrors {
                summary: Some(p.detail.clone()),
                ..FormErrors::default()
            };
            page(&portal, &viewer, &id, errors, String::new()).await
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

/// The cancel form of a sale (an auction here, a price listing in `price_listing`).
#[derive(Debug, Default, Deserialize)]
pub(super) struct CancelForm {
    #[serde(default)]
    reason: String,
}

impl CancelForm {
    /// The API's body: a blank reason is none.
    pub(super) fn body(&self) -> CancelIn {
        let reason = self.reason.trim();
        CancelIn {
            reason: (!reason.is_empty()).then(|| reason.to_owned()),
        }
    }
}

async fn cancel(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<CancelForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = form.body();
    match portal
        .api
        .post::<AuctionOut>(
            viewer.caller(),
            &format!("/api/v1/auctions/{id}/cancel"),
            &body,
        )
        .await
    {
        Ok(_) => Ok(done(&format!("/auctions/{id}"), "auction_cancelled")),
        Err(ApiError::Problem(p)) if matches!(p.status, 403 | 409 | 422) => {
            let errors = FormErrors::from_problem(&p);
            page(&portal, &viewer, &id, errors, String::new()).await
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct RefundForm {
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    reference: String,
}

async fn refund(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, deposit_id)): Path<(String, String)>,
    Form(form): Form<RefundForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    let deposit_id = super::path_id(&deposit_id).ok_or_else(|| viewer.not_found())?;
    let Ok(paid_on) = form.paid_on.trim().parse::<chrono::NaiveDate>() else {
        let t = Tr::new(viewer.lang);
        let errors = FormErrors::field("paid_on", t.t("auction.bad_time"));
        return page(&portal, &viewer, &id, errors, String::new()).await;
    };
    let body = RefundIn {
        paid_on,
        reference: form.reference,
    };
    match portal
        .api
        .post::<DepositOut>(
            viewer.caller(),
            &format!("/api/v1/auctions/{id}/deposits/{deposit_id}/refund"),
            &body,
        )
        .await
    {
        Ok(_) => Ok(done(&format!("/auctions/{id}"), "refund_recorded")),
        Err(ApiError::Problem(p)) if matches!(p.status, 403 | 409 | 422) => {
            let errors = FormErrors::from_problem(&p);
            page(&portal, &viewer, &id, errors, String::new()).await
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct NewQuery {
    #[serde(default)]
    achievement_id: String,
}

/// The owner's form, as typed (amounts in 元, times in Beijing time).
#[derive(Debug, Default, Deserialize)]
struct NewForm {
    #[serde(default)]
    achievement_id: String,
    #[serde(default)]
    starting_price: String,
    #[serde(default)]
    reserve_price: String,
    #[serde(default)]
    increment: String,
    #[serde(default)]
    deposit: String,
    #[serde(default)]
    ends_at: String,
    #[serde(default)]
    extension_window_minutes: String,
    #[serde(default)]
    extension_minutes: String,
}

#[derive(Template)]
#[template(path = "auction_new.html")]
struct NewPage {
    ctx: Ctx,
    form: NewForm,
    errors: FormErrors,
}

impl NewPage {
    /// The form's inputs: name, label key, value typed, the API field its errors come on.
    fn fields(&self) -> Vec<(&'static str, &'static str, &str, &'static str)> {
        let f = &self.form;
        vec![
            (
                "achievement_id",
                "auction.achievement_id",
                f.achievement_id.as_str(),
                "achievement_id",
            ),
            (
                "starting_price",
                "auction.starting_price",
                f.starting_price.as_str(),
                "starting_price_minor",
            ),
            (
                "reserve_price",
                "auction.reserve_optional",
                f.reserve_price.as_str(),
                "reserve_price_minor",
            ),
            (
                "increment",
                "auction.increment",
                f.increment.as_str(),
                "increment_minor",
            ),
            (
                "deposit",
                "auction.deposit",
                f.deposit.as_str(),
                "deposit_minor",
            ),
            (
                "extension_window_minutes",
                "auction.extension_window_minutes",
                f.extension_window_minutes.as_str(),
                "extension_window_secs",
            ),
            (
                "extension_minutes",
                "auction.extension_minutes",
                f.extension_minutes.as_str(),
                "extension_secs",
            ),
        ]
    }
}

async fn new_form(viewer: Viewer, Query(q): Query<NewQuery>) -> PageResult {
    viewer.require_login()?;
    let ctx = Ctx::new(&viewer, "auctions");
    let form = NewForm {
        achievement_id: q.achievement_id,
        increment: "1000".to_owned(),
        extension_window_minutes: "5".to_owned(),
        extension_minutes: "5".to_owned(),
        ..NewForm::default()
    };
    Ok(render(&NewPage {
        ctx,
        form,
        errors: FormErrors::default(),
    }))
}

/// A `datetime-local` value read as Beijing time.
fn beijing(text: &str) -> Option<DateTime<FixedOffset>> {
    let naive = NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(text.trim(), "%Y-%m-%dT%H:%M:%S"))
        .ok()?;
    FixedOffset::east_opt(UTC8_SECS)?
        .from_local_datetime(&naive)
        .single()
}

async fn create(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<NewForm>,
) -> PageResult {
    viewer.require_login()?;
    let t = Tr::new(viewer.lang);
    let mut errors = FormErrors::default();
    let mut amount = |text: &str, field: &str, required: bool| -> Option<i64> {
        if text.trim().is_empty() && !required {
            return None;
        }
        match parse_major_to_minor(text, 2) {
            Ok(v) => Some(v),
            Err(e) => {
                errors.fields.insert(field.to_owned(), e.message(&t, 2));
                None
            }
        }
    };
    let starting = amount(&form.starting_price, "starting_price_minor", true);
    let reserve = amount(&form.reserve_price, "reserve_price_minor", false);
    let increment = amount(&form.increment, "increment_minor", true);
    let deposit = amount(&form.deposit, "deposit_minor", true);
    let minutes = |text: &str| {
        text.trim()
            .parse::<i64>()
            .ok()
            .filter(|m| (0..=60).contains(m))
    };
    let window = minutes(&form.extension_window_minutes);
    let extension = minutes(&form.extension_minutes);
    if window.is_none() {
        errors.fields.insert(
            "extension_window_secs".into(),
            t.t("auction.bad_minutes").to_owned(),
        );
    }
    if extension.is_none() {
        errors.fields.insert(
            "extension_secs".into(),
            t.t("auction.bad_minutes").to_owned(),
        );
    }
    let ends_at = beijing(&form.ends_at);
    if ends_at.is_none() {
        errors
            .fields
            .insert("ends_at".into(), t.t("auction.bad_time").to_owned());
    }
    let achievement = super::path_id(form.achievement_id.trim());
    if achievement.is_none() {
        errors.fields.insert(
            "achievement_id".into(),
            t.t("auction.bad_achievement").to_owned(),
        );
    }
    let (
        Some(starting),
        Some(increment),
        Some(deposit),
        Some(window),
        Some(extension),
        Some(ends_at),
        Some(achievement),
    ) = (
        starting,
        increment,
        deposit,
        window,
        extension,
        ends_at,
        achievement,
    )
    else {
        let ctx = Ctx::new(&viewer, "auctions");
        return Ok(render(&NewPage { ctx, form, errors }));
    };
    let Ok(achievement_id) = achievement.parse() else {
        return Err(viewer.not_found());
    };
    let body = AuctionIn {
        achievement_id,
        currency: "CNY".to_owned(),
        starting_price_minor: starting,
        reserve_price_minor: reserve,
        increment_minor: increment,
        deposit_minor: deposit,
        starts_at: None,
        ends_at,
        extension_window_secs: window * 60,
        extension_secs: extension * 60,
        broker_id: None,
    };
    match portal
        .api
        .post::<AuctionOut>(viewer.caller(), "/api/v1/auctions", &body)
        .await
    {
        Ok(a) => Ok(done(&format!("/auctions/{}", a.id), "auction_scheduled")),
        Err(ApiError::Problem(p)) if matches!(p.status, 403 | 409 | 422) => {
            let errors = FormErrors::from_problem(&p);
            let ctx = Ctx::new(&viewer, "auctions");
            Ok(render(&NewPage { ctx, form, errors }))
        }
        Err(e) => Err(viewer.fail(e)),
    }
}
