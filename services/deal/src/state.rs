//! What the deal service's handlers and jobs reach: the database and the configuration. It
//! uses no search index.

use std::sync::Arc;

use axum::extract::FromRef;
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
}

impl DealState {
    pub fn new(core: CoreState) -> Self {
        Self {
            db: core.db,
            config: core.config,
            worker_health: core.worker_health,
        }
    }
}

platform::core_parts!(DealState);

/// The embedded mode's process state holds everything the deal service uses.
impl FromRef<AppState> for DealState {
    fn from_ref(state: &AppState) -> Self {
        Self::new(CoreState::from_ref(state))
    }
}
