//! The matching service's answers these pages read, until its types move into the wire crate
//! (the deal service's are `wire::deal`), and the id of anything created.

use serde::Deserialize;

/// `MatchOut` as the worklist gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct Match {
    pub id: String,
    pub need_id: String,
    pub achievement_id: String,
    pub score: f64,
    #[serde(default)]
    pub reasons: Vec<Reason>,
    #[serde(default)]
    pub need: Option<Brief>,
    #[serde(default)]
    pub achievement: Option<Brief>,
}

/// `ListingBrief`.
#[derive(Debug, Clone, Deserialize)]
pub struct Brief {
    pub title: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub region_code: String,
}

/// A reason for or against a match, in both interface languages.
#[derive(Debug, Clone, Deserialize)]
pub struct Reason {
    pub positive: bool,
    pub zh: String,
    #[serde(default)]
    pub en: String,
}

/// Anything the API created, for the redirect to its page.
#[derive(Debug, Clone, Deserialize)]
pub struct Created {
    pub id: String,
}
