//! `techmarket-portal`: the portal alone, calling the API at `portal.api_url` (the ingress).
//! `techmarket serve portal` does the same and also serves the merged OpenAPI document.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = shared::config::Config::load()?;
    shared::telemetry::init(&config.telemetry);
    let Some(api_url) = config.portal.api_url.clone() else {
        anyhow::bail!("portal.api_url is not set (TECHMARKET_PORTAL__API_URL, for example http://ingress:8080)");
    };
    let db = shared::db::connect(&config.database, portal::SERVICE).await?;
    let addr = config.server.addr;
    let search = shared::state::open_search(&config.search).await?;
    let state = shared::AppState::new(db, config, search);
    let pages = portal::router(portal::Api::remote(&api_url), &state.config);
    let (app, _) = shared::serve::build_app(state.clone(), utoipa_axum::router::OpenApiRouter::new(), pages);
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "portal listening");
    shared::serve::run(listener, app, state, shared::jobs::Registry::new(), shared::serve::shutdown_signal()).await
}
