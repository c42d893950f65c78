//! The matching vocabulary: what each party of a match has done with it.

vocabulary! {
    /// One party's handling of a match (the need's side and the achievement's side each have one).
    pub enum MatchSideStatus {
        New = "new",
        Shortlisted = "shortlisted",
        Dismissed = "dismissed",
        Contacted = "contacted",
        Converted = "converted",
    }
}

vocabulary! {
    /// Who gave feedback on a match.
    pub enum FeedbackParty {
        NeedOwner = "need_owner",
        AchievementOwner = "achievement_owner",
        Broker = "broker",
    }
}

vocabulary! {
    /// A party's verdict on a match.
    pub enum Verdict {
        Good = "good",
        Poor = "poor",
    }
}

vocabulary! {
    /// Why a party finds a match poor (typed, so owners can act on it).
    pub enum DeclineReason {
        TooEarly = "too_early",
        BenefitUnclear = "benefit_unclear",
        Price = "price",
        IpUnclear = "ip_unclear",
        NotRelevant = "not_relevant",
        /// Said in the comment.
        Other = "other",
    }
}

vocabulary! {
    /// What a saved search watches: new listings like a query, or new matches of a listing.
    pub enum AlertKind {
        Search = "search",
        NewMatches = "new_matches",
    }
}

vocabulary! {
    /// What an in-app notification is about (a notification's `kind`).
    pub enum NotificationKind {
        NewMatches = "new_matches",
        MatchFeedback = "match_feedback",
        SavedSearch = "saved_search",
        ListingExpiring = "listing_expiring",
        DealOpened = "deal_opened",
        /// Another organisation's bid beat yours.
        AuctionOutbid = "auction_outbid",
        /// An auction you lodged a deposit for has ended.
        AuctionEnded = "auction_ended",
        /// An auction you lodged a deposit for was cancelled; your deposit is to be refunded.
        AuctionCancelled = "auction_cancelled",
        /// An operator recorded that your deposit was paid back.
        DepositRefunded = "deposit_refunded",
    }
}
