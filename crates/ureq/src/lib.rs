//! # gemini-token-ureq
//!
//! Mint Gemini API ephemeral tokens from blocking Rust, over [`ureq`]: no async
//! runtime, no tokio, in this crate's dependency tree.
//!
//! ```no_run
//! use gemini_token_ureq::{Client, CreateAuthTokenConfig};
//!
//! let client = Client::from_env()?; // GOOGLE_API_KEY, else GEMINI_API_KEY
//! let token = client.create(&CreateAuthTokenConfig::new().uses(1))?;
//! println!("hand this to the browser: {}", token.live_url());
//! # Ok::<(), gemini_token_ureq::Error>(())
//! ```
//!
//! The same against the local emulator, with constraints, as it runs in this crate's
//! tests:
//!
//! ```
//! use gemini_token_emulator::Emulator;
//! use gemini_token_ureq::{
//!     ApiKey, Client, CreateAuthTokenConfig, LiveConnectConfig, LiveConnectConstraints, Lock,
//! };
//! use time::Duration;
//!
//! let emulator = Emulator::start()?;
//! let client = Client::builder(ApiKey::new(emulator.key())?)
//!     .base_url(emulator.base_url())
//!     .build()?;
//!
//! let config = CreateAuthTokenConfig::new()
//!     .uses(1)
//!     .expire_in(Duration::minutes(30))
//!     .constraints(
//!         LiveConnectConstraints::new()
//!             .model("gemini-live-2.5-flash-preview")
//!             .config(LiveConnectConfig::new().system_instruction("Be terse.")),
//!     )
//!     .lock(Lock::SetFields);
//! let token = client.create(&config)?;
//! assert!(token.secret().starts_with("auth_tokens/"));
//! assert_eq!(emulator.tokens()[0].field_mask.as_deref(), Some("model,systemInstruction.parts,systemInstruction.role"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## How a blocking client meets an async trait
//!
//! Every decision (the checks, the body, what an answer means, whether to retry) is
//! [`gemini_token_core`]'s, written once as an `async fn` over its `Transport` trait
//! and shared with the async `gemini-token-reqwest`. This crate's transport does its
//! blocking work inside its `async fn`s, so their futures complete on the first poll;
//! [`Client::create`] polls the shared logic on the calling thread with a twenty-line
//! executor of its own (`block_on`). No runtime is started, no thread spawned.
//!
//! The key goes only over HTTPS, or plain HTTP to this machine; redirects are not
//! followed (also on an `ureq::Agent` you pass: the limit is set per request); answers
//! are read up to a cap (1 MiB by default).
//!
//! ## Features
//! - `rustls` (default): TLS through rustls, trusting Mozilla's root certificates
//!   (`webpki-roots`).
//! - `native-tls`: TLS through the platform's library (OpenSSL on Linux), trusting the
//!   system's roots.
//!
//! When both TLS features are on, **`native-tls` wins**, in this crate and in
//! `gemini-token-reqwest` alike: `rustls` is the default, and Cargo cannot turn a default feature off from
//! elsewhere in a dependency tree, so `native-tls` being on means somebody asked for
//! it. With neither, only plain HTTP to this machine works, and a client for an
//! `https://` URL is refused when built. [`ClientBuilder::root_certificates`] replaces
//! the roots with the CA certificates you give, with either library.
//!
//! `tracing` (off by default): a `gemini_token.mint` span per mint and a
//! `gemini_token.attempt` event per attempt, with its outcome and retry decision; never
//! the key, the token or a body.

#![forbid(unsafe_code)]

mod block_on;
mod errors;
mod tls;

use std::time::Duration;

use gemini_token_core::transport::{
    BuildClient, BuildTransport, ClientOptions, ClientParts, Limits, TokenClient, Transport,
    async_trait,
};
use http::{Request, Response};
use time::OffsetDateTime;

use errors::transport_error;

pub use gemini_token_core::*;
#[doc(no_inline)]
pub use {http, time};

/// Builds a [`Client`]: base URL, API version, timeouts, retry policy, TLS roots,
/// your own `ureq::Agent`.
pub type ClientBuilder = gemini_token_core::ClientBuilder<Client>;

/// A blocking client that mints tokens: core's [`TokenClient`] over
/// [`UreqTransport`], driven on the calling thread. Cheap to clone: clones share the
/// agent's connection pool.
#[derive(Debug, Clone)]
pub struct Client(TokenClient<UreqTransport>);

impl Client {
    /// A client with this key and the default options.
    pub fn new(api_key: impl Into<String>) -> Result<Self, Error> {
        TokenClient::new(api_key).map(Self)
    }

    /// A client with the key from `GOOGLE_API_KEY`, else `GEMINI_API_KEY` (see
    /// [`key_source`](Self::key_source) for which), and the default options.
    pub fn from_env() -> Result<Self, Error> {
        TokenClient::from_env().map(Self)
    }

    /// A builder with this key: base URL, API version, timeouts, retry policy, TLS
    /// roots, your own `ureq::Agent`.
    pub fn builder(api_key: ApiKey) -> ClientBuilder {
        ClientBuilder::new(api_key, KeySource::Given)
    }

    /// A builder with the key from the environment, as [`from_env`](Self::from_env).
    pub fn builder_from_env() -> Result<ClientBuilder, Error> {
        ClientBuilder::from_env()
    }

    /// Mints a token for `config`, retrying transient failures as the
    /// [`RetryPolicy`] says; blocks the calling thread until done.
    pub fn create(&self, config: &CreateAuthTokenConfig) -> Result<AuthToken, Error> {
        block_on::block_on(self.0.create(config))
    }

    /// Mints a token for a config checked and serialized once: for minting many tokens
    /// from one config, with the least work per token.
    pub fn create_prepared(&self, config: &PreparedConfig) -> Result<AuthToken, Error> {
        block_on::block_on(self.0.create_prepared(config))
    }

    /// Where the key came from; when both variables are set, `GOOGLE_API_KEY` wins and
    /// this says so.
    pub fn key_source(&self) -> KeySource {
        self.0.key_source()
    }
}

impl BuildClient for Client {
    type Http = ureq::Agent;

    fn build_client(parts: ClientParts<ureq::Agent>) -> Result<Self, Error> {
        TokenClient::build_client(parts).map(Self)
    }
}

/// Idle connections an agent this crate builds keeps (all to the one host it mints
/// at), so that as many threads minting at once reuse their connections.
const IDLE_CONNECTIONS: usize = 64;

/// [`Transport`] over a `ureq::Agent`: blocking work inside `async fn`s.
///
/// **Do not await it on an async runtime.** Its futures block the thread that polls
/// them until the answer is in, so a `TokenClient<UreqTransport>` awaited on tokio
/// stalls every other task of that worker for the whole exchange, retries and their
/// waits included. Use [`Client`], which runs it on the calling thread, from blocking
/// code; from async code, use `gemini-token-reqwest` (or `spawn_blocking`).
#[derive(Debug, Clone)]
pub struct UreqTransport {
    agent: ureq::Agent,
    /// The overall timeout the agent was built with, when this crate built it with no
    /// redirects and no status errors; `None` for an agent a caller passed.
    configured_timeout: Option<Duration>,
}

impl UreqTransport {
    /// A transport over `agent`; redirects and the timeout are set on every request.
    pub fn new(agent: ureq::Agent) -> Self {
        Self {
            agent,
            configured_timeout: None,
        }
    }
}

impl BuildTransport for UreqTransport {
    type Http = ureq::Agent;

    fn build_transport(options: &ClientOptions, agent: Option<ureq::Agent>) -> Result<Self, Error> {
        if let Some(agent) = agent {
            return Ok(Self::new(agent));
        }
        let agent = ureq::Agent::new_with_config(
            tls::configure(
                ureq::Agent::config_builder()
                    .timeout_connect(Some(options.connect_timeout))
                    .timeout_global(Some(options.timeout))
                    .max_redirects(0)
                    .http_status_as_error(false)
                    // ureq keeps 3 idle connections per host by default: a fourth
                    // thread minting at once then opens a new connection (over HTTPS a
                    // new TLS handshake) for nearly every token. Keep one per thread
                    // of a busy backend; idle ones still close after 15 s.
                    .max_idle_connections(IDLE_CONNECTIONS)
                    .max_idle_connections_per_host(IDLE_CONNECTIONS),
                options,
            )?
            .build(),
        );
        Ok(Self {
            agent,
            configured_timeout: Some(options.timeout),
        })
    }
}

#[async_trait]
impl Transport for UreqTransport {
    async fn send(
        &self,
        request: Request<Vec<u8>>,
        limits: Limits,
    ) -> Result<Response<Vec<u8>>, TransportError> {
        // Per request when the agent is a caller's (so that it follows no redirect
        // either) or the timeout differs; an agent this crate built needs nothing, and
        // configuring a request copies the agent's whole configuration.
        let request = if self.configured_timeout == Some(limits.timeout) {
            request
        } else {
            self.agent
                .configure_request(request)
                .timeout_global(Some(limits.timeout))
                .max_redirects(0)
                .http_status_as_error(false)
                .build()
        };
        let response = self
            .agent
            .run(request)
            .map_err(|e| transport_error(e, limits.timeout))?;
        let (parts, mut body) = response.into_parts();
        let cap = limits.max_response_bytes;
        if body.content_length().is_some_and(|n| n > cap as u64) {
            return Err(TransportError::body_too_large(cap));
        }
        let bytes = body
            .with_config()
            .limit(cap as u64)
            .read_to_vec()
            .map_err(|e| match e {
                ureq::Error::BodyExceedsLimit(_) => TransportError::body_too_large(cap),
                other => transport_error(other, limits.timeout),
            })?;
        Ok(Response::from_parts(parts, bytes))
    }

    async fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }

    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}
