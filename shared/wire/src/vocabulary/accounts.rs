//! The accounts vocabulary: organisations, their members, and the operator's verification.

vocabulary! {
    /// The kind of an organisation, which decides what its members may post.
    pub enum OrgKind {
        University = "university",
        Institute = "institute",
        Enterprise = "enterprise",
        BrokerAgency = "broker_agency",
        Government = "government",
        Other = "other",
    }
}

vocabulary! {
    /// A member's standing within their organisation.
    pub enum OrgRole {
        Admin = "admin",
        Member = "member",
    }
}

vocabulary! {
    /// Where an organisation or a broker profile is in the operator's verification.
    pub enum VerificationStatus {
        Pending = "pending",
        Verified = "verified",
        Rejected = "rejected",
    }
}

vocabulary! {
    /// Whether a person may sign in.
    pub enum UserStatus {
        Active = "active",
        Disabled = "disabled",
    }
}
