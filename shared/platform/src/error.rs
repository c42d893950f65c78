//! One error type for every HTTP handler, rendered as RFC 9457 problem JSON:
//!
//! ```json
//! {"type": "urn:techmarket:problem:not_found", "title": "Not found", "status": 404,
//!  "detail": "achievement 0192… does not exist", "code": "not_found",
//!  "fields": [{"path": "title", "message": "…"}]}
//! ```
//!
//! `code` is stable and meant for programs; `detail` is for people. `fields` appears on 422.
//! A 500 says "internal error" and nothing more: the cause is logged once, by the middleware in
//! [`crate::http`], from the error stashed in the response extensions.

use std::borrow::Cow;
use std::sync::Arc;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sea_orm::{DbErr, RuntimeErr, SqlErr};

pub use wire::problem::PROBLEM_JSON;
pub use wire::{FieldError, Problem};

/// `Result` of a handler or domain function on the request path.
pub type ApiResult<T> = Result<T, ApiError>;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Malformed request: unreadable JSON, bad query string, bad id in the path.
    #[error("{0}")]
    BadRequest(String),
    /// No credentials, or credentials that are wrong, expired or revoked.
    #[error("{0}")]
    Unauthorized(String),
    /// Authenticated, but not allowed to do this.
    #[error("{0}")]
    Forbidden(String),
    /// Nothing there (or nothing the caller may know is there).
    #[error("{0}")]
    NotFound(String),
    /// The row changed since the caller read it (stale `version`).
    #[error("{0}")]
    StaleVersion(String),
    /// A uniqueness or state rule (already exists, already closed).
    #[error("{code}: {detail}")]
    Conflict {
        code: Cow<'static, str>,
        detail: String,
    },
    /// Field validation failed; every bad field is listed.
    #[error("invalid request: {0:?}")]
    Validation(Vec<FieldError>),
    /// Body over the configured size limit.
    #[error("{0}")]
    PayloadTooLarge(String),
    /// Wrong or missing `Content-Type`.
    #[error("{0}")]
    UnsupportedMediaType(String),
    /// Database pool exhausted or the database is unreachable.
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// Too many attempts (failed logins): answered 429 with `Retry-After`.
    #[error("{code}: {detail}")]
    TooManyRequests {
        code: &'static str,
        detail: String,
        retry_after_secs: u64,
    },
    /// Anything else. The message is logged, never shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl ApiError {
    pub fn not_found(what: impl std::fmt::Display) -> Self {
        Self::NotFound(format!("{what} does not exist"))
    }

    pub fn conflict(code: &'static str, detail: impl Into<String>) -> Self {
        Self::Conflict {
            code: Cow::Borrowed(code),
            detail: detail.into(),
        }
    }

    /// A 422 about one field.
    pub fn field(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(path, message)])
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::StaleVersion(_) | Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The stable machine-readable code.
    pub fn code(&self) -> Cow<'static, str> {
        Cow::Borrowed(match self {
            Self::BadRequest(_) => "bad_request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not_found",
            Self::StaleVersion(_) => "stale_version",
            Self::Conflict { code, .. } => return code.clone(),
            Self::Validation(_) => "validation_failed",
            Self::PayloadTooLarge(_) => "payload_too_large",
            Self::UnsupportedMediaType(_) => "unsupported_media_type",
            Self::Unavailable(_) => "service_unavailable",
            Self::TooManyRequests { code, .. } => code,
            Self::Internal(_) => "internal_error",
        })
    }

    fn detail(&self) -> String {
        match self {
            Self::Validation(fields) => match fields.as_slice() {
                [one] => format!("{}: {}", one.path, one.message),
                many => format!("{} fields are invalid", many.len()),
            },
            Self::Conflict { detail, .. } | Self::TooManyRequests { detail, .. } => detail.clone(),
            Self::Internal(_) => "internal error".to_owned(),
            Self::Unavailable(_) => {
                "the service is temporarily unavailable; retry later".to_owned()
            }
            other => other.to_string(),
        }
    }

    /// The problem body this error renders as.
    pub fn to_problem(&self) -> Problem {
        let status = self.status();
        problem(
            status,
            &self.code(),
            self.detail(),
            match self {
                Self::Validation(fields) => fields.clone(),
                _ => Vec::new(),
            },
        )
    }
}

/// Builds a problem body; also used by the fallback that turns bare error responses
/// (unknown route, wrong method) into problems.
pub fn problem(status: StatusCode, code: &str, detail: String, fields: Vec<FieldError>) -> Problem {
    Problem {
        problem_type: format!("urn:techmarket:problem:{code}"),
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
        code: code.to_owned(),
        fields,
    }
}

/// Renders a problem body with the problem media type.
pub fn problem_response(problem: Problem, status: StatusCode) -> Response {
    let mut response = (status, axum::Json(problem)).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
    response
}

/// The error a 500 carries to the logging middleware (never to the client).
#[derive(Clone)]
pub struct LoggedError(pub Arc<anyhow::Error>);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = problem_response(self.to_problem(), status);
        match self {
            Self::Internal(err) => {
                response.extensions_mut().insert(LoggedError(Arc::new(err)));
            }
            Self::Unavailable(reason) => {
                response
                    .extensions_mut()
                    .insert(LoggedError(Arc::new(anyhow::anyhow!(reason))));
            }
            Self::TooManyRequests {
                retry_after_secs, ..
            } => {
                response.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from(retry_after_secs.max(1)),
                );
            }
            _ => {}
        }
        response
    }
}

/// A stored code outside its vocabulary (a row written by a newer version, or edited by hand) is
/// the server's problem, not the caller's: a 500, logged with the vocabulary and the code.
impl From<wire::UnknownCode> for ApiError {
    fn from(err: wire::UnknownCode) -> Self {
        Self::Internal(anyhow::Error::new(err))
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if let Some(sql) = err.sql_err() {
            match sql {
                SqlErr::UniqueConstraintViolation(detail) => {
                    return Self::Conflict {
                        code: Cow::Borrowed("already_exists"),
                        detail: unique_detail(&detail),
                    };
                }
                SqlErr::ForeignKeyConstraintViolation(_) => {
                    return Self::Validation(vec![FieldError::new(
                        "(reference)",
                        "refers to something that does not exist",
                    )]);
                }
                _ => {}
            }
        }
        match err {
            DbErr::RecordNotFound(what) => Self::NotFound(what),
            DbErr::ConnectionAcquire(e) => Self::Unavailable(e.to_string()),
            DbErr::Conn(RuntimeErr::SqlxError(e)) => Self::Unavailable(e.to_string()),
            other => Self::Internal(anyhow::Error::new(other)),
        }
    }
}

/// Turns a driver's unique-violation message into words, without leaking SQL.
fn unique_detail(raw: &str) -> String {
    // PostgreSQL: `duplicate key value violates unique constraint "users_email_uniq"`;
    // SQLite: `UNIQUE constraint failed: users.email`.
    if let Some(start) = raw.find('"') {
        if let Some(len) = raw[start + 1..].find('"') {
            return format!("already exists ({})", &raw[start + 1..start + 1 + len]);
        }
    }
    if let Some(idx) = raw.find("failed: ") {
        return format!("already exists ({})", &raw[idx + 8..]);
    }
    "already exists".to_owned()
}

/// Collects field errors so a request reports every bad field at once.
#[derive(Debug, Default)]
pub struct Validator {
    errors: Vec<FieldError>,
}

impl Validator {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `message` against `path` unless `ok`.
    pub fn check(&mut self, ok: bool, path: &str, message: impl Into<String>) -> &mut Self {
        if !ok {
            self.errors.push(FieldError::new(path, message));
        }
        self
    }

    pub fn push(&mut self, path: &str, message: impl Into<String>) -> &mut Self {
        self.errors.push(FieldError::new(path, message));
        self
    }

    /// Checks a string's length in characters (not bytes: titles are often Chinese).
    pub fn length(&mut self, value: &str, path: &str, min: usize, max: usize) -> &mut Self {
        let n = value.trim().chars().count();
        if n < min {
            if min == 1 {
                self.push(path, "must not be empty");
            } else {
                self.push(path, format!("must be at least {min} characters"));
            }
        } else if n > max {
            self.push(path, format!("must be at most {max} characters (got {n})"));
        }
        self
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    /// `Ok` if nothing was recorded, else a 422 listing every field.
    pub fn finish(self) -> ApiResult<()> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}
