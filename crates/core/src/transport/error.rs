//! What a transport may fail with.

use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

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
