//! The matcher: retrieve candidates from the search index with short queries made from the
//! need, then re-rank them on explicit features with configurable weights. Every score comes
//! with its feature values and reasons a broker can read, in Chinese and English.
//!
//! The engine knows nothing of the database: callers turn rows into [`NeedProfile`] and
//! [`AchievementProfile`], so `techmarket eval` runs exactly the code the service runs.

pub mod decompose;
pub mod features;
pub mod reasons;

use std::collections::HashMap;

use search::{Filters, ListingKind, SearchIndex, SearchQuery, SortOrder};
use serde::{Deserialize, Serialize};
use shared::config::MatchingConfig;
use utoipa::ToSchema;
use uuid::Uuid;

pub use features::Features;
pub use reasons::Reason;

/// Version stamped on every stored match; bump it when scoring changes meaning.
pub const ENGINE_VERSION: &str = "m1.2026-11";

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

/// One ranked achievement for a need.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Scored {
    pub achievement_id: Uuid,
    /// 0–1, the weighted mean of the features.
    pub score: f64,
    pub features: Features,
    /// Why it matches, and what counts against it.
    pub reasons: Vec<Reason>,
}

/// Whether a need and an achievement may meet: same country, or both open across borders.
pub fn compatible(need: &NeedProfile, ach: &AchievementProfile) -> bool {
    need.country == ach.country || (need.cross_border && ach.cross_border)
}

/// Stage one: candidates from the index, best first, with a retrieval score in 0–1 that
/// merges the short queries (each query's scores normalised by its best hit).
pub async fn retrieve(index: &dyn SearchIndex, need: &NeedProfile, kind: ListingKind, filters: &Filters, limit: usize) -> anyhow::Result<Vec<(Uuid, f64)>> {
    let queries = decompose::queries(need);
    if queries.is_empty() {
        return Ok(Vec::new());
    }
    let mut filters = filters.clone();
    filters.kinds = vec![kind];
    let batch: Vec<SearchQuery> = queries
        .iter()
        .map(|q| SearchQuery {
            text: Some(q.text.clone()),
            filters: filters.clone(),
            sort: SortOrder::Relevance,
            offset: 0,
            limit,
            facets: false,
            highlight: false,
            match_any: true,
        })
        .collect();
    let results = index.multi_search(&batch).await?;
    let total_weight: f64 = queries.iter().map(|q| q.weight).sum();
    let mut merged: HashMap<Uuid, f64> = HashMap::new();
    for (q, res) in queries.iter().zip(results) {
        let best = res.hits.first().map_or(0.0, |h| f64::from(h.score));
        if best <= 0.0 {
            continue;
        }
        for hit in res.hits {
            *merged.entry(hit.id).or_insert(0.0) += q.weight * f64::from(hit.score) / best;
        }
    }
    let mut ranked: Vec<(Uuid, f64)> = merged.into_iter().map(|(id, s)| (id, s / total_weight)).collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(limit);
    Ok(ranked)
}

/// Stage two: the weighted feature score of one pair, with its reasons.
pub fn score(need: &NeedProfile, ach: &AchievementProfile, retrieval: f64, weights: &MatchingConfig) -> Scored {
    let features = features::compute(need, ach, retrieval);
    let parts = [
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
    let total: f64 = parts.iter().map(|(w, _)| w).sum();
    let score = if total > 0.0 { parts.iter().map(|(w, f)| w * f).sum::<f64>() / total } else { 0.0 };
    Scored {
        achievement_id: ach.id,
        score,
        reasons: reasons::explain(need, ach, &features),
        features,
    }
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
    let candidates = retrieve(index, need, ListingKind::Achievement, filters, weights.candidates).await?;
    let retrieval: HashMap<Uuid, f64> = candidates.iter().copied().collect();
    let profiles = load(candidates.iter().map(|(id, _)| *id).collect()).await?;
    let mut scored: Vec<Scored> = profiles
        .iter()
        .filter(|a| compatible(need, a))
        .map(|a| score(need, a, retrieval.get(&a.id).copied().unwrap_or(0.0), weights))
        .collect();
    scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.achievement_id.cmp(&b.achievement_id)));
    scored.truncate(limit);
    Ok(scored)
}
