//! The registration office's batch intake at scale: a generated spreadsheet of `n` registered
//! contracts (parties off the platform, every tenth buyer in Vietnam) run through the intake
//! job exactly as an upload is (`deal::domain::registration_imports::process`: read, check
//! every row, write contracts, parties and registrations in one transaction, enqueue the
//! rollups). Reports rows per second; then the rollups of the months touched are rebuilt.

use std::time::{Duration, Instant};

use chrono::{Duration as Days, Utc};
use platform::entity::registration_offices;
use platform::ids::new_uuid;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, Set,
};
use wire::{ImportMode, ImportStatus};

/// A valid credit code from its first 17 characters.
fn code(prefix17: &str) -> String {
    let check = platform::identifiers::credit_code_check_char(prefix17).unwrap_or('0');
    format!("{prefix17}{check}")
}

/// The template's English header and `n` rows, registered over the last year.
pub fn generate_csv(n: usize, tag: &str) -> String {
    let mut out = deal::domain::registration_imports::headers(false).join(",");
    out.push('\n');
    let today = Utc::now().date_naive();
    for i in 0..n {
        let on = today - Days::days(i64::try_from(i % 360).unwrap_or(0) + 1);
        let signed = on - Days::days(7);
        let seller = code(&format!("12450100MB{:07}", i % 997));
        let amount = 100_000 + i64::try_from(i % 5_000).unwrap_or(0) * 1_000;
        let (buyer_code, buyer_foreign, country, region) = if i.is_multiple_of(10) {
            (String::new(), format!("VN-{i:07}"), "VN", String::new())
        } else {
            (
                code(&format!("91450200MA{:07}", i % 9_973)),
                String::new(),
                "CN",
                "450200".to_owned(),
            )
        };
        out.push_str(&format!(
            "{tag}-{i:07},技术开发合同{i},技术开发,委托开发,,广西大学{},{seller},,CN,450100,高校,某公司{i},{buyer_code},{buyer_foreign},{country},{region},企业,,,{signed},{signed},,{}.{:02},{}.{:02},0,分期支付,modern_agriculture,,,{on}\n",
            i % 997,
            amount / 100,
            amount % 100,
            amount / 100,
            amount % 100,
        ));
    }
    out
}

/// What one intake run took.
#[derive(Debug)]
pub struct ImportReport {
    pub backend: String,
    pub rows: usize,
    pub bytes: usize,
    pub process: Duration,
    pub created: i32,
    /// Audit entries the intake wrote for its registrations (one per row).
    pub audited: u64,
    pub rollups: Duration,
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let secs = self.process.as_secs_f64().max(f64::EPSILON);
        #[expect(clippy::cast_precision_loss, reason = "a rate for people to read")]
        let rate = self.rows as f64 / secs;
        write!(
            f,
            "{}: intake of {} rows ({:.1} MB CSV): {:.1} s, {:.0} rows/s, {} registered, {} audit entries; rollups of the months touched rebuilt in {:.1} s",
            self.backend,
            self.rows,
            self.bytes as f64 / 1_048_576.0,
            secs,
            rate,
            self.created,
            self.audited,
            self.rollups.as_secs_f64(),
        )
    }
}

/// Runs the intake of `n` generated contracts at the provincial office.
pub async fn import_benchmark(db: &DatabaseConnection, n: usize) -> anyhow::Result<ImportReport> {
    let office = registration_offices::Entity::find()
        .filter(registration_offices::Column::Code.eq("450000"))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("no provincial office"))?;
    let tag = format!("B{}", &new_uuid().simple().to_string()[..8]);
    let csv = generate_csv(n, &tag);
    let bytes = csv.len();
    let at = deal::domain::now();
    let import = platform::entity::registration_imports::ActiveModel {
        id: Set(new_uuid()),
        office_id: Set(office.id),
        created_by: Set(new_uuid()),
        mode: Set(ImportMode::AllOrNothing.as_str().to_owned()),
        format: Set("csv".to_owned()),
        file_name: Set("bench.csv".to_owned()),
        content: Set(csv.into_bytes()),
        status: Set(ImportStatus::Queued.as_str().to_owned()),
        total_rows: Set(0),
        processed_rows: Set(0),
        created_count: Set(0),
        error_count: Set(0),
        errors: Set(serde_json::json!([])),
        failure: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        finished_at: Set(None),
    }
    .insert(db)
    .await?;
    let config = platform::config::DealConfig::default();
    let t = Instant::now();
    let done = deal::domain::registration_imports::process(db, &config, import.id).await?;
    let process = t.elapsed();
    if done.error_count > 0 {
        anyhow::bail!(
            "the generated file has {} bad cells: {}",
            done.error_count,
            done.errors
        );
    }
    let audited = platform::entity::audit_log::Entity::find()
        .filter(platform::entity::audit_log::Column::Action.eq("registration.import"))
        .count(db)
        .await?;
    let t = Instant::now();
    deal::domain::stats::rebuild_all(db).await?;
    let rollups = t.elapsed();
    Ok(ImportReport {
        backend: format!("{:?}", db.get_database_backend()),
        rows: n,
        bytes,
        process,
        created: done.created_count,
        audited,
        rollups,
    })
}
