//! The production topology on one machine (tests/support/topology.rs): PostgreSQL,
//! Meilisearch, the four services as processes and nginx with deploy/'s routing. The browser
//! loop runs through nginx, then each service in turn is killed with SIGKILL under a write
//! load and restarted: no acknowledged write is lost, and search and matches catch up within
//! 5 s. Ignored by default (no registry ships Meilisearch): tests/topology/run provides the
//! servers and runs it with `--run-ignored`.

use std::time::Duration;

use integration_tests::topology::{meili_bin, nginx_bin, Topology, KILL_ORDER};

/// How long search and matches may take to catch up after a restart.
const CONVERGE: Duration = Duration::from_secs(5);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs Meilisearch, nginx and PostgreSQL: tests/topology/run provides them"]
async fn distributed_platform_runs_the_loop_through_nginx_and_survives_sigkill_of_each_service() {
    let meili =
        meili_bin().expect("no Meilisearch: set TECHMARKET_MEILI_BIN or put meilisearch on PATH");
    let nginx = nginx_bin().expect("no nginx: apt-get install nginx");
    let mut topology = Topology::start(&meili, &nginx).await;

    // The browser loop (tests/browser/loop.test.mjs) against the ingress, as a person would.
    let browser_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("browser");
    let loop_test = std::process::Command::new("node")
        .current_dir(&browser_dir)
        .args([
            "--test",
            "--test-concurrency=1",
            "--test-reporter=spec",
            "loop.test.mjs",
        ])
        .env("BASE_URL", &topology.url)
        .env("SCREENSHOTS_DIR", topology.dir().join("screenshots"))
        .output()
        .expect("run node (tests/browser needs `npm ci`; tests/topology/run does it)");
    assert!(
        loop_test.status.success(),
        "the browser loop failed through nginx:\n{}\n{}",
        String::from_utf8_lossy(&loop_test.stdout),
        String::from_utf8_lossy(&loop_test.stderr)
    );

    let url = topology.url.clone();
    let cycles =
        integration_tests::soak::run_cycles(&mut topology, url, KILL_ORDER.len(), |n, c| {
            eprintln!("killed {}: {c:?}", KILL_ORDER[n]);
        })
        .await;
    let created: usize = cycles.iter().map(|c| c.created).sum();
    assert!(created >= KILL_ORDER.len(), "the load wrote: {cycles:?}");
    for (service, c) in KILL_ORDER.iter().zip(&cycles) {
        assert_eq!(
            c.lost, 0,
            "acknowledged writes lost after killing {service}: {c:?}"
        );
        assert!(
            c.converged_after.is_some_and(|t| t <= CONVERGE),
            "search and matches caught up within {CONVERGE:?} after killing {service}: {c:?}"
        );
    }
}
