//! Exchange rates (deal service's table, read by everyone): the CNY value of an amount on a
//! date, at the latest rate known on or before that date.

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::entity::fx_rates;
use crate::money::Money;

/// The latest rate (CNY per unit of `currency`) on or before `on`, with its row.
pub async fn rate_on(
    db: &impl ConnectionTrait,
    currency: &str,
    on: NaiveDate,
) -> anyhow::Result<Option<(Decimal, fx_rates::Model)>> {
    if currency == "CNY" {
        return Ok(None);
    }
    let row = fx_rates::Entity::find()
        .filter(fx_rates::Column::Currency.eq(currency))
        .filter(fx_rates::Column::RateDate.lte(on))
        .order_by_desc(fx_rates::Column::RateDate)
        .one(db)
        .await?;
    match row {
        Some(r) => Ok(Some((Decimal::from_str(&r.cny_per_unit)?, r))),
        None => Ok(None),
    }
}

/// CNY fen for an amount; `None` when the amount is absent or the currency has no rate yet.
pub async fn to_cny_fen(
    db: &impl ConnectionTrait,
    minor: Option<i64>,
    currency: &str,
    on: NaiveDate,
) -> anyhow::Result<Option<i64>> {
    let Some(minor) = minor else { return Ok(None) };
    if currency == "CNY" {
        return Ok(Some(minor));
    }
    match rate_on(db, currency, on).await? {
        Some((rate, _)) => Ok(Some(Money::new(minor, currency).to_cny(rate)?.minor_units)),
        None => Ok(None),
    }
}
