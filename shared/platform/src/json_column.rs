//! Reading the JSON columns that hold lists (keywords, IPC codes, a broker's fields and regions).

/// A JSON array of strings from a stored JSON column; anything else reads as empty, because a
/// malformed list must not make the whole row unreadable.
pub fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
