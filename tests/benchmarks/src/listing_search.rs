//! Search benchmark on the shared corpus from `../shared/bench/gen_corpus.py`: build throughput,
//! index size, query latency percentiles (all queries, with and without filters, and the
//! matching-style decomposition into short queries) and peak RSS. [`run_bench`] is what the
//! `benches/search.rs` harness (and any CLI) calls; it prints nothing itself.
//!
//! Inputs come from `TECHMARKET_BENCH_CORPUS`, `TECHMARKET_BENCH_QUERIES`,
//! `TECHMARKET_BENCH_SHORT_QUERIES` (optional: derived from the queries otherwise, see
//! [`crate::short_queries`]) and `TECHMARKET_BENCH_INDEX_DIR` (optional: a temporary directory
//! otherwise; a kept directory's index is reused by the next run, which then measures queries
//! only — build figures need an empty or new directory).
//!
//! ```text
//! python3 ../shared/bench/gen_corpus.py --count 100000 --out /tmp/bench-corpus-100k.jsonl
//! python3 ../shared/bench/gen_corpus.py --queries 1000 --out /tmp/bench-queries.jsonl
//! TECHMARKET_BENCH_CORPUS=/tmp/bench-corpus-100k.jsonl \
//! TECHMARKET_BENCH_QUERIES=/tmp/bench-queries.jsonl cargo bench -p benchmarks --bench search
//! ```
//!
//! "queries" sends each generated need text as one query. With the all-words semantics of
//! [`search::SearchQuery::text`] a whole paragraph matches nothing, so that line measures the
//! cost of evaluating long queries; "decomposed multi-search" splits each text at punctuation
//! into up to six short queries sent together with a page of 100, which is how matching
//! retrieves candidates and the figure to compare with the 20 ms goal.

use std::fmt;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::{TimeZone, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use search::{EmbeddedIndex, Filters, LangText, ListingKind, SearchDoc, SearchIndex, SearchQuery};

/// Where the benchmark reads and writes, and how it batches.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Corpus JSONL (`gen_corpus.py --count N`).
    pub corpus: PathBuf,
    /// Queries JSONL (`gen_corpus.py --queries M`).
    pub queries: PathBuf,
    /// Short queries JSONL (`--example short_queries`); `None` derives them from `queries`.
    pub short_queries: Option<PathBuf>,
    /// Index directory, kept and reused by the next run; `None` uses a temporary directory
    /// removed afterwards.
    pub index_dir: Option<PathBuf>,
    /// Documents per upsert (one commit each).
    pub batch_size: usize,
    /// tantivy writer heap in bytes.
    pub writer_heap_bytes: usize,
    /// Results per query page.
    pub page_size: usize,
}

impl BenchConfig {
    /// Reads `TECHMARKET_BENCH_CORPUS` and `TECHMARKET_BENCH_QUERIES` (required),
    /// `TECHMARKET_BENCH_INDEX_DIR`, `TECHMARKET_BENCH_BATCH` (default 20000) and
    /// `TECHMARKET_BENCH_HEAP_MB` (default 256).
    pub fn from_env() -> anyhow::Result<Self> {
        let required = |name: &str| -> anyhow::Result<PathBuf> {
            std::env::var_os(name)
                .map(PathBuf::from)
                .with_context(|| format!("{name} is not set"))
        };
        let parsed = |name: &str, default: usize| -> anyhow::Result<usize> {
            match std::env::var(name) {
                Ok(v) => v
                    .parse()
                    .with_context(|| format!("{name}={v:?} is not a number")),
                Err(_) => Ok(default),
            }
        };
        Ok(Self {
            corpus: required("TECHMARKET_BENCH_CORPUS")?,
            queries: required("TECHMARKET_BENCH_QUERIES")?,
            short_queries: std::env::var_os("TECHMARKET_BENCH_SHORT_QUERIES").map(PathBuf::from),
            index_dir: std::env::var_os("TECHMARKET_BENCH_INDEX_DIR").map(PathBuf::from),
            batch_size: parsed("TECHMARKET_BENCH_BATCH", 20_000)?.max(1),
            writer_heap_bytes: parsed("TECHMARKET_BENCH_HEAP_MB", 256)? * 1024 * 1024,
            page_size: 20,
        })
    }
}

/// Latency percentiles of one query set.
#[derive(Debug, Clone, Default)]
pub struct Latency {
    pub queries: usize,
    pub p50: Duration,
    pub p95: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// Queries that returned at least one hit.
    pub with_hits: usize,
}

impl Latency {
    fn from_samples(mut samples: Vec<(Duration, u64)>) -> Self {
        if samples.is_empty() {
            return Self::default();
        }
        let with_hits = samples.iter().filter(|(_, total)| *total > 0).count();
        samples.sort_by_key(|(d, _)| *d);
        let at = |p: f64| {
            let i = ((samples.len() as f64 * p).ceil() as usize).clamp(1, samples.len()) - 1;
            samples[i].0
        };
        Self {
            queries: samples.len(),
            p50: at(0.50),
            p95: at(0.95),
            p99: at(0.99),
            max: samples[samples.len() - 1].0,
            with_hits,
        }
    }
}

impl fmt::Display for Latency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        write!(
            f,
            "n={:<5} p50={:>7.2} ms  p95={:>7.2} ms  p99={:>7.2} ms  max={:>7.2} ms  ({} with hits)",
            self.queries,
            ms(self.p50),
            ms(self.p95),
            ms(self.p99),
            ms(self.max),
            self.with_hits
        )
    }
}

/// Everything the benchmark measured.
#[derive(Debug, Clone, Default)]
pub struct BenchReport {
    pub docs: u64,
    pub build: Duration,
    pub index_bytes: u64,
    pub all: Latency,
    pub filtered: Latency,
    pub unfiltered: Latency,
    pub with_facets: Latency,
    /// The queries' filters without text, with facets: counts over tens of thousands of hits.
    pub browse_facets: Latency,
    pub decomposed: Latency,
    /// Short (2–4-word) queries with facets, as the search box sends them.
    pub short: Latency,
    pub short_filtered: Latency,
    pub short_unfiltered: Latency,
    /// The index came from an earlier run: no build figures.
    pub reused_index: bool,
    /// CPU time this process spent building (all threads): with `build`, tells a slow machine
    /// from a busy one — docs per CPU-second barely move when other work shares the cores,
    /// docs per second do.
    pub build_cpu: Option<Duration>,
    /// `/proc/loadavg`'s one-minute figure when the build started and ended.
    pub load_at_build: Option<(f64, f64)>,
    pub peak_rss_bytes: Option<u64>,
}

impl fmt::Display for BenchReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.build.as_secs_f64();
        writeln!(f, "documents indexed      {}", self.docs)?;
        if self.reused_index {
            writeln!(f, "build time             (index reused: not measured)")?;
        } else {
            writeln!(
                f,
                "build time             {secs:.1} s  ({:.0} docs/s, JSONL parse + index + commits)",
                self.docs as f64 / secs.max(1e-9)
            )?;
            if let Some(cpu) = self.build_cpu {
                writeln!(
                    f,
                    "build CPU time         {:.1} s  ({:.0} docs per CPU-second, {:.2} cores busy)",
                    cpu.as_secs_f64(),
                    self.docs as f64 / cpu.as_secs_f64().max(1e-9),
                    cpu.as_secs_f64() / secs.max(1e-9)
                )?;
            }
            if let Some((start, end)) = self.load_at_build {
                writeln!(
                    f,
                    "load average           {start:.2} at the start, {end:.2} at the end (other work on the machine slows the build)"
                )?;
            }
        }
        writeln!(
            f,
            "index size on disk     {:.1} MiB",
            self.index_bytes as f64 / 1048576.0
        )?;
        writeln!(f, "queries, all           {}", self.all)?;
        writeln!(f, "queries, with filters  {}", self.filtered)?;
        writeln!(f, "queries, no filters    {}", self.unfiltered)?;
        writeln!(f, "queries + facets       {}", self.with_facets)?;
        writeln!(f, "filters only + facets  {}", self.browse_facets)?;
        writeln!(f, "decomposed multi-search {}", self.decomposed)?;
        writeln!(f, "short queries + facets {}", self.short)?;
        writeln!(f, "  with filters         {}", self.short_filtered)?;
        writeln!(f, "  no filters           {}", self.short_unfiltered)?;
        match self.peak_rss_bytes {
            Some(b) => writeln!(f, "peak RSS (VmHWM)       {:.0} MiB", b as f64 / 1048576.0),
            None => writeln!(f, "peak RSS (VmHWM)       unavailable"),
        }
    }
}

/// One generated listing line.
#[derive(Deserialize)]
pub struct BenchListing {
    id: String,
    lang: String,
    title: String,
    summary: String,
    #[serde(default)]
    keywords: Vec<String>,
    industry: String,
    region: String,
    trl: i16,
    #[serde(default)]
    ipc: Vec<String>,
    price_min: Option<i64>,
    price_max: Option<i64>,
    #[serde(default)]
    cross_border: bool,
}

/// One generated need line (or a short query derived from one).
#[derive(Deserialize, Serialize, Clone)]
pub struct BenchQueryLine {
    pub text: String,
    #[serde(default)]
    pub filters: BenchFilters,
}

/// The optional filters of a generated need.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct BenchFilters {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub industry: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trl_min: Option<i16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
}

/// Reads a JSONL file of needs or queries.
pub fn read_queries(path: &Path) -> anyhow::Result<Vec<BenchQueryLine>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("Failed to read {}", path.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
        .map(|(i, l)| {
            serde_json::from_str(l).with_context(|| format!("{} line {}", path.display(), i + 1))
        })
        .collect()
}

fn number_of(id: &str) -> u128 {
    // "bench-0001234" → 1234; anything else gets a stable hash so ids stay unique.
    id.rsplit('-')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            id.bytes().fold(0xcbf2_9ce4_8422_2325u128, |h, b| {
                (h ^ u128::from(b)).wrapping_mul(0x1000_0000_01b3)
            })
        })
}

/// The index document of a generated listing (also used by the matching benchmark).
pub fn to_doc(l: BenchListing) -> SearchDoc {
    let n = number_of(&l.id);
    let domestic = l.region.len() == 6 && l.region.bytes().all(|b| b.is_ascii_digit());
    let base = Utc
        .with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    SearchDoc {
        id: Uuid::from_u128(0xbe00_0000_0000_7000_8000_0000_0000_0000 | n),
        kind: ListingKind::Achievement,
        open_call: false,
        organisation_id: Uuid::from_u128(n % 5_000),
        original_language: l.lang.clone(),
        texts: vec![LangText {
            language: l.lang,
            title: l.title,
            summary: l.summary,
            description: String::new(),
            keywords: l.keywords,
        }],
        industry: l.industry,
        country: if domestic {
            "CN".into()
        } else {
            l.region.clone()
        },
        region_code: l.region,
        trl: l.trl,
        ip_type: None,
        ipc_codes: l.ipc,
        cooperation_modes: Vec::new(),
        price_min_cny_fen: l.price_min,
        price_max_cny_fen: l.price_max,
        cross_border: l.cross_border,
        deadline: None,
        valid_until: None,
        published_at: base + chrono::Duration::seconds(i64::try_from(n % 100_000_000).unwrap_or(0)),
        vectors: Vec::new(),
    }
}

fn to_query(q: &BenchQueryLine, page_size: usize) -> SearchQuery {
    SearchQuery {
        text: Some(q.text.clone()),
        filters: Filters {
            industries: q.filters.industry.clone().into_iter().collect(),
            trl_min: q.filters.trl_min,
            regions: q.filters.region.clone().into_iter().collect(),
            ..Filters::default()
        },
        limit: page_size,
        ..SearchQuery::default()
    }
}

/// Splits a need text the way matching does before retrieval: short pieces at punctuation,
/// at most six, each at least two characters.
pub fn decompose(text: &str) -> Vec<String> {
    text.split(|c: char| "、。，；：！？,.;:!?()（）".contains(c))
        .map(str::trim)
        .filter(|p| p.chars().count() >= 2)
        .take(6)
        .map(String::from)
        .collect()
}

/// Peak resident set size of this process (Linux `VmHWM`).
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

fn dir_size(dir: &Path) -> anyhow::Result<u64> {
    let mut total = 0;
    for entry in
        std::fs::read_dir(dir).with_context(|| format!("Failed to list {}", dir.display()))?
    {
        let entry = entry?;
        let meta = entry.metadata()?;
        total += if meta.is_dir() {
            dir_size(&entry.path())?
        } else {
            meta.len()
        };
    }
    Ok(total)
}

/// Builds an index from the corpus (or reuses the one a kept `TECHMARKET_BENCH_INDEX_DIR`
/// holds), runs the queries and measures. `progress` receives a line now and then so long runs
/// show signs of life.
pub async fn run_bench(
    cfg: &BenchConfig,
    progress: &(dyn Fn(&str) + Sync),
) -> anyhow::Result<BenchReport> {
    let temp;
    let dir = match &cfg.index_dir {
        Some(d) => {
            let holds_other_files = d.exists()
                && !d.join("meta.json").exists()
                && std::fs::read_dir(d)?.next().is_some();
            if holds_other_files {
                bail!(
                    "{} holds files but no index; the benchmark only writes into an empty directory",
                    d.display()
                );
            }
            d.clone()
        }
        None => {
            temp = tempfile::tempdir().context("Failed to create a temporary index directory")?;
            temp.path().join("index")
        }
    };
    let index = EmbeddedIndex::open_with_heap(&dir, cfg.writer_heap_bytes)?;
    let mut report = BenchReport::default();
    let already = index.count().await?;
    if already > 0 {
        // Only a directory this benchmark filled is worth reusing; it is read, never written.
        progress(&format!(
            "reusing the {already} documents already in {}",
            dir.display()
        ));
        report.docs = already;
        report.reused_index = true;
    } else {
        build_index(cfg, &index, &mut report, progress).await?;
        progress("waiting for merges");
        index.wait_merges().await?;
    }
    report.index_bytes = dir_size(&dir)?;
    progress(&format!("{} docs in the index", index.count().await?));

    let queries = read_queries(&cfg.queries)?;
    let short = match &cfg.short_queries {
        Some(path) => read_queries(path)?,
        None => crate::short_queries::derive(&queries),
    };
    // Warm the page cache and allocator the way a running service would be.
    for q in queries.iter().take(100) {
        index.search(&to_query(q, cfg.page_size)).await?;
    }
    let (mut all, mut filtered, mut unfiltered, mut faceted, mut decomposed) =
        (vec![], vec![], vec![], vec![], vec![]);
    let mut browse = vec![];
    for q in &queries {
        let sq = to_query(q, cfg.page_size);
        let t = Instant::now();
        let r = index.search(&sq).await?;
        let sample = (t.elapsed(), r.total);
        all.push(sample);
        if sq.filters == Filters::default() {
            unfiltered.push(sample);
        } else {
            filtered.push(sample);
        }
        let t = Instant::now();
        let r = index
            .search(&SearchQuery {
                facets: true,
                ..sq.clone()
            })
            .await?;
        faceted.push((t.elapsed(), r.total));
        if sq.filters != Filters::default() {
            let t = Instant::now();
            let r = index
                .search(&SearchQuery {
                    text: None,
                    facets: true,
                    ..sq.clone()
                })
                .await?;
            browse.push((t.elapsed(), r.total));
        }

        let pieces: Vec<SearchQuery> = decompose(&q.text)
            .into_iter()
            .map(|p| SearchQuery {
                text: Some(p),
                limit: 100,
                ..sq.clone()
            })
            .collect();
        let t = Instant::now();
        let rs = index.multi_search(&pieces).await?;
        decomposed.push((t.elapsed(), rs.iter().map(|r| r.total).sum()));
    }
    // Short queries as the search box sends them: a page with facets.
    let (mut short_filtered, mut short_unfiltered) = (vec![], vec![]);
    for q in &short {
        let sq = SearchQuery {
            facets: true,
            ..to_query(q, cfg.page_size)
        };
        let t = Instant::now();
        let r = index.search(&sq).await?;
        let sample = (t.elapsed(), r.total);
        if sq.filters == Filters::default() {
            short_unfiltered.push(sample);
        } else {
            short_filtered.push(sample);
        }
    }
    report.all = Latency::from_samples(all);
    report.filtered = Latency::from_samples(filtered);
    report.unfiltered = Latency::from_samples(unfiltered);
    report.with_facets = Latency::from_samples(faceted);
    report.browse_facets = Latency::from_samples(browse);
    report.decomposed = Latency::from_samples(decomposed);
    report.short = Latency::from_samples(
        short_filtered
            .iter()
            .chain(&short_unfiltered)
            .copied()
            .collect(),
    );
    report.short_filtered = Latency::from_samples(short_filtered);
    report.short_unfiltered = Latency::from_samples(short_unfiltered);
    report.peak_rss_bytes = peak_rss_bytes();
    Ok(report)
}

/// Indexes the corpus in batches of `cfg.batch_size`, one commit each, timing it all.
async fn build_index(
    cfg: &BenchConfig,
    index: &EmbeddedIndex,
    report: &mut BenchReport,
    progress: &(dyn Fn(&str) + Sync),
) -> anyhow::Result<()> {
    let file = std::fs::File::open(&cfg.corpus)
        .with_context(|| format!("Failed to open {}", cfg.corpus.display()))?;
    let load_start = load_average();
    let cpu_start = process_cpu_time();
    let started = Instant::now();
    let mut batch = Vec::with_capacity(cfg.batch_size);
    let mut lines = BufReader::with_capacity(1 << 20, file).lines();
    let mut line_no = 0usize;
    loop {
        let line = lines
            .next()
            .transpose()
            .context("Failed to read the corpus")?;
        if let Some(line) = &line {
            line_no += 1;
            if !line.trim().is_empty() {
                let l: BenchListing =
                    serde_json::from_str(line).with_context(|| format!("corpus line {line_no}"))?;
                batch.push(to_doc(l));
            }
        }
        if batch.len() >= cfg.batch_size || (line.is_none() && !batch.is_empty()) {
            report.docs += batch.len() as u64;
            index.upsert(std::mem::take(&mut batch)).await?;
            progress(&format!(
                "indexed {} docs in {:.1} s ({:.0} docs/s)",
                report.docs,
                started.elapsed().as_secs_f64(),
                report.docs as f64 / started.elapsed().as_secs_f64()
            ));
        }
        if line.is_none() {
            break;
        }
    }
    report.build = started.elapsed();
    report.build_cpu = cpu_start
        .zip(process_cpu_time())
        .map(|(a, b)| b.saturating_sub(a));
    report.load_at_build = load_start.zip(load_average());
    Ok(())
}

/// User + system CPU time of this process so far, all threads (Linux `/proc/self/stat`).
pub fn process_cpu_time() -> Option<Duration> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name, which may itself hold spaces.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i)?.parse::<u64>().ok();
    // utime and stime are fields 14 and 15 of the line (0-based 11 and 12 after the name); /proc
    // reports them in USER_HZ, which is 100 on every Linux architecture we run on.
    let total = ticks(11)? + ticks(12)?;
    Some(Duration::from_millis(total * 10))
}

/// The one-minute load average (Linux `/proc/loadavg`).
pub fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
