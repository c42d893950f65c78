//! Listed-price sales (挂牌) in the portal: the owner's form to list an achievement at a price
//! for a period (`/price-listings/new`, also inline on the achievement's page), the sale's page
//! (`/price-listings/{id}`) where a verified organisation confirms its commitment to buy and
//! the seller withdraws it, and the sale panel the achievement's page shows (`SalePanel`).
//!
//! The API decides every act (who may list, buy or withdraw; the first commitment wins); the
//! page only offers the buttons to those likely to be allowed and shows the API's refusal
//! otherwise. Every form works without JavaScript; the purchase is two steps (the button on
//! the achievement's page leads to this page, which asks for the confirmation).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::{DateTime, FixedOffset, NaiveDateTime, TimeZone};
use serde::Deserialize;

use crate::api::ApiError;
use crate::i18n::Tr;
use crate::money::{money, parse_major_to_minor};
use crate::page::{done, render, Ctx, FormErrors, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::accounts::OrganisationOut;
use wire::auction::{AuctionOut, PriceListingIn, PriceListingOut};
use wire::{OrgKind, Page, PriceListingStatus, VerificationStatus};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/price-listings/new", get(new_form).post(create))
        .route("/price-listings/{id}", get(show))
        .route("/price-listings/{id}/purchase", post(purchase))
        .route("/price-listings/{id}/cancel", post(cancel))
}

/// Beijing time, in which people type a listing's end and read its period.
const UTC8_SECS: i32 = 8 * 3600;

/// A time as the pages show it: Beijing time to the minute.
pub fn beijing_clock(at: &DateTime<FixedOffset>) -> String {
    let offset = FixedOffset::east_opt(UTC8_SECS).unwrap_or(at.timezone());
    at.with_timezone(&offset)
        .format("%Y-%m-%d %H:%M (UTC+8)")
        .to_string()
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

/// Whether the viewer's organisation may commit to buy (verified, not the seller, not a broker
/// agency): asked of the API so the page offers the button only to them. The purchase itself
/// is decided by the API again.
async fn may_buy(portal: &Portal, viewer: &Viewer, seller: uuid::Uuid) -> bool {
    let Some(me) = viewer.me.as_ref() else {
        return false;
    };
    let Some(org) = me.organisation_id else {
        return false;
    };
    if org.0 == seller || me.org_kind == Some(OrgKind::BrokerAgency) {
        return false;
    }
    portal
        .api
        .get::<OrganisationOut>(viewer.caller(), &format!("/api/v1/orgs/{}", org.0))
        .await
        .is_ok_and(|o| o.verification_status == VerificationStatus::Verified.as_str())
}

/// What the achievement's page shows about its sales: the current or last price listing, its
/// auctions, and whether the reader may buy at the listed price.
pub struct SalePanel {
    pub listing: Option<PriceListingOut>,
    pub auctions: Vec<AuctionOut>,
    pub may_buy: bool,
}

impl SalePanel {
    /// Reads the achievement's sales (public); a failure leaves the panel empty rather than
    /// failing the achievement's page.
    pub async fn load(portal: &Portal, viewer: &Viewer, achievement: uuid::Uuid) -> SalePanel {
        let caller = viewer.caller();
        let listings_path =
            format!("/api/v1/price-listings?achievement_id={achievement}&per_page=5");
        let auctions_path = format!("/api/v1/auctions?achievement_id={achievement}&per_page=10");
        let (listings, auctions) = tokio::join!(
            portal
                .api
                .get::<Page<PriceListingOut>>(caller, &listings_path),
            portal.api.get::<Page<AuctionOut>>(caller, &auctions_path),
        );
        // The newest listing that is open or sold; a withdrawn or lapsed one is history.
        let listing = listings.ok().and_then(|p| {
            p.items.into_iter().find(|l| {
                matches!(
                    l.status,
                    PriceListingStatus::Open | PriceListingStatus::Sold
                )
            })
        });
        let may_buy = match &listing {
            Some(l) if l.status == PriceListingStatus::Open => {
                may_buy(portal, viewer, l.seller_organisation_id).await
            }
            _ => false,
        };
        SalePanel {
            listing,
            auctions: auctions.map(|p| p.items).unwrap_or_default(),
            may_buy,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.listing.is_none() && self.auctions.is_empty()
    }

    /// A sale is live: no second one may be offered beside it.
    pub fn live(&self) -> bool {
        self.listing
            .as_ref()
            .is_some_and(|l| l.status == PriceListingStatus::Open)
            || self.auctions.iter().any(|a| !a.status.is_final())
    }

    /// "Listed at ¥X until D".
    pub fn listed_text(&self, t: &Tr) -> String {
        match &self.listing {
            Some(l) => t.f(
                "auction.listed_at_until",
                &[
                    ("price", &money(t, l.price_minor, &l.currency)),
                    ("until", &beijing_clock(&l.ends_at)),
                ],
            ),
            None => String::new(),
        }
    }

    pub fn auction_status(&self, t: &Tr, a: &AuctionOut) -> String {
        t.t(&format!("auction.status_{}", a.status.as_str()))
            .to_owned()
    }

    pub fn auction_end(&self, a: &AuctionOut) -> String {
        beijing_clock(&a.ends_at)
    }
}

#[derive(Template)]
#[template(path = "price_listing.html")]
struct ListingPage {
    ctx: Ctx,
    p: PriceListingOut,
    may_buy: bool,
    is_seller: bool,
    errors: FormErrors,
}

impl ListingPage {
    fn price(&self) -> String {
        money(&self.ctx.t, self.p.price_minor, &self.p.currency)
    }
    fn clock(&self, at: &DateTime<FixedOffset>) -> String {
        beijing_clock(at)
    }
    fn status(&self) -> String {
        self.ctx
            .t
            .t(&format!(
                "auction.listing_status_{}",
                self.p.status.as_str()
            ))
            .to_owned()
    }
    fn open(&self) -> bool {
        self.p.status == PriceListingStatus::Open && self.p.starts_at <= self.p.server_time
    }
    fn confirm_text(&self) -> String {
        self.ctx
            .t
            .f("auction.buy_confirm_text", &[("price", &self.price())])
    }
}

async fn listing_page(
    portal: &Portal,
    viewer: &Viewer,
    id: &str,
    errors: FormErrors,
) -> PageResult {
    let p = portal
        .api
        .get::<PriceListingOut>(viewer.caller(), &format!("/api/v1/price-listings/{id}"))
        .await
        .map_err(|e| viewer.fail(e))?;
    let is_seller = viewer.organisation_id().map(|o| o.0) == Some(p.seller_organisation_id);
    let may_buy = p.status == PriceListingStatus::Open
        && may_buy(portal, viewer, p.seller_organisation_id).await;
    Ok(render(&ListingPage {
        ctx: Ctx::new(viewer, "listing"),
        p,
        may_buy,
        is_seller,
        errors,
    }))
}

async fn show(State(portal): State<Portal>, viewer: Viewer, Path(id): Path<String>) -> PageResult {
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    listing_page(&portal, &viewer, &id, FormErrors::default()).await
}

/// The confirmed commitment: the first wins and is sent to its new deal; anyone later sees
/// the sale's page again with the API's refusal (sold, withdrawn, ended).
async fn purchase(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    match portal
        .api
        .post::<PriceListingOut>(
            viewer.caller(),
            &format!("/api/v1/price-listings/{id}/purchase"),
            &serde_json::json!({}),
        )
        .await
    {
        Ok(p) => match p.deal_id {
            Some(deal) => Ok(done(&format!("/deals/{deal}"), "purchased")),
            None => Ok(done(&format!("/price-listings/{id}"), "purchased")),
        },
        Err(ApiError::Problem(p)) if matches!(p.status, 403 | 409) => {
            let errors = FormErrors {
                summary: Some(p.detail.clone()),
                ..FormErrors::default()
            };
            listing_page(&portal, &viewer, &id, errors).await
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

async fn cancel(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Form(form): Form<super::auction::CancelForm>,
) -> PageResult {
    viewer.require_login()?;
    let id = super::path_id(&id).ok_or_else(|| viewer.not_found())?;
    let body = form.body();
    match portal
        .api
        .post::<PriceListingOut>(
            viewer.caller(),
            &format!("/api/v1/price-listings/{id}/cancel"),
            &body,
        )
        .await
    {
        Ok(p) => Ok(done(
            &format!("/achievements/{}", p.achievement_id),
            "listing_withdrawn",
        )),
        Err(ApiError::Problem(p)) if matches!(p.status, 403 | 409 | 422) => {
            let mut errors = FormErrors::from_problem(&p);
            errors.summary.get_or_insert_with(|| p.detail.clone());
            listing_page(&portal, &viewer, &id, errors).await
        }
        Err(e) => Err(viewer.fail(e)),
    }
}

#[derive(Debug, Default, Deserialize)]
struct NewQuery {
    #[serde(default)]
    achievement_id: String,
}

/// The owner's form, as typed (the price in 元, the end in Beijing time).
#[derive(Debug, Default, Deserialize)]
struct NewForm {
    #[serde(default)]
    achievement_id: String,
    #[serde(default)]
    price: String,
    #[serde(default)]
    ends_at: String,
}

#[derive(Template)]
#[template(path = "price_listing_new.html")]
struct NewPage {
    ctx: Ctx,
    form: NewForm,
    errors: FormErrors,
}

async fn new_form(viewer: Viewer, Query(q): Query<NewQuery>) -> PageResult {
    viewer.require_login()?;
    Ok(render(&NewPage {
        ctx: Ctx::new(&viewer, "listing"),
        form: NewForm {
            achievement_id: q.achievement_id,
            ..NewForm::default()
        },
        errors: FormErrors::default(),
    }))
}

async fn create(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<NewForm>,
) -> PageResult {
    viewer.require_login()?;
    let t = Tr::new(viewer.lang);
    let mut errors = FormErrors::default();
    let price = match parse_major_to_minor(&form.price, 2) {
        Ok(v) => Some(v),
        Err(e) => {
            errors.fields.insert("price_minor".into(), e.message(&t, 2));
            None
        }
    };
    let ends_at = beijing(&form.ends_at);
    if ends_at.is_none() {
        errors
            .fields
            .insert("ends_at".into(), t.t("auction.bad_time").to_owned());
    }
    let achievement = uuid::Uuid::parse_str(form.achievement_id.trim()).ok();
    if achievement.is_none() {
        errors.fields.insert(
            "achievement_id".into(),
            t.t("auction.bad_achievement").to_owned(),
        );
    }
    let (Some(price_minor), Some(ends_at), Some(achievement_id)) = (price, ends_at, achievement)
    else {
        let ctx = Ctx::new(&viewer, "listing");
        return Ok(render(&NewPage { ctx, form, errors }));
    };
    let body = PriceListingIn {
        achievement_id,
        price_minor,
        currency: "CNY".to_owned(),
        starts_at: None,
        ends_at,
        broker_id: None,
    };
    match portal
        .api
        .post::<PriceListingOut>(viewer.caller(), "/api/v1/price-listings", &body)
        .await
    {
        Ok(p) => Ok(done(&format!("/price-listings/{}", p.id), "price_listed")),
        Err(ApiError::Problem(p)) if matches!(p.status, 403 | 409 | 422) => {
            let mut errors = FormErrors::from_problem(&p);
            if p.status != 422 {
                errors.summary.get_or_insert_with(|| p.detail.clone());
            }
            let ctx = Ctx::new(&viewer, "listing");
            Ok(render(&NewPage { ctx, form, errors }))
        }
        Err(e) => Err(viewer.fail(e)),
    }
}
