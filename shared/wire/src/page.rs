//! One page of a list and the query parameters that choose it, the same on every list endpoint.

use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A page of results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Number of items over all pages.
    pub total: u64,
    /// 1-based page number.
    pub page: u64,
    pub per_page: u64,
}

/// Paging of a list that has no other filter.
#[derive(Debug, Clone, Default, Serialize, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageParams {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}
