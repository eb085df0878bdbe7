//! Both clients at the transport's edges, against a scripted loopback server: an
//! answer of exactly the body cap and one byte more (with a length and chunked), the
//! clock a token's default times are counted from, the wait a server asks for, and a
//! config's timeout. Without a TLS feature (`cargo test -p gemini-token-conformance
//! --no-default-features --test transport_edges`), each client refuses HTTPS when
//! built.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use gemini_token_conformance::clients::{FLAVORS, Flavor, Settings, mint};
use gemini_token_core::{
    AuthToken, CreateAuthTokenConfig, Error, HttpOptions, RetryPolicy, TransportErrorKind,
};
use time::OffsetDateTime;

/// Serves each answer in `answers` to one connection, in order, on 127.0.0.1.
fn serve(answers: Vec<Vec<u8>>) -> String {
    serve_timed(answers).0
}

/// [`serve`], telling when each connection was accepted.
fn serve_timed(answers: Vec<Vec<u8>>) -> (String, mpsc::Receiver<Instant>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (accepted, times) = mpsc::channel();
    thread::spawn(move || {
        for answer in answers {
            let Ok((stream, _)) = listener.accept() else {
                return;
            };
            let _ = accepted.send(Instant::now());
            answer_one(stream, &answer, Duration::ZERO);
        }
    });
    (url, times)
}

/// Serves `answer` to one connection, `delay` after reading the request.
fn serve_late(delay: Duration, answer: Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            answer_one(stream, &answer, delay);
        }
    });
    url
}

fn answer_one(stream: TcpStream, answer: &[u8], delay: Duration) {
    let mut reader = BufReader::new(stream);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        if let Some(value) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = value.trim().parse().unwrap();
        }
        if line == "\r\n" {
            break;
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).unwrap();
    thread::sleep(delay);
    let mut stream = reader.into_inner();
    let _ = stream.write_all(answer);
    let _ = stream.flush();
}

/// A token answer whose body is exactly `size` bytes.
fn token_body(size: usize) -> String {
    let frame = r#"{"name":"auth_tokens/"}"#.len();
    format!(r#"{{"name":"auth_tokens/{}"}}"#, "x".repeat(size - frame))
}

fn with_length(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// `body` in two chunks, the first of 10 bytes, with no length given.
fn chunked(body: &str) -> Vec<u8> {
    let (a, b) = body.split_at(10);
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\
         connection: close\r\n\r\n{:x}\r\n{a}\r\n{:x}\r\n{b}\r\n0\r\n\r\n",
        a.len(),
        b.len()
    )
    .into_bytes()
}

/// Settings for the scripted server at `url`: answers up to `cap` bytes, 20 s per
/// attempt.
fn settings(url: &str, cap: usize, retry: RetryPolicy) -> Settings {
    let mut settings = Settings::new(url, "AIzaSy-transport-edges");
    settings.max_response_bytes = cap;
    settings.timeout = Duration::from_secs(20);
    settings.retry = retry;
    settings
}

fn mint_once(flavor: Flavor, url: &str, cap: usize) -> Result<AuthToken, Error> {
    mint(
        flavor,
        &settings(url, cap, RetryPolicy::none()),
        &CreateAuthTokenConfig::new(),
    )
}

const CAP: usize = 200;

#[test]
fn an_answer_of_exactly_the_cap_is_read_and_one_byte_more_is_refused() {
    for flavor in FLAVORS {
        for frame in [with_length, chunked] {
            let exact = token_body(CAP);
            let token = mint_once(flavor, &serve(vec![frame(&exact)]), CAP).unwrap();
            assert_eq!(token.secret().len(), CAP - r#"{"name":""}"#.len());

            let over = token_body(CAP + 1);
            match mint_once(flavor, &serve(vec![frame(&over)]), CAP) {
                Err(Error::Transport(e)) => {
                    assert_eq!(e.kind(), TransportErrorKind::BodyTooLarge, "{flavor:?}");
                    assert_eq!(
                        e.to_string(),
                        "the answer's body is larger than the limit of 200 bytes"
                    );
                }
                other => panic!("{flavor:?}: want BodyTooLarge, got {other:?}"),
            }
        }
    }
}

#[test]
fn default_times_are_counted_from_the_clock() {
    for flavor in FLAVORS {
        let before = OffsetDateTime::now_utc();
        let token = mint_once(flavor, &serve(vec![with_length(&token_body(40))]), CAP).unwrap();
        let after = OffsetDateTime::now_utc();
        // The service's defaults: 30 minutes to expire, 60 s to start a session.
        assert!(token.expire_time() >= before + time::Duration::minutes(30));
        assert!(token.expire_time() <= after + time::Duration::minutes(30));
        assert!(token.new_session_expire_time() >= before + time::Duration::seconds(60));
        assert!(token.new_session_expire_time() <= after + time::Duration::seconds(60));
    }
}

#[test]
fn the_wait_a_server_asks_for_is_slept() {
    let busy = r#"{"error":{"code":429,"message":"slow down","status":"RESOURCE_EXHAUSTED",
        "details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]}}"#;
    let first = format!(
        "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n\
         content-length: {}\r\nconnection: close\r\n\r\n{busy}",
        busy.len()
    );
    for flavor in FLAVORS {
        let (url, accepted) = serve_timed(vec![
            first.clone().into_bytes(),
            with_length(&token_body(40)),
        ]);
        let token = mint(
            flavor,
            &settings(&url, CAP, RetryPolicy::default()),
            &CreateAuthTokenConfig::new(),
        )
        .unwrap();
        // The second attempt waited for the delay asked, counted from the first
        // connection: a sleep lasts at least as long as asked, so this never fails
        // spuriously, while without the sleep the gap is a few milliseconds.
        let first_at = accepted.recv().unwrap();
        let second_at = accepted.recv().unwrap();
        assert!(
            second_at - first_at >= Duration::from_millis(1500),
            "{flavor:?}"
        );
        assert_eq!(token.secret().len(), 40 - r#"{"name":""}"#.len());
    }
}

#[test]
fn a_configs_timeout_replaces_the_clients_for_its_request() {
    for flavor in FLAVORS {
        // The client waits 20 s; the config 300 ms; the server answers after 3 s.
        let url = serve_late(Duration::from_secs(3), with_length(&token_body(40)));
        let config = CreateAuthTokenConfig::new().http_options(HttpOptions::new().timeout(300u64));
        match mint(flavor, &settings(&url, CAP, RetryPolicy::none()), &config) {
            Err(Error::Transport(e)) => {
                assert_eq!(e.kind(), TransportErrorKind::Timeout, "{flavor:?}");
                assert_eq!(e.to_string(), "no answer within 300ms");
            }
            other => panic!("{flavor:?}: want a timeout, got {other:?}"),
        }
    }
}

/// Without a TLS feature only plain HTTP to this machine works, and each client says
/// so, naming its crate, when it is built.
#[cfg(not(any(feature = "rustls", feature = "native-tls")))]
#[test]
fn without_a_tls_feature_https_is_refused_when_built() {
    let pem = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";
    for (flavor, name) in [
        (Flavor::Async, "gemini-token-reqwest"),
        (Flavor::Blocking, "gemini-token-ureq"),
    ] {
        let refused = |base: &str, roots: Option<&str>| {
            let mut settings = settings(base, CAP, RetryPolicy::none());
            settings.root_certificates = roots.map(str::to_owned);
            match mint(flavor, &settings, &CreateAuthTokenConfig::new()) {
                Err(Error::Config(e)) => Some((e.path().to_owned(), e.message().to_owned())),
                Err(_) => None,
                Ok(token) => panic!("{flavor:?}: minted {token:?} from {base}"),
            }
        };
        let why = format!(
            "HTTPS needs the `rustls` or `native-tls` feature of {name}; without either only \
             plain HTTP to this machine works"
        );
        assert_eq!(
            refused("https://example.com", None),
            Some(("base_url".to_owned(), why.clone()))
        );
        assert_eq!(
            refused("http://127.0.0.1:1", Some(pem)),
            Some(("root_certificates".to_owned(), why))
        );
        // Plain HTTP to this machine is built and tried: nothing listens, no config error.
        assert_eq!(refused("http://127.0.0.1:1", None), None);
    }
}
