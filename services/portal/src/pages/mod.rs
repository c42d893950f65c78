//! The portal's pages, one module per area. Helpers every area uses live here: taxonomy
//! labels in the reader's language and pagination.

use std::collections::HashMap;

use axum::Router;

use crate::api::Api;
use crate::i18n::Tr;
use crate::page::strip_param;
use crate::session::Viewer;
use crate::Portal;

mod alerts;
mod auction;
mod auction_list;
mod auth;
mod broker;
mod console;
mod dashboard;
mod directory;
pub(crate) mod files;
mod fx;
mod home;
mod listing;
mod listing_form;
mod market;
mod my;
mod notifications;
mod office;
mod order_documents;
mod partners;
mod price_listing;
mod translations;
mod tto;
mod vouchers;

pub fn routes() -> Router<Portal> {
    Router::new()
        .merge(home::routes())
        .merge(auth::routes())
        .merge(alerts::routes())
        .merge(auction::routes())
        .merge(auction_list::routes())
        .merge(price_listing::routes())
        .merge(listing::routes())
        .merge(listing_form::routes())
        .merge(my::routes())
        .merge(broker::routes())
        .merge(console::routes())
        .merge(dashboard::routes())
        .merge(directory::routes())
        .merge(fx::routes())
        .merge(notifications::routes())
        .merge(tto::routes())
        .merge(translations::routes())
        .merge(office::routes())
        .merge(market::routes())
        .merge(order_documents::routes())
        .merge(vouchers::routes())
        .merge(partners::routes())
}

/// The id in a page's path, when it is one (anything else is a page that does not exist, and
/// never reaches the API's URL).
pub fn path_id(raw: &str) -> Option<String> {
    uuid::Uuid::parse_str(raw).ok().map(|u| u.to_string())
}

/// The page a list was asked for: the first when the query or form names none (or page 0),
/// never beyond what the API serves (`platform::paging`).
pub fn page_param(page: Option<u64>) -> u64 {
    platform::paging::paging(page, None).0
}

use wire::taxonomy::Regions;
pub use wire::taxonomy::Term;

/// Labels for taxonomy codes (industries, regions, countries, languages, TRL) in the reader's
/// language, read from the API's taxonomy endpoints.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub industries: Vec<Term>,
    pub cities: Vec<Term>,
    pub countries: Vec<Term>,
    pub languages: Vec<Term>,
    pub trl: Vec<Term>,
    pub cooperation_modes: Vec<Term>,
    pub ip_types: Vec<Term>,
    by_code: HashMap<String, (String, String)>,
    tr: Option<Tr>,
}

impl Labels {
    /// Every taxonomy's labels in the reader's language. They are read from the API once per
    /// process; a failed read is not kept (the next page tries again) and leaves this page's
    /// codes unlabelled rather than failing it.
    pub async fn load(portal: &Portal, viewer: &Viewer) -> Labels {
        let mut labels = match portal.taxonomies.get() {
            Some(labels) => labels.clone(),
            None => {
                let (labels, complete) = Self::read(&portal.api, viewer).await;
                if complete {
                    // Two pages may read at once; either copy is the same.
                    let _ = portal.taxonomies.set(labels.clone());
                }
                labels
            }
        };
        labels.tr = Some(Tr::new(viewer.lang));
        labels
    }

    /// What could be read of the taxonomies, and whether it was all of them.
    async fn read(api: &Api, viewer: &Viewer) -> (Labels, bool) {
        let caller = viewer.caller();
        let (industries, regions, languages, trl, coop, ip) = tokio::join!(
            api.get::<Vec<Term>>(caller, "/api/v1/taxonomies/industries"),
            api.get::<Regions>(caller, "/api/v1/taxonomies/regions"),
            api.get::<Vec<Term>>(caller, "/api/v1/taxonomies/languages"),
            api.get::<Vec<Term>>(caller, "/api/v1/taxonomies/trl"),
            api.get::<Vec<Term>>(caller, "/api/v1/taxonomies/cooperation-modes"),
            api.get::<Vec<Term>>(caller, "/api/v1/taxonomies/ip-types"),
        );
        let complete = industries.is_ok()
            && regions.is_ok()
            && languages.is_ok()
            && trl.is_ok()
            && coop.is_ok()
            && ip.is_ok();
        let mut labels = Labels {
            industries: industries.unwrap_or_default(),
            languages: languages.unwrap_or_default(),
            trl: trl.unwrap_or_default(),
            cooperation_modes: coop.unwrap_or_default(),
            ip_types: ip.unwrap_or_default(),
            ..Labels::default()
        };
        if let Ok(r) = regions {
            labels.cities = r.guangxi_cities;
            let mut countries = vec![Term {
                code: "CN".to_owned(),
                zh: "中国".to_owned(),
                en: "China".to_owned(),
            }];
            countries.extend(r.asean.into_iter().map(|a| Term {
                code: a.code,
                zh: a.zh,
                en: a.en,
            }));
            labels.countries = countries;
            for p in &r.provinces {
                labels
                    .by_code
                    .insert(format!("region:{}", p.code), (p.zh.clone(), p.en.clone()));
            }
        }
        for (group, terms) in [
            ("industry", &labels.industries),
            ("region", &labels.cities),
            ("country", &labels.countries),
            ("language", &labels.languages),
            ("trl", &labels.trl),
            ("coop", &labels.cooperation_modes),
            ("ip", &labels.ip_types),
        ] {
            for t in terms {
                labels
                    .by_code
                    .insert(format!("{group}:{}", t.code), (t.zh.clone(), t.en.clone()));
            }
        }
        for c in &labels.countries {
            // ASEAN listings carry the country code as their region.
            labels
                .by_code
                .insert(format!("region:{}", c.code), (c.zh.clone(), c.en.clone()));
        }
        (labels, complete)
    }

    fn label(&self, group: &str, code: &str) -> String {
        match (self.by_code.get(&format!("{group}:{code}")), self.tr) {
            (Some((zh, en)), Some(tr)) => tr.pick(zh, en).to_owned(),
            _ => code.to_owned(),
        }
    }

    pub fn industry(&self, code: &str) -> String {
        self.label("industry", code)
    }

    pub fn region(&self, code: &str) -> String {
        self.label("region", code)
    }

    pub fn country(&self, code: &str) -> String {
        self.label("country", code)
    }

    pub fn language(&self, code: &str) -> String {
        self.label("language", code)
    }

    pub fn cooperation_mode(&self, code: &str) -> String {
        self.label("coop", code)
    }

    pub fn ip_type(&self, code: &str) -> String {
        self.label("ip", code)
    }

    pub fn trl(&self, level: i64) -> String {
        format!("TRL {level} · {}", self.label("trl", &level.to_string()))
    }

    /// A term's words in the reader's language (for select options).
    pub fn name(&self, term: &Term) -> String {
        self.tr
            .map(|t| t.pick(&term.zh, &term.en).to_owned())
            .unwrap_or_else(|| term.code.clone())
    }
}

/// Previous/next links for a paged list, keeping the rest of the query.
#[derive(Debug, Clone)]
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: u64,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// `param` names the page parameter (pages with two lists use two names).
    pub fn new(path: &str, param: &str, page: u64, per_page: u64, total: u64) -> Pager {
        let pages = total.div_ceil(per_page.max(1)).max(1);
        let page = page.clamp(1, pages);
        let base = strip_param(&strip_param(path, param), "flash");
        let link = |p: u64| {
            let sep = if base.contains('?') { '&' } else { '?' };
            format!("{base}{sep}{param}={p}")
        };
        Pager {
            page,
            pages,
            total,
            prev: (page > 1).then(|| link(page - 1)),
            next: (page < pages).then(|| link(page + 1)),
        }
    }

    pub fn needed(&self) -> bool {
        self.pages > 1
    }

    pub fn label(&self, t: &Tr) -> String {
        t.f(
            "common.page_of",
            &[
                ("page", &self.page.to_string()),
                ("pages", &self.pages.to_string()),
                ("total", &self.total.to_string()),
            ],
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_links_keep_the_query_and_drop_the_flash() {
        let p = Pager::new("/?q=rice&page=2&flash=saved", "page", 2, 20, 45);
        assert_eq!(p.pages, 3);
        assert_eq!(p.prev.as_deref(), Some("/?q=rice&page=1"));
        assert_eq!(p.next.as_deref(), Some("/?q=rice&page=3"));
        assert!(Pager::new("/", "page", 1, 20, 0).prev.is_none());
    }
}
