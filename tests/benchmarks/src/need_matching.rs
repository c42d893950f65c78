//! Matching benchmark on the shared corpus (`../shared/bench/gen_corpus.py`): latency of
//! matching one need against N achievements (p50/p95/p99 over the generated needs), a full
//! rematch of many needs, and peak memory. Numbers are returned, never asserted.
//!
//! ```text
//! python3 ../shared/bench/gen_corpus.py --count 100000 --out /tmp/bench-corpus-100k.jsonl
//! python3 ../shared/bench/gen_corpus.py --queries 1000 --out /tmp/bench-queries.jsonl
//! TECHMARKET_BENCH_CORPUS=/tmp/bench-corpus-100k.jsonl TECHMARKET_BENCH_QUERIES=/tmp/bench-queries.jsonl \
//!   TECHMARKET_BENCH_REMATCH_NEEDS=10000 cargo bench -p benchmarks --bench matching
//! ```
//!
//! `TECHMARKET_BENCH_INDEX_DIR` (optional) keeps the index there and reuses it on the next
//! run, to measure latency again without re-indexing (delete it after a schema change).
//!
//! `TECHMARKET_BENCH_VECTORS=384` (optional) also gives every achievement and need a vector of
//! that length, so one match is the hybrid one the service runs with an embedder: lexical
//! retrieval, the 50 nearest by meaning (`matching::embedding::index::VectorIndex`, as in
//! embedded mode), reciprocal-rank fusion and the re-ranking with the semantic feature. The
//! vectors are fixed-seed random unit vectors quantised like real ones (as the `vectors` bench
//! makes them, `crate::vector_search::Rng`): time and memory do not depend on their values.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use matching::embedding::index::VectorIndex;
use matching::engine::{self, AchievementProfile, NeedProfile, Vectors};
use matching::settings::MatchingConfig;
use search::{EmbeddedIndex, Filters, SearchDoc, SearchIndex};
use uuid::Uuid;

use crate::listing_search::{to_doc, BenchListing, BenchQueryLine};

/// What the benchmark measured.
#[derive(Debug, Clone)]
pub struct MatchBench {
    pub achievements: usize,
    pub index_seconds: f64,
    pub needs: usize,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub rematch_needs: usize,
    pub rematch_seconds: f64,
    pub peak_rss_bytes: Option<u64>,
    /// With vectors: their length, count, the bytes they take (int8 and binary codes) and the
    /// time to build their index.
    pub vector_dimensions: Option<usize>,
    pub vectors: usize,
    pub vector_bytes: usize,
    pub vector_build_seconds: f64,
}

/// One need's vector against the benchmark's vector index: what the service's in-process
/// source does (`matching::embedding::jobs::QueryVector`), without the table behind it.
struct BenchQuery {
    vector: Vec<i8>,
    index: Arc<VectorIndex>,
}

#[async_trait::async_trait]
impl Vectors for BenchQuery {
    async fn nearest(
        &self,
        kind: search::ListingKind,
        k: usize,
    ) -> anyhow::Result<Vec<(Uuid, f64)>> {
        Ok(self
            .index
            .search(&self.vector, kind, k)
            .into_iter()
            .map(|(id, c)| (id, f64::from(c)))
            .collect())
    }

    async fn similarity(
        &self,
        kind: search::ListingKind,
        ids: &[Uuid],
    ) -> anyhow::Result<HashMap<Uuid, f64>> {
        Ok(ids
            .iter()
            .filter_map(|id| {
                let c = self.index.similarity(&self.vector, kind, *id)?;
                Some((*id, f64::from(c)))
            })
            .collect())
    }

    fn refines(&self) -> bool {
        false
    }
}

fn profile(doc: &SearchDoc) -> AchievementProfile {
    AchievementProfile {
        id: doc.id,
        texts: doc.texts.clone(),
        industry: doc.industry.clone(),
        ipc_codes: doc.ipc_codes.clone(),
        trl: doc.trl,
        price_min_cny_fen: doc.price_min_cny_fen,
        price_max_cny_fen: doc.price_max_cny_fen,
        cooperation_modes: doc.cooperation_modes.clone(),
        region_code: doc.region_code.clone(),
        country: doc.country.clone(),
        cross_border: doc.cross_border,
        age_days: 30,
    }
}

fn need(q: &BenchQueryLine) -> NeedProfile {
    NeedProfile {
        summary: q.text.clone(),
        industry: q.filters.industry.clone(),
        min_trl: q.filters.trl_min.unwrap_or(1),
        region_code: q.filters.region.clone(),
        country: "CN".to_owned(),
        cross_border: true,
        ..NeedProfile::default()
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

async fn match_one(
    index: &dyn SearchIndex,
    profiles: &Arc<HashMap<Uuid, AchievementProfile>>,
    n: &NeedProfile,
    weights: &MatchingConfig,
    vector: Option<&BenchQuery>,
) -> anyhow::Result<usize> {
    let profiles = profiles.clone();
    let ranked = engine::rank_hybrid(
        index,
        n,
        &Filters::default(),
        weights,
        weights.max_matches_per_need,
        vector.map(|v| v as &dyn Vectors),
        move |ids| {
            let found: Vec<AchievementProfile> = ids
                .iter()
                .filter_map(|id| profiles.get(id).cloned())
                .collect();
            async move { Ok(found) }
        },
    )
    .await?;
    Ok(ranked.len())
}

/// Indexes the corpus, matches every need once (latency), then `rematch_needs` needs in a row
/// on two concurrent workers, as `techmarket rematch` would on two cores. An index that
/// already holds documents (a kept `TECHMARKET_BENCH_INDEX_DIR`) is used as it is: the corpus
/// is then read for the profiles only and `index_seconds` is 0.
pub async fn run(
    corpus: &Path,
    queries: &Path,
    index_dir: &Path,
    rematch_needs: usize,
    vector_dimensions: Option<usize>,
) -> anyhow::Result<MatchBench> {
    let weights = MatchingConfig::default();
    let index = EmbeddedIndex::open(index_dir)?;
    let reuse = index.count().await? > 0;
    let started = Instant::now();
    let mut profiles = HashMap::new();
    let mut batch = Vec::with_capacity(20_000);
    let file = std::fs::File::open(corpus)
        .map_err(|e| anyhow::anyhow!("Failed to open {}: {e}", corpus.display()))?;
    for line in BufReader::with_capacity(1 << 20, file).lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let doc = to_doc(serde_json::from_str::<BenchListing>(&line)?);
        profiles.insert(doc.id, profile(&doc));
        if reuse {
            continue;
        }
        batch.push(doc);
        if batch.len() == 20_000 {
            index.upsert(std::mem::take(&mut batch)).await?;
        }
    }
    if !batch.is_empty() {
        index.upsert(batch).await?;
    }
    let index_seconds = if reuse {
        0.0
    } else {
        started.elapsed().as_secs_f64()
    };
    let profiles = Arc::new(profiles);
    let needs: Vec<NeedProfile> = std::fs::read_to_string(queries)?
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str::<BenchQueryLine>(l).map(|q| need(&q)))
        .collect::<Result<_, _>>()?;
    // One vector per achievement, in id order so a run is repeatable, and one per need.
    let started = Instant::now();
    let mut rng = crate::vector_search::Rng::fixed();
    let (vectors, need_vectors) = match vector_dimensions {
        Some(d) => {
            let mut ids: Vec<Uuid> = profiles.keys().copied().collect();
            ids.sort();
            let mut index = VectorIndex::new(d);
            for id in ids {
                index.replace(search::ListingKind::Achievement, id, &[rng.vector(d)]);
            }
            let index = Arc::new(index);
            let queries: Vec<BenchQuery> = needs
                .iter()
                .map(|_| BenchQuery {
                    vector: rng.vector(d),
                    index: index.clone(),
                })
                .collect();
            (Some(index), queries)
        }
        None => (None, Vec::new()),
    };
    let vector_build_seconds = started.elapsed().as_secs_f64();
    let need_vectors = Arc::new(need_vectors);
    let mut times = Vec::with_capacity(needs.len());
    for (i, n) in needs.iter().enumerate() {
        let t = Instant::now();
        match_one(&index, &profiles, n, &weights, need_vectors.get(i)).await?;
        times.push(t.elapsed());
    }
    times.sort();
    let started = Instant::now();
    let index = Arc::new(index);
    let mut workers = Vec::new();
    for w in 0..2 {
        let (index, profiles, needs, weights, need_vectors) = (
            index.clone(),
            profiles.clone(),
            needs.clone(),
            weights.clone(),
            need_vectors.clone(),
        );
        workers.push(tokio::spawn(async move {
            let mut i = w;
            while i < rematch_needs {
                let at = i % needs.len().max(1);
                if let Some(n) = needs.get(at) {
                    match_one(index.as_ref(), &profiles, n, &weights, need_vectors.get(at)).await?;
                }
                i += 2;
            }
            anyhow::Ok(())
        }));
    }
    for w in workers {
        w.await??;
    }
    Ok(MatchBench {
        achievements: profiles.len(),
        index_seconds,
        needs: needs.len(),
        p50: percentile(&times, 0.50),
        p95: percentile(&times, 0.95),
        p99: percentile(&times, 0.99),
        rematch_needs,
        rematch_seconds: started.elapsed().as_secs_f64(),
        peak_rss_bytes: crate::listing_search::peak_rss_bytes(),
        vector_dimensions,
        vectors: vectors.as_ref().map_or(0, |v| v.len()),
        vector_bytes: vectors.as_ref().map_or(0, |v| v.vector_bytes()),
        vector_build_seconds,
    })
}
