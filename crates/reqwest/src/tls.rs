//! Which TLS library and which roots a client this crate builds uses: chosen here,
//! explicitly, with the same rule as `gemini-token-ureq`.

use gemini_token_core::Error;
use gemini_token_core::transport::ClientOptions;

/// `builder` with its TLS library chosen (`native-tls` wins when both features are
/// on) and, when root certificates are given, trusting only them.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    options: &ClientOptions,
) -> Result<reqwest::ClientBuilder, Error> {
    #[cfg(feature = "native-tls")]
    let builder = builder.tls_backend_native();
    #[cfg(not(feature = "native-tls"))]
    let builder = builder.tls_backend_rustls();
    match &options.root_certificates {
        Some(pem) => {
            let certificates = reqwest::Certificate::from_pem_bundle(pem)
                .ok()
                .filter(|c| !c.is_empty())
                .ok_or_else(ClientOptions::unreadable_root_certificates)?;
            Ok(builder.tls_certs_only(certificates))
        }
        None => Ok(builder),
    }
}

/// Without a TLS feature only plain HTTP to this machine works: say so when the client
/// is built.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    options: &ClientOptions,
) -> Result<reqwest::ClientBuilder, Error> {
    options.refuse_tls("gemini-token-reqwest")?;
    Ok(builder)
}
