//! Sample listings for the embedded mode's first start: fictional organisations in all 14
//! Guangxi cities and eight ASEAN countries, with several hundred published achievements
//! (科技成果), needs (技术需求) and open calls (揭榜挂帅), some written in Vietnamese, Thai,
//! Malay, Indonesian or English, and translations.
//!
//! Everything here is invented: every organisation's name ends in （示例） or "(sample)" and its
//! description says "示例数据 Sample data". Nothing is copied from real organisations or from the
//! evaluation data.
//!
//! [`generate`] is pure and deterministic (a seeded splitmix64 generator and hand-written
//! templates per industry field), so the same data appears on every first start; [`load`]
//! inserts it with `insert_many` in chunks, creating one member user per organisation.
//!
//! The demo university and enterprise of [`crate::sample`] own a handful of the generated
//! listings ([`demo_picks`]), so their logins see something under "my organisation".

//!
//! The files: [`source`] reads the data files, [`rng`] is the generator's randomness,
//! [`orgs`], [`generate`] (with [`industry`] for the templated listings, [`authored`]
//! for the hand-written ones and [`ip`] for IP rights and readiness), [`insert`] writes the
//! rows and [`demo`] picks the demo organisations' listings.

mod authored;
mod demo;
mod generate;
mod industry;
mod insert;
mod ip;
mod orgs;
mod rng;
mod source;
#[cfg(test)]
mod tests;

use std::sync::OnceLock;

use chrono::{Duration, NaiveDate, Utc};
use platform::auth::OrgRole;
use platform::entity::{achievements, listing_translations, needs, organisations};
use platform::identifiers::credit_code_check_char;
use platform::ids::{new_uuid, OrganisationId};
use platform::taxonomy;
use sea_orm::{DatabaseTransaction, EntityTrait, Set};
use serde::Deserialize;

use crate::sample_data::{leak, parse};
use wire::{ListingKind, NeedKind, OrgKind, Provenance};

/// What [`load`] inserted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SampleCounts {
    /// Organisations created (one member user each).
    pub organisations: usize,
    /// Published achievements, ASEAN ones included.
    pub achievements: usize,
    /// Published needs, open calls and ASEAN ones included.
    pub needs: usize,
    /// Needs of kind `open_call` (揭榜挂帅).
    pub open_calls: usize,
    /// Achievements and needs owned by ASEAN organisations.
    pub asean_listings: usize,
    /// Rows in `listing_translations`.
    pub translations: usize,
}

/// The whole sample data set, before ids and timestamps are assigned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleData {
    pub organisations: Vec<OrgSeed>,
    pub achievements: Vec<AchievementSeed>,
    pub needs: Vec<NeedSeed>,
    pub translations: Vec<TranslationSeed>,
}

/// A fictional organisation and its one contact user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgSeed {
    pub slug: &'static str,
    pub name: &'static str,
    pub name_en: &'static str,
    /// `university`, `institute` or `enterprise`.
    pub kind: &'static str,
    /// `CN` or an ASEAN ISO code.
    pub country: &'static str,
    /// GB/T 2260 city code, or the ASEAN country code.
    pub region_code: &'static str,
    /// Valid unified social credit code (Chinese organisations only).
    pub credit_code: Option<String>,
    pub state_funded: bool,
    /// Contact person's display name (also the user's display name).
    pub contact_name: String,
    /// Login e-mail of the organisation's member user.
    pub email: String,
}

/// A price or budget: a range in minor units of `currency`, or negotiable (all `None`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Price {
    pub min_minor: Option<i64>,
    pub max_minor: Option<i64>,
    pub currency: Option<String>,
    pub negotiable: bool,
}

/// The text of a listing (or of a translation) in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingText {
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<String>,
}

/// When a listing was created, submitted and published, relative to the moment of loading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Minutes between publication and now (at most 180 days).
    pub published_minutes_ago: i64,
    /// Minutes between submission and publication.
    pub review_minutes: i64,
    /// Minutes between creation and submission.
    pub drafting_minutes: i64,
}

/// A published achievement (科技成果); `org` indexes [`SampleData::organisations`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AchievementSeed {
    pub org: usize,
    pub text: ListingText,
    pub industry: String,
    pub ipc_codes: Vec<String>,
    pub ip_type: String,
    pub ip_numbers: Vec<String>,
    pub patent_status: Option<String>,
    pub trl: i16,
    pub cooperation_modes: Vec<String>,
    pub price: Price,
    pub cross_border: bool,
    pub valid_until: NaiveDate,
    pub timing: Timing,
}

/// A published need (技术需求) or open call (揭榜挂帅); `org` indexes
/// [`SampleData::organisations`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NeedSeed {
    pub org: usize,
    /// `need` or `open_call`.
    pub kind: String,
    pub text: ListingText,
    pub industry: String,
    pub ipc_codes: Vec<String>,
    pub min_trl: i16,
    pub budget: Price,
    pub cooperation_modes: Vec<String>,
    pub deadline: Option<NaiveDate>,
    pub bounty_minor: Option<i64>,
    pub bounty_currency: Option<String>,
    pub eligibility: Option<String>,
    pub cross_border: bool,
    pub valid_until: NaiveDate,
    pub timing: Timing,
}

/// Which listing a translation belongs to (index into achievements or needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListingRef {
    Achievement(usize),
    Need(usize),
}

/// A translation of a listing into `text.language`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TranslationSeed {
    pub listing: ListingRef,
    pub text: ListingText,
    /// `human` or `machine`.
    pub provenance: &'static str,
}

use authored::*;
use generate::*;
use industry::*;
use ip::*;
use orgs::*;
use rng::*;
use source::*;

use demo::*;
pub use demo::{demo_picks, DemoOwner, DemoOwners};
pub use generate::generate;
pub use insert::load;

/// Counts of what `data` holds.
pub fn counts(data: &SampleData) -> SampleCounts {
    let foreign = |org: usize| {
        data.organisations
            .get(org)
            .is_some_and(|o| o.country != "CN")
    };
    SampleCounts {
        organisations: data.organisations.len(),
        achievements: data.achievements.len(),
        needs: data.needs.len(),
        open_calls: data
            .needs
            .iter()
            .filter(|n| n.kind == NeedKind::OpenCall.as_str())
            .count(),
        asean_listings: data.achievements.iter().filter(|a| foreign(a.org)).count()
            + data.needs.iter().filter(|n| foreign(n.org)).count(),
        translations: data.translations.len(),
    }
}
