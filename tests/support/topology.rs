//! The production topology on loopback: a Meilisearch server, `techmarket migrate` and `seed`
//! on a fresh PostgreSQL database, the four services as processes of their own (`techmarket
//! serve <service>`, each with only its own Meilisearch key), and nginx with deploy/'s routing
//! configuration in front of them. tests/topology/run provides what it needs (PostgreSQL,
//! Meilisearch, nginx) and runs tests/it/topology.rs.

use std::collections::BTreeMap;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::command::{settle, techmarket};
use crate::db::{Backend, TestDb};
use crate::soak::Crashable;

/// The order in which the soak kills the services, one per cycle.
pub const KILL_ORDER: [&str; 4] = ["listing", "matching", "deal", "portal"];

/// The Meilisearch binary: `TECHMARKET_MEILI_BIN`, else `meilisearch` on `PATH`.
pub fn meili_bin() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("TECHMARKET_MEILI_BIN") {
        return Some(PathBuf::from(bin));
    }
    on_path("meilisearch")
}

/// nginx: `TECHMARKET_NGINX_BIN`, else `nginx` on `PATH` or in /usr/sbin (Debian's package).
pub fn nginx_bin() -> Option<PathBuf> {
    if let Some(bin) = std::env::var_os("TECHMARKET_NGINX_BIN") {
        return Some(PathBuf::from(bin));
    }
    on_path("nginx").or_else(|| {
        let sbin = PathBuf::from("/usr/sbin/nginx");
        sbin.exists().then_some(sbin)
    })
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    let probe = TcpListener::bind("127.0.0.1:0").expect("free port");
    probe.local_addr().expect("local addr").port()
}

/// deploy/nginx.conf, the configuration compose mounts, with the addresses of this machine
/// put in place of compose's: each `server <service>:8080;` becomes the service's loopback
/// port, `listen 8080;` the ingress's, and the paths under /tmp move into `dir`. Nothing
/// else changes, so the routing tested is the routing shipped; a value that is not found
/// fails, so the file cannot drift away from what this replaces.
pub fn render_nginx(ports: &BTreeMap<&str, u16>, listen: u16, dir: &Path) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../deploy/nginx.conf");
    let mut text = std::fs::read_to_string(&path).expect("read deploy/nginx.conf");
    let mut replace = |from: &str, to: &str| {
        assert!(
            text.contains(from),
            "deploy/nginx.conf no longer has `{from}`: update tests/support/topology.rs"
        );
        text = text.replace(from, to);
    };
    for (service, port) in ports {
        replace(
            &format!("server {service}:8080;"),
            &format!("server 127.0.0.1:{port};"),
        );
    }
    replace("listen 8080;", &format!("listen 127.0.0.1:{listen};"));
    replace("/tmp/", &format!("{}/", dir.display()));
    text
}

/// One running topology. Everything it started is killed when it is dropped.
pub struct Topology {
    /// The ingress: the platform's public URL.
    pub url: String,
    /// Each service's own URL (for `/readyz` and `/metrics`, which the ingress does not show).
    pub service_urls: BTreeMap<&'static str, String>,
    env: BTreeMap<&'static str, Vec<(String, String)>>,
    services: BTreeMap<&'static str, Child>,
    others: Vec<Child>,
    dir: tempfile::TempDir,
    _db: TestDb,
}

impl Topology {
    /// Starts Meilisearch, migrates and seeds a fresh PostgreSQL database (sample data with
    /// the demo accounts), starts the four services and nginx, and waits until the sample
    /// data is indexed and matched.
    pub async fn start(meili: &Path, nginx: &Path) -> Topology {
        let dir = tempfile::tempdir().expect("topology directory");
        // nginx's workers drop root and must reach their scratch files in here.
        std::fs::set_permissions(
            dir.path(),
            std::os::unix::fs::PermissionsExt::from_mode(0o755),
        )
        .expect("chmod topology directory");
        let db = TestDb::empty_unmigrated(Backend::Postgres).await;
        let mut others = Vec::new();

        let meili_port = free_port();
        let master_key = format!("topology-master-{}", uuid::Uuid::now_v7().simple());
        others.push(
            Command::new(meili)
                .args(["--no-analytics", "--env", "development"])
                .arg("--db-path")
                .arg(dir.path().join("meili"))
                .args(["--http-addr", &format!("127.0.0.1:{meili_port}")])
                .args(["--master-key", &master_key])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("start meilisearch"),
        );
        let meili_url = format!("http://127.0.0.1:{meili_port}");
        wait_ok(&format!("{meili_url}/health"), Duration::from_secs(60)).await;

        let prefix = format!("topo{}", uuid::Uuid::now_v7().simple());
        let common = vec![
            ("TECHMARKET_DATABASE__URL".to_owned(), db.url.clone()),
            (
                "TECHMARKET_SEARCH__BACKEND".to_owned(),
                "meilisearch".to_owned(),
            ),
            ("TECHMARKET_SEARCH__MEILI_URL".to_owned(), meili_url.clone()),
            ("TECHMARKET_SEARCH__INDEX_PREFIX".to_owned(), prefix),
            (
                "TECHMARKET_JOBS__POLL_INTERVAL_MS".to_owned(),
                "200".to_owned(),
            ),
            // A killed worker's job waits out its lease before another worker (or the
            // restarted one) takes it: the lease bounds recovery, as in deploy/compose.yaml.
            ("TECHMARKET_JOBS__LEASE_SECS".to_owned(), "2".to_owned()),
            (
                "TECHMARKET_AUTH__TRUST_FORWARDED_FOR".to_owned(),
                "true".to_owned(),
            ),
        ];
        let with_key = |key: &str| {
            let mut env = common.clone();
            env.push((
                "TECHMARKET_SEARCH__MEILI_API_KEY".to_owned(),
                key.to_owned(),
            ));
            env
        };
        let admin = with_key(&master_key);
        run_ok(&admin, &["migrate"]);
        let keys = String::from_utf8(run_ok(&admin, &["search-keys"])).expect("utf-8 keys");
        let key_of = |service: &str| {
            keys.lines()
                .find_map(|l| {
                    l.strip_prefix(service)?
                        .trim()
                        .strip_prefix("TECHMARKET_SEARCH__MEILI_API_KEY=")
                })
                .unwrap_or_else(|| panic!("search-keys printed no key for {service}: {keys}"))
                .to_owned()
        };
        run_ok(&admin, &["seed", "--demo-accounts"]);
        run_ok(&admin, &["reindex"]);
        run_ok(&admin, &["rematch"]);

        let ports: BTreeMap<&str, u16> = KILL_ORDER.iter().map(|s| (*s, free_port())).collect();
        let ingress = free_port();
        let url = format!("http://127.0.0.1:{ingress}");
        let mut env = BTreeMap::new();
        env.insert("listing", with_key(&key_of("listing")));
        env.insert("matching", with_key(&key_of("matching")));
        // The deal service uses no search index and gets no key; the portal gets neither a key
        // nor a database it could reach. Deal's documents go to the scratch directory (the
        // directory backend; the S3 one has its own tests), not the working directory.
        let mut deal_env = common.clone();
        deal_env.push((
            "TECHMARKET_DOCUMENTS__DIR".to_owned(),
            dir.path().join("documents").display().to_string(),
        ));
        env.insert("deal", deal_env);
        env.insert(
            "portal",
            vec![
                (
                    "TECHMARKET_DATABASE__URL".to_owned(),
                    "postgres://nobody:nothing@127.0.0.1:9/none".to_owned(),
                ),
                ("TECHMARKET_PORTAL__API_URL".to_owned(), url.clone()),
            ],
        );
        for (service, port) in &ports {
            if let Some(vars) = env.get_mut(service) {
                vars.push((
                    "TECHMARKET_SERVER__ADDR".to_owned(),
                    format!("127.0.0.1:{port}"),
                ));
            }
        }
        let service_urls = ports
            .iter()
            .map(|(s, p)| {
                let name = KILL_ORDER.iter().find(|k| *k == s).expect("known service");
                (*name, format!("http://127.0.0.1:{p}"))
            })
            .collect();

        let conf = dir.path().join("nginx.conf");
        std::fs::write(&conf, render_nginx(&ports, ingress, dir.path())).expect("write nginx.conf");
        others.push(
            Command::new(nginx)
                .arg("-p")
                .arg(dir.path())
                .arg("-c")
                .arg(&conf)
                .args(["-g", "daemon off;"])
                .stdout(Stdio::null())
                .spawn()
                .expect("start nginx"),
        );

        let mut topology = Topology {
            url,
            service_urls,
            env,
            services: BTreeMap::new(),
            others,
            dir,
            _db: db,
        };
        for service in KILL_ORDER {
            topology.start_service(service).await;
        }
        wait_ok(
            &format!("{}/nginx-health", topology.url),
            Duration::from_secs(30),
        )
        .await;
        let client = reqwest::Client::new();
        for service in ["listing", "matching", "deal"] {
            settle(
                &client,
                &topology.service_urls[service],
                Duration::from_secs(300),
            )
            .await;
        }
        topology
    }

    /// The topology's scratch directory (nginx's and Meilisearch's files).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Starts `service` and waits until its `/readyz` answers 200.
    pub async fn start_service(&mut self, service: &'static str) {
        let mut cmd = techmarket();
        for (name, value) in &self.env[service] {
            cmd.env(name, value);
        }
        let child = cmd
            .args(["serve", service])
            .stdout(Stdio::null())
            .spawn()
            .expect("start service");
        self.services.insert(service, child);
        wait_ok(
            &format!("{}/readyz", self.service_urls[service]),
            Duration::from_secs(60),
        )
        .await;
    }

    /// Kills `service` with SIGKILL and waits until it is gone.
    pub fn kill_service(&mut self, service: &str) {
        if let Some(mut child) = self.services.remove(service) {
            child.kill().expect("SIGKILL");
            let _ = child.wait();
        }
    }
}

impl Crashable for Topology {
    fn kill(&mut self, cycle: usize) {
        self.kill_service(KILL_ORDER[cycle % KILL_ORDER.len()]);
    }

    fn restart(&mut self, cycle: usize) -> String {
        let service = KILL_ORDER[cycle % KILL_ORDER.len()];
        tokio::task::block_in_place(|| {
            tokio::runtime::Handle::current().block_on(self.start_service(service));
        });
        self.url.clone()
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        for child in self.services.values_mut().chain(self.others.iter_mut()) {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Runs a `techmarket` command with `env`; panics with its stderr unless it succeeds. Returns
/// its stdout.
fn run_ok(env: &[(String, String)], args: &[&str]) -> Vec<u8> {
    let mut cmd = techmarket();
    for (name, value) in env {
        cmd.env(name, value);
    }
    let out = cmd.args(args).output().expect("run techmarket");
    assert!(
        out.status.success(),
        "techmarket {} failed: {}",
        args.join(" "),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// Waits until `url` answers 2xx, at most `limit`.
async fn wait_ok(url: &str, limit: Duration) {
    let client = reqwest::Client::new();
    let deadline = Instant::now() + limit;
    loop {
        if let Ok(res) = client.get(url).send().await {
            if res.status().is_success() {
                return;
            }
        }
        assert!(
            Instant::now() < deadline,
            "{url} did not answer within {limit:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}
