//! The retry policy, as the pure function it is; and where the key comes from.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::time::Duration;

use gemini_token_core::{
    ApiKey, CreateAuthTokenConfig, Endpoint, Error, KeySource, Retry, RetryPolicy, StopReason,
    TransportError, TransportErrorKind, api_key_from_env, prepare,
};
use http::{Response, StatusCode};

/// The error a `status` answer with `body` parses into.
fn answer_error(status: u16, body: &str) -> Error {
    let key = ApiKey::new("k").unwrap();
    let prepared = prepare(
        &CreateAuthTokenConfig::new(),
        &Endpoint::default(),
        &key,
        time::OffsetDateTime::UNIX_EPOCH,
    )
    .unwrap();
    let mut response = Response::new(body.as_bytes().to_vec());
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    prepared.parser().parse(&response).unwrap_err()
}

fn google(status: u16, extra: &str) -> Error {
    answer_error(
        status,
        &format!(r#"{{"error":{{"code":{status},"message":"m","status":"S"{extra}}}}}"#),
    )
}

const SECOND: Duration = Duration::from_secs(1);

#[test]
fn transient_statuses_and_connection_failures_are_retried() {
    let policy = RetryPolicy::default().with_jitter(0.0);
    for status in [408, 429, 500, 502, 503, 504] {
        assert_eq!(
            policy.decide(1, &google(status, ""), Duration::ZERO, 0.0),
            Retry::After(Duration::from_millis(500)),
            "{status}"
        );
    }
    for status in [400, 401, 403, 404, 409, 501] {
        assert_eq!(
            policy.decide(1, &google(status, ""), Duration::ZERO, 0.0),
            Retry::Stop(StopReason::NotTransient),
            "{status}"
        );
    }
    let proxy_page = answer_error(502, "<html>");
    assert_eq!(
        policy.decide(1, &proxy_page, Duration::ZERO, 0.0),
        Retry::After(Duration::from_millis(500))
    );
    for (kind, retried) in [
        (TransportErrorKind::Connect, true),
        (TransportErrorKind::Timeout, true),
        (TransportErrorKind::Io, true),
        (TransportErrorKind::BodyTooLarge, false),
        (TransportErrorKind::Redirected, false),
        (TransportErrorKind::Other, false),
    ] {
        let error = Error::Transport(TransportError::new(kind, "x"));
        assert_eq!(error.is_transient(), retried, "{kind:?}");
        assert_eq!(
            matches!(
                policy.decide(1, &error, Duration::ZERO, 0.0),
                Retry::After(_)
            ),
            retried
        );
    }
    let config = Error::Config(ApiKey::new("").unwrap_err());
    assert_eq!(
        policy.decide(1, &config, Duration::ZERO, 0.0),
        Retry::Stop(StopReason::NotTransient)
    );
}

#[test]
fn backoff_grows_is_capped_and_jittered() {
    let policy = RetryPolicy::default()
        .with_max_attempts(10)
        .with_initial_delay(Duration::from_millis(100))
        .with_multiplier(3.0)
        .with_max_delay(SECOND)
        .with_max_elapsed(Duration::from_secs(60))
        .with_jitter(0.5);
    let unavailable = google(503, "");
    let waits: Vec<Retry> = (1..=4)
        .map(|n| policy.decide(n, &unavailable, Duration::ZERO, 0.0))
        .collect();
    assert_eq!(
        waits,
        [
            Retry::After(Duration::from_millis(100)),
            Retry::After(Duration::from_millis(300)),
            Retry::After(Duration::from_millis(900)),
            Retry::After(SECOND),
        ]
    );
    // The random part takes up to half of the wait.
    assert_eq!(policy.backoff(2, 1.0), Duration::from_millis(150));
    assert_eq!(policy.backoff(2, 0.5), Duration::from_millis(225));
}

#[test]
fn the_server_delay_replaces_the_backoff_up_to_the_cap() {
    let policy = RetryPolicy::default();
    let retry_info = |delay: &str| {
        google(
            429,
            &format!(
                r#","details":[{{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"{delay}"}}]"#
            ),
        )
    };
    assert_eq!(
        policy.decide(1, &retry_info("7s"), Duration::ZERO, 0.9),
        Retry::After(Duration::from_secs(7))
    );
    assert_eq!(
        policy.decide(1, &retry_info("10s"), Duration::ZERO, 0.9),
        Retry::After(Duration::from_secs(10))
    );
    assert_eq!(
        policy.decide(1, &retry_info("57s"), Duration::ZERO, 0.9),
        Retry::Stop(StopReason::DelayTooLong(Duration::from_secs(57)))
    );
}

#[test]
fn attempts_and_time_are_bounded() {
    let policy = RetryPolicy::default().with_jitter(0.0);
    let unavailable = google(503, "");
    assert_eq!(
        policy.decide(2, &unavailable, Duration::ZERO, 0.0),
        Retry::After(SECOND)
    );
    assert_eq!(
        policy.decide(3, &unavailable, Duration::ZERO, 0.0),
        Retry::Stop(StopReason::AttemptsExhausted)
    );
    assert_eq!(
        policy.decide(1, &unavailable, Duration::from_millis(29_600), 0.0),
        Retry::Stop(StopReason::OutOfTime)
    );
    assert_eq!(
        policy.decide(1, &unavailable, Duration::from_millis(29_500), 0.0),
        Retry::After(Duration::from_millis(500))
    );
    let none = RetryPolicy::none();
    assert_eq!(
        none.decide(1, &unavailable, Duration::ZERO, 0.0),
        Retry::Stop(StopReason::AttemptsExhausted)
    );
    assert_eq!(
        RetryPolicy::default().with_max_attempts(0).max_attempts(),
        1
    );
}

#[test]
fn the_key_comes_from_google_api_key_then_gemini_api_key() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    };
    let (key, source) =
        api_key_from_env(env(&[("GOOGLE_API_KEY", "g"), ("GEMINI_API_KEY", "m")])).unwrap();
    assert_eq!(
        (key.expose_secret(), source),
        (
            "g",
            KeySource::GoogleApiKey {
                gemini_also_set: true
            }
        )
    );
    let (key, source) = api_key_from_env(env(&[("GEMINI_API_KEY", "m")])).unwrap();
    assert_eq!(
        (key.expose_secret(), source),
        ("m", KeySource::GeminiApiKey)
    );
    let (key, source) =
        api_key_from_env(env(&[("GOOGLE_API_KEY", " "), ("GEMINI_API_KEY", "m")])).unwrap();
    assert_eq!(
        (key.expose_secret(), source),
        ("m", KeySource::GeminiApiKey)
    );
    let (_, source) = api_key_from_env(env(&[("GOOGLE_API_KEY", "g")])).unwrap();
    assert_eq!(
        source,
        KeySource::GoogleApiKey {
            gemini_also_set: false
        }
    );
    let none = api_key_from_env(env(&[])).unwrap_err();
    assert_eq!(
        none.to_string(),
        "api_key: no API key: set GOOGLE_API_KEY or GEMINI_API_KEY"
    );
}
