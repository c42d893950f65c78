//! Reading and writing the spreadsheets offices keep their lists in: CSV (UTF-8, or GB18030 as
//! Excel on Chinese Windows saves it) and XLSX (the first worksheet).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

/// A sheet as text: a header row and data rows, every cell a trimmed string.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

/// The file formats we read and write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    /// Guesses from a `Content-Type` and, failing that, a file name.
    pub fn detect(content_type: Option<&str>, file_name: &str) -> Option<Format> {
        let mime = content_type.unwrap_or("").split(';').next().unwrap_or("").trim();
        match mime {
            "text/csv" | "application/csv" => return Some(Format::Csv),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => return Some(Format::Xlsx),
            _ => {}
        }
        let lower = file_name.to_lowercase();
        if lower.ends_with(".csv") {
            Some(Format::Csv)
        } else if lower.ends_with(".xlsx") {
            Some(Format::Xlsx)
        } else {
            None
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

/// Reads a whole file; the error says what is wrong with the file as a whole.
pub fn read(format: Format, bytes: &[u8]) -> Result<Table, String> {
    let mut rows = match format {
        Format::Csv => read_csv(bytes)?,
        Format::Xlsx => read_xlsx(bytes)?,
    };
    // Trailing rows left blank in a spreadsheet are not data.
    while rows.last().is_some_and(|r| r.iter().all(String::is_empty)) {
        rows.pop();
    }
    if rows.is_empty() {
        return Err("the file is empty: the first row must name the columns".to_owned());
    }
    let headers = rows.remove(0);
    Ok(Table { headers, rows })
}

fn read_csv(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t.to_owned(),
        Err(_) => {
            let (decoded, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err("the CSV file is neither UTF-8 nor GB18030 text".to_owned());
            }
            decoded.into_owned()
        }
    };
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("row {}: unreadable CSV: {e}", i + 1))?;
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(rows)
}

fn read_xlsx(bytes: &[u8]) -> Result<Vec<Vec<String>>, String> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|e| format!("not a readable XLSX file: {e}"))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or_else(|| "the workbook has no worksheet".to_owned())?
        .map_err(|e| format!("the first worksheet cannot be read: {e}"))?;
    Ok(range.rows().map(|row| row.iter().map(cell_text).collect()).collect())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            // Whole numbers typed into Excel arrive as floats: 6.0 means 6.
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(d) => d.date().to_string(),
            None => dt.to_string(),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Writes a table in `format`.
pub fn write(format: Format, table: &Table) -> anyhow::Result<Vec<u8>> {
    match format {
        Format::Csv => {
            // A BOM so that Excel opens UTF-8 Chinese text correctly.
            let mut out = b"\xEF\xBB\xBF".to_vec();
            {
                let mut writer = csv::Writer::from_writer(&mut out);
                writer.write_record(&table.headers)?;
                for row in &table.rows {
                    writer.write_record(row)?;
                }
                writer.flush()?;
            }
            Ok(out)
        }
        Format::Xlsx => {
            let mut workbook = rust_xlsxwriter::Workbook::new();
            let sheet = workbook.add_worksheet();
            let bold = rust_xlsxwriter::Format::new().set_bold();
            for (c, h) in table.headers.iter().enumerate() {
                sheet.write_string_with_format(0, u16::try_from(c)?, h, &bold)?;
            }
            for (r, row) in table.rows.iter().enumerate() {
                for (c, value) in row.iter().enumerate() {
                    sheet.write_string(u32::try_from(r + 1)?, u16::try_from(c)?, value)?;
                }
            }
            Ok(workbook.save_to_buffer()?)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_and_xlsx_round_trip() {
        let table = Table {
            headers: vec!["标题".into(), "trl".into()],
            rows: vec![vec!["甘蔗收割机".into(), "6".into()], vec!["碳酸钙".into(), "8".into()]],
        };
        for format in [Format::Csv, Format::Xlsx] {
            let bytes = write(format, &table).expect("write");
            assert_eq!(read(format, &bytes).expect("read"), table, "{format:?}");
        }
    }

    #[test]
    fn gb18030_csv_from_chinese_excel_is_read() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("标题,trl\n甘蔗收割机,6\n");
        let table = read(Format::Csv, &bytes).expect("read");
        assert_eq!(table.rows[0][0], "甘蔗收割机");
    }
}
