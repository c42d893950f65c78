//! The registration certificate (技术合同登记证明), printable (a print stylesheet) and as the
//! API's PDF (passed through as a stream), with its verification link; and `/verify/{code}`, where anyone
//! checks a certificate: a code no registration carries (a forged certificate) is "not genuine".

use askama::Template;
use axum::extract::{Path, State};
use http::StatusCode;

use super::{w, yuan};
use crate::page::{render, Ctx, PageResult};
use crate::pages::path_id;
use crate::session::Viewer;
use crate::Portal;
use wire::office::{CertificateOut, RegistrationFileOut};

#[derive(Template)]
#[template(path = "office_certificate.html")]
pub struct CertificatePage {
    pub ctx: Ctx,
    pub file: RegistrationFileOut,
    pub cert: CertificateOut,
    pub verify_url: String,
}

impl CertificatePage {
    pub fn w(&self, zh: &'static str, en: &'static str) -> &'static str {
        w(self.ctx.lang, zh, en)
    }

    pub fn yuan(&self, fen: &i64) -> String {
        yuan(*fen)
    }
}

pub(super) async fn certificate_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&raw).ok_or_else(|| viewer.not_found())?;
    let caller = viewer.caller();
    let file: RegistrationFileOut = portal
        .api
        .get(caller, &format!("/api/v1/registrations/{id}/file"))
        .await
        .map_err(|e| viewer.fail(e))?;
    let Some(path) = file.verification_url.clone() else {
        return Err(viewer.error_page(
            StatusCode::CONFLICT,
            "this contract is not registered: no certificate".to_owned(),
        ));
    };
    let code = path.rsplit('/').next().unwrap_or_default().to_owned();
    let cert: CertificateOut = portal
        .api
        .get(caller, &format!("/api/v1/certificates/{code}"))
        .await
        .map_err(|e| viewer.fail(e))?;
    // Relative to the site the certificate is printed from.
    let verify_url = path;
    Ok(render(&CertificatePage {
        ctx: Ctx::new(&viewer, "office"),
        file,
        cert,
        verify_url,
    }))
}

#[derive(Template)]
#[template(path = "office_verify.html")]
pub struct VerifyPage {
    pub ctx: Ctx,
    pub cert: Option<CertificateOut>,
    pub code: String,
}

impl VerifyPage {
    pub fn w(&self, zh: &'static str, en: &'static str) -> &'static str {
        w(self.ctx.lang, zh, en)
    }

    pub fn yuan(&self, fen: &i64) -> String {
        yuan(*fen)
    }
}

pub(super) async fn verify_page(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(code): Path<String>,
) -> PageResult {
    let code: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(32)
        .collect();
    let cert = portal
        .api
        .get::<CertificateOut>(viewer.caller(), &format!("/api/v1/certificates/{code}"))
        .await
        .ok();
    let found = cert.is_some();
    let mut res = render(&VerifyPage {
        ctx: Ctx::new(&viewer, "office"),
        cert,
        code,
    });
    if !found {
        *res.status_mut() = StatusCode::NOT_FOUND;
    }
    Ok(res)
}

/// The certificate as PDF, streamed from the API (which decides who may have it).
pub(super) async fn certificate_pdf(
    State(portal): State<Portal>,
    viewer: Viewer,
    Path(raw): Path<String>,
) -> PageResult {
    viewer.require_login()?;
    let id = path_id(&raw).ok_or_else(|| viewer.not_found())?;
    crate::pages::files::pass_download(
        &portal,
        &viewer,
        &format!("/api/v1/registrations/{id}/certificate.pdf"),
    )
    .await
}
