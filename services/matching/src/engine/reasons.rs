//! Reasons a broker can read, in Chinese and English: what makes a match, and what counts
//! against it.

use platform::taxonomy;

use super::features::{ipc_similarity, shared_keywords};
use super::{AchievementProfile, Features, NeedProfile};

pub use wire::matching::Reason;

fn reason(code: &str, positive: bool, zh: String, en: String) -> Reason {
    Reason {
        code: code.to_owned(),
        positive,
        zh,
        en,
    }
}

/// CNY fen as 万元 with up to two decimals (`6000000` → `6`).
fn wan(fen: i64) -> String {
    let wan = fen as f64 / 1_000_000.0;
    let s = format!("{wan:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn range_text(min: Option<i64>, max: Option<i64>) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a == b => wan(a),
        (Some(a), Some(b)) => format!("{}–{}", wan(a), wan(b)),
        (Some(a), None) => format!("≥{}", wan(a)),
        (None, Some(b)) => format!("≤{}", wan(b)),
        (None, None) => String::new(),
    }
}

fn term(terms: &[taxonomy::Term], code: &str) -> (String, String) {
    terms
        .iter()
        .find(|t| t.code == code)
        .map_or((code.to_owned(), code.to_owned()), |t| {
            (t.zh.to_owned(), t.en.to_owned())
        })
}

/// "Similar meaning across languages: vi → zh": the vectors found what no shared word shows,
/// an achievement with no text in the need's language.
fn across_languages(need: &NeedProfile, ach: &AchievementProfile, f: &Features) -> Option<Reason> {
    let semantic = f.semantic?;
    let from = need.language.as_str();
    let to = ach.texts.first()?.language.as_str();
    if semantic < super::features::semantic(super::features::SIMILAR_MEANING_COSINE)
        || from.is_empty()
        || ach.texts.iter().any(|t| t.language == from)
    {
        return None;
    }
    Some(reason(
        "semantic",
        true,
        format!("跨语言语义相近：{from} → {to}"),
        format!("similar meaning across languages: {from} → {to}"),
    ))
}

/// The reasons for a scored pair.
pub fn explain(need: &NeedProfile, ach: &AchievementProfile, f: &Features) -> Vec<Reason> {
    let mut out = Vec::new();
    // IPC: name the closest shared level.
    let mut best: Option<(f64, String, String)> = None;
    for a in &need.ipc_codes {
        for b in &ach.ipc_codes {
            let s = ipc_similarity(a, b);
            if s > 0.0 && best.as_ref().is_none_or(|(bs, _, _)| s > *bs) {
                best = Some((s, a.clone(), b.clone()));
            }
        }
    }
    if let Some((s, _, b)) = best {
        let compact: String = b.chars().filter(|c| !c.is_whitespace()).collect();
        let (zh_level, en_level, code) = if s >= 1.0 {
            (
                "主组",
                "main group",
                compact.split('/').next().unwrap_or(&compact).to_owned(),
            )
        } else if s >= 0.75 {
            ("小类", "subclass", compact.chars().take(4).collect())
        } else if s >= 0.5 {
            ("大类", "class", compact.chars().take(3).collect())
        } else {
            ("部", "section", compact.chars().take(1).collect())
        };
        out.push(reason(
            "ipc",
            s >= 0.5,
            format!("同属IPC{zh_level} {code}"),
            format!("shares IPC {en_level} {code}"),
        ));
    }
    let kws = shared_keywords(need, ach);
    if !kws.is_empty() {
        let list = kws.join(", ");
        out.push(reason(
            "keywords",
            true,
            format!("匹配关键词：{}", kws.join("、")),
            format!("matching terms: {list}"),
        ));
    }
    if let Some(r) = across_languages(need, ach, f) {
        out.push(r);
    }
    if let Some(industry) = &need.industry {
        let (zh, en) = term(taxonomy::INDUSTRIES, industry);
        if f.industry >= 1.0 {
            out.push(reason(
                "industry",
                true,
                format!("同一行业领域：{zh}"),
                format!("same industry field: {en}"),
            ));
        } else {
            let (azh, aen) = term(taxonomy::INDUSTRIES, &ach.industry);
            out.push(reason(
                "industry",
                false,
                format!("行业领域不同：{azh} / {zh}"),
                format!("different industry field: {aen} vs {en}"),
            ));
        }
    }
    if ach.trl >= need.min_trl {
        out.push(reason(
            "trl",
            true,
            format!("技术成熟度 {} ≥ 要求 {}", ach.trl, need.min_trl),
            format!("TRL {} ≥ required {}", ach.trl, need.min_trl),
        ));
    } else {
        out.push(reason(
            "trl",
            false,
            format!("技术成熟度 {} 低于要求 {}", ach.trl, need.min_trl),
            format!("TRL {} below required {}", ach.trl, need.min_trl),
        ));
    }
    let budget = range_text(need.budget_min_cny_fen, need.budget_max_cny_fen);
    let asking = range_text(ach.price_min_cny_fen, ach.price_max_cny_fen);
    if !budget.is_empty() && !asking.is_empty() {
        if f.price_fit >= 1.0 {
            out.push(reason(
                "price",
                true,
                format!("预算 {budget} 万元覆盖报价 {asking} 万元"),
                format!("budget {budget} 万元 covers asking {asking} 万元"),
            ));
        } else {
            out.push(reason(
                "price",
                false,
                format!("报价 {asking} 万元超出预算 {budget} 万元"),
                format!("asking {asking} 万元 is outside the budget {budget} 万元"),
            ));
        }
    }
    let shared_modes: Vec<&String> = need
        .cooperation_modes
        .iter()
        .filter(|m| ach.cooperation_modes.contains(m))
        .collect();
    if let Some(m) = shared_modes.first() {
        let (zh, en) = term(taxonomy::COOPERATION_MODES, m);
        out.push(reason(
            "cooperation",
            true,
            format!("合作方式一致：{zh}"),
            format!("both want: {en}"),
        ));
    } else if !need.cooperation_modes.is_empty() && !ach.cooperation_modes.is_empty() {
        out.push(reason(
            "cooperation",
            false,
            "合作方式不一致".to_owned(),
            "no cooperation mode in common".to_owned(),
        ));
    }
    if need.region_code.as_deref() == Some(ach.region_code.as_str()) {
        let zh = taxonomy::region_label(&ach.region_code, "zh").unwrap_or(&ach.region_code);
        let en = taxonomy::region_label(&ach.region_code, "en").unwrap_or(&ach.region_code);
        out.push(reason(
            "region",
            true,
            format!("同城：{zh}"),
            format!("same city: {en}"),
        ));
    } else if f.region >= 0.7 {
        out.push(reason(
            "region",
            true,
            "同省（区）".to_owned(),
            "same province".to_owned(),
        ));
    } else if need.country != ach.country {
        out.push(reason(
            "region",
            true,
            format!("跨境合作：{} ↔ {}", need.country, ach.country),
            format!("cross-border: {} ↔ {}", need.country, ach.country),
        ));
    }
    out
}
