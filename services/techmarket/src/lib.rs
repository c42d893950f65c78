//! The `techmarket` command's building blocks, public so the integration tests start exactly
//! what operators start.

pub mod backup;
pub mod embed_backfill;
pub mod sample;
pub mod sample_data;
pub mod sample_listings;

use std::sync::Arc;

use axum::extract::FromRef;
use deal::DealState;
use listing::ListingState;
use matching::MatchingState;
use platform::config::Config;
use platform::jobs::Registry;
use platform::state::CoreState;
use platform::AppState;
use sea_orm::DatabaseConnection;
use sea_orm_migration::MigratorTrait;
use utoipa_axum::router::OpenApiRouter;

/// Every service that `techmarket serve` can run; the deployment manifests must deploy each.
pub const SERVICES: &[&str] = &["listing", "matching", "deal", "portal"];

/// The API routes of every service, merged, each service on its own state taken from the
/// process's: what the embedded mode serves on one port.
pub fn all_apis(state: &AppState) -> OpenApiRouter {
    OpenApiRouter::new()
        .merge(listing::router().with_state(ListingState::from_ref(state)))
        .merge(matching::router().with_state(MatchingState::from_ref(state)))
        .merge(deal::router().with_state(DealState::from_ref(state)))
}

/// The OpenAPI document of every service's API, as one document.
pub fn api_document() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = listing::router().split_for_parts();
    doc.merge(matching::router().split_for_parts().1);
    doc.merge(deal::router().split_for_parts().1);
    set_title(&mut doc);
    doc
}

/// Every job handler of every service, each on its own state taken from the process's.
pub fn all_jobs() -> Registry<AppState> {
    let mut registry = Registry::new();
    registry
        .merge(listing::jobs().with_context(ListingState::from_ref))
        .merge(matching::jobs().with_context(MatchingState::from_ref))
        .merge(deal::jobs().with_context(DealState::from_ref));
    registry
}

/// The whole platform in one router (embedded mode), with its merged OpenAPI document.
pub fn embedded_app(state: AppState) -> (axum::Router, utoipa::openapi::OpenApi) {
    let server = state.config.server.clone();
    let health = platform::http::health_routes::<AppState>().with_state(state.clone());
    // The portal calls the same API routers in process (no socket), through the same
    // middleware any client meets.
    let (api_only, _) = platform::serve::build_app((), all_apis(&state), health.clone(), &server);
    let portal = portal::router(portal::Api::in_process(api_only), &state.config);
    let mut api = all_apis(&state);
    set_title(api.get_openapi_mut());
    platform::serve::build_app((), api, health.merge(portal), &server)
}

fn set_title(doc: &mut utoipa::openapi::OpenApi) {
    doc.info.title = "TechMarket API".to_owned();
    doc.info.version = env!("CARGO_PKG_VERSION").to_owned();
    doc.info.contact = None;
    doc.info.license = Some(utoipa::openapi::License::new("Apache-2.0"));
    doc.info.description = Some(
        "Listings (achievements, needs, open calls), matching, deals, contracts and \
         registration. Errors are RFC 9457 problem JSON with a stable `code`."
            .to_owned(),
    );
}

/// One database-backed service's application as `techmarket serve <service>` runs it: its
/// API on its own state, with the health endpoints.
pub fn service_app<S>(state: S, api: OpenApiRouter<S>) -> axum::Router
where
    S: Clone + Send + Sync + 'static,
    CoreState: FromRef<S>,
{
    let server = CoreState::from_ref(&state).config.server.clone();
    let (app, _) = platform::serve::build_app(state, api, platform::http::health_routes(), &server);
    app
}

/// The portal as `techmarket serve portal` runs it: its pages, calling the API through the
/// ingress, and the merged OpenAPI document (the ingress sends `/api/v1/openapi.json` to it).
/// It opens no database and no search index.
pub fn portal_app(config: &Config) -> anyhow::Result<axum::Router> {
    let Some(api_url) = config.portal.api_url.clone() else {
        anyhow::bail!(
            "portal.api_url is not set: the portal service calls the API through the ingress \
             (TECHMARKET_PORTAL__API_URL, for example http://ingress:8080)"
        );
    };
    // Only the document: the API routes themselves are served by their services.
    let docs_only = OpenApiRouter::with_openapi(api_document());
    let pages = portal::router(portal::Api::remote(&api_url), config)
        .merge(platform::http::stateless_health_routes());
    let (app, _) = platform::serve::build_app((), docs_only, pages, &config.server);
    Ok(app)
}

/// Runs `service` on `listener` until `shutdown`, opening only what it uses: the portal
/// nothing (it calls the APIs); every other service the database; listing and matching the
/// search index too (each with its own key); and a worker for the service's own queues.
pub async fn serve_service(
    config: Config,
    service: &str,
    listener: tokio::net::TcpListener,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    match service {
        portal::SERVICE => {
            let app = portal_app(&config)?;
            platform::serve::run_without_worker(listener, app, shutdown).await
        }
        listing::SERVICE => {
            let core = connect_core(config, service).await?;
            listing::schedule_periodic_jobs(&core.db).await?;
            let search = open_search(&core.config).await?;
            let meaning = matching::embedding::search::MeaningSearcher::from_config(
                &core.config,
                &core.db,
                &search,
            )?;
            // Dossier files, grant documents and evaluation reports.
            let documents = platform::state::open_documents(&core.config.documents)?;
            let state = ListingState::new(core, search, documents).with_meaning(meaning);
            let app = service_app(state.clone(), listing::router());
            platform::serve::run(listener, app, state, listing::jobs(), shutdown).await
        }
        matching::SERVICE => {
            let core = connect_core(config, service).await?;
            matching::schedule_periodic_jobs(&core.db).await?;
            let search = open_search(&core.config).await?;
            let state = MatchingState::new(core, search);
            let app = service_app(state.clone(), matching::router());
            platform::serve::run(listener, app, state, matching::jobs(), shutdown).await
        }
        deal::SERVICE => {
            let core = connect_core(config, service).await?;
            deal::schedule_periodic_jobs(&core.db).await?;
            // Contract documents. Listing opens the store too (its own namespace of keys);
            // matching and the portal never do.
            let documents = platform::state::open_documents(&core.config.documents)?;
            let state = DealState::new(core, documents);
            let app = service_app(state.clone(), deal::router());
            platform::serve::run(listener, app, state, deal::jobs(), shutdown).await
        }
        other => anyhow::bail!(
            "unknown service `{other}`: expected one of {}",
            SERVICES.join(", ")
        ),
    }
}

/// The database connection of a distributed service, refused on a schema behind the code.
async fn connect_core(config: Config, service: &str) -> anyhow::Result<CoreState> {
    let db = platform::db::connect(&config.database, service).await?;
    check_schema(&db).await?;
    Ok(CoreState::new(db, config))
}

/// Imports a spreadsheet from disk into `org` as its first admin (`techmarket import`), with
/// the same validation and report as the API.
pub async fn import_file(
    db: &DatabaseConnection,
    kind: &str,
    file: &std::path::Path,
    org: uuid::Uuid,
    valid_rows_only: bool,
    bar: indicatif::ProgressBar,
) -> anyhow::Result<listing::domain::imports::ImportOut> {
    use listing::domain::imports::{self, ImportKind, ImportMode};
    use listing::domain::spreadsheet::Format;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let Some(kind) = ImportKind::parse(kind) else {
        anyhow::bail!("unknown kind `{kind}`: use achievements or needs")
    };
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let format = Format::detect(None, &name)
        .ok_or_else(|| anyhow::anyhow!("{name}: expected a .csv or .xlsx file"))?;
    let content = std::fs::read(file)
        .map_err(|e| anyhow::anyhow!("Failed to read {}: {e}", file.display()))?;
    let admin = platform::entity::users::Entity::find()
        .filter(platform::entity::users::Column::OrganisationId.eq(org))
        .order_by_asc(platform::entity::users::Column::CreatedAt)
        .one(db)
        .await?
        .ok_or_else(|| {
            anyhow::anyhow!("organisation {org} has no members to own the imported listings")
        })?;
    let caller = platform::auth::AuthUser {
        user_id: admin.id.into(),
        token_id: uuid::Uuid::nil().into(),
        email: admin.email.clone(),
        display_name: admin.display_name.clone(),
        organisation_id: Some(org.into()),
        org_kind: None,
        org_role: None,
        is_operator: false,
        broker_id: None,
    };
    let mode = if valid_rows_only {
        ImportMode::ValidRowsOnly
    } else {
        ImportMode::AllOrNothing
    };
    let import = imports::start(db, &caller, kind, mode, format, &name, content)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let done = imports::process(db, import.id, |done, total| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    })
    .await?;
    bar.finish_and_clear();
    // The job queued by `start` finds the import finished and does nothing.
    Ok(done)
}

/// The vectors a Meilisearch index holds when matching has an embedder: that embedder's model
/// (see `platform::state::open_search`).
pub fn vector_space(config: &Config) -> anyhow::Result<Option<search::VectorSpace>> {
    Ok(matching::settings::MatchingConfig::from_config(config)?
        .embedder()
        .map(|e| e.vector_space()))
}

/// Opens the configured search backend for this configuration's embedder
/// ([`vector_space`]).
pub async fn open_search(config: &Config) -> anyhow::Result<Arc<dyn search::SearchIndex>> {
    platform::state::open_search(&config.search, vector_space(config)?).await
}

/// `state` with matching's search by meaning for the listing service, when an embedder is
/// configured (the embedded mode and the tests build their `AppState` through this).
pub fn with_meaning(mut state: AppState) -> anyhow::Result<AppState> {
    state.meaning = matching::embedding::search::MeaningSearcher::from_config(
        &state.config,
        &state.db,
        &state.search,
    )?;
    Ok(state)
}

/// Opens the embedded mode's search index. The index is derived data: one written by an older
/// binary with another schema is rebuilt from the database (and matches recomputed) instead of
/// refusing to start. Any other failure is reported as it is.
pub async fn open_search_rebuilding(
    config: &Config,
    db: &DatabaseConnection,
) -> anyhow::Result<Arc<dyn search::SearchIndex>> {
    match open_search(config).await {
        Ok(index) => Ok(index),
        Err(err)
            if config.search.backend == platform::config::SearchBackendKind::Embedded
                && search::embedded::is_schema_mismatch(&err) =>
        {
            tracing::warn!(error = %format!("{err:#}"), dir = %config.search.index_dir.display(), "search index has an older schema; rebuilding it from the database");
            std::fs::remove_dir_all(&config.search.index_dir).map_err(|e| {
                anyhow::anyhow!(
                    "Failed to remove the old index {}: {e}",
                    config.search.index_dir.display()
                )
            })?;
            let index = open_search(config).await?;
            let indexed = listing::domain::index::reindex(db, index.as_ref(), |_, _| {}).await?;
            let needs = enqueue_rematch(db).await?;
            tracing::info!(
                ?indexed,
                needs,
                "search index rebuilt; matches are being recomputed"
            );
            Ok(index)
        }
        Err(err) => Err(err),
    }
}

/// Queues a match recomputation for every published need (after sample data or an import).
pub async fn enqueue_rematch(db: &DatabaseConnection) -> anyhow::Result<usize> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let needs = platform::entity::needs::Entity::find()
        .filter(platform::entity::needs::Column::Status.eq(wire::ListingStatus::Published.as_str()))
        .all(db)
        .await?;
    for n in &needs {
        platform::jobs::enqueue(
            db,
            &platform::jobs::events::ListingIndexed {
                kind: wire::ListingKind::Need,
                id: n.id,
                // A rematch, not a write: nothing to wait for.
                index_write: Default::default(),
            },
        )
        .await?;
    }
    Ok(needs.len())
}

/// `techmarket eval`: indexes the corpus in a throw-away index (a temporary directory, or
/// with `meilisearch` a uniquely named index on the configured server, deleted afterwards),
/// runs every query, prints one JSON object (the last line) with overall and per-group
/// metrics.
pub async fn run_eval(
    config: &Config,
    corpus: &std::path::Path,
    queries: &std::path::Path,
    baseline: Option<&str>,
    split: Option<&str>,
    run_out: Option<&std::path::Path>,
    backend: platform::config::SearchBackendKind,
) -> anyhow::Result<()> {
    use matching::eval;
    use platform::config::SearchBackendKind;
    let ranker = match baseline {
        None => eval::Ranker::Matcher,
        Some("bm25") => eval::Ranker::Bm25,
        Some(other) => anyhow::bail!("unknown baseline `{other}`: only bm25"),
    };
    let docs: Vec<eval::CorpusDoc> = eval::read_jsonl(corpus)?;
    let mut qs: Vec<eval::EvalQuery> = eval::read_jsonl(queries)?;
    if let Some(split) = split {
        anyhow::ensure!(
            matches!(split, "tune" | "report"),
            "--split is tune or report"
        );
        qs.retain(|q| eval::in_split(&q.id, split));
    }
    let settings = matching::settings::MatchingConfig::from_config(config)?;
    let (report, run) = match backend {
        SearchBackendKind::Embedded => {
            let dir = tempfile_dir()?;
            let index = search::EmbeddedIndex::open(&dir)?;
            let result = async {
                eval::index_corpus(&index, &docs).await?;
                eval::evaluate(&index, &docs, &qs, ranker, &settings).await
            }
            .await;
            drop(index);
            let _ = std::fs::remove_dir_all(&dir);
            result?
        }
        SearchBackendKind::Meilisearch => {
            use secrecy::ExposeSecret;
            let url = config.search.meili_url.as_deref().ok_or_else(|| {
                anyhow::anyhow!(
                    "--backend meilisearch needs search.meili_url (TECHMARKET_SEARCH__MEILI_URL)"
                )
            })?;
            let key = config
                .search
                .meili_api_key
                .as_ref()
                .map(|k| k.expose_secret().to_owned());
            let prefix = format!("eval_{}", uuid::Uuid::now_v7().simple());
            let index = search::MeiliIndex::setup(url, key.as_deref(), &prefix).await?;
            let result = async {
                eval::index_corpus(&index, &docs).await?;
                eval::evaluate(&index, &docs, &qs, ranker, &settings).await
            }
            .await;
            if let Err(err) = index.drop_index().await {
                tracing::warn!(error = %format!("{err:#}"), index = index.uid(), "could not delete the evaluation index");
            }
            result?
        }
    };
    if let Some(path) = run_out {
        std::fs::write(path, run.join("\n") + "\n")
            .map_err(|e| anyhow::anyhow!("Failed to write {}: {e}", path.display()))?;
    }
    print_report(&report)
}

fn tempfile_dir() -> anyhow::Result<std::path::PathBuf> {
    let dir =
        std::env::temp_dir().join(format!("techmarket-eval-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

#[expect(clippy::print_stdout, reason = "the report is the command's output")]
fn print_report(report: &matching::eval::Report) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string(report)?);
    Ok(())
}

/// Applies every pending migration (embedded mode and `techmarket migrate`).
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<usize> {
    let pending = migrations::Migrator::get_pending_migrations(db)
        .await?
        .len();
    migrations::Migrator::up(db, None).await?;
    Ok(pending)
}

/// Refuses to start a distributed service on a schema that is behind its code. An applied
/// migration this binary does not know (an older binary mid-rollout) is only a warning.
pub async fn check_schema(db: &DatabaseConnection) -> anyhow::Result<()> {
    match migrations::Migrator::get_pending_migrations(db).await {
        Ok(pending) if pending.is_empty() => Ok(()),
        Ok(pending) => anyhow::bail!(
            "{} migration(s) pending (first: {}): run `techmarket migrate` before starting services",
            pending.len(),
            pending.first().map(|m| m.name().to_owned()).unwrap_or_default()
        ),
        Err(err) => {
            tracing::warn!(error = %err, "schema is newer than this binary; continuing");
            Ok(())
        }
    }
}
