//! Signing in and out, and registering an organisation with its first account.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use axum_extra::extract::cookie::{Cookie, CookieJar};
use http::Method;
use serde::{Deserialize, Serialize};

use super::home::safe_next;
use super::Labels;
use crate::api::{ApiError, Caller};
use crate::page::{done, render, typed, Ctx, FormErrors, PageResult};
use crate::session::{session_cookie, Viewer, SESSION_COOKIE};
use crate::Portal;
use wire::accounts::SessionOut;
use wire::OrgKind;

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/login", get(login_form).post(login))
        .route("/logout", post(logout))
        .route("/signup", get(signup_form).post(signup))
}

#[derive(Debug, Default, Deserialize)]
struct NextParam {
    next: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: Ctx,
    email: String,
    next: String,
    errors: FormErrors,
}

async fn login_form(viewer: Viewer, Query(q): Query<NextParam>) -> Response {
    let ctx = Ctx::new(&viewer, "login");
    render(&LoginPage {
        ctx,
        email: String::new(),
        next: safe_next(q.next.as_deref()),
        errors: FormErrors::default(),
    })
}

#[derive(Debug, Deserialize, Serialize)]
struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    next: String,
}

async fn login(
    State(portal): State<Portal>,
    viewer: Viewer,
    jar: CookieJar,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(Some(&form.next));
    let caller = Caller {
        token: None,
        lang: viewer.lang,
    };
    let body = serde_json::json!({ "email": form.email.trim(), "password": form.password });
    match portal
        .api
        .post::<SessionOut>(caller, "/api/v1/auth/login", &body)
        .await
    {
        Ok(session) => {
            let jar = jar.add(session_cookie(session.token.token, portal.secure_cookies));
            (jar, done(&next, "signed_in")).into_response()
        }
        Err(err) => {
            let ctx = Ctx::new(&viewer, "login");
            let errors = match &err {
                ApiError::Problem(p) if p.status == 401 => FormErrors {
                    summary: Some(ctx.t.t("auth.wrong_credentials").to_owned()),
                    ..FormErrors::default()
                },
                ApiError::Problem(p) => FormErrors::from_problem(p),
                ApiError::Transport(_) => FormErrors {
                    summary: Some(ctx.t.t("common.error_server_advice").to_owned()),
                    ..FormErrors::default()
                },
            };
            // 200, like every re-rendered form: a 4xx document would make browsers log an
            // error for what is an ordinary mistake.
            render(&LoginPage {
                ctx,
                email: form.email,
                next,
                errors,
            })
        }
    }
}

async fn logout(State(portal): State<Portal>, viewer: Viewer, jar: CookieJar) -> Response {
    if viewer.token.is_some() {
        // Revoke the token on the server too, so a copied cookie stops working.
        if let Err(err) = portal
            .api
            .send_empty(viewer.caller(), Method::POST, "/api/v1/auth/logout")
            .await
        {
            tracing::warn!(error = %err, "logout: token not revoked");
        }
    }
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    (jar, done("/", "signed_out")).into_response()
}

/// The registration form's fields (an organisation and its first account).
#[derive(Debug, Default, Deserialize)]
struct SignupForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    org_name: String,
    #[serde(default)]
    org_name_en: String,
    #[serde(default)]
    org_kind: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    region_code: String,
    #[serde(default)]
    credit_code: String,
    #[serde(default)]
    state_funded: Option<String>,
    #[serde(default)]
    website: String,
}

#[derive(Template)]
#[template(path = "signup.html")]
struct SignupPage {
    ctx: Ctx,
    labels: Labels,
    form: SignupForm,
    errors: FormErrors,
}

impl SignupPage {
    fn org_kinds(&self) -> Vec<(&'static str, String)> {
        OrgKind::ALL
            .iter()
            .map(|k| (k.as_str(), self.ctx.t.term("org_kind", k.as_str())))
            .collect()
    }
}

async fn signup_form(State(portal): State<Portal>, viewer: Viewer) -> Response {
    let ctx = Ctx::new(&viewer, "signup");
    let labels = Labels::load(&portal, &viewer).await;
    let form = SignupForm {
        country: "CN".to_owned(),
        region_code: "450100".to_owned(),
        ..SignupForm::default()
    };
    render(&SignupPage {
        ctx,
        labels,
        form,
        errors: FormErrors::default(),
    })
}

async fn signup(
    State(portal): State<Portal>,
    viewer: Viewer,
    jar: CookieJar,
    Form(form): Form<SignupForm>,
) -> PageResult {
    let caller = Caller {
        token: None,
        lang: viewer.lang,
    };
    let body = serde_json::json!({
        "display_name": form.display_name.trim(),
        "email": form.email.trim(),
        "password": form.password,
        "locale": viewer.lang.code(),
        "organisation": {
            "name": form.org_name.trim(),
            "name_en": typed(&form.org_name_en),
            "kind": form.org_kind,
            "country": form.country,
            "region_code": form.region_code,
            "credit_code": typed(&form.credit_code),
            "state_funded": form.state_funded.is_some(),
            "website": typed(&form.website),
        }
    });
    match portal
        .api
        .post::<SessionOut>(caller, "/api/v1/auth/signup", &body)
        .await
    {
        Ok(session) => {
            let jar = jar.add(session_cookie(session.token.token, portal.secure_cookies));
            Ok((jar, done("/my", "registered")).into_response())
        }
        Err(ApiError::Problem(p)) if p.status < 500 => {
            let mut errors = FormErrors::from_problem(&p);
            // The API nests the organisation; the form names its inputs flat.
            let renamed: Vec<(String, String)> = errors
                .fields
                .iter()
                .filter_map(|(k, v)| {
                    k.strip_prefix("organisation.")
                        .map(|rest| (org_field(rest), v.clone()))
                })
                .collect();
            errors.fields.retain(|k, _| !k.starts_with("organisation."));
            errors.fields.extend(renamed);
            let ctx = Ctx::new(&viewer, "signup");
            let labels = Labels::load(&portal, &viewer).await;
            Ok(render(&SignupPage {
                ctx,
                labels,
                form,
                errors,
            }))
        }
        Err(err) => Err(viewer.fail(err)),
    }
}

fn org_field(api_name: &str) -> String {
    match api_name {
        "name" => "org_name".to_owned(),
        "name_en" => "org_name_en".to_owned(),
        "kind" => "org_kind".to_owned(),
        other => other.to_owned(),
    }
}
