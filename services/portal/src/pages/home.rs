//! Home: search over achievements, needs and open calls, with facets and a language filter.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use serde::Deserialize;

use super::{Labels, Pager};
use crate::api::{urlencode, with_query};
use crate::page::{render, strip_param, Ctx, PageResult};
use crate::session::Viewer;
use crate::Portal;
use wire::listing::{SearchHit, SearchPage};
use wire::{ListingKind, NeedKind};

pub fn routes() -> Router<Portal> {
    Router::new()
        .route("/", get(home))
        .route("/lang/{code}", get(switch_language))
}

const PER_PAGE: u64 = 20;

/// The filters a reader can set; names are the API's.
#[derive(Debug, Default, Deserialize)]
pub struct SearchParams {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub open_call: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub language: String,
    #[serde(default)]
    pub trl_min: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default)]
    pub page: Option<u64>,
}

/// What the results list asks of a hit (the wire type is the crate's, so this is a trait).
pub trait HitView {
    fn href(&self) -> String;
    fn kind_term(&self) -> &'static str;
    fn title_html(&self) -> String;
    fn summary_html(&self) -> String;
}

impl HitView for SearchHit {
    fn href(&self) -> String {
        match self.kind {
            ListingKind::Need if self.open_call => format!("/open-calls/{}", self.id),
            ListingKind::Need => format!("/needs/{}", self.id),
            ListingKind::Achievement => format!("/achievements/{}", self.id),
        }
    }

    fn kind_term(&self) -> &'static str {
        match self.kind {
            ListingKind::Need if self.open_call => NeedKind::OpenCall.as_str(),
            ListingKind::Need => NeedKind::Need.as_str(),
            ListingKind::Achievement => ListingKind::Achievement.as_str(),
        }
    }

    /// Highlighted title/summary: the API escapes the text and marks matches with `<mark>`,
    /// so it is safe to show as HTML.
    fn title_html(&self) -> String {
        self.highlights
            .get("title")
            .map(|h| marked(h))
            .unwrap_or_else(|| crate::page::escape(&self.title))
    }

    fn summary_html(&self) -> String {
        self.highlights
            .get("summary")
            .map(|h| marked(h))
            .unwrap_or_else(|| crate::page::escape(&self.summary))
    }
}

/// A highlight from the search service: its text is already escaped there, but the portal
/// trusts no HTML it did not make, so it unescapes, escapes again, and restores only `<mark>`.
fn marked(highlight: &str) -> String {
    let plain = highlight
        .replace("<mark>", "\u{1}")
        .replace("</mark>", "\u{2}")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    crate::page::escape(&plain)
        .replace('\u{1}', "<mark>")
        .replace('\u{2}', "</mark>")
}

/// One facet value with its count and the link that toggles it.
pub struct FacetValue {
    pub label: String,
    pub count: u64,
    pub href: String,
    pub active: bool,
}

pub struct Facet {
    pub title: &'static str,
    pub values: Vec<FacetValue>,
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    ctx: Ctx,
    labels: Labels,
    params: SearchParams,
    hits: Vec<SearchHit>,
    total: u64,
    facets: Vec<Facet>,
    pager: Pager,
    searched: bool,
}

impl HomePage {
    fn results_heading(&self) -> String {
        self.ctx.t.f(
            "home.results_count",
            &[("total", &self.ctx.t.count(self.total as i64))],
        )
    }
}

async fn home(
    State(portal): State<Portal>,
    viewer: Viewer,
    Query(params): Query<SearchParams>,
) -> PageResult {
    let ctx = Ctx::new(&viewer, "home");
    let page = params.page.unwrap_or(1).max(1);
    let path = with_query(
        "/api/v1/search",
        &[
            ("q", params.q.trim().to_owned()),
            ("kind", params.kind.clone()),
            ("open_call", params.open_call.clone()),
            ("industry", params.industry.clone()),
            ("region", params.region.clone()),
            ("country", params.country.clone()),
            ("language", params.language.clone()),
            ("trl_min", params.trl_min.clone()),
            ("sort", params.sort.clone()),
            ("page", page.to_string()),
            ("per_page", PER_PAGE.to_string()),
            ("lang", viewer.lang.code().to_owned()),
        ],
    );
    let (result, labels) = tokio::join!(
        portal.api.get::<SearchPage>(viewer.caller(), &path),
        Labels::load(&portal, &viewer)
    );
    let result = result.map_err(|e| viewer.fail(e))?;
    let facets = facets(&ctx, &labels, &viewer.path, &result.facets);
    let pager = Pager::new(
        &viewer.path,
        "page",
        result.page as u64,
        PER_PAGE,
        result.total,
    );
    let searched = !params.q.trim().is_empty()
        || [
            &params.kind,
            &params.open_call,
            &params.industry,
            &params.region,
            &params.country,
            &params.language,
            &params.trl_min,
        ]
        .iter()
        .any(|v| !v.is_empty());
    Ok(render(&HomePage {
        ctx,
        labels,
        params,
        total: result.total,
        hits: result.hits,
        facets,
        pager,
        searched,
    }))
}

/// The facet groups shown beside the results; each value links to the same search with that
/// filter set (or cleared, when it is the active one).
fn facets(
    ctx: &Ctx,
    labels: &Labels,
    path: &str,
    counts: &BTreeMap<String, BTreeMap<String, u64>>,
) -> Vec<Facet> {
    let current = |name: &str| -> Option<String> {
        let query = path.split_once('?')?.1;
        query
            .split('&')
            .find_map(|kv| kv.strip_prefix(&format!("{name}=")))
            .map(str::to_owned)
    };
    let groups: [(&str, &str, &'static str); 6] = [
        ("kind", "kind", "home.facet_kind"),
        ("industry", "industry", "home.facet_industry"),
        ("language", "language", "home.facet_language"),
        ("country", "country", "home.facet_country"),
        ("region", "region", "home.facet_region"),
        ("open_call", "open_call", "home.facet_open_call"),
    ];
    let mut out = Vec::new();
    for (facet, param, title) in groups {
        let Some(values) = counts.get(facet) else {
            continue;
        };
        let active = current(param);
        let base = strip_param(&strip_param(&strip_param(path, param), "page"), "flash");
        let mut vals: Vec<FacetValue> = values
            .iter()
            .filter(|(_, n)| **n > 0)
            .filter(|(code, _)| facet != "open_call" || code.as_str() == "true")
            .map(|(code, n)| {
                let is_active = active.as_deref() == Some(urlencode(code).as_str());
                let href = if is_active {
                    if base.is_empty() {
                        "/".to_owned()
                    } else {
                        base.clone()
                    }
                } else {
                    let sep = if base.contains('?') { '&' } else { '?' };
                    format!("{base}{sep}{param}={}", urlencode(code))
                };
                let label = match facet {
                    "kind" => ctx.t.term("kind", code),
                    "industry" => labels.industry(code),
                    "language" => labels.language(code),
                    "country" => labels.country(code),
                    "region" => labels.region(code),
                    _ => ctx.t.t("home.only_open_calls").to_owned(),
                };
                FacetValue {
                    label,
                    count: *n,
                    href,
                    active: is_active,
                }
            })
            .collect();
        vals.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
        vals.truncate(12);
        if !vals.is_empty() {
            out.push(Facet {
                title: ctx.t.t(title),
                values: vals,
            });
        }
    }
    out
}

#[derive(Deserialize)]
struct Next {
    next: Option<String>,
}

/// Remembers the chosen interface language in a cookie and goes back to the page.
async fn switch_language(
    axum::extract::Path(code): axum::extract::Path<String>,
    Query(next): Query<Next>,
    jar: axum_extra::extract::cookie::CookieJar,
) -> axum::response::Response {
    let to = safe_next(next.next.as_deref());
    match crate::i18n::Lang::parse(&code) {
        Some(lang) => (
            jar.add(crate::session::lang_cookie(lang)),
            axum::response::Redirect::to(&to),
        )
            .into_response(),
        None => axum::response::Redirect::to(&to).into_response(),
    }
}

/// Only same-site paths are followed after a login or language switch (no open redirects).
pub fn safe_next(next: Option<&str>) -> String {
    next.filter(|n| crate::page::is_local_path(n))
        .map(str::to_owned)
        .unwrap_or_else(|| "/".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn highlights_keep_their_marks_and_nothing_else() {
        assert_eq!(
            marked("a <mark>b</mark> &lt;c&gt; &amp;"),
            "a <mark>b</mark> &lt;c&gt; &amp;"
        );
        assert_eq!(
            marked("<script>x</script><mark>y</mark>"),
            "&lt;script&gt;x&lt;/script&gt;<mark>y</mark>"
        );
    }
}
