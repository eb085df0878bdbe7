//! The project's conformance suite: the request vectors (copied from the shared
//! vectors, see `vectors/README.md`) and the one comparison every path through the
//! project is held to, the library API and the `gemini-token` binary alike.

// A test-support crate: a vectors file that does not parse must stop the suite loudly.
#![allow(clippy::panic)]

pub mod bare;
pub mod clients;
#[cfg(feature = "tracing")]
pub mod recorder;

/// The README's examples, compiled as doctests (here, where every crate they use is a
/// dependency) so that they cannot rot.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

use serde::Deserialize;
use serde_json::Value;

use gemini_token_core::formats::{camel_to_snake, snake_to_camel};
use gemini_token_core::formats::{format_rfc3339, parse_rfc3339};

/// The vectors file, built into the suite so that it cannot go missing.
pub const VECTORS_JSON: &str = include_str!("../vectors/auth_token_requests.json");

/// One request vector.
#[derive(Debug, Clone, Deserialize)]
pub struct Vector {
    /// A unique id.
    pub name: String,
    /// The clock, RFC 3339.
    pub now: String,
    /// The config as a user writes it; `null` for no config at all.
    pub config: Value,
    /// The request body, or the error.
    pub expect: Expect,
}

/// What a vector expects.
#[derive(Debug, Clone, Deserialize)]
pub struct Expect {
    /// The exact body to send.
    pub body: Option<Value>,
    /// The URL's ending when it is not `/v1alpha/auth_tokens`.
    pub url_suffix: Option<String>,
    /// The refusal.
    pub error: Option<ExpectedError>,
}

/// A refusal a vector expects.
#[derive(Debug, Clone, Deserialize)]
pub struct ExpectedError {
    /// The offending key, which the message must name (snake_case or camelCase).
    pub field: String,
    /// Strings the message must contain too.
    #[serde(default)]
    pub also: Vec<String>,
}

impl Vector {
    /// The URL ending the request must have.
    pub fn url_suffix(&self) -> &str {
        self.expect
            .url_suffix
            .as_deref()
            .unwrap_or("/v1alpha/auth_tokens")
    }
}

/// Every vector.
pub fn vectors() -> Vec<Vector> {
    serde_json::from_str(VECTORS_JSON).unwrap_or_else(|e| panic!("vectors file: {e}"))
}

/// Runs `check` on every vector and panics listing every problem of every vector, so
/// that one run shows all that is wrong. Returns how many vectors were checked.
pub fn check_every_vector(mut check: impl FnMut(&Vector) -> Vec<String>) -> usize {
    let all = vectors();
    let failures: Vec<String> = all
        .iter()
        .flat_map(|v| {
            check(v)
                .into_iter()
                .map(move |p| format!("{}: {p}", v.name))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} problems in {} vectors:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
    all.len()
}

/// The differences between the body a vector wants and the body we built, as
/// sentences; empty when they agree.
///
/// Stricter than the shared checker: times must be the same instant *and* in our
/// canonical UTC `Z` form, and the mask must hold the same paths in the same order (the
/// order rule D6 gives).
pub fn body_problems(want: &Value, got: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let (Some(want), Some(got)) = (want.as_object(), got.as_object()) else {
        return vec![format!("body: want an object, got {got}")];
    };
    for key in ["expireTime", "newSessionExpireTime"] {
        match (want.get(key), got.get(key)) {
            (None, None) => {}
            (Some(w), Some(g)) => {
                let (w, g) = (
                    w.as_str().unwrap_or_default(),
                    g.as_str().unwrap_or_default(),
                );
                let same_instant =
                    matches!((parse_rfc3339(w), parse_rfc3339(g)), (Ok(a), Ok(b)) if a == b);
                let canonical = parse_rfc3339(g).ok().and_then(format_rfc3339);
                if !same_instant || canonical.as_deref() != Some(g) {
                    problems.push(format!("{key}: want {w}, got {g}"));
                }
            }
            (w, g) => problems.push(format!("{key}: want {w:?}, got {g:?}")),
        }
    }
    let mask_of = |body: &serde_json::Map<String, Value>| {
        body.get("fieldMask")
            .map(|m| m.as_str().unwrap_or("<not a string>").to_owned())
    };
    let (want_mask, got_mask) = (mask_of(want), mask_of(got));
    if want_mask != got_mask {
        problems.push(format!("fieldMask: want {want_mask:?}, got {got_mask:?}"));
    }
    if let Some(mask) = &got_mask {
        let paths: Vec<&str> = mask.split(',').collect();
        let mut unique = paths.clone();
        unique.sort_unstable();
        unique.dedup();
        if unique.len() != paths.len() {
            problems.push(format!("fieldMask repeats a path: {mask}"));
        }
    }
    let rest = |body: &serde_json::Map<String, Value>| {
        let mut rest = body.clone();
        for key in ["expireTime", "newSessionExpireTime", "fieldMask"] {
            rest.remove(key);
        }
        Value::Object(rest)
    };
    compare(&rest(want), &rest(got), "", &mut problems);
    problems
}

/// Exact JSON equality, except that numbers compare by value (`5 == 5.0`).
fn compare(want: &Value, got: &Value, path: &str, problems: &mut Vec<String>) {
    let at = if path.is_empty() { "<body>" } else { path };
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (key, wv) in w {
                let sub = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                match g.get(key) {
                    Some(gv) => compare(wv, gv, &sub, problems),
                    None => problems.push(format!("{sub}: missing (want {wv})")),
                }
            }
            for key in g.keys().filter(|k| !w.contains_key(*k)) {
                problems.push(format!("{path}.{key}: unexpected (got {})", g[key]));
            }
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => {
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                compare(wv, gv, &format!("{path}[{i}]"), problems);
            }
        }
        (Value::Number(w), Value::Number(g)) => {
            if w.as_f64() != g.as_f64() {
                problems.push(format!("{at}: want {w}, got {g}"));
            }
        }
        (w, g) if w == g => {}
        (w, g) => problems.push(format!("{at}: want {w}, got {g}")),
    }
}

/// The differences between the request a vector wants and the one we built, given its
/// URL and its body: [`body_problems`], and the URL's ending.
pub fn request_problems(vector: &Vector, url: &str, body: &Value) -> Vec<String> {
    let mut problems = match &vector.expect.body {
        Some(want) => body_problems(want, body),
        None => vec![format!("want a refusal, got a request with body {body}")],
    };
    if !url.ends_with(vector.url_suffix()) {
        problems.push(format!("url {url} does not end in {}", vector.url_suffix()));
    }
    problems
}

/// The spellings a field may be named by: as given, snake_case and camelCase.
pub fn spellings(field: &str) -> [String; 3] {
    [
        field.to_owned(),
        camel_to_snake(field),
        snake_to_camel(field).into_owned(),
    ]
}

/// The differences between the refusal a vector wants and the message we gave.
pub fn error_problems(want: &ExpectedError, message: &str) -> Vec<String> {
    let mut problems = Vec::new();
    if !spellings(&want.field)
        .iter()
        .any(|s| message.contains(s.as_str()))
    {
        problems.push(format!(
            "the error does not name `{}`: {message}",
            want.field
        ));
    }
    for also in &want.also {
        if !message.contains(also.as_str()) {
            problems.push(format!("the error does not mention `{also}`: {message}"));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn comparison_can_fail() {
        let want = json!({"uses": 5, "fieldMask": "a,b", "expireTime": "2026-01-01T00:00:00Z", "x": [1, {"y": true}]});
        assert!(body_problems(&want, &want).is_empty());
        assert!(body_problems(&want, &json!({"uses": 5.0, "fieldMask": "a,b", "expireTime": "2026-01-01T00:00:00Z", "x": [1, {"y": true}]})).is_empty());
        assert_eq!(
            body_problems(
                &want,
                &json!({"uses": 5, "fieldMask": "b,a", "expireTime": "2026-01-01T01:00:00+01:00", "x": [1, {"y": 1}]})
            ),
            [
                "expireTime: want 2026-01-01T00:00:00Z, got 2026-01-01T01:00:00+01:00",
                "fieldMask: want Some(\"a,b\"), got Some(\"b,a\")",
                "x[1].y: want true, got 1",
            ]
        );
        assert_eq!(
            body_problems(&json!({"fieldMask": "a,a"}), &json!({"fieldMask": "a,a"})),
            ["fieldMask repeats a path: a,a"]
        );
        assert_eq!(
            spellings("lockAdditionalFields")[1],
            "lock_additional_fields"
        );
        assert_eq!(spellings("will_continue")[2], "willContinue");
    }
}
