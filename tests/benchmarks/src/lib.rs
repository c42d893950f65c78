//! The benchmarks, in a crate of their own so that no service library (and so no `techmarket`
//! binary) compiles them: `cargo bench -p benchmarks --bench search|matching|turnover|registration_office`. Each
//! module is what its `benches/` harness calls; the harnesses print, nothing is asserted.

pub mod listing_search;
pub mod need_matching;
pub mod registration_import;
pub mod short_queries;
pub mod turnover;
pub mod vector_search;
pub mod vouchers;
