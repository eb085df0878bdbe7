//! Reading the service's answer: a token, Google's error JSON, or something else.

use std::sync::Arc;
use std::time::Duration;

use http::{Response, StatusCode};
use serde::Deserialize;
use time::OffsetDateTime;

use crate::api_key::ApiKey;
use crate::error::{ApiError, Error, ErrorDetail, FieldViolation, UnexpectedResponse};
use crate::request::Times;
use crate::token::AuthToken;

/// The most bytes of an unexpected body kept in an error.
pub const BODY_PREFIX_LIMIT: usize = 512;

/// The service's default lifetime of a token whose config sets no expiry.
pub const DEFAULT_EXPIRE_AFTER: time::Duration = time::Duration::minutes(30);
/// The service's default new-session window of a config that sets none.
pub const DEFAULT_NEW_SESSION_EXPIRE_AFTER: time::Duration = time::Duration::seconds(60);

/// Reads the answer to one prepared request. It knows what was asked for, so the
/// token it returns carries its expiry and uses.
#[derive(Debug, Clone)]
pub struct ResponseParser {
    requested_at: OffsetDateTime,
    times: Times,
    uses: Option<u32>,
    live_url_prefix: Arc<str>,
    api_key: ApiKey,
}

impl ResponseParser {
    pub(crate) fn new(
        requested_at: OffsetDateTime,
        times: Times,
        uses: Option<u32>,
        live_url_prefix: Arc<str>,
        api_key: ApiKey,
    ) -> Self {
        Self {
            requested_at,
            times,
            uses,
            live_url_prefix,
            api_key,
        }
    }

    /// The token, or the error the answer describes.
    ///
    /// - `200` with `{"name": "auth_tokens/..."}`: the token.
    /// - an error status with Google's error JSON: [`Error::Api`], with the status,
    ///   message and details (retry delay, reason, field violations).
    /// - anything else: [`Error::UnexpectedResponse`] with the status and the start of
    ///   the body.
    pub fn parse<B: AsRef<[u8]>>(&self, response: &Response<B>) -> Result<AuthToken, Error> {
        let status = response.status();
        let body = response.body().as_ref();
        if status.is_success() {
            return match serde_json::from_slice::<Success>(body) {
                Ok(Success { name }) if name.starts_with("auth_tokens/") && name.len() > 12 => {
                    Ok(self.token(name))
                }
                Ok(_) => Err(self.unexpected(
                    status,
                    "the token name does not start with `auth_tokens/`",
                    body,
                )),
                Err(_) => Err(self.unexpected(status, "a success without a token name", body)),
            };
        }
        match serde_json::from_slice::<ErrorBody>(body) {
            Ok(ErrorBody { error }) => Err(Error::Api(ApiError {
                http_status: status,
                status: error.status.map(|s| self.api_key.scrub(&s)),
                message: self.api_key.scrub(&error.message),
                details: error
                    .details
                    .into_iter()
                    .map(|mut d| {
                        self.scrub_value(&mut d);
                        detail(d)
                    })
                    .collect(),
            })),
            Err(_) if body.is_empty() && status == StatusCode::NOT_FOUND => Err(self.unexpected(
                status,
                "not found, with an empty body: is the API version or base URL right?",
                body,
            )),
            Err(_) => Err(self.unexpected(status, "not Google's error JSON", body)),
        }
    }

    fn token(&self, name: String) -> AuthToken {
        let at = self.requested_at;
        let expire_time = self
            .times
            .expire
            .unwrap_or(at.saturating_add(DEFAULT_EXPIRE_AFTER));
        let new_session_expire_time = self
            .times
            .new_session
            .unwrap_or(at.saturating_add(DEFAULT_NEW_SESSION_EXPIRE_AFTER));
        AuthToken {
            name,
            expire_time,
            // No session can start after the token expires, whatever the default says.
            new_session_expire_time: new_session_expire_time.min(expire_time),
            uses: self.uses.unwrap_or(1),
            live_url_prefix: Arc::clone(&self.live_url_prefix),
        }
    }

    /// Every string in `value` scrubbed of the key (keys of objects included).
    fn scrub_value(&self, value: &mut serde_json::Value) {
        match value {
            serde_json::Value::String(text) => *text = self.api_key.scrub(text),
            serde_json::Value::Array(items) => items.iter_mut().for_each(|v| self.scrub_value(v)),
            serde_json::Value::Object(object) => {
                let entries = std::mem::take(object);
                for (key, mut item) in entries {
                    self.scrub_value(&mut item);
                    object.insert(self.api_key.scrub(&key), item);
                }
            }
            _ => {}
        }
    }

    fn unexpected(&self, status: StatusCode, problem: &str, body: &[u8]) -> Error {
        // Scrub the whole (capped) body before cutting: a key cut by the limit would
        // show its start, and since `[redacted]` is shorter than a key, scrubbing a
        // head could pull a cut key from past the limit into the prefix. This is the
        // error path, and the body is at most the client's answer cap.
        // Lossy decoding turns each bad byte into a 3-byte U+FFFD; bound the text
        // itself, at a character boundary.
        let mut prefix = self.api_key.scrub(&String::from_utf8_lossy(body));
        if prefix.len() > BODY_PREFIX_LIMIT {
            let mut end = BODY_PREFIX_LIMIT;
            while !prefix.is_char_boundary(end) {
                end -= 1;
            }
            prefix.truncate(end);
        }
        Error::UnexpectedResponse(UnexpectedResponse {
            status,
            problem: problem.to_owned(),
            body_prefix: prefix,
        })
    }
}

#[derive(Deserialize)]
struct Success {
    name: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    error: GoogleError,
}

#[derive(Deserialize)]
struct GoogleError {
    message: String,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    details: Vec<serde_json::Value>,
}

fn detail(value: serde_json::Value) -> ErrorDetail {
    let kind = value
        .get("@type")
        .and_then(|t| t.as_str())
        .unwrap_or_default();
    let text = |key: &str| value.get(key).and_then(|v| v.as_str()).map(str::to_owned);
    match kind {
        "type.googleapis.com/google.rpc.RetryInfo" => {
            match text("retryDelay").as_deref().and_then(parse_proto_duration) {
                Some(retry_delay) => ErrorDetail::RetryInfo { retry_delay },
                None => ErrorDetail::Other(value),
            }
        }
        "type.googleapis.com/google.rpc.ErrorInfo" => ErrorDetail::ErrorInfo {
            reason: text("reason").unwrap_or_default(),
            domain: text("domain"),
            metadata: value
                .get("metadata")
                .and_then(|m| m.as_object())
                .cloned()
                .unwrap_or_default(),
        },
        "type.googleapis.com/google.rpc.BadRequest" => ErrorDetail::BadRequest {
            field_violations: value
                .get("fieldViolations")
                .and_then(|v| v.as_array())
                .map(|list| {
                    list.iter()
                        .map(|v| {
                            let text =
                                |name| v.get(name).and_then(|f| f.as_str()).unwrap_or_default();
                            FieldViolation::new(text("field"), text("description"))
                        })
                        .collect()
                })
                .unwrap_or_default(),
        },
        _ => ErrorDetail::Other(value),
    }
}

/// A protobuf JSON duration: seconds with up to nine fraction digits and an `s`
/// (`"57s"`, `"1.5s"`).
pub fn parse_proto_duration(text: &str) -> Option<Duration> {
    let number = text.strip_suffix('s')?;
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 9 {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let secs: u64 = whole.parse().ok()?;
    let nanos: u32 = if fraction.is_empty() {
        0
    } else {
        fraction.parse::<u32>().ok()? * 10u32.pow(9 - fraction.len() as u32)
    };
    Some(Duration::new(secs, nanos))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proto_durations() {
        assert_eq!(parse_proto_duration("57s"), Some(Duration::from_secs(57)));
        assert_eq!(
            parse_proto_duration("1.5s"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            parse_proto_duration("0.000000001s"),
            Some(Duration::from_nanos(1))
        );
        for bad in [
            "57",
            "s",
            ".5s",
            "-1s",
            // u64's parser takes a `+`; the protobuf form does not.
            "+5s",
            "1.s5",
            "1.0000000001s",
            "99999999999999999999s",
        ] {
            assert_eq!(parse_proto_duration(bad), None, "{bad}");
        }
    }
}
