//! Who may see a match (a need ↔ achievement pair): the organisations of the two listings,
//! operators, and verified brokers working the need's field and region (the worklist rule).
//! Matching shows matches by this rule and the deal service opens deals from them by it, so
//! the rule lives here, once.

use sea_orm::{ConnectionTrait, EntityTrait};

use crate::auth::AuthUser;
use crate::entity::{achievements, brokers, needs};
use crate::error::{ApiError, ApiResult};
use crate::json_column::strings;
use wire::VerificationStatus;

/// A broker's working area.
#[derive(Debug, Clone, Default)]
pub struct BrokerArea {
    pub fields: Vec<String>,
    pub regions: Vec<String>,
}

impl BrokerArea {
    /// A region is covered by an exact code, its province (`450000` covers `45xxxx`) or its
    /// country code.
    pub fn covers_region(&self, region: &str) -> bool {
        self.regions.iter().any(|r| {
            r == region
                || (r.len() == 6
                    && r.ends_with("0000")
                    && region.len() == 6
                    && region[..2] == r[..2])
        })
    }

    pub fn covers(&self, industry: &str, region: &str) -> bool {
        self.fields.iter().any(|f| f == industry) && self.covers_region(region)
    }
}

/// The caller's area if they are a verified broker.
pub async fn broker_area(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
) -> ApiResult<Option<BrokerArea>> {
    let Some(id) = caller.broker_id else {
        return Ok(None);
    };
    let Some(b) = brokers::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    if b.verification_status != VerificationStatus::Verified.as_str() {
        return Ok(None);
    }
    Ok(Some(BrokerArea {
        fields: strings(&b.fields),
        regions: strings(&b.regions),
    }))
}

/// 403 unless the caller may see matches of a listing owned by `owner`, in `industry` and
/// `region`.
pub async fn ensure_may_see(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    owner: uuid::Uuid,
    industry: &str,
    region: &str,
) -> ApiResult<()> {
    if caller.is_operator || caller.belongs_to(owner.into()) {
        return Ok(());
    }
    if let Some(area) = broker_area(db, caller).await? {
        if area.covers(industry, region) {
            return Ok(());
        }
    }
    Err(ApiError::Forbidden(
        "matches are shown to the listing's organisation, operators and brokers working its field and region".to_owned(),
    ))
}

/// Whether the caller may see the match between `need` and `achievement`.
pub async fn match_visible(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    need: &needs::Model,
    achievement: &achievements::Model,
) -> ApiResult<bool> {
    if caller.belongs_to(need.organisation_id.into())
        || caller.belongs_to(achievement.organisation_id.into())
    {
        return Ok(true);
    }
    match ensure_may_see(
        db,
        caller,
        need.organisation_id,
        &need.industry_code,
        &need.region_code,
    )
    .await
    {
        Ok(()) => Ok(true),
        Err(ApiError::Forbidden(_)) => Ok(false),
        Err(other) => Err(other),
    }
}
