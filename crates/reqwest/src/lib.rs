//! # gemini-token-reqwest
//!
//! Mint Gemini API ephemeral tokens from async Rust, over [`reqwest`].
//!
//! ```no_run
//! use gemini_token_reqwest::{Client, CreateAuthTokenConfig};
//!
//! # async fn mint() -> Result<(), gemini_token_reqwest::Error> {
//! let client = Client::from_env()?; // GOOGLE_API_KEY, else GEMINI_API_KEY
//! let token = client.create(&CreateAuthTokenConfig::new().uses(1)).await?;
//! println!("hand this to the browser: {}", token.live_url());
//! # Ok(())
//! # }
//! ```
//!
//! The same against the local emulator, with constraints, as it runs in this crate's
//! tests:
//!
//! ```
//! use gemini_token_emulator::Emulator;
//! use gemini_token_reqwest::{
//!     ApiKey, Client, CreateAuthTokenConfig, LiveConnectConfig, LiveConnectConstraints, Lock,
//! };
//! use time::Duration;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
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
//! let token = client.create(&config).await?;
//! assert!(token.secret().starts_with("auth_tokens/"));
//! assert_eq!(emulator.tokens()[0].field_mask.as_deref(), Some("model,systemInstruction.parts,systemInstruction.role"));
//! # Ok(())
//! # }
//! ```
//!
//! ## What this crate does, and does not
//!
//! It moves bytes: every decision (the checks, the body, what an answer means, whether
//! to retry) is [`gemini_token_core`]'s, shared with the blocking `gemini-token-ureq`.
//! The key goes only over HTTPS, or plain HTTP to this machine; redirects are not
//! followed; answers are read up to a cap (1 MiB by default). A `reqwest::Client` you
//! pass with [`ClientBuilder::http_client`] must be built with
//! `redirect(reqwest::redirect::Policy::none())`: this crate cannot change the policy of
//! a client it did not build, and refuses the answer when it sees a redirect was
//! followed.
//!
//! ## Features
//! - `rustls` (default): TLS through rustls, trusting the platform's roots
//!   (`rustls-platform-verifier`, reqwest's default).
//! - `native-tls`: TLS through the platform's library (OpenSSL on Linux), trusting the
//!   system's roots.
//!
//! When both TLS features are on, **`native-tls` wins**, in this crate and in
//! `gemini-token-ureq` alike: `rustls` is the default, and Cargo cannot turn a default feature off from
//! elsewhere in a dependency tree, so `native-tls` being on means somebody asked for
//! it. With neither, only plain HTTP to this machine works, and a client for an
//! `https://` URL is refused when built. [`ClientBuilder::root_certificates`] replaces
//! the roots with the CA certificates you give, with either library.
//!
//! `tracing` (off by default): a `gemini_token.mint` span per mint and a
//! `gemini_token.attempt` event per attempt, with its outcome and retry decision; never
//! the key, the token or a body.

#![forbid(unsafe_code)]

mod tls;

use std::sync::OnceLock;
use std::time::Duration;

use gemini_token_core::transport::{
    BuildTransport, ClientOptions, Limits, TokenClient, Transport, async_trait,
};
use http::{Request, Response, Uri};
use time::OffsetDateTime;

pub use gemini_token_core::*;
#[doc(no_inline)]
pub use {http, time};

/// An async client that mints tokens: [`TokenClient`] over [`ReqwestTransport`].
/// Cheap to clone: clones share the connection pool.
///
/// Made with [`Client::new`], [`Client::from_env`] or [`Client::builder`]; mints with
/// [`Client::create`] and [`Client::create_prepared`].
pub type Client = TokenClient<ReqwestTransport>;

/// Builds a [`Client`]: base URL, API version, timeouts, retry policy, TLS roots,
/// your own `reqwest::Client`.
pub type ClientBuilder = gemini_token_core::ClientBuilder<Client>;

/// [`Transport`] over a `reqwest::Client`.
#[derive(Debug, Clone)]
pub struct ReqwestTransport {
    http: reqwest::Client,
    /// The first request's URI and its URL, parsed once: a client sends every request
    /// to the same one, and parsing it again was a sixth of the work a token cost this
    /// crate beyond a bare reqwest post (callgrind, `bench/instructions.sh`).
    url: OnceLock<(Uri, reqwest::Url)>,
}

impl ReqwestTransport {
    /// A transport over `http`, which must not follow redirects.
    pub fn new(http: reqwest::Client) -> Self {
        Self {
            http,
            url: OnceLock::new(),
        }
    }

    /// `uri` as reqwest's URL: the one parsed before when it is the same.
    fn url(&self, uri: &Uri) -> Result<reqwest::Url, TransportError> {
        match self.url.get() {
            Some((seen, url)) if seen == uri => return Ok(url.clone()),
            _ => {}
        }
        let url = reqwest::Url::parse(&uri.to_string()).map_err(|e| {
            TransportError::new(TransportErrorKind::Other, "the request's URL is not valid")
                .with_source(e)
        })?;
        let _ = self.url.set((uri.clone(), url.clone()));
        Ok(url)
    }
}

impl BuildTransport for ReqwestTransport {
    type Http = reqwest::Client;

    fn build_transport(
        options: &ClientOptions,
        http: Option<reqwest::Client>,
    ) -> Result<Self, Error> {
        let http = match http {
            Some(http) => http,
            None => tls::configure(
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .connect_timeout(options.connect_timeout),
                options,
            )?
            .build()
            .map_err(|e| transport_error(e, Duration::ZERO))?,
        };
        Ok(Self::new(http))
    }
}

#[async_trait]
impl Transport for ReqwestTransport {
    async fn send(
        &self,
        request: Request<Vec<u8>>,
        limits: Limits,
    ) -> Result<Response<Vec<u8>>, TransportError> {
        // What `reqwest::Request::try_from` does, but with the URL parsed once. The
        // core's requests carry no extensions.
        let (parts, body) = request.into_parts();
        let sent_to = self.url(&parts.uri)?;
        let mut request = reqwest::Request::new(parts.method, sent_to.clone());
        *request.headers_mut() = parts.headers;
        *request.body_mut() = Some(body.into());
        *request.version_mut() = parts.version;
        *request.timeout_mut() = Some(limits.timeout);
        let mut response = self
            .http
            .execute(request)
            .await
            .map_err(|e| transport_error(e, limits.timeout))?;
        if *response.url() != sent_to {
            return Err(TransportError::new(
                TransportErrorKind::Redirected,
                "the HTTP client followed a redirect; build it with redirect::Policy::none()",
            ));
        }
        let cap = limits.max_response_bytes;
        if response.content_length().is_some_and(|n| n > cap as u64) {
            return Err(TransportError::body_too_large(cap));
        }
        let mut answer = Response::new(Vec::new());
        *answer.status_mut() = response.status();
        *answer.headers_mut() = std::mem::take(response.headers_mut());
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| transport_error(e, limits.timeout))?
        {
            if answer.body().len() + chunk.len() > cap {
                return Err(TransportError::body_too_large(cap));
            }
            answer.body_mut().extend_from_slice(&chunk);
        }
        Ok(answer)
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }

    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A reqwest error as a [`TransportError`], its URL removed (the URL carries no key,
/// but a base URL may carry credentials of a proxy).
fn transport_error(error: reqwest::Error, timeout: Duration) -> TransportError {
    let (kind, message) = if error.is_timeout() {
        (
            TransportErrorKind::Timeout,
            format!("no answer within {timeout:?}"),
        )
    } else if error.is_connect() {
        (
            TransportErrorKind::Connect,
            "could not connect to the token service".to_owned(),
        )
    } else if error.is_redirect() {
        (
            TransportErrorKind::Redirected,
            "the answer was a redirect".to_owned(),
        )
    } else if error.is_builder() {
        (
            TransportErrorKind::Other,
            "the HTTP client could not be built or used".to_owned(),
        )
    } else {
        (
            TransportErrorKind::Io,
            "the connection failed during the exchange".to_owned(),
        )
    };
    TransportError::new(kind, message).with_source(error.without_url())
}

#[cfg(test)]
// A test stops at the first case its expectation does not hold for.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn url(transport: &ReqwestTransport, uri: &str) -> Result<String, TransportError> {
        let uri: Uri = uri.parse().expect("a URI");
        transport.url(&uri).map(String::from)
    }

    #[test]
    fn each_uri_becomes_its_own_url_and_the_first_is_kept() {
        let transport = ReqwestTransport::new(reqwest::Client::new());
        let first = "https://generativelanguage.googleapis.com/v1alpha/auth_tokens";
        let other = "http://127.0.0.1:8080/v1beta/auth_tokens";
        assert_eq!(url(&transport, first).unwrap(), first);
        assert_eq!(url(&transport, other).unwrap(), other);
        assert_eq!(url(&transport, first).unwrap(), first);
        let kept = transport
            .url
            .get()
            .map(|(uri, url)| (uri.to_string(), url.to_string()));
        assert_eq!(kept, Some((first.to_owned(), first.to_owned())));
    }

    #[test]
    fn a_uri_that_is_no_url_is_refused() {
        let transport = ReqwestTransport::new(reqwest::Client::new());
        let error = url(&transport, "/v1alpha/auth_tokens").unwrap_err();
        assert_eq!(error.kind(), TransportErrorKind::Other);
        assert_eq!(error.to_string(), "the request's URL is not valid");
        assert!(transport.url.get().is_none(), "nothing kept");
    }
}
