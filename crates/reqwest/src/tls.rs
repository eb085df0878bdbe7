//! Which TLS library and which roots a client this crate builds uses: chosen here,
//! explicitly, with the same rule as `gemini-token-ureq`.

use gemini_token_core::Error;
use gemini_token_core::transport::ClientOptions;

/// `builder` with its TLS library chosen (`native-tls` wins when both features are
/// on) and, when root certificates are given, trusting only them.
#[cfg(feature = "native-tls")]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    options: &ClientOptions,
) -> Result<reqwest::ClientBuilder, Error> {
    let builder = builder.tls_backend_native();
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

/// `builder` with rustls on the `ring` provider, configured here rather than by
/// reqwest: reqwest's own rustls setup uses `aws-lc-rs`, whose first random bytes in a
/// process seed a CPU-jitter entropy source (about 420 million instructions, 70 ms
/// of CPU, measured with callgrind), paid by the first token of every process. `ring`
/// takes its randomness from the kernel. The roots: the given CA certificates only,
/// else the platform's (`rustls-platform-verifier`, as reqwest does).
#[cfg(all(feature = "rustls", not(feature = "native-tls")))]
pub(crate) fn configure(
    builder: reqwest::ClientBuilder,
    options: &ClientOptions,
) -> Result<reqwest::ClientBuilder, Error> {
    use std::sync::Arc;

    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let failed = |_| {
        Error::Transport(gemini_token_core::transport::TransportError::new(
            gemini_token_core::transport::TransportErrorKind::Other,
            "the HTTP client could not be built or used",
        ))
    };
    let config = rustls::ClientConfig::builder_with_provider(Arc::clone(&provider))
        .with_safe_default_protocol_versions()
        .map_err(failed)?;
    let config = match &options.root_certificates {
        Some(pem) => {
            let mut roots = rustls::RootCertStore::empty();
            for certificate in CertificateDer::pem_slice_iter(pem) {
                let certificate =
                    certificate.map_err(|_| ClientOptions::unreadable_root_certificates())?;
                roots
                    .add(certificate)
                    .map_err(|_| ClientOptions::unreadable_root_certificates())?;
            }
            if roots.is_empty() {
                return Err(ClientOptions::unreadable_root_certificates().into());
            }
            config.with_root_certificates(roots)
        }
        None => config
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(
                rustls_platform_verifier::Verifier::new(provider).map_err(failed)?,
            )),
    };
    Ok(builder.tls_backend_preconfigured(config.with_no_client_auth()))
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
