//! `/api/v1/registrations`: contract registration (认定登记), its decision, changes (变更) and
//! cancellation (注销).

use crate::DealState;
use axum::extract::State;
use axum::http::StatusCode;
use platform::auth::AuthUser;
use platform::error::{ApiResult, Problem};
use platform::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use crate::domain::deals::PageParams;
use crate::domain::registrations::{
    self, CancelRegistrationIn, ChangeIn, DecisionIn, HistoryEntry, RegistrationIn,
    RegistrationListParams, RegistrationOut,
};
use crate::domain::Page;

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_registrations, submit))
        .routes(routes!(get_registration))
        .routes(routes!(decide))
        .routes(routes!(change))
        .routes(routes!(cancel))
        .routes(routes!(history))
}

/// Registrations of contracts you may see (operators: all, e.g. `status=submitted`).
#[utoipa::path(get, path = "/api/v1/registrations", tag = "registrations", security(("bearer" = [])), params(RegistrationListParams),
    responses((status = 200, body = Page<RegistrationOut>)))]
async fn list_registrations(
    State(state): State<DealState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<RegistrationListParams>,
) -> ApiResult<AppJson<Page<RegistrationOut>>> {
    registrations::list(&state.db, &caller, &params)
        .await
        .map(AppJson)
}

/// Submit a signed contract for registration (or resubmit after a rejection).
#[utoipa::path(post, path = "/api/v1/registrations", tag = "registrations", security(("bearer" = [])), request_body = RegistrationIn,
    responses((status = 201, body = RegistrationOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn submit(
    State(state): State<DealState>,
    caller: AuthUser,
    AppJson(input): AppJson<RegistrationIn>,
) -> ApiResult<(StatusCode, AppJson<RegistrationOut>)> {
    let r = registrations::submit(&state.db, &caller, input).await?;
    Ok((
        StatusCode::CREATED,
        AppJson(registrations::to_out(&state.db, r).await?),
    ))
}

/// One registration.
#[utoipa::path(get, path = "/api/v1/registrations/{id}", tag = "registrations", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Registration id")),
    responses((status = 200, body = RegistrationOut), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn get_registration(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
) -> ApiResult<AppJson<RegistrationOut>> {
    let r = registrations::get(&state.db, &caller, id).await?;
    registrations::to_out(&state.db, r).await.map(AppJson)
}

/// Register (number, office, date) or reject (reason) a submitted contract (operators).
#[utoipa::path(post, path = "/api/v1/registrations/{id}/decision", tag = "registrations", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Registration id")),
    request_body = DecisionIn,
    responses((status = 200, body = RegistrationOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn decide(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<DecisionIn>,
) -> ApiResult<AppJson<RegistrationOut>> {
    let r = registrations::decide(&state.db, &state.config.deal, &caller, id, input).await?;
    registrations::to_out(&state.db, r).await.map(AppJson)
}

/// Record a change (变更) to a registered contract (operators).
#[utoipa::path(post, path = "/api/v1/registrations/{id}/change", tag = "registrations", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Registration id")),
    request_body = ChangeIn,
    responses((status = 200, body = RegistrationOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn change(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<ChangeIn>,
) -> ApiResult<AppJson<RegistrationOut>> {
    let r = registrations::change(&state.db, &caller, id, input).await?;
    registrations::to_out(&state.db, r).await.map(AppJson)
}

/// Cancel (注销) a registration (operators): the contract stops counting.
#[utoipa::path(post, path = "/api/v1/registrations/{id}/cancel", tag = "registrations", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Registration id")),
    request_body = CancelRegistrationIn,
    responses((status = 200, body = RegistrationOut), (status = 403, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn cancel(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<CancelRegistrationIn>,
) -> ApiResult<AppJson<RegistrationOut>> {
    let r = registrations::cancel(&state.db, &caller, id, input).await?;
    registrations::to_out(&state.db, r).await.map(AppJson)
}

/// The registration's history: submission, decision, changes (变更), cancellation (注销).
#[utoipa::path(get, path = "/api/v1/registrations/{id}/history", tag = "registrations", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Registration id"), PageParams),
    responses((status = 200, body = Page<HistoryEntry>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn history(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppQuery(params): AppQuery<PageParams>,
) -> ApiResult<AppJson<Page<HistoryEntry>>> {
    registrations::history(&state.db, &caller, id, params.page, params.per_page)
        .await
        .map(AppJson)
}
