//! One conformance suite, run against both backends: the directory always (a fresh temporary
//! directory per test), S3 against a real S3-compatible server at `TECHMARKET_TEST_S3_URL`
//! (moto's server, started by `scripts/with-s3`; `tests/run` does that). The S3 tests are
//! marked ignored, so without a server the runner reports them as skipped, never as passed;
//! run by hand without the variable, they fail.

use std::time::Duration;

use bytes::Bytes;
use docstore::{
    ByteStream, DocumentKey, DocumentStore, DocumentType, ObjectDocumentStore, PutError,
    S3Settings, StoreError, PART_BYTES,
};
use futures::{StreamExt, TryStreamExt};
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A store under test and what it needs to say whether anything was left behind.
struct Fixture {
    store: ObjectDocumentStore,
    dir: Option<tempfile::TempDir>,
    s3: Option<(String, String)>,
}

impl Fixture {
    fn directory() -> Fixture {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = ObjectDocumentStore::directory(&dir.path().join("documents")).expect("open");
        Fixture {
            store,
            dir: Some(dir),
            s3: None,
        }
    }

    async fn s3() -> Fixture {
        let url = std::env::var("TECHMARKET_TEST_S3_URL").expect(
            "TECHMARKET_TEST_S3_URL is unset: this test needs an S3-compatible server (scripts/with-s3; it is ignored unless asked for)",
        );
        let bucket = format!("docs-{}", Uuid::now_v7().simple());
        let res = reqwest::Client::new()
            .put(format!("{url}/{bucket}"))
            .send()
            .await
            .expect("S3 server reachable");
        assert!(res.status().is_success(), "create bucket: {}", res.status());
        let store = ObjectDocumentStore::s3(&S3Settings {
            endpoint: Some(url.clone()),
            bucket: bucket.clone(),
            region: "us-east-1".to_owned(),
            access_key_id: "test-key".to_owned(),
            secret_access_key: "test-secret".to_owned(),
        })
        .expect("open");
        Fixture {
            store,
            dir: None,
            s3: Some((url, bucket)),
        }
    }

    /// Everything the backend holds: every file under the directory (staging files included),
    /// or every object and unfinished multipart upload in the bucket.
    async fn leftovers(&self) -> Vec<String> {
        let mut found = Vec::new();
        if let Some(dir) = &self.dir {
            let mut stack = vec![dir.path().to_path_buf()];
            while let Some(d) = stack.pop() {
                for entry in std::fs::read_dir(&d).expect("read dir") {
                    let path = entry.expect("entry").path();
                    if path.is_dir() {
                        stack.push(path);
                    } else {
                        found.push(path.display().to_string());
                    }
                }
            }
        }
        if let Some((url, bucket)) = &self.s3 {
            for listed in self.store.list("contracts").await.expect("list") {
                found.push(listed.key.to_string());
            }
            let uploads = reqwest::Client::new()
                .get(format!("{url}/{bucket}?uploads"))
                .send()
                .await
                .expect("list uploads")
                .text()
                .await
                .expect("uploads body");
            if uploads.contains("<Upload>") {
                found.push(format!("unfinished multipart uploads: {uploads}"));
            }
        }
        found
    }
}

fn key() -> DocumentKey {
    DocumentKey::new("contracts", Uuid::now_v7(), Uuid::now_v7()).expect("key")
}

/// A PDF-looking body of `len` bytes (the header, then a pattern).
fn pdf(len: usize) -> Vec<u8> {
    let mut body = b"%PDF-1.7\n".to_vec();
    body.extend((0..len.saturating_sub(body.len())).map(|i| u8::try_from(i % 251).unwrap_or(0)));
    body.truncate(len);
    body
}

fn stream(body: Vec<u8>, chunk: usize) -> ByteStream {
    let chunks: Vec<Result<Bytes, std::io::Error>> = body
        .chunks(chunk)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures::stream::iter(chunks).boxed()
}

/// `body` in chunks, then an I/O error: a client that went away.
fn broken_stream(body: Vec<u8>, chunk: usize) -> ByteStream {
    stream(body, chunk)
        .chain(futures::stream::once(async {
            Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionReset,
                "client went away",
            ))
        }))
        .boxed()
}

fn sha256(body: &[u8]) -> String {
    hex::encode(Sha256::digest(body))
}

async fn read_all(store: &ObjectDocumentStore, key: &DocumentKey) -> Vec<u8> {
    let download = store.get(key).await.expect("get");
    let chunks: Vec<Bytes> = download.body.try_collect().await.expect("read");
    let body: Vec<u8> = chunks.concat();
    assert_eq!(download.size, body.len() as u64, "size announced");
    body
}

const LIMIT: u64 = 20 * 1024 * 1024;

async fn round_trip_small(f: Fixture) {
    let body = pdf(10_000);
    let k = key();
    let stored = f
        .store
        .put(&k, stream(body.clone(), 4096), LIMIT)
        .await
        .expect("put");
    assert_eq!(stored.size, 10_000);
    assert_eq!(stored.sha256, sha256(&body));
    assert_eq!(stored.content_type, DocumentType::Pdf);
    assert_eq!(read_all(&f.store, &k).await, body);
    assert_eq!(f.store.head(&k).await.expect("head"), Some(10_000));
    let listed = f.store.list(k.owner_prefix()).await.expect("list");
    assert_eq!(listed.len(), 1);
    assert_eq!((&listed[0].key, listed[0].size), (&k, 10_000));
    let age = chrono::Utc::now() - listed[0].modified;
    assert!(age < chrono::Duration::minutes(5), "modified {age} ago");
}

async fn large_file_streams_in_parts(f: Fixture) {
    // Over two parts, sent in small chunks: the multipart path.
    let body = pdf(2 * PART_BYTES + 12_345);
    let k = key();
    let stored = f
        .store
        .put(&k, stream(body.clone(), 64 * 1024), LIMIT)
        .await
        .expect("put");
    assert_eq!(stored.size, body.len() as u64);
    assert_eq!(stored.sha256, sha256(&body));
    assert_eq!(sha256(&read_all(&f.store, &k).await), stored.sha256);
}

async fn over_the_limit_leaves_nothing(f: Fixture) {
    // Caught in the head, in the first part, and past the first part (multipart).
    for (len, limit) in [
        (5_000, 4_000),
        (200_000, 100_000),
        (2 * PART_BYTES, PART_BYTES as u64 + 10),
    ] {
        let err = f
            .store
            .put(&key(), stream(pdf(len), 64 * 1024), limit)
            .await
            .expect_err("over the limit");
        assert!(
            matches!(err, PutError::TooLarge { limit: l } if l == limit),
            "{err:?}"
        );
    }
    // Exactly at the limit is fine.
    let k = key();
    f.store
        .put(&k, stream(pdf(4_000), 1000), 4_000)
        .await
        .expect("at the limit");
    f.store.delete(&k).await.expect("delete");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(f.leftovers().await, Vec::<String>::new());
}

async fn types_come_from_content(f: Fixture) {
    let cases: Vec<(Vec<u8>, Option<DocumentType>)> = vec![
        (
            b"<!DOCTYPE html><html><body><script>alert(1)</script>".to_vec(),
            None,
        ),
        (
            b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0This program cannot be run in DOS mode"
                .to_vec(),
            None,
        ),
        (b"hello, plain text".to_vec(), None),
        (
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec(),
            Some(DocumentType::Png),
        ),
        (
            b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01".to_vec(),
            Some(DocumentType::Jpeg),
        ),
        (
            b"MM\0*\0\0\0\x08\0\x01\0\0".to_vec(),
            Some(DocumentType::Tiff),
        ),
    ];
    for (body, expected) in cases {
        let k = key();
        let result = f.store.put(&k, stream(body.clone(), 7), LIMIT).await;
        match expected {
            Some(t) => assert_eq!(result.expect("allowed").content_type, t),
            None => {
                assert!(matches!(result, Err(PutError::Unsupported)), "{result:?}");
                assert_eq!(f.store.head(&k).await.expect("head"), None);
            }
        }
    }
    let err = f
        .store
        .put(&key(), stream(Vec::new(), 1), LIMIT)
        .await
        .expect_err("empty");
    assert!(matches!(err, PutError::Empty), "{err:?}");
}

async fn interrupted_bodies_leave_nothing(f: Fixture) {
    // Broken off in the head, in the first part, and after a part was uploaded.
    for len in [1_000, 300_000, PART_BYTES + 300_000] {
        let err = f
            .store
            .put(&key(), broken_stream(pdf(len), 64 * 1024), LIMIT)
            .await
            .expect_err("interrupted");
        assert!(matches!(err, PutError::Body(_)), "{err:?}");
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(f.leftovers().await, Vec::<String>::new());
}

async fn a_dropped_upload_leaves_nothing(f: Fixture) {
    // More than a part, then the body stalls for good; the caller gives up (a request dropped
    // by a timeout or a closed connection).
    let stalled = stream(pdf(PART_BYTES + 100_000), 64 * 1024)
        .chain(futures::stream::pending())
        .boxed();
    let k = key();
    let put = f.store.put(&k, stalled, LIMIT);
    assert!(tokio::time::timeout(Duration::from_secs(3), put)
        .await
        .is_err());
    // The abort runs on its own task.
    let mut left = f.leftovers().await;
    for _ in 0..50 {
        if left.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        left = f.leftovers().await;
    }
    assert_eq!(left, Vec::<String>::new());
}

async fn delete_and_missing(f: Fixture) {
    let k = key();
    f.store
        .put(&k, stream(pdf(100), 100), LIMIT)
        .await
        .expect("put");
    f.store.delete(&k).await.expect("delete");
    f.store.delete(&k).await.expect("deleting again is fine");
    assert_eq!(f.store.head(&k).await.expect("head"), None);
    assert!(matches!(
        f.store.get(&k).await,
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(f.leftovers().await, Vec::<String>::new());
}

async fn concurrent_puts_stay_apart(f: Fixture) {
    let store = std::sync::Arc::new(f.store.clone());
    let mut tasks = Vec::new();
    for i in 0..8usize {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let body = pdf(50_000 + i * 1_000);
            let k = key();
            let stored = store
                .put(&k, stream(body.clone(), 3_000), LIMIT)
                .await
                .expect("put");
            (k, body, stored)
        }));
    }
    for task in tasks {
        let (k, body, stored) = task.await.expect("task");
        assert_eq!(stored.sha256, sha256(&body));
        assert_eq!(read_all(&f.store, &k).await, body);
    }
}

macro_rules! conformance_tests {
    ($($check:ident => $dir:ident, $s3:ident;)*) => {$(
        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        async fn $dir() {
            $check(Fixture::directory()).await;
        }

        #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
        #[ignore = "needs an S3-compatible server at TECHMARKET_TEST_S3_URL (scripts/with-s3)"]
        async fn $s3() {
            $check(Fixture::s3().await).await;
        }
    )*};
}

conformance_tests! {
    round_trip_small => directory_round_trip_small, s3_round_trip_small;
    large_file_streams_in_parts => directory_large_file_streams_in_parts, s3_large_file_streams_in_parts;
    over_the_limit_leaves_nothing => directory_over_the_limit_leaves_nothing, s3_over_the_limit_leaves_nothing;
    types_come_from_content => directory_types_come_from_content, s3_types_come_from_content;
    interrupted_bodies_leave_nothing => directory_interrupted_bodies_leave_nothing, s3_interrupted_bodies_leave_nothing;
    a_dropped_upload_leaves_nothing => directory_a_dropped_upload_leaves_nothing, s3_a_dropped_upload_leaves_nothing;
    delete_and_missing => directory_delete_and_missing, s3_delete_and_missing;
    concurrent_puts_stay_apart => directory_concurrent_puts_stay_apart, s3_concurrent_puts_stay_apart;
}

/// A document is one file, at exactly its key under the directory (no name of the client's).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn directory_keeps_no_file_outside_its_keys() {
    let f = Fixture::directory();
    let k = key();
    f.store
        .put(&k, stream(pdf(10), 10), LIMIT)
        .await
        .expect("put");
    let left = f.leftovers().await;
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(left[0].ends_with(k.as_str()), "{left:?}");
}
