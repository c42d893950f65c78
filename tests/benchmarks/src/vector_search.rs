//! Exact nearest-neighbour search over int8 vectors at the scale of a million listings
//! (`matching::embedding::index::VectorIndex`), and, when an embedder is reachable, its
//! embedding throughput.
//!
//! The million vectors are not real embeddings (computing them is hours of CPU on this
//! machine): they are unit vectors drawn from a fixed-seed generator, then quantised like real
//! ones. An exact scan's cost does not depend on the values, so its time and memory are those
//! of real vectors; recall is not measured here (exact search has none to lose).

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
}

/// A small fixed-seed generator (xorshift), so runs are repeatable without a dependency.
struct Rng(u64);

impl Rng {
    fn next_f32(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        // Uniform in −1…1.
        (self.0 >> 40) as f32 / (1u64 << 23) as f32 - 1.0
    }

    fn vector(&mut self, dimensions: usize) -> Vec<i8> {
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
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
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
    let at = |p: f64| times[((times.len() as f64 * p) as usize).min(times.len() - 1)];
    VectorBench {
        vectors: index.len(),
        dimensions,
        build_seconds,
        vector_bytes: index.vector_bytes(),
        p50: at(0.50),
        p95: at(0.95),
        p99: at(0.99),
        queries,
    }
}
