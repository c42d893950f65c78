//! The matching service's rules over the database.

pub mod access;
pub mod alerts;
pub mod matches;
pub mod profiles;
pub mod recompute;
pub mod retention;
