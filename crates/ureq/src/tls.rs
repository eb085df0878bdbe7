//! Which TLS library and which roots an agent this crate builds uses: chosen here,
//! never left to ureq's defaults (with only `native-tls` on, those name rustls and
//! panic on the first HTTPS request).

use gemini_token_core::{ConfigError, ConfigErrorKind, Endpoint, Error};
use ureq::config::ConfigBuilder;
use ureq::typestate::AgentScope;

/// `builder` with its TLS library chosen (`native-tls` wins when both features are
/// on) and, when `roots` (PEM) are given, trusting only them.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
pub(crate) fn configure(
    builder: ConfigBuilder<AgentScope>,
    _endpoint: &Endpoint,
    roots: Option<&[u8]>,
) -> Result<ConfigBuilder<AgentScope>, Error> {
    use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
    let (provider, default_roots) = if cfg!(feature = "native-tls") {
        (TlsProvider::NativeTls, RootCerts::PlatformVerifier)
    } else {
        (TlsProvider::Rustls, RootCerts::WebPki)
    };
    let roots = match roots {
        Some(pem) => RootCerts::from(certificates(pem)?),
        None => default_roots,
    };
    Ok(builder.tls_config(
        TlsConfig::builder()
            .provider(provider)
            .root_certs(roots)
            .build(),
    ))
}

/// Without a TLS feature only plain HTTP to this machine works: say so when the client
/// is built, not with a panic on the first request.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
pub(crate) fn configure(
    builder: ConfigBuilder<AgentScope>,
    endpoint: &Endpoint,
    roots: Option<&[u8]>,
) -> Result<ConfigBuilder<AgentScope>, Error> {
    const NO_TLS: &str = "HTTPS needs the `rustls` or `native-tls` feature of \
                          gemini-token-ureq; without either only plain HTTP to this machine \
                          works";
    if roots.is_some() {
        Err(refused("root_certificates", NO_TLS))
    } else if endpoint.base_url().starts_with("https:") {
        Err(refused("base_url", NO_TLS))
    } else {
        Ok(builder)
    }
}

/// Every certificate in a PEM bundle; at least one, and nothing unreadable.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn certificates(pem: &[u8]) -> Result<Vec<ureq::tls::Certificate<'static>>, Error> {
    const UNREADABLE: &str = "is not a readable PEM bundle of CA certificates \
                              (`-----BEGIN CERTIFICATE-----` blocks)";
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(certificate)) => certificates.push(certificate),
            Ok(_) => {}
            Err(_) => return Err(refused("root_certificates", UNREADABLE)),
        }
    }
    if certificates.is_empty() {
        return Err(refused("root_certificates", UNREADABLE));
    }
    Ok(certificates)
}

fn refused(path: &str, message: &str) -> Error {
    ConfigError::new(ConfigErrorKind::InvalidValue, path, message).into()
}
