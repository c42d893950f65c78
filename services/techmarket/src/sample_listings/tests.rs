//! The sample generator's tests: what every generated listing must satisfy, and the pin.

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
