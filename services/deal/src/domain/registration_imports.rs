//! Batch intake of registered contracts (历史登记数据导入): an office uploads a spreadsheet (XLSX
//! or CSV, the template in `docs/registration-import.md`), a job on the `registrations` queue
//! reads it off the runtime, checks every row and writes the contracts, their recorded parties
//! and their registrations at that office, with progress and a per-row error report.
//!
//! `all_or_nothing` writes nothing when any row is bad; `valid_rows_only` writes the good rows.
//! Either way the rows are written in one transaction with the import's final state, claimed
//! from an unfinished state first, so a doubled or retried job never writes twice. A row whose
//! contract number is already recorded, or repeats an earlier row's, is a duplicate and is
//! refused. Spreadsheet reading and cell parsing are the shared `spreadsheet` crate's, as for
//! listing imports. Every written month's rollups are recomputed by `turnover_changed.v1`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{Datelike, NaiveDate};
use platform::audit::{AuditBatch, AuditEntry};
use platform::auth::AuthUser;
use platform::entity::{
    contract_cost_lines, contracts, organisations, recorded_parties, registration_imports,
    registrations, users,
};
use platform::error::{ApiError, ApiResult};
use platform::identifiers::{is_gbt2260_code, parse_credit_code};
use platform::ids::new_uuid;
use platform::jobs::{enqueue, Job};
use platform::taxonomy;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect, Set, TransactionTrait, TryIntoModel,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use spreadsheet::cells::{self, parse_amount, parse_date, ColumnSpec};
use spreadsheet::{Format, Table};
use uuid::Uuid;
use wire::listing::RowError;
use wire::{
    ContractStatus, DecisionKind, ImportMode, ImportStatus, OrgKind, PaymentMethod,
    RegistrationStatus,
};

use super::contracts::{subtype_of, type_label, CONTRACT_TYPES};
use super::offices::{self, new_verification_code};
use super::registrations::split_format;
use super::stats::{month_of, TurnoverChanged};
use super::today;
use crate::SERVICE;
use wire::LicenceScope;

pub use wire::office::RegistrationImportOut;

/// Most rows one intake may carry (a province's year of registrations fits).
pub const MAX_ROWS: usize = 200_000;
/// Rows between progress updates.
const PROGRESS_EVERY: usize = 2_000;
/// Rows per INSERT statement (well under SQLite's bound-variable limit).
const INSERT_CHUNK: usize = 200;
/// Values per `IN (…)` lookup.
const LOOKUP_CHUNK: usize = 500;

/// Process the registration intake with this id (queue `registrations`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessRegistrationImport {
    pub id: Uuid,
}

impl Job for ProcessRegistrationImport {
    const NAME: &'static str = "process_registration_import.v1";
    const QUEUE: &'static str = "registrations";
}

/// One column of the template: its field, its Chinese and English headers, whether a row
/// needs it.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub field: &'static str,
    pub zh: &'static str,
    pub en: &'static str,
    pub required: bool,
}

impl ColumnSpec for Column {
    fn field(&self) -> &str {
        self.field
    }
    fn zh(&self) -> &str {
        self.zh
    }
    fn en(&self) -> &str {
        self.en
    }
    fn required(&self) -> bool {
        self.required
    }
}

const fn col(field: &'static str, zh: &'static str, en: &'static str, required: bool) -> Column {
    Column {
        field,
        zh,
        en,
        required,
    }
}

/// The template, in order (documented in `docs/registration-import.md`).
pub const COLUMNS: &[Column] = &[
    col("contract_number", "合同编号", "Contract number", true),
    col("contract_name", "合同名称", "Contract name", true),
    col("contract_type", "合同类别", "Contract type", true),
    col("subtype", "合同子类", "Subtype", true),
    col("licence_scope", "许可方式", "Licence scope", false),
    col("seller_name", "卖方名称", "Seller name", true),
    col(
        "seller_credit_code",
        "卖方统一社会信用代码",
        "Seller credit code",
        false,
    ),
    col(
        "seller_foreign_number",
        "卖方境外登记号",
        "Seller foreign registration number",
        false,
    ),
    col("seller_country", "卖方国别", "Seller country", false),
    col("seller_region", "卖方地区代码", "Seller region code", false),
    col("seller_kind", "卖方类型", "Seller kind", false),
    col("buyer_name", "买方名称", "Buyer name", true),
    col(
        "buyer_credit_code",
        "买方统一社会信用代码",
        "Buyer credit code",
        false,
    ),
    col(
        "buyer_foreign_number",
        "买方境外登记号",
        "Buyer foreign registration number",
        false,
    ),
    col("buyer_country", "买方国别", "Buyer country", false),
    col("buyer_region", "买方地区代码", "Buyer region code", false),
    col("buyer_kind", "买方类型", "Buyer kind", false),
    col(
        "intermediary_name",
        "中介方名称",
        "Intermediary name",
        false,
    ),
    col(
        "intermediary_credit_code",
        "中介方统一社会信用代码",
        "Intermediary credit code",
        false,
    ),
    col("signed_on", "签订日期", "Signed on", true),
    col("valid_from", "有效期起", "Valid from", false),
    col("valid_until", "有效期止", "Valid until", false),
    col(
        "contract_amount",
        "合同成交额（元）",
        "Contract amount (yuan)",
        true,
    ),
    col(
        "tech_amount",
        "技术交易额（元）",
        "Technology transaction amount (yuan)",
        true,
    ),
    col(
        "deductions",
        "非技术性费用（元）",
        "Non-technical deductions (yuan)",
        false,
    ),
    col("payment_method", "支付方式", "Payment method", false),
    col("industry", "技术领域", "Technical field", true),
    col(
        "objectives",
        "社会经济目标",
        "Social and economic objectives",
        false,
    ),
    col(
        "registration_number",
        "登记编号",
        "Registration number",
        false,
    ),
    col("registered_on", "登记日期", "Registered on", true),
];

/// The template's header row, Chinese or English.
pub fn headers(chinese: bool) -> Vec<String> {
    COLUMNS
        .iter()
        .map(|c| if chinese { c.zh } else { c.en }.to_owned())
        .collect()
}

/// An intake as the API shows it.
pub fn import_out(m: registration_imports::Model) -> ApiResult<RegistrationImportOut> {
    Ok(RegistrationImportOut {
        id: m.id,
        office_id: m.office_id,
        mode: ImportMode::parse(&m.mode).unwrap_or(ImportMode::AllOrNothing),
        format: m.format,
        file_name: m.file_name,
        status: m.status.parse()?,
        total_rows: m.total_rows,
        processed_rows: m.processed_rows,
        created_count: m.created_count,
        error_count: m.error_count,
        errors: serde_json::from_value(m.errors).unwrap_or_default(),
        failure: m.failure,
        created_at: m.created_at,
        finished_at: m.finished_at,
    })
}

/// Accepts an upload (an operator of the office): the cheap checks now, the rows in the job.
#[tracing::instrument(skip_all, fields(office.id = %office_id, bytes = content.len()))]
pub async fn start(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    office_id: Uuid,
    mode: ImportMode,
    format: Format,
    file_name: &str,
    content: Vec<u8>,
) -> ApiResult<registration_imports::Model> {
    offices::find(db, office_id).await?;
    offices::ensure_acts_for(db, caller, office_id).await?;
    if content.is_empty() {
        return Err(ApiError::field("(body)", "the file is empty"));
    }
    let limits = limits();
    let (checked, content) = tokio::task::spawn_blocking(move || {
        (
            spreadsheet::check_upload(format, &content, &limits),
            content,
        )
    })
    .await
    .map_err(|e| ApiError::field("(body)", format!("the file could not be checked: {e}")))?;
    checked.map_err(|reason| ApiError::field("(body)", reason))?;
    let at = super::now();
    let txn = db.begin().await?;
    let model = registration_imports::ActiveModel {
        id: Set(new_uuid()),
        office_id: Set(office_id),
        created_by: Set(caller.user_id.0),
        mode: Set(mode.as_str().to_owned()),
        format: Set(format.as_str().to_owned()),
        file_name: Set(file_name.chars().take(255).collect()),
        content: Set(content),
        status: Set(ImportStatus::Queued.as_str().to_owned()),
        total_rows: Set(0),
        processed_rows: Set(0),
        created_count: Set(0),
        error_count: Set(0),
        errors: Set(json!([])),
        failure: Set(None),
        created_at: Set(at),
        updated_at: Set(at),
        finished_at: Set(None),
    }
    .insert(&txn)
    .await?;
    enqueue(&txn, &ProcessRegistrationImport { id: model.id }).await?;
    AuditEntry {
        actor: Some(caller),
        service: SERVICE,
        action: "registration_import.start",
        entity_type: "registration_import",
        entity_id: model.id,
    }
    .record(
        &txn,
        None::<&()>,
        Some(&json!({"office_id": office_id, "mode": mode, "file_name": model.file_name})),
    )
    .await?;
    txn.commit().await?;
    Ok(model)
}

fn limits() -> spreadsheet::Limits {
    spreadsheet::Limits {
        max_rows: MAX_ROWS,
        ..spreadsheet::Limits::default()
    }
}

/// Reads an intake its office's operators may see.
pub async fn find_visible(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<registration_imports::Model> {
    let m = registration_imports::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("import {id}")))?;
    if offices::acting_for(db, caller)
        .await?
        .contains(&m.office_id)
    {
        Ok(m)
    } else {
        Err(ApiError::not_found(format!("import {id}")))
    }
}

/// The office's latest intakes, newest first, without their files and error reports.
pub async fn list(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    office_id: Uuid,
) -> ApiResult<Vec<RegistrationImportOut>> {
    offices::find(db, office_id).await?;
    offices::ensure_acts_for(db, caller, office_id).await?;
    use registration_imports::Column as C;
    let rows = registration_imports::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::OfficeId,
            C::CreatedBy,
            C::Mode,
            C::Format,
            C::FileName,
            C::Status,
            C::TotalRows,
            C::ProcessedRows,
            C::CreatedCount,
            C::ErrorCount,
            C::Failure,
            C::CreatedAt,
            C::UpdatedAt,
            C::FinishedAt,
        ])
        .filter(C::OfficeId.eq(office_id))
        .order_by_desc(C::CreatedAt)
        .limit(50)
        .into_model::<Summary>()
        .all(db)
        .await?;
    rows.into_iter()
        .map(|m| {
            Ok(RegistrationImportOut {
                id: m.id,
                office_id: m.office_id,
                mode: ImportMode::parse(&m.mode).unwrap_or(ImportMode::AllOrNothing),
                format: m.format,
                file_name: m.file_name,
                status: m.status.parse()?,
                total_rows: m.total_rows,
                processed_rows: m.processed_rows,
                created_count: m.created_count,
                error_count: m.error_count,
                errors: Vec::new(),
                failure: m.failure,
                created_at: m.created_at,
                finished_at: m.finished_at,
            })
        })
        .collect()
}

#[derive(Debug, sea_orm::FromQueryResult)]
struct Summary {
    id: Uuid,
    office_id: Uuid,
    mode: String,
    format: String,
    file_name: String,
    status: String,
    total_rows: i32,
    processed_rows: i32,
    created_count: i32,
    error_count: i32,
    failure: Option<String>,
    created_at: chrono::DateTime<chrono::FixedOffset>,
    finished_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// A party as a row gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RowParty {
    name: String,
    credit_code: Option<String>,
    foreign_number: Option<String>,
    country: String,
    region: String,
    kind: Option<OrgKind>,
}

impl RowParty {
    /// Identity within the file and against recorded parties.
    fn key(&self) -> String {
        match (&self.credit_code, &self.foreign_number) {
            (Some(c), _) => format!("CN:{c}"),
            (None, Some(n)) => format!("{}:{n}", self.country),
            (None, None) => format!("name:{}", self.name),
        }
    }
}

/// A checked row.
#[derive(Debug, Clone)]
struct Row {
    row_no: usize,
    contract_number: String,
    name: String,
    contract_type: String,
    subtype: String,
    licence_scope: Option<String>,
    seller: RowParty,
    buyer: RowParty,
    intermediary: Option<RowParty>,
    signed_on: NaiveDate,
    valid_from: Option<NaiveDate>,
    valid_until: Option<NaiveDate>,
    contract_amount: i64,
    tech_amount: i64,
    payment_method: Option<PaymentMethod>,
    industry: String,
    objectives: Option<String>,
    registration_number: Option<String>,
    registered_on: NaiveDate,
}

/// The cells of one row by field.
struct Cells<'a> {
    row_no: usize,
    values: HashMap<&'static str, &'a str>,
    headers: HashMap<&'static str, &'a str>,
    errors: Vec<RowError>,
}

impl<'a> Cells<'a> {
    fn get(&self, field: &str) -> Option<&'a str> {
        self.values
            .get(field)
            .copied()
            .map(str::trim)
            .filter(|v| !v.is_empty())
    }

    fn err(&mut self, field: &'static str, reason: impl Into<String>) {
        let column = self
            .headers
            .get(field)
            .map_or_else(|| field.to_owned(), |h| (*h).to_owned());
        self.errors.push(RowError {
            row: self.row_no,
            column,
            reason: reason.into(),
        });
    }

    fn required(&mut self, field: &'static str) -> Option<&'a str> {
        let v = self.get(field);
        if v.is_none() {
            self.err(field, "required");
        }
        v
    }

    fn text(&mut self, field: &'static str, max: usize) -> Option<String> {
        let v = self.get(field)?;
        if v.chars().count() > max {
            self.err(field, format!("at most {max} characters"));
            return None;
        }
        Some(v.to_owned())
    }

    fn date(&mut self, field: &'static str, required: bool) -> Option<NaiveDate> {
        let v = if required {
            self.required(field)?
        } else {
            self.get(field)?
        };
        let d = parse_date(v);
        if d.is_none() {
            self.err(field, "must be a date such as 2025-07-15");
        }
        d
    }

    fn amount(&mut self, field: &'static str, required: bool) -> Option<i64> {
        self.amount_from(field, required, 1)
    }

    /// An amount of at least `min` fen.
    fn amount_from(&mut self, field: &'static str, required: bool, min: i64) -> Option<i64> {
        let v = if required {
            self.required(field)?
        } else {
            self.get(field)?
        };
        match parse_amount(v, 2, "CNY") {
            Ok(n) if n >= min => Some(n),
            Ok(_) => {
                self.err(
                    field,
                    if min > 0 {
                        "must be positive"
                    } else {
                        "cannot be negative"
                    },
                );
                None
            }
            Err(e) => {
                self.err(field, e);
                None
            }
        }
    }

    fn party(&mut self, prefix: &'static str) -> Option<RowParty> {
        let f = |s: &str| -> &'static str {
            COLUMNS
                .iter()
                .find(|c| c.field == format!("{prefix}_{s}"))
                .map_or("", |c| c.field)
        };
        let (name_f, code_f, foreign_f, country_f, region_f, kind_f) = (
            f("name"),
            f("credit_code"),
            f("foreign_number"),
            f("country"),
            f("region"),
            f("kind"),
        );
        let name = self.required(name_f)?.to_owned();
        if !(2..=200).contains(&name.chars().count()) {
            self.err(name_f, "2 to 200 characters");
        }
        let country = self
            .get(country_f)
            .map_or_else(|| "CN".to_owned(), country_code);
        let kind = match self.get(kind_f) {
            None => None,
            Some(k) => {
                let parsed = OrgKind::parse(k).or_else(|| kind_label(k));
                if parsed.is_none() {
                    self.err(kind_f, "must be university, institute, enterprise, other…");
                }
                parsed
            }
        };
        if country == "CN" {
            let code = match self.get(code_f).map(parse_credit_code) {
                None => {
                    self.err(
                        code_f,
                        "a Chinese party needs its unified social credit code",
                    );
                    None
                }
                Some(Err(e)) => {
                    self.err(code_f, e.to_string());
                    None
                }
                Some(Ok(c)) => Some(c),
            };
            let region = self.get(region_f).and_then(region_code);
            if region.is_none() {
                self.err(
                    region_f,
                    "must be a GB/T 2260 code or a city name (e.g. 450100, 南宁)",
                );
            }
            Some(RowParty {
                name,
                credit_code: Some(code?),
                foreign_number: None,
                country,
                region: region?,
                kind,
            })
        } else {
            if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                self.err(country_f, "must be an ISO 3166 code or a country name");
                return None;
            }
            let number = self.get(foreign_f).map(str::to_owned);
            match &number {
                Some(n) if n.chars().count() <= 64 => {}
                _ => self.err(
                    foreign_f,
                    "a foreign party needs its registration number (at most 64 characters)",
                ),
            }
            Some(RowParty {
                name,
                credit_code: None,
                foreign_number: Some(number?).filter(|n| n.chars().count() <= 64),
                region: country.clone(),
                country,
                kind,
            })
        }
    }
}

fn country_code(v: &str) -> String {
    let v = v.trim();
    if v == "中国" || v.eq_ignore_ascii_case("china") {
        return "CN".to_owned();
    }
    taxonomy::ASEAN
        .iter()
        .find(|m| m.code.eq_ignore_ascii_case(v) || m.zh == v || m.en.eq_ignore_ascii_case(v))
        .map_or_else(|| v.to_ascii_uppercase(), |m| m.code.to_owned())
}

fn region_code(v: &str) -> Option<String> {
    let v = v.trim();
    let stripped = v.strip_suffix('市').unwrap_or(v);
    if let Some(t) = taxonomy::GUANGXI_CITIES
        .iter()
        .find(|t| t.code == v || t.zh == stripped || t.en.eq_ignore_ascii_case(v))
    {
        return Some(t.code.to_owned());
    }
    (is_gbt2260_code(v) && taxonomy::is_chinese_region(v)).then(|| v.to_owned())
}

fn kind_label(v: &str) -> Option<OrgKind> {
    match v {
        "高校" | "高等院校" => Some(OrgKind::University),
        "科研院所" | "科研机构" => Some(OrgKind::Institute),
        "企业" => Some(OrgKind::Enterprise),
        "技术转移机构" | "中介机构" => Some(OrgKind::BrokerAgency),
        "机关" | "政府" => Some(OrgKind::Government),
        "其他" => Some(OrgKind::Other),
        _ => None,
    }
}

fn type_code(v: &str) -> Option<&'static str> {
    CONTRACT_TYPES
        .iter()
        .find(|(code, zh, _)| *code == v || *zh == v)
        .map(|(code, _, _)| *code)
}

fn subtype_code(contract_type: &str, v: &str) -> Option<&'static str> {
    CONTRACT_TYPES
        .iter()
        .find(|(code, _, _)| *code == contract_type)
        .and_then(|(_, _, subs)| {
            subs.iter()
                .find(|(code, zh)| *code == v || *zh == v)
                .map(|(code, _)| *code)
        })
}

fn payment_code(v: &str) -> Option<PaymentMethod> {
    PaymentMethod::parse(v).or(match v {
        "一次总付" | "一次总算、一次总付" => Some(PaymentMethod::LumpSum),
        "分期支付" | "一次总算、分期支付" => Some(PaymentMethod::Instalments),
        "提成支付" => Some(PaymentMethod::Royalty),
        "提成支付附加预付入门费" => Some(PaymentMethod::RoyaltyWithDownPayment),
        "其他" => Some(PaymentMethod::Other),
        _ => None,
    })
}

fn industry_code(v: &str) -> Option<&'static str> {
    taxonomy::INDUSTRIES
        .iter()
        .find(|t| t.code == v || t.zh == v || t.en.eq_ignore_ascii_case(v))
        .map(|t| t.code)
}

/// Which column of the file feeds which field; missing required columns are file errors.
fn map_headers(headers: &[String]) -> Result<Vec<Option<&'static Column>>, Vec<RowError>> {
    cells::map_headers(headers, COLUMNS).map_err(|missing| {
        missing
            .into_iter()
            .map(|c| RowError::missing_column(c.zh, c.en))
            .collect()
    })
}

/// Checks one row on its own (duplicates are judged across rows later).
fn check_row(
    row_no: usize,
    row: &[String],
    headers: &[String],
    mapping: &[Option<&'static Column>],
) -> Result<Row, Vec<RowError>> {
    let mut cells = Cells {
        row_no,
        values: HashMap::new(),
        headers: HashMap::new(),
        errors: Vec::new(),
    };
    for (i, m) in mapping.iter().enumerate() {
        if let (Some(c), Some(v)) = (m, row.get(i)) {
            cells.values.insert(c.field, v.as_str());
            if let Some(h) = headers.get(i) {
                cells.headers.insert(c.field, h.as_str());
            }
        }
    }
    let number = cells.required("contract_number").map(str::to_owned);
    if number.as_ref().is_some_and(|n| n.chars().count() > 64) {
        cells.err("contract_number", "at most 64 characters");
    }
    let name = cells.required("contract_name").map(str::to_owned);
    if name
        .as_ref()
        .is_some_and(|n| !(2..=200).contains(&n.chars().count()))
    {
        cells.err("contract_name", "2 to 200 characters");
    }
    let ctype = cells.required("contract_type").and_then(type_code);
    if cells.get("contract_type").is_some() && ctype.is_none() {
        cells.err(
            "contract_type",
            "must be development, transfer, licence, consulting or service (or 技术开发…)",
        );
    }
    let subtype = match (ctype, cells.required("subtype")) {
        (Some(t), Some(v)) => {
            let s = subtype_code(t, v);
            if s.is_none() {
                cells.err("subtype", format!("is not a subtype of {t}"));
            }
            s
        }
        _ => None,
    };
    let scope = cells.get("licence_scope").map(str::to_owned);
    match (ctype, &scope) {
        (Some("licence"), None) => cells.err(
            "licence_scope",
            "a licence says exclusive, sole or non_exclusive",
        ),
        (Some("licence"), Some(s)) if LicenceScope::parse(s).is_none() => {
            cells.err("licence_scope", "must be exclusive, sole or non_exclusive")
        }
        (Some(t), Some(_)) if t != "licence" => {
            cells.err("licence_scope", "only licences have a scope")
        }
        _ => {}
    }
    let seller = cells.party("seller");
    let buyer = cells.party("buyer");
    let intermediary = match cells.get("intermediary_name") {
        None => None,
        Some(n) => {
            let code = match cells.get("intermediary_credit_code").map(parse_credit_code) {
                Some(Ok(c)) => Some(c),
                Some(Err(e)) => {
                    cells.err("intermediary_credit_code", e.to_string());
                    None
                }
                None => {
                    cells.err(
                        "intermediary_credit_code",
                        "an intermediary needs its credit code",
                    );
                    None
                }
            };
            code.map(|c| RowParty {
                name: n.to_owned(),
                credit_code: Some(c),
                foreign_number: None,
                country: "CN".to_owned(),
                region: "450000".to_owned(),
                kind: Some(OrgKind::BrokerAgency),
            })
        }
    };
    let signed_on = cells.date("signed_on", true);
    let valid_from = cells.date("valid_from", false);
    let valid_until = cells.date("valid_until", false);
    let registered_on = cells.date("registered_on", true);
    let contract_amount = cells.amount("contract_amount", true);
    let tech_amount = cells.amount("tech_amount", true);
    let deductions = cells.amount_from("deductions", false, 0);
    let payment = match cells.get("payment_method") {
        None => None,
        Some(v) => {
            let p = payment_code(v);
            if p.is_none() {
                cells.err(
                    "payment_method",
                    "must be lump_sum, instalments, royalty, royalty_with_down_payment or other",
                );
            }
            p
        }
    };
    let industry = cells.required("industry").and_then(industry_code);
    if cells.get("industry").is_some() && industry.is_none() {
        cells.err(
            "industry",
            "must be an industry code or label from /api/v1/taxonomies/industries",
        );
    }
    let objectives = cells.text("objectives", 2000);
    let registration_number = cells.text("registration_number", 64);
    if let (Some(c), Some(t)) = (contract_amount, tech_amount) {
        if t > c {
            cells.err(
                "tech_amount",
                "the technology transaction amount cannot exceed the contract amount",
            );
        } else if let Some(d) = deductions {
            if c.checked_sub(t) != Some(d) {
                cells.err(
                    "deductions",
                    "must equal the contract amount minus the technology amount",
                );
            }
        }
    }
    let today = today();
    if let Some(s) = signed_on {
        if s > today {
            cells.err("signed_on", "cannot be in the future");
        }
        if valid_until.is_some_and(|u| u < s) {
            cells.err("valid_until", "must not be before the signing date");
        }
        if registered_on.is_some_and(|r| r < s) {
            cells.err("registered_on", "cannot be before the contract was signed");
        }
    }
    if let (Some(f), Some(u)) = (valid_from, valid_until) {
        if f > u {
            cells.err("valid_from", "must not be after valid_until");
        }
    }
    if registered_on.is_some_and(|r| r > today) {
        cells.err("registered_on", "cannot be in the future");
    }
    if let (Some(s), Some(b)) = (&seller, &buyer) {
        if s.key() == b.key() {
            cells.err("buyer_name", "seller and buyer must be different parties");
        }
    }
    if !cells.errors.is_empty() {
        return Err(cells.errors);
    }
    match (
        number,
        name,
        ctype,
        subtype,
        seller,
        buyer,
        signed_on,
        contract_amount,
        tech_amount,
        industry,
        registered_on,
    ) {
        (
            Some(contract_number),
            Some(name),
            Some(contract_type),
            Some(subtype),
            Some(seller),
            Some(buyer),
            Some(signed_on),
            Some(contract_amount),
            Some(tech_amount),
            Some(industry),
            Some(registered_on),
        ) if subtype_of(contract_type, subtype) && type_label(contract_type).is_some() => Ok(Row {
            row_no,
            contract_number,
            name,
            contract_type: contract_type.to_owned(),
            subtype: subtype.to_owned(),
            licence_scope: scope.filter(|_| contract_type == "licence"),
            seller,
            buyer,
            intermediary,
            signed_on,
            valid_from,
            valid_until,
            contract_amount,
            tech_amount,
            payment_method: payment,
            industry: industry.to_owned(),
            objectives,
            registration_number,
            registered_on,
        }),
        _ => Err(vec![RowError {
            row: row_no,
            column: String::new(),
            reason: "the row is incomplete".to_owned(),
        }]),
    }
}

async fn set_progress(
    db: &impl ConnectionTrait,
    id: Uuid,
    total: usize,
    processed: usize,
) -> anyhow::Result<()> {
    registration_imports::Entity::update_many()
        .col_expr(
            registration_imports::Column::Status,
            Expr::value(ImportStatus::Running.as_str()),
        )
        .col_expr(
            registration_imports::Column::TotalRows,
            Expr::value(i32::try_from(total)?),
        )
        .col_expr(
            registration_imports::Column::ProcessedRows,
            Expr::value(i32::try_from(processed)?),
        )
        .filter(registration_imports::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Values of `column` among `values` that the table already holds.
async fn existing<E, C>(
    db: &impl ConnectionTrait,
    column: C,
    values: &[String],
) -> anyhow::Result<BTreeSet<String>>
where
    E: EntityTrait,
    C: ColumnTrait,
{
    let mut found = BTreeSet::new();
    for chunk in values.chunks(LOOKUP_CHUNK) {
        let rows: Vec<Option<String>> = E::find()
            .select_only()
            .column(column)
            .filter(column.is_in(chunk.iter().cloned()))
            .into_tuple()
            .all(db)
            .await?;
        found.extend(rows.into_iter().flatten());
    }
    Ok(found)
}

/// Runs an intake: read, check every row, then write in one transaction with the final state.
/// Idempotent: an intake that already finished is left as it is.
#[tracing::instrument(skip_all, fields(import.id = %id))]
pub async fn process(
    db: &(impl ConnectionTrait + TransactionTrait),
    config: &platform::config::DealConfig,
    id: Uuid,
) -> anyhow::Result<registration_imports::Model> {
    let Some(mut import) = registration_imports::Entity::find_by_id(id).one(db).await? else {
        anyhow::bail!("registration import {id} does not exist");
    };
    if matches!(
        ImportStatus::parse(&import.status),
        Some(ImportStatus::Succeeded | ImportStatus::Failed)
    ) {
        return Ok(import);
    }
    let mode = ImportMode::parse(&import.mode).unwrap_or(ImportMode::AllOrNothing);
    let format = Format::parse(&import.format).unwrap_or(Format::Csv);
    let content = std::mem::take(&mut import.content);
    let limits = limits();
    let parsed =
        tokio::task::spawn_blocking(move || spreadsheet::read_with(format, &content, &limits))
            .await
            .unwrap_or_else(|e| Err(format!("the file could not be read ({e})")));
    let table: Table = match parsed {
        Ok(t) => t,
        Err(reason) => {
            let errors = vec![RowError {
                row: 1,
                column: String::new(),
                reason,
            }];
            return finish(
                db,
                &import,
                0,
                Vec::new(),
                errors,
                Some("the file cannot be read".to_owned()),
                config,
            )
            .await;
        }
    };
    let total = table.rows.len();
    let mapping = match map_headers(&table.headers) {
        Ok(m) => m,
        Err(errors) => {
            return finish(
                db,
                &import,
                total,
                Vec::new(),
                errors,
                Some("required columns are missing".to_owned()),
                config,
            )
            .await;
        }
    };
    set_progress(db, id, total, 0).await?;
    let mut errors = Vec::new();
    let mut rows = Vec::new();
    for (i, cells) in table.rows.iter().enumerate() {
        if cells.iter().all(String::is_empty) {
            continue;
        }
        match check_row(i + 2, cells, &table.headers, &mapping) {
            Ok(r) => rows.push(r),
            Err(e) => errors.extend(e),
        }
        if (i + 1) % PROGRESS_EVERY == 0 {
            set_progress(db, id, total, i + 1).await?;
        }
    }
    // Duplicates: within the file, then against what is recorded.
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut seen_numbers: HashMap<String, usize> = HashMap::new();
    let mut kept = Vec::with_capacity(rows.len());
    for r in rows {
        if let Some(first) = seen.get(&r.contract_number) {
            errors.push(RowError {
                row: r.row_no,
                column: "contract_number".to_owned(),
                reason: format!("duplicate of row {first} (same contract number)"),
            });
            continue;
        }
        if let Some(n) = &r.registration_number {
            if let Some(first) = seen_numbers.get(n) {
                errors.push(RowError {
                    row: r.row_no,
                    column: "registration_number".to_owned(),
                    reason: format!("registration number already used by row {first}"),
                });
                continue;
            }
            seen_numbers.insert(n.clone(), r.row_no);
        }
        seen.insert(r.contract_number.clone(), r.row_no);
        kept.push(r);
    }
    let numbers: Vec<String> = kept.iter().map(|r| r.contract_number.clone()).collect();
    let taken =
        existing::<contracts::Entity, _>(db, contracts::Column::ContractNumber, &numbers).await?;
    let reg_numbers: Vec<String> = kept
        .iter()
        .filter_map(|r| r.registration_number.clone())
        .collect();
    let reg_taken = existing::<registrations::Entity, _>(
        db,
        registrations::Column::RegistrationNumber,
        &reg_numbers,
    )
    .await?;
    let mut rows = Vec::with_capacity(kept.len());
    for r in kept {
        if taken.contains(&r.contract_number) {
            errors.push(RowError {
                row: r.row_no,
                column: "contract_number".to_owned(),
                reason: "duplicate: a contract with this number is already recorded".to_owned(),
            });
        } else if r
            .registration_number
            .as_ref()
            .is_some_and(|n| reg_taken.contains(n))
        {
            errors.push(RowError {
                row: r.row_no,
                column: "registration_number".to_owned(),
                reason: "this registration number is already in use".to_owned(),
            });
        } else {
            rows.push(r);
        }
    }
    errors.sort_by_key(|e| e.row);
    set_progress(db, id, total, total).await?;
    let write = errors.is_empty() || mode == ImportMode::ValidRowsOnly;
    let failure = (!write).then(|| {
        let bad: BTreeSet<usize> = errors.iter().map(|e| e.row).collect();
        format!(
            "{} bad rows; nothing was imported (all-or-nothing)",
            bad.len()
        )
    });
    let rows = if write { rows } else { Vec::new() };
    finish(db, &import, total, rows, errors, failure, config).await
}

/// Next sequence per year of the configured registration-number format, from what is stored.
async fn number_sequences(
    db: &impl ConnectionTrait,
    format: &str,
    years: &BTreeSet<i32>,
) -> anyhow::Result<BTreeMap<i32, u64>> {
    let mut next = BTreeMap::new();
    for &year in years {
        let (prefix, _, suffix) = split_format(format, year);
        let numbers: Vec<Option<String>> = registrations::Entity::find()
            .select_only()
            .column(registrations::Column::RegistrationNumber)
            .filter(registrations::Column::RegistrationNumber.starts_with(prefix.as_str()))
            .into_tuple()
            .all(db)
            .await?;
        let max = numbers
            .into_iter()
            .flatten()
            .filter(|n| n.ends_with(suffix.as_str()) && n.len() >= prefix.len() + suffix.len())
            .filter_map(|n| n[prefix.len()..n.len() - suffix.len()].parse::<u64>().ok())
            .max()
            .unwrap_or(0);
        next.insert(year, max + 1);
    }
    Ok(next)
}

/// The recorded parties of the rows: existing ones by code, new ones to insert; an
/// organisation on the platform with the code is named too.
async fn party_ids(
    txn: &impl ConnectionTrait,
    created_by: Uuid,
    rows: &[Row],
) -> anyhow::Result<HashMap<String, (Uuid, Option<Uuid>)>> {
    let mut wanted: BTreeMap<String, RowParty> = BTreeMap::new();
    for r in rows {
        for p in [Some(&r.seller), Some(&r.buyer), r.intermediary.as_ref()]
            .into_iter()
            .flatten()
        {
            wanted.entry(p.key()).or_insert_with(|| p.clone());
        }
    }
    let codes: Vec<String> = wanted
        .values()
        .filter_map(|p| p.credit_code.clone())
        .collect();
    let mut orgs: HashMap<String, Uuid> = HashMap::new();
    let mut recorded: HashMap<String, Uuid> = HashMap::new();
    for chunk in codes.chunks(LOOKUP_CHUNK) {
        for o in organisations::Entity::find()
            .filter(organisations::Column::CreditCode.is_in(chunk.iter().cloned()))
            .filter(
                organisations::Column::VerificationStatus
                    .eq(wire::VerificationStatus::Verified.as_str()),
            )
            .all(txn)
            .await?
        {
            if let Some(c) = o.credit_code {
                orgs.insert(c, o.id);
            }
        }
        for p in recorded_parties::Entity::find()
            .filter(recorded_parties::Column::CreditCode.is_in(chunk.iter().cloned()))
            .all(txn)
            .await?
        {
            if let Some(c) = p.credit_code {
                recorded.entry(format!("CN:{c}")).or_insert(p.id);
            }
        }
    }
    let at = super::now();
    let mut out = HashMap::new();
    let mut new_rows = Vec::new();
    for (key, p) in wanted {
        let org = p.credit_code.as_ref().and_then(|c| orgs.get(c).copied());
        let id = match recorded.get(&key) {
            Some(id) => *id,
            None => {
                let id = new_uuid();
                new_rows.push(recorded_parties::ActiveModel {
                    id: Set(id),
                    name: Set(p.name.clone()),
                    credit_code: Set(p.credit_code.clone()),
                    foreign_registration_number: Set(p.foreign_number.clone()),
                    country: Set(p.country.clone()),
                    region_code: Set(p.region.clone()),
                    kind: Set(p.kind.map(|k| k.as_str().to_owned())),
                    organisation_id: Set(org),
                    created_by: Set(created_by),
                    created_at: Set(at),
                    updated_at: Set(at),
                });
                id
            }
        };
        out.insert(key, (id, org));
    }
    for chunk in new_rows.chunks(INSERT_CHUNK) {
        recorded_parties::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    Ok(out)
}

async fn finish(
    db: &(impl ConnectionTrait + TransactionTrait),
    import: &registration_imports::Model,
    total: usize,
    rows: Vec<Row>,
    errors: Vec<RowError>,
    failure: Option<String>,
    config: &platform::config::DealConfig,
) -> anyhow::Result<registration_imports::Model> {
    let txn = db.begin().await?;
    let status = if failure.is_some() {
        ImportStatus::Failed
    } else {
        ImportStatus::Succeeded
    };
    let at = super::now();
    let claimed = registration_imports::Entity::update_many()
        .col_expr(
            registration_imports::Column::Status,
            Expr::value(status.as_str()),
        )
        .col_expr(
            registration_imports::Column::TotalRows,
            Expr::value(i32::try_from(total)?),
        )
        .col_expr(
            registration_imports::Column::ProcessedRows,
            Expr::value(i32::try_from(total)?),
        )
        .col_expr(
            registration_imports::Column::ErrorCount,
            Expr::value(i32::try_from(errors.len())?),
        )
        .col_expr(
            registration_imports::Column::Errors,
            Expr::value(serde_json::to_value(&errors)?),
        )
        .col_expr(
            registration_imports::Column::Failure,
            Expr::value(failure.clone()),
        )
        .col_expr(
            registration_imports::Column::Content,
            Expr::value(Vec::<u8>::new()),
        )
        .col_expr(registration_imports::Column::UpdatedAt, Expr::value(at))
        .col_expr(
            registration_imports::Column::FinishedAt,
            Expr::value(Some(at)),
        )
        .filter(registration_imports::Column::Id.eq(import.id))
        .filter(registration_imports::Column::Status.is_not_in([
            ImportStatus::Succeeded.as_str(),
            ImportStatus::Failed.as_str(),
        ]))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        txn.rollback().await?;
        return registration_imports::Entity::find_by_id(import.id)
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("import {} vanished", import.id));
    }
    let created = rows.len();
    if !rows.is_empty() {
        write_rows(&txn, import, &rows, config).await?;
    }
    registration_imports::Entity::update_many()
        .col_expr(
            registration_imports::Column::CreatedCount,
            Expr::value(i32::try_from(created)?),
        )
        .filter(registration_imports::Column::Id.eq(import.id))
        .exec(&txn)
        .await?;
    AuditEntry {
        actor: None,
        service: SERVICE,
        action: "registration_import.finish",
        entity_type: "registration_import",
        entity_id: import.id,
    }
    .record(
        &txn,
        None::<&()>,
        Some(&json!({
            "status": status,
            "created": created,
            "errors": errors.len(),
            "office_id": import.office_id,
            "created_by": import.created_by,
            "contract_numbers": rows.iter().map(|r| r.contract_number.as_str()).collect::<Vec<_>>(),
        })),
    )
    .await?;
    let updated = registration_imports::Entity::find_by_id(import.id)
        .one(&txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("import {} vanished", import.id))?;
    txn.commit().await?;
    Ok(updated)
}

/// Every registration the intake made gets its audit entry, as a registration made by hand
/// does (`registration.*`, the registration as written), naming who ran the intake (the
/// person who uploaded it), the intake and the file's row; written in the intake's
/// transaction, in batches. Rows that failed are no registrations: the intake's per-row
/// error report keeps them.
async fn audit_registrations(
    txn: &sea_orm::DatabaseTransaction,
    import: &registration_imports::Model,
    rows: &[Row],
    registration_rows: Vec<registrations::ActiveModel>,
) -> anyhow::Result<()> {
    let organisation = users::Entity::find_by_id(import.created_by)
        .one(txn)
        .await?
        .and_then(|u| u.organisation_id);
    let mut entries = Vec::with_capacity(registration_rows.len());
    for (r, registration) in rows.iter().zip(registration_rows) {
        let model = registration.try_into_model()?;
        let id = model.id;
        let mut after = serde_json::to_value(&model)?;
        if let Some(fields) = after.as_object_mut() {
            fields.insert("import_id".to_owned(), json!(import.id));
            fields.insert("import_row".to_owned(), json!(r.row_no));
        }
        entries.push((id, after));
    }
    AuditBatch {
        actor_user_id: Some(import.created_by),
        actor_organisation_id: organisation,
        service: SERVICE,
        action: "registration.import",
        entity_type: "registration",
    }
    .record(txn, entries)
    .await?;
    Ok(())
}

/// Writes the contracts, their deductions and their registrations at the office, and asks for
/// the rollups of every month touched.
async fn write_rows(
    txn: &sea_orm::DatabaseTransaction,
    import: &registration_imports::Model,
    rows: &[Row],
    config: &platform::config::DealConfig,
) -> anyhow::Result<()> {
    let office = offices::find(txn, import.office_id)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let parties = party_ids(txn, import.created_by, rows).await?;
    let years: BTreeSet<i32> = rows
        .iter()
        .filter(|r| r.registration_number.is_none())
        .map(|r| r.registered_on.year())
        .collect();
    let mut seqs = number_sequences(txn, &config.registration_number_format, &years).await?;
    let explicit: BTreeSet<&str> = rows
        .iter()
        .filter_map(|r| r.registration_number.as_deref())
        .collect();
    let at = super::now();
    let side = |p: &RowParty| parties.get(&p.key()).copied();
    let mut contract_rows = Vec::with_capacity(rows.len());
    let mut line_rows = Vec::new();
    let mut registration_rows = Vec::with_capacity(rows.len());
    let mut months = BTreeSet::new();
    for r in rows {
        let id = new_uuid();
        let (seller_party, seller_org) =
            side(&r.seller).ok_or_else(|| anyhow::anyhow!("seller not recorded"))?;
        let (buyer_party, buyer_org) =
            side(&r.buyer).ok_or_else(|| anyhow::anyhow!("buyer not recorded"))?;
        let intermediary = r.intermediary.as_ref().and_then(side);
        contract_rows.push(contracts::ActiveModel {
            id: Set(id),
            deal_id: Set(None),
            contract_number: Set(r.contract_number.clone()),
            title: Set(r.name.clone()),
            contract_type: Set(r.contract_type.clone()),
            subtype: Set(r.subtype.clone()),
            licence_scope: Set(r.licence_scope.clone()),
            seller_organisation_id: Set(seller_org),
            buyer_organisation_id: Set(buyer_org),
            intermediary_organisation_id: Set(intermediary.and_then(|i| i.1)),
            signed_on: Set(r.signed_on),
            valid_from: Set(r.valid_from),
            valid_until: Set(r.valid_until),
            currency: Set(platform::fx::CNY.to_owned()),
            contract_amount_minor: Set(r.contract_amount),
            tech_amount_minor: Set(r.tech_amount),
            fx_rate_id: Set(None),
            fx_rate: Set(None),
            contract_amount_cny_minor: Set(r.contract_amount),
            tech_amount_cny_minor: Set(r.tech_amount),
            seller_country: Set(r.seller.country.clone()),
            seller_region_code: Set(r.seller.region.clone()),
            buyer_country: Set(r.buyer.country.clone()),
            buyer_region_code: Set(r.buyer.region.clone()),
            industry_code: Set(r.industry.clone()),
            ip_type: Set(None),
            achievement_id: Set(None),
            need_id: Set(None),
            status: Set(ContractStatus::Signed.as_str().to_owned()),
            created_by: Set(import.created_by),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
            seller_party_id: Set(Some(seller_party)),
            buyer_party_id: Set(Some(buyer_party)),
            intermediary_party_id: Set(intermediary.map(|i| i.0)),
            payment_method: Set(r.payment_method.map(|m| m.as_str().to_owned())),
            objectives: Set(r.objectives.clone()),
            voucher_paid_minor: Set(0),
        });
        let deduction = r
            .contract_amount
            .checked_sub(r.tech_amount)
            .ok_or_else(|| anyhow::anyhow!("row {}: amounts overflow", r.row_no))?;
        if deduction > 0 {
            line_rows.push(contract_cost_lines::ActiveModel {
                id: Set(new_uuid()),
                contract_id: Set(id),
                kind: Set("other".to_owned()),
                description: Set(
                    "非技术性费用（导入）non-technical deductions (imported)".to_owned()
                ),
                amount_minor: Set(deduction),
            });
        }
        let number = match &r.registration_number {
            Some(n) => n.clone(),
            None => {
                let year = r.registered_on.year();
                let seq = seqs.entry(year).or_insert(1);
                let (prefix, width, suffix) =
                    split_format(&config.registration_number_format, year);
                // Skip the numbers other rows of the file give explicitly.
                loop {
                    let n = format!("{prefix}{:0width$}{suffix}", *seq);
                    *seq += 1;
                    if !explicit.contains(n.as_str()) {
                        break n;
                    }
                }
            }
        };
        registration_rows.push(registrations::ActiveModel {
            id: Set(new_uuid()),
            contract_id: Set(id),
            status: Set(RegistrationStatus::Registered.as_str().to_owned()),
            registration_number: Set(Some(number)),
            office: Set(Some(office.name.clone())),
            registered_on: Set(Some(r.registered_on)),
            rejection_reason: Set(None),
            change_note: Set(None),
            submitted_by: Set(import.created_by),
            decided_by: Set(Some(import.created_by)),
            decided_at: Set(Some(at)),
            version: Set(1),
            created_at: Set(at),
            updated_at: Set(at),
            office_id: Set(Some(office.id)),
            decision: Set(Some(DecisionKind::Registered.as_str().to_owned())),
            decision_reasons: Set(None),
            verification_code: Set(Some(new_verification_code())),
        });
        months.insert(month_of(r.registered_on));
    }
    for chunk in contract_rows.chunks(INSERT_CHUNK) {
        contracts::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in line_rows.chunks(INSERT_CHUNK) {
        contract_cost_lines::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    for chunk in registration_rows.chunks(INSERT_CHUNK) {
        registrations::Entity::insert_many(chunk.to_vec())
            .exec_without_returning(txn)
            .await?;
    }
    audit_registrations(txn, import, rows, registration_rows).await?;
    enqueue(
        txn,
        &TurnoverChanged {
            months: months.into_iter().collect(),
        },
    )
    .await?;
    Ok(())
}
