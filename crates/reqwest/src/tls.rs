//! Which TLS library and which roots a client this crate builds uses: chosen here,
//! explicitly, with the same rule as `gemini-token-ureq`.

use gemini_token_core::{ConfigError, ConfigErrorKind, Endpoint, Error};

/// `builder` with its TLS library chosen (`native-tls` wins when both features are
/// on) and, when `roots` (PEM) are given, trusting only them.
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    endpoint: &Endpoint,
    roots: Option<&[u8]>,
) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(feature = "native-tls")]
    let builder = builder.tls_backend_native();
    #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
    let builder = builder.tls_backend_rustls();
    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    {
        let _ = endpoint;
        match roots {
            Some(pem) => {
                let certificates = reqwest::Certificate::from_pem_bundle(pem)
                    .ok()
                    .filter(|c| !c.is_empty())
                    .ok_or_else(|| refused("root_certificates", UNREADABLE))?;
                Ok(builder.tls_certs_only(certificates))
            }
            None => Ok(builder),
        }
    }
    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    {
        if roots.is_some() {
            Err(refused("root_certificates", NO_TLS))
        } else if endpoint.base_url().starts_with("https:") {
            Err(refused("base_url", NO_TLS))
        } else {
            Ok(builder)
        }
    }
}

#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
const NO_TLS: &str = "HTTPS needs the `rustls` or `native-tls` feature of gemini-token-reqwest; \
                      without either only plain HTTP to this machine works";

#[cfg(any(feature = "rustls", feature = "native-tls"))]
const UNREADABLE: &str = "is not a readable PEM bundle of CA certificates \
                          (`-----BEGIN CERTIFICATE-----` blocks)";

fn refused(path: &str, message: &str) -> Error {
    ConfigError::new(ConfigErrorKind::InvalidValue, path, message).into()
}
