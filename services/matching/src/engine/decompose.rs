//! A need paragraph is not one search query: engines weigh only the first words of a long
//! query, and a whole paragraph drowns its informative terms. We make several short queries —
//! the keywords, the title, and the clauses of the summary — each with its weight; the index
//! scores them together in one pass ([`search::SearchIndex::retrieve`]), each part counting
//! about as much as its weight whatever its length.

use super::NeedProfile;

/// One short query and how much its results count.
#[derive(Debug, Clone, PartialEq)]
pub struct ShortQuery {
    pub text: String,
    pub weight: f64,
}

/// Most keyword queries per need.
const MAX_KEYWORDS: usize = 10;
/// Most clause queries per need.
const MAX_CLAUSES: usize = 6;
/// Longest clause query, in characters.
const MAX_CLAUSE_CHARS: usize = 60;
/// Longest whole-text query, in characters.
const MAX_WHOLE_CHARS: usize = 1000;
/// Weight of one clause query: clauses recover what a long text's BM25 dilutes, but on a
/// short text they only repeat it (chosen on the `tune` split of the evaluation set).
const CLAUSE_WEIGHT: f64 = 0.5;
/// Weight of the whole-text query against one keyword's.
const WHOLE_WEIGHT: f64 = 3.0;

/// Splits text into clauses at sentence and clause punctuation of Chinese and Latin scripts.
pub fn clauses(text: &str) -> Vec<String> {
    text.split(['。', '；', '！', '？', '.', ';', '!', '?', '\n', '，', ','])
        .map(str::trim)
        .filter(|c| c.chars().count() >= 4)
        .map(|c| c.chars().take(MAX_CLAUSE_CHARS).collect())
        .collect()
}

/// The short queries for a need.
pub fn queries(need: &NeedProfile) -> Vec<ShortQuery> {
    let mut out: Vec<ShortQuery> = Vec::new();
    let mut push = |text: String, weight: f64| {
        let t = text.trim().to_owned();
        if !t.is_empty() && !out.iter().any(|q| q.text == t) {
            out.push(ShortQuery { text: t, weight });
        }
    };
    for k in need.keywords.iter().take(MAX_KEYWORDS) {
        push(k.clone(), 1.0);
    }
    // The whole text as one any-word query: plain BM25 over everything the need says.
    let whole: String = format!("{} {} {}", need.title, need.summary, need.description)
        .chars()
        .take(MAX_WHOLE_CHARS)
        .collect();
    push(whole, WHOLE_WEIGHT);
    if !need.title.trim().is_empty() {
        push(need.title.chars().take(MAX_CLAUSE_CHARS * 2).collect(), 2.0);
    }
    let body = format!("{}。{}", need.summary, need.description);
    for c in clauses(&body).into_iter().take(MAX_CLAUSES) {
        push(c, CLAUSE_WEIGHT);
    }
    // A need that is only a list of terms: the whole list as one query too.
    if need.keywords.len() > 1 {
        push(need.keywords.join(" "), 2.0);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_need_becomes_short_queries() {
        let need = NeedProfile {
            title: "甘蔗机械化收获含杂率控制".into(),
            summary: "寻求降低含杂率的切割与清选技术；适用于丘陵蔗区。".into(),
            keywords: vec!["甘蔗".into(), "收割机".into()],
            ..NeedProfile::default()
        };
        let qs: Vec<String> = queries(&need).into_iter().map(|q| q.text).collect();
        assert_eq!(
            qs,
            vec![
                "甘蔗",
                "收割机",
                "甘蔗机械化收获含杂率控制 寻求降低含杂率的切割与清选技术；适用于丘陵蔗区。",
                "甘蔗机械化收获含杂率控制",
                "寻求降低含杂率的切割与清选技术",
                "适用于丘陵蔗区",
                "甘蔗 收割机"
            ]
        );
    }
}
