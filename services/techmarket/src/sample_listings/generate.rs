//! Generation (pure): the whole sample set for a date, and the small helpers every listing uses.

use super::*;

/// Generated achievements per industry field (plus the hand-written ones).
pub(super) const ACHIEVEMENTS_PER_INDUSTRY: usize = 13;
/// Generated needs per industry field (plus the hand-written ones).
pub(super) const NEEDS_PER_INDUSTRY: usize = 7;

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
        let provenance = if i % 4 == 3 {
            Provenance::Machine
        } else {
            Provenance::Human
        }
        .as_str();
        push_authored(&mut data, &mut rng, today, listing, provenance);
    }
    for industry in src.industries {
        generate_industry(src, &mut data, &mut rng, today, industry);
    }
    for (i, listing) in src.asean_listings.iter().enumerate() {
        let provenance = if i % 5 == 4 {
            Provenance::Machine
        } else {
            Provenance::Human
        }
        .as_str();
        push_authored(&mut data, &mut rng, today, listing, provenance);
    }
    Ok(data)
}

pub(super) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

pub(super) fn text(t: &Text) -> ListingText {
    ListingText {
        language: t.lang.to_owned(),
        title: t.title.to_owned(),
        summary: t.summary.to_owned(),
        description: t.description.to_owned(),
        keywords: strings(t.keywords),
    }
}

/// `major` whole units of `currency` in its minor units (VND has none; CNY has fen).
pub(super) fn minor(currency: &str, major: i64) -> i64 {
    let exponent = platform::money::Currency::parse(currency).map_or(2, |c| c.exponent);
    major.saturating_mul(10i64.pow(exponent))
}

pub(super) fn price(range: Option<(&str, i64, i64)>) -> Price {
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
pub(super) const FEN_PER_WAN: i64 = 1_000_000;

pub(super) fn cny_wan(min_wan: i64, max_wan: i64) -> Price {
    Price {
        min_minor: Some(min_wan * FEN_PER_WAN),
        max_minor: Some(max_wan * FEN_PER_WAN),
        currency: Some("CNY".to_owned()),
        negotiable: false,
    }
}

pub(super) fn timing(rng: &mut Rng) -> Timing {
    Timing {
        published_minutes_ago: rng.range(30, 180 * 24 * 60),
        review_minutes: rng.range(30, 3 * 24 * 60),
        drafting_minutes: rng.range(60, 20 * 24 * 60),
    }
}

/// Between 30 and 365 days ahead, except a few expiring within two weeks (so reminders show).
pub(super) fn valid_until(rng: &mut Rng, today: NaiveDate) -> NaiveDate {
    if rng.chance(4) {
        today + Duration::days(rng.range(2, 13))
    } else {
        today + Duration::days(rng.range(30, 365))
    }
}

pub(super) fn modes_zh(modes: &[String]) -> String {
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

pub(super) fn keywords(rng: &mut Rng, subject: &Subject, industry: &Industry) -> Vec<String> {
    let mut out = strings(subject.keywords);
    let extra = rng.range(0, 2) as usize;
    for k in rng.sample(industry.extra_keywords, extra) {
        if !out.iter().any(|o| o == k) {
            out.push(k.to_owned());
        }
    }
    out
}
