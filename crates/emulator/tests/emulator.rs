//! The emulator over real sockets: every rule of the service, and every fault.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use gemini_token_emulator::{Emulator, Fault, MASK_INVALID, MASK_MISSES_FIELDS, PROXY_ERROR_PAGE};
use serde_json::{Value, json};
use time::macros::datetime;

const KEY: &str = "emulator-test-key";

fn emulator() -> Emulator {
    Emulator::builder()
        .key(KEY)
        .clock(|| datetime!(2026-01-01 00:00 UTC))
        .start()
        .unwrap()
}

/// An answer as received.
#[derive(Debug)]
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Answer {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&self.body)))
    }

    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Sends one request on a new connection and reads until the server closes it.
fn exchange(addr: SocketAddr, raw: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    stream.write_all(raw)?;
    let mut received = Vec::new();
    stream.read_to_end(&mut received)?;
    Ok(received)
}

fn request(method: &str, path: &str, key: Option<&str>, body: &str) -> Vec<u8> {
    let key = key
        .map(|k| format!("x-goog-api-key: {k}\r\n"))
        .unwrap_or_default();
    format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n{key}\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn parse(received: &[u8]) -> Answer {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(head) = response.parse(received).unwrap() else {
        panic!("incomplete head: {:?}", String::from_utf8_lossy(received));
    };
    Answer {
        status: response.code.unwrap(),
        headers: response
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_owned(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect(),
        body: received[head..].to_vec(),
    }
}

fn mint(emulator: &Emulator, body: &str) -> Answer {
    parse(
        &exchange(
            emulator.addr(),
            &request("POST", "/v1alpha/auth_tokens", Some(KEY), body),
        )
        .unwrap(),
    )
}

/// The Google error JSON for a 400 naming `field` with `message`.
fn bad_request(field: &str, message: &str) -> Value {
    json!({"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT", "details": [{
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": [{"field": field, "description": message}],
    }]}})
}

#[test]
fn mints_a_random_token_with_the_defaults_and_keeps_it() {
    let emulator = emulator();
    let answer = mint(&emulator, "{}");
    assert_eq!(answer.status, 200);
    assert_eq!(
        answer.header("content-type"),
        Some("application/json; charset=UTF-8")
    );
    let body = answer.json();
    let name = body["name"].as_str().unwrap().to_owned();
    assert_eq!(body, json!({ "name": name }), "nothing but the name");
    let hex = name.strip_prefix("auth_tokens/").unwrap();
    assert_eq!(hex.len(), 64);
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );

    let second = mint(&emulator, "{}").json()["name"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(name, second);

    let tokens = emulator.tokens();
    assert_eq!(tokens.len(), 2);
    assert_eq!(tokens[0].name, name);
    assert_eq!(tokens[0].uses, 1);
    assert_eq!(tokens[0].expire_time, datetime!(2026-01-01 00:30 UTC));
    assert_eq!(
        tokens[0].new_session_expire_time,
        datetime!(2026-01-01 00:01 UTC)
    );
    assert_eq!(tokens[0].api_version, "v1alpha");
    assert!(
        !format!("{:?}", tokens[0]).contains(hex),
        "Debug hides the token"
    );
    assert_eq!(emulator.mint_requests(), 2);
}

#[test]
fn keeps_constraints_and_lists_them_as_json() {
    let emulator = emulator();
    let body = r#"{"uses": 0, "expire_time": "2026-01-01T01:00:00Z", "newSessionExpireTime": "2026-01-01T00:05:00+00:00",
        "bidiGenerateContentSetup": {"model": "models/m", "generationConfig": {"temperature": 0.5}},
        "fieldMask": "model,generationConfig.temperature"}"#;
    let answer = parse(
        &exchange(
            emulator.addr(),
            &request("POST", "/v1beta/auth_tokens", Some(KEY), body),
        )
        .unwrap(),
    );
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let listed = parse(
        &exchange(
            emulator.addr(),
            &request("GET", "/emulator/tokens", None, ""),
        )
        .unwrap(),
    )
    .json();
    let name = answer.json()["name"].clone();
    assert_eq!(
        listed,
        json!({"tokens": [{
            "name": name,
            "uses": 0,
            "expireTime": "2026-01-01T01:00:00Z",
            "newSessionExpireTime": "2026-01-01T00:05:00Z",
            "bidiGenerateContentSetup": {"model": "models/m", "generationConfig": {"temperature": 0.5}},
            "fieldMask": "model,generationConfig.temperature",
            "apiVersion": "v1beta",
            "mintedAt": "2026-01-01T00:00:00Z",
        }]})
    );
}

#[test]
fn the_key_is_checked_first() {
    let emulator = emulator();
    let missing = parse(
        &exchange(
            emulator.addr(),
            &request("POST", "/v1alpha/auth_tokens", None, "{}"),
        )
        .unwrap(),
    );
    assert_eq!(missing.status, 403);
    assert_eq!(
        missing.json(),
        json!({"error": {"code": 403, "status": "PERMISSION_DENIED", "message":
            "Method doesn't allow unregistered callers (callers without established identity). \
             Please use API Key or other form of API consumer identity to call this API."}})
    );
    let wrong = parse(
        &exchange(
            emulator.addr(),
            &request(
                "POST",
                "/v1alpha/auth_tokens",
                Some("nope"),
                "{\"bogus\":1}",
            ),
        )
        .unwrap(),
    );
    assert_eq!(wrong.status, 400);
    assert_eq!(
        wrong.json(),
        json!({"error": {"code": 400, "status": "INVALID_ARGUMENT",
            "message": "API key not valid. Please pass a valid API key.",
            "details": [
                {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID",
                 "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
                {"@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US",
                 "message": "API key not valid. Please pass a valid API key."}]}})
    );
    let query = parse(
        &exchange(
            emulator.addr(),
            &request(
                "POST",
                &format!("/v1alpha/auth_tokens?key={KEY}"),
                None,
                "{}",
            ),
        )
        .unwrap(),
    );
    assert_eq!(query.status, 200);
    assert_eq!(emulator.tokens().len(), 1);
}

#[test]
fn bodies_are_checked_like_the_service() {
    let emulator = emulator();
    let cases: Vec<(&str, Value)> = vec![
        (
            r#"{"uses": 1, "bogus": 2}"#,
            bad_request(
                "auth_token",
                "Invalid JSON payload received. Unknown name \"bogus\" at 'auth_token': Cannot find field.",
            ),
        ),
        (
            r#"{"bidiGenerateContentSetup": {"generationConfig": {"temprature": 1}}}"#,
            bad_request(
                "auth_token.bidi_generate_content_setup.generation_config",
                "Invalid JSON payload received. Unknown name \"temprature\" at \
                 'auth_token.bidi_generate_content_setup.generation_config': Cannot find field.",
            ),
        ),
        (
            r#"{"expireTime": "2026-01-01 01:00:00"}"#,
            bad_request(
                "auth_token.expire_time",
                "Invalid value at 'auth_token.expire_time' (type.googleapis.com/google.protobuf.Timestamp), \"2026-01-01 01:00:00\"",
            ),
        ),
        (
            r#"{"expireTime": "2025-12-31T23:59:59Z"}"#,
            bad_request(
                "auth_token.expire_time",
                "expire_time must be in the future",
            ),
        ),
        (
            r#"{"expireTime": "2026-01-01T20:00:00Z"}"#,
            bad_request(
                "auth_token.expire_time",
                "expire_time is too far in the future. Maximum lifetime is 20h",
            ),
        ),
        (
            r#"{"newSessionExpireTime": "2026-01-02T00:00:00Z"}"#,
            bad_request(
                "auth_token.new_session_expire_time",
                "new_session_expire_time is too far in the future. Maximum lifetime is 20h",
            ),
        ),
        (
            r#"{"uses": -1}"#,
            bad_request(
                "auth_token.uses",
                "Invalid value at 'auth_token.uses' (TYPE_INT32), -1",
            ),
        ),
        (
            r#"{"bidiGenerateContentSetup": {"model": "models/m", "generationConfig": {"temperature": 1}}, "fieldMask": "model"}"#,
            bad_request("auth_token.field_mask", MASK_MISSES_FIELDS),
        ),
        (
            r#"{"bidiGenerateContentSetup": {"tools": [{"codeExecution": {}}]}, "fieldMask": "tools.0"}"#,
            bad_request("auth_token.field_mask", MASK_INVALID),
        ),
        (
            r#"{"fieldMask": "not_a_field"}"#,
            bad_request("auth_token.field_mask", MASK_INVALID),
        ),
        (
            r#"{"fieldMask": "temperature"}"#,
            bad_request("auth_token.field_mask", MASK_INVALID),
        ),
        (
            "[1]",
            json!({"error": {"code": 400, "status": "INVALID_ARGUMENT",
                "message": "Invalid JSON payload received. Unknown name \"\": Root element must be a message.",
                "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [
                    {"description": "Invalid JSON payload received. Unknown name \"\": Root element must be a message."}]}]}}),
        ),
    ];
    for (body, want) in cases {
        let answer = mint(&emulator, body);
        assert_eq!((answer.status, answer.json()), (400, want), "{body}");
    }
    assert!(emulator.tokens().is_empty());
    assert_eq!(emulator.mint_requests(), 12);

    // What the service accepts: 19h59m, a mask that covers through a parent path,
    // proto (snake_case) field names at the top level.
    for body in [
        r#"{"expireTime": "2026-01-01T19:59:00Z"}"#,
        r#"{"bidiGenerateContentSetup": {"model": "m", "generationConfig": {"temperature": 1, "topK": 2}}, "fieldMask": "model,generationConfig"}"#,
        r#"{"expire_time": "2026-01-01T01:00:00Z", "uses": 2, "field_mask": "generation_config.temperature"}"#,
    ] {
        assert_eq!(mint(&emulator, body).status, 200, "{body}");
    }
    assert_eq!(
        emulator.tokens()[2].field_mask.as_deref(),
        Some("generation_config.temperature")
    );
}

#[test]
fn other_paths_and_methods_are_404_with_no_body() {
    let emulator = emulator();
    for (method, path) in [
        ("POST", "/v1/auth_tokens"),
        ("GET", "/v1alpha/auth_tokens"),
        ("POST", "/v1alpha/models"),
        ("DELETE", "/emulator/tokens"),
    ] {
        let answer =
            parse(&exchange(emulator.addr(), &request(method, path, Some(KEY), "{}")).unwrap());
        assert_eq!(
            (answer.status, answer.body.len()),
            (404, 0),
            "{method} {path}"
        );
    }
    assert_eq!(emulator.mint_requests(), 0);
}

#[test]
fn status_faults_answer_as_scripted_then_the_service_resumes() {
    let emulator = emulator();
    emulator.push_fault(Fault::quota_exceeded(Some("57s")));
    emulator.push_fault(Fault::unavailable());
    emulator.push_fault(Fault::parse("status=500").unwrap());
    let quota = mint(&emulator, "{}");
    assert_eq!(quota.status, 429);
    assert_eq!(
        quota.json(),
        json!({"error": {"code": 429, "status": "RESOURCE_EXHAUSTED",
            "message": "Resource has been exhausted (e.g. check quota).",
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "57s"}]}})
    );
    let unavailable = mint(&emulator, "{}");
    assert_eq!(
        (unavailable.status, unavailable.json()),
        (
            503,
            json!({"error": {"code": 503, "status": "UNAVAILABLE", "message": "The service is currently unavailable."}})
        )
    );
    let internal = mint(&emulator, "{}");
    assert_eq!((internal.status, internal.body.len()), (500, 0));
    assert!(
        emulator.tokens().is_empty(),
        "a faulted request mints nothing"
    );
    assert_eq!(mint(&emulator, "{}").status, 200);
    assert_eq!(
        (emulator.mint_requests(), emulator.pending_faults()),
        (4, 0)
    );
}

#[test]
fn html_and_oversized_bodies() {
    let emulator = emulator();
    emulator.push_fault(Fault::Html);
    emulator.push_fault(Fault::Oversized(2 * 1024 * 1024));
    let html = mint(&emulator, "{}");
    assert_eq!(html.status, 502);
    assert_eq!(
        html.header("content-type"),
        Some("text/html; charset=UTF-8")
    );
    assert_eq!(html.body, PROXY_ERROR_PAGE.as_bytes());
    let big = mint(&emulator, "{}");
    assert_eq!(big.status, 200);
    assert_eq!(big.header("content-length"), Some("2097152"));
    assert_eq!(big.body.len(), 2 * 1024 * 1024);
    assert_eq!(big.json()["name"], "auth_tokens/oversized");
}

#[test]
fn reset_truncate_and_drip() {
    let emulator = emulator();
    emulator.push_fault(Fault::Reset);
    let raw = request("POST", "/v1alpha/auth_tokens", Some(KEY), "{}");
    let reset = exchange(emulator.addr(), &raw).unwrap_err();
    assert_eq!(reset.kind(), ErrorKind::ConnectionReset);

    emulator.push_fault(Fault::Truncate);
    let cut = parse(&exchange(emulator.addr(), &raw).unwrap());
    assert_eq!(cut.status, 200);
    let full: usize = cut.header("content-length").unwrap().parse().unwrap();
    assert_eq!(full, r#"{"name":"auth_tokens/"}"#.len() + 64);
    assert_eq!(cut.body.len(), full - full / 2);
    assert!(serde_json::from_slice::<Value>(&cut.body).is_err());

    emulator.push_fault(Fault::Drip(Duration::from_millis(2)));
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    stream.write_all(&raw).unwrap();
    let (mut received, mut reads) = (Vec::new(), 0);
    let mut chunk = [0u8; 4096];
    loop {
        let n = stream.read(&mut chunk).unwrap();
        if n == 0 {
            break;
        }
        reads += 1;
        received.extend_from_slice(&chunk[..n]);
    }
    let dripped = parse(&received);
    assert_eq!(dripped.status, 200);
    assert!(
        dripped.json()["name"]
            .as_str()
            .unwrap()
            .starts_with("auth_tokens/")
    );
    assert!(reads > 10, "the answer came in {reads} reads");
    // Truncated and dripped answers were minted; the reset one was not.
    assert_eq!(emulator.tokens().len(), 2);
    assert_eq!(emulator.mint_requests(), 3);
}

#[test]
fn delay_then_answer_and_keep_alive() {
    let emulator = emulator();
    emulator.push_fault(Fault::Delay(Duration::from_millis(300)));
    let keep_alive = |body: &str| {
        format!(
            "POST /v1alpha/auth_tokens HTTP/1.1\r\nHost: x\r\nx-goog-api-key: {KEY}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        )
    };
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    let started = Instant::now();
    // Two requests on one connection: the first delayed, the second not.
    stream
        .write_all(format!("{}{}", keep_alive("{}"), keep_alive(r#"{"uses":2}"#)).as_bytes())
        .unwrap();
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    while received
        .windows(12)
        .filter(|w| w == b"auth_tokens/")
        .count()
        < 2
    {
        let n = stream.read(&mut chunk).unwrap();
        assert_ne!(n, 0, "closed early");
        received.extend_from_slice(&chunk[..n]);
    }
    assert!(
        started.elapsed() >= Duration::from_millis(300),
        "the delay was applied"
    );
    assert_eq!(
        String::from_utf8_lossy(&received)
            .matches("HTTP/1.1 200 OK")
            .count(),
        2
    );
    assert_eq!(
        emulator.tokens().iter().map(|t| t.uses).collect::<Vec<_>>(),
        [1, 2]
    );
}

#[test]
fn dropping_stops_the_server_even_mid_delay() {
    let emulator = emulator();
    let addr = emulator.addr();
    emulator.push_fault(Fault::Delay(Duration::from_secs(3600)));
    let client = std::thread::spawn(move || {
        exchange(
            addr,
            &request("POST", "/v1alpha/auth_tokens", Some(KEY), "{}"),
        )
    });
    while emulator.mint_requests() == 0 {
        std::thread::sleep(Duration::from_millis(5));
    }
    drop(emulator);
    // The waiting client gets the connection closed, with no answer.
    assert_eq!(client.join().unwrap().unwrap(), b"");
    assert_eq!(
        TcpStream::connect(addr).unwrap_err().kind(),
        ErrorKind::ConnectionRefused
    );
}

#[test]
fn random_faults_and_not_keeping_tokens() {
    let always = Emulator::builder()
        .key(KEY)
        .fault_rate(1.0, vec![Fault::unavailable()])
        .keep_tokens(false)
        .start()
        .unwrap();
    for _ in 0..5 {
        assert_eq!(mint(&always, "{}").status, 503);
    }
    assert_eq!(
        (always.random_faults_drawn(), always.mint_requests()),
        (5, 5)
    );
    // A queued fault goes first.
    always.push_fault(Fault::Html);
    assert_eq!(mint(&always, "{}").status, 502);
    assert_eq!(always.random_faults_drawn(), 5);

    let never = Emulator::builder()
        .key(KEY)
        .fault_rate(0.0, vec![Fault::Reset])
        .keep_tokens(false)
        .start()
        .unwrap();
    for _ in 0..5 {
        assert_eq!(mint(&never, "{}").status, 200);
    }
    assert_eq!(never.random_faults_drawn(), 0);
    assert!(never.tokens().is_empty(), "not kept");
}
