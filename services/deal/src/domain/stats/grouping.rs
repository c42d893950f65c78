//! The grouping sets of the rollups: which combinations of the five rollup dimensions have
//! rows of their own. The writer ([`super::rollup`]) writes one row per stored set that a
//! contract falls in; the reader ([`super::query::rollup_query`]) picks the one set a question
//! needs and reads only its rows, through the `(grouping_set, basis, month)` index.
//!
//! Stored: the month's total, each dimension alone, the office beside each other dimension,
//! and the detail (every dimension). The office pairs are there because a city office's
//! operators read every figure filtered to their own office (`audience::confine`): their
//! "by city", "by contract type" or "by industry" is a pair with the office, and would
//! otherwise be summed from the detail rows (measured at 1M contracts: 91 ms on SQLite and
//! 157 ms on PostgreSQL for one office's city × month, against a 20 ms goal).
//!
//! A set is named by its dimensions in [`DIMS`] order joined with `+` (`city+office`), the
//! empty set `total`, all five `detail`. Migration 130 wrote the same names.

use super::Dim;

/// The rollup dimensions, in the order of the rollups' columns and of set names.
pub(super) const DIMS: [Dim; 5] = [
    Dim::City,
    Dim::Country,
    Dim::ContractType,
    Dim::Industry,
    Dim::Office,
];

/// Which of [`DIMS`] a set (or a question) has real values in; the others are `*`.
pub(super) type Members = [bool; 5];

const fn only(i: usize) -> Members {
    let mut m = [false; 5];
    m[i] = true;
    m
}

const fn with_office(i: usize) -> Members {
    let mut m = only(i);
    m[4] = true;
    m
}

const DETAIL: Members = [true; 5];

/// Every stored set (see the module comment).
pub(super) const STORED: [Members; 11] = [
    [false; 5],
    only(0),
    only(1),
    only(2),
    only(3),
    only(4),
    with_office(0),
    with_office(1),
    with_office(2),
    with_office(3),
    DETAIL,
];

/// The stored set that answers a question using `used` of the dimensions (as a group or a
/// filter): the set itself when it is stored, else the detail rows. Exactly one set is read,
/// so nothing is counted twice.
pub(super) fn answering(used: Members) -> Members {
    if STORED.contains(&used) {
        used
    } else {
        DETAIL
    }
}

/// The stored name of a set.
pub(super) fn name(members: Members) -> String {
    if members == DETAIL {
        return "detail".to_owned();
    }
    let parts: Vec<&str> = DIMS
        .iter()
        .zip(members)
        .filter(|(_, m)| *m)
        .map(|(d, _)| d.as_str())
        .collect();
    if parts.is_empty() {
        "total".to_owned()
    } else {
        parts.join("+")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_the_ones_migration_130_wrote() {
        let names: Vec<String> = STORED.iter().map(|m| name(*m)).collect();
        assert_eq!(
            names,
            [
                "total",
                "city",
                "country",
                "contract_type",
                "industry",
                "office",
                "city+office",
                "country+office",
                "contract_type+office",
                "industry+office",
                "detail"
            ]
        );
    }

    #[test]
    fn a_question_reads_its_own_set_or_the_detail() {
        let city_and_type = [true, false, true, false, false];
        assert_eq!(answering(city_and_type), DETAIL);
        assert_eq!(answering(with_office(0)), with_office(0));
        assert_eq!(answering([false; 5]), [false; 5]);
    }
}
