//! Reading the cells offices type: headers however they are decorated, dates in the usual
//! Chinese and ISO spellings, amounts in major units with thousands separators. Shared by every
//! import (listings, registered contracts).

use std::str::FromStr;

use chrono::NaiveDate;
use rust_decimal::Decimal;

/// A header reduced to what identifies it: lower case, without spaces, `_`, `-`, `*` and
/// anything in brackets (units such as `（元）`).
pub fn normalise_header(h: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in h.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth - 1).max(0),
            c if depth == 0 && !c.is_whitespace() && c != '_' && c != '-' && c != '*' => {
                out.extend(c.to_lowercase())
            }
            _ => {}
        }
    }
    out
}

/// A date as `2025-07-15`, `2025/07/15`, `2025.07.15` or `2025年07月15日`.
pub fn parse_date(v: &str) -> Option<NaiveDate> {
    let v = v.trim();
    ["%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日"]
        .iter()
        .find_map(|f| NaiveDate::parse_from_str(v, f).ok())
}

/// Minor units from an amount in major units ("12.5", "1,200,000.00") of a currency with
/// `exponent` decimals; checked, so an absurd cell is an error, not an overflow.
pub fn parse_amount(v: &str, exponent: u32, currency: &str) -> Result<i64, String> {
    let cleaned: String = v
        .chars()
        .filter(|c| *c != ',' && *c != '，' && !c.is_whitespace())
        .collect();
    let amount = Decimal::from_str(&cleaned)
        .map_err(|_| "must be an amount such as 500000 or 12.50".to_owned())?;
    // Checked: a cell of 79228162514264337593543950335 overflows the decimal type itself.
    let scaled = 10_i64
        .checked_pow(exponent)
        .and_then(|unit| amount.checked_mul(Decimal::from(unit)))
        .ok_or_else(|| "is too large".to_owned())?;
    if scaled.fract() != Decimal::ZERO {
        return Err(format!("has more decimals than {currency} allows"));
    }
    i64::try_from(scaled).map_err(|_| "is too large".to_owned())
}

/// What an import's column declares: the field it feeds, the headers it is known by and
/// whether a file must have it.
pub trait ColumnSpec {
    fn field(&self) -> &str;
    /// The Chinese and English headers (templates and exports write both).
    fn zh(&self) -> &str;
    fn en(&self) -> &str;
    /// Other spellings accepted on reading.
    fn aliases(&self) -> &[&str] {
        &[]
    }
    fn required(&self) -> bool;
}

/// Which declared column each header of a file feeds (headers compared after
/// [`normalise_header`]; unknown headers map to `None`), and the required columns the file
/// lacks, which make the whole file an error.
pub fn map_headers<'c, C: ColumnSpec>(
    headers: &[String],
    columns: &'c [C],
) -> Result<Vec<Option<&'c C>>, Vec<&'c C>> {
    let mapping: Vec<Option<&'c C>> = headers
        .iter()
        .map(|h| {
            let n = normalise_header(h);
            columns.iter().find(|c| {
                normalise_header(c.en()) == n
                    || normalise_header(c.zh()) == n
                    || normalise_header(c.field()) == n
                    || c.aliases().iter().any(|a| normalise_header(a) == n)
            })
        })
        .collect();
    let missing: Vec<&'c C> = columns
        .iter()
        .filter(|c| {
            c.required()
                && !mapping
                    .iter()
                    .any(|m| m.is_some_and(|m| m.field() == c.field()))
        })
        .collect();
    if missing.is_empty() {
        Ok(mapping)
    } else {
        Err(missing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_as_offices_type_them() {
        assert_eq!(normalise_header("合同成交额（元）*"), "合同成交额");
        assert_eq!(normalise_header("Contract_Amount (yuan)"), "contractamount");
        assert_eq!(
            parse_date("2025年07月15日"),
            NaiveDate::from_ymd_opt(2025, 7, 15)
        );
        assert_eq!(parse_amount("1,200,000.05", 2, "CNY"), Ok(120_000_005));
        assert!(parse_amount("0.001", 2, "CNY").is_err());
        assert!(parse_amount("79228162514264337593543950335", 2, "CNY").is_err());
    }
}
