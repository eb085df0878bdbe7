//! The token service itself: routing, the key check, the body rules, minting.

use serde_json::{Map, Value, json};
use time::{Duration, OffsetDateTime};

use crate::google::{self, Reply};
use crate::http::Request;
use crate::store::MintedToken;
use crate::{mask, proto_json, rfc3339, schema};

/// The API versions that have the method.
const VERSIONS: &[&str] = &["v1alpha", "v1beta"];

/// Where the emulator lists what it minted; the real service has no such path.
pub(crate) const TOKENS_PATH: &str = "/emulator/tokens";

/// Where the emulator reports its counters; the real service has no such path.
pub(crate) const STATS_PATH: &str = "/emulator/stats";

/// Where the emulator lists the Live sessions; the real service has no such path.
pub(crate) const SESSIONS_PATH: &str = "/emulator/sessions";

/// The Live API's methods, under `/ws/google.ai.generativelanguage.{version}.`.
const LIVE_PREFIX: &str = "/ws/google.ai.generativelanguage.";
const CONSTRAINED: &str = ".GenerativeService.BidiGenerateContentConstrained";
const UNCONSTRAINED: &str = ".GenerativeService.BidiGenerateContent";

/// What a request is, for the server's dispatch.
pub(crate) enum Route<'a> {
    /// `POST /{version}/auth_tokens`.
    Mint { version: &'a str },
    /// `GET /emulator/tokens`.
    ListTokens,
    /// `GET /emulator/stats`.
    Stats,
    /// `GET /emulator/sessions`.
    ListSessions,
    /// `GET /ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContent`,
    /// `...Constrained` when `constrained`: the Live API's WebSocket.
    Live {
        version: &'static str,
        constrained: bool,
    },
    /// Anything else.
    NotFound,
}

pub(crate) fn route(request: &Request) -> Route<'_> {
    let path = request.path.split('?').next().unwrap_or_default();
    match (request.method.as_str(), path) {
        ("GET", TOKENS_PATH) => Route::ListTokens,
        ("GET", STATS_PATH) => Route::Stats,
        ("GET", SESSIONS_PATH) => Route::ListSessions,
        // The JS SDK (2.32.0) asks for `//ws/...` even with its default base URL, so
        // the service must take it for that SDK to work (our inference): any number of
        // leading slashes are taken here.
        ("GET", path) if path.trim_start_matches('/').starts_with(&LIVE_PREFIX[1..]) => {
            live_route(path.trim_start_matches('/'))
        }
        ("POST", path) => path
            .strip_prefix('/')
            .and_then(|p| p.strip_suffix("/auth_tokens"))
            .and_then(|v| VERSIONS.iter().find(|known| **known == v))
            .map_or(Route::NotFound, |version| Route::Mint { version }),
        _ => Route::NotFound,
    }
}

/// The Live method a path (without its leading slashes) names, with its version.
fn live_route(path: &str) -> Route<'static> {
    let rest = path.get(LIVE_PREFIX.len() - 1..).unwrap_or_default();
    let (version, constrained) = if let Some(v) = rest.strip_suffix(CONSTRAINED) {
        (v, true)
    } else if let Some(v) = rest.strip_suffix(UNCONSTRAINED) {
        (v, false)
    } else {
        return Route::NotFound;
    };
    VERSIONS
        .iter()
        .find(|known| **known == version)
        .map_or(Route::NotFound, |version| Route::Live {
            version,
            constrained,
        })
}

/// A query parameter's value, percent-decoded (a browser encodes the `/` of
/// `auth_tokens/...`); the first if given twice.
pub(crate) fn query_param(request: &Request, name: &str) -> Option<String> {
    let query = request.path.split_once('?')?.1;
    let raw = query.split('&').find_map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key == name).then_some(value)
    })?;
    Some(percent_decode(raw))
}

/// `%XX` sequences decoded; anything else (a stray `%`, bytes that decode to invalid
/// UTF-8) kept or replaced rather than refused: the value is compared, never trusted.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = |at: usize| bytes.get(at).and_then(|c| char::from(*c).to_digit(16));
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(high), Some(low)) => {
                // Two hex digits are at most 255.
                out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The key the request carries: the `x-goog-api-key` header, or a `key` query parameter.
pub(crate) fn api_key(request: &Request) -> Option<&str> {
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
    match check_body(&request.body, version, now) {
        Ok(mut token) => {
            token.api_version = version.to_owned();
            let reply = Reply::json(200, &json!({ "name": token.name }));
            (reply, Some(token))
        }
        Err(reply) => (reply, None),
    }
}

/// Tokens live 30 minutes unless the request says otherwise [doc].
const DEFAULT_EXPIRE_AFTER: Duration = Duration::minutes(30);
/// New sessions may start for 60 seconds unless the request says otherwise [doc].
const DEFAULT_NEW_SESSION_EXPIRE_AFTER: Duration = Duration::seconds(60);
/// Both times must be less than 20 hours ahead [doc].
const MAX_LIFETIME: Duration = Duration::hours(20);

/// The package that type URLs in errors name, by API version.
pub(crate) fn package(version: &str) -> String {
    format!("google.ai.generativelanguage.{version}")
}

fn check_body(body: &[u8], version: &str, now: OffsetDateTime) -> Result<MintedToken, Reply> {
    let mut fields = proto_json::read(body, &schema::AUTH_TOKEN, "auth_token", &package(version))
        .map_err(|violations| google::bad_request(&violations))?;

    let uses = match fields.get("uses").and_then(Value::as_i64) {
        None => 1,
        Some(n) => u32::try_from(n).map_err(|_| {
            google::invalid_argument(
                "auth_token.uses",
                &format!("Invalid value at 'auth_token.uses' (TYPE_INT32), {n}"),
            )
        })?,
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
        Some(Value::Object(setup)) => Some(setup),
        _ => None,
    };
    let field_mask = match fields.remove("fieldMask") {
        Some(Value::String(mask)) => Some(mask),
        _ => None,
    };
    if let Some(mask) = &field_mask {
        let paths = mask::parse(mask).ok_or_else(|| {
            google::invalid_argument("auth_token.field_mask", google::MASK_INVALID)
        })?;
        // An empty mask locks the whole setup: nothing to cover [doc].
        if let Some(setup) = setup.as_ref().filter(|_| !paths.is_empty()) {
            if !mask::set_paths(setup)
                .iter()
                .all(|p| mask::covers(&paths, p))
            {
                return Err(google::invalid_argument(
                    "auth_token.field_mask",
                    google::MASK_MISSES_FIELDS,
                ));
            }
        }
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
        bidi_generate_content_setup: setup.map(Value::Object),
        field_mask,
        api_version: String::new(),
        minted_at: now,
    })
}

/// A timestamp field (already read as RFC 3339): after `now`, less than 20 h ahead.
/// The message for a time not in the future is ours; Google's is not known.
fn time_field(
    fields: &Map<String, Value>,
    json_name: &str,
    proto_name: &str,
    now: OffsetDateTime,
) -> Result<Option<OffsetDateTime>, Reply> {
    let Some(at) = fields
        .get(json_name)
        .and_then(Value::as_str)
        .and_then(rfc3339::parse)
    else {
        return Ok(None);
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
