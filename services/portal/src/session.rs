//! Who is reading: the session cookie (an API token, kept `HttpOnly`), the interface language
//! (cookie, else `Accept-Language`, else Chinese) and the signed-in account as `/api/v1/me`
//! reports it.

use axum::extract::{FromRef, FromRequestParts};
use axum::http::request::Parts;
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};

use crate::api::{ApiError, Caller};
use crate::i18n::Lang;
use crate::Portal;
use wire::ids::OrganisationId;

pub const SESSION_COOKIE: &str = "tm_session";
pub const LANG_COOKIE: &str = "tm_lang";

/// The signed-in account, as `GET /api/v1/me` answers.
pub use wire::accounts::Me;

/// The reader of the page being made.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub token: Option<String>,
    pub lang: Lang,
    pub me: Option<Me>,
    /// Path and query of this request, for "come back here" links.
    pub path: String,
}

impl Viewer {
    pub fn caller(&self) -> Caller<'_> {
        Caller {
            token: self.token.as_deref(),
            lang: self.lang,
        }
    }

    pub fn signed_in(&self) -> bool {
        self.me.is_some()
    }

    pub fn is_operator(&self) -> bool {
        self.me.as_ref().is_some_and(|m| m.is_operator)
    }

    pub fn is_broker(&self) -> bool {
        self.me.as_ref().is_some_and(Me::is_broker)
    }

    pub fn organisation_id(&self) -> Option<OrganisationId> {
        self.me.as_ref().and_then(|m| m.organisation_id)
    }
}

impl<S> FromRequestParts<S> for Viewer
where
    S: Send + Sync,
    Portal: FromRef<S>,
{
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let portal = Portal::from_ref(state);
        let jar = CookieJar::from_headers(&parts.headers);
        let query_lang = parts
            .uri
            .query()
            .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("lang=")))
            .and_then(Lang::parse);
        let lang = query_lang
            .or_else(|| jar.get(LANG_COOKIE).and_then(|c| Lang::parse(c.value())))
            .or_else(|| {
                parts
                    .headers
                    .get(http::header::ACCEPT_LANGUAGE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(Lang::from_accept_language)
            })
            .unwrap_or_default();
        let token = jar
            .get(SESSION_COOKIE)
            .map(|c| c.value().to_owned())
            .filter(|t| !t.is_empty());
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".to_owned());
        let mut viewer = Viewer {
            token,
            lang,
            me: None,
            path,
        };
        if viewer.token.is_some() {
            match portal.api.get::<Me>(viewer.caller(), "/api/v1/me").await {
                Ok(me) => viewer.me = Some(me),
                Err(ApiError::Problem(p)) if p.status == 401 => viewer.token = None,
                Err(err) => tracing::warn!(error = %err, "cannot read the signed-in account"),
            }
        }
        Ok(viewer)
    }
}

/// The session cookie for a new token: `HttpOnly` (scripts never see it), `SameSite=Lax`
/// (other sites' forms cannot post with it), `Secure` when configured.
pub fn session_cookie(token: String, secure: bool) -> Cookie<'static> {
    Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .build()
}

pub fn lang_cookie(lang: Lang) -> Cookie<'static> {
    Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .same_site(SameSite::Lax)
        .max_age(cookie::time::Duration::days(365))
        .build()
}
