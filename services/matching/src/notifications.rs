//! In-app notifications (the matching service owns the table): written by job handlers when
//! something a person should know happens.

use chrono::Utc;
use platform::entity::{notifications, users};
use platform::ids::new_uuid;
use platform::jobs::events::{AuctionNotice, ListingExpiring};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use wire::{NotificationKind, UserStatus};

/// One notification per member of the listing's organisation. Idempotent: a member who
/// already has the reminder for this listing and date does not get a second one.
#[tracing::instrument(skip_all)]
pub async fn listing_expiring(
    db: &impl ConnectionTrait,
    job: &ListingExpiring,
) -> anyhow::Result<()> {
    let members = users::Entity::find()
        .filter(users::Column::OrganisationId.eq(job.organisation_id))
        .filter(users::Column::Status.eq(UserStatus::Active.as_str()))
        .all(db)
        .await?;
    let link = format!("/{}s/{}", job.kind, job.id);
    let payload =
        serde_json::json!({"kind": job.kind, "id": job.id, "valid_until": job.valid_until});
    for member in members {
        let already = notifications::Entity::find()
            .filter(notifications::Column::UserId.eq(member.id))
            .filter(notifications::Column::Kind.eq(NotificationKind::ListingExpiring.as_str()))
            .filter(notifications::Column::Link.eq(link.clone()))
            .all(db)
            .await?
            .into_iter()
            .any(|n| n.payload.get("valid_until") == payload.get("valid_until"));
        if already {
            continue;
        }
        let title = format!("即将到期 Expires {}: {}", job.valid_until, job.title);
        notifications::Entity::insert(notifications::ActiveModel {
            id: Set(new_uuid()),
            user_id: Set(member.id),
            kind: Set(NotificationKind::ListingExpiring.as_str().to_owned()),
            title: Set(title.chars().take(300).collect()),
            body: Set(format!(
                "您发布的“{}”将于 {} 到期，请及时续期。Your listing expires on {}; renew it to keep it visible.",
                job.title, job.valid_until, job.valid_until
            )),
            link: Set(Some(link.clone())),
            payload: Set(payload.clone()),
            read_at: Set(None),
            emailed_at: Set(None),
            created_at: Set(Utc::now().into()),
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

/// One notification per active member of each organisation an auction notice names. Idempotent:
/// a member who already has the notice with this key does not get a second one.
#[tracing::instrument(skip_all, fields(auction.id = %job.auction_id))]
pub async fn auction_notice(db: &impl ConnectionTrait, job: &AuctionNotice) -> anyhow::Result<()> {
    let link = format!("/auctions/{}", job.auction_id);
    let payload = serde_json::json!({"auction_id": job.auction_id, "key": job.key});
    for org in &job.organisation_ids {
        let members = users::Entity::find()
            .filter(users::Column::OrganisationId.eq(*org))
            .filter(users::Column::Status.eq(UserStatus::Active.as_str()))
            .all(db)
            .await?;
        for member in members {
            let already = notifications::Entity::find()
                .filter(notifications::Column::UserId.eq(member.id))
                .filter(notifications::Column::Kind.eq(job.kind.as_str()))
                .filter(notifications::Column::Link.eq(link.clone()))
                .all(db)
                .await?
                .into_iter()
                .any(|n| n.payload.get("key") == payload.get("key"));
            if already {
                continue;
            }
            notifications::Entity::insert(notifications::ActiveModel {
                id: Set(new_uuid()),
                user_id: Set(member.id),
                kind: Set(job.kind.as_str().to_owned()),
                title: Set(job.title.chars().take(300).collect()),
                body: Set(job.body.clone()),
                link: Set(Some(link.clone())),
                payload: Set(payload.clone()),
                read_at: Set(None),
                emailed_at: Set(None),
                created_at: Set(Utc::now().into()),
            })
            .exec(db)
            .await?;
        }
    }
    Ok(())
}
