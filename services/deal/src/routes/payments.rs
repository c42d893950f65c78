//! `/api/v1/payments`: payments under a contract. Creation honours `Idempotency-Key`.

use crate::DealState;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use platform::auth::AuthUser;
use platform::error::{ApiResult, Problem};
use platform::extract::{parse_json, AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use uuid::Uuid;

use super::{json_response, to_json};
use crate::domain::idempotency::{self, Claim};
use crate::domain::payments::{self, PaidIn, PaymentIn, PaymentListParams, PaymentOut};
use crate::domain::Page;

/// The routes of this resource, with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::new()
        .routes(routes!(list_payments, create_payment))
        .routes(routes!(mark_paid))
}

/// A contract's payments.
#[utoipa::path(get, path = "/api/v1/payments", tag = "payments", security(("bearer" = [])), params(PaymentListParams),
    responses((status = 200, body = Page<PaymentOut>), (status = 404, body = Problem, content_type = "application/problem+json")))]
async fn list_payments(
    State(state): State<DealState>,
    caller: AuthUser,
    AppQuery(params): AppQuery<PaymentListParams>,
) -> ApiResult<AppJson<Page<PaymentOut>>> {
    payments::list(&state.db, &caller, &params)
        .await
        .map(AppJson)
}

/// Record a payment due or made. Send an `Idempotency-Key` header so a retry never pays twice.
#[utoipa::path(post, path = "/api/v1/payments", tag = "payments", security(("bearer" = [])), request_body = PaymentIn,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes retries safe: one payment per key")),
    responses((status = 201, body = PaymentOut), (status = 404, body = Problem, content_type = "application/problem+json"), (status = 409, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn create_payment(
    State(state): State<DealState>,
    caller: AuthUser,
    headers: HeaderMap,
    AppJson(body): AppJson<serde_json::Value>,
) -> ApiResult<Response> {
    let key = idempotency::key_from(&headers)?;
    let input: PaymentIn = parse_json(
        &serde_json::to_vec(&body).map_err(|e| platform::ApiError::BadRequest(e.to_string()))?,
    )?;
    match idempotency::claim(
        &state.db,
        caller.user_id.0,
        key,
        "POST",
        "/api/v1/payments",
        &body,
    )
    .await?
    {
        Claim::Replay { status, body } => Ok(json_response(status, body, true)),
        Claim::Fresh { txn, key_id } => {
            let p = payments::create(&txn, &caller, input).await?;
            let out = to_json(&payments::payment_out(p)?)?;
            idempotency::complete(&txn, key_id, StatusCode::CREATED, &out).await?;
            txn.commit().await?;
            Ok(json_response(StatusCode::CREATED, out, false))
        }
    }
}

/// Mark a due payment paid; `version` required.
#[utoipa::path(post, path = "/api/v1/payments/{id}/paid", tag = "payments", security(("bearer" = [])), params(("id" = Uuid, Path, description = "Payment id")),
    request_body = PaidIn,
    responses((status = 200, body = PaymentOut), (status = 409, body = Problem, content_type = "application/problem+json")))]
async fn mark_paid(
    State(state): State<DealState>,
    caller: AuthUser,
    AppPath(id): AppPath<Uuid>,
    AppJson(input): AppJson<PaidIn>,
) -> ApiResult<AppJson<PaymentOut>> {
    payments::mark_paid(&state.db, &caller, id, input)
        .await
        .and_then(payments::payment_out)
        .map(AppJson)
}
