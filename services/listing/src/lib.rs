//! The listing service: organisations, people and their sessions, achievements, needs and open
//! calls, and the search index. It owns those tables; other services only read them.

pub mod domain;
pub mod routes;
pub mod state;

pub use state::ListingState;

use chrono::{Duration, Utc};
use platform::jobs::events::ListingIndexed;
use platform::jobs::{enqueue_unique_at, Registry};
use platform::openapi::BearerAuth;
use sea_orm::ConnectionTrait;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use domain::events::{ExpireListings, SyncSearch};

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

/// How often the expiry sweep runs.
const EXPIRY_SWEEP_EVERY: Duration = Duration::hours(1);

#[derive(OpenApi)]
#[openapi(
    info(title = "TechMarket listing API", version = "1"),
    tags(
        (name = "auth", description = "Sign-up, login, logout, the current user"),
        (name = "organisations", description = "Organisations, members and verification"),
        (name = "achievements", description = "Research achievements (科技成果)"),
        (name = "needs", description = "Technology needs (技术需求) and open calls (揭榜挂帅)"),
        (name = "lifecycle", description = "Submission, review, withdrawal, renewal, closing"),
        (name = "translations", description = "A listing's text in other languages"),
        (name = "search", description = "Full-text search with filters and facets"),
        (name = "taxonomies", description = "Code lists: industries, regions, IP types, cooperation modes, TRL"),
        (name = "imports", description = "Bulk import from XLSX/CSV, exports, templates"),
    ),
    components(schemas(platform::error::Problem, platform::error::FieldError)),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

/// The service's routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<ListingState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::auth::router())
        .merge(routes::orgs::router())
        .merge(routes::achievements::router())
        .merge(routes::needs::router())
        .merge(routes::lifecycle::router())
        .merge(routes::reviews::router())
        .merge(routes::taxonomies::router())
        .merge(routes::search::router())
        .merge(routes::imports::router())
        .merge(routes::tto::router())
        .merge(routes::disclosure::router())
        .merge(routes::documents::router())
}

/// Handlers of the jobs this service consumes.
pub fn jobs() -> Registry<ListingState> {
    let mut registry = Registry::new();
    domain::retention::register(&mut registry);
    registry.register(|state: ListingState, job: SyncSearch| async move {
        let write =
            domain::index::sync_one(&state.db, state.search.as_ref(), job.kind, job.id).await?;
        // Matching retrieves from the index, so it hears of the change only once the index has it.
        platform::jobs::enqueue(
            &state.db,
            &ListingIndexed {
                kind: job.kind,
                id: job.id,
                index_write: write,
            },
        )
        .await?;
        Ok(())
    });
    registry.register(
        |state: ListingState, job: platform::jobs::events::AchievementSold| async move {
            domain::lifecycle::close_sold(&state.db, &job).await
        },
    );
    registry.register(
        |state: ListingState, job: domain::imports::ProcessImport| async move {
            domain::imports::process(&state.db, job.id, |_, _| {})
                .await
                .map(|_| ())
        },
    );
    registry.register(|state: ListingState, _job: ExpireListings| async move {
        let sweep = domain::lifecycle::sweep_expiry(&state.db, Utc::now().date_naive()).await?;
        if sweep.expired + sweep.reminded > 0 {
            tracing::info!(
                expired = sweep.expired,
                reminded = sweep.reminded,
                "expiry sweep"
            );
        }
        enqueue_unique_at(
            &state.db,
            &ExpireListings {},
            Utc::now() + EXPIRY_SWEEP_EVERY,
        )
        .await?;
        Ok(())
    });
    registry
}

/// Starts the periodic jobs' chains if none is waiting (run at start-up; harmless to repeat).
pub async fn schedule_periodic_jobs(db: &impl ConnectionTrait) -> anyhow::Result<()> {
    enqueue_unique_at(db, &ExpireListings {}, Utc::now()).await?;
    enqueue_unique_at(db, &domain::retention::PurgeListingRecords {}, Utc::now()).await?;
    Ok(())
}
