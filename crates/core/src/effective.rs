//! What the Live API applies when a client opens a session with a token: the token's
//! setup, the client's, and the field mask between them.
//!
//! The rules are those of the API reference of `AuthToken.fieldMask`:
//! - the token has neither a setup nor a mask: the client's setup is used as it is;
//! - the token has a setup and no mask: the token's setup is used entirely, and the
//!   client's is ignored (this is `Lock::All`, the default);
//! - the token has a mask: for each masked path the token's value replaces the
//!   client's, and a path the token leaves unset clears the client's value (that is
//!   what locking an *additional* field means); everything else comes from the client.
//!   A mask with no setup (lock names and no constraints) is a mask over an empty
//!   setup: it clears the masked fields.
//!
//! Setups are JSON objects in the REST API's form (lowerCamel names), as they travel in
//! the `setup` message and in `bidiGenerateContentSetup`.

use serde_json::{Map, Value};

/// A setup message: a JSON object in the REST API's form.
pub type SetupJson = Map<String, Value>;

/// The setup a session runs with, given the token's setup and field mask (as minted)
/// and the setup the client sent.
///
/// ```
/// use gemini_token_core::effective_setup;
/// use serde_json::json;
///
/// let token = json!({"model": "models/gemini-live-2.5-flash-preview",
///                    "generationConfig": {"temperature": 0.2}});
/// let client = json!({"model": "models/other", "systemInstruction": {"parts": [{"text": "Hi"}]},
///                     "generationConfig": {"temperature": 1.0, "topK": 5}});
/// let (token, client) = (token.as_object().unwrap(), client.as_object().unwrap());
///
/// // The set fields locked: the client keeps what the token does not pin.
/// let applied = effective_setup(Some(token), Some("model,generationConfig.temperature"), client);
/// assert_eq!(
///     serde_json::Value::Object(applied),
///     json!({"model": "models/gemini-live-2.5-flash-preview",
///            "systemInstruction": {"parts": [{"text": "Hi"}]},
///            "generationConfig": {"temperature": 0.2, "topK": 5}})
/// );
///
/// // No mask: the token's setup, whatever the client sent.
/// assert_eq!(&effective_setup(Some(token), None, client), token);
/// ```
pub fn effective_setup(
    token_setup: Option<&SetupJson>,
    field_mask: Option<&str>,
    client_setup: &SetupJson,
) -> SetupJson {
    let mut paths = mask_paths(field_mask).peekable();
    let empty = SetupJson::new();
    let token = match (token_setup, paths.peek()) {
        (None, None) => return client_setup.clone(),
        (Some(token), None) => return token.clone(),
        (token, Some(_)) => token.unwrap_or(&empty),
    };
    let mut applied = client_setup.clone();
    for path in paths {
        let segments: Vec<&str> = path.split('.').collect();
        match value_at(token, &segments) {
            Some(value) => set_at(&mut applied, &segments, value.clone()),
            None => remove_at(&mut applied, &segments),
        }
    }
    applied
}

/// The paths of a field mask: comma-separated, blanks around them ignored.
pub(crate) fn mask_paths(field_mask: Option<&str>) -> impl Iterator<Item = &str> {
    field_mask
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
}

/// The value at `segments` below `object`, if every step is there.
pub(crate) fn value_at<'v>(object: &'v SetupJson, segments: &[&str]) -> Option<&'v Value> {
    let (last, parents) = segments.split_last()?;
    let mut here = object;
    for segment in parents {
        here = here.get(*segment)?.as_object()?;
    }
    here.get(*last)
}

/// Sets the value at `segments`, making the messages on the way (a non-message in the
/// way is replaced: the token's shape wins).
fn set_at(object: &mut SetupJson, segments: &[&str], value: Value) {
    let Some((last, parents)) = segments.split_last() else {
        return;
    };
    let mut here = object;
    for segment in parents {
        let slot = here
            .entry(*segment)
            .or_insert_with(|| Value::Object(Map::new()));
        if !slot.is_object() {
            *slot = Value::Object(Map::new());
        }
        let Value::Object(next) = slot else {
            return;
        };
        here = next;
    }
    here.insert((*last).to_owned(), value);
}

/// Removes the value at `segments`; the messages on the way stay (a present, empty
/// message is what a cleared field leaves).
fn remove_at(object: &mut SetupJson, segments: &[&str]) {
    let Some((last, parents)) = segments.split_last() else {
        return;
    };
    let mut here = object;
    for segment in parents {
        match here.get_mut(*segment) {
            Some(Value::Object(next)) => here = next,
            _ => return,
        }
    }
    here.remove(*last);
}
