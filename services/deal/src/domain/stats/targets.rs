//! Progress toward the plan's targets (targets are data, edited per year).

use std::collections::HashSet;
use wire::OrgKind;

use chrono::{Datelike, NaiveDate};
use platform::entity::{achievements, contracts, deals, organisations, registrations};
use platform::error::ApiResult;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::{month_of, today, turnover, TargetProgress, TargetsOut, TargetsParams, TurnoverParams};
use wire::{ListingStatus, RegistrationStatus};

/// First year of the plan the cumulative indicators count from.
pub const PLAN_START_YEAR: i32 = 2021;

fn months_between(start: NaiveDate, end_inclusive: NaiveDate) -> i64 {
    let a = i64::from(start.year()) * 12 + i64::from(start.month0());
    let b = i64::from(end_inclusive.year()) * 12 + i64::from(end_inclusive.month0());
    (b - a + 1).max(0)
}

/// Progress, run-rate needed and projection for each target of `year`.
#[tracing::instrument(skip_all, fields(target.year = ?params.year))]
pub async fn targets(db: &impl ConnectionTrait, params: &TargetsParams) -> ApiResult<TargetsOut> {
    use sea_orm::QueryOrder;
    let as_of = params.as_of.unwrap_or_else(today);
    // The same range as a target's year: anything else is a malformed request, not an
    // empty year.
    if let Some(y) = params.year {
        if !(2000..=2100).contains(&y) {
            return Err(platform::error::ApiError::BadRequest(
                "year: expected a year from 2000 to 2100".to_owned(),
            ));
        }
    }
    let year = match params.year {
        Some(y) => y,
        None => platform::entity::targets::Entity::find()
            .order_by_desc(platform::entity::targets::Column::Year)
            .one(db)
            .await?
            .map(|t| t.year)
            .unwrap_or(as_of.year()),
    };
    let rows = platform::entity::targets::Entity::find()
        .filter(platform::entity::targets::Column::Year.eq(year))
        .order_by_asc(platform::entity::targets::Column::Indicator)
        .all(db)
        .await?;
    let mut out = Vec::new();
    for t in rows {
        let annual = t.indicator == "contract_turnover";
        let start_year = if annual {
            year
        } else {
            t.baseline_year.map_or(PLAN_START_YEAR, |b| b + 1).min(year)
        };
        let start = NaiveDate::from_ymd_opt(start_year, 1, 1).unwrap_or(as_of);
        let end = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(as_of);
        let total_months = months_between(start, end);
        let elapsed = if as_of < start {
            0
        } else {
            months_between(start, as_of.min(end))
        };
        let remaining_months = (total_months - elapsed).max(0);
        let actual = actual_value(db, &t.indicator, start, as_of.min(end)).await?;
        let remaining = (t.target_value - actual).max(0);
        let rate = if elapsed > 0 { actual / elapsed } else { 0 };
        let needed = if remaining_months > 0 {
            (remaining + remaining_months - 1) / remaining_months
        } else {
            remaining
        };
        let projection = if elapsed > 0 {
            // actual + actual/elapsed × remaining months, in integers (rounded down).
            let extra = i128::from(actual) * i128::from(remaining_months) / i128::from(elapsed);
            i64::try_from(i128::from(actual) + extra).unwrap_or(i64::MAX)
        } else {
            actual
        };
        let percent = if t.target_value > 0 {
            let bp = i128::from(actual) * 10_000 / i128::from(t.target_value);
            format!("{}.{:02}", bp / 100, bp % 100)
        } else {
            "0.00".to_owned()
        };
        out.push(TargetProgress {
            indicator: t.indicator,
            year: t.year,
            unit: t.unit,
            target_value: t.target_value,
            baseline_value: t.baseline_value,
            baseline_year: t.baseline_year,
            measure: if annual { "annual" } else { "cumulative" }.to_owned(),
            actual,
            progress_percent: percent,
            remaining,
            months_elapsed: elapsed,
            months_remaining: remaining_months,
            current_monthly_rate: rate,
            needed_monthly_rate: needed,
            projection,
            on_track: projection >= t.target_value,
            source: t.source,
        });
    }
    Ok(TargetsOut {
        year,
        as_of,
        indicators: out,
    })
}

/// The measured value of an indicator between `start` and `end` (inclusive).
#[tracing::instrument(level = "debug", skip_all, fields(target.indicator = %indicator))]
async fn actual_value(
    db: &impl ConnectionTrait,
    indicator: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> ApiResult<i64> {
    match indicator {
        "contract_turnover" => {
            let params = TurnoverParams {
                group_by: Some(String::new()),
                from: Some(month_of(start)),
                to: Some(month_of(end)),
                ..Default::default()
            };
            Ok(turnover(db, &params).await?.total_amount_cny_minor)
        }
        "achievements_transferred" => {
            // Achievements on registered contracts, plus achievements closed as transferred.
            let mut ids: HashSet<Uuid> = HashSet::new();
            let rows = registrations::Entity::find()
                .filter(registrations::Column::Status.eq(RegistrationStatus::Registered.as_str()))
                .filter(registrations::Column::RegisteredOn.lte(end))
                .find_also_related(contracts::Entity)
                .all(db)
                .await?;
            ids.extend(
                rows.into_iter()
                    .filter_map(|(_, c)| c.and_then(|c| c.achievement_id)),
            );
            let closed: Vec<Uuid> = {
                use sea_orm::QuerySelect;
                achievements::Entity::find()
                    .select_only()
                    .column(achievements::Column::Id)
                    .filter(achievements::Column::Status.eq(ListingStatus::Closed.as_str()))
                    .into_tuple()
                    .all(db)
                    .await?
            };
            ids.extend(closed);
            Ok(i64::try_from(ids.len()).unwrap_or(i64::MAX))
        }
        "enterprises_served" => {
            // Enterprises that are a party to a deal or a contract.
            let enterprises: HashSet<Uuid> = {
                use sea_orm::QuerySelect;
                organisations::Entity::find()
                    .select_only()
                    .column(organisations::Column::Id)
                    .filter(organisations::Column::Kind.eq(OrgKind::Enterprise.as_str()))
                    .into_tuple::<Uuid>()
                    .all(db)
                    .await?
                    .into_iter()
                    .collect()
            };
            let mut served: HashSet<Uuid> = HashSet::new();
            let end_ts = end
                .and_hms_opt(23, 59, 59)
                .map(|d| d.and_utc().fixed_offset());
            let mut dq = deals::Entity::find();
            if let Some(ts) = end_ts {
                dq = dq.filter(deals::Column::CreatedAt.lte(ts));
            }
            for d in dq.all(db).await? {
                served.insert(d.seller_organisation_id);
                served.insert(d.buyer_organisation_id);
            }
            for c in contracts::Entity::find()
                .filter(contracts::Column::SignedOn.lte(end))
                .all(db)
                .await?
            {
                served.extend(c.seller_organisation_id);
                served.extend(c.buyer_organisation_id);
            }
            Ok(i64::try_from(served.intersection(&enterprises).count()).unwrap_or(i64::MAX))
        }
        "brokers_trained" => {
            // Brokers holding a certificate issued by the end of the period, as the plan
            // means "trained" (not merely verified profiles).
            let n = crate::domain::training::count_trained(db, Some(end)).await?;
            Ok(i64::try_from(n).unwrap_or(i64::MAX))
        }
        _ => Ok(0),
    }
}
