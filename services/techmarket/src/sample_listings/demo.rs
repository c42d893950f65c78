//! The demo organisations of `crate::sample` and the generated listings they own.

use super::*;

/// A demo organisation of [`crate::sample`] and its admin, who own [`demo_picks`].
#[derive(Debug, Clone)]
pub struct DemoOwner {
    pub organisation_id: sea_orm::prelude::Uuid,
    pub user_id: sea_orm::prelude::Uuid,
    pub country: &'static str,
    pub region_code: &'static str,
    pub contact_name: &'static str,
    pub contact_email: &'static str,
}

/// Who owns the demo picks; `None` leaves them with their generated organisation.
#[derive(Debug, Clone, Default)]
pub struct DemoOwners {
    /// Owns [`demo_picks`]' achievements.
    pub university: Option<DemoOwner>,
    /// Owns [`demo_picks`]' needs and open call.
    pub enterprise: Option<DemoOwner>,
}

/// The fields of the demo enterprise (an agricultural machinery maker) and of the demo
/// university's listings, so that the two demo logins see each other as matches.
pub(super) const DEMO_FIELDS: &[&str] = &["modern_agriculture", "high_end_equipment"];
/// The generated enterprise whose needs read like the demo enterprise's own.
pub(super) const DEMO_NEED_ORG: &str = "fusui-cane-machinery";
/// How many achievements the demo university owns, and how many plain needs the demo
/// enterprise owns (it also owns one open call).
pub(super) const DEMO_ACHIEVEMENTS: usize = 5;
pub(super) const DEMO_NEEDS: usize = 4;

/// Which generated listings the demo university and enterprise own (indices into
/// `data.achievements` and `data.needs`): Chinese universities' and institutes' achievements
/// and Chinese enterprises' needs in [`DEMO_FIELDS`], plus one Chinese enterprise's open call. Hand-written
/// listings (the ones with translations) keep their own organisations.
pub fn demo_picks(data: &SampleData) -> (Vec<usize>, Vec<usize>) {
    let translated = |r: ListingRef| data.translations.iter().any(|t| t.listing == r);
    let org = |i: usize| data.organisations.get(i).filter(|o| o.country == "CN");
    // Best first: the enterprise most like the demo one (its needs' text describes a
    // sugarcane machinery maker), then DEMO_FIELDS in order; ties keep generation order.
    let rank = |org_slug: &str, industry: &str| -> Option<(usize, usize)> {
        let field = DEMO_FIELDS.iter().position(|f| *f == industry);
        if org_slug == DEMO_NEED_ORG {
            Some((0, field.unwrap_or(DEMO_FIELDS.len())))
        } else {
            field.map(|f| (1, f))
        }
    };
    let best = |mut ranked: Vec<((usize, usize), usize)>, limit: usize| -> Vec<usize> {
        ranked.sort();
        ranked.into_iter().take(limit).map(|(_, i)| i).collect()
    };
    let achievements = best(
        data.achievements
            .iter()
            .enumerate()
            .filter(|(i, a)| {
                !translated(ListingRef::Achievement(*i))
                    && org(a.org).is_some_and(|o| o.kind == "university" || o.kind == "institute")
            })
            .filter_map(|(i, a)| {
                DEMO_FIELDS
                    .iter()
                    .position(|f| *f == a.industry)
                    .map(|f| ((0, f), i))
            })
            .collect(),
        DEMO_ACHIEVEMENTS,
    );
    let enterprise_needs = |kind: &str| -> Vec<((usize, usize), usize)> {
        data.needs
            .iter()
            .enumerate()
            .filter(|(i, n)| n.kind == kind && !translated(ListingRef::Need(*i)))
            .filter_map(|(i, n)| {
                let o = org(n.org).filter(|o| o.kind == E)?;
                rank(o.slug, &n.industry).map(|r| (r, i))
            })
            .collect()
    };
    let mut needs = best(enterprise_needs(NeedKind::Need.as_str()), DEMO_NEEDS);
    needs.extend(best(enterprise_needs(NeedKind::OpenCall.as_str()), 1));
    (achievements, needs)
}

/// Who a listing is inserted for: a demo owner, or its generated organisation.
pub(super) struct Owner<'a> {
    pub(super) organisation_id: sea_orm::prelude::Uuid,
    pub(super) user_id: sea_orm::prelude::Uuid,
    pub(super) country: &'a str,
    pub(super) region_code: &'a str,
    pub(super) contact_name: &'a str,
    pub(super) contact_email: &'a str,
}

impl<'a> Owner<'a> {
    pub(super) fn of(
        demo: Option<&'a DemoOwner>,
        org: &'a OrgSeed,
        org_id: sea_orm::prelude::Uuid,
        user_id: sea_orm::prelude::Uuid,
    ) -> Self {
        match demo {
            Some(d) => Owner {
                organisation_id: d.organisation_id,
                user_id: d.user_id,
                country: d.country,
                region_code: d.region_code,
                contact_name: d.contact_name,
                contact_email: d.contact_email,
            },
            None => Owner {
                organisation_id: org_id,
                user_id,
                country: org.country,
                region_code: org.region_code,
                contact_name: &org.contact_name,
                contact_email: &org.email,
            },
        }
    }
}
