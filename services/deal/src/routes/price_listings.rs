//! `/api/v1/price-listings`: listed-price sales (挂牌) — the owner's offer at a fixed price
//! for a period, and the first commitment that buys it.

use crate::DealState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::{AuthUser, MaybeUser};
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use wire::auction::{CancelIn, PriceListingIn, PriceListingOut};

use crate::domain::price_listings::{self, PriceListingParams};
use crate::domain::Page;

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_price_listings, create_price_listing))
        .routes(routes!(get_price_listing))
        .routes(routes!(purchase))
        .routes(routes!(cancel_price_listing))
}

/// Listed-price sales, newest first (public).
#[utoipa::path(get, path = "/api/v1/price-listings", tag = "auctions", security((), ("bearer" = [])), params(PriceListingParams),
    responses((status = 200, body = Page<PriceListingOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_price_listings(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppQuery(params): AppQuery<PriceListingParams>,
) -> ApiResult<AppJson<Page<PriceListingOut>>> {
    price_listings::list(&state.db, caller.as_ref(), &params)
        .await
        .map(AppJson)
}

/// Offer a published achievement at a fixed price for a period (its owner or an operator).
#[utoipa::path(post, path = "/api/v1/price-listings", tag = "auctions", security(("bearer" = [])), request_body = PriceListingIn,
    responses((status = 201, body = PriceListingOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_price_listing(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<PriceListingIn>,
) -> ApiResult<(StatusCode, AppJson<PriceListingOut>)> {
    let p = price_listings::create(&state.db, &caller, input).await?;
    let out = price_listings::to_out(&state.db, Some(&caller), p).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// One listed-price sale (public; the deal id to the parties).
#[utoipa::path(get, path = "/api/v1/price-listings/{id}", tag = "auctions", security((), ("bearer" = [])), params(("id" = Uuid, Path, description = "Price listing id")),
    responses((status = 200, body = PriceListingOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn get_price_listing(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<PriceListingOut>> {
    let p = price_listings::find(&state.db, id).await?;
    price_listings::to_out(&state.db, caller.as_ref(), p)
        .await
        .map(AppJson)
}

/// Buy at the listed price for your (verified) organisation. The first commitment wins and
/// opens a deal at `agreed` with the price; later ones get 409 `already_sold`.
#[utoipa::path(post, path = "/api/v1/price-listings/{id}/purchase", tag = "auctions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Price listing id")),
    responses((status = 201, body = PriceListingOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn purchase(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<(StatusCode, AppJson<PriceListingOut>)> {
    let p = price_listings::purchase(&state.db, &caller, id).await?;
    Ok((StatusCode::CREATED, AppJson(p)))
}

/// Withdraw an open listing before a commitment: its seller, or an operator with a reason.
/// 409 `already_sold` once a buyer committed, `already_cancelled` the second time; a purchase
/// after the cancel is 409 `sale_cancelled`.
#[utoipa::path(post, path = "/api/v1/price-listings/{id}/cancel", tag = "auctions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Price listing id")),
    request_body = CancelIn,
    responses((status = 200, body = PriceListingOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn cancel_price_listing(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<CancelIn>,
) -> ApiResult<AppJson<PriceListingOut>> {
    price_listings::cancel(&state.db, &caller, id, input)
        .await
        .map(AppJson)
}
