//! `/api/v1/services` (the provider directory) and `/api/v1/service-orders` (request, quote,
//! accept, deliver, confirm, with the order's history).

use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use wire::services::{
    OrderIn, OrderListParams, OrderOut, OrderStepIn, QuoteIn, ServiceIn, ServiceListParams,
    ServiceOut, ServicePatch, ServiceWithdrawIn,
};
use wire::Page;

use crate::domain::service_orders::{self, Step};
use crate::domain::services;
use crate::DealState;

/// The routes of these resources, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_services, publish_service))
        .routes(routes!(get_service, update_service))
        .routes(routes!(withdraw_service))
        .routes(routes!(list_orders, create_order))
        .routes(routes!(get_order))
        .routes(routes!(quote_order))
        .routes(routes!(accept_order))
        .routes(routes!(deliver_order))
        .routes(routes!(confirm_order))
}

/// The service directory (public): filter by kind, industry field, region, provider, words.
#[utoipa::path(get, path = "/api/v1/services", tag = "services", params(ServiceListParams),
    responses((status = 200, body = Page<ServiceOut>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_services(
    State(state): State<DealState>,
    AppQuery(params): AppQuery<ServiceListParams>,
) -> ApiResult<AppJson<Page<ServiceOut>>> {
    services::list(&state.db, params).await.map(AppJson)
}

/// Publish a service of your organisation.
#[utoipa::path(post, path = "/api/v1/services", tag = "services", security(("bearer" = [])), request_body = ServiceIn,
    responses((status = 201, body = ServiceOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn publish_service(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<ServiceIn>,
) -> ApiResult<(StatusCode, AppJson<ServiceOut>)> {
    let out = services::publish(&state.db, &caller, input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// One service (public).
#[utoipa::path(get, path = "/api/v1/services/{id}", tag = "services",
    params(("id" = Uuid, Path, description = "Service id")),
    responses((status = 200, body = ServiceOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_service(
    State(state): State<DealState>,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<ServiceOut>> {
    services::get(&state.db, id).await.map(AppJson)
}

/// Change your organisation's service: the fields given replace the stored ones, checked as on
/// publishing; `version` must be the one you read.
#[utoipa::path(patch, path = "/api/v1/services/{id}", tag = "services", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Service id")), request_body = ServicePatch,
    responses((status = 200, body = ServiceOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn update_service(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(patch): AppJson<ServicePatch>,
) -> ApiResult<AppJson<ServiceOut>> {
    services::update(&state.db, &caller, id, patch)
        .await
        .map(AppJson)
}

/// Withdraw your organisation's service from the directory: it takes no new requests; orders
/// already placed finish.
#[utoipa::path(post, path = "/api/v1/services/{id}/withdraw", tag = "services", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Service id")), request_body = ServiceWithdrawIn,
    responses((status = 200, body = ServiceOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn withdraw_service(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<ServiceWithdrawIn>,
) -> ApiResult<AppJson<ServiceOut>> {
    services::withdraw(&state.db, &caller, id, input)
        .await
        .map(AppJson)
}

/// Orders your organisation placed (`side=requester`) or received (`side=provider`).
#[utoipa::path(get, path = "/api/v1/service-orders", tag = "services", security(("bearer" = [])), params(OrderListParams),
    responses((status = 200, body = Page<OrderOut>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_orders(
    State(state): State<DealState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<OrderListParams>,
) -> ApiResult<AppJson<Page<OrderOut>>> {
    service_orders::list(&state.db, &caller, params)
        .await
        .map(AppJson)
}

/// Request a service for your organisation.
#[utoipa::path(post, path = "/api/v1/service-orders", tag = "services", security(("bearer" = [])), request_body = OrderIn,
    responses((status = 201, body = OrderOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_order(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<OrderIn>,
) -> ApiResult<(StatusCode, AppJson<OrderOut>)> {
    let out = service_orders::create(&state.db, &caller, input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// One order with its history (its parties and operators).
#[utoipa::path(get, path = "/api/v1/service-orders/{id}", tag = "services", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Order id")),
    responses((status = 200, body = OrderOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_order(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<OrderOut>> {
    service_orders::get(&state.db, &caller, id)
        .await
        .map(AppJson)
}

/// Quote a price (the provider; again until the requester accepts).
#[utoipa::path(post, path = "/api/v1/service-orders/{id}/quote", tag = "services", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Order id")), request_body = QuoteIn,
    responses((status = 200, body = OrderOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn quote_order(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<QuoteIn>,
) -> ApiResult<AppJson<OrderOut>> {
    service_orders::quote(&state.db, &caller, id, input)
        .await
        .map(AppJson)
}

/// Accept the quote (the requester).
#[utoipa::path(post, path = "/api/v1/service-orders/{id}/accept", tag = "services", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Order id")), request_body = OrderStepIn,
    responses((status = 200, body = OrderOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn accept_order(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<OrderStepIn>,
) -> ApiResult<AppJson<OrderOut>> {
    service_orders::step(&state.db, &caller, id, Step::Accept, input)
        .await
        .map(AppJson)
}

/// Mark the service delivered (the provider).
#[utoipa::path(post, path = "/api/v1/service-orders/{id}/deliver", tag = "services", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Order id")), request_body = OrderStepIn,
    responses((status = 200, body = OrderOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn deliver_order(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<OrderStepIn>,
) -> ApiResult<AppJson<OrderOut>> {
    service_orders::step(&state.db, &caller, id, Step::Deliver, input)
        .await
        .map(AppJson)
}

/// Confirm delivery (the requester).
#[utoipa::path(post, path = "/api/v1/service-orders/{id}/confirm", tag = "services", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Order id")), request_body = OrderStepIn,
    responses((status = 200, body = OrderOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn confirm_order(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<OrderStepIn>,
) -> ApiResult<AppJson<OrderOut>> {
    service_orders::step(&state.db, &caller, id, Step::Confirm, input)
        .await
        .map(AppJson)
}
