//! What the matching service's handlers and jobs reach: the database, the configuration and
//! the search index, which it only reads (with Meilisearch, through a search-only key).

use std::sync::Arc;

use axum::extract::FromRef;
use platform::config::Config;
use platform::jobs::worker::WorkerHealth;
use platform::state::{AppState, CoreState};
use sea_orm::DatabaseConnection;
use search::SearchIndex;

/// The matching service's state. Cheap to clone.
#[derive(Clone)]
pub struct MatchingState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    /// Read only: candidate retrieval and saved-search alerts.
    pub search: Arc<dyn SearchIndex>,
    pub worker_health: Arc<WorkerHealth>,
}

impl MatchingState {
    pub fn new(core: CoreState, search: Arc<dyn SearchIndex>) -> Self {
        Self {
            db: core.db,
            config: core.config,
            search,
            worker_health: core.worker_health,
        }
    }
}

platform::core_parts!(MatchingState);

/// The embedded mode's process state holds everything the matching service uses.
impl FromRef<AppState> for MatchingState {
    fn from_ref(state: &AppState) -> Self {
        Self {
            db: state.db.clone(),
            config: state.config.clone(),
            search: state.search.clone(),
            worker_health: state.worker_health.clone(),
        }
    }
}
