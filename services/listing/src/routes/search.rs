//! `GET /api/v1/search`: full text over every language a listing has, filters, facet counts,
//! sorting, highlights and pagination, answered by the configured search backend.

use std::collections::BTreeMap;

use crate::ListingState;
use axum::extract::State;
use axum::http::HeaderMap;
use platform::error::{ApiResult, Problem, Validator};
use platform::extract::{AppJson, AppQuery};
use platform::taxonomy;
use search::{Filters, SearchQuery, SortOrder};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::preferred;
use crate::domain::listings::{Header, ListingKind, ListingStatus};
use crate::domain::{achievements, needs, translations};

pub fn router() -> OpenApiRouter<ListingState> {
    OpenApiRouter::new().routes(routes!(search_listings))
}

/// Search parameters. Lists are comma-separated (`industry=biomedicine,marine`).
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchParams {
    /// Free text in any language.
    pub q: Option<String>,
    /// `achievement` or `need`.
    pub kind: Option<String>,
    /// Only open calls (`true`) or only plain needs and achievements (`false`).
    pub open_call: Option<bool>,
    pub industry: Option<String>,
    /// City codes, a province code (`450000` = all of Guangxi) or ASEAN country codes.
    pub region: Option<String>,
    pub country: Option<String>,
    pub trl_min: Option<i16>,
    pub trl_max: Option<i16>,
    pub ip_type: Option<String>,
    pub cooperation_mode: Option<String>,
    /// Price/budget range overlap, in CNY fen.
    pub price_min: Option<i64>,
    pub price_max: Option<i64>,
    pub cross_border: Option<bool>,
    /// Listings readable in any of these languages.
    pub language: Option<String>,
    /// IPC prefixes (`A01D`, `H01M 10`).
    pub ipc: Option<String>,
    /// `relevance` (default), `newest` or `deadline`.
    #[param(inline)]
    pub sort: Option<SortOrder>,
    pub page: Option<usize>,
    /// At most 100 (default 20).
    pub per_page: Option<usize>,
    /// Preferred language of the result text.
    pub lang: Option<String>,
}

pub use wire::listing::{SearchHit, SearchPage};

fn list(value: &Option<String>) -> Vec<String> {
    value
        .as_deref()
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Turns parameters into a backend query, refusing bad values with 422.
pub fn to_query(p: &SearchParams) -> ApiResult<SearchQuery> {
    let mut v = Validator::new();
    let kinds: Vec<ListingKind> = list(&p.kind)
        .iter()
        .filter_map(|k| {
            let kind = ListingKind::parse(k);
            if kind.is_none() {
                v.push(
                    "kind",
                    format!("unknown kind {k:?}: use achievement or need"),
                );
            }
            kind
        })
        .collect();
    let industries = list(&p.industry);
    for i in &industries {
        v.check(
            taxonomy::is_industry(i),
            "industry",
            format!("unknown industry {i:?}"),
        );
    }
    let ip_types = list(&p.ip_type);
    for i in &ip_types {
        v.check(
            taxonomy::is_ip_type(i),
            "ip_type",
            format!("unknown IP type {i:?}"),
        );
    }
    let modes = list(&p.cooperation_mode);
    for m in &modes {
        v.check(
            taxonomy::is_cooperation_mode(m),
            "cooperation_mode",
            format!("unknown cooperation mode {m:?}"),
        );
    }
    let languages = list(&p.language);
    for l in &languages {
        v.check(
            taxonomy::is_language(l),
            "language",
            format!("unknown language {l:?}"),
        );
    }
    for (name, trl) in [("trl_min", p.trl_min), ("trl_max", p.trl_max)] {
        if let Some(t) = trl {
            v.check((1..=9).contains(&t), name, "must be between 1 and 9");
        }
    }
    if let (Some(a), Some(b)) = (p.trl_min, p.trl_max) {
        v.check(a <= b, "trl_min", "must not exceed trl_max");
    }
    if let (Some(a), Some(b)) = (p.price_min, p.price_max) {
        v.check(a <= b, "price_min", "must not exceed price_max");
    }
    let per_page = p.per_page.unwrap_or(20);
    v.check(
        (1..=100).contains(&per_page),
        "per_page",
        "must be between 1 and 100",
    );
    let page = p.page.unwrap_or(1);
    v.check(
        (1..=500).contains(&page),
        "page",
        "must be between 1 and 500",
    );
    if let Some(q) = &p.q {
        v.check(
            q.chars().count() <= 500,
            "q",
            "must be at most 500 characters",
        );
    }
    v.finish()?;
    Ok(SearchQuery {
        text: p.q.clone().filter(|q| !q.trim().is_empty()),
        filters: Filters {
            kinds,
            open_call: p.open_call,
            industries,
            regions: list(&p.region),
            countries: list(&p.country)
                .into_iter()
                .map(|c| c.to_ascii_uppercase())
                .collect(),
            trl_min: p.trl_min,
            trl_max: p.trl_max,
            ip_types,
            cooperation_modes: modes,
            price_min_cny_fen: p.price_min,
            price_max_cny_fen: p.price_max,
            cross_border: p.cross_border,
            languages,
            organisation_id: None,
            ipc_prefixes: list(&p.ipc),
        },
        sort: p.sort.unwrap_or_default(),
        offset: (page - 1) * per_page,
        limit: per_page,
        facets: true,
        highlight: true,
        match_any: false,
    })
}

/// Listings near the query in meaning that full text did not find (when an embedder is
/// configured: [`ListingState::meaning`]), to fill what the full-text hits leave of the first
/// page. Only for
/// a text query with no filter but the kind: the vectors know no industry, region or price.
async fn by_meaning(
    state: &ListingState,
    query: &SearchQuery,
    results: &search::SearchResults,
    per_page: usize,
) -> Vec<search::Hit> {
    let (Some(text), Some(meaning)) = (&query.text, &state.meaning) else {
        return Vec::new();
    };
    let unfiltered = Filters {
        kinds: Vec::new(),
        ..query.filters.clone()
    } == Filters::default();
    let room = per_page.saturating_sub(results.hits.len());
    if !unfiltered || query.offset != 0 || room == 0 {
        return Vec::new();
    }
    let kinds = if query.filters.kinds.is_empty() {
        vec![ListingKind::Achievement, ListingKind::Need]
    } else {
        query.filters.kinds.clone()
    };
    meaning
        .similar(text, &kinds, per_page)
        .await
        .into_iter()
        .filter(|(_, id, _)| !results.hits.iter().any(|h| h.id == *id))
        .take(room)
        .map(|(kind, id, cosine)| search::Hit {
            id,
            kind,
            score: cosine as f32,
            matched_language: None,
            highlights: BTreeMap::new(),
        })
        .collect()
}

/// Extra hits fetched beyond the page size to refill a page whose stale hits were dropped.
const RECHECK_SLACK: usize = 5;

/// What search may show: a published listing whose valid-until date has not passed (the
/// expiry sweep may not have run yet today).
fn is_public(header: &Header, today: chrono::NaiveDate) -> bool {
    header.status == ListingStatus::Published && header.valid_until.is_none_or(|d| d >= today)
}

/// Search published listings.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams),
    responses((status = 200, body = SearchPage), (status = 400, body = Problem, content_type = "application/problem+json"), (status = 422, body = Problem, content_type = "application/problem+json")))]
async fn search_listings(
    State(state): State<ListingState>,
    headers: HeaderMap,
    AppQuery(params): AppQuery<SearchParams>,
) -> ApiResult<AppJson<SearchPage>> {
    let mut query = to_query(&params)?;
    let per_page = query.limit;
    // The index trails the database until the search-sync job has run, so every hit is
    // re-checked against its row (published, not past its valid-until date) and the others
    // dropped. A few extra hits are fetched so the page stays full when some are dropped; the
    // price is that, in that short window, an item used to fill this page may appear again at
    // the top of the next one. `total` is lowered by the hits dropped here; facet counts are
    // the index's and may still count a listing that left the market until the job runs.
    query.limit = per_page + RECHECK_SLACK;
    let mut results = state.search.search(&query).await?;
    let meaning = by_meaning(&state, &query, &results, per_page).await;
    results.hits.extend(meaning.iter().cloned());
    let prefs = preferred(params.lang.as_deref(), &headers);
    let today = chrono::Utc::now().date_naive();
    let mut hits = Vec::with_capacity(per_page);
    let mut dropped: u64 = 0;
    for hit in results.hits {
        // A listing gone meanwhile, or no longer public, is skipped; the extra hits beyond a
        // full page are read only to count those (for `total`).
        let item = match hit.kind {
            ListingKind::Achievement => match achievements::find(&state.db, hit.id.into()).await {
                Ok(m) if is_public(&Header::from(&m), today) => {
                    if hits.len() == per_page {
                        continue;
                    }
                    let t = translations::list(&state.db, hit.kind, m.id).await?;
                    let out = achievements::to_out(m, &t, &prefs, false);
                    Some((
                        out.title,
                        out.summary,
                        out.language,
                        out.provenance,
                        false,
                        out.industry,
                        out.region_code,
                        out.country,
                        out.trl,
                        out.organisation_id,
                        out.published_at,
                    ))
                }
                _ => None,
            },
            ListingKind::Need => match needs::find(&state.db, hit.id.into()).await {
                Ok(m) if is_public(&Header::from(&m), today) => {
                    if hits.len() == per_page {
                        continue;
                    }
                    let t = translations::list(&state.db, hit.kind, m.id).await?;
                    let out = needs::to_out(m, &t, &prefs, false);
                    let open_call = out.kind == needs::NeedKind::OpenCall;
                    Some((
                        out.title,
                        out.summary,
                        out.language,
                        out.provenance,
                        open_call,
                        out.industry,
                        out.region_code,
                        out.country,
                        out.min_trl,
                        out.organisation_id,
                        out.published_at,
                    ))
                }
                _ => None,
            },
        };
        if let Some((
            title,
            summary,
            language,
            provenance,
            open_call,
            industry,
            region_code,
            country,
            trl,
            organisation_id,
            published_at,
        )) = item
        {
            hits.push(SearchHit {
                kind: hit.kind,
                id: hit.id,
                open_call,
                title,
                summary,
                language,
                machine_translated: provenance == translations::Provenance::Machine,
                matched_language: hit.matched_language,
                highlights: hit.highlights,
                industry,
                region_code,
                country,
                trl,
                organisation_id,
                published_at,
                score: hit.score,
                by_meaning: meaning.iter().any(|m| m.id == hit.id).then_some(true),
            });
        } else {
            dropped += 1;
        }
    }
    Ok(AppJson(SearchPage {
        total: (results.total + meaning.len() as u64).saturating_sub(dropped),
        page: params.page.unwrap_or(1),
        per_page,
        hits,
        facets: results.facets,
    }))
}
