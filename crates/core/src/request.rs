//! Preparing the `POST {base}/{version}/auth_tokens` request: every check, then the URL,
//! the headers and the body.

use std::fmt;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use http::header::{CONTENT_TYPE, HeaderName, HeaderValue, USER_AGENT};
use http::{Method, Request, Uri};
use time::{Duration, OffsetDateTime};

use crate::api_key::ApiKey;
use crate::config::TokenTime;
use crate::config::{CreateAuthTokenConfig, MAX_USES};
use crate::error::{ConfigError, ConfigErrorKind, Error};
use crate::fields;
use crate::response::ResponseParser;
use crate::setup::GenerationConfig;
use crate::wire::{Setup, write_body, write_tail};

/// The service's base URL.
pub const DEFAULT_BASE_URL: &str = "https://generativelanguage.googleapis.com";
/// The API version the official SDKs and docs use for tokens.
pub const DEFAULT_API_VERSION: &str = "v1alpha";
/// A token may live at most this long: an expiry must be strictly less far ahead.
pub const MAX_LIFETIME: Duration = Duration::hours(20);
/// The `user-agent` sent: this crate and its version.
pub const USER_AGENT_VALUE: &str = concat!("gemini-token/", env!("CARGO_PKG_VERSION"));

/// Where tokens are minted: a base URL and an API version, checked once when made.
///
/// The key goes only over HTTPS, or over plain HTTP to this machine (`localhost`,
/// `127.0.0.0/8`, `[::1]`), where the emulator runs; any other URL is refused. A base
/// URL may not carry a user name or password (`https://user:pw@proxy/`): the Live URL
/// handed to browsers is built from it.
///
/// The endpoint belongs to whoever builds the client, not to the config: a config whose
/// `http_options.base_url` names another URL is refused when it is prepared, unless the
/// endpoint was made with [`allow_config_base_url`](Self::allow_config_base_url).
///
/// ```
/// use gemini_token_core::Endpoint;
///
/// let emulator = Endpoint::new("http://127.0.0.1:8080", "v1beta")?;
/// assert_eq!(emulator.url(), "http://127.0.0.1:8080/v1beta/auth_tokens");
/// assert!(Endpoint::new("http://example.com", "v1alpha").is_err());
/// # Ok::<(), gemini_token_core::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    base_url: String,
    api_version: String,
    uri: Uri,
    live_url_prefix: Arc<str>,
    config_base_url: bool,
}

impl Default for Endpoint {
    /// The service, at [`DEFAULT_BASE_URL`] and [`DEFAULT_API_VERSION`].
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: DEFAULT_API_VERSION.to_owned(),
            uri: Uri::from_static("https://generativelanguage.googleapis.com/v1alpha/auth_tokens"),
            live_url_prefix: Arc::from(
                "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1alpha.\
                 GenerativeService.BidiGenerateContentConstrained?access_token=",
            ),
            config_base_url: false,
        }
    }
}

impl Endpoint {
    /// An endpoint at `base_url` (such as `http://127.0.0.1:8080` for the emulator) and
    /// `api_version` (`v1alpha`, `v1beta`).
    pub fn new(base_url: &str, api_version: &str) -> Result<Self, ConfigError> {
        Self::checked(base_url, api_version, "")
    }

    /// [`Endpoint::new`], naming the fields in errors with `prefix` (`http_options.`).
    fn checked(base_url: &str, api_version: &str, prefix: &str) -> Result<Self, ConfigError> {
        let invalid = |field: &str, why: String| {
            config_error(
                ConfigErrorKind::InvalidEndpoint,
                format!("{prefix}{field}"),
                why,
            )
        };
        if api_version.is_empty() || !api_version.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(invalid(
                "api_version",
                format!("`{api_version}` is not an API version such as v1alpha or v1beta"),
            ));
        }
        // Every message below shows the URL without any user name or password in it.
        let shown = redact_userinfo(base_url);
        let base = base_url.trim_end_matches('/');
        let uri: Uri = format!("{base}/{api_version}/auth_tokens")
            .parse()
            .map_err(|_| invalid("base_url", format!("`{shown}` is not a URL")))?;
        if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
            return Err(invalid(
                "base_url",
                format!(
                    "`{shown}` carries a user name or password; they would be copied into the \
                     Live API URL handed to browsers: give a proxy's credentials to the HTTP \
                     client instead"
                ),
            ));
        }
        let host = uri.host().unwrap_or_default();
        let live_scheme = match uri.scheme_str() {
            Some("https") => "wss",
            Some("http") if is_loopback(host) => "ws",
            Some("http") => {
                return Err(invalid(
                    "base_url",
                    format!(
                        "`{shown}` is plain HTTP to a host that is not this machine; the API \
                         key goes only over HTTPS (or plain HTTP to localhost, for the emulator)"
                    ),
                ));
            }
            _ => {
                return Err(invalid(
                    "base_url",
                    format!("`{shown}` is not an http:// or https:// URL"),
                ));
            }
        };
        if uri.query().is_some() || base_url.contains('#') {
            return Err(invalid(
                "base_url",
                format!("`{shown}` has a query or fragment; a base URL has neither"),
            ));
        }
        let authority = uri.authority().map_or("", |a| a.as_str());
        // Anything before `/{version}/auth_tokens` is the base URL's own path (a proxy's).
        let path_prefix = uri
            .path()
            .strip_suffix("/auth_tokens")
            .and_then(|p| p.strip_suffix(api_version))
            .and_then(|p| p.strip_suffix('/'))
            .unwrap_or_default();
        let live_url_prefix = format!(
            "{live_scheme}://{authority}{path_prefix}/ws/google.ai.generativelanguage.{api_version}.\
             GenerativeService.BidiGenerateContentConstrained?access_token="
        );
        Ok(Self {
            base_url: base_url.to_owned(),
            api_version: api_version.to_owned(),
            uri,
            live_url_prefix: live_url_prefix.into(),
            config_base_url: false,
        })
    }

    /// Lets a config's `http_options.base_url` replace this endpoint's base URL for
    /// its request. Off by default: a config is data (read from a file, a database, a
    /// form) and must not decide where the API key is sent. Turn it on only when every
    /// config this endpoint meets is as trusted as the code that built it.
    #[must_use]
    pub fn allow_config_base_url(mut self) -> Self {
        self.config_base_url = true;
        self
    }

    /// Whether a config's `http_options.base_url` may replace the base URL
    /// ([`allow_config_base_url`](Self::allow_config_base_url)).
    pub fn allows_config_base_url(&self) -> bool {
        self.config_base_url
    }

    /// The base URL.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The API version.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The URL tokens are minted at: `{base}/{version}/auth_tokens`.
    pub fn url(&self) -> String {
        self.uri.to_string()
    }

    /// The Live API WebSocket URL (constrained method) up to the token.
    pub fn live_url_prefix(&self) -> &str {
        &self.live_url_prefix
    }
}

/// A request ready to send, and what is needed to read its answer.
#[derive(Debug)]
pub struct PreparedRequest {
    request: Request<Vec<u8>>,
    parser: ResponseParser,
    timeout: Option<StdDuration>,
}

impl PreparedRequest {
    /// The request.
    pub fn request(&self) -> &Request<Vec<u8>> {
        &self.request
    }

    /// What reads the answer into a token.
    pub fn parser(&self) -> &ResponseParser {
        &self.parser
    }

    /// The timeout the config's `http_options` asked for, if any.
    pub fn timeout(&self) -> Option<StdDuration> {
        self.timeout
    }

    /// The request, to hand to a transport, and the parser for its answer.
    pub fn into_parts(self) -> (Request<Vec<u8>>, ResponseParser) {
        (self.request, self.parser)
    }
}

/// Checks `config` against the rules of the service, as of `now`, and builds the
/// request that mints its token.
///
/// `now` is the only clock: durations (`expire_in`) are resolved against it and every
/// time rule is checked against it, so this function is pure. To mint many tokens
/// from one config, check and serialize it once with [`PreparedConfig::new`] and call
/// [`prepare_with`]: the same request, for a fraction of the work.
///
/// ```
/// use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, prepare};
/// use time::macros::datetime;
///
/// let config = CreateAuthTokenConfig::new().uses(1);
/// let key = ApiKey::new("AIza-example")?;
/// let prepared = prepare(&config, &Endpoint::default(), &key, datetime!(2026-01-01 0:00 UTC))?;
/// let request = prepared.request();
/// assert_eq!(request.uri(), "https://generativelanguage.googleapis.com/v1alpha/auth_tokens");
/// assert_eq!(request.body(), br#"{"uses":1}"#);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn prepare(
    config: &CreateAuthTokenConfig,
    endpoint: &Endpoint,
    api_key: &ApiKey,
    now: OffsetDateTime,
) -> Result<PreparedRequest, Error> {
    prepare_with(&PreparedConfig::new(config)?, endpoint, api_key, now)
}

/// A config checked and serialized once, to mint many tokens from.
///
/// Everything that does not depend on the time is done here: the model, the values,
/// the lock names, the extra headers, and the setup and its field mask, serialized.
/// [`prepare_with`] then only resolves and checks the times and writes them in front.
///
/// ```
/// use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, PreparedConfig, prepare, prepare_with};
/// use time::{Duration, macros::datetime};
///
/// let config = CreateAuthTokenConfig::new().uses(1).expire_in(Duration::minutes(30));
/// let once = PreparedConfig::new(&config)?;
/// let key = ApiKey::new("AIza-example")?;
/// let now = datetime!(2026-01-01 0:00 UTC);
/// let fast = prepare_with(&once, &Endpoint::default(), &key, now)?;
/// let plain = prepare(&config, &Endpoint::default(), &key, now)?;
/// assert_eq!(fast.request().body(), plain.request().body());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct PreparedConfig {
    expire_time: Option<TokenTime>,
    new_session_expire_time: Option<TokenTime>,
    uses: Option<u32>,
    /// `"bidiGenerateContentSetup":{…},"fieldMask":"…"`, either part possibly absent:
    /// the end of every body, written once.
    tail: Vec<u8>,
    base_url: Option<String>,
    api_version: Option<String>,
    headers: Vec<(HeaderName, HeaderValue)>,
    timeout: Option<StdDuration>,
}

impl fmt::Debug for PreparedConfig {
    /// A config's base URL is shown without credentials; its extra headers' values are
    /// marked sensitive, and show as such.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedConfig")
            .field("expire_time", &self.expire_time)
            .field("new_session_expire_time", &self.new_session_expire_time)
            .field("uses", &self.uses)
            .field("tail", &String::from_utf8_lossy(&self.tail))
            .field("base_url", &self.base_url.as_deref().map(redact_userinfo))
            .field("api_version", &self.api_version)
            .field("headers", &self.headers)
            .field("timeout", &self.timeout)
            .finish()
    }
}

impl PreparedConfig {
    /// The setup and field mask as sent: `"bidiGenerateContentSetup":{…},"fieldMask":"…"`.
    pub(crate) fn tail(&self) -> &[u8] {
        &self.tail
    }

    /// Checks everything in `config` that does not depend on the time, and serializes
    /// its setup and field mask.
    pub fn new(config: &CreateAuthTokenConfig) -> Result<Self, ConfigError> {
        if let Some(uses) = config.uses.filter(|u| *u > MAX_USES) {
            return Err(config_error(
                ConfigErrorKind::InvalidUses,
                "uses",
                format!("must be a whole number from 0 (unlimited) to {MAX_USES}, not {uses}"),
            ));
        }
        let options = config.http_options.as_ref();
        let headers = options
            .and_then(|o| o.headers.as_ref())
            .into_iter()
            .flatten()
            .map(|(name, value)| extra_header(name, value))
            .collect::<Result<Vec<_>, _>>()?;
        let setup = config
            .live_connect_constraints
            .as_ref()
            .map(check_constraints)
            .transpose()?
            .flatten();
        let tail = write_tail(setup.as_ref(), &config.lock).map_err(|e| {
            config_error(
                ConfigErrorKind::InvalidValue,
                "live_connect_constraints",
                e.to_string(),
            )
        })?;
        Ok(Self {
            expire_time: config.expire_time,
            new_session_expire_time: config.new_session_expire_time,
            uses: config.uses,
            tail,
            base_url: options.and_then(|o| o.base_url.clone()),
            api_version: options.and_then(|o| o.api_version.clone()),
            headers,
            timeout: options
                .and_then(|o| o.timeout)
                .map(StdDuration::from_millis),
        })
    }
}

/// [`prepare`] for a config checked and serialized once: resolves and checks the times
/// as of `now`, and builds the request.
pub fn prepare_with(
    config: &PreparedConfig,
    endpoint: &Endpoint,
    api_key: &ApiKey,
    now: OffsetDateTime,
) -> Result<PreparedRequest, Error> {
    let times = check_times(config.expire_time, config.new_session_expire_time, now)?;
    let overridden;
    let endpoint = if config.base_url.is_none() && config.api_version.is_none() {
        endpoint
    } else {
        if config.base_url.is_some() && !endpoint.config_base_url {
            return Err(config_error(
                ConfigErrorKind::InvalidEndpoint,
                "http_options.base_url",
                "a config may not choose where the API key is sent: set the base URL on the \
                 client (`ClientBuilder::base_url`), or build the client with \
                 `allow_config_base_url()` if every config it reads is trusted",
            )
            .into());
        }
        let base_url = config.base_url.as_deref().unwrap_or(&endpoint.base_url);
        let version = config
            .api_version
            .as_deref()
            .unwrap_or(&endpoint.api_version);
        overridden = Endpoint::checked(base_url, version, "http_options.")?;
        &overridden
    };
    let body = write_body(times, config.uses, &config.tail)
        .map_err(|e| config_error(ConfigErrorKind::InvalidValue, "", e.to_string()))?;

    let mut request = Request::new(body);
    *request.method_mut() = Method::POST;
    *request.uri_mut() = endpoint.uri.clone();
    let headers = request.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(USER_AGENT, HeaderValue::from_static(USER_AGENT_VALUE));
    headers.insert(API_KEY_HEADER, api_key.header_value().clone());
    for (name, value) in &config.headers {
        headers.insert(name.clone(), value.clone());
    }

    Ok(PreparedRequest {
        request,
        parser: ResponseParser::new(
            now,
            times,
            config.uses,
            endpoint.live_url_prefix.clone(),
            api_key.clone(),
        ),
        timeout: config.timeout,
    })
}

/// The header that carries the API key.
pub const API_KEY_HEADER: HeaderName = HeaderName::from_static("x-goog-api-key");

/// The resolved expiry and new-session expiry.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Times {
    pub(crate) expire: Option<OffsetDateTime>,
    pub(crate) new_session: Option<OffsetDateTime>,
}

fn check_times(
    expire_time: Option<TokenTime>,
    new_session_expire_time: Option<TokenTime>,
    now: OffsetDateTime,
) -> Result<Times, ConfigError> {
    let limit = now.checked_add(MAX_LIFETIME);
    let resolve = |field: &str,
                   time: Option<crate::TokenTime>|
     -> Result<Option<OffsetDateTime>, ConfigError> {
        let Some(time) = time else { return Ok(None) };
        let out_of_range = |why: String| config_error(ConfigErrorKind::TimeOutOfRange, field, why);
        let at = time
            .resolve(now)
            .ok_or_else(|| out_of_range(format!("{time} is not a time that can be reached")))?;
        if at <= now {
            return Err(out_of_range(format!(
                "{time} is not after now ({})",
                show(now)
            )));
        }
        if limit.is_none_or(|limit| at >= limit) {
            return Err(out_of_range(format!(
                "{time} is 20h or more after now ({}); a token lives less than 20h",
                show(now)
            )));
        }
        Ok(Some(at))
    };
    let times = Times {
        expire: resolve("expire_time", expire_time)?,
        new_session: resolve("new_session_expire_time", new_session_expire_time)?,
    };
    if let (Some(expire), Some(new_session)) = (times.expire, times.new_session) {
        if new_session > expire {
            return Err(config_error(
                ConfigErrorKind::TimeOutOfRange,
                "new_session_expire_time",
                format!(
                    "{} is after expire_time ({}); new sessions cannot outlive the token",
                    show(new_session),
                    show(expire)
                ),
            ));
        }
    }
    Ok(times)
}

fn show(at: OffsetDateTime) -> String {
    crate::timestamp::format_rfc3339(at).unwrap_or_else(|_| at.to_string())
}

/// Whether `host` is this machine: `localhost`, `127.0.0.0/8` or `[::1]`.
pub(crate) fn is_loopback(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// `url` with any user name and password in its authority replaced by `[redacted]`, for
/// messages and `Debug`: `https://user:pw@host/` becomes `https://[redacted]@host/`.
pub(crate) fn redact_userinfo(url: &str) -> std::borrow::Cow<'_, str> {
    let start = url.find("://").map_or(0, |i| i + 3);
    let authority_end = url[start..]
        .find(['/', '?', '#'])
        .map_or(url.len(), |i| start + i);
    match url[start..authority_end].rfind('@') {
        Some(at) => format!("{}[redacted]{}", &url[..start], &url[start + at..]).into(),
        None => url.into(),
    }
}

/// Headers a config's `http_options` may not set: the request is wrong without ours.
const RESERVED_HEADERS: &[&str] = &[
    "x-goog-api-key",
    "content-type",
    "content-length",
    "host",
    "authorization",
];

fn extra_header(name: &str, value: &str) -> Result<(HeaderName, HeaderValue), ConfigError> {
    let path = format!("http_options.headers.{name}");
    let invalid = |why: String| config_error(ConfigErrorKind::InvalidHeader, path.clone(), why);
    let header = HeaderName::from_bytes(name.as_bytes())
        .map_err(|_| invalid(format!("`{name}` is not a header name")))?;
    if RESERVED_HEADERS.contains(&header.as_str()) {
        return Err(invalid(format!(
            "`{name}` is set by this library and may not be replaced"
        )));
    }
    let mut value = HeaderValue::from_str(value)
        .map_err(|_| invalid("the value holds characters a header cannot carry".to_owned()))?;
    // A config's headers may carry credentials (a proxy's): keep them out of `Debug`.
    value.set_sensitive(true);
    Ok((header, value))
}

/// The model, the floats and the escape hatch, checked; then the setup to send.
fn check_constraints(
    constraints: &crate::LiveConnectConstraints,
) -> Result<Option<Setup<'_>>, ConfigError> {
    if let Some(model) = &constraints.model {
        check_model(model)?;
    }
    if let Some(config) = &constraints.config {
        let prefix = "live_connect_constraints.config";
        let floats = [("temperature", config.temperature), ("top_p", config.top_p)];
        check_floats(prefix, &floats)?;
        if let Some(nested) = &config.generation_config {
            check_generation_floats(nested)?;
        }
        if let Some(extra) = &config.extra_setup_fields {
            for (name, value) in extra {
                // The mask names an extra field and the fields one level below it: a
                // name it cannot write would be dropped from it or split in two.
                let below = value.as_object().into_iter().flat_map(|o| o.keys());
                if let Some(bad) = std::iter::once(name)
                    .chain(below)
                    .find(|key| key.is_empty() || key.contains([',', '.']))
                {
                    return Err(config_error(
                        ConfigErrorKind::InvalidValue,
                        format!("{prefix}.extra_setup_fields.{name}"),
                        format!(
                            "`{bad}` cannot be a setup field name: a field mask cannot name a \
                             field that is empty or holds `,` or `.`"
                        ),
                    ));
                }
                if fields::find(fields::SETUP, name).is_some() {
                    return Err(config_error(
                        ConfigErrorKind::InvalidValue,
                        format!("{prefix}.extra_setup_fields.{name}"),
                        format!(
                            "`{name}` is a field this crate models; set it through its typed field"
                        ),
                    ));
                }
            }
        }
    }
    Ok(Setup::new(constraints))
}

fn check_generation_floats(config: &GenerationConfig) -> Result<(), ConfigError> {
    check_floats(
        "live_connect_constraints.config.generation_config",
        &[
            ("temperature", config.temperature),
            ("top_p", config.top_p),
            ("presence_penalty", config.presence_penalty),
            ("frequency_penalty", config.frequency_penalty),
        ],
    )
}

/// JSON has no NaN or infinity: `serde_json` would send `null`, silently unsetting.
fn check_floats(prefix: &str, floats: &[(&str, Option<f64>)]) -> Result<(), ConfigError> {
    match floats
        .iter()
        .find(|(_, v)| v.is_some_and(|v| !v.is_finite()))
    {
        Some((name, value)) => Err(config_error(
            ConfigErrorKind::InvalidValue,
            format!("{prefix}.{name}"),
            format!("{} is not a finite number", value.unwrap_or_default()),
        )),
        None => Ok(()),
    }
}

fn check_model(model: &str) -> Result<(), ConfigError> {
    // One pass over the bytes: this runs on every request.
    let bytes = model.as_bytes();
    let problem = if bytes.is_empty() {
        Some("is empty")
    } else if bytes.windows(2).any(|w| w == b"..") {
        Some("contains `..`")
    } else if bytes.iter().any(|b| matches!(b, b'?' | b'&' | b'#')) {
        Some("contains `?`, `&` or `#`")
    } else if bytes
        .iter()
        .any(|b| b.is_ascii_whitespace() || b.is_ascii_control())
        || (!model.is_ascii() && model.chars().any(char::is_whitespace))
    {
        Some("contains white space or a control character")
    } else {
        None
    };
    match problem {
        Some(problem) => Err(config_error(
            ConfigErrorKind::InvalidModel,
            "live_connect_constraints.model",
            format!("the model name {problem}; give a name such as gemini-live-2.5-flash-preview"),
        )),
        None => Ok(()),
    }
}

fn config_error(
    kind: ConfigErrorKind,
    path: impl Into<String>,
    message: impl Into<String>,
) -> ConfigError {
    ConfigError::new(kind, path, message)
}
