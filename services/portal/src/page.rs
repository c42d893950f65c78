//! What every page shares: the layout's context (language, account, navigation), rendering a
//! template into a response, error pages, redirects, and form errors from problem JSON.

use std::collections::HashMap;

use askama::Template;
use axum::response::{Html, IntoResponse, Redirect, Response};
use http::StatusCode;

use crate::api::{urlencode, ApiError, Problem};
use crate::i18n::{Lang, Tr};
use crate::session::{Me, Viewer};

/// The layout's view of the request.
pub struct Ctx {
    pub t: Tr,
    pub lang: Lang,
    pub me: Option<Me>,
    /// Path and query of this page.
    pub path: String,
    /// One-line confirmation after a redirect (`?flash=saved`), already translated.
    pub flash: Option<&'static str>,
    /// Which top-level section the page belongs to, to mark it in the navigation.
    pub section: &'static str,
}

/// A language the switcher offers, with the link that switches to it.
pub struct LangLink {
    pub code: &'static str,
    pub name: &'static str,
    pub href: String,
    pub current: bool,
}

impl Ctx {
    pub fn new(viewer: &Viewer, section: &'static str) -> Self {
        // Vietnamese and Thai cover the public pages; elsewhere the page is English, and says
        // so in its `lang`, rather than English text under a `vi` label.
        let lang = if viewer.lang.is_full() || is_public(section) {
            viewer.lang
        } else {
            Lang::En
        };
        let t = Tr::new(lang);
        let flash = flash_key(&viewer.path)
            .map(|key| format!("common.flash_{key}"))
            .filter(|key| crate::i18n::has_key(key))
            .map(|key| t.t(&key));
        Self {
            t,
            lang,
            me: viewer.me.clone(),
            path: viewer.path.clone(),
            flash,
            section,
        }
    }

    pub fn signed_in(&self) -> bool {
        self.me.is_some()
    }

    pub fn is_operator(&self) -> bool {
        self.me.as_ref().is_some_and(|m| m.is_operator)
    }

    /// Works a registration office (platform operators and the operators offices list): the
    /// only people the Office link is offered to.
    pub fn acts_for_an_office(&self) -> bool {
        self.me.as_ref().is_some_and(Me::acts_for_an_office)
    }

    pub fn is_broker(&self) -> bool {
        self.me.as_ref().is_some_and(Me::is_broker)
    }

    pub fn has_org(&self) -> bool {
        self.me
            .as_ref()
            .is_some_and(|m| m.organisation_id.is_some())
    }

    pub fn display_name(&self) -> &str {
        self.me
            .as_ref()
            .map(|m| m.display_name.as_str())
            .unwrap_or("")
    }

    /// Languages the switcher offers: zh and en everywhere, vi and th on public pages.
    pub fn languages(&self) -> Vec<LangLink> {
        let public = is_public(self.section);
        Lang::ALL
            .into_iter()
            .filter(|l| l.is_full() || public)
            .map(|l| LangLink {
                code: l.code(),
                name: l.own_name(),
                href: format!(
                    "/lang/{}?next={}",
                    l.code(),
                    urlencode(&strip_param(&self.path, "lang"))
                ),
                current: l == self.lang,
            })
            .collect()
    }

    pub fn html_lang(&self) -> &'static str {
        self.lang.html_lang()
    }

    /// `/login?next=<this page>`.
    pub fn login_href(&self) -> String {
        format!("/login?next={}", urlencode(&self.path))
    }
}

/// A form field's text, trimmed, or `None` when nothing was typed (the API's "not given").
pub fn typed(text: &str) -> Option<&str> {
    let t = text.trim();
    (!t.is_empty()).then_some(t)
}

/// Escapes text for HTML or SVG markup built in Rust (content and quoted attribute values),
/// which a template then prints with `|safe`.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Sections whose pages exist in every interface language (Vietnamese and Thai included).
fn is_public(section: &str) -> bool {
    matches!(
        section,
        "home" | "listing" | "brokers" | "publicity" | "login"
    )
}

/// Reads `flash=<key>` from the query; only short ASCII keys are considered.
fn flash_key(path: &str) -> Option<String> {
    let query = path.split_once('?')?.1;
    let value = query.split('&').find_map(|kv| kv.strip_prefix("flash="))?;
    (value.len() <= 32 && value.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        .then(|| value.to_owned())
}

/// Whether `path` stays on this site: it starts with one `/`, and has no backslash and no
/// control character or space (browsers drop tabs and newlines from a `Location`, which would
/// turn `/\t/evil.example` into `//evil.example`).
pub fn is_local_path(path: &str) -> bool {
    path.starts_with('/')
        && !path.starts_with("//")
        && !path.bytes().any(|b| b == b'\\' || b <= 0x20 || b == 0x7f)
}

/// `path` without one query parameter.
pub fn strip_param(path: &str, name: &str) -> String {
    let Some((base, query)) = path.split_once('?') else {
        return path.to_owned();
    };
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| kv.split('=').next() != Some(name))
        .collect();
    if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

/// Renders a template as an HTML page.
pub fn render(page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => Html(html).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "template failed to render");
            (StatusCode::INTERNAL_SERVER_ERROR, Html(FALLBACK_ERROR)).into_response()
        }
    }
}

const FALLBACK_ERROR: &str = "<!doctype html><meta charset=utf-8><title>Error</title><p>页面出错，请稍后再试。Something went wrong; please try again.</p>";

/// A page that could not be made, already turned into the response the reader gets.
pub struct PageError(Box<Response>);

impl PageError {
    pub fn new(response: Response) -> Self {
        Self(Box::new(response))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        *self.0
    }
}

pub type PageResult = Result<Response, PageError>;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: Ctx,
    status: u16,
    heading: &'static str,
    advice: &'static str,
    detail: String,
}

impl Viewer {
    /// The page for an API failure: sign in when the API wants a session, otherwise a page
    /// that says what happened in the reader's language.
    pub fn fail(&self, err: ApiError) -> PageError {
        let status = err.status();
        if status == StatusCode::UNAUTHORIZED && !self.signed_in() {
            return PageError::new(
                Redirect::to(&format!("/login?next={}", urlencode(&self.path))).into_response(),
            );
        }
        let detail = match &err {
            ApiError::Problem(p) => {
                // Field messages say what to fix; the detail alone is often generic.
                let mut d = p.detail.clone();
                for f in &p.fields {
                    d.push_str(&format!(" — {}: {}", f.path, f.message));
                }
                d
            }
            ApiError::Transport(e) => {
                tracing::error!(error = %e, "API call failed");
                String::new()
            }
        };
        self.error_page(status, detail)
    }

    pub fn not_found(&self) -> PageError {
        self.error_page(StatusCode::NOT_FOUND, String::new())
    }

    pub fn error_page(&self, status: StatusCode, detail: String) -> PageError {
        let ctx = Ctx::new(self, "");
        let (heading, advice) = match status.as_u16() {
            401 | 403 => ("common.error_forbidden", "common.error_forbidden_advice"),
            404 => ("common.error_not_found", "common.error_not_found_advice"),
            409 => ("common.error_conflict", "common.error_conflict_advice"),
            400..=499 => (
                "common.error_bad_request",
                "common.error_bad_request_advice",
            ),
            _ => ("common.error_server", "common.error_server_advice"),
        };
        let page = ErrorPage {
            heading: ctx.t.t(heading),
            advice: ctx.t.t(advice),
            ctx,
            status: status.as_u16(),
            detail,
        };
        let mut resp = render(&page);
        *resp.status_mut() = status;
        PageError::new(resp)
    }

    /// Pages for signed-in people only: the login page, coming back here afterwards.
    pub fn require_login(&self) -> Result<&Me, PageError> {
        self.me.as_ref().ok_or_else(|| {
            PageError::new(
                Redirect::to(&format!("/login?next={}", urlencode(&self.path))).into_response(),
            )
        })
    }
}

/// See-other redirect after a successful form post, with a confirmation key.
pub fn done(to: &str, flash: &str) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{to}{sep}flash={flash}")).into_response()
}

/// Messages a form shows beside its fields, from the API's problem JSON. Field paths are the
/// API's (`title`, `price.min_minor`, `keywords[2]`); a form names its inputs the same way, and
/// list items are reported on the list's input.
#[derive(Debug, Default)]
pub struct FormErrors {
    pub fields: HashMap<String, String>,
    /// What went wrong overall (the problem's detail), shown at the top of the form.
    pub summary: Option<String>,
}

impl FormErrors {
    pub fn from_problem(problem: &Problem) -> Self {
        let mut fields = HashMap::new();
        for f in &problem.fields {
            let name = f.path.split('[').next().unwrap_or(&f.path).to_owned();
            fields.entry(name).or_insert_with(|| f.message.clone());
        }
        let summary = Some(if problem.detail.is_empty() {
            problem.title.clone()
        } else {
            problem.detail.clone()
        });
        Self { fields, summary }
    }

    pub fn field(name: &str, message: impl Into<String>) -> Self {
        let mut e = Self::default();
        e.fields.insert(name.to_owned(), message.into());
        e
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.fields.get(name).map(String::as_str)
    }

    pub fn has(&self, name: &str) -> bool {
        self.fields.contains_key(name)
    }

    pub fn is_empty(&self) -> bool {
        self.fields.is_empty() && self.summary.is_none()
    }

    /// Fields with errors, in a stable order, for the summary list at the top of a form.
    pub fn list(&self) -> Vec<(&str, &str)> {
        let mut v: Vec<(&str, &str)> = self
            .fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        v.sort();
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strip_param_keeps_the_other_parameters() {
        assert_eq!(
            strip_param("/s?q=a&lang=en&page=2", "lang"),
            "/s?q=a&page=2"
        );
        assert_eq!(strip_param("/s?lang=en", "lang"), "/s");
        assert_eq!(strip_param("/s", "lang"), "/s");
    }

    #[test]
    fn only_local_paths_are_followed() {
        assert!(is_local_path("/needs/1?flash=saved"));
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "https://evil.example",
            "/ /x",
            "/\n/evil",
        ] {
            assert!(!is_local_path(bad), "{bad:?}");
        }
    }

    #[test]
    fn flash_keys_are_short_lowercase_words() {
        assert_eq!(flash_key("/x?flash=saved").as_deref(), Some("saved"));
        assert_eq!(flash_key("/x?flash=<script>"), None);
    }
}
