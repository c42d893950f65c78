//! `techmarket-listing`: the listing service alone (same as `techmarket serve listing`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = shared::config::Config::load()?;
    shared::telemetry::init(&config.telemetry);
    shared::serve::run_service(config, listing::SERVICE, listing::router(), listing::jobs()).await
}
