//! The matching service: need ↔ achievement matches with their reasons, feedback, saved
//! searches and notifications. Reads listings; writes only its own tables.

pub mod domain;
pub mod embedding;
pub mod engine;
pub mod eval;
pub mod notifications;
pub mod routes;
pub mod settings;
pub mod state;

pub use state::MatchingState;

use platform::jobs::events::{ListingExpiring, ListingIndexed};
use platform::jobs::Registry;
use platform::openapi::BearerAuth;
use tracing::Instrument;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use wire::ListingKind;

/// Service name, used in logs, `application_name` and the audit log.
pub const SERVICE: &str = "matching";

/// URL prefixes the ingress routes to this service. Besides these it answers
/// `/api/v1/needs/{id}/matches`, `/api/v1/achievements/{id}/matches` and
/// `/api/v1/brokers/me/worklist`, which the ingress routes by pattern.
pub const API_PREFIXES: &[&str] = &[
    "/api/v1/matches",
    "/api/v1/notifications",
    "/api/v1/saved-searches",
];

#[derive(OpenApi)]
#[openapi(
    info(title = "TechMarket matching API", version = "1"),
    tags(
        (name = "matching", description = "Need ↔ achievement matches with reasons, feedback, broker worklist"),
        (name = "notifications", description = "In-app notifications"),
    ),
    modifiers(&BearerAuth),
)]
struct ApiDoc;

/// The service's routes with their OpenAPI description.
pub fn router() -> OpenApiRouter<MatchingState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(routes::matches::router())
        .merge(routes::notifications::router())
        .merge(routes::saved_searches::router())
}

/// Saved-search alerts for a listing that was just published or changed.
async fn alert_saved_searches(state: &MatchingState, job: &ListingIndexed) -> anyhow::Result<()> {
    use sea_orm::EntityTrait;
    let (live, title) = match job.kind {
        ListingKind::Need => match platform::entity::needs::Entity::find_by_id(job.id)
            .one(&state.db)
            .await?
        {
            Some(n) => (domain::profiles::live(&n.status, n.valid_until), n.title),
            None => return Ok(()),
        },
        ListingKind::Achievement => {
            match platform::entity::achievements::Entity::find_by_id(job.id)
                .one(&state.db)
                .await?
            {
                Some(a) => (domain::profiles::live(&a.status, a.valid_until), a.title),
                None => return Ok(()),
            }
        }
    };
    if live {
        domain::alerts::run_search_alerts(
            &state.db,
            state.search.as_ref(),
            state.config.email.enabled,
            job.kind,
            job.id,
            &title,
        )
        .await?;
    }
    Ok(())
}

/// Starts the periodic jobs' chains if none is waiting (run at start-up; harmless to repeat).
pub async fn schedule_periodic_jobs(db: &impl sea_orm::ConnectionTrait) -> anyhow::Result<()> {
    platform::jobs::enqueue_unique_at(
        db,
        &domain::retention::PurgeMatchingRecords {},
        chrono::Utc::now(),
    )
    .await?;
    Ok(())
}

/// Handlers of the jobs this service consumes.
pub fn jobs() -> Registry<MatchingState> {
    let mut registry = Registry::new();
    domain::retention::register(&mut registry);
    registry.register(|state: MatchingState, job: ListingExpiring| async move {
        notifications::listing_expiring(&state.db, &job).await
    });
    registry.register(
        |state: MatchingState, job: platform::jobs::events::AuctionNotice| async move {
            notifications::auction_notice(&state.db, &job).await
        },
    );
    registry.register(|state: MatchingState, job: ListingIndexed| {
        let span = tracing::info_span!("recompute_matches", listing.kind = %job.kind, listing.id = %job.id);
        async move {
            // The listing's write may be submitted but not yet visible (Meilisearch applies
            // queued writes in batches): retrieve only once it is.
            state.search.settle(job.index_write).await?;
            let weights = &settings::MatchingConfig::from_config(&state.config)?;
            let email = state.config.email.enabled;
            let semantic = embedding::jobs::Semantic::from_config(&state.config, weights)?
                .map(|s| s.with_search(&state.search, &state.db));
            let done = match job.kind {
                ListingKind::Need => domain::recompute::recompute_need_hybrid(&state.db, state.search.as_ref(), weights, email, job.id, semantic.as_ref()).await?,
                ListingKind::Achievement => domain::recompute::recompute_achievement_hybrid(&state.db, state.search.as_ref(), weights, email, job.id, semantic.as_ref()).await?,
            };
            if semantic.is_some() {
                // The text may have changed: its vectors are brought up to date by their own
                // job, so an embedder that is down delays only them, not the lexical matches.
                platform::jobs::enqueue(&state.db, &embedding::jobs::EmbedListing { kind: job.kind, id: job.id }).await?;
            }
            alert_saved_searches(&state, &job).await?;
            tracing::debug!(listing.id = %job.id, created = done.created, updated = done.updated, retired = done.retired, "matches recomputed");
            Ok(())
        }
        .instrument(span)
    });
    registry.register(
        |state: MatchingState, job: embedding::jobs::EmbedListing| async move {
            embedding::jobs::run(&state, &job).await
        },
    );
    registry.register(
        |state: MatchingState, job: domain::alerts::EmailNotification| async move {
            domain::alerts::send_email(&state.db, &state.config.email, job.notification_id).await
        },
    );
    registry
}
