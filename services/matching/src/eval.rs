//! `techmarket eval`: scores the matcher on a labelled set (format and rules in
//! `../shared/data/README.md`). Every corpus document is indexed as an achievement in a
//! temporary embedded index; every query runs as a need; results are restricted to the
//! query's set and target languages, its `exclude_ids` dropped, and scored with nDCG@10,
//! MRR@10 and recall@10/50/100, overall and per (set, type, language) group.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::Path;

use crate::settings::MatchingConfig;
use search::{Filters, LangText, ListingKind, SearchDoc, SearchIndex, SearchQuery, SortOrder};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::embedding::client::{Embedder, Role};
use crate::embedding::index::{quantise, VectorIndex};
use crate::engine::{self, AchievementProfile, NeedProfile};

/// A corpus line.
#[derive(Debug, Clone, Deserialize)]
pub struct CorpusDoc {
    pub id: String,
    pub lang: String,
    #[serde(default)]
    pub title: String,
    #[serde(default, rename = "abstract")]
    pub abstract_text: String,
    #[serde(default)]
    pub keywords: Vec<String>,
    pub set: String,
}

/// A query line.
#[derive(Debug, Clone, Deserialize)]
pub struct EvalQuery {
    pub id: String,
    pub lang: String,
    pub text: String,
    #[serde(default)]
    pub grades: HashMap<String, u8>,
    #[serde(default)]
    pub relevant_ids: Vec<String>,
    #[serde(default)]
    pub target_langs: Vec<String>,
    #[serde(rename = "type")]
    pub query_type: String,
    pub set: String,
    #[serde(default)]
    pub exclude_ids: Vec<String>,
}

/// Which ranking to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ranker {
    /// The matcher: decomposed retrieval and feature re-ranking.
    Matcher,
    /// Plain full-text ranking of the whole query text on the same index.
    Bm25,
}

/// Metric means of a group of queries.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Metrics {
    #[serde(rename = "ndcg@10")]
    pub ndcg10: f64,
    #[serde(rename = "mrr@10")]
    pub mrr10: f64,
    #[serde(rename = "recall@10")]
    pub recall10: f64,
    #[serde(rename = "recall@50")]
    pub recall50: f64,
    #[serde(rename = "recall@100")]
    pub recall100: f64,
    pub queries: usize,
}

/// The whole report: overall means and one entry per `set/type/lang` group.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub ranker: String,
    #[serde(flatten)]
    pub overall: Metrics,
    pub groups: BTreeMap<String, Metrics>,
}

pub fn read_jsonl<T: for<'de> Deserialize<'de>>(path: &Path) -> anyhow::Result<Vec<T>> {
    let file = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("Failed to open {}: {e}", path.display()))?;
    let mut out = Vec::new();
    for (i, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        out.push(
            serde_json::from_str(&line)
                .map_err(|e| anyhow::anyhow!("{}:{}: {e}", path.display(), i + 1))?,
        );
    }
    Ok(out)
}

/// A stable UUID for a corpus id, so runs are repeatable.
fn doc_uuid(id: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, id.as_bytes())
}

/// The evaluation corpus's set rides in the `industry` field, the one exact-match text filter
/// the index has; each query is then restricted to its own set.
fn to_doc(d: &CorpusDoc) -> SearchDoc {
    SearchDoc {
        id: doc_uuid(&d.id),
        kind: ListingKind::Achievement,
        open_call: false,
        organisation_id: Uuid::nil(),
        original_language: d.lang.clone(),
        texts: vec![LangText {
            language: d.lang.clone(),
            title: d.title.clone(),
            summary: d.abstract_text.clone(),
            description: String::new(),
            keywords: d.keywords.clone(),
        }],
        industry: d.set.clone(),
        region_code: "EVAL".to_owned(),
        country: "CN".to_owned(),
        trl: 5,
        ip_type: None,
        ipc_codes: Vec::new(),
        cooperation_modes: Vec::new(),
        price_min_cny_fen: None,
        price_max_cny_fen: None,
        cross_border: true,
        deadline: None,
        valid_until: None,
        published_at: chrono::DateTime::<chrono::Utc>::UNIX_EPOCH,
        vectors: Vec::new(),
    }
}

fn to_profile(d: &CorpusDoc) -> AchievementProfile {
    AchievementProfile {
        id: doc_uuid(&d.id),
        texts: vec![LangText {
            language: d.lang.clone(),
            title: d.title.clone(),
            summary: d.abstract_text.clone(),
            description: String::new(),
            keywords: d.keywords.clone(),
        }],
        industry: d.set.clone(),
        trl: 5,
        region_code: "EVAL".to_owned(),
        country: "CN".to_owned(),
        cross_border: true,
        ..AchievementProfile::default()
    }
}

/// A query as a need: keyword lists become keywords, anything else is the need's text.
pub fn to_need(q: &EvalQuery) -> NeedProfile {
    let parts: Vec<String> = q
        .text
        .split(['、', ',', '，', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let is_list = q.query_type.starts_with("kw") || q.query_type == "term";
    NeedProfile {
        language: q.lang.clone(),
        title: String::new(),
        summary: if is_list {
            String::new()
        } else {
            q.text.clone()
        },
        description: String::new(),
        keywords: if is_list { parts } else { Vec::new() },
        industry: Some(q.set.clone()),
        min_trl: 1,
        country: "CN".to_owned(),
        cross_border: true,
        region_code: Some("EVAL".to_owned()),
        ..NeedProfile::default()
    }
}

fn ndcg10(ranked: &[String], grades: &HashMap<String, u8>) -> f64 {
    let gain = |g: u8| 2_f64.powi(i32::from(g)) - 1.0;
    let dcg: f64 = ranked
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, id)| gain(grades.get(id).copied().unwrap_or(0)) / ((i + 2) as f64).log2())
        .sum();
    let mut ideal: Vec<u8> = grades.values().copied().collect();
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let idcg: f64 = ideal
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, g)| gain(*g) / ((i + 2) as f64).log2())
        .sum();
    if idcg > 0.0 {
        dcg / idcg
    } else {
        0.0
    }
}

fn mrr10(ranked: &[String], grades: &HashMap<String, u8>) -> f64 {
    ranked
        .iter()
        .take(10)
        .position(|id| grades.get(id).copied().unwrap_or(0) >= 2)
        .map_or(0.0, |p| 1.0 / (p + 1) as f64)
}

fn recall(ranked: &[String], relevant: &[String], k: usize) -> f64 {
    if relevant.is_empty() {
        return 0.0;
    }
    let top: std::collections::HashSet<&String> = ranked.iter().take(k).collect();
    relevant.iter().filter(|r| top.contains(r)).count() as f64 / relevant.len() as f64
}

fn add(m: &mut Metrics, ranked: &[String], q: &EvalQuery) {
    m.ndcg10 += ndcg10(ranked, &q.grades);
    m.mrr10 += mrr10(ranked, &q.grades);
    m.recall10 += recall(ranked, &q.relevant_ids, 10);
    m.recall50 += recall(ranked, &q.relevant_ids, 50);
    m.recall100 += recall(ranked, &q.relevant_ids, 100);
    m.queries += 1;
}

fn mean(mut m: Metrics) -> Metrics {
    if m.queries > 0 {
        let n = m.queries as f64;
        m.ndcg10 /= n;
        m.mrr10 /= n;
        m.recall10 /= n;
        m.recall50 /= n;
        m.recall100 /= n;
    }
    m
}

/// Indexes the corpus into `index` (which should be empty).
pub async fn index_corpus(index: &dyn SearchIndex, corpus: &[CorpusDoc]) -> anyhow::Result<()> {
    for chunk in corpus.chunks(1000) {
        index.upsert(chunk.iter().map(to_doc).collect()).await?;
    }
    Ok(())
}

/// Runs every query with `ranker`; returns the report and the run lines
/// (`query_id<TAB>doc_id<TAB>rank`, best first).
pub async fn evaluate(
    index: &dyn SearchIndex,
    corpus: &[CorpusDoc],
    queries: &[EvalQuery],
    ranker: Ranker,
    weights: &MatchingConfig,
) -> anyhow::Result<(Report, Vec<String>)> {
    let by_uuid: HashMap<Uuid, &CorpusDoc> = corpus.iter().map(|d| (doc_uuid(&d.id), d)).collect();
    // With an embedder the matcher is hybrid: every document and query is embedded first.
    let vectors = match (ranker, weights.embedder()) {
        (Ranker::Matcher, Some(config)) => Some(
            embed_for_eval(
                &crate::embedding::client::Embedder::new(config)?,
                corpus,
                queries,
                weights.embed_passages,
            )
            .await?,
        ),
        _ => None,
    };
    let mut overall = Metrics::default();
    let mut groups: BTreeMap<String, Metrics> = BTreeMap::new();
    let mut run = Vec::new();
    for q in queries {
        let filters = Filters {
            industries: vec![q.set.clone()],
            languages: q.target_langs.clone(),
            ..Filters::default()
        };
        let depth = 100 + q.exclude_ids.len();
        let ids: Vec<Uuid> = match ranker {
            Ranker::Bm25 => {
                let res = index
                    .search(&SearchQuery {
                        text: Some(q.text.clone()),
                        filters,
                        sort: SortOrder::Relevance,
                        offset: 0,
                        limit: depth,
                        facets: false,
                        highlight: false,
                        match_any: true,
                    })
                    .await?;
                res.hits.into_iter().map(|h| h.id).collect()
            }
            Ranker::Matcher => {
                let need = to_need(q);
                let mut w = weights.clone();
                w.candidates = w.candidates.max(depth);
                let query_vector = vectors.as_ref().and_then(|v| v.query(q, &by_uuid));
                let query_vector = query_vector.as_ref().map(|v| v as &dyn engine::Vectors);
                engine::rank_hybrid(index, &need, &filters, &w, depth, query_vector, |ids| {
                    let profiles: Vec<AchievementProfile> = ids
                        .iter()
                        .filter_map(|id| by_uuid.get(id))
                        .map(|d| to_profile(d))
                        .collect();
                    async move { Ok(profiles) }
                })
                .await?
                .into_iter()
                .map(|s| s.achievement_id)
                .collect()
            }
        };
        let ranked: Vec<String> = ids
            .iter()
            .filter_map(|id| by_uuid.get(id))
            .filter(|d| {
                d.set == q.set
                    && (q.target_langs.is_empty() || q.target_langs.contains(&d.lang))
                    && !q.exclude_ids.contains(&d.id)
            })
            .map(|d| d.id.clone())
            .take(100)
            .collect();
        for (rank, id) in ranked.iter().enumerate() {
            run.push(format!("{}\t{}\t{}", q.id, id, rank + 1));
        }
        add(&mut overall, &ranked, q);
        add(
            groups
                .entry(format!("{}/{}/{}", q.set, q.query_type, q.lang))
                .or_default(),
            &ranked,
            q,
        );
    }
    let report = Report {
        ranker: match ranker {
            Ranker::Matcher => format!("matcher {}", engine::ENGINE_VERSION),
            Ranker::Bm25 => "bm25".to_owned(),
        },
        overall: mean(overall),
        groups: groups.into_iter().map(|(k, v)| (k, mean(v))).collect(),
    };
    Ok((report, run))
}

/// The evaluation's vectors: every document's and query's, made once per run (and cached on
/// disk between runs, since embedding is the slow part).
pub struct EvalVectors {
    /// Whole texts, searched for candidates.
    index: VectorIndex,
    /// Each document's passages, which only refine a candidate's similarity (as a listing's
    /// do: `listing_embeddings::is_passage`).
    passages: HashMap<Uuid, Vec<Vec<i8>>>,
    queries: HashMap<String, Vec<i8>>,
}

impl EvalVectors {
    /// One query's vector, searching only the documents the query may rank (its set and
    /// target languages, not its excluded ids).
    fn query<'a>(
        &'a self,
        q: &'a EvalQuery,
        docs: &'a HashMap<Uuid, &'a CorpusDoc>,
    ) -> Option<EvalQueryVector<'a>> {
        Some(EvalQueryVector {
            vector: self.queries.get(&q.id)?,
            index: &self.index,
            passages: &self.passages,
            query: q,
            docs,
        })
    }
}

/// [`engine::Vectors`] of one evaluation query.
pub struct EvalQueryVector<'a> {
    vector: &'a [i8],
    index: &'a VectorIndex,
    passages: &'a HashMap<Uuid, Vec<Vec<i8>>>,
    query: &'a EvalQuery,
    docs: &'a HashMap<Uuid, &'a CorpusDoc>,
}

#[async_trait::async_trait]
impl engine::Vectors for EvalQueryVector<'_> {
    async fn nearest(&self, kind: ListingKind, k: usize) -> anyhow::Result<Vec<(Uuid, f64)>> {
        let q = self.query;
        let allowed = |id: Uuid| {
            self.docs.get(&id).is_some_and(|d| {
                d.set == q.set
                    && (q.target_langs.is_empty() || q.target_langs.contains(&d.lang))
                    && !q.exclude_ids.contains(&d.id)
            })
        };
        Ok(self
            .index
            .search_where(self.vector, kind, k, &allowed)
            .into_iter()
            .map(|(id, c)| (id, f64::from(c)))
            .collect())
    }

    async fn similarity(
        &self,
        kind: ListingKind,
        ids: &[Uuid],
    ) -> anyhow::Result<HashMap<Uuid, f64>> {
        Ok(ids
            .iter()
            .filter_map(|id| {
                let whole = self.index.similarity(self.vector, kind, *id)?;
                let cosine = self
                    .passages
                    .get(id)
                    .into_iter()
                    .flatten()
                    .map(|p| crate::embedding::index::cosine(self.vector, p))
                    .fold(whole, f32::max);
                Some((*id, f64::from(cosine)))
            })
            .collect())
    }

    fn refines(&self) -> bool {
        !self.passages.is_empty()
    }
}

/// A document's text as a listing's is embedded.
fn doc_text(d: &CorpusDoc) -> String {
    let mut text = format!("{}\n{}", d.title, d.abstract_text);
    if !d.keywords.is_empty() {
        text.push('\n');
        text.push_str(&d.keywords.join(", "));
    }
    text
}

/// Embeds the corpus (as passages) and the queries (as queries), reusing the vectors cached in
/// `$TMPDIR/techmarket-eval-embeddings.jsonl` (keyed by model, role and text) and adding to
/// it; progress on stderr.
#[tracing::instrument(skip_all)]
pub async fn embed_for_eval(
    embedder: &Embedder,
    corpus: &[CorpusDoc],
    queries: &[EvalQuery],
    passages: usize,
) -> anyhow::Result<EvalVectors> {
    use sha2::{Digest, Sha256};
    use std::io::Write;
    let path = std::env::temp_dir().join("techmarket-eval-embeddings.jsonl");
    let mut cache: HashMap<String, Vec<i8>> = HashMap::new();
    if let Ok(text) = std::fs::read_to_string(&path) {
        // A line cut short (a run stopped mid-write) is skipped: it is embedded again.
        for (key, vector) in text
            .lines()
            .filter_map(|l| serde_json::from_str::<(String, Vec<i8>)>(l).ok())
        {
            cache.insert(key, vector);
        }
    }
    let model = embedder.model_id();
    let key = |role: Role, text: &str| {
        hex::encode(Sha256::digest(
            format!("{model}\n{role:?}\n{text}").as_bytes(),
        ))
    };
    // A document's rows: its whole text, then its passages, as a listing's are.
    let doc_texts = |d: &CorpusDoc| {
        let whole = doc_text(d);
        let mut texts = crate::embedding::vectors::passages(&whole, passages);
        texts.insert(0, whole);
        texts
    };
    let mut wanted: Vec<(Role, String)> = corpus
        .iter()
        .flat_map(|d| doc_texts(d).into_iter().map(|t| (Role::Passage, t)))
        .chain(queries.iter().map(|q| (Role::Query, q.text.clone())))
        .collect();
    wanted.retain(|(role, text)| !cache.contains_key(&key(*role, text)));
    wanted.sort();
    wanted.dedup();
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    let total = wanted.len();
    let started = std::time::Instant::now();
    for (done, chunk) in wanted.chunks(32).enumerate() {
        for role in [Role::Passage, Role::Query] {
            let texts: Vec<String> = chunk
                .iter()
                .filter(|(r, _)| *r == role)
                .map(|(_, t)| t.clone())
                .collect();
            if texts.is_empty() {
                continue;
            }
            let vectors = embedder.embed(role, &texts).await?;
            for (text, vector) in texts.iter().zip(vectors) {
                let vector = quantise(&vector).unwrap_or_else(|| vec![0; embedder.dimensions()]);
                let k = key(role, text);
                writeln!(file, "{}", serde_json::to_string(&(&k, &vector))?)?;
                cache.insert(k, vector);
            }
        }
        eprintln!(
            "embedded {}/{total} texts ({:.1}/s)",
            ((done + 1) * 32).min(total),
            ((done + 1) * 32).min(total) as f64 / started.elapsed().as_secs_f64().max(1e-3)
        );
    }
    let mut index = VectorIndex::new(embedder.dimensions());
    let mut passage_rows = HashMap::new();
    for d in corpus {
        let mut rows: Vec<Vec<i8>> = doc_texts(d)
            .iter()
            .filter_map(|t| cache.get(&key(Role::Passage, t)).cloned())
            .collect();
        // The first row is the whole text; the rest are its passages.
        let passages = rows.split_off(rows.len().min(1));
        index.replace(ListingKind::Achievement, doc_uuid(&d.id), &rows);
        if !passages.is_empty() {
            passage_rows.insert(doc_uuid(&d.id), passages);
        }
    }
    let queries = queries
        .iter()
        .filter_map(|q| {
            cache
                .get(&key(Role::Query, &q.text))
                .map(|v| (q.id.clone(), v.clone()))
        })
        .collect();
    Ok(EvalVectors {
        index,
        passages: passage_rows,
        queries,
    })
}

/// The tuning split: queries whose id hashes even. Weights are chosen on these; reported
/// figures come from the others (`split = "report"`).
pub fn in_split(query_id: &str, split: &str) -> bool {
    let h = query_id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    match split {
        "tune" => h % 2 == 0,
        "report" => h % 2 == 1,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_follow_the_readme() {
        let grades: HashMap<String, u8> = [("a".to_owned(), 3), ("b".to_owned(), 1)]
            .into_iter()
            .collect();
        let ranked = vec!["x".to_owned(), "a".to_owned(), "b".to_owned()];
        assert!((mrr10(&ranked, &grades) - 0.5).abs() < 1e-9);
        let perfect = vec!["a".to_owned(), "b".to_owned()];
        assert!((ndcg10(&perfect, &grades) - 1.0).abs() < 1e-9);
        assert!((recall(&ranked, &["a".to_owned()], 10) - 1.0).abs() < 1e-9);
        assert!((recall(&ranked, &["a".to_owned()], 1) - 0.0).abs() < 1e-9);
    }
}
