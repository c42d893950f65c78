//! Templated listings of one industry field: achievements from its research organisations,
//! needs and open calls from its enterprises.

use super::*;

pub(super) fn generate_industry(
    src: &'static Source,
    data: &mut SampleData,
    rng: &mut Rng,
    today: NaiveDate,
    industry: &Industry,
) {
    let phrases = &src.phrases;
    let templates = &phrases.templates;
    let with_focus = |enterprise: bool| -> Vec<usize> {
        src.orgs
            .chinese
            .iter()
            .enumerate()
            .filter(|(_, o)| (o.kind == E) == enterprise && o.focus.contains(&industry.code))
            .map(|(i, _)| i)
            .collect()
    };
    let researchers = with_focus(false);
    // Enterprises whose main field this is come up twice as often as those branching out.
    let mut enterprises = with_focus(true);
    let main: Vec<usize> = enterprises
        .iter()
        .copied()
        .filter(|&i| src.orgs.chinese[i].focus.first() == Some(&industry.code))
        .collect();
    enterprises.extend(main);
    let industry_zh = taxonomy::INDUSTRIES
        .iter()
        .find(|t| t.code == industry.code)
        .map_or("", |t| t.zh.split('（').next().unwrap_or(t.zh));
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for si in 0..industry.subjects.len() {
        for pi in 0..phrases.achievement_titles.len() {
            pairs.push((si, pi));
        }
    }
    let mut need_pairs = pairs.clone();
    rng.shuffle(&mut pairs);
    rng.shuffle(&mut need_pairs);
    let offset = rng.below(researchers.len().max(1));

    for k in 0..ACHIEVEMENTS_PER_INDUSTRY {
        // Mostly universities and institutes; every fifth from an enterprise's own R&D.
        let org = if k % 5 == 4 && !enterprises.is_empty() {
            enterprises[(k / 5) % enterprises.len()]
        } else if !researchers.is_empty() {
            researchers[(k + offset) % researchers.len()]
        } else {
            continue;
        };
        let Some(&(si, pi)) = pairs.get(k % pairs.len().max(1)) else {
            continue;
        };
        let subject = &industry.subjects[si];
        let org_seed = &data.organisations[org];
        let city = taxonomy::region_label(org_seed.region_code, "zh").unwrap_or("广西");
        let n = rng.range(12, 40);
        let result = subject.result.replace("{n}", &n.to_string());
        let ctx = rng.pick(industry.contexts);
        let pain = rng.pick(industry.pains);
        let team = if org_seed.kind == E {
            phrases.enterprise_team
        } else {
            rng.pick(phrases.teams)
        };
        let trl: i16 = rng.pick(phrases.achievement_trl);
        let ip_type = rng.pick(subject.ip);
        let (status, numbers) = chinese_ip(rng, ip_type);
        let mode_count = rng.range(1, 3) as usize;
        let modes = strings(&rng.sample(phrases.achievement_modes, mode_count));
        let price = if rng.chance(25) {
            price(None)
        } else {
            let min = rng.pick(phrases.achievement_price_min_wan);
            cny_wan(min, min * rng.pick(phrases.achievement_price_factor))
        };
        let cross_border = rng.chance(30);
        let mut coop = fill(templates.cooperation, &[("modes", &modes_zh(&modes))]);
        coop.push_str(if cross_border {
            templates.cooperation_end_cross_border
        } else {
            templates.cooperation_end
        });
        let description = [
            fill(
                templates.achievement_origin,
                &[
                    ("org", org_seed.name),
                    ("team", team),
                    ("context", ctx),
                    ("pain", pain),
                ],
            ),
            fill(
                templates.achievement_result,
                &[("core", subject.core), ("result", &result)],
            ),
            trl_sentence(phrases, trl, city),
            ip_sentence(phrases, ip_type, &status, numbers.len()),
            coop,
        ]
        .concat();
        data.achievements.push(AchievementSeed {
            org,
            text: ListingText {
                language: "zh".to_owned(),
                title: phrases.achievement_titles[pi].replace("{s}", subject.name),
                summary: fill(
                    templates.achievement_summary,
                    &[
                        ("core", subject.core),
                        ("result", &result),
                        ("context", ctx),
                    ],
                ),
                description,
                keywords: keywords(rng, subject, industry),
            },
            industry: industry.code.to_owned(),
            ipc_codes: strings(subject.ipc),
            ip_type: ip_type.to_owned(),
            ip_numbers: numbers,
            patent_status: Some(status),
            trl,
            cooperation_modes: modes,
            price,
            cross_border,
            valid_until: valid_until(rng, today),
            timing: timing(rng),
        });
    }

    // One open call in every other industry field (about a dozen), the rest ordinary needs.
    let industry_index = src
        .industries
        .iter()
        .position(|i| i.code == industry.code)
        .unwrap_or(0);
    for k in 0..NEEDS_PER_INDUSTRY {
        if enterprises.is_empty() {
            break;
        }
        let org = enterprises[(k + offset) % enterprises.len()];
        let Some(&(si, pi)) = need_pairs.get(k % need_pairs.len().max(1)) else {
            continue;
        };
        let subject = &industry.subjects[si];
        let (intro, main_field) = src.orgs.chinese.get(org).map_or(("", true), |o| {
            (o.intro, o.focus.first() == Some(&industry.code))
        });
        let open = k == 0 && industry_index % 2 == 0;
        let n = rng.range(10, 35);
        let result = subject.result.replace("{n}", &n.to_string());
        let pain = rng.pick(industry.pains);
        let min_trl: i16 = rng.pick(phrases.need_min_trl);
        let cross_border = open || rng.chance(30);
        let keywords = keywords(rng, subject, industry);
        let mut need = NeedSeed {
            org,
            kind: NeedKind::Need.as_str().to_owned(),
            text: ListingText {
                language: "zh".to_owned(),
                title: phrases.need_titles[pi % phrases.need_titles.len()]
                    .replace("{s}", subject.name),
                summary: fill(
                    templates.need_summary,
                    &[
                        ("subject", subject.name),
                        ("result", &result),
                        ("pain", pain),
                    ],
                ),
                description: String::new(),
                keywords,
            },
            industry: industry.code.to_owned(),
            ipc_codes: strings(subject.ipc),
            min_trl,
            budget: price(None),
            cooperation_modes: Vec::new(),
            deadline: None,
            bounty_minor: None,
            bounty_currency: None,
            eligibility: None,
            cross_border,
            valid_until: today,
            timing: timing(rng),
        };
        let closing;
        if open {
            let bounty_wan: i64 = rng.pick(phrases.bounty_wan);
            let deadline = today + Duration::days(rng.range(30, 120));
            need.kind = NeedKind::OpenCall.as_str().to_owned();
            need.text.title = fill(templates.open_call_title, &[("subject", subject.name)]);
            need.budget = cny_wan(bounty_wan, bounty_wan);
            need.bounty_minor = Some(bounty_wan * FEN_PER_WAN);
            need.bounty_currency = Some("CNY".to_owned());
            need.eligibility = Some(rng.pick(phrases.eligibility).to_owned());
            let mode_count = rng.range(1, 2) as usize;
            need.cooperation_modes = strings(&rng.sample(phrases.open_call_modes, mode_count));
            need.deadline = Some(deadline);
            need.valid_until = deadline + Duration::days(rng.range(14, 60));
            closing = fill(
                templates.open_call_closing,
                &[
                    ("bounty", &bounty_wan.to_string()),
                    ("deadline", &deadline.format("%Y年%-m月%-d日").to_string()),
                ],
            );
        } else {
            need.budget = if rng.chance(20) {
                price(None)
            } else {
                let min = rng.pick(phrases.need_budget_min_wan);
                cny_wan(min, min * rng.pick(phrases.need_budget_factor))
            };
            let mode_count = rng.range(1, 3) as usize;
            need.cooperation_modes = strings(&rng.sample(phrases.need_modes, mode_count));
            need.valid_until = valid_until(rng, today);
            if rng.chance(60) {
                let wanted = today + Duration::days(rng.range(30, 300));
                need.deadline = Some(wanted.min(need.valid_until));
            }
            closing = if cross_border {
                templates.need_closing_cross_border.to_owned()
            } else {
                String::new()
            };
        }
        let budget = match (
            need.budget.negotiable,
            need.budget.min_minor,
            need.budget.max_minor,
        ) {
            _ if open => String::new(),
            (false, Some(min), Some(max)) => fill(
                templates.budget_range,
                &[
                    ("min", &(min / FEN_PER_WAN).to_string()),
                    ("max", &(max / FEN_PER_WAN).to_string()),
                ],
            ),
            _ => templates.budget_negotiable.to_owned(),
        };
        need.text.description = [
            if main_field {
                fill(templates.need_intro, &[("intro", intro), ("pain", pain)])
            } else {
                fill(
                    templates.need_intro_branching,
                    &[("intro", intro), ("industry", industry_zh), ("pain", pain)],
                )
            },
            fill(
                templates.need_seeking,
                &[("subject", subject.name), ("result", &result)],
            ),
            fill(
                templates.need_terms,
                &[
                    ("min_trl", &min_trl.to_string()),
                    ("budget", &budget),
                    ("modes", &modes_zh(&need.cooperation_modes)),
                ],
            ),
            closing,
        ]
        .concat();
        data.needs.push(need);
    }
}
