//! `techmarket-portal`: the portal alone, calling the API at `portal.api_url` (the ingress).
//! `techmarket serve portal` does the same and also serves the merged OpenAPI document.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = platform::config::Config::load()?;
    platform::telemetry::init(&config.telemetry);
    let Some(api_url) = config.portal.api_url.clone() else {
        anyhow::bail!("portal.api_url is not set (TECHMARKET_PORTAL__API_URL, for example http://ingress:8080)");
    };
    let db = platform::db::connect(&config.database, portal::SERVICE).await?;
    let addr = config.server.addr;
    let search = platform::state::open_search(&config.search).await?;
    let state = platform::AppState::new(db, config, search);
    let pages = portal::router(portal::Api::remote(&api_url), &state.config);
    let (app, _) = platform::serve::build_app(
        state.clone(),
        utoipa_axum::router::OpenApiRouter::new(),
        pages,
    );
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "portal listening");
    platform::serve::run(
        listener,
        app,
        state,
        platform::jobs::Registry::new(),
        platform::serve::shutdown_signal(),
    )
    .await
}
