//! Contract documents over HTTP (issue 14): a document attached to a contract is served to
//! exactly those who may see the contract and hidden (404) from everyone else; refused
//! uploads — too large (413), of a type off the allow-list (415), broken off by the client —
//! leave neither a row nor a file; the SHA-256 returned is the file's; a client's file name
//! never reaches the disk. On the directory store (the embedded mode's) on both databases, and
//! once on a real S3-compatible server (ignored without one: scripts/with-s3).

use std::path::PathBuf;
use std::time::Duration;

use integration_tests::deals::{contract_body, days_ago, Org};
use integration_tests::{db_test, Backend, TestApp, TestResponse};
use platform::entity::{audit_log, contract_documents};
use reqwest::{Method, StatusCode};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

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

/// A university (seller) and an enterprise (buyer) with a contract between them.
async fn contract(app: &TestApp) -> (Org, Org, String) {
    let uni = app
        .org_in("university", "tto@uni.test", "450100", false)
        .await;
    let ent = app
        .org_in("enterprise", "rd@ent.test", "450200", false)
        .await;
    let body = contract_body(&uni.id, &ent.id, days_ago(1), 30_000_000, 30_000_000);
    let created = app
        .post_with_key("/api/v1/contracts", &uni.token, "documents", &body)
        .await;
    let id = created.assert_status(201)["id"]
        .as_str()
        .expect("contract id")
        .to_owned();
    (uni, ent, id)
}

async fn upload(
    app: &TestApp,
    token: &str,
    contract: &str,
    query: &str,
    body: Vec<u8>,
) -> TestResponse {
    app.client_request(
        Method::POST,
        &format!("/api/v1/contracts/{contract}/documents?{query}"),
        token,
        "application/octet-stream",
        body,
    )
    .await
}

/// An upload the server may refuse before reading its body: its status, or `None` when the
/// server closed the connection while the client was still sending (a client that does not
/// wait for `100 Continue` may see the refusal as a broken pipe instead; either way nothing
/// may be stored).
async fn refused_upload(
    app: &TestApp,
    token: &str,
    contract: &str,
    query: &str,
    body: Vec<u8>,
) -> Option<StatusCode> {
    reqwest::Client::new()
        .post(format!(
            "{}/api/v1/contracts/{contract}/documents?{query}",
            app.base_url
        ))
        .bearer_auth(token)
        .body(body)
        .send()
        .await
        .ok()
        .map(|res| res.status())
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
    let bytes = res.bytes().await.expect("body").to_vec();
    (status, headers, bytes)
}

/// Every file under the document directory, staging files included.
fn stored_files(app: &TestApp) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![app.state.config.documents.dir.clone()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

async fn rows(app: &TestApp) -> u64 {
    contract_documents::Entity::find()
        .count(&app.db)
        .await
        .expect("count")
}

async fn audited(app: &TestApp, action: &str) -> u64 {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .count(&app.db)
        .await
        .expect("audit")
}

fn header<'a>(headers: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

db_test! {
    async fn a_document_is_served_to_those_who_see_the_contract_and_hidden_from_everyone_else(app: TestApp) {
        let (uni, ent, contract) = contract(&app).await;
        let stranger = app.org_in("enterprise", "x@stranger.test", "450300", false).await;
        let body = pdf(150_000);

        let res = upload(&app, &uni.token, &contract, "kind=signed_contract&file_name=%E5%90%88%E5%90%8C%20signed.pdf", body.clone()).await;
        let doc = res.assert_status(201).clone();
        assert_eq!(doc["kind"], "signed_contract");
        assert_eq!(doc["file_name"], "合同 signed.pdf");
        assert_eq!(doc["content_type"], "application/pdf");
        assert_eq!(doc["size_bytes"], 150_000);
        assert_eq!(doc["sha256"], sha256(&body), "the SHA-256 returned is the file's");
        let url = doc["download_url"].as_str().expect("download url").to_owned();
        assert_eq!(header(&res.headers, "location"), url);

        // Both parties read it, byte for byte, with its type, name and hash.
        for token in [&uni.token, &ent.token] {
            let (status, headers, bytes) = download(&app, Some(token), &url).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(bytes, body);
            assert_eq!(header(&headers, "content-type"), "application/pdf");
            assert_eq!(header(&headers, "x-content-sha256"), sha256(&body));
            assert!(header(&headers, "content-disposition").starts_with("attachment; filename="), "{headers:?}");
            assert!(header(&headers, "content-disposition").contains("filename*=UTF-8''%E5%90%88%E5%90%8C%20signed.pdf"));
            assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
            let list = app.get(&format!("/api/v1/contracts/{contract}/documents"), Some(token)).await;
            assert_eq!(list.assert_status(200)["total"], 1);
        }
        // The other party may attach too (everyone who sees the contract).
        upload(&app, &ent.token, &contract, "kind=invoice&file_name=fapiao.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec())
            .await
            .assert_status(201);

        // A member of another organisation: the same 404 as for a contract that does not exist.
        let missing = uuid::Uuid::now_v7();
        for path in [
            format!("/api/v1/contracts/{contract}/documents"),
            url.clone(),
            format!("/api/v1/contracts/{missing}/documents"),
        ] {
            app.get(&path, Some(&stranger.token)).await.assert_problem(404, "not_found");
        }
        upload(&app, &stranger.token, &contract, "kind=other", pdf(100)).await.assert_problem(404, "not_found");
        app.request(Method::DELETE, &url, Some(&stranger.token), None).await.assert_problem(404, "not_found");
        // The right document id under another contract is no way in either.
        let other_body = contract_body(&stranger.id, &uni.id, days_ago(1), 1_000_000, 1_000_000);
        let other = app.post_with_key("/api/v1/contracts", &stranger.token, "theirs", &other_body).await;
        let other = other.assert_status(201)["id"].as_str().expect("id").to_owned();
        let doc_id = doc["id"].as_str().expect("id");
        app.get(&format!("/api/v1/contracts/{other}/documents/{doc_id}"), Some(&stranger.token)).await.assert_problem(404, "not_found");
        // Anonymous: 401, for this contract exactly as for one that does not exist, so nothing
        // is revealed either.
        let (status, _, _) = download(&app, None, &url).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        app.get(&format!("/api/v1/contracts/{missing}/documents/{doc_id}"), None).await.assert_problem(401, "unauthorized");

        // An operator sees every contract, so every document.
        let op = app.operator_token().await;
        let (status, _, bytes) = download(&app, Some(&op), &url).await;
        assert_eq!((status, bytes.len()), (StatusCode::OK, body.len()));

        // Uploads and downloads are audited.
        assert_eq!(audited(&app, "contract_document.uploaded").await, 2);
        assert_eq!(audited(&app, "contract_document.downloaded").await, 3);
        assert_eq!(stored_files(&app).len(), 2);
    }
}

db_test! {
    async fn the_uploader_or_an_operator_deletes_and_the_bytes_go_with_it(app: TestApp) {
        let (uni, ent, contract) = contract(&app).await;
        let first = upload(&app, &uni.token, &contract, "kind=annex&file_name=annex.pdf", pdf(1_000)).await;
        let first = first.assert_status(201)["download_url"].as_str().expect("url").to_owned();
        let second = upload(&app, &uni.token, &contract, "kind=annex&file_name=annex2.pdf", pdf(2_000)).await;
        let second = second.assert_status(201)["download_url"].as_str().expect("url").to_owned();
        assert_eq!(stored_files(&app).len(), 2);

        // The other party sees it but did not upload it.
        app.request(Method::DELETE, &first, Some(&ent.token), None).await.assert_problem(403, "forbidden");
        let res = app.request(Method::DELETE, &first, Some(&uni.token), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);
        app.get(&first, Some(&uni.token)).await.assert_problem(404, "not_found");
        app.request(Method::DELETE, &first, Some(&uni.token), None).await.assert_problem(404, "not_found");
        let op = app.operator_token().await;
        let res = app.request(Method::DELETE, &second, Some(&op), None).await;
        assert_eq!(res.status, StatusCode::NO_CONTENT, "{}", res.text);

        // Two deletions of one document at once: one wins, the other is told it is gone.
        let third = upload(&app, &uni.token, &contract, "kind=other", pdf(300)).await;
        let third = third.assert_status(201)["download_url"].as_str().expect("url").to_owned();
        let (a, b) = tokio::join!(
            app.request(Method::DELETE, &third, Some(&uni.token), None),
            app.request(Method::DELETE, &third, Some(&op), None),
        );
        let mut statuses = [a.status.as_u16(), b.status.as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [204, 404], "{} / {}", a.text, b.text);

        let list = app.get(&format!("/api/v1/contracts/{contract}/documents"), Some(&uni.token)).await;
        assert_eq!(list.assert_status(200)["total"], 0);
        assert_eq!(stored_files(&app), Vec::<PathBuf>::new(), "the bytes are gone");
        // The rows stay, marked deleted, and the deletions are audited, once each.
        assert_eq!(rows(&app).await, 3);
        assert_eq!(audited(&app, "contract_document.deleted").await, 3);
    }
}

/// Over `documents.max_bytes` (64 KiB here): 413, and neither a row nor a file remains.
async fn too_large_is_413_and_leaves_nothing(backend: Backend) {
    let app = TestApp::spawn_with(backend, |c| c.documents.max_bytes = 64 * 1024).await;
    let (uni, _, contract) = contract(&app).await;
    // Declared too large: refused before the body is read.
    if let Some(status) =
        refused_upload(&app, &uni.token, &contract, "kind=other", pdf(100_000)).await
    {
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    }
    // Streamed without a length: refused once the limit is passed.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        pdf(200_000).chunks(8_192).map(|c| Ok(c.to_vec())).collect();
    let res = reqwest::Client::new()
        .post(format!(
            "{}/api/v1/contracts/{contract}/documents?kind=other",
            app.base_url
        ))
        .bearer_auth(&uni.token)
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await;
    // The server may answer before it has read everything and close; either way no 2xx.
    if let Ok(res) = res {
        assert_eq!(res.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
    assert_eq!(rows(&app).await, 0);
    assert_eq!(stored_files(&app), Vec::<PathBuf>::new());
    // Exactly at the limit is fine.
    upload(&app, &uni.token, &contract, "kind=other", pdf(64 * 1024))
        .await
        .assert_status(201);
    assert_eq!(rows(&app).await, 1);
    assert_eq!(stored_files(&app).len(), 1);
}

mod too_large_is_413_and_leaves_nothing {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn sqlite() {
        too_large_is_413_and_leaves_nothing(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn postgres() {
        too_large_is_413_and_leaves_nothing(Backend::Postgres).await;
    }
}

db_test! {
    async fn a_type_off_the_list_is_415_whatever_its_name(app: TestApp) {
        let (uni, _, contract) = contract(&app).await;
        let html = b"<!DOCTYPE html><html><body><script>fetch('/api/v1/me')</script></body></html>".to_vec();
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0\xB8\0\0\0This program cannot be run in DOS mode.".to_vec();
        for (name, body) in [("contract.pdf", html.clone()), ("scan.png", exe), ("notes.txt", b"just text".to_vec())] {
            let res = app
                .client_request(Method::POST, &format!("/api/v1/contracts/{contract}/documents?kind=other&file_name={name}"), &uni.token, "application/pdf", body)
                .await;
            res.assert_problem(415, "unsupported_media_type");
        }
        upload(&app, &uni.token, &contract, "kind=other", Vec::new()).await.assert_problem(400, "bad_request");
        let res = upload(&app, &uni.token, &contract, "kind=not_a_kind", pdf(100)).await;
        assert!(res.status.is_client_error(), "{}", res.text);
        assert_eq!(rows(&app).await, 0);
        assert_eq!(stored_files(&app), Vec::<PathBuf>::new());
    }
}

db_test! {
    async fn a_client_that_disconnects_mid_upload_leaves_no_row_and_no_file(app: TestApp) {
        let (uni, _, contract) = contract(&app).await;
        // Broken off within the first kilobytes, and after more than one multipart part.
        for sent in [4_096usize, docstore::PART_BYTES + 1_000_000] {
            let mut socket = tokio::net::TcpStream::connect(app.addr).await.expect("connect");
            let head = format!(
                "POST /api/v1/contracts/{contract}/documents?kind=other HTTP/1.1\r\nHost: {}\r\nAuthorization: Bearer {}\r\nContent-Type: application/pdf\r\nContent-Length: {}\r\n\r\n",
                app.addr, uni.token, 20 * 1024 * 1024
            );
            socket.write_all(head.as_bytes()).await.expect("write head");
            socket.write_all(&pdf(sent)).await.expect("write body");
            socket.flush().await.expect("flush");
            if sent > docstore::PART_BYTES {
                // The first part is on disk (a staging file) before the client goes: the test
                // really breaks off a multipart write, not one that never started.
                let mut started = false;
                for _ in 0..100 {
                    if !stored_files(&app).is_empty() {
                        started = true;
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
                assert!(started, "the multipart write never started");
            } else {
                tokio::time::sleep(Duration::from_millis(300)).await;
            }
            drop(socket);
        }
        // The clean-up runs on the server's own time: wait for it, boundedly.
        let mut left = stored_files(&app);
        for _ in 0..50 {
            if left.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            left = stored_files(&app);
        }
        assert_eq!(left, Vec::<PathBuf>::new(), "orphan files");
        assert_eq!(rows(&app).await, 0, "orphan rows");
        // And the service is fine afterwards.
        upload(&app, &uni.token, &contract, "kind=other", pdf(1_000)).await.assert_status(201);
    }
}

db_test! {
    async fn concurrent_uploads_each_keep_their_own_bytes(app: TestApp) {
        let (uni, ent, contract) = contract(&app).await;
        let mut tasks = Vec::new();
        for i in 0..8usize {
            let token = if i % 2 == 0 { uni.token.clone() } else { ent.token.clone() };
            let (base, contract) = (app.base_url.clone(), contract.clone());
            tasks.push(tokio::spawn(async move {
                let body = pdf(40_000 + i * 777);
                let res = reqwest::Client::new()
                    .post(format!("{base}/api/v1/contracts/{contract}/documents?kind=annex&file_name=annex-{i}.pdf"))
                    .bearer_auth(token)
                    .body(body.clone())
                    .send()
                    .await
                    .expect("upload");
                assert_eq!(res.status(), StatusCode::CREATED);
                let out: serde_json::Value = res.json().await.expect("json");
                (out, body)
            }));
        }
        for task in tasks {
            let (out, body) = task.await.expect("task");
            assert_eq!(out["sha256"], sha256(&body));
            let (status, _, bytes) = download(&app, Some(&uni.token), out["download_url"].as_str().expect("url")).await;
            assert_eq!(status, StatusCode::OK);
            assert_eq!(bytes, body);
        }
        let list = app.get(&format!("/api/v1/contracts/{contract}/documents?per_page=50"), Some(&ent.token)).await;
        assert_eq!(list.assert_status(200)["total"], 8);
        assert_eq!(stored_files(&app).len(), 8);
    }
}

db_test! {
    async fn a_hostile_file_name_is_only_a_label(app: TestApp) {
        let (uni, _, contract) = contract(&app).await;
        let names = [
            "../../../../etc/passwd",
            "..\\..\\windows\\system32\\evil.pdf",
            "/absolute/path.pdf",
            "a\"; filename=evil.exe\r\nSet-Cookie: x=1.pdf",
            "..",
        ];
        for name in names {
            let query = format!("kind=other&file_name={}", percent_encode(name));
            let res = upload(&app, &uni.token, &contract, &query, pdf(500)).await;
            let doc = res.assert_status(201).clone();
            let shown = doc["file_name"].as_str().expect("name");
            assert!(!shown.contains('/') && !shown.contains('\\') && !shown.contains('\r') && !shown.contains('\n') && shown != "..", "{shown}");
            let (status, headers, _) = download(&app, Some(&uni.token), doc["download_url"].as_str().expect("url")).await;
            assert_eq!(status, StatusCode::OK);
            assert!(headers.get("set-cookie").is_none());
            assert_eq!(headers.get_all("content-disposition").iter().count(), 1);
        }
        // Every file is where the server put it: <dir>/contracts/<contract>/<uuid>.
        let root = app.state.config.documents.dir.join("contracts").join(&contract);
        let files = stored_files(&app);
        assert_eq!(files.len(), names.len());
        for f in files {
            assert_eq!(f.parent(), Some(root.as_path()), "{f:?}");
            let name = f.file_name().and_then(|n| n.to_str()).expect("name");
            assert!(uuid::Uuid::try_parse(name).is_ok(), "{f:?}");
        }
    }
}

db_test! {
    async fn bytes_without_a_row_are_swept_after_a_grace_and_documents_stay(app: TestApp) {
        use deal::domain::documents::sweep_orphans;
        use platform::documents::ORPHAN_GRACE;
        use futures::StreamExt;
        let (uni, _, contract) = contract(&app).await;
        let kept = upload(&app, &uni.token, &contract, "kind=annex", pdf(1_000)).await;
        let kept = kept.assert_status(201)["download_url"].as_str().expect("url").to_owned();
        // Bytes a killed process stored without their row.
        let contract_id = uuid::Uuid::parse_str(&contract).expect("uuid");
        let orphan = docstore::DocumentKey::new("contracts", contract_id, uuid::Uuid::now_v7()).expect("key");
        let body = futures::stream::iter(vec![Ok(bytes::Bytes::from(pdf(500)))]).boxed();
        app.state.documents.put(&orphan, body, 10_000).await.expect("put");
        assert_eq!(stored_files(&app).len(), 2);

        // Young: left alone, its row may be on its way.
        let cutoff = chrono::Utc::now() - ORPHAN_GRACE;
        assert_eq!(sweep_orphans(&app.db, &app.state.documents, cutoff).await.expect("sweep"), 0);
        // Past the grace: removed; the document with a row stays.
        let cutoff = chrono::Utc::now() + chrono::Duration::seconds(1);
        assert_eq!(sweep_orphans(&app.db, &app.state.documents, cutoff).await.expect("sweep"), 1);
        assert_eq!(stored_files(&app).len(), 1);
        let (status, _, bytes) = download(&app, Some(&uni.token), &kept).await;
        assert_eq!((status, bytes.len()), (StatusCode::OK, 1_000));
    }
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// The same upload, download and delete on a real S3-compatible server, through the whole
/// service (distributed mode's backend).
async fn on_s3(backend: Backend) {
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
    let (uni, ent, contract) = contract(&app).await;
    let stranger = app
        .org_in("enterprise", "x@stranger.test", "450300", false)
        .await;
    let body = pdf(docstore::PART_BYTES + 500_000);
    let doc = upload(
        &app,
        &uni.token,
        &contract,
        "kind=signed_contract&file_name=s3.pdf",
        body.clone(),
    )
    .await;
    let doc = doc.assert_status(201).clone();
    assert_eq!(doc["sha256"], sha256(&body));
    let url_doc = doc["download_url"].as_str().expect("url").to_owned();
    let (status, headers, bytes) = download(&app, Some(&ent.token), &url_doc).await;
    assert_eq!((status, bytes == body), (StatusCode::OK, true));
    assert_eq!(header(&headers, "x-content-sha256"), sha256(&body));
    app.get(&url_doc, Some(&stranger.token))
        .await
        .assert_problem(404, "not_found");
    if let Some(status) = refused_upload(
        &app,
        &uni.token,
        &contract,
        "kind=other",
        pdf(9 * 1024 * 1024),
    )
    .await
    {
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    }
    upload(
        &app,
        &uni.token,
        &contract,
        "kind=other",
        b"<html></html>".to_vec(),
    )
    .await
    .assert_problem(415, "unsupported_media_type");
    assert_eq!(
        app.state
            .documents
            .list("contracts")
            .await
            .expect("list")
            .len(),
        1
    );
    let res = app
        .request(Method::DELETE, &url_doc, Some(&uni.token), None)
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    assert!(app
        .state
        .documents
        .list("contracts")
        .await
        .expect("list")
        .is_empty());
    assert!(
        stored_files(&app).is_empty(),
        "nothing on local disk in S3 mode"
    );
}

mod documents_on_s3 {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs an S3-compatible server at TECHMARKET_TEST_S3_URL (scripts/with-s3)"]
    async fn sqlite() {
        on_s3(Backend::Sqlite).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    #[ignore = "needs an S3-compatible server at TECHMARKET_TEST_S3_URL (scripts/with-s3)"]
    async fn postgres() {
        on_s3(Backend::Postgres).await;
    }
}
