//! Fuzzing, as property tests: response parsing, config reading and lock names must
//! never panic, whatever the network or a config file holds, and never show the key.
//!
//! The default run tries 256 cases per target; a long run sets `PROPTEST_CASES`:
//! `PROPTEST_CASES=200000 cargo test --release -p gemini-token-core --test fuzz`.
//! (cargo-fuzz needs a nightly toolchain, which this project's machines do not have.)

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, Error, LockPath, prepare};
use http::{Response, StatusCode};
use proptest::prelude::*;

const CANARY: &str = "AIzaSyFUZZ-canary-key-0123456789";

fn parser() -> gemini_token_core::ResponseParser {
    let key = ApiKey::new(CANARY).unwrap();
    prepare(
        &CreateAuthTokenConfig::new(),
        &Endpoint::default(),
        &key,
        time::OffsetDateTime::UNIX_EPOCH,
    )
    .unwrap()
    .parser()
    .clone()
}

/// Bodies a server or a proxy might send: raw bytes, or JSON close to Google's.
fn body() -> impl Strategy<Value = Vec<u8>> {
    let text = prop_oneof![
        Just(String::new()),
        Just(CANARY.to_owned()),
        "[ -~]{0,40}",
        "\\PC{0,20}",
    ];
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..2048),
        text.clone().prop_map(|name| format!(r#"{{"name":"{name}"}}"#).into_bytes()),
        text.clone().prop_map(|name| format!(r#"{{"name":"auth_tokens/{name}"}}"#).into_bytes()),
        (text.clone(), text.clone(), text, any::<u16>()).prop_map(|(message, status, delay, code)| {
            format!(
                r#"{{"error":{{"code":{code},"message":"{message}","status":"{status}","details":[
                {{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"{delay}"}},
                {{"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[{{"field":"{message}"}}]}},
                {{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"{status}","metadata":{{"k":"{message}"}}}}]}}}}"#
            )
            .into_bytes()
        }),
    ]
}

proptest! {
    #[test]
    fn any_answer_parses_without_panic_or_the_key(status in 100u16..600, body in body()) {
        let mut response = Response::new(body.clone());
        *response.status_mut() = StatusCode::from_u16(status).unwrap();
        match parser().parse(&response) {
            Ok(token) => {
                prop_assert!((200..300).contains(&status));
                prop_assert!(token.secret().starts_with("auth_tokens/"));
                let debug = format!("{:?}", token);
                prop_assert!(!debug.contains(token.secret()));
            }
            Err(error) => {
                let shown = format!("{} {:?}", error, error);
                prop_assert!(!shown.contains(CANARY), "{}", shown);
                if let Error::UnexpectedResponse(answer) = &error {
                    prop_assert!(answer.body_prefix().len() <= gemini_token_core::BODY_PREFIX_LIMIT);
                }
            }
        }
    }

    #[test]
    fn any_bytes_as_a_config_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Err(error) = CreateAuthTokenConfig::from_json(&bytes) {
            prop_assert!(!error.message().is_empty());
        }
    }

    #[test]
    fn near_json_configs_never_panic(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("{"), Just("}"), Just("["), Just("]"), Just(","), Just(":"), Just("null"),
                Just("\"uses\""), Just("\"expire_time\""), Just("\"+30m\""), Just("\"2026-01-01T00:00:00Z\""),
                Just("\"live_connect_constraints\""), Just("\"config\""), Just("\"model\""),
                Just("\"system_instruction\""), Just("\"tools\""), Just("\"lock_additional_fields\""),
                Just("\"temperature\""), Just("1"), Just("-1"), Just("1e400"), Just("0.5"), Just("\"x\""),
            ],
            0..40,
        )
    ) {
        let text = parts.concat();
        if let Ok(config) = CreateAuthTokenConfig::from_json(text.as_bytes()) {
            let key = ApiKey::new(CANARY).unwrap();
            let _ = prepare(&config, &Endpoint::default(), &key, time::OffsetDateTime::UNIX_EPOCH);
        }
    }

    #[test]
    fn lock_names_never_panic_and_parse_to_themselves(
        name in prop_oneof![
            "\\PC{0,40}",
            "[a-zA-Z_.0-9]{0,40}",
            proptest::collection::vec(
                prop_oneof![
                    Just("generation_config"), Just("generationConfig"), Just("top_k"), Just("speech_config"),
                    Just("voice_config"), Just("realtimeInputConfig"), Just("automatic_activity_detection"),
                    Just("tools"), Just("labels"), Just("0"), Just(""), Just("model"), Just("temperature"),
                ],
                1..5,
            )
            .prop_map(|segments| segments.join(".")),
        ]
    ) {
        if let Ok(path) = LockPath::parse(&name) {
            let again = LockPath::parse(path.as_str());
            prop_assert_eq!(again.as_ref().map(LockPath::as_str), Ok(path.as_str()));
        }
    }
}
