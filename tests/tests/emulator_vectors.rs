//! Every request the vectors make, sent to the emulator: the core's requests and the
//! emulator's rules must agree, and the stored token must be what was sent.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use gemini_token_conformance::check_every_vector;
use gemini_token_core::timestamp::parse_rfc3339;
use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, prepare};
use gemini_token_emulator::Emulator;
use serde_json::Value;
use time::OffsetDateTime;

/// Sends `request` over a new connection: the least HTTP/1.1 that the emulator takes.
fn send(request: &http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let authority = request.uri().authority().unwrap().as_str().to_owned();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {authority}\r\n",
        request.method(),
        request.uri().path()
    );
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        request.body().len()
    ));
    let mut stream = TcpStream::connect(&authority).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(request.body()).unwrap();
    let mut received = Vec::new();
    stream.read_to_end(&mut received).unwrap();
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(at) = parsed.parse(&received).unwrap() else {
        panic!("incomplete")
    };
    let mut response = http::Response::new(received[at..].to_vec());
    *response.status_mut() = http::StatusCode::from_u16(parsed.code.unwrap()).unwrap();
    response
}

#[test]
fn the_emulator_mints_every_request_the_vectors_make() {
    let clock = Arc::new(Mutex::new(OffsetDateTime::UNIX_EPOCH));
    let read = Arc::clone(&clock);
    let emulator = Emulator::builder()
        .key("AIzaSy-vector-key")
        .clock(move || *read.lock().unwrap())
        .start()
        .unwrap();
    let key = ApiKey::new(emulator.key()).unwrap();
    let mut minted = 0;
    check_every_vector(|vector| {
        if vector.expect.body.is_none() {
            return Vec::new();
        }
        let now = parse_rfc3339(&vector.now).unwrap();
        *clock.lock().unwrap() = now;
        let version = vector
            .url_suffix()
            .trim_start_matches('/')
            .trim_end_matches("/auth_tokens");
        let endpoint = Endpoint::new(emulator.base_url(), version).unwrap();
        let config =
            CreateAuthTokenConfig::from_json(&serde_json::to_vec(&vector.config).unwrap()).unwrap();
        // The vectors' http_options name the real service's version only; the base URL
        // is the emulator's.
        let prepared = prepare(&config, &endpoint, &key, now).unwrap();
        let sent: Value = serde_json::from_slice(prepared.request().body()).unwrap();
        let response = send(prepared.request());
        let token = match prepared.parser().parse(&response) {
            Ok(token) => token,
            Err(e) => return vec![format!("refused by the emulator: {e}")],
        };
        minted += 1;
        let stored = emulator.tokens().pop().unwrap();
        let mut problems = Vec::new();
        if stored.name != token.secret() {
            problems.push("the token returned is not the one stored".to_owned());
        }
        if stored.bidi_generate_content_setup.as_ref() != sent.get("bidiGenerateContentSetup") {
            problems.push(format!(
                "stored setup {:?}",
                stored.bidi_generate_content_setup
            ));
        }
        if stored.field_mask.as_deref() != sent.get("fieldMask").and_then(Value::as_str) {
            problems.push(format!("stored mask {:?}", stored.field_mask));
        }
        if stored.expire_time != token.expire_time() || stored.uses != token.uses() {
            problems.push(format!("stored {stored:?}, token says {token:?}"));
        }
        problems
    });
    assert_eq!(minted, 81);
}
