//! JSON merge patch (RFC 7396): a PATCH body names only the fields it changes; `null`
//! clears an optional field. The result is validated like a full input.

use platform::error::{ApiError, ApiResult};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

/// Applies `patch` to `current` and reads the result back, with field paths in errors.
pub fn merge<T: Serialize + DeserializeOwned>(current: &T, patch: Value) -> ApiResult<T> {
    if !patch.is_object() {
        return Err(ApiError::field(
            "(body)",
            "a PATCH body must be a JSON object",
        ));
    }
    let mut doc = serde_json::to_value(current).map_err(|e| ApiError::Internal(e.into()))?;
    apply(&mut doc, patch);
    let bytes = serde_json::to_vec(&doc).map_err(|e| ApiError::Internal(e.into()))?;
    platform::extract::parse_json(&bytes)
}

fn apply(target: &mut Value, patch: Value) {
    match patch {
        Value::Object(fields) => {
            if !target.is_object() {
                *target = Value::Object(serde_json::Map::new());
            }
            if let Value::Object(map) = target {
                for (key, value) in fields {
                    if value.is_null() {
                        map.insert(key, Value::Null);
                    } else {
                        apply(map.entry(key).or_insert(Value::Null), value);
                    }
                }
            }
        }
        other => *target = other,
    }
}

/// Splits the required `version` out of a PATCH body.
pub fn take_version(body: &mut Value) -> ApiResult<i32> {
    let version = body
        .as_object_mut()
        .and_then(|m| m.remove("version"))
        .ok_or_else(|| ApiError::field("version", "is required: send the version you read"))?;
    version
        .as_i64()
        .and_then(|v| i32::try_from(v).ok())
        .ok_or_else(|| ApiError::field("version", "must be an integer"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn merge_patch_replaces_adds_and_clears() {
        let mut doc = json!({"a": 1, "b": {"c": 2, "d": 3}, "e": [1]});
        apply(&mut doc, json!({"a": 5, "b": {"d": null}, "e": [2, 3]}));
        assert_eq!(doc, json!({"a": 5, "b": {"c": 2, "d": null}, "e": [2, 3]}));
    }
}
