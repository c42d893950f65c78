//! The embedded backend: a tantivy index on local disk (or in RAM for tests) tokenised by
//! charabia through [`crate::analysis`].
//!
//! One `IndexWriter` sits behind a mutex (writes come from the single `search` job queue; the
//! mutex only serialises a rare concurrent reindex), and one reader with a manual reload policy
//! is reloaded after every commit so an upsert is visible to the very next search. All tantivy
//! work runs in `spawn_blocking` because it is CPU and disk bound.
//!
//! Text semantics match the Meilisearch backend configured with `matchingStrategy: all`: every
//! query unit (word, or Han run as a phrase) must occur in title, keywords, summary or
//! description of some language; BM25 ranks with title and keywords boosted over summary and
//! summary over description.

use std::collections::BTreeMap;
use std::ops::Bound;
use std::path::Path;
use std::sync::{Arc, Mutex};

use anyhow::{anyhow, Context};
use chrono::NaiveDate;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::directory::MmapDirectory;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, EnableScoring, Occur, PhraseQuery, Query,
    RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, INDEXED, STORED,
    STRING,
};
use tantivy::tokenizer::{Token, TokenStream, Tokenizer};
use tantivy::{
    DocAddress, DocId, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Score, SegmentReader,
    TantivyDocument, Term,
};
use uuid::Uuid;

use crate::analysis::{self, QueryUnit};
use crate::{
    Candidate, Facets, Filters, Hit, LangText, ListingKind, RetrievalQuery, SearchDoc, SearchIndex,
    SearchQuery, SearchResults, SortOrder,
};

/// Name under which the charabia tokenizer is registered in tantivy.
const TOKENIZER: &str = "charabia";

/// Default writer heap for on-disk indexes: large enough that a 10k-document batch does not
/// flush mid-batch, small enough for the 2 GiB budget of a 1M-document reindex.
pub const DEFAULT_WRITER_HEAP_BYTES: usize = 256 * 1024 * 1024;

/// Tests need little memory; tantivy's floor is 15 MB per indexing thread.
const RAM_WRITER_HEAP_BYTES: usize = 50 * 1024 * 1024;

/// Text fields and their BM25 boosts: title and keywords over summary over description.
const TEXT_FIELDS: [(&str, f32); 4] = [
    ("title", 3.0),
    ("keywords", 3.0),
    ("summary", 2.0),
    ("description", 1.0),
];

/// Facet name (as in [`crate::Facets`]) = name of the string fast field that holds it.
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

/// Tantivy tokenizer that delegates to [`analysis::analyze`], so the index holds exactly the
/// units the query builder and highlighter produce.
#[derive(Clone, Default)]
pub struct CharabiaTokenizer;

/// Token stream over a pre-analysed text.
pub struct CharabiaTokenStream {
    tokens: std::rc::Rc<Vec<Token>>,
    next: usize,
    current: Token,
}

/// Index tokens for `text`: non-Han words as charabia lemmas; each Han run as overlapping
/// bigrams at consecutive positions plus its last character alone. Any substring of two or more
/// characters is then a phrase of bigrams (one term for the commonest, two-character, words), and
/// a single character is "a term equal to it or starting with it". Bigram postings are far more
/// selective than single characters, which keeps phrase matching fast on a million listings.
fn index_tokens(text: &str) -> Vec<Token> {
    let analyzed = analysis::analyze(text);
    let mut out = Vec::with_capacity(analyzed.len() + 4);
    let mut position = 0usize;
    let mut i = 0;
    while i < analyzed.len() {
        let t = &analyzed[i];
        if !t.han {
            out.push(Token {
                offset_from: t.byte_start,
                offset_to: t.byte_end,
                position,
                text: t.lemma.clone(),
                position_length: 1,
            });
            position += 1;
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < analyzed.len() && analyzed[end].han && analyzed[end].joined {
            end += 1;
        }
        let run = &analyzed[i..end];
        for pair in run.windows(2) {
            out.push(Token {
                offset_from: pair[0].byte_start,
                offset_to: pair[1].byte_end,
                position,
                text: format!("{}{}", pair[0].lemma, pair[1].lemma),
                position_length: 1,
            });
            position += 1;
        }
        if let Some(last) = run.last() {
            out.push(Token {
                offset_from: last.byte_start,
                offset_to: last.byte_end,
                position,
                text: last.lemma.clone(),
                position_length: 1,
            });
            position += 1;
        }
        i = end;
    }
    out
}

/// Texts remembered per indexing thread by [`memo_index_tokens`]: more than the text values of
/// one listing, so both copies of each meet.
const TOKEN_MEMO_TEXTS: usize = 64;

/// One remembered analysis: the text and its tokens.
type MemoEntry = (String, std::rc::Rc<Vec<Token>>);

thread_local! {
    static TOKEN_MEMO: std::cell::RefCell<std::collections::VecDeque<MemoEntry>> =
        std::cell::RefCell::new(std::collections::VecDeque::with_capacity(TOKEN_MEMO_TEXTS));
}

/// [`index_tokens`], remembering the last few texts of this thread. Every text of a listing is
/// indexed twice — in its own field and in `all_text` — by the same indexing thread, moments
/// apart; charabia's analysis is most of the indexing cost, so the second copy reuses the first's
/// tokens instead of analysing the text again.
fn memo_index_tokens(text: &str) -> std::rc::Rc<Vec<Token>> {
    TOKEN_MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if let Some((_, tokens)) = memo.iter().find(|(t, _)| t == text) {
            return tokens.clone();
        }
        let tokens = std::rc::Rc::new(index_tokens(text));
        if memo.len() == TOKEN_MEMO_TEXTS {
            memo.pop_front();
        }
        memo.push_back((text.to_owned(), tokens.clone()));
        tokens
    })
}

impl Tokenizer for CharabiaTokenizer {
    type TokenStream<'a> = CharabiaTokenStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        CharabiaTokenStream {
            tokens: memo_index_tokens(text),
            next: 0,
            current: Token::default(),
        }
    }
}

impl TokenStream for CharabiaTokenStream {
    fn advance(&mut self) -> bool {
        match self.tokens.get(self.next) {
            Some(t) => {
                // Copy into the current token's buffer: no allocation per token.
                self.current.offset_from = t.offset_from;
                self.current.offset_to = t.offset_to;
                self.current.position = t.position;
                self.current.position_length = t.position_length;
                self.current.text.clear();
                self.current.text.push_str(&t.text);
                self.next += 1;
                true
            }
            None => false,
        }
    }

    fn token(&self) -> &Token {
        &self.current
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.current
    }
}

/// Schema field handles.
#[derive(Clone)]
struct Fields {
    id: Field,
    texts_json: Field,
    text: Vec<(Field, f32)>,
    /// Every text field's tokens again in one field, frequencies only: matching retrieval
    /// scores a term once here instead of once per field (see [`Inner::retrieve`]).
    all_text: Field,
    facets: Vec<(&'static str, Field)>,
    trl_num: Field,
    region_path: Field,
    organisation_id: Field,
    ipc_prefix: Field,
    price_lo: Field,
    price_hi: Field,
    published_at: Field,
    deadline_key: Field,
}

fn build_schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let id = b.add_text_field("id", STRING | STORED);
    // Original texts, kept for highlighting and matched-language detection; never indexed.
    let texts_json = b.add_text_field("texts_json", STORED);
    let text_opts = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(TOKENIZER)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let text = TEXT_FIELDS
        .iter()
        .map(|(name, boost)| (b.add_text_field(name, text_opts.clone()), *boost))
        .collect();
    let facets = FACETS
        .iter()
        .map(|name| (*name, b.add_text_field(name, STRING | FAST | STORED)))
        .collect();
    let all_text = b.add_text_field(
        "all_text",
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(TOKENIZER)
                .set_index_option(IndexRecordOption::WithFreqs),
        ),
    );
    let fields = Fields {
        id,
        texts_json,
        text,
        all_text,
        facets,
        trl_num: b.add_i64_field("trl_num", INDEXED | FAST),
        region_path: b.add_text_field("region_path", STRING),
        organisation_id: b.add_text_field("organisation_id", STRING),
        ipc_prefix: b.add_text_field("ipc_prefix", STRING),
        price_lo: b.add_i64_field("price_lo", INDEXED | FAST),
        price_hi: b.add_i64_field("price_hi", INDEXED | FAST),
        published_at: b.add_i64_field("published_at", FAST),
        deadline_key: b.add_i64_field("deadline_key", FAST),
    };
    (b.build(), fields)
}

impl Fields {
    fn facet(&self, name: &str) -> anyhow::Result<Field> {
        self.facets
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, f)| *f)
            .ok_or_else(|| anyhow!("unknown facet field {name}"))
    }
}

struct Inner {
    index: Index,
    writer: Mutex<Option<IndexWriter<TantivyDocument>>>,
    writer_heap: usize,
    reader: IndexReader,
    fields: Fields,
}

/// [`SearchIndex`] on an embedded tantivy index. Cheap to clone (one shared writer and reader);
/// open a directory once per process and clone the handle, because tantivy allows a single
/// writer per index directory (a second `open` of the same directory fails on its lock file).
#[derive(Clone)]
pub struct EmbeddedIndex {
    inner: Arc<Inner>,
}

/// Whether `err` (from [`EmbeddedIndex::open`]) is tantivy refusing an index written with
/// another schema, as by an older binary: derived data its caller may rebuild. Matched by the
/// error's type, not its text.
pub fn is_schema_mismatch(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        matches!(
            e.downcast_ref::<tantivy::TantivyError>(),
            Some(tantivy::TantivyError::SchemaError(_))
        )
    })
}

impl EmbeddedIndex {
    /// Opens the index in `dir`, creating the directory and an empty index if missing.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        Self::open_with_heap(dir, DEFAULT_WRITER_HEAP_BYTES)
    }

    /// Like [`EmbeddedIndex::open`] with an explicit writer heap (bytes, shared by the indexing
    /// threads; at least 15 MB per thread).
    pub fn open_with_heap(dir: &Path, writer_heap_bytes: usize) -> anyhow::Result<Self> {
        std::fs::create_dir_all(dir).with_context(|| {
            format!("Failed to create search index directory {}", dir.display())
        })?;
        let (schema, fields) = build_schema();
        let mmap = MmapDirectory::open(dir)
            .with_context(|| format!("Failed to open search index directory {}", dir.display()))?;
        let index = Index::open_or_create(mmap, schema).with_context(|| {
            format!(
                "Failed to open the search index in {} (a schema change needs `techmarket reindex` into an empty directory)",
                dir.display()
            )
        })?;
        Self::from_index(index, fields, writer_heap_bytes)
    }

    /// A fresh index held in memory (tests, throwaway tools).
    pub fn in_ram() -> anyhow::Result<Self> {
        let (schema, fields) = build_schema();
        let index = Index::create_in_ram(schema);
        Self::from_index(index, fields, RAM_WRITER_HEAP_BYTES)
    }

    fn from_index(mut index: Index, fields: Fields, heap: usize) -> anyhow::Result<Self> {
        index.tokenizers().register(TOKENIZER, CharabiaTokenizer);
        // Segments are searched in parallel, one thread per core: a broad filter with exact facet
        // counts visits most of a million documents, and doing that on one core was over the
        // 20 ms goal. Small queries lose a few microseconds to the hand-off.
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        if threads > 1 {
            index
                .set_multithread_executor(threads)
                .context("Failed to start the search threads")?;
        }
        let writer = index
            .writer(heap)
            .context("Failed to create the search index writer")?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("Failed to create the search index reader")?;
        Ok(Self {
            inner: Arc::new(Inner {
                index,
                writer: Mutex::new(Some(writer)),
                writer_heap: heap,
                reader,
                fields,
            }),
        })
    }

    /// Waits for background merges to finish (call before measuring the index size).
    pub async fn wait_merges(&self) -> anyhow::Result<()> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<()> {
            let mut slot = lock(&inner.writer)?;
            // tantivy joins its merge threads only by consuming the writer, and allows a single
            // writer per index, so the old one must be gone before the new one is created.
            let old = slot
                .take()
                .ok_or_else(|| anyhow!("search index writer is unavailable"))?;
            old.wait_merging_threads()
                .context("Failed to wait for index merges")?;
            *slot = Some(
                inner
                    .index
                    .writer(inner.writer_heap)
                    .context("Failed to reopen the index writer")?,
            );
            inner
                .reader
                .reload()
                .context("Failed to reload the index reader")?;
            Ok(())
        })
        .await
        .context("index merge task panicked")?
    }
}

fn lock<T>(m: &Mutex<T>) -> anyhow::Result<std::sync::MutexGuard<'_, T>> {
    m.lock()
        .map_err(|_| anyhow!("search index writer mutex poisoned by an earlier panic"))
}

/// Locks the writer slot and hands out the writer (absent only if reopening it failed).
fn with_writer<R>(
    m: &Mutex<Option<IndexWriter<TantivyDocument>>>,
    f: impl FnOnce(&mut IndexWriter<TantivyDocument>) -> anyhow::Result<R>,
) -> anyhow::Result<R> {
    let mut slot = lock(m)?;
    let writer = slot
        .as_mut()
        .ok_or_else(|| anyhow!("search index writer is unavailable"))?;
    f(writer)
}

fn bool_str(b: bool) -> &'static str {
    if b {
        "true"
    } else {
        "false"
    }
}

/// Days since 0001-01-01; listings without a deadline sort after every date.
fn deadline_key(d: Option<NaiveDate>) -> i64 {
    d.map_or(i64::MAX, |d| {
        i64::from(chrono::Datelike::num_days_from_ce(&d))
    })
}

impl Inner {
    fn to_document(&self, d: &SearchDoc) -> anyhow::Result<TantivyDocument> {
        let f = &self.fields;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, d.id.to_string());
        doc.add_text(
            f.texts_json,
            serde_json::to_string(&d.texts).context("Failed to serialise listing texts")?,
        );
        for t in &d.texts {
            let [title, keywords, summary, description] =
                [f.text[0].0, f.text[1].0, f.text[2].0, f.text[3].0];
            // Indexed twice, in its own field and in `all_text`; the tokenizer's memo
            // (`memo_index_tokens`) analyses it once.
            let mut add = |field: Field, value: &str| {
                if !value.is_empty() {
                    doc.add_text(field, value);
                    doc.add_text(f.all_text, value);
                }
            };
            for (field, value) in [
                (title, &t.title),
                (summary, &t.summary),
                (description, &t.description),
            ] {
                add(field, value);
            }
            for k in &t.keywords {
                add(keywords, k);
            }
        }
        doc.add_text(f.facet("kind")?, d.kind.as_str());
        doc.add_text(f.facet("industry")?, &d.industry);
        doc.add_text(f.facet("region")?, &d.region_code);
        doc.add_text(f.facet("country")?, d.country.to_uppercase());
        doc.add_text(f.facet("trl")?, d.trl.to_string());
        if let Some(ip) = &d.ip_type {
            doc.add_text(f.facet("ip_type")?, ip);
        }
        for m in dedup(d.cooperation_modes.iter().cloned()) {
            doc.add_text(f.facet("cooperation_mode")?, m);
        }
        for l in dedup(
            d.texts
                .iter()
                .map(|t| t.language.clone())
                .chain([d.original_language.clone()]),
        ) {
            doc.add_text(f.facet("language")?, l);
        }
        doc.add_text(f.facet("cross_border")?, bool_str(d.cross_border));
        doc.add_text(f.facet("open_call")?, bool_str(d.open_call));
        doc.add_i64(f.trl_num, i64::from(d.trl));
        for r in analysis::region_ancestors(&d.region_code) {
            doc.add_text(f.region_path, r);
        }
        doc.add_text(f.organisation_id, d.organisation_id.to_string());
        for p in dedup(d.ipc_codes.iter().flat_map(|c| analysis::ipc_prefixes(c))) {
            doc.add_text(f.ipc_prefix, p);
        }
        // A half-open range is open on the missing side; a fully negotiable listing has no
        // price fields at all, so any price filter excludes it.
        if d.price_min_cny_fen.is_some() || d.price_max_cny_fen.is_some() {
            doc.add_i64(f.price_lo, d.price_min_cny_fen.unwrap_or(0));
            doc.add_i64(f.price_hi, d.price_max_cny_fen.unwrap_or(i64::MAX));
        }
        doc.add_i64(f.published_at, d.published_at.timestamp_micros());
        doc.add_i64(f.deadline_key, deadline_key(d.deadline));
        Ok(doc)
    }

    fn commit(&self, writer: &mut IndexWriter<TantivyDocument>) -> anyhow::Result<()> {
        writer
            .commit()
            .context("Failed to commit the search index")?;
        self.reader
            .reload()
            .context("Failed to reload the search index reader")?;
        Ok(())
    }

    fn upsert(&self, docs: &[SearchDoc]) -> anyhow::Result<()> {
        with_writer(&self.writer, |writer| {
            for d in docs {
                // Delete-then-add in one commit is tantivy's replace: the delete applies only to
                // documents added before it, so the new version survives.
                writer.delete_term(Term::from_field_text(self.fields.id, &d.id.to_string()));
                writer
                    .add_document(self.to_document(d)?)
                    .with_context(|| format!("Failed to index listing {}", d.id))?;
            }
            self.commit(writer)
        })
    }

    fn delete(&self, ids: &[Uuid]) -> anyhow::Result<()> {
        with_writer(&self.writer, |writer| {
            for id in ids {
                writer.delete_term(Term::from_field_text(self.fields.id, &id.to_string()));
            }
            self.commit(writer)
        })
    }

    fn clear(&self) -> anyhow::Result<()> {
        with_writer(&self.writer, |writer| {
            writer
                .delete_all_documents()
                .context("Failed to clear the search index")?;
            self.commit(writer)
        })
    }

    /// Every unit must match, or (`match_any`) any unit scores: then a Han run of three or more
    /// characters counts pair by pair rather than as one phrase.
    fn text_query(&self, units: &[QueryUnit], match_any: bool) -> Box<dyn Query> {
        let split;
        let units = if match_any {
            split = units
                .iter()
                .flat_map(|u| match u {
                    QueryUnit::Han(chars) if chars.len() > 2 => chars
                        .windows(2)
                        .map(|w| QueryUnit::Han(w.to_vec()))
                        .collect::<Vec<_>>(),
                    other => vec![other.clone()],
                })
                .collect::<Vec<_>>();
            split.as_slice()
        } else {
            units
        };
        let occur = if match_any {
            Occur::Should
        } else {
            Occur::Must
        };
        let clauses = units
            .iter()
            .map(|unit| {
                let per_field: Vec<(Occur, Box<dyn Query>)> = self
                    .fields
                    .text
                    .iter()
                    .map(|(field, boost)| {
                        let term = |t: &str| -> Box<dyn Query> {
                            Box::new(TermQuery::new(
                                Term::from_field_text(*field, t),
                                IndexRecordOption::WithFreqs,
                            ))
                        };
                        let q: Box<dyn Query> = match unit {
                            QueryUnit::Term(t) => term(t),
                            QueryUnit::Han(chars) if chars.len() == 1 => {
                                // One character: the terminal unigram itself or any bigram it
                                // starts (see `index_tokens`), i.e. the term range [c, c+U+10FFFF].
                                let c = &chars[0];
                                Box::new(RangeQuery::new(
                                    Bound::Included(Term::from_field_text(*field, c)),
                                    Bound::Included(Term::from_field_text(
                                        *field,
                                        &format!("{c}{}", char::MAX),
                                    )),
                                ))
                            }
                            QueryUnit::Han(chars) if chars.len() == 2 => term(&chars.concat()),
                            QueryUnit::Han(chars) => Box::new(PhraseQuery::new(
                                chars
                                    .windows(2)
                                    .map(|w| Term::from_field_text(*field, &w.concat()))
                                    .collect(),
                            )),
                        };
                        (
                            Occur::Should,
                            Box::new(BoostQuery::new(q, *boost)) as Box<dyn Query>,
                        )
                    })
                    .collect();
                (
                    occur,
                    Box::new(BooleanQuery::new(per_field)) as Box<dyn Query>,
                )
            })
            .collect();
        Box::new(BooleanQuery::new(clauses))
    }

    fn filter_queries(&self, filters: &Filters) -> anyhow::Result<Vec<Box<dyn Query>>> {
        let f = &self.fields;
        let mut out: Vec<Box<dyn Query>> = Vec::new();
        let mut term_set = |field: Field, values: Vec<String>| match values.as_slice() {
            [] => {}
            // One value: a plain term, whose postings a scorer can skip through; a term set
            // reads every matching posting into a bitset first (costly for `kind` on 1M docs).
            [one] => out.push(Box::new(TermQuery::new(
                Term::from_field_text(field, one),
                IndexRecordOption::Basic,
            ))),
            _ => out.push(Box::new(TermSetQuery::new(
                values.iter().map(|v| Term::from_field_text(field, v)),
            ))),
        };
        term_set(
            f.facet("kind")?,
            filters
                .kinds
                .iter()
                .map(|k| k.as_str().to_string())
                .collect(),
        );
        term_set(
            f.facet("open_call")?,
            filters
                .open_call
                .map(|b| bool_str(b).to_string())
                .into_iter()
                .collect(),
        );
        term_set(f.facet("industry")?, filters.industries.clone());
        term_set(f.region_path, filters.regions.clone());
        term_set(
            f.facet("country")?,
            filters.countries.iter().map(|c| c.to_uppercase()).collect(),
        );
        term_set(f.facet("ip_type")?, filters.ip_types.clone());
        term_set(
            f.facet("cooperation_mode")?,
            filters.cooperation_modes.clone(),
        );
        term_set(
            f.facet("cross_border")?,
            filters
                .cross_border
                .map(|b| bool_str(b).to_string())
                .into_iter()
                .collect(),
        );
        term_set(f.facet("language")?, filters.languages.clone());
        term_set(
            f.organisation_id,
            filters
                .organisation_id
                .map(|o| o.to_string())
                .into_iter()
                .collect(),
        );
        term_set(
            f.ipc_prefix,
            filters
                .ipc_prefixes
                .iter()
                .map(|p| analysis::normalize_ipc(p))
                .filter(|p| !p.is_empty())
                .collect(),
        );
        let range = |field: Field, lo: i64, hi: i64| -> Box<dyn Query> {
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(field, lo)),
                Bound::Included(Term::from_field_i64(field, hi)),
            ))
        };
        if filters.trl_min.is_some() || filters.trl_max.is_some() {
            out.push(range(
                f.trl_num,
                filters.trl_min.map_or(i64::MIN, i64::from),
                filters.trl_max.map_or(i64::MAX, i64::from),
            ));
        }
        // Ranges intersect when listing.lo <= wanted.max and listing.hi >= wanted.min.
        if let Some(min) = filters.price_min_cny_fen {
            out.push(range(f.price_hi, min, i64::MAX));
        }
        if let Some(max) = filters.price_max_cny_fen {
            out.push(range(f.price_lo, i64::MIN, max));
        }
        Ok(out)
    }

    /// Matching retrieval (see [`RetrievalQuery`]): every part's terms in one flat disjunction
    /// of boosted term queries over `all_text` — the one shape tantivy scores with block-max
    /// WAND, skipping blocks that cannot reach the current top `limit`, and one scorer per term
    /// rather than one per term and field (WAND's cost grows with the number of scorers) — with
    /// the filters checked per candidate document rather than intersected into the query (which
    /// would disable the pruning), and no counting. Only ids are read back.
    ///
    /// Weights: each term of a part gets `weight / √Σ idf(the part's terms)`, so a short
    /// keyword counts about as much as a long clause whatever the rarity of its terms — as
    /// when each part ran alone and its scores were divided by its best hit — while a long part
    /// still counts more than one of its words (its best hit rarely holds all its terms). The
    /// square root was chosen on the `tune` split of the evaluation set.
    fn retrieve(
        &self,
        searcher: &tantivy::Searcher,
        q: &RetrievalQuery,
    ) -> anyhow::Result<Vec<Candidate>> {
        if q.limit == 0 {
            return Ok(Vec::new());
        }
        let terms = self.retrieval_terms(searcher, q)?;
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let clauses: Vec<(Occur, Box<dyn Query>)> = terms
            .iter()
            .map(|(text, weight)| {
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(
                        Term::from_field_text(self.fields.all_text, text),
                        IndexRecordOption::WithFreqs,
                    )),
                    *weight,
                ));
                (Occur::Should, q)
            })
            .collect();
        let query = BooleanQuery::new(clauses);
        let weight = query
            .weight(EnableScoring::enabled_from_searcher(searcher))
            .context("Failed to prepare a matching query")?;
        let mut filters = self.filter_queries(&q.filters)?;
        let filter: Option<Box<dyn Query>> = match filters.len() {
            0 => None,
            1 => filters.pop(),
            _ => Some(Box::new(BooleanQuery::new(
                filters.into_iter().map(|f| (Occur::Must, f)).collect(),
            ))),
        };
        let filter_weight = filter
            .map(|f| f.weight(EnableScoring::disabled_from_searcher(searcher)))
            .transpose()
            .context("Failed to prepare matching filters")?;
        let mut top = TopScores::new(q.limit);
        for (ord, reader) in searcher.segment_readers().iter().enumerate() {
            let segment_ord = u32::try_from(ord).context("too many index segments")?;
            let mut filter_docs = filter_weight
                .as_ref()
                .map(|w| w.scorer(reader, 1.0))
                .transpose()
                .context("Failed to read matching filters")?;
            let alive = reader.alive_bitset();
            // Documents arrive in increasing order, so the filter's doc set only moves forward.
            weight
                .for_each_pruning(top.threshold(), reader, &mut |doc, score| {
                    let deleted = alive.is_some_and(|a| a.is_deleted(doc));
                    let filtered_out = filter_docs.as_mut().is_some_and(|f| {
                        if f.doc() < doc {
                            f.seek(doc);
                        }
                        f.doc() != doc
                    });
                    if !deleted && !filtered_out {
                        top.push(score, DocAddress::new(segment_ord, doc));
                    }
                    top.threshold()
                })
                .context("Matching search failed")?;
        }
        let mut out = Vec::with_capacity(q.limit);
        for (score, addr) in top.into_sorted() {
            let doc: TantivyDocument = searcher
                .doc(addr)
                .context("Failed to load a stored search document")?;
            let id = doc
                .get_first(self.fields.id)
                .and_then(|v| v.as_str())
                .and_then(|s| Uuid::parse_str(s).ok())
                .context("Stored search document has a bad id")?;
            out.push(Candidate { id, score });
        }
        Ok(out)
    }

    /// The index terms of a retrieval query with their weights, most informative first, at
    /// most `max_terms`. A Han run counts pair by pair (the index's bigrams); a lone Han
    /// character only as the unigram the index keeps for the end of a run, since its full
    /// prefix expansion would not be a plain term.
    fn retrieval_terms(
        &self,
        searcher: &tantivy::Searcher,
        q: &RetrievalQuery,
    ) -> anyhow::Result<Vec<(String, f32)>> {
        let n = searcher.num_docs() as f32;
        let all_text = self.fields.all_text;
        let mut idf_cache: std::collections::HashMap<String, f32> =
            std::collections::HashMap::new();
        let mut idf = |t: &str| -> anyhow::Result<f32> {
            if let Some(v) = idf_cache.get(t) {
                return Ok(*v);
            }
            let df = searcher
                .doc_freq(&Term::from_field_text(all_text, t))
                .context("Failed to read a term's document frequency")? as f32;
            let v = (1.0 + (n - df + 0.5) / (df + 0.5)).ln();
            idf_cache.insert(t.to_owned(), v);
            Ok(v)
        };
        // term → (weight, idf), in first-seen order so equal weights keep a stable order.
        let mut terms: Vec<(String, f32, f32)> = Vec::new();
        // Terms kept whatever the budget (each part's `min_terms` rarest).
        let mut reserved: Vec<String> = Vec::new();
        for part in q.parts.iter().filter(|p| p.weight > 0.0) {
            let mut part_terms: Vec<String> = Vec::new();
            for unit in analysis::query_units(&part.text) {
                let texts: Vec<String> = match unit {
                    QueryUnit::Term(t) => vec![t],
                    QueryUnit::Han(chars) if chars.len() == 1 => chars,
                    QueryUnit::Han(chars) => chars.windows(2).map(|w| w.concat()).collect(),
                };
                for t in texts {
                    if !part_terms.contains(&t) {
                        part_terms.push(t);
                    }
                }
            }
            let idfs = part_terms
                .iter()
                .map(|t| idf(t))
                .collect::<anyhow::Result<Vec<f32>>>()?;
            let norm: f32 = idfs.iter().sum::<f32>().sqrt();
            if norm <= 0.0 {
                continue;
            }
            if part.min_terms > 0 {
                let mut by_idf: Vec<(&String, f32)> =
                    part_terms.iter().zip(idfs.iter().copied()).collect();
                by_idf.sort_by(|a, b| b.1.total_cmp(&a.1));
                reserved.extend(
                    by_idf
                        .into_iter()
                        .take(part.min_terms)
                        .map(|(t, _)| t.clone()),
                );
            }
            for (t, i) in part_terms.into_iter().zip(idfs) {
                let w = part.weight / norm;
                match terms.iter_mut().find(|(x, _, _)| *x == t) {
                    Some(slot) => slot.1 += w,
                    None => terms.push((t, w, i)),
                }
            }
        }
        if q.max_terms > 0 && terms.len() > q.max_terms {
            // Stable sort: ties keep first-seen order.
            terms.sort_by(|a, b| (b.1 * b.2).total_cmp(&(a.1 * a.2)));
            let mut budget = q.max_terms;
            terms.retain(|(t, _, _)| {
                if reserved.contains(t) {
                    true
                } else if budget > 0 {
                    budget -= 1;
                    true
                } else {
                    false
                }
            });
        }
        Ok(terms.into_iter().map(|(t, w, _)| (t, w)).collect())
    }

    fn search(
        &self,
        searcher: &tantivy::Searcher,
        q: &SearchQuery,
    ) -> anyhow::Result<SearchResults> {
        let units = q
            .text
            .as_deref()
            .map(analysis::query_units)
            .unwrap_or_default();
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        if !units.is_empty() {
            clauses.push((Occur::Must, self.text_query(&units, q.match_any)));
        }
        for filter in self.filter_queries(&q.filters)? {
            // Filters must hold but must not move the BM25 score.
            clauses.push((Occur::Must, Box::new(ConstScoreQuery::new(filter, 0.0))));
        }
        let query: Box<dyn Query> = if clauses.is_empty() {
            Box::new(AllQuery)
        } else {
            Box::new(BooleanQuery::new(clauses))
        };

        let facet_collector = q.facets.then(|| FacetCollector {
            fields: self.fields.facets.clone(),
        });
        // TopDocs refuses a zero limit; ask for one and drop it.
        let limit = q.limit.max(1);
        let top = TopDocs::with_limit(limit).and_offset(q.offset);
        let sort = if q.sort == SortOrder::Relevance && units.is_empty() {
            SortOrder::Newest
        } else {
            q.sort
        };
        let (total, scored, facets): (usize, Vec<(Score, DocAddress)>, Option<Facets>) = match sort
        {
            SortOrder::Relevance => {
                let (n, docs, facets) = searcher
                    .search(&query, &(Count, top.order_by_score(), facet_collector))
                    .context("Search failed")?;
                (n, docs, facets)
            }
            SortOrder::Newest | SortOrder::Deadline => {
                let (field, order) = if sort == SortOrder::Newest {
                    ("published_at", Order::Desc)
                } else {
                    ("deadline_key", Order::Asc)
                };
                let (n, docs, facets) = searcher
                    .search(
                        &query,
                        &(
                            Count,
                            top.order_by_fast_field::<i64>(field, order),
                            facet_collector,
                        ),
                    )
                    .context("Search failed")?;
                (n, docs.into_iter().map(|(_, a)| (0.0, a)).collect(), facets)
            }
        };
        let mut hits = Vec::with_capacity(scored.len());
        for (score, addr) in scored.into_iter().take(q.limit) {
            let doc: TantivyDocument = searcher
                .doc(addr)
                .context("Failed to load a stored search document")?;
            let get = |field: Field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string()
            };
            let id = Uuid::parse_str(&get(self.fields.id))
                .context("Stored search document has a bad id")?;
            // Only this index writes the facet, so anything but a need is an achievement.
            let kind = ListingKind::parse(&get(self.fields.facet("kind")?))
                .unwrap_or(ListingKind::Achievement);
            let texts: Vec<LangText> = serde_json::from_str(&get(self.fields.texts_json))
                .context("Stored search document has bad texts")?;
            let (matched_language, highlights) = analysis::hit_extras(&texts, &units, q.highlight);
            hits.push(Hit {
                id,
                kind,
                score,
                matched_language,
                highlights,
            });
        }
        Ok(SearchResults {
            total: total as u64,
            hits,
            facets: facets.unwrap_or_default(),
        })
    }
}

/// The best `limit` (score, document) pairs seen so far, with the score a new one must beat.
/// Ties go to the earlier document, so results are repeatable.
struct TopScores {
    limit: usize,
    heap: std::collections::BinaryHeap<std::cmp::Reverse<ScoredDoc>>,
}

#[derive(Clone, Copy)]
struct ScoredDoc(Score, DocAddress);

impl PartialEq for ScoredDoc {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == std::cmp::Ordering::Equal
    }
}

impl Eq for ScoredDoc {}

impl PartialOrd for ScoredDoc {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ScoredDoc {
    /// Greater = better: higher score, then lower address.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .total_cmp(&other.0)
            .then_with(|| other.1.cmp(&self.1))
    }
}

impl TopScores {
    fn new(limit: usize) -> Self {
        Self {
            limit,
            heap: std::collections::BinaryHeap::with_capacity(limit + 1),
        }
    }

    /// A document must score above this to enter (block-max WAND skips whatever cannot).
    fn threshold(&self) -> Score {
        if self.heap.len() < self.limit {
            Score::MIN
        } else {
            self.heap.peek().map_or(Score::MIN, |r| r.0 .0)
        }
    }

    fn push(&mut self, score: Score, addr: DocAddress) {
        self.heap.push(std::cmp::Reverse(ScoredDoc(score, addr)));
        if self.heap.len() > self.limit {
            self.heap.pop();
        }
    }

    /// Best first.
    fn into_sorted(self) -> Vec<(Score, DocAddress)> {
        let mut v: Vec<ScoredDoc> = self.heap.into_iter().map(|r| r.0).collect();
        v.sort_by(|a, b| b.cmp(a));
        v.into_iter().map(|d| (d.0, d.1)).collect()
    }
}

fn dedup(items: impl IntoIterator<Item = String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for i in items {
        if !i.is_empty() && !out.contains(&i) {
            out.push(i);
        }
    }
    out
}

/// Exact facet counts over every matching document, read from string fast-field ordinals.
struct FacetCollector {
    fields: Vec<(&'static str, Field)>,
}

/// One facet's column in one segment and its count per term ordinal.
struct FacetColumn {
    name: &'static str,
    column: Option<StrColumn>,
    counts: Vec<u64>,
}

struct FacetSegmentCollector {
    columns: Vec<FacetColumn>,
    // Scratch space for block collection, reused from block to block.
    docs_out: Vec<DocId>,
    rows: Vec<u32>,
    ords: Vec<u64>,
}

impl Collector for FacetCollector {
    type Fruit = Facets;
    type Child = FacetSegmentCollector;

    fn for_segment(&self, _ord: u32, segment: &SegmentReader) -> tantivy::Result<Self::Child> {
        let mut columns = Vec::with_capacity(self.fields.len());
        for (name, _) in &self.fields {
            let column = segment.fast_fields().str(name)?;
            let n = column.as_ref().map_or(0, |c| c.num_terms());
            columns.push(FacetColumn {
                name,
                column,
                counts: vec![0u64; n],
            });
        }
        Ok(FacetSegmentCollector {
            columns,
            docs_out: Vec::new(),
            rows: Vec::new(),
            ords: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Facets>) -> tantivy::Result<Facets> {
        let mut out = Facets::new();
        for fruit in fruits {
            for (facet, values) in fruit {
                let slot = out.entry(facet).or_default();
                for (v, n) in values {
                    *slot.entry(v).or_default() += n;
                }
            }
        }
        Ok(out)
    }
}

impl SegmentCollector for FacetSegmentCollector {
    type Fruit = Facets;

    fn collect(&mut self, doc: DocId, _score: Score) {
        for c in &mut self.columns {
            if let Some(col) = &c.column {
                for ord in col.term_ords(doc) {
                    if let Some(n) = usize::try_from(ord).ok().and_then(|o| c.counts.get_mut(o)) {
                        *n += 1;
                    }
                }
            }
        }
    }

    /// Filter-only queries reach here with blocks of documents: translating a whole block to
    /// column rows and decoding their ordinals in one call per column is what keeps exact counts
    /// over hundreds of thousands of hits cheap (one call per document and column was most of
    /// such a query's time at 1M).
    fn collect_block(&mut self, docs: &[DocId]) {
        for c in &mut self.columns {
            let Some(col) = &c.column else { continue };
            let ords = col.ords();
            self.docs_out.clear();
            self.rows.clear();
            ords.row_ids_for_docs(docs, &mut self.docs_out, &mut self.rows);
            self.ords.clear();
            self.ords.resize(self.rows.len(), 0);
            ords.values.get_vals(&self.rows, &mut self.ords);
            for &ord in &self.ords {
                if let Some(n) = usize::try_from(ord).ok().and_then(|o| c.counts.get_mut(o)) {
                    *n += 1;
                }
            }
        }
    }

    fn harvest(self) -> Facets {
        let mut out = Facets::new();
        for FacetColumn {
            name,
            column,
            counts,
        } in self.columns
        {
            let slot: &mut BTreeMap<String, u64> = out.entry(name.to_string()).or_default();
            let Some(col) = column else { continue };
            let mut value = String::new();
            for (ord, n) in counts.into_iter().enumerate() {
                if n == 0 {
                    continue;
                }
                value.clear();
                // A failed dictionary read would mean a corrupt segment; skip the value rather
                // than fail the whole search.
                if matches!(col.ord_to_str(ord as u64, &mut value), Ok(true)) {
                    *slot.entry(value.clone()).or_default() += n;
                }
            }
        }
        out
    }
}

#[async_trait::async_trait]
impl SearchIndex for EmbeddedIndex {
    async fn upsert(&self, docs: Vec<SearchDoc>) -> anyhow::Result<()> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || inner.upsert(&docs))
            .await
            .context("index upsert task panicked")?
    }

    async fn delete(&self, ids: &[Uuid]) -> anyhow::Result<()> {
        let inner = self.inner.clone();
        let ids = ids.to_vec();
        tokio::task::spawn_blocking(move || inner.delete(&ids))
            .await
            .context("index delete task panicked")?
    }

    async fn clear(&self) -> anyhow::Result<()> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || inner.clear())
            .await
            .context("index clear task panicked")?
    }

    async fn search(&self, query: &SearchQuery) -> anyhow::Result<SearchResults> {
        let mut results = self.multi_search(std::slice::from_ref(query)).await?;
        results
            .pop()
            .ok_or_else(|| anyhow!("search returned no result set"))
    }

    async fn multi_search(&self, queries: &[SearchQuery]) -> anyhow::Result<Vec<SearchResults>> {
        let inner = self.inner.clone();
        let queries = queries.to_vec();
        tokio::task::spawn_blocking(move || {
            // One searcher for the whole batch: every query sees the same index state.
            let searcher = inner.reader.searcher();
            queries.iter().map(|q| inner.search(&searcher, q)).collect()
        })
        .await
        .context("index search task panicked")?
    }

    async fn count(&self) -> anyhow::Result<u64> {
        Ok(self.inner.reader.searcher().num_docs())
    }

    async fn retrieve(&self, query: &RetrievalQuery) -> anyhow::Result<Vec<Candidate>> {
        let inner = self.inner.clone();
        let query = query.clone();
        tokio::task::spawn_blocking(move || {
            let searcher = inner.reader.searcher();
            inner.retrieve(&searcher, &query)
        })
        .await
        .context("index retrieval task panicked")?
    }
}
