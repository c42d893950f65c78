//! The deal service: brokers, deals and their timeline, technology contracts, registrations,
//! payments, exchange rates, targets and turnover statistics.

pub mod domain;
pub mod routes;
pub mod sample;
pub mod state;

pub use state::DealState;

use platform::jobs::Registry;
use platform::openapi::BearerAuth;
use tracing::Instrument;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use domain::stats::TurnoverChanged;

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
    "/api/v1/distribution",
    "/api/v1/offices",
    "/api/v1/certificates",
    "/api/v1/services",
    "/api/v1/service-orders",
    "/api/v1/voucher-programmes",
    "/api/v1/vouchers",
    "/api/v1/auctions",
    "/api/v1/price-listings",
];

#[derive(OpenApi)]
#[openapi(
    info(title = "TechMarket deal API", version = "1"),
    tags(
        (name = "brokers", description = "Technology brokers (技术经理人): profiles, certification, verification"),
        (name = "training", description = "Broker training (技术经理人培训): courses, classes, attendance hours, certificates"),
        (name = "deals", description = "Deals from match, inquiry or open-call award to registered contract; timeline, brokers, attribution ledger, publicity (公示)"),
        (name = "contracts", description = "Technology contracts (技术合同): types, amounts, cost lines, FX, milestones"),
        (name = "payments", description = "Payments under contracts"),
        (name = "registrations", description = "Contract registration (认定登记): decision, change (变更), cancellation (注销)"),
        (name = "offices", description = "Registration offices (登记机构): operators, queue, batch intake, reports, certificate check"),
        (name = "fx-rates", description = "Exchange rates to CNY with source and date"),
        (name = "targets", description = "Targets per year and indicator"),
        (name = "distribution", description = "Income distribution (收益分配): rules, the ledger, statements, the annual report"),
        (name = "services", description = "Service providers (中试, proof of concept, testing, evaluation, IP agency, consulting) and service orders"),
        (name = "vouchers", description = "Innovation vouchers (科技创新券): programmes, applications, redemption, claims, the ledger, reports"),
        (name = "stats", description = "Turnover, targets progress, ASEAN share, partner groups, broker performance, KPIs, exports"),
        (name = "auctions", description = "Listed-price sales (挂牌) and English auctions (竞价): deposits, bids, the hash-chained bid log and its check"),
    ),
    components(schemas(platform::error::Problem, platform::error::FieldError)),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

/// The service's routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<DealState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::brokers::router())
        .merge(routes::training::router())
        .merge(routes::deals::router())
        .merge(routes::contracts::router())
        .merge(routes::documents::router())
        .merge(routes::order_documents::router())
        .merge(routes::payments::router())
        .merge(routes::registrations::router())
        .merge(routes::offices::router())
        .merge(routes::fx_rates::router())
        .merge(routes::targets::router())
        .merge(routes::stats::router())
        .merge(routes::distribution::router())
        .merge(routes::services::router())
        .merge(routes::vouchers::router())
        .merge(routes::auctions::router())
        .merge(routes::price_listings::router())
}

/// Starts the periodic jobs' chains if none is waiting (run at start-up; harmless to repeat).
pub async fn schedule_periodic_jobs(db: &impl sea_orm::ConnectionTrait) -> anyhow::Result<()> {
    platform::jobs::enqueue_unique_at(
        db,
        &domain::retention::PurgeDealRecords {},
        chrono::Utc::now(),
    )
    .await?;
    domain::stats::recompute_unnamed(db).await?;
    Ok(())
}

/// Handlers of the jobs this service consumes.
pub fn jobs() -> Registry<DealState> {
    let mut registry = Registry::new();
    domain::retention::register(&mut registry);
    registry.register(
        |state: DealState, job: domain::auctions::closing::CloseAuction| async move {
            domain::auctions::closing::run(&state.db, &job).await
        },
    );
    registry.register(|state: DealState, job: TurnoverChanged| {
        let span = tracing::info_span!("recompute_turnover", stats.months = ?job.months);
        async move {
            for month in &job.months {
                domain::stats::recompute_month(&state.db, month).await?;
            }
            Ok(())
        }
        .instrument(span)
    });
    registry.register(
        |state: DealState, job: domain::registration_imports::ProcessRegistrationImport| {
            let span = tracing::info_span!("process_registration_import", import.id = %job.id);
            async move {
                domain::registration_imports::process(&state.db, &state.config.deal, job.id)
                    .await?;
                Ok(())
            }
            .instrument(span)
        },
    );
    registry.register(
        |state: DealState, job: platform::jobs::events::OrganisationJoined| {
            let span =
                tracing::info_span!("link_recorded_parties", organisation.id = %job.organisation_id);
            async move {
                domain::parties::link_organisation(&state.db, job.organisation_id).await?;
                Ok(())
            }
            .instrument(span)
        },
    );
    registry
}
