//! Search over published listings, behind one trait with two backends that must give the same
//! answers for filters and near-identical ranking:
//!
//! - [`embedded`]: a tantivy index on local disk (embedded mode, the default);
//! - [`meili`]: a Meilisearch server (distributed mode).
//!
//! Both tokenise with `charabia` (Meilisearch's own tokenizer) through [`analysis`], so Chinese,
//! Thai and Vietnamese are segmented the same way on both sides, and both compute highlights and
//! the matched language with the same code. The one conformance suite both must pass lives with
//! the crate's tests (`tests/conformance/`); the benchmark lives in the `benchmarks` crate, so
//! neither is compiled into the services. The index is derived
//! data: it follows the database through the `search` job queue and `techmarket reindex`
//! rebuilds it.

use std::collections::BTreeMap;

pub mod analysis;
pub mod embedded;
pub mod meili;

pub use embedded::EmbeddedIndex;
pub use meili::MeiliIndex;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use wire::ListingKind;

/// The text of a listing in one language (the original or a translation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LangText {
    /// BCP 47 primary language: `zh`, `en`, `vi`, `th`, `ms`, `id`, `km`, `lo`, `my`, `fil`…
    pub language: String,
    pub title: String,
    pub summary: String,
    pub description: String,
    pub keywords: Vec<String>,
}

/// One published listing as the index sees it. Only published, unexpired listings are indexed:
/// drafts, rejected, withdrawn, expired and closed ones are deleted from the index.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchDoc {
    pub id: Uuid,
    pub kind: ListingKind,
    /// True for a need that is an open call (揭榜挂帅).
    pub open_call: bool,
    pub organisation_id: Uuid,
    pub original_language: String,
    /// The original first, then every translation.
    pub texts: Vec<LangText>,
    /// Industry field code (`modern_agriculture`, `biomedicine`, …).
    pub industry: String,
    /// GB/T 2260 city code (`450200`) for China, the ISO country code elsewhere.
    pub region_code: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// Achievement: its TRL. Need: the minimum TRL it accepts.
    pub trl: i16,
    /// Achievement: IP type (`invention_patent`, …). Needs have none.
    pub ip_type: Option<String>,
    /// IPC codes as given (`A01D 45/10`).
    pub ipc_codes: Vec<String>,
    pub cooperation_modes: Vec<String>,
    /// Asking price (achievement) or budget (need) range, in CNY fen (converted at publish
    /// time for other currencies) so one filter covers every currency. `None`: negotiable.
    pub price_min_cny_fen: Option<i64>,
    pub price_max_cny_fen: Option<i64>,
    pub cross_border: bool,
    /// Need deadline / open-call deadline; achievements have none.
    pub deadline: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub published_at: DateTime<Utc>,
    /// The listing's vectors (one per text or passage, matching's `listing_embeddings` of the
    /// index's [`VectorSpace`]), for a backend that searches by meaning itself
    /// ([`SearchIndex::nearest`]: Meilisearch with a declared embedder). Empty: none; the
    /// embedded backend ignores them (matching keeps its own in-process index).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vectors: Vec<Vec<f32>>,
}

/// The vectors a search index holds beside its documents: the embedding model that made them
/// (`model@dimensions`, as stored with every row of `listing_embeddings`) and their length.
/// The listing service sends a document the vectors of this model only, so a model change
/// never mixes two models' vectors in one index.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VectorSpace {
    pub model: String,
    pub dimensions: usize,
}

/// Search by meaning for what someone typed (`GET /api/v1/search`'s hits "by meaning"): embed
/// the text as a query and find the listings nearest to it. The listing service asks through
/// this word; the implementation (the embedder, the vectors) is matching's, given to the
/// listing service's state by the process that runs it, so neither crate links the other.
#[async_trait::async_trait]
pub trait MeaningSearch: Send + Sync {
    /// Listings of `kinds` nearest in meaning to `text`, best first, with their cosine
    /// similarity, at most `limit`, only those similar enough to show. Empty when the embedder
    /// fails: search then answers with full text alone.
    async fn similar(
        &self,
        text: &str,
        kinds: &[ListingKind],
        limit: usize,
    ) -> Vec<(ListingKind, Uuid, f64)>;
}

/// Order of results.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Best text match first (newest first when there is no text).
    #[default]
    Relevance,
    /// Most recently published first.
    Newest,
    /// Earliest deadline first; listings without a deadline last.
    Deadline,
}

/// Filters; every set field must hold (AND), lists match any of their values (OR).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Filters {
    pub kinds: Vec<ListingKind>,
    pub open_call: Option<bool>,
    pub industries: Vec<String>,
    /// City codes, a province code (`450000` matches every `45xxxx`), or ASEAN country codes.
    pub regions: Vec<String>,
    pub countries: Vec<String>,
    pub trl_min: Option<i16>,
    pub trl_max: Option<i16>,
    pub ip_types: Vec<String>,
    pub cooperation_modes: Vec<String>,
    /// Price/budget overlap with [min, max] in CNY fen: a listing matches when its range
    /// intersects the requested one. Negotiable listings (no range) match only when neither
    /// bound is set.
    pub price_min_cny_fen: Option<i64>,
    pub price_max_cny_fen: Option<i64>,
    pub cross_border: Option<bool>,
    /// Listings having a text (original or translation) in any of these languages.
    pub languages: Vec<String>,
    pub organisation_id: Option<Uuid>,
    pub ipc_prefixes: Vec<String>,
}

/// A search request.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchQuery {
    /// Free text in any language; `None` or empty lists everything that passes the filters.
    /// Every word must occur (Meilisearch's `matchingStrategy: all`); a run of Han characters
    /// matches as a substring (`甘蔗收割机` finds `…的甘蔗收割机智能…`). Matching decomposes long
    /// need texts into several short queries (see design.md) rather than sending a paragraph.
    pub text: Option<String>,
    pub filters: Filters,
    pub sort: SortOrder,
    pub offset: usize,
    pub limit: usize,
    /// Compute facet counts (over the filtered set, before pagination).
    pub facets: bool,
    /// Return highlighted snippets of title and summary.
    pub highlight: bool,
    /// Rank by any word instead of requiring every word: each word (each pair of Han
    /// characters) adds to a BM25 score, as matching needs, since a need rarely repeats an
    /// achievement's wording (matching itself goes through [`SearchIndex::retrieve`]); people
    /// searching get `false` (every word).
    #[serde(default)]
    pub match_any: bool,
}

/// One part of a [`RetrievalQuery`]: a short text and how much it counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightedText {
    pub text: String,
    /// Relative weight (> 0): a part counts in proportion to it.
    pub weight: f32,
    /// This many of the part's most informative terms are scored even when the query's term
    /// budget ([`RetrievalQuery::max_terms`]) would drop them — for a low-weight part that must
    /// still be heard, such as a need's translations.
    #[serde(default)]
    pub min_terms: usize,
}

/// Candidate retrieval for matching: several short texts (a need's keywords, its whole text,
/// its clauses, their translations), each any-word BM25 and weighted, merged into one ranking.
/// Only ids and scores come back — no totals, facets, highlights or stored documents — so a
/// backend can prune (the embedded one runs a single block-max WAND disjunction).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RetrievalQuery {
    pub parts: Vec<WeightedText>,
    pub filters: Filters,
    /// Most candidates returned.
    pub limit: usize,
    /// Most distinct terms scored, the most informative kept (weight × IDF), besides each
    /// part's `min_terms`; 0 = no limit. Bounds the cost of a long need on a large index.
    pub max_terms: usize,
}

/// One retrieved candidate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub id: Uuid,
    /// Backend relevance score, comparable only within one result list.
    pub score: f32,
}

/// The portable way to answer a [`RetrievalQuery`]: one any-word query per part in a single
/// multi-search, each list's scores divided by its best hit, then summed by weight.
pub async fn retrieve_by_multi_search<I: SearchIndex + ?Sized>(
    index: &I,
    q: &RetrievalQuery,
) -> anyhow::Result<Vec<Candidate>> {
    let parts: Vec<&WeightedText> = q
        .parts
        .iter()
        .filter(|p| p.weight > 0.0 && !p.text.trim().is_empty())
        .collect();
    if parts.is_empty() {
        return Ok(Vec::new());
    }
    let batch: Vec<SearchQuery> = parts
        .iter()
        .map(|p| SearchQuery {
            text: Some(p.text.clone()),
            filters: q.filters.clone(),
            sort: SortOrder::Relevance,
            offset: 0,
            limit: q.limit,
            facets: false,
            highlight: false,
            match_any: true,
        })
        .collect();
    let results = index.multi_search(&batch).await?;
    let mut merged: std::collections::HashMap<Uuid, f32> = std::collections::HashMap::new();
    for (p, res) in parts.iter().zip(results) {
        let best = res.hits.first().map_or(0.0, |h| h.score);
        if best <= 0.0 {
            continue;
        }
        for hit in res.hits {
            *merged.entry(hit.id).or_insert(0.0) += p.weight * hit.score / best;
        }
    }
    let mut out: Vec<Candidate> = merged
        .into_iter()
        .map(|(id, score)| Candidate { id, score })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.id.cmp(&b.id)));
    out.truncate(q.limit);
    Ok(out)
}

/// One result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hit {
    pub id: Uuid,
    pub kind: ListingKind,
    /// Backend relevance score; comparable only within one result list.
    pub score: f32,
    /// Language of the text that matched best.
    pub matched_language: Option<String>,
    /// `title` / `summary` with matched terms wrapped in `<mark>…</mark>`, HTML-escaped
    /// otherwise; only when highlighting was asked for.
    pub highlights: BTreeMap<String, String>,
}

/// Facet name → value → count. Facets: `kind`, `industry`, `region`, `country`, `trl`,
/// `ip_type`, `cooperation_mode`, `language`, `cross_border`, `open_call`.
pub type Facets = BTreeMap<String, BTreeMap<String, u64>>;

/// A page of results.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SearchResults {
    /// Exact number of listings matching text and filters.
    pub total: u64,
    pub hits: Vec<Hit>,
    pub facets: Facets,
}

/// A write handed to the index by [`SearchIndex::submit_upsert`] or
/// [`SearchIndex::submit_delete`] (a wire word: jobs carry it between services).
pub use wire::events::Submitted;

/// The one interface both backends implement.
#[async_trait::async_trait]
pub trait SearchIndex: Send + Sync {
    /// Adds or replaces documents by id; visible to searches when this returns.
    async fn upsert(&self, docs: Vec<SearchDoc>) -> anyhow::Result<()>;
    /// Removes documents by id (absent ids are fine).
    async fn delete(&self, ids: &[Uuid]) -> anyhow::Result<()>;
    /// Like [`SearchIndex::upsert`], but may return once the backend holds the write durably
    /// and in order, before it is visible. For the background sync of one listing per job:
    /// Meilisearch applies each write as a batch of its own when the caller waits (half a
    /// second and more each on two cores), but batches writes that queue up, so waiting per
    /// listing capped the sync at a couple of listings a second. Later writes are applied after
    /// earlier ones, so an edit never loses to the version before it.
    async fn submit_upsert(&self, docs: Vec<SearchDoc>) -> anyhow::Result<Submitted> {
        self.upsert(docs).await.map(|()| Submitted::VISIBLE)
    }
    /// [`SearchIndex::delete`] with the guarantee of [`SearchIndex::submit_upsert`].
    async fn submit_delete(&self, ids: &[Uuid]) -> anyhow::Result<Submitted> {
        self.delete(ids).await.map(|()| Submitted::VISIBLE)
    }
    /// Waits until `write` (and every write submitted before it) is visible to searches: a
    /// reader that must see it (matching, told a listing was indexed) calls this first.
    async fn settle(&self, write: Submitted) -> anyhow::Result<()> {
        let _ = write;
        Ok(())
    }
    /// Removes everything (before a full reindex).
    async fn clear(&self) -> anyhow::Result<()>;
    /// Runs one query.
    async fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchResults>;
    /// Runs several queries at once (matching decomposes a need into short queries).
    async fn multi_search(&self, queries: &[SearchQuery]) -> anyhow::Result<Vec<SearchResults>>;
    /// Number of documents in the index.
    async fn count(&self) -> anyhow::Result<u64>;
    /// The vectors this index holds ([`SearchDoc::vectors`] are sent, [`SearchIndex::nearest`]
    /// answers); `None` when it holds none (the embedded backend, or Meilisearch without a
    /// declared embedder): documents are then written without vectors.
    fn vector_space(&self) -> Option<&VectorSpace> {
        None
    }
    /// Documents nearest in meaning to `vector`, best first, with their cosine similarity,
    /// among those `filters` accept; at most `limit`. `None` when this backend does not
    /// hold vectors ([`SearchIndex::vector_space`]): the caller then uses matching's in-process
    /// index.
    async fn nearest(
        &self,
        vector: &[f32],
        filters: &Filters,
        limit: usize,
    ) -> anyhow::Result<Option<Vec<(Uuid, f32)>>> {
        let _ = (vector, filters, limit);
        Ok(None)
    }
    /// Matching candidates, best first (see [`RetrievalQuery`]). The default runs one query
    /// per part ([`retrieve_by_multi_search`]); backends that can score all parts in one pass
    /// override it.
    async fn retrieve(&self, query: &RetrievalQuery) -> anyhow::Result<Vec<Candidate>> {
        retrieve_by_multi_search(self, query).await
    }
}
