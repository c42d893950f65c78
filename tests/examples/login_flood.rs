//! Benchmark (not a test): does a flood of wrong-password logins stall ordinary requests?
//!
//! Starts the platform as a newcomer does, `techmarket up` (embedded mode, SQLite, sample
//! data), as a separate process on a free port; measures the latency of a few ordinary
//! endpoints while idle, then again while `FLOOD` clients send wrong-password logins as fast
//! as they are answered, and prints p50/p99 for both. Only the load generator and the probe
//! share this process; the server has its own.
//!
//! ```sh
//! cargo build -p techmarket
//! cargo run -p integration-tests --example login_flood     # 200 concurrent logins
//! FLOOD=50 SAMPLES=200 cargo run -p integration-tests --example login_flood
//! THROTTLE=off HOLD_MS=0 cargo run -p integration-tests --example login_flood
//! ```
//!
//! `TECHMARKET_BIN` names the binary (default: target/debug/techmarket, what the README's start
//! command builds).
//! By default the server keeps its configuration (throttle on, failed logins held
//! `auth.failed_login_delay_ms`); `THROTTLE=off` lifts the throttle so every login reaches
//! argon2, and `HOLD_MS` overrides the hold — together the worst case.

use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use integration_tests::command::{settle, start_up_with, techmarket_bin};

const DEMO_EMAIL: &str = "rd@liujiang-agrimach.sample";
const DEMO_PASSWORD: &str = "sample-password-2026";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// `techmarket up` configured as the run asks: `THROTTLE=off` lifts the login throttle,
/// `HOLD_MS` sets the failed-login hold.
fn start(data_dir: &std::path::Path) -> (std::process::Child, String) {
    let max = u32::MAX.to_string();
    let hold = std::env::var("HOLD_MS").ok();
    let mut env: Vec<(&str, &str)> = Vec::new();
    if std::env::var("THROTTLE").as_deref() == Ok("off") {
        env.push(("TECHMARKET_AUTH__LOGIN_MAX_FAILURES", &max));
        env.push(("TECHMARKET_AUTH__LOGIN_MAX_FAILURES_PER_ADDRESS", &max));
    }
    if let Some(hold) = &hold {
        env.push(("TECHMARKET_AUTH__FAILED_LOGIN_DELAY_MS", hold));
    }
    start_up_with(data_dir, &env)
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
    base: &str,
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
            let mut req = client.get(format!("{base}{path}"));
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

#[expect(
    clippy::print_stdout,
    reason = "the benchmark's figures are its output"
)]
fn report(idle: &[(&'static str, Vec<Duration>)], flood: &[(&'static str, Vec<Duration>)]) {
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "{:<34} {:>9} {:>9} {:>9} {:>9} {:>7}",
        "endpoint", "idle p50", "idle p99", "flood p50", "flood p99", "p99 ×"
    );
    for ((path, i), (_, f)) in idle.iter().zip(flood) {
        let (ip99, fp99) = (percentile(i, 0.99), percentile(f, 0.99));
        println!(
            "{path:<34} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>7.2}",
            ms(percentile(i, 0.50)),
            ms(ip99),
            ms(percentile(f, 0.50)),
            ms(fp99),
            fp99.as_secs_f64() / ip99.as_secs_f64().max(f64::MIN_POSITIVE)
        );
    }
}

/// The flood process: `FLOOD` clients send wrong-password logins to `FLOOD_URL` until stdin
/// closes, then print what they were answered.
#[expect(
    clippy::print_stdout,
    reason = "the counts are read by the parent process"
)]
async fn run_flood(url: String, flood: usize) {
    let stop = Arc::new(AtomicBool::new(false));
    let stopper = stop.clone();
    std::thread::spawn(move || {
        let _ = std::io::Read::read_to_end(&mut std::io::stdin(), &mut Vec::new());
        stopper.store(true, Ordering::Relaxed);
    });
    let counts: Arc<[AtomicU64; 4]> = Arc::new(std::array::from_fn(|_| AtomicU64::new(0)));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for i in 0..flood {
        let (stop, counts, url) = (stop.clone(), counts.clone(), url.clone());
        let client = reqwest::Client::new();
        tasks.push(tokio::spawn(async move {
            // Half the flood guesses the demo account's password, half unknown accounts.
            let email = if i % 2 == 0 {
                DEMO_EMAIL.to_owned()
            } else {
                format!("guess{i}@example.test")
            };
            let body = serde_json::json!({"email": email, "password": "wrong-password-1"});
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
    for t in tasks {
        let _ = t.await;
    }
    let n = |slot: usize| counts[slot].load(Ordering::Relaxed);
    #[expect(clippy::cast_precision_loss, reason = "a rate for display")]
    let rate = (0..4).map(n).sum::<u64>() as f64 / started.elapsed().as_secs_f64();
    println!(
        "{rate:.0} answers/s: 401={} 429={} 5xx={} other={}",
        n(0),
        n(1),
        n(2),
        n(3)
    );
}

#[tokio::main(flavor = "multi_thread")]
#[expect(
    clippy::print_stdout,
    reason = "the benchmark's figures are its output"
)]
async fn main() {
    let flood = env_usize("FLOOD", 200);
    if let Ok(url) = std::env::var("FLOOD_URL") {
        return run_flood(url, flood).await;
    }
    let samples = env_usize("SAMPLES", 2000);
    let data = tempfile::tempdir().expect("data dir");
    let (mut child, base) = start(data.path());

    let client = reqwest::Client::new();
    let session: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": DEMO_EMAIL, "password": DEMO_PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("session");
    let token = session["token"].as_str().expect("token").to_owned();
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZeroUsize::get);
    println!(
        "login flood benchmark: `techmarket up` ({}), {flood} concurrent wrong-password clients, \
         {samples} samples per endpoint, {cores} cores",
        techmarket_bin().display()
    );

    settle(&client, &base, Duration::from_secs(180)).await;
    // Warm up, then idle figures.
    let _ = measure(&client, &base, &token, 20).await;
    let idle = measure(&client, &base, &token, samples).await;

    // The flood comes from a process of its own, so the probe's client does not queue behind
    // 200 flood responses in this process's runtime.
    let mut flooder = Command::new(std::env::current_exe().expect("own path"))
        .env("FLOOD_URL", format!("{base}/api/v1/auth/login"))
        .env("FLOOD", flood.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the flood");
    // Let the flood build up before measuring.
    tokio::time::sleep(Duration::from_millis(env_usize("RAMP_MS", 3000) as u64)).await;
    let started = Instant::now();
    let loaded = measure(&client, &base, &token, samples).await;
    let elapsed = started.elapsed();
    drop(flooder.stdin.take());
    let mut answers = String::new();
    std::io::Read::read_to_string(flooder.stdout.as_mut().expect("flood stdout"), &mut answers)
        .expect("flood counts");
    let _ = flooder.wait();
    report(&idle, &loaded);
    println!(
        "measured for {:.1} s; flood: {}",
        elapsed.as_secs_f64(),
        answers.trim()
    );
    let _ = child.kill();
    let _ = child.wait();
}
