//! Typed ids live in the wire contract; re-exported here for the services' existing paths.

pub use wire::ids::*;
