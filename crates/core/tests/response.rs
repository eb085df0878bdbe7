//! Reading the service's answers, and the token they give.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::time::Duration;

use gemini_token_core::{
    ApiKey, CreateAuthTokenConfig, Endpoint, Error, ErrorDetail, FieldViolation, ResponseParser,
    prepare,
};
use http::{Response, StatusCode};
use time::macros::datetime;

const CANARY: &str = "AIzaSyCANARY-response-key-0123456789";

fn parser(endpoint: &Endpoint, config: &CreateAuthTokenConfig) -> ResponseParser {
    let key = ApiKey::new(CANARY).unwrap();
    prepare(config, endpoint, &key, datetime!(2026-01-01 00:00 UTC))
        .unwrap()
        .parser()
        .clone()
}

fn answer(status: u16, body: &str) -> Response<Vec<u8>> {
    let mut response = Response::new(body.as_bytes().to_vec());
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
}

#[test]
fn a_token_carries_what_was_asked_for_and_how_to_use_it() {
    let config = CreateAuthTokenConfig::new()
        .uses(3)
        .expire_at(datetime!(2026-01-01 01:00 UTC));
    let token = parser(&Endpoint::default(), &config)
        .parse(&answer(200, r#"{"name":"auth_tokens/0a1b2c"}"#))
        .unwrap();
    assert_eq!(token.secret(), "auth_tokens/0a1b2c");
    assert_eq!(token.uses(), 3);
    assert_eq!(token.expire_time(), datetime!(2026-01-01 01:00 UTC));
    // No new-session expiry asked for: the service's default, 60 s after `now`.
    assert_eq!(
        token.new_session_expire_time(),
        datetime!(2026-01-01 00:01 UTC)
    );
    assert_eq!(
        token.live_url(),
        "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1alpha.\
         GenerativeService.BidiGenerateContentConstrained?access_token=auth_tokens%2F0a1b2c"
    );
    assert_eq!(
        token.authorization_header_value(),
        "Token auth_tokens/0a1b2c"
    );
    let debug = format!("{token:?}");
    assert!(!debug.contains("0a1b2c"), "{debug}");
    assert!(
        debug.starts_with("AuthToken { name: \"[redacted]\""),
        "{debug}"
    );
}

#[test]
fn defaults_without_a_config_and_the_live_url_follows_the_endpoint() {
    let endpoint = Endpoint::new("http://127.0.0.1:9/proxy/", "v1beta").unwrap();
    let token = parser(&endpoint, &CreateAuthTokenConfig::new())
        .parse(&answer(200, r#"{"name":"auth_tokens/x y"}"#))
        .unwrap();
    assert_eq!(token.uses(), 1);
    assert_eq!(token.expire_time(), datetime!(2026-01-01 00:30 UTC));
    assert_eq!(
        token.live_url(),
        "ws://127.0.0.1:9/proxy/ws/google.ai.generativelanguage.v1beta.\
         GenerativeService.BidiGenerateContentConstrained?access_token=auth_tokens%2Fx%20y"
    );
}

#[test]
fn google_errors_keep_status_message_and_details() {
    let body = r#"{"error": {"code": 429, "message": "Resource has been exhausted.",
        "status": "RESOURCE_EXHAUSTED", "details": [
          {"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "57s"},
          {"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "RATE_LIMIT_EXCEEDED",
           "domain": "googleapis.com", "metadata": {"service": "generativelanguage.googleapis.com"}},
          {"@type": "type.googleapis.com/google.rpc.BadRequest",
           "fieldViolations": [{"field": "expire_time", "description": "too far"}]},
          {"@type": "type.googleapis.com/google.rpc.Help", "links": []}]}}"#;
    let Err(Error::Api(err)) =
        parser(&Endpoint::default(), &CreateAuthTokenConfig::new()).parse(&answer(429, body))
    else {
        panic!("want an API error");
    };
    assert_eq!(err.http_status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(err.status(), Some("RESOURCE_EXHAUSTED"));
    assert_eq!(err.message(), "Resource has been exhausted.");
    assert_eq!(err.retry_delay(), Some(Duration::from_secs(57)));
    assert_eq!(err.reason(), Some("RATE_LIMIT_EXCEEDED"));
    assert_eq!(
        err.field_violations().collect::<Vec<_>>(),
        [&FieldViolation::new("expire_time", "too far")]
    );
    assert!(matches!(err.details().last(), Some(ErrorDetail::Other(_))));
    assert_eq!(
        err.to_string(),
        "RESOURCE_EXHAUSTED (HTTP 429): Resource has been exhausted."
    );
}

#[test]
fn answers_the_api_does_not_send_keep_status_and_a_bounded_prefix() {
    let parse =
        |status, body: &str| match parser(&Endpoint::default(), &CreateAuthTokenConfig::new())
            .parse(&answer(status, body))
        {
            Err(Error::UnexpectedResponse(e)) => e,
            other => panic!("want an unexpected response, got {other:?}"),
        };
    let html = parse(502, "<html><body>Bad Gateway</body></html>");
    assert_eq!(html.status(), StatusCode::BAD_GATEWAY);
    assert_eq!(html.problem(), "not Google's error JSON");
    assert_eq!(
        html.to_string(),
        "unexpected response (HTTP 502): not Google's error JSON; body starts: \
         \"<html><body>Bad Gateway</body></html>\""
    );

    let empty_404 = parse(404, "");
    assert_eq!(
        empty_404.problem(),
        "not found, with an empty body: is the API version or base URL right?"
    );

    let truncated = parse(200, r#"{"name":"auth_tok"#);
    assert_eq!(truncated.problem(), "a success without a token name");
    let wrong_name = parse(200, r#"{"name":"tokens/abc"}"#);
    assert_eq!(
        wrong_name.problem(),
        "the token name does not start with `auth_tokens/`"
    );

    // 511 bytes of ASCII then a 3-byte character: the prefix stops before it.
    let long = format!("{}€{}", "a".repeat(511), "b".repeat(10_000));
    let prefix = parse(500, &long).body_prefix().to_owned();
    assert_eq!(prefix, "a".repeat(511));
}

#[test]
fn the_key_is_scrubbed_from_what_the_server_echoes() {
    let echo = format!(
        r#"{{"error": {{"code": 400, "message": "bad key {CANARY}", "status": "INVALID_ARGUMENT"}}}}"#
    );
    let err = parser(&Endpoint::default(), &CreateAuthTokenConfig::new())
        .parse(&answer(400, &echo))
        .unwrap_err();
    let html = parser(&Endpoint::default(), &CreateAuthTokenConfig::new())
        .parse(&answer(400, &format!("<p>{CANARY}</p>")))
        .unwrap_err();
    for err in [err, html] {
        let shown = format!("{err} {err:?}");
        assert!(!shown.contains(CANARY), "{shown}");
        assert!(shown.contains("[redacted]"), "{shown}");
    }
    let parser = parser(&Endpoint::default(), &CreateAuthTokenConfig::new());
    assert!(!format!("{parser:?}").contains(CANARY));
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync + 'static>() {}
    check::<gemini_token_core::CreateAuthTokenConfig>();
    check::<gemini_token_core::PreparedRequest>();
    check::<gemini_token_core::ResponseParser>();
    check::<gemini_token_core::AuthToken>();
    check::<gemini_token_core::ApiKey>();
    check::<gemini_token_core::Endpoint>();
    check::<gemini_token_core::Error>();
    check::<gemini_token_core::ConfigError>();
    // The transport trait is object-safe, and a boxed or shared one is a transport.
    fn transport<T: gemini_token_core::transport::Transport>() {}
    transport::<Box<dyn gemini_token_core::transport::Transport>>();
    transport::<std::sync::Arc<dyn gemini_token_core::transport::Transport>>();
}

#[test]
fn the_new_session_window_never_outlives_the_token() {
    let config = CreateAuthTokenConfig::new().expire_in(time::Duration::seconds(30));
    let token = parser(&Endpoint::default(), &config)
        .parse(&answer(200, r#"{"name":"auth_tokens/short"}"#))
        .unwrap();
    assert_eq!(token.expire_time(), datetime!(2026-01-01 00:00:30 UTC));
    assert_eq!(
        token.new_session_expire_time(),
        datetime!(2026-01-01 00:00:30 UTC)
    );
}

/// Found by the fuzz target: lossy decoding made a prefix of bad bytes three times
/// the limit.
#[test]
fn regression_a_binary_body_prefix_stays_within_the_limit() {
    let Err(Error::UnexpectedResponse(answer)) =
        parser(&Endpoint::default(), &CreateAuthTokenConfig::new())
            .parse(&answer_bytes(502, vec![0xFF; 4096]))
    else {
        panic!("want an unexpected response");
    };
    assert_eq!(
        answer.body_prefix().len(),
        gemini_token_core::BODY_PREFIX_LIMIT - 2
    );
    assert!(answer.body_prefix().chars().all(|c| c == '\u{FFFD}'));
}

/// Found by the fuzz target: the key echoed in an error's details (a RetryInfo the
/// parser kept as it came, ErrorInfo metadata, field violations) showed in Debug.
#[test]
fn regression_the_key_is_scrubbed_from_error_details() {
    let body = format!(
        r#"{{"error":{{"code":400,"message":"m","status":"S","details":[
        {{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"{CANARY}"}},
        {{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"{CANARY}","metadata":{{"{CANARY}":"{CANARY}"}}}},
        {{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{{"field":"{CANARY}","description":"{CANARY}"}}]}}]}}}}"#
    );
    let err = parser(&Endpoint::default(), &CreateAuthTokenConfig::new())
        .parse(&answer(400, &body))
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains(CANARY), "{shown}");
    let Error::Api(api) = err else { panic!() };
    assert_eq!(api.reason(), Some("[redacted]"));
    assert_eq!(
        api.field_violations().next().map(|v| v.field()),
        Some("[redacted]")
    );
}

fn answer_bytes(status: u16, body: Vec<u8>) -> Response<Vec<u8>> {
    let mut response = Response::new(body);
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
}

#[test]
fn the_live_handshake_carries_the_token_in_a_header_only() {
    let endpoint = Endpoint::new("https://proxy.example/gemini", "v1beta").unwrap();
    let key = ApiKey::new("AIzaSy-handshake").unwrap();
    let now = time::macros::datetime!(2026-01-01 00:00 UTC);
    let prepared = gemini_token_core::prepare(
        &gemini_token_core::CreateAuthTokenConfig::new(),
        &endpoint,
        &key,
        now,
    )
    .unwrap();
    let token = prepared
        .parser()
        .parse(&Response::new(br#"{"name":"auth_tokens/abc"}"#.to_vec()))
        .unwrap();
    let request = token.live_handshake_request().unwrap();
    assert_eq!(request.method(), http::Method::GET);
    assert_eq!(
        request.uri(),
        "wss://proxy.example/gemini/ws/google.ai.generativelanguage.v1beta.GenerativeService.\
         BidiGenerateContentConstrained"
    );
    let header = |name: &str| request.headers()[name].to_str().unwrap().to_owned();
    assert_eq!(header("host"), "proxy.example");
    assert_eq!(header("connection"), "Upgrade");
    assert_eq!(header("upgrade"), "websocket");
    assert_eq!(header("sec-websocket-version"), "13");
    assert_eq!(header("authorization"), "Token auth_tokens/abc");
    assert!(request.headers()["authorization"].is_sensitive());
    let nonce = header("sec-websocket-key");
    assert_eq!(nonce.len(), 24);
    assert!(nonce.ends_with("=="));
    assert!(
        nonce[..22]
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/'),
        "{nonce}"
    );
    // A fresh nonce per handshake.
    assert_ne!(
        token.live_handshake_request().unwrap().headers()["sec-websocket-key"],
        request.headers()["sec-websocket-key"]
    );
    assert!(!format!("{request:?}").contains("abc"));
}

#[test]
fn a_key_straddling_the_prefix_limit_shows_no_part_of_itself() {
    // Found by the `response` fuzz target: the body was cut before it was scrubbed.
    let key = "AIzaSy-straddling-canary";
    let prepared = gemini_token_core::prepare(
        &gemini_token_core::CreateAuthTokenConfig::new(),
        &Endpoint::default(),
        &ApiKey::new(key).unwrap(),
        datetime!(2026-01-01 00:00 UTC),
    )
    .unwrap();
    for before in [
        gemini_token_core::BODY_PREFIX_LIMIT - key.len() - 1,
        gemini_token_core::BODY_PREFIX_LIMIT - 5,
        gemini_token_core::BODY_PREFIX_LIMIT - 1,
    ] {
        let body = format!("<html>{}{key} and more", "x".repeat(before - 6));
        let mut answer = Response::new(body.into_bytes());
        *answer.status_mut() = StatusCode::BAD_GATEWAY;
        match prepared.parser().parse(&answer) {
            Err(gemini_token_core::Error::UnexpectedResponse(e)) => {
                let prefix = e.body_prefix();
                assert!(prefix.len() <= gemini_token_core::BODY_PREFIX_LIMIT);
                assert!(!prefix.contains("AIza"), "{before}: {prefix}");
                assert!(!prefix.ends_with('A'), "{before}: {prefix}");
            }
            other => panic!("want an unexpected answer, got {other:?}"),
        }
    }
    // `[redacted]` is shorter than the key: scrubbing whole keys before the limit
    // must not pull a key cut further on back into the prefix.
    let body = format!("{}{}", format!("{key} ").repeat(40), "x".repeat(2000));
    let mut answer = Response::new(body.into_bytes());
    *answer.status_mut() = StatusCode::BAD_GATEWAY;
    match prepared.parser().parse(&answer) {
        Err(gemini_token_core::Error::UnexpectedResponse(e)) => {
            assert!(!e.body_prefix().contains("AIza"), "{}", e.body_prefix());
            assert!(e.body_prefix().starts_with("[redacted] [redacted] "));
        }
        other => panic!("want an unexpected answer, got {other:?}"),
    }
}
