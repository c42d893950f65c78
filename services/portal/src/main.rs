//! `techmarket-portal`: the portal alone. `techmarket serve portal` also serves the merged
//! OpenAPI document of all services; this binary serves the pages only.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = shared::config::Config::load()?;
    shared::telemetry::init(&config.telemetry);
    let db = shared::db::connect(&config.database, portal::SERVICE).await?;
    let addr = config.server.addr;
    let search = shared::state::open_search(&config.search).await?;
    let state = shared::AppState::new(db, config, search);
    let (app, _) = shared::serve::build_app(
        state.clone(),
        utoipa_axum::router::OpenApiRouter::new(),
        portal::router(),
    );
    let listener = tokio::net::TcpListener::bind(addr).await?;
    tracing::info!(%addr, "portal listening");
    shared::serve::run(listener, app, state, shared::jobs::Registry::new(), shared::serve::shutdown_signal()).await
}
