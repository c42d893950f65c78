//! Text analysis shared by both backends: charabia segmentation and normalisation, the query
//! model built from it, and the highlighter and "which language matched" logic that run on the
//! original text so people see what they wrote, not the normalised lemmas.
//!
//! Why Han text is analysed character by character: a Chinese word segmenter's cut depends on
//! context — jieba (charabia's) cuts "甘蔗收割机智能控制" into `收割 / 机智 / 能`, so the word
//! `收割机` typed alone (`收割 / 机`) would never meet the indexed words. Segmentation also runs
//! before normalisation, so traditional input (`基於深度學習`) is cut differently from its
//! simplified twin. That is why charabia is built without its Chinese segmenter (the
//! workspace's Cargo.toml): its cut would be computed and thrown away. Analysing into normalised characters and matching every contiguous Han run
//! of a query as a substring of a Han run of the text gives exact substring semantics on
//! normalised text, whatever jieba decided (the embedded index stores the characters as
//! overlapping bigrams for speed, Meilisearch as single-character words; both answer the same
//! substring question). Other scripts (Latin, Vietnamese, Thai, Khmer) keep charabia's word
//! lemmas.

use charabia::{Script, Tokenize};

/// One indexable unit of a text: a charabia word lemma, or one normalised Han character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalyzedToken {
    /// Normalised form used in the index (lowercase, marks stripped, traditional Chinese).
    pub lemma: String,
    /// Byte range of the original text this unit came from.
    pub byte_start: usize,
    pub byte_end: usize,
    /// Token position: consecutive Han characters get consecutive positions.
    pub position: usize,
    /// True for a Han character (a member of a phrase run).
    pub han: bool,
    /// True when this Han character directly continues the previous one (same run: no
    /// separator and no other script in between).
    pub joined: bool,
}

/// Segments and normalises `text` into index units (separators dropped).
pub fn analyze(text: &str) -> Vec<AnalyzedToken> {
    let mut out = Vec::new();
    let mut position = 0usize;
    let mut last_han_end: Option<usize> = None;
    for token in text.tokenize() {
        if !(token.is_word() || token.is_stopword()) {
            continue;
        }
        let lemma = token.lemma();
        if lemma.is_empty() {
            continue;
        }
        if token.script == Script::Cj {
            let original = text.get(token.byte_start..token.byte_end).unwrap_or("");
            let original_chars: Vec<(usize, char)> = original.char_indices().collect();
            let lemma_chars: Vec<char> = lemma.chars().collect();
            // Simplified → traditional maps character to character; when counts differ (rare
            // compatibility forms) every character points at the whole original token.
            let one_to_one = original_chars.len() == lemma_chars.len();
            for (i, c) in lemma_chars.iter().enumerate() {
                let (start, end) = if one_to_one {
                    let (off, oc) = original_chars[i];
                    (
                        token.byte_start + off,
                        token.byte_start + off + oc.len_utf8(),
                    )
                } else {
                    (token.byte_start, token.byte_end)
                };
                // Within one charabia token characters are always joined; across tokens only
                // when the bytes touch.
                let joined = i > 0 || last_han_end == Some(token.byte_start);
                out.push(AnalyzedToken {
                    lemma: c.to_string(),
                    byte_start: start,
                    byte_end: end,
                    position,
                    han: true,
                    joined,
                });
                position += 1;
            }
            last_han_end = Some(token.byte_end);
        } else {
            out.push(AnalyzedToken {
                lemma: lemma.to_string(),
                byte_start: token.byte_start,
                byte_end: token.byte_end,
                position,
                han: false,
                joined: false,
            });
            position += 1;
            last_han_end = None;
        }
    }
    out
}

/// One required part of a text query.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum QueryUnit {
    /// A single lemma of a non-Han word.
    Term(String),
    /// A contiguous run of one or more Han characters, matched as a substring.
    Han(Vec<String>),
}

impl QueryUnit {
    /// The lemmas of this unit in order.
    pub fn lemmas(&self) -> Vec<&str> {
        match self {
            QueryUnit::Term(t) => vec![t.as_str()],
            QueryUnit::Han(p) => p.iter().map(String::as_str).collect(),
        }
    }
}

/// Turns free text into the units every matching document must contain (AND semantics, the
/// same as Meilisearch's `matchingStrategy: all`). Duplicates are dropped, order is kept.
pub fn query_units(text: &str) -> Vec<QueryUnit> {
    let tokens = analyze(text);
    let mut units: Vec<QueryUnit> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, units: &mut Vec<QueryUnit>| {
        if run.is_empty() {
            return;
        }
        let unit = QueryUnit::Han(std::mem::take(run));
        if !units.contains(&unit) {
            units.push(unit);
        }
    };
    for t in tokens {
        if t.han {
            if !t.joined {
                flush(&mut run, &mut units);
            }
            run.push(t.lemma);
        } else {
            flush(&mut run, &mut units);
            let unit = QueryUnit::Term(t.lemma);
            if !units.contains(&unit) {
                units.push(unit);
            }
        }
    }
    flush(&mut run, &mut units);
    units
}

/// Byte ranges of `text` where any of `units` occurs, sorted and merged.
pub fn match_ranges(text: &str, units: &[QueryUnit]) -> Vec<(usize, usize)> {
    if units.is_empty() || text.is_empty() {
        return Vec::new();
    }
    let tokens = analyze(text);
    let mut ranges = Vec::new();
    for unit in units {
        let lemmas = unit.lemmas();
        let n = lemmas.len();
        if n == 0 || n > tokens.len() {
            continue;
        }
        for i in 0..=tokens.len() - n {
            let window = &tokens[i..i + n];
            let same = window.iter().zip(&lemmas).all(|(t, l)| t.lemma == *l);
            let consecutive = window.windows(2).all(|w| w[1].joined);
            if same && consecutive {
                ranges.push((window[0].byte_start, window[n - 1].byte_end));
            }
        }
    }
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::new();
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// HTML-escapes `s` (text content and attribute safe).
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `text` HTML-escaped with every match of `units` wrapped in `<mark>…</mark>`.
pub fn highlight(text: &str, units: &[QueryUnit]) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut cursor = 0;
    for (s, e) in match_ranges(text, units) {
        // Ranges come from charabia offsets, which fall on char boundaries; `get` keeps a
        // malformed range from panicking.
        let (Some(before), Some(inside)) = (text.get(cursor..s), text.get(s..e)) else {
            continue;
        };
        out.push_str(&escape_html(before));
        out.push_str("<mark>");
        out.push_str(&escape_html(inside));
        out.push_str("</mark>");
        cursor = e;
    }
    out.push_str(&escape_html(text.get(cursor..).unwrap_or("")));
    out
}

/// How well one language's text matches: title and keywords count most, then summary, then
/// description (the same order as the field boosts).
pub fn text_match_score(text: &crate::LangText, units: &[QueryUnit]) -> usize {
    let count = |s: &str| match_ranges(s, units).len();
    let keywords: usize = text.keywords.iter().map(|k| count(k)).sum();
    3 * count(&text.title) + 3 * keywords + 2 * count(&text.summary) + count(&text.description)
}

/// The per-hit extras both backends compute the same way from the stored original texts:
/// the best-matching language and, when asked, highlighted title and summary.
pub fn hit_extras(
    texts: &[crate::LangText],
    units: &[QueryUnit],
    want_highlights: bool,
) -> (Option<String>, std::collections::BTreeMap<String, String>) {
    let mut best: Option<(usize, &crate::LangText)> = None;
    if units.is_empty() {
        // No text query: no language "matched".
    } else if let [only] = texts {
        // The backend matched the listing, so its only text is the one that matched; skipping
        // the re-analysis keeps big result pages cheap (it dominated multi-search latency).
        best = Some((1, only));
    } else {
        for t in texts {
            let score = text_match_score(t, units);
            if score > 0 && best.is_none_or(|(b, _)| score > b) {
                best = Some((score, t));
            }
        }
    }
    let mut highlights = std::collections::BTreeMap::new();
    if want_highlights {
        // Show the language that matched; without a match, the original (first) text.
        if let Some(t) = best.map(|(_, t)| t).or_else(|| texts.first()) {
            highlights.insert("title".to_string(), highlight(&t.title, units));
            highlights.insert("summary".to_string(), highlight(&t.summary, units));
        }
    }
    (best.map(|(_, t)| t.language.clone()), highlights)
}

/// Normalises an IPC code for prefix matching: uppercase, whitespace removed (`a01d 45/10` →
/// `A01D45/10`).
pub fn normalize_ipc(code: &str) -> String {
    code.chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect()
}

/// Every prefix of a normalised IPC code (`A`, `A0`, … `A01D45/10`), stored so a prefix filter
/// is one exact term lookup on either backend.
pub fn ipc_prefixes(code: &str) -> Vec<String> {
    let norm = normalize_ipc(code);
    norm.char_indices()
        .map(|(i, c)| norm[..i + c.len_utf8()].to_string())
        .collect()
}

/// Region codes a listing answers to: its own code, plus for a six-digit Chinese code its
/// prefecture (`4501xx` → `450100`) and province (`45xxxx` → `450000`).
pub fn region_ancestors(code: &str) -> Vec<String> {
    let mut out = vec![code.to_string()];
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        for anc in [format!("{}00", &code[..4]), format!("{}0000", &code[..2])] {
            if !out.contains(&anc) {
                out.push(anc);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(text: &str, query: &str) -> String {
        highlight(text, &query_units(query))
    }

    #[test]
    fn chinese_word_inside_sentence_is_a_substring_match() {
        let doc = "基于深度学习的甘蔗收割机智能控制系统";
        assert_eq!(
            marked(doc, "甘蔗收割机"),
            "基于深度学习的<mark>甘蔗收割机</mark>智能控制系统"
        );
        assert_eq!(
            marked(doc, "深度学习"),
            "基于<mark>深度学习</mark>的甘蔗收割机智能控制系统"
        );
        // Traditional query against simplified text.
        assert_eq!(
            marked(doc, "深度學習"),
            "基于<mark>深度学习</mark>的甘蔗收割机智能控制系统"
        );
        assert_eq!(marked(doc, "收割机器人"), doc);
    }

    #[test]
    fn thai_and_vietnamese_words_match_without_marks() {
        let th = "ระบบควบคุมอัจฉริยะสำหรับเครื่องเก็บเกี่ยวอ้อย";
        assert!(marked(th, "อ้อย").contains("<mark>อ้อย</mark>"));
        let vi = "Hệ thống điều khiển cho máy thu hoạch mía";
        assert_eq!(
            marked(vi, "mia"),
            "Hệ thống điều khiển cho máy thu hoạch <mark>mía</mark>"
        );
    }

    #[test]
    fn query_units_split_han_runs_at_separators() {
        let units = query_units("甘蔗 收割机, drone");
        assert_eq!(
            units,
            vec![
                QueryUnit::Han(vec!["甘".into(), "蔗".into()]),
                QueryUnit::Han(vec!["收".into(), "割".into(), "机".into()]),
                QueryUnit::Term("drone".into()),
            ]
        );
    }

    #[test]
    fn highlight_escapes_html() {
        assert_eq!(
            marked("<b>AI</b> & robots", "robots"),
            "&lt;b&gt;AI&lt;/b&gt; &amp; <mark>robots</mark>"
        );
    }

    #[test]
    fn ipc_and_region_helpers() {
        assert_eq!(normalize_ipc("a01d 45/10"), "A01D45/10");
        assert!(ipc_prefixes("A01D 45/10").contains(&"A01D".to_string()));
        assert_eq!(
            region_ancestors("450203"),
            vec!["450203", "450200", "450000"]
        );
        assert_eq!(region_ancestors("450000"), vec!["450000"]);
        assert_eq!(region_ancestors("TH"), vec!["TH"]);
    }
}
