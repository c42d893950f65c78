//! The OpenAI-compatible embeddings protocol (`POST {url}/v1/embeddings`, `{"model", "input"}`
//! → `{"data": [{"index", "embedding"}]}`), with time limits, retries and batching. Every answer
//! is checked (count, order, length, finite numbers) before a vector is used: a server that
//! answers garbage is an error, never a silently wrong match.

use std::time::Duration;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

/// Longest text sent per input, in characters: e5-small reads at most 512 tokens, and this
/// bounds the request a huge listing makes.
const MAX_INPUT_CHARS: usize = 2_000;

/// How an embedder is reached (built from `matching.embedder_*`).
#[derive(Debug, Clone)]
pub struct EmbedderConfig {
    pub url: String,
    pub model: String,
    pub dimensions: usize,
    pub query_prefix: String,
    pub passage_prefix: String,
    pub input_type: bool,
    pub timeout: Duration,
    pub retries: u32,
    pub batch: usize,
}

impl EmbedderConfig {
    /// The model id stored with every vector (`model@dimensions`), and the vector space of a
    /// search index that holds them.
    pub fn model_id(&self) -> String {
        format!("{}@{}", self.model, self.dimensions)
    }

    /// The vectors this embedder makes, as a search index holds them.
    pub fn vector_space(&self) -> search::VectorSpace {
        search::VectorSpace {
            model: self.model_id(),
            dimensions: self.dimensions,
        }
    }
}

/// What a text is: e5-style models embed the two sides of a search differently.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// A need, or what someone typed into search.
    Query,
    /// A listing.
    Passage,
}

/// A client of one embeddings server.
#[derive(Debug, Clone)]
pub struct Embedder {
    config: EmbedderConfig,
    endpoint: String,
    http: reqwest::Client,
}

#[derive(Serialize)]
struct Request<'a> {
    model: &'a str,
    input: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    input_type: Option<&'static str>,
}

#[derive(Deserialize)]
struct Response {
    data: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    index: usize,
    embedding: Vec<f32>,
}

/// Why one request failed, and whether another try may succeed.
enum Failure {
    Transient(anyhow::Error),
    Permanent(anyhow::Error),
}

impl Embedder {
    /// A client for `config`; fails only when the HTTP client cannot be built.
    pub fn new(config: EmbedderConfig) -> anyhow::Result<Self> {
        let base = config.url.trim_end_matches('/');
        let endpoint = if base.ends_with("/embeddings") {
            base.to_owned()
        } else if base.ends_with("/v1") {
            format!("{base}/embeddings")
        } else {
            format!("{base}/v1/embeddings")
        };
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.timeout)
            .build()
            .context("Failed to build the embedder's HTTP client")?;
        Ok(Self {
            config,
            endpoint,
            http,
        })
    }

    /// The model id stored with every vector: a vector made by another model (or at another
    /// length) is stale and is re-embedded.
    pub fn model_id(&self) -> String {
        self.config.model_id()
    }

    /// Vector length.
    pub fn dimensions(&self) -> usize {
        self.config.dimensions
    }

    /// One vector per text, in order, each of length [`Embedder::dimensions`].
    #[tracing::instrument(skip_all, fields(texts = texts.len(), role = ?role))]
    pub async fn embed(&self, role: Role, texts: &[String]) -> anyhow::Result<Vec<Vec<f32>>> {
        let mut out = Vec::with_capacity(texts.len());
        for chunk in texts.chunks(self.config.batch.max(1)) {
            out.extend(self.embed_batch(role, chunk).await?);
        }
        Ok(out)
    }

    async fn embed_batch(&self, role: Role, texts: &[String]) -> anyhow::Result<Vec<Vec<f32>>> {
        let prefix = match (self.config.input_type, role) {
            (true, _) => "",
            (false, Role::Query) => self.config.query_prefix.as_str(),
            (false, Role::Passage) => self.config.passage_prefix.as_str(),
        };
        let input: Vec<String> = texts
            .iter()
            .map(|t| {
                let t: String = t.chars().take(MAX_INPUT_CHARS).collect();
                // An empty input is refused by some servers; a lone space embeds to something
                // harmless and keeps the answer's order.
                if t.trim().is_empty() {
                    format!("{prefix} ")
                } else {
                    format!("{prefix}{t}")
                }
            })
            .collect();
        let request = Request {
            model: &self.config.model,
            input: &input,
            input_type: self.config.input_type.then_some(match role {
                Role::Query => "query",
                Role::Passage => "passage",
            }),
        };
        let mut attempt = 0;
        loop {
            match self.post(&request, input.len()).await {
                Ok(vectors) => return Ok(vectors),
                Err(Failure::Permanent(err)) => return Err(err),
                Err(Failure::Transient(err)) if attempt >= self.config.retries => return Err(err),
                Err(Failure::Transient(err)) => {
                    attempt += 1;
                    tracing::debug!(error = %err, attempt, "embedder request failed; retrying");
                    tokio::time::sleep(Duration::from_millis(100 << attempt.min(6))).await;
                }
            }
        }
    }

    async fn post(&self, request: &Request<'_>, expected: usize) -> Result<Vec<Vec<f32>>, Failure> {
        let transient = |e: anyhow::Error| Failure::Transient(e);
        let mut response = self
            .http
            .post(&self.endpoint)
            .json(request)
            .send()
            .await
            .map_err(|e| {
                transient(anyhow::Error::new(e).context("Failed to reach the embedder"))
            })?;
        let status = response.status();
        if status.is_server_error() || status == reqwest::StatusCode::TOO_MANY_REQUESTS {
            return Err(transient(anyhow::anyhow!("the embedder answered {status}")));
        }
        if !status.is_success() {
            return Err(Failure::Permanent(anyhow::anyhow!(
                "the embedder refused the request: {status}"
            )));
        }
        // Read at most what the expected answer can take (a number in JSON is at most ~25
        // bytes), so a server streaming without end cannot exhaust memory.
        let cap = 4096 + expected * self.config.dimensions * 32;
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| {
            transient(anyhow::Error::new(e).context("Failed to read the embedder's answer"))
        })? {
            if body.len() + chunk.len() > cap {
                return Err(Failure::Permanent(anyhow::anyhow!(
                    "the embedder's answer is larger than {cap} bytes"
                )));
            }
            body.extend_from_slice(&chunk);
        }
        self.check(&body, expected).map_err(Failure::Permanent)
    }

    /// The vectors of an answer, in input order, or why the answer cannot be used.
    fn check(&self, body: &[u8], expected: usize) -> anyhow::Result<Vec<Vec<f32>>> {
        let answer: Response = serde_json::from_slice(body)
            .context("the embedder's answer is not an embeddings response")?;
        if answer.data.len() != expected {
            bail!(
                "the embedder returned {} vectors for {expected} inputs",
                answer.data.len()
            );
        }
        let mut vectors: Vec<Option<Vec<f32>>> = vec![None; expected];
        for item in answer.data {
            if item.embedding.len() != self.config.dimensions {
                bail!(
                    "the embedder returned a vector of {} dimensions, {} configured",
                    item.embedding.len(),
                    self.config.dimensions
                );
            }
            if !item.embedding.iter().all(|x| x.is_finite()) {
                bail!("the embedder returned a vector with a non-finite number");
            }
            let Some(slot) = vectors.get_mut(item.index) else {
                bail!("the embedder returned index {} of {expected}", item.index);
            };
            *slot = Some(item.embedding);
        }
        vectors
            .into_iter()
            .map(|v| v.context("the embedder returned an index twice and skipped another"))
            .collect()
    }
}
