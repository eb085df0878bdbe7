//! HTTPS: a certificate authority made at start, a server certificate it signs for
//! `127.0.0.1` and `localhost`, and `rustls` on the `ring` provider, chosen here
//! rather than taken from the process default (which is ambiguous, and panics, when
//! both `ring` and `aws-lc-rs` are linked).

use std::fmt;
use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, TcpStream};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Instant;

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use rustls::{ServerConfig, ServerConnection, StreamOwned};
use time::{Duration, OffsetDateTime};

use crate::http;
use crate::server::{Shared, Slot};
use crate::transport::{TimedSocket, Transport};

/// How long the certificates are valid: from a day before start (clocks differ) to
/// 30 days after; a new pair is made at every start.
const VALID_BEFORE: Duration = Duration::days(1);
const VALID_AFTER: Duration = Duration::days(30);

/// The server's TLS setup and the authority clients must trust.
pub(crate) struct Tls {
    config: Arc<ServerConfig>,
    ca_pem: String,
    ca_der: CertificateDer<'static>,
}

impl fmt::Debug for Tls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

impl Tls {
    /// Makes the authority and the server certificate, for `127.0.0.1`, `localhost`
    /// and `ip` (the address listened on, when it is another).
    pub(crate) fn generate(ip: IpAddr) -> io::Result<Self> {
        let failed = |e: rcgen::Error| {
            io::Error::other(format!("making the emulator's TLS certificate failed: {e}"))
        };
        let now = OffsetDateTime::now_utc();

        // A name of its own for each authority: a client still trusting one from an
        // earlier run then reports an unknown issuer, not a bad signature.
        let run = crate::service::random_hex::<6>()
            .ok_or_else(|| io::Error::other("the OS random generator failed"))?;
        let mut ca_params = CertificateParams::default();
        ca_params.distinguished_name = rcgen::DistinguishedName::new();
        ca_params.distinguished_name.push(
            DnType::CommonName,
            format!("gemini-token emulator CA {run}"),
        );
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        ca_params.not_before = now - VALID_BEFORE;
        ca_params.not_after = now + VALID_AFTER;
        let ca_key = KeyPair::generate().map_err(failed)?;
        let ca_cert = ca_params.self_signed(&ca_key).map_err(failed)?;
        let issuer = Issuer::new(ca_params, ca_key);

        let mut names = vec![
            SanType::IpAddress(IpAddr::V4(Ipv4Addr::LOCALHOST)),
            SanType::DnsName("localhost".try_into().map_err(failed)?),
        ];
        if !ip.is_unspecified() && ip != IpAddr::V4(Ipv4Addr::LOCALHOST) {
            names.push(SanType::IpAddress(ip));
        }
        let mut leaf_params = CertificateParams::default();
        leaf_params.distinguished_name = rcgen::DistinguishedName::new();
        leaf_params
            .distinguished_name
            .push(DnType::CommonName, "gemini-token emulator");
        leaf_params.subject_alt_names = names;
        leaf_params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        leaf_params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        leaf_params.use_authority_key_identifier_extension = true;
        leaf_params.not_before = now - VALID_BEFORE;
        leaf_params.not_after = now + VALID_AFTER;
        let leaf_key = KeyPair::generate().map_err(failed)?;
        let leaf_cert = leaf_params.signed_by(&leaf_key, &issuer).map_err(failed)?;

        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .and_then(|builder| {
                builder
                    .with_no_client_auth()
                    .with_single_cert(vec![leaf_cert.der().clone(), ca_cert.der().clone()], key)
            })
            .map_err(|e| io::Error::other(format!("the emulator's TLS setup failed: {e}")))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            config: Arc::new(config),
            ca_pem: ca_cert.pem(),
            ca_der: ca_cert.der().clone(),
        })
    }

    /// The authority, in PEM.
    pub(crate) fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// The authority, in DER.
    pub(crate) fn ca_der(&self) -> &[u8] {
        self.ca_der.as_ref()
    }

    /// Serves one connection: the handshake, within the request timeout, then HTTP.
    pub(crate) fn serve(&self, tcp: TcpStream, shared: &Shared, slot: &Slot) {
        let Ok(conn) = ServerConnection::new(Arc::clone(&self.config)) else {
            return;
        };
        let mut stream = StreamOwned::new(conn, TimedSocket::new(tcp));
        stream
            .sock
            .set_deadline(Some(Instant::now() + shared.limits.request_timeout));
        while stream.conn.is_handshaking() {
            match stream.conn.complete_io(&mut stream.sock) {
                Ok((0, 0)) | Err(_) => return,
                Ok(_) => {}
            }
        }
        shared.counters.handshakes.fetch_add(1, Ordering::SeqCst);
        if shared.handshake_done(slot) {
            http::serve_connection(&mut stream, shared, slot);
        }
    }
}

impl Transport for StreamOwned<ServerConnection, TimedSocket> {
    fn set_deadline(&mut self, deadline: Option<Instant>) {
        self.sock.set_deadline(deadline);
    }

    fn tcp(&self) -> Option<&TcpStream> {
        self.sock.tcp()
    }

    fn close(&mut self, drain: bool) {
        self.conn.send_close_notify();
        while self.conn.wants_write() {
            match self.conn.write_tls(&mut self.sock) {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        let _ = self.sock.flush();
        self.sock.shut(drain);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn its_debug_shows_nothing_of_the_keys() {
        let tls = Tls::generate(IpAddr::V4(Ipv4Addr::LOCALHOST));
        assert_eq!(
            tls.map(|t| format!("{t:?}")).ok().as_deref(),
            Some("Tls { .. }")
        );
    }
}
