//! Authority over deals and contracts comes from who the caller is — seller, buyer, a broker
//! assigned to the deal, an operator — never from a field of the request: not the contract's
//! intermediary, not the deal's mode. Each attack here worked with one request before.

use integration_tests::db_test;
use integration_tests::deals::{contract_body, days_ago};
use integration_tests::listings::need_body;
use serde_json::json;

db_test! {
    async fn a_stranger_naming_itself_intermediary_cannot_record_a_contract_on_someone_elses_deal(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450200", false).await;
        let attacker = app.asean_org("enterprise", "VN", "x@attacker.test").await;
        let achievement = app.published_achievement(&uni.token, &op).await;
        let deal = app.open_inquiry(&ent.token, &achievement, json!({})).await;
        let deal_id = deal["id"].as_str().expect("deal id").to_owned();

        let mut body = contract_body(&uni.id, &ent.id, days_ago(1), 100_000_000, 100_000_000);
        body["deal_id"] = json!(deal_id);
        body["intermediary_organisation_id"] = json!(attacker.id);
        let res = app.post_with_key("/api/v1/contracts", &attacker.token, "attack-1", &body).await;
        res.assert_problem(404, "not_found");
        // Without the deal: a contract between two strangers, the attacker in the middle.
        body["deal_id"] = json!(null);
        let res = app.post_with_key("/api/v1/contracts", &attacker.token, "attack-2", &body).await;
        res.assert_problem(403, "forbidden");

        // Nothing changed: the deal is where it was, no contract exists, the number is free.
        let seen = app.get(&format!("/api/v1/deals/{deal_id}"), Some(&ent.token)).await;
        assert_eq!(seen.assert_status(200)["stage"], deal["stage"]);
        let all = app.get("/api/v1/contracts", Some(&op)).await;
        assert_eq!(all.assert_status(200)["total"], 0);
        body["deal_id"] = json!(deal_id);
        body["intermediary_organisation_id"] = json!(null);
        app.post_with_key("/api/v1/contracts", &uni.token, "the-real-one", &body).await.assert_status(201);
    }
}

db_test! {
    async fn an_intermediary_named_by_the_parties_reads_the_contract_but_cannot_act_on_it(app: TestApp) {
        let uni = app.org_in("university", "tto@uni.test", "450100", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450200", false).await;
        let agency = app.org_in("broker_agency", "desk@agency.test", "450100", false).await;
        let mut body = contract_body(&uni.id, &ent.id, days_ago(1), 30_000_000, 30_000_000);
        body["intermediary_organisation_id"] = json!(agency.id);
        let created = app.post_with_key("/api/v1/contracts", &uni.token, "with-intermediary", &body).await;
        let contract = created.assert_status(201);
        let id = contract["id"].as_str().expect("id").to_owned();

        app.get(&format!("/api/v1/contracts/{id}"), Some(&agency.token)).await.assert_status(200);
        app.post(&format!("/api/v1/contracts/{id}/cancel"), Some(&agency.token), &json!({"version": contract["version"], "reason": "not ours to cancel"}))
            .await
            .assert_problem(403, "forbidden");
        app.post(&format!("/api/v1/contracts/{id}/milestones"), Some(&agency.token), &json!({"title": "首付款", "amount_minor": 1_000}))
            .await
            .assert_problem(403, "forbidden");
        app.post_with_key("/api/v1/payments", &agency.token, "agency-payment", &json!({"contract_id": id, "amount_minor": 1_000}))
            .await
            .assert_problem(403, "forbidden");
        app.post("/api/v1/registrations", Some(&agency.token), &json!({"contract_id": id})).await.assert_problem(403, "forbidden");

        // The parties still act on it.
        app.post("/api/v1/registrations", Some(&ent.token), &json!({"contract_id": id})).await.assert_status(201);
        let again = app.get(&format!("/api/v1/contracts/{id}"), Some(&uni.token)).await;
        assert_eq!(again.assert_status(200)["status"], "signed");
    }
}

db_test! {
    async fn the_deal_mode_is_not_the_clients_to_choose_so_publicity_cannot_be_skipped(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450100", true).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450200", false).await;
        let achievement = app.published_achievement(&uni.token, &op).await;
        // The trick: a state-funded university's negotiated sale declared `fixed_price`.
        let res = app.post("/api/v1/deals", Some(&ent.token), &json!({"origin": "inquiry", "achievement_id": achievement, "mode": "fixed_price"})).await;
        res.assert_problem(422, "validation_failed");
        let all = app.get("/api/v1/deals", Some(&ent.token)).await;
        assert_eq!(all.assert_status(200)["total"], 0, "nothing was opened");

        let deal = app.open_inquiry(&ent.token, &achievement, json!({})).await;
        assert_eq!(deal["mode"], "negotiated");
        assert_eq!(deal["publicity"]["required"], true);
        let id = deal["id"].as_str().expect("id");
        let mut body = contract_body(&uni.id, &ent.id, days_ago(0), 50_000_000, 50_000_000);
        body["deal_id"] = json!(id);
        app.post_with_key("/api/v1/contracts", &uni.token, "too-early", &body).await.assert_problem(409, "publicity_required");
    }
}

db_test! {
    async fn a_broker_cannot_open_a_deal_on_a_match_outside_their_field_and_region(app: TestApp) {
        let op = app.operator_token().await;
        let uni = app.org_in("university", "tto@uni.test", "450300", false).await;
        let ent = app.org_in("enterprise", "rd@ent.test", "450900", false).await;
        let achievement = app.published_achievement(&uni.token, &op).await;
        let mut need = need_body();
        need["region_code"] = json!("450900");
        let (need, _) = app.create_listing("needs", &ent.token, &need).await;
        app.publish_listing("needs", &need, &ent.token, &op).await;
        app.run_jobs().await;
        let match_id = app.match_between(&need, &achievement).await;

        // Verified, but working 450100 and VN: the need is in 450900.
        let outsider = app.verified_broker("far@agency.test", "王经理", &op).await;
        app.post("/api/v1/deals", Some(&outsider.token), &json!({"origin": "match", "match_id": match_id}))
            .await
            .assert_problem(422, "validation_failed");
        let all = app.get("/api/v1/deals", Some(&op)).await;
        assert_eq!(all.assert_status(200)["total"], 0);
        // The need's owner may.
        let res = app.post("/api/v1/deals", Some(&ent.token), &json!({"origin": "match", "match_id": match_id})).await;
        res.assert_status(201);
    }
}
