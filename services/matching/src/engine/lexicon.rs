//! Bilingual lexicons for matching across languages when nobody attached a translation: the
//! need's words are looked up and their translations join retrieval as one more, lower-weight
//! any-word part (query-side expansion: nothing changes in the index, and a wrong sense costs a
//! little noise rather than a missed match).
//!
//! The built-in lexicon is zh↔en, derived from CC-CEDICT by `scripts/lexicon/build_zh_en.py`
//! and committed as `services/matching/data/lexicon-zh-en.tsv` (CC BY-SA 4.0; source and
//! licence in `services/matching/data/README.md`). Its format, one direction a line:
//! `from_lang<TAB>term<TAB>to_lang<TAB>translation|translation…`; `#` starts a comment.

use std::collections::HashMap;
use std::sync::LazyLock;

/// The committed zh↔en lexicon.
const BUILTIN_ZH_EN: &str = include_str!("../../data/lexicon-zh-en.tsv");

/// Most translations added for one need: enough for a long need, bounded so a long
/// description cannot flood retrieval (which keeps only its most informative terms anyway).
const MAX_TRANSLATIONS: usize = 48;

/// Word → translations, for Han-script words and for phrases of space-separated words.
#[derive(Debug, Default)]
pub struct Lexicon {
    /// Chinese word (simplified or traditional) → translations.
    han: HashMap<String, Vec<String>>,
    /// Lowercase phrase of one or more words → translations.
    words: HashMap<String, Vec<String>>,
    /// Longest Han key, in characters.
    max_han_chars: usize,
    /// Longest phrase key, in words.
    max_words: usize,
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}' | '\u{20000}'..='\u{2ebef}')
}

/// Characters that belong to a word of a space-separated script.
fn is_word_char(c: char) -> bool {
    (c.is_alphanumeric() && !is_han(c)) || c == '-' || c == '\''
}

impl Lexicon {
    /// The built-in zh↔en lexicon, parsed on first use (about 150,000 lines).
    pub fn builtin() -> &'static Lexicon {
        static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| Lexicon::parse(BUILTIN_ZH_EN));
        &LEXICON
    }

    /// Reads the lexicon format; lines that do not fit it are skipped.
    pub fn parse(text: &str) -> Self {
        let mut lex = Lexicon::default();
        for line in text.lines() {
            if line.starts_with('#') || line.trim().is_empty() {
                continue;
            }
            let mut cols = line.split('\t');
            let (Some(_from), Some(term), Some(_to), Some(translations)) =
                (cols.next(), cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let term = term.trim().to_lowercase();
            let translations: Vec<String> = translations
                .split('|')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect();
            if term.is_empty() || translations.is_empty() {
                continue;
            }
            if term.chars().all(is_han) {
                lex.max_han_chars = lex.max_han_chars.max(term.chars().count());
                lex.han.entry(term).or_default().extend(translations);
            } else {
                lex.max_words = lex.max_words.max(term.split_whitespace().count());
                lex.words.entry(term).or_default().extend(translations);
            }
        }
        lex
    }

    /// Number of entries (both scripts).
    pub fn len(&self) -> usize {
        self.han.len() + self.words.len()
    }

    /// True when the lexicon holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Translations of the words in `text`, distinct, in text order, at most
    /// [`MAX_TRANSLATIONS`]. Chinese is cut by longest match against the lexicon (two
    /// characters at least); other scripts by words, the longest known phrase first, a plural
    /// `-s`/`-es`/`-ies` tried as its singular.
    pub fn translate(&self, text: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut add = |ts: &[String]| {
            for t in ts {
                if out.len() < MAX_TRANSLATIONS && !out.contains(t) {
                    out.push(t.clone());
                }
            }
        };
        let chars: Vec<char> = text.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            if is_han(chars[i]) {
                let end = chars[i..]
                    .iter()
                    .position(|c| !is_han(*c))
                    .map_or(chars.len(), |p| i + p);
                self.cut_han(&chars[i..end], &mut add);
                i = end;
            } else if is_word_char(chars[i]) {
                // A run of words separated by single spaces: a phrase may span them.
                let mut words: Vec<String> = Vec::new();
                let mut j = i;
                loop {
                    let start = j;
                    while j < chars.len() && is_word_char(chars[j]) {
                        j += 1;
                    }
                    words.push(chars[start..j].iter().collect::<String>().to_lowercase());
                    if j + 1 < chars.len() && chars[j] == ' ' && is_word_char(chars[j + 1]) {
                        j += 1;
                    } else {
                        break;
                    }
                }
                self.cut_words(&words, &mut add);
                i = j;
            } else {
                i += 1;
            }
        }
        out
    }

    fn cut_han(&self, run: &[char], add: &mut impl FnMut(&[String])) {
        let mut i = 0;
        while i < run.len() {
            let longest = self.max_han_chars.min(run.len() - i);
            let found = (2..=longest).rev().find_map(|n| {
                let key: String = run[i..i + n].iter().collect();
                self.han.get(&key).map(|ts| (n, ts))
            });
            match found {
                Some((n, ts)) => {
                    add(ts);
                    i += n;
                }
                None => i += 1,
            }
        }
    }

    fn cut_words(&self, words: &[String], add: &mut impl FnMut(&[String])) {
        let mut i = 0;
        while i < words.len() {
            let longest = self.max_words.min(words.len() - i);
            let found = (1..=longest).rev().find_map(|n| {
                let phrase = words[i..i + n].join(" ");
                self.lookup_phrase(&phrase).map(|ts| (n, ts))
            });
            match found {
                Some((n, ts)) => {
                    add(ts);
                    i += n;
                }
                None => i += 1,
            }
        }
    }

    fn lookup_phrase(&self, phrase: &str) -> Option<&Vec<String>> {
        if let Some(ts) = self.words.get(phrase) {
            return Some(ts);
        }
        let singular = if let Some(stem) = phrase.strip_suffix("ies") {
            format!("{stem}y")
        } else if let Some(stem) = phrase
            .strip_suffix("es")
            .filter(|s| s.ends_with(['s', 'x', 'z']) || s.ends_with("ch") || s.ends_with("sh"))
        {
            stem.to_owned()
        } else if let Some(stem) = phrase.strip_suffix('s').filter(|s| !s.ends_with('s')) {
            stem.to_owned()
        } else {
            return None;
        };
        self.words.get(&singular)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_lexicon_translates_both_ways() {
        let lex = Lexicon::builtin();
        assert!(lex.len() > 100_000, "{}", lex.len());
        let en = lex.translate("新冠肺炎的症状");
        assert!(en.contains(&"pneumonia".to_owned()), "{en:?}");
        assert!(en.contains(&"symptom".to_owned()), "{en:?}");
        let zh = lex.translate("Symptoms of acute respiratory disease");
        assert!(zh.contains(&"症状".to_owned()), "{zh:?}");
        assert!(zh.contains(&"疾病".to_owned()), "{zh:?}");
    }

    #[test]
    fn longest_match_wins_and_unknown_text_gives_nothing() {
        let lex = Lexicon::parse("zh\t收割\ten\treap\nzh\t收割机\ten\tharvester\nen\tsugar cane\tzh\t甘蔗\n# comment\nbad line\n");
        assert_eq!(lex.translate("甘蔗收割机"), vec!["harvester"]);
        assert_eq!(lex.translate("Sugar cane harvesting"), vec!["甘蔗"]);
        assert!(lex.translate("xyz 你好").is_empty());
    }
}
