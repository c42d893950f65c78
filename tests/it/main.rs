//! The one integration-test binary: every module drives the real services over HTTP on real
//! databases, SQLite and PostgreSQL (see `integration_tests::db_test!`).

mod accounts;
mod auctions;
mod auth;
mod authorisation;
mod authz_matrix;
mod backup;
mod bad_input;
mod crash_safety;
mod dashboard;
mod deal_authority;
mod deals;
mod deploy;
mod disclosure;
mod documents;
mod embeddings;
mod hostile_files;
mod hostile_versions;
mod imports;
mod jobs;
mod listings;
mod matching;
mod meilisearch_keys;
mod migrations;
mod office;
mod portal;
mod portal_broker;
mod portal_console;
mod portal_my;
mod portal_translations;
mod retention;
mod revisions;
mod security_headers;
mod techmarket_command;
mod topology;
mod tto;
