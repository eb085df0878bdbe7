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
    let mut canonical = translate(&original, &mut String::new(), &mut String::new())?;
    expand_shorthands(&mut canonical);
    let mut track = serde_path_to_error::Track::new();
    Canonical::deserialize(serde_path_to_error::Deserializer::new(
        canonical, &mut track,
    ))
    .map_err(|e| typed_error(&original, &track.path(), &e.to_string()))
}

/// Translates keys to camelCase and drops nulls, outside user data; refuses keys given
/// twice and settings in [`REFUSED`]. `canonical` and `user` are the paths so far.
fn translate(
    value: &Value,
    canonical: &mut String,
    user: &mut String,
) -> Result<Value, ConfigError> {
    match value {
        Value::Object(object) => {
            let mut out = Map::new();
            for (key, item) in object {
                if item.is_null() {
                    continue;
                }
                let camel = snake_to_camel(key);
                let (canonical_len, user_len) = (canonical.len(), user.len());
                push_key(canonical, &camel);
                push_key(user, key);
                if out.contains_key(camel.as_ref()) {
                    let first = object
                        .iter()
                        .find(|(k, v)| snake_to_camel(k) == camel && !v.is_null())
                        .map_or("", |(k, _)| k.as_str());
                    return Err(ConfigError::new(
                        ConfigErrorKind::DuplicateField,
                        user.as_str(),
                        format!("given twice, as `{first}` and as `{key}`"),
                    ));
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
                    return Err(ConfigError::new(kind, user.as_str(), message));
                }
                let translated = if USER_DATA.contains(&camel.as_ref()) {
                    item.clone()
                } else {
                    translate(item, canonical, user)?
                };
                out.insert(camel.into_owned(), translated);
                canonical.truncate(canonical_len);
                user.truncate(user_len);
            }
            Ok(Value::Object(out))
        }
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                let (canonical_len, user_len) = (canonical.len(), user.len());
                canonical.push_str("[]");
                user.push_str(&format!("[{i}]"));
                out.push(translate(item, canonical, user)?);
                canonical.truncate(canonical_len);
                user.truncate(user_len);
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
    let mut segments: Vec<String> = path
        .iter()
        .filter_map(|s| match s {
            serde_path_to_error::Segment::Map { key } => Some(key.clone()),
            serde_path_to_error::Segment::Seq { index } => Some(format!("[{index}]")),
            _ => None,
        })
        .collect();
    let unknown = message
        .strip_prefix("unknown field `")
        .and_then(|rest| rest.split('`').next());
    if let Some(name) = unknown {
        if segments.last().map(String::as_str) != Some(name) {
            segments.push(name.to_owned());
        }
    }
    let user_path = user_path(original, &segments);
    let first = segments.first().map_or("", String::as_str);
    let kind = match first {
        "expireTime" | "newSessionExpireTime" => ConfigErrorKind::InvalidTime,
        "uses" => ConfigErrorKind::InvalidUses,
        "lockAdditionalFields" => ConfigErrorKind::UnknownLockField,
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

/// The canonical path `segments` with each key spelled as in `original`.
fn user_path(original: &Value, segments: &[String]) -> String {
    let mut node = Some(original);
    let mut out = String::new();
    for segment in segments {
        if let Some(index) = segment.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            out.push_str(segment);
            node = node.and_then(|n| n.get(index.parse::<usize>().unwrap_or(usize::MAX)));
            continue;
        }
        let found = node.and_then(Value::as_object).and_then(|o| {
            o.iter()
                .find(|(k, _)| snake_to_camel(k) == segment.as_str())
        });
        push_key(
            &mut out,
            found.map_or(segment.as_str(), |(k, _)| k.as_str()),
        );
        node = found.map(|(_, v)| v);
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
