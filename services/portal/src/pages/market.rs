//! The service market in the portal (issue #16): the provider directory, a service's page with
//! the request form, "my services" (publish a service; the orders received and placed), and an
//! order's page where each side takes its step — the provider quotes and delivers, the
//! requester accepts, confirms and pays part with an innovation voucher, the provider claims it.
//!
//! Every answer is read as a `wire::services` type; which steps a page offers follows the
//! order's state and the viewer's organisation, and the API decides again on each post.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::routing::{get, post};
use axum::{Form, Router};
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;
use uuid::Uuid;

use super::{page_param, Labels, Pager};
use crate::api::with_query;
use crate::money::{exact, parse_major_to_minor};
use crate::page::{done, render, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::services::{OrderOut, ServiceOut, VoucherOut};
use wire::{OrderState, Page, ServiceKind, VoucherState};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/services", get(directory))
        .route("/services/{id}", get(show))
        .route("/services/{id}/order", post(order))
        .route("/services/{id}/edit", post(edit_service))
        .route("/services/{id}/withdraw", post(withdraw_service))
        .route("/my/services", get(mine).post(publish))
        .route("/orders/{id}", get(order_page))
        .route("/orders/{id}/{action}", post(order_action))
}

const PER_PAGE: u64 = 20;

/// A service kind in the reader's words.
pub fn kind_word(ctx: &Ctx, kind: ServiceKind) -> String {
    ctx.t.t(&format!("svc.kind_{}", kind.as_str())).to_owned()
}

/// An order state in the reader's words.
pub fn state_word(ctx: &Ctx, state: &str) -> String {
    let key = format!("svc.state_{state}");
    if crate::i18n::has_key(&key) {
        ctx.t.t(&key).to_owned()
    } else {
        state.to_owned()
    }
}

#[derive(Debug, Default, Deserialize)]
struct Filters {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    q: String,
    page: Option<u64>,
}

#[derive(Template)]
#[template(path = "svc_directory.html")]
struct DirectoryPage {
    ctx: Ctx,
    labels: Labels,
    filters: Filters,
    services: Vec<ServiceOut>,
    pager: Pager,
}

impl DirectoryPage {
    fn kinds(&self) -> Vec<(&'static str, String)> {
        ServiceKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_word(&self.ctx, *k)))
            .collect()
    }
    fn kind(&self, s: &ServiceOut) -> String {
        kind_word(&self.ctx, s.kind)
    }
    fn price(&self, s: &ServiceOut) -> String {
        price_range(&self.ctx, s)
    }
    fn region(&self, s: &ServiceOut) -> String {
        self.labels.region(&s.region_code)
    }
}

fn price_range(ctx: &Ctx, s: &ServiceOut) -> String {
    format!(
        "{} – {}",
        exact(&ctx.t, s.price_min_minor, &s.currency),
        exact(&ctx.t, s.price_max_minor, &s.currency)
    )
}

async fn directory(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(filters): Query<Filters>,
) -> PageResult {
    let page = page_param(filters.page);
    let path = with_query(
        "/api/v1/services",
        &[
            ("kind", filters.kind.clone()),
            ("region", filters.region.clone()),
            ("q", filters.q.clone()),
            ("page", page.to_string()),
            ("per_page", PER_PAGE.to_string()),
        ],
    );
    let (services, labels) = tokio::join!(
        portal.api.get::<Page<ServiceOut>>(viewer.caller(), &path),
        Labels::load(&portal, &viewer)
    );
    let services = services.map_err(|e| viewer.fail(e))?;
    let pager = Pager::new(
        &viewer.path,
        "page",
        services.page,
        services.per_page,
        services.total,
    );
    Ok(render(&DirectoryPage {
        ctx: Ctx::new(&viewer, "services"),
        labels,
        filters,
        services: services.items,
        pager,
    }))
}

#[derive(Template)]
#[template(path = "svc_show.html")]
struct ShowPage {
    ctx: Ctx,
    labels: Labels,
    service: ServiceOut,
    /// The viewer's organisation may request it (signed in, in an organisation, not its own,
    /// not withdrawn).
    can_order: bool,
    /// The viewer's organisation provides it: the page offers editing and withdrawing.
    mine: bool,
}

impl ShowPage {
    fn kind(&self) -> String {
        kind_word(&self.ctx, self.service.kind)
    }
    fn price(&self) -> String {
        price_range(&self.ctx, &self.service)
    }
    fn region(&self) -> String {
        self.labels.region(&self.service.region_code)
    }
    /// An amount as the edit form shows it: yuan, as typed back.
    fn yuan(&self, minor: &i64) -> String {
        let scale = 10i64.pow(crate::money::exponent_of(&self.service.currency));
        if scale == 1 {
            minor.to_string()
        } else {
            format!("{}.{:02}", minor / scale, (minor % scale).abs())
        }
    }
    fn fields(&self) -> String {
        self.service
            .industry_codes
            .iter()
            .map(|c| self.labels.industry(c))
            .collect::<Vec<_>>()
            .join(" · ")
    }
}

async fn show(State(portal): State<Portal>, viewer: Viewer, Path(id): Path<Uuid>) -> PageResult {
    let path = format!("/api/v1/services/{id}");
    let (service, labels) = tokio::join!(
        portal.api.get::<ServiceOut>(viewer.caller(), &path),
        Labels::load(&portal, &viewer)
    );
    let service = service.map_err(|e| viewer.fail(e))?;
    let org = viewer.organisation_id().map(|o| o.0);
    let mine = org == Some(service.provider_organisation_id);
    let can_order = org.is_some() && !mine && service.withdrawn_at.is_none();
    Ok(render(&ShowPage {
        ctx: Ctx::new(&viewer, "services"),
        labels,
        service,
        can_order,
        mine,
    }))
}

#[derive(Debug, Default, Deserialize)]
struct EditForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    lead_time_days: String,
    #[serde(default)]
    price_min: String,
    #[serde(default)]
    price_max: String,
    #[serde(default)]
    accreditation: String,
}

/// The provider's edit form: the fields shown replace the stored ones (empty capacity or
/// accreditation clears it); the API checks them as on publishing and the version.
async fn edit_service(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
    Form(form): Form<EditForm>,
) -> PageResult {
    viewer.require_login()?;
    let body = json!({
        "version": number(&form.version),
        "title": form.title,
        "description": form.description,
        "capacity": form.capacity.trim(),
        "lead_time_days": number(&form.lead_time_days),
        "price_min_minor": fen(&form.price_min),
        "price_max_minor": fen(&form.price_max),
        "accreditation": form.accreditation.trim(),
    });
    portal
        .api
        .json::<ServiceOut>(
            viewer.caller(),
            http::Method::PATCH,
            &format!("/api/v1/services/{id}"),
            &body,
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/services/{id}"), "saved"))
}

#[derive(Debug, Default, Deserialize)]
struct WithdrawForm {
    #[serde(default)]
    version: String,
}

/// Withdraws the service from the directory (its provider; open orders carry on).
async fn withdraw_service(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
    Form(form): Form<WithdrawForm>,
) -> PageResult {
    viewer.require_login()?;
    portal
        .api
        .post::<ServiceOut>(
            viewer.caller(),
            &format!("/api/v1/services/{id}/withdraw"),
            &json!({"version": number(&form.version)}),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/services/{id}"), "withdrawn"))
}

#[derive(Debug, Default, Deserialize)]
struct OrderForm {
    #[serde(default)]
    description: String,
}

async fn order(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
    Form(form): Form<OrderForm>,
) -> PageResult {
    viewer.require_login()?;
    let created: OrderOut = portal
        .api
        .post(
            viewer.caller(),
            "/api/v1/service-orders",
            &json!({"service_id": id, "description": form.description}),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/orders/{}", created.id), "submitted"))
}

#[derive(Template)]
#[template(path = "svc_mine.html")]
struct MinePage {
    ctx: Ctx,
    labels: Labels,
    services: Vec<ServiceOut>,
    received: Vec<OrderOut>,
    placed: Vec<OrderOut>,
}

impl MinePage {
    fn kinds(&self) -> Vec<(&'static str, String)> {
        ServiceKind::ALL
            .iter()
            .map(|k| (k.as_str(), kind_word(&self.ctx, *k)))
            .collect()
    }
    fn kind(&self, s: &ServiceOut) -> String {
        kind_word(&self.ctx, s.kind)
    }
    fn state(&self, o: &OrderOut) -> String {
        state_word(&self.ctx, o.state.as_str())
    }
    fn quote(&self, o: &OrderOut) -> String {
        o.quote_minor
            .map(|q| exact(&self.ctx.t, q, &o.currency))
            .unwrap_or_default()
    }
}

async fn mine(State(portal): State<Portal>, viewer: Viewer) -> PageResult {
    viewer.require_login()?;
    let Some(org) = viewer.organisation_id() else {
        return Err(viewer.error_page(StatusCode::FORBIDDEN, String::new()));
    };
    let caller = viewer.caller();
    let services_path = with_query(
        "/api/v1/services",
        &[
            ("provider", org.0.to_string()),
            ("per_page", "100".to_owned()),
        ],
    );
    let (services, received, placed, labels) = tokio::join!(
        portal.api.get::<Page<ServiceOut>>(caller, &services_path),
        portal
            .api
            .get::<Page<OrderOut>>(caller, "/api/v1/service-orders?side=provider&per_page=100"),
        portal
            .api
            .get::<Page<OrderOut>>(caller, "/api/v1/service-orders?side=requester&per_page=100"),
        Labels::load(&portal, &viewer)
    );
    Ok(render(&MinePage {
        ctx: Ctx::new(&viewer, "services"),
        labels,
        services: services.map_err(|e| viewer.fail(e))?.items,
        received: received.map_err(|e| viewer.fail(e))?.items,
        placed: placed.map_err(|e| viewer.fail(e))?.items,
    }))
}

#[derive(Debug, Default, Deserialize)]
struct PublishForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    industry: String,
    #[serde(default)]
    capacity: String,
    #[serde(default)]
    lead_time_days: String,
    #[serde(default)]
    price_min: String,
    #[serde(default)]
    price_max: String,
    #[serde(default)]
    accreditation: String,
    #[serde(default)]
    region_code: String,
}

/// Yuan as typed, in fen; text that is not an amount goes through as text so the API names the
/// field.
fn fen(text: &str) -> serde_json::Value {
    parse_major_to_minor(text, 2).map_or_else(|_| json!(text.trim()), |v| json!(v))
}

fn number(text: &str) -> serde_json::Value {
    let t = text.trim();
    t.parse::<i64>().map_or_else(|_| json!(t), |n| json!(n))
}

fn optional(text: &str) -> Option<&str> {
    Some(text.trim()).filter(|t| !t.is_empty())
}

async fn publish(
    State(portal): State<Portal>,
    viewer: Viewer,
    Form(form): Form<PublishForm>,
) -> PageResult {
    viewer.require_login()?;
    let body = json!({
        "kind": form.kind,
        "title": form.title,
        "description": form.description,
        "industry_codes": [form.industry],
        "capacity": optional(&form.capacity),
        "lead_time_days": number(&form.lead_time_days),
        "price_min_minor": fen(&form.price_min),
        "price_max_minor": fen(&form.price_max),
        "currency": "CNY",
        "accreditation": optional(&form.accreditation),
        "region_code": form.region_code,
    });
    let created: ServiceOut = portal
        .api
        .post(viewer.caller(), "/api/v1/services", &body)
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/services/{}", created.id), "published"))
}

#[derive(Template)]
#[template(path = "svc_order.html")]
struct OrderPage {
    ctx: Ctx,
    order: OrderOut,
    provider: bool,
    requester: bool,
    /// The requester's vouchers that could pay this order.
    vouchers: Vec<VoucherOut>,
    /// The order's documents and the upload form's kinds.
    documents: super::order_documents::DocumentsView,
}

impl OrderPage {
    fn state(&self) -> String {
        state_word(&self.ctx, self.order.state.as_str())
    }
    fn kind(&self) -> String {
        kind_word(&self.ctx, self.order.service_kind)
    }
    fn quote(&self) -> String {
        self.order
            .quote_minor
            .map(|q| exact(&self.ctx.t, q, &self.order.currency))
            .unwrap_or_default()
    }
    fn voucher_paid(&self) -> String {
        exact(&self.ctx.t, self.order.voucher_minor, &self.order.currency)
    }
    fn to_pay(&self) -> String {
        let rest = self
            .order
            .quote_minor
            .unwrap_or(0)
            .saturating_sub(self.order.voucher_minor);
        exact(&self.ctx.t, rest, &self.order.currency)
    }
    fn event_word(&self, kind: &str) -> String {
        state_word(&self.ctx, kind)
    }
    fn event_amount(&self, amount: &Option<i64>) -> String {
        amount
            .map(|a| exact(&self.ctx.t, a, &self.order.currency))
            .unwrap_or_default()
    }
    fn voucher_value(&self, v: &VoucherOut) -> String {
        exact(&self.ctx.t, v.reserved_minor, &v.currency)
    }
    fn is(&self, state: OrderState) -> bool {
        self.order.state == state
    }
    fn may_pay_with_voucher(&self) -> bool {
        self.requester
            && self.order.voucher_id.is_none()
            && matches!(
                self.order.state,
                OrderState::Accepted | OrderState::Delivered | OrderState::Confirmed
            )
            && !self.vouchers.is_empty()
    }
}

async fn order_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<Uuid>,
) -> PageResult {
    viewer.require_login()?;
    let caller = viewer.caller();
    let order: OrderOut = portal
        .api
        .get(caller, &format!("/api/v1/service-orders/{id}"))
        .await
        .map_err(|e| viewer.fail(e))?;
    let org = viewer.organisation_id().map(|o| o.0);
    let provider = org == Some(order.provider_organisation_id);
    let requester = org == Some(order.requester_organisation_id);
    let vouchers = if requester && order.voucher_id.is_none() {
        portal
            .api
            .get::<Page<VoucherOut>>(caller, "/api/v1/vouchers?state=issued&per_page=100")
            .await
            .map_err(|e| viewer.fail(e))?
            .items
            .into_iter()
            .filter(|v| v.state == VoucherState::Issued)
            .collect()
    } else {
        Vec::new()
    };
    let documents = super::order_documents::load(&portal, &viewer, &id.to_string()).await;
    Ok(render(&OrderPage {
        ctx: Ctx::new(&viewer, "services"),
        order,
        provider,
        requester,
        vouchers,
        documents,
    }))
}

#[derive(Debug, Default, Deserialize)]
struct ActionForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    voucher_id: String,
}

async fn order_action(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path((id, action)): Path<(Uuid, String)>,
    Form(form): Form<ActionForm>,
) -> PageResult {
    viewer.require_login()?;
    let caller = viewer.caller();
    let version = form.version.trim().parse::<i32>().ok();
    let note = optional(&form.note);
    // A voucher id goes into an API path: only a well-formed one does.
    let voucher = form.voucher_id.trim().parse::<Uuid>().ok();
    if matches!(action.as_str(), "voucher" | "claim") && voucher.is_none() {
        return Err(viewer.error_page(StatusCode::UNPROCESSABLE_ENTITY, String::new()));
    }
    let voucher = voucher.unwrap_or_default();
    let result =
        match action.as_str() {
            "quote" => portal
                .api
                .post::<serde_json::Value>(
                    caller,
                    &format!("/api/v1/service-orders/{id}/quote"),
                    &json!({"amount_minor": fen(&form.amount), "note": note, "version": version}),
                )
                .await,
            "accept" | "deliver" | "confirm" => {
                portal
                    .api
                    .post::<serde_json::Value>(
                        caller,
                        &format!("/api/v1/service-orders/{id}/{action}"),
                        &json!({"note": note, "version": version}),
                    )
                    .await
            }
            "voucher" => {
                portal
                    .api
                    .post::<serde_json::Value>(
                        caller,
                        &format!("/api/v1/vouchers/{voucher}/redemptions"),
                        &json!({"order_id": id}),
                    )
                    .await
            }
            "claim" => {
                portal
                    .api
                    .post::<serde_json::Value>(
                        caller,
                        &format!("/api/v1/vouchers/{voucher}/claim"),
                        &json!({}),
                    )
                    .await
            }
            _ => return Err(viewer.not_found()),
        };
    result.map_err(|e| viewer.fail(e))?;
    Ok(done(&format!("/orders/{id}"), "saved"))
}
