//! The `listing_embeddings` table (owned by matching): one int8 vector per listing and language
//! (original and each translation), with the model that made it and a hash of the text it was
//! made from, so unchanged text is not embedded again and a new model re-embeds everything.
//! With `matching.embed_passages` a text's sentences have vectors too, in rows whose `language`
//! is the text's language, a slash and the passage's number (`vi/1`, `vi/2`, …): the whole
//! text's row keeps the plain language code, which is what a need's own query vector is read
//! by.
//!
//! Passage rows are not searched: they refine the similarity of listings already found
//! (`entity::is_passage`), read from the table for those listings only.
//!
//! In embedded mode the process keeps the whole-text vectors of each database it serves in memory
//! ([`shared_index`]) for nearest-neighbour search (in distributed mode Meilisearch holds them
//! and nothing is loaded here: `jobs::Semantic::with_search`); the embed job writes through to it, and it is reloaded from the table when
//! older than [`RELOAD_AFTER`] (vectors written by another process: a backfill, a replica).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use platform::entity::{achievements, listing_translations, needs};
use platform::json_column::strings;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect};
use sha2::{Digest, Sha256};
use uuid::Uuid;
use wire::ListingKind;

use super::index::VectorIndex;

/// The entity of the `listing_embeddings` table (mapped in platform: the listing service reads
/// it too, to send the search index its vectors).
pub use platform::entity::listing_embeddings as entity;
pub use platform::entity::listing_embeddings::{from_bytes, to_bytes};

/// How long an in-memory index is trusted before it is read again from the table.
pub const RELOAD_AFTER: Duration = Duration::from_secs(300);

/// One language's text of a listing, as it is embedded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingText {
    pub language: String,
    pub text: String,
}

impl ListingText {
    /// SHA-256 of the text, hex.
    pub fn sha256(&self) -> String {
        hex::encode(Sha256::digest(self.text.as_bytes()))
    }
}

/// The passages of a text embedded besides the whole: its sentences (split after `.`, `?`, `!`,
/// `;` followed by a space, after `。？！；`, and at line ends), a fragment shorter than
/// [`MIN_PASSAGE_CHARS`] joined to the next, at most `max` (the first ones: a description opens
/// with what it is about). A text of one sentence has none (the whole text is that sentence).
pub fn passages(text: &str, max: usize) -> Vec<String> {
    if max == 0 {
        return Vec::new();
    }
    let mut sentences: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        let end = match c {
            '。' | '？' | '！' | '；' | '\n' => true,
            '.' | '?' | '!' | ';' => chars.peek().is_none_or(|n| n.is_whitespace()),
            _ => false,
        };
        if c != '\n' {
            current.push(c);
        }
        if end && current.trim().chars().count() >= MIN_PASSAGE_CHARS {
            sentences.push(current.trim().to_owned());
            current.clear();
        }
    }
    if !current.trim().is_empty() {
        if current.trim().chars().count() >= MIN_PASSAGE_CHARS || sentences.is_empty() {
            sentences.push(current.trim().to_owned());
        } else if let Some(last) = sentences.last_mut() {
            last.push(' ');
            last.push_str(current.trim());
        }
    }
    if sentences.len() < 2 {
        return Vec::new();
    }
    sentences.truncate(max);
    sentences
}

/// Fragments shorter than this (characters) are not passages of their own: a heading, a
/// number, "Yes." carry too little meaning.
pub const MIN_PASSAGE_CHARS: usize = 12;

fn join(title: &str, summary: &str, keywords: &[String], description: &str) -> String {
    let mut text = format!("{title}\n{summary}");
    if !keywords.is_empty() {
        text.push('\n');
        text.push_str(&keywords.join(", "));
    }
    if !description.trim().is_empty() {
        text.push('\n');
        text.push_str(description);
    }
    text
}

/// Whether a listing is on the market, and its texts in every language it has, each followed by
/// at most `passages` of its passages (see the module's note on their keys). `None` when it does
/// not exist.
pub async fn listing_texts(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
    passages: usize,
) -> anyhow::Result<Option<(bool, Vec<ListingText>)>> {
    let (live, language, original) = match kind {
        ListingKind::Need => match needs::Entity::find_by_id(id).one(db).await? {
            Some(n) => (
                crate::domain::profiles::live(&n.status, n.valid_until),
                n.original_language.clone(),
                join(&n.title, &n.summary, &strings(&n.keywords), &n.description),
            ),
            None => return Ok(None),
        },
        _ => match achievements::Entity::find_by_id(id).one(db).await? {
            Some(a) => (
                crate::domain::profiles::live(&a.status, a.valid_until),
                a.original_language.clone(),
                join(&a.title, &a.summary, &strings(&a.keywords), &a.description),
            ),
            None => return Ok(None),
        },
    };
    let mut texts = vec![ListingText {
        language,
        text: original,
    }];
    for t in listing_translations::Entity::find()
        .filter(listing_translations::Column::ListingKind.eq(kind.as_str()))
        .filter(listing_translations::Column::ListingId.eq(id))
        .all(db)
        .await?
    {
        if texts.iter().any(|x| x.language == t.language) {
            continue;
        }
        texts.push(ListingText {
            language: t.language.clone(),
            text: join(&t.title, &t.summary, &strings(&t.keywords), &t.description),
        });
    }
    let mut with_passages = Vec::with_capacity(texts.len());
    for text in texts {
        let parts = self::passages(&text.text, passages);
        let language = text.language.clone();
        with_passages.push(text);
        with_passages.extend(parts.into_iter().enumerate().map(|(n, part)| ListingText {
            language: format!("{language}/{}", n + 1),
            text: part,
        }));
    }
    Ok(Some((live, with_passages)))
}

/// The stored vector rows of one listing.
pub async fn stored(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
) -> anyhow::Result<Vec<entity::Model>> {
    Ok(entity::Entity::find()
        .filter(entity::Column::ListingKind.eq(kind.as_str()))
        .filter(entity::Column::ListingId.eq(id))
        .all(db)
        .await?)
}

/// Every whole-text vector of `model` in the table (no passages), as an index (read in pages of ids, to bound memory
/// while loading).
#[tracing::instrument(skip_all, fields(model = %model))]
pub async fn load_index(
    db: &impl ConnectionTrait,
    model: &str,
    dimensions: usize,
) -> anyhow::Result<VectorIndex> {
    let mut index = VectorIndex::new(dimensions);
    let mut grouped: HashMap<(ListingKind, Uuid), Vec<Vec<i8>>> = HashMap::new();
    let mut rows = entity::Entity::find()
        .filter(entity::Column::Model.eq(model))
        // Whole texts only: passages stay in the table (`entity::is_passage`).
        .filter(entity::Column::Language.not_like("%/%"))
        .select_only()
        .columns([
            entity::Column::ListingKind,
            entity::Column::ListingId,
            entity::Column::Vector,
        ])
        .into_tuple::<(String, Uuid, Vec<u8>)>()
        .all(db)
        .await?;
    for (kind, id, vector) in rows.drain(..) {
        let Some(kind) = ListingKind::parse(&kind) else {
            continue;
        };
        grouped
            .entry((kind, id))
            .or_default()
            .push(from_bytes(&vector));
    }
    for ((kind, id), vectors) in grouped {
        index.replace(kind, id, &vectors);
    }
    Ok(index)
}

/// The in-memory index of one database and model, shared by the requests and jobs of a process.
#[derive(Debug, Default)]
pub struct SharedIndex {
    /// Searches hold the read lock for one scan (milliseconds); the job's write-through holds
    /// the write lock for one listing.
    state: std::sync::RwLock<Option<(VectorIndex, Instant)>>,
    /// One load at a time.
    loading: tokio::sync::Mutex<()>,
}

impl SharedIndex {
    fn read_state(&self) -> std::sync::RwLockReadGuard<'_, Option<(VectorIndex, Instant)>> {
        // A panic while holding the lock cannot leave the index half-written: `replace` only
        // runs infallible slice operations.
        self.state.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write_state(&self) -> std::sync::RwLockWriteGuard<'_, Option<(VectorIndex, Instant)>> {
        self.state.write().unwrap_or_else(|p| p.into_inner())
    }

    fn fresh(&self) -> bool {
        self.read_state()
            .as_ref()
            .is_some_and(|(_, loaded)| loaded.elapsed() < RELOAD_AFTER)
    }

    /// Reads the table when the index is missing or old.
    pub async fn ensure_loaded(
        &self,
        db: &impl ConnectionTrait,
        model: &str,
        dimensions: usize,
    ) -> anyhow::Result<()> {
        if self.fresh() {
            return Ok(());
        }
        let _loading = self.loading.lock().await;
        if self.fresh() {
            return Ok(());
        }
        let index = load_index(db, model, dimensions).await?;
        *self.write_state() = Some((index, Instant::now()));
        Ok(())
    }

    /// Runs `f` on the loaded index (`None` when not loaded).
    pub fn with<T>(&self, f: impl FnOnce(&VectorIndex) -> T) -> Option<T> {
        self.read_state().as_ref().map(|(index, _)| f(index))
    }

    /// Writes one listing's new vectors through to a loaded index (an unloaded one reads them
    /// from the table when first used).
    pub fn replace(&self, kind: ListingKind, id: Uuid, vectors: &[Vec<i8>]) {
        if let Some((index, _)) = self.write_state().as_mut() {
            index.replace(kind, id, vectors);
        }
    }
}

/// The in-memory index of `(database, model)` in this process. Keyed by a hash of the database
/// URL: one process may serve several databases (the integration tests do).
pub fn shared_index(database_url: &str, model: &str) -> Arc<SharedIndex> {
    static INDEXES: OnceLock<Mutex<HashMap<String, Arc<SharedIndex>>>> = OnceLock::new();
    let key = format!(
        "{}\n{model}",
        hex::encode(Sha256::digest(database_url.as_bytes()))
    );
    let mut map = match INDEXES.get_or_init(Mutex::default).lock() {
        Ok(map) => map,
        // A panic while holding this lock left the map itself intact.
        Err(poisoned) => poisoned.into_inner(),
    };
    map.entry(key).or_default().clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_are_sentences_with_short_fragments_joined() {
        let text = "Rice straw pellets\nA dryer for rice straw. It runs on biogas! Yes. \
                    它每小时处理两吨秸秆。可在村里使用";
        assert_eq!(
            passages(text, 10),
            vec![
                "Rice straw pellets",
                "A dryer for rice straw.",
                "It runs on biogas!",
                // The last fragment is short too: it joins the sentence before.
                "Yes. 它每小时处理两吨秸秆。 可在村里使用",
            ]
        );
        assert_eq!(passages(text, 2).len(), 2);
        assert!(passages(text, 0).is_empty());
        assert!(passages("One sentence only.", 8).is_empty());
        // 3.5 or e.g. inside a sentence does not end it.
        assert_eq!(
            passages("Version 3.5 works fine here. And this one too", 8),
            vec!["Version 3.5 works fine here.", "And this one too"]
        );
    }
}
