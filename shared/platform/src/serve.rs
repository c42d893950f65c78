//! Running a router: bind, serve until Ctrl-C or SIGTERM, run the job workers beside it, and
//! shut down gracefully (in-flight requests and the job in hand finish).

use std::future::Future;
use std::sync::Arc;

use axum::extract::FromRef;
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::ServerConfig;
use crate::jobs::worker::Worker;
use crate::jobs::Registry;
use crate::state::CoreState;

/// Serves `app` on `listener` and, when the configuration enables it, a worker for the queues
/// in `registry` with `state` as its handlers' context, until `shutdown` resolves.
pub async fn run<S>(
    listener: TcpListener,
    app: Router,
    state: S,
    registry: Registry<S>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()>
where
    S: Clone + Send + Sync + 'static,
    CoreState: FromRef<S>,
{
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut worker_task = None;
    let core = CoreState::from_ref(&state);
    if core.config.jobs.worker_enabled && !registry.queues().is_empty() {
        worker_task = Some(tokio::spawn(supervise_worker(
            core,
            state,
            Arc::new(registry),
            stop_rx,
        )));
    }
    serve_until(listener, app, shutdown, stop_tx).await?;
    if let Some(task) = worker_task {
        if let Err(err) = task.await {
            tracing::error!(error = %err, "job worker ended abnormally");
        }
    }
    Ok(())
}

/// Serves `app` on `listener` until `shutdown` resolves, with no job worker (the portal).
pub async fn run_without_worker(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let (stop_tx, _) = watch::channel(false);
    serve_until(listener, app, shutdown, stop_tx).await
}

/// Serves until `shutdown`, then tells `stop` (the worker) to finish the job in hand.
async fn serve_until(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
    stop_tx: watch::Sender<bool>,
) -> anyhow::Result<()> {
    let stop_for_server = stop_tx.clone();
    // With the peer address: the login throttle counts failures per client address.
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        shutdown.await;
        tracing::info!("shutting down: finishing in-flight requests");
        let _ = stop_for_server.send(true);
    })
    .await?;
    let _ = stop_tx.send(true);
    Ok(())
}

/// Runs the job worker until shutdown, starting a fresh one should the worker task itself
/// die (a handler's panic is already contained by the worker; this catches the rest), so
/// background work never stops silently while HTTP keeps serving.
async fn supervise_worker<S: Clone + Send + Sync + 'static>(
    core: CoreState,
    state: S,
    registry: Arc<Registry<S>>,
    stop: watch::Receiver<bool>,
) {
    loop {
        let worker = Worker::new(
            core.db.clone(),
            registry.clone(),
            state.clone(),
            core.config.jobs.clone(),
        )
        .with_health(core.worker_health.clone());
        match tokio::spawn(worker.run(stop.clone())).await {
            Ok(()) => return,
            Err(err) => {
                core.worker_health.record_restart();
                metrics::counter!("job_worker_restarts_total").increment(1);
                tracing::error!(error = %err, "job worker died; starting a new one");
                if *stop.borrow() {
                    return;
                }
                tokio::time::sleep(std::time::Duration::from_secs(1)).await;
            }
        }
    }
}

/// Resolves on Ctrl-C or SIGTERM. The handlers are installed when this is called, not when the
/// future is first polled, so a signal that arrives while the server is still starting is not
/// lost (nor does it kill the process with the default action).
pub fn shutdown_signal() -> impl Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let streams = {
        use tokio::signal::unix::{signal, SignalKind};
        (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        )
    };
    async move {
        #[cfg(unix)]
        {
            match streams {
                (Ok(mut interrupt), Ok(mut terminate)) => {
                    tokio::select! {
                        _ = interrupt.recv() => {}
                        _ = terminate.recv() => {}
                    }
                }
                (Err(err), _) | (_, Err(err)) => {
                    tracing::error!(error = %err, "cannot listen for signals; stop with SIGKILL");
                    std::future::pending::<()>().await;
                }
            }
        }
        #[cfg(not(unix))]
        {
            if let Err(err) = tokio::signal::ctrl_c().await {
                tracing::error!(error = %err, "cannot listen for Ctrl-C");
                std::future::pending::<()>().await;
            }
        }
    }
}

/// Turns a service's API routes into the full application: `extra` (health and metrics
/// endpoints, pages), the OpenAPI document at `/api/v1/openapi.json` with its reference page
/// at `/api/docs`, problem JSON for unknown routes, and the shared middleware stack.
pub fn build_app<S>(
    state: S,
    api: utoipa_axum::router::OpenApiRouter<S>,
    extra: Router<S>,
    server: &ServerConfig,
) -> (Router, utoipa::openapi::OpenApi)
where
    S: Clone + Send + Sync + 'static,
{
    // Install the metrics recorder before the first request, or its counts are lost.
    let _ = crate::telemetry::prometheus();
    let (routes, mut openapi) = api.split_for_parts();
    crate::openapi::document_problem_responses(&mut openapi);
    let docs =
        utoipa_swagger_ui::SwaggerUi::new("/api/docs").url("/api/v1/openapi.json", openapi.clone());
    let router = routes
        .merge(extra)
        .fallback(crate::http::not_found_fallback)
        .with_state(state)
        .merge(docs)
        // Inside the common layers, so the request id is already set when it runs.
        .layer(axum::middleware::from_fn(crate::audit::scope_request_id));
    let router = crate::http::with_common_layers(router, server);
    (router, openapi)
}
