//! `cargo run -p benchmarks --example short_queries -- NEEDS.jsonl > SHORT.jsonl`: writes the
//! short queries the search benchmark derives from the generated needs (see
//! `benchmarks::short_queries`), one JSON line each, for `TECHMARKET_BENCH_SHORT_QUERIES` or
//! for another engine measured on the same queries.

use std::io::Write;

fn main() -> anyhow::Result<()> {
    let Some(path) = std::env::args_os().nth(1) else {
        anyhow::bail!("usage: short_queries NEEDS.jsonl > SHORT.jsonl");
    };
    let needs = benchmarks::listing_search::read_queries(std::path::Path::new(&path))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for q in benchmarks::short_queries::derive(&needs) {
        serde_json::to_writer(&mut out, &q)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
