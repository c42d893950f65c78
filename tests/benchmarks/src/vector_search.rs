//! Nearest-neighbour search over int8 vectors at the scale of a million listings
//! (`matching::embedding::index::VectorIndex`: binary codes then exact rescoring above
//! `EXACT_ROWS`, an exact scan below), its recall against an exact scan, and, when an embedder
//! is reachable, its embedding throughput.
//!
//! The million vectors are not real embeddings (computing them is hours of CPU on this
//! machine): they are unit vectors drawn from a fixed-seed generator, then quantised like real
//! ones. The time and memory do not depend on the values; the recall does, and random vectors
//! are its worst case (no clusters: the true nearest are barely nearer than the rest).

use std::time::{Duration, Instant};

use matching::embedding::index::{quantise, VectorIndex};
use search::ListingKind;
use uuid::Uuid;

/// What the benchmark measured.
pub struct VectorBench {
    pub vectors: usize,
    pub dimensions: usize,
    pub build_seconds: f64,
    /// Bytes of the int8 vectors.
    pub vector_bytes: usize,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub queries: usize,
    /// Exact scan of the same index, for comparison.
    pub exact_p50: Duration,
    pub exact_p95: Duration,
    /// Share of the exact 50 nearest that the search returned (mean over the exact queries).
    pub recall_at_50: f64,
    pub exact_queries: usize,
}

/// A small fixed-seed generator (xorshift), so runs are repeatable without a dependency; the
/// matching benchmark makes its vectors with it too.
pub struct Rng(u64);

impl Rng {
    /// The generator both benchmarks start from.
    pub fn fixed() -> Self {
        Rng(0x9E37_79B9_7F4A_7C15)
    }

    fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        // Uniform in −1…1.
        (self.0 >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    /// A random unit vector of `dimensions`, quantised like a real one.
    pub fn vector(&mut self, dimensions: usize) -> Vec<i8> {
        loop {
            let v: Vec<f32> = (0..dimensions).map(|_| self.next_f32()).collect();
            if let Some(q) = quantise(&v) {
                return q;
            }
        }
    }
}

/// Builds an index of `n` vectors of `dimensions` and times `queries` searches for the 50
/// nearest achievements (what one need's match asks of it).
pub fn run(n: usize, dimensions: usize, queries: usize) -> VectorBench {
    let mut rng = Rng::fixed();
    let started = Instant::now();
    let mut index = VectorIndex::new(dimensions);
    for i in 0..n {
        index.replace(
            ListingKind::Achievement,
            Uuid::from_u128(i as u128 + 1),
            &[rng.vector(dimensions)],
        );
    }
    let build_seconds = started.elapsed().as_secs_f64();
    let mut times: Vec<Duration> = (0..queries)
        .map(|_| {
            let q = rng.vector(dimensions);
            let t = Instant::now();
            let hits = index.search(&q, ListingKind::Achievement, 50);
            let elapsed = t.elapsed();
            std::hint::black_box(hits);
            elapsed
        })
        .collect();
    times.sort();
    let at = |times: &[Duration], p: f64| {
        times[((times.len() as f64 * p) as usize).min(times.len() - 1)]
    };
    // The exact scan is slower: fewer queries, each also scoring the search's recall.
    let exact_queries = (queries / 4).max(1);
    let mut found = 0usize;
    let mut exact_times: Vec<Duration> = (0..exact_queries)
        .map(|_| {
            let q = rng.vector(dimensions);
            let t = Instant::now();
            let exact = index.search_exact(&q, ListingKind::Achievement, 50);
            let elapsed = t.elapsed();
            let got = index.search(&q, ListingKind::Achievement, 50);
            found += exact
                .iter()
                .filter(|(id, _)| got.iter().any(|(g, _)| g == id))
                .count();
            elapsed
        })
        .collect();
    exact_times.sort();
    VectorBench {
        vectors: index.len(),
        dimensions,
        build_seconds,
        vector_bytes: index.vector_bytes(),
        p50: at(&times, 0.50),
        p95: at(&times, 0.95),
        p99: at(&times, 0.99),
        queries,
        exact_p50: at(&exact_times, 0.50),
        exact_p95: at(&exact_times, 0.95),
        recall_at_50: found as f64 / (50 * exact_queries) as f64,
        exact_queries,
    }
}
