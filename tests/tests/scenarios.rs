//! One suite of scenarios, run on both clients over real loopback sockets against the
//! emulator: success, the documented errors, retries, timeouts, refused connections,
//! oversized and non-JSON answers; and a canary key that must never show in an error.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::net::TcpListener;
use std::time::{Duration, Instant};

use gemini_token_conformance::clients::{FLAVORS, Flavor, Settings, error_texts, mint};
use gemini_token_core::{
    AuthToken, CreateAuthTokenConfig, Error, LiveConnectConfig, LiveConnectConstraints, Lock,
    RetryPolicy, TransportErrorKind,
};
use gemini_token_emulator::{Emulator, Fault};
use http::StatusCode;
use serde_json::json;

/// The key the emulator accepts: a canary that no error may ever show.
const CANARY: &str = "AIzaSyCANARY-conformance-key-0123456789";
/// A wrong key, also a canary.
const WRONG_CANARY: &str = "AIzaSyWRONG-canary-key-9876543210";

fn emulator() -> Emulator {
    Emulator::builder().key(CANARY).start().unwrap()
}

fn config() -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::new().uses(1).constraints(
        LiveConnectConstraints::new()
            .model("gemini-live-2.5-flash-preview")
            .config(LiveConnectConfig::new().temperature(0.5)),
    )
}

/// Mints, and checks that no error of the attempt shows a canary.
fn run(flavor: Flavor, settings: &Settings) -> Result<AuthToken, Error> {
    let outcome = mint(flavor, settings, &config());
    if let Err(error) = &outcome {
        for text in error_texts(error) {
            assert!(
                !text.contains(CANARY) && !text.contains(WRONG_CANARY),
                "{flavor:?}: {text}"
            );
        }
    }
    outcome
}

fn api_error(flavor: Flavor, outcome: Result<AuthToken, Error>) -> gemini_token_core::ApiError {
    match outcome {
        Err(Error::Api(api)) => api,
        other => panic!("{flavor:?}: want an API error, got {other:?}"),
    }
}

fn transport_kind(flavor: Flavor, outcome: Result<AuthToken, Error>) -> TransportErrorKind {
    match outcome {
        Err(Error::Transport(e)) => e.kind(),
        other => panic!("{flavor:?}: want a transport error, got {other:?}"),
    }
}

#[test]
fn success_returns_the_token_the_service_stored() {
    for flavor in FLAVORS {
        let emulator = emulator();
        let token = run(flavor, &Settings::new(emulator.base_url(), CANARY)).unwrap();
        let stored = emulator.tokens();
        assert_eq!(stored.len(), 1, "{flavor:?}");
        assert_eq!(token.secret(), stored[0].name, "{flavor:?}");
        assert_eq!(token.uses(), 1);
        assert_eq!(
            stored[0].bidi_generate_content_setup,
            Some(
                json!({"model": "models/gemini-live-2.5-flash-preview", "generationConfig": {"temperature": 0.5}})
            )
        );
        assert_eq!(emulator.mint_requests(), 1);
        assert!(!format!("{token:?}").contains(&stored[0].name));
    }
}

#[test]
fn a_wrong_key_is_an_api_error_and_not_retried() {
    for flavor in FLAVORS {
        let emulator = emulator();
        let api = api_error(
            flavor,
            run(flavor, &Settings::new(emulator.base_url(), WRONG_CANARY)),
        );
        assert_eq!(api.http_status(), StatusCode::BAD_REQUEST);
        assert_eq!(api.status(), Some("INVALID_ARGUMENT"));
        assert_eq!(api.reason(), Some("API_KEY_INVALID"));
        assert_eq!(
            api.message(),
            "API key not valid. Please pass a valid API key."
        );
        assert_eq!(emulator.mint_requests(), 1, "{flavor:?}");
    }
}

#[test]
fn documented_error_answers_map_to_typed_errors() {
    let missing_key = json!({"error": {"code": 403, "status": "PERMISSION_DENIED",
        "message": gemini_token_emulator::MISSING_KEY}})
    .to_string();
    for flavor in FLAVORS {
        let emulator = emulator();
        emulator.push_fault(Fault::json(403, missing_key.clone()));
        let api = api_error(
            flavor,
            run(flavor, &Settings::new(emulator.base_url(), CANARY)),
        );
        assert_eq!(
            (api.http_status(), api.status()),
            (StatusCode::FORBIDDEN, Some("PERMISSION_DENIED"))
        );

        // A backend clock an hour behind the service's: the expiry it asks for is in
        // the service's past.
        let skewed = Emulator::builder()
            .key(CANARY)
            .clock(|| time::OffsetDateTime::now_utc() + time::Duration::hours(1))
            .start()
            .unwrap();
        let config = CreateAuthTokenConfig::new().expire_in(time::Duration::minutes(30));
        let api = match mint(flavor, &Settings::new(skewed.base_url(), CANARY), &config) {
            Err(Error::Api(api)) => api,
            other => panic!("{flavor:?}: {other:?}"),
        };
        assert_eq!(api.message(), "expire_time must be in the future");
        assert_eq!(
            api.field_violations()
                .map(|v| v.field())
                .collect::<Vec<_>>(),
            ["auth_token.expire_time"]
        );
        assert_eq!(skewed.mint_requests(), 1, "a 400 is not retried");
    }
}

#[test]
fn transient_failures_are_retried_then_succeed() {
    for flavor in FLAVORS {
        let emulator = emulator();
        emulator.push_fault(Fault::unavailable());
        emulator.push_fault(Fault::Reset);
        let token = run(flavor, &Settings::new(emulator.base_url(), CANARY)).unwrap();
        assert_eq!(emulator.mint_requests(), 3, "{flavor:?}");
        assert_eq!(emulator.tokens()[0].name, token.secret());

        // A proxy's HTML page (502) and a body cut short are transient too.
        let emulator = self::emulator();
        emulator.push_fault(Fault::Html);
        emulator.push_fault(Fault::Truncate);
        run(flavor, &Settings::new(emulator.base_url(), CANARY)).unwrap();
        assert_eq!(emulator.mint_requests(), 3, "{flavor:?}");
        // The truncated answer's token was minted and lost; the next one is handed out.
        assert_eq!(emulator.tokens().len(), 2);
    }
}

#[test]
fn the_server_retry_delay_is_honoured() {
    for flavor in FLAVORS {
        let emulator = emulator();
        emulator.push_fault(Fault::quota_exceeded(Some("0.3s")));
        let started = Instant::now();
        run(flavor, &Settings::new(emulator.base_url(), CANARY)).unwrap();
        assert!(
            started.elapsed() >= Duration::from_millis(300),
            "{flavor:?}: waited the delay"
        );
        assert_eq!(emulator.mint_requests(), 2);
    }
}

#[test]
fn a_retry_delay_longer_than_the_cap_is_returned_not_waited() {
    for flavor in FLAVORS {
        let emulator = emulator();
        emulator.push_fault(Fault::quota_exceeded(Some("57s")));
        let started = Instant::now();
        let api = api_error(
            flavor,
            run(flavor, &Settings::new(emulator.base_url(), CANARY)),
        );
        assert!(
            started.elapsed() < Duration::from_secs(57),
            "{flavor:?} did not wait"
        );
        assert_eq!(api.http_status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(api.status(), Some("RESOURCE_EXHAUSTED"));
        assert_eq!(api.retry_delay(), Some(Duration::from_secs(57)));
        assert_eq!(emulator.mint_requests(), 1);
    }
}

#[test]
fn the_retry_budget_runs_out_and_retries_can_be_off() {
    for flavor in FLAVORS {
        let emulator = emulator();
        for _ in 0..5 {
            emulator.push_fault(Fault::unavailable());
        }
        let api = api_error(
            flavor,
            run(flavor, &Settings::new(emulator.base_url(), CANARY)),
        );
        assert_eq!(
            (api.http_status(), api.status()),
            (StatusCode::SERVICE_UNAVAILABLE, Some("UNAVAILABLE"))
        );
        assert_eq!(
            emulator.mint_requests(),
            3,
            "{flavor:?}: the default 3 attempts"
        );

        let mut once = Settings::new(emulator.base_url(), CANARY);
        once.retry = RetryPolicy::none();
        api_error(flavor, run(flavor, &once));
        assert_eq!(
            emulator.mint_requests(),
            4,
            "{flavor:?}: one more, no retry"
        );
    }
}

#[test]
fn a_slow_answer_times_out() {
    for flavor in FLAVORS {
        let emulator = emulator();
        emulator.push_fault(Fault::Delay(Duration::from_secs(30)));
        emulator.push_fault(Fault::Drip(Duration::from_millis(100)));
        let mut settings = Settings::new(emulator.base_url(), CANARY);
        settings.timeout = Duration::from_millis(300);
        settings.retry = RetryPolicy::none();
        assert_eq!(
            transport_kind(flavor, run(flavor, &settings)),
            TransportErrorKind::Timeout,
            "delay"
        );
        assert_eq!(
            transport_kind(flavor, run(flavor, &settings)),
            TransportErrorKind::Timeout,
            "drip"
        );
        assert_eq!(emulator.mint_requests(), 2);
    }
}

#[test]
fn a_refused_connection_is_a_connect_error() {
    // A port that was free a moment ago, with nothing listening now.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    for flavor in FLAVORS {
        let mut settings = Settings::new(&format!("http://127.0.0.1:{port}"), CANARY);
        settings.retry = RetryPolicy::none();
        assert_eq!(
            transport_kind(flavor, run(flavor, &settings)),
            TransportErrorKind::Connect,
            "{flavor:?}"
        );
    }
}

#[test]
fn oversized_and_non_json_answers() {
    for flavor in FLAVORS {
        let emulator = emulator();
        emulator.push_fault(Fault::Oversized(2 * 1024 * 1024));
        let outcome = run(flavor, &Settings::new(emulator.base_url(), CANARY));
        assert_eq!(
            transport_kind(flavor, outcome),
            TransportErrorKind::BodyTooLarge
        );
        assert_eq!(
            emulator.mint_requests(),
            1,
            "{flavor:?}: a body too large is not retried"
        );

        emulator.push_fault(Fault::Html);
        let mut once = Settings::new(emulator.base_url(), CANARY);
        once.retry = RetryPolicy::none();
        match run(flavor, &once) {
            Err(Error::UnexpectedResponse(answer)) => {
                assert_eq!(answer.status(), StatusCode::BAD_GATEWAY);
                assert_eq!(answer.problem(), "not Google's error JSON");
                assert!(answer.body_prefix().starts_with("<!DOCTYPE html>"));
            }
            other => panic!("{flavor:?}: {other:?}"),
        }
    }
}

#[test]
fn an_answer_exactly_at_the_cap_is_read() {
    for flavor in FLAVORS {
        let emulator = emulator();
        emulator.push_fault(Fault::Oversized(4096));
        let mut settings = Settings::new(emulator.base_url(), CANARY);
        settings.max_response_bytes = 4096;
        let token = run(flavor, &settings).unwrap();
        assert_eq!(token.secret(), "auth_tokens/oversized", "{flavor:?}");
    }
}

#[test]
fn lock_modes_reach_the_service() {
    for flavor in FLAVORS {
        let emulator = emulator();
        let config = config().lock(Lock::set_fields_and(["top_k"]).unwrap());
        mint(flavor, &Settings::new(emulator.base_url(), CANARY), &config).unwrap();
        assert_eq!(
            emulator.tokens()[0].field_mask.as_deref(),
            Some("model,generationConfig.temperature,generationConfig.topK")
        );
    }
}

#[test]
fn clients_debug_without_the_key() {
    let async_client = gemini_token_reqwest::Client::new(CANARY).unwrap();
    let blocking = gemini_token_ureq::Client::new(CANARY).unwrap();
    for debug in [format!("{async_client:?}"), format!("{blocking:?}")] {
        assert!(!debug.contains(CANARY), "{debug}");
        assert!(debug.contains("ApiKey([redacted])"), "{debug}");
    }
}

#[test]
fn plain_http_to_another_host_is_refused_before_sending() {
    for flavor in FLAVORS {
        let settings = Settings::new("http://192.0.2.1:80", CANARY);
        match run(flavor, &settings) {
            Err(Error::Config(e)) => assert_eq!(e.path(), "base_url", "{flavor:?}"),
            other => panic!("{flavor:?}: {other:?}"),
        }
    }
}

#[test]
fn a_prepared_config_mints_what_the_config_mints() {
    let emulator = emulator();
    let key = gemini_token_core::ApiKey::new(CANARY).unwrap();
    let config = config()
        .lock(Lock::SetFields)
        .expire_in(time::Duration::minutes(10));
    let once = gemini_token_core::PreparedConfig::new(&config).unwrap();
    let blocking = gemini_token_ureq::Client::builder(key.clone())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let async_client = gemini_token_reqwest::Client::builder(key)
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    blocking.create(&config).unwrap();
    blocking.create_prepared(&once).unwrap();
    runtime
        .block_on(async_client.create_prepared(&once))
        .unwrap();
    let stored = emulator.tokens();
    assert_eq!(stored.len(), 3);
    for token in &stored[1..] {
        assert_eq!(
            token.bidi_generate_content_setup,
            stored[0].bidi_generate_content_setup
        );
        assert_eq!(token.field_mask, stored[0].field_mask);
        assert_eq!(token.uses, 1);
        // Durations count from each request.
        assert!(token.expire_time >= stored[0].expire_time);
    }
    assert_eq!(
        stored[0].field_mask.as_deref(),
        Some("model,generationConfig.temperature")
    );
}
