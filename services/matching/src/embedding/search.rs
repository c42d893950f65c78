//! Search by meaning: the listings nearest to what someone typed, for `GET /api/v1/search` to
//! show beside its full-text hits (a Thai query finding a Chinese listing). Matching owns the
//! vectors, so the listing service asks here.

use platform::config::Config;
use sea_orm::DatabaseConnection;
use uuid::Uuid;
use wire::ListingKind;

use crate::engine::features::SIMILAR_MEANING_COSINE;
use crate::engine::Vectors;
use crate::settings::MatchingConfig;

/// The longest a search waits for the embedder (no retry): a slow embedder must not make
/// search slow.
const SEARCH_TIMEOUT_MS: u64 = 1_500;

/// Listings of `kinds` nearest in meaning to `text`, best first, at most `limit`, only those
/// at or above [`SIMILAR_MEANING_COSINE`] (so nonsense finds nothing). Empty without an
/// embedder; when the embedder fails, the failure is logged and the answer is empty: search
/// then stays full-text only rather than failing.
#[tracing::instrument(skip_all, fields(limit))]
pub async fn similar_listings(
    db: &DatabaseConnection,
    config: &Config,
    text: &str,
    kinds: &[ListingKind],
    limit: usize,
) -> Vec<(ListingKind, Uuid, f64)> {
    let found = async {
        let mut settings = MatchingConfig::from_config(config)?;
        // Someone is waiting: one short try, then full text alone answers.
        settings.embedder_retries = 0;
        settings.embedder_timeout_ms = settings.embedder_timeout_ms.min(SEARCH_TIMEOUT_MS);
        let Some(semantic) = super::jobs::Semantic::from_config(config, &settings)? else {
            return Ok(Vec::new());
        };
        let query = semantic.text_query(db, text).await?;
        let mut hits = Vec::new();
        for kind in kinds {
            hits.extend(
                crate::engine::scan(|| query.nearest(*kind, limit, &|_| true))
                    .into_iter()
                    .filter(|(_, cosine)| *cosine >= SIMILAR_MEANING_COSINE)
                    .map(|(id, cosine)| (*kind, id, cosine)),
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
