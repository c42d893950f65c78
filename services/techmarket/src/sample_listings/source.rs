//! The source texts (`services/techmarket/sample/*.json`), parsed once by the one loader
//! (`crate::sample_data`): organisations, industry templates, phrases and hand-written listings.

use super::*;

/// Organisations: surnames for invented contact names, Chinese and ASEAN organisations.
#[derive(Deserialize)]
// The texts are `'static` (see `crate::sample_data`).
#[serde(bound(deserialize = "'de: 'static"))]
pub(super) struct OrganisationsFile {
    #[serde(deserialize_with = "leak::strs")]
    pub(super) surnames: &'static [&'static str],
    #[serde(deserialize_with = "leak::slice")]
    pub(super) chinese: &'static [CnOrg],
    #[serde(deserialize_with = "leak::slice")]
    pub(super) asean: &'static [AseanOrg],
}

#[derive(Deserialize)]
// The texts are `'static` (see `crate::sample_data`).
#[serde(bound(deserialize = "'de: 'static"))]
pub(super) struct IndustriesFile {
    #[serde(deserialize_with = "leak::slice")]
    pub(super) industries: &'static [Industry],
}

/// Title patterns (`{s}` is a subject), research teams, cooperation modes and open-call
/// eligibility rules the generator picks from.
#[derive(Deserialize)]
pub(super) struct Phrases {
    #[serde(deserialize_with = "leak::strs")]
    pub(super) achievement_titles: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) need_titles: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) teams: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) achievement_modes: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) need_modes: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) eligibility: &'static [&'static str],
    /// The team of an enterprise's own R&D (universities' come from `teams`).
    #[serde(deserialize_with = "leak::str")]
    pub(super) enterprise_team: &'static str,
    /// The pools the generator picks numbers from (TRLs, prices and bounties in 万元).
    #[serde(deserialize_with = "leak::slice")]
    pub(super) achievement_trl: &'static [i16],
    #[serde(deserialize_with = "leak::slice")]
    pub(super) achievement_price_min_wan: &'static [i64],
    #[serde(deserialize_with = "leak::slice")]
    pub(super) achievement_price_factor: &'static [i64],
    #[serde(deserialize_with = "leak::slice")]
    pub(super) need_min_trl: &'static [i16],
    #[serde(deserialize_with = "leak::slice")]
    pub(super) need_budget_min_wan: &'static [i64],
    #[serde(deserialize_with = "leak::slice")]
    pub(super) need_budget_factor: &'static [i64],
    #[serde(deserialize_with = "leak::slice")]
    pub(super) bounty_wan: &'static [i64],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) open_call_modes: &'static [&'static str],
    /// The sentences of generated texts, with `{name}` placeholders ([`fill`]).
    pub(super) templates: Templates,
    /// What a listing says of its IP, by `type:status` or `type` (`other` for the rest).
    pub(super) ip_sentences: std::collections::HashMap<String, String>,
    /// What a listing says of its readiness: TRL 3 (or lower) to 9 (`{city}` is its city).
    #[serde(deserialize_with = "leak::strs")]
    pub(super) trl_sentences: &'static [&'static str],
}

/// The sentence templates of generated achievements and needs (see `phrases.json`).
#[derive(Deserialize)]
pub(super) struct Templates {
    #[serde(deserialize_with = "leak::str")]
    pub(super) achievement_summary: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) achievement_origin: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) achievement_result: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) cooperation: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) cooperation_end_cross_border: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) cooperation_end: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) need_summary: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) open_call_title: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) open_call_closing: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) need_closing_cross_border: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) budget_range: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) budget_negotiable: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) need_intro: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) need_intro_branching: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) need_seeking: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) need_terms: &'static str,
}

/// `template` with each `{name}` replaced by its value.
pub(super) fn fill(template: &str, values: &[(&str, &str)]) -> String {
    values
        .iter()
        .fold(template.to_owned(), |text, (name, value)| {
            text.replace(&format!("{{{name}}}"), value)
        })
}

#[derive(Deserialize)]
// The texts are `'static` (see `crate::sample_data`).
#[serde(bound(deserialize = "'de: 'static"))]
pub(super) struct AuthoredFile {
    #[serde(deserialize_with = "leak::slice")]
    pub(super) listings: &'static [Authored],
}

/// Everything the generator reads.
pub(super) struct Source {
    pub(super) orgs: OrganisationsFile,
    pub(super) industries: &'static [Industry],
    pub(super) phrases: Phrases,
    /// Chinese listings written by hand, each with an English translation.
    pub(super) featured: &'static [Authored],
    /// ASEAN listings written by hand in their own language, each with a Chinese translation.
    pub(super) asean_listings: &'static [Authored],
}

pub(super) static SOURCE: OnceLock<Source> = OnceLock::new();

/// The source texts, parsed on first use.
pub(super) fn source() -> anyhow::Result<&'static Source> {
    if let Some(src) = SOURCE.get() {
        return Ok(src);
    }
    let industries: IndustriesFile = parse(
        "industries.json",
        include_str!("../../sample/industries.json"),
    )?;
    let featured: AuthoredFile =
        parse("featured.json", include_str!("../../sample/featured.json"))?;
    let asean: AuthoredFile = parse(
        "asean_listings.json",
        include_str!("../../sample/asean_listings.json"),
    )?;
    let parsed = Source {
        orgs: parse(
            "organisations.json",
            include_str!("../../sample/organisations.json"),
        )?,
        industries: industries.industries,
        phrases: parse("phrases.json", include_str!("../../sample/phrases.json"))?,
        featured: featured.listings,
        asean_listings: asean.listings,
    };
    // A racing first use parsed the files too; either copy is the same data.
    Ok(SOURCE.get_or_init(|| parsed))
}

// ---------------------------------------------------------------------------------------------
// Templates per industry field

/// A technology subject within an industry: `name` is an action noun phrase that fits every
/// title pattern; `core` is a clause on how it works; `result` has one `{n}` placeholder for a
/// percentage; `ip` is the pool of IP types it is usually protected by.
#[derive(Deserialize)]
pub(super) struct Subject {
    #[serde(deserialize_with = "leak::str")]
    pub(super) name: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) core: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) result: &'static str,
    #[serde(deserialize_with = "leak::strs")]
    pub(super) ipc: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) keywords: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) ip: &'static [&'static str],
}

/// Templates for one industry field: subjects, application settings (`contexts`, fit after
/// 面向/适用于), typical problems (`pains`) and extra keywords.
#[derive(Deserialize)]
pub(super) struct Industry {
    #[serde(deserialize_with = "leak::str")]
    pub(super) code: &'static str,
    #[serde(deserialize_with = "leak::slice")]
    pub(super) subjects: &'static [Subject],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) contexts: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) pains: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    pub(super) extra_keywords: &'static [&'static str],
}

// ---------------------------------------------------------------------------------------------
// Hand-written listings: featured Chinese ones with an English translation, and ASEAN ones in
// their own language with a Chinese translation.

/// A listing text in one language.
#[derive(Deserialize)]
pub(super) struct Text {
    #[serde(deserialize_with = "leak::str")]
    pub(super) lang: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) title: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) summary: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) description: &'static str,
    #[serde(deserialize_with = "leak::strs")]
    pub(super) keywords: &'static [&'static str],
}

/// Which kind of listing a hand-written one is.
#[derive(Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum Kind {
    Achievement,
    Need,
    /// An open call; the price is the bounty.
    OpenCall,
}

/// IP of a hand-written achievement: type, status and numbers (generated Chinese numbers when
/// empty and the type is a patent).
pub(super) type Ip = (&'static str, &'static str, &'static [&'static str]);

/// A hand-written listing. `trl` is the achievement's TRL or the need's minimum TRL; `price`
/// is (currency, min, max) in major units, `None` for negotiable.
#[derive(Deserialize)]
pub(super) struct Authored {
    #[serde(deserialize_with = "leak::str")]
    pub(super) org: &'static str,
    pub(super) kind: Kind,
    #[serde(deserialize_with = "leak::str")]
    pub(super) industry: &'static str,
    #[serde(deserialize_with = "leak::strs")]
    pub(super) ipc: &'static [&'static str],
    pub(super) trl: i16,
    #[serde(deserialize_with = "leak::ip")]
    pub(super) ip: Ip,
    #[serde(deserialize_with = "leak::price")]
    pub(super) price: Option<(&'static str, i64, i64)>,
    #[serde(deserialize_with = "leak::strs")]
    pub(super) modes: &'static [&'static str],
    pub(super) cross_border: bool,
    #[serde(deserialize_with = "leak::str")]
    pub(super) eligibility: &'static str,
    pub(super) original: Text,
    pub(super) translation: Text,
}
