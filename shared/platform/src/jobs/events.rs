//! Jobs one service enqueues and another consumes: their payloads are the contract between
//! services, so they live here. Names are versioned; a payload change is a new version.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Job;

/// A published listing expires soon: its organisation's members get a reminder
/// (enqueued by listing, consumed by matching, which owns notifications).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListingExpiring {
    /// `achievement` or `need`.
    pub kind: String,
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub title: String,
    pub valid_until: NaiveDate,
}

impl Job for ListingExpiring {
    const NAME: &'static str = "listing_expiring.v1";
    const QUEUE: &'static str = "notify";
}

/// A listing's search document was just brought up to date (upserted or removed): matches
/// that involve it are recomputed or retired. Enqueued by the search-index job, so matching
/// always retrieves from an index that already reflects the change.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ListingIndexed {
    /// `achievement` or `need`.
    pub kind: String,
    pub id: Uuid,
    /// The index write to wait for before retrieving (`SearchIndex::settle`); absent in jobs
    /// enqueued before it existed, and when there is nothing to wait for.
    #[serde(default)]
    pub index_write: search::Submitted,
}

impl Job for ListingIndexed {
    const NAME: &'static str = "listing_indexed.v1";
    const QUEUE: &'static str = "matching";
}

/// An organisation joined or was verified with a credit code: contracts recorded with a party
/// off the platform under that code now name the organisation (enqueued by listing, consumed
/// by deal, which owns contracts and recorded parties).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OrganisationJoined {
    pub organisation_id: Uuid,
}

impl Job for OrganisationJoined {
    const NAME: &'static str = "organisation_joined.v1";
    const QUEUE: &'static str = "registrations";
}
