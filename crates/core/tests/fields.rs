//! The field tree that lock names are checked against stays true to the typed
//! messages, and the maximal fixture sets every setup field.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, LockPath, prepare};
use serde_json::Value;

/// Every path to a value in `setup`, through objects: not into lists (a lock path
/// never indexes), nor into `labels`, a map of user data whose keys are not fields.
/// Every other user datum of a setup sits inside a list, so no list of them is needed.
fn paths(value: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Value::Object(object) = value {
        for (key, child) in object {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            out.push(path.clone());
            if path != "labels" {
                paths(child, &path, out);
            }
        }
    }
}

fn parse(name: &str) -> Result<String, String> {
    LockPath::parse(name)
        .map(|p| p.as_str().to_owned())
        .map_err(|e| e.to_string())
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
        assert_eq!(parse(path), Ok(path.clone()));
    }
    assert_eq!(
        parse("labels.team"),
        Err(
            "lock name `labels.team` goes into `labels`, a map of user data; lock it whole"
                .to_owned()
        )
    );
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

#[test]
fn a_lock_path_shows_and_serializes_as_the_camel_case_path_it_sends() {
    let path = LockPath::parse("generation_config.speech_config.voice_config").unwrap();
    let camel = "generationConfig.speechConfig.voiceConfig";
    assert_eq!(path.as_str(), camel);
    assert_eq!(path.to_string(), camel);
    assert_eq!(serde_json::to_value(&path).unwrap(), Value::from(camel));
}
