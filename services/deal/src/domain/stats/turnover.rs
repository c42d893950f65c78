//! Turnover figures grouped as asked, and the contracts behind a figure.

use platform::error::{ApiError, ApiResult};
use sea_orm::sea_query::{Alias, Order, Query};
use sea_orm::ConnectionTrait;

use super::query::{col, filters, raw_conditions, raw_from, raw_query, read_row, rollup_query};
use super::{paging, DrillOut, DrillRow, Page, Source, TurnoverOut, TurnoverParams};

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
    for name in [
        "id",
        "contract_number",
        "title",
        "contract_type",
        "industry_code",
        "seller_organisation_id",
        "buyer_organisation_id",
        "seller_region_code",
        "seller_country",
        "buyer_region_code",
        "buyer_country",
        "currency",
        "contract_amount_minor",
        "contract_amount_cny_minor",
        "tech_amount_cny_minor",
    ] {
        q.expr_as(col("c", name), Alias::new(name));
    }
    q.expr_as(
        col("r", "registration_number"),
        Alias::new("registration_number"),
    );
    q.expr_as(col("r", "registered_on"), Alias::new("registered_on"));
    for cond in raw_conditions(backend, &f) {
        q.and_where(cond);
    }
    q.order_by_expr(col("r", "registered_on").into(), Order::Desc)
        .order_by_expr(col("c", "id").into(), Order::Asc)
        .limit(per_page)
        .offset((page - 1) * per_page);
    let rows = db.query_all(backend.build(&q)).await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        items.push(DrillRow {
            contract_id: r.try_get("", "id")?,
            contract_number: r.try_get("", "contract_number")?,
            title: r.try_get("", "title")?,
            contract_type: r.try_get("", "contract_type")?,
            industry_code: r.try_get("", "industry_code")?,
            seller_organisation_id: r.try_get("", "seller_organisation_id")?,
            buyer_organisation_id: r.try_get("", "buyer_organisation_id")?,
            seller_region_code: r.try_get("", "seller_region_code")?,
            seller_country: r.try_get("", "seller_country")?,
            buyer_region_code: r.try_get("", "buyer_region_code")?,
            buyer_country: r.try_get("", "buyer_country")?,
            currency: r.try_get("", "currency")?,
            contract_amount_minor: r.try_get("", "contract_amount_minor")?,
            contract_amount_cny_minor: r.try_get("", "contract_amount_cny_minor")?,
            tech_amount_cny_minor: r.try_get("", "tech_amount_cny_minor")?,
            registration_number: r.try_get("", "registration_number")?,
            registered_on: r.try_get("", "registered_on")?,
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
