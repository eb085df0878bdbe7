//! ureq's errors as the core's [`TransportError`]: the one place this crate decides
//! which failures are a refused connection, a timeout or a broken exchange, and so
//! which ones the core retries.

use std::time::Duration;

use gemini_token_core::transport::{TransportError, TransportErrorKind};

/// What a failed TLS handshake is called, whichever library failed it.
const TLS_FAILED: &str =
    "the TLS handshake failed: is the server's certificate signed by a trusted authority?";

/// A ureq error as a [`TransportError`], keeping it as the source.
pub(crate) fn transport_error(error: ureq::Error, timeout: Duration) -> TransportError {
    use ureq::Error as E;
    let (kind, message) = match &error {
        E::Timeout(_) => (
            TransportErrorKind::Timeout,
            format!("no answer within {timeout:?}"),
        ),
        E::HostNotFound | E::ConnectionFailed => (
            TransportErrorKind::Connect,
            "could not connect to the token service".to_owned(),
        ),
        E::Io(io) if matches!(io.kind(), std::io::ErrorKind::ConnectionRefused) => (
            TransportErrorKind::Connect,
            "could not connect to the token service".to_owned(),
        ),
        E::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) =>
        {
            (
                TransportErrorKind::Timeout,
                format!("no answer within {timeout:?}"),
            )
        }
        // rustls reports a refused certificate as invalid data on the stream.
        E::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            (TransportErrorKind::Connect, TLS_FAILED.to_owned())
        }
        E::Tls(_) => (TransportErrorKind::Connect, TLS_FAILED.to_owned()),
        #[cfg(feature = "native-tls")]
        E::NativeTls(_) => (TransportErrorKind::Connect, TLS_FAILED.to_owned()),
        E::Io(_) | E::Protocol(_) | E::BodyStalled => (
            TransportErrorKind::Io,
            "the connection failed during the exchange".to_owned(),
        ),
        E::TooManyRedirects | E::RedirectFailed => (
            TransportErrorKind::Redirected,
            "the answer was a redirect".to_owned(),
        ),
        _ => (
            TransportErrorKind::Other,
            "the HTTP exchange failed".to_owned(),
        ),
    };
    TransportError::new(kind, message).with_source(error)
}

#[cfg(test)]
// A test stops at the first case its expectation does not hold for.
#[allow(clippy::unwrap_used)]
mod tests {
    use std::error::Error as _;
    use std::io::{Error as IoError, ErrorKind};

    use super::*;

    const TIMEOUT: Duration = Duration::from_millis(2500);

    /// The kind and message each ureq error becomes, and the error kept as the source.
    fn mapped(error: ureq::Error) -> (TransportErrorKind, String) {
        let shown = error.to_string();
        let mapped = transport_error(error, TIMEOUT);
        assert_eq!(
            mapped.source().map(ToString::to_string),
            Some(shown),
            "the ureq error is the source"
        );
        (mapped.kind(), mapped.to_string())
    }

    fn connect(message: &str) -> (TransportErrorKind, String) {
        (TransportErrorKind::Connect, message.to_owned())
    }

    const NO_CONNECTION: &str = "could not connect to the token service";

    #[test]
    fn failures_to_connect_are_connect_errors() {
        assert_eq!(mapped(ureq::Error::HostNotFound), connect(NO_CONNECTION));
        assert_eq!(
            mapped(ureq::Error::ConnectionFailed),
            connect(NO_CONNECTION)
        );
        let refused = IoError::from(ErrorKind::ConnectionRefused);
        assert_eq!(mapped(ureq::Error::Io(refused)), connect(NO_CONNECTION));
    }

    #[test]
    fn tls_failures_say_so_whichever_library_reports_them() {
        let tls = connect(TLS_FAILED);
        assert_eq!(mapped(ureq::Error::Tls("bad certificate")), tls);
        let rustls_refusal = IoError::new(ErrorKind::InvalidData, "invalid peer certificate");
        assert_eq!(mapped(ureq::Error::Io(rustls_refusal)), tls);
    }

    #[test]
    fn timeouts_name_the_time_allowed() {
        let timeout = (
            TransportErrorKind::Timeout,
            "no answer within 2.5s".to_owned(),
        );
        assert_eq!(mapped(ureq::Error::Timeout(ureq::Timeout::Global)), timeout);
        for kind in [ErrorKind::TimedOut, ErrorKind::WouldBlock] {
            assert_eq!(
                mapped(ureq::Error::Io(IoError::from(kind))),
                timeout,
                "{kind:?}"
            );
        }
    }

    #[test]
    fn a_broken_exchange_is_an_io_error() {
        let io = (
            TransportErrorKind::Io,
            "the connection failed during the exchange".to_owned(),
        );
        let reset = IoError::from(ErrorKind::ConnectionReset);
        assert_eq!(mapped(ureq::Error::Io(reset)), io);
        assert_eq!(mapped(ureq::Error::BodyStalled), io);
    }

    #[test]
    fn redirects_are_refused_as_such() {
        let redirected = (
            TransportErrorKind::Redirected,
            "the answer was a redirect".to_owned(),
        );
        assert_eq!(mapped(ureq::Error::TooManyRedirects), redirected);
        assert_eq!(mapped(ureq::Error::RedirectFailed), redirected);
    }

    #[test]
    fn anything_else_is_other() {
        assert_eq!(
            mapped(ureq::Error::BadUri("no scheme".to_owned())),
            (
                TransportErrorKind::Other,
                "the HTTP exchange failed".to_owned()
            )
        );
    }
}
