//! Config reading on any bytes: a config file is user input. Whatever `from_json`
//! accepts must write back to JSON and read back equal, through both ways in
//! (`from_json` and serde), and must check and prepare without panicking.

#![no_main]

use std::sync::OnceLock;

use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, PreparedConfig, prepare_with};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

mod common;

use common::CANARY;

/// A fixed `now`, so that relative times resolve the same way in every run and a
/// crash reproduces.
fn now() -> time::OffsetDateTime {
    // 2026-01-01T00:00:00Z
    time::OffsetDateTime::from_unix_timestamp(1_767_225_600).expect("a valid instant")
}

fn key() -> &'static ApiKey {
    static KEY: OnceLock<ApiKey> = OnceLock::new();
    KEY.get_or_init(|| ApiKey::new(CANARY).expect("the canary is a valid key"))
}

/// An endpoint that lets the config choose its base URL, so that the checks of
/// `http_options.base_url` run too.
fn endpoint() -> &'static Endpoint {
    static ENDPOINT: OnceLock<Endpoint> = OnceLock::new();
    ENDPOINT.get_or_init(|| Endpoint::default().allow_config_base_url())
}

fuzz_target!(|data: &[u8]| {
    let config = match CreateAuthTokenConfig::from_json(data) {
        Ok(config) => config,
        Err(error) => {
            // (A refusal may quote the config, so it is not searched for the canary:
            // the key is never in a config.)
            assert!(!error.message().is_empty(), "a refusal without a message");
            return;
        }
    };

    // The round trip of `crates/core/tests/properties.rs`
    // (`config_round_trips_through_json_in_both_key_cases`), from any accepted input.
    let json = match serde_json::to_vec(&config) {
        Ok(json) => json,
        Err(error) => panic!("an accepted config does not serialize: {error}; {config:?}"),
    };
    let again = CreateAuthTokenConfig::from_json(&json);
    assert_eq!(
        again.as_ref(),
        Ok(&config),
        "from_json does not read back {}",
        String::from_utf8_lossy(&json)
    );
    let via_serde = serde_json::from_slice::<CreateAuthTokenConfig>(&json);
    assert_eq!(
        via_serde.as_ref().ok(),
        Some(&config),
        "serde does not read back {}: {via_serde:?}",
        String::from_utf8_lossy(&json)
    );

    let Ok(prepared) = PreparedConfig::new(&config) else {
        return;
    };
    if let Ok(request) = prepare_with(&prepared, endpoint(), key(), now()) {
        let body = request.request().body();
        let sent = match serde_json::from_slice::<Value>(body) {
            Ok(sent) => sent,
            Err(error) => panic!(
                "a prepared body that is not JSON ({error}): {}",
                String::from_utf8_lossy(body)
            ),
        };
        if !config.lock.is_all() {
            check_mask_covers_the_setup(&sent);
        }
    }
});

/// The rule the service (and the emulator's `check_mask`) applies to a locked
/// token: every field the setup sets is under a path of the mask.
fn check_mask_covers_the_setup(sent: &Value) {
    let Some(setup) = sent.get("bidiGenerateContentSetup") else {
        return;
    };
    let mask = sent.get("fieldMask").and_then(Value::as_str).unwrap_or("");
    let masked: Vec<&str> = mask.split(',').collect();
    let under_mask = |path: &str| {
        masked.iter().any(|m| {
            path == *m || (path.starts_with(m) && path.as_bytes().get(m.len()) == Some(&b'.'))
        })
    };
    for path in common::documented_paths(setup) {
        assert!(
            under_mask(&path),
            "`{path}` is set but not under the mask `{mask}`: {sent}"
        );
    }
}
