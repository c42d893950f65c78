//! Test support: fresh databases (SQLite file or PostgreSQL database per test), the whole
//! platform started in process on a free port, and an HTTP client that speaks to it.
//!
//! Every integration test runs twice, on SQLite and on PostgreSQL, through [`db_test!`].
//! PostgreSQL comes from `TEST_DATABASE_URL` (set by `scripts/with-postgres`); a PostgreSQL test
//! without it fails, it never passes by skipping.

pub mod auctions;
pub mod command;
pub mod db;
pub mod deals;
pub mod embedder;
pub mod http;
pub mod listings;
pub mod matching;
pub mod portal;
pub mod smtp;
pub mod soak;
pub mod topology;

pub use db::{Backend, TestDb};
pub use http::{TestApp, TestResponse};

/// Defines `mod $name { fn sqlite(); fn postgres(); }`: one test body run on both databases.
#[macro_export]
macro_rules! db_test {
    ($(#[$meta:meta])* async fn $name:ident($app:ident: TestApp) $body:block) => {
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            async fn run($app: $crate::TestApp) $body

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                run($crate::TestApp::spawn($crate::Backend::Sqlite).await).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                run($crate::TestApp::spawn($crate::Backend::Postgres).await).await;
            }
        }
    };
}
