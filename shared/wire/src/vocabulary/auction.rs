//! The vocabulary of sales at a stated price (挂牌) and English auctions (竞价): where a price
//! listing or an auction is, where a bidder's deposit (保证金) is, and why a bid is refused
//! (each refusal is the problem code a refused bid answers with).

vocabulary! {
    /// Where a listed-price sale (挂牌) is.
    pub enum PriceListingStatus {
        /// Open for a first commitment between its start and end.
        Open = "open",
        /// A buyer committed; a deal was opened at the price.
        Sold = "sold",
        /// Ended without a buyer.
        Ended = "ended",
        /// Withdrawn before a commitment, by the seller or an operator.
        Cancelled = "cancelled",
    }
}

vocabulary! {
    /// Where an auction is. `scheduled`, `open` and `closing` are read from the clock on a
    /// stored `active` row; `sold` and `no_sale` are stored when it is closed.
    pub enum AuctionStatus {
        /// Before its start.
        Scheduled = "scheduled",
        /// Taking bids.
        Open = "open",
        /// Past its end, waiting for the closing job.
        Closing = "closing",
        /// Closed with a winning bid at or above the reserve: a deal was opened.
        Sold = "sold",
        /// Closed without a bid at or above the reserve: no sale is recorded.
        NoSale = "no_sale",
        /// Called off before its end: by the seller before the first bid, or by an operator
        /// at any time with a reason. Deposits are marked for refund; no deal.
        Cancelled = "cancelled",
    }
}

impl AuctionStatus {
    /// Closed for good: no bid, deposit or change any more.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Sold | Self::NoSale | Self::Cancelled)
    }
}

vocabulary! {
    /// Where a bidder's deposit (保证金) is.
    pub enum DepositStatus {
        /// Recorded by an operator: the organisation may bid.
        Held = "held",
        /// The auction ended and the organisation did not win: to be paid back.
        RefundDue = "refund_due",
        /// The organisation won: the deposit counts toward the price.
        Applied = "applied",
        /// An operator recorded that the deposit was paid back (day and reference).
        Refunded = "refunded",
    }
}

vocabulary! {
    /// Why a bid was refused: the problem code of the 409 it gets. `organisation_not_verified`
    /// and `own_auction` are about who the caller is: a bid answers them 403 `forbidden`
    /// (recording a deposit for such an organisation is the 409 with the code).
    pub enum BidRefusal {
        /// Below the starting price, or not above the current price by the increment.
        TooLow = "bid_too_low",
        /// Another bid was accepted first and this amount no longer beats it.
        Outbid = "outbid",
        /// Before the start.
        NotStarted = "auction_not_started",
        /// After the end (or closed).
        Ended = "auction_ended",
        /// The auction was cancelled.
        Cancelled = "auction_cancelled",
        /// The organisation has no deposit recorded for this auction.
        DepositRequired = "deposit_required",
        /// Only organisations an operator verified may bid.
        NotVerified = "organisation_not_verified",
        /// The seller does not bid on its own auction.
        OwnAuction = "own_auction",
    }
}
