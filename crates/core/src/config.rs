//! [`CreateAuthTokenConfig`]: everything a backend wants of one token.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{Duration, OffsetDateTime};

use crate::error::{ConfigError, ParseError};
use crate::live::LiveConnectConstraints;
use crate::lock::Lock;
use crate::timestamp::{
    DURATION_FORM, format_duration, format_rfc3339, parse_duration, parse_rfc3339,
};

/// The most `uses` the API takes (an `int32`).
pub const MAX_USES: u32 = i32::MAX as u32;

/// The constraints of one ephemeral token: how long it lives, how often it may start a
/// session, and what the sessions may do.
///
/// Build it in Rust, or read it from the JSON a Python user passes to
/// `CreateAuthTokenConfig` (snake_case) or a JavaScript user passes (camelCase): see
/// [`from_json`](Self::from_json).
///
/// ```
/// use gemini_token_core::{CreateAuthTokenConfig, LiveConnectConfig, LiveConnectConstraints, Lock};
/// use time::Duration;
///
/// let config = CreateAuthTokenConfig::new()
///     .uses(1)
///     .expire_in(Duration::minutes(30))
///     .new_session_expire_in(Duration::minutes(1))
///     .constraints(
///         LiveConnectConstraints::new()
///             .model("gemini-live-2.5-flash-preview")
///             .config(LiveConnectConfig::new().system_instruction("Be terse.").temperature(0.7)),
///     )
///     .lock(Lock::SetFields);
///
/// let same = CreateAuthTokenConfig::from_json(br#"{
///     "uses": 1, "expire_time": "+30m", "new_session_expire_time": "+1m",
///     "live_connect_constraints": {
///         "model": "gemini-live-2.5-flash-preview",
///         "config": {"system_instruction": "Be terse.", "temperature": 0.7}
///     },
///     "lock_additional_fields": []
/// }"#)?;
/// assert_eq!(config, same);
/// # Ok::<(), gemini_token_core::ConfigError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CreateAuthTokenConfig {
    /// When the token stops working, even mid-session. Default (when absent): 30
    /// minutes after minting. At most 20 hours ahead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expire_time: Option<TokenTime>,
    /// After when the token can start no new session. Default: 60 seconds after
    /// minting. Not after `expire_time`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_session_expire_time: Option<TokenTime>,
    /// How many sessions the token may start; 0 is unlimited. Default: 1. Resuming a
    /// session does not count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uses: Option<u32>,
    /// The model and session settings the token is limited to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live_connect_constraints: Option<LiveConnectConstraints>,
    /// How much of the setup is locked (`lock_additional_fields` in the SDKs).
    #[serde(
        rename = "lockAdditionalFields",
        default,
        skip_serializing_if = "Lock::is_all"
    )]
    pub lock: Lock,
    /// Per-request HTTP options, as the official SDKs accept in the config.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http_options: Option<HttpOptions>,
}

impl CreateAuthTokenConfig {
    /// A config with nothing set: the service's defaults, and the whole setup locked.
    pub fn new() -> Self {
        Self::default()
    }

    /// Reads a config from the JSON an official SDK user would write: snake_case or
    /// camelCase keys at any level, `null` meaning absent, a bare voice name for
    /// `speech_config`, a string, part or list for `system_instruction`. Unknown keys,
    /// Vertex-only settings and bad values are refused with their path.
    ///
    /// Times may also be written as a duration from now, `"+30m"`, resolved when the
    /// request is prepared.
    pub fn from_json(json: &[u8]) -> Result<Self, ConfigError> {
        crate::input::config_from_json(json)
    }

    /// Sets `uses` (0 is unlimited).
    #[must_use]
    pub fn uses(mut self, uses: u32) -> Self {
        self.uses = Some(uses);
        self
    }

    /// Sets the expiry to an instant.
    #[must_use]
    pub fn expire_at(mut self, at: OffsetDateTime) -> Self {
        self.expire_time = Some(TokenTime::At(at));
        self
    }

    /// Sets the expiry to a duration after the request is prepared.
    #[must_use]
    pub fn expire_in(mut self, after: Duration) -> Self {
        self.expire_time = Some(TokenTime::In(after));
        self
    }

    /// Sets the new-session expiry to an instant.
    #[must_use]
    pub fn new_session_expire_at(mut self, at: OffsetDateTime) -> Self {
        self.new_session_expire_time = Some(TokenTime::At(at));
        self
    }

    /// Sets the new-session expiry to a duration after the request is prepared.
    #[must_use]
    pub fn new_session_expire_in(mut self, after: Duration) -> Self {
        self.new_session_expire_time = Some(TokenTime::In(after));
        self
    }

    /// Sets the constraints.
    #[must_use]
    pub fn constraints(mut self, constraints: LiveConnectConstraints) -> Self {
        self.live_connect_constraints = Some(constraints);
        self
    }

    /// Sets the lock mode.
    #[must_use]
    pub fn lock(mut self, lock: Lock) -> Self {
        self.lock = lock;
        self
    }

    /// Sets the per-request HTTP options.
    #[must_use]
    pub fn http_options(mut self, options: HttpOptions) -> Self {
        self.http_options = Some(options);
        self
    }
}

impl<'de> Deserialize<'de> for CreateAuthTokenConfig {
    /// Accepts what [`from_json`](Self::from_json) accepts.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        crate::input::config_from_value(value).map_err(serde::de::Error::custom)
    }
}

pub(crate) fn deserialize_uses<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u32>, D::Error> {
    let n = serde_json::Number::deserialize(deserializer)?;
    n.as_u64()
        .and_then(|n| u32::try_from(n).ok())
        .filter(|n| *n <= MAX_USES)
        .map(Some)
        .ok_or_else(|| {
            serde::de::Error::custom(format!(
                "must be a whole number from 0 (unlimited) to {MAX_USES}, not {n}"
            ))
        })
}

/// A point in time for an expiry: an instant, or a duration after the request is
/// prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenTime {
    /// This instant.
    At(OffsetDateTime),
    /// This long after the `now` the request is prepared with.
    In(Duration),
}

impl TokenTime {
    /// The instant, given the time the request is prepared.
    pub fn resolve(self, now: OffsetDateTime) -> Option<OffsetDateTime> {
        match self {
            Self::At(at) => Some(at),
            Self::In(after) => now.checked_add(after),
        }
    }

    /// Reads an RFC 3339 timestamp, or `+` and a duration (`+30m`). (`-` and a
    /// duration reads too, so that every value prints and reads back; it is always
    /// refused as an expiry.)
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        Self::parse_text(text).map_err(ParseError::new)
    }

    /// [`parse`](Self::parse), its error a sentence for a [`ConfigError`]'s message.
    pub(crate) fn parse_text(text: &str) -> Result<Self, String> {
        if let Some((sign, after)) = text
            .strip_prefix('+')
            .map(|a| (1, a))
            .or_else(|| text.strip_prefix('-').map(|a| (-1, a)))
        {
            return parse_duration(after)
                .map(|d| Self::In(d * sign))
                .map_err(|_| format!("`{text}` is not `+` followed by {DURATION_FORM}"));
        }
        parse_rfc3339(text).map(Self::At)
    }
}

impl From<OffsetDateTime> for TokenTime {
    fn from(at: OffsetDateTime) -> Self {
        Self::At(at)
    }
}

impl From<Duration> for TokenTime {
    fn from(after: Duration) -> Self {
        Self::In(after)
    }
}

impl fmt::Display for TokenTime {
    /// The form [`TokenTime::parse`] reads.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::At(at) => match format_rfc3339(*at) {
                Ok(text) => f.write_str(&text),
                Err(_) => write!(f, "{at}"),
            },
            Self::In(after) if after.is_negative() => write!(f, "{}", format_duration(*after)),
            Self::In(after) => write!(f, "+{}", format_duration(*after)),
        }
    }
}

impl Serialize for TokenTime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let Self::At(at) = self {
            format_rfc3339(*at).map_err(serde::ser::Error::custom)?;
        }
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for TokenTime {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = serde_json::Value::deserialize(deserializer)?;
        match &value {
            serde_json::Value::String(text) => {
                Self::parse_text(text).map_err(serde::de::Error::custom)
            }
            other => Err(serde::de::Error::custom(format!(
                "`{other}` is not {}",
                crate::timestamp::TIMESTAMP_FORM
            ))),
        }
    }
}

/// Per-request HTTP options, as the official SDKs accept inside the config (the docs'
/// own sample passes `http_options={"api_version": "v1alpha"}`).
///
/// A config is data, so it does not choose where the API key goes: `base_url` is
/// refused when the request is prepared unless the client opted in
/// (`ClientBuilder::allow_config_base_url`). `Debug` shows the base URL without any
/// user name or password, and the headers' names only.
#[derive(Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[non_exhaustive]
pub struct HttpOptions {
    /// The API version, such as `v1alpha` or `v1beta`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_version: Option<String>,
    /// The base URL, such as `https://generativelanguage.googleapis.com`; refused unless
    /// the client allows a config to choose it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_url: Option<String>,
    /// Extra request headers: user data, sent as given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub headers: Option<BTreeMap<String, String>>,
    /// The request timeout in milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<u64>,
}

impl HttpOptions {
    /// Options with nothing set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the API version, such as `v1alpha` or `v1beta`.
    #[must_use]
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// Sets the base URL; refused unless the client allows a config to choose it.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Sets extra request headers.
    #[must_use]
    pub fn headers(mut self, headers: impl Into<BTreeMap<String, String>>) -> Self {
        self.headers = Some(headers.into());
        self
    }

    /// Sets the request timeout in milliseconds.
    #[must_use]
    pub fn timeout(mut self, millis: impl Into<u64>) -> Self {
        self.timeout = Some(millis.into());
        self
    }
}

impl fmt::Debug for HttpOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpOptions")
            .field("api_version", &self.api_version)
            .field(
                "base_url",
                &self
                    .base_url
                    .as_deref()
                    .map(crate::request::redact_userinfo),
            )
            .field(
                "headers",
                &self.headers.as_ref().map(|h| {
                    h.keys()
                        .map(|name| (name, "[redacted]"))
                        .collect::<BTreeMap<_, _>>()
                }),
            )
            .field("timeout", &self.timeout)
            .finish()
    }
}
