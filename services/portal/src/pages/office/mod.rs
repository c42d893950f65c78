//! The registration office's console (登记机构工作台), zh and en: the queue of submitted
//! contracts, the registration file with the 认定 decision (register, correct, refuse with
//! reasons), a contract registered by hand (parties off the platform welcome), the batch
//! intake with its progress and per-row errors, the printable certificate, and the public
//! certificate check at `/verify/{code}`. Every page calls the deal API as the signed-in
//! person: the API decides what they may see and do.

use axum::routing::{get, post};
use axum::Router;

use crate::i18n::Lang;
use crate::Portal;

mod certificate;
mod file;
mod intake;
mod new;
mod queue;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/office", get(queue::queue_page))
        .route("/office/new", get(new::new_page).post(new::create))
        .route(
            "/office/registrations/{id}",
            get(file::file_page).post(file::decide),
        )
        .route(
            "/office/registrations/{id}/certificate",
            get(certificate::certificate_page),
        )
        .route(
            "/office/registrations/{id}/certificate.pdf",
            get(certificate::certificate_pdf),
        )
        .route("/office/import", post(intake::start))
        .route("/office/imports/{id}", get(intake::import_page))
        .route("/verify/{code}", get(certificate::verify_page))
}

/// The page's words in its language: the office console speaks Chinese and English.
pub(crate) fn w(lang: Lang, zh: &'static str, en: &'static str) -> &'static str {
    if lang == Lang::Zh {
        zh
    } else {
        en
    }
}

/// Yuan with two decimals from fen, grouped: `1,234,567.89`.
pub(crate) fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    format!(
        "{sign}{}.{:02}",
        crate::format::group_thousands(i64::try_from(abs / 100).unwrap_or(i64::MAX)),
        abs % 100
    )
}
