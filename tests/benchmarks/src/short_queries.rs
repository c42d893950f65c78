//! Short (2–4-word) search queries derived from the generated needs, the way people type into
//! a search box: the same 1,000 queries every time for the same needs file, so figures on
//! different machines (and the Meilisearch anchor's) compare.
//!
//! `gen_corpus.py` lives in the team's reference folder, outside this repository, so the
//! derivation is here: `cargo run -p benchmarks --example short_queries -- NEEDS.jsonl >
//! SHORT.jsonl` writes the file that `TECHMARKET_BENCH_SHORT_QUERIES` names; without that
//! variable the search benchmark derives the same queries itself.
//!
//! A Chinese need reads "寻求A、B、C相关技术。…": its words are the listed keywords. An English
//! need reads "Looking for technology: <sentence>": its words are the sentence's content words
//! (four letters or more, not on a short stop list). Need number `i` takes `2 + i % 3` of its
//! words, starting at `i % len`, so lengths and positions vary but never randomly. The need's
//! filters are kept.

use crate::listing_search::BenchQueryLine;

/// Words of more than three letters that carry no topic.
const STOP: &[&str] = &[
    "about", "after", "also", "among", "been", "before", "being", "between", "both", "could",
    "during", "each", "from", "have", "however", "into", "more", "most", "other", "over", "such",
    "than", "that", "their", "them", "then", "there", "these", "they", "this", "those", "through",
    "under", "were", "what", "when", "where", "which", "while", "with", "within", "would",
];

/// The candidate words of one need text.
fn words(text: &str) -> Vec<String> {
    if let Some(rest) = text.strip_prefix("寻求") {
        let list = rest.split("相关技术").next().unwrap_or_default();
        return list
            .split('、')
            .map(str::trim)
            .filter(|w| w.chars().count() >= 2)
            .map(String::from)
            .collect();
    }
    let sentence = text.strip_prefix("Looking for technology:").unwrap_or(text);
    sentence
        .split(|c: char| !c.is_alphanumeric() && c != '-')
        .filter(|w| w.chars().count() >= 4)
        .map(str::to_lowercase)
        .filter(|w| !STOP.contains(&w.as_str()) && !w.chars().all(|c| c.is_ascii_digit()))
        .collect()
}

/// One short query per need that has at least two words (in practice all of them).
pub fn derive(needs: &[BenchQueryLine]) -> Vec<BenchQueryLine> {
    needs
        .iter()
        .enumerate()
        .filter_map(|(i, need)| {
            let words = words(&need.text);
            if words.len() < 2 {
                return None;
            }
            let take = (2 + i % 3).min(words.len());
            let start = i % words.len();
            let picked: Vec<&str> = (0..take)
                .map(|k| words[(start + k) % words.len()].as_str())
                .collect();
            Some(BenchQueryLine {
                text: picked.join(" "),
                filters: need.filters.clone(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::listing_search::BenchFilters;

    fn need(text: &str) -> BenchQueryLine {
        BenchQueryLine {
            text: text.into(),
            filters: BenchFilters::default(),
        }
    }

    #[test]
    fn chinese_needs_give_their_listed_keywords() {
        let q = derive(&[need(
            "寻求多年生植物、保护、后现代转向相关技术。研究结果表明",
        )]);
        assert_eq!(q[0].text, "多年生植物 保护");
    }

    #[test]
    fn english_needs_give_content_words_and_lengths_vary() {
        let needs = [
            need("Looking for technology: The SARS-CoV-2 infection is more likely to affect elderly people."),
            need("Looking for technology: Mandatory school closures were associated with reduced transmission."),
            need("Looking for technology: Alpaca coronavirus and human coronavirus diverged sometime before 1960."),
        ];
        let q = derive(&needs);
        assert_eq!(q[0].text, "sars-cov-2 infection");
        assert_eq!(q[1].text.split(' ').count(), 3);
        assert_eq!(q[2].text.split(' ').count(), 4);
        assert!(!q[2].text.contains("1960") && !q[2].text.contains("before"));
    }
}
