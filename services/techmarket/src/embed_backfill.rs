//! `techmarket embed-backfill`: embeds every published listing whose vectors are missing or were
//! made by another model (after turning the embedder on, or changing its model), then
//! recomputes every need's matches with them. The job queue keeps vectors current afterwards;
//! this is for what was published before. Safe to re-run: unchanged texts are skipped.

use anyhow::Context;
use platform::config::Config;

/// Runs the backfill against the configured database; `bar` shows embedding, then matching.
pub async fn run(config: &Config, bar: &indicatif::ProgressBar) -> anyhow::Result<String> {
    let settings = matching::settings::MatchingConfig::from_config(config)?;
    let semantic = matching::embedding::jobs::Semantic::from_config(config, &settings)?.context(
        "no embedder is configured: set matching.embedder_url (TECHMARKET_MATCHING__EMBEDDER_URL)",
    )?;
    let db = platform::db::connect(&config.database, "embed-backfill").await?;
    crate::check_schema(&db).await?;
    let search = crate::open_search(config).await?;
    let semantic = semantic.with_search(&search, &db);
    let embedded = matching::embedding::jobs::backfill(&db, &semantic, |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })
    .await?;
    bar.set_message("matching");
    bar.set_position(0);
    let matched = matching::domain::recompute::rematch_all(
        &db,
        search.as_ref(),
        &settings,
        config.email.enabled,
        Some(&semantic),
        |done, total| {
            bar.set_length(total);
            bar.set_position(done);
        },
    )
    .await?;
    Ok(format!(
        "{} listings embedded, {} unchanged; matches: {} new, {} updated, {} retired",
        embedded.embedded, embedded.unchanged, matched.created, matched.updated, matched.retired
    ))
}

/// Prints the backfill's summary (the progress bar shows only on a terminal).
#[expect(clippy::print_stdout, reason = "the summary is the command's output")]
pub fn report(summary: &str) {
    println!("{summary}");
}
