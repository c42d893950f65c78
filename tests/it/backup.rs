//! `techmarket backup` and `restore` round trips: every table equal afterwards, on SQLite
//! (backed up while `up` serves, restored into a new data directory that then answers the API
//! the same and serves the same document bytes) and on PostgreSQL (restored over a changed
//! database and into an empty one). A backup file that would write outside the documents'
//! folder is refused whole.

use std::path::Path;
use std::process::Output;
use std::time::Duration;

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, Statement};

use crate::techmarket_command::{start_up, techmarket, terminate};

fn ok(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn strings(db: &DatabaseConnection, sql: &str) -> Vec<String> {
    db.query_all(Statement::from_string(db.get_database_backend(), sql))
        .await
        .expect(sql)
        .iter()
        .map(|row| row.try_get_by_index::<String>(0).expect("text column"))
        .collect()
}

/// Every table's rows as text, sorted: two databases with equal dumps hold the same data.
async fn dump(db: &DatabaseConnection) -> Vec<(String, String)> {
    let backend = db.get_database_backend();
    let tables = match backend {
        DatabaseBackend::Sqlite => {
            strings(
                db,
                "SELECT name FROM sqlite_master WHERE type = 'table' \
                 AND name NOT LIKE 'sqlite_%' ORDER BY name",
            )
            .await
        }
        _ => {
            strings(
                db,
                "SELECT table_name::text FROM information_schema.tables \
                 WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
            )
            .await
        }
    };
    assert!(tables.len() > 20, "the schema's tables: {tables:?}");
    let mut out = Vec::new();
    for table in tables {
        let sql = match backend {
            DatabaseBackend::Sqlite => {
                let columns = strings(
                    db,
                    &format!("SELECT name FROM pragma_table_info('{table}') ORDER BY cid"),
                )
                .await;
                let row = columns
                    .iter()
                    .map(|c| format!("quote(\"{c}\")"))
                    .collect::<Vec<_>>()
                    .join(" || '|' || ");
                format!(
                    "SELECT coalesce(group_concat(r, char(10)), '') FROM \
                     (SELECT {row} AS r FROM \"{table}\" ORDER BY r)"
                )
            }
            _ => format!(
                "SELECT coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') \
                 FROM \"{table}\" t"
            ),
        };
        let rows = strings(db, &sql).await.join("");
        out.push((table, rows));
    }
    out
}

fn assert_same(before: &[(String, String)], after: &[(String, String)]) {
    assert_eq!(
        before.iter().map(|(t, _)| t).collect::<Vec<_>>(),
        after.iter().map(|(t, _)| t).collect::<Vec<_>>(),
        "the same tables"
    );
    for ((table, a), (_, b)) in before.iter().zip(after) {
        assert!(a == b, "table {table} differs after the round trip");
    }
    let rows: usize = before.iter().map(|(_, r)| r.lines().count()).sum();
    assert!(
        rows > 100,
        "a round trip of real data, not of empty tables: {rows} rows"
    );
}

/// What a signed-in member sees: listings, search, their notifications (not `/me`: each
/// login moves its `last_login_at`).
async fn api_answers(url: &str) -> Vec<serde_json::Value> {
    let client = reqwest::Client::new();
    let (token, _) = university(url).await;
    let mut answers = Vec::new();
    for path in [
        "/api/v1/achievements?per_page=100",
        "/api/v1/needs?per_page=100",
        "/api/v1/search?q=sugarcane",
        "/api/v1/search?q=%E6%9C%A8%E8%96%AF",
        "/api/v1/notifications",
    ] {
        let res = client
            .get(format!("{url}{path}"))
            .bearer_auth(&token)
            .send()
            .await
            .expect(path);
        assert_eq!(res.status(), 200, "{path}");
        answers.push(res.json().await.expect("json"));
    }
    answers
}

/// Logs in as the sample university's admin (demo account 1); returns its token and
/// organisation id.
async fn university(url: &str) -> (String, String) {
    let session: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/api/v1/auth/login"))
        .json(&serde_json::json!({
            "email": techmarket::sample::demo_accounts().expect("demo accounts")[1].email,
            "password": techmarket::sample::DEMO_PASSWORD,
        }))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("session");
    (
        session["token"].as_str().expect("token").to_owned(),
        session["organisation"]["id"]
            .as_str()
            .expect("organisation")
            .to_owned(),
    )
}

/// Uploads a grant document (a PDF-looking body) to one of the university's achievements;
/// returns its download path and the bytes.
async fn upload_document(url: &str) -> (String, Vec<u8>) {
    let (token, org) = university(url).await;
    let client = reqwest::Client::new();
    let list: serde_json::Value = client
        .get(format!("{url}/api/v1/achievements?per_page=100"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("achievements")
        .json()
        .await
        .expect("json");
    let mine = list["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|a| a["organisation_id"] == org.as_str())
        .expect("the university has an achievement")["id"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut body = b"%PDF-1.7\n".to_vec();
    body.extend((0..20_000u32).map(|i| (i % 251) as u8));
    let res = client
        .post(format!(
            "{url}/api/v1/achievements/{mine}/documents?kind=grant&file_name=grant.pdf"
        ))
        .bearer_auth(&token)
        .header("content-type", "application/octet-stream")
        .body(body.clone())
        .send()
        .await
        .expect("upload");
    assert_eq!(res.status(), 201, "upload");
    let doc: serde_json::Value = res.json().await.expect("json");
    (doc["download_url"].as_str().expect("url").to_owned(), body)
}

async fn download(url: &str, path: &str) -> (u16, Vec<u8>) {
    let (token, _) = university(url).await;
    let res = reqwest::Client::new()
        .get(format!("{url}{path}"))
        .bearer_auth(&token)
        .send()
        .await
        .expect("download");
    let status = res.status().as_u16();
    (status, res.bytes().await.expect("bytes").to_vec())
}

async fn sqlite_at(dir: &Path) -> DatabaseConnection {
    sea_orm::Database::connect(format!(
        "sqlite://{}?mode=ro",
        dir.join("techmarket.db").display()
    ))
    .await
    .expect("open SQLite")
}

#[tokio::test]
async fn sqlite_backup_while_serving_restores_every_table_and_the_same_answers() {
    let work = tempfile::tempdir().expect("dir");
    let (source, copy) = (work.path().join("source"), work.path().join("copy"));
    let file = work.path().join("techmarket.backup");
    let (mut child, url) = start_up(&source);
    integration_tests::command::settle(&reqwest::Client::new(), &url, Duration::from_secs(120))
        .await;
    let answers = api_answers(&url).await;
    let (document, bytes) = upload_document(&url).await;

    let run = |args: &[&str]| techmarket().args(args).output().expect("run");
    let path = |p: &Path| p.to_str().expect("utf-8 path").to_owned();
    ok(
        &run(&[
            "backup",
            "--data-dir",
            &path(&source),
            "--out",
            &path(&file),
        ]),
        "backup while serving",
    );
    let again = run(&[
        "backup",
        "--data-dir",
        &path(&source),
        "--out",
        &path(&file),
    ]);
    assert!(!again.status.success(), "a backup never overwrites a file");
    let scratch: Vec<String> = std::fs::read_dir(&source)
        .expect("dir")
        .chain(std::fs::read_dir(work.path()).expect("dir"))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        scratch.is_empty(),
        "no snapshot or scratch left: {scratch:?}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file)
        .expect("backup")
        .permissions()
        .mode();
    assert_eq!(mode & 0o077, 0, "the backup is its owner's only: {mode:o}");
    let refused = run(&["restore", &path(&file), "--data-dir", &path(&source)]);
    assert!(
        !refused.status.success() && String::from_utf8_lossy(&refused.stderr).contains("in use"),
        "restoring under a running platform is refused: {}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(terminate(&mut child).success());

    ok(
        &run(&["restore", &path(&file), "--data-dir", &path(&copy)]),
        "restore into a new data directory",
    );
    let (a, b) = (sqlite_at(&source).await, sqlite_at(&copy).await);
    let (before, after) = (dump(&a).await, dump(&b).await);
    a.close().await.expect("close");
    b.close().await.expect("close");
    assert_same(&before, &after);

    let (mut child, url) = start_up(&copy);
    let restored = api_answers(&url).await;
    let served = download(&url, &document).await;
    assert!(terminate(&mut child).success());
    assert_eq!(answers, restored, "the restored platform answers the same");
    assert_eq!(
        served,
        (200, bytes),
        "the restored platform serves the document byte for byte"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_backup_is_refused_and_nothing_changes() {
    let work = tempfile::tempdir().expect("dir");
    let junk = work.path().join("junk.backup");
    std::fs::write(&junk, b"hello, not a database").expect("write");
    let dir = work.path().join("data");
    let out = techmarket()
        .args(["restore", junk.to_str().expect("path"), "--data-dir"])
        .arg(&dir)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("not a TechMarket backup"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!dir.join("techmarket.db").exists(), "no database was made");
}

/// A document entry of a hand-made backup file: name, entry type, bytes.
type Entry<'a> = (&'a str, tar::EntryType, &'a [u8]);

/// Writes a backup file with documents: the manifest (claiming `claimed` documents), the
/// SQLite `database`, then `documents` as (name, entry type, bytes), names written raw.
fn bundle_with(file: &Path, database: &Path, claimed: usize, documents: &[Entry]) {
    bundle_of("sqlite", file, database, claimed, documents);
}

/// [`bundle_with`] whose manifest names a `kind` of database.
fn bundle_of(kind: &str, file: &Path, database: &Path, claimed: usize, documents: &[Entry]) {
    let mut tar = tar::Builder::new(std::fs::File::create(file).expect("create"));
    let manifest = serde_json::to_vec(&serde_json::json!({
        "format": 1, "database": kind, "documents": claimed,
    }))
    .expect("json");
    let mut header = tar::Header::new_gnu();
    header.set_size(manifest.len() as u64);
    header.set_mode(0o600);
    header.set_cksum();
    tar.append_data(&mut header, "techmarket-backup.json", manifest.as_slice())
        .expect("manifest");
    tar.append_path_with_name(database, "database")
        .expect("database");
    for (name, kind, body) in documents {
        let mut header = tar::Header::new_gnu();
        header.set_size(body.len() as u64);
        header.set_mode(0o600);
        header.set_entry_type(*kind);
        // Written raw: the tar crate's own setters refuse `..`; a hostile file need not.
        header.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        header.set_cksum();
        tar.append(&header, *body).expect("entry");
    }
    tar.finish().expect("finish");
}

#[tokio::test]
async fn a_backup_that_would_write_outside_the_documents_folder_is_refused_whole() {
    let work = tempfile::tempdir().expect("dir");
    let target = work.path().join("target");
    let migrate = |db: &Path| {
        let out = techmarket()
            .arg("migrate")
            .env(
                "TECHMARKET_DATABASE__URL",
                format!("sqlite://{}?mode=rwc", db.display()),
            )
            .output()
            .expect("run");
        ok(&out, "migrate");
    };
    let database = work.path().join("other.db");
    migrate(&database);
    // The target has a database and a document already: neither may change.
    std::fs::create_dir_all(&target).expect("dir");
    migrate(&target.join("techmarket.db"));
    let kept = target.join("documents/listings/kept");
    std::fs::create_dir_all(kept.parent().expect("parent")).expect("dir");
    std::fs::write(&kept, b"kept").expect("write");
    let database_before = std::fs::read(target.join("techmarket.db")).expect("db");
    use tar::EntryType::{Regular, Symlink};
    let fine = ("documents/listings/fine", Regular, b"ok".as_slice());
    let junk = work.path().join("junk.db");
    std::fs::write(
        &junk,
        b"SQLite format 3\0 but nothing of a database after it",
    )
    .expect("junk");
    let empty = work.path().join("empty.db");
    std::fs::write(&empty, b"").expect("empty");
    let cases: [(&str, usize, Vec<Entry>, &Path); 9] = [
        (
            "dot-dot",
            2,
            vec![fine, ("documents/../../escaped", Regular, b"evil")],
            &database,
        ),
        (
            "absolute",
            2,
            vec![fine, ("/tmp/escaped", Regular, b"evil")],
            &database,
        ),
        (
            "symlink",
            2,
            vec![fine, ("documents/listings/link", Symlink, b"")],
            &database,
        ),
        (
            "unknown",
            1,
            vec![fine, ("escaped", Regular, b"evil")],
            &database,
        ),
        ("miscounted", 3, vec![fine], &database),
        ("twice", 2, vec![fine, fine], &database),
        (
            "database twice",
            2,
            vec![fine, ("database", Regular, b"evil")],
            &database,
        ),
        ("damaged database", 1, vec![fine], &junk),
        ("empty database", 1, vec![fine], &empty),
    ];
    for (name, claimed, entries, database) in cases {
        let file = work.path().join(format!("{name}.backup"));
        bundle_with(&file, database, claimed, &entries);
        let out = techmarket()
            .args(["restore", file.to_str().expect("path"), "--data-dir"])
            .arg(&target)
            .output()
            .expect("run");
        assert!(!out.status.success(), "{name}: refused");
        assert!(
            !work.path().join("escaped").exists(),
            "{name}: nothing escaped"
        );
        assert_eq!(std::fs::read(&kept).expect("kept"), b"kept", "{name}");
        assert!(!target.join("documents/listings/fine").exists(), "{name}");
        assert_eq!(
            std::fs::read(target.join("techmarket.db")).expect("db"),
            database_before,
            "{name}: the database is unchanged"
        );
        let leftovers: Vec<String> = std::fs::read_dir(&target)
            .expect("dir")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with(".documents"))
            .collect();
        assert!(
            leftovers.is_empty(),
            "{name}: no staging left: {leftovers:?}"
        );
    }
    // A whole file whose database cannot replace this one (a PostgreSQL archive for a SQLite
    // platform): the documents were swapped in first, and go back as they were.
    let pg = work.path().join("pg.dump");
    std::fs::write(&pg, b"PGDMP not restorable here").expect("pg");
    let file = work.path().join("postgres.backup");
    bundle_of("postgres", &file, &pg, 1, &[fine]);
    let out = techmarket()
        .args(["restore", file.to_str().expect("path"), "--data-dir"])
        .arg(&target)
        .output()
        .expect("run");
    assert!(
        !out.status.success(),
        "a PostgreSQL backup onto SQLite is refused"
    );
    assert_eq!(
        std::fs::read(&kept).expect("kept"),
        b"kept",
        "the documents went back"
    );
    assert!(!target.join("documents/listings/fine").exists());
    assert_eq!(
        std::fs::read(target.join("techmarket.db")).expect("db"),
        database_before
    );
    let leftovers: Vec<String> = std::fs::read_dir(&target)
        .expect("dir")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".documents") || n.starts_with(".techmarket"))
        .collect();
    assert!(leftovers.is_empty(), "nothing left behind: {leftovers:?}");

    // The same file without the hostile entry restores, documents included.
    let file = work.path().join("good.backup");
    bundle_with(&file, &database, 1, &[fine]);
    let out = techmarket()
        .args(["restore", file.to_str().expect("path"), "--data-dir"])
        .arg(&target)
        .output()
        .expect("run");
    ok(&out, "restore");
    assert_eq!(
        std::fs::read(target.join("documents/listings/fine")).expect("restored"),
        b"ok"
    );
    assert!(
        !kept.exists(),
        "the documents are the backup's, as the database is"
    );
}

mod postgres_restore_replaces_a_changed_database_and_fills_an_empty_one {
    use super::*;

    #[tokio::test]
    async fn postgres() {
        let source =
            integration_tests::TestDb::migrated(integration_tests::Backend::Postgres).await;
        let empty =
            integration_tests::TestDb::empty_unmigrated(integration_tests::Backend::Postgres).await;
        let work = tempfile::tempdir().expect("dir");
        let file = work.path().join("pg.backup");
        let run = |db: &integration_tests::TestDb, args: &[&str]| {
            techmarket()
                .args(args)
                .env("TECHMARKET_DATABASE__URL", &db.url)
                .env("TECHMARKET_SEARCH__INDEX_DIR", work.path().join("search"))
                .env("TECHMARKET_DOCUMENTS__DIR", work.path().join("documents"))
                .output()
                .expect("run")
        };
        ok(&run(&source, &["seed", "--demo-accounts"]), "seed");
        let db = source.connect().await;
        let before = dump(&db).await;
        ok(
            &run(&source, &["backup", "--out", file.to_str().expect("path")]),
            "pg backup",
        );

        // Change the source after the backup: the restore must undo it.
        db.execute_unprepared(
            "DELETE FROM listing_translations; UPDATE organisations SET name = 'changed'",
        )
        .await
        .expect("change");
        assert_ne!(dump(&db).await, before);
        ok(
            &run(&source, &["restore", file.to_str().expect("path")]),
            "pg restore over a changed database",
        );
        assert_same(&before, &dump(&db).await);
        db.close().await.expect("close");

        ok(
            &run(&empty, &["restore", file.to_str().expect("path")]),
            "pg restore into an empty database",
        );
        let db = empty.connect().await;
        assert_same(&before, &dump(&db).await);
        db.close().await.expect("close");
    }
}
