//! Money as an exact count of a currency's minor unit. Never floating point: sums must agree to
//! the fen on SQLite and PostgreSQL alike.

use std::fmt;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An ISO 4217 currency the platform knows, with its number of minor-unit digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Currency {
    pub code: &'static str,
    /// Digits after the decimal point: 2 for CNY (fen), 0 for VND and IDR.
    pub exponent: u32,
}

/// CNY plus the currencies of every ASEAN member and the usual trade currencies.
pub const CURRENCIES: &[Currency] = &[
    Currency {
        code: "CNY",
        exponent: 2,
    },
    Currency {
        code: "USD",
        exponent: 2,
    },
    Currency {
        code: "EUR",
        exponent: 2,
    },
    Currency {
        code: "HKD",
        exponent: 2,
    },
    Currency {
        code: "BND",
        exponent: 2,
    },
    Currency {
        code: "KHR",
        exponent: 2,
    },
    Currency {
        code: "IDR",
        exponent: 2,
    },
    Currency {
        code: "LAK",
        exponent: 2,
    },
    Currency {
        code: "MYR",
        exponent: 2,
    },
    Currency {
        code: "MMK",
        exponent: 2,
    },
    Currency {
        code: "PHP",
        exponent: 2,
    },
    Currency {
        code: "SGD",
        exponent: 2,
    },
    Currency {
        code: "THB",
        exponent: 2,
    },
    Currency {
        code: "VND",
        exponent: 0,
    },
];

impl Currency {
    /// Looks a code up (upper-case ISO 4217).
    pub fn parse(code: &str) -> Option<Currency> {
        CURRENCIES.iter().copied().find(|c| c.code == code)
    }

    pub fn cny() -> Currency {
        CURRENCIES[0]
    }
}

/// An exact amount: `minor_units` of `currency` (12345 CNY = 123.45 元).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Money {
    pub minor_units: i64,
    /// ISO 4217 code.
    pub currency: String,
}

/// Why a conversion could not be made.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MoneyError {
    #[error("unknown currency {0}")]
    UnknownCurrency(String),
    #[error("amount out of range")]
    Overflow,
}

impl Money {
    pub fn new(minor_units: i64, currency: &str) -> Self {
        Self {
            minor_units,
            currency: currency.to_owned(),
        }
    }

    /// The amount as a decimal in major units (123.45).
    pub fn to_major(&self) -> Result<Decimal, MoneyError> {
        let cur = Currency::parse(&self.currency)
            .ok_or_else(|| MoneyError::UnknownCurrency(self.currency.clone()))?;
        Ok(Decimal::from_i128_with_scale(
            i128::from(self.minor_units),
            cur.exponent,
        ))
    }

    /// Converts to CNY at `cny_per_unit` (CNY for one major unit of this currency).
    ///
    /// Rounding rule (one for the whole platform): the exact product is rounded to the fen,
    /// half away from zero — the rule Chinese invoices and statistics use.
    pub fn to_cny(&self, cny_per_unit: Decimal) -> Result<Money, MoneyError> {
        let major = self.to_major()?;
        let cny = major
            .checked_mul(cny_per_unit)
            .ok_or(MoneyError::Overflow)?
            .checked_mul(Decimal::from(100))
            .ok_or(MoneyError::Overflow)?
            .round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        let fen = cny.to_i64().ok_or(MoneyError::Overflow)?;
        Ok(Money::new(fen, "CNY"))
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to_major() {
            Ok(major) => write!(f, "{major} {}", self.currency),
            Err(_) => write!(f, "{} (minor units) {}", self.minor_units, self.currency),
        }
    }
}

/// Basis points in a whole.
pub const WHOLE_BP: i64 = 10_000;

/// Splits `total` minor units into parts proportional to `weights_bp` (basis points that sum
/// to 10,000), exactly: the parts always add up to `total`.
///
/// The one rounding rule of income distribution is the largest-remainder method: every part
/// first gets `floor(total × weight / 10,000)`; the minor units left over (fewer than the
/// number of parts) go one each to the parts with the largest remainders, ties to the earlier
/// part, and never to a part of weight zero. `None` when the weights do not sum to 10,000,
/// one is negative, or `total` is negative.
pub fn allocate_bp(total: i64, weights_bp: &[i64]) -> Option<Vec<i64>> {
    if total < 0 || weights_bp.iter().any(|w| *w < 0) {
        return None;
    }
    let sum = weights_bp
        .iter()
        .try_fold(0i64, |acc, w| acc.checked_add(*w))?;
    if sum != WHOLE_BP {
        return None;
    }
    // i128: total × weight cannot overflow (i64::MAX × 10,000 < i128::MAX).
    let whole = i128::from(WHOLE_BP);
    let mut parts = Vec::with_capacity(weights_bp.len());
    let mut remainders = Vec::with_capacity(weights_bp.len());
    for (i, w) in weights_bp.iter().enumerate() {
        let product = i128::from(total).checked_mul(i128::from(*w))?;
        parts.push(i64::try_from(product / whole).ok()?);
        remainders.push((product % whole, i));
    }
    let given = parts.iter().try_fold(0i64, |acc, p| acc.checked_add(*p))?;
    let mut left = total.checked_sub(given)?;
    // Largest remainder first; the stable sort keeps earlier parts first among equals.
    remainders.sort_by_key(|r| std::cmp::Reverse(r.0));
    for (remainder, i) in remainders {
        if left == 0 {
            break;
        }
        if remainder > 0 {
            let part = parts.get_mut(i)?;
            *part = part.checked_add(1)?;
            left -= 1;
        }
    }
    (left == 0).then_some(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn thb_converts_to_the_fen_half_away_from_zero() {
        // 1,000,000.00 THB at 0.2016 CNY/THB = 201,600.00 CNY
        let thb = Money::new(100_000_000, "THB");
        let rate = Decimal::from_str("0.2016").expect("rate");
        assert_eq!(thb.to_cny(rate).expect("convert").minor_units, 20_160_000);
        // 0.05 THB * 0.1 = 0.005 CNY -> rounds to 0.01
        let tiny = Money::new(5, "THB");
        let rate = Decimal::from_str("0.1").expect("rate");
        assert_eq!(tiny.to_cny(rate).expect("convert").minor_units, 1);
    }

    #[test]
    fn vnd_has_no_minor_unit() {
        let vnd = Money::new(1_000_000, "VND");
        assert_eq!(vnd.to_major().expect("major"), Decimal::from(1_000_000));
        let rate = Decimal::from_str("0.000285").expect("rate");
        assert_eq!(vnd.to_cny(rate).expect("convert").minor_units, 28_500);
    }

    #[test]
    fn unknown_currency_is_an_error() {
        assert!(Money::new(1, "XXX").to_major().is_err());
    }

    #[test]
    fn allocation_adds_up_to_the_total_to_the_fen() {
        // 1,000,000.01 CNY by 50/20/15/15.
        let parts = allocate_bp(100_000_001, &[5_000, 2_000, 1_500, 1_500]).expect("valid");
        assert_eq!(parts.iter().sum::<i64>(), 100_000_001);
        assert_eq!(parts, vec![50_000_001, 20_000_000, 15_000_000, 15_000_000]);
        // Three equal thirds of 1 fen less than a multiple: the earlier part takes the fen.
        let parts = allocate_bp(100, &[3_334, 3_333, 3_333]).expect("valid");
        assert_eq!(parts, vec![34, 33, 33]);
        assert_eq!(allocate_bp(0, &[10_000]), Some(vec![0]));
        assert_eq!(allocate_bp(7, &[0, 10_000]), Some(vec![0, 7]));
        assert_eq!(
            allocate_bp(i64::MAX, &[5_000, 5_000])
                .map(|p| p.iter().map(|x| i128::from(*x)).sum::<i128>()),
            Some(i128::from(i64::MAX))
        );
    }

    #[test]
    fn allocation_refuses_bad_weights() {
        assert_eq!(allocate_bp(100, &[5_000, 4_999]), None);
        assert_eq!(allocate_bp(100, &[-1, 10_001]), None);
        assert_eq!(allocate_bp(-5, &[10_000]), None);
        assert_eq!(allocate_bp(100, &[i64::MAX, 1]), None);
    }
}
