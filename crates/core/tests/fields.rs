//! The field tree that lock names are checked against stays true to the typed
//! messages, and the maximal fixture sets every setup field.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, LockPath, prepare};
use serde_json::Value;

/// Every path to a value in `setup`, through objects (not into lists, nor into the
/// user data of `labels`, `parameters` and the like).
fn paths(value: &Value, prefix: &str, out: &mut Vec<String>) {
    const USER_DATA: &[&str] = &[
        "labels",
        "parameters",
        "parametersJsonSchema",
        "response",
        "responseJsonSchema",
        "args",
    ];
    if let Value::Object(object) = value {
        for (key, child) in object {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            out.push(path.clone());
            if !USER_DATA.contains(&key.as_str()) {
                paths(child, &path, out);
            }
        }
    }
}

#[test]
fn every_path_the_maximal_setup_sends_is_a_lockable_name() {
    let config =
        CreateAuthTokenConfig::from_json(include_bytes!("../benches/fixtures/maximal.json"))
            .unwrap();
    let key = ApiKey::new("k").unwrap();
    let prepared = prepare(
        &config,
        &Endpoint::default(),
        &key,
        time::OffsetDateTime::UNIX_EPOCH,
    )
    .unwrap();
    let body: Value = serde_json::from_slice(prepared.request().body()).unwrap();
    let setup = &body["bidiGenerateContentSetup"];
    let mut all = Vec::new();
    paths(setup, "", &mut all);
    assert!(all.len() > 50, "{all:?}");
    for path in &all {
        assert_eq!(
            LockPath::parse(path).map(|p| p.as_str().to_owned()),
            Ok(path.clone())
        );
    }
    // Every top-level setup field is set (serde_json sorts the keys).
    let top: Vec<&str> = setup
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut want = vec![
        "model",
        "generationConfig",
        "systemInstruction",
        "tools",
        "sessionResumption",
        "inputAudioTranscription",
        "outputAudioTranscription",
        "realtimeInputConfig",
        "contextWindowCompression",
        "proactivity",
        "historyConfig",
        "avatarConfig",
        "safetySettings",
        "labels",
    ];
    want.sort_unstable();
    assert_eq!(top, want);
}
