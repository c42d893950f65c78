//! Spreadsheet imports: the upload form, the list of imports, and one import's progress and
//! per-row errors.

use askama::Template;
use axum::body::{Body, Bytes};
use axum::extract::multipart::{Field, MultipartError, MultipartRejection};
use axum::extract::{Multipart, Path, Query, State};
use bytes::BytesMut;
use http::{Method, StatusCode};
use serde::Deserialize;

use super::{
    import_kind, import_status, page_items, require_org, ImportOut, ImportView, RowError,
    IMPORTS_PER_PAGE, ROW_ERRORS_PER_PAGE, UPLOAD_LIMIT_BYTES, UPLOAD_TEXT_LIMIT_BYTES,
};
use crate::api::{urlencode, with_query, ApiError};
use crate::i18n::Tr;
use crate::page::{done, render, Ctx, FormErrors, PageResult};
use crate::pages::{page_param, path_id, Pager};
use crate::session::Viewer;
use crate::Portal;
use wire::{ImportKind, ImportMode, ImportStatus};

#[derive(Debug, Default)]
pub(super) struct UploadForm {
    kind: String,
    mode: String,
}

#[derive(Template)]
#[template(path = "my_imports.html")]
pub(super) struct ImportsPage {
    ctx: Ctx,
    imports: Vec<ImportOut>,
    pager: Pager,
    form: UploadForm,
    errors: FormErrors,
}

impl ImportsPage {
    fn import_status(&self, status: &ImportStatus) -> String {
        import_status(&self.ctx.t, *status)
    }

    fn import_kind(&self, kind: &ImportKind) -> String {
        import_kind(&self.ctx.t, *kind)
    }

    /// Templates with headers in the reader's language (zh, else en).
    fn template_href(&self, kind: &str, format: &str) -> String {
        let headers = if self.ctx.lang == crate::i18n::Lang::Zh {
            "zh"
        } else {
            "en"
        };
        format!("/api/v1/imports/template/{kind}?format={format}&headers={headers}")
    }
}

#[derive(Debug, Default, Deserialize)]
pub(super) struct PageParam {
    page: Option<u64>,
}

pub(super) async fn imports(
    portal: &Portal,
    viewer: &Viewer,
    page: u64,
    form: UploadForm,
    errors: FormErrors,
    status: StatusCode,
) -> PageResult {
    require_org(viewer)?;
    let all = portal
        .api
        .get::<Vec<ImportOut>>(viewer.caller(), "/api/v1/imports")
        .await
        .map_err(|e| viewer.fail(e))?;
    let pager = Pager::new(
        &viewer.path,
        "page",
        page,
        IMPORTS_PER_PAGE,
        all.len() as u64,
    );
    let imports = page_items(all, &pager, IMPORTS_PER_PAGE);
    let mut resp = render(&ImportsPage {
        ctx: Ctx::new(viewer, "my"),
        imports,
        pager,
        form,
        errors,
    });
    *resp.status_mut() = status;
    Ok(resp)
}

pub(super) async fn imports_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(q): Query<PageParam>,
) -> PageResult {
    let form = UploadForm {
        kind: ImportKind::Achievements.as_str().to_owned(),
        mode: ImportMode::AllOrNothing.as_str().to_owned(),
    };
    imports(
        &portal,
        &viewer,
        page_param(q.page),
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// A spreadsheet as the upload form sent it, read once into memory.
pub(super) struct UploadedFile {
    name: String,
    content_type: Option<String>,
    data: Bytes,
}

/// Why the upload form's body could not be used.
pub(super) enum UploadError {
    /// Not `multipart/form-data`, or broken.
    Unreadable,
    /// The file is over [`UPLOAD_LIMIT_BYTES`].
    TooLarge,
}

impl From<MultipartError> for UploadError {
    fn from(err: MultipartError) -> Self {
        if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
            UploadError::TooLarge
        } else {
            tracing::info!(error = %err, "import upload: unreadable multipart body");
            UploadError::Unreadable
        }
    }
}

/// One field's bytes, refused past `limit` (before reading more of it).
pub(super) async fn read_field(field: &mut Field<'_>, limit: usize) -> Result<Bytes, UploadError> {
    let mut data = BytesMut::new();
    while let Some(chunk) = field.chunk().await? {
        if data.len().saturating_add(chunk.len()) > limit {
            return Err(UploadError::TooLarge);
        }
        data.extend_from_slice(&chunk);
    }
    Ok(data.freeze())
}

/// The form's choices and its file (`None` when no file was chosen: browsers then send the
/// file part empty).
pub(super) async fn read_upload(
    mut multipart: Multipart,
) -> Result<(UploadForm, Option<UploadedFile>), UploadError> {
    let mut form = UploadForm::default();
    let mut file = None;
    while let Some(mut field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "kind" | "mode" => {
                // A word each: anything longer is not this form's.
                let text = read_field(&mut field, UPLOAD_TEXT_LIMIT_BYTES)
                    .await
                    .map_err(|e| match e {
                        UploadError::TooLarge => UploadError::Unreadable,
                        other => other,
                    })?;
                let text = String::from_utf8_lossy(&text).trim().to_owned();
                if name == "kind" {
                    form.kind = text;
                } else {
                    form.mode = text;
                }
            }
            "file" => {
                // Some browsers send a full path; only the name matters.
                let file_name = field
                    .file_name()
                    .map(|f| f.rsplit(['/', '\\']).next().unwrap_or(f).to_owned());
                let content_type = field.content_type().map(str::to_owned);
                let data = read_field(&mut field, UPLOAD_LIMIT_BYTES).await?;
                if !data.is_empty() {
                    file = Some(UploadedFile {
                        name: file_name.unwrap_or_else(|| "upload".to_owned()),
                        content_type,
                        data,
                    });
                }
            }
            // Other fields are not this form's; the next call skips what is left of them.
            _ => {}
        }
    }
    Ok((form, file))
}

/// Forwards an uploaded spreadsheet to the API as it came (its bytes, the file's type) and
/// goes on to the import's progress page.
pub(super) async fn start_import(
    State(portal): State<Portal>,
    viewer: Viewer,
    multipart: Result<Multipart, MultipartRejection>,
) -> PageResult {
    require_org(&viewer)?;
    let t = Tr::new(viewer.lang);
    let read = match multipart {
        Ok(multipart) => read_upload(multipart).await,
        Err(rejection) => {
            tracing::info!(error = %rejection, "import upload: not a multipart body");
            Err(UploadError::Unreadable)
        }
    };
    let (form, file) = match read {
        Ok(read) => read,
        Err(UploadError::Unreadable) => {
            let errors = FormErrors {
                summary: Some(t.t("my.upload_unreadable").to_owned()),
                ..FormErrors::default()
            };
            return imports(
                &portal,
                &viewer,
                1,
                UploadForm::default(),
                errors,
                StatusCode::BAD_REQUEST,
            )
            .await;
        }
        Err(UploadError::TooLarge) => {
            let errors = FormErrors::field("file", t.t("my.upload_too_large"));
            let errors = FormErrors {
                summary: Some(t.t("common.form_has_errors").to_owned()),
                ..errors
            };
            return imports(
                &portal,
                &viewer,
                1,
                UploadForm::default(),
                errors,
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await;
        }
    };
    let Some(file) = file else {
        let errors = FormErrors::field("file", t.t("my.upload_choose_file"));
        let errors = FormErrors {
            summary: Some(t.t("common.form_has_errors").to_owned()),
            ..errors
        };
        return imports(
            &portal,
            &viewer,
            1,
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    let lower = file.name.to_ascii_lowercase();
    let file_type = if lower.ends_with(".csv") {
        "text/csv".to_owned()
    } else if lower.ends_with(".xlsx") {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned()
    } else {
        file.content_type
            .unwrap_or_else(|| "application/octet-stream".to_owned())
    };
    let path = with_query(
        "/api/v1/imports",
        &[
            ("kind", form.kind.clone()),
            ("mode", form.mode.clone()),
            ("file_name", file.name),
        ],
    );
    // `Body::from(Bytes)` hands the same buffer on: the file is not copied again.
    let sent = portal
        .api
        .send(
            viewer.caller(),
            Method::POST,
            &path,
            Body::from(file.data),
            Some(&file_type),
        )
        .await;
    match sent {
        Ok(raw) => match serde_json::from_slice::<ImportOut>(&raw.body) {
            Ok(import) => Ok(done(&format!("/my/imports/{}", import.id), "imported")),
            Err(e) => Err(viewer.fail(ApiError::Transport(format!(
                "unreadable import answer: {e}"
            )))),
        },
        Err(ApiError::Problem(p)) if matches!(p.status, 400 | 413 | 415 | 422) => {
            let mut errors = FormErrors::from_problem(&p);
            if matches!(p.status, 413 | 415) {
                errors.fields.insert("file".to_owned(), p.detail.clone());
            }
            let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
            imports(&portal, &viewer, 1, form, errors, status).await
        }
        Err(err) => Err(viewer.fail(err)),
    }
}

#[derive(Template)]
#[template(path = "my_import.html")]
pub(super) struct ImportPage {
    ctx: Ctx,
    import: ImportOut,
    errors: Vec<RowError>,
    pager: Pager,
}

impl ImportPage {
    fn heading(&self) -> String {
        self.ctx
            .t
            .f("my.import_heading", &[("file", &self.import.file_name)])
    }

    fn status(&self) -> String {
        import_status(&self.ctx.t, self.import.status)
    }

    fn kind(&self) -> String {
        import_kind(&self.ctx.t, self.import.kind)
    }

    fn mode(&self) -> &'static str {
        if self.import.mode == ImportMode::ValidRowsOnly {
            self.ctx.t.t("my.mode_valid_rows_only")
        } else {
            self.ctx.t.t("my.mode_all_or_nothing")
        }
    }

    fn progress_text(&self) -> String {
        self.ctx.t.f(
            "my.import_progress",
            &[
                ("done", &self.import.processed_rows.to_string()),
                ("total", &self.import.total_rows.to_string()),
            ],
        )
    }

    fn outcome_text(&self) -> String {
        self.ctx.t.f(
            "my.import_outcome",
            &[
                ("created", &self.import.created_count.to_string()),
                ("errors", &self.import.error_count.to_string()),
            ],
        )
    }

    fn errors_heading(&self) -> String {
        self.ctx.t.f(
            "my.row_errors_heading",
            &[("count", &self.import.errors.len().to_string())],
        )
    }
}

pub(super) async fn import_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(id): Path<String>,
    Query(q): Query<PageParam>,
) -> PageResult {
    require_org(&viewer)?;
    let id = path_id(&id).ok_or_else(|| viewer.not_found())?;
    let path = format!("/api/v1/imports/{}", urlencode(&id));
    let import = portal
        .api
        .get::<ImportOut>(viewer.caller(), &path)
        .await
        .map_err(|e| viewer.fail(e))?;
    let pager = Pager::new(
        &viewer.path,
        "page",
        page_param(q.page),
        ROW_ERRORS_PER_PAGE,
        import.errors.len() as u64,
    );
    let errors = page_items(import.errors.iter().cloned(), &pager, ROW_ERRORS_PER_PAGE);
    Ok(render(&ImportPage {
        ctx: Ctx::new(&viewer, "my"),
        import,
        errors,
        pager,
    }))
}
