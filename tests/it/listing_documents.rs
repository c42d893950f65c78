//! An achievement's files over HTTP (issue #15): dossier documents are refused (the dossier's
//! 404) before access is granted, downloadable byte for byte after, refused again after
//! revocation, and every download is in the owner's access log naming the file; the grant
//! document is the owner's and operators'; an evaluation report is for whoever sees the
//! achievement. Refused uploads leave nothing; two deletions at once, one wins; file names
//! never reach search; listing's sweep and deal's never remove each other's bytes.

use chrono::{Duration, Utc};
use integration_tests::deals::{contract_body, days_ago, Org};
use integration_tests::{db_test, TestApp, TestResponse};
use platform::entity::{dossier_views, listing_documents};
use reqwest::{Method, StatusCode};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const NDA: &str = "保密协议：接收方对本资料负有保密义务。";
/// A word that appears nowhere but in a dossier file's name.
const FILE_WORD: &str = "quasiperiodicflange";

/// A PDF-looking body of `len` bytes.
fn pdf(len: usize) -> Vec<u8> {
    let mut body = b"%PDF-1.7\n".to_vec();
    body.extend((0..len.saturating_sub(body.len())).map(|i| u8::try_from(i % 251).unwrap_or(0)));
    body.truncate(len);
    body
}

fn sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

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

/// A verified university's published achievement with a dossier behind an NDA.
async fn achievement_with_nda(app: &TestApp) -> (Org, String, String) {
    let op = app.operator_token().await;
    let uni = verified(app, &op, "university", "tto@uni.test").await;
    let id = app.published_achievement(&uni.token, &op).await;
    app.request(
        Method::PUT,
        &format!("/api/v1/achievements/{id}/disclosure/settings"),
        Some(&uni.token),
        Some(&json!({"verified_text": "摘要", "dossier_text": "见附件", "terms": "nda", "nda_text": NDA})),
    )
    .await
    .assert_status(200);
    (uni, op, id)
}

async fn upload(app: &TestApp, token: &str, id: &str, query: &str, body: Vec<u8>) -> TestResponse {
    app.client_request(
        Method::POST,
        &format!("/api/v1/achievements/{id}/documents?{query}"),
        token,
        "application/octet-stream",
        body,
    )
    .await
}

/// A download's status, headers and exact bytes.
async fn download(
    app: &TestApp,
    token: Option<&str>,
    url: &str,
) -> (StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let mut req = reqwest::Client::new().get(format!("{}{url}", app.base_url));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.expect("request reached the server");
    let status = res.status();
    let headers = res.headers().clone();
    (status, headers, res.bytes().await.expect("body").to_vec())
}

/// How many objects the store holds under `namespace`.
async fn stored(app: &TestApp, namespace: &str) -> usize {
    app.state
        .documents
        .list(namespace)
        .await
        .expect("list")
        .len()
}

async fn log_views(app: &TestApp, token: &str, id: &str) -> Vec<Value> {
    let log = app
        .get(
            &format!("/api/v1/achievements/{id}/dossier/log"),
            Some(token),
        )
        .await;
    log.assert_status(200)["views"]
        .as_array()
        .expect("views")
        .clone()
}

db_test! {
    async fn dossier_files_are_refused_before_access_downloaded_after_logged_and_refused_after_revocation(app: TestApp) {
        let (uni, op, id) = achievement_with_nda(&app).await;
        let ent = verified(&app, &op, "enterprise", "rd@ent.test").await;
        let stranger = verified(&app, &op, "enterprise", "x@stranger.test").await;
        let body = pdf(120_000);
        let res = upload(&app, &uni.token, &id, &format!("kind=dossier&file_name=%E5%B7%A5%E8%89%BA-{FILE_WORD}.pdf"), body.clone()).await;
        let doc = res.assert_status(201).clone();
        assert_eq!(doc["kind"], "dossier");
        assert_eq!(doc["file_name"], format!("工艺-{FILE_WORD}.pdf"));
        assert_eq!(doc["sha256"], sha256(&body));
        assert_eq!(doc["content_type"], "application/pdf");
        let url = doc["download_url"].as_str().expect("url").to_owned();
        let list = format!("/api/v1/achievements/{id}/documents?kind=dossier");

        // Before access: the dossier's 404 for the list and the file, to everyone outside.
        for token in [Some(ent.token.as_str()), Some(stranger.token.as_str()), None] {
            app.get(&list, token).await.assert_problem(404, "not_found");
            let (status, _, bytes) = download(&app, token, &url).await;
            assert_eq!(status, StatusCode::NOT_FOUND);
            assert!(!bytes.starts_with(b"%PDF"), "no byte of the file");
        }
        // Nor may anyone outside attach to or delete from it.
        upload(&app, &ent.token, &id, "kind=dossier", pdf(100)).await.assert_problem(404, "not_found");
        app.request(Method::DELETE, &url, Some(&ent.token), None).await.assert_problem(404, "not_found");

        // Granted (NDA accepted): listed and downloaded byte for byte, logged naming the file.
        let hash = hex::encode(Sha256::digest(NDA.as_bytes()));
        let access = app.post(&format!("/api/v1/achievements/{id}/dossier/requests"), Some(&ent.token), &json!({"accept_nda_sha256": hash})).await;
        let access = access.assert_status(201)["id"].as_str().expect("access").to_owned();
        let listed = app.get(&list, Some(&ent.token)).await;
        assert_eq!(listed.assert_status(200).as_array().map(Vec::len), Some(1));
        let (status, headers, bytes) = download(&app, Some(&ent.token), &url).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(bytes, body);
        assert_eq!(headers.get("x-content-sha256").and_then(|v| v.to_str().ok()), Some(sha256(&body).as_str()));
        assert_eq!(headers.get("cache-control").and_then(|v| v.to_str().ok()), Some("private, no-store"));
        let views = log_views(&app, &uni.token, &id).await;
        assert_eq!(views.len(), 1, "{views:?}");
        assert_eq!(views[0]["action"], "download");
        assert_eq!(views[0]["document_id"], doc["id"]);
        assert_eq!(views[0]["document_name"], format!("工艺-{FILE_WORD}.pdf"));
        assert_eq!(views[0]["organisation_id"], ent.id.as_str());
        // A reader is not an owner: no deleting.
        app.request(Method::DELETE, &url, Some(&ent.token), None).await.assert_problem(403, "forbidden");
        upload(&app, &ent.token, &id, "kind=dossier", pdf(100)).await.assert_problem(404, "not_found");
        // The stranger still gets nothing.
        app.get(&list, Some(&stranger.token)).await.assert_problem(404, "not_found");

        // Revoked: the same 404 again, and a refused download is not logged.
        app.post(&format!("/api/v1/achievements/{id}/dossier/requests/{access}/decision"), Some(&uni.token), &json!({"decision": "revoke"}))
            .await
            .assert_status(200);
        app.get(&list, Some(&ent.token)).await.assert_problem(404, "not_found");
        let (status, _, _) = download(&app, Some(&ent.token), &url).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(log_views(&app, &uni.token, &id).await.len(), 1);

        // The file's name is not findable through search, even after the listing is reindexed.
        let listing_id = uuid::Uuid::parse_str(&id).expect("uuid");
        listing::domain::index::sync_one(&app.db, app.state.search.as_ref(), search::ListingKind::Achievement, listing_id)
            .await
            .expect("reindex");
        app.run_jobs().await;
        let hits = app.get(&format!("/api/v1/search?q={FILE_WORD}"), None).await;
        assert_eq!(hits.assert_status(200)["hits"].as_array().map(Vec::len), Some(0));

        // The owner deletes: the bytes go, the row stays so the log still names the file.
        assert_eq!(stored(&app, "listings").await, 1);
        let res = app.request(Method::DELETE, &url, Some(&uni.token), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
        assert_eq!(stored(&app, "listings").await, 0);
        assert_eq!(log_views(&app, &uni.token, &id).await[0]["document_name"], format!("工艺-{FILE_WORD}.pdf"));
        let (status, _, _) = download(&app, Some(&uni.token), &url).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
}

db_test! {
    async fn listing_files_refuse_hostile_uploads_and_leave_nothing(app: TestApp) {
        let (uni, op, id) = achievement_with_nda(&app).await;
        let other = verified(&app, &op, "university", "other@uni.test").await;
        // Off the allow-list, empty, a kind no one knows, unknown parameters: refused.
        upload(&app, &uni.token, &id, "kind=dossier&file_name=x.pdf", b"<html><script>alert(1)</script></html>".to_vec())
            .await
            .assert_problem(415, "unsupported_media_type");
        upload(&app, &uni.token, &id, "kind=dossier", Vec::new()).await.assert_problem(400, "bad_request");
        let res = upload(&app, &uni.token, &id, "kind=passport", pdf(100)).await;
        assert!(res.status.is_client_error(), "{}", res.text);
        let res = upload(&app, &uni.token, &id, "kind=dossier&storage_key=../../etc", pdf(100)).await;
        assert!(res.status.is_client_error(), "{}", res.text);
        // A report must name one of this achievement's evaluations; other kinds none.
        upload(&app, &uni.token, &id, "kind=evaluation_report", pdf(100)).await.assert_problem(422, "validation_failed");
        let other_id = app.published_achievement(&other.token, &op).await;
        let foreign = app
            .post(
                &format!("/api/v1/achievements/{other_id}/evaluations"),
                Some(&other.token),
                &json!({"evaluator": "另一评估机构", "method": "market", "evaluated_on": "2026-01-10", "grade": "B"}),
            )
            .await;
        let foreign = foreign.assert_status(201)["id"].as_str().expect("id").to_owned();
        upload(&app, &uni.token, &id, &format!("kind=evaluation_report&evaluation_id={foreign}"), pdf(100))
            .await
            .assert_problem(422, "validation_failed");
        upload(&app, &uni.token, &id, &format!("kind=dossier&evaluation_id={foreign}"), pdf(100))
            .await
            .assert_problem(422, "validation_failed");
        // A path in the name is no way out: only the last part is kept.
        let res = upload(&app, &uni.token, &id, "kind=grant&file_name=..%2F..%2Fetc%2Fpasswd", pdf(200)).await;
        assert_eq!(res.assert_status(201)["file_name"], "passwd");
        let missing = uuid::Uuid::now_v7();
        upload(&app, &uni.token, &missing.to_string(), "kind=dossier", pdf(100)).await.assert_problem(404, "not_found");
        assert_eq!(stored(&app, "listings").await, 1, "only the accepted file is stored");
        assert_eq!(listing_documents::Entity::find().count(&app.db).await.expect("count"), 1);

        // Two deletions of one file at once: one wins, the other is told it is gone.
        let doc = upload(&app, &uni.token, &id, "kind=dossier", pdf(300)).await;
        let url = doc.assert_status(201)["download_url"].as_str().expect("url").to_owned();
        let (a, b) = tokio::join!(
            app.request(Method::DELETE, &url, Some(&uni.token), None),
            app.request(Method::DELETE, &url, Some(&uni.token), None),
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [204, 404], "{} / {}", a.text, b.text);
        assert_eq!(stored(&app, "listings").await, 1);
        // No read was logged by any of this.
        assert_eq!(dossier_views::Entity::find().count(&app.db).await.expect("count"), 0);
    }
}

db_test! {
    async fn grant_documents_are_for_the_owner_and_operators_evaluation_reports_for_every_reader(app: TestApp) {
        let (uni, op, id) = achievement_with_nda(&app).await;
        let ent = verified(&app, &op, "enterprise", "rd@ent.test").await;
        let grant = upload(&app, &uni.token, &id, "kind=grant&file_name=%E8%B5%8B%E6%9D%83%E5%8D%8F%E8%AE%AE.pdf", pdf(5_000)).await;
        let grant = grant.assert_status(201)["download_url"].as_str().expect("url").to_owned();
        let grants = format!("/api/v1/achievements/{id}/documents?kind=grant");
        for token in [Some(uni.token.as_str()), Some(op.as_str())] {
            assert_eq!(download(&app, token, &grant).await.0, StatusCode::OK);
            assert_eq!(app.get(&grants, token).await.assert_status(200).as_array().map(Vec::len), Some(1));
        }
        for token in [Some(ent.token.as_str()), None] {
            assert_eq!(download(&app, token, &grant).await.0, StatusCode::NOT_FOUND);
            app.get(&grants, token).await.assert_problem(404, "not_found");
        }
        // The operator reads but does not delete the organisation's files.
        app.request(Method::DELETE, &grant, Some(&op), None).await.assert_problem(403, "forbidden");

        // An evaluation's report: whoever sees the (published) achievement, anonymous included.
        let eval = app
            .post(
                &format!("/api/v1/achievements/{id}/evaluations"),
                Some(&uni.token),
                &json!({"evaluator": "广西技术评估中心", "method": "income", "evaluated_on": "2026-02-01", "value_min_minor": 50_000_000, "value_max_minor": 80_000_000, "currency": "CNY"}),
            )
            .await;
        let eval = eval.assert_status(201)["id"].as_str().expect("id").to_owned();
        let body = pdf(9_000);
        let report = upload(&app, &uni.token, &id, &format!("kind=evaluation_report&evaluation_id={eval}&file_name=report.pdf"), body.clone()).await;
        let report = report.assert_status(201).clone();
        assert_eq!(report["evaluation_id"], eval.as_str());
        let url = report["download_url"].as_str().expect("url").to_owned();
        for token in [Some(ent.token.as_str()), None] {
            let (status, _, bytes) = download(&app, token, &url).await;
            assert_eq!((status, bytes == body), (StatusCode::OK, true));
            let reports = app.get(&format!("/api/v1/achievements/{id}/documents?kind=evaluation_report"), token).await;
            assert_eq!(reports.assert_status(200)[0]["evaluation_id"], eval.as_str());
        }
        // On a draft (unpublished) achievement, a report is the owner's alone.
        let draft = {
            let (draft, _) = app.create_listing("achievements", &uni.token, &integration_tests::listings::achievement_body()).await;
            draft
        };
        let eval2 = app
            .post(&format!("/api/v1/achievements/{draft}/evaluations"), Some(&uni.token), &json!({"evaluator": "机构", "method": "cost", "evaluated_on": "2026-02-02", "grade": "A"}))
            .await;
        let eval2 = eval2.assert_status(201)["id"].as_str().expect("id").to_owned();
        let r2 = upload(&app, &uni.token, &draft, &format!("kind=evaluation_report&evaluation_id={eval2}"), pdf(400)).await;
        let r2 = r2.assert_status(201)["download_url"].as_str().expect("url").to_owned();
        assert_eq!(download(&app, Some(&ent.token), &r2).await.0, StatusCode::NOT_FOUND);
        assert_eq!(download(&app, None, &r2).await.0, StatusCode::NOT_FOUND);
        // Reading a report or a grant writes nothing to the dossier's log.
        assert_eq!(dossier_views::Entity::find().count(&app.db).await.expect("count"), 0);
    }
}

db_test! {
    async fn listing_and_deal_sweeps_never_remove_each_others_bytes(app: TestApp) {
        let (uni, op, id) = achievement_with_nda(&app).await;
        upload(&app, &uni.token, &id, "kind=dossier", pdf(1_000)).await.assert_status(201);
        let ent = verified(&app, &op, "enterprise", "rd@ent.test").await;
        let contract = app
            .post_with_key("/api/v1/contracts", &uni.token, "sweep", &contract_body(&uni.id, &ent.id, days_ago(1), 1_000_000, 1_000_000))
            .await;
        let contract = contract.assert_status(201)["id"].as_str().expect("id").to_owned();
        app.client_request(Method::POST, &format!("/api/v1/contracts/{contract}/documents?kind=annex"), &uni.token, "application/pdf", pdf(2_000))
            .await
            .assert_status(201);
        // An orphan in listing's namespace: bytes whose row never came.
        let orphan = docstore::DocumentKey::new("listings", uuid::Uuid::now_v7(), uuid::Uuid::now_v7()).expect("key");
        let orphan_body: docstore::ByteStream = Box::pin(futures::stream::iter([Ok(bytes::Bytes::from(pdf(500)))]));
        app.state.documents.put(&orphan, orphan_body, 1 << 20).await.expect("put");
        assert_eq!((stored(&app, "listings").await, stored(&app, "contracts").await), (2, 1));

        // Everything counts as old: only the listing orphan may go, and only by listing's sweep.
        let cutoff = Utc::now() + Duration::hours(2);
        let removed = deal::domain::documents::sweep_orphans(&app.db, &app.state.documents, cutoff).await.expect("deal sweep");
        assert_eq!(removed, 0, "deal's sweep leaves listing's bytes alone");
        let removed = listing::domain::listing_documents::sweep_orphans(&app.db, &app.state.documents, cutoff).await.expect("listing sweep");
        assert_eq!(removed, 1, "listing's sweep removes its orphan");
        assert_eq!((stored(&app, "listings").await, stored(&app, "contracts").await), (1, 1));
        let _ = op;
    }
}

/// A dossier file on a real S3-compatible server (the distributed mode's backend): stored
/// under listing's prefix beside nothing of deal's, downloaded byte for byte by a granted
/// organisation, hidden from a stranger, gone from the bucket when deleted.
async fn dossier_file_on_s3(backend: integration_tests::Backend) {
    let url = std::env::var("TECHMARKET_TEST_S3_URL")
        .expect("TECHMARKET_TEST_S3_URL is unset: this test needs an S3-compatible server (scripts/with-s3)");
    let bucket = format!("it-{}", uuid::Uuid::now_v7().simple());
    let created = reqwest::Client::new()
        .put(format!("{url}/{bucket}"))
        .send()
        .await
        .expect("S3 reachable");
    assert!(created.status().is_success());
    let app = TestApp::spawn_with(backend, |c| {
        c.documents.backend = platform::config::DocumentBackendKind::S3;
        c.documents.s3_endpoint = Some(url.clone());
        c.documents.s3_bucket = Some(bucket.clone());
        c.documents.s3_access_key_id = Some("test-key".into());
        c.documents.s3_secret_access_key = Some("test-secret".into());
        c.documents.max_bytes = 8 * 1024 * 1024;
    })
    .await;
    let (uni, op, id) = achievement_with_nda(&app).await;
    let ent = verified(&app, &op, "enterprise", "rd@ent.test").await;
    let stranger = verified(&app, &op, "enterprise", "x@stranger.test").await;
    let body = pdf(docstore::PART_BYTES + 300_000);
    let doc = upload(
        &app,
        &uni.token,
        &id,
        "kind=dossier&file_name=s3.pdf",
        body.clone(),
    )
    .await;
    let doc = doc.assert_status(201).clone();
    assert_eq!(doc["sha256"], sha256(&body));
    let url_doc = doc["download_url"].as_str().expect("url").to_owned();
    assert_eq!(
        (
            stored(&app, "listings").await,
            stored(&app, "contracts").await
        ),
        (1, 0)
    );
    let hash = hex::encode(Sha256::digest(NDA.as_bytes()));
    app.post(
        &format!("/api/v1/achievements/{id}/dossier/requests"),
        Some(&ent.token),
        &json!({"accept_nda_sha256": hash}),
    )
    .await
    .assert_status(201);
    let (status, _, bytes) = download(&app, Some(&ent.token), &url_doc).await;
    assert_eq!((status, bytes == body), (StatusCode::OK, true));
    assert_eq!(
        download(&app, Some(&stranger.token), &url_doc).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(log_views(&app, &uni.token, &id).await.len(), 1);
    let res = app
        .request(Method::DELETE, &url_doc, Some(&uni.token), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
    assert_eq!(stored(&app, "listings").await, 0);
}

mod listing_documents_on_s3 {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs an S3-compatible server at TECHMARKET_TEST_S3_URL (scripts/with-s3)"]
    async fn sqlite() {
        dossier_file_on_s3(integration_tests::Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs an S3-compatible server at TECHMARKET_TEST_S3_URL (scripts/with-s3)"]
    async fn postgres() {
        dossier_file_on_s3(integration_tests::Backend::Postgres).await;
    }
}
