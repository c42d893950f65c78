//! Keeping matches current: when a listing's search document changes, the matches it takes
//! part in are recomputed (or retired when it left the market). Idempotent: recomputing twice
//! gives the same rows.

use std::collections::{HashMap, HashSet};

use crate::settings::MatchingConfig;
use chrono::Utc;
use platform::entity::{achievements, matches, needs, users};
use platform::ids::new_uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set, TransactionTrait,
};
use search::{Filters, ListingKind, SearchIndex};
use uuid::Uuid;

use super::profiles::{achievement_as_query, achievement_profiles, live, need_profile};
use crate::embedding::jobs::Semantic;
use crate::engine::{self, Scored, ENGINE_VERSION};
use wire::{ListingStatus, MatchSideStatus, UserStatus};

/// Needs re-evaluated when an achievement changes.
const REVERSE_CANDIDATES: usize = 50;

/// What one recomputation did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recomputed {
    pub created: usize,
    pub updated: usize,
    pub retired: usize,
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    Utc::now().into()
}

/// Retires every live match of a listing that left the market.
async fn retire_all(
    db: &impl ConnectionTrait,
    column: matches::Column,
    id: Uuid,
) -> anyhow::Result<usize> {
    let result = matches::Entity::update_many()
        .col_expr(
            matches::Column::RetiredAt,
            sea_orm::sea_query::Expr::value(sea_orm::Value::from(now())),
        )
        .filter(column.eq(id))
        .filter(matches::Column::RetiredAt.is_null())
        .exec(db)
        .await?;
    Ok(usize::try_from(result.rows_affected)?)
}

/// Inserts or refreshes one pair; returns true when it is new (or back from retirement).
async fn upsert(db: &impl ConnectionTrait, need_id: Uuid, s: &Scored) -> anyhow::Result<bool> {
    let existing = matches::Entity::find()
        .filter(matches::Column::NeedId.eq(need_id))
        .filter(matches::Column::AchievementId.eq(s.achievement_id))
        .one(db)
        .await?;
    let features = serde_json::to_value(&s.features)?;
    let reasons = serde_json::to_value(&s.reasons)?;
    match existing {
        Some(m) => {
            let revived = m.retired_at.is_some();
            let version = m.version;
            let mut active: matches::ActiveModel = m.into();
            active.score = Set(s.score);
            active.features = Set(features);
            active.reasons = Set(reasons);
            active.engine_version = Set(ENGINE_VERSION.to_owned());
            active.computed_at = Set(now());
            active.retired_at = Set(None);
            active.version = Set(version + 1);
            active.updated_at = Set(now());
            active.update(db).await?;
            Ok(revived)
        }
        None => {
            matches::ActiveModel {
                id: Set(new_uuid()),
                need_id: Set(need_id),
                achievement_id: Set(s.achievement_id),
                score: Set(s.score),
                features: Set(features),
                reasons: Set(reasons),
                engine_version: Set(ENGINE_VERSION.to_owned()),
                computed_at: Set(now()),
                need_side_status: Set(MatchSideStatus::New.as_str().to_owned()),
                achievement_side_status: Set(MatchSideStatus::New.as_str().to_owned()),
                retired_at: Set(None),
                version: Set(1),
                created_at: Set(now()),
                updated_at: Set(now()),
            }
            .insert(db)
            .await?;
            Ok(true)
        }
    }
}

/// Tells every member of `organisation` about new matches of one of its listings.
async fn notify_new_matches(
    db: &impl ConnectionTrait,
    email: bool,
    organisation: Uuid,
    kind: ListingKind,
    listing: Uuid,
    title: &str,
    count: usize,
) -> anyhow::Result<()> {
    if count == 0 {
        return Ok(());
    }
    let members = users::Entity::find()
        .filter(users::Column::OrganisationId.eq(organisation))
        .filter(users::Column::Status.eq(UserStatus::Active.as_str()))
        .all(db)
        .await?;
    for m in members {
        let by_email = email && super::alerts::wants_match_email(db, m.id, listing).await?;
        super::alerts::notify(
            db,
            m.id,
            super::alerts::Notice {
                kind: wire::NotificationKind::NewMatches,
                title: &format!("{count} 条新匹配 new matches: {title}"),
                body: &format!(
                    "您的“{title}”有 {count} 条新的匹配。{count} new matches for \"{title}\"."
                ),
                link: Some(format!("/{kind}s/{listing}#matches")),
                payload: serde_json::json!({"kind": kind, "id": listing, "count": count}),
                email: by_email,
            },
        )
        .await?;
    }
    Ok(())
}

/// Recomputes a need's matches: the best compatible achievements above the minimum score are
/// kept; untouched (`new`) matches that fell out are retired, worked ones are kept.
#[tracing::instrument(skip_all)]
pub async fn recompute_need(
    db: &(impl ConnectionTrait + TransactionTrait),
    index: &dyn SearchIndex,
    weights: &MatchingConfig,
    email: bool,
    need_id: Uuid,
) -> anyhow::Result<Recomputed> {
    recompute_need_hybrid(db, index, weights, email, need_id, None).await
}

/// [`recompute_need`] with vectors, when an embedder is configured and the need has one.
#[tracing::instrument(skip_all, fields(need.id = %need_id))]
pub async fn recompute_need_hybrid(
    db: &(impl ConnectionTrait + TransactionTrait),
    index: &dyn SearchIndex,
    weights: &MatchingConfig,
    email: bool,
    need_id: Uuid,
    semantic: Option<&Semantic>,
) -> anyhow::Result<Recomputed> {
    let mut done = Recomputed::default();
    let Some(need) = needs::Entity::find_by_id(need_id).one(db).await? else {
        return Ok(done);
    };
    if !live(&need.status, need.valid_until) {
        done.retired = retire_all(db, matches::Column::NeedId, need_id).await?;
        return Ok(done);
    }
    let profile = need_profile(db, &need).await?;
    let vectors = match semantic {
        Some(s) => {
            s.listing_query(db, ListingKind::Need, need.id, &need.original_language)
                .await?
        }
        None => None,
    };
    let ranked = engine::rank_hybrid(
        index,
        &profile,
        &Filters::default(),
        weights,
        weights.max_matches_per_need,
        vectors.as_ref().map(|v| v as &dyn engine::Vectors),
        |ids| async move { achievement_profiles(db, &ids).await },
    )
    .await?;
    let keep: Vec<&Scored> = ranked
        .iter()
        .filter(|s| s.score >= weights.min_score)
        .collect();
    let txn = db.begin().await?;
    let mut new_count = 0;
    for s in &keep {
        if upsert(&txn, need_id, s).await? {
            done.created += 1;
            new_count += 1;
        } else {
            done.updated += 1;
        }
    }
    let kept: HashSet<Uuid> = keep.iter().map(|s| s.achievement_id).collect();
    let stale = matches::Entity::find()
        .filter(matches::Column::NeedId.eq(need_id))
        .filter(matches::Column::RetiredAt.is_null())
        .all(&txn)
        .await?;
    for m in stale {
        let new = MatchSideStatus::New.as_str();
        let untouched = m.need_side_status == new && m.achievement_side_status == new;
        if !kept.contains(&m.achievement_id) && untouched {
            let mut active: matches::ActiveModel = m.into();
            active.retired_at = Set(Some(now()));
            active.update(&txn).await?;
            done.retired += 1;
        }
    }
    notify_new_matches(
        &txn,
        email,
        need.organisation_id,
        ListingKind::Need,
        need.id,
        &need.title,
        new_count,
    )
    .await?;
    txn.commit().await?;
    Ok(done)
}

/// Recomputes the pairs an achievement takes part in: needs it may answer (found by reverse
/// retrieval) and needs it already matched.
#[tracing::instrument(skip_all)]
pub async fn recompute_achievement(
    db: &(impl ConnectionTrait + TransactionTrait),
    index: &dyn SearchIndex,
    weights: &MatchingConfig,
    email: bool,
    achievement_id: Uuid,
) -> anyhow::Result<Recomputed> {
    recompute_achievement_hybrid(db, index, weights, email, achievement_id, None).await
}

/// [`recompute_achievement`] with vectors: needs near the achievement in meaning are
/// re-evaluated too.
#[tracing::instrument(skip_all, fields(achievement.id = %achievement_id))]
pub async fn recompute_achievement_hybrid(
    db: &(impl ConnectionTrait + TransactionTrait),
    index: &dyn SearchIndex,
    weights: &MatchingConfig,
    email: bool,
    achievement_id: Uuid,
    semantic: Option<&Semantic>,
) -> anyhow::Result<Recomputed> {
    let mut done = Recomputed::default();
    let Some(ach) = achievements::Entity::find_by_id(achievement_id)
        .one(db)
        .await?
    else {
        return Ok(done);
    };
    if !live(&ach.status, ach.valid_until) {
        done.retired = retire_all(db, matches::Column::AchievementId, achievement_id).await?;
        return Ok(done);
    }
    let Some(profile) = achievement_profiles(db, &[achievement_id])
        .await?
        .into_iter()
        .next()
    else {
        return Ok(done);
    };
    let query = achievement_as_query(&profile);
    let vectors = match semantic {
        Some(s) => {
            s.listing_query(
                db,
                ListingKind::Achievement,
                achievement_id,
                &ach.original_language,
            )
            .await?
        }
        None => None,
    };
    let vectors = vectors.as_ref().map(|v| v as &dyn engine::Vectors);
    let reverse = engine::retrieve_hybrid(
        index,
        &query,
        ListingKind::Need,
        &Filters::default(),
        REVERSE_CANDIDATES,
        weights,
        vectors,
    )
    .await?;
    let mut need_ids: HashMap<Uuid, (f64, Option<f64>)> = reverse
        .into_iter()
        .map(|c| (c.id, (c.text, c.cosine)))
        .collect();
    let matched: Vec<Uuid> = matches::Entity::find()
        .filter(matches::Column::AchievementId.eq(achievement_id))
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.need_id)
        .filter(|id| !need_ids.contains_key(id))
        .collect();
    let cosines = match vectors {
        Some(v) if !matched.is_empty() => v.similarity(ListingKind::Need, &matched).await?,
        _ => HashMap::new(),
    };
    for need_id in matched {
        need_ids.insert(need_id, (0.0, cosines.get(&need_id).copied()));
    }
    let txn = db.begin().await?;
    let mut new_by_need: Vec<(needs::Model, usize)> = Vec::new();
    for (need_id, (retrieval, cosine)) in need_ids {
        let Some(need) = needs::Entity::find_by_id(need_id).one(&txn).await? else {
            continue;
        };
        if !live(&need.status, need.valid_until) {
            continue;
        }
        let need_p = need_profile(&txn, &need).await?;
        if !engine::compatible(&need_p, &profile) {
            continue;
        }
        let scored = engine::score_hybrid(&need_p, &profile, retrieval, cosine, weights);
        if scored.score >= weights.min_score {
            if upsert(&txn, need_id, &scored).await? {
                done.created += 1;
                new_by_need.push((need, 1));
            } else {
                done.updated += 1;
            }
        }
    }
    for (need, count) in new_by_need {
        notify_new_matches(
            &txn,
            email,
            need.organisation_id,
            ListingKind::Need,
            need.id,
            &need.title,
            count,
        )
        .await?;
    }
    txn.commit().await?;
    Ok(done)
}

/// Recomputes the matches of every live need (`techmarket rematch`); `progress(done, total)`
/// after each need.
#[tracing::instrument(skip_all)]
pub async fn rematch_all(
    db: &(impl ConnectionTrait + TransactionTrait),
    index: &dyn SearchIndex,
    weights: &MatchingConfig,
    email: bool,
    semantic: Option<&Semantic>,
    mut progress: impl FnMut(u64, u64),
) -> anyhow::Result<Recomputed> {
    let ids: Vec<Uuid> = needs::Entity::find()
        .filter(needs::Column::Status.eq(ListingStatus::Published.as_str()))
        .all(db)
        .await?
        .into_iter()
        .map(|n| n.id)
        .collect();
    let total = ids.len() as u64;
    let mut sum = Recomputed::default();
    for (i, id) in ids.into_iter().enumerate() {
        let r = recompute_need_hybrid(db, index, weights, email, id, semantic).await?;
        sum.created += r.created;
        sum.updated += r.updated;
        sum.retired += r.retired;
        progress(i as u64 + 1, total);
    }
    Ok(sum)
}
