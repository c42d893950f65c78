//! What every service's HTTP stack shares: health and metrics endpoints, request ids, request
//! logging, limits, and the guarantee that every error a client sees is problem JSON.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, FromRef, MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::config::ServerConfig;
use crate::error::{problem, problem_response, ApiError, LoggedError, PROBLEM_JSON};
use crate::state::CoreState;

/// Header carrying the request id, set by us when the client (or ingress) did not.
pub const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// `/healthz` (the process is up), `/readyz` (the database answers, the job worker beats)
/// and `/metrics`, for a database-backed service.
pub fn health_routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
    CoreState: FromRef<S>,
{
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
}

/// The same endpoints for a process without a database (the portal): ready as soon as it
/// serves, since what it needs (the APIs) has readiness checks of its own behind the ingress.
pub fn stateless_health_routes<S>() -> Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(healthz))
        .route("/metrics", get(metrics_only))
}

async fn healthz() -> impl IntoResponse {
    axum::Json(serde_json::json!({"status": "ok"}))
}

async fn readyz(State(state): State<CoreState>) -> Response {
    if let Err(err) = crate::db::ping(&state.db).await {
        tracing::warn!(error = %err, "readiness check: database unreachable");
        return ApiError::Unavailable(format!("database: {err}")).into_response();
    }
    // A worker beats every poll and every lease renewal; twice the lease without a beat means
    // it stopped or is wedged, and background work (search, matching, statistics) with it.
    let allowed = chrono::Duration::seconds(
        i64::try_from(state.config.jobs.lease_secs.saturating_mul(2)).unwrap_or(i64::MAX / 2),
    );
    let worker = match state.worker_health.silence(chrono::Utc::now()) {
        None => "not running in this process",
        Some(silence) if silence <= allowed => "ok",
        Some(silence) => {
            tracing::warn!(
                silent_secs = silence.num_seconds(),
                "readiness check: job worker silent"
            );
            return ApiError::Unavailable(format!(
                "job worker silent for {}s",
                silence.num_seconds()
            ))
            .into_response();
        }
    };
    axum::Json(serde_json::json!({"status": "ready", "database": "ok", "worker": worker}))
        .into_response()
}

async fn metrics_text(State(state): State<CoreState>) -> Response {
    report_queue_depth(&state).await;
    metrics_only().await
}

async fn metrics_only() -> Response {
    match crate::telemetry::prometheus() {
        Some(handle) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            handle.render(),
        )
            .into_response(),
        None => ApiError::Unavailable("metrics recorder not installed".to_owned()).into_response(),
    }
}

/// Pending and parked jobs per queue, read from the database at scrape time (per-service
/// gauges). A parked job failed its last attempt and waits for an operator.
async fn report_queue_depth(state: &CoreState) {
    use sea_orm::{ConnectionTrait, Statement, Value};
    let backend = state.db.get_database_backend();
    let sql = match backend {
        sea_orm::DbBackend::Postgres => {
            "SELECT queue, COUNT(*) FILTER (WHERE attempts < $1) AS pending, \
             COUNT(*) FILTER (WHERE attempts >= $1) AS parked FROM jobs GROUP BY queue"
        }
        _ => {
            "SELECT queue, SUM(CASE WHEN attempts < ? THEN 1 ELSE 0 END) AS pending, \
             SUM(CASE WHEN attempts >= ? THEN 1 ELSE 0 END) AS parked FROM jobs GROUP BY queue"
        }
    };
    let max = Value::from(state.config.jobs.max_attempts);
    let values = match backend {
        sea_orm::DbBackend::Postgres => vec![max],
        _ => vec![max.clone(), max],
    };
    if let Ok(rows) = state
        .db
        .query_all(Statement::from_sql_and_values(backend, sql, values))
        .await
    {
        for row in rows {
            if let (Ok(queue), Ok(pending), Ok(parked)) = (
                row.try_get::<String>("", "queue"),
                row.try_get::<i64>("", "pending"),
                row.try_get::<i64>("", "parked"),
            ) {
                metrics::gauge!("jobs_pending", "queue" => queue.clone()).set(count_gauge(pending));
                metrics::gauge!("jobs_parked", "queue" => queue).set(count_gauge(parked));
            }
        }
    }
    metrics::gauge!("job_worker_restarts").set(count_gauge(state.worker_health.restarts()));
}

/// A count as a gauge value (counts this large are exact in `f64`).
fn count_gauge(n: i64) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Wraps a service's routes with the shared stack. Order, outermost first: request id →
/// security headers → trace span → panic catcher → problem rendering and error logging →
/// metrics → timeout → body limit → routes.
pub fn with_common_layers(router: Router, config: &ServerConfig) -> Router {
    let timeout = Duration::from_secs(config.request_timeout_secs);
    let headers = SecurityHeaders {
        hsts: config.is_https(),
    };
    router
        .layer(DefaultBodyLimit::max(config.body_limit_bytes))
        .layer(TimeoutLayer::with_status_code(StatusCode::SERVICE_UNAVAILABLE, timeout))
        .layer(middleware::from_fn(record_metrics))
        .layer(middleware::from_fn(render_problems))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal(anyhow::anyhow!("handler panicked")).into_response()
        }))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &Request| {
                let request_id = req
                    .extensions()
                    .get::<RequestId>()
                    .and_then(|id| id.header_value().to_str().ok())
                    .unwrap_or("-");
                let path = req
                    .extensions()
                    .get::<MatchedPath>()
                    .map(MatchedPath::as_str)
                    .unwrap_or("(unmatched)");
                tracing::info_span!("request", method = %req.method(), matched_path = %path, request_id = %request_id)
            }),
        )
        .layer(middleware::from_fn_with_state(headers, security_headers))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// Content-Security-Policy of the portal's pages. Every asset is the portal's own (one
/// stylesheet, one script, the icon); charts are inline SVG, which needs no source. No inline
/// script and no `<style>` element anywhere. Deliberately allowed: inline `style` attributes
/// (`style-src-attr`), which a few templates use for a computed width (progress meters) —
/// they cannot run script, and `img-src 'self' data:` keeps CSS from loading anything from
/// another origin.
pub const CSP_PAGES: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
style-src-attr 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Content-Security-Policy of the Swagger UI page (`/api/docs/`): its vendored bundle and the
/// generated initializer are same-origin scripts, but React sets inline styles and the UI
/// draws its icons as `data:` images.
pub const CSP_API_DOCS: &str = "default-src 'self'; script-src 'self'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Content-Security-Policy of everything that is not a page (JSON, problems, assets): nothing
/// may load and nobody may frame it.
pub const CSP_NONE: &str = "default-src 'none'; frame-ancestors 'none'";

/// HSTS for a platform whose public URL is https: a year, subdomains included.
pub const HSTS: &str = "max-age=31536000; includeSubDomains";

#[derive(Clone, Copy)]
struct SecurityHeaders {
    hsts: bool,
}

/// Adds the security headers to every response (a handler's own value wins): no MIME sniffing,
/// no framing (`frame-ancestors` and the older `X-Frame-Options`), a Content-Security-Policy
/// chosen by what the response is, no referrer sent to another origin, and HSTS only when the
/// configured public URL is https (over plain http it would be ignored at best, and would lock
/// out a deployment that is not https at worst).
async fn security_headers(
    State(config): State<SecurityHeaders>,
    req: Request,
    next: Next,
) -> Response {
    let api_docs = req.uri().path().starts_with("/api/docs");
    let mut response = next.run(req).await;
    let is_html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    let csp = match (is_html, api_docs) {
        (true, true) => CSP_API_DOCS,
        (true, false) => CSP_PAGES,
        (false, _) => CSP_NONE,
    };
    let headers = response.headers_mut();
    let mut set = |name: HeaderName, value: &'static str| {
        if !headers.contains_key(&name) {
            headers.insert(name, HeaderValue::from_static(value));
        }
    };
    set(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    set(header::X_FRAME_OPTIONS, "DENY");
    set(header::REFERRER_POLICY, "same-origin");
    set(header::CONTENT_SECURITY_POLICY, csp);
    if config.hsts {
        set(header::STRICT_TRANSPORT_SECURITY, HSTS);
    }
    response
}

/// Answers unknown routes with a problem.
pub async fn not_found_fallback() -> Response {
    ApiError::NotFound("no such route".to_owned()).into_response()
}

/// Logs a 5xx's cause once, and turns any bare error (axum's 404/405, timeouts, rejections of
/// layers we do not own) into problem JSON. HTML error pages of the portal pass untouched.
async fn render_problems(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    if let Some(LoggedError(err)) = response.extensions().get::<LoggedError>() {
        tracing::error!(status = status.as_u16(), error = %format!("{err:#}"), "request failed");
    }
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    if content_type.starts_with(PROBLEM_JSON) || content_type.starts_with("text/html") {
        return response;
    }
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_server_error() => "internal_error",
        _ => "bad_request",
    };
    let detail = match status {
        StatusCode::METHOD_NOT_ALLOWED => "this method is not allowed on this route".to_owned(),
        StatusCode::REQUEST_TIMEOUT => "the request took too long".to_owned(),
        s if s.is_server_error() => "internal error".to_owned(),
        s => s.canonical_reason().unwrap_or("error").to_lowercase(),
    };
    let mut fresh = problem_response(problem(status, code, detail, Vec::new()), status);
    // Keep headers such as `Allow` on a 405.
    for (name, value) in response.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            fresh.headers_mut().insert(name.clone(), value.clone());
        }
    }
    fresh
}

async fn record_metrics(req: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().to_string();
    let path = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let response = next.run(req).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("http_requests_total", "method" => method.clone(), "path" => path.clone(), "status" => status).increment(1);
    metrics::histogram!("http_request_duration_seconds", "method" => method, "path" => path)
        .record(started.elapsed().as_secs_f64());
    response
}

/// Adds a header value if it parses; used for `Content-Language` and friends.
pub fn header_value(value: &str) -> Option<HeaderValue> {
    HeaderValue::from_str(value).ok()
}
