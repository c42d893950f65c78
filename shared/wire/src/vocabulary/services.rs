//! The service market's and the innovation vouchers' vocabulary (issue #16): the kinds of
//! service a provider offers (中试, 概念验证, 检验检测…), where a service order stands, where a
//! voucher stands, and the kinds of line in a voucher programme's append-only ledger.

vocabulary! {
    /// What a provider offers (科技服务).
    pub enum ServiceKind {
        /// Pilot-scale production and testing at a pilot base (中试).
        PilotScale = "pilot_scale",
        /// Proof of concept (概念验证).
        ProofOfConcept = "proof_of_concept",
        /// Testing and inspection (检验检测).
        Testing = "testing",
        /// Evaluation of an achievement (科技成果评价).
        Evaluation = "evaluation",
        /// Patent and IP agency (知识产权代理).
        IpAgency = "ip_agency",
        /// Technology consulting (技术咨询).
        Consulting = "consulting",
    }
}

vocabulary! {
    /// Where a service order stands. Each step is taken by one side: the requester asks and
    /// accepts and confirms; the provider quotes and delivers.
    pub enum OrderState {
        Requested = "requested",
        Quoted = "quoted",
        Accepted = "accepted",
        Delivered = "delivered",
        Confirmed = "confirmed",
    }
}

vocabulary! {
    /// Where an innovation voucher (科技创新券) stands.
    pub enum VoucherState {
        /// The enterprise applied; the operator has not decided.
        Applied = "applied",
        /// Approved: its value is reserved from the programme's budget.
        Issued = "issued",
        /// The operator turned the application down.
        Refused = "refused",
        /// Spent on an order or contract (once; any unused value went back to the budget).
        Redeemed = "redeemed",
        /// The provider claimed the redeemed amount from the programme.
        Claimed = "claimed",
    }
}

vocabulary! {
    /// A line of a voucher programme's ledger (insert only).
    pub enum LedgerKind {
        /// A voucher's value reserved from the budget when it was issued.
        Issue = "issue",
        /// The amount a voucher paid of an order or contract.
        Redeem = "redeem",
        /// The part of a voucher's reserve not spent at redemption, back in the budget.
        Release = "release",
        /// The provider's claim of a redeemed amount.
        Claim = "claim",
    }
}

vocabulary! {
    /// What a voucher paid: a service order or a technology contract. The programme report's
    /// line for contracts, beside the service kinds, is keyed `technology_contract`.
    pub enum VoucherTarget {
        ServiceOrder = "service_order",
        TechnologyContract = "technology_contract",
    }
}

vocabulary! {
    /// What a document attached to a service order is.
    pub enum OrderDocumentKind {
        /// The provider's quote or the requester's specification.
        Quote = "quote",
        /// A test or inspection report (检测报告).
        TestReport = "test_report",
        /// A delivery note or acceptance record.
        DeliveryNote = "delivery_note",
        Other = "other",
    }
}
