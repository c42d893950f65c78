//! Reading and writing the spreadsheets offices keep their lists in: CSV (UTF-8, or GB18030 as
//! Excel on Chinese Windows saves it) and XLSX (the first worksheet).
//!
//! Any organisation can upload, so reading is built for hostile files: cells are streamed, not
//! laid out by the extent a sheet declares; an archive is unpacked within a byte cap before it
//! is parsed; rows and columns are capped while reading, not after (see [`Limits`]).

pub mod cells;

use std::io::{Cursor, Read};

use calamine::{DataRef, Reader, Xlsx};

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
        let mime = content_type
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim();
        match mime {
            "text/csv" | "application/csv" => return Some(Format::Csv),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
                return Some(Format::Xlsx)
            }
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

/// Caps on what one uploaded file may hold. A file beyond any of them is refused whole, with
/// the reason, before it can cost more than these bounds in memory or time: a 1 KB XLSX can
/// declare a sheet of 17 billion cells, and a small zip can unpack to gigabytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Data rows (the header row aside).
    pub max_rows: usize,
    /// Columns of any row: the import format has about twenty, offices add a few of their own
    /// (序号, notes), nobody needs hundreds.
    pub max_columns: usize,
    /// XLSX: bytes of all the archive's parts once unpacked.
    pub max_unpacked_bytes: u64,
    /// XLSX: parts in the archive.
    pub max_parts: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_rows: 50_000,
            max_columns: 64,
            max_unpacked_bytes: 256 * 1024 * 1024,
            max_parts: 2_000,
        }
    }
}

/// Reads a whole file within the default [`Limits`]; the error says what is wrong with the
/// file as a whole.
pub fn read(format: Format, bytes: &[u8]) -> Result<Table, String> {
    read_with(format, bytes, &Limits::default())
}

/// Reads a whole file within `limits`. CPU-bound: call it off the async runtime.
pub fn read_with(format: Format, bytes: &[u8], limits: &Limits) -> Result<Table, String> {
    let mut rows = match format {
        Format::Csv => read_csv(bytes, limits)?,
        Format::Xlsx => read_xlsx(bytes, limits)?,
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

/// The checks that cost little, for an upload before it is accepted: the bytes are of the
/// format claimed and, for XLSX, the archive stays within the unpacked-size cap. The rows are
/// read later, by the import job.
pub fn check_upload(format: Format, bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let looks_zipped = bytes.starts_with(ZIP_MAGIC);
    match format {
        Format::Xlsx if !looks_zipped => Err(
            "this is not an XLSX file: an XLSX file is a zip archive, and this one is not"
                .to_owned(),
        ),
        Format::Xlsx => {
            check_archive(bytes, limits)?;
            scan_first_sheet(bytes, limits, Scan::DeclaredExtentOnly).map(|_| ())
        }
        Format::Csv if looks_zipped => Err(
            "this is not a CSV file: it is a zip archive (an XLSX file?); upload it as .xlsx"
                .to_owned(),
        ),
        Format::Csv => csv_text(bytes).map(|_| ()),
    }
}

/// How every zip archive (and so every XLSX file) begins.
const ZIP_MAGIC: &[u8] = b"PK\x03\x04";

fn too_many_rows(limits: &Limits) -> String {
    format!(
        "the file has more than {} data rows; at most {} per import",
        limits.max_rows, limits.max_rows
    )
}

fn too_many_columns(limits: &Limits) -> String {
    format!(
        "the file has more than {} columns; the import format has about twenty",
        limits.max_columns
    )
}

/// The CSV bytes as text: UTF-8 (with or without a BOM), or GB18030 as Excel on Chinese
/// Windows saves it. Text has no NUL bytes; a file with them is something else renamed.
fn csv_text(bytes: &[u8]) -> Result<std::borrow::Cow<'_, str>, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if bytes.contains(&0) {
        return Err("this is not a CSV file: it contains binary data".to_owned());
    }
    match std::str::from_utf8(bytes) {
        Ok(t) => Ok(std::borrow::Cow::Borrowed(t)),
        Err(_) => {
            let (decoded, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err("the CSV file is neither UTF-8 nor GB18030 text".to_owned());
            }
            Ok(decoded)
        }
    }
}

/// Records one at a time, so a file of a million rows stops at the cap instead of being
/// parsed whole first.
fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<String>>, String> {
    let text = csv_text(bytes)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => return Err(format!("row {}: unreadable CSV: {e}", rows.len() + 1)),
        }
        // The header row plus `max_rows` data rows.
        if rows.len() > limits.max_rows {
            return Err(too_many_rows(limits));
        }
        if record.len() > limits.max_columns {
            return Err(too_many_columns(limits));
        }
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(rows)
}

/// Unpacks every part of the archive once, counting, and stops at the cap: the sizes an
/// archive declares can lie, so only bytes actually inflated are trusted.
fn check_archive(bytes: &[u8], limits: &Limits) -> Result<(), String> {
    let unreadable = |e: &dyn std::fmt::Display| format!("not a readable XLSX file: {e}");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    if archive.len() > limits.max_parts {
        return Err(format!(
            "the XLSX file has {} parts; a spreadsheet has a few dozen",
            archive.len()
        ));
    }
    let mut unpacked: u64 = 0;
    for i in 0..archive.len() {
        let part = archive.by_index(i).map_err(|e| unreadable(&e))?;
        let allowance = limits.max_unpacked_bytes.saturating_sub(unpacked);
        let n = std::io::copy(
            &mut part.take(allowance.saturating_add(1)),
            &mut std::io::sink(),
        )
        .map_err(|e| unreadable(&e))?;
        unpacked = unpacked.saturating_add(n);
        if unpacked > limits.max_unpacked_bytes {
            return Err(format!(
                "the XLSX file unpacks to more than {} MiB; split it into smaller files",
                limits.max_unpacked_bytes / (1024 * 1024)
            ));
        }
    }
    Ok(())
}

/// 0-based row and column as a spreadsheet names a cell (`XFD1048576`).
fn cell_name(row: u32, col: u32) -> String {
    let mut letters = Vec::new();
    let mut c = col + 1;
    while c > 0 {
        let rem = u8::try_from((c - 1) % 26).unwrap_or(0);
        letters.push(char::from(b'A' + rem));
        c = (c - 1) / 26;
    }
    letters.iter().rev().collect::<String>() + &(u64::from(row) + 1).to_string()
}

/// Refuses a cell (declared or present) beyond the caps, naming it.
fn check_extent(row: u32, col: u32, limits: &Limits, what: &str) -> Result<(), String> {
    let row_ok = usize::try_from(row).is_ok_and(|r| r <= limits.max_rows);
    let col_ok = usize::try_from(col).is_ok_and(|c| c < limits.max_columns);
    if row_ok && col_ok {
        return Ok(());
    }
    Err(format!(
        "the sheet {what} cell {}, beyond what an import takes ({} data rows, {} columns)",
        cell_name(row, col),
        limits.max_rows,
        limits.max_columns
    ))
}

/// Streams the first worksheet's cells. calamine's `worksheet_range` would allocate the
/// declared rows × columns up front; the cell reader holds only the cells that are there.
fn read_xlsx(bytes: &[u8], limits: &Limits) -> Result<Vec<Vec<String>>, String> {
    check_archive(bytes, limits)?;
    scan_first_sheet(bytes, limits, Scan::Cells)
}

/// How far [`scan_first_sheet`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scan {
    /// Only the extent the sheet declares (cheap: the upload check).
    DeclaredExtentOnly,
    /// Every cell.
    Cells,
}

/// Opens the workbook (which reads its shared strings, within the unpacked cap already
/// checked) and reads the first worksheet as far as `scan` says.
fn scan_first_sheet(bytes: &[u8], limits: &Limits, scan: Scan) -> Result<Vec<Vec<String>>, String> {
    let mut workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| format!("not a readable XLSX file: {e}"))?;
    let first = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| "the workbook has no worksheet".to_owned())?;
    let mut cells = workbook
        .worksheet_cells_reader(&first)
        .map_err(|e| format!("the first worksheet cannot be read: {e}"))?;
    let declared = cells.dimensions();
    check_extent(declared.end.0, declared.end.1, limits, "declares")?;
    if scan == Scan::DeclaredExtentOnly {
        return Ok(Vec::new());
    }
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = cells
        .next_cell()
        .map_err(|e| format!("the first worksheet cannot be read: {e}"))?
    {
        let (row, col) = cell.get_position();
        check_extent(row, col, limits, "has")?;
        let text = cell_text(cell.get_value());
        if text.is_empty() {
            continue;
        }
        // Both fit: check_extent bounded them by the caps.
        let (r, c) = (
            usize::try_from(row).unwrap_or(0),
            usize::try_from(col).unwrap_or(0),
        );
        if rows.len() <= r {
            rows.resize_with(r + 1, Vec::new);
        }
        let cells_of_row = &mut rows[r];
        if cells_of_row.len() <= c {
            cells_of_row.resize(c + 1, String::new());
        }
        cells_of_row[c] = text;
    }
    Ok(rows)
}

fn cell_text(cell: &DataRef<'_>) -> String {
    match cell {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.trim().to_owned(),
        DataRef::SharedString(s) => s.trim().to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => {
            // Whole numbers typed into Excel arrive as floats: 6.0 means 6.
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{f:.0}")
            } else {
                f.to_string()
            }
        }
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(dt) => match dt.as_datetime() {
            Some(d) => d.date().to_string(),
            None => dt.to_string(),
        },
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.chars().take(10).collect(),
        DataRef::Error(e) => format!("#{e:?}"),
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
            rows: vec![
                vec!["甘蔗收割机".into(), "6".into()],
                vec!["碳酸钙".into(), "8".into()],
            ],
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

    fn small() -> Limits {
        Limits {
            max_rows: 10,
            max_columns: 8,
            max_unpacked_bytes: 64 * 1024,
            max_parts: 20,
        }
    }

    /// An XLSX with cells at the given places (0-based row, column).
    fn sheet_with(cells: &[(u32, u16)]) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (r, c) in cells {
            sheet.write_string(*r, *c, "x").expect("cell");
        }
        workbook.save_to_buffer().expect("xlsx")
    }

    /// Rewrites one part of a zip archive.
    fn rewrite_part(xlsx: &[u8], name: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
        use std::io::Write;
        let mut archive = zip::ZipArchive::new(Cursor::new(xlsx)).expect("zip");
        let mut out = Cursor::new(Vec::new());
        let mut writer = zip::ZipWriter::new(&mut out);
        for i in 0..archive.len() {
            let mut part = archive.by_index(i).expect("part");
            let part_name = part.name().to_owned();
            let mut text = String::new();
            part.read_to_string(&mut text).expect("text part");
            if part_name == name {
                text = edit(text);
            }
            writer
                .start_file(part_name, zip::write::SimpleFileOptions::default())
                .expect("start");
            writer.write_all(text.as_bytes()).expect("write");
        }
        writer.finish().expect("finish");
        out.into_inner()
    }

    #[test]
    fn a_sheet_declaring_cells_beyond_the_caps_is_refused_without_laying_them_out() {
        let bomb = sheet_with(&[(0, 0), (1_048_575, 16_383)]);
        let err = read(Format::Xlsx, &bomb).expect_err("refused");
        assert!(err.contains("declares cell XFD1048576"), "{err}");
        let at_upload =
            check_upload(Format::Xlsx, &bomb, &Limits::default()).expect_err("refused at upload");
        assert!(at_upload.contains("XFD1048576"), "{at_upload}");
    }

    #[test]
    fn a_cell_beyond_the_caps_is_refused_even_when_the_sheet_declares_no_extent() {
        let bomb = sheet_with(&[(0, 0), (500, 2)]);
        let undeclared = rewrite_part(&bomb, "xl/worksheets/sheet1.xml", |xml| {
            let start = xml.find("<dimension").expect("dimension");
            let end = start + xml[start..].find("/>").expect("end") + 2;
            format!("{}{}", &xml[..start], &xml[end..])
        });
        let err = read_with(Format::Xlsx, &undeclared, &small()).expect_err("refused");
        assert!(err.contains("has cell C501"), "{err}");
        let wide = sheet_with(&[(0, 0), (1, 20)]);
        assert!(read_with(Format::Xlsx, &wide, &small())
            .expect_err("too wide")
            .contains("U2"));
    }

    #[test]
    fn an_archive_unpacking_beyond_the_cap_is_refused() {
        let big = sheet_with(&(0..200).map(|r| (r, 0)).collect::<Vec<_>>());
        let padded = rewrite_part(&big, "xl/worksheets/sheet1.xml", |xml| {
            xml.replace(
                "<sheetData>",
                &format!("<sheetData>{}", " ".repeat(100_000)),
            )
        });
        let limits = Limits {
            max_rows: 1_000,
            ..small()
        };
        let err = check_upload(Format::Xlsx, &padded, &limits).expect_err("refused");
        assert!(err.contains("unpacks to more than"), "{err}");
        assert!(read_with(Format::Xlsx, &padded, &limits).is_err());
    }

    #[test]
    fn files_are_refused_for_what_they_are_not() {
        let xlsx = sheet_with(&[(0, 0)]);
        assert!(check_upload(Format::Csv, &xlsx, &small())
            .expect_err("zip as csv")
            .contains("not a CSV file"));
        assert!(check_upload(Format::Xlsx, b"title,trl\n", &small())
            .expect_err("csv as xlsx")
            .contains("not an XLSX file"));
        assert!(
            check_upload(Format::Csv, b"a,b\n\0\x01", &small()).is_err(),
            "binary is not text"
        );
        assert!(read(Format::Xlsx, b"PK\x03\x04garbage").is_err());
    }

    #[test]
    fn csv_rows_and_columns_are_capped_while_reading() {
        let rows: String = std::iter::once("h1,h2\n".to_owned())
            .chain((0..11).map(|i| format!("{i},x\n")))
            .collect();
        assert!(read_with(Format::Csv, rows.as_bytes(), &small())
            .expect_err("11 rows")
            .contains("more than 10 data rows"));
        let ten: String = std::iter::once("h1,h2\n".to_owned())
            .chain((0..10).map(|i| format!("{i},x\n")))
            .collect();
        assert_eq!(
            read_with(Format::Csv, ten.as_bytes(), &small())
                .expect("10 rows")
                .rows
                .len(),
            10
        );
        assert!(
            read_with(Format::Csv, "a,b,c,d,e,f,g,h,i\n".as_bytes(), &small())
                .expect_err("9 columns")
                .contains("columns")
        );
    }

    #[test]
    fn cell_names_are_spreadsheet_names() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(cell_name(9, 26), "AA10");
    }
}
