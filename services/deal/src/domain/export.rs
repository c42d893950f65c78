//! Turnover figures as CSV (UTF-8 with BOM, so spreadsheet programs read Chinese labels) or
//! XLSX. Amounts are exact: fen as integers, yuan as decimal text.

use platform::error::{ApiError, ApiResult};
use rust_xlsxwriter::Workbook;

use super::stats::TurnoverOut;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// Reads `?format=` (default CSV).
    pub fn parse(raw: Option<&str>) -> ApiResult<Format> {
        match raw.unwrap_or("csv") {
            "csv" => Ok(Format::Csv),
            "xlsx" => Ok(Format::Xlsx),
            other => Err(ApiError::BadRequest(format!(
                "format: {other:?} is not csv or xlsx"
            ))),
        }
    }

    /// Media type of the file.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// File name extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }
}

/// Fen as yuan text: 12345 → "123.45".
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

fn table(out: &TurnoverOut) -> (Vec<String>, Vec<Vec<String>>) {
    let names: Vec<String> = out
        .group_by
        .iter()
        .map(|d| {
            serde_json::to_value(d)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default()
        })
        .collect();
    let mut header: Vec<String> = Vec::new();
    for name in &names {
        header.push(name.clone());
        header.push(format!("{name}_label"));
    }
    header.extend([
        "contract_count".to_owned(),
        "amount_cny".to_owned(),
        "amount_cny_fen".to_owned(),
    ]);
    let mut rows = Vec::new();
    for r in &out.rows {
        let mut row = Vec::new();
        for name in &names {
            row.push(r.keys.get(name).cloned().unwrap_or_default());
            row.push(r.labels.get(name).cloned().unwrap_or_default());
        }
        row.extend([
            r.contract_count.to_string(),
            yuan(r.amount_cny_minor),
            r.amount_cny_minor.to_string(),
        ]);
        rows.push(row);
    }
    let mut total = vec![String::new(); out.group_by.len() * 2];
    if let Some(first) = total.first_mut() {
        *first = "total".to_owned();
    }
    total.extend([
        out.total_contract_count.to_string(),
        yuan(out.total_amount_cny_minor),
        out.total_amount_cny_minor.to_string(),
    ]);
    rows.push(total);
    (header, rows)
}

/// Renders the figures in `format`.
pub fn render(out: &TurnoverOut, format: Format) -> ApiResult<Vec<u8>> {
    let (header, rows) = table(out);
    let count_col = header.len().saturating_sub(3);
    render_table(
        "turnover",
        &header,
        &rows,
        &[count_col, count_col + 2],
        format,
    )
}

/// Renders a header and rows in `format` (CSV with a BOM, or one XLSX sheet named `sheet`);
/// the columns in `numeric` are integers (counts, fen) and become numbers in XLSX when exact.
pub fn render_table(
    sheet_name: &str,
    header: &[String],
    rows: &[Vec<String>],
    numeric: &[usize],
    format: Format,
) -> ApiResult<Vec<u8>> {
    match format {
        Format::Csv => csv(header, rows),
        Format::Xlsx => xlsx(&[Sheet {
            name: sheet_name,
            header: header.to_vec(),
            rows: rows.to_vec(),
            numeric: numeric.to_vec(),
        }]),
    }
}

/// One worksheet: a header row, text rows, and which columns hold integers (counts, fen).
pub struct Sheet<'a> {
    pub name: &'a str,
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub numeric: Vec<usize>,
}

/// A CSV file (UTF-8 with BOM) of one table.
pub fn csv(header: &[String], rows: &[Vec<String>]) -> ApiResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(header)
        .map_err(|e| ApiError::Internal(e.into()))?;
    for r in rows {
        w.write_record(r)
            .map_err(|e| ApiError::Internal(e.into()))?;
    }
    w.into_inner()
        .map_err(|e| ApiError::Internal(anyhow::anyhow!("Failed to finish CSV: {e}")))
}

/// An XLSX workbook with one worksheet per [`Sheet`].
pub fn xlsx(sheets: &[Sheet<'_>]) -> ApiResult<Vec<u8>> {
    let mut book = Workbook::new();
    let err = |e: rust_xlsxwriter::XlsxError| {
        ApiError::Internal(anyhow::anyhow!("Failed to write XLSX: {e}"))
    };
    for s in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(s.name).map_err(err)?;
        for (c, h) in s.header.iter().enumerate() {
            sheet
                .write_string(0, u16::try_from(c).unwrap_or(u16::MAX), h)
                .map_err(err)?;
        }
        for (i, r) in s.rows.iter().enumerate() {
            let row = u32::try_from(i + 1).unwrap_or(u32::MAX);
            for (c, v) in r.iter().enumerate() {
                let col = u16::try_from(c).unwrap_or(u16::MAX);
                // Counts and fen are integers; below 2^53 a spreadsheet number is exact.
                let numeric = s
                    .numeric
                    .contains(&c)
                    .then(|| v.parse::<i64>().ok())
                    .flatten()
                    .filter(|n| n.unsigned_abs() < (1u64 << 53));
                match numeric {
                    #[expect(
                        clippy::cast_precision_loss,
                        reason = "checked to be below 2^53, so exact"
                    )]
                    Some(n) => sheet.write_number(row, col, n as f64).map_err(err)?,
                    None => sheet.write_string(row, col, v).map_err(err)?,
                };
            }
        }
    }
    book.save_to_buffer().map_err(err)
}
