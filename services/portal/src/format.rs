//! Numbers, money and dates as readers expect them: amounts stay integers of minor units until
//! they are printed (never floating point), large CNY amounts read as 万元 / 亿元 in Chinese.

use crate::i18n::{Lang, Tr};

/// `1234567` → `1,234,567`.
pub fn group_thousands(n: i64) -> String {
    let out = group_digits(n.unsigned_abs());
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// A magnitude with thousands separators (`u64`, so `i64::MIN`'s magnitude fits).
pub fn group_digits(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Minor units with two decimals: `123456` → `1,234.56`.
pub fn decimal2(minor: i64) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    format!(
        "{sign}{}.{:02}",
        group_thousands((abs / 100) as i64),
        abs % 100
    )
}

/// `value / divisor` rounded half away from zero to `places` decimals, as text.
fn scaled(minor: i64, divisor: i128, places: u32) -> String {
    let scale = 10i128.pow(places);
    let v = i128::from(minor) * scale;
    let q = (v.abs() + divisor / 2) / divisor;
    let sign = if minor < 0 { "-" } else { "" };
    let int = q / scale;
    let frac = q % scale;
    if places == 0 {
        format!("{sign}{}", group_thousands(int as i64))
    } else {
        format!(
            "{sign}{}.{:0width$}",
            group_thousands(int as i64),
            frac,
            width = places as usize
        )
    }
}

impl Tr {
    /// A CNY amount in fen, in the units people use for it: 亿元 / 万元 in Chinese, millions
    /// and billions of yuan in other languages.
    pub fn cny(&self, fen: i64) -> String {
        const WAN: i128 = 10_000 * 100;
        const YI: i128 = 100_000_000 * 100;
        let abs = i128::from(fen).abs();
        match self.lang {
            Lang::Zh => {
                if abs >= YI {
                    format!("{} 亿元", scaled(fen, YI, 2))
                } else if abs >= WAN {
                    format!("{} 万元", scaled(fen, WAN, 2))
                } else {
                    format!("{} 元", decimal2(fen))
                }
            }
            _ => {
                const MILLION: i128 = 1_000_000 * 100;
                const BILLION: i128 = 1_000_000_000 * 100;
                if abs >= BILLION {
                    format!("CNY {} bn", scaled(fen, BILLION, 2))
                } else if abs >= MILLION {
                    format!("CNY {} m", scaled(fen, MILLION, 2))
                } else {
                    format!("CNY {}", decimal2(fen))
                }
            }
        }
    }

    /// An amount in any currency's minor units, with the currency's own decimals.
    pub fn money(&self, minor: i64, currency: &str) -> String {
        crate::money::money(self, minor, currency)
    }

    /// A price or budget range; either end may be open.
    pub fn range(&self, min: Option<i64>, max: Option<i64>, currency: &str) -> String {
        match (min, max) {
            (Some(a), Some(b)) if a == b => self.money(a, currency),
            (Some(a), Some(b)) => {
                format!("{} – {}", self.money(a, currency), self.money(b, currency))
            }
            (Some(a), None) => format!("≥ {}", self.money(a, currency)),
            (None, Some(b)) => format!("≤ {}", self.money(b, currency)),
            (None, None) => self.t("common.negotiable").to_owned(),
        }
    }

    /// The date part of an RFC 3339 timestamp or a date.
    pub fn date(&self, iso: &str) -> String {
        iso.get(..10).unwrap_or(iso).to_owned()
    }

    /// The day of a timestamp in the offset the API gave it, as [`Self::date`] shows its text.
    pub fn day<Tz: chrono::TimeZone>(&self, at: &chrono::DateTime<Tz>) -> String {
        at.date_naive().to_string()
    }

    /// A timestamp to the second, with its offset named (`2026-12-03 09:58:12 UTC`): for logs,
    /// where the day alone does not tell two reads apart.
    pub fn moment(&self, at: &chrono::DateTime<chrono::FixedOffset>) -> String {
        let offset = if at.offset().local_minus_utc() == 0 {
            "UTC".to_owned()
        } else {
            at.format("UTC%:z").to_string()
        };
        format!("{} {offset}", at.format("%Y-%m-%d %H:%M:%S"))
    }

    /// A date, or the date part of an RFC 3339 timestamp's text, or a dash when there is none.
    pub fn opt_date<D: std::fmt::Display>(&self, date: &Option<D>) -> String {
        date.as_ref()
            .map(|d| self.date(&d.to_string()))
            .unwrap_or_else(|| "—".to_owned())
    }

    pub fn count(&self, n: i64) -> String {
        group_thousands(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moments_show_the_time_of_day_and_their_offset() {
        let t = Tr::new(Lang::Zh);
        let utc = chrono::DateTime::parse_from_rfc3339("2026-12-03T09:58:12.345Z").expect("time");
        assert_eq!(t.moment(&utc), "2026-12-03 09:58:12 UTC");
        let cst = chrono::DateTime::parse_from_rfc3339("2026-12-03T17:58:12+08:00").expect("time");
        assert_eq!(t.moment(&cst), "2026-12-03 17:58:12 UTC+08:00");
    }

    #[test]
    fn amounts_read_in_the_units_people_use() {
        let zh = Tr::new(Lang::Zh);
        assert_eq!(zh.cny(12_000_000_000_000), "1,200.00 亿元");
        assert_eq!(zh.cny(60_000_000), "60.00 万元");
        assert_eq!(zh.cny(123_456), "1,234.56 元");
        let en = Tr::new(Lang::En);
        assert_eq!(en.cny(12_000_000_000_000), "CNY 120.00 bn");
        assert_eq!(en.cny(250_000_000), "CNY 2.50 m");
        assert_eq!(en.money(1_050, "USD"), "USD 10.50");
        assert_eq!(
            en.money(1_000_000, "VND"),
            "VND 1,000,000",
            "đồng have no decimals"
        );
        assert_eq!(decimal2(-5), "-0.05");
    }
}
