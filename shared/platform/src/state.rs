//! The parts of a process's state, each service taking only the ones it uses.
//!
//! A database-backed service's state holds [`CoreState`]'s fields (database, configuration,
//! worker health) and whatever else it uses; shared code (health checks, the job worker, the
//! auth extractors) reaches those parts through axum's `FromRef`, so it works on any service's
//! state. The portal has none of it: it calls the APIs and opens no database or index.
//! [`AppState`] is everything one process can hold at once: the embedded mode (`techmarket
//! up`) and the tests build it and project each service's state out of it.

use std::sync::Arc;

use axum::extract::FromRef;
use docstore::DocumentStore;
use sea_orm::DatabaseConnection;
use search::SearchIndex;

use crate::auth::PasswordGate;
use crate::config::{
    Config, DocumentBackendKind, DocumentsConfig, SearchBackendKind, SearchConfig,
};
use crate::jobs::worker::WorkerHealth;

/// What every database-backed service shares: `/readyz`, `/metrics` and the job worker read it.
#[derive(Clone)]
pub struct CoreState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    /// Signs of life of this process's job worker, for `/readyz`.
    pub worker_health: Arc<WorkerHealth>,
}

impl CoreState {
    pub fn new(db: DatabaseConnection, config: Config) -> Self {
        Self {
            db,
            config: Arc::new(config),
            worker_health: Arc::default(),
        }
    }
}

/// Implements `FromRef<$state>` for [`CoreState`], [`DatabaseConnection`] and `Arc<Config>`
/// on a service state that has the fields `db`, `config` and `worker_health`.
#[macro_export]
macro_rules! core_parts {
    ($state:ty) => {
        impl ::axum::extract::FromRef<$state> for $crate::state::CoreState {
            fn from_ref(state: &$state) -> Self {
                $crate::state::CoreState {
                    db: state.db.clone(),
                    config: state.config.clone(),
                    worker_health: state.worker_health.clone(),
                }
            }
        }
        impl ::axum::extract::FromRef<$state> for ::sea_orm::DatabaseConnection {
            fn from_ref(state: &$state) -> Self {
                state.db.clone()
            }
        }
        impl ::axum::extract::FromRef<$state> for ::std::sync::Arc<$crate::config::Config> {
            fn from_ref(state: &$state) -> Self {
                state.config.clone()
            }
        }
    };
}

/// Everything one process may hold: the embedded mode runs every service in one process and
/// builds each service's state from this. Cheap to clone (everything is behind `Arc` or a pool).
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub search: Arc<dyn SearchIndex>,
    /// Signs of life of this process's job worker, for `/readyz`.
    pub worker_health: Arc<WorkerHealth>,
    /// Where password hashing runs (off the async runtime, bounded).
    pub passwords: PasswordGate,
    /// Uploaded documents: deal's contract documents (`contracts/` keys) and listing's achievement
    /// files (`listings/` keys).
    pub documents: Arc<dyn DocumentStore>,
    /// Search by meaning for `GET /api/v1/search`, when an embedder is configured: matching's,
    /// given by the process that composes the services (`techmarket`), so the listing service
    /// does not link the matching crate.
    pub meaning: Option<Arc<dyn search::MeaningSearch>>,
}

impl AppState {
    pub fn new(
        db: DatabaseConnection,
        config: Config,
        search: Arc<dyn SearchIndex>,
        documents: Arc<dyn DocumentStore>,
    ) -> Self {
        Self {
            db,
            passwords: PasswordGate::from_config(&config.auth),
            config: Arc::new(config),
            search,
            worker_health: Arc::default(),
            documents,
            meaning: None,
        }
    }
}

/// Opens the configured document store: the directory `documents.dir` (created if missing) or
/// the S3-compatible bucket with this process's keys. Nothing is sent over the network until
/// the first document is read or written.
pub fn open_documents(config: &DocumentsConfig) -> anyhow::Result<Arc<dyn DocumentStore>> {
    use secrecy::ExposeSecret;
    match config.backend {
        DocumentBackendKind::Directory => Ok(Arc::new(docstore::ObjectDocumentStore::directory(
            &config.dir,
        )?)),
        DocumentBackendKind::S3 => {
            let secret = |v: &Option<secrecy::SecretString>, key: &str| {
                v.as_ref()
                    .map(|s| s.expose_secret().to_owned())
                    .ok_or_else(|| anyhow::anyhow!("{key} is required for the s3 document store"))
            };
            let settings = docstore::S3Settings {
                endpoint: config.s3_endpoint.clone(),
                bucket: config.s3_bucket.clone().ok_or_else(|| {
                    anyhow::anyhow!("documents.s3_bucket is required for the s3 document store")
                })?,
                region: config.s3_region.clone(),
                access_key_id: secret(&config.s3_access_key_id, "documents.s3_access_key_id")?,
                secret_access_key: secret(
                    &config.s3_secret_access_key,
                    "documents.s3_secret_access_key",
                )?,
            };
            Ok(Arc::new(docstore::ObjectDocumentStore::s3(&settings)?))
        }
    }
}

impl FromRef<AppState> for Arc<dyn DocumentStore> {
    fn from_ref(state: &AppState) -> Self {
        state.documents.clone()
    }
}

core_parts!(AppState);

/// Opens the configured search backend: the embedded index under `search.index_dir`, or the
/// Meilisearch server at `search.meili_url` with this process's `search.meili_api_key` (in
/// production a key allowed only what the service does). It neither creates the index nor
/// changes its settings: that is `techmarket migrate`'s step ([`setup_search`]). `vectors`:
/// the embedding model matching is configured with, if any; Meilisearch then holds the
/// listings' vectors of that model and searches them (`migrate` declared the embedder), while
/// the embedded index ignores it (matching searches its own in-process vectors there).
pub async fn open_search(
    config: &SearchConfig,
    vectors: Option<search::VectorSpace>,
) -> anyhow::Result<Arc<dyn SearchIndex>> {
    match config.backend {
        SearchBackendKind::Embedded => {
            let index = search::embedded::EmbeddedIndex::open(&config.index_dir)?;
            Ok(Arc::new(index))
        }
        SearchBackendKind::Meilisearch => {
            let index = search::meili::MeiliIndex::open(
                meili_url(config)?,
                meili_key(config).as_deref(),
                &config.index_prefix,
            )?
            .with_vectors(vectors);
            Ok(Arc::new(index))
        }
    }
}

/// Creates the Meilisearch index and applies its settings (`techmarket migrate`), so no
/// service needs a key that may change them. `search.meili_api_key` must be the master key:
/// the step also makes sure the services' least-privilege keys exist and returns them, for
/// the operator to hand out. The embedded index has no keys and is created by the process
/// that opens it (`techmarket up`): `None`. With `vector_dimensions` (matching has an embedder
/// configured) the Meilisearch index also declares the user-provided embedder its documents'
/// vectors are searched by (issue #13's distributed mode).
pub async fn setup_search(
    config: &SearchConfig,
    vector_dimensions: Option<usize>,
) -> anyhow::Result<Option<search::meili::ServiceKeys>> {
    match config.backend {
        SearchBackendKind::Embedded => Ok(None),
        SearchBackendKind::Meilisearch => {
            let url = meili_url(config)?;
            let key = meili_key(config);
            search::meili::MeiliIndex::setup_with_vectors(
                url,
                key.as_deref(),
                &config.index_prefix,
                vector_dimensions,
            )
            .await?;
            let keys =
                search::meili::ServiceKeys::ensure(url, key.as_deref(), &config.index_prefix)
                    .await?;
            Ok(Some(keys))
        }
    }
}

fn meili_key(config: &SearchConfig) -> Option<String> {
    use secrecy::ExposeSecret;
    config
        .meili_api_key
        .as_ref()
        .map(|k| k.expose_secret().to_owned())
}

fn meili_url(config: &SearchConfig) -> anyhow::Result<&str> {
    config
        .meili_url
        .as_deref()
        .ok_or_else(|| anyhow::anyhow!("search.meili_url is required for Meilisearch"))
}

impl FromRef<AppState> for Arc<dyn SearchIndex> {
    fn from_ref(state: &AppState) -> Self {
        state.search.clone()
    }
}

impl FromRef<AppState> for PasswordGate {
    fn from_ref(state: &AppState) -> Self {
        state.passwords.clone()
    }
}
