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

db_test! {
    async fn the_largest_version_on_a_contract_or_milestone_is_stale_not_a_crash(app: TestApp) {
        use integration_tests::deals::{contract_body, days_ago};
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450200", false).await;
        let created = app.post_with_key("/api/v1/contracts", &uni.token, "c-max", &contract_body(&uni.id, &ent.id, days_ago(1), 10_000_000, 10_000_000)).await;
        let id = created.assert_status(201)["id"].as_str().expect("id").to_owned();
        let milestone = app.post(&format!("/api/v1/contracts/{id}/milestones"), Some(&uni.token), &json!({"title": "首付款", "amount_minor": 1_000})).await;
        let milestone = milestone.assert_status(201)["id"].as_str().expect("milestone id").to_owned();

        app.post(&format!("/api/v1/contracts/{id}/cancel"), Some(&uni.token), &json!({"version": i32::MAX, "reason": "overflow probe"}))
            .await
            .assert_problem(409, "stale_version");
        app.post(&format!("/api/v1/contracts/{id}/milestones/{milestone}/done"), Some(&uni.token), &json!({"version": i32::MAX}))
            .await
            .assert_problem(409, "stale_version");
        let after = app.get(&format!("/api/v1/contracts/{id}"), Some(&uni.token)).await;
        assert_eq!(after.assert_status(200)["status"], "signed");
    }
}
