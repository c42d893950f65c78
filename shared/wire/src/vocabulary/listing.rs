//! The listing vocabulary: what a listing is and where it is in its life.

vocabulary! {
    /// Which listing table a document comes from.
    pub enum ListingKind {
        Achievement = "achievement",
        Need = "need",
    }
}

vocabulary! {
    /// Where a listing is in its life.
    pub enum ListingStatus {
        Draft = "draft",
        Submitted = "submitted",
        Published = "published",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
        Expired = "expired",
        Closed = "closed",
    }
}

impl ListingStatus {
    /// Owners may edit the content in these states (a published listing stays published).
    pub fn editable(self) -> bool {
        matches!(
            self,
            Self::Draft | Self::Submitted | Self::Rejected | Self::Published
        )
    }
}

vocabulary! {
    /// A plain need or an open call (揭榜挂帅) with a bounty.
    #[derive(Default)]
    pub enum NeedKind {
        #[default]
        Need = "need",
        OpenCall = "open_call",
    }
}

vocabulary! {
    /// Where an application to an open call (揭榜) is.
    pub enum ApplicationStatus {
        Submitted = "submitted",
        Shortlisted = "shortlisted",
        Awarded = "awarded",
        NotSelected = "not_selected",
    }
}

vocabulary! {
    /// Where a proposed change to a published listing is.
    pub enum RevisionStatus {
        Pending = "pending",
        Approved = "approved",
        Rejected = "rejected",
        Withdrawn = "withdrawn",
        Superseded = "superseded",
    }
}

vocabulary! {
    /// How a listing's text in one language came to be.
    pub enum Provenance {
        /// Written by the owner in this language.
        Original = "original",
        /// Translated by a person.
        Human = "human",
        /// Machine-translated: shown with a mark and a link to the original.
        Machine = "machine",
    }
}

vocabulary! {
    /// Which listings an import file holds.
    pub enum ImportKind {
        Achievements = "achievements",
        Needs = "needs",
    }
}

vocabulary! {
    /// What an import does with bad rows.
    pub enum ImportMode {
        /// One bad row and nothing is written.
        AllOrNothing = "all_or_nothing",
        /// Good rows are written, bad ones reported.
        ValidRowsOnly = "valid_rows_only",
    }
}

vocabulary! {
    /// Where an import is.
    pub enum ImportStatus {
        Queued = "queued",
        Running = "running",
        Succeeded = "succeeded",
        Failed = "failed",
    }
}
