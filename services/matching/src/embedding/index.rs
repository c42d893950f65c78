//! Exact nearest-neighbour search over int8 vectors, in process.
//!
//! Vectors are normalised to unit length and quantised to int8 (`round(x · 127)`): 384 bytes
//! per vector, 384 MB for a million, and a dot product of integers stands for the cosine.
//! Exact search first, as the issue asks: simple and always right; an approximate index (HNSW)
//! only if `cargo bench -p benchmarks --bench vectors` says a scan of a million is too slow.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use search::ListingKind;
use uuid::Uuid;

/// Quantisation scale: a unit vector's components lie in −1…1.
const SCALE: f32 = 127.0;

/// `v` normalised and quantised; `None` for a zero or non-finite vector (garbage from a server).
pub fn quantise(v: &[f32]) -> Option<Vec<i8>> {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if !norm.is_finite() || norm <= f32::EPSILON {
        return None;
    }
    Some(
        v.iter()
            .map(|x| {
                // Clamped to −127…127, so the cast cannot truncate.
                (x / norm * SCALE).round().clamp(-SCALE, SCALE) as i8
            })
            .collect(),
    )
}

/// The cosine of two quantised unit vectors.
pub fn cosine(a: &[i8], b: &[i8]) -> f32 {
    dot(a, b) as f32 / (SCALE * SCALE)
}

fn dot(a: &[i8], b: &[i8]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum()
}

/// Vectors of listings, several per listing (one per language), searchable by cosine.
#[derive(Debug, Default, Clone)]
pub struct VectorIndex {
    dimensions: usize,
    /// Owner of each row of `data`.
    owners: Vec<(ListingKind, Uuid)>,
    /// Row-major, `dimensions` per row.
    data: Vec<i8>,
    /// Rows of each listing, for replacing them.
    rows: HashMap<(ListingKind, Uuid), Vec<usize>>,
    /// Rows freed by a replacement, reused by the next insert.
    free: Vec<usize>,
}

impl VectorIndex {
    /// An empty index of vectors of `dimensions`.
    pub fn new(dimensions: usize) -> Self {
        Self {
            dimensions,
            ..Self::default()
        }
    }

    /// Vector length.
    pub fn dimensions(&self) -> usize {
        self.dimensions
    }

    /// Vectors held.
    pub fn len(&self) -> usize {
        self.owners.len() - self.free.len()
    }

    /// Whether no vector is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the vectors take.
    pub fn vector_bytes(&self) -> usize {
        self.data.len()
    }

    /// Replaces the vectors of one listing (an empty list removes it). Vectors of another
    /// length are skipped.
    pub fn replace(&mut self, kind: ListingKind, id: Uuid, vectors: &[Vec<i8>]) {
        if let Some(old) = self.rows.remove(&(kind, id)) {
            for row in old {
                self.data[row * self.dimensions..(row + 1) * self.dimensions].fill(0);
                self.free.push(row);
            }
        }
        let mut rows = Vec::new();
        for v in vectors.iter().filter(|v| v.len() == self.dimensions) {
            let row = if let Some(row) = self.free.pop() {
                self.data[row * self.dimensions..(row + 1) * self.dimensions].copy_from_slice(v);
                self.owners[row] = (kind, id);
                row
            } else {
                self.data.extend_from_slice(v);
                self.owners.push((kind, id));
                self.owners.len() - 1
            };
            rows.push(row);
        }
        if !rows.is_empty() {
            self.rows.insert((kind, id), rows);
        }
    }

    /// The `k` listings of `kind` nearest to `query` (best vector per listing), best first, with
    /// their cosine similarity.
    pub fn search(&self, query: &[i8], kind: ListingKind, k: usize) -> Vec<(Uuid, f32)> {
        self.search_where(query, kind, k, &|_| true)
    }

    /// [`VectorIndex::search`] among the listings `keep` accepts.
    pub fn search_where(
        &self,
        query: &[i8],
        kind: ListingKind,
        k: usize,
        keep_listing: &dyn Fn(Uuid) -> bool,
    ) -> Vec<(Uuid, f32)> {
        if query.len() != self.dimensions || k == 0 || self.dimensions == 0 {
            return Vec::new();
        }
        // A listing has a few rows (languages): keep a few more rows than listings wanted.
        let keep = k.saturating_mul(4);
        let mut heap: BinaryHeap<Reverse<(i32, usize)>> = BinaryHeap::with_capacity(keep + 1);
        let free: std::collections::HashSet<usize> = self.free.iter().copied().collect();
        for (row, vector) in self.data.chunks_exact(self.dimensions).enumerate() {
            let (owner_kind, owner) = self.owners[row];
            if owner_kind != kind || free.contains(&row) || !keep_listing(owner) {
                continue;
            }
            let score = dot(query, vector);
            if heap.len() < keep {
                heap.push(Reverse((score, row)));
            } else if heap
                .peek()
                .is_some_and(|Reverse((worst, _))| score > *worst)
            {
                heap.pop();
                heap.push(Reverse((score, row)));
            }
        }
        let mut best: Vec<(i32, usize)> = heap.into_iter().map(|Reverse(x)| x).collect();
        best.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        let mut out: Vec<(Uuid, f32)> = Vec::with_capacity(k);
        for (score, row) in best {
            let id = self.owners[row].1;
            if out.iter().any(|(seen, _)| *seen == id) {
                continue;
            }
            out.push((id, score as f32 / (SCALE * SCALE)));
            if out.len() == k {
                break;
            }
        }
        out
    }

    /// The best cosine between `query` and any vector of one listing.
    pub fn similarity(&self, query: &[i8], kind: ListingKind, id: Uuid) -> Option<f32> {
        self.rows.get(&(kind, id)).and_then(|rows| {
            rows.iter()
                .map(|row| {
                    cosine(
                        query,
                        &self.data[row * self.dimensions..(row + 1) * self.dimensions],
                    )
                })
                .reduce(f32::max)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_listing_first_and_replacement_forgets_the_old_vectors() {
        let q = |v: &[f32]| quantise(v).expect("non-zero");
        let mut index = VectorIndex::new(3);
        let (a, b) = (Uuid::from_u128(1), Uuid::from_u128(2));
        index.replace(
            ListingKind::Achievement,
            a,
            &[q(&[1.0, 0.0, 0.0]), q(&[0.0, 1.0, 0.0])],
        );
        index.replace(ListingKind::Achievement, b, &[q(&[0.7, 0.7, 0.0])]);
        index.replace(
            ListingKind::Need,
            Uuid::from_u128(3),
            &[q(&[1.0, 0.0, 0.0])],
        );
        let hits = index.search(&q(&[1.0, 0.1, 0.0]), ListingKind::Achievement, 10);
        assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), vec![a, b]);
        assert!(
            hits[0].1 > 0.95,
            "cosine of near-identical vectors: {}",
            hits[0].1
        );

        index.replace(ListingKind::Achievement, a, &[q(&[0.0, 0.0, 1.0])]);
        let hits = index.search(&q(&[1.0, 0.1, 0.0]), ListingKind::Achievement, 10);
        assert_eq!(hits[0].0, b, "a's old vectors are gone");
        assert_eq!(index.len(), 3);
        index.replace(ListingKind::Achievement, a, &[]);
        assert_eq!(index.len(), 2);
        assert!(quantise(&[0.0, 0.0, 0.0]).is_none());
        assert!(quantise(&[f32::NAN, 1.0, 0.0]).is_none());
    }
}
