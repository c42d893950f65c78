//! The deal vocabulary: a deal's stages, how it came about, the brokers' roles, and the states
//! of contracts, registrations, milestones and payments.

vocabulary! {
    /// Where a deal is.
    #[derive(PartialOrd, Ord)]
    pub enum Stage {
        Lead = "lead",
        Contacted = "contacted",
        Nda = "nda",
        Negotiating = "negotiating",
        Agreed = "agreed",
        Signed = "signed",
        Registered = "registered",
        Closed = "closed",
        Lost = "lost",
    }
}

impl Stage {
    /// No further change once closed or lost.
    pub fn is_final(self) -> bool {
        matches!(self, Stage::Closed | Stage::Lost)
    }
}

vocabulary! {
    /// How a deal came about.
    pub enum Origin {
        /// From a computed need ↔ achievement match.
        Match = "match",
        /// From an inquiry on a published achievement or need.
        Inquiry = "inquiry",
        /// From an awarded open-call application (揭榜挂帅).
        OpenCall = "open_call",
        /// From the first commitment to buy at a listed price (挂牌).
        ListedPrice = "listed_price",
        /// From the winning bid of an auction (竞价).
        Auction = "auction",
    }
}

vocabulary! {
    /// How the price is set.
    pub enum Mode {
        /// Negotiated price (协议定价); publicity applies to state-funded universities/institutes.
        Negotiated = "negotiated",
        /// Fixed-price listing (挂牌).
        FixedPrice = "fixed_price",
        /// Open-call award (揭榜).
        OpenCall = "open_call",
        /// Auction (竞价 / 拍卖): the winning bid is the price.
        Auction = "auction",
    }
}

vocabulary! {
    /// Role of a broker in the attribution ledger.
    pub enum AttributionRole {
        Introducer = "introducer",
        CoBroker = "co_broker",
        Closer = "closer",
    }
}

vocabulary! {
    /// Certification level of a technology broker.
    pub enum CertificationLevel {
        /// 初级
        #[serde(alias = "初级")]
        Junior = "junior",
        /// 中级
        #[serde(alias = "中级")]
        Intermediate = "intermediate",
        /// 高级
        #[serde(alias = "高级")]
        Senior = "senior",
    }
}

impl CertificationLevel {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Junior => "初级",
            Self::Intermediate => "中级",
            Self::Senior => "高级",
        }
    }
}

vocabulary! {
    /// Where a technology contract is.
    pub enum ContractStatus {
        Signed = "signed",
        Cancelled = "cancelled",
    }
}

vocabulary! {
    /// Where a contract's registration (认定登记) is.
    pub enum RegistrationStatus {
        Submitted = "submitted",
        Registered = "registered",
        Rejected = "rejected",
        Cancelled = "cancelled",
    }
}

vocabulary! {
    /// Whether a contract milestone is met.
    pub enum MilestoneStatus {
        Pending = "pending",
        Done = "done",
    }
}

vocabulary! {
    /// Whether a payment under a contract is made.
    pub enum PaymentStatus {
        Due = "due",
        Paid = "paid",
        Cancelled = "cancelled",
    }
}

vocabulary! {
    /// Which side of a contract is counted: output (the seller is in Guangxi) or absorption
    /// (the buyer is).
    #[derive(Default)]
    pub enum Basis {
        /// 技术输出: the seller is in Guangxi (the headline figure).
        #[default]
        Output = "output",
        /// 技术吸纳: the buyer is in Guangxi.
        Absorption = "absorption",
    }
}

vocabulary! {
    /// Which amount a turnover figure sums.
    #[derive(Default)]
    pub enum AmountKind {
        /// 合同成交额
        #[default]
        Contract = "contract",
        /// 技术交易额
        Technology = "technology",
    }
}

vocabulary! {
    /// Where a turnover figure is read from: the monthly rollups (default) or the raw tables.
    #[derive(Default)]
    pub enum Source {
        #[default]
        Rollup = "rollup",
        Raw = "raw",
    }
}

vocabulary! {
    /// A dimension turnover figures are grouped by.
    pub enum Dim {
        Year = "year",
        Month = "month",
        City = "city",
        ContractType = "contract_type",
        Industry = "industry",
        Country = "country",
        /// The registration office that registered the contract (keys are office ids; only
        /// for those who read office figures: see `deal::domain::stats::confine`).
        Office = "office",
    }
}

vocabulary! {
    /// What a document attached to a contract is.
    pub enum ContractDocumentKind {
        /// The signed contract (its scan or signed PDF).
        SignedContract = "signed_contract",
        /// An annex (附件) to the contract.
        Annex = "annex",
        /// An invoice (发票) under the contract.
        Invoice = "invoice",
        Other = "other",
    }
}

impl ContractDocumentKind {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::SignedContract => "签署的合同",
            Self::Annex => "附件",
            Self::Invoice => "发票",
            Self::Other => "其他",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::SignedContract => "Signed contract",
            Self::Annex => "Annex",
            Self::Invoice => "Invoice",
            Self::Other => "Other",
        }
    }
}

vocabulary! {
    /// The scope of a licence contract.
    pub enum LicenceScope {
        Exclusive = "exclusive",
        Sole = "sole",
        NonExclusive = "non_exclusive",
    }
}

vocabulary! {
    /// A contract's non-technical cost line (deducted from the technology turnover).
    pub enum CostKind {
        Equipment = "equipment",
        Materials = "materials",
        Construction = "construction",
        SoftwareLicence = "software_licence",
        Travel = "travel",
        Other = "other",
    }
}
