//! Three SIGKILLs of `techmarket up` under a write load (tests/support/soak.rs; the 20-cycle
//! soak is `cargo run -p integration-tests --example crash_soak`): no acknowledged write is
//! lost, and search and matching catch up with every acknowledged publication.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_kills_under_load_lose_no_acknowledged_write() {
    let data = tempfile::tempdir().expect("data dir");
    let cycles = integration_tests::soak::run(data.path(), 3, |n, c| {
        eprintln!("cycle {}: {c:?}", n + 1);
    })
    .await;
    let created: usize = cycles.iter().map(|c| c.created).sum();
    assert!(created >= 3, "the load wrote: {cycles:?}");
    assert!(
        cycles.iter().any(|c| c.published > 0),
        "some publications were acknowledged: {cycles:?}"
    );
    for c in &cycles {
        assert_eq!(c.lost, 0, "acknowledged writes lost: {cycles:?}");
        assert!(
            c.converged_after.is_some(),
            "search and matching caught up: {cycles:?}"
        );
    }
}
