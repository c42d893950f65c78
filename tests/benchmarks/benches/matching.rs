//! `cargo bench -p benchmarks --bench matching`: prints the matching benchmark (see `benchmarks::need_matching`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let var = |name: &str| {
        std::env::var(name)
            .map_err(|_| anyhow::anyhow!("{name} is not set (see benchmarks::need_matching)"))
    };
    let corpus = std::path::PathBuf::from(var("TECHMARKET_BENCH_CORPUS")?);
    let queries = std::path::PathBuf::from(var("TECHMARKET_BENCH_QUERIES")?);
    let rematch: usize = var("TECHMARKET_BENCH_REMATCH_NEEDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let vectors: Option<usize> = match std::env::var("TECHMARKET_BENCH_VECTORS") {
        Ok(v) => Some(v.parse().map_err(|_| {
            anyhow::anyhow!("TECHMARKET_BENCH_VECTORS must be a vector length, e.g. 384")
        })?),
        Err(_) => None,
    };
    let kept = std::env::var_os("TECHMARKET_BENCH_INDEX_DIR").map(std::path::PathBuf::from);
    let dir = kept.clone().unwrap_or_else(|| {
        std::env::temp_dir().join(format!("techmarket-match-bench-{}", std::process::id()))
    });
    let r = benchmarks::need_matching::run(&corpus, &queries, &dir, rematch, vectors).await;
    if kept.is_none() {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let r = r?;
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    #[expect(clippy::print_stdout, reason = "a benchmark prints its numbers")]
    {
        println!(
            "achievements indexed     {} in {:.1} s ({:.0} docs/s)",
            r.achievements,
            r.index_seconds,
            r.achievements as f64 / r.index_seconds
        );
        if let Some(d) = r.vector_dimensions {
            println!(
                "vectors                  {} × {d} (fixed-seed random unit vectors, int8) in {:.1} s, {:.0} MiB with their codes",
                r.vectors,
                r.vector_build_seconds,
                r.vector_bytes as f64 / (1024.0 * 1024.0)
            );
        }
        println!(
            "match one need{} (n={})   p50 {:.1} ms  p95 {:.1} ms  p99 {:.1} ms",
            if r.vector_dimensions.is_some() {
                ", lexical + vectors + fusion"
            } else {
                ""
            },
            r.needs,
            ms(r.p50),
            ms(r.p95),
            ms(r.p99)
        );
        println!(
            "rematch {} needs         {:.1} s on 2 workers ({:.0} needs/s)",
            r.rematch_needs,
            r.rematch_seconds,
            r.rematch_needs as f64 / r.rematch_seconds
        );
        if let Some(b) = r.peak_rss_bytes {
            println!(
                "peak RSS                 {:.0} MiB",
                b as f64 / (1024.0 * 1024.0)
            );
        }
    }
    Ok(())
}
