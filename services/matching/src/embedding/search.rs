//! Search by meaning: the listings nearest to what someone typed, for `GET /api/v1/search` to
//! show beside its full-text hits (a Thai query finding a Chinese listing). Matching owns the
//! embedder and the vectors; the listing service reaches this through the search crate's
//! [`search::MeaningSearch`], given to its state by the process ([`MeaningSearcher`]).

use std::collections::HashMap;
use std::sync::Arc;

use platform::config::Config;
use sea_orm::DatabaseConnection;
use search::{MeaningSearch, SearchIndex};
use uuid::Uuid;
use wire::ListingKind;

use crate::engine::features::SIMILAR_MEANING_COSINE;
use crate::engine::Vectors;
use crate::settings::MatchingConfig;

/// The longest a search waits for the embedder (no retry): a slow embedder must not make
/// search slow.
const SEARCH_TIMEOUT_MS: u64 = 1_500;

/// Matching's search by meaning: the embedder, and the vectors where this process searches them
/// (the search index when it holds them, else the in-process index of the table).
pub struct MeaningSearcher {
    semantic: super::jobs::Semantic,
    db: DatabaseConnection,
}

impl MeaningSearcher {
    /// Search by meaning as configured, or `None` without an embedder (search stays full text).
    pub fn from_config(
        config: &Config,
        db: &DatabaseConnection,
        search: &Arc<dyn SearchIndex>,
    ) -> anyhow::Result<Option<Arc<dyn MeaningSearch>>> {
        let mut settings = MatchingConfig::from_config(config)?;
        // Someone is waiting: one short try, then full text alone answers.
        settings.embedder_retries = 0;
        settings.embedder_timeout_ms = settings.embedder_timeout_ms.min(SEARCH_TIMEOUT_MS);
        let Some(semantic) = super::jobs::Semantic::from_config(config, &settings)? else {
            return Ok(None);
        };
        Ok(Some(Arc::new(Self {
            semantic: semantic.with_search(search, db),
            db: db.clone(),
        })))
    }
}

#[async_trait::async_trait]
impl MeaningSearch for MeaningSearcher {
    /// Only listings at or above [`SIMILAR_MEANING_COSINE`] (so nonsense finds nothing). When
    /// the embedder or the vector search fails, the failure is logged and the answer is empty:
    /// search then stays full-text only rather than failing.
    #[tracing::instrument(skip_all, fields(limit))]
    async fn similar(
        &self,
        text: &str,
        kinds: &[ListingKind],
        limit: usize,
    ) -> Vec<(ListingKind, Uuid, f64)> {
        let found = async {
            let query = self.semantic.text_query(&self.db, text).await?;
            let mut hits = Vec::new();
            for kind in kinds {
                let near = query.nearest(*kind, limit).await?;
                // The nearest whole texts, each as near as its nearest passage too.
                let refined = if query.refines() {
                    let ids: Vec<Uuid> = near.iter().map(|(id, _)| *id).collect();
                    query.similarity(*kind, &ids).await?
                } else {
                    HashMap::new()
                };
                hits.extend(
                    near.into_iter()
                        .map(|(id, cosine)| {
                            let cosine = refined.get(&id).map_or(cosine, |r| r.max(cosine));
                            (*kind, id, cosine)
                        })
                        .filter(|(_, _, cosine)| *cosine >= SIMILAR_MEANING_COSINE),
                );
            }
            hits.sort_by(|a, b| b.2.total_cmp(&a.2));
            hits.truncate(limit);
            anyhow::Ok(hits)
        };
        match found.await {
            Ok(hits) => hits,
            Err(err) => {
                tracing::warn!(error = %format!("{err:#}"), "search by meaning failed; full text only");
                Vec::new()
            }
        }
    }
}
