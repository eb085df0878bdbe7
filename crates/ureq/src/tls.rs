//! Which TLS library and which roots an agent this crate builds uses: chosen here,
//! never left to ureq's defaults (with only `native-tls` on, those name rustls and
//! panic on the first HTTPS request).

use gemini_token_core::Error;
use gemini_token_core::transport::ClientOptions;
use ureq::config::ConfigBuilder;
use ureq::typestate::AgentScope;

/// `builder` with its TLS library chosen (`native-tls` wins when both features are
/// on) and, when root certificates are given, trusting only them.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
pub(crate) fn configure(
    builder: ConfigBuilder<AgentScope>,
    options: &ClientOptions,
) -> Result<ConfigBuilder<AgentScope>, Error> {
    use ureq::tls::{RootCerts, TlsConfig, TlsProvider};
    let (provider, default_roots) = if cfg!(feature = "native-tls") {
        (TlsProvider::NativeTls, RootCerts::PlatformVerifier)
    } else {
        (TlsProvider::Rustls, RootCerts::WebPki)
    };
    let roots = match &options.root_certificates {
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
    options: &ClientOptions,
) -> Result<ConfigBuilder<AgentScope>, Error> {
    options.refuse_tls("gemini-token-ureq")?;
    Ok(builder)
}

/// Every certificate in a PEM bundle; at least one, and nothing unreadable.
#[cfg(any(feature = "rustls", feature = "native-tls"))]
fn certificates(pem: &[u8]) -> Result<Vec<ureq::tls::Certificate<'static>>, Error> {
    let mut certificates = Vec::new();
    for item in ureq::tls::parse_pem(pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(certificate)) => certificates.push(certificate),
            Ok(_) => {}
            Err(_) => return Err(ClientOptions::unreadable_root_certificates().into()),
        }
    }
    if certificates.is_empty() {
        return Err(ClientOptions::unreadable_root_certificates().into());
    }
    Ok(certificates)
}
