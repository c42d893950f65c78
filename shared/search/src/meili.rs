//! The distributed backend: a Meilisearch index `{prefix}_listings` through `meilisearch-sdk`.
//!
//! It is held to the same conformance suite as the embedded index, so the document shape and
//! the query are built to reproduce the embedded semantics rather than Meilisearch defaults:
//!
//! - Texts are flattened per language (`title_zh`, `summary_en`, …) so `localizedAttributes`
//!   can pin the tokenizer per language. Han characters are *also* stored one per word in
//!   `*_han` fields, and every contiguous Han run of a query is sent as a quoted phrase of
//!   characters: the same substring semantics the embedded index gets (see
//!   [`crate::analysis`] for why jieba's context-dependent cut needs this). Typo tolerance is
//!   off on those fields: a one-character "typo" is another word in Chinese.
//! - `matchingStrategy: all`, as in the embedded index: every query unit must match.
//! - Ranking rules put `sort` first so "newest"/"deadline" order strictly even with text.
//! - Filters use derived fields: `region_path` (own code + prefecture + province), `ipc_prefix`
//!   (every prefix of the space-free code), `price_lo`/`price_hi` (absent when negotiable).
//! - Totals come from page-mode pagination (`totalHits` is exact, `estimatedTotalHits` is not).
//! - Highlights and the matched language are computed by [`crate::analysis`] from the stored
//!   original texts, identically to the embedded backend (Meilisearch does not HTML-escape its
//!   `_formatted` output).
//!
//! Every write waits for its task and fails if the task failed.

use std::collections::BTreeMap;
use std::time::Duration;

use anyhow::{anyhow, bail, Context};
use meilisearch_sdk::client::Client;
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::search::{
    FederationOptions, MatchingStrategies, SearchQuery as MeiliQuery, Selectors,
};
use meilisearch_sdk::settings::{
    FacetingSettings, LocalizedAttributes, PaginationSetting, Settings, TypoToleranceSettings,
};
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use serde::Deserialize;
use serde_json::{Map, Value};
use uuid::Uuid;

use crate::analysis::{self, QueryUnit};
use crate::{
    Candidate, Filters, Hit, LangText, ListingKind, RetrievalQuery, SearchDoc, SearchIndex,
    SearchQuery, SearchResults, SortOrder, Submitted, VectorSpace,
};

/// Languages that get their own fields; anything else goes to `*_other`.
const LANGUAGES: [&str; 10] = ["zh", "en", "vi", "th", "ms", "id", "km", "lo", "my", "fil"];

/// Languages with a charabia locale Meilisearch accepts (ISO 639-3).
const LOCALES: [(&str, &str); 7] = [
    ("zh", "cmn"),
    ("en", "eng"),
    ("vi", "vie"),
    ("th", "tha"),
    ("km", "khm"),
    ("id", "ind"),
    ("my", "mya"),
];

/// Text parts in ranking order: title and keywords over summary over description.
const PARTS: [&str; 4] = ["title", "keywords", "summary", "description"];

/// Facet names, which are also the attribute names.
const FACETS: [&str; 10] = [
    "kind",
    "industry",
    "region",
    "country",
    "trl",
    "ip_type",
    "cooperation_mode",
    "language",
    "cross_border",
    "open_call",
];

/// Largest integer a JSON number (f64 in Meilisearch) holds exactly: the open end of a price
/// range and the "no deadline" sort key.
const MAX_EXACT: i64 = (1 << 53) - 1;

/// How long a write may take before we give up waiting (a million-document batch is minutes).
const TASK_TIMEOUT: Duration = Duration::from_secs(1800);
const TASK_POLL: Duration = Duration::from_millis(50);
/// A Meilisearch task number, as the SDK's waiting functions take it.
struct TaskUid(u32);

impl AsRef<u32> for TaskUid {
    fn as_ref(&self) -> &u32 {
        &self.0
    }
}

/// What [`SearchIndex::settle`] needs of an enqueued task.
fn submitted(task: Option<TaskInfo>) -> Submitted {
    Submitted(task.map(|t| u64::from(t.task_uid)))
}

/// Longest [`SearchIndex::settle`] waits before its caller's job fails and is retried.
const SETTLE_TIMEOUT: Duration = Duration::from_secs(120);

/// Upper bound for exact `totalHits`; above it Meilisearch would cap the count.
const MAX_TOTAL_HITS: usize = 10_000_000;

/// [`SearchIndex`] on a Meilisearch server.
#[derive(Clone)]
pub struct MeiliIndex {
    client: Client,
    index: Index,
    /// The vectors of the declared user-provided embedder ([`EMBEDDER`]), when there is one:
    /// documents then carry `_vectors` and [`SearchIndex::nearest`] asks Meilisearch.
    vectors: Option<VectorSpace>,
}

/// The name of the user-provided embedder in the index settings: the vectors are matching's
/// (`listing_embeddings`), made by the embedder it is configured with, so Meilisearch embeds
/// nothing itself and needs no model or key.
pub const EMBEDDER: &str = "listing";

/// The stored fields a hit needs back.
#[derive(Debug, Deserialize)]
struct StoredHit {
    id: String,
    kind: ListingKind,
    #[serde(default)]
    texts: Vec<LangText>,
}

fn lang_slot(language: &str) -> &str {
    LANGUAGES
        .iter()
        .copied()
        .find(|l| *l == language)
        .unwrap_or("other")
}

/// Han characters of `s`, one per word (`基于深度` → `基 于 深 度`), runs separated by ` | `
/// so a phrase never spans two runs.
fn han_spaced(s: &str) -> String {
    let mut out = String::new();
    for t in analysis::analyze(s).into_iter().filter(|t| t.han) {
        if !out.is_empty() {
            out.push_str(if t.joined { " " } else { " | " });
        }
        // The normalised character: Meilisearch normalises it again, idempotently, and the
        // character-to-original mapping of `analyze` is not always one-to-one.
        out.push_str(&t.lemma);
    }
    out
}

/// The Meilisearch document for one listing.
fn to_document(d: &SearchDoc, with_vectors: bool) -> anyhow::Result<Map<String, Value>> {
    let mut m = Map::new();
    let mut put = |k: &str, v: Value| {
        m.insert(k.to_string(), v);
    };
    put("id", Value::String(d.id.to_string()));
    // Always present, `null` when there is nothing to send: once the index declares the
    // user-provided embedder (`techmarket migrate` with an embedder configured) Meilisearch
    // refuses documents without it, whichever client writes them; an index without the
    // embedder accepts it too (the conformance suite runs both ways). A replace also drops old
    // vectors this way.
    let vectors = if with_vectors && !d.vectors.is_empty() {
        serde_json::to_value(&d.vectors)?
    } else {
        Value::Null
    };
    let mut named = Map::new();
    named.insert(EMBEDDER.to_owned(), vectors);
    put("_vectors", Value::Object(named));
    put("kind", Value::String(d.kind.as_str().into()));
    put("open_call", Value::Bool(d.open_call));
    put(
        "organisation_id",
        Value::String(d.organisation_id.to_string()),
    );
    put("industry", Value::String(d.industry.clone()));
    put("region", Value::String(d.region_code.clone()));
    put(
        "region_path",
        serde_json::to_value(analysis::region_ancestors(&d.region_code))?,
    );
    put("country", Value::String(d.country.to_uppercase()));
    put("trl", Value::from(d.trl));
    if let Some(ip) = &d.ip_type {
        put("ip_type", Value::String(ip.clone()));
    }
    put(
        "cooperation_mode",
        serde_json::to_value(&d.cooperation_modes)?,
    );
    let mut langs: Vec<String> = Vec::new();
    for l in d
        .texts
        .iter()
        .map(|t| t.language.clone())
        .chain([d.original_language.clone()])
    {
        if !l.is_empty() && !langs.contains(&l) {
            langs.push(l);
        }
    }
    put("language", serde_json::to_value(&langs)?);
    put("cross_border", Value::Bool(d.cross_border));
    let mut prefixes: Vec<String> = d
        .ipc_codes
        .iter()
        .flat_map(|c| analysis::ipc_prefixes(c))
        .collect();
    prefixes.sort();
    prefixes.dedup();
    put("ipc_prefix", serde_json::to_value(prefixes)?);
    if d.price_min_cny_fen.is_some() || d.price_max_cny_fen.is_some() {
        put("price_lo", Value::from(d.price_min_cny_fen.unwrap_or(0)));
        put(
            "price_hi",
            Value::from(d.price_max_cny_fen.unwrap_or(MAX_EXACT).min(MAX_EXACT)),
        );
    }
    put(
        "published_at",
        Value::from(d.published_at.timestamp_micros()),
    );
    put(
        "deadline_key",
        Value::from(d.deadline.map_or(MAX_EXACT, |x| {
            i64::from(chrono::Datelike::num_days_from_ce(&x))
        })),
    );
    // Searchable text, one array per part and language, plus the Han-character copies.
    let mut fields: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for t in &d.texts {
        let slot = lang_slot(&t.language);
        let parts: [(&str, Vec<&str>); 4] = [
            ("title", vec![t.title.as_str()]),
            ("keywords", t.keywords.iter().map(String::as_str).collect()),
            ("summary", vec![t.summary.as_str()]),
            ("description", vec![t.description.as_str()]),
        ];
        for (part, values) in parts {
            for v in values.into_iter().filter(|v| !v.is_empty()) {
                fields
                    .entry(format!("{part}_{slot}"))
                    .or_default()
                    .push(v.to_string());
                let han = han_spaced(v);
                if !han.is_empty() {
                    fields.entry(format!("{part}_han")).or_default().push(han);
                }
            }
        }
    }
    for (k, v) in fields {
        m.insert(k, serde_json::to_value(v)?);
    }
    m.insert("texts".into(), serde_json::to_value(&d.texts)?);
    Ok(m)
}

/// `settings` declaring the user-provided embedder [`EMBEDDER`] when vectors have `dimensions`.
fn with_embedder(settings: Settings, dimensions: Option<usize>) -> Settings {
    use meilisearch_sdk::settings::{Embedder, EmbedderSource};
    match dimensions {
        Some(dimensions) => settings.with_embedders(std::collections::HashMap::from([(
            EMBEDDER,
            Embedder {
                source: EmbedderSource::UserProvided,
                dimensions: Some(dimensions),
                ..Embedder::default()
            },
        )])),
        None => settings,
    }
}

fn settings() -> Settings {
    let mut searchable = Vec::new();
    let mut han_fields = Vec::new();
    for part in PARTS {
        for lang in LANGUAGES.iter().copied().chain(["other"]) {
            searchable.push(format!("{part}_{lang}"));
        }
        searchable.push(format!("{part}_han"));
        han_fields.push(format!("{part}_han"));
    }
    // Exact attribute names rather than `*_id`-style patterns, which would also catch
    // `organisation_id`. The Han copies are Chinese characters.
    let localized: Vec<LocalizedAttributes> = LOCALES
        .iter()
        .map(|(lang, locale)| {
            let mut names: Vec<String> =
                PARTS.iter().map(|part| format!("{part}_{lang}")).collect();
            if *lang == "zh" {
                names.extend(PARTS.iter().map(|part| format!("{part}_han")));
            }
            LocalizedAttributes {
                locales: vec![(*locale).to_string()],
                attribute_patterns: names,
            }
        })
        .collect();
    let filterable: Vec<String> = FACETS
        .iter()
        .map(|s| (*s).to_string())
        .chain(
            [
                "region_path",
                "organisation_id",
                "ipc_prefix",
                "price_lo",
                "price_hi",
            ]
            .map(String::from),
        )
        .collect();
    Settings::new()
        .with_searchable_attributes(searchable)
        .with_filterable_attributes(filterable)
        .with_sortable_attributes(["published_at", "deadline_key"])
        .with_displayed_attributes(["id", "kind", "texts"])
        .with_ranking_rules([
            "sort",
            "words",
            "typo",
            "proximity",
            "attribute",
            "exactness",
        ])
        .with_pagination(PaginationSetting {
            max_total_hits: MAX_TOTAL_HITS,
        })
        .with_faceting(FacetingSettings {
            max_values_per_facet: 10_000,
            sort_facet_values_by: None,
        })
        .with_typo_tolerance(TypoToleranceSettings {
            enabled: Some(true),
            disable_on_attributes: Some(han_fields),
            disable_on_words: None,
            min_word_size_for_typos: None,
            disable_on_numbers: Some(true),
        })
        .with_localized_attributes(localized)
}

/// A JSON string literal is a valid Meilisearch filter string (double quotes, backslash
/// escapes), whatever the value contains.
fn lit(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

fn any_of(attr: &str, values: &[String]) -> Option<String> {
    (!values.is_empty()).then(|| {
        format!(
            "{attr} IN [{}]",
            values.iter().map(|v| lit(v)).collect::<Vec<_>>().join(", ")
        )
    })
}

/// The Meilisearch filter expression for `f` (AND of clauses), or `None`.
pub fn filter_expression(f: &Filters) -> Option<String> {
    let mut c: Vec<String> = Vec::new();
    let kinds: Vec<String> = f.kinds.iter().map(|k| k.as_str().to_string()).collect();
    c.extend(any_of("kind", &kinds));
    if let Some(o) = f.open_call {
        c.push(format!("open_call = {o}"));
    }
    c.extend(any_of("industry", &f.industries));
    c.extend(any_of("region_path", &f.regions));
    let countries: Vec<String> = f.countries.iter().map(|x| x.to_uppercase()).collect();
    c.extend(any_of("country", &countries));
    if let Some(m) = f.trl_min {
        c.push(format!("trl >= {m}"));
    }
    if let Some(m) = f.trl_max {
        c.push(format!("trl <= {m}"));
    }
    c.extend(any_of("ip_type", &f.ip_types));
    c.extend(any_of("cooperation_mode", &f.cooperation_modes));
    if let Some(min) = f.price_min_cny_fen {
        c.push(format!("price_hi >= {min}"));
    }
    if let Some(max) = f.price_max_cny_fen {
        c.push(format!("price_lo <= {max}"));
    }
    if let Some(b) = f.cross_border {
        c.push(format!("cross_border = {b}"));
    }
    c.extend(any_of("language", &f.languages));
    if let Some(o) = f.organisation_id {
        c.push(format!("organisation_id = {}", lit(&o.to_string())));
    }
    let ipc: Vec<String> = f
        .ipc_prefixes
        .iter()
        .map(|p| analysis::normalize_ipc(p))
        .filter(|p| !p.is_empty())
        .collect();
    c.extend(any_of("ipc_prefix", &ipc));
    (!c.is_empty()).then(|| {
        c.iter()
            .map(|x| format!("({x})"))
            .collect::<Vec<_>>()
            .join(" AND ")
    })
}

/// The Meilisearch `q` for `text`: non-Han words as typed, each Han run as a quoted phrase of
/// single characters (matched against the `*_han` fields).
pub fn meili_query_text(text: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut run: Vec<String> = Vec::new();
    let flush = |run: &mut Vec<String>, parts: &mut Vec<String>| {
        if !run.is_empty() {
            parts.push(format!("\"{}\"", run.join(" ")));
            run.clear();
        }
    };
    for t in analysis::analyze(text) {
        let Some(original) = text.get(t.byte_start..t.byte_end) else {
            continue;
        };
        if t.han {
            if !t.joined {
                flush(&mut run, &mut parts);
            }
            run.push(t.lemma);
        } else {
            flush(&mut run, &mut parts);
            // Quotes inside a word would open a phrase; charabia words never contain them, but
            // strip them to be sure.
            parts.push(original.replace('"', ""));
        }
    }
    flush(&mut run, &mut parts);
    parts.join(" ")
}

/// One query translated for Meilisearch, owning everything the SDK query borrows.
struct Prepared {
    units: Vec<QueryUnit>,
    q: Option<String>,
    filter: Option<String>,
    sort: Vec<String>,
    page: usize,
    hits_per_page: usize,
    skip: usize,
    limit: usize,
    facets: bool,
    highlight: bool,
    match_any: bool,
}

fn prepare(q: &SearchQuery) -> Prepared {
    let text = q.text.as_deref().unwrap_or("");
    let units = analysis::query_units(text);
    let sort = match (q.sort, units.is_empty()) {
        (SortOrder::Relevance, false) => Vec::new(),
        (SortOrder::Relevance, true) | (SortOrder::Newest, _) => {
            vec!["published_at:desc".to_string()]
        }
        (SortOrder::Deadline, _) => vec!["deadline_key:asc".to_string()],
    };
    // Page mode gives an exact total. An offset that is not a multiple of the limit is served
    // from page 1 with a larger page and sliced.
    let (page, hits_per_page, skip) = if q.offset.checked_rem(q.limit) == Some(0) {
        (q.offset / q.limit + 1, q.limit, 0)
    } else if q.limit == 0 {
        (1, 0, 0)
    } else {
        (1, q.offset + q.limit, q.offset)
    };
    Prepared {
        // Any-word ranking sends the text as it is (Meilisearch segments it itself); every-word
        // search quotes Han runs so they match as substrings, as the embedded index does.
        q: (!units.is_empty()).then(|| {
            if q.match_any {
                text.to_owned()
            } else {
                meili_query_text(text)
            }
        }),
        match_any: q.match_any,
        units,
        filter: filter_expression(&q.filters),
        sort,
        page,
        hits_per_page,
        skip,
        limit: q.limit,
        facets: q.facets,
        highlight: q.highlight,
    }
}

fn build_query<'a>(
    index: &'a Index,
    p: &'a Prepared,
    sort: &'a [&'a str],
) -> MeiliQuery<'a, meilisearch_sdk::reqwest::ReqwestClient> {
    let mut query = MeiliQuery::new(index);
    query
        .with_page(p.page)
        .with_hits_per_page(p.hits_per_page)
        .with_matching_strategy(if p.match_any {
            MatchingStrategies::LAST
        } else {
            MatchingStrategies::ALL
        })
        .with_attributes_to_retrieve(Selectors::Some(&["id", "kind", "texts"]))
        .with_show_ranking_score(true);
    if let Some(text) = &p.q {
        query.with_query(text);
    }
    if let Some(filter) = &p.filter {
        query.with_filter(filter);
    }
    if !sort.is_empty() {
        query.with_sort(sort);
    }
    if p.facets {
        query.with_facets(Selectors::Some(&FACETS));
    }
    query.build()
}

fn convert(
    p: &Prepared,
    r: meilisearch_sdk::search::SearchResults<StoredHit>,
) -> anyhow::Result<SearchResults> {
    let total = r.total_hits.or(r.estimated_total_hits).unwrap_or(0) as u64;
    let mut hits = Vec::new();
    for h in r.hits.into_iter().skip(p.skip).take(p.limit) {
        let id = Uuid::parse_str(&h.result.id)
            .with_context(|| format!("Meilisearch returned a bad id {:?}", h.result.id))?;
        let (matched_language, highlights) =
            analysis::hit_extras(&h.result.texts, &p.units, p.highlight);
        hits.push(Hit {
            id,
            kind: h.result.kind,
            score: h.ranking_score.unwrap_or(0.0) as f32,
            matched_language,
            highlights,
        });
    }
    let mut facets = crate::Facets::new();
    if p.facets {
        for (facet, values) in r.facet_distribution.unwrap_or_default() {
            facets.insert(
                facet,
                values
                    .into_iter()
                    .filter(|(_, n)| *n > 0)
                    .map(|(v, n)| (v, n as u64))
                    .collect(),
            );
        }
    }
    Ok(SearchResults {
        total,
        hits,
        facets,
    })
}

/// The index of deployment `prefix`.
fn index_uid(prefix: &str) -> String {
    format!("{prefix}_listings")
}

/// The least-privilege keys of one deployment's services, created by
/// [`ServiceKeys::ensure`] with the master key. Their uids are derived from the index prefix,
/// so running the setup again finds the same keys (Meilisearch derives a key's value from its
/// uid and the master key) instead of piling up new ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceKeys {
    /// For the listing service, which keeps the index in step with the database: add and
    /// delete documents, wait on its tasks, search.
    pub writer: String,
    /// For services that only read (matching): search and nothing else.
    pub search_only: String,
}

impl ServiceKeys {
    /// Finds or creates both keys on the index of `prefix`, using `master_key`.
    #[tracing::instrument(skip_all, fields(search.prefix = prefix))]
    pub async fn ensure(url: &str, master_key: Option<&str>, prefix: &str) -> anyhow::Result<Self> {
        use meilisearch_sdk::key::Action;
        let client = Client::new(url, master_key)
            .with_context(|| format!("Failed to create a Meilisearch client for {url}"))?;
        let writer = ensure_key(
            &client,
            prefix,
            "writer",
            vec![
                Action::DocumentsAdd,
                Action::DocumentsDelete,
                Action::Search,
                Action::TasksGet,
            ],
        )
        .await?;
        // Reading task status lets matching wait until submitted writes are visible
        // (`SearchIndex::settle`); it reads, it changes nothing.
        let search_only = ensure_key(
            &client,
            prefix,
            "search-only",
            vec![Action::Search, Action::TasksGet],
        )
        .await?;
        Ok(Self {
            writer,
            search_only,
        })
    }
}

/// The key of `role` on the index of `prefix`, created with `actions` if it does not exist.
async fn ensure_key(
    client: &Client,
    prefix: &str,
    role: &str,
    actions: Vec<meilisearch_sdk::key::Action>,
) -> anyhow::Result<String> {
    use meilisearch_sdk::errors::{Error, ErrorCode};
    let uid = Uuid::new_v5(
        &Uuid::NAMESPACE_OID,
        format!("techmarket:{prefix}:{role}").as_bytes(),
    )
    .to_string();
    match client.get_key(&uid).await {
        Ok(key) => Ok(key.key),
        Err(Error::Meilisearch(e)) if e.error_code == ErrorCode::ApiKeyNotFound => {
            let mut builder = meilisearch_sdk::key::KeyBuilder::new();
            builder
                .with_uid(&uid)
                .with_name(format!("techmarket {prefix} {role}"))
                .with_actions(actions)
                .with_index(index_uid(prefix));
            let key = client
                .create_key(builder)
                .await
                .with_context(|| format!("Failed to create the Meilisearch {role} key"))?;
            Ok(key.key)
        }
        Err(e) => Err(anyhow!(e).context(format!(
            "Failed to read the Meilisearch {role} key (is search.meili_api_key the master key?)"
        ))),
    }
}

impl MeiliIndex {
    /// A client for the index `{prefix}_listings` on `url`, with `api_key` (a service's own
    /// key). Sends nothing: the index and its settings are [`MeiliIndex::setup`]'s job.
    pub fn open(url: &str, api_key: Option<&str>, prefix: &str) -> anyhow::Result<Self> {
        let client = Client::new(url, api_key)
            .with_context(|| format!("Failed to create a Meilisearch client for {url}"))?;
        let index = client.index(index_uid(prefix));
        Ok(Self {
            client,
            index,
            vectors: None,
        })
    }

    /// This client with the vectors of `space` (the index must declare the embedder with its
    /// dimensions: see [`MeiliIndex::setup_with_vectors`]): documents carry their vectors and
    /// [`SearchIndex::nearest`] searches them. `None` leaves it without.
    #[must_use]
    pub fn with_vectors(mut self, space: Option<VectorSpace>) -> Self {
        self.vectors = space.filter(|s| s.dimensions > 0);
        self
    }

    /// Creates the index `{prefix}_listings` if missing, applies our settings and waits until
    /// they are applied. Needs a key allowed to create indexes and change settings (the
    /// master key): run once per deploy by `techmarket migrate`, never by a service.
    #[tracing::instrument(skip_all, fields(search.prefix = prefix))]
    pub async fn setup(url: &str, admin_key: Option<&str>, prefix: &str) -> anyhow::Result<Self> {
        Self::setup_with_vectors(url, admin_key, prefix, None).await
    }

    /// [`MeiliIndex::setup`], also declaring the user-provided embedder [`EMBEDDER`] with
    /// vectors of `dimensions` when given (matching has an embedder configured). The client
    /// returned sends no vectors: give it its [`VectorSpace`] with [`MeiliIndex::with_vectors`].
    #[tracing::instrument(skip_all, fields(search.prefix = prefix))]
    pub async fn setup_with_vectors(
        url: &str,
        admin_key: Option<&str>,
        prefix: &str,
        dimensions: Option<usize>,
    ) -> anyhow::Result<Self> {
        let this = Self::open(url, admin_key, prefix)?;
        let uid = index_uid(prefix);
        // Creating the index explicitly fixes the primary key; "already exists" is fine.
        let created = this
            .client
            .create_index(&uid, Some("id"))
            .await
            .with_context(|| format!("Failed to create Meilisearch index {uid}"))?
            .wait_for_completion(&this.client, Some(TASK_POLL), Some(TASK_TIMEOUT))
            .await
            .with_context(|| format!("Failed waiting for Meilisearch index {uid} creation"))?;
        if let Task::Failed { content } = created {
            if content.error.error_code != meilisearch_sdk::errors::ErrorCode::IndexAlreadyExists {
                bail!(
                    "Meilisearch could not create index {uid}: {}",
                    content.error
                );
            }
        }
        let task = this
            .index
            .set_settings(&with_embedder(settings(), dimensions.filter(|d| *d > 0)))
            .await
            .context("Failed to send Meilisearch index settings")?;
        this.wait(task, "apply index settings").await?;
        Ok(this)
    }

    /// [`MeiliIndex::setup`] then a client with the same key (tests, which hold the master key).
    pub async fn connect(url: &str, api_key: Option<&str>, prefix: &str) -> anyhow::Result<Self> {
        Self::setup(url, api_key, prefix).await
    }

    /// The Meilisearch index uid.
    pub fn uid(&self) -> &str {
        &self.index.uid
    }

    /// Deletes the whole index (test cleanup).
    pub async fn drop_index(&self) -> anyhow::Result<()> {
        let task = self
            .index
            .clone()
            .delete()
            .await
            .context("Failed to delete the Meilisearch index")?;
        self.wait(task, "delete the index").await
    }

    /// Enqueues an add-or-replace of `docs`; `None` when there is nothing to send.
    async fn send_upsert(&self, docs: &[SearchDoc]) -> anyhow::Result<Option<TaskInfo>> {
        if docs.is_empty() {
            return Ok(None);
        }
        let payload: Vec<Map<String, Value>> = docs
            .iter()
            .map(|d| to_document(d, self.vectors.is_some()))
            .collect::<anyhow::Result<_>>()?;
        let task = self
            .index
            .add_or_replace(&payload, Some("id"))
            .await
            .context("Failed to send documents to Meilisearch")?;
        Ok(Some(task))
    }

    /// Enqueues a delete of `ids`; `None` when there is nothing to send.
    async fn send_delete(&self, ids: &[Uuid]) -> anyhow::Result<Option<TaskInfo>> {
        if ids.is_empty() {
            return Ok(None);
        }
        let ids: Vec<String> = ids.iter().map(Uuid::to_string).collect();
        let task = self
            .index
            .delete_documents(&ids)
            .await
            .context("Failed to send a Meilisearch delete")?;
        Ok(Some(task))
    }

    async fn wait(&self, task: TaskInfo, what: &str) -> anyhow::Result<()> {
        let done = task
            .wait_for_completion(&self.client, Some(TASK_POLL), Some(TASK_TIMEOUT))
            .await
            .with_context(|| format!("Failed waiting for Meilisearch to {what}"))?;
        match done {
            Task::Succeeded { .. } => Ok(()),
            Task::Failed { content } => {
                Err(anyhow!("Meilisearch failed to {what}: {}", content.error))
            }
            Task::Enqueued { .. } | Task::Processing { .. } => {
                bail!("Meilisearch task to {what} did not finish")
            }
        }
    }
}

#[async_trait::async_trait]
impl SearchIndex for MeiliIndex {
    async fn upsert(&self, docs: Vec<SearchDoc>) -> anyhow::Result<()> {
        if let Some(task) = self.send_upsert(&docs).await? {
            self.wait(task, "index documents").await?;
        }
        Ok(())
    }

    async fn delete(&self, ids: &[Uuid]) -> anyhow::Result<()> {
        if let Some(task) = self.send_delete(ids).await? {
            self.wait(task, "delete documents").await?;
        }
        Ok(())
    }

    /// Returns once Meilisearch has enqueued the write: its task queue is on disk and applied
    /// in order, so the write survives a crash of either side from here on.
    async fn submit_upsert(&self, docs: Vec<SearchDoc>) -> anyhow::Result<Submitted> {
        Ok(submitted(self.send_upsert(&docs).await?))
    }

    async fn submit_delete(&self, ids: &[Uuid]) -> anyhow::Result<Submitted> {
        Ok(submitted(self.send_delete(ids).await?))
    }

    /// Waits for the write's own task: Meilisearch applies an index's tasks in order, so every
    /// earlier write is visible then too, and a reader catching up on many writes waits once
    /// per batch, not once per write. Needs the `tasks.get` action.
    async fn settle(&self, write: Submitted) -> anyhow::Result<()> {
        let Some(uid) = write.0 else {
            return Ok(());
        };
        let uid = TaskUid(u32::try_from(uid).context("Meilisearch task numbers fit in 32 bits")?);
        self.client
            .wait_for_task(uid, Some(TASK_POLL), Some(SETTLE_TIMEOUT))
            .await
            .context("Failed waiting for Meilisearch to apply a submitted write")?;
        Ok(())
    }

    async fn clear(&self) -> anyhow::Result<()> {
        let task = self
            .index
            .delete_all_documents()
            .await
            .context("Failed to send a Meilisearch clear")?;
        self.wait(task, "clear the index").await
    }

    async fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchResults> {
        let p = prepare(query);
        let sort: Vec<&str> = p.sort.iter().map(String::as_str).collect();
        let r = build_query(&self.index, &p, &sort)
            .execute::<StoredHit>()
            .await
            .context("Meilisearch search failed")?;
        convert(&p, r)
    }

    async fn multi_search(&self, queries: &[SearchQuery]) -> anyhow::Result<Vec<SearchResults>> {
        if queries.is_empty() {
            return Ok(Vec::new());
        }
        let prepared: Vec<Prepared> = queries.iter().map(prepare).collect();
        let sorts: Vec<Vec<&str>> = prepared
            .iter()
            .map(|p| p.sort.iter().map(String::as_str).collect())
            .collect();
        let mut multi = self.client.multi_search();
        for (p, sort) in prepared.iter().zip(&sorts) {
            multi.with_search_query(build_query(&self.index, p, sort));
        }
        let response = multi
            .execute::<StoredHit>()
            .await
            .context("Meilisearch multi-search failed")?;
        if response.results.len() != prepared.len() {
            bail!(
                "Meilisearch answered {} of {} queries",
                response.results.len(),
                prepared.len()
            );
        }
        prepared
            .iter()
            .zip(response.results)
            .map(|(p, r)| convert(p, r))
            .collect()
    }

    fn vector_space(&self) -> Option<&VectorSpace> {
        self.vectors.as_ref()
    }

    /// One vector search (semantic ratio 1) on the declared user-provided embedder; a document
    /// with several vectors (passages) ranks by its nearest.
    #[tracing::instrument(skip_all, fields(search.limit = limit))]
    async fn nearest(
        &self,
        vector: &[f32],
        filters: &Filters,
        limit: usize,
    ) -> anyhow::Result<Option<Vec<(Uuid, f32)>>> {
        #[derive(Deserialize)]
        struct IdOnly {
            id: String,
        }
        let Some(space) = &self.vectors else {
            return Ok(None);
        };
        if vector.len() != space.dimensions || limit == 0 {
            return Ok(Some(Vec::new()));
        }
        let filter = filter_expression(filters);
        let mut q = MeiliQuery::new(&self.index);
        // Semantic ratio 1: the vector alone ranks (the lexical side is matching's own
        // retrieval, fused afterwards), so no query text is sent.
        q.with_hybrid(EMBEDDER, 1.0)
            .with_vector(vector)
            .with_limit(limit)
            .with_show_ranking_score(true)
            .with_attributes_to_retrieve(Selectors::Some(&["id"]));
        if let Some(filter) = &filter {
            q.with_filter(filter);
        }
        let results = q
            .execute::<IdOnly>()
            .await
            .context("Meilisearch vector search failed")?;
        results
            .hits
            .into_iter()
            // Documents without a vector come last with a score of 0: not found by meaning.
            .filter(|h| h.ranking_score.is_some_and(|s| s > 0.0))
            .map(|h| {
                let id = Uuid::parse_str(&h.result.id)
                    .with_context(|| format!("Meilisearch returned a bad id {:?}", h.result.id))?;
                // The ranking score of a vector search is (1 + cosine) / 2.
                let cosine = h.ranking_score.map_or(0.0, |s| (2.0 * s - 1.0) as f32);
                Ok((id, cosine))
            })
            .collect::<anyhow::Result<Vec<_>>>()
            .map(Some)
    }

    /// One federated multi-search per need, as the embedded index answers it in one pass:
    /// each part is an any-word query weighted by its part's weight, and Meilisearch merges
    /// the lists into one ranking by weighted score (a document's best part counts), cut at
    /// the limit on the server.
    #[tracing::instrument(skip_all, fields(search.parts = query.parts.len(), search.limit = query.limit))]
    async fn retrieve(&self, query: &RetrievalQuery) -> anyhow::Result<Vec<Candidate>> {
        #[derive(Deserialize)]
        struct IdOnly {
            id: String,
        }
        let parts: Vec<&crate::WeightedText> = query
            .parts
            .iter()
            .filter(|p| p.weight > 0.0 && !p.text.trim().is_empty())
            .collect();
        if parts.is_empty() || query.limit == 0 {
            return Ok(Vec::new());
        }
        let filter = filter_expression(&query.filters);
        let mut multi = self.client.multi_search();
        for part in &parts {
            let mut q = MeiliQuery::new(&self.index);
            q.with_query(&part.text)
                .with_matching_strategy(MatchingStrategies::LAST)
                .with_attributes_to_retrieve(Selectors::Some(&["id"]));
            if let Some(filter) = &filter {
                q.with_filter(filter);
            }
            multi.with_search_query_and_weight(q.build(), part.weight);
        }
        let federated = multi.with_federation(FederationOptions {
            limit: Some(query.limit),
            ..FederationOptions::default()
        });
        let response = federated
            .execute::<IdOnly>()
            .await
            .context("Meilisearch retrieval (federated multi-search) failed")?;
        response
            .hits
            .into_iter()
            .map(|h| {
                let id = Uuid::parse_str(&h.result.id)
                    .with_context(|| format!("Meilisearch returned a bad id {:?}", h.result.id))?;
                let score = h
                    .federation
                    .map(|f| f.weighted_ranking_score)
                    .or(h.ranking_score.map(|s| s as f32))
                    .unwrap_or(0.0);
                Ok(Candidate { id, score })
            })
            .collect()
    }

    async fn count(&self) -> anyhow::Result<u64> {
        let stats = self
            .index
            .get_stats()
            .await
            .context("Failed to read Meilisearch index stats")?;
        Ok(stats.number_of_documents as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn han_runs_become_character_phrases() {
        assert_eq!(
            meili_query_text("甘蔗收割机 drone"),
            "\"甘 蔗 收 割 机\" drone"
        );
        assert_eq!(han_spaced("甘蔗，收割机"), "甘 蔗 | 收 割 机");
        // Normalised (traditional) characters are what both sides compare.
        assert_eq!(meili_query_text("学习"), "\"學 習\"");
    }

    #[test]
    fn filters_translate_to_meilisearch_syntax() {
        let f = Filters {
            regions: vec!["450000".into()],
            ipc_prefixes: vec!["a01d 45".into()],
            price_min_cny_fen: Some(100),
            open_call: Some(true),
            industries: vec!["a\"b".into()],
            ..Filters::default()
        };
        assert_eq!(
            filter_expression(&f).as_deref(),
            Some(
                r#"(open_call = true) AND (industry IN ["a\"b"]) AND (region_path IN ["450000"]) AND (price_hi >= 100) AND (ipc_prefix IN ["A01D45"])"#
            )
        );
        assert_eq!(filter_expression(&Filters::default()), None);
    }
}
