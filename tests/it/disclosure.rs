//! Tiered disclosure (issue #15): a dossier is refused before access, readable after, refused
//! again after revocation, every read logged for the owner; NDA acceptance stores the text's
//! hash; manual approval; concurrent requests and decisions (one wins); strangers and
//! anonymous callers; and dossier words never reach search or matching.

use integration_tests::db_test;
use integration_tests::deals::Org;
use integration_tests::http::TestApp;
use integration_tests::listings::need_body;
use integration_tests::TestResponse;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const NDA: &str = "保密协议：接收方对本资料负有保密义务，未经许可不得向第三方披露。";
/// A word that appears nowhere but in the dossier.
const SECRET_WORD: &str = "xylophorinase";

async fn put(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> TestResponse {
    app.request(Method::PUT, path, token, Some(body)).await
}

/// A verified organisation of `kind`.
async fn verified(app: &TestApp, op: &str, kind: &str, email: &str) -> Org {
    let org = app.org_in(kind, email, "450200", false).await;
    app.post(
        &format!("/api/v1/orgs/{}/verification", org.id),
        Some(op),
        &json!({"decision": "verified", "version": 1}),
    )
    .await
    .assert_status(200);
    org
}

/// A university's published achievement with a dossier on `terms`; returns (university, op,
/// achievement id).
async fn listing_with_dossier(app: &TestApp, terms: &str) -> (Org, String, String) {
    let op = app.operator_token().await;
    let uni = verified(app, &op, "university", "tto@uni.test").await;
    let id = app.published_achievement(&uni.token, &op).await;
    let settings = json!({
        "verified_text": "样机测试数据摘要：切割高度误差 ±8 mm。",
        "dossier_text": format!("完整技术方案与图纸。关键酶 {SECRET_WORD} 的配方见附录。"),
        "terms": terms,
        "nda_text": NDA,
    });
    let res = put(
        app,
        &format!("/api/v1/achievements/{id}/disclosure/settings"),
        Some(&uni.token),
        &settings,
    )
    .await;
    assert_eq!(res.assert_status(200)["version"], 1);
    (uni, op, id)
}

db_test! {
    async fn disclosure_dossier_is_refused_before_access_readable_after_and_refused_after_revocation(app: TestApp) {
        let (uni, op, id) = listing_with_dossier(&app, "nda").await;
        let ent = verified(&app, &op, "enterprise", "rd@ent.test").await;
        let dossier = format!("/api/v1/achievements/{id}/dossier");

        app.get(&dossier, Some(&ent.token)).await.assert_problem(404, "not_found");
        // The middle tier: what a verified organisation sees before asking.
        let view = app.get(&format!("/api/v1/achievements/{id}/disclosure"), Some(&ent.token)).await;
        let view = view.assert_status(200).clone();
        assert_eq!(view["terms"], "nda");
        assert_eq!(view["nda_text"], NDA);
        assert!(view["verified_text"].as_str().is_some_and(|t| t.contains("±8 mm")));
        assert_eq!(view["may_request"], true);
        let anonymous = app.get(&format!("/api/v1/achievements/{id}/disclosure"), None).await;
        assert_eq!(anonymous.assert_status(200)["verified_text"], Value::Null);

        // Accepting means sending the hash of the text read; a wrong one is refused.
        let hash = hex::encode(Sha256::digest(NDA.as_bytes()));
        assert_eq!(view["nda_sha256"], hash.as_str());
        let requests = format!("/api/v1/achievements/{id}/dossier/requests");
        app.post(&requests, Some(&ent.token), &json!({"accept_nda_sha256": "00".repeat(32)}))
            .await
            .assert_problem(422, "validation_failed");
        let granted = app.post(&requests, Some(&ent.token), &json!({"accept_nda_sha256": hash})).await;
        let granted = granted.assert_status(201).clone();
        assert_eq!(granted["status"], "granted");
        assert_eq!(granted["nda_sha256"], hash.as_str());
        assert!(granted["nda_accepted_at"].is_string() && granted["nda_accepted_by"].is_string());
        assert!(granted["client_addr"].is_string(), "the client address is recorded: {granted}");

        let read = app.get(&dossier, Some(&ent.token)).await;
        assert!(read.assert_status(200)["dossier_text"].as_str().is_some_and(|t| t.contains(SECRET_WORD)));
        let download = app.get(&format!("{dossier}?download=true"), Some(&ent.token)).await;
        assert_eq!(download.status, 200);
        assert!(download.content_type().starts_with("text/plain"));
        assert!(download.text.contains(SECRET_WORD));

        // The owner sees the request and both reads.
        let log = app.get(&format!("{dossier}/log"), Some(&uni.token)).await;
        let log = log.assert_status(200).clone();
        assert_eq!(log["requests"][0]["nda_sha256"], hash.as_str());
        let actions: Vec<&str> = log["views"].as_array().expect("views").iter().filter_map(|v| v["action"].as_str()).collect();
        assert_eq!(actions, vec!["download", "view"], "{log}");
        assert!(log["views"].as_array().expect("views").iter().all(|v| v["organisation_id"] == ent.id.as_str()));

        // Revoked: refused again; revoking twice is a 409; approving restores it.
        let decision = format!("{requests}/{}/decision", granted["id"].as_str().expect("id"));
        app.post(&decision, Some(&uni.token), &json!({"decision": "revoke"})).await.assert_status(200);
        app.get(&dossier, Some(&ent.token)).await.assert_problem(404, "not_found");
        app.post(&decision, Some(&uni.token), &json!({"decision": "revoke"})).await.assert_problem(409, "access_state");
        // Asking again does not undo the owner's revocation.
        app.post(&requests, Some(&ent.token), &json!({"accept_nda_sha256": hash})).await.assert_problem(409, "access_exists");
        let log = app.get(&format!("{dossier}/log"), Some(&uni.token)).await;
        assert_eq!(log.assert_status(200)["views"].as_array().map(Vec::len), Some(2), "refused reads are not reads");
        app.post(&decision, Some(&uni.token), &json!({"decision": "approve"})).await.assert_status(200);
        app.get(&dossier, Some(&ent.token)).await.assert_status(200);
        let log = app.get(&format!("{dossier}/log"), Some(&uni.token)).await;
        assert_eq!(log.assert_status(200)["views"].as_array().map(Vec::len), Some(3));
    }
}

db_test! {
    async fn disclosure_manual_approval_one_of_two_concurrent_requests_and_decisions_wins(app: TestApp) {
        let (uni, op, id) = listing_with_dossier(&app, "approval").await;
        let ent = verified(&app, &op, "enterprise", "rd@ent.test").await;
        let requests = format!("/api/v1/achievements/{id}/dossier/requests");
        let body = json!({"message": "我们希望评估该技术用于广西蔗区"});
        let (a, b) = tokio::join!(app.post(&requests, Some(&ent.token), &body), app.post(&requests, Some(&ent.token), &body));
        let mut statuses = vec![a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, vec![201, 409], "{} / {}", a.text, b.text);
        let req = if a.status == 201 { a.body.clone() } else { b.body.clone() };
        assert_eq!(req["status"], "requested");
        let dossier = format!("/api/v1/achievements/{id}/dossier");
        app.get(&dossier, Some(&ent.token)).await.assert_problem(404, "not_found");

        let decision = format!("{requests}/{}/decision", req["id"].as_str().expect("id"));
        let approve = json!({"decision": "approve"});
        let (a, b) = tokio::join!(app.post(&decision, Some(&uni.token), &approve), app.post(&decision, Some(&uni.token), &approve));
        let mut statuses = vec![a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, vec![200, 409], "{} / {}", a.text, b.text);
        app.get(&dossier, Some(&ent.token)).await.assert_status(200);
        let log = app.get(&format!("{dossier}/log"), Some(&uni.token)).await;
        assert_eq!(log.assert_status(200)["requests"].as_array().map(Vec::len), Some(1));
    }
}

db_test! {
    async fn disclosure_strangers_unverified_and_anonymous_callers_get_nothing_and_change_nothing(app: TestApp) {
        let (uni, op, id) = listing_with_dossier(&app, "none").await;
        let other = verified(&app, &op, "enterprise", "other@ent.test").await;
        let unverified = app.org_in("enterprise", "new@ent.test", "450200", false).await;
        let dossier = format!("/api/v1/achievements/{id}/dossier");
        let settings = format!("/api/v1/achievements/{id}/disclosure/settings");
        let requests = format!("/api/v1/achievements/{id}/dossier/requests");

        app.get(&dossier, None).await.assert_problem(401, "unauthorized");
        app.post(&requests, None, &json!({})).await.assert_problem(401, "unauthorized");
        app.get(&dossier, Some(&other.token)).await.assert_problem(404, "not_found");
        app.get(&dossier, Some(&unverified.token)).await.assert_problem(404, "not_found");
        app.post(&requests, Some(&unverified.token), &json!({})).await.assert_problem(403, "forbidden");
        let unverified_view = app.get(&format!("/api/v1/achievements/{id}/disclosure"), Some(&unverified.token)).await;
        assert_eq!(unverified_view.assert_status(200)["verified_text"], Value::Null);

        // Another organisation cannot read or change the settings, the log or a decision.
        app.get(&settings, Some(&other.token)).await.assert_problem(404, "not_found");
        put(&app, &settings, Some(&other.token), &json!({"verified_text": "", "dossier_text": "hijacked", "terms": "none", "version": 1}))
            .await
            .assert_problem(404, "not_found");
        app.get(&format!("{dossier}/log"), Some(&other.token)).await.assert_problem(404, "not_found");
        // The owner's own request is refused, the verified stranger's granted at once (no terms).
        app.post(&requests, Some(&uni.token), &json!({})).await.assert_problem(409, "own_listing");
        let got = app.post(&requests, Some(&other.token), &json!({})).await;
        let got = got.assert_status(201).clone();
        assert_eq!(got["status"], "granted");
        let decision = format!("{requests}/{}/decision", got["id"].as_str().expect("id"));
        app.post(&decision, Some(&other.token), &json!({"decision": "revoke"})).await.assert_problem(404, "not_found");
        app.post(&decision, Some(&uni.token), &json!({"decision": "frobnicate"})).await.assert_problem(422, "validation_failed");
        // NDA terms without a text, an over-long text: 422.
        put(&app, &settings, Some(&uni.token), &json!({"verified_text": "", "dossier_text": "x", "terms": "nda", "version": 1}))
            .await
            .assert_problem(422, "validation_failed");
        put(&app, &settings, Some(&uni.token), &json!({"verified_text": "", "dossier_text": "x".repeat(60_000), "terms": "none", "version": 1}))
            .await
            .assert_problem(422, "validation_failed");
        put(&app, &settings, Some(&uni.token), &json!({"verified_text": "", "dossier_text": "x", "terms": "none", "version": 9}))
            .await
            .assert_problem(409, "stale_version");
        let now = app.get(&settings, Some(&uni.token)).await;
        let now = now.assert_status(200);
        assert!(now["dossier_text"].as_str().is_some_and(|t| t.contains(SECRET_WORD)));
        assert_eq!(now["version"], 1);
        app.get(&dossier, Some(&other.token)).await.assert_status(200);
    }
}

db_test! {
    async fn disclosure_dossier_words_are_not_findable_through_search_or_matching(app: TestApp) {
        let (uni, op, id) = listing_with_dossier(&app, "none").await;
        // A word of the public description, as a control that search does find listing words.
        let public_word = "tribocorrosionproof";
        let mut body = integration_tests::listings::achievement_body();
        body["description"] = json!(format!("公开描述 {public_word}。"));
        let (control, _) = app.create_listing("achievements", &uni.token, &body).await;
        app.publish_listing("achievements", &control, &uni.token, &op).await;
        app.run_jobs().await;

        let hits = |q: &'static str| {
            let app = &app;
            async move {
                let res = app.get(&format!("/api/v1/search?q={q}"), None).await;
                res.assert_status(200)["hits"].as_array().expect("hits").clone()
            }
        };
        assert!(hits(public_word).await.iter().any(|h| h["id"] == control.as_str()), "control: search finds a public word");
        assert!(hits(SECRET_WORD).await.is_empty(), "a dossier word is not in the search index");

        // A need that asks for exactly the dossier word: matching does not find the listing by it.
        let ent = verified(&app, &op, "enterprise", "rd@ent.test").await;
        let mut need = need_body();
        need["title"] = json!(format!("寻求 {SECRET_WORD} 配方"));
        need["summary"] = json!(SECRET_WORD);
        need["description"] = json!(SECRET_WORD);
        need["keywords"] = json!([SECRET_WORD]);
        need["industry"] = json!("biomedicine");
        let (need_id, _) = app.create_listing("needs", &ent.token, &need).await;
        app.publish_listing("needs", &need_id, &ent.token, &op).await;
        app.run_jobs().await;
        let matches = app.get(&format!("/api/v1/needs/{need_id}/matches"), Some(&ent.token)).await;
        let matches = matches.assert_status(200).clone();
        assert!(!matches.to_string().contains(id.as_str()), "the dossier's listing is not matched by a dossier word: {matches}");
        // The dossier is still there for those with access.
        app.get(&format!("/api/v1/achievements/{id}/dossier"), Some(&uni.token)).await.assert_status(200);
    }
}
