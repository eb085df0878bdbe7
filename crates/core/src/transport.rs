//! The one trait every transport implements, and what a transport may fail with.
//!
//! A transport only moves bytes and waits: it sends a prepared request, reads the
//! answer within the limits it is given, sleeps when told to and reads the clock.
//! Every decision (what to send, what an answer means, whether to try again) is made
//! by [`TokenClient`](crate::TokenClient), written once against this trait.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
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

/// What went wrong in moving the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// No connection could be made (refused, unreachable, DNS, TLS handshake).
    Connect,
    /// The attempt's time ran out.
    Timeout,
    /// The connection failed mid-exchange: reset, closed early, a body cut short.
    Io,
    /// The answer's body is larger than the limit.
    BodyTooLarge,
    /// The server answered with a redirect that was followed or could not be refused.
    Redirected,
    /// Anything else (a malformed answer, a client misconfiguration).
    Other,
}

/// A transport failure: its kind, a message, and the underlying error as `source()`.
///
/// Never holds the API key: transports build it from their HTTP client's errors, which
/// name the URL, not the headers.
#[derive(Debug, Clone)]
pub struct TransportError {
    kind: TransportErrorKind,
    message: String,
    source: Option<Arc<dyn StdError + Send + Sync>>,
}

impl TransportError {
    /// A failure of `kind`, described by `message`.
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            source: None,
        }
    }

    /// Keeps `source` as the cause.
    #[must_use]
    pub fn with_source(mut self, source: impl StdError + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The answer's body was larger than `limit` bytes.
    pub fn body_too_large(limit: usize) -> Self {
        Self::new(
            TransportErrorKind::BodyTooLarge,
            format!("the answer's body is larger than the limit of {limit} bytes"),
        )
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportErrorKind {
        self.kind
    }

    /// Whether trying again may succeed: connection failures, resets and timeouts.
    pub fn is_transient(&self) -> bool {
        matches!(
            self.kind,
            TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io
        )
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_deref()
            .map(|e| e as &(dyn StdError + 'static))
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

    #[test]
    fn an_error_shows_its_message_and_keeps_its_source() {
        let cause = std::io::Error::other("connection reset by peer");
        let error =
            TransportError::new(TransportErrorKind::Io, "the connection failed").with_source(cause);
        assert_eq!(error.to_string(), "the connection failed");
        assert_eq!(
            error.source().map(ToString::to_string).as_deref(),
            Some("connection reset by peer")
        );
        assert!(
            TransportError::new(TransportErrorKind::Other, "x")
                .source()
                .is_none()
        );
    }
}
