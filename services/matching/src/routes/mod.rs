//! HTTP handlers of the matching service.

pub mod matches;
pub mod notifications;
