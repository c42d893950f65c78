//! IP rights and readiness: invented Chinese registration numbers and what a listing says of
//! its IP and TRL (the sentences are data, `phrases.json`).

use super::*;

/// A Chinese patent application number (`202310123456.7`): year, type digit (1 invention,
/// 2 utility model, 3 design), seven-digit serial and the check digit (mod 11, 10 → X).
pub(super) fn cn_application_number(year: i64, kind: u8, serial: i64) -> String {
    let body = format!("{year}{kind}{:07}", serial.rem_euclid(10_000_000));
    const WEIGHTS: [u32; 12] = [2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5];
    let sum: u32 = body
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b.saturating_sub(b'0')) * w)
        .sum();
    let check = match sum % 11 {
        10 => 'X',
        d => char::from(b'0' + d as u8),
    };
    format!("{body}.{check}")
}

/// Status and invented registration numbers for a Chinese IP right of `ip_type`.
pub(super) fn chinese_ip(rng: &mut Rng, ip_type: &str) -> (String, Vec<String>) {
    let count = rng.range(1, 3);
    let mut numbers = Vec::new();
    let status = match ip_type {
        "invention_patent" => {
            let granted = rng.chance(60);
            for _ in 0..count {
                let year = if granted {
                    rng.range(2018, 2023)
                } else {
                    rng.range(2022, 2025)
                };
                let number = cn_application_number(year, 1, rng.range(0, 9_999_999));
                numbers.push(if granted {
                    format!("ZL{number}")
                } else {
                    number
                });
            }
            if granted {
                "granted"
            } else {
                "filed"
            }
        }
        "utility_model" | "design" => {
            let kind = if ip_type == "design" { 3 } else { 2 };
            for _ in 0..count {
                let year = rng.range(2019, 2024);
                numbers.push(format!(
                    "ZL{}",
                    cn_application_number(year, kind, rng.range(0, 9_999_999))
                ));
            }
            "granted"
        }
        "software_copyright" => {
            for _ in 0..count {
                numbers.push(format!(
                    "{}SR{:07}",
                    rng.range(2019, 2025),
                    rng.range(100_000, 1_999_999)
                ));
            }
            "not_applicable"
        }
        "plant_variety" => {
            numbers.push(format!(
                "CNA{}{:05}.{}",
                rng.range(2018, 2023),
                rng.range(1, 19_999),
                rng.range(0, 9)
            ));
            "granted"
        }
        "ic_layout" => {
            numbers.push(format!(
                "BS.{:02}5{:05}.{}",
                rng.range(19, 24),
                rng.range(1, 99_999),
                rng.range(0, 9)
            ));
            "granted"
        }
        _ => "not_applicable",
    };
    (status.to_owned(), numbers)
}

/// What a listing says of its IP rights.
pub(super) fn ip_sentence(phrases: &Phrases, ip_type: &str, status: &str, count: usize) -> String {
    let sentences = &phrases.ip_sentences;
    let template = sentences
        .get(&format!("{ip_type}:{status}"))
        .or_else(|| sentences.get(ip_type))
        .or_else(|| sentences.get("other"))
        .map_or("", String::as_str);
    fill(template, &[("count", &count.to_string())])
}

/// What a listing says of its readiness level.
pub(super) fn trl_sentence(phrases: &Phrases, trl: i16, city: &str) -> String {
    let levels = phrases.trl_sentences;
    // The first sentence is for TRL 3 and below, the last for 9.
    let index = usize::try_from(trl.clamp(3, 9) - 3).unwrap_or(0);
    let template = levels
        .get(index.min(levels.len().saturating_sub(1)))
        .copied()
        .unwrap_or_default();
    fill(template, &[("city", city)])
}
