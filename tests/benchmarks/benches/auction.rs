//! `cargo bench -p benchmarks --bench auction` (prefix `scripts/with-postgres` for PostgreSQL
//! too): bids per second sustained on one auction by `BENCH_BIDDERS` concurrent bidders
//! (default 200, each a verified organisation with a deposit) for `BENCH_SECONDS` (default
//! 10), over HTTP against the whole platform on a fresh database, as the integration tests
//! start it. Each bidder reads the auction and bids above its next minimum by 0 to 19
//! increments (bidder i: i mod 20), again and again, so bids race each other all the time: a
//! bid that loses the race on the auction row but still beats the new price is tried again
//! and accepted, the others are answered 409. Prints accepted bids per second, answers per
//! second, and the p50 / p99 latency of a bid request (all answers, and accepted ones). Then
//! the latency of the chain check over the whole log. Printed, never asserted.

use std::sync::Arc;
use std::time::{Duration, Instant};

use integration_tests::{Backend, TestApp};
use serde_json::json;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1].as_secs_f64() * 1000.0
}

struct Sample {
    latency: Duration,
    accepted: bool,
    status: u16,
}

async fn run(backend: Backend, bidders: usize, seconds: u64) -> anyhow::Result<()> {
    let app = TestApp::spawn(backend).await;
    let setup = Instant::now();
    let seller = app.seller("tto@bench.test").await;
    let op = seller.operator.clone();
    let auction = app
        .auction(&seller, 3_600_000, json!({"increment_minor": 100}))
        .await;
    let id = auction["id"].as_str().unwrap_or_default().to_owned();
    let mut tokens = Vec::with_capacity(bidders);
    for i in 0..bidders {
        let org = app
            .verified_enterprise(&op, &format!("bidder{i}@bench.test"))
            .await;
        app.deposit(&op, &id, &org.id).await;
        tokens.push(org.token);
    }
    println!(
        "auction bench [{backend:?}]: {bidders} verified bidders with deposits ready in {:.1} s",
        setup.elapsed().as_secs_f64()
    );
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(bidders)
        .build()?;
    let base = Arc::new(app.base_url.clone());
    let id = Arc::new(id);
    let until = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks = tokens.into_iter().enumerate().map(|(i, token)| {
        let above = i64::try_from(i % 20).unwrap_or(0) * 100;
        let client = client.clone();
        let base = base.clone();
        let id = id.clone();
        tokio::spawn(async move {
            let mut samples = Vec::new();
            while Instant::now() < until {
                let Ok(res) = client
                    .get(format!("{base}/api/v1/auctions/{id}"))
                    .send()
                    .await
                else {
                    continue;
                };
                let Ok(a) = res.json::<serde_json::Value>().await else {
                    continue;
                };
                let amount = a["next_minimum_minor"].as_i64().unwrap_or(0) + above;
                let t = Instant::now();
                let res = client
                    .post(format!("{base}/api/v1/auctions/{id}/bids"))
                    .bearer_auth(&token)
                    .json(&json!({"amount_minor": amount}))
                    .send()
                    .await;
                let latency = t.elapsed();
                let status = res.map(|r| r.status().as_u16()).unwrap_or(0);
                samples.push(Sample {
                    latency,
                    accepted: status == 201,
                    status,
                });
            }
            samples
        })
    });
    let mut all = Vec::new();
    for joined in futures::future::join_all(tasks).await {
        all.extend(joined?);
    }
    let wall = started.elapsed().as_secs_f64();
    let accepted = all.iter().filter(|s| s.accepted).count();
    let refused_409 = all.iter().filter(|s| s.status == 409).count();
    let other = all.len() - accepted - refused_409;
    let mut lat: Vec<Duration> = all.iter().map(|s| s.latency).collect();
    lat.sort_unstable();
    let mut lat_ok: Vec<Duration> = all
        .iter()
        .filter(|s| s.accepted)
        .map(|s| s.latency)
        .collect();
    lat_ok.sort_unstable();
    println!(
        "auction bench [{backend:?}]: {bidders} bidders, {wall:.1} s: {accepted} bids accepted = {:.1} bids/s; {} answers = {:.1}/s ({refused_409} × 409 outbid/too low, {other} other)",
        accepted as f64 / wall,
        all.len(),
        all.len() as f64 / wall,
    );
    println!(
        "auction bench [{backend:?}]: bid latency, all answers p50 / p99: {:.1} / {:.1} ms; accepted bids p50 / p99: {:.1} / {:.1} ms",
        pct(&lat, 50.0),
        pct(&lat, 99.0),
        pct(&lat_ok, 50.0),
        pct(&lat_ok, 99.0),
    );
    let t = Instant::now();
    let check = app
        .get(&format!("/api/v1/auctions/{id}/verification"), None)
        .await;
    println!(
        "auction bench [{backend:?}]: chain check of {} bids: valid = {}, {:.1} ms",
        check.body["bids_checked"],
        check.body["valid"],
        t.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}

fn main() -> anyhow::Result<()> {
    let bidders = env_usize("BENCH_BIDDERS", 200);
    let seconds = env_usize("BENCH_SECONDS", 10) as u64;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        run(Backend::Sqlite, bidders, seconds).await?;
        if std::env::var("TEST_DATABASE_URL").is_ok() {
            run(Backend::Postgres, bidders, seconds).await?;
        } else {
            println!("auction bench: TEST_DATABASE_URL not set (scripts/with-postgres): PostgreSQL not measured");
        }
        Ok(())
    })
}
