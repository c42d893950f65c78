//! What every handler and job can reach: the database, the search index and the configuration.

use std::sync::Arc;

use axum::extract::FromRef;
use sea_orm::DatabaseConnection;
use search::SearchIndex;

use crate::config::{Config, SearchBackendKind, SearchConfig};

/// Shared state of one process. Cheap to clone (everything is behind `Arc` or a pool).
#[derive(Clone)]
pub struct AppState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub search: Arc<dyn SearchIndex>,
    /// Signs of life of this process's job worker, for `/readyz`.
    pub worker_health: Arc<crate::jobs::worker::WorkerHealth>,
    /// Where password hashing runs (off the async runtime, bounded).
    pub passwords: crate::auth::PasswordGate,
}

impl AppState {
    pub fn new(db: DatabaseConnection, config: Config, search: Arc<dyn SearchIndex>) -> Self {
        Self {
            db,
            passwords: crate::auth::PasswordGate::from_config(&config.auth),
            config: Arc::new(config),
            search,
            worker_health: Arc::default(),
        }
    }
}

/// Opens the configured search backend: the embedded index under `search.index_dir`, or the
/// Meilisearch server at `search.meili_url`.
pub async fn open_search(config: &SearchConfig) -> anyhow::Result<Arc<dyn SearchIndex>> {
    match config.backend {
        SearchBackendKind::Embedded => {
            let index = search::embedded::EmbeddedIndex::open(&config.index_dir)?;
            Ok(Arc::new(index))
        }
        SearchBackendKind::Meilisearch => {
            use secrecy::ExposeSecret;
            let url = config
                .meili_url
                .as_deref()
                .ok_or_else(|| anyhow::anyhow!("search.meili_url is required for Meilisearch"))?;
            let key = config
                .meili_api_key
                .as_ref()
                .map(|k| k.expose_secret().to_owned());
            let index =
                search::meili::MeiliIndex::connect(url, key.as_deref(), &config.index_prefix)
                    .await?;
            Ok(Arc::new(index))
        }
    }
}

impl FromRef<AppState> for DatabaseConnection {
    fn from_ref(state: &AppState) -> Self {
        state.db.clone()
    }
}

impl FromRef<AppState> for Arc<Config> {
    fn from_ref(state: &AppState) -> Self {
        state.config.clone()
    }
}
