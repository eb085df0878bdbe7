//! For writing a transport: the one trait every transport implements, the client
//! that runs on any of them, and what a transport may fail with.
//!
//! A transport only moves bytes and waits: it sends a prepared request, reads the
//! answer within the [`Limits`] it is given, sleeps when told to and reads the clock.
//! Every decision (what to send, what an answer means, whether to try again) is made
//! by [`TokenClient`], written once against [`Transport`]. Implement
//! [`BuildTransport`] too, and `TokenClient<YourTransport>` has the constructors and
//! the [`ClientBuilder`](crate::ClientBuilder) that the published clients have.
//!
//! A mock transport for tests: it answers every request with a token and keeps what
//! was sent. Its futures complete on the first poll, so a test needs no runtime.
//!
//! ```
//! use std::future::Future;
//! use std::sync::Mutex;
//! use std::task::{Context, Poll, Waker};
//! use std::time::Duration;
//!
//! use gemini_token_core::transport::{
//!     BuildTransport, ClientOptions, Limits, TokenClient, Transport, TransportError, async_trait,
//! };
//! use gemini_token_core::{CreateAuthTokenConfig, Error};
//! use time::{OffsetDateTime, macros::datetime};
//!
//! #[derive(Default)]
//! struct Mock {
//!     sent: Mutex<Vec<String>>,
//! }
//!
//! #[async_trait]
//! impl Transport for Mock {
//!     async fn send(
//!         &self,
//!         request: http::Request<Vec<u8>>,
//!         _limits: Limits,
//!     ) -> Result<http::Response<Vec<u8>>, TransportError> {
//!         let body = String::from_utf8_lossy(request.body()).into_owned();
//!         self.sent.lock().unwrap().push(body);
//!         Ok(http::Response::new(br#"{"name":"auth_tokens/mock"}"#.to_vec()))
//!     }
//!
//!     async fn sleep(&self, _duration: Duration) {}
//!
//!     fn now(&self) -> OffsetDateTime {
//!         datetime!(2026-01-01 00:00 UTC)
//!     }
//! }
//!
//! impl BuildTransport for Mock {
//!     type Http = ();
//!
//!     fn build_transport(_options: &ClientOptions, _http: Option<()>) -> Result<Self, Error> {
//!         Ok(Mock::default())
//!     }
//! }
//!
//! let client = TokenClient::<Mock>::new("test-key")?;
//! let config = CreateAuthTokenConfig::new().uses(1).expire_in(time::Duration::minutes(10));
//! let mut minting = std::pin::pin!(client.create(&config));
//! let Poll::Ready(token) = minting.as_mut().poll(&mut Context::from_waker(Waker::noop())) else {
//!     unreachable!("the mock never waits")
//! };
//! assert_eq!(token?.secret(), "auth_tokens/mock");
//! assert_eq!(
//!     client.transport().sent.lock().unwrap().as_slice(),
//!     [r#"{"expireTime":"2026-01-01T00:10:00Z","uses":1}"#]
//! );
//! # Ok::<(), Error>(())
//! ```

mod client;
mod error;
mod last_prepared;

pub use async_trait::async_trait;
pub use client::{BuildClient, BuildTransport, ClientOptions, ClientParts, TokenClient};
pub use error::{TransportError, TransportErrorKind};

use std::sync::Arc;
use std::time::Duration;

use http::{Request, Response};
use time::OffsetDateTime;

/// Moves one prepared request and its answer.
///
/// Object-safe (`Box<dyn Transport>` works) and `Send + Sync`. A blocking transport
/// implements it with `async fn`s that do their blocking work and complete on the
/// first poll; see `docs/architecture.md`.
#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends `request` and reads the whole answer, giving up after `limits.timeout`
    /// and refusing a body larger than `limits.max_response_bytes` (without reading
    /// more of it than that). Redirects are not followed: a 3xx is an answer.
    async fn send(
        &self,
        request: Request<Vec<u8>>,
        limits: Limits,
    ) -> Result<Response<Vec<u8>>, TransportError>;

    /// Waits `duration` (between attempts).
    async fn sleep(&self, duration: Duration);

    /// The current time, for the config's times and the retry budget.
    fn now(&self) -> OffsetDateTime;

    /// A number in `[0, 1)` for the retry wait's jitter. The default draws one from the
    /// standard library's per-process random keys; a test transport returns known
    /// numbers, so that every wait can be checked exactly.
    fn random(&self) -> f64 {
        random_unit()
    }
}

/// A number in `[0, 1)`, from [`random_u64`].
fn random_unit() -> f64 {
    (random_u64() >> 11) as f64 / (1u64 << 53) as f64
}

/// 64 random bits from the standard library's per-process random keys: no dependency
/// and no clock. For jitter and nonces, never for secrets.
pub(crate) fn random_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    std::collections::hash_map::RandomState::new()
        .build_hasher()
        .finish()
}

/// A transport behind a smart pointer is a transport: `Box<dyn Transport>` and
/// `Arc<dyn Transport>` included.
macro_rules! forward_transport {
    ($($pointer:ident),*) => {$(
        #[async_trait]
        impl<T: Transport + ?Sized> Transport for $pointer<T> {
            async fn send(
                &self,
                request: Request<Vec<u8>>,
                limits: Limits,
            ) -> Result<Response<Vec<u8>>, TransportError> {
                (**self).send(request, limits).await
            }

            async fn sleep(&self, duration: Duration) {
                (**self).sleep(duration).await;
            }

            fn now(&self) -> OffsetDateTime {
                (**self).now()
            }

            fn random(&self) -> f64 {
                (**self).random()
            }
        }
    )*};
}

forward_transport!(Box, Arc);

/// The bounds of one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// The whole exchange, connecting included, must end within this.
    pub timeout: Duration,
    /// The most bytes of answer body read; a larger body is an error.
    pub max_response_bytes: usize,
}

impl Limits {
    /// Limits of `timeout` and `max_response_bytes`.
    pub fn new(timeout: Duration, max_response_bytes: usize) -> Self {
        Self {
            timeout,
            max_response_bytes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A transport that keeps every default.
    struct Defaults;

    #[async_trait]
    impl Transport for Defaults {
        async fn send(
            &self,
            _request: Request<Vec<u8>>,
            _limits: Limits,
        ) -> Result<Response<Vec<u8>>, TransportError> {
            Err(TransportError::new(TransportErrorKind::Other, "unused"))
        }

        async fn sleep(&self, _duration: Duration) {}

        fn now(&self) -> OffsetDateTime {
            OffsetDateTime::UNIX_EPOCH
        }
    }

    #[test]
    fn the_default_random_numbers_spread_over_zero_to_one() {
        let draws: Vec<f64> = (0..2000).map(|_| Defaults.random()).collect();
        assert!(draws.iter().all(|r| (0.0..1.0).contains(r)), "{draws:?}");
        // 2000 uniform draws all above 0.1, or all below 0.9, would be a broken source.
        assert!(draws.iter().any(|r| *r < 0.1));
        assert!(draws.iter().any(|r| *r > 0.9));
        let boxed: Box<dyn Transport> = Box::new(Defaults);
        assert!((0.0..1.0).contains(&boxed.random()));
    }
}
