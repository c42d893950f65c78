//! The operator's voucher report at scale: one programme with `n` vouchers, each issued,
//! redeemed and claimed (3·n ledger lines over the 14 Guangxi cities and the service kinds;
//! every fifth voucher paid a technology contract instead, so the report's contract line is
//! summed too),
//! written straight into the tables; then `deal::domain::vouchers::report` — the same call the
//! report route makes — timed `iterations` times, p50/p95. It sums the ledger with GROUP BY on
//! every request; this says what that costs.

use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use platform::auth::AuthUser;
use platform::entity::{organisations, voucher_ledger, voucher_programmes, vouchers};
use platform::ids::new_uuid;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DatabaseConnection, EntityTrait, Set};
use wire::{LedgerKind, ServiceKind, VoucherState};

const CITIES: [&str; 14] = [
    "450100", "450200", "450300", "450400", "450500", "450600", "450700", "450800", "450900",
    "451000", "451100", "451200", "451300", "451400",
];

/// What the report run measured.
#[derive(Debug)]
pub struct VoucherReport {
    pub backend: String,
    pub vouchers: usize,
    pub load: Duration,
    pub p50: Duration,
    pub p95: Duration,
    pub iterations: usize,
}

impl std::fmt::Display for VoucherReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: voucher programme report over {} vouchers ({} ledger lines, loaded in {:.1} s): p50 {:.1} ms, p95 {:.1} ms over {} requests",
            self.backend,
            self.vouchers,
            self.vouchers * 3,
            self.load.as_secs_f64(),
            self.p50.as_secs_f64() * 1e3,
            self.p95.as_secs_f64() * 1e3,
            self.iterations,
        )
    }
}

fn organisation(
    id: uuid::Uuid,
    region: &str,
    now: chrono::DateTime<chrono::FixedOffset>,
) -> organisations::ActiveModel {
    organisations::ActiveModel {
        id: Set(id),
        name: Set(format!("基准测试企业 {id}")),
        name_en: Set(None),
        kind: Set("enterprise".to_owned()),
        country: Set("CN".to_owned()),
        region_code: Set(region.to_owned()),
        credit_code: Set(None),
        state_funded: Set(false),
        website: Set(None),
        description: Set(Some("benchmark data".to_owned())),
        verification_status: Set("verified".to_owned()),
        verification_note: Set(None),
        verified_at: Set(None),
        verified_by: Set(None),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
    }
}

/// Loads the programme and times its report.
pub async fn voucher_benchmark(
    db: &DatabaseConnection,
    n: usize,
    iterations: usize,
) -> anyhow::Result<VoucherReport> {
    let now: chrono::DateTime<chrono::FixedOffset> = Utc::now().into();
    let today = Utc::now().date_naive();
    let started = Instant::now();
    let n_i64 = i64::try_from(n)?;
    let programme = new_uuid();
    let actor = new_uuid();
    voucher_programmes::ActiveModel {
        id: Set(programme),
        name: Set("benchmark programme".to_owned()),
        issuer: Set("benchmark".to_owned()),
        budget_minor: Set(n_i64 * 2_000_000),
        currency: Set("CNY".to_owned()),
        eligible_org_kinds: Set(serde_json::json!(["enterprise"])),
        eligible_service_kinds: Set(serde_json::json!(["pilot_scale", "testing"])),
        face_value_minor: Set(Some(1_000_000)),
        share_bp: Set(None),
        cap_minor: Set(None),
        valid_from: Set(today - Days::days(30)),
        valid_until: Set(today + Days::days(300)),
        cross_region: Set(false),
        home_region: Set("450000".to_owned()),
        pays_contracts: Set(true),
        issued_minor: Set(n_i64 * 1_000_000),
        redeemed_minor: Set(n_i64 * 1_000_000),
        released_minor: Set(0),
        claimed_minor: Set(n_i64 * 1_000_000),
        sample: Set(false),
        created_by: Set(actor),
        created_at: Set(now),
    }
    .insert(db)
    .await?;
    let kinds = [ServiceKind::PilotScale, ServiceKind::Testing];
    for chunk in (0..n).collect::<Vec<_>>().chunks(500) {
        // One organisation per voucher: a programme gives an organisation one voucher.
        let mut orgs = Vec::with_capacity(chunk.len());
        let mut vs = Vec::with_capacity(chunk.len());
        let mut lines = Vec::with_capacity(chunk.len() * 3);
        for &i in chunk {
            let id = new_uuid();
            let region = CITIES[i % CITIES.len()];
            let org = new_uuid();
            // Every fifth voucher paid a technology contract (the contract rows themselves are
            // not needed by the report: it reads the ledger).
            let contract = (i % 5 == 0).then(new_uuid);
            orgs.push(organisation(org, region, now));
            vs.push(vouchers::ActiveModel {
                id: Set(id),
                programme_id: Set(programme),
                organisation_id: Set(org),
                region_code: Set(region.to_owned()),
                state: Set(VoucherState::Claimed.as_str().to_owned()),
                purpose: Set("benchmark".to_owned()),
                reserved_minor: Set(1_000_000),
                redeemed_minor: Set(1_000_000),
                currency: Set("CNY".to_owned()),
                order_id: Set(None),
                contract_id: Set(contract),
                decision_note: Set(None),
                applied_by: Set(actor),
                applied_at: Set(now),
                decided_by: Set(Some(actor)),
                decided_at: Set(Some(now)),
                version: Set(4),
            });
            for kind in [LedgerKind::Issue, LedgerKind::Redeem, LedgerKind::Claim] {
                let paid = kind != LedgerKind::Issue;
                let service =
                    (paid && contract.is_none()).then(|| kinds[i % 2].as_str().to_owned());
                lines.push(voucher_ledger::ActiveModel {
                    id: Set(new_uuid()),
                    programme_id: Set(programme),
                    voucher_id: Set(id),
                    kind: Set(kind.as_str().to_owned()),
                    amount_minor: Set(1_000_000),
                    currency: Set("CNY".to_owned()),
                    order_id: Set(None),
                    contract_id: Set(contract.filter(|_| paid)),
                    region_code: Set(region.to_owned()),
                    service_kind: Set(service),
                    actor_id: Set(actor),
                    created_at: Set(now),
                });
            }
        }
        organisations::Entity::insert_many(orgs).exec(db).await?;
        vouchers::Entity::insert_many(vs).exec(db).await?;
        voucher_ledger::Entity::insert_many(lines).exec(db).await?;
    }
    let load = started.elapsed();
    let operator = AuthUser {
        user_id: wire::ids::UserId(actor),
        token_id: wire::ids::TokenId(new_uuid()),
        email: "bench@ops.test".to_owned(),
        display_name: "bench".to_owned(),
        organisation_id: None,
        org_kind: None,
        org_role: None,
        is_operator: true,
        broker_id: None,
    };
    let mut times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        let report = deal::domain::vouchers::report(db, &operator, programme)
            .await
            .map_err(|e| anyhow::anyhow!("report failed: {e}"))?;
        times.push(t.elapsed());
        anyhow::ensure!(
            report.ledger_redeemed_minor == report.programme.redeemed_minor,
            "the ledger must equal the totals"
        );
    }
    times.sort_unstable();
    let at = |q: usize| {
        times
            .get((times.len() * q / 100).min(times.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    Ok(VoucherReport {
        backend: format!("{:?}", db.get_database_backend()),
        vouchers: n,
        load,
        p50: at(50),
        p95: at(95),
        iterations,
    })
}
