//! The sample organisations: Chinese ones with invented credit codes and contacts, and ASEAN ones.

use super::*;

/// A Chinese sample organisation: `focus` lists the industry codes it posts in; `intro` says
/// what an enterprise does (used in its needs).
#[derive(Deserialize)]
pub(super) struct CnOrg {
    #[serde(deserialize_with = "leak::str")]
    pub(super) slug: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) name: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) name_en: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) kind: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) city: &'static str,
    #[serde(deserialize_with = "leak::strs")]
    pub(super) focus: &'static [&'static str],
    #[serde(deserialize_with = "leak::str")]
    pub(super) intro: &'static str,
}

/// The kind of the organisations that post needs.
pub(super) const E: &str = OrgKind::Enterprise.as_str();

/// An ASEAN sample organisation; its listings are written in `language`.
#[derive(Deserialize)]
pub(super) struct AseanOrg {
    #[serde(deserialize_with = "leak::str")]
    pub(super) slug: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) name: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) name_en: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) kind: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) country: &'static str,
    #[serde(deserialize_with = "leak::str")]
    pub(super) contact: &'static str,
}

/// The 17 characters before the check character of an invented credit code.
pub(super) fn credit_code_body(kind: &str, city: &str, n: usize) -> String {
    // 12 = 机构编制/事业单位 (universities, institutes); 91 = 市场监管/企业.
    let (prefix, org) = if kind == E {
        ("91", "MA")
    } else {
        ("12", "MB")
    };
    format!("{prefix}{city}{org}{:07}", 4_510_000 + n)
}

pub(super) fn organisations(src: &'static Source) -> Vec<OrgSeed> {
    let mut out = Vec::with_capacity(src.orgs.chinese.len() + src.orgs.asean.len());
    for (i, o) in src.orgs.chinese.iter().enumerate() {
        let body = credit_code_body(o.kind, o.city, i + 1);
        let credit_code = credit_code_check_char(&body).map(|c| format!("{body}{c}"));
        let surname = src.orgs.surnames[i % src.orgs.surnames.len()];
        let title = if o.kind == E {
            if i % 2 == 0 {
                "经理"
            } else {
                "工程师"
            }
        } else {
            "老师"
        };
        out.push(OrgSeed {
            slug: o.slug,
            name: o.name,
            name_en: o.name_en,
            kind: o.kind,
            country: "CN",
            region_code: o.city,
            credit_code,
            state_funded: o.kind != E,
            contact_name: format!("{surname}{title}（示例）"),
            email: format!("contact+{}@{}.sample", i + 1, o.slug),
        });
    }
    for (j, o) in src.orgs.asean.iter().enumerate() {
        let n = src.orgs.chinese.len() + j + 1;
        out.push(OrgSeed {
            slug: o.slug,
            name: o.name,
            name_en: o.name_en,
            kind: o.kind,
            country: o.country,
            region_code: o.country,
            credit_code: None,
            state_funded: o.kind != E,
            contact_name: o.contact.to_owned(),
            email: format!("contact+{n}@{}.sample", o.slug),
        });
    }
    out
}
