//! The sample data files (`services/techmarket/sample/*.json`): compiled into the binary so
//! `techmarket up` and `techmarket seed` stay self-contained and offline, and parsed by one
//! loader, [`parse`].
//!
//! The generators read the texts as `&'static` data, as they read the literals these files
//! replace: each file is parsed once per process (behind a `OnceLock`) and its strings are
//! kept for the life of the process ([`leak`]), so the memory is bounded by the files' size.

use anyhow::Context;
use serde::Deserialize;

/// Parses one compiled-in sample data file; an error names the file (a broken file is a
/// build of the binary that must not ship, so the message is for its developer).
pub fn parse<T: Deserialize<'static>>(name: &str, text: &'static str) -> anyhow::Result<T> {
    serde_json::from_str(text).with_context(|| format!("Failed to read sample data file {name}"))
}

/// `deserialize_with` helpers that turn parsed texts into `&'static` data.
pub mod leak {
    use serde::{Deserialize, Deserializer};

    fn strings(v: Vec<String>) -> &'static [&'static str] {
        v.into_iter()
            .map(|s| &*s.leak())
            .collect::<Vec<&'static str>>()
            .leak()
    }

    /// A string.
    pub fn str<'de, D: Deserializer<'de>>(d: D) -> Result<&'static str, D::Error> {
        Ok(String::deserialize(d)?.leak())
    }

    /// A list of strings.
    pub fn strs<'de, D: Deserializer<'de>>(d: D) -> Result<&'static [&'static str], D::Error> {
        Ok(strings(Vec::deserialize(d)?))
    }

    /// A list of records.
    pub fn slice<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
        d: D,
    ) -> Result<&'static [T], D::Error> {
        Ok(Vec::<T>::deserialize(d)?.leak())
    }

    /// IP of a hand-written achievement: `[type, status, [numbers]]`.
    pub fn ip<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<(&'static str, &'static str, &'static [&'static str]), D::Error> {
        let (kind, status, numbers): (String, String, Vec<String>) = Deserialize::deserialize(d)?;
        Ok((kind.leak(), status.leak(), strings(numbers)))
    }

    /// A price range `[currency, min, max]` in major units, or `null` for negotiable.
    pub fn price<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<(&'static str, i64, i64)>, D::Error> {
        let p: Option<(String, i64, i64)> = Deserialize::deserialize(d)?;
        Ok(p.map(|(currency, min, max)| (&*currency.leak(), min, max)))
    }
}
