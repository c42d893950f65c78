//! HTTP handlers of the matching service.

pub mod matches;
pub mod notifications;
pub mod saved_searches;
