//! The builders users call, checked by what they build and by the body they send:
//! each one found untested by mutation testing (`cargo mutants`) once.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::time::Duration;

use gemini_token_core::setup::{
    Content, FunctionDeclaration, Part, PrebuiltVoiceConfig, SpeechConfig, Tool, VoiceConfig,
};
use gemini_token_core::{
    ApiKey, CreateAuthTokenConfig, Endpoint, HttpOptions, LiveConnectConfig,
    LiveConnectConstraints, RetryPolicy, prepare,
};
use serde_json::{Value, json};
use time::macros::datetime;

fn body(config: &CreateAuthTokenConfig) -> Value {
    let key = ApiKey::new("AIzaSy-builders").unwrap();
    let prepared = prepare(
        config,
        &Endpoint::default(),
        &key,
        datetime!(2026-01-01 00:00 UTC),
    )
    .unwrap();
    serde_json::from_slice(prepared.request().body()).unwrap()
}

fn with_config(config: LiveConnectConfig) -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::new().constraints(LiveConnectConstraints::new().config(config))
}

fn declaration(name: &str) -> FunctionDeclaration {
    FunctionDeclaration::new()
        .name(name)
        .description(format!("{name}, for the model"))
}

#[test]
fn tool_adds_each_tool_after_those_already_set_in_order() {
    let config = LiveConnectConfig::new()
        .tool(Tool::function(declaration("first")))
        .tool(Tool::function(declaration("second")));
    assert_eq!(
        config.tools,
        Some(vec![
            Tool::new().function_declarations(vec![declaration("first")]),
            Tool::new().function_declarations(vec![declaration("second")]),
        ])
    );
    let after_list = LiveConnectConfig::new()
        .tools(vec![Tool::function(declaration("listed"))])
        .tool(Tool::function(declaration("added")));
    assert_eq!(
        body(&with_config(after_list)),
        json!({
            "bidiGenerateContentSetup": {
                "tools": [
                    {"functionDeclarations": [
                        {"name": "listed", "description": "listed, for the model"}
                    ]},
                    {"functionDeclarations": [
                        {"name": "added", "description": "added, for the model"}
                    ]},
                ],
            },
        })
    );
}

#[test]
fn tool_function_holds_exactly_one_declaration() {
    let tool = Tool::function(declaration("lookup"));
    assert_eq!(
        tool.function_declarations,
        Some(vec![declaration("lookup")])
    );
    assert_eq!(
        serde_json::to_value(&tool).unwrap(),
        json!({"functionDeclarations": [
            {"name": "lookup", "description": "lookup, for the model"}
        ]})
    );
}

#[test]
fn label_adds_one_label_and_a_later_one_replaces_the_same_key() {
    let config = LiveConnectConfig::new()
        .label("team", "tutors")
        .label("tier", String::from("free"))
        .label("team", "support");
    assert_eq!(
        config.labels,
        Some(BTreeMap::from([
            ("team".to_owned(), "support".to_owned()),
            ("tier".to_owned(), "free".to_owned()),
        ]))
    );
    assert_eq!(
        body(&with_config(config)),
        json!({
            "bidiGenerateContentSetup": {"labels": {"team": "support", "tier": "free"}},
        })
    );
}

#[test]
fn a_voice_name_becomes_a_prebuilt_voice_from_str_and_from_string() {
    let want = SpeechConfig::new().voice_config(
        VoiceConfig::new().prebuilt_voice_config(PrebuiltVoiceConfig::new().voice_name("Kore")),
    );
    assert_eq!(SpeechConfig::from("Kore"), want);
    assert_eq!(SpeechConfig::from(String::from("Kore")), want);
    assert_eq!(
        body(&with_config(LiveConnectConfig::new().speech_config("Puck"))),
        json!({
            "bidiGenerateContentSetup": {
                "generationConfig": {
                    "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Puck"}}},
                },
            },
        })
    );
}

#[test]
fn the_retry_policy_has_a_getter_for_each_setting_and_documented_defaults() {
    let defaults = RetryPolicy::default();
    assert_eq!(defaults.max_attempts(), 3);
    assert_eq!(defaults.initial_delay(), Duration::from_millis(500));
    assert_eq!(defaults.multiplier(), 2.0);
    assert_eq!(defaults.max_delay(), Duration::from_secs(10));
    assert_eq!(defaults.max_elapsed(), Duration::from_secs(30));
    assert_eq!(defaults.jitter(), 0.5);

    let none = RetryPolicy::none();
    assert_eq!(none.max_attempts(), 1);
    assert_eq!(none.max_delay(), Duration::from_secs(10));
    assert_eq!(none.max_elapsed(), Duration::from_secs(30));

    let set = RetryPolicy::default()
        .with_max_attempts(7)
        .with_initial_delay(Duration::from_millis(250))
        .with_multiplier(3.5)
        .with_max_delay(Duration::from_secs(4))
        .with_max_elapsed(Duration::from_secs(12))
        .with_jitter(0.25);
    assert_eq!(set.max_attempts(), 7);
    assert_eq!(set.initial_delay(), Duration::from_millis(250));
    assert_eq!(set.multiplier(), 3.5);
    assert_eq!(set.max_delay(), Duration::from_secs(4));
    assert_eq!(set.max_elapsed(), Duration::from_secs(12));
    assert_eq!(set.jitter(), 0.25);
}

#[test]
fn retry_settings_out_of_range_are_brought_into_range() {
    let low = RetryPolicy::default()
        .with_max_attempts(0)
        .with_multiplier(0.5)
        .with_jitter(-0.5);
    assert_eq!(
        (low.max_attempts(), low.multiplier(), low.jitter()),
        (1, 1.0, 0.0)
    );
    let high = RetryPolicy::default().with_jitter(1.5);
    assert_eq!(high.jitter(), 1.0);
    let nan = RetryPolicy::default()
        .with_multiplier(f64::NAN)
        .with_jitter(f64::NAN);
    assert_eq!((nan.multiplier(), nan.jitter()), (1.0, 0.0));
    let infinite = RetryPolicy::default()
        .with_multiplier(f64::INFINITY)
        .with_jitter(f64::INFINITY);
    assert_eq!((infinite.multiplier(), infinite.jitter()), (1.0, 0.0));
}

#[test]
fn a_configs_timeout_is_the_prepared_requests_timeout() {
    let key = ApiKey::new("AIzaSy-builders").unwrap();
    let now = datetime!(2026-01-01 00:00 UTC);
    let config = CreateAuthTokenConfig::new().http_options(HttpOptions::new().timeout(2500u64));
    let prepared = prepare(&config, &Endpoint::default(), &key, now).unwrap();
    assert_eq!(prepared.timeout(), Some(Duration::from_millis(2500)));
    let plain = prepare(
        &CreateAuthTokenConfig::new(),
        &Endpoint::default(),
        &key,
        now,
    )
    .unwrap();
    assert_eq!(plain.timeout(), None);
}

#[test]
fn lock_modes_serialize_as_the_sdks_lock_additional_fields() {
    use gemini_token_core::Lock;
    assert_eq!(serde_json::to_value(Lock::All).unwrap(), Value::Null);
    assert_eq!(serde_json::to_value(Lock::SetFields).unwrap(), json!([]));
    let and = Lock::set_fields_and(["temperature"]).unwrap();
    assert_eq!(
        serde_json::to_value(&and).unwrap(),
        json!(["generationConfig.temperature"])
    );
    for lock in [Lock::All, Lock::SetFields, and] {
        let text = serde_json::to_string(&lock).unwrap();
        assert_eq!(serde_json::from_str::<Lock>(&text).unwrap(), lock, "{text}");
    }
}

#[test]
fn text_becomes_a_user_content_of_one_text_part() {
    let part = Part::new().text("Be terse.");
    assert_eq!(Part::from("Be terse."), part);
    assert_eq!(Part::from("Be terse.".to_owned()), part);
    let content = Content::new().parts(vec![part.clone()]).role("user");
    assert_eq!(Content::from("Be terse."), content);
    assert_eq!(Content::from("Be terse.".to_owned()), content);
    assert_eq!(Content::from(part.clone()), content);
    assert_eq!(Content::from(vec![part]), content);
}
