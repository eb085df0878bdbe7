//! Both clients mint over HTTPS with the TLS library this build chose (CI runs this
//! file with the `rustls` feature alone and with `native-tls` alone), trusting only the
//! emulator's certificate authority.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use gemini_token_conformance::clients::{FLAVORS, Settings, mint};
use gemini_token_core::{CreateAuthTokenConfig, Error, RetryPolicy, TransportErrorKind};
use gemini_token_emulator::Emulator;

fn trusting(emulator: &Emulator) -> Settings {
    let mut settings = Settings::new(emulator.base_url(), emulator.key());
    settings.root_certificates = emulator.ca_certificate_pem().map(str::to_owned);
    settings
}

#[test]
fn both_clients_mint_over_https_trusting_only_the_given_ca() {
    for flavor in FLAVORS {
        let emulator = Emulator::builder().tls().start().unwrap();
        let base = emulator.base_url();
        assert!(base.starts_with("https://127.0.0.1:"), "{base}");
        let token = mint(flavor, &trusting(&emulator), &CreateAuthTokenConfig::new()).unwrap();
        let stored: Vec<String> = emulator.tokens().into_iter().map(|t| t.name).collect();
        assert_eq!(stored, [token.secret()], "{flavor:?}");
        assert_eq!(
            token.live_url(),
            format!(
                "wss://127.0.0.1:{}/ws/google.ai.generativelanguage.v1alpha.GenerativeService.\
                 BidiGenerateContentConstrained?access_token={}",
                emulator.addr().port(),
                token.secret().replace('/', "%2F")
            ),
            "{flavor:?}"
        );
        assert_eq!(emulator.handshakes(), 1, "{flavor:?}");
    }
}

#[test]
fn a_server_whose_authority_is_not_trusted_is_never_sent_a_request() {
    for flavor in FLAVORS {
        let emulator = Emulator::builder().tls().start().unwrap();
        let mut untrusting = Settings::new(emulator.base_url(), emulator.key());
        untrusting.retry = RetryPolicy::none();
        match mint(flavor, &untrusting, &CreateAuthTokenConfig::new()) {
            Err(Error::Transport(e)) => {
                assert_eq!(e.kind(), TransportErrorKind::Connect, "{flavor:?}: {e:?}");
            }
            other => panic!("{flavor:?}: want a refused handshake, got {other:?}"),
        }
        assert_eq!(
            (emulator.mint_requests(), emulator.handshakes()),
            (0, 0),
            "{flavor:?}"
        );
        // The emulator still serves a client that trusts it.
        mint(flavor, &trusting(&emulator), &CreateAuthTokenConfig::new()).unwrap();
        assert_eq!(emulator.tokens().len(), 1, "{flavor:?}");
    }
}

#[test]
fn root_certificates_that_cannot_be_read_are_refused_when_built() {
    let garbled = "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n";
    for flavor in FLAVORS {
        for (pem, message) in [
            (
                "no certificate here",
                "holds no PEM certificate: give CA certificates as \
                 `-----BEGIN CERTIFICATE-----` blocks",
            ),
            (
                garbled,
                "is not a readable PEM bundle of CA certificates \
                 (`-----BEGIN CERTIFICATE-----` blocks)",
            ),
        ] {
            let mut settings = Settings::new("https://127.0.0.1:1", "k");
            settings.root_certificates = Some(pem.to_owned());
            match mint(flavor, &settings, &CreateAuthTokenConfig::new()) {
                Err(Error::Config(e)) => assert_eq!(
                    (e.path(), e.message()),
                    ("root_certificates", message),
                    "{flavor:?}"
                ),
                other => panic!("{flavor:?}: want a config error, got {other:?}"),
            }
        }
    }
}

/// Concurrent mints over one client: each connection is set up once and reused, so
/// the TLS handshakes the emulator sees are bounded by the mints in flight, not by the
/// tokens. (ureq keeps only 3 idle connections per host unless told otherwise: with
/// more threads, nearly every token paid a new handshake.) ureq opens a connection
/// only when none is idle: at most one per thread. hyper, under reqwest, also races a
/// new connection against a busy one being freed, and pools the loser: at most one
/// more per mint in flight, once, while the pool warms up.
#[test]
fn concurrent_mints_cost_no_more_handshakes_than_mints_in_flight() {
    const IN_FLIGHT: usize = 8;
    const EACH: usize = 8;
    let config = CreateAuthTokenConfig::new();

    let emulator = Emulator::builder().tls().start().unwrap();
    let client = trusting(&emulator)
        .build::<gemini_token_ureq::Client>()
        .unwrap();
    let start = std::sync::Barrier::new(IN_FLIGHT);
    std::thread::scope(|scope| {
        for _ in 0..IN_FLIGHT {
            scope.spawn(|| {
                start.wait();
                for _ in 0..EACH {
                    client.create(&config).unwrap();
                }
            });
        }
    });
    assert_eq!(emulator.tokens().len(), IN_FLIGHT * EACH);
    let handshakes = emulator.handshakes();
    assert!(
        (1..=IN_FLIGHT as u64).contains(&handshakes),
        "ureq: {handshakes} handshakes for {} tokens, {IN_FLIGHT} at a time",
        IN_FLIGHT * EACH
    );

    let emulator = Emulator::builder().tls().start().unwrap();
    let client = trusting(&emulator)
        .build::<gemini_token_reqwest::Client>()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let tasks: Vec<_> = (0..IN_FLIGHT)
            .map(|_| {
                let client = client.clone();
                let config = config.clone();
                tokio::spawn(async move {
                    for _ in 0..EACH {
                        client.create(&config).await.unwrap();
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
    });
    assert_eq!(emulator.tokens().len(), IN_FLIGHT * EACH);
    let handshakes = emulator.handshakes();
    assert!(
        (1..=2 * IN_FLIGHT as u64).contains(&handshakes),
        "reqwest: {handshakes} handshakes for {} tokens, {IN_FLIGHT} at a time",
        IN_FLIGHT * EACH
    );
}
