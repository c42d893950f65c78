//! Bulk import of achievements or needs from the spreadsheets offices keep (XLSX or CSV,
//! headers in Chinese or English), run as a job with progress and a per-row error report.
//!
//! The caller chooses `all_or_nothing` (one bad row writes nothing) or `valid_rows_only`.
//! Either way the rows are written in one transaction together with the import's final state,
//! so a crash half-way leaves no partial import behind, and re-running the job is harmless.
//! Imported listings are drafts: owners submit them for review like any other.

use chrono::Utc;
use platform::auth::AuthUser;
use platform::entity::{achievements, imports, needs, organisations};
use platform::error::{ApiError, ApiResult, FieldError};
use platform::ids::new_uuid;
use platform::jobs::{enqueue, Job};
use platform::money::Currency;
use platform::taxonomy::{self, Term};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};
use uuid::Uuid;

use super::spreadsheet::cells::{self, parse_date, ColumnSpec};
use super::spreadsheet::{self, Format, Table};
use super::{achievements as ach, needs as nd};

/// Rows between progress updates.
const PROGRESS_EVERY: usize = 500;
/// Rows per INSERT statement.
const INSERT_CHUNK: usize = 200;
/// Most rows one import may carry.
pub const MAX_ROWS: usize = 50_000;

pub use wire::listing::{ImportOut, RowError};
pub use wire::{ImportKind, ImportMode, ImportStatus};

/// Reads a stored listing kind; anything but `needs` reads as achievements, as it always has.
fn import_kind_of(code: &str) -> ImportKind {
    if code == ImportKind::Needs.as_str() {
        ImportKind::Needs
    } else {
        ImportKind::Achievements
    }
}

/// Reads a stored mode; anything but `valid_rows_only` reads as all-or-nothing, as it always has.
fn import_mode_of(code: &str) -> ImportMode {
    if code == ImportMode::ValidRowsOnly.as_str() {
        ImportMode::ValidRowsOnly
    } else {
        ImportMode::AllOrNothing
    }
}

/// The columns a file of this kind holds.
fn columns_of(kind: ImportKind) -> &'static [Column] {
    match kind {
        ImportKind::Achievements => ACHIEVEMENT_COLUMNS,
        ImportKind::Needs => NEED_COLUMNS,
    }
}

/// A stored import with its per-row errors, as the API shows it.
pub fn import_out(m: imports::Model) -> ApiResult<ImportOut> {
    let errors = serde_json::from_value(m.errors).unwrap_or_default();
    let summary = ImportSummary {
        id: m.id,
        organisation_id: m.organisation_id,
        listing_kind: m.listing_kind,
        mode: m.mode,
        format: m.format,
        file_name: m.file_name,
        status: m.status,
        total_rows: m.total_rows,
        processed_rows: m.processed_rows,
        created_count: m.created_count,
        error_count: m.error_count,
        failure: m.failure,
        created_at: m.created_at,
        finished_at: m.finished_at,
    };
    Ok(ImportOut {
        errors,
        ..summary_out(summary)?
    })
}

/// Process the import with this id (queue `imports`).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ProcessImport {
    pub id: Uuid,
}

impl Job for ProcessImport {
    const NAME: &'static str = "process_import.v1";
    const QUEUE: &'static str = "imports";
}

/// How a cell turns into a JSON value of the listing input.
#[derive(Debug, Clone, Copy)]
enum Cell {
    Text,
    List,
    Int,
    Bool,
    Date,
    /// A code from a taxonomy, or one of its labels.
    Code(&'static [Term]),
    /// Several codes from a taxonomy, or their labels.
    Codes(&'static [Term]),
    Region,
    /// An amount in major units (元) that becomes minor units of the row's currency.
    Money,
    Currency,
}

/// A column of the import format.
#[derive(Debug)]
struct Column {
    field: &'static str,
    /// Canonical header (English) and Chinese header; exports use both.
    en: &'static str,
    zh: &'static str,
    aliases: &'static [&'static str],
    cell: Cell,
    required: bool,
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
    fn aliases(&self) -> &[&str] {
        self.aliases
    }
    fn required(&self) -> bool {
        self.required
    }
}

const fn col(
    field: &'static str,
    en: &'static str,
    zh: &'static str,
    aliases: &'static [&'static str],
    cell: Cell,
    required: bool,
) -> Column {
    Column {
        field,
        en,
        zh,
        aliases,
        cell,
        required,
    }
}

// The columns achievements and needs share, at the end of both templates.
const REGION: Column = col(
    "region_code",
    "region",
    "所在地区",
    &["地区", "region_code", "所在地"],
    Cell::Region,
    false,
);
const CROSS_BORDER: Column = col(
    "cross_border",
    "cross_border",
    "面向东盟",
    &["跨境", "跨境合作"],
    Cell::Bool,
    false,
);
const VALID_UNTIL: Column = col(
    "valid_until",
    "valid_until",
    "有效期至",
    &["有效期"],
    Cell::Date,
    false,
);
const LANGUAGE: Column = col(
    "language",
    "language",
    "语言",
    &[],
    Cell::Code(taxonomy::LANGUAGES),
    false,
);
const CONTACT_NAME: Column = col(
    "contact_name",
    "contact_name",
    "联系人",
    &[],
    Cell::Text,
    false,
);
const CONTACT_EMAIL: Column = col(
    "contact_email",
    "contact_email",
    "联系邮箱",
    &["邮箱", "电子邮箱"],
    Cell::Text,
    false,
);
const CONTACT_PHONE: Column = col(
    "contact_phone",
    "contact_phone",
    "联系电话",
    &["电话"],
    Cell::Text,
    false,
);

const ACHIEVEMENT_COLUMNS: &[Column] = &[
    col(
        "title",
        "title",
        "成果名称",
        &["标题", "名称"],
        Cell::Text,
        true,
    ),
    col(
        "summary",
        "summary",
        "成果简介",
        &["摘要", "简介"],
        Cell::Text,
        true,
    ),
    col(
        "description",
        "description",
        "详细介绍",
        &["描述", "详细描述", "成果介绍"],
        Cell::Text,
        false,
    ),
    col(
        "keywords",
        "keywords",
        "关键词",
        &["关键字"],
        Cell::List,
        false,
    ),
    col(
        "industry",
        "industry",
        "行业领域",
        &["行业", "领域", "所属领域"],
        Cell::Code(taxonomy::INDUSTRIES),
        true,
    ),
    col(
        "ipc_codes",
        "ipc_codes",
        "IPC分类号",
        &["ipc", "ipc分类"],
        Cell::List,
        false,
    ),
    col(
        "ip_type",
        "ip_type",
        "知识产权类型",
        &["ip类型", "产权类型"],
        Cell::Code(taxonomy::IP_TYPES),
        true,
    ),
    col(
        "ip_numbers",
        "ip_numbers",
        "专利号",
        &["知识产权编号", "专利号码"],
        Cell::List,
        false,
    ),
    col(
        "patent_status",
        "patent_status",
        "专利状态",
        &[],
        Cell::Code(taxonomy::PATENT_STATUSES),
        false,
    ),
    col(
        "trl",
        "trl",
        "技术成熟度",
        &["trl等级", "成熟度"],
        Cell::Int,
        true,
    ),
    col(
        "cooperation_modes",
        "cooperation_modes",
        "合作方式",
        &["转化方式"],
        Cell::Codes(taxonomy::COOPERATION_MODES),
        false,
    ),
    col(
        "price_min",
        "price_min",
        "最低价格（元）",
        &["价格下限", "最低价格"],
        Cell::Money,
        false,
    ),
    col(
        "price_max",
        "price_max",
        "最高价格（元）",
        &["价格上限", "最高价格"],
        Cell::Money,
        false,
    ),
    col(
        "currency",
        "currency",
        "币种",
        &["货币"],
        Cell::Currency,
        false,
    ),
    REGION,
    CROSS_BORDER,
    VALID_UNTIL,
    LANGUAGE,
    CONTACT_NAME,
    CONTACT_EMAIL,
    CONTACT_PHONE,
];

const NEED_COLUMNS: &[Column] = &[
    col(
        "title",
        "title",
        "需求名称",
        &["标题", "名称"],
        Cell::Text,
        true,
    ),
    col(
        "summary",
        "summary",
        "需求简介",
        &["摘要", "简介", "问题描述"],
        Cell::Text,
        true,
    ),
    col(
        "description",
        "description",
        "详细描述",
        &["描述", "详细介绍"],
        Cell::Text,
        false,
    ),
    col(
        "keywords",
        "keywords",
        "关键词",
        &["关键字"],
        Cell::List,
        false,
    ),
    col(
        "industry",
        "industry",
        "行业领域",
        &["行业", "领域", "所属领域"],
        Cell::Code(taxonomy::INDUSTRIES),
        true,
    ),
    col(
        "ipc_codes",
        "ipc_codes",
        "IPC分类号",
        &["ipc", "ipc分类"],
        Cell::List,
        false,
    ),
    col(
        "min_trl",
        "min_trl",
        "最低技术成熟度",
        &["最低成熟度"],
        Cell::Int,
        false,
    ),
    col(
        "budget_min",
        "budget_min",
        "预算下限（元）",
        &["最低预算"],
        Cell::Money,
        false,
    ),
    col(
        "budget_max",
        "budget_max",
        "预算上限（元）",
        &["最高预算"],
        Cell::Money,
        false,
    ),
    col(
        "currency",
        "currency",
        "币种",
        &["货币"],
        Cell::Currency,
        false,
    ),
    col(
        "cooperation_modes",
        "cooperation_modes",
        "合作方式",
        &[],
        Cell::Codes(taxonomy::COOPERATION_MODES),
        false,
    ),
    col(
        "deadline",
        "deadline",
        "截止日期",
        &["截止时间"],
        Cell::Date,
        false,
    ),
    REGION,
    CROSS_BORDER,
    VALID_UNTIL,
    LANGUAGE,
    CONTACT_NAME,
    CONTACT_EMAIL,
    CONTACT_PHONE,
];

/// `最低价格（元）` / `Price Min` / ` price_min ` all compare equal.
/// Which column of the file feeds which field; missing required columns are file errors.
fn map_headers(
    kind: ImportKind,
    headers: &[String],
) -> Result<Vec<Option<&'static Column>>, Vec<RowError>> {
    cells::map_headers(headers, columns_of(kind)).map_err(|missing| {
        missing
            .into_iter()
            .map(|c| RowError::missing_column(c.zh, c.en))
            .collect()
    })
}

fn split_list(s: &str) -> Vec<String> {
    s.split([';', '；', ',', '，', '、', '\n', '|'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

fn find_code(terms: &[Term], value: &str) -> Option<&'static str> {
    let v = value.trim();
    taxonomy_lookup(terms, v)
}

fn taxonomy_lookup(terms: &[Term], v: &str) -> Option<&'static str> {
    let lower = v.to_lowercase();
    // Terms are 'static data; find by code or by either label.
    terms
        .iter()
        .find(|t| {
            t.code == v
                || t.zh == v
                || t.en.to_lowercase() == lower
                || t.zh.split('（').next() == Some(v)
        })
        .map(|t| t.code)
}

fn region_code(value: &str) -> Option<String> {
    let v = value.trim();
    if let Some(code) = taxonomy_lookup(taxonomy::GUANGXI_CITIES, v)
        .or_else(|| taxonomy_lookup(taxonomy::PROVINCES, v))
    {
        return Some(code.to_owned());
    }
    // 柳州市 → 柳州
    if let Some(stripped) = v.strip_suffix('市') {
        if let Some(code) = taxonomy_lookup(taxonomy::GUANGXI_CITIES, stripped) {
            return Some(code.to_owned());
        }
    }
    if taxonomy::is_chinese_region(v) {
        return Some(v.to_owned());
    }
    taxonomy::ASEAN
        .iter()
        .find(|m| m.code.eq_ignore_ascii_case(v) || m.zh == v || m.en.eq_ignore_ascii_case(v))
        .map(|m| m.code.to_owned())
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_lowercase().as_str() {
        "是" | "y" | "yes" | "true" | "1" | "有" => Some(true),
        "否" | "n" | "no" | "false" | "0" | "无" => Some(false),
        _ => None,
    }
}

/// Minor units of `currency` from an amount in major units ("12.5", "1,200,000.00").
fn parse_money(v: &str, currency: &str) -> Result<i64, String> {
    let exponent = Currency::parse(currency).map_or(2, |c| c.exponent);
    spreadsheet::cells::parse_amount(v, exponent, currency)
}

/// One data row as listing-input JSON, or the cell errors found on the way.
fn row_to_json(
    row_no: usize,
    row: &[String],
    headers: &[String],
    mapping: &[Option<&'static Column>],
) -> Result<Value, Vec<RowError>> {
    let mut fields = Map::new();
    let mut errors = Vec::new();
    let cell_of = |field: &str| -> Option<(&str, &str)> {
        mapping.iter().enumerate().find_map(|(i, m)| {
            m.filter(|c| c.field == field).map(|_| {
                (
                    headers[i].as_str(),
                    row.get(i).map(String::as_str).unwrap_or(""),
                )
            })
        })
    };
    let currency = cell_of("currency")
        .map(|(_, v)| v.trim().to_uppercase())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "CNY".to_owned());
    let mut err = |column: &str, reason: String| {
        errors.push(RowError {
            row: row_no,
            column: column.to_owned(),
            reason,
        })
    };
    for (i, m) in mapping.iter().enumerate() {
        let Some(column) = m else { continue };
        let raw = row.get(i).map(String::as_str).unwrap_or("").trim();
        let header = headers[i].as_str();
        if raw.is_empty() {
            if column.required {
                err(header, "is required".to_owned());
            }
            continue;
        }
        let value = match column.cell {
            Cell::Text => Value::from(raw),
            Cell::List => json!(split_list(raw)),
            Cell::Int => match raw.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    err(header, "must be a whole number".to_owned());
                    continue;
                }
            },
            Cell::Bool => match parse_bool(raw) {
                Some(b) => Value::from(b),
                None => {
                    err(header, "must be 是/否 or yes/no".to_owned());
                    continue;
                }
            },
            Cell::Date => match parse_date(raw) {
                Some(d) => Value::from(d.to_string()),
                None => {
                    err(header, "must be a date such as 2026-12-31".to_owned());
                    continue;
                }
            },
            Cell::Code(terms) => match find_code(terms, raw) {
                Some(code) => Value::from(code),
                None => {
                    err(header, format!("{raw:?} is not a known value"));
                    continue;
                }
            },
            Cell::Codes(terms) => {
                let mut codes = Vec::new();
                for part in split_list(raw) {
                    match find_code(terms, &part) {
                        Some(code) => codes.push(code),
                        None => err(header, format!("{part:?} is not a known value")),
                    }
                }
                json!(codes)
            }
            Cell::Region => match region_code(raw) {
                Some(code) => Value::from(code),
                None => {
                    err(header, format!("{raw:?} is not a known region (a GB/T 2260 code, a city name or an ASEAN country)"));
                    continue;
                }
            },
            Cell::Money => match parse_money(raw, &currency) {
                Ok(minor) => Value::from(minor),
                Err(reason) => {
                    err(header, reason);
                    continue;
                }
            },
            Cell::Currency => Value::from(raw.to_uppercase()),
        };
        fields.insert(column.field.to_owned(), value);
    }
    // Money columns become the input's range object.
    let (min_key, max_key, range_key) =
        if fields.contains_key("budget_min") || fields.contains_key("budget_max") {
            ("budget_min", "budget_max", "budget")
        } else {
            ("price_min", "price_max", "price")
        };
    let min = fields.remove(min_key);
    let max = fields.remove(max_key);
    fields.remove("currency");
    if min.is_some() || max.is_some() {
        fields.insert(
            range_key.to_owned(),
            json!({"min_minor": min, "max_minor": max, "currency": currency}),
        );
    }
    // Region alone decides the country.
    if let Some(region) = fields.get("region_code").and_then(Value::as_str) {
        let country = if region.len() == 2 {
            region.to_owned()
        } else {
            "CN".to_owned()
        };
        fields.insert("country".to_owned(), Value::from(country));
    }
    fields
        .entry("language")
        .or_insert_with(|| Value::from("zh"));
    if errors.is_empty() {
        Ok(Value::Object(fields))
    } else {
        Err(errors)
    }
}

/// Maps a validation path (`price.min_minor`, `ipc_codes[2]`) to the column the file used.
fn column_for(path: &str, headers: &[String], mapping: &[Option<&'static Column>]) -> String {
    let root = path.split(['.', '[']).next().unwrap_or(path);
    let field = match (root, path) {
        ("price", p) if p.ends_with("max_minor") => "price_max",
        ("price", p) if p.ends_with("currency") => "currency",
        ("price", _) => "price_min",
        ("budget", p) if p.ends_with("max_minor") => "budget_max",
        ("budget", p) if p.ends_with("currency") => "currency",
        ("budget", _) => "budget_min",
        ("country", _) => "region_code",
        (r, _) => r,
    };
    mapping
        .iter()
        .enumerate()
        .find_map(|(i, m)| m.filter(|c| c.field == field).map(|_| headers[i].clone()))
        .unwrap_or_else(|| field.to_owned())
}

fn field_errors(
    row: usize,
    fields: Vec<FieldError>,
    headers: &[String],
    mapping: &[Option<&'static Column>],
) -> Vec<RowError> {
    fields
        .into_iter()
        .map(|f| RowError {
            row,
            column: column_for(&f.path, headers, mapping),
            reason: f.message,
        })
        .collect()
}

fn api_error_rows(
    row: usize,
    err: ApiError,
    headers: &[String],
    mapping: &[Option<&'static Column>],
) -> Vec<RowError> {
    match err {
        ApiError::Validation(fields) => field_errors(row, fields, headers, mapping),
        other => vec![RowError {
            row,
            column: String::new(),
            reason: other.to_string(),
        }],
    }
}

/// Creates an import for the caller's organisation and queues it.
#[tracing::instrument(skip_all)]
pub async fn start(
    db: &(impl ConnectionTrait + TransactionTrait),
    caller: &AuthUser,
    kind: ImportKind,
    mode: ImportMode,
    format: Format,
    file_name: &str,
    content: Vec<u8>,
) -> ApiResult<imports::Model> {
    let org = caller.require_organisation()?;
    if content.is_empty() {
        return Err(ApiError::field("(body)", "the file is empty"));
    }
    // The cheap checks now, so a file that is not what it claims, or a zip bomb, is refused at
    // once; the rows are read by the job. Off the async runtime: unpacking is CPU work.
    let (checked, content) = tokio::task::spawn_blocking(move || {
        let verdict = spreadsheet::check_upload(format, &content, &spreadsheet::Limits::default());
        (verdict, content)
    })
    .await
    .map_err(|e| ApiError::field("(body)", format!("the file could not be checked: {e}")))?;
    checked.map_err(|reason| ApiError::field("(body)", reason))?;
    let now = Utc::now();
    let txn = db.begin().await?;
    let model = imports::ActiveModel {
        id: Set(new_uuid()),
        organisation_id: Set(org.0),
        created_by: Set(caller.user_id.0),
        listing_kind: Set(kind.as_str().to_owned()),
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
        created_at: Set(now.into()),
        updated_at: Set(now.into()),
        finished_at: Set(None),
    }
    .insert(&txn)
    .await?;
    enqueue(&txn, &ProcessImport { id: model.id }).await?;
    txn.commit().await?;
    Ok(model)
}

/// Reads an import its organisation's members and operators may see.
#[tracing::instrument(skip_all, fields(import.id = %id))]
pub async fn find_visible(
    db: &impl ConnectionTrait,
    caller: &AuthUser,
    id: Uuid,
) -> ApiResult<imports::Model> {
    let m = imports::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found(format!("import {id}")))?;
    if caller.belongs_to(m.organisation_id.into())
        || platform::city_scope::operator_covers(db, Some(caller), m.organisation_id).await?
    {
        Ok(m)
    } else {
        Err(ApiError::not_found(format!("import {id}")))
    }
}

/// Most imports one list shows.
const LIST_LIMIT: u64 = 100;

/// An import as the list shows it: everything but the file and the per-row errors, which can
/// be megabytes each and are read one import at a time.
#[derive(Debug, Clone, sea_orm::FromQueryResult)]
pub struct ImportSummary {
    pub id: Uuid,
    pub organisation_id: Uuid,
    pub listing_kind: String,
    pub mode: String,
    pub format: String,
    pub file_name: String,
    pub status: String,
    pub total_rows: i32,
    pub processed_rows: i32,
    pub created_count: i32,
    pub error_count: i32,
    pub failure: Option<String>,
    pub created_at: chrono::DateTime<chrono::FixedOffset>,
    pub finished_at: Option<chrono::DateTime<chrono::FixedOffset>>,
}

/// A listed import as the API shows it (without its per-row errors).
pub fn summary_out(m: ImportSummary) -> ApiResult<ImportOut> {
    Ok(ImportOut {
        id: m.id,
        organisation_id: m.organisation_id,
        kind: import_kind_of(&m.listing_kind),
        mode: import_mode_of(&m.mode),
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
}

/// The caller's organisation's latest imports, newest first, without their files and row
/// errors (`GET /api/v1/imports/{id}` has those).
#[tracing::instrument(skip_all)]
pub async fn list(db: &impl ConnectionTrait, caller: &AuthUser) -> ApiResult<Vec<ImportSummary>> {
    use sea_orm::QuerySelect;
    let org = caller.require_organisation()?;
    use imports::Column as C;
    let query = imports::Entity::find()
        .select_only()
        .columns([
            C::Id,
            C::OrganisationId,
            C::ListingKind,
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
            C::FinishedAt,
        ])
        .filter(C::OrganisationId.eq(org.0))
        .order_by_desc(C::CreatedAt)
        .limit(LIST_LIMIT);
    Ok(query.into_model::<ImportSummary>().all(db).await?)
}

async fn set_progress(
    db: &impl ConnectionTrait,
    id: Uuid,
    status: &str,
    total: usize,
    processed: usize,
) -> anyhow::Result<()> {
    imports::Entity::update_many()
        .col_expr(
            imports::Column::Status,
            sea_orm::sea_query::Expr::value(status),
        )
        .col_expr(
            imports::Column::TotalRows,
            sea_orm::sea_query::Expr::value(i32::try_from(total)?),
        )
        .col_expr(
            imports::Column::ProcessedRows,
            sea_orm::sea_query::Expr::value(i32::try_from(processed)?),
        )
        .filter(imports::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}

/// Validated rows, ready to insert.
enum Rows {
    Achievements(Vec<achievements::ActiveModel>),
    Needs(Vec<needs::ActiveModel>),
}

/// Runs an import: parse, validate every row, then write in one transaction with the final
/// state. `progress(processed, total)` reports validation progress. Idempotent: an import
/// that already finished is left as it is.
#[tracing::instrument(skip_all, fields(import.id = %id))]
pub async fn process(
    db: &(impl ConnectionTrait + TransactionTrait),
    id: Uuid,
    progress: impl FnMut(usize, usize),
) -> anyhow::Result<ImportOut> {
    let done = run_import(db, id, progress).await?;
    import_out(done).map_err(|e| anyhow::anyhow!("import {id} finished with {e}"))
}

/// The work of [`process`], ending with the stored import.
async fn run_import(
    db: &(impl ConnectionTrait + TransactionTrait),
    id: Uuid,
    mut progress: impl FnMut(usize, usize),
) -> anyhow::Result<imports::Model> {
    let Some(mut import) = imports::Entity::find_by_id(id).one(db).await? else {
        anyhow::bail!("import {id} does not exist");
    };
    if matches!(
        ImportStatus::parse(&import.status),
        Some(ImportStatus::Succeeded | ImportStatus::Failed)
    ) {
        return Ok(import);
    }
    let kind = import_kind_of(&import.listing_kind);
    let mode = import_mode_of(&import.mode);
    let format = Format::parse(&import.format).unwrap_or(Format::Csv);
    let Some(org) = organisations::Entity::find_by_id(import.organisation_id)
        .one(db)
        .await?
    else {
        anyhow::bail!("organisation of import {id} no longer exists");
    };
    // Parsing is CPU work on an untrusted file: off the async runtime, and a reader that
    // panics fails this import with a reason instead of failing the job again and again.
    // The file moves to the parser (up to the upload limit; no second copy): nothing after
    // reads it, and finishing drops it from the row.
    let content = std::mem::take(&mut import.content);
    let limits = spreadsheet::Limits {
        max_rows: MAX_ROWS,
        ..spreadsheet::Limits::default()
    };
    let parsed =
        tokio::task::spawn_blocking(move || spreadsheet::read_with(format, &content, &limits))
            .await
            .unwrap_or_else(|e| Err(format!("the file could not be read ({e})")));
    let table: Table = match parsed {
        Ok(t) => t,
        Err(reason) => {
            return finish(
                db,
                &import,
                0,
                vec![RowError {
                    row: 1,
                    column: String::new(),
                    reason,
                }],
                Some("the file cannot be read".to_owned()),
            )
            .await
        }
    };
    let total = table.rows.len();
    let mapping = match map_headers(kind, &table.headers) {
        Ok(m) => m,
        Err(errors) => {
            return finish(
                db,
                &import,
                total,
                errors,
                Some("required columns are missing".to_owned()),
            )
            .await
        }
    };
    set_progress(db, id, ImportStatus::Running.as_str(), total, 0).await?;
    let mut errors: Vec<RowError> = Vec::new();
    let mut achievement_rows = Vec::new();
    let mut need_rows = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let row_no = i + 2;
        if row.iter().all(String::is_empty) {
            continue;
        }
        match row_to_json(row_no, row, &table.headers, &mapping) {
            Err(e) => errors.extend(e),
            Ok(value) => match kind {
                ImportKind::Achievements => {
                    match serde_json::from_value::<ach::AchievementIn>(value) {
                        Err(e) => errors.push(RowError {
                            row: row_no,
                            column: String::new(),
                            reason: e.to_string(),
                        }),
                        Ok(input) => match ach::validate(&input, &org) {
                            Ok((country, region)) => achievement_rows.push(ach::draft_model(
                                org.id,
                                import.created_by,
                                &input,
                                country,
                                region,
                            )),
                            Err(e) => {
                                errors.extend(api_error_rows(row_no, e, &table.headers, &mapping))
                            }
                        },
                    }
                }
                ImportKind::Needs => match serde_json::from_value::<nd::NeedIn>(value) {
                    Err(e) => errors.push(RowError {
                        row: row_no,
                        column: String::new(),
                        reason: e.to_string(),
                    }),
                    Ok(input) => match nd::validate(&input, &org) {
                        Ok((country, region)) => need_rows.push(nd::draft_model(
                            org.id,
                            import.created_by,
                            &input,
                            country,
                            region,
                        )),
                        Err(e) => {
                            errors.extend(api_error_rows(row_no, e, &table.headers, &mapping))
                        }
                    },
                },
            },
        }
        if (i + 1) % PROGRESS_EVERY == 0 {
            set_progress(db, id, ImportStatus::Running.as_str(), total, i + 1).await?;
            progress(i + 1, total);
        }
    }
    progress(total, total);
    let rows = match kind {
        ImportKind::Achievements => Rows::Achievements(achievement_rows),
        ImportKind::Needs => Rows::Needs(need_rows),
    };
    let write = errors.is_empty() || mode == ImportMode::ValidRowsOnly;
    let rows = if write {
        rows
    } else {
        Rows::Achievements(Vec::new())
    };
    let failure = (!write).then(|| {
        format!(
            "{} bad cells; nothing was imported (all-or-nothing)",
            errors.len()
        )
    });
    finish_with_rows(db, &import, total, rows, errors, failure).await
}

/// Ends an import that writes no rows (unreadable file, missing columns).
async fn finish(
    db: &(impl ConnectionTrait + TransactionTrait),
    import: &imports::Model,
    total: usize,
    errors: Vec<RowError>,
    failure: Option<String>,
) -> anyhow::Result<imports::Model> {
    finish_with_rows(
        db,
        import,
        total,
        Rows::Achievements(Vec::new()),
        errors,
        failure,
    )
    .await
}

async fn finish_with_rows(
    db: &(impl ConnectionTrait + TransactionTrait),
    import: &imports::Model,
    total: usize,
    rows: Rows,
    errors: Vec<RowError>,
    failure: Option<String>,
) -> anyhow::Result<imports::Model> {
    let txn = db.begin().await?;
    let status = if failure.is_some() {
        ImportStatus::Failed.as_str()
    } else {
        ImportStatus::Succeeded.as_str()
    };
    let now = Utc::now();
    // The final state first, and only from an unfinished state: the row lock this takes makes a
    // second run of the same import (a doubled job) wait here and then find it finished, so
    // rows are never written twice. The file itself is dropped: its rows are written or
    // reported now, and an office's spreadsheet is not ours to keep.
    let claimed = imports::Entity::update_many()
        .col_expr(imports::Column::Status, Expr::value(status))
        .col_expr(
            imports::Column::TotalRows,
            Expr::value(i32::try_from(total)?),
        )
        .col_expr(
            imports::Column::ProcessedRows,
            Expr::value(i32::try_from(total)?),
        )
        .col_expr(
            imports::Column::ErrorCount,
            Expr::value(i32::try_from(errors.len())?),
        )
        .col_expr(
            imports::Column::Errors,
            Expr::value(serde_json::to_value(&errors)?),
        )
        .col_expr(imports::Column::Failure, Expr::value(failure.clone()))
        .col_expr(imports::Column::Content, Expr::value(Vec::<u8>::new()))
        .col_expr(
            imports::Column::UpdatedAt,
            Expr::value(chrono::DateTime::<chrono::FixedOffset>::from(now)),
        )
        .col_expr(
            imports::Column::FinishedAt,
            Expr::value(Some(chrono::DateTime::<chrono::FixedOffset>::from(now))),
        )
        .filter(imports::Column::Id.eq(import.id))
        .filter(imports::Column::Status.is_not_in([
            ImportStatus::Succeeded.as_str(),
            ImportStatus::Failed.as_str(),
        ]))
        .exec(&txn)
        .await?;
    if claimed.rows_affected == 0 {
        txn.rollback().await?;
        return imports::Entity::find_by_id(import.id)
            .one(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("import {} vanished", import.id));
    }
    let created = match rows {
        Rows::Achievements(models) => {
            let n = models.len();
            for chunk in models.chunks(INSERT_CHUNK) {
                achievements::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(&txn)
                    .await?;
            }
            n
        }
        Rows::Needs(models) => {
            let n = models.len();
            for chunk in models.chunks(INSERT_CHUNK) {
                needs::Entity::insert_many(chunk.to_vec())
                    .exec_without_returning(&txn)
                    .await?;
            }
            n
        }
    };
    imports::Entity::update_many()
        .col_expr(
            imports::Column::CreatedCount,
            Expr::value(i32::try_from(created)?),
        )
        .filter(imports::Column::Id.eq(import.id))
        .exec(&txn)
        .await?;
    let updated = imports::Entity::find_by_id(import.id)
        .one(&txn)
        .await?
        .ok_or_else(|| anyhow::anyhow!("import {} vanished", import.id))?;
    platform::audit::AuditEntry { actor: None, service: crate::SERVICE, action: "import.finish", entity_type: "import", entity_id: import.id }
        .record(&txn, None::<&()>, Some(&json!({"status": status, "created": created, "errors": updated.error_count, "created_by": import.created_by})))
        .await?;
    txn.commit().await?;
    Ok(updated)
}

/// The import format's header row for `kind`, Chinese or English, for templates and exports.
pub fn headers(kind: ImportKind, chinese: bool) -> Vec<String> {
    columns_of(kind)
        .iter()
        .map(|c| {
            if chinese {
                c.zh.to_owned()
            } else {
                c.en.to_owned()
            }
        })
        .collect()
}

fn money_text(minor: Option<i64>, currency: Option<&str>) -> String {
    match (minor, currency) {
        (Some(m), Some(c)) => platform::money::Money::new(m, c)
            .to_major()
            .map(|d| d.to_string())
            .unwrap_or_default(),
        _ => String::new(),
    }
}

/// An organisation's listings as a table in the import format (so exports re-import).
#[tracing::instrument(skip_all)]
pub async fn export(
    db: &impl ConnectionTrait,
    kind: ImportKind,
    organisation_id: Uuid,
    chinese: bool,
) -> anyhow::Result<Table> {
    use super::listings::strings;
    let join = |v: &Value| strings(v).join("; ");
    let mut rows = Vec::new();
    match kind {
        ImportKind::Achievements => {
            for m in achievements::Entity::find()
                .filter(achievements::Column::OrganisationId.eq(organisation_id))
                .order_by_asc(achievements::Column::CreatedAt)
                .all(db)
                .await?
            {
                rows.push(vec![
                    m.title.clone(),
                    m.summary.clone(),
                    m.description.clone(),
                    join(&m.keywords),
                    m.industry_code.clone(),
                    join(&m.ipc_codes),
                    m.ip_type.clone(),
                    join(&m.ip_numbers),
                    m.patent_status.clone().unwrap_or_default(),
                    m.trl.to_string(),
                    join(&m.cooperation_modes),
                    money_text(m.price_min_minor, m.currency.as_deref()),
                    money_text(m.price_max_minor, m.currency.as_deref()),
                    m.currency.clone().unwrap_or_default(),
                    m.region_code.clone(),
                    if m.cross_border { "yes" } else { "no" }.to_owned(),
                    m.valid_until.map(|d| d.to_string()).unwrap_or_default(),
                    m.original_language.clone(),
                    m.contact_name.clone().unwrap_or_default(),
                    m.contact_email.clone().unwrap_or_default(),
                    m.contact_phone.clone().unwrap_or_default(),
                ]);
            }
        }
        ImportKind::Needs => {
            for m in needs::Entity::find()
                .filter(needs::Column::OrganisationId.eq(organisation_id))
                .order_by_asc(needs::Column::CreatedAt)
                .all(db)
                .await?
            {
                rows.push(vec![
                    m.title.clone(),
                    m.summary.clone(),
                    m.description.clone(),
                    join(&m.keywords),
                    m.industry_code.clone(),
                    join(&m.ipc_codes),
                    m.min_trl.to_string(),
                    money_text(m.budget_min_minor, m.currency.as_deref()),
                    money_text(m.budget_max_minor, m.currency.as_deref()),
                    m.currency.clone().unwrap_or_default(),
                    join(&m.cooperation_modes),
                    m.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    m.region_code.clone(),
                    if m.cross_border { "yes" } else { "no" }.to_owned(),
                    m.valid_until.map(|d| d.to_string()).unwrap_or_default(),
                    m.original_language.clone(),
                    m.contact_name.clone().unwrap_or_default(),
                    m.contact_email.clone().unwrap_or_default(),
                    m.contact_phone.clone().unwrap_or_default(),
                ]);
            }
        }
    }
    Ok(Table {
        headers: headers(kind, chinese),
        rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn headers_match_in_chinese_english_and_with_units() {
        let headers: Vec<String> = [
            "成果名称",
            "Summary",
            "行业",
            "知识产权类型",
            "技术成熟度",
            "最低价格(元)",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        let mapping =
            map_headers(ImportKind::Achievements, &headers).expect("all required present");
        let fields: Vec<&str> = mapping.iter().map(|m| m.map_or("?", |c| c.field)).collect();
        assert_eq!(
            fields,
            vec![
                "title",
                "summary",
                "industry",
                "ip_type",
                "trl",
                "price_min"
            ]
        );
        let missing =
            map_headers(ImportKind::Achievements, &headers[..2]).expect_err("industry missing");
        assert!(missing.iter().any(|e| e.column.contains("industry")));
    }

    #[test]
    fn cells_take_labels_and_units() {
        assert_eq!(
            find_code(taxonomy::INDUSTRIES, "现代农业"),
            Some("modern_agriculture")
        );
        assert_eq!(
            find_code(taxonomy::INDUSTRIES, "Modern agriculture"),
            Some("modern_agriculture")
        );
        assert_eq!(region_code("柳州市").as_deref(), Some("450200"));
        assert_eq!(region_code("Vietnam").as_deref(), Some("VN"));
        assert_eq!(parse_money("1,200,000.50", "CNY"), Ok(120_000_050));
        assert!(parse_money("1.005", "CNY").is_err());
        assert_eq!(parse_money("15000000", "VND"), Ok(15_000_000));
        assert_eq!(
            parse_date("2027年3月1日"),
            NaiveDate::from_ymd_opt(2027, 3, 1)
        );
    }
}
