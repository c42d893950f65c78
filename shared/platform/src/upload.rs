//! Reading an uploaded spreadsheet off a request: the listing imports and the registration
//! intake take their files the same way, so the rules (what format, how large) live here once.

use axum::extract::Request;
use axum::http::header;
use spreadsheet::Format;

use crate::error::{ApiError, ApiResult};

/// A spreadsheet read whole from a request body, within the import limit.
pub struct SpreadsheetUpload {
    pub format: Format,
    /// The name the caller gave, or `upload`.
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Tells CSV from XLSX by the `Content-Type` or, failing that, the file name (415 otherwise),
/// refuses a declared length over `limit` before reading a byte of the body, then reads at
/// most `limit` bytes (413 beyond).
pub async fn read_spreadsheet(
    request: Request,
    file_name: Option<String>,
    limit: usize,
) -> ApiResult<SpreadsheetUpload> {
    let headers = request.headers();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok());
    let file_name = file_name.unwrap_or_else(|| "upload".to_owned());
    let format = Format::detect(content_type, &file_name).ok_or_else(|| {
        ApiError::UnsupportedMediaType(
            "send a CSV (text/csv) or XLSX file, or name it with a .csv or .xlsx file_name"
                .to_owned(),
        )
    })?;
    let too_large = || ApiError::PayloadTooLarge(format!("imports are limited to {limit} bytes"));
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX)) {
        return Err(too_large());
    }
    let bytes = axum::body::to_bytes(request.into_body(), limit)
        .await
        .map_err(|_| too_large())?;
    Ok(SpreadsheetUpload {
        format,
        file_name,
        bytes: bytes.to_vec(),
    })
}
