//! The features of a need ↔ achievement pair, each in 0–1.

use super::{AchievementProfile, NeedProfile};

pub use wire::matching::Features;

/// Cosines of unrelated texts sit well above 0 for e5-style models (about 0.7 for
/// multilingual-e5-small across languages, a need against a listing); the feature rises from
/// there to 1 at a cosine of 0.9, near what a text and its translation reach.
const COSINE_FLOOR: f64 = 0.70;
const COSINE_CEILING: f64 = 0.90;

/// The cosine from which a need (or a search) and a listing are taken to share their meaning:
/// multilingual-e5-small gives one subject in two languages 0.79–0.83 and other subjects, or
/// nonsense, 0.72–0.77. Below it no "similar meaning" reason is given and search shows no hit
/// found by meaning.
pub const SIMILAR_MEANING_COSINE: f64 = 0.78;

/// The semantic feature of a cosine similarity.
pub fn semantic(cosine: f64) -> f64 {
    ((cosine - COSINE_FLOOR) / (COSINE_CEILING - COSINE_FLOOR)).clamp(0.0, 1.0)
}

/// Compact IPC code (`A01D45/10`) split into its levels.
fn ipc_levels(code: &str) -> (String, String, String, String) {
    let c: String = code
        .chars()
        .filter(|ch| !ch.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    let section = c.chars().take(1).collect();
    let class = c.chars().take(3).collect();
    let subclass = c.chars().take(4).collect();
    let group = c.split('/').next().unwrap_or(&c).to_owned();
    (section, class, subclass, group)
}

/// How closely two IPC codes are related (1 = same main group).
pub fn ipc_similarity(a: &str, b: &str) -> f64 {
    let (sa, ca, sca, ga) = ipc_levels(a);
    let (sb, cb, scb, gb) = ipc_levels(b);
    if sa.is_empty() || sb.is_empty() {
        0.0
    } else if ga.len() > 4 && ga == gb {
        1.0
    } else if sca.len() == 4 && sca == scb {
        0.75
    } else if ca.len() == 3 && ca == cb {
        0.5
    } else if sa == sb {
        0.2
    } else {
        0.0
    }
}

/// The best IPC relation between the two lists (0 when either is empty).
pub fn best_ipc(need: &[String], ach: &[String]) -> f64 {
    need.iter()
        .flat_map(|a| ach.iter().map(move |b| ipc_similarity(a, b)))
        .fold(0.0, f64::max)
}

fn norm(s: &str) -> String {
    s.trim().to_lowercase()
}

/// The need's keywords that the achievement also names, in any of its languages, or that
/// occur in its title.
pub fn shared_keywords(need: &NeedProfile, ach: &AchievementProfile) -> Vec<String> {
    let ach_keywords: Vec<String> = ach
        .texts
        .iter()
        .flat_map(|t| t.keywords.iter().map(|k| norm(k)))
        .collect();
    let titles: Vec<String> = ach.texts.iter().map(|t| norm(&t.title)).collect();
    need.keywords
        .iter()
        .filter(|k| {
            let k = norm(k);
            !k.is_empty() && (ach_keywords.contains(&k) || titles.iter().any(|t| t.contains(&k)))
        })
        .cloned()
        .collect()
}

fn range_overlap(a: (Option<i64>, Option<i64>), b: (Option<i64>, Option<i64>)) -> Option<bool> {
    let (a_min, a_max) = a;
    let (b_min, b_max) = b;
    if a_min.is_none() && a_max.is_none() || b_min.is_none() && b_max.is_none() {
        return None;
    }
    let lo = a_min.unwrap_or(i64::MIN).max(b_min.unwrap_or(i64::MIN));
    let hi = a_max.unwrap_or(i64::MAX).min(b_max.unwrap_or(i64::MAX));
    Some(lo <= hi)
}

/// Province of a GB/T 2260 code (`450200` → `45`).
fn province(code: &str) -> Option<&str> {
    (code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit())).then(|| &code[..2])
}

pub fn compute(
    need: &NeedProfile,
    ach: &AchievementProfile,
    retrieval: f64,
    cosine: Option<f64>,
) -> Features {
    let keywords = if need.keywords.is_empty() {
        0.0
    } else {
        shared_keywords(need, ach).len() as f64 / need.keywords.len() as f64
    };
    let trl = if ach.trl >= need.min_trl {
        1.0
    } else {
        (1.0 - 0.4 * f64::from(need.min_trl - ach.trl)).max(0.0)
    };
    let price_fit = match range_overlap(
        (need.budget_min_cny_fen, need.budget_max_cny_fen),
        (ach.price_min_cny_fen, ach.price_max_cny_fen),
    ) {
        Some(true) => 1.0,
        None => 0.5,
        Some(false) => 0.0,
    };
    let cooperation = if need.cooperation_modes.is_empty() || ach.cooperation_modes.is_empty() {
        0.5
    } else if need
        .cooperation_modes
        .iter()
        .any(|m| ach.cooperation_modes.contains(m))
    {
        1.0
    } else {
        0.0
    };
    let region = match need.region_code.as_deref() {
        Some(r) if r == ach.region_code => 1.0,
        Some(r) if province(r).is_some() && province(r) == province(&ach.region_code) => 0.7,
        _ if need.country == ach.country => 0.5,
        _ if need.cross_border && ach.cross_border => 0.4,
        _ => 0.0,
    };
    Features {
        text: retrieval.clamp(0.0, 1.0),
        keywords,
        ipc: best_ipc(&need.ipc_codes, &ach.ipc_codes),
        industry: match &need.industry {
            Some(i) if *i == ach.industry => 1.0,
            _ => 0.0,
        },
        trl,
        price_fit,
        cooperation,
        region,
        freshness: 0.5_f64.powf(ach.age_days.max(0) as f64 / 180.0),
        semantic: cosine.map(semantic),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipc_hierarchy() {
        assert_eq!(ipc_similarity("A01D 45/10", "A01D45/02"), 1.0);
        assert_eq!(ipc_similarity("A01D 45/10", "A01D 34/00"), 0.75);
        assert_eq!(ipc_similarity("A01D", "A01B 1/00"), 0.5);
        assert_eq!(ipc_similarity("A01D", "A61K"), 0.2);
        assert_eq!(ipc_similarity("A01D", "H01M"), 0.0);
    }
}
