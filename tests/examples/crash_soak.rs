//! Crash soak (not a test): `techmarket up` under a write load, killed with SIGKILL and
//! restarted `CYCLES` times (default 20). Prints, per cycle, the acknowledged writes, how many
//! were lost, and how long search and matching took to catch up after the restart.
//!
//! ```sh
//! cargo build -p techmarket && cargo run -p integration-tests --example crash_soak
//! CYCLES=5 cargo run -p integration-tests --example crash_soak
//! ```

use std::time::Duration;

#[tokio::main(flavor = "multi_thread")]
#[expect(clippy::print_stdout, reason = "the soak's figures are its output")]
async fn main() {
    let cycles = std::env::var("CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let data = tempfile::tempdir().expect("data dir");
    let results = integration_tests::soak::run(data.path(), cycles, |n, c| {
        println!(
            "cycle {:>2}: {:>3} created, {:>3} published, {} lost, caught up after {}",
            n + 1,
            c.created,
            c.published,
            c.lost,
            c.converged_after
                .map_or("NOT within 30 s".to_owned(), |d| format!(
                    "{:.2} s",
                    d.as_secs_f64()
                ))
        );
    })
    .await;
    let lost: usize = results.iter().map(|c| c.lost).sum();
    let created: usize = results.iter().map(|c| c.created).sum();
    let mut times: Vec<Duration> = results.iter().filter_map(|c| c.converged_after).collect();
    times.sort();
    println!(
        "{cycles} SIGKILLs: {created} acknowledged creations, {lost} lost; caught up: median {:.2} s, worst {:.2} s, {} cycles not within 30 s",
        times.get(times.len() / 2).map_or(0.0, Duration::as_secs_f64),
        times.last().map_or(0.0, Duration::as_secs_f64),
        results.len() - times.len()
    );
}
