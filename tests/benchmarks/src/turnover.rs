//! The turnover benchmark: generates registered contracts on a migrated database, builds the
//! monthly rollups and times "turnover grouped by city × month" from the rollups (what the
//! dashboard reads) and from the raw tables (for comparison), then by registration office ×
//! month and one office's city × month (the Office page's and the office filter's reads). Numbers are printed, never
//! asserted; `cargo bench -p benchmarks --bench turnover` runs it on SQLite and, with `TEST_DATABASE_URL`, PostgreSQL.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use deal::domain::stats::{self, Source, TurnoverParams};
use platform::entity::{contracts, organisations, registration_offices, registrations};
use platform::ids::new_uuid;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    TransactionTrait,
};
use uuid::Uuid;

use wire::{ContractStatus, OrgKind, RegistrationStatus, VerificationStatus};

/// What one run measured.
#[derive(Debug, Clone)]
pub struct BenchReport {
    pub backend: String,
    pub contracts: usize,
    pub generate: Duration,
    pub rollup_build: Duration,
    pub rollup_rows: u64,
    pub groups: usize,
    pub rollup_p50: Duration,
    pub rollup_p95: Duration,
    pub raw_p50: Duration,
    pub raw_p95: Duration,
    /// Turnover by partner group (both bases, grouped by country from the rollups, folded by
    /// `platform::countries`).
    pub partner_groups_p50: Duration,
    pub partner_groups_p95: Duration,
    /// Turnover by registration office × month (the office subtotal rows).
    pub office_p50: Duration,
    pub office_p95: Duration,
    /// One office's turnover by city × month (the `city+office` grouping set).
    pub one_office_p50: Duration,
    pub one_office_p95: Duration,
}

impl std::fmt::Display for BenchReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}: {} contracts (generated in {:.1}s), rollups built in {:.1}s ({} rows); turnover by city × month ({} groups): rollup p50 {:.1} ms, p95 {:.1} ms; raw GROUP BY p50 {:.1} ms, p95 {:.1} ms; by partner group p50 {:.1} ms, p95 {:.1} ms; by office × month p50 {:.1} ms, p95 {:.1} ms; one office by city × month p50 {:.1} ms, p95 {:.1} ms",
            self.backend,
            self.contracts,
            self.generate.as_secs_f64(),
            self.rollup_build.as_secs_f64(),
            self.rollup_rows,
            self.groups,
            ms(self.rollup_p50),
            ms(self.rollup_p95),
            ms(self.raw_p50),
            ms(self.raw_p95),
            ms(self.partner_groups_p50),
            ms(self.partner_groups_p95),
            ms(self.office_p50),
            ms(self.office_p95),
            ms(self.one_office_p50),
            ms(self.one_office_p95),
        )
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// A small deterministic generator (xorshift64*), so every run sees the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "index into a short list"
    )]
    let idx = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[idx.min(sorted.len() - 1)]
}

async fn time_query(
    db: &DatabaseConnection,
    params: &TurnoverParams,
    iterations: usize,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let mut times = Vec::with_capacity(iterations);
    let mut groups = 0;
    for _ in 0..iterations {
        let start = Instant::now();
        let out = stats::turnover(db, params)
            .await
            .map_err(|e| anyhow::anyhow!("turnover query failed: {e}"))?;
        times.push(start.elapsed());
        groups = out.rows.len();
    }
    times.sort();
    Ok((times, groups))
}

/// Organisations the generated contracts are between: the 14 Guangxi cities, five other
/// provinces and the ASEAN members.
async fn organisations(db: &DatabaseConnection) -> anyhow::Result<Vec<(Uuid, String, String)>> {
    let mut regions: Vec<(String, String)> = platform::taxonomy::GUANGXI_CITIES
        .iter()
        .map(|c| ("CN".to_owned(), c.code.to_owned()))
        .collect();
    for p in ["440000", "530000", "110000", "310000", "520000"] {
        regions.push(("CN".to_owned(), p.to_owned()));
    }
    for m in platform::taxonomy::ASEAN {
        regions.push((m.code.to_owned(), m.code.to_owned()));
    }
    let now = deal::domain::now();
    let mut out = Vec::new();
    for (i, (country, region)) in regions.into_iter().enumerate() {
        let id = new_uuid();
        organisations::Entity::insert(organisations::ActiveModel {
            id: sea_orm::Set(id),
            name: sea_orm::Set(format!("bench org {i} {id}")),
            name_en: sea_orm::Set(None),
            kind: sea_orm::Set(
                if i % 3 == 0 {
                    OrgKind::University
                } else {
                    OrgKind::Enterprise
                }
                .as_str()
                .to_owned(),
            ),
            country: sea_orm::Set(country.clone()),
            region_code: sea_orm::Set(region.clone()),
            credit_code: sea_orm::Set(None),
            state_funded: sea_orm::Set(false),
            website: sea_orm::Set(None),
            description: sea_orm::Set(Some("benchmark data".to_owned())),
            verification_status: sea_orm::Set(VerificationStatus::Verified.as_str().to_owned()),
            verification_note: sea_orm::Set(None),
            verified_at: sea_orm::Set(None),
            verified_by: sea_orm::Set(None),
            version: sea_orm::Set(1),
            created_at: sea_orm::Set(now),
            updated_at: sea_orm::Set(now),
        })
        .exec(db)
        .await?;
        out.push((id, country, region));
    }
    Ok(out)
}

/// The registration offices the generated contracts are registered at: city offices for
/// Nanning, Liuzhou and Guilin (made here when missing), the provincial office for the rest.
/// Returns the office of each city code, and the provincial office.
async fn offices(db: &DatabaseConnection) -> anyhow::Result<(Vec<(String, Uuid)>, Uuid)> {
    let provincial = deal::domain::offices::provincial(db)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .id;
    let mut out = Vec::new();
    for city in ["450100", "450200", "450300"] {
        let found = registration_offices::Entity::find()
            .filter(registration_offices::Column::Code.eq(format!("bench-{city}")))
            .one(db)
            .await?;
        let id = match found {
            Some(o) => o.id,
            None => {
                let id = new_uuid();
                let now = deal::domain::now();
                registration_offices::Entity::insert(registration_offices::ActiveModel {
                    id: sea_orm::Set(id),
                    code: sea_orm::Set(format!("bench-{city}")),
                    name: sea_orm::Set(format!("bench office {city}")),
                    name_en: sea_orm::Set(None),
                    kind: sea_orm::Set(wire::OfficeKind::City.as_str().to_owned()),
                    region_code: sea_orm::Set(city.to_owned()),
                    active: sea_orm::Set(true),
                    version: sea_orm::Set(1),
                    created_at: sea_orm::Set(now),
                    updated_at: sea_orm::Set(now),
                })
                .exec(db)
                .await?;
                id
            }
        };
        out.push((city.to_owned(), id));
    }
    Ok((out, provincial))
}

/// Inserts `n` registered contracts over ten years (2016-2025), in batches.
pub async fn generate(db: &DatabaseConnection, n: usize) -> anyhow::Result<()> {
    let orgs = organisations(db).await?;
    let (city_offices, provincial) = offices(db).await?;
    let guangxi: Vec<&(Uuid, String, String)> =
        orgs.iter().filter(|o| o.2.starts_with("45")).collect();
    let types = [
        ("development", "commissioned"),
        ("transfer", "patent_right"),
        ("licence", "patent_licence"),
        ("consulting", "consulting"),
        ("service", "service"),
    ];
    let industries: Vec<&str> = platform::taxonomy::INDUSTRIES
        .iter()
        .map(|t| t.code)
        .collect();
    let start = NaiveDate::from_ymd_opt(2016, 1, 1).ok_or_else(|| anyhow::anyhow!("bad date"))?;
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let actor = new_uuid();
    let now = deal::domain::now();
    let batch = 800;
    let mut done = 0;
    while done < n {
        let size = batch.min(n - done);
        let mut c = Query::insert();
        c.into_table(contracts::Entity).columns([
            contracts::Column::Id,
            contracts::Column::ContractNumber,
            contracts::Column::Title,
            contracts::Column::ContractType,
            contracts::Column::Subtype,
            contracts::Column::SellerOrganisationId,
            contracts::Column::BuyerOrganisationId,
            contracts::Column::SignedOn,
            contracts::Column::Currency,
            contracts::Column::ContractAmountMinor,
            contracts::Column::TechAmountMinor,
            contracts::Column::ContractAmountCnyMinor,
            contracts::Column::TechAmountCnyMinor,
            contracts::Column::SellerCountry,
            contracts::Column::SellerRegionCode,
            contracts::Column::BuyerCountry,
            contracts::Column::BuyerRegionCode,
            contracts::Column::IndustryCode,
            contracts::Column::Status,
            contracts::Column::CreatedBy,
            contracts::Column::Version,
            contracts::Column::CreatedAt,
            contracts::Column::UpdatedAt,
        ]);
        let mut r = Query::insert();
        r.into_table(registrations::Entity).columns([
            registrations::Column::Id,
            registrations::Column::ContractId,
            registrations::Column::Status,
            registrations::Column::RegistrationNumber,
            registrations::Column::RegisteredOn,
            registrations::Column::OfficeId,
            registrations::Column::SubmittedBy,
            registrations::Column::Version,
            registrations::Column::CreatedAt,
            registrations::Column::UpdatedAt,
        ]);
        for i in 0..size {
            let seq = done + i;
            // Most contracts have a Guangxi seller; some a Guangxi buyer; some both.
            let seller = if rng.below(10) < 8 {
                guangxi[usize::try_from(rng.below(guangxi.len() as u64))?]
            } else {
                &orgs[usize::try_from(rng.below(orgs.len() as u64))?]
            };
            let mut buyer = &orgs[usize::try_from(rng.below(orgs.len() as u64))?];
            if buyer.0 == seller.0 {
                buyer = &orgs[(usize::try_from(rng.below(orgs.len() as u64))? + 1) % orgs.len()];
            }
            let (ctype, subtype) = types[usize::try_from(rng.below(types.len() as u64))?];
            let industry = industries[usize::try_from(rng.below(industries.len() as u64))?];
            // 1,000 to 5,001,000 yuan, in fen.
            let amount = i64::try_from(100_000 + rng.below(500_000_000))?;
            let tech = amount - amount / 10;
            let signed = start + chrono::Duration::days(i64::try_from(rng.below(3650))?);
            let registered = signed + chrono::Duration::days(i64::try_from(rng.below(30))?);
            let id = new_uuid();
            // The office of the Guangxi seller's city, else the provincial office.
            let seller_city = stats::city_of(&seller.2);
            let office = city_offices
                .iter()
                .find(|(city, _)| *city == seller_city)
                .map_or(provincial, |(_, o)| *o);
            c.values([
                id.into(),
                format!("BENCH-{seq:09}").into(),
                "bench contract".into(),
                ctype.into(),
                subtype.into(),
                seller.0.into(),
                buyer.0.into(),
                signed.into(),
                "CNY".into(),
                amount.into(),
                tech.into(),
                amount.into(),
                tech.into(),
                seller.1.clone().into(),
                seller.2.clone().into(),
                buyer.1.clone().into(),
                buyer.2.clone().into(),
                industry.into(),
                ContractStatus::Signed.as_str().into(),
                actor.into(),
                1.into(),
                now.into(),
                now.into(),
            ])?;
            r.values([
                new_uuid().into(),
                id.into(),
                RegistrationStatus::Registered.as_str().into(),
                format!("BENCH{seq:011}").into(),
                registered.into(),
                office.into(),
                actor.into(),
                1.into(),
                now.into(),
                now.into(),
            ])?;
        }
        let txn = db.begin().await?;
        let backend = txn.get_database_backend();
        txn.execute(backend.build(&c)).await?;
        txn.execute(backend.build(&r)).await?;
        txn.commit().await?;
        done += size;
    }
    Ok(())
}

/// Generates `n` contracts (unless the database already has them), builds the rollups and
/// times the city × month turnover `iterations` times from the rollups and from the raw tables.
pub async fn turnover_benchmark(
    db: &DatabaseConnection,
    n: usize,
    iterations: usize,
    raw_iterations: usize,
) -> anyhow::Result<BenchReport> {
    let t = Instant::now();
    let existing = contracts::Entity::find().count(db).await?;
    if existing < n as u64 {
        generate(db, n - usize::try_from(existing)?).await?;
    }
    let generate_time = t.elapsed();
    let t = Instant::now();
    stats::rebuild_all(db).await?;
    let rollup_build = t.elapsed();
    if db.get_database_backend() == sea_orm::DatabaseBackend::Postgres {
        // Planner statistics for the generated contracts and the fresh rollups, as
        // autovacuum would gather them on a live database.
        db.execute_unprepared("ANALYZE").await?;
    }
    let rollup_rows = platform::entity::turnover_rollups::Entity::find()
        .count(db)
        .await?;
    let params = TurnoverParams {
        group_by: Some("city,month".to_owned()),
        ..Default::default()
    };
    let (rollup, groups) = time_query(db, &params, iterations).await?;
    let raw_params = TurnoverParams {
        source: Some(Source::Raw),
        ..params.clone()
    };
    let (raw, raw_groups) = time_query(db, &raw_params, raw_iterations).await?;
    if raw_groups != groups {
        anyhow::bail!("rollup and raw disagree on the number of groups: {groups} vs {raw_groups}");
    }
    let countries = platform::config::CountriesConfig::default();
    let mut partner_times = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let start = Instant::now();
        stats::partner_groups(
            db,
            &countries,
            &TurnoverParams::default(),
            stats::Audience::Operator,
        )
        .await
        .map_err(|e| anyhow::anyhow!("partner groups query failed: {e}"))?;
        partner_times.push(start.elapsed());
    }
    partner_times.sort();
    let by_office = TurnoverParams {
        group_by: Some("office,month".to_owned()),
        ..Default::default()
    };
    let (office_times, _) = time_query(db, &by_office, iterations).await?;
    let (city_offices, _) = offices(db).await?;
    let one_office = TurnoverParams {
        group_by: Some("city,month".to_owned()),
        office: city_offices.first().map(|(_, id)| *id),
        ..Default::default()
    };
    let (one_office_times, _) = time_query(db, &one_office, iterations).await?;
    Ok(BenchReport {
        backend: format!("{:?}", db.get_database_backend()),
        contracts: n,
        generate: generate_time,
        rollup_build,
        rollup_rows,
        groups,
        rollup_p50: percentile(&rollup, 0.5),
        rollup_p95: percentile(&rollup, 0.95),
        raw_p50: percentile(&raw, 0.5),
        raw_p95: percentile(&raw, 0.95),
        partner_groups_p50: percentile(&partner_times, 0.5),
        partner_groups_p95: percentile(&partner_times, 0.95),
        office_p50: percentile(&office_times, 0.5),
        office_p95: percentile(&office_times, 0.95),
        one_office_p50: percentile(&one_office_times, 0.5),
        one_office_p95: percentile(&one_office_times, 0.95),
    })
}
