//! Jobs one service enqueues and another consumes. Their payloads are the contract between
//! services and live in `wire::events`; here they get their versioned names and queues.

use super::Job;

pub use wire::events::{
    AchievementSold, AuctionNotice, ListingExpiring, ListingIndexed, OrganisationJoined, SyncSearch,
};

impl Job for SyncSearch {
    const NAME: &'static str = "search_sync.v1";
    const QUEUE: &'static str = "search";
}

impl Job for ListingExpiring {
    const NAME: &'static str = "listing_expiring.v1";
    const QUEUE: &'static str = "notify";
}

impl Job for ListingIndexed {
    const NAME: &'static str = "listing_indexed.v1";
    const QUEUE: &'static str = "matching";
}

impl Job for OrganisationJoined {
    const NAME: &'static str = "organisation_joined.v1";
    const QUEUE: &'static str = "registrations";
}

impl Job for AchievementSold {
    const NAME: &'static str = "achievement_sold.v1";
    const QUEUE: &'static str = "search";
}

impl Job for AuctionNotice {
    const NAME: &'static str = "auction_notice.v1";
    const QUEUE: &'static str = "notify";
}
