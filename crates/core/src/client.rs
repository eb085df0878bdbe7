//! The client logic, written once for every transport: prepare → send → parse →
//! retry decision, in a loop.

use std::fmt;
use std::time::Duration;

use crate::api_key::ApiKey;
use crate::config::CreateAuthTokenConfig;
use crate::error::{ConfigError, ConfigErrorKind, Error};
use crate::request::{
    DEFAULT_API_VERSION, DEFAULT_BASE_URL, Endpoint, PreparedConfig, prepare_with, redact_userinfo,
};
use crate::retry::{Retry, RetryPolicy};
use crate::token::AuthToken;
use crate::transport::{Limits, Transport};

/// The default time for one attempt, connecting included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// The default time to connect.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default cap on an answer's body: a token answer is under 100 bytes, an error a
/// few kilobytes.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// What every client is configured with, whatever its transport. Built with
/// [`ClientBuilder`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ClientOptions {
    /// Where tokens are minted.
    pub endpoint: Endpoint,
    /// The time one attempt may take, connecting included.
    pub timeout: Duration,
    /// The time connecting may take.
    pub connect_timeout: Duration,
    /// How failed attempts are retried.
    pub retry: RetryPolicy,
    /// The most bytes of an answer read; more is an error.
    pub max_response_bytes: usize,
    /// CA certificates (PEM) to trust instead of the TLS library's built-in roots:
    /// an emulator's own CA, or a TLS-inspecting proxy's.
    pub root_certificates: Option<Vec<u8>>,
}

impl Default for ClientOptions {
    /// The service's URL, `v1alpha`, 15 s per attempt, 5 s to connect, the default
    /// [`RetryPolicy`], answers up to 1 MiB.
    fn default() -> Self {
        Self {
            endpoint: Endpoint::default(),
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            retry: RetryPolicy::default(),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            root_certificates: None,
        }
    }
}

impl ClientOptions {
    /// For a transport crate built without a TLS library: refuses an `https://`
    /// endpoint and root certificates when the client is built, rather than failing on
    /// the first request. `transport` names the crate, for the message.
    pub fn refuse_tls(&self, transport: &str) -> Result<(), ConfigError> {
        let why = format!(
            "HTTPS needs the `rustls` or `native-tls` feature of {transport}; without either \
             only plain HTTP to this machine works"
        );
        let refused = |path: &str| ConfigError::new(ConfigErrorKind::InvalidValue, path, &why);
        if self.root_certificates.is_some() {
            Err(refused("root_certificates"))
        } else if self.endpoint.base_url().starts_with("https:") {
            Err(refused("base_url"))
        } else {
            Ok(())
        }
    }

    /// The error for [`root_certificates`](Self::root_certificates) that the TLS
    /// library cannot read.
    pub fn unreadable_root_certificates() -> ConfigError {
        ConfigError::new(
            ConfigErrorKind::InvalidValue,
            "root_certificates",
            "is not a readable PEM bundle of CA certificates (`-----BEGIN CERTIFICATE-----` \
             blocks)",
        )
    }
}

/// How a transport crate's client is made from what [`ClientBuilder`] gathered.
pub trait BuildClient: Sized {
    /// The HTTP client a caller may bring (`reqwest::Client`, `ureq::Agent`).
    type Http;

    /// Makes the client.
    fn build_client(parts: ClientParts<Self::Http>) -> Result<Self, Error>;
}

/// What [`ClientBuilder`] gathered, for [`BuildClient::build_client`].
#[derive(Debug)]
#[non_exhaustive]
pub struct ClientParts<H> {
    /// The options.
    pub options: ClientOptions,
    /// The key.
    pub api_key: ApiKey,
    /// Where the key came from.
    pub key_source: KeySource,
    /// The caller's own HTTP client, if given.
    pub http: Option<H>,
}

/// The builder of every transport crate's client: the same settings, written once.
///
/// ```
/// use std::time::Duration;
/// use gemini_token_core::{ApiKey, BuildClient, ClientBuilder, ClientParts, Error, KeySource, RetryPolicy};
///
/// // A transport crate's client, reduced to what it was built with.
/// struct Parts(ClientParts<()>);
/// impl BuildClient for Parts {
///     type Http = ();
///     fn build_client(parts: ClientParts<()>) -> Result<Self, Error> {
///         Ok(Parts(parts))
///     }
/// }
///
/// let Parts(parts) = ClientBuilder::<Parts>::new(ApiKey::new("key")?, KeySource::Given)
///     .base_url("http://127.0.0.1:8080")
///     .timeout(Duration::from_secs(5))
///     .retry(RetryPolicy::none())
///     .build()?;
/// assert_eq!(parts.options.endpoint.url(), "http://127.0.0.1:8080/v1alpha/auth_tokens");
/// assert_eq!(parts.options.timeout, Duration::from_secs(5));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct ClientBuilder<C: BuildClient> {
    options: ClientOptions,
    api_key: ApiKey,
    key_source: KeySource,
    base_url: Option<String>,
    api_version: Option<String>,
    config_base_url: bool,
    http: Option<C::Http>,
}

impl<C: BuildClient> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("options", &self.options)
            .field("api_key", &self.api_key)
            .field("key_source", &self.key_source)
            .field("base_url", &self.base_url.as_deref().map(redact_userinfo))
            .field("api_version", &self.api_version)
            .field("config_base_url", &self.config_base_url)
            .field(
                "http",
                &self.http.as_ref().map(|_| std::any::type_name::<C::Http>()),
            )
            .finish()
    }
}

impl<C: BuildClient> ClientBuilder<C> {
    /// A builder with the default options and this key.
    pub fn new(api_key: ApiKey, key_source: KeySource) -> Self {
        Self {
            options: ClientOptions::default(),
            api_key,
            key_source,
            base_url: None,
            api_version: None,
            config_base_url: false,
            http: None,
        }
    }

    /// Mints at `base_url` (default: the service), such as an emulator's
    /// `http://127.0.0.1:8080`. Only HTTPS, or plain HTTP to this machine, is
    /// accepted; [`build`](Self::build) says so otherwise.
    #[must_use]
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Uses API version `version` (default `v1alpha`; `v1beta` also has the method).
    #[must_use]
    pub fn api_version(mut self, version: impl Into<String>) -> Self {
        self.api_version = Some(version.into());
        self
    }

    /// The time one attempt may take, connecting included (default 15 s).
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.options.timeout = timeout;
        self
    }

    /// The time connecting may take (default 5 s).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = timeout;
        self
    }

    /// How failed attempts are retried (default [`RetryPolicy::default`]).
    #[must_use]
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.options.retry = retry;
        self
    }

    /// The most bytes of an answer read (default 1 MiB); more is an error.
    #[must_use]
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.options.max_response_bytes = bytes;
        self
    }

    /// Trusts the CA certificates in `pem` (one or more `-----BEGIN CERTIFICATE-----`
    /// blocks) **instead of** the TLS library's built-in roots: for an emulator started
    /// with TLS, or a TLS-inspecting proxy whose CA signs every certificate you see.
    /// Calling it again adds more. Not combinable with
    /// [`http_client`](Self::http_client): add them to your own client instead.
    #[must_use]
    pub fn root_certificates(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.options
            .root_certificates
            .get_or_insert_with(Vec::new)
            .extend_from_slice(pem.as_ref());
        self
    }

    /// Lets a config's `http_options.base_url` choose where the key is sent, for
    /// configs as trusted as this code (see [`Endpoint::allow_config_base_url`]). Off by
    /// default: a config with a base URL is refused.
    #[must_use]
    pub fn allow_config_base_url(mut self) -> Self {
        self.config_base_url = true;
        self
    }

    /// Sends through the caller's own HTTP client. It must not follow redirects; see
    /// the transport crate's documentation.
    #[must_use]
    pub fn http_client(mut self, http: C::Http) -> Self {
        self.http = Some(http);
        self
    }

    /// Checks the endpoint and makes the client.
    pub fn build(mut self) -> Result<C, Error> {
        if self.base_url.is_some() || self.api_version.is_some() {
            let base = self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL);
            let version = self.api_version.as_deref().unwrap_or(DEFAULT_API_VERSION);
            self.options.endpoint = Endpoint::new(base, version)?;
        }
        if self.config_base_url {
            self.options.endpoint = self.options.endpoint.allow_config_base_url();
        }
        if let Some(pem) = &self.options.root_certificates {
            let path = "root_certificates";
            if self.http.is_some() {
                return Err(ConfigError::new(
                    ConfigErrorKind::InvalidValue,
                    path,
                    "cannot be added to an HTTP client you built: add them to that client",
                )
                .into());
            }
            if !pem
                .windows(PEM_CERTIFICATE.len())
                .any(|w| w == PEM_CERTIFICATE)
            {
                return Err(ConfigError::new(
                    ConfigErrorKind::InvalidValue,
                    path,
                    "holds no PEM certificate: give CA certificates as \
                     `-----BEGIN CERTIFICATE-----` blocks",
                )
                .into());
            }
        }
        C::build_client(ClientParts {
            options: self.options,
            api_key: self.api_key,
            key_source: self.key_source,
            http: self.http,
        })
    }
}

/// How a PEM certificate block starts.
const PEM_CERTIFICATE: &[u8] = b"-----BEGIN CERTIFICATE-----";

/// Where a client's API key came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum KeySource {
    /// Given by the caller.
    Given,
    /// `GOOGLE_API_KEY`; `gemini_also_set` when `GEMINI_API_KEY` was set too and
    /// ignored, as the official SDKs do (they warn).
    GoogleApiKey {
        /// Whether `GEMINI_API_KEY` was also set.
        gemini_also_set: bool,
    },
    /// `GEMINI_API_KEY`.
    GeminiApiKey,
}

/// The API key from the environment, as the official SDKs read it: `GOOGLE_API_KEY`,
/// else `GEMINI_API_KEY`. `lookup` reads one variable, so that this stays pure; pass
/// `|name| std::env::var(name).ok()`.
pub fn api_key_from_env(
    lookup: impl Fn(&str) -> Option<String>,
) -> Result<(ApiKey, KeySource), ConfigError> {
    let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    match (get("GOOGLE_API_KEY"), get("GEMINI_API_KEY")) {
        (Some(google), gemini) => Ok((
            ApiKey::new(google)?,
            KeySource::GoogleApiKey {
                gemini_also_set: gemini.is_some(),
            },
        )),
        (None, Some(gemini)) => Ok((ApiKey::new(gemini)?, KeySource::GeminiApiKey)),
        (None, None) => Err(ConfigError::new(
            ConfigErrorKind::InvalidValue,
            "api_key",
            "no API key: set GOOGLE_API_KEY or GEMINI_API_KEY",
        )),
    }
}

/// Mints tokens through a [`Transport`]: the logic both transport crates share.
///
/// Each call of [`create`](Self::create) checks and serializes the config once, then
/// prepares the request as of the transport's clock, sends it, reads the answer and, on a transient failure, waits as the
/// [`RetryPolicy`] says and tries again (preparing anew, so durations count from the
/// new attempt). The error returned is the last attempt's.
pub struct TokenClient<T> {
    transport: T,
    api_key: ApiKey,
    key_source: KeySource,
    options: ClientOptions,
}

impl<T> fmt::Debug for TokenClient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenClient")
            .field("transport", &std::any::type_name::<T>())
            .field("api_key", &self.api_key)
            .field("key_source", &self.key_source)
            .field("options", &self.options)
            .finish()
    }
}

impl<T: Transport> TokenClient<T> {
    /// A client sending through `transport`, as `parts` say.
    pub fn new<H>(transport: T, parts: ClientParts<H>) -> Self {
        Self {
            transport,
            api_key: parts.api_key,
            key_source: parts.key_source,
            options: parts.options,
        }
    }

    /// Mints a token for `config`.
    pub async fn create(&self, config: &CreateAuthTokenConfig) -> Result<AuthToken, Error> {
        self.create_prepared(&PreparedConfig::new(config)?).await
    }

    /// Mints a token for a config checked and serialized once ([`PreparedConfig`]),
    /// for a backend that mints many tokens from one config.
    pub async fn create_prepared(&self, config: &PreparedConfig) -> Result<AuthToken, Error> {
        let started = self.transport.now();
        let policy = &self.options.retry;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let now = self.transport.now();
            let prepared = prepare_with(config, &self.options.endpoint, &self.api_key, now)?;
            let limits = Limits::new(
                prepared.timeout().unwrap_or(self.options.timeout),
                self.options.max_response_bytes,
            );
            let (request, parser) = prepared.into_parts();
            let error = match self.transport.send(request, limits).await {
                Ok(response) => match parser.parse(&response) {
                    Ok(token) => return Ok(token),
                    Err(error) => error,
                },
                Err(error) => Error::Transport(error),
            };
            let elapsed = Duration::try_from(self.transport.now() - started).unwrap_or_default();
            match policy.decide(attempt, &error, elapsed, self.transport.random()) {
                Retry::After(delay) => self.transport.sleep(delay).await,
                Retry::Stop(_) => return Err(error),
            }
        }
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// The options.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Where the API key came from.
    pub fn key_source(&self) -> KeySource {
        self.key_source
    }
}
