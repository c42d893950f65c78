//! Turnover figures grouped as asked, and the contracts behind a figure.

use std::collections::HashMap;

use platform::entity::contracts::Column as C;
use platform::entity::registration_offices;
use platform::entity::registrations::Column as R;
use platform::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Order, Query};
use sea_orm::{ConnectionTrait, EntityTrait, IdenStatic};

use super::query::{c, filters, r, raw_conditions, raw_from, raw_query, read_row, rollup_query};
use super::{
    paging, Dim, DrillOut, DrillRow, Page, Source, TurnoverOut, TurnoverParams, TurnoverRow,
};

/// Turnover grouped by the requested dimensions.
#[tracing::instrument(level = "debug", skip_all)]
pub async fn turnover(
    db: &impl ConnectionTrait,
    params: &TurnoverParams,
) -> ApiResult<TurnoverOut> {
    let f = filters(params)?;
    let backend = db.get_database_backend();
    let source = params.source.unwrap_or_default();
    let stmt = match source {
        Source::Rollup => rollup_query(&f),
        Source::Raw => raw_query(backend, &f),
    };
    let rows = db.query_all(backend.build(&stmt)).await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let r = read_row(row, &f.dims)?;
        // An empty grand total (no rows at all) comes back as one zero row: drop it.
        if f.dims.is_empty() && r.contract_count == 0 {
            continue;
        }
        out.push(r);
    }
    if f.dims.contains(&Dim::Office) {
        name_offices(db, &mut out).await?;
    }
    let total_contract_count = checked_sum(out.iter().map(|r| r.contract_count))?;
    let total_amount_cny_minor = checked_sum(out.iter().map(|r| r.amount_cny_minor))?;
    Ok(TurnoverOut {
        basis: f.basis,
        amount: f.amount,
        source,
        group_by: f.dims,
        rows: out,
        total_contract_count,
        total_amount_cny_minor,
        withheld_cells: 0,
        total_withheld: false,
    })
}

/// Labels the `office` keys (office ids) with the offices' names.
async fn name_offices(db: &impl ConnectionTrait, rows: &mut [TurnoverRow]) -> ApiResult<()> {
    let names: HashMap<String, String> = registration_offices::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id.to_string(), o.name))
        .collect();
    let key = Dim::Office.as_str();
    for row in rows {
        if let Some(name) = row.keys.get(key).and_then(|id| names.get(id)) {
            row.labels.insert(key.to_owned(), name.clone());
        }
    }
    Ok(())
}

/// A sum of amounts or counts that refuses to wrap: a total past `i64` is a fault to report,
/// never a wrong official figure.
fn checked_sum(values: impl IntoIterator<Item = i64>) -> ApiResult<i64> {
    values
        .into_iter()
        .try_fold(0_i64, i64::checked_add)
        .ok_or_else(|| ApiError::Internal(anyhow::anyhow!("turnover sum overflows i64")))
}

/// The registered contracts behind a turnover figure (same filters as [`turnover`]).
#[tracing::instrument(skip_all)]
pub async fn drill_down(db: &impl ConnectionTrait, params: &TurnoverParams) -> ApiResult<DrillOut> {
    let mut f = filters(params)?;
    f.dims = Vec::new();
    let backend = db.get_database_backend();
    let mut totals = raw_query(backend, &f);
    totals.clear_order_by();
    let row = db.query_one(backend.build(&totals)).await?;
    let (total_count, total_amount): (i64, i64) = match row {
        Some(r) => (r.try_get("", "n")?, r.try_get("", "amount")?),
        None => (0, 0),
    };
    let (page, per_page) = paging(params.page, params.per_page);
    let mut q = Query::select();
    raw_from(&mut q);
    let contract_columns = [
        C::Id,
        C::ContractNumber,
        C::Title,
        C::ContractType,
        C::IndustryCode,
        C::SellerOrganisationId,
        C::BuyerOrganisationId,
        C::SellerRegionCode,
        C::SellerCountry,
        C::BuyerRegionCode,
        C::BuyerCountry,
        C::Currency,
        C::ContractAmountMinor,
        C::ContractAmountCnyMinor,
        C::TechAmountCnyMinor,
    ];
    // Each column comes back under its own name; reading by the same typed column keeps the
    // query and the reading in step with the entity.
    for column in contract_columns {
        q.expr_as(c(column), column);
    }
    for column in [R::RegistrationNumber, R::RegisteredOn] {
        q.expr_as(r(column), column);
    }
    for cond in raw_conditions(backend, &f) {
        q.and_where(cond);
    }
    q.order_by_expr(r(R::RegisteredOn).into(), Order::Desc)
        .order_by_expr(c(C::Id).into(), Order::Asc)
        .limit(per_page)
        .offset((page - 1) * per_page);
    let rows = db.query_all(backend.build(&q)).await?;
    let mut items = Vec::with_capacity(rows.len());
    for row in rows {
        items.push(DrillRow {
            contract_id: row.try_get("", C::Id.as_str())?,
            contract_number: row.try_get("", C::ContractNumber.as_str())?,
            title: row.try_get("", C::Title.as_str())?,
            contract_type: row.try_get("", C::ContractType.as_str())?,
            industry_code: row.try_get("", C::IndustryCode.as_str())?,
            seller_organisation_id: row.try_get("", C::SellerOrganisationId.as_str())?,
            buyer_organisation_id: row.try_get("", C::BuyerOrganisationId.as_str())?,
            seller_region_code: row.try_get("", C::SellerRegionCode.as_str())?,
            seller_country: row.try_get("", C::SellerCountry.as_str())?,
            buyer_region_code: row.try_get("", C::BuyerRegionCode.as_str())?,
            buyer_country: row.try_get("", C::BuyerCountry.as_str())?,
            currency: row.try_get("", C::Currency.as_str())?,
            contract_amount_minor: row.try_get("", C::ContractAmountMinor.as_str())?,
            contract_amount_cny_minor: row.try_get("", C::ContractAmountCnyMinor.as_str())?,
            tech_amount_cny_minor: row.try_get("", C::TechAmountCnyMinor.as_str())?,
            registration_number: row.try_get("", R::RegistrationNumber.as_str())?,
            registered_on: row.try_get("", R::RegisteredOn.as_str())?,
        });
    }
    Ok(DrillOut {
        basis: f.basis,
        amount: f.amount,
        total_contract_count: total_count,
        total_amount_cny_minor: total_amount,
        contracts: Page {
            items,
            total: u64::try_from(total_count).unwrap_or(0),
            page,
            per_page,
        },
    })
}
