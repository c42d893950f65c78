//! Nearest-neighbour search over int8 vectors, in process.
//!
//! Vectors are normalised to unit length and quantised to int8 (`round(x · 127)`): 384 bytes
//! per vector, 384 MB for a million, and a dot product of integers stands for the cosine.
//!
//! Chosen by `cargo bench -p benchmarks --bench vectors` (README, "Vectors"):
//! - Up to [`EXACT_ROWS`] rows of a kind, an **exact scan**: every dot product, a block of rows
//!   at a time, by one plain loop that `pulp` compiles for the CPU found at run time (AVX-512 or
//!   AVX2; the portable build has only SSE2, which made the loop about 3× slower).
//! - Above that, **binary codes, then exact rescoring**: each vector also has a 1-bit code (the
//!   sign of each component minus the shelf's mean, 48 bytes for 384 dimensions); a search
//!   ranks every row by the Hamming distance of the codes (reading 48 MB instead of 384 MB at a
//!   million), keeps the [`RESCORED`] nearest, and ranks those by their exact int8 dot product.
//!   An exact scan of a million took 40–60 ms on this 2-core machine while other builds ran
//!   (about 26 ms only to read 384 MB), more than a match may spend on it.
//!
//! Each kind of listing has its own rows (a need's search reads achievements only), and the
//! filter is asked only about rows good enough to be kept.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use search::ListingKind;
use uuid::Uuid;

/// Quantisation scale: a unit vector's components lie in −1…1.
const SCALE: f32 = 127.0;

/// Rows whose scores are computed in one go, then offered to the heap of the best.
const BLOCK_ROWS: usize = 4096;

/// Up to this many rows of a kind, searches are exact (about 4 ms at this size).
pub const EXACT_ROWS: usize = 100_000;

/// Rows kept by the binary codes for exact rescoring (at least; more when more are wanted).
/// On a million random unit vectors (no structure to help, the worst case) 10,000 keep about
/// nine in ten of the true 50 nearest; real embeddings cluster and lose fewer (README).
pub const RESCORED: usize = 10_000;

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

/// Components are within ±127 (see [`quantise`]), so each product fits an i16: written this way
/// the compiler turns the loop into multiply-add instructions on 16-bit lanes.
#[inline(always)]
fn dot(a: &[i8], b: &[i8]) -> i32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| i32::from(i16::from(*x) * i16::from(*y)))
        .sum()
}

/// The dot products of one query with consecutive rows, compiled by `pulp` for the instruction
/// set found at run time (the body is inlined into a function built with those features).
struct Dots<'a> {
    query: &'a [i8],
    rows: &'a [i8],
    out: &'a mut [i32],
}

impl pulp::WithSimd for Dots<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        for (out, row) in self
            .out
            .iter_mut()
            .zip(self.rows.chunks_exact(self.query.len()))
        {
            *out = dot(self.query, row);
        }
    }
}

/// The Hamming distances of one code to consecutive codes (with `popcnt` where the CPU has it).
struct Hamming<'a> {
    query: &'a [u64],
    codes: &'a [u64],
    out: &'a mut [u16],
}

impl pulp::WithSimd for Hamming<'_> {
    type Output = ();

    #[inline(always)]
    fn with_simd<S: pulp::Simd>(self, _simd: S) {
        for (out, code) in self
            .out
            .iter_mut()
            .zip(self.codes.chunks_exact(self.query.len()))
        {
            let bits: u32 = code
                .iter()
                .zip(self.query)
                .map(|(a, b)| (a ^ b).count_ones())
                .sum();
            // At most 64 bits per word and a few thousand dimensions: fits.
            *out = u16::try_from(bits).unwrap_or(u16::MAX);
        }
    }
}

/// The 1-bit code of `v`: bit i set when component i is above the centre's.
fn binary_code(v: &[i8], centre: &[i8], out: &mut Vec<u64>) {
    for (chunk, centre) in v.chunks(64).zip(centre.chunks(64)) {
        out.push(
            chunk
                .iter()
                .zip(centre)
                .enumerate()
                .fold(
                    0u64,
                    |word, (bit, (x, c))| {
                        if x > c {
                            word | (1 << bit)
                        } else {
                            word
                        }
                    },
                ),
        );
    }
}

/// The vectors of one kind of listing.
#[derive(Debug, Default, Clone)]
struct Shelf {
    /// Owner of each row of `data`.
    owners: Vec<Uuid>,
    /// Whether each row holds a vector (a freed row is zeros, waiting for reuse).
    live: Vec<bool>,
    /// Row-major, `dimensions` per row.
    data: Vec<i8>,
    /// Rows freed by a replacement, reused by the next insert.
    free: Vec<usize>,
    /// Binary codes, `words` u64 per row; empty while the shelf is small enough to scan.
    codes: Vec<u64>,
    /// The mean vector the codes are taken around (the embeddings of one model share a common
    /// direction; signs around zero would tell little apart).
    centre: Vec<i8>,
    /// Rows when the codes were last rebuilt: they are rebuilt (new centre) when the shelf
    /// doubles, so the centre follows the data at a constant cost per insert.
    coded_at: usize,
}

impl Shelf {
    fn words(dimensions: usize) -> usize {
        dimensions.div_ceil(64)
    }

    /// Keeps the codes current after rows were written: none while small; all rebuilt around a
    /// new centre when the shelf has doubled since; otherwise only `changed` rows re-coded.
    fn recode(&mut self, dimensions: usize, changed: &[usize]) {
        let rows = self.owners.len();
        if rows <= EXACT_ROWS || dimensions == 0 {
            return;
        }
        let words = Self::words(dimensions);
        if self.codes.is_empty() || rows >= self.coded_at.saturating_mul(2) {
            let mut sum = vec![0i64; dimensions];
            let mut live = 0i64;
            for (row, v) in self.data.chunks_exact(dimensions).enumerate() {
                if self.live[row] {
                    live += 1;
                    for (s, x) in sum.iter_mut().zip(v) {
                        *s += i64::from(*x);
                    }
                }
            }
            self.centre = sum
                .iter()
                // A mean of values within ±127 is within ±127.
                .map(|s| i8::try_from(s / live.max(1)).unwrap_or(0))
                .collect();
            self.codes.clear();
            self.codes.reserve(rows * words);
            for v in self.data.chunks_exact(dimensions) {
                binary_code(v, &self.centre, &mut self.codes);
            }
            self.coded_at = rows;
            return;
        }
        self.codes.resize(rows * words, 0);
        let mut code = Vec::with_capacity(words);
        for &row in changed {
            code.clear();
            binary_code(
                &self.data[row * dimensions..(row + 1) * dimensions],
                &self.centre,
                &mut code,
            );
            self.codes[row * words..(row + 1) * words].copy_from_slice(&code);
        }
    }
}

/// Vectors of listings, several per listing (one per language or passage), searchable by
/// cosine.
#[derive(Debug, Default, Clone)]
pub struct VectorIndex {
    dimensions: usize,
    achievements: Shelf,
    needs: Shelf,
    /// Rows of each listing (in its kind's shelf), for replacing them.
    rows: HashMap<(ListingKind, Uuid), Vec<usize>>,
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
        [&self.achievements, &self.needs]
            .iter()
            .map(|s| s.owners.len() - s.free.len())
            .sum()
    }

    /// Whether no vector is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes the vectors and their binary codes take.
    pub fn vector_bytes(&self) -> usize {
        [&self.achievements, &self.needs]
            .iter()
            .map(|s| s.data.len() + s.codes.len() * 8)
            .sum()
    }

    fn shelf(&self, kind: ListingKind) -> &Shelf {
        match kind {
            ListingKind::Achievement => &self.achievements,
            ListingKind::Need => &self.needs,
        }
    }

    fn shelf_mut(&mut self, kind: ListingKind) -> &mut Shelf {
        match kind {
            ListingKind::Achievement => &mut self.achievements,
            ListingKind::Need => &mut self.needs,
        }
    }

    /// Replaces the vectors of one listing (an empty list removes it). Vectors of another
    /// length are skipped.
    pub fn replace(&mut self, kind: ListingKind, id: Uuid, vectors: &[Vec<i8>]) {
        let d = self.dimensions;
        let old = self.rows.remove(&(kind, id));
        let shelf = self.shelf_mut(kind);
        let mut changed = Vec::new();
        for row in old.into_iter().flatten() {
            shelf.data[row * d..(row + 1) * d].fill(0);
            shelf.live[row] = false;
            shelf.free.push(row);
            changed.push(row);
        }
        let mut rows = Vec::new();
        for v in vectors.iter().filter(|v| v.len() == d) {
            let row = if let Some(row) = shelf.free.pop() {
                shelf.data[row * d..(row + 1) * d].copy_from_slice(v);
                shelf.owners[row] = id;
                shelf.live[row] = true;
                row
            } else {
                shelf.data.extend_from_slice(v);
                shelf.owners.push(id);
                shelf.live.push(true);
                shelf.owners.len() - 1
            };
            rows.push(row);
            changed.push(row);
        }
        shelf.recode(d, &changed);
        if !rows.is_empty() {
            self.rows.insert((kind, id), rows);
        }
    }

    /// The `k` listings of `kind` nearest to `query` (best vector per listing), best first, with
    /// their cosine similarity.
    pub fn search(&self, query: &[i8], kind: ListingKind, k: usize) -> Vec<(Uuid, f32)> {
        self.search_where(query, kind, k, &|_| true)
    }

    /// The exact `k` nearest, whatever the size (the benchmark's reference for recall).
    pub fn search_exact(&self, query: &[i8], kind: ListingKind, k: usize) -> Vec<(Uuid, f32)> {
        if query.len() != self.dimensions || k == 0 || self.dimensions == 0 {
            return Vec::new();
        }
        let shelf = self.shelf(kind);
        let best = scan(shelf, query, k.saturating_mul(4), &|_| true);
        best_listings(shelf, best, k)
    }

    /// [`VectorIndex::search`] among the listings `keep_listing` accepts.
    pub fn search_where(
        &self,
        query: &[i8],
        kind: ListingKind,
        k: usize,
        keep_listing: &(dyn Fn(Uuid) -> bool + Sync),
    ) -> Vec<(Uuid, f32)> {
        if query.len() != self.dimensions || k == 0 || self.dimensions == 0 {
            return Vec::new();
        }
        let shelf = self.shelf(kind);
        // A listing has a few rows (languages, passages): keep more rows than listings wanted.
        let keep = k.saturating_mul(4);
        let best = if shelf.codes.is_empty() {
            scan(shelf, query, keep, keep_listing)
        } else {
            let found = rescore(shelf, query, keep, keep_listing);
            if found.len() < keep.min(shelf.owners.len() - shelf.free.len()) {
                // The filter turned down most of the code's nearest: only a full scan can
                // find enough.
                scan(shelf, query, keep, keep_listing)
            } else {
                found
            }
        };
        best_listings(shelf, best, k)
    }

    /// The best cosine between `query` and any vector of one listing.
    pub fn similarity(&self, query: &[i8], kind: ListingKind, id: Uuid) -> Option<f32> {
        let shelf = self.shelf(kind);
        let d = self.dimensions;
        self.rows.get(&(kind, id)).and_then(|rows| {
            rows.iter()
                .map(|row| cosine(query, &shelf.data[row * d..(row + 1) * d]))
                .reduce(f32::max)
        })
    }
}

/// The best `k` listings of the best rows (score, row): a listing counts once, by its best row.
fn best_listings(shelf: &Shelf, mut best: Vec<(i32, usize)>, k: usize) -> Vec<(Uuid, f32)> {
    best.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let mut out: Vec<(Uuid, f32)> = Vec::with_capacity(k);
    for (score, row) in best {
        let id = shelf.owners[row];
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

/// A heap of the `keep` best (score, row).
struct Best {
    keep: usize,
    heap: BinaryHeap<Reverse<(i32, usize)>>,
}

impl Best {
    fn new(keep: usize) -> Self {
        Self {
            keep,
            heap: BinaryHeap::with_capacity(keep + 1),
        }
    }

    /// Whether `score` would be kept (checked before the row's more costly checks).
    fn wants(&self, score: i32) -> bool {
        self.heap.len() < self.keep
            || self
                .heap
                .peek()
                .is_some_and(|Reverse((worst, _))| score > *worst)
    }

    fn push(&mut self, score: i32, row: usize) {
        if self.heap.len() >= self.keep {
            self.heap.pop();
        }
        self.heap.push(Reverse((score, row)));
    }

    fn into_vec(self) -> Vec<(i32, usize)> {
        self.heap.into_iter().map(|Reverse(x)| x).collect()
    }
}

/// The `keep` best rows (score, row) of a shelf by exact dot product, unordered: a block of
/// dot products at a time, then only a row that beats the worst kept one is checked (live,
/// accepted) and kept.
fn scan(
    shelf: &Shelf,
    query: &[i8],
    keep: usize,
    keep_listing: &(dyn Fn(Uuid) -> bool + Sync),
) -> Vec<(i32, usize)> {
    let d = query.len();
    let rows = shelf.owners.len();
    let arch = pulp::Arch::new();
    let mut best = Best::new(keep);
    let mut scores = vec![0i32; BLOCK_ROWS];
    let mut start = 0;
    while start < rows {
        let end = (start + BLOCK_ROWS).min(rows);
        arch.dispatch(Dots {
            query,
            rows: &shelf.data[start * d..end * d],
            out: &mut scores[..end - start],
        });
        for (offset, &score) in scores[..end - start].iter().enumerate() {
            let row = start + offset;
            if best.wants(score) && shelf.live[row] && keep_listing(shelf.owners[row]) {
                best.push(score, row);
            }
        }
        start = end;
    }
    best.into_vec()
}

/// The `keep` best rows by exact dot product among the [`RESCORED`] (or `keep`, if more)
/// nearest by binary code.
fn rescore(
    shelf: &Shelf,
    query: &[i8],
    keep: usize,
    keep_listing: &(dyn Fn(Uuid) -> bool + Sync),
) -> Vec<(i32, usize)> {
    let d = query.len();
    let words = Shelf::words(d);
    let rows = shelf.owners.len();
    let mut code = Vec::with_capacity(words);
    binary_code(query, &shelf.centre, &mut code);
    let mut distances = vec![0u16; rows];
    pulp::Arch::new().dispatch(Hamming {
        query: &code,
        codes: &shelf.codes[..rows * words],
        out: &mut distances,
    });
    // The distance within which the wanted number of rows lie, by counting (distances are
    // small integers): no sort of a million.
    let wanted = RESCORED.max(keep);
    let mut histogram = vec![0usize; d + 2];
    for &dist in &distances {
        histogram[usize::from(dist).min(d + 1)] += 1;
    }
    let mut within = 0;
    let mut threshold = d + 1;
    for (dist, count) in histogram.iter().enumerate() {
        within += count;
        if within >= wanted {
            threshold = dist;
            break;
        }
    }
    let mut best = Best::new(keep);
    for (row, &dist) in distances.iter().enumerate() {
        if usize::from(dist) > threshold || !shelf.live[row] {
            continue;
        }
        let score = dot(query, &shelf.data[row * d..(row + 1) * d]);
        if best.wants(score) && keep_listing(shelf.owners[row]) {
            best.push(score, row);
        }
    }
    best.into_vec()
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

    #[test]
    fn a_large_shelf_searches_by_codes_and_still_finds_the_nearest() {
        // Fixed-seed pseudo-random 16-dimension vectors, more than an exact scan is used for.
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 40) as f32 / (1u64 << 23) as f32 - 1.0
        };
        let mut index = VectorIndex::new(16);
        let mut vectors = Vec::new();
        for i in 0..(EXACT_ROWS + 5_000) {
            let v = quantise(&(0..16).map(|_| next()).collect::<Vec<_>>()).expect("non-zero");
            if i % 10_000 == 0 {
                vectors.push((Uuid::from_u128(i as u128 + 1), v.clone()));
            }
            index.replace(
                ListingKind::Achievement,
                Uuid::from_u128(i as u128 + 1),
                &[v],
            );
        }
        assert!(!index.achievements.codes.is_empty(), "codes are built");
        for (id, v) in &vectors {
            let hits = index.search(v, ListingKind::Achievement, 5);
            assert_eq!(
                hits.first().map(|h| h.0),
                Some(*id),
                "a vector finds itself first"
            );
            let exact = index.search_exact(v, ListingKind::Achievement, 5);
            assert_eq!(exact.first().map(|h| h.0), Some(*id));
        }
        // A filter that turns down the nearest falls back to a full scan and still answers.
        let (skip, v) = &vectors[0];
        let hits = index.search_where(v, ListingKind::Achievement, 5, &|id| id != *skip);
        assert_eq!(hits.len(), 5);
        assert!(hits.iter().all(|h| h.0 != *skip));
        // A replaced vector is re-coded: it is found by its new value.
        let moved = vectors[1].1.iter().map(|x| -x).collect::<Vec<i8>>();
        index.replace(
            ListingKind::Achievement,
            vectors[1].0,
            std::slice::from_ref(&moved),
        );
        assert_eq!(
            index
                .search(&moved, ListingKind::Achievement, 1)
                .first()
                .map(|h| h.0),
            Some(vectors[1].0)
        );
    }
}
