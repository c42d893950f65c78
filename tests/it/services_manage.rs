//! The rest of the service market (issue #16), over HTTP on both databases: documents on a
//! service order — the quote, a test report, the delivery note — attached by either side and
//! downloaded by both, hidden (404) from everyone else, in the order's history and the audit
//! log, refused when too large or of a type off the list, and their bytes swept only in their
//! own `service_orders/` namespace; and a provider editing its service (checked like a new one,
//! guarded by its version) and withdrawing it (it leaves the directory, takes no new requests,
//! its open orders finish) — with what anonymous callers, other organisations and bad input
//! get.

use integration_tests::deals::Org;
use integration_tests::{db_test, TestApp, TestResponse};
use platform::entity::{audit_log, service_order_documents};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn service_body(kind: &str, region: &str) -> Value {
    json!({
        "kind": kind,
        "title": "蔗渣检测 Bagasse testing",
        "description": "CMA 资质检测，出具报告。",
        "industry_codes": ["modern_agriculture"],
        "capacity": "20 samples a week",
        "lead_time_days": 10,
        "price_min_minor": 100_000,
        "price_max_minor": 500_000,
        "currency": "CNY",
        "accreditation": "CMA",
        "region_code": region
    })
}

fn id(res: &TestResponse, status: u16) -> String {
    res.assert_status(status)["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// A PDF-looking body of `len` bytes.
fn pdf(len: usize) -> Vec<u8> {
    let mut body = b"%PDF-1.7\n".to_vec();
    body.extend((0..len.saturating_sub(body.len())).map(|i| u8::try_from(i % 251).unwrap_or(0)));
    body.truncate(len);
    body
}

async fn upload(
    app: &TestApp,
    token: &str,
    order: &str,
    query: &str,
    body: Vec<u8>,
) -> TestResponse {
    app.client_request(
        Method::POST,
        &format!("/api/v1/service-orders/{order}/documents?{query}"),
        token,
        "application/octet-stream",
        body,
    )
    .await
}

async fn patch(app: &TestApp, path: &str, token: Option<&str>, body: &Value) -> TestResponse {
    app.request(Method::PATCH, path, token, Some(body)).await
}

async fn download(app: &TestApp, token: Option<&str>, url: &str) -> (StatusCode, Vec<u8>) {
    let mut req = reqwest::Client::new().get(format!("{}{url}", app.base_url));
    if let Some(token) = token {
        req = req.bearer_auth(token);
    }
    let res = req.send().await.expect("request reached the server");
    let status = res.status();
    (status, res.bytes().await.expect("body").to_vec())
}

/// A provider (Liuzhou), its testing service, and an enterprise's order for it.
async fn order(app: &TestApp) -> (Org, Org, String, String) {
    let provider = app
        .org_in("institute", "lab@base.test", "450200", false)
        .await;
    let ent = app
        .org_in("enterprise", "rd@sugar.test", "450100", false)
        .await;
    let service = id(
        &app.post(
            "/api/v1/services",
            Some(&provider.token),
            &service_body("testing", "450200"),
        )
        .await,
        201,
    );
    let order = app
        .post(
            "/api/v1/service-orders",
            Some(&ent.token),
            &json!({"service_id": service, "description": "蔗渣样品 20 份"}),
        )
        .await;
    let order = id(&order, 201);
    (provider, ent, service, order)
}

async fn document_rows(app: &TestApp) -> u64 {
    service_order_documents::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

db_test! {
    async fn services_order_documents_are_shared_by_both_sides_only_and_recorded(app: TestApp) {
        let (provider, ent, _service, order) = order(&app).await;
        let stranger = app.org_in("enterprise", "nosy@other.test", "450300", false).await;
        let op = app.operator_token().await;

        // The provider attaches the quote, the requester its specification; both see both.
        let quote = pdf(3_000);
        let res = upload(&app, &provider.token, &order, "kind=quote&file_name=../../%E6%8A%A5%E4%BB%B7.pdf", quote.clone()).await;
        let doc = res.assert_status(201).clone();
        assert_eq!((doc["kind"].as_str(), doc["file_name"].as_str(), doc["content_type"].as_str()), (Some("quote"), Some("报价.pdf"), Some("application/pdf")));
        assert_eq!(doc["sha256"].as_str(), Some(hex::encode(Sha256::digest(&quote)).as_str()));
        assert_eq!(doc["uploaded_by_organisation_id"].as_str(), Some(provider.id.as_str()));
        let url = doc["download_url"].as_str().expect("url").to_owned();
        upload(&app, &ent.token, &order, "kind=test_report", pdf(2_000)).await.assert_status(201);
        for token in [&provider.token, &ent.token, &op] {
            let (status, bytes) = download(&app, Some(token), &url).await;
            assert_eq!((status, bytes == quote), (StatusCode::OK, true));
        }
        let listed = app.get(&format!("/api/v1/service-orders/{order}/documents"), Some(&ent.token)).await;
        assert_eq!(listed.assert_status(200)["total"], 2);

        // Everyone else: the order's 404, for the list, the file and an upload; anonymous 401.
        assert_eq!(download(&app, Some(&stranger.token), &url).await.0, StatusCode::NOT_FOUND);
        assert_eq!(download(&app, None, &url).await.0, StatusCode::UNAUTHORIZED);
        app.get(&format!("/api/v1/service-orders/{order}/documents"), Some(&stranger.token)).await.assert_problem(404, "not_found");
        upload(&app, &stranger.token, &order, "kind=other", pdf(1_000)).await.assert_problem(404, "not_found");
        // Operators read every order but are no side of it.
        upload(&app, &op, &order, "kind=other", pdf(1_000)).await.assert_problem(403, "forbidden");
        // Another order's document id under this order is as missing as any.
        let doc_id = doc["id"].as_str().expect("id");
        let (other_provider, other_ent, _, other_order) = {
            let p = app.org_in("institute", "lab2@base.test", "450200", false).await;
            let e = app.org_in("enterprise", "rd2@sugar.test", "450100", false).await;
            let s = id(&app.post("/api/v1/services", Some(&p.token), &service_body("testing", "450200")).await, 201);
            let o = id(&app.post("/api/v1/service-orders", Some(&e.token), &json!({"service_id": s, "description": "x"})).await, 201);
            (p, e, s, o)
        };
        let crossed = format!("/api/v1/service-orders/{other_order}/documents/{doc_id}");
        assert_eq!(download(&app, Some(&other_ent.token), &crossed).await.0, StatusCode::NOT_FOUND);
        assert_eq!(download(&app, Some(&other_provider.token), &crossed).await.0, StatusCode::NOT_FOUND);

        // Bad input: a kind off the list, unknown parameters, an empty body, a type off the
        // allow-list, a body over the limit; none leaves a row.
        let rows = document_rows(&app).await;
        upload(&app, &ent.token, &order, "kind=selfie", pdf(1_000)).await.assert_problem(400, "bad_request");
        upload(&app, &ent.token, &order, "kind=quote&path=/etc", pdf(1_000)).await.assert_problem(400, "bad_request");
        assert!(upload(&app, &ent.token, &order, "kind=quote", Vec::new()).await.status.is_client_error());
        upload(&app, &ent.token, &order, "kind=quote", b"#!/bin/sh\nrm -rf /\n".to_vec()).await.assert_problem(415, "unsupported_media_type");
        let limit = usize::try_from(app.state.config.documents.max_bytes).expect("limit");
        let res = reqwest::Client::new()
            .post(format!("{}/api/v1/service-orders/{order}/documents?kind=quote", app.base_url))
            .bearer_auth(&ent.token)
            .body(pdf(limit + 1))
            .send()
            .await;
        // The server may refuse on the declared length and close before the body is read.
        if let Ok(res) = res {
            assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
        }
        assert_eq!(document_rows(&app).await, rows, "refused uploads leave no row");

        // The same upload twice at once: two documents, each whole, each in the history.
        let (a, b) = tokio::join!(
            upload(&app, &provider.token, &order, "kind=delivery_note", pdf(4_000)),
            upload(&app, &provider.token, &order, "kind=delivery_note", pdf(4_000))
        );
        a.assert_status(201);
        b.assert_status(201);
        assert_ne!(a.body["id"], b.body["id"]);

        // Each upload is in the order's history and in the audit log; each download audited.
        let o = app.get(&format!("/api/v1/service-orders/{order}"), Some(&ent.token)).await;
        let notes: Vec<&str> = o.assert_status(200)["events"].as_array().expect("events").iter().filter(|e| e["kind"] == "document").filter_map(|e| e["note"].as_str()).collect();
        assert_eq!(notes.len(), 4, "{notes:?}");
        assert!(notes.contains(&"quote: 报价.pdf"), "{notes:?}");
        let count = |action: &'static str| {
            let db = app.db.clone();
            async move { audit_log::Entity::find().filter(audit_log::Column::Action.eq(action)).count(&db).await.expect("audit") }
        };
        assert_eq!(count("service_order_document.uploaded").await, 4);
        assert_eq!(count("service_order_document.downloaded").await, 3);
    }
}

db_test! {
    async fn services_order_document_bytes_without_a_row_are_swept_in_their_own_namespace(app: TestApp) {
        use futures::StreamExt;
        use platform::documents::ORPHAN_GRACE;
        let (provider, _ent, _service, order) = order(&app).await;
        let kept = upload(&app, &provider.token, &order, "kind=quote", pdf(1_000)).await;
        let kept = kept.assert_status(201)["download_url"].as_str().expect("url").to_owned();
        let owner = uuid::Uuid::parse_str(&order).expect("uuid");
        // Bytes a killed process stored without their row, in this namespace and in contracts'.
        for namespace in ["service_orders", "contracts"] {
            let key = docstore::DocumentKey::new(namespace, owner, uuid::Uuid::now_v7()).expect("key");
            let body = futures::stream::iter(vec![Ok(bytes::Bytes::from(pdf(500)))]).boxed();
            app.state.documents.put(&key, body, 10_000).await.expect("put");
        }
        let sweep = deal::domain::order_documents::sweep_orphans;
        // Young: left alone.
        assert_eq!(sweep(&app.db, &app.state.documents, chrono::Utc::now() - ORPHAN_GRACE).await.expect("sweep"), 0);
        // Past the grace: this namespace's orphan only; contracts' is contracts' sweep's.
        let later = chrono::Utc::now() + chrono::Duration::seconds(1);
        assert_eq!(sweep(&app.db, &app.state.documents, later).await.expect("sweep"), 1);
        assert_eq!(deal::domain::documents::sweep_orphans(&app.db, &app.state.documents, later).await.expect("sweep"), 1);
        let (status, bytes) = download(&app, Some(&provider.token), &kept).await;
        assert_eq!((status, bytes.len()), (StatusCode::OK, 1_000));
    }
}

db_test! {
    async fn services_are_edited_by_their_provider_and_withdrawn_while_open_orders_finish(app: TestApp) {
        let (provider, ent, service, order) = order(&app).await;
        let other = app.org_in("institute", "lab@other.test", "450300", false).await;
        let path = format!("/api/v1/services/{service}");

        // Anonymous 401, another organisation 403, an unknown service 404; nothing changes.
        patch(&app, &path, None, &json!({"version": 1, "title": "偷改"})).await.assert_problem(401, "unauthorized");
        patch(&app, &path, Some(&other.token), &json!({"version": 1, "title": "偷改"})).await.assert_problem(403, "forbidden");
        patch(&app, &path, Some(&ent.token), &json!({"version": 1, "title": "偷改"})).await.assert_problem(403, "forbidden");
        patch(&app, &format!("/api/v1/services/{}", uuid::Uuid::now_v7()), Some(&provider.token), &json!({"version": 1})).await.assert_problem(404, "not_found");
        // Checked as on publishing: bad codes, prices, an enormous title, unknown fields.
        let bad = patch(&app, &path, Some(&provider.token), &json!({"version": 1, "industry_codes": ["nope"], "price_min_minor": 900_000, "title": "x".repeat(100_000)})).await;
        let problem = bad.assert_problem(422, "validation_failed");
        let paths: Vec<&str> = problem["fields"].as_array().expect("fields").iter().filter_map(|e| e["path"].as_str()).collect();
        assert!(paths.contains(&"industry_codes[0]") && paths.contains(&"price_max_minor") && paths.contains(&"title"), "{problem}");
        patch(&app, &path, Some(&provider.token), &json!({"version": 1, "owner": "me"})).await.assert_problem(422, "validation_failed");
        patch(&app, &path, Some(&provider.token), &json!({"version": 1, "lead_time_days": i64::MAX})).await.assert_problem(422, "validation_failed");
        let seen = app.get(&path, None).await.assert_status(200).clone();
        assert_eq!((seen["title"].as_str(), seen["version"].as_i64()), (Some("蔗渣检测 Bagasse testing"), Some(1)));

        // Two edits from the same version at once: one wins, the other is told it is stale.
        let (one, two) = (
            json!({"version": 1, "title": "蔗渣纤维检测", "industry_codes": ["modern_agriculture", "biomedicine"], "accreditation": ""}),
            json!({"version": 1, "title": "蔗渣成分检测"}),
        );
        let (a, b) = tokio::join!(
            patch(&app, &path, Some(&provider.token), &one),
            patch(&app, &path, Some(&provider.token), &two)
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
        let edited = app.get(&path, None).await.assert_status(200).clone();
        assert_eq!(edited["version"], 2);
        assert!(["蔗渣纤维检测", "蔗渣成分检测"].contains(&edited["title"].as_str().unwrap_or_default()));

        // Withdrawn: not by others, once, and then it has left the directory.
        let withdraw = format!("{path}/withdraw");
        app.post(&withdraw, None, &json!({"version": 2})).await.assert_problem(401, "unauthorized");
        app.post(&withdraw, Some(&other.token), &json!({"version": 2})).await.assert_problem(403, "forbidden");
        app.post(&withdraw, Some(&provider.token), &json!({"version": 1})).await.assert_problem(409, "stale_version");
        let v2 = json!({"version": 2});
        let (a, b) = tokio::join!(
            app.post(&withdraw, Some(&provider.token), &v2),
            app.post(&withdraw, Some(&provider.token), &v2)
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "{} / {}", a.text, b.text);
        let gone = app.get(&path, None).await.assert_status(200).clone();
        assert!(gone["withdrawn_at"].is_string(), "{gone}");
        let dir = app.get(&format!("/api/v1/services?provider={}", provider.id), None).await;
        assert_eq!(dir.assert_status(200)["total"], 0, "withdrawn services leave the directory");
        patch(&app, &path, Some(&provider.token), &json!({"version": 3, "title": "复活"})).await.assert_problem(409, "service_withdrawn");

        // New requests are refused; the open order carries on to the end.
        app.post("/api/v1/service-orders", Some(&ent.token), &json!({"service_id": service, "description": "再来一单"}))
            .await
            .assert_problem(409, "service_withdrawn");
        let step = |s: &str| format!("/api/v1/service-orders/{order}/{s}");
        app.post(&step("quote"), Some(&provider.token), &json!({"amount_minor": 200_000, "version": 1})).await.assert_status(200);
        app.post(&step("accept"), Some(&ent.token), &json!({"version": 2})).await.assert_status(200);
        app.post(&step("deliver"), Some(&provider.token), &json!({"version": 3})).await.assert_status(200);
        let done = app.post(&step("confirm"), Some(&ent.token), &json!({"version": 4})).await;
        assert_eq!(done.assert_status(200)["state"], "confirmed");

        // Every change is audited with before and after.
        let audited = audit_log::Entity::find()
            .filter(audit_log::Column::EntityId.eq(service.parse::<uuid::Uuid>().expect("uuid")))
            .all(&app.db)
            .await
            .expect("audit");
        let actions: Vec<&str> = audited.iter().map(|a| a.action.as_str()).collect();
        assert_eq!(actions.iter().filter(|a| **a == "service.update").count(), 1, "{actions:?}");
        assert_eq!(actions.iter().filter(|a| **a == "service.withdraw").count(), 1, "{actions:?}");
    }
}

db_test! {
    async fn services_sample_training_and_partner_countries_are_labelled_and_load_once(app: TestApp) {
        techmarket::sample::load(&app.db).await.expect("platform sample data");
        let today = chrono::Utc::now().date_naive();
        for _ in 0..2 {
            deal::sample::training::load(&app.db, today).await.expect("sample training");
            techmarket::sample::load_partner_countries(&app.db).await.expect("sample partners");
        }
        // One labelled course; certificates make sample brokers count as trained.
        let courses = app.get("/api/v1/brokers/training/courses", None).await.assert_status(200).clone();
        let courses = courses.as_array().expect("courses");
        assert_eq!(courses.len(), 1, "{courses:?}");
        assert!(courses[0]["title"].as_str().is_some_and(|t| t.contains("示例") && t.contains("Sample")));
        let kpis = app.get("/api/v1/stats/kpis", None).await.assert_status(200).clone();
        let trained = kpis["brokers_trained"].as_u64().expect("brokers_trained");
        assert!(trained >= 1, "{kpis}");
        let brokers = platform::entity::brokers::Entity::find()
            .filter(platform::entity::brokers::Column::CertificateNumber.starts_with("SAMPLE-"))
            .all(&app.db)
            .await
            .expect("brokers");
        let first = brokers.first().expect("a sample broker");
        let training = app.get(&format!("/api/v1/brokers/{}/training", first.id), None).await.assert_status(200).clone();
        assert_eq!(training["hours_total"], 48);
        assert!(training["certificates"].as_array().is_some_and(|c| c.len() == 1 && c[0]["number"].as_str().is_some_and(|n| n.starts_with("SAMPLE-"))), "{training}");

        // Partner countries beyond ASEAN: Israel and others under Belt and Road, named sample;
        // Japan and Korea were served already, by the default configuration.
        let countries = app.get("/api/v1/taxonomies/countries", None).await.assert_status(200).clone();
        let find = |code: &str| countries.as_array().expect("countries").iter().find(|c| c["code"] == code).cloned();
        let israel = find("IL").expect("Israel served");
        assert_eq!((israel["partner_group"].as_str(), israel["added_by_operator"].as_bool()), (Some("belt_and_road"), Some(true)));
        assert!(israel["name_en"].as_str().is_some_and(|n| n.contains("sample")));
        for code in ["JP", "KR"] {
            assert_eq!(find(code).expect("served")["partner_group"], "rcep");
        }
        let added = countries.as_array().expect("countries").iter().filter(|c| c["added_by_operator"] == true).count();
        assert_eq!(added, 3, "loaded once");
    }
}
