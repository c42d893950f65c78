//! The `techmarket` binary as a process of its own: for tests and benchmarks that run the
//! platform the way a newcomer does (`techmarket up`) rather than in process.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

/// The built `techmarket` binary: `TECHMARKET_BIN`, else the one in the target directory of
/// the running test or example (`target/debug/{deps,examples}/..`; `tests/run` builds it).
pub fn techmarket_bin() -> PathBuf {
    let beside_us = || {
        let exe = std::env::current_exe().expect("own path");
        exe.parent()
            .and_then(Path::parent)
            .expect("target directory")
            .join("techmarket")
    };
    let bin = std::env::var_os("TECHMARKET_BIN").map_or_else(beside_us, PathBuf::from);
    assert!(
        bin.exists(),
        "{} not found: build it first with `cargo build -p techmarket` (tests/run does)",
        bin.display()
    );
    bin
}

/// A `techmarket` command with no inherited TECHMARKET_* configuration, logging warnings only.
pub fn techmarket() -> Command {
    let mut cmd = Command::new(techmarket_bin());
    for (name, _) in std::env::vars() {
        if name.starts_with("TECHMARKET_") {
            cmd.env_remove(name);
        }
    }
    cmd.env("RUST_LOG", "warn");
    cmd
}

/// Starts `techmarket up` on a free port over `data_dir` and returns the child and the URL it
/// printed.
pub fn start_up(data_dir: &Path) -> (Child, String) {
    start_up_with(data_dir, &[])
}

/// [`start_up`] with extra environment variables (configuration).
pub fn start_up_with(data_dir: &Path, env: &[(&str, &str)]) -> (Child, String) {
    let mut cmd = techmarket();
    for (name, value) in env {
        cmd.env(name, value);
    }
    let mut child = cmd
        .args(["up", "--addr", "127.0.0.1:0", "--data-dir"])
        .arg(data_dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start techmarket up");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let deadline = Instant::now() + Duration::from_secs(120);
    let url = loop {
        assert!(
            Instant::now() < deadline,
            "techmarket up printed no URL within 120 s"
        );
        let line = lines
            .next()
            .expect("techmarket up exited before printing its URL")
            .expect("read stdout");
        if let Some(rest) = line.strip_prefix("TechMarket is running at ") {
            break rest.trim_end_matches('/').to_owned();
        }
    };
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines {});
    (child, url)
}

/// Sends SIGTERM and waits (at most 20 s) for the child to exit.
pub fn terminate(child: &mut Child) -> ExitStatus {
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(
            Instant::now() < deadline,
            "techmarket did not stop within 20 s of SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits until the platform's background jobs have stopped running for two seconds (the
/// first start indexes and matches the sample data), at most `limit`.
pub async fn settle(client: &reqwest::Client, url: &str, limit: Duration) {
    let mut last = String::new();
    let mut quiet = 0;
    let deadline = Instant::now() + limit;
    while quiet < 4 && Instant::now() < deadline {
        let text = client
            .get(format!("{url}/metrics"))
            .send()
            .await
            .expect("metrics")
            .text()
            .await
            .expect("metrics text");
        let runs: String = text
            .lines()
            .filter(|l| l.starts_with("jobs_run_total"))
            .collect();
        quiet = if runs == last { quiet + 1 } else { 0 };
        last = runs;
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}
