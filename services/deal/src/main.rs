//! `techmarket-deal`: the deal service alone (same as `techmarket serve deal`).

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = shared::config::Config::load()?;
    shared::telemetry::init(&config.telemetry);
    shared::serve::run_service(config, deal::SERVICE, deal::router(), deal::jobs()).await
}
