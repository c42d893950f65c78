//! What the deal service's handlers and jobs reach: the database, the configuration and the
//! document store (contract documents). It uses no search index.

use std::sync::Arc;

use axum::extract::FromRef;
use docstore::DocumentStore;
use platform::config::Config;
use platform::jobs::worker::WorkerHealth;
use platform::state::{AppState, CoreState};
use sea_orm::DatabaseConnection;

/// The deal service's state. Cheap to clone.
#[derive(Clone)]
pub struct DealState {
    pub db: DatabaseConnection,
    pub config: Arc<Config>,
    pub worker_health: Arc<WorkerHealth>,
    /// Contract documents (a directory in embedded mode, S3 in distributed mode).
    pub documents: Arc<dyn DocumentStore>,
}

impl DealState {
    pub fn new(core: CoreState, documents: Arc<dyn DocumentStore>) -> Self {
        Self {
            db: core.db,
            config: core.config,
            worker_health: core.worker_health,
            documents,
        }
    }
}

platform::core_parts!(DealState);

/// The embedded mode's process state holds everything the deal service uses.
impl FromRef<AppState> for DealState {
    fn from_ref(state: &AppState) -> Self {
        Self::new(CoreState::from_ref(state), state.documents.clone())
    }
}
