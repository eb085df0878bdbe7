//! HTTPS: a raw rustls client that trusts only the authority the emulator made.

#![allow(clippy::panic, clippy::unwrap_used)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use crate::support::{KEY, mint_request, parse, read_answer};
use gemini_token_emulator::Emulator;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{CertificateError, ClientConfig, ClientConnection, RootCertStore, StreamOwned};

type Tls = StreamOwned<ClientConnection, TcpStream>;

fn tls_emulator() -> Emulator {
    Emulator::builder().key(KEY).tls().start().unwrap()
}

/// A client configuration that trusts `authority` alone, on the ring provider
/// (the test links aws-lc-rs too, so there is no usable process default).
fn trusting(authority: &[u8]) -> Arc<ClientConfig> {
    let mut roots = RootCertStore::empty();
    roots.add(CertificateDer::from(authority.to_vec())).unwrap();
    let mut config =
        ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_root_certificates(roots)
            .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Arc::new(config)
}

/// Connects and completes the handshake for `name`.
fn connect(emulator: &Emulator, config: &Arc<ClientConfig>, name: &str) -> io::Result<Tls> {
    let tcp = TcpStream::connect(emulator.addr())?;
    tcp.set_read_timeout(Some(Duration::from_secs(10)))?;
    let conn = ClientConnection::new(
        Arc::clone(config),
        ServerName::try_from(name.to_owned()).unwrap(),
    )
    .unwrap();
    let mut stream = StreamOwned::new(conn, tcp);
    while stream.conn.is_handshaking() {
        stream.conn.complete_io(&mut stream.sock)?;
    }
    Ok(stream)
}

/// The TLS error inside an I/O error.
fn tls_error(error: &io::Error) -> Option<&rustls::Error> {
    error.get_ref()?.downcast_ref()
}

#[test]
fn mints_over_https_and_counts_one_handshake_per_connection() {
    let emulator = tls_emulator();
    let port = emulator.addr().port();
    assert_eq!(emulator.base_url(), format!("https://127.0.0.1:{port}"));
    let pem = emulator.ca_certificate_pem().unwrap();
    assert!(pem.starts_with("-----BEGIN CERTIFICATE-----\n"), "{pem}");
    let der = CertificateDer::from_pem_slice(pem.as_bytes()).unwrap();
    assert_eq!(der.as_ref(), emulator.ca_certificate_der().unwrap());
    let config = trusting(&der);

    // Two connections, three tokens each.
    let mut names = Vec::new();
    for host in ["127.0.0.1", "localhost"] {
        let mut stream = connect(&emulator, &config, host).unwrap();
        assert_eq!(stream.conn.alpn_protocol(), Some(&b"http/1.1"[..]));
        for _ in 0..3 {
            stream.write_all(&mint_request("{}", false)).unwrap();
            let answer = read_answer(&mut stream);
            assert_eq!(answer.status, 200);
            names.push(answer.json()["name"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        emulator
            .tokens()
            .into_iter()
            .map(|t| t.name)
            .collect::<Vec<_>>(),
        names
    );
    assert_eq!((emulator.connections(), emulator.handshakes()), (2, 2));

    // Connection: close ends with close_notify: a clean end of the stream.
    let mut stream = connect(&emulator, &config, "localhost").unwrap();
    stream.write_all(&mint_request("{}", true)).unwrap();
    let mut received = Vec::new();
    stream.read_to_end(&mut received).unwrap();
    assert_eq!(parse(&received).status, 200);
    assert_eq!(emulator.handshakes(), 3);
}

#[test]
fn a_client_that_does_not_trust_the_authority_fails_and_others_go_on() {
    let emulator = tls_emulator();
    let stranger = tls_emulator();
    let error = connect(
        &emulator,
        &trusting(stranger.ca_certificate_der().unwrap()),
        "localhost",
    )
    .map(|_| ())
    .unwrap_err();
    assert_eq!(
        tls_error(&error),
        Some(&rustls::Error::InvalidCertificate(
            CertificateError::UnknownIssuer
        ))
    );

    let mut stream = connect(
        &emulator,
        &trusting(emulator.ca_certificate_der().unwrap()),
        "localhost",
    )
    .unwrap();
    stream.write_all(&mint_request("{}", false)).unwrap();
    assert_eq!(read_answer(&mut stream).status, 200);
    assert_eq!(emulator.tokens().len(), 1);
    assert_eq!((emulator.connections(), emulator.handshakes()), (2, 1));
}

#[test]
fn the_certificate_names_127_0_0_1_and_localhost() {
    let emulator = tls_emulator();
    let config = trusting(emulator.ca_certificate_der().unwrap());
    let error = connect(&emulator, &config, "example.com")
        .map(|_| ())
        .unwrap_err();
    assert_eq!(
        tls_error(&error),
        Some(&rustls::Error::InvalidCertificate(
            CertificateError::NotValidForNameContext {
                expected: ServerName::try_from("example.com").unwrap(),
                presented: vec![
                    "IpAddress(127.0.0.1)".to_owned(),
                    "DnsName(\"localhost\")".to_owned()
                ],
            }
        ))
    );
}

#[test]
fn the_authority_is_written_where_asked_and_only_over_https() {
    let emulator = tls_emulator();
    let path = std::env::temp_dir().join(format!(
        "gemini-token-emulator-ca-{}-{}.pem",
        std::process::id(),
        emulator.addr().port()
    ));
    emulator.write_ca_certificate(&path).unwrap();
    let written = std::fs::read_to_string(&path).unwrap();
    std::fs::remove_file(&path).unwrap();
    assert_eq!(Some(written.as_str()), emulator.ca_certificate_pem());

    let plain = Emulator::builder().key(KEY).start().unwrap();
    assert_eq!(plain.base_url(), format!("http://{}", plain.addr()));
    assert_eq!(plain.ca_certificate_pem(), None);
    let refused = plain.write_ca_certificate(&path).unwrap_err();
    assert_eq!(
        (refused.kind(), refused.to_string()),
        (
            io::ErrorKind::InvalidInput,
            "the emulator serves plain HTTP and has no CA certificate; \
             start it with EmulatorBuilder::tls()"
                .to_owned()
        )
    );
    assert!(!path.exists());
}

#[test]
fn a_handshake_that_never_comes_is_cut_at_the_request_timeout() {
    let emulator = Emulator::builder()
        .key(KEY)
        .tls()
        .request_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    let mut silent = TcpStream::connect(emulator.addr()).unwrap();
    silent
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut received = Vec::new();
    assert_eq!(silent.read_to_end(&mut received).unwrap(), 0);
    assert_eq!((emulator.connections(), emulator.handshakes()), (1, 0));
}

#[test]
fn on_another_loopback_address_the_certificate_names_it_too() {
    let other = std::net::Ipv4Addr::new(127, 0, 0, 2);
    let emulator = Emulator::builder()
        .key(KEY)
        .addr((other, 0).into())
        .tls()
        .start()
        .unwrap();
    let config = trusting(emulator.ca_certificate_der().unwrap());
    for name in ["127.0.0.2", "127.0.0.1", "localhost"] {
        let mut stream = connect(&emulator, &config, name).unwrap();
        stream.write_all(&mint_request("{}", false)).unwrap();
        assert_eq!(read_answer(&mut stream).status, 200, "{name}");
    }
}

#[test]
fn over_https_an_idle_connection_is_closed_and_a_reset_is_a_reset() {
    let emulator = Emulator::builder()
        .key(KEY)
        .idle_timeout(Duration::from_millis(300))
        .tls()
        .start()
        .unwrap();
    let config = trusting(emulator.ca_certificate_der().unwrap());
    // Idle past the timeout: closed, with close_notify.
    let mut stream = connect(&emulator, &config, "127.0.0.1").unwrap();
    let mut received = Vec::new();
    assert_eq!(stream.read_to_end(&mut received).unwrap(), 0);

    // A reset fault resets the TCP connection under TLS too.
    emulator.push_fault(gemini_token_emulator::Fault::Reset);
    let mut stream = connect(&emulator, &config, "127.0.0.1").unwrap();
    stream.write_all(&mint_request("{}", true)).unwrap();
    let error = stream.read_to_end(&mut received).unwrap_err();
    assert_eq!(error.kind(), io::ErrorKind::ConnectionReset);
}
