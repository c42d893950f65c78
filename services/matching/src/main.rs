//! `techmarket-matching`: the matching service alone (same as `techmarket serve matching`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = platform::config::Config::load()?;
    matching::settings::MatchingConfig::from_config(&config)?;
    platform::telemetry::init(&config.telemetry);
    platform::serve::run_service(
        config,
        matching::SERVICE,
        matching::router(),
        matching::jobs(),
    )
    .await
}
