//! The listing service: organisations, people and their sessions, achievements, needs and open
//! calls, and the search index. It owns those tables; other services only read them.

pub mod domain;
pub mod routes;

use shared::jobs::Registry;
use shared::AppState;
use shared::openapi::BearerAuth;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

/// Service name, used in logs, `application_name` and the audit log.
pub const SERVICE: &str = "listing";

/// URL prefixes the ingress routes to this service.
pub const API_PREFIXES: &[&str] = &[
    "/api/v1/auth",
    "/api/v1/me",
    "/api/v1/orgs",
    "/api/v1/users",
    "/api/v1/invitations",
    "/api/v1/achievements",
    "/api/v1/needs",
    "/api/v1/open-calls",
    "/api/v1/search",
    "/api/v1/taxonomies",
    "/api/v1/imports",
    "/api/v1/exports",
    "/api/v1/reviews",
];

#[derive(OpenApi)]
#[openapi(
    info(title = "TechMarket listing API", version = "1"),
    tags(
        (name = "auth", description = "Sign-up, login, logout, the current user"),
        (name = "organisations", description = "Organisations, members and verification"),
    ),
    components(schemas(shared::error::Problem, shared::error::FieldError)),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

/// The service's routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::auth::router())
        .merge(routes::orgs::router())
}

/// Handlers of the jobs this service consumes.
pub fn jobs() -> Registry<AppState> {
    Registry::new()
}
