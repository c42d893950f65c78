//! Crash soak: the platform (`techmarket up`, or one of the distributed services) under a
//! write load, killed with SIGKILL, restarted, again and again. Counts acknowledged writes that did not survive (the goal is none) and how long
//! after each restart search and matching have caught up with every acknowledged
//! publication. `cargo run -p integration-tests --example crash_soak` runs 20 cycles; the
//! test suite runs 3 (tests/it/crash_safety.rs).

use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::command::{settle, start_up};

/// The need owner and the operator who publishes: demo accounts of the sample data.
const OWNER: &str = "rd@liujiang-agrimach.sample";
const OPERATOR: &str = "operator@sample.techmarket.local";
const PASSWORD: &str = "sample-password-2026";

/// Concurrent writers during a cycle, each pausing between needs: a bounded load (about 12
/// needs a second), as a busy office might make, not a flood.
const WRITERS: usize = 4;
const PAUSE: Duration = Duration::from_millis(250);
/// Longest wait for search and matching to catch up after a restart.
const CONVERGE_LIMIT: Duration = Duration::from_secs(30);

/// What one kill-and-restart cycle showed.
#[derive(Debug)]
pub struct Cycle {
    /// Needs whose creation was answered 201 before the kill.
    pub created: usize,
    /// Of those, needs whose publication was answered 200 before the kill.
    pub published: usize,
    /// Acknowledged writes missing after the restart (created needs gone, or published needs
    /// no longer published).
    pub lost: usize,
    /// From the restart (the process answering again) until every published need was found by search and had
    /// its matches; `None` if that took longer than 30 s.
    pub converged_after: Option<Duration>,
}

/// A word no listing contains, in letters only (the tokenizers keep it whole).
fn marker(n: u64) -> String {
    let mut n = n + 26 * 26 * 26;
    let mut word = String::from("soak");
    while n > 0 {
        word.push(char::from(b'a' + u8::try_from(n % 26).unwrap_or(0)));
        n /= 26;
    }
    word
}

fn need_body(word: &str) -> Value {
    let valid_until = (chrono::Utc::now().date_naive() + chrono::Duration::days(120)).to_string();
    json!({
        "language": "zh",
        "title": format!("甘蔗机械化收获含杂率控制技术需求 {word}"),
        "summary": "寻求降低甘蔗机收含杂率的切割与清选技术，适用于丘陵蔗区。",
        "description": format!("企业现有收割机在丘陵地区含杂率超过12%，希望合作开发自动切割高度控制。{word}"),
        "keywords": ["甘蔗", "收割机", "含杂率", word],
        "industry": "modern_agriculture",
        "ipc_codes": ["A01D 45/10"],
        "min_trl": 5,
        "budget": {"min_minor": 40_000_000, "max_minor": 90_000_000, "currency": "CNY"},
        "cooperation_modes": ["joint_development", "transfer"],
        "deadline": (chrono::Utc::now().date_naive() + chrono::Duration::days(60)).to_string(),
        "region_code": "450100",
        "valid_until": valid_until
    })
}

async fn login(client: &reqwest::Client, url: &str, email: &str) -> String {
    let session: Value = client
        .post(format!("{url}/api/v1/auth/login"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("session");
    session["token"].as_str().expect("token").to_owned()
}

/// POST returning the JSON body when the status is `expect`, `None` otherwise (including a
/// connection cut by the kill: not acknowledged).
async fn post(
    client: &reqwest::Client,
    url: &str,
    token: &str,
    body: &Value,
    expect: u16,
) -> Option<Value> {
    let res = client
        .post(url)
        .bearer_auth(token)
        .json(body)
        .send()
        .await
        .ok()?;
    if res.status().as_u16() != expect {
        return None;
    }
    res.json().await.ok()
}

/// One writer: creates needs, submits and publishes them, and records each acknowledgement.
async fn write_until(
    client: reqwest::Client,
    url: String,
    tokens: (String, String),
    counter: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    acked: Arc<Mutex<Vec<(String, String, bool)>>>,
) {
    let (owner, operator) = tokens;
    while !stop.load(Ordering::Relaxed) {
        tokio::time::sleep(PAUSE).await;
        let word = marker(counter.fetch_add(1, Ordering::Relaxed));
        let Some(created) = post(
            &client,
            &format!("{url}/api/v1/needs"),
            &owner,
            &need_body(&word),
            201,
        )
        .await
        else {
            continue;
        };
        let id = created["id"].as_str().unwrap_or_default().to_owned();
        let index = {
            let mut acked = acked.lock().expect("acks");
            acked.push((id.clone(), word, false));
            acked.len() - 1
        };
        let version = created["version"].as_i64().unwrap_or(1);
        let Some(submitted) = post(
            &client,
            &format!("{url}/api/v1/needs/{id}/submit"),
            &owner,
            &json!({"version": version}),
            200,
        )
        .await
        else {
            continue;
        };
        let version = submitted["version"].as_i64().unwrap_or(version);
        if post(
            &client,
            &format!("{url}/api/v1/needs/{id}/review"),
            &operator,
            &json!({"decision": "publish", "version": version}),
            200,
        )
        .await
        .is_some()
        {
            acked.lock().expect("acks")[index].2 = true;
        }
    }
}

async fn get(client: &reqwest::Client, url: &str, token: &str) -> Option<Value> {
    let res = client.get(url).bearer_auth(token).send().await.ok()?;
    if !res.status().is_success() {
        return None;
    }
    res.json().await.ok()
}

/// Whether search finds the need by its marker and matching has given it a match.
async fn caught_up(client: &reqwest::Client, url: &str, owner: &str, id: &str, word: &str) -> bool {
    let found = get(client, &format!("{url}/api/v1/search?q={word}"), owner)
        .await
        .is_some_and(|r| {
            r["hits"]
                .as_array()
                .is_some_and(|hits| hits.iter().any(|h| h["id"] == id))
        });
    if !found {
        return false;
    }
    get(client, &format!("{url}/api/v1/needs/{id}/matches"), owner)
        .await
        .is_some_and(|m| m.as_array().is_some_and(|list| !list.is_empty()))
}

/// A platform the soak can crash: each cycle kills part of it with SIGKILL and starts that
/// part again. `techmarket up` is one process ([`run`]); the distributed topology is four
/// (tests/it/topology.rs).
pub trait Crashable {
    /// Kills with SIGKILL what cycle `cycle` crashes, and waits until it is gone.
    fn kill(&mut self, cycle: usize);
    /// Starts it again and waits until it answers; returns the platform's URL from now on.
    fn restart(&mut self, cycle: usize) -> String;
}

/// Demo accounts' tokens (the need owner's, the operator's) on the platform at `url`, which
/// has the sample data.
pub async fn demo_tokens(client: &reqwest::Client, url: &str) -> (String, String) {
    (
        login(client, url, OWNER).await,
        login(client, url, OPERATOR).await,
    )
}

/// `techmarket up` over a data directory, as one crashable process.
struct UpProcess<'a> {
    data_dir: &'a Path,
    child: std::process::Child,
}

impl Crashable for UpProcess<'_> {
    fn kill(&mut self, _cycle: usize) {
        self.child.kill().expect("SIGKILL");
        let _ = self.child.wait();
    }

    fn restart(&mut self, _cycle: usize) -> String {
        let (child, url) = start_up(self.data_dir);
        self.child = child;
        url
    }
}

/// Runs `cycles` kill-and-restart cycles of `techmarket up` over `data_dir`, printing a line
/// per cycle through `report`.
pub async fn run(data_dir: &Path, cycles: usize, report: impl FnMut(usize, &Cycle)) -> Vec<Cycle> {
    let client = reqwest::Client::new();
    let (child, url) = start_up(data_dir);
    // The first start indexes and matches the sample data: let it finish first.
    settle(&client, &url, Duration::from_secs(300)).await;
    let mut up = UpProcess { data_dir, child };
    let results = run_cycles(&mut up, url, cycles, report).await;
    let _ = crate::command::terminate(&mut up.child);
    results
}

/// Runs `cycles` kill-and-restart cycles of `platform`, which answers at `url` with the sample
/// data loaded and settled, printing a line per cycle through `report`.
pub async fn run_cycles(
    platform: &mut impl Crashable,
    mut url: String,
    cycles: usize,
    mut report: impl FnMut(usize, &Cycle),
) -> Vec<Cycle> {
    let client = reqwest::Client::new();
    let tokens = demo_tokens(&client, &url).await;
    let counter = Arc::new(AtomicU64::new(0));
    let mut results = Vec::new();
    for cycle in 0..cycles {
        let stop = Arc::new(AtomicBool::new(false));
        let acked = Arc::new(Mutex::new(Vec::new()));
        let writers: Vec<_> = (0..WRITERS)
            .map(|_| {
                tokio::spawn(write_until(
                    client.clone(),
                    url.clone(),
                    tokens.clone(),
                    counter.clone(),
                    stop.clone(),
                    acked.clone(),
                ))
            })
            .collect();
        // Kill at a different moment of the load each cycle: 1.0 to 2.9 s in.
        let load = Duration::from_millis(1000 + (cycle as u64 * 733) % 1900);
        tokio::time::sleep(load).await;
        platform.kill(cycle);
        stop.store(true, Ordering::Relaxed);
        for w in writers {
            let _ = w.await;
        }
        let acked = std::mem::take(&mut *acked.lock().expect("acks"));

        url = platform.restart(cycle);
        let started = Instant::now();
        let mut lost = 0;
        for (id, _, published) in &acked {
            let need = get(&client, &format!("{url}/api/v1/needs/{id}"), &tokens.0).await;
            let kept = match &need {
                None => false,
                Some(n) => !published || n["status"] == "published",
            };
            if !kept {
                lost += 1;
            }
        }
        let mut waiting: Vec<&(String, String, bool)> = acked.iter().filter(|a| a.2).collect();
        let converged_after = loop {
            let mut still = Vec::new();
            for a in waiting {
                if !caught_up(&client, &url, &tokens.0, &a.0, &a.1).await {
                    still.push(a);
                }
            }
            waiting = still;
            if waiting.is_empty() {
                break Some(started.elapsed());
            }
            if started.elapsed() > CONVERGE_LIMIT {
                break None;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let result = Cycle {
            created: acked.len(),
            published: acked.iter().filter(|a| a.2).count(),
            lost,
            converged_after,
        };
        report(cycle, &result);
        results.push(result);
    }
    results
}
