//! The listing service's rules. Functions take `&impl ConnectionTrait` so they run on the pool
//! or inside the caller's transaction alike.

pub mod accounts;
pub mod achievements;
pub mod agencies;
pub mod disclosure;
pub mod editing;
pub mod evaluations;
pub mod events;
pub mod imports;
pub mod index;
pub mod inventors;
pub mod invitations;
pub mod lifecycle;
pub mod listing_documents;
pub mod listings;
pub mod needs;
pub mod open_calls;
pub mod organisations;
pub mod partners;
pub mod patch;
pub mod retention;
pub mod revisions;
/// Spreadsheet reading and writing, shared with the registration office's intake.
pub use ::spreadsheet;
pub mod throttle;
pub mod translations;
