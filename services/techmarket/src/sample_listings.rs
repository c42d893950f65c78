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

// ---------------------------------------------------------------------------------------------
// Deterministic generator

/// Fixed seed: the sample data must be the same on every first start.
const SEED: u64 = 0x7EC4_3A2B_4E7C_0451;

/// splitmix64: tiny, fast and good enough for sample data.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`0` when `n` is 0).
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        if hi <= lo {
            return lo;
        }
        lo + (self.next_u64() % (hi - lo + 1) as u64) as i64
    }

    /// True with probability `percent`/100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    /// `k` distinct items (fewer if `items` is shorter), in random order.
    fn sample<T: Copy>(&mut self, items: &[T], k: usize) -> Vec<T> {
        let mut pool: Vec<T> = items.to_vec();
        self.shuffle(&mut pool);
        pool.truncate(k);
        pool
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The source texts (services/techmarket/sample/*.json)

/// Organisations: surnames for invented contact names, Chinese and ASEAN organisations.
#[derive(Deserialize)]
// The texts are `'static` (see `crate::sample_data`).
#[serde(bound(deserialize = "'de: 'static"))]
struct OrganisationsFile {
    #[serde(deserialize_with = "leak::strs")]
    surnames: &'static [&'static str],
    #[serde(deserialize_with = "leak::slice")]
    chinese: &'static [CnOrg],
    #[serde(deserialize_with = "leak::slice")]
    asean: &'static [AseanOrg],
}

#[derive(Deserialize)]
// The texts are `'static` (see `crate::sample_data`).
#[serde(bound(deserialize = "'de: 'static"))]
struct IndustriesFile {
    #[serde(deserialize_with = "leak::slice")]
    industries: &'static [Industry],
}

/// Title patterns (`{s}` is a subject), research teams, cooperation modes and open-call
/// eligibility rules the generator picks from.
#[derive(Deserialize)]
// The texts are `'static` (see `crate::sample_data`).
#[serde(bound(deserialize = "'de: 'static"))]
struct Phrases {
    #[serde(deserialize_with = "leak::strs")]
    achievement_titles: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    need_titles: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    teams: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    achievement_modes: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    need_modes: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    eligibility: &'static [&'static str],
}

#[derive(Deserialize)]
// The texts are `'static` (see `crate::sample_data`).
#[serde(bound(deserialize = "'de: 'static"))]
struct AuthoredFile {
    #[serde(deserialize_with = "leak::slice")]
    listings: &'static [Authored],
}

/// Everything the generator reads.
struct Source {
    orgs: OrganisationsFile,
    industries: &'static [Industry],
    phrases: Phrases,
    /// Chinese listings written by hand, each with an English translation.
    featured: &'static [Authored],
    /// ASEAN listings written by hand in their own language, each with a Chinese translation.
    asean_listings: &'static [Authored],
}

static SOURCE: OnceLock<Source> = OnceLock::new();

/// The source texts, parsed on first use.
fn source() -> anyhow::Result<&'static Source> {
    if let Some(src) = SOURCE.get() {
        return Ok(src);
    }
    let industries: IndustriesFile =
        parse("industries.json", include_str!("../sample/industries.json"))?;
    let featured: AuthoredFile = parse("featured.json", include_str!("../sample/featured.json"))?;
    let asean: AuthoredFile = parse(
        "asean_listings.json",
        include_str!("../sample/asean_listings.json"),
    )?;
    let parsed = Source {
        orgs: parse(
            "organisations.json",
            include_str!("../sample/organisations.json"),
        )?,
        industries: industries.industries,
        phrases: parse("phrases.json", include_str!("../sample/phrases.json"))?,
        featured: featured.listings,
        asean_listings: asean.listings,
    };
    // A racing first use parsed the files too; either copy is the same data.
    Ok(SOURCE.get_or_init(|| parsed))
}

// ---------------------------------------------------------------------------------------------
// Organisations

/// A Chinese sample organisation: `focus` lists the industry codes it posts in; `intro` says
/// what an enterprise does (used in its needs).
#[derive(Deserialize)]
struct CnOrg {
    #[serde(deserialize_with = "leak::str")]
    slug: &'static str,
    #[serde(deserialize_with = "leak::str")]
    name: &'static str,
    #[serde(deserialize_with = "leak::str")]
    name_en: &'static str,
    #[serde(deserialize_with = "leak::str")]
    kind: &'static str,
    #[serde(deserialize_with = "leak::str")]
    city: &'static str,
    #[serde(deserialize_with = "leak::strs")]
    focus: &'static [&'static str],
    #[serde(deserialize_with = "leak::str")]
    intro: &'static str,
}

/// The kind of the organisations that post needs.
const E: &str = "enterprise";

/// An ASEAN sample organisation; its listings are written in `language`.
#[derive(Deserialize)]
struct AseanOrg {
    #[serde(deserialize_with = "leak::str")]
    slug: &'static str,
    #[serde(deserialize_with = "leak::str")]
    name: &'static str,
    #[serde(deserialize_with = "leak::str")]
    name_en: &'static str,
    #[serde(deserialize_with = "leak::str")]
    kind: &'static str,
    #[serde(deserialize_with = "leak::str")]
    country: &'static str,
    #[serde(deserialize_with = "leak::str")]
    contact: &'static str,
}

/// The 17 characters before the check character of an invented credit code.
fn credit_code_body(kind: &str, city: &str, n: usize) -> String {
    // 12 = 机构编制/事业单位 (universities, institutes); 91 = 市场监管/企业.
    let (prefix, org) = if kind == E {
        ("91", "MA")
    } else {
        ("12", "MB")
    };
    format!("{prefix}{city}{org}{:07}", 4_510_000 + n)
}

fn organisations(src: &'static Source) -> Vec<OrgSeed> {
    let mut out = Vec::with_capacity(src.orgs.chinese.len() + src.orgs.asean.len());
    for (i, o) in src.orgs.chinese.iter().enumerate() {
        let body = credit_code_body(o.kind, o.city, i + 1);
        let credit_code = credit_code_check_char(&body).map(|c| format!("{body}{c}"));
        let surname = src.orgs.surnames[i % src.orgs.surnames.len()];
        let title = if o.kind == E {
            if i % 2 == 0 {
                "经理"
            } else {
                "工程师"
            }
        } else {
            "老师"
        };
        out.push(OrgSeed {
            slug: o.slug,
            name: o.name,
            name_en: o.name_en,
            kind: o.kind,
            country: "CN",
            region_code: o.city,
            credit_code,
            state_funded: o.kind != E,
            contact_name: format!("{surname}{title}（示例）"),
            email: format!("contact+{}@{}.sample", i + 1, o.slug),
        });
    }
    for (j, o) in src.orgs.asean.iter().enumerate() {
        let n = src.orgs.chinese.len() + j + 1;
        out.push(OrgSeed {
            slug: o.slug,
            name: o.name,
            name_en: o.name_en,
            kind: o.kind,
            country: o.country,
            region_code: o.country,
            credit_code: None,
            state_funded: o.kind != E,
            contact_name: o.contact.to_owned(),
            email: format!("contact+{n}@{}.sample", o.slug),
        });
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Templates per industry field

/// A technology subject within an industry: `name` is an action noun phrase that fits every
/// title pattern; `core` is a clause on how it works; `result` has one `{n}` placeholder for a
/// percentage; `ip` is the pool of IP types it is usually protected by.
#[derive(Deserialize)]
struct Subject {
    #[serde(deserialize_with = "leak::str")]
    name: &'static str,
    #[serde(deserialize_with = "leak::str")]
    core: &'static str,
    #[serde(deserialize_with = "leak::str")]
    result: &'static str,
    #[serde(deserialize_with = "leak::strs")]
    ipc: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    keywords: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    ip: &'static [&'static str],
}

/// Templates for one industry field: subjects, application settings (`contexts`, fit after
/// 面向/适用于), typical problems (`pains`) and extra keywords.
#[derive(Deserialize)]
struct Industry {
    #[serde(deserialize_with = "leak::str")]
    code: &'static str,
    #[serde(deserialize_with = "leak::slice")]
    subjects: &'static [Subject],
    #[serde(deserialize_with = "leak::strs")]
    contexts: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    pains: &'static [&'static str],
    #[serde(deserialize_with = "leak::strs")]
    extra_keywords: &'static [&'static str],
}

// ---------------------------------------------------------------------------------------------
// Hand-written listings: featured Chinese ones with an English translation, and ASEAN ones in
// their own language with a Chinese translation.

/// A listing text in one language.
#[derive(Deserialize)]
struct Text {
    #[serde(deserialize_with = "leak::str")]
    lang: &'static str,
    #[serde(deserialize_with = "leak::str")]
    title: &'static str,
    #[serde(deserialize_with = "leak::str")]
    summary: &'static str,
    #[serde(deserialize_with = "leak::str")]
    description: &'static str,
    #[serde(deserialize_with = "leak::strs")]
    keywords: &'static [&'static str],
}

/// Which kind of listing a hand-written one is.
#[derive(Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    Achievement,
    Need,
    /// An open call; the price is the bounty.
    OpenCall,
}

/// IP of a hand-written achievement: type, status and numbers (generated Chinese numbers when
/// empty and the type is a patent).
type Ip = (&'static str, &'static str, &'static [&'static str]);

/// A hand-written listing. `trl` is the achievement's TRL or the need's minimum TRL; `price`
/// is (currency, min, max) in major units, `None` for negotiable.
#[derive(Deserialize)]
struct Authored {
    #[serde(deserialize_with = "leak::str")]
    org: &'static str,
    kind: Kind,
    #[serde(deserialize_with = "leak::str")]
    industry: &'static str,
    #[serde(deserialize_with = "leak::strs")]
    ipc: &'static [&'static str],
    trl: i16,
    #[serde(deserialize_with = "leak::ip")]
    ip: Ip,
    #[serde(deserialize_with = "leak::price")]
    price: Option<(&'static str, i64, i64)>,
    #[serde(deserialize_with = "leak::strs")]
    modes: &'static [&'static str],
    cross_border: bool,
    #[serde(deserialize_with = "leak::str")]
    eligibility: &'static str,
    original: Text,
    translation: Text,
}

// ---------------------------------------------------------------------------------------------
// Generation (pure)

/// Generated achievements per industry field (plus the hand-written ones).
const ACHIEVEMENTS_PER_INDUSTRY: usize = 13;
/// Generated needs per industry field (plus the hand-written ones).
const NEEDS_PER_INDUSTRY: usize = 7;

/// The sample data set for `today`: the same every time for the same date.
pub fn generate(today: NaiveDate) -> anyhow::Result<SampleData> {
    let src = source()?;
    let mut data = SampleData {
        organisations: organisations(src),
        achievements: Vec::new(),
        needs: Vec::new(),
        translations: Vec::new(),
    };
    let mut rng = Rng(SEED);
    for (i, listing) in src.featured.iter().enumerate() {
        let provenance = if i % 4 == 3 { "machine" } else { "human" };
        push_authored(&mut data, &mut rng, today, listing, provenance);
    }
    for industry in src.industries {
        generate_industry(src, &mut data, &mut rng, today, industry);
    }
    for (i, listing) in src.asean_listings.iter().enumerate() {
        let provenance = if i % 5 == 4 { "machine" } else { "human" };
        push_authored(&mut data, &mut rng, today, listing, provenance);
    }
    Ok(data)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn text(t: &Text) -> ListingText {
    ListingText {
        language: t.lang.to_owned(),
        title: t.title.to_owned(),
        summary: t.summary.to_owned(),
        description: t.description.to_owned(),
        keywords: strings(t.keywords),
    }
}

/// `major` whole units of `currency` in its minor units (VND has none; CNY has fen).
fn minor(currency: &str, major: i64) -> i64 {
    let exponent = platform::money::Currency::parse(currency).map_or(2, |c| c.exponent);
    major.saturating_mul(10i64.pow(exponent))
}

fn price(range: Option<(&str, i64, i64)>) -> Price {
    match range {
        Some((currency, min, max)) => Price {
            min_minor: Some(minor(currency, min)),
            max_minor: Some(minor(currency, max)),
            currency: Some(currency.to_owned()),
            negotiable: false,
        },
        None => Price {
            min_minor: None,
            max_minor: None,
            currency: None,
            negotiable: true,
        },
    }
}

/// 万元 to fen.
const FEN_PER_WAN: i64 = 1_000_000;

fn cny_wan(min_wan: i64, max_wan: i64) -> Price {
    Price {
        min_minor: Some(min_wan * FEN_PER_WAN),
        max_minor: Some(max_wan * FEN_PER_WAN),
        currency: Some("CNY".to_owned()),
        negotiable: false,
    }
}

fn timing(rng: &mut Rng) -> Timing {
    Timing {
        published_minutes_ago: rng.range(30, 180 * 24 * 60),
        review_minutes: rng.range(30, 3 * 24 * 60),
        drafting_minutes: rng.range(60, 20 * 24 * 60),
    }
}

/// Between 30 and 365 days ahead, except a few expiring within two weeks (so reminders show).
fn valid_until(rng: &mut Rng, today: NaiveDate) -> NaiveDate {
    if rng.chance(4) {
        today + Duration::days(rng.range(2, 13))
    } else {
        today + Duration::days(rng.range(30, 365))
    }
}

/// A Chinese patent application number (`202310123456.7`): year, type digit (1 invention,
/// 2 utility model, 3 design), seven-digit serial and the check digit (mod 11, 10 → X).
fn cn_application_number(year: i64, kind: u8, serial: i64) -> String {
    let body = format!("{year}{kind}{:07}", serial.rem_euclid(10_000_000));
    const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b.saturating_sub(b'0')) * w)
        .sum();
    let check = match sum % 11 {
        10 => 'X',
        d => char::from(b'0' + d as u8),
    };
    format!("{body}.{check}")
}

/// Status and invented registration numbers for a Chinese IP right of `ip_type`.
fn chinese_ip(rng: &mut Rng, ip_type: &str) -> (String, Vec<String>) {
    let count = rng.range(1, 3);
    let mut numbers = Vec::new();
    let status = match ip_type {
        "invention_patent" => {
            let granted = rng.chance(60);
            for _ in 0..count {
                let year = if granted {
                    rng.range(2018, 2023)
                } else {
                    rng.range(2022, 2025)
                };
                let number = cn_application_number(year, 1, rng.range(0, 9_999_999));
                numbers.push(if granted {
                    format!("ZL{number}")
                } else {
                    number
                });
            }
            if granted {
                "granted"
            } else {
                "filed"
            }
        }
        "utility_model" | "design" => {
            let kind = if ip_type == "design" { 3 } else { 2 };
            for _ in 0..count {
                let year = rng.range(2019, 2024);
                numbers.push(format!(
                    "ZL{}",
                    cn_application_number(year, kind, rng.range(0, 9_999_999))
                ));
            }
            "granted"
        }
        "software_copyright" => {
            for _ in 0..count {
                numbers.push(format!(
                    "{}SR{:07}",
                    rng.range(2019, 2025),
                    rng.range(100_000, 1_999_999)
                ));
            }
            "not_applicable"
        }
        "plant_variety" => {
            numbers.push(format!(
                "CNA{}{:05}.{}",
                rng.range(2018, 2023),
                rng.range(1, 19_999),
                rng.range(0, 9)
            ));
            "granted"
        }
        "ic_layout" => {
            numbers.push(format!(
                "BS.{:02}5{:05}.{}",
                rng.range(19, 24),
                rng.range(1, 99_999),
                rng.range(0, 9)
            ));
            "granted"
        }
        _ => "not_applicable",
    };
    (status.to_owned(), numbers)
}

fn ip_sentence(ip_type: &str, status: &str, count: usize) -> String {
    match (ip_type, status) {
        ("invention_patent", "granted") => format!("已获授权发明专利{count}件。"),
        ("invention_patent", _) => format!("已申请发明专利{count}件，处于实质审查阶段。"),
        ("utility_model", _) => format!("已获授权实用新型专利{count}件。"),
        ("design", _) => format!("已获授权外观设计专利{count}件。"),
        ("software_copyright", _) => format!("已取得计算机软件著作权登记{count}项。"),
        ("plant_variety", _) => "已获植物新品种权。".to_owned(),
        ("ic_layout", _) => "已完成集成电路布图设计登记。".to_owned(),
        _ => "核心工艺以技术秘密方式保护。".to_owned(),
    }
}

fn trl_sentence(trl: i16, city: &str) -> String {
    match trl {
        ..=3 => "目前已完成关键功能的原理性验证。".to_owned(),
        4 => "目前已完成实验室环境下的性能验证。".to_owned(),
        5 => "已在模拟应用环境中完成验证。".to_owned(),
        6 => "已研制样机并在相关环境中完成演示。".to_owned(),
        7 => format!("已在{city}相关企业开展实际工况试用。"),
        8 => "已完成定型并通过第三方检测。".to_owned(),
        _ => format!("已在{city}等地实现规模化应用。"),
    }
}

fn modes_zh(modes: &[String]) -> String {
    modes
        .iter()
        .map(|m| {
            taxonomy::COOPERATION_MODES
                .iter()
                .find(|t| t.code == m)
                .map_or(m.as_str(), |t| t.zh)
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn keywords(rng: &mut Rng, subject: &Subject, industry: &Industry) -> Vec<String> {
    let mut out = strings(subject.keywords);
    let extra = rng.range(0, 2) as usize;
    for k in rng.sample(industry.extra_keywords, extra) {
        if !out.iter().any(|o| o == k) {
            out.push(k.to_owned());
        }
    }
    out
}

fn generate_industry(
    src: &'static Source,
    data: &mut SampleData,
    rng: &mut Rng,
    today: NaiveDate,
    industry: &Industry,
) {
    let with_focus = |enterprise: bool| -> Vec<usize> {
        src.orgs
            .chinese
            .iter()
            .enumerate()
            .filter(|(_, o)| (o.kind == E) == enterprise && o.focus.contains(&industry.code))
            .map(|(i, _)| i)
            .collect()
    };
    let researchers = with_focus(false);
    // Enterprises whose main field this is come up twice as often as those branching out.
    let mut enterprises = with_focus(true);
    let main: Vec<usize> = enterprises
        .iter()
        .copied()
        .filter(|&i| src.orgs.chinese[i].focus.first() == Some(&industry.code))
        .collect();
    enterprises.extend(main);
    let industry_zh = taxonomy::INDUSTRIES
        .iter()
        .find(|t| t.code == industry.code)
        .map_or("", |t| t.zh.split('（').next().unwrap_or(t.zh));
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for si in 0..industry.subjects.len() {
        for pi in 0..src.phrases.achievement_titles.len() {
            pairs.push((si, pi));
        }
    }
    let mut need_pairs = pairs.clone();
    rng.shuffle(&mut pairs);
    rng.shuffle(&mut need_pairs);
    let offset = rng.below(researchers.len().max(1));

    for k in 0..ACHIEVEMENTS_PER_INDUSTRY {
        // Mostly universities and institutes; every fifth from an enterprise's own R&D.
        let org = if k % 5 == 4 && !enterprises.is_empty() {
            enterprises[(k / 5) % enterprises.len()]
        } else if !researchers.is_empty() {
            researchers[(k + offset) % researchers.len()]
        } else {
            continue;
        };
        let Some(&(si, pi)) = pairs.get(k % pairs.len().max(1)) else {
            continue;
        };
        let subject = &industry.subjects[si];
        let org_seed = &data.organisations[org];
        let city = taxonomy::region_label(org_seed.region_code, "zh").unwrap_or("广西");
        let n = rng.range(12, 40);
        let result = subject.result.replace("{n}", &n.to_string());
        let ctx = rng.pick(industry.contexts);
        let pain = rng.pick(industry.pains);
        let team = if org_seed.kind == E {
            "研发中心"
        } else {
            rng.pick(src.phrases.teams)
        };
        let trl: i16 = rng.pick(&[3, 4, 4, 5, 5, 6, 6, 6, 7, 7, 7, 8, 8, 9]);
        let ip_type = rng.pick(subject.ip);
        let (status, numbers) = chinese_ip(rng, ip_type);
        let mode_count = rng.range(1, 3) as usize;
        let modes = strings(&rng.sample(src.phrases.achievement_modes, mode_count));
        let price = if rng.chance(25) {
            price(None)
        } else {
            let min = rng.pick(&[10, 20, 30, 50, 80, 100, 150, 200]);
            cny_wan(min, min * rng.pick(&[2, 3, 4, 5]))
        };
        let cross_border = rng.chance(30);
        let mut coop = format!("可采用{}等方式合作", modes_zh(&modes));
        coop.push_str(if cross_border {
            "，欢迎东盟国家企业和机构洽谈。"
        } else {
            "。"
        });
        let description = [
            format!(
                "本成果由{}{team}研发，面向{ctx}，针对{pain}等问题开展攻关。",
                org_seed.name
            ),
            format!("{}，经测试{result}。", subject.core),
            trl_sentence(trl, city),
            ip_sentence(ip_type, &status, numbers.len()),
            coop,
        ]
        .concat();
        data.achievements.push(AchievementSeed {
            org,
            text: ListingText {
                language: "zh".to_owned(),
                title: src.phrases.achievement_titles[pi].replace("{s}", subject.name),
                summary: format!("{}，{result}，适用于{ctx}。", subject.core),
                description,
                keywords: keywords(rng, subject, industry),
            },
            industry: industry.code.to_owned(),
            ipc_codes: strings(subject.ipc),
            ip_type: ip_type.to_owned(),
            ip_numbers: numbers,
            patent_status: Some(status),
            trl,
            cooperation_modes: modes,
            price,
            cross_border,
            valid_until: valid_until(rng, today),
            timing: timing(rng),
        });
    }

    // One open call in every other industry field (about a dozen), the rest ordinary needs.
    let industry_index = src
        .industries
        .iter()
        .position(|i| i.code == industry.code)
        .unwrap_or(0);
    for k in 0..NEEDS_PER_INDUSTRY {
        if enterprises.is_empty() {
            break;
        }
        let org = enterprises[(k + offset) % enterprises.len()];
        let Some(&(si, pi)) = need_pairs.get(k % need_pairs.len().max(1)) else {
            continue;
        };
        let subject = &industry.subjects[si];
        let (intro, main_field) = src.orgs.chinese.get(org).map_or(("", true), |o| {
            (o.intro, o.focus.first() == Some(&industry.code))
        });
        let open = k == 0 && industry_index % 2 == 0;
        let n = rng.range(10, 35);
        let result = subject.result.replace("{n}", &n.to_string());
        let pain = rng.pick(industry.pains);
        let min_trl: i16 = rng.pick(&[3, 4, 4, 5, 5, 6, 6, 7]);
        let cross_border = open || rng.chance(30);
        let keywords = keywords(rng, subject, industry);
        let mut need = NeedSeed {
            org,
            kind: "need".to_owned(),
            text: ListingText {
                language: "zh".to_owned(),
                title: src.phrases.need_titles[pi % src.phrases.need_titles.len()]
                    .replace("{s}", subject.name),
                summary: format!(
                    "寻求{}技术，要求{result}以上，以解决{pain}等问题。",
                    subject.name
                ),
                description: String::new(),
                keywords,
            },
            industry: industry.code.to_owned(),
            ipc_codes: strings(subject.ipc),
            min_trl,
            budget: price(None),
            cooperation_modes: Vec::new(),
            deadline: None,
            bounty_minor: None,
            bounty_currency: None,
            eligibility: None,
            cross_border,
            valid_until: today,
            timing: timing(rng),
        };
        let closing;
        if open {
            let bounty_wan: i64 = rng.pick(&[100, 150, 200, 300, 500, 800]);
            let deadline = today + Duration::days(rng.range(30, 120));
            need.kind = "open_call".to_owned();
            need.text.title = format!("揭榜挂帅：{}关键技术攻关", subject.name);
            need.budget = cny_wan(bounty_wan, bounty_wan);
            need.bounty_minor = Some(bounty_wan * FEN_PER_WAN);
            need.bounty_currency = Some("CNY".to_owned());
            need.eligibility = Some(rng.pick(src.phrases.eligibility).to_owned());
            let mode_count = rng.range(1, 2) as usize;
            need.cooperation_modes = strings(&rng.sample(
                &["commissioned_development", "joint_development"],
                mode_count,
            ));
            need.deadline = Some(deadline);
            need.valid_until = deadline + Duration::days(rng.range(14, 60));
            closing = format!(
                "本需求以揭榜挂帅方式发布，榜金{bounty_wan}万元，揭榜截止日期为{}，欢迎东盟国家合作方联合揭榜。",
                deadline.format("%Y年%-m月%-d日")
            );
        } else {
            need.budget = if rng.chance(20) {
                price(None)
            } else {
                let min = rng.pick(&[10, 20, 30, 50, 80, 100, 200]);
                cny_wan(min, min * rng.pick(&[2, 3]))
            };
            let mode_count = rng.range(1, 3) as usize;
            need.cooperation_modes = strings(&rng.sample(src.phrases.need_modes, mode_count));
            need.valid_until = valid_until(rng, today);
            if rng.chance(60) {
                let wanted = today + Duration::days(rng.range(30, 300));
                need.deadline = Some(wanted.min(need.valid_until));
            }
            closing = if cross_border {
                "欢迎东盟国家合作方参与。".to_owned()
            } else {
                String::new()
            };
        }
        let budget = match (
            need.budget.negotiable,
            need.budget.min_minor,
            need.budget.max_minor,
        ) {
            _ if open => String::new(),
            (false, Some(min), Some(max)) => {
                format!("预算{}万至{}万元，", min / FEN_PER_WAN, max / FEN_PER_WAN)
            }
            _ => "预算面议，".to_owned(),
        };
        need.text.description = [
            if main_field {
                format!("我公司{intro}，目前面临{pain}等问题。")
            } else {
                format!("我公司{intro}，正在向{industry_zh}领域延伸业务，面临{pain}等问题。")
            },
            format!(
                "现寻求{}方面的成熟技术、专利成果或研发团队，要求{result}以上。",
                subject.name
            ),
            format!(
                "技术就绪度不低于{min_trl}级，{budget}可接受{}等合作方式。",
                modes_zh(&need.cooperation_modes)
            ),
            closing,
        ]
        .concat();
        data.needs.push(need);
    }
}

/// Adds a hand-written listing and its translation.
fn push_authored(
    data: &mut SampleData,
    rng: &mut Rng,
    today: NaiveDate,
    a: &Authored,
    provenance: &'static str,
) {
    let Some(org) = data.organisations.iter().position(|o| o.slug == a.org) else {
        return;
    };
    let country = data.organisations[org].country;
    let cross_border = a.cross_border || country != "CN";
    let listing = match a.kind {
        Kind::Achievement => {
            let (ip_type, status, given) = a.ip;
            let (status, numbers) = if given.is_empty() && country == "CN" {
                let (generated_status, numbers) = chinese_ip(rng, ip_type);
                // Keep the written status (granted/filed) with generated numbers.
                let numbers = match (ip_type, status) {
                    ("invention_patent", "granted") => numbers
                        .into_iter()
                        .map(|n| {
                            if n.starts_with("ZL") {
                                n
                            } else {
                                format!("ZL{n}")
                            }
                        })
                        .collect(),
                    ("invention_patent", _) => numbers
                        .into_iter()
                        .map(|n| n.trim_start_matches("ZL").to_owned())
                        .collect(),
                    _ => numbers,
                };
                let status = if ip_type == "invention_patent" {
                    status.to_owned()
                } else {
                    generated_status
                };
                (status, numbers)
            } else {
                (status.to_owned(), strings(given))
            };
            data.achievements.push(AchievementSeed {
                org,
                text: text(&a.original),
                industry: a.industry.to_owned(),
                ipc_codes: strings(a.ipc),
                ip_type: ip_type.to_owned(),
                ip_numbers: numbers,
                patent_status: Some(status),
                trl: a.trl,
                cooperation_modes: strings(a.modes),
                price: price(a.price),
                cross_border,
                valid_until: valid_until(rng, today),
                timing: timing(rng),
            });
            ListingRef::Achievement(data.achievements.len() - 1)
        }
        Kind::Need | Kind::OpenCall => {
            let open = a.kind == Kind::OpenCall;
            let (deadline, valid) = if open {
                let deadline = today + Duration::days(rng.range(45, 120));
                (Some(deadline), deadline + Duration::days(rng.range(14, 60)))
            } else {
                let valid = valid_until(rng, today);
                let deadline = rng
                    .chance(60)
                    .then(|| (today + Duration::days(rng.range(30, 300))).min(valid));
                (deadline, valid)
            };
            let budget = price(a.price);
            data.needs.push(NeedSeed {
                org,
                kind: if open { "open_call" } else { "need" }.to_owned(),
                text: text(&a.original),
                industry: a.industry.to_owned(),
                ipc_codes: strings(a.ipc),
                min_trl: a.trl,
                bounty_minor: if open { budget.max_minor } else { None },
                bounty_currency: if open { budget.currency.clone() } else { None },
                budget,
                cooperation_modes: strings(a.modes),
                deadline,
                eligibility: open.then(|| a.eligibility.to_owned()),
                cross_border,
                valid_until: valid,
                timing: timing(rng),
            });
            ListingRef::Need(data.needs.len() - 1)
        }
    };
    data.translations.push(TranslationSeed {
        listing,
        text: text(&a.translation),
        provenance,
    });
}

// ---------------------------------------------------------------------------------------------
// Insertion

/// Rows per `INSERT`: well under both databases' bind-parameter limits.
const CHUNK: usize = 100;

/// Inserts the sample organisations (each with one admin user, password
/// [`crate::sample::DEMO_PASSWORD`]), achievements, needs, open calls and translations in
/// `txn`. Every column is set explicitly; timestamps are relative to now.
pub async fn load(
    txn: &DatabaseTransaction,
    today: NaiveDate,
    demo: &DemoOwners,
) -> anyhow::Result<SampleCounts> {
    let data = generate(today)?;
    let (demo_achievements, demo_needs) = demo_picks(&data);
    let achievement_owner = |i: usize| {
        demo.university
            .as_ref()
            .filter(|_| demo_achievements.contains(&i))
    };
    let need_owner = |i: usize| demo.enterprise.as_ref().filter(|_| demo_needs.contains(&i));
    let now = Utc::now();
    // Organisations joined before their oldest listing (published at most 180 days ago).
    let joined = now - Duration::days(200);
    let verified = now - Duration::days(190);

    let org_ids: Vec<sea_orm::prelude::Uuid> =
        data.organisations.iter().map(|_| new_uuid()).collect();
    let org_models: Vec<organisations::ActiveModel> = data
        .organisations
        .iter()
        .zip(&org_ids)
        .map(|(o, id)| organisations::ActiveModel {
            id: Set(*id),
            name: Set(o.name.to_owned()),
            name_en: Set(Some(o.name_en.to_owned())),
            kind: Set(o.kind.to_owned()),
            country: Set(o.country.to_owned()),
            region_code: Set(o.region_code.to_owned()),
            credit_code: Set(o.credit_code.clone()),
            state_funded: Set(o.state_funded),
            website: Set(None),
            description: Set(Some(
                "示例数据 Sample data: a fictional organisation.".to_owned(),
            )),
            verification_status: Set("verified".to_owned()),
            verification_note: Set(Some("sample data".to_owned())),
            verified_at: Set(Some(verified.into())),
            verified_by: Set(None),
            version: Set(1),
            created_at: Set(joined.into()),
            updated_at: Set(verified.into()),
        })
        .collect();
    for chunk in org_models.chunks(CHUNK) {
        organisations::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    let mut user_ids = Vec::with_capacity(org_ids.len());
    for (o, id) in data.organisations.iter().zip(&org_ids) {
        let user = listing::domain::accounts::add_member(
            txn,
            OrganisationId(*id),
            &o.email,
            &o.contact_name,
            crate::sample::DEMO_PASSWORD,
            OrgRole::Admin,
        )
        .await
        .map_err(|e| anyhow::anyhow!("Failed to create sample user {}: {e}", o.email))?;
        user_ids.push(user.id.0);
    }

    let stamps = |t: &Timing| {
        let published = now - Duration::minutes(t.published_minutes_ago);
        let submitted = published - Duration::minutes(t.review_minutes);
        let created = submitted - Duration::minutes(t.drafting_minutes);
        (created, submitted, published)
    };

    let achievement_ids: Vec<sea_orm::prelude::Uuid> =
        data.achievements.iter().map(|_| new_uuid()).collect();
    let achievement_models: Vec<achievements::ActiveModel> = data
        .achievements
        .iter()
        .zip(&achievement_ids)
        .enumerate()
        .map(|(i, (a, id))| {
            let owner = Owner::of(
                achievement_owner(i),
                &data.organisations[a.org],
                org_ids[a.org],
                user_ids[a.org],
            );
            let (created, submitted, published) = stamps(&a.timing);
            achievements::ActiveModel {
                id: Set(*id),
                organisation_id: Set(owner.organisation_id),
                created_by: Set(owner.user_id),
                status: Set("published".to_owned()),
                original_language: Set(a.text.language.clone()),
                title: Set(a.text.title.clone()),
                summary: Set(a.text.summary.clone()),
                description: Set(a.text.description.clone()),
                keywords: Set(serde_json::json!(a.text.keywords)),
                industry_code: Set(a.industry.clone()),
                ipc_codes: Set(serde_json::json!(a.ipc_codes)),
                ip_type: Set(a.ip_type.clone()),
                ip_numbers: Set(serde_json::json!(a.ip_numbers)),
                patent_status: Set(a.patent_status.clone()),
                trl: Set(a.trl),
                cooperation_modes: Set(serde_json::json!(a.cooperation_modes)),
                price_min_minor: Set(a.price.min_minor),
                price_max_minor: Set(a.price.max_minor),
                currency: Set(a.price.currency.clone()),
                price_negotiable: Set(a.price.negotiable),
                country: Set(owner.country.to_owned()),
                region_code: Set(owner.region_code.to_owned()),
                cross_border: Set(a.cross_border),
                contact_name: Set(Some(owner.contact_name.to_owned())),
                contact_email: Set(Some(owner.contact_email.to_owned())),
                contact_phone: Set(None),
                valid_until: Set(Some(a.valid_until)),
                submitted_at: Set(Some(submitted.into())),
                published_at: Set(Some(published.into())),
                closed_at: Set(None),
                expiry_reminded_at: Set(None),
                version: Set(1),
                created_at: Set(created.into()),
                updated_at: Set(published.into()),
            }
        })
        .collect();
    for chunk in achievement_models.chunks(CHUNK) {
        achievements::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    let need_ids: Vec<sea_orm::prelude::Uuid> = data.needs.iter().map(|_| new_uuid()).collect();
    let need_models: Vec<needs::ActiveModel> = data
        .needs
        .iter()
        .zip(&need_ids)
        .enumerate()
        .map(|(i, (n, id))| {
            let owner = Owner::of(
                need_owner(i),
                &data.organisations[n.org],
                org_ids[n.org],
                user_ids[n.org],
            );
            let (created, submitted, published) = stamps(&n.timing);
            needs::ActiveModel {
                id: Set(*id),
                organisation_id: Set(owner.organisation_id),
                created_by: Set(owner.user_id),
                status: Set("published".to_owned()),
                kind: Set(n.kind.clone()),
                original_language: Set(n.text.language.clone()),
                title: Set(n.text.title.clone()),
                summary: Set(n.text.summary.clone()),
                description: Set(n.text.description.clone()),
                keywords: Set(serde_json::json!(n.text.keywords)),
                industry_code: Set(n.industry.clone()),
                ipc_codes: Set(serde_json::json!(n.ipc_codes)),
                min_trl: Set(n.min_trl),
                budget_min_minor: Set(n.budget.min_minor),
                budget_max_minor: Set(n.budget.max_minor),
                currency: Set(n.budget.currency.clone()),
                budget_negotiable: Set(n.budget.negotiable),
                cooperation_modes: Set(serde_json::json!(n.cooperation_modes)),
                deadline: Set(n.deadline),
                country: Set(owner.country.to_owned()),
                region_code: Set(owner.region_code.to_owned()),
                cross_border: Set(n.cross_border),
                bounty_minor: Set(n.bounty_minor),
                bounty_currency: Set(n.bounty_currency.clone()),
                eligibility: Set(n.eligibility.clone()),
                awarded_application_id: Set(None),
                contact_name: Set(Some(owner.contact_name.to_owned())),
                contact_email: Set(Some(owner.contact_email.to_owned())),
                contact_phone: Set(None),
                valid_until: Set(Some(n.valid_until)),
                submitted_at: Set(Some(submitted.into())),
                published_at: Set(Some(published.into())),
                closed_at: Set(None),
                expiry_reminded_at: Set(None),
                version: Set(1),
                created_at: Set(created.into()),
                updated_at: Set(published.into()),
            }
        })
        .collect();
    for chunk in need_models.chunks(CHUNK) {
        needs::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    let translation_models: Vec<listing_translations::ActiveModel> = data
        .translations
        .iter()
        .map(|t| {
            let (kind, listing_id, org, published_ago) = match t.listing {
                ListingRef::Achievement(i) => {
                    let a = &data.achievements[i];
                    (
                        "achievement",
                        achievement_ids[i],
                        a.org,
                        a.timing.published_minutes_ago,
                    )
                }
                ListingRef::Need(i) => {
                    let n = &data.needs[i];
                    ("need", need_ids[i], n.org, n.timing.published_minutes_ago)
                }
            };
            let at = now - Duration::minutes(published_ago);
            listing_translations::ActiveModel {
                id: Set(new_uuid()),
                listing_kind: Set(kind.to_owned()),
                listing_id: Set(listing_id),
                language: Set(t.text.language.clone()),
                title: Set(t.text.title.clone()),
                summary: Set(t.text.summary.clone()),
                description: Set(t.text.description.clone()),
                keywords: Set(serde_json::json!(t.text.keywords)),
                provenance: Set(t.provenance.to_owned()),
                translated_by: Set((t.provenance == "human").then(|| user_ids[org])),
                version: Set(1),
                created_at: Set(at.into()),
                updated_at: Set(at.into()),
            }
        })
        .collect();
    for chunk in translation_models.chunks(CHUNK) {
        listing_translations::Entity::insert_many(chunk.iter().cloned())
            .exec_without_returning(txn)
            .await?;
    }

    Ok(counts(&data))
}

/// A demo organisation of [`crate::sample`] and its admin, who own [`demo_picks`].
#[derive(Debug, Clone)]
pub struct DemoOwner {
    pub organisation_id: sea_orm::prelude::Uuid,
    pub user_id: sea_orm::prelude::Uuid,
    pub country: &'static str,
    pub region_code: &'static str,
    pub contact_name: &'static str,
    pub contact_email: &'static str,
}

/// Who owns the demo picks; `None` leaves them with their generated organisation.
#[derive(Debug, Clone, Default)]
pub struct DemoOwners {
    /// Owns [`demo_picks`]' achievements.
    pub university: Option<DemoOwner>,
    /// Owns [`demo_picks`]' needs and open call.
    pub enterprise: Option<DemoOwner>,
}

/// The fields of the demo enterprise (an agricultural machinery maker) and of the demo
/// university's listings, so that the two demo logins see each other as matches.
const DEMO_FIELDS: &[&str] = &["modern_agriculture", "high_end_equipment"];
/// The generated enterprise whose needs read like the demo enterprise's own.
const DEMO_NEED_ORG: &str = "fusui-cane-machinery";
/// How many achievements the demo university owns, and how many plain needs the demo
/// enterprise owns (it also owns one open call).
const DEMO_ACHIEVEMENTS: usize = 5;
const DEMO_NEEDS: usize = 4;

/// Which generated listings the demo university and enterprise own (indices into
/// `data.achievements` and `data.needs`): Chinese universities' and institutes' achievements
/// and Chinese enterprises' needs in [`DEMO_FIELDS`], plus one Chinese enterprise's open call. Hand-written
/// listings (the ones with translations) keep their own organisations.
pub fn demo_picks(data: &SampleData) -> (Vec<usize>, Vec<usize>) {
    let translated = |r: ListingRef| data.translations.iter().any(|t| t.listing == r);
    let org = |i: usize| data.organisations.get(i).filter(|o| o.country == "CN");
    // Best first: the enterprise most like the demo one (its needs' text describes a
    // sugarcane machinery maker), then DEMO_FIELDS in order; ties keep generation order.
    let rank = |org_slug: &str, industry: &str| -> Option<(usize, usize)> {
        let field = DEMO_FIELDS.iter().position(|f| *f == industry);
        if org_slug == DEMO_NEED_ORG {
            Some((0, field.unwrap_or(DEMO_FIELDS.len())))
        } else {
            field.map(|f| (1, f))
        }
    };
    let best = |mut ranked: Vec<((usize, usize), usize)>, limit: usize| -> Vec<usize> {
        ranked.sort();
        ranked.into_iter().take(limit).map(|(_, i)| i).collect()
    };
    let achievements = best(
        data.achievements
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                !translated(ListingRef::Achievement(*i))
                    && org(a.org).is_some_and(|o| o.kind == "university" || o.kind == "institute")
            })
            .filter_map(|(i, a)| {
                DEMO_FIELDS
                    .iter()
                    .position(|f| *f == a.industry)
                    .map(|f| ((0, f), i))
            })
            .collect(),
        DEMO_ACHIEVEMENTS,
    );
    let enterprise_needs = |kind: &str| -> Vec<((usize, usize), usize)> {
        data.needs
            .iter()
            .enumerate()
            .filter(|(i, n)| n.kind == kind && !translated(ListingRef::Need(*i)))
            .filter_map(|(i, n)| {
                let o = org(n.org).filter(|o| o.kind == "enterprise")?;
                rank(o.slug, &n.industry).map(|r| (r, i))
            })
            .collect()
    };
    let mut needs = best(enterprise_needs("need"), DEMO_NEEDS);
    needs.extend(best(enterprise_needs("open_call"), 1));
    (achievements, needs)
}

/// Who a listing is inserted for: a demo owner, or its generated organisation.
struct Owner<'a> {
    organisation_id: sea_orm::prelude::Uuid,
    user_id: sea_orm::prelude::Uuid,
    country: &'a str,
    region_code: &'a str,
    contact_name: &'a str,
    contact_email: &'a str,
}

impl<'a> Owner<'a> {
    fn of(
        demo: Option<&'a DemoOwner>,
        org: &'a OrgSeed,
        org_id: sea_orm::prelude::Uuid,
        user_id: sea_orm::prelude::Uuid,
    ) -> Self {
        match demo {
            Some(d) => Owner {
                organisation_id: d.organisation_id,
                user_id: d.user_id,
                country: d.country,
                region_code: d.region_code,
                contact_name: d.contact_name,
                contact_email: d.contact_email,
            },
            None => Owner {
                organisation_id: org_id,
                user_id,
                country: org.country,
                region_code: org.region_code,
                contact_name: &org.contact_name,
                contact_email: &org.email,
            },
        }
    }
}

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
        open_calls: data.needs.iter().filter(|n| n.kind == "open_call").count(),
        asean_listings: data.achievements.iter().filter(|a| foreign(a.org)).count()
            + data.needs.iter().filter(|n| foreign(n.org)).count(),
        translations: data.translations.len(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet, HashSet};

    use super::*;
    use platform::identifiers::parse_credit_code;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 3, 1).expect("valid date")
    }

    /// FNV-1a over the generated data's debug text: a change to any generated value, or to
    /// the order they come in, changes it. Pinned so that moving the generator's texts and
    /// tables between code and data files is shown not to change what it generates.
    fn digest(data: &SampleData) -> u64 {
        format!("{data:?}")
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
            })
    }

    #[test]
    fn the_generated_data_is_pinned() {
        let data = generate(today()).expect("sample data");
        assert_eq!(
            (
                data.organisations.len(),
                data.achievements.len(),
                data.needs.len(),
                data.translations.len()
            ),
            (58, 332, 190, 62)
        );
        assert_eq!(digest(&data), 868_878_668_032_318_041);
    }

    fn check_price(p: &Price, what: &str) {
        if p.negotiable {
            assert!(
                p.min_minor.is_none() && p.max_minor.is_none() && p.currency.is_none(),
                "{what}"
            );
        } else {
            let (min, max) = (p.min_minor.expect("min"), p.max_minor.expect("max"));
            assert!(0 < min && min <= max, "{what}: {min} > {max}");
            let currency = p.currency.as_deref().expect("currency");
            assert!(
                platform::money::Currency::parse(currency).is_some(),
                "{what}: {currency}"
            );
        }
    }

    fn check_text(t: &ListingText, what: &str) {
        assert!(taxonomy::is_language(&t.language), "{what}");
        let title = t.title.chars().count();
        assert!((4..=200).contains(&title), "{what}: title length {title}");
        let summary = t.summary.chars().count();
        assert!(
            (10..=1000).contains(&summary),
            "{what}: summary length {summary}"
        );
        assert!(
            t.description.chars().count() >= 40,
            "{what}: description too short"
        );
        assert!(
            (3..=6).contains(&t.keywords.len()),
            "{what}: {} keywords",
            t.keywords.len()
        );
        let distinct: HashSet<&String> = t.keywords.iter().collect();
        assert_eq!(
            distinct.len(),
            t.keywords.len(),
            "{what}: duplicate keywords"
        );
        assert!(
            t.keywords
                .iter()
                .all(|k| (1..=60).contains(&k.chars().count())),
            "{what}"
        );
        assert!(
            !t.title.contains("{s}") && !t.description.contains("{n}"),
            "{what}: placeholder left"
        );
    }

    fn check_common(
        ipc: &[String],
        modes: &[String],
        industry: &str,
        valid_until: NaiveDate,
        t: &Timing,
        what: &str,
    ) {
        assert!(!ipc.is_empty(), "{what}");
        for code in ipc {
            assert!(taxonomy::is_ipc_code(code), "{what}: bad IPC {code}");
        }
        assert!(!modes.is_empty(), "{what}");
        for m in modes {
            assert!(taxonomy::is_cooperation_mode(m), "{what}: bad mode {m}");
        }
        assert!(taxonomy::is_industry(industry), "{what}: {industry}");
        assert!(valid_until > today(), "{what}");
        assert!(valid_until <= today() + Duration::days(365), "{what}");
        assert!(
            (0..=180 * 24 * 60).contains(&t.published_minutes_ago),
            "{what}"
        );
        assert!(t.review_minutes > 0 && t.drafting_minutes > 0, "{what}");
    }

    #[test]
    fn generated_data_is_complete_and_valid() {
        let data = generate(today()).expect("sample data");
        let c = counts(&data);
        assert!(c.organisations >= 50, "{c:?}");
        assert!(c.achievements >= 300, "{c:?}");
        assert!(c.needs >= 150, "{c:?}");
        assert!(c.open_calls >= 10, "{c:?}");
        assert!(c.asean_listings >= 40, "{c:?}");
        assert!(c.translations >= 60, "{c:?}");
        // Every hand-written listing found its organisation.
        let src = source().expect("sample data files");
        assert_eq!(c.asean_listings, src.asean_listings.len());
        assert_eq!(
            c.translations,
            src.featured.len() + src.asean_listings.len()
        );

        // Organisations: labelled, valid codes, all 14 cities, 8 ASEAN countries.
        let mut emails = HashSet::new();
        for o in &data.organisations {
            assert!(
                o.name.ends_with("（示例）") || o.name.ends_with("(sample)"),
                "{}",
                o.name
            );
            assert!(o.name_en.ends_with("(sample)"), "{}", o.name_en);
            assert!(emails.insert(o.email.clone()), "duplicate {}", o.email);
            assert_eq!(o.state_funded, o.kind != "enterprise", "{}", o.name);
            if o.country == "CN" {
                let code = o.credit_code.as_deref().expect("credit code");
                assert_eq!(parse_credit_code(code).as_deref(), Ok(code), "{}", o.name);
                assert!(taxonomy::GUANGXI_CITIES
                    .iter()
                    .any(|c| c.code == o.region_code));
            } else {
                assert!(o.credit_code.is_none());
                assert_eq!(o.region_code, o.country);
                assert!(taxonomy::asean(o.country).is_some());
            }
        }
        let codes: Vec<&String> = data
            .organisations
            .iter()
            .filter_map(|o| o.credit_code.as_ref())
            .collect();
        assert_eq!(
            codes.iter().collect::<HashSet<_>>().len(),
            codes.len(),
            "credit codes unique"
        );
        let countries: BTreeSet<&str> = data
            .organisations
            .iter()
            .map(|o| o.country)
            .filter(|c| *c != "CN")
            .collect();
        for country in ["VN", "TH", "MY", "ID", "SG", "PH", "KH", "LA"] {
            assert!(countries.contains(country), "{country}");
        }

        // Achievements.
        let mut ach_per_industry: BTreeMap<&str, usize> = BTreeMap::new();
        let mut cities: BTreeSet<&str> = BTreeSet::new();
        let mut titles = HashSet::new();
        let mut expiring_soon = 0;
        for (i, a) in data.achievements.iter().enumerate() {
            let what = format!("achievement {i} {}", a.text.title);
            let org = &data.organisations[a.org];
            check_text(&a.text, &what);
            check_common(
                &a.ipc_codes,
                &a.cooperation_modes,
                &a.industry,
                a.valid_until,
                &a.timing,
                &what,
            );
            check_price(&a.price, &what);
            assert!((3..=9).contains(&a.trl), "{what}");
            assert!(taxonomy::is_ip_type(&a.ip_type), "{what}");
            assert!(
                a.patent_status
                    .as_deref()
                    .is_some_and(taxonomy::is_patent_status),
                "{what}"
            );
            assert!(
                a.ip_numbers.iter().all(|n| (3..=40).contains(&n.len())),
                "{what}"
            );
            if a.ip_type == "invention_patent" {
                assert!(!a.ip_numbers.is_empty(), "{what}");
            }
            if org.country == "CN" {
                assert_eq!(a.text.language, "zh", "{what}");
                cities.insert(org.region_code);
            } else {
                assert!(a.cross_border, "{what}");
            }
            assert!(
                titles.insert(a.text.title.clone()),
                "duplicate title {what}"
            );
            *ach_per_industry.entry(a.industry.as_str()).or_default() += 1;
            if a.valid_until <= today() + Duration::days(14) {
                expiring_soon += 1;
            }
        }
        assert_eq!(cities.len(), 14, "achievements in every city: {cities:?}");

        // Needs and open calls.
        let mut need_per_industry: BTreeMap<&str, usize> = BTreeMap::new();
        let mut cities: BTreeSet<&str> = BTreeSet::new();
        let mut titles = HashSet::new();
        for (i, n) in data.needs.iter().enumerate() {
            let what = format!("need {i} {}", n.text.title);
            let org = &data.organisations[n.org];
            check_text(&n.text, &what);
            check_common(
                &n.ipc_codes,
                &n.cooperation_modes,
                &n.industry,
                n.valid_until,
                &n.timing,
                &what,
            );
            check_price(&n.budget, &what);
            assert!((3..=7).contains(&n.min_trl), "{what}");
            if let Some(deadline) = n.deadline {
                assert!(deadline > today() && deadline <= n.valid_until, "{what}");
            }
            match n.kind.as_str() {
                "open_call" => {
                    assert!(n.bounty_minor.is_some_and(|b| b > 0), "{what}");
                    assert_eq!(n.bounty_currency.as_deref(), Some("CNY"), "{what}");
                    assert!(
                        n.eligibility
                            .as_deref()
                            .is_some_and(|e| e.chars().count() >= 10),
                        "{what}"
                    );
                    assert!(n.deadline.is_some(), "{what}");
                }
                "need" => {
                    assert!(
                        n.bounty_minor.is_none()
                            && n.bounty_currency.is_none()
                            && n.eligibility.is_none(),
                        "{what}"
                    );
                }
                other => panic!("{what}: kind {other}"),
            }
            if org.country == "CN" {
                assert_eq!(n.text.language, "zh", "{what}");
                cities.insert(org.region_code);
            } else {
                assert!(n.cross_border, "{what}");
            }
            assert!(
                titles.insert(n.text.title.clone()),
                "duplicate title {what}"
            );
            *need_per_industry.entry(n.industry.as_str()).or_default() += 1;
            if n.valid_until <= today() + Duration::days(14) {
                expiring_soon += 1;
            }
        }
        assert_eq!(cities.len(), 14, "needs in every city: {cities:?}");
        for industry in taxonomy::INDUSTRIES {
            let a = ach_per_industry.get(industry.code).copied().unwrap_or(0);
            let n = need_per_industry.get(industry.code).copied().unwrap_or(0);
            assert!(
                a >= 8 && n >= 4,
                "{}: {a} achievements, {n} needs",
                industry.code
            );
        }
        assert!(
            (5..=40).contains(&expiring_soon),
            "{expiring_soon} expiring within 14 days"
        );

        // Cross-border share of Chinese listings is roughly 30 %.
        let cn: Vec<bool> = data
            .achievements
            .iter()
            .filter(|a| data.organisations[a.org].country == "CN")
            .map(|a| a.cross_border)
            .collect();
        let share = cn.iter().filter(|b| **b).count() * 100 / cn.len();
        assert!((20..=45).contains(&share), "cross-border share {share}%");

        // ASEAN listings: at least four non-Chinese languages, each translated.
        let mut languages: BTreeMap<String, usize> = BTreeMap::new();
        for a in data
            .achievements
            .iter()
            .filter(|a| data.organisations[a.org].country != "CN")
        {
            *languages.entry(a.text.language.clone()).or_default() += 1;
        }
        for n in data
            .needs
            .iter()
            .filter(|n| data.organisations[n.org].country != "CN")
        {
            *languages.entry(n.text.language.clone()).or_default() += 1;
        }
        assert!(!languages.contains_key("zh"));
        assert!(languages.len() >= 4, "{languages:?}");
        for lang in ["vi", "th", "ms", "id", "en"] {
            assert!(
                languages.get(lang).is_some_and(|n| *n >= 5),
                "{lang}: {languages:?}"
            );
        }

        // Translations: one per hand-written listing, into another language, unique per listing.
        let mut seen = HashSet::new();
        for t in &data.translations {
            let (original, key) = match t.listing {
                ListingRef::Achievement(i) => (&data.achievements[i].text, ("achievement", i)),
                ListingRef::Need(i) => (&data.needs[i].text, ("need", i)),
            };
            assert_ne!(original.language, t.text.language, "{}", original.title);
            assert!(t.text.language == "zh" || t.text.language == "en");
            assert!(t.provenance == "human" || t.provenance == "machine");
            assert!(seen.insert((key, t.text.language.clone())));
            check_text(&t.text, &t.text.title);
        }
        let english = data
            .translations
            .iter()
            .filter(|t| t.text.language == "en")
            .count();
        assert!(english >= 20, "{english} English translations");
    }

    #[test]
    fn generation_is_deterministic() {
        assert_eq!(
            generate(today()).expect("sample data"),
            generate(today()).expect("sample data")
        );
    }

    #[test]
    fn patent_check_digit() {
        // The example number of the domain reference, ZL202110123456.7.
        assert_eq!(cn_application_number(2021, 1, 123_456), "202110123456.7");
    }

    #[test]
    fn the_demo_organisations_own_a_handful_of_listings_in_their_fields() {
        let data = generate(today()).expect("sample data");
        let (achievements, needs) = demo_picks(&data);
        assert_eq!(achievements.len(), DEMO_ACHIEVEMENTS, "{achievements:?}");
        for &i in &achievements {
            let a = &data.achievements[i];
            assert!(DEMO_FIELDS.contains(&a.industry.as_str()), "{}", a.industry);
            assert!(matches!(
                data.organisations[a.org].kind,
                "university" | "institute"
            ));
        }
        assert_eq!(needs.len(), DEMO_NEEDS + 1, "{needs:?}");
        assert_eq!(
            needs
                .iter()
                .filter(|&&i| data.needs[i].kind == "open_call")
                .count(),
            1
        );
        for &i in &needs {
            assert_eq!(data.organisations[data.needs[i].org].kind, "enterprise");
        }
        assert_eq!(
            demo_picks(&generate(today()).expect("sample data")),
            (achievements, needs),
            "the same picks on every start"
        );
    }
}
