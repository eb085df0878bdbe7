//! Reading a config as SDK users write it: each kind of refusal with the path as the
//! user wrote it (list indices included), and the shorthands each form expands into.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use gemini_token_core::{
    ApiKey, ConfigErrorKind, CreateAuthTokenConfig, Endpoint, HttpOptions, prepare,
};
use serde_json::{Value, json};
use time::macros::datetime;

fn refusal(json: &str) -> (ConfigErrorKind, String, String) {
    match CreateAuthTokenConfig::from_json(json.as_bytes()) {
        Err(e) => (e.kind(), e.path().to_owned(), e.message().to_owned()),
        Ok(config) => panic!("{json} was read as {config:?}"),
    }
}

fn refused(kind: ConfigErrorKind, path: &str, message: &str) -> (ConfigErrorKind, String, String) {
    (kind, path.to_owned(), message.to_owned())
}

/// The body `json` is sent as.
fn body(json: &str) -> Value {
    let config = CreateAuthTokenConfig::from_json(json.as_bytes()).unwrap();
    let key = ApiKey::new("AIzaSy-reading").unwrap();
    let prepared = prepare(
        &config,
        &Endpoint::default(),
        &key,
        datetime!(2026-01-01 00:00 UTC),
    )
    .unwrap();
    serde_json::from_slice(prepared.request().body()).unwrap()
}

const TIMESTAMP: &str = "an RFC 3339 timestamp with a `T` and an offset, such as \
     2025-05-01T00:00:00Z or 2025-05-01T02:00:00.5+02:00";

#[test]
fn a_bad_time_is_an_invalid_time_at_the_key_as_written() {
    assert_eq!(
        refusal(r#"{"expire_time": "tomorrow"}"#),
        refused(
            ConfigErrorKind::InvalidTime,
            "expire_time",
            &format!("`tomorrow` is not {TIMESTAMP}")
        )
    );
    assert_eq!(
        refusal(r#"{"newSessionExpireTime": 5}"#),
        refused(
            ConfigErrorKind::InvalidTime,
            "newSessionExpireTime",
            &format!("`5` is not {TIMESTAMP}")
        )
    );
}

#[test]
fn a_bad_uses_is_invalid_uses_whatever_went_wrong() {
    assert_eq!(
        refusal(r#"{"uses": -1}"#),
        refused(
            ConfigErrorKind::InvalidUses,
            "uses",
            "must be a whole number from 0 (unlimited) to 2147483647, not -1"
        )
    );
    assert_eq!(
        refusal(r#"{"uses": "3"}"#),
        refused(
            ConfigErrorKind::InvalidUses,
            "uses",
            "invalid type: string \"3\", expected a JSON number"
        )
    );
    // A whole float is the integer it is (Python writes them).
    assert_eq!(
        CreateAuthTokenConfig::from_json(br#"{"uses": 3.0}"#)
            .unwrap()
            .uses,
        Some(3)
    );
}

#[test]
fn a_bad_lock_is_an_unknown_lock_field() {
    assert_eq!(
        refusal(r#"{"lock_additional_fields": ["temprature"]}"#),
        refused(
            ConfigErrorKind::UnknownLockField,
            "lock_additional_fields",
            "unknown field name `temprature` (did you mean `temperature`?)"
        )
    );
    assert_eq!(
        refusal(r#"{"lockAdditionalFields": "x"}"#),
        refused(
            ConfigErrorKind::UnknownLockField,
            "lockAdditionalFields",
            "invalid type: string \"x\", expected a sequence"
        )
    );
}

#[test]
fn paths_name_list_items_by_index_and_keys_as_written() {
    let config = r#"{"live_connect_constraints": {"config": {"tools": [
        {}, {"function_declarations": [{"name": 5}]}
    ]}}}"#;
    assert_eq!(
        refusal(config),
        refused(
            ConfigErrorKind::InvalidValue,
            "live_connect_constraints.config.tools[1].function_declarations[0].name",
            "invalid type: integer `5`, expected a string"
        )
    );
    let camel = r#"{"liveConnectConstraints": {"config": {"tools": [
        {"functionDeclarations": [{"name": "a"}, {"nmae": "x"}]}
    ]}}}"#;
    assert_eq!(
        refusal(camel),
        refused(
            ConfigErrorKind::UnknownField,
            "liveConnectConstraints.config.tools[0].functionDeclarations[1].nmae",
            "unknown field `nmae`"
        )
    );
    assert_eq!(
        refusal(r#"{"live_connect_constraints": {"config": {"temperature": "hot"}}}"#),
        refused(
            ConfigErrorKind::InvalidValue,
            "live_connect_constraints.config.temperature",
            "invalid type: string \"hot\", expected f64"
        )
    );
    assert_eq!(
        refusal(r#"{"expire": "+30m"}"#),
        refused(
            ConfigErrorKind::UnknownField,
            "expire",
            "unknown field `expire`"
        )
    );
    assert_eq!(
        refusal(r#"{"": 1}"#),
        refused(
            ConfigErrorKind::UnknownField,
            "\"\"",
            "unknown field `\"\"`"
        )
    );
}

#[test]
fn a_key_given_twice_names_both_spellings() {
    assert_eq!(
        refusal(r#"{"aaa": 1, "expireTime": "+30m", "expire_time": "+1m"}"#),
        refused(
            ConfigErrorKind::DuplicateField,
            "expire_time",
            "given twice, as `expireTime` and as `expire_time`"
        )
    );
    // A null is not a value: the other spelling alone counts.
    assert_eq!(
        CreateAuthTokenConfig::from_json(br#"{"expireTime": null, "expire_time": "+1m"}"#)
            .unwrap()
            .expire_time
            .map(|t| t.to_string()),
        Some("+1m".to_owned())
    );
}

#[test]
fn only_an_object_or_null_is_a_config() {
    for (json, what) in [
        ("[1]", "a list"),
        ("true", "a boolean"),
        ("1", "a number"),
        ("\"x\"", "a string"),
    ] {
        assert_eq!(
            refusal(json),
            refused(
                ConfigErrorKind::Syntax,
                "",
                &format!("a token config is a JSON object, not {what}")
            )
        );
    }
    assert_eq!(
        CreateAuthTokenConfig::from_json(b"null").unwrap(),
        CreateAuthTokenConfig::new()
    );
    assert_eq!(
        refusal("{"),
        refused(
            ConfigErrorKind::Syntax,
            "",
            "not valid JSON: EOF while parsing an object at line 1 column 1"
        )
    );
}

#[test]
fn whole_floats_become_integers_below_9e15() {
    assert_eq!(
        CreateAuthTokenConfig::from_json(br#"{"http_options": {"timeout": 8999999999999999.0}}"#)
            .unwrap()
            .http_options,
        Some(HttpOptions::new().timeout(8_999_999_999_999_999u64))
    );
    assert_eq!(
        refusal(r#"{"http_options": {"timeout": 9000000000000000.0}}"#),
        refused(
            ConfigErrorKind::InvalidValue,
            "http_options.timeout",
            "invalid type: floating point `9000000000000000.0`, expected u64"
        )
    );
    assert_eq!(
        refusal(r#"{"http_options": {"timeout": 2.5}}"#),
        refused(
            ConfigErrorKind::InvalidValue,
            "http_options.timeout",
            "invalid type: floating point `2.5`, expected u64"
        )
    );
    assert_eq!(
        CreateAuthTokenConfig::from_json(br#"{"http_options": {"timeout": -2.0}}"#)
            .unwrap_err()
            .message(),
        "invalid value: integer `-2`, expected u64"
    );
}

#[test]
fn system_instruction_shorthands_expand_into_content() {
    let setup = |instruction: &str| {
        body(&format!(
            r#"{{"live_connect_constraints": {{"config": {{"system_instruction": {instruction}}}}}}}"#
        ))["bidiGenerateContentSetup"]["systemInstruction"]
            .clone()
    };
    let user_hi = json!({"parts": [{"text": "hi"}], "role": "user"});
    assert_eq!(setup(r#""hi""#), user_hi);
    assert_eq!(setup(r#"{"text": "hi"}"#), user_hi);
    assert_eq!(setup(r#"["hi"]"#), user_hi);
    assert_eq!(
        setup(r#"["a", {"text": "b"}]"#),
        json!({"parts": [{"text": "a"}, {"text": "b"}], "role": "user"})
    );
    // Already content: kept as given.
    assert_eq!(
        setup(r#"{"parts": [{"text": "hi"}]}"#),
        json!({"parts": [{"text": "hi"}]})
    );
    assert_eq!(setup(r#"{"role": "model"}"#), json!({"role": "model"}));
    assert_eq!(setup("{}"), json!({}));
}

#[test]
fn a_voice_name_expands_flat_and_nested() {
    let voice = json!({"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}});
    assert_eq!(
        body(r#"{"live_connect_constraints": {"config": {"speech_config": "Kore"}}}"#),
        json!({"bidiGenerateContentSetup": {"generationConfig": {"speechConfig": voice}}})
    );
    assert_eq!(
        body(
            r#"{"live_connect_constraints": {"config": {"generation_config": {"speech_config": "Kore"}}}}"#
        ),
        json!({"bidiGenerateContentSetup": {"generationConfig": {"speechConfig": voice}}})
    );
}

#[test]
fn a_suggestion_allows_one_edit_in_three_letters() {
    let lock = |name: &str| refusal(&format!(r#"{{"lock_additional_fields": ["{name}"]}}"#)).2;
    // 9 letters: 3 edits allowed; `tempratur` is 2 from `temperature`.
    assert_eq!(
        lock("tempratur"),
        "unknown field name `tempratur` (did you mean `temperature`?)"
    );
    // 8 letters: 2 edits allowed; `tmpratur` is 3 away.
    assert_eq!(lock("tmpratur"), "unknown field name `tmpratur`");
    // Letters too many in front count one each: `xxxmodel` is 3 from `model`.
    assert_eq!(lock("xxxmodel"), "unknown field name `xxxmodel`");
    assert_eq!(
        lock("xxmodel"),
        "unknown field name `xxmodel` (did you mean `model`?)"
    );
}

#[test]
fn serde_reads_a_config_as_from_json_does() {
    let json = r#"{"uses": 2, "expire_time": "+30m", "lock_additional_fields": []}"#;
    let read: CreateAuthTokenConfig = serde_json::from_str(json).unwrap();
    assert_eq!(
        read,
        CreateAuthTokenConfig::from_json(json.as_bytes()).unwrap()
    );
    assert_eq!(
        read,
        CreateAuthTokenConfig::new()
            .uses(2)
            .expire_in(time::Duration::minutes(30))
            .lock(gemini_token_core::Lock::SetFields)
    );
    let refused = serde_json::from_str::<CreateAuthTokenConfig>(r#"{"uses": -1}"#).unwrap_err();
    let expected = CreateAuthTokenConfig::from_json(br#"{"uses": -1}"#).unwrap_err();
    assert_eq!(refused.to_string(), expected.to_string());
}

#[test]
fn the_field_is_the_last_key_of_the_path_without_its_index() {
    let field = |json: &str| {
        let error = CreateAuthTokenConfig::from_json(json.as_bytes()).unwrap_err();
        (error.path().to_owned(), error.field().to_owned())
    };
    assert_eq!(
        field(r#"{"live_connect_constraints": {"config": {"temperature": "hot"}}}"#),
        (
            "live_connect_constraints.config.temperature".to_owned(),
            "temperature".to_owned()
        )
    );
    assert_eq!(
        field(
            r#"{"live_connect_constraints": {"config": {"tools": [{}, {"function_declarations": 5}]}}}"#
        ),
        (
            "live_connect_constraints.config.tools[1].function_declarations".to_owned(),
            "function_declarations".to_owned()
        )
    );
    assert_eq!(
        field(r#"{"lock_additional_fields": ["a", 5]}"#).1,
        "lock_additional_fields"
    );
    assert_eq!(
        field(r#"{"uses": -1}"#),
        ("uses".to_owned(), "uses".to_owned())
    );
}
