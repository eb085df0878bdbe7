//! The client every transport shares: [`TokenClient`] runs prepare → send → parse →
//! retry decision in a loop, and the traits that let [`ClientBuilder`] make one.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use crate::api_key::ApiKey;
use crate::client::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, KeySource,
};
use crate::config::CreateAuthTokenConfig;
use crate::error::{ConfigError, ConfigErrorKind, Error};
use crate::request::{Endpoint, PreparedConfig, prepare_with};
use crate::retry::{Retry, RetryPolicy, StopReason};
use crate::token::AuthToken;
use crate::trace;
use crate::transport::last_prepared::LastPrepared;
use crate::transport::{Limits, Transport};

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

/// How a transport is made from what [`ClientBuilder`] gathered: implement it, and
/// `TokenClient<YourTransport>` gets the constructors and the builder users call
/// (`new`, `from_env`, `builder`), the way `gemini-token-reqwest`'s `Client` does.
pub trait BuildTransport: Transport + Sized {
    /// The HTTP client a caller may bring (`reqwest::Client`, `ureq::Agent`), or `()`.
    type Http;

    /// Makes the transport: over the caller's `http` when given, else over an HTTP
    /// client of its own configured from `options` (timeouts, TLS roots, no
    /// redirects).
    fn build_transport(options: &ClientOptions, http: Option<Self::Http>) -> Result<Self, Error>;
}

/// Mints tokens through a [`Transport`]: the logic every transport crate shares, and
/// the client users hold (`gemini_token_reqwest::Client` is a
/// `TokenClient<ReqwestTransport>`). Cheap to clone: clones share the transport and
/// its connection pool.
///
/// Each call of [`create`](Self::create) checks and serializes the config once (or
/// reuses what it made of an equal config the call before), then prepares the request as of the transport's clock, sends it, reads the answer and,
/// on a transient failure, waits as the [`RetryPolicy`] says and tries again
/// (preparing anew, so durations count from the new attempt). The error returned is
/// the last attempt's.
pub struct TokenClient<T> {
    shared: Arc<Shared<T>>,
}

/// What the clones of a [`TokenClient`] share.
struct Shared<T> {
    transport: T,
    api_key: ApiKey,
    key_source: KeySource,
    options: ClientOptions,
    last_prepared: LastPrepared,
}

impl<T> Clone for TokenClient<T> {
    fn clone(&self) -> Self {
        Self {
            shared: Arc::clone(&self.shared),
        }
    }
}

impl<T> fmt::Debug for TokenClient<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenClient")
            .field("transport", &std::any::type_name::<T>())
            .field("api_key", &self.shared.api_key)
            .field("key_source", &self.shared.key_source)
            .field("options", &self.shared.options)
            .finish()
    }
}

impl<T: BuildTransport> TokenClient<T> {
    /// A client with this key and the default options.
    pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
        Self::builder(ApiKey::new(api_key)?).build()
    }

    /// A client with the key from `GOOGLE_API_KEY`, else `GEMINI_API_KEY` (see
    /// [`key_source`](Self::key_source) for which), and the default options.
    pub fn from_env() -> Result<Self, Error> {
        Self::builder_from_env()?.build()
    }

    /// A builder with this key: base URL, API version, timeouts, retry policy, TLS
    /// roots, your own HTTP client.
    pub fn builder(api_key: ApiKey) -> ClientBuilder<Self> {
        ClientBuilder::new(api_key, KeySource::Given)
    }

    /// A builder with the key from the environment, as [`from_env`](Self::from_env).
    pub fn builder_from_env() -> Result<ClientBuilder<Self>, Error> {
        ClientBuilder::from_env()
    }
}

impl<T: BuildTransport> BuildClient for TokenClient<T> {
    type Http = T::Http;

    fn build_client(mut parts: ClientParts<T::Http>) -> Result<Self, Error> {
        let transport = T::build_transport(&parts.options, parts.http.take())?;
        Ok(Self::from_parts(transport, parts))
    }
}

impl<T: Transport> TokenClient<T> {
    /// A client sending through `transport`, as `parts` say (the caller's HTTP client
    /// in them, if any, is the transport's business and is dropped here).
    pub fn from_parts<H>(transport: T, parts: ClientParts<H>) -> Self {
        Self {
            shared: Arc::new(Shared {
                transport,
                api_key: parts.api_key,
                key_source: parts.key_source,
                options: parts.options,
                last_prepared: LastPrepared::default(),
            }),
        }
    }

    /// Mints a token for `config`, retrying transient failures as the
    /// [`RetryPolicy`] says.
    ///
    /// The client keeps the last config it checked and serialized, so minting from
    /// the same config again costs what [`create_prepared`](Self::create_prepared)
    /// does.
    pub async fn create(&self, config: &CreateAuthTokenConfig) -> Result<AuthToken, Error> {
        let prepared = self.shared.last_prepared.get(config)?;
        self.create_prepared(&prepared).await
    }

    /// Mints a token for a config checked and serialized once ([`PreparedConfig`]):
    /// for a backend that mints many tokens from one config, with the least work per
    /// token.
    pub async fn create_prepared(&self, config: &PreparedConfig) -> Result<AuthToken, Error> {
        trace::mint(&self.shared.options, self.attempts(config)).await
    }

    /// The attempts of one mint, and the waits between them.
    async fn attempts(&self, config: &PreparedConfig) -> Result<AuthToken, Error> {
        let Shared {
            transport,
            api_key,
            options,
            ..
        } = &*self.shared;
        let started = transport.now();
        let mut now = started;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let prepared =
                prepare_with(config, &options.endpoint, api_key, now).inspect_err(|error| {
                    trace::failed(attempt, error, Retry::Stop(StopReason::NotTransient));
                })?;
            let limits = Limits::new(
                prepared.timeout().unwrap_or(options.timeout),
                options.max_response_bytes,
            );
            let (request, parser) = prepared.into_parts();
            let error = match transport.send(request, limits).await {
                Ok(response) => match parser.parse(&response) {
                    Ok(token) => {
                        trace::minted(attempt, &token);
                        return Ok(token);
                    }
                    Err(error) => error,
                },
                Err(error) => Error::Transport(error),
            };
            let elapsed = Duration::try_from(transport.now() - started).unwrap_or_default();
            let decision = options
                .retry
                .decide(attempt, &error, elapsed, transport.random());
            trace::failed(attempt, &error, decision);
            match decision {
                Retry::After(delay) => transport.sleep(delay).await,
                Retry::Stop(_) => return Err(error),
            }
            // Each attempt is prepared as of its own start, after the wait.
            now = transport.now();
        }
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.shared.transport
    }

    /// The options.
    pub fn options(&self) -> &ClientOptions {
        &self.shared.options
    }

    /// Where the API key came from; when both variables are set, `GOOGLE_API_KEY`
    /// wins and this says so.
    pub fn key_source(&self) -> KeySource {
        self.shared.key_source
    }
}
