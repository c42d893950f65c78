//! The listing service's rules. Functions take `&impl ConnectionTrait` so they run on the pool
//! or inside the caller's transaction alike.

pub mod accounts;
pub mod organisations;
