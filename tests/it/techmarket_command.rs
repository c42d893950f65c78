//! The `techmarket` binary as a newcomer and an operator use it: `up` starts the platform and
//! prints its URL, stops cleanly on SIGTERM; bad configuration is refused by key name; a
//! service refuses to start on a schema that is behind its code.

pub(crate) use integration_tests::command::{start_up, techmarket, terminate};

#[tokio::test]
async fn up_serves_the_platform_with_sample_data_and_stops_cleanly() {
    let data = tempfile::tempdir().expect("data dir");
    let client = reqwest::Client::new();
    for round in 0..2 {
        // The second start finds the data in place: no migration or sample-data errors.
        let (mut child, url) = start_up(data.path());
        let health = client
            .get(format!("{url}/healthz"))
            .send()
            .await
            .expect("healthz");
        assert_eq!(health.status(), 200, "round {round}");
        let ready = client
            .get(format!("{url}/readyz"))
            .send()
            .await
            .expect("readyz");
        assert_eq!(ready.status(), 200);
        let doc: serde_json::Value = client
            .get(format!("{url}/api/v1/openapi.json"))
            .send()
            .await
            .expect("openapi")
            .json()
            .await
            .expect("json");
        assert_eq!(doc["openapi"], "3.1.0");
        let home = client.get(format!("{url}/")).send().await.expect("home");
        assert_eq!(home.status(), 200);
        let login = client
            .post(format!("{url}/api/v1/auth/login"))
            .json(&serde_json::json!({
                "email": techmarket::sample::demo_accounts().expect("demo accounts")[0].email,
                "password": techmarket::sample::DEMO_PASSWORD,
            }))
            .send()
            .await
            .expect("login");
        assert_eq!(
            login.status(),
            200,
            "the demo operator printed by `up` can log in"
        );
        let status = terminate(&mut child);
        assert!(
            status.success(),
            "techmarket up exited with {status} on SIGTERM"
        );
    }
    assert!(data.path().join("techmarket.db").exists());
}

#[tokio::test]
async fn an_index_written_with_an_older_schema_is_rebuilt_on_start() {
    let data = tempfile::tempdir().expect("data dir");
    let (mut child, url) = start_up(data.path());
    // Serving (its signal handler installed) before it is asked to stop.
    let health = reqwest::get(format!("{url}/healthz"))
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    assert!(terminate(&mut child).success());
    // What an older binary would have left: the same index without one of today's fields.
    let meta_path = data.path().join("search").join("meta.json");
    let mut meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&meta_path).expect("meta.json"))
            .expect("json");
    let fields = meta["schema"].as_array_mut().expect("schema fields");
    let before = fields.len();
    fields.retain(|f| f["name"] != "all_text");
    assert_eq!(
        fields.len(),
        before - 1,
        "the index has an all_text field to drop"
    );
    std::fs::write(&meta_path, serde_json::to_string(&meta).expect("json"))
        .expect("write meta.json");

    let (mut child, url) = start_up(data.path());
    let hits: serde_json::Value = reqwest::get(format!("{url}/api/v1/search?q=%E7%94%98%E8%94%97"))
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    assert!(
        hits["total"].as_u64().unwrap_or(0) > 0,
        "the rebuilt index finds the sample listings: {hits}"
    );
    assert!(terminate(&mut child).success());
}

#[test]
fn a_bad_configuration_value_is_refused_naming_its_key() {
    let out = techmarket()
        .arg("migrate")
        .env("TECHMARKET_SERVER__ADDR", "not-an-address")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("server.addr") && stderr.contains("TECHMARKET_SERVER__ADDR"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_configuration_variable_is_refused_by_name() {
    let out = techmarket()
        .arg("migrate")
        .env("TECHMARKET_DATABSE__URL", "sqlite://x.db")
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("TECHMARKET_DATABSE__URL"), "{stderr}");
}

#[tokio::test]
async fn the_portal_serves_without_a_database_or_search_index() {
    // Nothing listens on the database's port and the index directory cannot be created (a
    // file is in its way): were the portal to open either, it would not start.
    let dir = tempfile::tempdir().expect("dir");
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, b"").expect("file");
    let port = {
        let probe = std::net::TcpListener::bind("127.0.0.1:0").expect("free port");
        probe.local_addr().expect("addr").port()
    };
    let mut portal = techmarket()
        .args(["serve", "portal"])
        .env(
            "TECHMARKET_DATABASE__URL",
            "postgres://nobody:nothing@127.0.0.1:9/none",
        )
        .env("TECHMARKET_SEARCH__INDEX_DIR", blocker.join("search"))
        .env("TECHMARKET_SERVER__ADDR", format!("127.0.0.1:{port}"))
        .env("TECHMARKET_PORTAL__API_URL", "http://127.0.0.1:9")
        .spawn()
        .expect("start the portal");
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let mut ready = None;
    for _ in 0..100 {
        if let Ok(res) = client.get(format!("{base}/readyz")).send().await {
            ready = Some(res.status().as_u16());
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let docs = client
        .get(format!("{base}/api/v1/openapi.json"))
        .send()
        .await
        .map(|r| r.status().as_u16());
    let status = terminate(&mut portal);
    assert_eq!(ready, Some(200), "the portal's /readyz");
    assert_eq!(docs.ok(), Some(200), "the portal serves the API document");
    assert!(status.success(), "the portal stops cleanly: {status:?}");
}

#[test]
fn a_service_refuses_to_start_before_migrations_and_starts_after() {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    // The search index lives in the temporary directory too, never in the working directory
    // (an index left there by an older build has an older schema and refuses to open).
    let index_dir = dir.path().join("search");
    let out = techmarket()
        .args(["serve", "listing"])
        .env("TECHMARKET_DATABASE__URL", &url)
        .env("TECHMARKET_SERVER__ADDR", "127.0.0.1:0")
        .env("TECHMARKET_SEARCH__INDEX_DIR", &index_dir)
        .output()
        .expect("run");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("techmarket migrate"), "{stderr}");

    let migrate = techmarket()
        .arg("migrate")
        .env("TECHMARKET_DATABASE__URL", &url)
        .output()
        .expect("run");
    assert!(
        migrate.status.success(),
        "{}",
        String::from_utf8_lossy(&migrate.stderr)
    );
    let admin = techmarket()
        .args(["admin", "create-operator", "--email", "ops@example.test"])
        .env("TECHMARKET_DATABASE__URL", &url)
        .env("TECHMARKET_OPERATOR_PASSWORD", "a-long-operator-password")
        .output()
        .expect("run");
    assert!(
        admin.status.success(),
        "{}",
        String::from_utf8_lossy(&admin.stderr)
    );
    let unknown = techmarket()
        .args(["serve", "billing"])
        .env("TECHMARKET_DATABASE__URL", &url)
        .env("TECHMARKET_SEARCH__INDEX_DIR", &index_dir)
        .output()
        .expect("run");
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown service"));
}

#[tokio::test]
async fn import_and_reindex_commands_report_what_they_did() {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("t.db").display());
    let run = |args: &[&str]| {
        techmarket()
            .args(args)
            .env("TECHMARKET_DATABASE__URL", &url)
            .env("TECHMARKET_SEARCH__INDEX_DIR", dir.path().join("search"))
            .output()
            .expect("run")
    };
    assert!(run(&["migrate"]).status.success());
    assert!(run(&["seed"]).status.success());
    let db = sea_orm::Database::connect(&url).await.expect("connect");
    let org = platform::entity::organisations::Entity::find()
        .filter(platform::entity::organisations::Column::Kind.eq("university"))
        .one(&db)
        .await
        .expect("query")
        .expect("a sample university");
    db.close().await.expect("close");
    let file = dir.path().join("list.csv");
    std::fs::write(
        &file,
        "成果名称,成果简介,行业领域,知识产权类型,技术成熟度\n\
         木薯淀粉高效提取工艺,采用酶法辅助提取木薯淀粉并回收废水中的蛋白质。,现代农业,发明专利,7\n\
         坏行示例,简介太短,现代农业,发明专利,11\n",
    )
    .expect("write csv");
    let org_id = org.id.to_string();
    let out = run(&[
        "import",
        "achievements",
        file.to_str().expect("path"),
        "--org",
        &org_id,
        "--valid-rows-only",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("succeeded: 2 rows, 1 listings created, 2 errors"),
        "{stdout}"
    );
    assert!(
        stdout.contains("row      3"),
        "the bad row is named: {stdout}"
    );
    let strict = run(&[
        "import",
        "achievements",
        file.to_str().expect("path"),
        "--org",
        &org_id,
    ]);
    assert!(
        !strict.status.success(),
        "all-or-nothing with a bad row fails"
    );
    let reindex = run(&["reindex"]);
    assert!(
        reindex.status.success(),
        "{}",
        String::from_utf8_lossy(&reindex.stderr)
    );
}

/// `techmarket seed` creates an operator whose password is published: on PostgreSQL (a real
/// deployment) it refuses unless asked by name, and leaves the database empty.
mod seed_loads_demo_accounts_into_postgres_only_when_asked {
    use super::*;
    use sea_orm::{EntityTrait, PaginatorTrait};

    #[tokio::test]
    async fn postgres() {
        let test_db =
            integration_tests::TestDb::migrated(integration_tests::Backend::Postgres).await;
        let dir = tempfile::tempdir().expect("dir");
        let run = |args: &[&str]| {
            techmarket()
                .args(args)
                .env("TECHMARKET_DATABASE__URL", &test_db.url)
                .env("TECHMARKET_SEARCH__INDEX_DIR", dir.path().join("search"))
                .output()
                .expect("run")
        };
        let refused = run(&["seed"]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(
            !refused.status.success(),
            "seed without --demo-accounts must fail on PostgreSQL"
        );
        assert!(
            stderr.contains("--demo-accounts") && stderr.contains("PostgreSQL"),
            "says why and how: {stderr}"
        );
        let db = test_db.connect().await;
        let orgs = platform::entity::organisations::Entity::find()
            .count(&db)
            .await
            .expect("count");
        let users = platform::entity::users::Entity::find()
            .count(&db)
            .await
            .expect("count");
        assert_eq!((orgs, users), (0, 0), "nothing loaded");

        let asked = run(&["seed", "--demo-accounts"]);
        assert!(
            asked.status.success(),
            "{}",
            String::from_utf8_lossy(&asked.stderr)
        );
        let users = platform::entity::users::Entity::find()
            .count(&db)
            .await
            .expect("count");
        assert!(
            users
                >= techmarket::sample::demo_accounts()
                    .expect("demo accounts")
                    .len() as u64,
            "demo accounts loaded when asked"
        );
        db.close().await.expect("close");
    }
}
