//! `techmarket-listing`: the listing service alone (same as `techmarket serve listing`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = platform::config::Config::load()?;
    platform::telemetry::init(&config.telemetry);
    platform::serve::run_service(config, listing::SERVICE, listing::router(), listing::jobs()).await
}
