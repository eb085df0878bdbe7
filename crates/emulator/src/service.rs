//! The token service itself: routing, the key check, the body rules, minting.

use std::collections::BTreeMap;

use gemini_token_core::setup::{
    AudioTranscriptionConfig, AvatarConfig, Content, ContextWindowCompressionConfig,
    GenerationConfig, HistoryConfig, ProactivityConfig, RealtimeInputConfig, SafetySetting,
    SessionResumptionConfig, Tool,
};
use gemini_token_core::timestamp::parse_rfc3339;
use gemini_token_core::{
    DEFAULT_EXPIRE_AFTER, DEFAULT_NEW_SESSION_EXPIRE_AFTER, LockPath, MAX_LIFETIME,
};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::google::{self, Reply};
use crate::http::Request;
use crate::store::MintedToken;

/// The API versions that have the method.
const VERSIONS: &[&str] = &["v1alpha", "v1beta"];

/// Where the emulator lists what it minted; the real service has no such path.
pub(crate) const TOKENS_PATH: &str = "/emulator/tokens";

/// Where the emulator reports its counters; the real service has no such path.
pub(crate) const STATS_PATH: &str = "/emulator/stats";

/// What a request is, for the server's dispatch.
pub(crate) enum Route<'a> {
    /// `POST /{version}/auth_tokens`.
    Mint { version: &'a str },
    /// `GET /emulator/tokens`.
    ListTokens,
    /// `GET /emulator/stats`.
    Stats,
    /// Anything else.
    NotFound,
}

pub(crate) fn route(request: &Request) -> Route<'_> {
    let path = request.path.split('?').next().unwrap_or_default();
    match (request.method.as_str(), path) {
        ("GET", TOKENS_PATH) => Route::ListTokens,
        ("GET", STATS_PATH) => Route::Stats,
        ("POST", path) => path
            .strip_prefix('/')
            .and_then(|p| p.strip_suffix("/auth_tokens"))
            .and_then(|v| VERSIONS.iter().find(|known| **known == v))
            .map_or(Route::NotFound, |version| Route::Mint { version }),
        _ => Route::NotFound,
    }
}

/// The key the request carries: the `x-goog-api-key` header, or a `key` query parameter.
fn api_key(request: &Request) -> Option<&str> {
    request.header("x-goog-api-key").or_else(|| {
        let query = request.path.split_once('?')?.1;
        query.split('&').find_map(|pair| pair.strip_prefix("key="))
    })
}

/// Answers `POST /{version}/auth_tokens`; on success, also the token to keep.
pub(crate) fn mint(
    request: &Request,
    version: &str,
    keys: &[String],
    now: OffsetDateTime,
) -> (Reply, Option<MintedToken>) {
    match api_key(request) {
        None | Some("") => return (google::missing_key(), None),
        Some(key) if !keys.iter().any(|k| k == key) => return (google::invalid_key(), None),
        Some(_) => {}
    }
    match check_body(&request.body, now) {
        Ok(mut token) => {
            token.api_version = version.to_owned();
            let reply = Reply::json(200, &json!({ "name": token.name }));
            (reply, Some(token))
        }
        Err(reply) => (reply, None),
    }
}

/// The body's fields, by their JSON names; the proto names (snake_case) are accepted
/// too, as the service's JSON parser does.
const FIELDS: &[(&str, &str)] = &[
    ("name", "name"),
    ("uses", "uses"),
    ("expireTime", "expire_time"),
    ("newSessionExpireTime", "new_session_expire_time"),
    ("bidiGenerateContentSetup", "bidi_generate_content_setup"),
    ("fieldMask", "field_mask"),
];

fn check_body(body: &[u8], now: OffsetDateTime) -> Result<MintedToken, Reply> {
    let value: Value = serde_json::from_slice(body).map_err(|e| {
        google::invalid_argument(
            "",
            &format!(
                "Invalid JSON payload received. {}",
                capitalized(&e.to_string())
            ),
        )
    })?;
    let Value::Object(object) = value else {
        return Err(google::invalid_argument(
            "",
            "Invalid JSON payload received. Expected an object.",
        ));
    };
    let mut fields: BTreeMap<&str, Value> = BTreeMap::new();
    for (key, value) in object {
        let Some((json_name, _)) = FIELDS.iter().find(|(j, p)| key == *j || key == *p) else {
            return Err(unknown_name(&key, "auth_token"));
        };
        fields.insert(json_name, value);
    }

    let uses = match fields.get("uses") {
        None | Some(Value::Null) => 1,
        Some(value) => value
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| i32::try_from(*n).is_ok())
            .ok_or_else(|| invalid_value("uses", "TYPE_INT32", value))?,
    };
    let expire_time = time_field(&fields, "expireTime", "expire_time", now)?
        .unwrap_or(now + DEFAULT_EXPIRE_AFTER);
    let new_session_expire_time = time_field(
        &fields,
        "newSessionExpireTime",
        "new_session_expire_time",
        now,
    )?
    .unwrap_or(now + DEFAULT_NEW_SESSION_EXPIRE_AFTER);

    let setup = match fields.remove("bidiGenerateContentSetup") {
        None | Some(Value::Null) => None,
        Some(setup) => Some(check_setup(setup)?),
    };
    let field_mask = match fields.remove("fieldMask") {
        None | Some(Value::Null) => None,
        Some(Value::String(mask)) => Some(mask),
        Some(other) => return Err(invalid_value("field_mask", "TYPE_STRING", &other)),
    };
    if let (Some(setup), Some(mask)) = (&setup, &field_mask) {
        check_mask(setup, mask)?;
    } else if let Some(mask) = &field_mask {
        mask_paths(mask)?;
    }

    let Some(random) = random_hex::<32>() else {
        return Err(google::error(
            500,
            "INTERNAL",
            "Internal error encountered.",
            Vec::new(),
        ));
    };
    Ok(MintedToken {
        name: format!("auth_tokens/{random}"),
        uses,
        expire_time,
        new_session_expire_time: new_session_expire_time.min(expire_time),
        bidi_generate_content_setup: setup,
        field_mask,
        api_version: String::new(),
        minted_at: now,
    })
}

fn capitalized(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn unknown_name(name: &str, at: &str) -> Reply {
    google::invalid_argument(
        at,
        &format!(
            "Invalid JSON payload received. Unknown name \"{name}\" at '{at}': Cannot find field."
        ),
    )
}

fn invalid_value(field: &str, kind: &str, value: &Value) -> Reply {
    let path = format!("auth_token.{field}");
    google::invalid_argument(
        &path,
        &format!("Invalid value at '{path}' ({kind}), {value}"),
    )
}

/// A timestamp field: RFC 3339, after `now`, less than 20 h ahead.
fn time_field(
    fields: &BTreeMap<&str, Value>,
    json_name: &str,
    proto_name: &str,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, Reply> {
    let kind = "type.googleapis.com/google.protobuf.Timestamp";
    let at = match fields.get(json_name) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(text)) => parse_rfc3339(text)
            .map_err(|_| invalid_value(proto_name, kind, &Value::from(text.as_str())))?,
        Some(other) => return Err(invalid_value(proto_name, kind, other)),
    };
    let field = format!("auth_token.{proto_name}");
    if at <= now {
        return Err(google::invalid_argument(
            &field,
            &format!("{proto_name} must be in the future"),
        ));
    }
    if at >= now + MAX_LIFETIME {
        return Err(google::invalid_argument(
            &field,
            &format!("{proto_name} is too far in the future. Maximum lifetime is 20h"),
        ));
    }
    Ok(Some(at))
}

/// The setup message's fields, strictly: an unknown name anywhere is refused, as the
/// service's parser refuses it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)] // Read only to check the setup's shape.
struct Setup {
    model: Option<String>,
    generation_config: Option<GenerationConfig>,
    system_instruction: Option<Content>,
    tools: Option<Vec<Tool>>,
    session_resumption: Option<SessionResumptionConfig>,
    input_audio_transcription: Option<AudioTranscriptionConfig>,
    output_audio_transcription: Option<AudioTranscriptionConfig>,
    realtime_input_config: Option<RealtimeInputConfig>,
    context_window_compression: Option<ContextWindowCompressionConfig>,
    proactivity: Option<ProactivityConfig>,
    history_config: Option<HistoryConfig>,
    avatar_config: Option<AvatarConfig>,
    safety_settings: Option<Vec<SafetySetting>>,
    labels: Option<BTreeMap<String, String>>,
}

fn check_setup(setup: Value) -> Result<Value, Reply> {
    let mut track = serde_path_to_error::Track::new();
    let checked: Result<Setup, _> =
        Setup::deserialize(serde_path_to_error::Deserializer::new(&setup, &mut track));
    if let Err(e) = checked {
        let mut at = String::from("auth_token.bidi_generate_content_setup");
        let mut segments: Vec<String> = track
            .path()
            .iter()
            .filter_map(|s| match s {
                serde_path_to_error::Segment::Map { key } => Some(key.clone()),
                serde_path_to_error::Segment::Seq { index } => Some(format!("[{index}]")),
                _ => None,
            })
            .collect();
        let message = e.to_string();
        let unknown = message
            .strip_prefix("unknown field `")
            .and_then(|rest| rest.split('`').next());
        if let Some(name) = unknown {
            if segments.last().map(String::as_str) == Some(name) {
                segments.pop();
            }
            for segment in &segments {
                if !segment.starts_with('[') {
                    at.push('.');
                }
                at.push_str(&snake_case(segment));
            }
            return Err(unknown_name(name, &at));
        }
        for segment in &segments {
            if !segment.starts_with('[') {
                at.push('.');
            }
            at.push_str(&snake_case(segment));
        }
        return Err(google::invalid_argument(
            &at,
            &format!("Invalid value at '{at}': {message}"),
        ));
    }
    Ok(setup)
}

fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The mask's paths in camelCase; a path that names no field, or goes into a list,
/// makes the mask invalid.
fn mask_paths(mask: &str) -> Result<Vec<String>, Reply> {
    mask.split(',')
        .map(|path| {
            LockPath::parse(path.trim())
                .map(|p| p.as_str().to_owned())
                .map_err(|_| {
                    google::invalid_argument("auth_token.field_mask", google::MASK_INVALID)
                })
        })
        .collect()
}

/// Every field the setup sets must be under a path of the mask.
fn check_mask(setup: &Value, mask: &str) -> Result<(), Reply> {
    let masked = mask_paths(mask)?;
    let set = gemini_token_core::set_field_paths(setup).unwrap_or_default();
    let covered = |path: &str| {
        masked.iter().any(|m| {
            path == m
                || (path.starts_with(m.as_str()) && path.as_bytes().get(m.len()) == Some(&b'.'))
        })
    };
    if set.split(',').filter(|p| !p.is_empty()).all(covered) {
        Ok(())
    } else {
        Err(google::invalid_argument(
            "auth_token.field_mask",
            google::MASK_MISSES_FIELDS,
        ))
    }
}

/// `N` random bytes from the operating system's CSPRNG, as hex; `None` if the OS
/// cannot give them (a token must never be guessable, so there is no fallback).
pub(crate) fn random_hex<const N: usize>() -> Option<String> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes).ok()?;
    let mut out = String::with_capacity(2 * N);
    for b in bytes {
        out.push(char::from(b"0123456789abcdef"[usize::from(b >> 4)]));
        out.push(char::from(b"0123456789abcdef"[usize::from(b & 15)]));
    }
    Some(out)
}

/// The JSON list of every minted token.
pub(crate) fn list_tokens(tokens: &[MintedToken]) -> Reply {
    Reply::json(200, &json!({ "tokens": tokens }))
}
