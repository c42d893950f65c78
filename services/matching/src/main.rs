//! `techmarket-matching`: the matching service alone (same as `techmarket serve matching`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = shared::config::Config::load()?;
    shared::telemetry::init(&config.telemetry);
    shared::serve::run_service(config, matching::SERVICE, matching::router(), matching::jobs()).await
}
