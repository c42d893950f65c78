//! `/api/v1/auctions`: English auctions (竞价) — scheduling, deposits (保证金), bids, the
//! public bid log with its hash chain and the chain's check, and the operator's close.
//! There is no route that edits or deletes a bid.

use crate::DealState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::{AuthUser, MaybeUser};
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use wire::auction::{
    AuctionIn, AuctionOut, BidAccepted, BidIn, BidLog, CancelIn, ChainCheck, DepositIn, DepositOut,
    RefundIn,
};

use crate::domain::auctions::{self, bids, cancelling, closing, deposits, AuctionListParams};
use crate::domain::Page;

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_auctions, create_auction))
        .routes(routes!(get_auction))
        .routes(routes!(list_deposits, record_deposit))
        .routes(routes!(place_bid))
        .routes(routes!(bid_log))
        .routes(routes!(verify_chain))
        .routes(routes!(close_auction))
        .routes(routes!(cancel_auction))
        .routes(routes!(record_refund))
}

/// Auctions, latest end first (public).
#[utoipa::path(get, path = "/api/v1/auctions", tag = "auctions", security((), ("bearer" = [])), params(AuctionListParams),
    responses((status = 200, body = Page<AuctionOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_auctions(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppQuery(params): AppQuery<AuctionListParams>,
) -> ApiResult<AppJson<Page<AuctionOut>>> {
    auctions::list(&state.db, caller.as_ref(), &params)
        .await
        .map(AppJson)
}

/// Schedule an auction of a published achievement (its owner or an operator). The reserve
/// stays hidden from bidders until the close.
#[utoipa::path(post, path = "/api/v1/auctions", tag = "auctions", security(("bearer" = [])), request_body = AuctionIn,
    responses((status = 201, body = AuctionOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_auction(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<AuctionIn>,
) -> ApiResult<(StatusCode, AppJson<AuctionOut>)> {
    let a = auctions::create(&state.db, &caller, input).await?;
    let out = auctions::to_out(&state.db, Some(&caller), a).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// One auction with its current price, next minimum, end (after extensions), chain head and
/// the server's clock (public).
#[utoipa::path(get, path = "/api/v1/auctions/{id}", tag = "auctions", security((), ("bearer" = [])), params(("id" = Uuid, Path, description = "Auction id")),
    responses((status = 200, body = AuctionOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn get_auction(
    State(state): State<DealState>,
    MaybeUser(caller): MaybeUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<AuctionOut>> {
    auctions::get(&state.db, caller.as_ref(), id)
        .await
        .map(AppJson)
}

/// Deposits recorded for an auction: operators and the seller see all, a bidder its own.
#[utoipa::path(get, path = "/api/v1/auctions/{id}/deposits", tag = "auctions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Auction id")),
    responses((status = 200, body = Vec<DepositOut>), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn list_deposits(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<Vec<DepositOut>>> {
    deposits::list(&state.db, &caller, id).await.map(AppJson)
}

/// Record that a verified organisation lodged the deposit (operators only); it gets the next
/// paddle number and may bid.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/deposits", tag = "auctions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Auction id")),
    request_body = DepositIn,
    responses((status = 201, body = DepositOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn record_deposit(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<DepositIn>,
) -> ApiResult<(StatusCode, AppJson<DepositOut>)> {
    let d = deposits::record(&state.db, &caller, id, input).await?;
    Ok((StatusCode::CREATED, AppJson(d)))
}

/// Bid for your organisation: at least the starting price, then above the current price by
/// the increment. 403 without verification or deposit; 409 `bid_too_low`, `outbid`,
/// `auction_not_started` or `auction_ended`. A bid in the extension window moves the end.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/bids", tag = "auctions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Auction id")),
    request_body = BidIn,
    responses((status = 201, body = BidAccepted), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn place_bid(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<BidIn>,
) -> ApiResult<(StatusCode, AppJson<BidAccepted>)> {
    let accepted = bids::place(&state.db, &caller, id, input).await?;
    Ok((StatusCode::CREATED, AppJson(accepted)))
}

/// The whole bid log to download and verify (public): paddle numbers, amounts, times and the
/// hash chain, with the algorithm in words.
#[utoipa::path(get, path = "/api/v1/auctions/{id}/bid-log", tag = "auctions", security((), ("bearer" = [])), params(("id" = Uuid, Path, description = "Auction id")),
    responses((status = 200, body = BidLog), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn bid_log(
    State(state): State<DealState>,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<BidLog>> {
    auctions::bid_log(&state.db, id).await.map(AppJson)
}

/// The platform's check of the stored bid log against its chain and recorded head (public).
#[utoipa::path(get, path = "/api/v1/auctions/{id}/verification", tag = "auctions", security((), ("bearer" = [])), params(("id" = Uuid, Path, description = "Auction id")),
    responses((status = 200, body = ChainCheck), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn verify_chain(
    State(state): State<DealState>,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<ChainCheck>> {
    auctions::verify(&state.db, id).await.map(AppJson)
}

/// Close an auction past its end now rather than when the queue gets to it (operators): the
/// winner's deal opens at the winning price, or no sale is recorded below the reserve.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/close", tag = "auctions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Auction id")),
    responses((status = 200, body = AuctionOut), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn close_auction(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<AuctionOut>> {
    closing::close_now(&state.db, &caller, id).await?;
    auctions::get(&state.db, Some(&caller), id)
        .await
        .map(AppJson)
}

/// Cancel an auction before its end: its seller before the first bid, an operator at any time
/// with a reason. Held deposits become due for refund and their organisations are told; no
/// bid is accepted afterwards (409 `auction_cancelled`). A second cancel is 409
/// `already_cancelled`; a seller's cancel after a bid is 409 `auction_has_bids`.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/cancel", tag = "auctions", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Auction id")),
    request_body = CancelIn,
    responses((status = 200, body = AuctionOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn cancel_auction(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<CancelIn>,
) -> ApiResult<AppJson<AuctionOut>> {
    let a = cancelling::cancel(&state.db, &caller, id, input).await?;
    auctions::to_out(&state.db, Some(&caller), a)
        .await
        .map(AppJson)
}

/// Record that a deposit due for refund was paid back (operators): the day and the payment's
/// reference. Once: a second record is 409 `already_refunded`; a deposit still held or applied
/// to the price is 409 `refund_not_due`. The bidder is told.
#[utoipa::path(post, path = "/api/v1/auctions/{id}/deposits/{deposit_id}/refund", tag = "auctions", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Auction id"), ("deposit_id" = Uuid, Path, description = "Deposit id")),
    request_body = RefundIn,
    responses((status = 200, body = DepositOut), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 401, body = Problem, content_type = "application/problem+json"), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 413, body = Problem, content_type = "application/problem+json"), (status = 415, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn record_refund(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath((id, deposit_id)): AppPath<(Uuid, Uuid)>,
    AppJson(input): AppJson<RefundIn>,
) -> ApiResult<AppJson<DepositOut>> {
    deposits::record_refund(&state.db, &caller, id, deposit_id, input)
        .await
        .map(AppJson)
}
