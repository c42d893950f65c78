//! Reading matches for the API, changing a party's status, and feedback.

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{achievements, match_feedback, matches, needs, notifications, users};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::{new_uuid, MatchId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;

use crate::SERVICE;
use wire::{DeclineReason, FeedbackParty, ListingKind, MatchSideStatus, NotificationKind, Verdict};

pub use wire::matching::{FeedbackIn, FeedbackOut, ListingBrief, MatchOut, StatusIn};

fn need_brief(n: needs::Model) -> ListingBrief {
    ListingBrief {
        id: n.id,
        organisation_id: n.organisation_id,
        title: n.title,
        summary: n.summary,
        language: n.original_language,
        industry: n.industry_code,
        region_code: n.region_code,
        country: n.country,
        trl: n.min_trl,
    }
}

fn achievement_brief(a: achievements::Model) -> ListingBrief {
    ListingBrief {
        id: a.id,
        organisation_id: a.organisation_id,
        title: a.title,
        summary: a.summary,
        language: a.original_language,
        industry: a.industry_code,
        region_code: a.region_code,
        country: a.country,
        trl: a.trl,
    }
}

/// Builds the API view of matches with both sides' briefs (two queries, not one per match).
#[tracing::instrument(skip_all)]
pub async fn to_out(
    db: &impl ConnectionTrait,
    rows: Vec<matches::Model>,
) -> ApiResult<Vec<MatchOut>> {
    let need_ids: Vec<Uuid> = rows.iter().map(|m| m.need_id).collect();
    let ach_ids: Vec<Uuid> = rows.iter().map(|m| m.achievement_id).collect();
    let needs_by_id: std::collections::HashMap<Uuid, needs::Model> = needs::Entity::find()
        .filter(needs::Column::Id.is_in(need_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|n| (n.id, n))
        .collect();
    let achs_by_id: std::collections::HashMap<Uuid, achievements::Model> =
        achievements::Entity::find()
            .filter(achievements::Column::Id.is_in(ach_ids))
            .all(db)
            .await?
            .into_iter()
            .map(|a| (a.id, a))
            .collect();
    rows.into_iter()
        .map(|m| {
            Ok(MatchOut {
                id: MatchId(m.id),
                need_id: m.need_id,
                achievement_id: m.achievement_id,
                score: m.score,
                features: serde_json::from_value(m.features).unwrap_or_default(),
                reasons: serde_json::from_value(m.reasons).unwrap_or_default(),
                engine_version: m.engine_version,
                computed_at: m.computed_at,
                need_side_status: m.need_side_status.parse()?,
                achievement_side_status: m.achievement_side_status.parse()?,
                version: m.version,
                need: needs_by_id.get(&m.need_id).cloned().map(need_brief),
                achievement: achs_by_id
                    .get(&m.achievement_id)
                    .cloned()
                    .map(achievement_brief),
            })
        })
        .collect()
}

/// Live matches of one side, best first.
#[tracing::instrument(skip_all, fields(match.id = %id))]
pub async fn live_for(
    db: &impl ConnectionTrait,
    column: matches::Column,
    id: Uuid,
) -> ApiResult<Vec<matches::Model>> {
    Ok(matches::Entity::find()
        .filter(column.eq(id))
        .filter(matches::Column::RetiredAt.is_null())
        .order_by_desc(matches::Column::Score)
        .all(db)
        .await?)
}

/// Which side of a match the caller speaks for.
async fn side_of(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    m: &matches::Model,
) -> ApiResult<ListingKind> {
    let need = needs::Entity::find_by_id(m.need_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("need"))?;
    if caller.belongs_to(need.organisation_id.into()) {
        return Ok(ListingKind::Need);
    }
    let ach = achievements::Entity::find_by_id(m.achievement_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("achievement"))?;
    if caller.belongs_to(ach.organisation_id.into()) {
        return Ok(ListingKind::Achievement);
    }
    Err(ApiError::Forbidden(
        "only the two parties of a match set its status".to_owned(),
    ))
}

/// A party moves its side of a match along new → shortlisted / dismissed → contacted → converted.
#[tracing::instrument(skip_all, fields(match.id = %id))]
pub async fn set_status(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    id: MatchId,
    input: StatusIn,
) -> ApiResult<matches::Model> {
    let m = matches::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("match {id}")))?;
    let side = side_of(db, caller, &m).await?;
    let mut v = Validator::new();
    v.check(
        MatchSideStatus::parse(&input.status).is_some(),
        "status",
        "must be new, shortlisted, dismissed, contacted or converted",
    );
    v.finish()?;
    if m.version != input.version {
        return Err(ApiError::StaleVersion(format!(
            "match {id} is at version {}",
            m.version
        )));
    }
    let before = serde_json::json!({"need_side_status": m.need_side_status, "achievement_side_status": m.achievement_side_status});
    let txn = db.begin().await?;
    let mut active: matches::ActiveModel = m.clone().into();
    if side == ListingKind::Need {
        active.need_side_status = Set(input.status.clone());
    } else {
        active.achievement_side_status = Set(input.status.clone());
    }
    active.version = Set(input.version + 1);
    active.updated_at = Set(Utc::now().into());
    let result = matches::Entity::update_many()
        .set(active)
        .filter(matches::Column::Id.eq(id.0))
        .filter(matches::Column::Version.eq(input.version))
        .exec(&txn)
        .await?;
    if result.rows_affected == 0 {
        return Err(ApiError::StaleVersion(format!(
            "match {id} changed meanwhile"
        )));
    }
    let updated = matches::Entity::find_by_id(id.0)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("match"))?;
    AuditEntry { actor: Some(caller), service: SERVICE, action: "match.set_status", entity_type: "match", entity_id: id.0 }
        .record(&txn, Some(&before), Some(&serde_json::json!({"need_side_status": updated.need_side_status, "achievement_side_status": updated.achievement_side_status})))
        .await?;
    txn.commit().await?;
    Ok(updated)
}

/// Feedback as its readers see it.
pub fn feedback_out(m: match_feedback::Model) -> ApiResult<FeedbackOut> {
    Ok(FeedbackOut {
        id: m.id,
        match_id: m.match_id,
        party: m.party.parse()?,
        verdict: m.verdict.parse()?,
        reason: m.reason.as_deref().map(str::parse).transpose()?,
        comment: m.comment,
        created_at: m.created_at,
    })
}

/// Records a party's (or a broker's) feedback and tells the other listing's owners.
#[tracing::instrument(skip_all, fields(match.id = %id))]
pub async fn give_feedback(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    id: MatchId,
    input: FeedbackIn,
) -> ApiResult<match_feedback::Model> {
    let m = matches::Entity::find_by_id(id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("match {id}")))?;
    let need = needs::Entity::find_by_id(m.need_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("need"))?;
    let ach = achievements::Entity::find_by_id(m.achievement_id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("achievement"))?;
    let party = if caller.belongs_to(need.organisation_id.into()) {
        FeedbackParty::NeedOwner
    } else if caller.belongs_to(ach.organisation_id.into()) {
        FeedbackParty::AchievementOwner
    } else if caller.broker_id.is_some() {
        super::access::ensure_may_see(
            db,
            caller,
            need.organisation_id,
            &need.industry_code,
            &need.region_code,
        )
        .await?;
        FeedbackParty::Broker
    } else {
        return Err(ApiError::Forbidden(
            "only the parties of a match and its brokers give feedback".to_owned(),
        ));
    };
    let mut v = Validator::new();
    let verdict = Verdict::parse(&input.verdict);
    v.check(verdict.is_some(), "verdict", "must be good or poor");
    let reason = input.reason.as_deref().map(DeclineReason::parse);
    if reason == Some(None) {
        let codes: Vec<&str> = DeclineReason::ALL.iter().map(|r| r.as_str()).collect();
        v.check(
            false,
            "reason",
            format!("must be one of {}", codes.join(", ")),
        );
    }
    if verdict == Some(Verdict::Poor) {
        v.check(
            input.reason.is_some(),
            "reason",
            "say why the match is poor",
        );
    }
    if reason == Some(Some(DeclineReason::Other)) {
        v.check(
            input
                .comment
                .as_deref()
                .is_some_and(|c| !c.trim().is_empty()),
            "comment",
            "describe the reason",
        );
    }
    if let Some(c) = &input.comment {
        v.length(c, "comment", 0, 2000);
    }
    v.finish()?;
    let txn = db.begin().await?;
    let row = match_feedback::ActiveModel {
        id: Set(new_uuid()),
        match_id: Set(m.id),
        given_by: Set(caller.user_id.0),
        given_by_organisation_id: Set(caller.organisation_id.map(|o| o.0)),
        party: Set(party.as_str().to_owned()),
        verdict: Set(input.verdict.clone()),
        reason: Set(input.reason.clone()),
        comment: Set(input.comment.clone()),
        seen_by_owner_at: Set(None),
        created_at: Set(Utc::now().into()),
    }
    .insert(&txn)
    .await?;
    // Feedback goes back to the owner of the listing being judged: the need owner judges the
    // achievement, the achievement owner judges the need; a broker's reaches both.
    let recipients: Vec<(Uuid, ListingKind, String)> = match party {
        FeedbackParty::NeedOwner => vec![(
            ach.organisation_id,
            ListingKind::Achievement,
            ach.title.clone(),
        )],
        FeedbackParty::AchievementOwner => {
            vec![(need.organisation_id, ListingKind::Need, need.title.clone())]
        }
        FeedbackParty::Broker => vec![
            (
                ach.organisation_id,
                ListingKind::Achievement,
                ach.title.clone(),
            ),
            (need.organisation_id, ListingKind::Need, need.title.clone()),
        ],
    };
    for (org, kind, title) in recipients {
        let members = users::Entity::find()
            .filter(users::Column::OrganisationId.eq(org))
            .all(&txn)
            .await?;
        for u in members {
            notifications::ActiveModel {
                id: Set(new_uuid()),
                user_id: Set(u.id),
                kind: Set(NotificationKind::MatchFeedback.as_str().to_owned()),
                title: Set(format!("匹配反馈 Feedback: {title}").chars().take(300).collect()),
                body: Set(format!("{} — {}{}", input.verdict, input.reason.clone().unwrap_or_default(), input.comment.as_ref().map(|c| format!(": {c}")).unwrap_or_default())),
                link: Set(Some(format!("/{kind}s/{}#matches", if kind == ListingKind::Need { need.id } else { ach.id }))),
                payload: Set(serde_json::json!({"match_id": m.id, "verdict": input.verdict, "reason": input.reason, "comment": input.comment, "party": party})),
                read_at: Set(None),
                emailed_at: Set(None),
                created_at: Set(Utc::now().into()),
            }
            .insert(&txn)
            .await?;
        }
    }
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "match.feedback",
        entity_type: "match",
        entity_id: m.id,
    }
    .record(&txn, None::<&()>, Some(&feedback_out(row.clone())?))
    .await?;
    txn.commit().await?;
    Ok(row)
}
