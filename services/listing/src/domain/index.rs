//! The search index follows the database: the `search` queue's job re-reads a listing and
//! upserts or deletes its document; `techmarket reindex` rebuilds everything. Request
//! handlers never write the index.

use chrono::{DateTime, NaiveDate, Utc};
use platform::entity::{achievements, listing_embeddings, needs};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use search::{LangText, SearchDoc, SearchIndex};
use uuid::Uuid;

use super::listings::{strings, ListingKind, ListingStatus};
use super::translations::{self, LocalizedText};

/// Documents sent to the index per batch during a rebuild.
const REINDEX_BATCH: u64 = 500;

fn published_at(
    value: Option<chrono::DateTime<chrono::FixedOffset>>,
    fallback: chrono::DateTime<chrono::FixedOffset>,
) -> DateTime<Utc> {
    value.unwrap_or(fallback).with_timezone(&Utc)
}

fn searchable(status: &str, valid_until: Option<NaiveDate>, today: NaiveDate) -> bool {
    status == ListingStatus::Published.as_str() && valid_until.is_none_or(|d| d >= today)
}

/// The original text first, then every translation, as the index takes them.
async fn texts(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    id: Uuid,
    original: LocalizedText,
) -> anyhow::Result<Vec<LangText>> {
    let translated = translations::list(db, kind, id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(std::iter::once(original)
        .chain(translated)
        .map(|t| LangText {
            language: t.language,
            title: t.title,
            summary: t.summary,
            description: t.description,
            keywords: t.keywords,
        })
        .collect())
}

/// A price or budget range in CNY fen at the rate of `today` (see `platform::fx`).
async fn cny_range(
    db: &impl ConnectionTrait,
    min: Option<i64>,
    max: Option<i64>,
    currency: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<(Option<i64>, Option<i64>)> {
    let currency = currency.unwrap_or("CNY");
    Ok((
        platform::fx::comparable_cny_fen(db, min, currency, today).await?,
        platform::fx::comparable_cny_fen(db, max, currency, today).await?,
    ))
}

/// The index document of an achievement, or `None` if it must not be searchable.
#[tracing::instrument(skip_all)]
pub async fn achievement_doc(
    db: &impl ConnectionTrait,
    m: &achievements::Model,
    today: NaiveDate,
) -> anyhow::Result<Option<SearchDoc>> {
    if !searchable(&m.status, m.valid_until, today) {
        return Ok(None);
    }
    let (price_min, price_max) = cny_range(
        db,
        m.price_min_minor,
        m.price_max_minor,
        m.currency.as_deref(),
        today,
    )
    .await?;
    Ok(Some(SearchDoc {
        id: m.id,
        kind: ListingKind::Achievement,
        open_call: false,
        organisation_id: m.organisation_id,
        original_language: m.original_language.clone(),
        texts: texts(
            db,
            ListingKind::Achievement,
            m.id,
            super::achievements::original_text(m),
        )
        .await?,
        industry: m.industry_code.clone(),
        region_code: m.region_code.clone(),
        country: m.country.clone(),
        trl: m.trl,
        ip_type: Some(m.ip_type.clone()),
        ipc_codes: strings(&m.ipc_codes),
        cooperation_modes: strings(&m.cooperation_modes),
        price_min_cny_fen: price_min,
        price_max_cny_fen: price_max,
        cross_border: m.cross_border,
        deadline: None,
        valid_until: m.valid_until,
        published_at: published_at(m.published_at, m.updated_at),
        vectors: Vec::new(),
    }))
}

/// The index document of a need, or `None` if it must not be searchable.
#[tracing::instrument(skip_all)]
pub async fn need_doc(
    db: &impl ConnectionTrait,
    m: &needs::Model,
    today: NaiveDate,
) -> anyhow::Result<Option<SearchDoc>> {
    if !searchable(&m.status, m.valid_until, today) {
        return Ok(None);
    }
    let (price_min, price_max) = cny_range(
        db,
        m.budget_min_minor,
        m.budget_max_minor,
        m.currency.as_deref(),
        today,
    )
    .await?;
    Ok(Some(SearchDoc {
        id: m.id,
        kind: ListingKind::Need,
        open_call: m.kind == super::needs::NeedKind::OpenCall.as_str(),
        organisation_id: m.organisation_id,
        original_language: m.original_language.clone(),
        texts: texts(db, ListingKind::Need, m.id, super::needs::original_text(m)).await?,
        industry: m.industry_code.clone(),
        region_code: m.region_code.clone(),
        country: m.country.clone(),
        trl: m.min_trl,
        ip_type: None,
        ipc_codes: strings(&m.ipc_codes),
        cooperation_modes: strings(&m.cooperation_modes),
        price_min_cny_fen: price_min,
        price_max_cny_fen: price_max,
        cross_border: m.cross_border,
        deadline: m.deadline,
        valid_until: m.valid_until,
        published_at: published_at(m.published_at, m.updated_at),
        vectors: Vec::new(),
    }))
}

/// Gives `doc` the listing's stored vectors of the model the index holds (none when it holds
/// none: the embedded index, or no embedder configured). A listing embedded after its document
/// was written gets them when matching's embed job enqueues this sync again.
async fn attach_vectors(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex,
    doc: &mut SearchDoc,
) -> anyhow::Result<()> {
    let Some(space) = index.vector_space() else {
        return Ok(());
    };
    doc.vectors = listing_embeddings::of_listing(db, doc.kind.as_str(), doc.id, &space.model)
        .await?
        .iter()
        // A row of another length cannot be this model's; Meilisearch would refuse the batch.
        // Passages are not searched, only read by matching to refine a candidate's similarity.
        .filter(|row| {
            row.vector.len() == space.dimensions && !listing_embeddings::is_passage(&row.language)
        })
        .map(|row| listing_embeddings::as_floats(&row.vector))
        .collect();
    Ok(())
}

/// Brings one listing's document in line with its row, returning the submitted write (a reader
/// that must see it waits with `SearchIndex::settle`). Idempotent.
#[tracing::instrument(skip_all, fields(listing.id = %id))]
pub async fn sync_one(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex,
    kind: ListingKind,
    id: Uuid,
) -> anyhow::Result<search::Submitted> {
    let today = Utc::now().date_naive();
    let doc = match kind {
        ListingKind::Achievement => match achievements::Entity::find_by_id(id).one(db).await? {
            Some(m) => achievement_doc(db, &m, today).await?,
            None => None,
        },
        ListingKind::Need => match needs::Entity::find_by_id(id).one(db).await? {
            Some(m) => need_doc(db, &m, today).await?,
            None => None,
        },
    };
    // Submitted, not awaited until visible: see `SearchIndex::submit_upsert`.
    match doc {
        Some(mut doc) => {
            attach_vectors(db, index, &mut doc).await?;
            index.submit_upsert(vec![doc]).await
        }
        None => index.submit_delete(&[id]).await,
    }
}

/// Rebuilds the index from the database; `progress(done, total)` is called after each batch.
#[tracing::instrument(skip_all)]
pub async fn reindex(
    db: &impl ConnectionTrait,
    index: &dyn SearchIndex,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<u64> {
    let today = Utc::now().date_naive();
    index.clear().await?;
    let published = ListingStatus::Published.as_str();
    let total = achievements::Entity::find()
        .filter(achievements::Column::Status.eq(published))
        .count(db)
        .await?
        + needs::Entity::find()
            .filter(needs::Column::Status.eq(published))
            .count(db)
            .await?;
    let mut done = 0;
    let mut pages = achievements::Entity::find()
        .filter(achievements::Column::Status.eq(published))
        .order_by_asc(achievements::Column::Id)
        .paginate(db, REINDEX_BATCH);
    while let Some(rows) = pages.fetch_and_next().await? {
        let mut docs = Vec::with_capacity(rows.len());
        for m in &rows {
            if let Some(mut doc) = achievement_doc(db, m, today).await? {
                attach_vectors(db, index, &mut doc).await?;
                docs.push(doc);
            }
        }
        index.upsert(docs).await?;
        done += rows.len() as u64;
        progress(done, total);
    }
    let mut pages = needs::Entity::find()
        .filter(needs::Column::Status.eq(published))
        .order_by_asc(needs::Column::Id)
        .paginate(db, REINDEX_BATCH);
    while let Some(rows) = pages.fetch_and_next().await? {
        let mut docs = Vec::with_capacity(rows.len());
        for m in &rows {
            if let Some(mut doc) = need_doc(db, m, today).await? {
                attach_vectors(db, index, &mut doc).await?;
                docs.push(doc);
            }
        }
        index.upsert(docs).await?;
        done += rows.len() as u64;
        progress(done, total);
    }
    Ok(done)
}
