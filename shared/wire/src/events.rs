//! The payloads of the jobs one service enqueues and another consumes: the words the services
//! agree on between processes. The enqueue machinery, names and queues stay in
//! `platform::jobs` (`platform::jobs::events` gives each payload its versioned name); a payload
//! change is a new version there.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::vocabulary::ListingKind;

/// A write handed to the search index: the backend's task number while it may not be visible
/// yet, `None` when it already is. Small and serialisable, so a job can pass it on to the
/// reader that must wait for it (`search::SearchIndex::settle`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submitted(pub Option<u64>);

impl Submitted {
    /// A write that is visible already (the embedded index applies before it answers).
    pub const VISIBLE: Self = Self(None);
}

/// Bring the search index in line with a listing's current row (upsert with its vectors, or
/// delete). Enqueued by listing when a listing changes, and by matching when a listing's
/// vectors changed and the index holds vectors (Meilisearch with a declared embedder);
/// consumed by listing, which alone writes the index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncSearch {
    pub kind: ListingKind,
    pub id: Uuid,
}

/// A published listing expires soon: its organisation's members get a reminder
/// (enqueued by listing, consumed by matching, which owns notifications).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingExpiring {
    pub kind: ListingKind,
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub title: String,
    pub valid_until: NaiveDate,
}

/// A listing's search document was just brought up to date (upserted or removed): matches
/// that involve it are recomputed or retired. Enqueued by the search-index job, so matching
/// always retrieves from an index that already reflects the change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListingIndexed {
    pub kind: ListingKind,
    pub id: Uuid,
    /// The index write to wait for before retrieving; absent in jobs enqueued before it
    /// existed, and when there is nothing to wait for.
    // Old payloads lack it: they read as "nothing to wait for".
    #[serde(default)]
    pub index_write: Submitted,
}

/// An organisation joined or was verified with a credit code: contracts recorded with a party
/// off the platform under that code now name the organisation (enqueued by listing, consumed
/// by deal, which owns contracts and recorded parties).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationJoined {
    pub organisation_id: Uuid,
}

/// An achievement was sold at a listed price or by auction (enqueued by deal with the deal it
/// opened, consumed by listing, which owns achievements and closes the listing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AchievementSold {
    pub achievement_id: Uuid,
    pub deal_id: Uuid,
}

/// Something an auction's bidders should hear of: they were outbid, or it ended (enqueued by
/// deal, consumed by matching, which owns notifications). Each member of each organisation
/// gets one notification; `key` makes a retried job write none twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuctionNotice {
    pub auction_id: Uuid,
    /// `auction_outbid`, `auction_ended`, `auction_cancelled` or `deposit_refunded`.
    pub kind: crate::vocabulary::NotificationKind,
    pub organisation_ids: Vec<Uuid>,
    pub title: String,
    /// What happened, in words (zh and en).
    pub body: String,
    /// Unique per notice (e.g. the bid that outbid, or the close).
    pub key: String,
}
