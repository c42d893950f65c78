//! The batch intake from the console: the upload goes to the API as it came (its bytes, its
//! type), and `/office/imports/{id}` shows the job's progress (refreshing while it runs) and
//! every bad row.

use askama::Template;
use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::response::{IntoResponse, Redirect};
use http::{Method, StatusCode};

use super::w;
use crate::api::{urlencode, ApiError};
use crate::page::{render, Ctx, PageResult};
use crate::pages::path_id;
use crate::session::Viewer;
use crate::Portal;
use wire::office::RegistrationImportOut;
use wire::ImportStatus;

/// Largest spreadsheet the console forwards (the API's own limit applies too).
const UPLOAD_LIMIT_BYTES: usize = 32 * 1024 * 1024;

#[derive(Template)]
#[template(path = "office_import.html")]
pub struct ImportPage {
    pub ctx: Ctx,
    pub import: RegistrationImportOut,
}

impl ImportPage {
    pub fn w(&self, zh: &'static str, en: &'static str) -> &'static str {
        w(self.ctx.lang, zh, en)
    }

    pub fn running(&self) -> bool {
        matches!(
            self.import.status,
            ImportStatus::Queued | ImportStatus::Running
        )
    }

    pub fn percent(&self) -> i64 {
        if self.import.total_rows <= 0 {
            return if self.running() { 0 } else { 100 };
        }
        i64::from(self.import.processed_rows) * 100 / i64::from(self.import.total_rows)
    }
}

pub(super) async fn start(
    State(portal): State<Portal>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> PageResult {
    viewer.require_login()?;
    let bad = |detail: &str| viewer.error_page(StatusCode::UNPROCESSABLE_ENTITY, detail.to_owned());
    let mut office = String::new();
    let mut mode = "all_or_nothing".to_owned();
    let mut file: Option<(String, Option<String>, Vec<u8>)> = None;
    while let Ok(Some(mut field)) = multipart.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        let mut data = Vec::new();
        let file_name = field
            .file_name()
            .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f).to_owned());
        let content_type = field.content_type().map(str::to_owned);
        while let Ok(Some(chunk)) = field.chunk().await {
            if data.len() + chunk.len() > UPLOAD_LIMIT_BYTES {
                return Err(viewer.error_page(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "the spreadsheet is too large".to_owned(),
                ));
            }
            data.extend_from_slice(&chunk);
        }
        match name.as_str() {
            "office" => office = String::from_utf8_lossy(&data).trim().to_owned(),
            "mode" => mode = String::from_utf8_lossy(&data).trim().to_owned(),
            "file" if !data.is_empty() => {
                file = Some((
                    file_name.unwrap_or_else(|| "upload".to_owned()),
                    content_type,
                    data,
                ))
            }
            _ => {}
        }
    }
    let office = path_id(&office).ok_or_else(|| bad("no office"))?;
    let (file_name, content_type, data) = file.ok_or_else(|| bad("choose a spreadsheet"))?;
    let lower = file_name.to_ascii_lowercase();
    let content_type = if lower.ends_with(".csv") {
        "text/csv".to_owned()
    } else if lower.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()
    } else {
        content_type.unwrap_or_else(|| "application/octet-stream".to_owned())
    };
    let mode = if mode == "valid_rows_only" {
        "valid_rows_only"
    } else {
        "all_or_nothing"
    };
    let path = format!(
        "/api/v1/offices/{office}/imports?mode={mode}&file_name={}",
        urlencode(&file_name)
    );
    let raw = portal
        .api
        .send(
            viewer.caller(),
            Method::POST,
            &path,
            Body::from(data),
            Some(&content_type),
        )
        .await
        .map_err(|e| viewer.fail(e))?;
    let started: RegistrationImportOut = serde_json::from_slice(&raw.body)
        .map_err(|e| viewer.fail(ApiError::Transport(e.to_string())))?;
    Ok(Redirect::to(&format!("/office/imports/{}", started.id)).into_response())
}

pub(super) async fn import_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&raw).ok_or_else(|| viewer.not_found())?;
    let import: RegistrationImportOut = portal
        .api
        .get(viewer.caller(), &format!("/api/v1/offices/imports/{id}"))
        .await
        .map_err(|e| viewer.fail(e))?;
    Ok(render(&ImportPage {
        ctx: Ctx::new(&viewer, "office"),
        import,
    }))
}
