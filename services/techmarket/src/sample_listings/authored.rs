//! Hand-written listings (featured Chinese ones, ASEAN ones) with their translations.

use super::*;

/// Adds a hand-written listing and its translation.
pub(super) fn push_authored(
    data: &mut SampleData,
    rng: &mut Rng,
    today: NaiveDate,
    a: &Authored,
    provenance: &'static str,
) {
    let Some(org) = data.organisations.iter().position(|o| o.slug == a.org) else {
        return;
    };
    let country = data.organisations[org].country;
    let cross_border = a.cross_border || country != "CN";
    let listing = match a.kind {
        Kind::Achievement => {
            let (ip_type, status, given) = a.ip;
            let (status, numbers) = if given.is_empty() && country == "CN" {
                let (generated_status, numbers) = chinese_ip(rng, ip_type);
                // Keep the written status (granted/filed) with generated numbers.
                let numbers = match (ip_type, status) {
                    ("invention_patent", "granted") => numbers
                        .into_iter()
                        .map(|n| {
                            if n.starts_with("ZL") {
                                n
                            } else {
                                format!("ZL{n}")
                            }
                        })
                        .collect(),
                    ("invention_patent", _) => numbers
                        .into_iter()
                        .map(|n| n.trim_start_matches("ZL").to_owned())
                        .collect(),
                    _ => numbers,
                };
                let status = if ip_type == "invention_patent" {
                    status.to_owned()
                } else {
                    generated_status
                };
                (status, numbers)
            } else {
                (status.to_owned(), strings(given))
            };
            data.achievements.push(AchievementSeed {
                org,
                text: text(&a.original),
                industry: a.industry.to_owned(),
                ipc_codes: strings(a.ipc),
                ip_type: ip_type.to_owned(),
                ip_numbers: numbers,
                patent_status: Some(status),
                trl: a.trl,
                cooperation_modes: strings(a.modes),
                price: price(a.price),
                cross_border,
                valid_until: valid_until(rng, today),
                timing: timing(rng),
            });
            ListingRef::Achievement(data.achievements.len() - 1)
        }
        Kind::Need | Kind::OpenCall => {
            let open = a.kind == Kind::OpenCall;
            let (deadline, valid) = if open {
                let deadline = today + Duration::days(rng.range(45, 120));
                (Some(deadline), deadline + Duration::days(rng.range(14, 60)))
            } else {
                let valid = valid_until(rng, today);
                let deadline = rng
                    .chance(60)
                    .then(|| (today + Duration::days(rng.range(30, 300))).min(valid));
                (deadline, valid)
            };
            let budget = price(a.price);
            data.needs.push(NeedSeed {
                org,
                kind: if open {
                    NeedKind::OpenCall
                } else {
                    NeedKind::Need
                }
                .as_str()
                .to_owned(),
                text: text(&a.original),
                industry: a.industry.to_owned(),
                ipc_codes: strings(a.ipc),
                min_trl: a.trl,
                bounty_minor: if open { budget.max_minor } else { None },
                bounty_currency: if open { budget.currency.clone() } else { None },
                budget,
                cooperation_modes: strings(a.modes),
                deadline,
                eligibility: open.then(|| a.eligibility.to_owned()),
                cross_border,
                valid_until: valid,
                timing: timing(rng),
            });
            ListingRef::Need(data.needs.len() - 1)
        }
    };
    data.translations.push(TranslationSeed {
        listing,
        text: text(&a.translation),
        provenance,
    });
}
