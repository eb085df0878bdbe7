//! What more than one target needs: the canary key and a model of the mask.

// Each target is its own crate and uses only part of this.
#![allow(dead_code)]

use serde_json::Value;

/// Recognisable, so that a leak of it is found by a plain substring search; also in
/// the dictionaries, so that the fuzzer can put it in what it writes.
pub const CANARY: &str = "AIzaSyFUZZ-canary-key-0123456789";

/// Keys whose values are user data, locked whole (`USER_MAPS` in `crates/core/src/mask.rs`).
const USER_MAPS: &[&str] = &["labels"];

/// `set_field_paths` as its documentation states it, computed independently: for
/// each key of a top-level object, `key.child` for each child of a non-empty object
/// that is not user data, otherwise `key`.
pub fn documented_paths(value: &Value) -> Vec<String> {
    let Value::Object(top) = value else {
        return Vec::new();
    };
    let mut paths = Vec::new();
    for (key, child) in top {
        match child {
            Value::Object(children)
                if !children.is_empty() && !USER_MAPS.contains(&key.as_str()) =>
            {
                paths.extend(children.keys().map(|c| format!("{key}.{c}")));
            }
            _ => paths.push(key.clone()),
        }
    }
    paths
}
