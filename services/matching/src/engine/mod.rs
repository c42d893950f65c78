//! The matcher: retrieve candidates from the search index with short queries made from the
//! need (and, through a bilingual [`lexicon`], their translations), then re-rank them on
//! explicit features with configurable weights. Every score comes
//! with its feature values and reasons a broker can read, in Chinese and English.
//!
//! The engine knows nothing of the database: callers turn rows into [`NeedProfile`] and
//! [`AchievementProfile`], so `techmarket eval` runs exactly the code the service runs.

pub mod decompose;
pub mod features;
pub mod fusion;
pub mod lexicon;
pub mod reasons;

use std::collections::HashMap;

use crate::settings::MatchingConfig;
use search::{Filters, ListingKind, RetrievalQuery, SearchIndex, WeightedText};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use features::Features;
pub use reasons::Reason;

/// Version stamped on every stored match; bump it when scoring changes meaning.
pub const ENGINE_VERSION: &str = "m2.2026-11";

/// What the matcher knows of a need.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct NeedProfile {
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub industry: Option<String>,
    pub ipc_codes: Vec<String>,
    pub min_trl: i16,
    pub budget_min_cny_fen: Option<i64>,
    pub budget_max_cny_fen: Option<i64>,
    pub cooperation_modes: Vec<String>,
    pub region_code: Option<String>,
    pub country: String,
    pub cross_border: bool,
}

/// What the matcher knows of an achievement.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AchievementProfile {
    pub id: Uuid,
    /// Title, summary and keywords in every language the listing has.
    pub texts: Vec<search::LangText>,
    pub industry: String,
    pub ipc_codes: Vec<String>,
    pub trl: i16,
    pub price_min_cny_fen: Option<i64>,
    pub price_max_cny_fen: Option<i64>,
    pub cooperation_modes: Vec<String>,
    pub region_code: String,
    pub country: String,
    pub cross_border: bool,
    pub age_days: i64,
}

pub use wire::matching::Scored;

/// The other half of retrieval: a need's (or an achievement's) vector and the listings near it
/// in meaning. The engine does not know where vectors come from (this process's index of the
/// vector table, Meilisearch's vector search, or an evaluation corpus).
#[async_trait::async_trait]
pub trait Vectors: Send + Sync {
    /// Listings of `kind` nearest in meaning, best first, with their cosine similarity.
    async fn nearest(&self, kind: ListingKind, k: usize) -> anyhow::Result<Vec<(Uuid, f64)>>;
    /// The cosine similarity to each of `ids` that has a vector.
    async fn similarity(
        &self,
        kind: ListingKind,
        ids: &[Uuid],
    ) -> anyhow::Result<HashMap<Uuid, f64>>;
    /// Whether [`Vectors::similarity`] may find a listing nearer than [`Vectors::nearest`] did
    /// (it also counts the listing's passages): then every candidate is asked, not only those
    /// the nearest search did not return.
    fn refines(&self) -> bool;
}

/// One candidate of stage one.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    pub id: Uuid,
    /// Lexical retrieval score relative to the best lexical candidate (0 when found by meaning
    /// only).
    pub text: f64,
    /// Cosine similarity of the two vectors; `None` without vectors.
    pub cosine: Option<f64>,
}

/// Whether a need and an achievement may meet: same country, or both open across borders.
pub fn compatible(need: &NeedProfile, ach: &AchievementProfile) -> bool {
    need.country == ach.country || (need.cross_border && ach.cross_border)
}

/// Stage one: candidates from the index, best first, with a retrieval score in 0–1 (the best
/// candidate 1). The need's short queries go to the index as one weighted any-word retrieval
/// (see [`search::RetrievalQuery`]): one pass over the index, not one per query.
pub async fn retrieve(
    index: &dyn SearchIndex,
    need: &NeedProfile,
    kind: ListingKind,
    filters: &Filters,
    limit: usize,
    config: &MatchingConfig,
) -> anyhow::Result<Vec<(Uuid, f64)>> {
    let mut parts: Vec<WeightedText> = decompose::queries(need)
        .into_iter()
        .map(|q| WeightedText {
            text: q.text,
            weight: q.weight as f32,
            min_terms: 0,
        })
        .collect();
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    if config.lexicon && config.lexicon_weight > 0.0 {
        // Across languages with nothing attached: the need's words in the other language.
        let text = format!(
            "{}\n{}\n{}\n{}",
            need.title,
            need.summary,
            need.description,
            need.keywords.join("\n")
        );
        let translations = lexicon::Lexicon::builtin().translate(&text);
        if !translations.is_empty() {
            // The translations weigh less than the need's own words but keep their own terms:
            // against achievements in the other language they are all there is.
            parts.push(WeightedText {
                text: translations.join(" "),
                weight: config.lexicon_weight as f32,
                min_terms: config.lexicon_terms,
            });
        }
    }
    let mut filters = filters.clone();
    filters.kinds = vec![kind];
    let query = RetrievalQuery {
        parts,
        filters,
        limit,
        max_terms: config.retrieval_max_terms,
    };
    let hits = index.retrieve(&query).await?;
    let best = hits.first().map_or(0.0, |h| f64::from(h.score));
    if best <= 0.0 {
        return Ok(Vec::new());
    }
    Ok(hits
        .into_iter()
        .map(|h| (h.id, f64::from(h.score) / best))
        .collect())
}

/// Stage one with vectors: the lexical candidates and the nearest in meaning, fused by
/// reciprocal rank ([`fusion::reciprocal_rank`]), at most `limit`. Without vectors, the lexical
/// candidates as [`retrieve`] finds them.
pub async fn retrieve_hybrid(
    index: &dyn SearchIndex,
    need: &NeedProfile,
    kind: ListingKind,
    filters: &Filters,
    limit: usize,
    config: &MatchingConfig,
    vectors: Option<&dyn Vectors>,
) -> anyhow::Result<Vec<Candidate>> {
    let lexical = retrieve(index, need, kind, filters, limit, config).await?;
    let Some(vectors) = vectors else {
        return Ok(lexical
            .into_iter()
            .map(|(id, text)| Candidate {
                id,
                text,
                cosine: None,
            })
            .collect());
    };
    let near = vectors.nearest(kind, config.vector_candidates).await?;
    let fused = fuse(&lexical, &near, limit, config);
    // The lexical candidates the vector search did not return have no cosine yet; and when
    // `similarity` counts passages (a listing's nearest sentence), the nearest search's whole-
    // text cosine of the others may be raised too.
    let refines = vectors.refines();
    let ids: Vec<Uuid> = fused
        .iter()
        .filter(|c| refines || c.cosine.is_none())
        .map(|c| c.id)
        .collect();
    let found = if ids.is_empty() {
        HashMap::new()
    } else {
        vectors.similarity(kind, &ids).await?
    };
    Ok(fused
        .into_iter()
        .map(|c| {
            let refined = found.get(&c.id).copied();
            Candidate {
                cosine: match (c.cosine, refined) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                },
                ..c
            }
        })
        .collect())
}

/// Runs a nearest-neighbour search — 10–15 ms at a million vectors (the benchmark) — without
/// holding up the other tasks of this async worker thread: on tokio's multi-threaded
/// runtime they move to another thread meanwhile (`block_in_place`); on a single-threaded
/// runtime (some tests) there is no other thread, so it simply runs.
pub(crate) fn scan<T>(f: impl FnOnce() -> T) -> T {
    let multi_thread = tokio::runtime::Handle::try_current()
        .is_ok_and(|h| h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread);
    if multi_thread {
        tokio::task::block_in_place(f)
    } else {
        f()
    }
}

/// The fused candidates of two ranked lists, each with its lexical score and, when the vector
/// search returned it, its cosine.
fn fuse(
    lexical: &[(Uuid, f64)],
    near: &[(Uuid, f64)],
    limit: usize,
    config: &MatchingConfig,
) -> Vec<Candidate> {
    let text: HashMap<Uuid, f64> = lexical.iter().copied().collect();
    let cosine: HashMap<Uuid, f64> = near.iter().copied().collect();
    let lexical_ids: Vec<Uuid> = lexical.iter().map(|(id, _)| *id).collect();
    let near_ids: Vec<Uuid> = near.iter().map(|(id, _)| *id).collect();
    fusion::reciprocal_rank(&[&lexical_ids, &near_ids], config.fusion_k)
        .into_iter()
        .take(limit)
        .map(|id| Candidate {
            id,
            text: text.get(&id).copied().unwrap_or(0.0),
            cosine: cosine.get(&id).copied(),
        })
        .collect()
}

/// Stage two: the weighted feature score of one pair, with its reasons.
pub fn score(
    need: &NeedProfile,
    ach: &AchievementProfile,
    retrieval: f64,
    weights: &MatchingConfig,
) -> Scored {
    score_hybrid(need, ach, retrieval, None, weights)
}

/// [`score`] with the cosine similarity of the pair's vectors, when both have one.
pub fn score_hybrid(
    need: &NeedProfile,
    ach: &AchievementProfile,
    retrieval: f64,
    cosine: Option<f64>,
    weights: &MatchingConfig,
) -> Scored {
    let (score, features) = weighted(need, ach, retrieval, cosine, weights);
    Scored {
        achievement_id: ach.id,
        score,
        reasons: reasons::explain(need, ach, &features),
        features,
    }
}

/// The features of a pair and their weighted mean (no reasons: those are written only for the
/// matches that are kept).
fn weighted(
    need: &NeedProfile,
    ach: &AchievementProfile,
    retrieval: f64,
    cosine: Option<f64>,
    weights: &MatchingConfig,
) -> (f64, Features) {
    let features = features::compute(need, ach, retrieval, cosine);
    let mut parts = vec![
        (weights.weight_text, features.text),
        (weights.weight_keywords, features.keywords),
        (weights.weight_ipc, features.ipc),
        (weights.weight_industry, features.industry),
        (weights.weight_trl, features.trl),
        (weights.weight_price_fit, features.price_fit),
        (weights.weight_cooperation, features.cooperation),
        (weights.weight_region, features.region),
        (weights.weight_freshness, features.freshness),
    ];
    // Only with vectors: without an embedder every score is what it always was.
    if let Some(semantic) = features.semantic {
        let same_language = ach.texts.iter().any(|t| t.language == need.language);
        let weight = if same_language {
            weights.weight_semantic_same_language
        } else {
            weights.weight_semantic
        };
        parts.push((weight, semantic));
    }
    let total: f64 = parts.iter().map(|(w, _)| w).sum();
    let score = if total > 0.0 {
        parts.iter().map(|(w, f)| w * f).sum::<f64>() / total
    } else {
        0.0
    };
    (score, features)
}

/// Both stages: the best compatible achievements for `need`, at most `limit`.
/// `load` turns candidate ids into profiles (from the database, or from an evaluation corpus).
pub async fn rank<F, Fut>(
    index: &dyn SearchIndex,
    need: &NeedProfile,
    filters: &Filters,
    weights: &MatchingConfig,
    limit: usize,
    load: F,
) -> anyhow::Result<Vec<Scored>>
where
    F: FnOnce(Vec<Uuid>) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Vec<AchievementProfile>>>,
{
    rank_hybrid(index, need, filters, weights, limit, None, load).await
}

/// [`rank`] with the need's vector: candidates lexical and by meaning, fused, then re-ranked
/// with the semantic feature.
pub async fn rank_hybrid<F, Fut>(
    index: &dyn SearchIndex,
    need: &NeedProfile,
    filters: &Filters,
    weights: &MatchingConfig,
    limit: usize,
    vectors: Option<&dyn Vectors>,
    load: F,
) -> anyhow::Result<Vec<Scored>>
where
    F: FnOnce(Vec<Uuid>) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<Vec<AchievementProfile>>>,
{
    let candidates = retrieve_hybrid(
        index,
        need,
        ListingKind::Achievement,
        filters,
        weights.candidates,
        weights,
        vectors,
    )
    .await?;
    let retrieval: HashMap<Uuid, Candidate> = candidates.iter().map(|c| (c.id, *c)).collect();
    let profiles = load(candidates.iter().map(|c| c.id).collect()).await?;
    let mut scored: Vec<(f64, Features, &AchievementProfile)> = profiles
        .iter()
        .filter(|a| compatible(need, a))
        .map(|a| {
            let candidate = retrieval.get(&a.id);
            let (score, features) = weighted(
                need,
                a,
                candidate.map_or(0.0, |c| c.text),
                candidate.and_then(|c| c.cosine),
                weights,
            );
            (score, features, a)
        })
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.2.id.cmp(&b.2.id)));
    scored.truncate(limit);
    Ok(scored
        .into_iter()
        .map(|(score, features, a)| Scored {
            achievement_id: a.id,
            score,
            reasons: reasons::explain(need, a, &features),
            features,
        })
        .collect())
}
