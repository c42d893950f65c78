//! `cargo bench -p benchmarks --bench search`: the search benchmark on the shared corpus. A thin wrapper over
//! [`benchmarks::listing_search::run_bench`]; see that module for the environment variables.

// The allocator `techmarket` runs with (services/techmarket/src/main.rs), so the figures are the
// service's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    // `cargo bench` passes `--bench`; a name filter makes no sense for one benchmark.
    let cfg = match benchmarks::listing_search::BenchConfig::from_env() {
        Ok(cfg) => cfg,
        Err(e) => {
            eprintln!(
                "search benchmark not run: {e:#}\n\
                 generate inputs with\n  python3 ../shared/bench/gen_corpus.py --count 100000 --out /tmp/bench-corpus-100k.jsonl\n  \
                 python3 ../shared/bench/gen_corpus.py --queries 1000 --out /tmp/bench-queries.jsonl\n\
                 then set TECHMARKET_BENCH_CORPUS and TECHMARKET_BENCH_QUERIES"
            );
            return Ok(());
        }
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let report = runtime.block_on(benchmarks::listing_search::run_bench(&cfg, &|line| {
        eprintln!("  {line}")
    }))?;
    println!(
        "search benchmark: corpus {} queries {}",
        cfg.corpus.display(),
        cfg.queries.display()
    );
    print!("{report}");
    Ok(())
}
