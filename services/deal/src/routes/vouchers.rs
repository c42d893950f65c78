//! `/api/v1/voucher-programmes` (the operator's programmes, applications, ledger, report) and
//! `/api/v1/vouchers` (decision, redemption, claim).

use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;
use wire::services::{
    ContractRedemptionIn, LedgerLineOut, ProgrammeIn, ProgrammeOut, ProgrammeReport, RedemptionIn,
    VoucherApplicationIn, VoucherDecisionIn, VoucherListParams, VoucherOut,
};
use wire::{Page, PageParams};

use crate::domain::vouchers;
use crate::DealState;

/// The routes of these resources, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_programmes, create_programme))
        .routes(routes!(get_programme))
        .routes(routes!(apply))
        .routes(routes!(ledger))
        .routes(routes!(report))
        .routes(routes!(list_vouchers))
        .routes(routes!(get_voucher))
        .routes(routes!(decide))
        .routes(routes!(redeem))
        .routes(routes!(redeem_contract))
        .routes(routes!(claim))
}

/// Voucher programmes (public), newest first.
#[utoipa::path(get, path = "/api/v1/voucher-programmes", tag = "vouchers", params(PageParams),
    responses((status = 200, body = Page<ProgrammeOut>), (status = 400, body = Problem, content_type = "application/problem+json")))]
async fn list_programmes(
    State(state): State<DealState>,
    AppQuery(params): AppQuery<PageParams>,
) -> ApiResult<AppJson<Page<ProgrammeOut>>> {
    vouchers::list_programmes(&state.db, params)
        .await
        .map(AppJson)
}

/// Set up a programme (operators).
#[utoipa::path(post, path = "/api/v1/voucher-programmes", tag = "vouchers", security(("bearer" = [])), request_body = ProgrammeIn,
    responses((status = 201, body = ProgrammeOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_programme(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<ProgrammeIn>,
) -> ApiResult<(StatusCode, AppJson<ProgrammeOut>)> {
    let out = vouchers::create_programme(&state.db, &caller, input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// One programme with its running totals (public).
#[utoipa::path(get, path = "/api/v1/voucher-programmes/{id}", tag = "vouchers",
    params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_programme(
    State(state): State<DealState>,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<ProgrammeOut>> {
    vouchers::get_programme(&state.db, id).await.map(AppJson)
}

/// Apply for a voucher for your organisation (once per programme).
#[utoipa::path(post, path = "/api/v1/voucher-programmes/{id}/applications", tag = "vouchers", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Programme id")), request_body = VoucherApplicationIn,
    responses((status = 201, body = VoucherOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn apply(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<VoucherApplicationIn>,
) -> ApiResult<(StatusCode, AppJson<VoucherOut>)> {
    let out = vouchers::apply(&state.db, &caller, id, input).await?;
    Ok((StatusCode::CREATED, AppJson(out)))
}

/// The programme's ledger, newest first (operators; insert only, never changed).
#[utoipa::path(get, path = "/api/v1/voucher-programmes/{id}/ledger", tag = "vouchers", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Programme id"), PageParams),
    responses((status = 200, body = Page<LedgerLineOut>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn ledger(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<PageParams>,
) -> ApiResult<AppJson<Page<LedgerLineOut>>> {
    vouchers::ledger(&state.db, &caller, id, params)
        .await
        .map(AppJson)
}

/// The programme's report: issued, redeemed, claimed; by region and service kind (operators).
#[utoipa::path(get, path = "/api/v1/voucher-programmes/{id}/report", tag = "vouchers", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Programme id")),
    responses((status = 200, body = ProgrammeReport), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn report(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<ProgrammeReport>> {
    vouchers::report(&state.db, &caller, id).await.map(AppJson)
}

/// Your organisation's vouchers; all of them for operators; with `contract_id`, those that paid
/// that contract (its seller sees them too, to claim them).
#[utoipa::path(get, path = "/api/v1/vouchers", tag = "vouchers", security(("bearer" = [])), params(VoucherListParams),
    responses((status = 200, body = Page<VoucherOut>), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json")))]
async fn list_vouchers(
    State(state): State<DealState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<VoucherListParams>,
) -> ApiResult<AppJson<Page<VoucherOut>>> {
    vouchers::list(&state.db, &caller, params)
        .await
        .map(AppJson)
}

/// One voucher (its holder, the provider it paid, operators).
#[utoipa::path(get, path = "/api/v1/vouchers/{id}", tag = "vouchers", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Voucher id")),
    responses((status = 200, body = VoucherOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_voucher(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<VoucherOut>> {
    vouchers::get(&state.db, &caller, id).await.map(AppJson)
}

/// Approve (issue, reserving its value) or refuse an application (operators).
#[utoipa::path(post, path = "/api/v1/vouchers/{id}/decision", tag = "vouchers", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Voucher id")), request_body = VoucherDecisionIn,
    responses((status = 200, body = VoucherOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn decide(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<VoucherDecisionIn>,
) -> ApiResult<AppJson<VoucherOut>> {
    vouchers::decide(&state.db, &caller, id, input)
        .await
        .map(AppJson)
}

/// Spend the voucher on one of your organisation's accepted service orders (once).
#[utoipa::path(post, path = "/api/v1/vouchers/{id}/redemptions", tag = "vouchers", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Voucher id")), request_body = RedemptionIn,
    responses((status = 200, body = VoucherOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn redeem(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<RedemptionIn>,
) -> ApiResult<AppJson<VoucherOut>> {
    vouchers::redeem(&state.db, &caller, id, input)
        .await
        .map(AppJson)
}

/// Spend the voucher on a signed technology contract your organisation is the buyer of, when
/// the programme pays contracts (once). It pays the programme's rule on the contract amount,
/// never more than vouchers have left unpaid of it; the seller claims it.
#[utoipa::path(post, path = "/api/v1/vouchers/{id}/contract-redemptions", tag = "vouchers", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Voucher id")), request_body = ContractRedemptionIn,
    responses((status = 200, body = VoucherOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json"),
        (status = 413, body = Problem, content_type = "application/problem+json"),
        (status = 415, body = Problem, content_type = "application/problem+json"),
        (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn redeem_contract(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<ContractRedemptionIn>,
) -> ApiResult<AppJson<VoucherOut>> {
    vouchers::redeem_contract(&state.db, &caller, id, input)
        .await
        .map(AppJson)
}

/// Claim what the voucher paid (the provider once the order is confirmed; the seller of the
/// contract it paid while the contract stands).
#[utoipa::path(post, path = "/api/v1/vouchers/{id}/claim", tag = "vouchers", security(("bearer" = [])),
    params(("id" = Uuid, Path, description = "Voucher id")),
    responses((status = 200, body = VoucherOut), (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 401, body = Problem, content_type = "application/problem+json"),
        (status = 403, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn claim(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<VoucherOut>> {
    vouchers::claim(&state.db, &caller, id).await.map(AppJson)
}
