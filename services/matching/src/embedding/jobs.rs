//! Keeping vectors current through the job queue, and what matching asks of them.
//!
//! When a listing's search document changes (`listing_indexed.v1`, the event matching already
//! consumes), matching enqueues [`EmbedListing`]. Its handler re-reads the listing, embeds the
//! texts (original and translations) whose hash or model changed, replaces the listing's rows
//! and, when anything changed, recomputes the listing's matches with the new vectors. An
//! embedder that is down or answers garbage fails that attempt only: the queue retries with
//! backoff, and matching meanwhile stays lexical for that listing.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use chrono::Utc;
use platform::config::Config;
use platform::entity::{achievements, needs};
use platform::jobs::events::SyncSearch;
use platform::jobs::Job;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QuerySelect, Set,
    TransactionTrait,
};
use search::{Filters, SearchIndex};
use serde::{Deserialize, Serialize};
use uuid::Uuid;
use wire::{ListingKind, ListingStatus};

use super::client::{Embedder, Role};
use super::index::{cosine, quantise};
use super::vectors::{self, entity, SharedIndex};
use crate::engine;
use crate::settings::MatchingConfig;

/// Embed one listing's texts (enqueued by matching when its search document changed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EmbedListing {
    pub kind: ListingKind,
    pub id: Uuid,
}

impl Job for EmbedListing {
    const NAME: &'static str = "embed_listing.v1";
    const QUEUE: &'static str = "matching";
}

/// The embedder and where the vectors are searched: this process's vector index of one
/// database (embedded mode), or the search index when it holds them (Meilisearch with a
/// declared embedder: [`Semantic::with_search`]). Cheap to build and clone.
#[derive(Debug, Clone)]
pub struct Semantic {
    pub embedder: Embedder,
    pub index: Arc<SharedIndex>,
    /// Passages embedded per text besides the whole (`matching.embed_passages`).
    pub passages: usize,
    /// The search index and database when the index holds the vectors; `None`: this process's
    /// index (`index`) answers.
    remote: Option<Remote>,
    /// Where passage rows are read to refine a candidate's similarity (they are not in
    /// `index`: `entity::is_passage`); `None` before [`Semantic::with_search`].
    db: Option<DatabaseConnection>,
}

/// Vectors searched by the search index (nearest) and read from the table (one listing's
/// similarity), with no in-process copy of them.
#[derive(Clone)]
struct Remote {
    search: Arc<dyn SearchIndex>,
    db: DatabaseConnection,
}

impl std::fmt::Debug for Remote {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Remote")
            .field("vector_space", &self.search.vector_space())
            .finish_non_exhaustive()
    }
}

impl Semantic {
    /// The configured embedder, or `None` when `matching.embedder_url` is unset.
    pub fn from_config(config: &Config, settings: &MatchingConfig) -> anyhow::Result<Option<Self>> {
        use secrecy::ExposeSecret;
        let Some(embedder) = settings.embedder() else {
            return Ok(None);
        };
        let embedder = Embedder::new(embedder)?;
        let index =
            vectors::shared_index(config.database.url.expose_secret(), &embedder.model_id());
        Ok(Some(Self {
            embedder,
            index,
            passages: settings.embed_passages,
            remote: None,
            db: None,
        }))
    }

    /// These settings searching `search` for the nearest vectors when it holds this embedder's
    /// ([`SearchIndex::vector_space`]: Meilisearch in distributed mode), so no process keeps
    /// its own copy of them; otherwise unchanged (the in-process index answers).
    #[must_use]
    pub fn with_search(mut self, search: &Arc<dyn SearchIndex>, db: &DatabaseConnection) -> Self {
        self.db = Some(db.clone());
        let model = self.embedder.model_id();
        if search.vector_space().is_some_and(|s| s.model == model) {
            self.remote = Some(Remote {
                search: search.clone(),
                db: db.clone(),
            });
        }
        self
    }

    /// Whether the search index holds the vectors (so it must be told when they change).
    pub fn searched_by_index(&self) -> bool {
        self.remote.is_some()
    }

    /// A query vector searched where this process searches vectors.
    async fn query_vector(
        &self,
        db: &impl ConnectionTrait,
        vector: Vec<i8>,
    ) -> anyhow::Result<QueryVector> {
        let source = match &self.remote {
            Some(remote) => Source::Remote {
                remote: remote.clone(),
                model: self.embedder.model_id(),
                passages: self.passages > 0,
            },
            None => {
                self.index
                    .ensure_loaded(db, &self.embedder.model_id(), self.embedder.dimensions())
                    .await?;
                Source::Local {
                    index: self.index.clone(),
                    passages: self
                        .db
                        .clone()
                        .filter(|_| self.passages > 0)
                        .map(|db| (db, self.embedder.model_id())),
                }
            }
        };
        Ok(QueryVector { vector, source })
    }

    /// A stored listing's vector (its original language's) as the query side of a search;
    /// `None` while it has none (its embed job has not run yet, or failed).
    pub async fn listing_query(
        &self,
        db: &impl ConnectionTrait,
        kind: ListingKind,
        id: Uuid,
        language: &str,
    ) -> anyhow::Result<Option<QueryVector>> {
        let model = self.embedder.model_id();
        let rows: Vec<entity::Model> = vectors::stored(db, kind, id)
            .await?
            .into_iter()
            .filter(|r| r.model == model && !entity::is_passage(&r.language))
            .collect();
        let Some(row) = rows
            .iter()
            .find(|r| r.language == language)
            .or_else(|| rows.first())
        else {
            return Ok(None);
        };
        Ok(Some(
            self.query_vector(db, vectors::from_bytes(&row.vector))
                .await?,
        ))
    }

    /// Text someone typed, embedded now as a query.
    pub async fn text_query(
        &self,
        db: &impl ConnectionTrait,
        text: &str,
    ) -> anyhow::Result<QueryVector> {
        let embedded = self.embedder.embed(Role::Query, &[text.to_owned()]).await?;
        let vector = embedded
            .first()
            .and_then(|v| quantise(v))
            .context("the embedder returned a zero vector")?;
        self.query_vector(db, vector).await
    }
}

/// One query vector and where it is searched: the engine's [`engine::Vectors`].
#[derive(Debug, Clone)]
pub struct QueryVector {
    vector: Vec<i8>,
    source: Source,
}

#[derive(Debug, Clone)]
enum Source {
    /// This process's index of the vector table (whole texts), and where the passages of a
    /// candidate are read when there are any (`matching.embed_passages` on).
    Local {
        index: Arc<SharedIndex>,
        passages: Option<(DatabaseConnection, String)>,
    },
    /// The search index's vector search; similarity of given listings from the table (their
    /// passages too when `passages`).
    Remote {
        remote: Remote,
        model: String,
        passages: bool,
    },
}

#[async_trait::async_trait]
impl engine::Vectors for QueryVector {
    async fn nearest(&self, kind: ListingKind, k: usize) -> anyhow::Result<Vec<(Uuid, f64)>> {
        match &self.source {
            Source::Local { index, .. } => Ok(engine::scan(|| {
                index
                    .with(|index| index.search(&self.vector, kind, k))
                    .unwrap_or_default()
            })
            .into_iter()
            .map(|(id, cosine)| (id, f64::from(cosine)))
            .collect()),
            Source::Remote { remote, .. } => {
                let filters = Filters {
                    kinds: vec![kind],
                    ..Filters::default()
                };
                let query: Vec<f32> = self.vector.iter().map(|x| f32::from(*x)).collect();
                let found = remote
                    .search
                    .nearest(&query, &filters, k)
                    .await?
                    .context("the search index no longer holds vectors")?;
                Ok(found
                    .into_iter()
                    .map(|(id, cosine)| (id, f64::from(cosine)))
                    .collect())
            }
        }
    }

    async fn similarity(
        &self,
        kind: ListingKind,
        ids: &[Uuid],
    ) -> anyhow::Result<HashMap<Uuid, f64>> {
        match &self.source {
            Source::Local { index, passages } => {
                let mut best: HashMap<Uuid, f64> = index
                    .with(|index| {
                        ids.iter()
                            .filter_map(|id| {
                                let cosine = index.similarity(&self.vector, kind, *id)?;
                                Some((*id, f64::from(cosine)))
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if let Some((db, model)) = passages {
                    let rows = entity::passages_of(db, kind.as_str(), ids, model).await?;
                    nearest_row(&self.vector, rows, &mut best);
                }
                Ok(best)
            }
            Source::Remote { remote, model, .. } => {
                let rows = entity::Entity::find()
                    .filter(entity::Column::ListingKind.eq(kind.as_str()))
                    .filter(entity::Column::ListingId.is_in(ids.iter().copied()))
                    .filter(entity::Column::Model.eq(model.as_str()))
                    .select_only()
                    .columns([entity::Column::ListingId, entity::Column::Vector])
                    .into_tuple::<(Uuid, Vec<u8>)>()
                    .all(&remote.db)
                    .await?;
                let mut best: HashMap<Uuid, f64> = HashMap::new();
                nearest_row(&self.vector, rows, &mut best);
                Ok(best)
            }
        }
    }

    fn refines(&self) -> bool {
        match &self.source {
            Source::Local { passages, .. } => passages.is_some(),
            Source::Remote { passages, .. } => *passages,
        }
    }
}

/// Raises each listing's similarity in `best` to that of its nearest row among `rows`
/// (`(listing, stored vector)`): a listing with several vectors (texts, passages) is as near as
/// its nearest. Rows of another length are skipped.
fn nearest_row(query: &[i8], rows: Vec<(Uuid, Vec<u8>)>, best: &mut HashMap<Uuid, f64>) {
    for (id, bytes) in rows {
        let row = vectors::from_bytes(&bytes);
        if row.len() != query.len() {
            continue;
        }
        let cosine = f64::from(cosine(query, &row));
        let entry = best.entry(id).or_insert(cosine);
        *entry = entry.max(cosine);
    }
}

/// Which side of a search a listing's vectors stand for: a need asks, an achievement answers.
fn role(kind: ListingKind) -> Role {
    match kind {
        ListingKind::Need => Role::Query,
        ListingKind::Achievement => Role::Passage,
    }
}

/// Brings one listing's vectors up to date: texts whose hash or model changed are embedded,
/// languages it no longer has are dropped, a listing off the market loses its vectors. Returns
/// whether anything changed. Idempotent.
#[tracing::instrument(skip_all, fields(listing.kind = %kind, listing.id = %id))]
pub async fn embed_listing(
    db: &(impl ConnectionTrait + TransactionTrait),
    semantic: &Semantic,
    kind: ListingKind,
    id: Uuid,
) -> anyhow::Result<bool> {
    let model = semantic.embedder.model_id();
    let stored = vectors::stored(db, kind, id).await?;
    let texts = match vectors::listing_texts(db, kind, id, semantic.passages).await? {
        Some((true, texts)) => texts,
        // Gone or off the market: nothing may find it by meaning any more.
        _ => {
            if stored.is_empty() {
                return Ok(false);
            }
            delete_rows(db, kind, id).await?;
            semantic.index.replace(kind, id, &[]);
            return Ok(true);
        }
    };
    let mut keep: Vec<(String, String, Vec<u8>)> = Vec::new();
    let mut to_embed = Vec::new();
    for text in &texts {
        let hash = text.sha256();
        match stored
            .iter()
            .find(|r| r.language == text.language && r.model == model && r.text_sha256 == hash)
        {
            Some(row) => keep.push((row.language.clone(), hash, row.vector.clone())),
            None => to_embed.push((text, hash)),
        }
    }
    let dropped = stored.len() != keep.len();
    if to_embed.is_empty() && !dropped {
        return Ok(false);
    }
    let inputs: Vec<String> = to_embed.iter().map(|(t, _)| t.text.clone()).collect();
    let embedded = if inputs.is_empty() {
        Vec::new()
    } else {
        semantic.embedder.embed(role(kind), &inputs).await?
    };
    for ((text, hash), vector) in to_embed.into_iter().zip(embedded) {
        let vector = quantise(&vector).context("the embedder returned a zero vector")?;
        keep.push((text.language.clone(), hash, vectors::to_bytes(&vector)));
    }
    let txn = db.begin().await?;
    delete_rows(&txn, kind, id).await?;
    let rows: Vec<entity::ActiveModel> = keep
        .iter()
        .map(|(language, hash, vector)| entity::ActiveModel {
            listing_kind: Set(kind.as_str().to_owned()),
            listing_id: Set(id),
            language: Set(language.clone()),
            model: Set(model.clone()),
            text_sha256: Set(hash.clone()),
            vector: Set(vector.clone()),
            updated_at: Set(Utc::now().into()),
        })
        .collect();
    if !rows.is_empty() {
        // Two runs of this job at once (a retry overlapping a slow attempt) write the same
        // rows: the later one wins instead of failing on the key.
        entity::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([
                    entity::Column::ListingKind,
                    entity::Column::ListingId,
                    entity::Column::Language,
                ])
                .update_columns([
                    entity::Column::Model,
                    entity::Column::TextSha256,
                    entity::Column::Vector,
                    entity::Column::UpdatedAt,
                ])
                .to_owned(),
            )
            .exec(&txn)
            .await?;
    }
    txn.commit().await?;
    let quantised: Vec<Vec<i8>> = keep
        .iter()
        .filter(|(language, _, _)| !entity::is_passage(language))
        .map(|(_, _, v)| vectors::from_bytes(v))
        .collect();
    semantic.index.replace(kind, id, &quantised);
    Ok(true)
}

async fn delete_rows(db: &impl ConnectionTrait, kind: ListingKind, id: Uuid) -> anyhow::Result<()> {
    entity::Entity::delete_many()
        .filter(entity::Column::ListingKind.eq(kind.as_str()))
        .filter(entity::Column::ListingId.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// The handler of [`EmbedListing`]: embeds, then recomputes the listing's matches when its
/// vectors changed. Without an embedder configured the job is dropped.
#[tracing::instrument(skip_all, fields(listing.kind = %job.kind, listing.id = %job.id))]
pub async fn run(state: &crate::MatchingState, job: &EmbedListing) -> anyhow::Result<()> {
    let settings = MatchingConfig::from_config(&state.config)?;
    let Some(semantic) = Semantic::from_config(&state.config, &settings)? else {
        return Ok(());
    };
    let semantic = semantic.with_search(&state.search, &state.db);
    let kind = job.kind;
    if !embed_listing(&state.db, &semantic, kind, job.id).await? {
        return Ok(());
    }
    if semantic.searched_by_index() {
        // The search index holds the vectors: the listing service sends it the new ones, and
        // its `listing_indexed` event recomputes the matches once the index has them (before,
        // a search by meaning would not yet find this listing).
        platform::jobs::enqueue(&state.db, &SyncSearch { kind, id: job.id }).await?;
        return Ok(());
    }
    let email = state.config.email.enabled;
    let search = state.search.as_ref();
    match kind {
        ListingKind::Need => {
            crate::domain::recompute::recompute_need_hybrid(
                &state.db,
                search,
                &settings,
                email,
                job.id,
                Some(&semantic),
            )
            .await?;
        }
        ListingKind::Achievement => {
            crate::domain::recompute::recompute_achievement_hybrid(
                &state.db,
                search,
                &settings,
                email,
                job.id,
                Some(&semantic),
            )
            .await?;
        }
    }
    Ok(())
}

/// What a backfill did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Backfilled {
    pub embedded: u64,
    pub unchanged: u64,
}

/// Embeds every published listing whose vectors are missing or stale (`techmarket
/// embed-backfill`); `progress(done, total)` after each. Stops at the first embedder failure:
/// run it again, done listings are skipped by their hash.
#[tracing::instrument(skip_all)]
pub async fn backfill(
    db: &(impl ConnectionTrait + TransactionTrait),
    semantic: &Semantic,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<Backfilled> {
    let published = ListingStatus::Published.as_str();
    let mut ids: Vec<(ListingKind, Uuid)> = achievements::Entity::find()
        .filter(achievements::Column::Status.eq(published))
        .select_only()
        .column(achievements::Column::Id)
        .into_tuple::<Uuid>()
        .all(db)
        .await?
        .into_iter()
        .map(|id| (ListingKind::Achievement, id))
        .collect();
    ids.extend(
        needs::Entity::find()
            .filter(needs::Column::Status.eq(published))
            .select_only()
            .column(needs::Column::Id)
            .into_tuple::<Uuid>()
            .all(db)
            .await?
            .into_iter()
            .map(|id| (ListingKind::Need, id)),
    );
    let total = ids.len() as u64;
    let mut done = Backfilled::default();
    for (i, (kind, id)) in ids.into_iter().enumerate() {
        if embed_listing(db, semantic, kind, id)
            .await
            .with_context(|| format!("Failed to embed {kind} {id}"))?
        {
            if semantic.searched_by_index() {
                // The listing service sends the search index the new vectors.
                platform::jobs::enqueue(db, &SyncSearch { kind, id }).await?;
            }
            done.embedded += 1;
        } else {
            done.unchanged += 1;
        }
        progress(i as u64 + 1, total);
    }
    Ok(done)
}
