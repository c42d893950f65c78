//! Sample registration history for the embedded mode's first start: a few thousand registered
//! technology contracts spread over 2021–2026 between the sample organisations (Guangxi
//! cities and ASEAN partners), so the dashboard shows a trend instead of one year's handful.
//!
//! Everything here is sample data and says so: titles end in "（示例）/ (sample)", contract
//! numbers start `SAMPLE-H-`, registration numbers `SAMPLE-`. Amounts are sample values, not
//! claims about real totals.
//!
//! Deterministic: a fixed-seed generator ([`SplitMix64`]) over the organisations ordered by
//! name, so every start builds the same contracts; only those registered after `today` are
//! left out (no future registrations). Rows go in with multi-row inserts, then each touched
//! month's rollups are recomputed by the statistics writer ([`recompute_month`]), the same
//! rule the registration path's job applies.

use chrono::{Datelike, Duration, NaiveDate};
use platform::entity::{contracts, organisations, registrations, users};
use platform::ids::new_uuid;
use platform::taxonomy;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sea_orm::{Condition, TransactionTrait};
use wire::OrgKind;

use crate::domain::contracts::CONTRACT_TYPES;
use crate::domain::stats::{in_guangxi, month_of, recompute_month};
use wire::{ContractStatus, DecisionKind, RegistrationStatus};

/// Contract number prefix of the sample history; the first number marks it loaded.
const PREFIX: &str = "SAMPLE-H-";
/// The first year of the history (the plan's first year).
pub const FIRST_YEAR: i32 = 2021;
/// Contracts per year, 2021 onward: a growing market.
const PER_YEAR: [u32; 6] = [380, 450, 520, 590, 660, 720];
/// The generator's fixed seed: the same history on every start.
const SEED: u64 = 0x5EED_2021_0000_0014;
/// Rows per multi-row insert (well under either database's bind-parameter limit).
const CHUNK: usize = 400;

/// A small, fixed-seed pseudo-random generator (SplitMix64): reproducible across platforms
/// and releases, unlike a library generator whose stream may change.
pub struct SplitMix64(u64);

impl SplitMix64 {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..n` (`n > 0`; the modulo bias is irrelevant for sample data).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> Option<&'a T> {
        let n = u64::try_from(items.len()).ok()?;
        items.get(usize::try_from(self.below(n)).ok()?)
    }
}

/// A party of the sample history: an organisation with where it is.
#[derive(Debug, Clone)]
struct Party {
    id: uuid::Uuid,
    country: String,
    region_code: String,
    kind: String,
}

/// What the history added.
#[derive(Debug, Default, Clone, Copy)]
pub struct HistoryCounts {
    pub contracts: usize,
    pub months: usize,
}

/// A contract amount in fen: mostly tens to hundreds of thousands of yuan, some millions, a
/// few tens of millions — rounded to the hundred yuan, as contracts are written.
fn amount_fen(rng: &mut SplitMix64) -> i64 {
    let tier = rng.below(100);
    let yuan_hundreds = match tier {
        0..=59 => 500 + rng.below(9_500),      // 5 万 – 100 万
        60..=91 => 10_000 + rng.below(90_000), // 100 万 – 1000 万
        _ => 100_000 + rng.below(400_000),     // 1000 万 – 5000 万
    };
    // At most 5 × 10^5 hundreds of yuan × 10^4 fen: far inside i64.
    i64::try_from(yuan_hundreds).unwrap_or(0) * 10_000
}

/// Loads the sample history unless it is there already. Skips quietly (returning zero counts)
/// without sample organisations in Guangxi and abroad, or without an operator.
#[tracing::instrument(skip_all, fields(today = %today))]
pub async fn load<C: ConnectionTrait + TransactionTrait>(
    txn: &C,
    today: NaiveDate,
) -> anyhow::Result<HistoryCounts> {
    let marker = format!("{PREFIX}{FIRST_YEAR}-0001");
    if contracts::Entity::find()
        .filter(contracts::Column::ContractNumber.eq(marker))
        .one(txn)
        .await?
        .is_some()
    {
        return Ok(HistoryCounts::default());
    }
    let sample_orgs = organisations::Entity::find()
        .filter(
            Condition::any()
                .add(organisations::Column::Name.contains("示例"))
                .add(organisations::Column::Name.contains("sample")),
        )
        .order_by_asc(organisations::Column::Name)
        .all(txn)
        .await?;
    let parties: Vec<Party> = sample_orgs
        .into_iter()
        .map(|o| Party {
            id: o.id,
            country: o.country,
            region_code: o.region_code,
            kind: o.kind,
        })
        .collect();
    let guangxi: Vec<&Party> = parties
        .iter()
        .filter(|p| in_guangxi(&p.country, &p.region_code))
        .collect();
    // Sellers are the ones that make technology; buyers anyone.
    let gx_sellers: Vec<&Party> = guangxi
        .iter()
        .copied()
        .filter(|p| p.kind != OrgKind::BrokerAgency.as_str())
        .collect();
    let asean: Vec<&Party> = parties
        .iter()
        .filter(|p| taxonomy::ASEAN.iter().any(|m| m.code == p.country))
        .collect();
    let Some(actor) = users::Entity::find()
        .filter(users::Column::IsOperator.eq(true))
        .order_by_asc(users::Column::Email)
        .one(txn)
        .await?
        .map(|u| u.id)
    else {
        tracing::info!("no operator: sample history skipped");
        return Ok(HistoryCounts::default());
    };
    if gx_sellers.len() < 2 || asean.is_empty() {
        tracing::info!("too few sample organisations: sample history skipped");
        return Ok(HistoryCounts::default());
    }
    let office = platform::config::DealConfig::default().registration_office;
    let provincial = crate::domain::offices::provincial(txn)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .id;
    let now = crate::domain::now();
    let mut rng = SplitMix64::new(SEED);
    let mut contract_rows = Vec::new();
    let mut registration_rows = Vec::new();
    let mut months = Vec::new();
    for (year, per_year) in (FIRST_YEAR..).zip(PER_YEAR) {
        for seq in 1..=per_year {
            // Every draw happens whether or not the contract is kept, so the history of a
            // year never depends on today's date.
            let day_of_year = rng.below(365);
            let signed_before = 3 + rng.below(60);
            let shape = rng.below(100);
            let seller_gx = rng.pick(&gx_sellers).copied();
            let buyer_gx = rng.pick(&guangxi).copied();
            let partner = rng.pick(&asean).copied();
            let (ctype, _, subtypes) = *rng.pick(CONTRACT_TYPES).unwrap_or(&CONTRACT_TYPES[0]);
            let subtype = rng.pick(subtypes).map_or("", |s| s.0);
            let industry = rng
                .pick(taxonomy::INDUSTRIES)
                .map_or("modern_agriculture", |t| t.code);
            let amount = amount_fen(&mut rng);
            let deduction_pct = i64::try_from(rng.below(21)).unwrap_or(0);
            let (Some(seller_gx), Some(buyer_gx), Some(partner)) = (seller_gx, buyer_gx, partner)
            else {
                continue;
            };
            // 80 % within Guangxi, 10 % Guangxi → ASEAN (output only), 10 % ASEAN → Guangxi
            // (absorption only): output and absorption differ as they do in the real figures.
            let (seller, buyer) = match shape {
                0..=79 => (seller_gx, buyer_gx),
                80..=89 => (seller_gx, partner),
                _ => (partner, buyer_gx),
            };
            if seller.id == buyer.id {
                continue;
            }
            let Some(registered_on) = NaiveDate::from_ymd_opt(year, 1, 1)
                .map(|d| d + Duration::days(i64::try_from(day_of_year).unwrap_or(0)))
                .filter(|d| d.year() == year && *d <= today)
            else {
                continue;
            };
            let signed_on =
                registered_on - Duration::days(i64::try_from(signed_before).unwrap_or(3));
            // Development and transfer contracts carry equipment or materials; the
            // technology amount is the contract amount less those (whole hundreds of yuan).
            let tech = if matches!(ctype, "development" | "transfer") {
                amount - amount / 10_000 * deduction_pct / 100 * 10_000
            } else {
                amount
            };
            let type_zh = crate::domain::contracts::type_label(ctype).unwrap_or("技术");
            let industry_zh = taxonomy::INDUSTRIES
                .iter()
                .find(|t| t.code == industry)
                .map_or("", |t| t.zh);
            let id = new_uuid();
            contract_rows.push(contracts::ActiveModel {
                id: Set(id),
                deal_id: Set(None),
                contract_number: Set(format!("{PREFIX}{year}-{seq:04}")),
                title: Set(format!(
                    "{industry_zh}{type_zh}合同 {year}-{seq:04}（示例）Sample contract"
                )),
                contract_type: Set(ctype.to_owned()),
                subtype: Set(subtype.to_owned()),
                licence_scope: Set((ctype == "licence").then(|| "non_exclusive".to_owned())),
                seller_organisation_id: Set(Some(seller.id)),
                buyer_organisation_id: Set(Some(buyer.id)),
                intermediary_organisation_id: Set(None),
                signed_on: Set(signed_on),
                valid_from: Set(Some(signed_on)),
                valid_until: Set(Some(signed_on + Duration::days(730))),
                currency: Set(platform::fx::CNY.to_owned()),
                contract_amount_minor: Set(amount),
                tech_amount_minor: Set(tech),
                fx_rate_id: Set(None),
                fx_rate: Set(None),
                contract_amount_cny_minor: Set(amount),
                tech_amount_cny_minor: Set(tech),
                seller_country: Set(seller.country.clone()),
                seller_region_code: Set(seller.region_code.clone()),
                buyer_country: Set(buyer.country.clone()),
                buyer_region_code: Set(buyer.region_code.clone()),
                industry_code: Set(industry.to_owned()),
                ip_type: Set(None),
                achievement_id: Set(None),
                need_id: Set(None),
                status: Set(ContractStatus::Signed.as_str().to_owned()),
                created_by: Set(actor),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                seller_party_id: Set(None),
                buyer_party_id: Set(None),
                intermediary_party_id: Set(None),
                payment_method: Set(None),
                objectives: Set(None),
                voucher_paid_minor: Set(0),
            });
            registration_rows.push(registrations::ActiveModel {
                id: Set(new_uuid()),
                contract_id: Set(id),
                status: Set(RegistrationStatus::Registered.as_str().to_owned()),
                registration_number: Set(Some(format!("SAMPLE-{year}-{seq:05}"))),
                office: Set(Some(office.clone())),
                registered_on: Set(Some(registered_on)),
                rejection_reason: Set(None),
                change_note: Set(Some("示例数据 sample data".to_owned())),
                submitted_by: Set(actor),
                decided_by: Set(Some(actor)),
                decided_at: Set(Some(now)),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
                office_id: Set(Some(provincial)),
                decision: Set(Some(DecisionKind::Registered.as_str().to_owned())),
                decision_reasons: Set(None),
                verification_code: Set(Some(crate::domain::offices::new_verification_code())),
            });
            months.push(month_of(registered_on));
        }
    }
    let n = contract_rows.len();
    for chunk in contract_rows.chunks(CHUNK) {
        contracts::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    for chunk in registration_rows.chunks(CHUNK) {
        registrations::Entity::insert_many(chunk.to_vec())
            .exec(txn)
            .await?;
    }
    months.sort();
    months.dedup();
    for m in &months {
        recompute_month(txn, m).await?;
    }
    tracing::info!(
        contracts = n,
        months = months.len(),
        "sample registration history created"
    );
    Ok(HistoryCounts {
        contracts: n,
        months: months.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_fixed_by_its_seed() {
        let a: Vec<u64> = {
            let mut r = SplitMix64::new(SEED);
            (0..5).map(|_| r.next_u64()).collect()
        };
        let b: Vec<u64> = {
            let mut r = SplitMix64::new(SEED);
            (0..5).map(|_| r.next_u64()).collect()
        };
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn amounts_are_whole_hundreds_of_yuan_within_the_tiers() {
        let mut r = SplitMix64::new(1);
        for _ in 0..10_000 {
            let fen = amount_fen(&mut r);
            assert!((5_000_000..=5_000_000_000).contains(&fen), "{fen}");
            assert_eq!(fen % 10_000, 0);
        }
    }
}
