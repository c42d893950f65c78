//! What the listing service's handlers and jobs reach: the database, the configuration, the
//! search index (which it alone writes), the password gate (it alone checks passwords), the
//! document store (an achievement's dossier files, grant documents and evaluation reports,
//! under its own `listings/` keys) and, with an embedder, search by meaning.

use std::sync::Arc;

use axum::extract::FromRef;
use docstore::DocumentStore;
use platform::auth::PasswordGate;
use platform::config::Config;
use platform::jobs::worker::WorkerHealth;
use platform::state::{AppState, CoreState};
use sea_orm::DatabaseConnection;
use search::{MeaningSearch, SearchIndex};

/// The listing service's state. Cheap to clone.
#[derive(Clone)]
pub struct ListingState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    /// With Meilisearch, opened with a key that may write documents and nothing more.
    pub search: Arc<dyn SearchIndex>,
    /// Where password hashing runs (off the async runtime, bounded).
    pub passwords: PasswordGate,
    pub worker_health: Arc<WorkerHealth>,
    /// Achievements' files (a directory in embedded mode, S3 in distributed mode).
    pub documents: Arc<dyn DocumentStore>,
    /// Search by meaning for `/api/v1/search`, when an embedder is configured (matching's, given
    /// by the process: [`ListingState::with_meaning`]); `None`: full text only.
    pub meaning: Option<Arc<dyn MeaningSearch>>,
}

impl ListingState {
    pub fn new(
        core: CoreState,
        search: Arc<dyn SearchIndex>,
        documents: Arc<dyn DocumentStore>,
    ) -> Self {
        Self {
            passwords: PasswordGate::from_config(&core.config.auth),
            db: core.db,
            config: core.config,
            search,
            worker_health: core.worker_health,
            documents,
            meaning: None,
        }
    }

    /// This state with search by meaning.
    #[must_use]
    pub fn with_meaning(mut self, meaning: Option<Arc<dyn MeaningSearch>>) -> Self {
        self.meaning = meaning;
        self
    }
}

platform::core_parts!(ListingState);

/// The embedded mode's process state holds everything the listing service uses.
impl FromRef<AppState> for ListingState {
    fn from_ref(state: &AppState) -> Self {
        Self {
            db: state.db.clone(),
            config: state.config.clone(),
            search: state.search.clone(),
            passwords: state.passwords.clone(),
            worker_health: state.worker_health.clone(),
            documents: state.documents.clone(),
            meaning: state.meaning.clone(),
        }
    }
}
