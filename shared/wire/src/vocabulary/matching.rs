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
