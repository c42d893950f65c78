//! Interface languages and the message catalog.
//!
//! The interface is in Chinese and English everywhere; public pages (home, search, listing
//! pages) are also in Vietnamese and Thai. A message missing in a language falls back to
//! English, so a half-translated page is still readable. Messages live in TOML files under
//! `i18n/`, one per area of the portal, so translators never touch code; a unit test checks
//! that every key has zh and en and that every key a template uses exists.

use std::collections::HashMap;
use std::sync::LazyLock;

use serde::Deserialize;

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
    Vi,
    Th,
}

impl Lang {
    pub const ALL: [Lang; 4] = [Lang::Zh, Lang::En, Lang::Vi, Lang::Th];

    /// BCP 47 code, as the API's `Accept-Language` and `lang` parameters take it.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh",
            Lang::En => "en",
            Lang::Vi => "vi",
            Lang::Th => "th",
        }
    }

    /// The `lang` attribute of the page.
    pub fn html_lang(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
            Lang::Vi => "vi",
            Lang::Th => "th",
        }
    }

    /// The language's own name, as the switcher shows it.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Zh => "中文",
            Lang::En => "English",
            Lang::Vi => "Tiếng Việt",
            Lang::Th => "ไทย",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        let primary = code
            .trim()
            .split(['-', '_'])
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Lang::Zh),
            "en" => Some(Lang::En),
            "vi" => Some(Lang::Vi),
            "th" => Some(Lang::Th),
            _ => None,
        }
    }

    /// The first language of an `Accept-Language` header we speak.
    pub fn from_accept_language(header: &str) -> Option<Lang> {
        let mut ranked: Vec<(f32, Lang)> = header
            .split(',')
            .filter_map(|part| {
                let mut it = part.split(';');
                let lang = Lang::parse(it.next()?)?;
                let q = it
                    .find_map(|p| {
                        p.trim()
                            .strip_prefix("q=")
                            .and_then(|q| q.parse::<f32>().ok())
                    })
                    .unwrap_or(1.0);
                Some((q, lang))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, l)| *l)
    }

    /// Whether every page of the interface exists in this language; Vietnamese and Thai cover
    /// the public pages and fall back to English elsewhere.
    pub fn is_full(self) -> bool {
        matches!(self, Lang::Zh | Lang::En)
    }

    fn index(self) -> usize {
        match self {
            Lang::Zh => 0,
            Lang::En => 1,
            Lang::Vi => 2,
            Lang::Th => 3,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    zh: String,
    en: String,
    vi: Option<String>,
    th: Option<String>,
}

/// The catalog files, by area; keys are `area.key`.
const FILES: &[(&str, &str)] = &[
    ("common", include_str!("../i18n/common.toml")),
    ("auction", include_str!("../i18n/auction.toml")),
    ("home", include_str!("../i18n/home.toml")),
    ("auth", include_str!("../i18n/auth.toml")),
    ("listing", include_str!("../i18n/listing.toml")),
    ("form", include_str!("../i18n/form.toml")),
    ("my", include_str!("../i18n/my.toml")),
    ("broker", include_str!("../i18n/broker.toml")),
    ("console", include_str!("../i18n/console.toml")),
    ("dash", include_str!("../i18n/dash.toml")),
    ("term", include_str!("../i18n/term.toml")),
    ("dir", include_str!("../i18n/dir.toml")),
    ("tto", include_str!("../i18n/tto.toml")),
    ("docs", include_str!("../i18n/docs.toml")),
    ("translations", include_str!("../i18n/translations.toml")),
    ("svc", include_str!("../i18n/svc.toml")),
    ("partners", include_str!("../i18n/partners.toml")),
];

type Catalog = HashMap<String, [Option<String>; 4]>;

static CATALOG: LazyLock<Catalog> = LazyLock::new(|| match load() {
    Ok(c) => c,
    Err(e) => {
        // The files are compiled in and checked by a unit test, so this cannot happen in a
        // tested build; an empty catalog shows keys instead of crashing the portal.
        tracing::error!(error = %e, "portal message catalog unreadable");
        HashMap::new()
    }
});

fn load() -> Result<Catalog, String> {
    let mut out = HashMap::new();
    for (area, text) in FILES {
        let table: toml::Table =
            toml::from_str(text).map_err(|e| format!("i18n/{area}.toml: {e}"))?;
        flatten(area, &table, &mut out).map_err(|e| format!("i18n/{area}.toml: {e}"))?;
    }
    Ok(out)
}

/// Tables with a `zh` key are messages; other tables group messages (`[status.draft]` is the
/// key `term.status.draft`).
fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalog) -> Result<(), String> {
    for (key, value) in table {
        let name = format!("{prefix}.{key}");
        let toml::Value::Table(inner) = value else {
            return Err(format!("{name}: expected a table with zh and en"));
        };
        if inner.contains_key("zh") {
            let e: Entry = inner
                .clone()
                .try_into()
                .map_err(|e| format!("{name}: {e}"))?;
            out.insert(name, [Some(e.zh), Some(e.en), e.vi, e.th]);
        } else {
            flatten(&name, inner, out)?;
        }
    }
    Ok(())
}

/// Whether the catalog has `key` (for keys that come from requests, such as flash messages).
pub fn has_key(key: &str) -> bool {
    CATALOG.contains_key(key)
}

/// Looks messages up in one language.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub lang: Lang,
}

impl Tr {
    pub fn new(lang: Lang) -> Self {
        Self { lang }
    }

    /// The message for `key` in this language, else in English, else the key itself (which a
    /// unit test keeps from ever showing).
    pub fn t(&self, key: &str) -> &'static str {
        let Some(entry) = CATALOG.get(key) else {
            return leak_key(key);
        };
        entry[self.lang.index()]
            .as_deref()
            .or(entry[Lang::En.index()].as_deref())
            .unwrap_or("")
    }

    /// A message with `{name}` placeholders filled in.
    pub fn f(&self, key: &str, args: &[(&str, &str)]) -> String {
        let mut s = self.t(key).to_owned();
        for (name, value) in args {
            s = s.replace(&format!("{{{name}}}"), value);
        }
        s
    }

    /// A taxonomy or status term: `term.{group}.{code}`, or the code itself when the catalog
    /// has no words for it (codes from taxonomies added later still show).
    pub fn term(&self, group: &str, code: &str) -> String {
        let key = format!("term.{group}.{code}");
        if CATALOG.contains_key(&key) {
            self.t(&key).to_owned()
        } else {
            code.to_owned()
        }
    }

    /// Picks the zh or en word of a bilingual API label (taxonomy terms, reasons).
    pub fn pick<'a>(&self, zh: &'a str, en: &'a str) -> &'a str {
        if self.lang == Lang::Zh || en.is_empty() {
            zh
        } else {
            en
        }
    }
}

fn leak_key(key: &str) -> &'static str {
    // Only reachable for a key no catalog has; the unit test below fails the build's tests
    // first. Interning avoids leaking one string per request.
    static UNKNOWN: LazyLock<std::sync::Mutex<HashMap<String, &'static str>>> =
        LazyLock::new(Default::default);
    let Ok(mut map) = UNKNOWN.lock() else {
        return "?";
    };
    if let Some(s) = map.get(key) {
        return s;
    }
    let s: &'static str = Box::leak(key.to_owned().into_boxed_str());
    map.insert(key.to_owned(), s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_file_parses() {
        load().expect("catalog");
    }

    #[test]
    fn accept_language_picks_the_best_language_we_speak() {
        assert_eq!(
            Lang::from_accept_language("fr-FR, en;q=0.8, zh-CN;q=0.9"),
            Some(Lang::Zh)
        );
        assert_eq!(Lang::from_accept_language("th-TH"), Some(Lang::Th));
        assert_eq!(Lang::from_accept_language("de"), None);
    }

    #[test]
    fn missing_languages_fall_back_to_english() {
        let c = load().expect("catalog");
        let (key, _) = c
            .iter()
            .find(|(_, v)| v[2].is_none())
            .expect("a key without vi");
        assert_eq!(Tr::new(Lang::Vi).t(key), Tr::new(Lang::En).t(key));
    }

    /// Every `t("…")`, `f("…"` and `term("…"` a template or page module uses names a key the
    /// catalog has (terms may fall back to codes, so only literal keys are checked).
    #[test]
    fn every_key_used_exists() {
        let c = load().expect("catalog");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let mut files = Vec::new();
        let mut dirs = vec![root.join("templates"), root.join("src")];
        while let Some(dir) = dirs.pop() {
            let Ok(entries) = std::fs::read_dir(&dir) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    dirs.push(path);
                } else {
                    files.push(path);
                }
            }
        }
        for path in files {
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            for marker in [".t(\"", ".f(\""] {
                for (i, _) in text.match_indices(marker) {
                    let rest = &text[i + marker.len()..];
                    let Some(end) = rest.find('"') else { continue };
                    let key = &rest[..end];
                    if key.contains('{') || !key.contains('.') {
                        continue;
                    }
                    if !c.contains_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "keys used but not in i18n/*.toml:\n{}",
            missing.join("\n")
        );
    }
}
