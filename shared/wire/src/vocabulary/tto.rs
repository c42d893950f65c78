//! The technology-transfer office's vocabulary (issue #15): the right granted to inventors
//! (赋权), who an income line goes to (收益分配), evaluation methods (成果评价), how a price was
//! set on a publicity entry, and the tiered disclosure of a listing's dossier.

vocabulary! {
    /// What the organisation granted its inventors in a service achievement (职务科技成果赋权).
    pub enum GrantKind {
        /// A share of the ownership (所有权).
        Ownership = "ownership",
        /// The right of long-term use (长期使用权).
        LongTermUse = "long_term_use",
    }
}

vocabulary! {
    /// Who a line of the income-distribution ledger goes to.
    pub enum DistributionRecipient {
        /// One named inventor (their share of the inventors' part).
        Inventor = "inventor",
        /// The inventors' part while the achievement lists no inventors.
        Inventors = "inventors",
        /// The college or institute (学院).
        College = "college",
        /// The technology-transfer office (技术转移中心).
        TransferOffice = "transfer_office",
        /// The university itself.
        University = "university",
        /// The broker's fee.
        Broker = "broker",
    }
}

vocabulary! {
    /// How a third-party evaluation arrived at its value.
    pub enum EvaluationMethod {
        /// 收益法
        Income = "income",
        /// 市场法
        Market = "market",
        /// 成本法
        Cost = "cost",
        /// 专家评议 (a grade rather than a value)
        ExpertReview = "expert_review",
        Other = "other",
    }
}

vocabulary! {
    /// How the price on a publicity entry was set, as the transfer rules require it be shown.
    pub enum PriceMethod {
        /// 协议定价
        Negotiated = "negotiated",
        /// 评估定价 (backed by an evaluation)
        Evaluated = "evaluated",
        /// 挂牌交易
        Listed = "listed",
        /// 拍卖
        Auction = "auction",
    }
}

vocabulary! {
    /// On what terms a listing's owner releases its confidential dossier.
    pub enum DisclosureTerms {
        /// Any verified organisation that asks gets it.
        None = "none",
        /// Granted once the asker accepts the owner's confidentiality text (click-through).
        Nda = "nda",
        /// The owner decides each request.
        Approval = "approval",
    }
}

vocabulary! {
    /// Where an organisation's access to a dossier stands.
    pub enum AccessStatus {
        Requested = "requested",
        Granted = "granted",
        Refused = "refused",
        Revoked = "revoked",
    }
}

vocabulary! {
    /// What was done with a dossier, for the owner's access log.
    pub enum DossierAction {
        View = "view",
        Download = "download",
    }
}

vocabulary! {
    /// What the owner decides about an organisation's access to a dossier.
    pub enum AccessDecision {
        /// Grant a request, or grant again after a refusal or revocation.
        Approve = "approve",
        /// Turn a pending request down.
        Refuse = "refuse",
        /// Take granted access away.
        Revoke = "revoke",
    }
}

vocabulary! {
    /// What a file attached to an achievement is; each kind has its readers
    /// (`listing::domain::listing_documents`).
    pub enum ListingDocumentKind {
        /// A document of the confidential dossier: the owner, and organisations granted access.
        Dossier = "dossier",
        /// The inventors' grant document (赋权): the owner and operators.
        Grant = "grant",
        /// A third-party evaluation's report (成果评价): whoever may see the achievement.
        EvaluationReport = "evaluation_report",
    }
}
