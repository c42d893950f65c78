//! A `version` is whatever `i32` a client sends: the largest one used to overflow when the
//! row's next version was computed (a panic, so a 500, in debug builds; found by
//! Schemathesis). It is a stale version like any other: 409, nothing changed.

use integration_tests::db_test;
use serde_json::json;

db_test! {
    async fn the_largest_version_is_stale_not_a_crash(app: TestApp) {
        let op = app.operator_token().await;
        let broker = app.verified_broker("p@agency.test", "Broker P", &op).await;
        let targets = app.get("/api/v1/targets?year=2025", None).await;
        let target = targets.assert_status(200)["items"][0].clone();
        let target_path = format!("/api/v1/targets/{}", target["id"].as_str().expect("id"));
        let broker_path = format!("/api/v1/brokers/{}", broker.id);
        let broker_before = app.get(&broker_path, None).await.text;

        app.request(reqwest::Method::PATCH, &target_path, Some(&op), Some(&json!({"version": i32::MAX, "target_value": 1})))
            .await
            .assert_problem(409, "stale_version");
        app.request(reqwest::Method::PATCH, &broker_path, Some(&broker.token), Some(&json!({"version": i32::MAX, "display_name": "X"})))
            .await
            .assert_problem(409, "stale_version");
        app.post(&format!("{broker_path}/verification"), Some(&op), &json!({"version": i32::MAX, "decision": "verify"}))
            .await
            .assert_problem(409, "stale_version");

        let after = app.get("/api/v1/targets?year=2025", None).await;
        assert_eq!(after.assert_status(200)["items"][0], target, "the target is unchanged");
        assert_eq!(app.get(&broker_path, None).await.text, broker_before, "the broker is unchanged");
    }
}
