//! Each check at its boundary: the last value allowed and the first refused, with the
//! exact refusal. Written for what mutation testing (`cargo mutants`) showed no test
//! pinned down: a `>` that could be `>=`, an `||` that could be `&&`.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use gemini_token_core::setup::GenerationConfig;
use gemini_token_core::{
    ApiKey, ConfigErrorKind, CreateAuthTokenConfig, Endpoint, Error, LiveConnectConfig,
    LiveConnectConstraints, MAX_USES, prepare,
};
use serde_json::{Value, json};
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

fn now() -> OffsetDateTime {
    datetime!(2026-01-01 00:00 UTC)
}

fn key() -> ApiKey {
    ApiKey::new("AIzaSy-boundaries").unwrap()
}

fn body(config: &CreateAuthTokenConfig) -> Value {
    let prepared = prepare(config, &Endpoint::default(), &key(), now()).unwrap();
    serde_json::from_slice(prepared.request().body()).unwrap()
}

fn refusal(config: &CreateAuthTokenConfig) -> (ConfigErrorKind, String, String) {
    match prepare(config, &Endpoint::default(), &key(), now()) {
        Err(Error::Config(e)) => (e.kind(), e.path().to_owned(), e.message().to_owned()),
        other => panic!("want a config error, got {other:?}"),
    }
}

fn model(name: &str) -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::new().constraints(LiveConnectConstraints::new().model(name))
}

fn with_config(config: LiveConnectConfig) -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::new().constraints(LiveConnectConstraints::new().config(config))
}

#[test]
fn model_names_are_refused_for_each_problem_and_only_for_it() {
    let refused = |problem: &str| {
        (
            ConfigErrorKind::InvalidModel,
            "live_connect_constraints.model".to_owned(),
            format!("the model name {problem}; give a name such as gemini-live-2.5-flash-preview"),
        )
    };
    assert_eq!(refusal(&model("")), refused("is empty"));
    for name in ["models/../files", "a..", "..b"] {
        assert_eq!(refusal(&model(name)), refused("contains `..`"), "{name:?}");
    }
    for name in ["a?b", "a&b", "a#b"] {
        assert_eq!(
            refusal(&model(name)),
            refused("contains `?`, `&` or `#`"),
            "{name:?}"
        );
    }
    for name in ["a b", "a\tb", "a\u{7f}b", "a\u{1}", "a\u{a0}b", "a\u{2003}"] {
        assert_eq!(
            refusal(&model(name)),
            refused("contains white space or a control character"),
            "{name:?}"
        );
    }
    // One dot, slashes, and letters beyond ASCII that are not white space are names.
    for (name, sent) in [
        ("models/gemini-2.5.flash", "models/gemini-2.5.flash"),
        ("x", "models/x"),
        ("modèle-vocal", "models/modèle-vocal"),
        ("声", "models/声"),
    ] {
        assert_eq!(
            body(&model(name)),
            json!({"bidiGenerateContentSetup": {"model": sent}}),
            "{name:?}"
        );
    }
}

#[test]
fn every_nested_generation_float_must_be_finite() {
    let refused = |field: &str, value: &str| {
        (
            ConfigErrorKind::InvalidValue,
            format!("live_connect_constraints.config.generation_config.{field}"),
            format!("{value} is not a finite number"),
        )
    };
    let nested = |generation: GenerationConfig| {
        with_config(LiveConnectConfig::new().generation_config(generation))
    };
    assert_eq!(
        refusal(&nested(GenerationConfig::new().temperature(f64::NAN))),
        refused("temperature", "NaN")
    );
    assert_eq!(
        refusal(&nested(GenerationConfig::new().top_p(f64::INFINITY))),
        refused("top_p", "inf")
    );
    assert_eq!(
        refusal(&nested(
            GenerationConfig::new().presence_penalty(f64::NEG_INFINITY)
        )),
        refused("presence_penalty", "-inf")
    );
    assert_eq!(
        refusal(&nested(GenerationConfig::new().frequency_penalty(f64::NAN))),
        refused("frequency_penalty", "NaN")
    );
    assert_eq!(
        body(&nested(
            GenerationConfig::new()
                .temperature(0.5)
                .top_p(0.25)
                .presence_penalty(-1.5)
                .frequency_penalty(2.0)
        )),
        json!({"bidiGenerateContentSetup": {"generationConfig": {
            "temperature": 0.5, "topP": 0.25, "presencePenalty": -1.5, "frequencyPenalty": 2.0,
        }}})
    );
    // The flat top_p too, which the nested check does not cover.
    assert_eq!(
        refusal(&with_config(LiveConnectConfig::new().top_p(f64::NAN))),
        (
            ConfigErrorKind::InvalidValue,
            "live_connect_constraints.config.top_p".to_owned(),
            "NaN is not a finite number".to_owned()
        )
    );
}

#[test]
fn uses_go_up_to_max_uses_and_no_further() {
    assert_eq!(MAX_USES, 2_147_483_647);
    assert_eq!(
        body(&CreateAuthTokenConfig::new().uses(MAX_USES)),
        json!({"uses": 2_147_483_647})
    );
    assert_eq!(
        refusal(&CreateAuthTokenConfig::new().uses(MAX_USES + 1)),
        (
            ConfigErrorKind::InvalidUses,
            "uses".to_owned(),
            "must be a whole number from 0 (unlimited) to 2147483647, not 2147483648".to_owned()
        )
    );
    assert_eq!(
        body(&CreateAuthTokenConfig::new().uses(0)),
        json!({"uses": 0})
    );
}

#[test]
fn an_expiry_is_strictly_after_now_and_strictly_less_than_20h_ahead() {
    let one_ns = Duration::nanoseconds(1);
    assert_eq!(
        body(&CreateAuthTokenConfig::new().expire_in(one_ns)),
        json!({"expireTime": "2026-01-01T00:00:00.000000001Z"})
    );
    assert_eq!(
        refusal(&CreateAuthTokenConfig::new().expire_at(now())),
        (
            ConfigErrorKind::TimeOutOfRange,
            "expire_time".to_owned(),
            "2026-01-01T00:00:00Z is not after now (2026-01-01T00:00:00Z)".to_owned()
        )
    );
    assert_eq!(
        body(&CreateAuthTokenConfig::new().expire_in(Duration::hours(20) - one_ns)),
        json!({"expireTime": "2026-01-01T19:59:59.999999999Z"})
    );
    assert_eq!(
        refusal(&CreateAuthTokenConfig::new().expire_in(Duration::hours(20))),
        (
            ConfigErrorKind::TimeOutOfRange,
            "expire_time".to_owned(),
            "+20h is 20h or more after now (2026-01-01T00:00:00Z); a token lives less than 20h"
                .to_owned()
        )
    );
    assert_eq!(
        refusal(&CreateAuthTokenConfig::new().new_session_expire_at(now())),
        (
            ConfigErrorKind::TimeOutOfRange,
            "new_session_expire_time".to_owned(),
            "2026-01-01T00:00:00Z is not after now (2026-01-01T00:00:00Z)".to_owned()
        )
    );
    // A new-session expiry one nanosecond past the expiry is refused; equal is allowed.
    let past = CreateAuthTokenConfig::new()
        .expire_in(Duration::minutes(5))
        .new_session_expire_in(Duration::minutes(5) + one_ns);
    assert_eq!(
        refusal(&past).2,
        "2026-01-01T00:05:00.000000001Z is after expire_time (2026-01-01T00:05:00Z); \
         new sessions cannot outlive the token"
    );
    // Near the end of time, no instant is less than 20h ahead of `now`.
    let late = datetime!(+9999-12-31 12:00 UTC);
    let config = CreateAuthTokenConfig::new().expire_at(datetime!(+9999-12-31 13:00 UTC));
    match prepare(&config, &Endpoint::default(), &key(), late) {
        Err(Error::Config(e)) => assert_eq!(
            (e.kind(), e.path(), e.message()),
            (
                ConfigErrorKind::TimeOutOfRange,
                "expire_time",
                "9999-12-31T13:00:00Z is 20h or more after now (9999-12-31T12:00:00Z); \
                 a token lives less than 20h"
            )
        ),
        other => panic!("want a config error, got {other:?}"),
    }
}

#[test]
fn the_live_url_prefix_is_built_byte_for_byte() {
    let method = "GenerativeService.BidiGenerateContentConstrained?access_token=";
    assert_eq!(
        Endpoint::default().live_url_prefix(),
        format!(
            "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1alpha.{method}"
        )
    );
    assert_eq!(
        Endpoint::new("https://generativelanguage.googleapis.com", "v1alpha")
            .unwrap()
            .live_url_prefix(),
        Endpoint::default().live_url_prefix()
    );
    assert_eq!(
        Endpoint::new("http://127.0.0.1:8080/", "v1beta")
            .unwrap()
            .live_url_prefix(),
        format!("ws://127.0.0.1:8080/ws/google.ai.generativelanguage.v1beta.{method}")
    );
    assert_eq!(
        Endpoint::new("https://proxy.example:8443/gemini/api", "v1")
            .unwrap()
            .live_url_prefix(),
        format!("wss://proxy.example:8443/gemini/api/ws/google.ai.generativelanguage.v1.{method}")
    );
    assert_eq!(
        Endpoint::new("http://[::1]:9", "v1alpha")
            .unwrap()
            .live_url_prefix(),
        format!("ws://[::1]:9/ws/google.ai.generativelanguage.v1alpha.{method}")
    );
}

#[test]
fn an_endpoint_keeps_its_base_url_and_version_as_given() {
    let endpoint = Endpoint::new("http://127.0.0.1:8080/", "v1beta").unwrap();
    assert_eq!(endpoint.base_url(), "http://127.0.0.1:8080/");
    assert_eq!(endpoint.api_version(), "v1beta");
    assert_eq!(endpoint.url(), "http://127.0.0.1:8080/v1beta/auth_tokens");
    let default = Endpoint::default();
    assert_eq!(
        (default.base_url(), default.api_version()),
        ("https://generativelanguage.googleapis.com", "v1alpha")
    );
}
