//! Benchmark (not a test): does a flood of wrong-password logins stall ordinary requests?
//!
//! Starts the whole platform in process on a free port over a fresh SQLite database (the
//! embedded mode's stack, as the integration tests do), measures the latency of a few ordinary
//! endpoints while idle, then again while `FLOOD` clients send wrong-password logins as fast
//! as they can, and prints p50/p99 for both.
//!
//! ```sh
//! cargo run -p integration-tests --example login_flood            # 200 concurrent logins
//! FLOOD=50 SAMPLES=200 cargo run -p integration-tests --example login_flood
//! BACKEND=postgres scripts/with-postgres cargo run -p integration-tests --example login_flood
//! THROTTLE=default cargo run -p integration-tests --example login_flood
//! ```
//!
//! The throttle is raised out of the way (it would turn most of the flood into cheap 429s
//! after the first few hundred failures): this measures the password gate, the worst case.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use integration_tests::{Backend, TestApp};

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a short list"
    )]
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

/// Requests each endpoint `samples` times in turn; returns latencies per endpoint.
async fn measure(
    client: &reqwest::Client,
    app: &TestApp,
    token: &str,
    samples: usize,
) -> Vec<(&'static str, Vec<Duration>)> {
    let endpoints: [(&'static str, bool); 4] = [
        ("/healthz", false),
        ("/api/v1/taxonomies/industries", false),
        ("/api/v1/search?q=sugarcane", false),
        ("/api/v1/me", true),
    ];
    let mut out: Vec<(&'static str, Vec<Duration>)> =
        endpoints.iter().map(|(p, _)| (*p, Vec::new())).collect();
    for _ in 0..samples {
        for (i, (path, auth)) in endpoints.iter().enumerate() {
            let mut req = client.get(format!("{}{path}", app.base_url));
            if *auth {
                req = req.bearer_auth(token);
            }
            let started = Instant::now();
            let res = req.send().await.expect("request");
            let status = res.status();
            let _ = res.bytes().await;
            out[i].1.push(started.elapsed());
            assert!(status.is_success(), "{path}: {status}");
        }
    }
    for (_, v) in &mut out {
        v.sort();
    }
    out
}

fn report(label: &str, rows: &[(&'static str, Vec<Duration>)]) {
    for (path, v) in rows {
        println!(
            "{label:<6} {path:<34} n={:<5} p50={:>8.2} ms  p99={:>8.2} ms",
            v.len(),
            percentile(v, 0.50).as_secs_f64() * 1000.0,
            percentile(v, 0.99).as_secs_f64() * 1000.0
        );
    }
}

#[tokio::main(flavor = "multi_thread")]
#[expect(
    clippy::print_stdout,
    reason = "the benchmark's figures are its output"
)]
async fn main() {
    let flood = env_usize("FLOOD", 200);
    let samples = env_usize("SAMPLES", 300);
    // BACKEND=postgres (under scripts/with-postgres) measures the distributed database.
    let backend = if std::env::var("BACKEND").as_deref() == Ok("postgres") {
        Backend::Postgres
    } else {
        Backend::Sqlite
    };
    // THROTTLE=default keeps the configured login throttle: one flooding address is then
    // answered 429 after its first failures, the realistic case. By default the throttle is
    // out of the way and every login reaches argon2, the worst case.
    let keep_throttle = std::env::var("THROTTLE").as_deref() == Ok("default");
    let app = TestApp::spawn_with(backend, |c| {
        if !keep_throttle {
            c.auth.login_max_failures = u32::MAX;
            c.auth.login_max_failures_per_address = u32::MAX;
        }
    })
    .await;
    app.sign_up("enterprise", "bench@firm.test").await;
    let token = app
        .login("bench@firm.test", integration_tests::http::USER_PASSWORD)
        .await;
    let client = reqwest::Client::new();
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get);
    println!("login flood benchmark: {flood} concurrent wrong-password clients, {samples} samples per endpoint, {cores} cores, {backend:?}");

    // Warm up, then idle figures.
    let _ = measure(&client, &app, &token, 20).await;
    let idle = measure(&client, &app, &token, samples).await;
    report("idle", &idle);

    let stop = Arc::new(AtomicBool::new(false));
    let counts: Arc<[AtomicU64; 4]> = Arc::new([
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
        AtomicU64::new(0),
    ]);
    let url = format!("{}/api/v1/auth/login", app.base_url);
    let mut tasks = Vec::new();
    for i in 0..flood {
        let (stop, counts, url) = (stop.clone(), counts.clone(), url.clone());
        let client = reqwest::Client::new();
        tasks.push(tokio::spawn(async move {
            let body = serde_json::json!({"email": format!("bench@firm.test{}", if i % 2 == 0 { "" } else { "x" }), "password": "wrong-password-1"});
            while !stop.load(Ordering::Relaxed) {
                let status = match client.post(&url).json(&body).send().await {
                    Ok(res) => res.status().as_u16(),
                    Err(_) => 0,
                };
                let slot = match status {
                    401 => 0,
                    429 => 1,
                    s if s >= 500 => 2,
                    _ => 3,
                };
                counts[slot].fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    // Let the flood build up before measuring.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let started = Instant::now();
    let loaded = measure(&client, &app, &token, samples).await;
    let elapsed = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    for t in tasks {
        let _ = t.await;
    }
    report("flood", &loaded);
    println!(
        "flood answers during the run ({:.1} s): 401={} 429(busy)={} 5xx={} other={}",
        elapsed.as_secs_f64(),
        counts[0].load(Ordering::Relaxed),
        counts[1].load(Ordering::Relaxed),
        counts[2].load(Ordering::Relaxed),
        counts[3].load(Ordering::Relaxed)
    );
}
