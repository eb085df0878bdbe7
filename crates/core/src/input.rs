//! Reading configs as official-SDK users write them.
//!
//! Python users write snake_case keys, JavaScript users camelCase; both write `null`
//! for "not set", a bare voice name for `speech_config`, and a string, a part or a list
//! for `system_instruction`. This module translates such JSON into the one canonical
//! form (the REST API's camelCase) in a single walk, refusing on the way what the
//! Gemini Developer API or the Live API would refuse, and then deserializes the
//! canonical form strictly. Errors carry the path with the keys as the user wrote them.

use serde::Deserialize;
use serde_json::{Map, Value};

use crate::config::{CreateAuthTokenConfig, HttpOptions, TokenTime, deserialize_uses};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::live::LiveConnectConstraints;
use crate::lock::Lock;
use crate::suggest::{closest, in_style_of, snake_to_camel};

/// Keys whose values are user data: copied as given, keys never case-converted.
const USER_DATA: &[&str] = &[
    "labels",
    "parameters",
    "parametersJsonSchema",
    "response",
    "responseJsonSchema",
    "args",
    "headers",
    "extraSetupFields",
];

/// Why a setting is refused although the official SDKs' types have it.
#[derive(Clone, Copy)]
enum Refusal {
    VertexOnly,
    NotInLive,
}

/// Canonical paths (`[]` for any list item) of settings refused before sending.
const REFUSED: &[(&str, Refusal)] = {
    use Refusal::{NotInLive, VertexOnly};
    &[
        (
            "liveConnectConstraints.config.explicitVadSignal",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.sessionResumption.transparent",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.tools[].retrieval",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.tools[].enterpriseWebSearch",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.tools[].parallelAiSearch",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.tools[].exaAiSearch",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.tools[].googleSearch.excludeDomains",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.tools[].googleSearch.blockingConfidence",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.tools[].googleMaps.groundingTypes",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.tools[].googleMaps.authConfig",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.safetySettings[].method",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.systemInstruction.parts[].functionCall.willContinue",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.systemInstruction.parts[].functionCall.partialArgs",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.systemInstruction[].functionCall.willContinue",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.systemInstruction[].functionCall.partialArgs",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.systemInstruction.functionCall.willContinue",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.systemInstruction.functionCall.partialArgs",
            VertexOnly,
        ),
        (
            "liveConnectConstraints.config.speechConfig.multiSpeakerVoiceConfig",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.speechConfig.multiSpeakerVoiceConfig",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.responseLogprobs",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.logprobs",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.responseMimeType",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.responseSchema",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.responseJsonSchema",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.responseFormat",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.stopSequences",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.routingConfig",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.modelSelectionConfig",
            NotInLive,
        ),
        (
            "liveConnectConstraints.config.generationConfig.audioTimestamp",
            NotInLive,
        ),
    ]
};

/// The canonical deserialization of [`CreateAuthTokenConfig`]: camelCase only, unknown
/// keys refused. Only ever run on the output of [`translate`].
#[derive(Deserialize)]
#[serde(
    remote = "CreateAuthTokenConfig",
    rename_all = "camelCase",
    deny_unknown_fields
)]
struct Canonical {
    #[serde(default)]
    expire_time: Option<TokenTime>,
    #[serde(default)]
    new_session_expire_time: Option<TokenTime>,
    #[serde(default, deserialize_with = "deserialize_uses")]
    uses: Option<u32>,
    #[serde(default)]
    live_connect_constraints: Option<LiveConnectConstraints>,
    #[serde(rename = "lockAdditionalFields", default)]
    lock: Lock,
    #[serde(default)]
    http_options: Option<HttpOptions>,
}

/// [`CreateAuthTokenConfig::from_json`].
pub(crate) fn config_from_json(json: &[u8]) -> Result<CreateAuthTokenConfig, ConfigError> {
    let value: Value = serde_json::from_slice(json).map_err(|e| {
        ConfigError::new(ConfigErrorKind::Syntax, "", format!("not valid JSON: {e}"))
    })?;
    config_from_value(value)
}

/// [`CreateAuthTokenConfig`]'s `Deserialize`, from a parsed value.
pub(crate) fn config_from_value(original: Value) -> Result<CreateAuthTokenConfig, ConfigError> {
    if original.is_null() {
        return Ok(CreateAuthTokenConfig::default());
    }
    if !original.is_object() {
        return Err(ConfigError::new(
            ConfigErrorKind::Syntax,
            "",
            format!(
                "a token config is a JSON object, not {}",
                kind_of(&original)
            ),
        ));
    }
    let mut steps = Vec::new();
    let mut canonical = translate(&original, &mut String::new(), &mut steps).map_err(|e| {
        let mut path = user_path(&original, &steps);
        push_key(&mut path, e.key);
        ConfigError::new(e.kind, path, e.message)
    })?;
    expand_shorthands(&mut canonical);
    let mut track = serde_path_to_error::Track::new();
    Canonical::deserialize(serde_path_to_error::Deserializer::new(
        canonical, &mut track,
    ))
    .map_err(|e| typed_error(&original, &track.path(), &e.to_string()))
}

/// One step of a path into a config: a key, in either spelling, or a list index.
#[derive(Clone, Copy)]
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// A key that [`translate`] refuses: as the user wrote it, with why.
struct Refused<'v> {
    key: &'v str,
    kind: ConfigErrorKind,
    message: String,
}

/// Translates keys to camelCase and drops nulls, outside user data; refuses keys given
/// twice and settings in [`REFUSED`]. `canonical` is the path so far with `[]` for any
/// index, to look up in [`REFUSED`]; `steps` is the same path as written, step by step,
/// left at the refused key's object on an error, for [`user_path`].
fn translate<'v>(
    value: &'v Value,
    canonical: &mut String,
    steps: &mut Vec<Step<'v>>,
) -> Result<Value, Refused<'v>> {
    match value {
        Value::Object(object) => {
            let mut out = Map::new();
            for (key, item) in object {
                if item.is_null() {
                    continue;
                }
                let camel = snake_to_camel(key);
                let canonical_len = canonical.len();
                push_key(canonical, &camel);
                if out.contains_key(camel.as_ref()) {
                    let first = object
                        .iter()
                        .find(|(k, v)| snake_to_camel(k) == camel && !v.is_null())
                        .map_or("", |(k, _)| k.as_str());
                    return Err(Refused {
                        key,
                        kind: ConfigErrorKind::DuplicateField,
                        message: format!("given twice, as `{first}` and as `{key}`"),
                    });
                }
                if let Some((_, refusal)) =
                    REFUSED.iter().find(|(path, _)| *path == canonical.as_str())
                {
                    let message = match refusal {
                        Refusal::VertexOnly => format!(
                            "`{key}` is a Vertex AI setting; the Gemini Developer API, \
                             which mints ephemeral tokens, refuses it"
                        ),
                        Refusal::NotInLive => format!("`{key}` is not supported by the Live API"),
                    };
                    let kind = match refusal {
                        Refusal::VertexOnly => ConfigErrorKind::VertexOnly,
                        Refusal::NotInLive => ConfigErrorKind::NotSupportedInLive,
                    };
                    return Err(Refused { key, kind, message });
                }
                let translated = if USER_DATA.contains(&camel.as_ref()) {
                    item.clone()
                } else {
                    steps.push(Step::Key(key));
                    let translated = translate(item, canonical, steps)?;
                    steps.pop();
                    translated
                };
                out.insert(camel.into_owned(), translated);
                canonical.truncate(canonical_len);
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let canonical_len = canonical.len();
                canonical.push_str("[]");
                steps.push(Step::Index(i));
                out.push(translate(item, canonical, steps)?);
                steps.pop();
                canonical.truncate(canonical_len);
            }
            Ok(Value::Array(out))
        }
        Value::Number(n) => Ok(Value::Number(integral(n))),
        scalar => Ok(scalar.clone()),
    }
}

/// `40.0` → `40`: Python's SDK types `top_k` (and users write `uses`) as floats, while
/// the API wants integers there; a whole float is read as the integer it is. Float
/// fields take integers as they are, so nothing else changes. (User data, copied
/// before this, keeps its numbers as written.)
fn integral(n: &serde_json::Number) -> serde_json::Number {
    match n.as_f64() {
        Some(f) if n.is_f64() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
            // Exact: |f| < 2^53, and whole.
            serde_json::Number::from(f as i64)
        }
        _ => n.clone(),
    }
}

/// Appends `.key`; an empty key is shown as `""` so that it is still seen.
fn push_key(path: &mut String, key: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(if key.is_empty() { "\"\"" } else { key });
}

/// Expands the SDKs' shorthands into the messages they stand for: a voice name into a
/// `speechConfig`, and text, a part or a list into a system-instruction `Content`.
fn expand_shorthands(canonical: &mut Value) {
    let Some(config) = canonical
        .pointer_mut("/liveConnectConstraints/config")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    let voice = |speech: &mut Value| {
        if let Value::String(name) = speech {
            let name = std::mem::take(name);
            *speech =
                serde_json::json!({"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": name}}});
        }
    };
    if let Some(speech) = config.get_mut("speechConfig") {
        voice(speech);
    }
    if let Some(speech) = config
        .get_mut("generationConfig")
        .and_then(|g| g.get_mut("speechConfig"))
    {
        voice(speech);
    }
    if let Some(instruction) = config.get_mut("systemInstruction") {
        let part = |v: Value| match v {
            Value::String(text) => serde_json::json!({ "text": text }),
            other => other,
        };
        let parts = match instruction.take() {
            text @ Value::String(_) => vec![part(text)],
            Value::Array(items) => items.into_iter().map(part).collect(),
            Value::Object(content)
                if content.contains_key("parts")
                    || content.contains_key("role")
                    || content.is_empty() =>
            {
                *instruction = Value::Object(content);
                return;
            }
            single @ Value::Object(_) => vec![single],
            other => {
                *instruction = other;
                return;
            }
        };
        *instruction = serde_json::json!({ "parts": parts, "role": "user" });
    }
}

/// A [`ConfigError`] from a serde error at `path` in the canonical form, with the path
/// written as the user wrote it.
fn typed_error(original: &Value, path: &serde_path_to_error::Path, message: &str) -> ConfigError {
    let mut steps: Vec<Step<'_>> = path
        .iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Map { key } => Some(Step::Key(key)),
            serde_path_to_error::Segment::Seq { index } => Some(Step::Index(*index)),
            _ => None,
        })
        .collect();
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next());
    if let Some(name) = unknown {
        if !matches!(steps.last(), Some(Step::Key(last)) if *last == name) {
            steps.push(Step::Key(name));
        }
    }
    let user_path = user_path(original, &steps);
    let kind = match steps.first() {
        Some(Step::Key("expireTime" | "newSessionExpireTime")) => ConfigErrorKind::InvalidTime,
        Some(Step::Key("uses")) => ConfigErrorKind::InvalidUses,
        Some(Step::Key("lockAdditionalFields")) => ConfigErrorKind::UnknownLockField,
        _ if unknown.is_some() => ConfigErrorKind::UnknownField,
        _ => ConfigErrorKind::InvalidValue,
    };
    let message = match unknown {
        Some(name) => {
            let as_written = user_path.rsplit('.').next().unwrap_or(name);
            let mut text = format!("unknown field `{as_written}`");
            // serde lists the expected names after the first one, each in backticks.
            let expected = message.split('`').skip(3).step_by(2);
            if let Some(best) = closest(as_written, expected) {
                text.push_str(&format!(
                    " (did you mean `{}`?)",
                    in_style_of(best, as_written)
                ));
            }
            text
        }
        None => message.to_owned(),
    };
    ConfigError::new(kind, user_path, message)
}

/// The path `steps` written as in `original`: each key spelled as the user spelled it
/// (the key it stands for, in either spelling, is looked up), each index as `[i]`. The
/// one way a path in a config is shown, for refusals found while translating and for
/// serde's errors in the canonical form alike.
fn user_path(original: &Value, steps: &[Step<'_>]) -> String {
    let mut node = Some(original);
    let mut out = String::new();
    for step in steps {
        match *step {
            Step::Index(index) => {
                out.push_str(&format!("[{index}]"));
                node = node.and_then(|n| n.get(index));
            }
            Step::Key(key) => {
                let camel = snake_to_camel(key);
                let found = node.and_then(Value::as_object).and_then(|o| {
                    o.iter()
                        .find(|(k, v)| !v.is_null() && snake_to_camel(k) == camel)
                });
                push_key(&mut out, found.map_or(key, |(k, _)| k.as_str()));
                node = found.map(|(_, v)| v);
            }
        }
    }
    out
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(json: &str) -> (ConfigErrorKind, String, String) {
        match config_from_json(json.as_bytes()) {
            Ok(_) => (
                ConfigErrorKind::Syntax,
                String::new(),
                "accepted".to_owned(),
            ),
            Err(e) => (e.kind(), e.path().to_owned(), e.message().to_owned()),
        }
    }

    #[test]
    fn every_refusal_names_the_path_as_written() {
        // Found while translating: a key given twice, inside a list (keys are read in
        // sorted order).
        assert_eq!(
            refusal(
                r#"{"live_connect_constraints": {"config": {"tools": [{}, {"function_declarations": [], "functionDeclarations": []}]}}}"#
            ),
            (
                ConfigErrorKind::DuplicateField,
                "live_connect_constraints.config.tools[1].function_declarations".to_owned(),
                "given twice, as `functionDeclarations` and as `function_declarations`".to_owned()
            )
        );
        // Found by serde in the canonical form; the null of the same name (sorted first)
        // is not the key meant.
        assert_eq!(
            refusal(
                r#"{"liveConnectConstraints": {"config": {"generationConfig": null, "generation_config": {"top_k": "x"}}}}"#
            ),
            (
                ConfigErrorKind::InvalidValue,
                "liveConnectConstraints.config.generation_config.top_k".to_owned(),
                "invalid type: string \"x\", expected i32".to_owned()
            )
        );
    }
}
