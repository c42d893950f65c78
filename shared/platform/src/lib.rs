//! What every TechMarket service agrees on: configuration, the database and its entities,
//! typed ids, money, the error envelope, authentication, the job queue and telemetry.
//!
//! Service rules do not live here: a module belongs in `shared` only when two services must
//! agree on it.

pub mod audit;
pub mod auth;
pub mod city_scope;
pub mod config;
pub mod countries;
pub mod db;
pub mod documents;
pub mod entity;
pub mod error;
pub mod extract;
pub mod fx;
pub mod http;
pub mod identifiers;
pub mod ids;
pub mod jobs;
pub mod json_column;
pub mod match_access;
pub mod money;
pub mod openapi;
pub mod paging;
pub mod serve;
pub mod state;
pub mod taxonomy;
pub mod telemetry;
pub mod upload;

pub use error::{ApiError, ApiResult};
pub use state::AppState;
