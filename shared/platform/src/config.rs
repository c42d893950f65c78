//! Configuration: a TOML file (path in `TECHMARKET_CONFIG`, optional) overlaid with
//! `TECHMARKET_*` environment variables, validated once at start-up.
//!
//! Nested keys use a double underscore in the environment: `[database] url` is
//! `TECHMARKET_DATABASE__URL`. Every error names the key it is about, so an operator can fix a
//! deployment from the message alone.

use std::net::SocketAddr;
use std::path::PathBuf;

use figment::providers::{Format, Toml};
use figment::Figment;
use secrecy::SecretString;
use serde::{Deserialize, Serialize};

/// Prefix of every environment variable the configuration reads.
pub const ENV_PREFIX: &str = "TECHMARKET_";
/// Environment variable naming the TOML file to read, if any.
pub const CONFIG_FILE_VAR: &str = "TECHMARKET_CONFIG";
/// Variables with our prefix that are command inputs, not configuration keys.
pub const COMMAND_VARS: &[&str] = &["TECHMARKET_OPERATOR_PASSWORD"];

/// The whole configuration of a TechMarket process.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub server: ServerConfig,
    pub database: DatabaseConfig,
    pub search: SearchConfig,
    pub jobs: JobsConfig,
    pub auth: AuthConfig,
    pub telemetry: TelemetryConfig,
    pub email: EmailConfig,
    /// Matching's ranking settings; their keys and rules live in `matching::settings`.
    pub matching: ServiceSection,
    pub deal: DealConfig,
    pub portal: PortalConfig,
    pub retention: RetentionConfig,
    pub documents: DocumentsConfig,
    pub countries: CountriesConfig,
}

/// The countries whose organisations may register, besides those operators add at run time
/// (`platform::countries`, where the partner groups live too).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CountriesConfig {
    /// ISO 3166-1 alpha-2 codes; must include `CN`.
    pub served: Vec<String>,
}

impl Default for CountriesConfig {
    fn default() -> Self {
        Self {
            served: crate::countries::default_served(),
        }
    }
}

/// Which backend keeps documents (contract scans, annexes, invoices).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DocumentBackendKind {
    /// Files under `documents.dir` (embedded mode: `techmarket up` puts it in the data
    /// directory).
    Directory,
    /// An S3-compatible bucket (distributed mode; only the deal service has the keys).
    S3,
}

/// The document store (`docstore`): where uploaded documents live and how large they may be.
/// The S3 keys are secrets: set them from the environment or a secret file, never in a
/// committed TOML file.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DocumentsConfig {
    pub backend: DocumentBackendKind,
    /// Directory of the `directory` backend.
    pub dir: PathBuf,
    /// Largest document accepted, in bytes; larger uploads are answered 413 and nothing is
    /// kept. An upload must also finish within `server.request_timeout_secs`.
    pub max_bytes: u64,
    /// Base URL of the S3-compatible service (`https://…`, or `http://` inside a private
    /// network); unset for AWS itself, which is found from the region.
    pub s3_endpoint: Option<String>,
    /// The bucket (created beforehand by the operator).
    pub s3_bucket: Option<String>,
    pub s3_region: String,
    #[serde(serialize_with = "serialize_opt_secret")]
    pub s3_access_key_id: Option<SecretString>,
    #[serde(serialize_with = "serialize_opt_secret")]
    pub s3_secret_access_key: Option<SecretString>,
    /// The TrueType/OpenType font (or collection) PDF certificates are written in; it must
    /// cover Chinese. Unset: the first installed of Debian's fonts-noto-cjk / fonts-wqy
    /// (`deal::domain::certificate_pdf::FONT_SEARCH`). No usable font: the PDF is a 503.
    pub pdf_font: Option<PathBuf>,
    /// The face of `pdf_font` in a collection (`.ttc`); 0 for a single font.
    pub pdf_font_index: u32,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        Self {
            backend: DocumentBackendKind::Directory,
            dir: PathBuf::from("./data/documents"),
            max_bytes: 50 * 1024 * 1024,
            s3_endpoint: None,
            s3_bucket: None,
            s3_region: "us-east-1".to_owned(),
            s3_access_key_id: None,
            s3_secret_access_key: None,
            pdf_font: None,
            pdf_font_index: 0,
        }
    }
}

/// How long records that have served their purpose are kept before the periodic purge of each
/// service deletes them. Audit entries, contracts and listings are never purged.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// How often each service purges.
    pub purge_every_minutes: u64,
    /// Expired or revoked session tokens are deleted this many days after they ended (kept a
    /// while so "your session was revoked" can still be told apart from a forged token).
    pub ended_tokens_days: u32,
    /// Notifications the recipient has read are deleted this many days after they were
    /// created; unread ones are kept.
    pub read_notifications_days: u32,
    /// An import still waiting after this many days (its job parked, say) is failed and its
    /// uploaded file dropped; finished imports drop their file at once.
    pub unfinished_imports_days: u32,
}

impl RetentionConfig {
    /// The time between two purges of one service.
    pub fn purge_every(&self) -> chrono::Duration {
        chrono::Duration::minutes(i64::try_from(self.purge_every_minutes).unwrap_or(60))
    }
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            purge_every_minutes: 60,
            ended_tokens_days: 30,
            read_notifications_days: 90,
            unfinished_imports_days: 7,
        }
    }
}

/// The web portal.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PortalConfig {
    /// Base URL of the API (the ingress) when the portal runs as its own service, for example
    /// `http://ingress:8080`. Unset in embedded mode, where the portal calls the API routers in
    /// the same process.
    pub api_url: Option<String>,
    /// Mark the session cookie `Secure` (set it when the portal is served over HTTPS).
    pub secure_cookies: bool,
}

/// Contract registration (认定登记) settings of the registration office.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DealConfig {
    /// Format of generated registration numbers: `{year}` and one `{seq}` (`{seq:06}` pads
    /// the yearly sequence to six digits), anything else literal.
    pub registration_number_format: String,
    /// Office recorded on a registration when the operator names none.
    pub registration_office: String,
    /// Publicity window (公示) of a state-funded seller's negotiated deal, in days; owners may
    /// lengthen it for one deal, operators may also shorten it.
    pub publicity_days: i64,
    /// Fewest contracts a public turnover figure may sum; smaller cells are withheld from
    /// everyone but operators (a cell of one contract is that contract's amount).
    pub stats_min_cell_contracts: i64,
}

impl Default for DealConfig {
    fn default() -> Self {
        Self {
            registration_number_format: "{year}450000{seq:06}".to_owned(),
            registration_office:
                "广西壮族自治区技术市场管理办公室 / Guangxi Technology Market Office".to_owned(),
            publicity_days: 15,
            stats_min_cell_contracts: 3,
        }
    }
}

/// Names of the tables whose keys a service defines ([`ServiceSection`]).
pub const SERVICE_SECTIONS: &[&str] = &["matching"];

/// A table of the configuration whose keys belong to one service (`[matching]`:
/// `matching::settings`). Platform reads it with the rest of the file and environment; the
/// owning service gives it a type, defaults and rules ([`ServiceSection::parse`]) and checks it
/// at start-up, so platform holds no service's settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ServiceSection(serde_json::Map<String, serde_json::Value>);

impl ServiceSection {
    /// The section as the service's settings type `T` (its `#[serde(default)]` fills what is
    /// not set); an error names the key, as `section.field`, and its variable.
    pub fn parse<T: serde::de::DeserializeOwned>(&self, section: &str) -> Result<T, ConfigError> {
        let figment = Figment::from(figment::providers::Serialized::defaults(&self.0));
        figment.extract().map_err(|err| {
            let mut path = vec![section.to_owned()];
            path.extend(err.path.iter().cloned());
            // An unknown field is named in the path by some providers and not by others.
            if let figment::error::Kind::UnknownField(field, _) = &err.kind {
                if path.last() != Some(field) {
                    path.push(field.clone());
                }
            }
            ConfigError::new(&path.join("."), err.kind.to_string())
        })
    }

    /// Sets one key (tests and tools that adjust a loaded configuration).
    pub fn set(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.0.insert(key.to_owned(), value.into());
    }
}

/// HTTP listener and request limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServerConfig {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Largest request body accepted, in bytes (imports have their own, larger limit).
    pub body_limit_bytes: usize,
    /// Largest upload accepted by the import endpoint, in bytes.
    pub import_limit_bytes: usize,
    /// A request running longer than this is answered 503.
    pub request_timeout_secs: u64,
    /// The URL people reach the platform at (the ingress), for example
    /// `https://techmarket.example.cn`. When it is https, every response carries
    /// `Strict-Transport-Security` and the portal's session cookie is `Secure`.
    pub public_url: Option<String>,
}

impl ServerConfig {
    /// Whether the platform is served over https (its configured public URL says so).
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
    }
}

/// Database connection: `sqlite://…` in embedded mode, `postgres://…` in production.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DatabaseConfig {
    #[serde(serialize_with = "serialize_secret")]
    pub url: SecretString,
    pub max_connections: u32,
    pub acquire_timeout_secs: u64,
}

/// Which search backend serves `/api/v1/search` and matching candidates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SearchBackendKind {
    /// tantivy index on local disk (one machine).
    Embedded,
    /// A Meilisearch server (distributed mode).
    Meilisearch,
}

/// Search backend settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SearchConfig {
    pub backend: SearchBackendKind,
    /// Directory of the embedded index.
    pub index_dir: PathBuf,
    pub meili_url: Option<String>,
    #[serde(serialize_with = "serialize_opt_secret")]
    pub meili_api_key: Option<SecretString>,
    /// Prefix of Meilisearch index names, so several deployments can share one server.
    pub index_prefix: String,
}

/// Job-queue worker settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct JobsConfig {
    /// Run the consumers of this process's queues in-process.
    pub worker_enabled: bool,
    /// How often an idle worker looks for jobs.
    pub poll_interval_ms: u64,
    /// How long a claimed job stays leased before another worker may take it over.
    pub lease_secs: u64,
    /// After this many failed attempts a job stays in the table, parked, for an operator.
    pub max_attempts: i32,
    /// Longest one attempt of a handler may run; past it the attempt fails (and is retried)
    /// so that a hung handler cannot hold its worker for good.
    pub handler_timeout_secs: u64,
}

/// Session tokens and passwords.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AuthConfig {
    /// Lifetime of a login token.
    pub token_ttl_hours: i64,
    /// Failed logins for one account within `login_window_secs` before further attempts on
    /// it are answered 429 until the window has passed.
    pub login_max_failures: u32,
    /// Failed logins from one client address (any accounts) within the window before that
    /// address is answered 429. Larger than the per-account limit: offices share addresses.
    pub login_max_failures_per_address: u32,
    /// Length of the throttle's sliding window.
    pub login_window_secs: u64,
    /// Read the client address from the last `X-Forwarded-For` entry (set this only behind a
    /// proxy or ingress that writes that header); otherwise the socket peer is the client.
    pub trust_forwarded_for: bool,
    /// Password hashes computed at once (argon2 is deliberately slow and memory-hungry);
    /// 0 means half the CPU cores (at least one), so that a flood of logins leaves the other
    /// half to every other request.
    pub password_hash_concurrency: usize,
    /// How long a login waits for a hashing slot before it is answered 429 `busy`.
    pub password_hash_wait_ms: u64,
    /// A failed login (wrong credentials, throttled, or no hashing slot) is answered no sooner
    /// than this after it arrived. The wait costs the server a timer, not a core, and it bounds
    /// what each connection of a flood can do: 200 connections make at most 200 attempts
    /// per `failed_login_delay_ms`, so ordinary requests keep their latency.
    pub failed_login_delay_ms: u64,
}

/// Output format of logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Compact,
    Json,
}

/// Logging.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct TelemetryConfig {
    pub log_format: LogFormat,
    /// `EnvFilter` directive, e.g. `info` or `info,sqlx=warn`; `RUST_LOG` wins when set.
    pub log_level: String,
}

/// Outgoing email for alerts (off by default).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EmailConfig {
    pub enabled: bool,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub from: String,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            body_limit_bytes: 1024 * 1024,
            import_limit_bytes: 32 * 1024 * 1024,
            request_timeout_secs: 30,
            public_url: None,
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: SecretString::from("sqlite://./data/techmarket.db?mode=rwc"),
            max_connections: 10,
            acquire_timeout_secs: 5,
        }
    }
}

impl Default for SearchConfig {
    fn default() -> Self {
        Self {
            backend: SearchBackendKind::Embedded,
            index_dir: PathBuf::from("./data/search"),
            meili_url: None,
            meili_api_key: None,
            index_prefix: "techmarket".to_owned(),
        }
    }
}

impl Default for JobsConfig {
    fn default() -> Self {
        Self {
            worker_enabled: true,
            poll_interval_ms: 500,
            lease_secs: 60,
            max_attempts: 10,
            handler_timeout_secs: 900,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            token_ttl_hours: 24 * 14,
            login_max_failures: 10,
            login_max_failures_per_address: 100,
            login_window_secs: 15 * 60,
            trust_forwarded_for: false,
            password_hash_concurrency: 0,
            password_hash_wait_ms: 2_000,
            failed_login_delay_ms: 1_000,
        }
    }
}

impl Default for TelemetryConfig {
    fn default() -> Self {
        Self {
            log_format: LogFormat::Compact,
            log_level: "info".to_owned(),
        }
    }
}

impl Default for EmailConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            smtp_host: "127.0.0.1".to_owned(),
            smtp_port: 25,
            from: "TechMarket <noreply@techmarket.local>".to_owned(),
        }
    }
}

/// A configuration problem, naming the key (as in the TOML file) and the environment
/// variable that sets it.
#[derive(Debug, thiserror::Error)]
#[error("configuration key `{key}` (env {env_var}): {reason}")]
pub struct ConfigError {
    pub key: String,
    pub env_var: String,
    pub reason: String,
}

impl ConfigError {
    fn new(key: &str, reason: impl Into<String>) -> Self {
        Self {
            key: key.to_owned(),
            env_var: env_var_for(key),
            reason: reason.into(),
        }
    }
}

/// `database.url` → `TECHMARKET_DATABASE__URL`.
pub fn env_var_for(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.replace('.', "__").to_uppercase())
}

impl Config {
    /// Reads the file named by `TECHMARKET_CONFIG` (if set) and the `TECHMARKET_*` variables.
    pub fn load() -> Result<Self, ConfigError> {
        let file = std::env::var(CONFIG_FILE_VAR).ok().map(PathBuf::from);
        Self::load_from(file.as_deref(), std::env::vars())
    }

    /// Same as [`Config::load`] with the file and environment given, for tests.
    pub fn load_from(
        file: Option<&std::path::Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, ConfigError> {
        // Defaults come from `#[serde(default)]`, not from a serialized provider, so secrets
        // (which serialize redacted) keep their real default values.
        let mut figment = Figment::new();
        if let Some(path) = file {
            if !path.exists() {
                return Err(ConfigError {
                    key: "(file)".to_owned(),
                    env_var: CONFIG_FILE_VAR.to_owned(),
                    reason: format!("file {} does not exist", path.display()),
                });
            }
            figment = figment.merge(Toml::file(path));
        }
        // Collect the environment ourselves so tests can pass their own, and so a variable
        // with our prefix that names no key is an error rather than silently ignored.
        let known = Self::known_env_vars();
        let mut pairs = Vec::new();
        for (name, value) in env {
            if !name.starts_with(ENV_PREFIX)
                || name == CONFIG_FILE_VAR
                || COMMAND_VARS.contains(&name.as_str())
                || name.starts_with("TECHMARKET_TEST_")
            {
                continue;
            }
            if !known.contains(&name) && !names_a_service_section_key(&name) {
                let key = name[ENV_PREFIX.len()..].to_lowercase().replace("__", ".");
                return Err(ConfigError {
                    key,
                    env_var: name,
                    reason: "no such configuration key".to_owned(),
                });
            }
            pairs.push((name, value));
        }
        figment = figment.merge(EnvSnapshot {
            vars: pairs.into_iter().collect(),
        });
        let config: Config = figment.extract().map_err(|err| {
            let key = err.path.join(".");
            let key = if key.is_empty() {
                "(root)".to_owned()
            } else {
                key
            };
            ConfigError::new(&key, err.kind.to_string())
        })?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what types alone cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.retention.purge_every_minutes == 0 {
            return Err(ConfigError::new(
                "retention.purge_every_minutes",
                "must be at least 1",
            ));
        }
        if let Some(url) = &self.portal.api_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::new(
                    "portal.api_url",
                    "must start with http:// or https://",
                ));
            }
        }
        if let Some(url) = &self.server.public_url {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::new(
                    "server.public_url",
                    "must start with http:// or https://",
                ));
            }
        }
        use secrecy::ExposeSecret;
        let url = self.database.url.expose_secret();
        if !(url.starts_with("sqlite:")
            || url.starts_with("postgres://")
            || url.starts_with("postgresql://"))
        {
            return Err(ConfigError::new(
                "database.url",
                "must start with sqlite:, postgres:// or postgresql://",
            ));
        }
        if self.database.max_connections == 0 {
            return Err(ConfigError::new(
                "database.max_connections",
                "must be at least 1",
            ));
        }
        if self.search.backend == SearchBackendKind::Meilisearch && self.search.meili_url.is_none()
        {
            return Err(ConfigError::new(
                "search.meili_url",
                "is required when search.backend = \"meilisearch\"",
            ));
        }
        if self.server.body_limit_bytes < 1024 {
            return Err(ConfigError::new(
                "server.body_limit_bytes",
                "must be at least 1024",
            ));
        }
        if self.auth.token_ttl_hours <= 0 {
            return Err(ConfigError::new("auth.token_ttl_hours", "must be positive"));
        }
        if self.auth.login_max_failures == 0 || self.auth.login_max_failures_per_address == 0 {
            return Err(ConfigError::new(
                "auth.login_max_failures",
                "login_max_failures and login_max_failures_per_address must be at least 1",
            ));
        }
        if !(1..=7 * 24 * 3600).contains(&self.auth.login_window_secs) {
            return Err(ConfigError::new(
                "auth.login_window_secs",
                "must be between 1 and 604800",
            ));
        }
        if self.jobs.lease_secs == 0 {
            return Err(ConfigError::new("jobs.lease_secs", "must be positive"));
        }
        if self.jobs.handler_timeout_secs == 0 {
            return Err(ConfigError::new(
                "jobs.handler_timeout_secs",
                "must be positive",
            ));
        }
        let fmt = &self.deal.registration_number_format;
        if fmt.matches("{seq").count() != 1 || !fmt.contains('}') {
            return Err(ConfigError::new(
                "deal.registration_number_format",
                "must contain exactly one {seq} or {seq:0N} placeholder",
            ));
        }
        if !(1..=90).contains(&self.deal.publicity_days) {
            return Err(ConfigError::new(
                "deal.publicity_days",
                "must be between 1 and 90",
            ));
        }
        if self.jobs.max_attempts < 1 {
            return Err(ConfigError::new("jobs.max_attempts", "must be at least 1"));
        }
        self.documents.validate()?;
        if !self.countries.served.iter().any(|c| c == "CN") {
            return Err(ConfigError::new("countries.served", "must include CN"));
        }
        if let Some(bad) = self
            .countries
            .served
            .iter()
            .find(|c| !crate::countries::is_country_code(c))
        {
            return Err(ConfigError::new(
                "countries.served",
                format!("{bad:?} is not an upper-case ISO 3166-1 alpha-2 code"),
            ));
        }
        Ok(())
    }

    /// Every `TECHMARKET_*` variable that sets a key, derived from the structure itself so
    /// the deployment manifests can be checked against it. The keys of a
    /// [`ServiceSection`] are its owner's to list (`matching::MatchingConfig::env_vars`).
    pub fn known_env_vars() -> Vec<String> {
        let mut keys = Vec::new();
        let value = serde_json::to_value(Config::default()).unwrap_or_default();
        collect_keys("", &value, &mut keys);
        // Optional keys serialize as null; they are still keys.
        let mut vars: Vec<String> = keys.iter().map(|k| env_var_for(k)).collect();
        vars.push(CONFIG_FILE_VAR.to_owned());
        vars.sort();
        vars
    }
}

impl DocumentsConfig {
    fn validate(&self) -> Result<(), ConfigError> {
        if self.max_bytes == 0 {
            return Err(ConfigError::new(
                "documents.max_bytes",
                "must be at least 1",
            ));
        }
        if self.backend != DocumentBackendKind::S3 {
            return Ok(());
        }
        let required = [
            ("documents.s3_bucket", self.s3_bucket.is_some()),
            (
                "documents.s3_access_key_id",
                self.s3_access_key_id.is_some(),
            ),
            (
                "documents.s3_secret_access_key",
                self.s3_secret_access_key.is_some(),
            ),
        ];
        for (key, set) in required {
            if !set {
                return Err(ConfigError::new(
                    key,
                    "is required when documents.backend = \"s3\"",
                ));
            }
        }
        if let Some(url) = &self.s3_endpoint {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(ConfigError::new(
                    "documents.s3_endpoint",
                    "must start with http:// or https://",
                ));
            }
        }
        Ok(())
    }
}

/// `TECHMARKET_MATCHING__…`: a key of a service's own section, checked by that service.
fn names_a_service_section_key(var: &str) -> bool {
    SERVICE_SECTIONS
        .iter()
        .any(|section| var.starts_with(&format!("{}__", env_var_for(section))))
}

fn collect_keys(prefix: &str, value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                collect_keys(&key, v, out);
            }
        }
        _ => out.push(prefix.to_owned()),
    }
}

/// Environment variables as a figment provider, over a given set rather than the live
/// environment (tests pass their own).
struct EnvSnapshot {
    vars: std::collections::HashMap<String, String>,
}

impl figment::Provider for EnvSnapshot {
    fn metadata(&self) -> figment::Metadata {
        figment::Metadata::named("TECHMARKET_* environment variables")
    }

    fn data(
        &self,
    ) -> Result<figment::value::Map<figment::Profile, figment::value::Dict>, figment::Error> {
        let mut dict = figment::value::Dict::new();
        for (name, value) in &self.vars {
            let key = name[ENV_PREFIX.len()..].to_lowercase();
            let path: Vec<&str> = key.split("__").collect();
            insert_path(
                &mut dict,
                &path,
                figment::value::Value::from(value.clone()).into_parsed(),
            );
        }
        Ok(figment::Profile::Default.collect(dict))
    }
}

trait IntoParsed {
    fn into_parsed(self) -> figment::value::Value;
}

impl IntoParsed for figment::value::Value {
    /// Environment values are strings; parse them like figment's `Env` does ("8080" → int).
    fn into_parsed(self) -> figment::value::Value {
        match &self {
            figment::value::Value::String(_, s) => {
                s.parse::<figment::value::Value>().unwrap_or(self.clone())
            }
            _ => self,
        }
    }
}

fn insert_path(dict: &mut figment::value::Dict, path: &[&str], value: figment::value::Value) {
    match path {
        [] => {}
        [last] => {
            dict.insert((*last).to_owned(), value);
        }
        [head, rest @ ..] => {
            let entry = dict
                .entry((*head).to_owned())
                .or_insert_with(|| figment::value::Value::from(figment::value::Dict::new()));
            if let figment::value::Value::Dict(_, inner) = entry {
                insert_path(inner, rest, value);
            }
        }
    }
}

fn serialize_secret<S: serde::Serializer>(_: &SecretString, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str("[redacted]")
}

fn serialize_opt_secret<S: serde::Serializer>(
    v: &Option<SecretString>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(_) => s.serialize_str("[redacted]"),
        None => s.serialize_none(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_are_valid() {
        Config::load_from(None, env(&[])).expect("defaults");
    }

    #[test]
    fn environment_overrides_nested_keys() {
        let c = Config::load_from(
            None,
            env(&[
                ("TECHMARKET_SERVER__ADDR", "0.0.0.0:9000"),
                ("TECHMARKET_JOBS__WORKER_ENABLED", "false"),
            ]),
        )
        .expect("valid");
        assert_eq!(c.server.addr.port(), 9000);
        assert!(!c.jobs.worker_enabled);
    }

    #[test]
    fn a_bad_value_names_its_key() {
        let err = Config::load_from(None, env(&[("TECHMARKET_SERVER__ADDR", "not an address")]))
            .expect_err("must fail");
        assert_eq!(err.key, "server.addr");
        assert!(err.to_string().contains("TECHMARKET_SERVER__ADDR"), "{err}");
    }

    #[test]
    fn an_unknown_variable_is_refused_by_name() {
        let err = Config::load_from(None, env(&[("TECHMARKET_DATABSE__URL", "x")]))
            .expect_err("must fail");
        assert_eq!(err.env_var, "TECHMARKET_DATABSE__URL");
    }

    #[test]
    fn meilisearch_without_url_names_the_missing_key() {
        let err = Config::load_from(None, env(&[("TECHMARKET_SEARCH__BACKEND", "meilisearch")]))
            .expect_err("must fail");
        assert_eq!(err.key, "search.meili_url");
    }

    #[test]
    fn s3_documents_name_each_missing_key() {
        let err = Config::load_from(None, env(&[("TECHMARKET_DOCUMENTS__BACKEND", "s3")]))
            .expect_err("must fail");
        assert_eq!(err.key, "documents.s3_bucket");
        let c = Config::load_from(
            None,
            env(&[
                ("TECHMARKET_DOCUMENTS__BACKEND", "s3"),
                ("TECHMARKET_DOCUMENTS__S3_BUCKET", "docs"),
                ("TECHMARKET_DOCUMENTS__S3_ACCESS_KEY_ID", "k"),
                ("TECHMARKET_DOCUMENTS__S3_SECRET_ACCESS_KEY", "s"),
            ]),
        )
        .expect("valid");
        assert_eq!(c.documents.backend, DocumentBackendKind::S3);
        let shown = serde_json::to_value(&c).expect("serialize");
        assert_eq!(shown["documents"]["s3_secret_access_key"], "[redacted]");
    }

    #[test]
    fn toml_file_is_read_and_env_wins() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("techmarket.toml");
        std::fs::write(
            &path,
            "[server]\naddr = \"127.0.0.1:7000\"\n[jobs]\nlease_secs = 5\n",
        )
        .expect("write");
        let c = Config::load_from(
            Some(&path),
            env(&[("TECHMARKET_SERVER__ADDR", "127.0.0.1:7001")]),
        )
        .expect("valid");
        assert_eq!(c.server.addr.port(), 7001);
        assert_eq!(c.jobs.lease_secs, 5);
    }

    #[test]
    fn known_env_vars_cover_nested_and_optional_keys() {
        let vars = Config::known_env_vars();
        assert!(vars.contains(&"TECHMARKET_DATABASE__URL".to_owned()));
        assert!(vars.contains(&"TECHMARKET_SEARCH__MEILI_API_KEY".to_owned()));
    }
}
