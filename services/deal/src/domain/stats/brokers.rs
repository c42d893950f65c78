//! Verified brokers' records: deals, contracts and the turnover they brought.

use std::collections::HashSet;

use platform::entity::{
    brokers, contract_brokers, contracts, deal_brokers, deals, matches, registrations,
};
use platform::error::{ApiError, ApiResult};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use super::{paging, BrokerPerformance, BrokerStatsParams, Page};
use wire::{ContractStatus, RegistrationStatus, Stage, VerificationStatus};

/// Performance of verified brokers.
#[tracing::instrument(skip_all)]
pub async fn broker_performance(
    db: &impl ConnectionTrait,
    params: &BrokerStatsParams,
) -> ApiResult<Page<BrokerPerformance>> {
    use sea_orm::QueryOrder;
    let (page, per_page) = paging(params.page, params.per_page);
    let paginator = brokers::Entity::find()
        .filter(brokers::Column::VerificationStatus.eq(VerificationStatus::Verified.as_str()))
        .order_by_asc(brokers::Column::DisplayName)
        .order_by_asc(brokers::Column::Id)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let mut items = Vec::new();
    for b in paginator.fetch_page(page - 1).await? {
        let deal_ids: HashSet<Uuid> = deal_brokers::Entity::find()
            .filter(deal_brokers::Column::BrokerId.eq(b.id))
            .all(db)
            .await?
            .into_iter()
            .map(|d| d.deal_id)
            .collect();
        let mut closed = 0;
        for id in &deal_ids {
            if let Some(d) = deals::Entity::find_by_id(*id).one(db).await? {
                if matches!(d.stage.parse(), Ok(Stage::Registered | Stage::Closed)) {
                    closed += 1;
                }
            }
        }
        let named = contract_brokers::Entity::find()
            .filter(contract_brokers::Column::BrokerId.eq(b.id))
            .find_also_related(contracts::Entity)
            .all(db)
            .await?;
        let mut registered = 0;
        let mut turnover = 0i64;
        let mut days: Vec<i64> = Vec::new();
        for (_, c) in named {
            let Some(c) = c else { continue };
            let reg = registrations::Entity::find()
                .filter(registrations::Column::ContractId.eq(c.id))
                .filter(registrations::Column::Status.eq(RegistrationStatus::Registered.as_str()))
                .one(db)
                .await?;
            if reg.is_some() && c.status == ContractStatus::Signed.as_str() {
                registered += 1;
                turnover = turnover
                    .checked_add(c.contract_amount_cny_minor)
                    .ok_or_else(|| {
                        ApiError::Internal(anyhow::anyhow!("broker turnover overflows i64"))
                    })?;
            }
            if let Some(deal_id) = c.deal_id {
                if let Some(d) = deals::Entity::find_by_id(deal_id).one(db).await? {
                    let started = match d.match_id {
                        Some(m) => matches::Entity::find_by_id(m)
                            .one(db)
                            .await?
                            .map(|m| m.created_at),
                        None => None,
                    }
                    .unwrap_or(d.created_at);
                    days.push((c.signed_on - started.date_naive()).num_days().max(0));
                }
            }
        }
        days.sort_unstable();
        let median = match days.len() {
            0 => None,
            n if n % 2 == 1 => Some(days[n / 2]),
            n => Some((days[n / 2 - 1] + days[n / 2]) / 2),
        };
        items.push(BrokerPerformance {
            broker_id: b.id,
            display_name: b.display_name,
            certification_level: b.certification_level.parse()?,
            deals: i64::try_from(deal_ids.len()).unwrap_or(0),
            deals_closed: closed,
            contracts_registered: registered,
            registered_turnover_cny_minor: turnover,
            median_days_to_contract: median,
        });
    }
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}
