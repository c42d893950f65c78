use search::{SearchIndex, SearchQuery};
#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let idx = search::EmbeddedIndex::in_ram()?;
    search::conformance::load_corpus(&idx).await?;
    for t in std::env::args().skip(1) {
        let r = idx.search(&SearchQuery { text: Some(t.clone()), limit: 10, ..Default::default() }).await?;
        println!("{t}: total {}", r.total);
        for h in r.hits { println!("  {} {:.3} {:?}", h.id.as_u128() & 0xffff, h.score, h.matched_language); }
    }
    Ok(())
}
