//! The platform's headline numbers.

use std::collections::BTreeMap;
use wire::OrgKind;

use platform::entity::{
    achievements, brokers, contracts, deals, matches, needs, organisations, registrations,
};
use platform::error::ApiResult;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};

use super::{turnover, Basis, Kpis, TurnoverParams};
use wire::{ContractStatus, ListingStatus, RegistrationStatus, Stage, VerificationStatus};

/// Counts across the platform.
#[tracing::instrument(skip_all)]
pub async fn kpis(db: &impl ConnectionTrait) -> ApiResult<Kpis> {
    let mut by_stage = BTreeMap::new();
    let mut open = 0;
    for stage in Stage::ALL {
        let n = deals::Entity::find()
            .filter(deals::Column::Stage.eq(stage.as_str()))
            .count(db)
            .await?;
        if !stage.is_final() {
            open += n;
        }
        by_stage.insert(stage.as_str().to_owned(), n);
    }
    let total = |basis| TurnoverParams {
        basis: Some(basis),
        group_by: Some(String::new()),
        ..Default::default()
    };
    Ok(Kpis {
        organisations: organisations::Entity::find().count(db).await?,
        enterprises: organisations::Entity::find()
            .filter(organisations::Column::Kind.eq(OrgKind::Enterprise.as_str()))
            .count(db)
            .await?,
        achievements_published: achievements::Entity::find()
            .filter(achievements::Column::Status.eq(ListingStatus::Published.as_str()))
            .count(db)
            .await?,
        needs_published: needs::Entity::find()
            .filter(needs::Column::Status.eq(ListingStatus::Published.as_str()))
            .count(db)
            .await?,
        brokers_verified: brokers::Entity::find()
            .filter(brokers::Column::VerificationStatus.eq(VerificationStatus::Verified.as_str()))
            .count(db)
            .await?,
        brokers_trained: crate::domain::training::count_trained(db, None).await?,
        matches: matches::Entity::find().count(db).await?,
        deals_open: open,
        deals_by_stage: by_stage,
        contracts_signed: contracts::Entity::find()
            .filter(contracts::Column::Status.eq(ContractStatus::Signed.as_str()))
            .count(db)
            .await?,
        contracts_registered: registrations::Entity::find()
            .filter(registrations::Column::Status.eq(RegistrationStatus::Registered.as_str()))
            .count(db)
            .await?,
        registered_output_cny_minor: turnover(db, &total(Basis::Output))
            .await?
            .total_amount_cny_minor,
        registered_absorption_cny_minor: turnover(db, &total(Basis::Absorption))
            .await?
            .total_amount_cny_minor,
    })
}
