//! The checks `prepare` makes on configs built in Rust, which JSON cannot reach
//! (NaN, out-of-range integers) or which the vectors do not cover.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeMap;

use gemini_token_core::{
    ApiKey, ConfigErrorKind, CreateAuthTokenConfig, Endpoint, Error, HttpOptions,
    LiveConnectConfig, LiveConnectConstraints, Lock, prepare,
};
use serde_json::{Value, json};
use time::Duration;
use time::macros::datetime;

fn now() -> time::OffsetDateTime {
    datetime!(2026-01-01 00:00 UTC)
}

fn body(config: &CreateAuthTokenConfig) -> Value {
    let key = ApiKey::new("AIzaSy-checks").unwrap();
    let prepared = prepare(config, &Endpoint::default(), &key, now()).unwrap();
    serde_json::from_slice(prepared.request().body()).unwrap()
}

/// The refusal of `config`: its kind, path and message.
fn refusal(config: &CreateAuthTokenConfig) -> (ConfigErrorKind, String, String) {
    let key = ApiKey::new("AIzaSy-checks").unwrap();
    match prepare(config, &Endpoint::default(), &key, now()) {
        Err(Error::Config(e)) => (e.kind(), e.path().to_owned(), e.message().to_owned()),
        other => panic!("want a config error, got {other:?}"),
    }
}

fn with_config(config: LiveConnectConfig) -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::new().constraints(LiveConnectConstraints::new().config(config))
}

#[test]
fn the_escape_hatch_sends_unmodelled_fields_and_locks_them() {
    let config = with_config(
        LiveConnectConfig::new()
            .temperature(0.5)
            .extra_setup_field("futureFeature", json!({"level": 2, "mode": "FAST"})),
    )
    .lock(Lock::SetFields);
    assert_eq!(
        body(&config),
        json!({
            "bidiGenerateContentSetup": {
                "generationConfig": {"temperature": 0.5},
                "futureFeature": {"level": 2, "mode": "FAST"},
            },
            "fieldMask": "generationConfig.temperature,futureFeature.level,futureFeature.mode",
        })
    );
    let clash = with_config(LiveConnectConfig::new().extra_setup_field("tools", json!([])));
    assert_eq!(
        refusal(&clash),
        (
            ConfigErrorKind::InvalidValue,
            "live_connect_constraints.config.extra_setup_fields.tools".into(),
            "`tools` is a field this crate models; set it through its typed field".into()
        )
    );
}

#[test]
fn values_json_cannot_carry_are_refused_not_sent_as_null() {
    let nan = with_config(LiveConnectConfig::new().temperature(f64::NAN));
    assert_eq!(
        refusal(&nan),
        (
            ConfigErrorKind::InvalidValue,
            "live_connect_constraints.config.temperature".into(),
            "NaN is not a finite number".into()
        )
    );
    let too_many = CreateAuthTokenConfig::new().uses(u32::MAX);
    assert_eq!(
        refusal(&too_many),
        (
            ConfigErrorKind::InvalidUses,
            "uses".into(),
            "must be a whole number from 0 (unlimited) to 2147483647, not 4294967295".into()
        )
    );
}

#[test]
fn time_rules_hold_for_durations_too() {
    let past = CreateAuthTokenConfig::new().expire_in(Duration::minutes(-1));
    assert_eq!(
        refusal(&past),
        (
            ConfigErrorKind::TimeOutOfRange,
            "expire_time".into(),
            "-1m is not after now (2026-01-01T00:00:00Z)".into()
        )
    );
    let twenty = CreateAuthTokenConfig::new().new_session_expire_in(Duration::hours(20));
    assert_eq!(refusal(&twenty).1, "new_session_expire_time");
    let inverted = CreateAuthTokenConfig::new()
        .expire_in(Duration::minutes(5))
        .new_session_expire_in(Duration::minutes(6));
    assert_eq!(
        refusal(&inverted),
        (
            ConfigErrorKind::TimeOutOfRange,
            "new_session_expire_time".into(),
            "2026-01-01T00:06:00Z is after expire_time (2026-01-01T00:05:00Z); \
             new sessions cannot outlive the token"
                .into()
        )
    );
    let equal = CreateAuthTokenConfig::new()
        .expire_in(Duration::minutes(5))
        .new_session_expire_at(datetime!(2026-01-01 00:05 UTC));
    assert_eq!(
        body(&equal),
        json!({"expireTime": "2026-01-01T00:05:00Z", "newSessionExpireTime": "2026-01-01T00:05:00Z"})
    );
}

#[test]
fn endpoints_send_the_key_only_over_https_or_to_this_machine() {
    for ok in [
        "https://example.com",
        "http://127.0.0.1:8080",
        "http://127.5.6.7",
        "http://localhost:1",
        "http://[::1]:80",
    ] {
        assert!(Endpoint::new(ok, "v1alpha").is_ok(), "{ok}");
    }
    for (bad, message) in [
        (
            "http://example.com",
            "`http://example.com` is plain HTTP to a host that is not this machine; the API key \
             goes only over HTTPS (or plain HTTP to localhost, for the emulator)",
        ),
        (
            "http://10.0.0.1",
            "`http://10.0.0.1` is plain HTTP to a host that is not this machine; the API key \
             goes only over HTTPS (or plain HTTP to localhost, for the emulator)",
        ),
        (
            "ftp://example.com",
            "`ftp://example.com` is not an http:// or https:// URL",
        ),
        ("not a url", "`not a url` is not a URL"),
        (
            "https://example.com/?x=1",
            "`https://example.com/?x=1` has a query or fragment; a base URL has neither",
        ),
    ] {
        let err = Endpoint::new(bad, "v1alpha").unwrap_err();
        assert_eq!((err.path(), err.message()), ("base_url", message), "{bad}");
    }
    let err = Endpoint::new("https://example.com", "v1/../x").unwrap_err();
    assert_eq!(err.path(), "api_version");

    // The same rule when a client lets a config's http_options choose the URL.
    let options = HttpOptions::new().base_url("http://192.168.1.1");
    let key = ApiKey::new("AIzaSy-checks").unwrap();
    let trusting = Endpoint::default().allow_config_base_url();
    match prepare(
        &CreateAuthTokenConfig::new().http_options(options),
        &trusting,
        &key,
        now(),
    ) {
        Err(Error::Config(e)) => assert_eq!(
            (e.kind(), e.path(), e.message()),
            (
                ConfigErrorKind::InvalidEndpoint,
                "http_options.base_url",
                "`http://192.168.1.1` is plain HTTP to a host that is not this machine; the API \
                 key goes only over HTTPS (or plain HTTP to localhost, for the emulator)"
            )
        ),
        other => panic!("want a config error, got {other:?}"),
    }
}

#[test]
fn extra_headers_may_not_replace_ours() {
    let headers = |name: &str| {
        CreateAuthTokenConfig::new().http_options(
            HttpOptions::new().headers(BTreeMap::from([(name.to_owned(), "v".to_owned())])),
        )
    };
    for reserved in [
        "x-goog-api-key",
        "X-Goog-Api-Key",
        "content-type",
        "authorization",
    ] {
        let (kind, path, _) = refusal(&headers(reserved));
        assert_eq!(kind, ConfigErrorKind::InvalidHeader, "{reserved}");
        assert_eq!(path, format!("http_options.headers.{reserved}"));
    }
    let (_, _, message) = refusal(&headers("bad header"));
    assert_eq!(message, "`bad header` is not a header name");
}

#[test]
fn the_model_name_rules() {
    let model = |name: &str| {
        CreateAuthTokenConfig::new().constraints(LiveConnectConstraints::new().model(name))
    };
    assert_eq!(
        body(&model("tunedModels/x")),
        json!({"bidiGenerateContentSetup": {"model": "tunedModels/x"}})
    );
    for bad in [
        "",
        "models/../x",
        "m?x",
        "m&x",
        "m#x",
        "m x",
        "m\u{a0}x",
        "m\nx",
    ] {
        let (kind, path, _) = refusal(&model(bad));
        assert_eq!(
            (kind, path.as_str()),
            (
                ConfigErrorKind::InvalidModel,
                "live_connect_constraints.model"
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn a_request_is_the_same_bytes_for_the_same_now() {
    let config = with_config(
        LiveConnectConfig::new()
            .system_instruction("x")
            .temperature(0.1),
    )
    .expire_in(Duration::minutes(3))
    .lock(Lock::SetFields);
    assert_eq!(body(&config), body(&config));
    assert_eq!(
        body(&config)["fieldMask"],
        "generationConfig.temperature,systemInstruction.parts,systemInstruction.role"
    );
}

#[test]
fn extra_setup_field_names_a_mask_cannot_write_are_refused() {
    // Found by the `config` and `lock_names` fuzz targets: such a key vanished from the
    // field mask or was split in two.
    for (name, value, bad) in [
        ("", json!(1), ""),
        ("a.b", json!(1), "a.b"),
        ("a,b", json!(1), "a,b"),
        ("future", json!({"x,y": 1}), "x,y"),
        ("future", json!({"": 1}), ""),
    ] {
        let config = with_config(LiveConnectConfig::new().extra_setup_field(name, value))
            .lock(Lock::SetFields);
        let (kind, path, message) = refusal(&config);
        assert_eq!(kind, ConfigErrorKind::InvalidValue);
        assert_eq!(
            path,
            format!("live_connect_constraints.config.extra_setup_fields.{name}")
        );
        assert_eq!(
            message,
            format!(
                "`{bad}` cannot be a setup field name: a field mask cannot name a field that is \
                 empty or holds `,` or `.`"
            )
        );
    }
    // Deeper keys are user data the mask never names.
    let deep =
        with_config(LiveConnectConfig::new().extra_setup_field("future", json!({"x": {"a.b": 1}})))
            .lock(Lock::SetFields);
    assert_eq!(body(&deep)["fieldMask"], "future.x");
}
