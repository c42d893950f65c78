//! The platform started in process on a free port, and a small client for it.

use std::net::SocketAddr;

use platform::config::Config;
use platform::jobs::worker::{Outcome, Worker};
use platform::AppState;
use reqwest::header::{HeaderMap, CONTENT_TYPE};
use reqwest::{Method, StatusCode};
use sea_orm::DatabaseConnection;
use serde_json::Value;
use tokio::sync::watch;

use crate::db::{Backend, TestDb};

/// The whole platform (embedded router: every service and the portal) on `127.0.0.1:0`, over
/// a fresh database. Job workers do not run by themselves: tests drive the queue with
/// [`TestApp::run_jobs`] so that what happened is deterministic.
pub struct TestApp {
    pub addr: SocketAddr,
    pub base_url: String,
    pub db: DatabaseConnection,
    pub state: AppState,
    pub backend: Backend,
    client: reqwest::Client,
    /// An operator's token for reading statistics, made on first use.
    pub(crate) stats_operator: tokio::sync::OnceCell<String>,
    _stop: watch::Sender<bool>,
    _test_db: TestDb,
    _data: tempfile::TempDir,
}

/// A response with its body read, for assertions.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
    pub text: String,
}

impl TestResponse {
    /// The `content-type` header, or "".
    pub fn content_type(&self) -> &str {
        self.headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    /// Asserts a problem-JSON error with this status and code; returns the body.
    #[track_caller]
    pub fn assert_problem(&self, status: u16, code: &str) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        assert!(
            self.content_type().starts_with("application/problem+json"),
            "expected problem JSON, got {:?}: {}",
            self.content_type(),
            self.text
        );
        assert_eq!(
            self.body["code"], code,
            "unexpected problem code; body: {}",
            self.text
        );
        assert_eq!(
            self.body["status"], status,
            "problem status field; body: {}",
            self.text
        );
        &self.body
    }

    /// Asserts a success status; returns the body.
    #[track_caller]
    pub fn assert_status(&self, status: u16) -> &Value {
        assert_eq!(
            self.status.as_u16(),
            status,
            "unexpected status; body: {}",
            self.text
        );
        &self.body
    }
}

impl TestApp {
    /// Starts the platform on `backend` with the default configuration.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, |_| {}).await
    }

    /// Starts the platform on `backend`, letting the test adjust the configuration.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Config)) -> TestApp {
        let test_db = TestDb::migrated(backend).await;
        let data = tempfile::tempdir().expect("data directory");
        let mut config = Config::default();
        config.database = test_db.config();
        config.server.addr = SocketAddr::from(([127, 0, 0, 1], 0));
        config.search.index_dir = data.path().join("search");
        config.documents.dir = data.path().join("documents");
        config.jobs.worker_enabled = false;
        // Failed logins are answered at once so throttle tests stay quick; the hold itself is
        // tested with its own setting (accounts.rs).
        config.auth.failed_login_delay_ms = 0;
        adjust(&mut config);
        let db = test_db.connect().await;
        let search = techmarket::open_search(&config)
            .await
            .expect("open search index");
        let documents =
            platform::state::open_documents(&config.documents).expect("open document store");
        let state = techmarket::with_meaning(AppState::new(db.clone(), config, search, documents))
            .expect("search by meaning as configured");
        let (app, _) = techmarket::embedded_app(state.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("local addr");
        let (stop, mut stopped) = watch::channel(false);
        let serve_state = state.clone();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.changed().await;
            };
            if let Err(err) =
                platform::serve::run(listener, app, serve_state, techmarket::all_jobs(), shutdown)
                    .await
            {
                eprintln!("test server stopped: {err:#}");
            }
        });
        TestApp {
            addr,
            base_url: format!("http://{addr}"),
            db,
            state,
            backend,
            client: reqwest::Client::new(),
            stats_operator: tokio::sync::OnceCell::new(),
            _stop: stop,
            _test_db: test_db,
            _data: data,
        }
    }

    /// Sends a request; `body` as JSON when given, bearer `token` when given.
    pub async fn request(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> TestResponse {
        let mut req = self
            .client
            .request(method, format!("{}{path}", self.base_url));
        if let Some(token) = token {
            req = req.bearer_auth(token);
        }
        if let Some(body) = body {
            req = req.json(body);
        }
        Self::read(req.send().await.expect("request reached the server")).await
    }

    /// Sends raw bytes with a content type (for malformed-input tests).
    pub async fn request_raw(
        &self,
        method: Method,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> TestResponse {
        let req = self
            .client
            .request(method, format!("{}{path}", self.base_url))
            .header(CONTENT_TYPE, content_type)
            .body(body);
        Self::read(req.send().await.expect("request reached the server")).await
    }

    pub(crate) async fn read_response(response: reqwest::Response) -> TestResponse {
        Self::read(response).await
    }

    async fn read(response: reqwest::Response) -> TestResponse {
        let status = response.status();
        let headers = response.headers().clone();
        let text = response.text().await.expect("response body");
        let body = serde_json::from_str(&text).unwrap_or(Value::Null);
        TestResponse {
            status,
            headers,
            body,
            text,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> TestResponse {
        self.request(Method::GET, path, token, None).await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> TestResponse {
        self.request(Method::POST, path, token, Some(body)).await
    }

    /// Runs every due job to completion (or failure) and returns what happened.
    pub async fn run_jobs(&self) -> Vec<Outcome> {
        let worker = Worker::new(
            self.db.clone(),
            std::sync::Arc::new(techmarket::all_jobs()),
            self.state.clone(),
            self.state.config.jobs.clone(),
        );
        // Handlers enqueue follow-up jobs due "now", later than the moment a round started:
        // keep going until a round finds nothing due.
        let mut all = Vec::new();
        loop {
            let round = worker
                .run_until_idle_at(chrono::Utc::now())
                .await
                .expect("job queue reachable");
            if round.is_empty() {
                return all;
            }
            all.extend(round);
        }
    }

    /// Signs up a new organisation of `kind` with its admin; returns (token, organisation id).
    pub async fn sign_up(&self, kind: &str, email: &str) -> (String, String) {
        let body = signup_body(kind, email);
        let res = self.post("/api/v1/auth/signup", None, &body).await;
        let body = res.assert_status(201);
        (
            body["token"].as_str().expect("token").to_owned(),
            body["organisation"]["id"]
                .as_str()
                .expect("organisation id")
                .to_owned(),
        )
    }

    /// Creates an operator directly (as `techmarket admin create-operator` does) and logs in.
    pub async fn operator_token(&self) -> String {
        let email = format!("op-{}@ops.test", uuid::Uuid::now_v7().simple());
        listing::domain::accounts::create_operator(&self.db, &email, "Operator", OPERATOR_PASSWORD)
            .await
            .expect("create operator");
        self.login(&email, OPERATOR_PASSWORD).await
    }

    /// Logs in and returns the token, asserting success.
    pub async fn login(&self, email: &str, password: &str) -> String {
        let res = self
            .post(
                "/api/v1/auth/login",
                None,
                &serde_json::json!({"email": email, "password": password}),
            )
            .await;
        res.assert_status(200)["token"]
            .as_str()
            .expect("token")
            .to_owned()
    }
}

/// Password of operators made by [`TestApp::operator_token`].
pub const OPERATOR_PASSWORD: &str = "operator-password-1";
/// Password of users made by [`signup_body`].
pub const USER_PASSWORD: &str = "user-password-123";

/// A valid sign-up body for a Guangxi organisation of `kind` (credit code with a correct
/// check character, unique per call).
pub fn signup_body(kind: &str, email: &str) -> Value {
    let serial = uuid::Uuid::now_v7().as_u128() % 10_000_000;
    let prefix = format!("91450100MA{serial:07}");
    let prefix: String = prefix.chars().take(17).collect();
    let check = platform::identifiers::credit_code_check_char(&prefix).expect("valid prefix");
    serde_json::json!({
        "email": email,
        "password": USER_PASSWORD,
        "display_name": "Test person",
        "organisation": {
            "name": format!("测试机构 {serial}"),
            "kind": kind,
            "country": "CN",
            "region_code": "450100",
            "credit_code": format!("{prefix}{check}"),
        }
    })
}

impl TestApp {
    /// Sends raw bytes with a content type and a bearer token (uploads).
    pub async fn client_request(
        &self,
        method: Method,
        path: &str,
        token: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> TestResponse {
        let req = self
            .client
            .request(method, format!("{}{path}", self.base_url))
            .bearer_auth(token)
            .header(CONTENT_TYPE, content_type)
            .body(body);
        Self::read(req.send().await.expect("request reached the server")).await
    }
}

impl TestApp {
    /// Signs up an organisation in an ASEAN country (no credit code); returns (token, org id).
    pub async fn sign_up_asean(&self, kind: &str, country: &str, email: &str) -> (String, String) {
        let body = serde_json::json!({
            "email": email,
            "password": USER_PASSWORD,
            "display_name": "Partner",
            "organisation": {"name": format!("Partner {country} {}", uuid::Uuid::now_v7().simple()), "kind": kind, "country": country, "region_code": country}
        });
        let res = self.post("/api/v1/auth/signup", None, &body).await;
        let body = res.assert_status(201);
        (
            body["token"].as_str().expect("token").to_owned(),
            body["organisation"]["id"]
                .as_str()
                .expect("organisation id")
                .to_owned(),
        )
    }
}
