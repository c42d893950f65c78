//! Exchange rates: data with a source and a date, entered by operators and listed here. How an
//! amount converts (which rate applies to which date) is `platform::fx`'s one rule; a
//! cross-border contract stores the rate it used.

use chrono::NaiveDate;
use platform::audit::AuditEntry;
use platform::auth::AuthUser;
use platform::entity::fx_rates;
use platform::error::{ApiError, ApiResult, Validator};
use platform::fx::parse_rate;
use platform::ids::new_uuid;
use platform::money::Currency;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set, TransactionTrait,
};
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

use super::{now, paging, Page};
use crate::SERVICE;

/// A rate as an operator enters it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FxRateIn {
    /// ISO 4217 code of the foreign currency (not CNY).
    pub currency: String,
    pub rate_date: NaiveDate,
    /// CNY for one unit of `currency`, as an exact decimal string (`"0.2016"`).
    pub cny_per_unit: String,
    /// Where the rate comes from (e.g. "PBOC central parity").
    pub source: String,
}

pub use wire::deal::FxRateOut;

/// A rate as the API shows it.
pub fn fx_rate_out(m: fx_rates::Model) -> FxRateOut {
    FxRateOut {
        id: m.id,
        currency: m.currency,
        rate_date: m.rate_date,
        cny_per_unit: m.cny_per_unit,
        source: m.source,
        created_at: m.created_at,
    }
}

/// Filters of the rate list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FxListParams {
    pub currency: Option<String>,
    /// Rates dated on or after.
    pub from: Option<NaiveDate>,
    /// Rates dated on or before.
    pub to: Option<NaiveDate>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Adds a rate (operators). One rate per currency and date.
#[tracing::instrument(skip_all, fields(fx.currency = %input.currency, fx.rate_date = %input.rate_date))]
pub async fn create(
    db: &impl TransactionTrait,
    caller: &AuthUser,
    input: FxRateIn,
) -> ApiResult<fx_rates::Model> {
    caller.require_operator()?;
    let currency = input.currency.trim().to_uppercase();
    let mut v = Validator::new();
    v.check(
        Currency::parse(&currency).is_some() && currency != "CNY",
        "currency",
        "must be a foreign currency the platform knows (USD, THB, VND, …)",
    );
    let rate = parse_rate(&input.cny_per_unit);
    v.check(
        rate.is_some(),
        "cny_per_unit",
        "must be a positive decimal number such as \"0.2016\"",
    );
    v.check(
        input.cny_per_unit.len() <= 40,
        "cny_per_unit",
        "at most 40 characters",
    );
    v.length(&input.source, "source", 2, 200);
    v.finish()?;
    // Checked just above; never store an empty or zero rate.
    let rate =
        rate.ok_or_else(|| ApiError::field("cny_per_unit", "must be a positive decimal number"))?;
    let txn = db.begin().await?;
    let model = fx_rates::ActiveModel {
        id: Set(new_uuid()),
        currency: Set(currency),
        rate_date: Set(input.rate_date),
        cny_per_unit: Set(rate.normalize().to_string()),
        source: Set(input.source.trim().to_owned()),
        created_at: Set(now()),
    }
    .insert(&txn)
    .await
    .map_err(|e| match ApiError::from(e) {
        ApiError::Conflict { .. } => ApiError::conflict(
            "fx_rate_exists",
            "there is already a rate for this currency and date",
        ),
        other => other,
    })?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "fx_rate.create",
        entity_type: "fx_rate",
        entity_id: model.id,
    }
    .record(&txn, None::<&()>, Some(&model))
    .await?;
    txn.commit().await?;
    Ok(model)
}

/// Lists rates, newest first.
#[tracing::instrument(skip_all)]
pub async fn list(db: &impl ConnectionTrait, params: &FxListParams) -> ApiResult<Page<FxRateOut>> {
    let (page, per_page) = paging(params.page, params.per_page);
    let mut q = fx_rates::Entity::find();
    if let Some(c) = &params.currency {
        q = q.filter(fx_rates::Column::Currency.eq(c.to_uppercase()));
    }
    if let Some(from) = params.from {
        q = q.filter(fx_rates::Column::RateDate.gte(from));
    }
    if let Some(to) = params.to {
        q = q.filter(fx_rates::Column::RateDate.lte(to));
    }
    let paginator = q
        .order_by_desc(fx_rates::Column::RateDate)
        .order_by_asc(fx_rates::Column::Currency)
        .paginate(db, per_page);
    let total = paginator.num_items().await?;
    let items = paginator
        .fetch_page(page - 1)
        .await?
        .into_iter()
        .map(fx_rate_out)
        .collect();
    Ok(Page {
        items,
        total,
        page,
        per_page,
    })
}
