//! Who may see and act on what: operators everything (a city office's operators: what lies in
//! their cities, `platform::city_scope`); members of an organisation the deals and
//! contracts their organisation is a party to; brokers the deals they are assigned to now and
//! the contracts that name them; a registration office's operators the contracts registered
//! (or submitted) at their office. Anyone else gets the same 404 as for a row that does not
//! exist. Everything that shows a contract or what hangs on it (registrations, documents)
//! asks this one rule.

use platform::auth::AuthUser;
use platform::city_scope::OperatorScope;
use platform::entity::{
    contract_brokers, contracts, deal_brokers, deals, office_operators, registrations,
};
use platform::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

/// True when `broker_id` is assigned to `deal_id` right now.
#[tracing::instrument(skip_all)]
pub async fn is_assigned(
    db: &impl ConnectionTrait,
    deal_id: Uuid,
    broker_id: Uuid,
) -> ApiResult<bool> {
    let n = deal_brokers::Entity::find()
        .filter(deal_brokers::Column::DealId.eq(deal_id))
        .filter(deal_brokers::Column::BrokerId.eq(broker_id))
        .filter(deal_brokers::Column::UnassignedAt.is_null())
        .count(db)
        .await?;
    Ok(n > 0)
}

/// True when the caller is a member of the deal's seller or buyer.
pub fn is_party(caller: &AuthUser, deal: &deals::Model) -> bool {
    caller.belongs_to(deal.seller_organisation_id.into())
        || caller.belongs_to(deal.buyer_organisation_id.into())
}

/// Operator, party member or currently assigned broker; anyone else gets a 404.
#[tracing::instrument(skip_all)]
pub async fn ensure_deal_visible(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    deal: &deals::Model,
) -> ApiResult<()> {
    if is_party(caller, deal) || operator_covers_deal(db, caller, deal).await? {
        return Ok(());
    }
    if let Some(broker) = caller.broker_id {
        if is_assigned(db, deal.id, broker).await? {
            return Ok(());
        }
    }
    Err(ApiError::not_found(format!("deal {}", deal.id)))
}

/// True when the caller is an operator whose scope (`platform::city_scope`) holds the deal: a
/// platform operator everywhere, a city office's operator when the seller or the buyer is an
/// organisation of their cities.
pub async fn operator_covers_deal(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    deal: &deals::Model,
) -> ApiResult<bool> {
    match OperatorScope::of_operator(db, Some(caller)).await? {
        Some(scope) => {
            scope
                .covers_any_organisation(
                    db,
                    &[deal.seller_organisation_id, deal.buyer_organisation_id],
                )
                .await
        }
        None => Ok(false),
    }
}

/// The condition that limits a deal query to what the caller may see (`None`: everything).
pub async fn deal_scope(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
) -> ApiResult<Option<Condition>> {
    let mut any = Condition::any();
    match OperatorScope::of_operator(db, Some(caller)).await? {
        Some(OperatorScope::Everywhere) => return Ok(None),
        Some(scope) => {
            any = any.add(scope.organisation_condition(&[
                deals::Column::SellerOrganisationId,
                deals::Column::BuyerOrganisationId,
            ]));
        }
        None => {}
    }
    if let Some(org) = caller.organisation_id {
        any = any
            .add(deals::Column::SellerOrganisationId.eq(org.0))
            .add(deals::Column::BuyerOrganisationId.eq(org.0));
    }
    if let Some(broker) = caller.broker_id {
        any = any.add(
            deals::Column::Id.in_subquery(
                Query::select()
                    .column(deal_brokers::Column::DealId)
                    .from(deal_brokers::Entity)
                    .and_where(Expr::col(deal_brokers::Column::BrokerId).eq(broker))
                    .and_where(Expr::col(deal_brokers::Column::UnassignedAt).is_null())
                    .to_owned(),
            ),
        );
    }
    if caller.organisation_id.is_none() && caller.broker_id.is_none() {
        // Nothing to see: a condition no row meets.
        any = any.add(Expr::val(1).eq(0));
    }
    Ok(Some(any))
}

/// True when the caller is a member of the contract's seller or buyer: the parties, who act
/// on it (cancel, milestones, payments, registration).
pub fn is_contract_party(caller: &AuthUser, c: &contracts::Model) -> bool {
    [c.seller_organisation_id, c.buyer_organisation_id]
        .into_iter()
        .flatten()
        .any(|o| caller.belongs_to(o.into()))
}

/// Operator, party member, a member of the intermediary the parties named (read only), a
/// broker the contract names, or a broker assigned to its deal.
#[tracing::instrument(skip_all)]
pub async fn contract_visible(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    c: &contracts::Model,
) -> ApiResult<bool> {
    if is_contract_party(caller, c)
        || c.intermediary_organisation_id
            .is_some_and(|i| caller.belongs_to(i.into()))
        || operator_covers_contract(db, caller, c).await?
    {
        return Ok(true);
    }
    if is_office_contract(db, caller, c.id).await? {
        return Ok(true);
    }
    // An office operator sees the contract they recorded at their desk before it is submitted.
    if c.created_by == caller.user_id.0
        && office_operators::Entity::find()
            .filter(office_operators::Column::UserId.eq(caller.user_id.0))
            .count(db)
            .await?
            > 0
    {
        return Ok(true);
    }
    let Some(broker) = caller.broker_id else {
        return Ok(false);
    };
    let named = contract_brokers::Entity::find()
        .filter(contract_brokers::Column::ContractId.eq(c.id))
        .filter(contract_brokers::Column::BrokerId.eq(broker))
        .count(db)
        .await?;
    if named > 0 {
        return Ok(true);
    }
    match c.deal_id {
        Some(deal) => is_assigned(db, deal, broker).await,
        None => Ok(false),
    }
}

/// True when the caller is an operator whose scope (`platform::city_scope`) holds the
/// contract: a platform operator everywhere, a city office's operator when the seller or the
/// buyer is recorded in their cities.
pub async fn operator_covers_contract(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    c: &contracts::Model,
) -> ApiResult<bool> {
    Ok(OperatorScope::of_operator(db, Some(caller))
        .await?
        .is_some_and(|scope| {
            scope.covers(&c.seller_country, &c.seller_region_code)
                || scope.covers(&c.buyer_country, &c.buyer_region_code)
        }))
}

/// True when the contract is registered (or submitted) at an office the caller is an operator
/// of.
pub async fn is_office_contract(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    contract_id: Uuid,
) -> ApiResult<bool> {
    let n = registrations::Entity::find()
        .filter(registrations::Column::ContractId.eq(contract_id))
        .filter(registrations::Column::OfficeId.in_subquery(offices_of_user(caller)))
        .count(db)
        .await?;
    Ok(n > 0)
}

/// `SELECT office_id FROM office_operators WHERE user_id = <caller>`.
fn offices_of_user(caller: &AuthUser) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(office_operators::Column::OfficeId)
        .from(office_operators::Entity)
        .and_where(Expr::col(office_operators::Column::UserId).eq(caller.user_id.0))
        .to_owned()
}

/// 404 unless [`contract_visible`].
#[tracing::instrument(skip_all)]
pub async fn ensure_contract_visible(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    c: &contracts::Model,
) -> ApiResult<()> {
    if contract_visible(db, caller, c).await? {
        Ok(())
    } else {
        Err(ApiError::not_found(format!("contract {}", c.id)))
    }
}

/// The condition that limits a contract query to what the caller may see (`None`:
/// everything).
pub async fn contract_scope(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
) -> ApiResult<Option<Condition>> {
    let mut any = Condition::any();
    match OperatorScope::of_operator(db, Some(caller)).await? {
        Some(OperatorScope::Everywhere) => return Ok(None),
        Some(scope) => {
            any = any
                .add(scope.place_condition(
                    contracts::Column::SellerCountry,
                    contracts::Column::SellerRegionCode,
                ))
                .add(scope.place_condition(
                    contracts::Column::BuyerCountry,
                    contracts::Column::BuyerRegionCode,
                ));
        }
        None => {}
    }
    if let Some(org) = caller.organisation_id {
        any = any
            .add(contracts::Column::SellerOrganisationId.eq(org.0))
            .add(contracts::Column::BuyerOrganisationId.eq(org.0))
            .add(contracts::Column::IntermediaryOrganisationId.eq(org.0));
    }
    if let Some(broker) = caller.broker_id {
        any = any
            .add(
                contracts::Column::Id.in_subquery(
                    Query::select()
                        .column(contract_brokers::Column::ContractId)
                        .from(contract_brokers::Entity)
                        .and_where(Expr::col(contract_brokers::Column::BrokerId).eq(broker))
                        .to_owned(),
                ),
            )
            .add(
                contracts::Column::DealId.in_subquery(
                    Query::select()
                        .column(deal_brokers::Column::DealId)
                        .from(deal_brokers::Entity)
                        .and_where(Expr::col(deal_brokers::Column::BrokerId).eq(broker))
                        .and_where(Expr::col(deal_brokers::Column::UnassignedAt).is_null())
                        .to_owned(),
                ),
            );
    }
    // The contracts at the caller's offices: for most callers none, so a caller with no
    // organisation and no broker profile still has a condition no row meets.
    any = any.add(
        contracts::Column::Id.in_subquery(
            Query::select()
                .column(registrations::Column::ContractId)
                .from(registrations::Entity)
                .and_where(
                    Expr::col(registrations::Column::OfficeId).in_subquery(offices_of_user(caller)),
                )
                .to_owned(),
        ),
    );
    Ok(Some(any))
}
