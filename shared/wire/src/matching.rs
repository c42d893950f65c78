//! The matching service's API types: matches with their features and reasons, feedback, saved
//! searches and notifications. The matching service builds them from its rows (and its engine
//! scores into [`Features`] and [`Reason`]); the portal reads them as they are.

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::ids::MatchId;
use crate::vocabulary::{DeclineReason, FeedbackParty, MatchSideStatus, Verdict};

/// Feature values of one pair; stored with the match so a score can always be explained.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Features {
    /// Merged text relevance from retrieval.
    pub text: f64,
    /// Share of the need's keywords found among the achievement's (any language).
    pub keywords: f64,
    /// Closest IPC relation: group 1, subclass 0.75, class 0.5, section 0.2.
    pub ipc: f64,
    /// Same industry field.
    pub industry: f64,
    /// Achievement TRL against the need's minimum.
    pub trl: f64,
    /// Asking price against budget.
    pub price_fit: f64,
    /// Shared cooperation modes.
    pub cooperation: f64,
    /// Same city, province, country or a cross-border pair.
    pub region: f64,
    /// Newer listings first: halves every 180 days.
    pub freshness: f64,
    /// Similar meaning (the cosine of the two texts' vectors, rescaled); only when an embedder
    /// is configured and both sides have vectors, so matches without one read as before.
    // Absent in matches stored before embeddings existed: they read as "no vectors".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub semantic: Option<f64>,
}

/// One reason for or against a match, in both interface languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Reason {
    /// Stable code: `ipc`, `keywords`, `semantic`, `industry`, `trl`, `price`, `cooperation`,
    /// `region`.
    pub code: String,
    /// `true` for what speaks for the match, `false` for what counts against it.
    pub positive: bool,
    pub zh: String,
    pub en: String,
}

/// One ranked achievement for a need (the preview's answer, and the engine's result).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Scored {
    pub achievement_id: Uuid,
    /// 0–1, the weighted mean of the features.
    pub score: f64,
    pub features: Features,
    /// Why it matches, and what counts against it.
    pub reasons: Vec<Reason>,
}

/// The other side of a match, in brief.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ListingBrief {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub title: String,
    pub summary: String,
    pub language: String,
    pub industry: String,
    pub region_code: String,
    pub country: String,
    pub trl: i16,
}

/// A match as its parties and brokers see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MatchOut {
    pub id: MatchId,
    pub need_id: Uuid,
    pub achievement_id: Uuid,
    /// 0–1, the weighted mean of the features (a fit fraction, not money).
    pub score: f64,
    pub features: Features,
    pub reasons: Vec<Reason>,
    pub engine_version: String,
    pub computed_at: DateTime<FixedOffset>,
    /// What the need's owners have done with the match.
    pub need_side_status: MatchSideStatus,
    /// What the achievement's owners have done with it.
    pub achievement_side_status: MatchSideStatus,
    pub version: i32,
    /// The need in brief (absent when it is gone).
    pub need: Option<ListingBrief>,
    /// The achievement in brief (absent when it is gone).
    pub achievement: Option<ListingBrief>,
}

/// A party's status change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusIn {
    /// `shortlisted`, `dismissed`, `contacted` or `converted`.
    pub status: String,
    pub version: i32,
}

/// Why a party declines a match (typed, so owners can act on it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FeedbackIn {
    /// `good` or `poor`.
    pub verdict: String,
    /// For poor matches: `too_early`, `benefit_unclear`, `price`, `ip_unclear`, `not_relevant` or `other`.
    pub reason: Option<String>,
    /// Free text, required with `other`.
    pub comment: Option<String>,
}

/// Feedback as stored and returned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FeedbackOut {
    pub id: Uuid,
    pub match_id: Uuid,
    pub party: FeedbackParty,
    pub verdict: Verdict,
    pub reason: Option<DeclineReason>,
    pub comment: Option<String>,
    pub created_at: DateTime<FixedOffset>,
}

/// A notification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct NotificationOut {
    pub id: Uuid,
    pub kind: String,
    pub title: String,
    pub body: String,
    pub link: Option<String>,
    pub payload: serde_json::Value,
    pub read_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
}

/// A saved search as stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SavedSearchOut {
    pub id: Uuid,
    pub name: String,
    pub alert_kind: String,
    pub query: Option<String>,
    pub filters: serde_json::Value,
    pub listing_kind: Option<String>,
    pub listing_id: Option<Uuid>,
    pub email_enabled: bool,
    pub last_notified_at: Option<DateTime<FixedOffset>>,
    pub created_at: DateTime<FixedOffset>,
}
