//! (being written)

use axum::Router;

use crate::Portal;

pub fn routes() -> Router<Portal> {
    Router::new()
}
