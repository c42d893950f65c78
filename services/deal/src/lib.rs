//! The deal service: brokers, deals and their timeline, technology contracts, registrations,
//! payments, exchange rates, targets and turnover statistics.

use shared::jobs::Registry;
use shared::AppState;
use shared::openapi::BearerAuth;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Service name, used in logs, `application_name` and the audit log.
pub const SERVICE: &str = "deal";

/// URL prefixes the ingress routes to this service.
pub const API_PREFIXES: &[&str] = &[
    "/api/v1/brokers",
    "/api/v1/deals",
    "/api/v1/contracts",
    "/api/v1/registrations",
    "/api/v1/payments",
    "/api/v1/fx-rates",
    "/api/v1/stats",
    "/api/v1/targets",
];

#[derive(OpenApi)]
#[openapi(
    info(title = "TechMarket deal API", version = "1"),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

/// The service's routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
}

/// Handlers of the jobs this service consumes.
pub fn jobs() -> Registry<AppState> {
    Registry::new()
}
