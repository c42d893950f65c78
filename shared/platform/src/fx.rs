//! Exchange rates: the one rule every service converts a foreign amount to CNY by.
//!
//! Rates are data with a source and a date (operators enter them; the deal service owns the
//! table, everyone reads it). An amount dated `on` (a contract's signing date, a listing's
//! price today) converts at the latest rate dated on or before `on` and at most
//! [`MAX_RATE_AGE_DAYS`] before it: rates are not published on weekends and holidays, but a
//! rate from weeks ago says nothing about the value on `on`. A missing or stale rate is an
//! answer of its own ([`FxError::NoRate`]), never a zero and never the foreign amount read as
//! CNY.

use std::str::FromStr;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::entity::fx_rates;
use crate::money::{Money, MoneyError};

/// The currency amounts are reported in; it never needs a rate.
pub const CNY: &str = "CNY";

/// The oldest a rate may be, in days before the date of the amount, to convert it.
pub const MAX_RATE_AGE_DAYS: i64 = 7;

/// Why an amount could not be converted.
#[derive(Debug, thiserror::Error)]
pub enum FxError {
    /// No rate dated on `on` or up to [`MAX_RATE_AGE_DAYS`] days before; `latest` is the
    /// newest older (stale) rate's date, if there is one.
    #[error("no {currency}→CNY rate dated {on} or up to {MAX_RATE_AGE_DAYS} days before{}", stale_note(*.latest))]
    NoRate {
        currency: String,
        on: NaiveDate,
        latest: Option<NaiveDate>,
    },
    /// A stored rate that is not a positive decimal (the table's writer validates, so this is
    /// a broken row, not user input).
    #[error("stored rate {id} is not a positive decimal")]
    Unreadable { id: Uuid },
    #[error("conversion to CNY failed: {0}")]
    Money(#[from] MoneyError),
    #[error(transparent)]
    Db(#[from] DbErr),
}

fn stale_note(latest: Option<NaiveDate>) -> String {
    latest
        .map(|d| format!(" (the latest, of {d}, is too old)"))
        .unwrap_or_default()
}

/// A rate found for a date: its row (to record which rate was used) and its parsed value.
#[derive(Debug, Clone)]
pub struct Rate {
    pub row: fx_rates::Model,
    /// CNY for one major unit of the row's currency.
    pub cny_per_unit: Decimal,
}

impl Rate {
    /// `minor` units of `currency` in CNY fen at this rate (the rounding rule is
    /// [`Money::to_cny`]'s).
    pub fn convert(&self, minor: i64, currency: &str) -> Result<i64, MoneyError> {
        Money::new(minor, currency)
            .to_cny(self.cny_per_unit)
            .map(|m| m.minor_units)
    }
}

/// Parses a positive decimal rate as stored or entered (`"0.2016"`).
pub fn parse_rate(raw: &str) -> Option<Decimal> {
    Decimal::from_str(raw.trim())
        .ok()
        .filter(|d| *d > Decimal::ZERO)
}

/// The rate `currency` (not CNY) converts at for an amount dated `on`.
#[tracing::instrument(level = "debug", skip_all, fields(fx.currency = %currency, fx.on = %on))]
pub async fn rate_for(
    db: &impl ConnectionTrait,
    currency: &str,
    on: NaiveDate,
) -> Result<Rate, FxError> {
    let latest = fx_rates::Entity::find()
        .filter(fx_rates::Column::Currency.eq(currency))
        .filter(fx_rates::Column::RateDate.lte(on))
        .order_by_desc(fx_rates::Column::RateDate)
        .one(db)
        .await?;
    let row = match latest {
        Some(row) if row.rate_date >= on - Duration::days(MAX_RATE_AGE_DAYS) => row,
        stale => {
            return Err(FxError::NoRate {
                currency: currency.to_owned(),
                on,
                latest: stale.map(|r| r.rate_date),
            })
        }
    };
    let cny_per_unit = parse_rate(&row.cny_per_unit).ok_or(FxError::Unreadable { id: row.id })?;
    Ok(Rate { row, cny_per_unit })
}

/// CNY fen of `minor` units of `currency` dated `on`; CNY amounts are returned as they are.
#[tracing::instrument(level = "debug", skip_all, fields(fx.currency = %currency, fx.on = %on))]
pub async fn to_cny_fen(
    db: &impl ConnectionTrait,
    minor: i64,
    currency: &str,
    on: NaiveDate,
) -> Result<i64, FxError> {
    if currency == CNY {
        return Ok(minor);
    }
    Ok(rate_for(db, currency, on).await?.convert(minor, currency)?)
}

/// Like [`to_cny_fen`] for an optional amount that is only compared in CNY (search filters,
/// matching): no amount, or no usable rate, gives `None`, so the amount is left out of CNY
/// comparisons rather than compared at a wrong value.
pub async fn comparable_cny_fen(
    db: &impl ConnectionTrait,
    minor: Option<i64>,
    currency: &str,
    on: NaiveDate,
) -> Result<Option<i64>, FxError> {
    let Some(minor) = minor else { return Ok(None) };
    match to_cny_fen(db, minor, currency, on).await {
        Ok(fen) => Ok(Some(fen)),
        Err(FxError::NoRate { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Off a field the caller can name, a failed conversion is the platform's fault: a database
/// error keeps its own mapping, anything else is internal. Callers whose input decides the
/// date (a contract's signing date) turn [`FxError::NoRate`] into a field error themselves.
impl From<FxError> for crate::error::ApiError {
    fn from(e: FxError) -> Self {
        match e {
            FxError::Db(db) => db.into(),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}
