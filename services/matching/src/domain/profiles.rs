//! Database rows → the engine's profiles. Prices are compared in CNY fen at today's rate.

use chrono::Utc;
use platform::entity::{achievements, listing_translations, needs};
use platform::json_column::strings;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use search::LangText;
use uuid::Uuid;

use crate::engine::{AchievementProfile, NeedProfile};
use wire::{ListingKind, ListingStatus};

/// Published and not past its valid-until date: the only listings that match.
pub fn live(status: &str, valid_until: Option<chrono::NaiveDate>) -> bool {
    status == ListingStatus::Published.as_str()
        && valid_until.is_none_or(|d| d >= Utc::now().date_naive())
}

async fn translations(
    db: &impl ConnectionTrait,
    kind: ListingKind,
    ids: &[Uuid],
) -> anyhow::Result<Vec<listing_translations::Model>> {
    Ok(listing_translations::Entity::find()
        .filter(listing_translations::Column::ListingKind.eq(kind.as_str()))
        .filter(listing_translations::Column::ListingId.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// A need as the matcher sees it; the keywords of its translations join its own so that a
/// translated need also finds listings in the translation's language.
#[tracing::instrument(skip_all)]
pub async fn need_profile(
    db: &impl ConnectionTrait,
    m: &needs::Model,
) -> anyhow::Result<NeedProfile> {
    let today = Utc::now().date_naive();
    let currency = m.currency.clone().unwrap_or_else(|| "CNY".to_owned());
    let mut keywords = strings(&m.keywords);
    for t in translations(db, ListingKind::Need, &[m.id]).await? {
        keywords.extend(strings(&t.keywords));
        keywords.push(t.title);
    }
    Ok(NeedProfile {
        language: m.original_language.clone(),
        title: m.title.clone(),
        summary: m.summary.clone(),
        description: m.description.clone(),
        keywords,
        industry: Some(m.industry_code.clone()),
        ipc_codes: strings(&m.ipc_codes),
        min_trl: m.min_trl,
        budget_min_cny_fen: platform::fx::comparable_cny_fen(
            db,
            m.budget_min_minor,
            &currency,
            today,
        )
        .await?,
        budget_max_cny_fen: platform::fx::comparable_cny_fen(
            db,
            m.budget_max_minor,
            &currency,
            today,
        )
        .await?,
        cooperation_modes: strings(&m.cooperation_modes),
        region_code: Some(m.region_code.clone()),
        country: m.country.clone(),
        cross_border: m.cross_border,
    })
}

/// Profiles of the live achievements among `ids` (others are skipped).
#[tracing::instrument(skip_all)]
pub async fn achievement_profiles(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> anyhow::Result<Vec<AchievementProfile>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let today = Utc::now().date_naive();
    let rows = achievements::Entity::find()
        .filter(achievements::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    let all_translations = translations(db, ListingKind::Achievement, ids).await?;
    let mut out = Vec::with_capacity(rows.len());
    for m in rows.into_iter().filter(|m| live(&m.status, m.valid_until)) {
        let currency = m.currency.clone().unwrap_or_else(|| "CNY".to_owned());
        let mut texts = vec![LangText {
            language: m.original_language.clone(),
            title: m.title.clone(),
            summary: m.summary.clone(),
            description: String::new(),
            keywords: strings(&m.keywords),
        }];
        texts.extend(
            all_translations
                .iter()
                .filter(|t| t.listing_id == m.id)
                .map(|t| LangText {
                    language: t.language.clone(),
                    title: t.title.clone(),
                    summary: t.summary.clone(),
                    description: String::new(),
                    keywords: strings(&t.keywords),
                }),
        );
        let published = m.published_at.unwrap_or(m.updated_at).with_timezone(&Utc);
        out.push(AchievementProfile {
            id: m.id,
            texts,
            industry: m.industry_code.clone(),
            ipc_codes: strings(&m.ipc_codes),
            trl: m.trl,
            price_min_cny_fen: platform::fx::comparable_cny_fen(
                db,
                m.price_min_minor,
                &currency,
                today,
            )
            .await?,
            price_max_cny_fen: platform::fx::comparable_cny_fen(
                db,
                m.price_max_minor,
                &currency,
                today,
            )
            .await?,
            cooperation_modes: strings(&m.cooperation_modes),
            region_code: m.region_code.clone(),
            country: m.country.clone(),
            cross_border: m.cross_border,
            age_days: (Utc::now() - published).num_days(),
        });
    }
    Ok(out)
}

/// An achievement turned into a query-side profile, to find the needs it may answer.
pub fn achievement_as_query(a: &AchievementProfile) -> NeedProfile {
    let original = a.texts.first().cloned().unwrap_or(LangText {
        language: String::new(),
        title: String::new(),
        summary: String::new(),
        description: String::new(),
        keywords: Vec::new(),
    });
    let mut keywords: Vec<String> = a.texts.iter().flat_map(|t| t.keywords.clone()).collect();
    keywords.extend(a.texts.iter().skip(1).map(|t| t.title.clone()));
    NeedProfile {
        language: original.language,
        title: original.title,
        summary: original.summary,
        description: String::new(),
        keywords,
        industry: Some(a.industry.clone()),
        ipc_codes: a.ipc_codes.clone(),
        min_trl: 1,
        budget_min_cny_fen: None,
        budget_max_cny_fen: None,
        cooperation_modes: a.cooperation_modes.clone(),
        region_code: Some(a.region_code.clone()),
        country: a.country.clone(),
        cross_border: a.cross_border,
    }
}
