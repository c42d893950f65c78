//! Amounts as people type and read them, for every page: forms take major units (元, dollars,
//! đồng) or 万元 as decimal text and turn them into the API's integer minor units with integer
//! arithmetic only; pages print minor units back in the currency's own number of decimals
//! (VND has none). The one parser and the one formatter of the portal.

use platform::money::{Currency, CURRENCIES};

use crate::format::group_digits;
use crate::i18n::Tr;

/// Why typed text is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    /// Nothing typed.
    Empty,
    /// Not a plain positive decimal number.
    Invalid,
    /// More decimals than the currency has (never rounded away silently).
    TooManyDecimals,
    /// Beyond what the API stores.
    TooLarge,
}

impl AmountError {
    /// The message shown beside the field.
    pub fn message(self, t: &Tr, exponent: u32) -> String {
        match self {
            AmountError::Empty => t.t("common.amount_required").to_owned(),
            AmountError::Invalid => t.t("common.amount_invalid").to_owned(),
            AmountError::TooManyDecimals if exponent == 0 => {
                t.t("common.amount_no_decimals").to_owned()
            }
            AmountError::TooManyDecimals => {
                t.f("common.amount_decimals", &[("n", &exponent.to_string())])
            }
            AmountError::TooLarge => t.t("common.amount_too_large").to_owned(),
        }
    }
}

/// Digits after the decimal point of `currency` (2 when the platform does not know it; the
/// API refuses unknown currencies anyway).
pub fn exponent_of(currency: &str) -> u32 {
    Currency::parse(currency).map_or(2, |c| c.exponent)
}

/// Every currency a contract may be in, CNY first.
pub fn currency_codes() -> Vec<&'static str> {
    CURRENCIES.iter().map(|c| c.code).collect()
}

/// `"1,234.5"` with two decimals → `123450`. Accepts digit-group commas and spaces (also the
/// full-width comma); refuses signs, exponents and more decimals than `exponent`. Trailing
/// zeros beyond the currency's decimals are fine (`"10.00"` đồng is 10).
pub fn parse_major_to_minor(text: &str, exponent: u32) -> Result<i64, AmountError> {
    let spaced: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '_'))
        .map(|c| if c == '，' { ',' } else { c })
        .collect();
    if spaced.is_empty() {
        return Err(AmountError::Empty);
    }
    // Commas only as thousands separators: "1,5" is someone's decimal comma, not 15.
    let int_text = spaced.split('.').next().unwrap_or("");
    if int_text.contains(',') {
        let mut groups = int_text.split(',');
        let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
        if !first_ok || !groups.all(|g| g.len() == 3) {
            return Err(AmountError::Invalid);
        }
    }
    if spaced.split('.').nth(1).is_some_and(|f| f.contains(',')) {
        return Err(AmountError::Invalid);
    }
    let cleaned: String = spaced.chars().filter(|c| *c != ',').collect();
    let (int_part, frac_part) = match cleaned.split_once('.') {
        Some((i, f)) => (i, f),
        None => (cleaned.as_str(), ""),
    };
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (int_part.is_empty() && frac_part.is_empty())
        || !digits_only(int_part)
        || !digits_only(frac_part)
    {
        return Err(AmountError::Invalid);
    }
    let frac = frac_part.trim_end_matches('0');
    if frac.len() > exponent as usize {
        return Err(AmountError::TooManyDecimals);
    }
    let scale = 10i64.checked_pow(exponent).ok_or(AmountError::TooLarge)?;
    let mut major: i64 = 0;
    for b in int_part.bytes() {
        major = major
            .checked_mul(10)
            .and_then(|m| m.checked_add(i64::from(b - b'0')))
            .ok_or(AmountError::TooLarge)?;
    }
    let mut minor_frac: i64 = 0;
    for i in 0..exponent as usize {
        let digit = frac.as_bytes().get(i).map_or(0, |b| i64::from(b - b'0'));
        minor_frac = minor_frac * 10 + digit;
    }
    major
        .checked_mul(scale)
        .and_then(|m| m.checked_add(minor_frac))
        .ok_or(AmountError::TooLarge)
}

/// An amount in its own currency, with the currency's decimals: CNY as the reader's 元/万元,
/// others as `THB 1,234.56` or `VND 1,000,000`.
pub fn money(t: &Tr, minor: i64, currency: &str) -> String {
    if currency == "CNY" {
        return t.cny(minor);
    }
    format!("{currency} {}", money_plain(minor, exponent_of(currency)))
}

/// An exact amount in fen as `1,234.56 元` / `CNY 1,234.56` (no 万元 rounding), for sums a
/// reader checks against what they typed.
pub fn exact_cny(t: &Tr, fen: i64) -> String {
    let text = money_plain(fen, 2);
    match t.lang {
        crate::i18n::Lang::Zh => format!("{text} 元"),
        _ => format!("CNY {text}"),
    }
}

/// Minor units with digit groups and the currency's decimals, without the currency.
pub fn money_plain(minor: i64, exponent: u32) -> String {
    // On the magnitude as u64: `i64::MIN` has no positive i64.
    let scale = 10u64.pow(exponent);
    let abs = minor.unsigned_abs();
    let sign = if minor < 0 { "-" } else { "" };
    if exponent == 0 {
        format!("{sign}{}", group_digits(abs))
    } else {
        format!(
            "{sign}{}.{:0width$}",
            group_digits(abs / scale),
            abs % scale,
            width = exponent as usize
        )
    }
}

/// An exact amount in any currency (`THB 1,234.56`, `800,000.00 元`).
pub fn exact(t: &Tr, minor: i64, currency: &str) -> String {
    if currency == "CNY" {
        return exact_cny(t, minor);
    }
    format!("{currency} {}", money_plain(minor, exponent_of(currency)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn typed_major_units_become_exact_minor_units() {
        assert_eq!(parse_major_to_minor("800000", 2), Ok(80_000_000));
        assert_eq!(parse_major_to_minor(" 1,234,567.89 ", 2), Ok(123_456_789));
        assert_eq!(parse_major_to_minor("0.1", 2), Ok(10));
        assert_eq!(parse_major_to_minor(".05", 2), Ok(5));
        assert_eq!(parse_major_to_minor("12.", 2), Ok(1_200));
        assert_eq!(parse_major_to_minor("1，000", 2), Ok(100_000));
        // 0.07 is not 0.0699999…: no floating point anywhere.
        assert_eq!(parse_major_to_minor("0.07", 2), Ok(7));
        assert_eq!(parse_major_to_minor("1000000000", 0), Ok(1_000_000_000));
        assert_eq!(parse_major_to_minor("10.00", 0), Ok(10));
    }

    #[test]
    fn anything_else_is_refused_not_rounded() {
        assert_eq!(parse_major_to_minor("", 2), Err(AmountError::Empty));
        assert_eq!(parse_major_to_minor("  ", 2), Err(AmountError::Empty));
        assert_eq!(parse_major_to_minor("-5", 2), Err(AmountError::Invalid));
        assert_eq!(parse_major_to_minor("1e5", 2), Err(AmountError::Invalid));
        assert_eq!(parse_major_to_minor("1.2.3", 2), Err(AmountError::Invalid));
        assert_eq!(parse_major_to_minor(".", 2), Err(AmountError::Invalid));
        assert_eq!(parse_major_to_minor("一百", 2), Err(AmountError::Invalid));
        assert_eq!(
            parse_major_to_minor("1,5", 2),
            Err(AmountError::Invalid),
            "a decimal comma is not a thousands separator"
        );
        assert_eq!(parse_major_to_minor("1,2,3", 2), Err(AmountError::Invalid));
        assert_eq!(
            parse_major_to_minor("1.234,5", 2),
            Err(AmountError::Invalid)
        );
        assert_eq!(
            parse_major_to_minor("1.005", 2),
            Err(AmountError::TooManyDecimals)
        );
        assert_eq!(
            parse_major_to_minor("1.5", 0),
            Err(AmountError::TooManyDecimals)
        );
        assert_eq!(
            parse_major_to_minor("92233720368547758.08", 2),
            Err(AmountError::TooLarge)
        );
        assert_eq!(
            parse_major_to_minor("99999999999999999999", 2),
            Err(AmountError::TooLarge)
        );
    }

    #[test]
    fn amounts_print_with_the_currencys_decimals() {
        let en = Tr::new(Lang::En);
        assert_eq!(money(&en, 123_456_789, "THB"), "THB 1,234,567.89");
        assert_eq!(money(&en, 1_000_000_000, "VND"), "VND 1,000,000,000");
        assert_eq!(
            exact(&Tr::new(Lang::Zh), 80_000_000, "CNY"),
            "800,000.00 元"
        );
    }

    #[test]
    fn the_most_negative_amount_prints_once_signed() {
        assert_eq!(money_plain(i64::MIN, 2), "-92,233,720,368,547,758.08");
        assert_eq!(money_plain(i64::MIN, 0), "-9,223,372,036,854,775,808");
    }
}
