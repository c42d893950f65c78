//! Accepting an invitation (`/join`).

use askama::Template;
use axum::extract::{RawQuery, State};
use axum::response::{IntoResponse, Response};
use axum::Form;
use axum_extra::extract::cookie::CookieJar;
use http::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::api::{ApiError, Caller};
use crate::i18n::Tr;
use crate::page::{done, render, Ctx, FormErrors, PageResult};
use crate::session::{session_cookie, Viewer};
use crate::Portal;
use wire::accounts::SessionOut;

#[derive(Debug, Default, Deserialize)]
pub(super) struct JoinForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
}

#[derive(Template)]
#[template(path = "my_join.html")]
pub(super) struct JoinPage {
    ctx: Ctx,
    form: JoinForm,
    errors: FormErrors,
}

/// The join form. It never reads the code from the URL: the invitee pastes it, and it travels
/// only in the POST body. An old-style `/join?token=…` link is redirected to the bare page, so
/// the page (whose language links repeat the current URL) never carries the secret further.
pub(super) async fn join_form(viewer: Viewer, RawQuery(query): RawQuery) -> Response {
    if query.is_some() {
        return axum::response::Redirect::to("/join").into_response();
    }
    render(&JoinPage {
        ctx: Ctx::new(&viewer, "login"),
        form: JoinForm::default(),
        errors: FormErrors::default(),
    })
}

pub(super) async fn join(
    State(portal): State<Portal>,
    viewer: Viewer,
    jar: CookieJar,
    Form(form): Form<JoinForm>,
) -> PageResult {
    let caller = Caller {
        token: None,
        lang: viewer.lang,
    };
    let body = json!({ "token": form.token.trim(), "display_name": form.display_name.trim(), "password": form.password });
    match portal
        .api
        .post::<SessionOut>(caller, "/api/v1/invitations/accept", &body)
        .await
    {
        Ok(session) => {
            let jar = jar.add(session_cookie(session.token.token, portal.secure_cookies));
            Ok((jar, done("/my", "signed_in")).into_response())
        }
        Err(ApiError::Problem(p)) if matches!(p.status, 404 | 409 | 422) => {
            let mut errors = FormErrors::from_problem(&p);
            if p.status == 404 {
                errors.fields.insert(
                    "token".to_owned(),
                    Tr::new(viewer.lang).t("my.join_token_unknown").to_owned(),
                );
            }
            let form = JoinForm {
                password: String::new(),
                ..form
            };
            let mut resp = render(&JoinPage {
                ctx: Ctx::new(&viewer, "login"),
                form,
                errors,
            });
            *resp.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(resp)
        }
        Err(err) => Err(viewer.fail(err)),
    }
}
