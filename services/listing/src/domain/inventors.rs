//! An achievement's inventors and the right granted to them (职务科技成果赋权): who they are,
//! their share of the inventors' part of any income (basis points summing to 10,000), and the
//! share of ownership or long-term use the organisation granted them.
//!
//! Owners (members of the achievement's organisation) replace the whole list at once; the
//! deal service reads it when a payment is split, copying names and users into its ledger so
//! later edits never rewrite past statements.

use std::collections::HashSet;

use chrono::Utc;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::{achievement_grants, achievement_inventors, achievements, users};
use platform::error::{ApiError, ApiResult, Validator};
use platform::ids::{new_uuid, AchievementId};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use uuid::Uuid;
use wire::tto::{GrantOut, InventorOut, OwnershipIn, OwnershipOut, WHOLE_BP};

use super::achievements::find;
use crate::SERVICE;

/// Most inventors on one achievement.
pub const INVENTORS_MAX: usize = 50;

/// The achievement, if the caller may see its inventors: members of its organisation and
/// operators. Anyone else gets the 404 of a thing that is not there (inventors are personal
/// data, not part of the public listing).
async fn for_reader(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: AchievementId,
) -> ApiResult<achievements::Model> {
    let m = find(db, id).await?;
    if caller.belongs_to(m.organisation_id.into())
        || platform::city_scope::operator_covers(db, Some(caller), m.organisation_id).await?
    {
        Ok(m)
    } else {
        Err(ApiError::not_found(format!(
            "inventors of achievement {id}"
        )))
    }
}

/// An achievement's inventors and grant.
#[tracing::instrument(skip_all, fields(achievement.id = %id))]
pub async fn get(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: AchievementId,
) -> ApiResult<OwnershipOut> {
    let m = for_reader(db, caller, id).await?;
    read(db, m.id).await
}

/// Reads what is stored, without an access check (for callers that made one).
pub async fn read(db: &impl ConnectionTrait, achievement_id: Uuid) -> ApiResult<OwnershipOut> {
    let inventors = achievement_inventors::Entity::find()
        .filter(achievement_inventors::Column::AchievementId.eq(achievement_id))
        .order_by_asc(achievement_inventors::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|i| InventorOut {
            id: i.id,
            position: i.position,
            name: i.name,
            user_id: i.user_id,
            affiliation: i.affiliation,
            share_bp: i.share_bp,
        })
        .collect();
    let grant = match achievement_grants::Entity::find_by_id(achievement_id)
        .one(db)
        .await?
    {
        Some(g) => Some(GrantOut {
            kind: g.kind.parse()?,
            share_bp: g.share_bp,
            granted_on: g.granted_on,
            updated_at: g.updated_at,
        }),
        None => None,
    };
    Ok(OwnershipOut {
        achievement_id,
        inventors,
        grant,
    })
}

/// Checks the list: names, shares in 1..=10,000 summing to exactly 10,000 (checked sums, so
/// enormous values are a 422, not an overflow), no account twice.
fn validate(input: &OwnershipIn) -> ApiResult<()> {
    let mut v = Validator::new();
    v.check(
        input.inventors.len() <= INVENTORS_MAX,
        "inventors",
        format!("at most {INVENTORS_MAX} inventors"),
    );
    let mut sum: Option<i64> = Some(0);
    let mut seen = HashSet::new();
    for (i, inv) in input.inventors.iter().enumerate() {
        let path = format!("inventors[{i}]");
        v.length(inv.name.trim(), &format!("{path}.name"), 1, 100);
        if let Some(a) = &inv.affiliation {
            v.length(a.trim(), &format!("{path}.affiliation"), 1, 200);
        }
        v.check(
            (1..=WHOLE_BP).contains(&inv.share_bp),
            &format!("{path}.share_bp"),
            "must be between 1 and 10000 basis points",
        );
        sum = sum.and_then(|s| s.checked_add(inv.share_bp));
        if let Some(u) = inv.user_id {
            v.check(
                seen.insert(u),
                &format!("{path}.user_id"),
                "this account is already listed",
            );
        }
    }
    if !input.inventors.is_empty() {
        v.check(
            sum == Some(WHOLE_BP),
            "inventors",
            "the inventors' shares must sum to 10000 basis points",
        );
    }
    if let Some(g) = &input.grant {
        v.check(
            (1..=WHOLE_BP).contains(&g.share_bp),
            "grant.share_bp",
            "must be between 1 and 10000 basis points",
        );
        v.check(
            g.granted_on <= Utc::now().date_naive(),
            "grant.granted_on",
            "cannot be in the future",
        );
        v.check(
            !input.inventors.is_empty(),
            "grant",
            "a grant needs the inventors it is made to",
        );
    }
    v.finish()
}

/// Replaces an achievement's inventors and grant (members of its organisation).
///
/// One transaction: the old list goes, the new one comes. Positions are unique per
/// achievement, so of two replacements racing on PostgreSQL the second fails with 409 instead
/// of leaving both lists interleaved.
#[tracing::instrument(skip_all, fields(achievement.id = %id))]
pub async fn replace(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    id: AchievementId,
    input: OwnershipIn,
) -> ApiResult<OwnershipOut> {
    let txn = db.begin().await?;
    let m = find(&txn, id).await?;
    // Members of another organisation learn nothing, not even that the achievement exists.
    if !caller.belongs_to(m.organisation_id.into()) {
        return Err(ApiError::not_found(format!(
            "inventors of achievement {id}"
        )));
    }
    validate(&input)?;
    let accounts: Vec<Uuid> = input.inventors.iter().filter_map(|i| i.user_id).collect();
    if !accounts.is_empty() {
        let found = users::Entity::find()
            .filter(users::Column::Id.is_in(accounts.clone()))
            .all(&txn)
            .await?;
        let mut v = Validator::new();
        for (i, inv) in input.inventors.iter().enumerate() {
            if let Some(u) = inv.user_id {
                v.check(
                    found.iter().any(|f| f.id == u),
                    &format!("inventors[{i}].user_id"),
                    "no such user",
                );
            }
        }
        v.finish()?;
    }
    let before = read(&txn, m.id).await?;
    achievement_inventors::Entity::delete_many()
        .filter(achievement_inventors::Column::AchievementId.eq(m.id))
        .exec(&txn)
        .await?;
    for (pos, inv) in input.inventors.iter().enumerate() {
        achievement_inventors::ActiveModel {
            id: Set(new_uuid()),
            achievement_id: Set(m.id),
            position: Set(i32::try_from(pos).unwrap_or(i32::MAX)),
            name: Set(inv.name.trim().to_owned()),
            user_id: Set(inv.user_id),
            affiliation: Set(inv.affiliation.as_deref().map(str::trim).map(str::to_owned)),
            // Validated to lie in 1..=10,000 above.
            share_bp: Set(i32::try_from(inv.share_bp).unwrap_or(0)),
            created_at: Set(Utc::now().into()),
        }
        .insert(&txn)
        .await?;
    }
    achievement_grants::Entity::delete_by_id(m.id)
        .exec(&txn)
        .await?;
    if let Some(g) = &input.grant {
        achievement_grants::ActiveModel {
            achievement_id: Set(m.id),
            kind: Set(g.kind.as_str().to_owned()),
            share_bp: Set(i32::try_from(g.share_bp).unwrap_or(0)),
            granted_on: Set(g.granted_on),
            updated_by: Set(caller.user_id.0),
            updated_at: Set(Utc::now().into()),
        }
        .insert(&txn)
        .await?;
    }
    let after = read(&txn, m.id).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "achievement.inventors",
        entity_type: "achievement",
        entity_id: m.id,
    }
    .record(&txn, Some(&before), Some(&after))
    .await?;
    txn.commit().await?;
    Ok(after)
}
