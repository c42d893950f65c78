//! `techmarket-deal`: the deal service alone (same as `techmarket serve deal`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = platform::config::Config::load()?;
    platform::telemetry::init(&config.telemetry);
    platform::serve::run_service(config, deal::SERVICE, deal::router(), deal::jobs()).await
}
