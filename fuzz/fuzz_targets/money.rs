//! Amounts people type (the portal's `parse_major_to_minor`) and the shared money type:
//! never a panic, and what parses is exact — formatting it back and parsing again gives the
//! same minor units.
#![no_main]

use libfuzzer_sys::fuzz_target;
use portal::money::{money_plain, parse_major_to_minor};
use platform::money::{Currency, Money};

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else { return };
    // Exponents past the largest currency's too, to reach the overflow paths.
    let exponent = u32::from(first % 24);
    let text = String::from_utf8_lossy(rest);
    if let Ok(minor) = parse_major_to_minor(&text, exponent) {
        assert!(minor >= 0, "{text:?} parsed to a negative amount {minor}");
        if exponent <= 4 {
            let shown = money_plain(minor, exponent);
            assert_eq!(parse_major_to_minor(&shown, exponent), Ok(minor), "{text:?} → {minor} → {shown:?}");
        }
    }
    let _ = Currency::parse(&text);
    if rest.len() >= 16 {
        let minor = i64::from_le_bytes(rest[..8].try_into().unwrap_or_default());
        let rate_raw = i64::from_le_bytes(rest[8..16].try_into().unwrap_or_default());
        let code = ["CNY", "VND", "THB", "USD", "XXX"][usize::from(first) % 5];
        let m = Money::new(minor, code);
        let _ = m.to_major();
        let rate = rust_decimal::Decimal::new(rate_raw, u32::from(first % 29));
        let _ = m.to_cny(rate);
        let _ = m.to_string();
    }
});
