//! What a user configures a client with, whatever its transport: the builder, the
//! defaults, and where the API key comes from.

use std::fmt;
use std::time::Duration;

use crate::api_key::ApiKey;
use crate::error::{ConfigError, ConfigErrorKind, Error};
use crate::request::{DEFAULT_API_VERSION, DEFAULT_BASE_URL, Endpoint, redact_userinfo};
use crate::retry::RetryPolicy;
use crate::transport::{BuildClient, ClientOptions, ClientParts};

/// The default time for one attempt, connecting included.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(15);
/// The default time to connect.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// The default cap on an answer's body: a token answer is under 100 bytes, an error a
/// few kilobytes.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// The builder of every transport crate's client: the same settings, written once.
///
/// ```
/// use std::time::Duration;
/// use gemini_token_core::transport::{BuildClient, ClientParts};
/// use gemini_token_core::{ApiKey, ClientBuilder, Error, KeySource, RetryPolicy};
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
    connect_timeout_set: bool,
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
            connect_timeout_set: false,
            http: None,
        }
    }

    /// A builder with the default options and the key from `GOOGLE_API_KEY`, else
    /// `GEMINI_API_KEY`, as the official SDKs read it (see [`api_key_from_env`]).
    pub fn from_env() -> Result<Self, Error> {
        let (api_key, source) = api_key_from_env(|name| std::env::var(name).ok())?;
        Ok(Self::new(api_key, source))
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

    /// The time connecting may take (default 5 s). Not combinable with
    /// [`http_client`](Self::http_client): a client you built connects as you built
    /// it, so set it there.
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.options.connect_timeout = timeout;
        self.connect_timeout_set = true;
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
    /// the transport crate's documentation. Its TLS roots and connect timeout are
    /// its own: [`root_certificates`](Self::root_certificates) and
    /// [`connect_timeout`](Self::connect_timeout) are refused beside it.
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
        let yours = "an HTTP client you built";
        if self.http.is_some() && self.options.root_certificates.is_some() {
            return Err(refused(
                "root_certificates",
                &format!("cannot be added to {yours}: add them to that client"),
            ));
        }
        if self.http.is_some() && self.connect_timeout_set {
            return Err(refused(
                "connect_timeout",
                &format!("cannot be applied to {yours}: set it on that client"),
            ));
        }
        if let Some(pem) = &self.options.root_certificates {
            if !pem
                .windows(PEM_CERTIFICATE.len())
                .any(|w| w == PEM_CERTIFICATE)
            {
                return Err(refused(
                    "root_certificates",
                    "holds no PEM certificate: give CA certificates as \
                     `-----BEGIN CERTIFICATE-----` blocks",
                ));
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

/// A setting refused when the client is built.
fn refused(path: &str, message: &str) -> Error {
    ConfigError::new(ConfigErrorKind::InvalidValue, path, message).into()
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
