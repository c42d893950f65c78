//! The countries the platform serves, and the partner group of each: the one home of "may an
//! organisation from here register" (listing) and "which group does this counterpart count
//! in" (deal's statistics).
//!
//! Served = the configuration's `countries.served` (defaults: China, the ASEAN members and
//! the other RCEP members) ∪ the countries operators added (`partner_countries`, each filed
//! under a partner group such as Belt and Road). A deployment that serves only China and ASEAN
//! by configuration can still let an operator add Japan at run time; one that serves Japan by
//! configuration needs no row. The groups of China, the ASEAN members and the RCEP members
//! are fixed by definition; any other country takes the group its operator row names, or
//! `other` when only the configuration serves it.

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, EntityTrait};
use wire::partners::ServedCountry;
use wire::PartnerGroup;

use crate::config::CountriesConfig;
use crate::entity::partner_countries;
use crate::error::ApiResult;
use crate::taxonomy;

/// The RCEP members outside China and ASEAN (code, Chinese, English).
pub const RCEP_PARTNERS: [(&str, &str, &str); 4] = [
    ("JP", "日本", "Japan"),
    ("KR", "韩国", "Republic of Korea"),
    ("AU", "澳大利亚", "Australia"),
    ("NZ", "新西兰", "New Zealand"),
];

/// The served countries of a default configuration: China, the ASEAN members, the other RCEP
/// members.
pub fn default_served() -> Vec<String> {
    std::iter::once("CN")
        .chain(taxonomy::ASEAN.iter().map(|m| m.code))
        .chain(RCEP_PARTNERS.iter().map(|p| p.0))
        .map(str::to_owned)
        .collect()
}

/// The group a country belongs to by definition, with its names; `None` for countries whose
/// group an operator decides.
pub fn fixed(code: &str) -> Option<(PartnerGroup, &'static str, &'static str)> {
    if code == "CN" {
        return Some((PartnerGroup::Domestic, "中国", "China"));
    }
    if let Some(m) = taxonomy::ASEAN.iter().find(|m| m.code == code) {
        return Some((PartnerGroup::Asean, m.zh, m.en));
    }
    RCEP_PARTNERS
        .iter()
        .find(|p| p.0 == code)
        .map(|p| (PartnerGroup::Rcep, p.1, p.2))
}

/// Whether `code` looks like an ISO 3166-1 alpha-2 code (two upper-case letters).
pub fn is_country_code(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

/// The served countries at one moment, read once per request.
#[derive(Debug, Clone, Default)]
pub struct Served {
    countries: BTreeMap<String, ServedCountry>,
}

impl Served {
    /// The configured countries and the operator-added rows.
    #[tracing::instrument(level = "debug", skip_all)]
    pub async fn load(db: &impl ConnectionTrait, config: &CountriesConfig) -> ApiResult<Served> {
        let mut countries = BTreeMap::new();
        for code in &config.served {
            let (group, zh, en) = fixed(code).unwrap_or((PartnerGroup::Other, "", ""));
            let name = |s: &str| {
                if s.is_empty() {
                    code.clone()
                } else {
                    s.to_owned()
                }
            };
            countries.insert(
                code.clone(),
                ServedCountry {
                    code: code.clone(),
                    name_zh: name(zh),
                    name_en: name(en),
                    partner_group: group,
                    added_by_operator: false,
                },
            );
        }
        for row in partner_countries::Entity::find().all(db).await? {
            if countries.contains_key(&row.code) {
                continue;
            }
            // A fixed country's group is its definition; a stored code outside the vocabulary
            // (written by a newer version) counts as `other` rather than failing every sign-up.
            let group = fixed(&row.code)
                .map(|f| f.0)
                .or_else(|| PartnerGroup::parse(&row.partner_group))
                .unwrap_or(PartnerGroup::Other);
            countries.insert(
                row.code.clone(),
                ServedCountry {
                    code: row.code,
                    name_zh: row.name_zh,
                    name_en: row.name_en,
                    partner_group: group,
                    added_by_operator: true,
                },
            );
        }
        Ok(Served { countries })
    }

    /// Whether organisations from `code` may register.
    pub fn contains(&self, code: &str) -> bool {
        self.countries.contains_key(code)
    }

    /// The partner group `code` counts in: its served entry's, else its group by definition,
    /// else `other` (a counterpart recorded off the platform may come from anywhere).
    pub fn group_of(&self, code: &str) -> PartnerGroup {
        self.countries
            .get(code)
            .map(|c| c.partner_group)
            .or_else(|| fixed(code).map(|f| f.0))
            .unwrap_or(PartnerGroup::Other)
    }

    /// Every served country, by code.
    pub fn list(&self) -> Vec<ServedCountry> {
        self.countries.values().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_serve_china_asean_and_rcep() {
        let served = default_served();
        assert_eq!(served.len(), 1 + 11 + 4);
        for code in ["CN", "VN", "TL", "JP", "KR", "AU", "NZ"] {
            assert!(served.iter().any(|c| c == code), "{code}");
        }
        assert!(!served.iter().any(|c| c == "IL"));
    }

    #[test]
    fn groups_by_definition() {
        assert_eq!(fixed("CN").map(|f| f.0), Some(PartnerGroup::Domestic));
        assert_eq!(fixed("TH").map(|f| f.0), Some(PartnerGroup::Asean));
        assert_eq!(fixed("NZ").map(|f| f.0), Some(PartnerGroup::Rcep));
        assert_eq!(fixed("IL"), None);
        let empty = Served::default();
        assert_eq!(empty.group_of("JP"), PartnerGroup::Rcep);
        assert_eq!(empty.group_of("IL"), PartnerGroup::Other);
        assert!(is_country_code("IL"));
        assert!(!is_country_code("il") && !is_country_code("ISR") && !is_country_code(""));
    }
}
