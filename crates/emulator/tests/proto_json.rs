//! The body as the service's proto3 JSON parser reads it: both name forms at every
//! depth, the number forms proto3 JSON allows, `null`, and the service's wording for
//! what it refuses; field masks checked against the schema; how bodies may arrive
//! (empty, chunked, large, without a length).

#![allow(clippy::panic, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use crate::support::{Answer, KEY, parse};
use gemini_token_emulator::{Emulator, MASK_INVALID, MASK_MISSES_FIELDS};
use serde_json::{Value, json};
use time::macros::datetime;

const SETUP: &str = "auth_token.bidi_generate_content_setup";

fn emulator() -> Emulator {
    Emulator::builder()
        .key(KEY)
        .clock(|| datetime!(2026-01-01 00:00 UTC))
        .start()
        .unwrap()
}

/// Sends `raw` on a new connection and reads until the server closes it.
fn exchange(emulator: &Emulator, raw: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(raw).unwrap();
    let mut received = Vec::new();
    stream.read_to_end(&mut received).unwrap();
    parse(&received)
}

fn mint_at(emulator: &Emulator, version: &str, body: &str) -> Answer {
    let raw = format!(
        "POST /{version}/auth_tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         x-goog-api-key: {KEY}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    exchange(emulator, raw.as_bytes())
}

fn mint(emulator: &Emulator, body: &str) -> Answer {
    mint_at(emulator, "v1alpha", body)
}

/// Mints `body` and returns the setup the emulator kept, in its normal form.
fn kept_setup(body: &str) -> Value {
    let emulator = emulator();
    let answer = mint(&emulator, body);
    assert_eq!(
        answer.status,
        200,
        "{body}: {}",
        String::from_utf8_lossy(&answer.body)
    );
    emulator.tokens()[0]
        .bidi_generate_content_setup
        .clone()
        .unwrap()
}

/// Google's 400 for these violations, each `(field, description)`.
fn bad_request(violations: &[(Option<&str>, &str)]) -> Value {
    let message = violations
        .iter()
        .map(|(_, d)| *d)
        .collect::<Vec<_>>()
        .join("\n");
    let details: Vec<Value> = violations
        .iter()
        .map(|(field, description)| match field {
            Some(field) => json!({"field": field, "description": description}),
            None => json!({"description": description}),
        })
        .collect();
    json!({"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT", "details": [{
        "@type": "type.googleapis.com/google.rpc.BadRequest",
        "fieldViolations": details,
    }]}})
}

fn refused(body: &str) -> (u16, Value) {
    let emulator = emulator();
    let answer = mint(&emulator, body);
    assert!(emulator.tokens().is_empty(), "{body}");
    (answer.status, answer.json())
}

fn one(field: &str, description: &str) -> (u16, Value) {
    (400, bad_request(&[(Some(field), description)]))
}

#[test]
fn proto_names_are_taken_at_every_depth_and_kept_in_json_form() {
    let body = r#"{"bidi_generate_content_setup": {"model": "models/m",
        "generation_config": {"speech_config": {"voice_config": {"prebuilt_voice_config": {"voice_name": "Kore"}}},
            "thinking_config": {"thinking_budget": 0}},
        "realtime_input_config": {"automatic_activity_detection": {"disabled": true}},
        "context_window_compression": {"sliding_window": {"target_tokens": 100}},
        "proactivity": {"proactive_audio": true}},
        "field_mask": "model,generation_config.speech_config,generationConfig.thinking_config,realtime_input_config,contextWindowCompression,proactivity.proactive_audio"}"#;
    assert_eq!(
        kept_setup(body),
        json!({"model": "models/m",
            "generationConfig": {"speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}},
                "thinkingConfig": {"thinkingBudget": 0}},
            "realtimeInputConfig": {"automaticActivityDetection": {"disabled": true}},
            "contextWindowCompression": {"slidingWindow": {"targetTokens": 100}},
            "proactivity": {"proactiveAudio": true}})
    );
}

#[test]
fn numbers_take_every_proto3_json_form() {
    let setup = kept_setup(
        r#"{"bidiGenerateContentSetup": {"generationConfig": {
            "topK": 20.0, "seed": "7", "maxOutputTokens": 1e3, "candidateCount": "2.0",
            "temperature": "NaN", "topP": "0.5", "presencePenalty": "-Infinity", "frequencyPenalty": 1,
            "mediaResolution": 2, "responseModalities": ["1", "audio"]},
          "contextWindowCompression": {"triggerTokens": "5000", "slidingWindow": {"targetTokens": 2500}},
          "tools": [{"functionDeclarations": [{"name": "f", "parameters": {"type": "object", "maxItems": "9"}}]}]}}"#,
    );
    assert_eq!(
        setup,
        json!({"generationConfig": {
            "topK": 20, "seed": 7, "maxOutputTokens": 1000, "candidateCount": 2,
            "temperature": "NaN", "topP": 0.5, "presencePenalty": "-Infinity", "frequencyPenalty": 1.0,
            "mediaResolution": "MEDIA_RESOLUTION_MEDIUM", "responseModalities": ["TEXT", "AUDIO"]},
          "contextWindowCompression": {"triggerTokens": 5000, "slidingWindow": {"targetTokens": 2500}},
          "tools": [{"functionDeclarations": [{"name": "f", "parameters": {"type": "OBJECT", "maxItems": 9}}]}]})
    );
}

#[test]
fn null_is_unset() {
    let emulator = emulator();
    let answer = mint(
        &emulator,
        r#"{"uses": null, "expireTime": null, "fieldMask": null,
            "bidiGenerateContentSetup": {"model": "models/m", "generationConfig": null,
              "tools": null, "labels": null, "realtimeInputConfig": {"activityHandling": null}}}"#,
    );
    assert_eq!(answer.status, 200);
    let token = &emulator.tokens()[0];
    assert_eq!(
        (token.uses, token.expire_time, token.field_mask.as_deref()),
        (1, datetime!(2026-01-01 00:30 UTC), None)
    );
    assert_eq!(
        token.bidi_generate_content_setup,
        Some(json!({"model": "models/m", "realtimeInputConfig": {}}))
    );
}

#[test]
fn a_name_given_twice_is_refused_in_either_form() {
    assert_eq!(
        refused(r#"{"uses": 1, "uses": 2}"#),
        one(
            "auth_token",
            "Invalid JSON payload received. Duplicate name \"uses\" at 'auth_token': the field \
             is already set."
        )
    );
    assert_eq!(
        refused(r#"{"bidiGenerateContentSetup": {"generationConfig": {"topK": 1, "top_k": 2}}}"#),
        one(
            "auth_token.bidi_generate_content_setup.generation_config",
            "Invalid JSON payload received. Duplicate name \"top_k\" at \
             'auth_token.bidi_generate_content_setup.generation_config': the field is already set."
        )
    );
}

#[test]
fn unknown_names_are_refused_with_the_path_in_proto_form() {
    assert_eq!(
        refused(
            r#"{"bidiGenerateContentSetup": {"realtimeInputConfig": {"automaticActivityDetection": {"bogus": 1}}}}"#
        ),
        one(
            "auth_token.bidi_generate_content_setup.realtime_input_config.automatic_activity_detection",
            "Invalid JSON payload received. Unknown name \"bogus\" at \
             'auth_token.bidi_generate_content_setup.realtime_input_config.automatic_activity_detection': \
             Cannot find field."
        )
    );
    // Inside lists, with their indexes; a Vertex AI-only field is unknown here.
    assert_eq!(
        refused(
            r#"{"bidiGenerateContentSetup": {"tools": [{}, {"googleSearch": {"excludeDomains": ["x"]}}],
                "systemInstruction": {"parts": [{"text": "a"}, {"txt": "b"}]}}}"#
        ),
        (
            400,
            bad_request(&[
                (
                    Some("auth_token.bidi_generate_content_setup.tools[1].google_search"),
                    "Invalid JSON payload received. Unknown name \"excludeDomains\" at \
                     'auth_token.bidi_generate_content_setup.tools[1].google_search': Cannot find field."
                ),
                (
                    Some("auth_token.bidi_generate_content_setup.system_instruction.parts[1]"),
                    "Invalid JSON payload received. Unknown name \"txt\" at \
                     'auth_token.bidi_generate_content_setup.system_instruction.parts[1]': Cannot find field."
                ),
            ])
        )
    );
}

#[test]
fn an_unknown_enum_value_is_refused_with_its_type_in_the_requests_version() {
    let field = format!("{SETUP}.generation_config.media_resolution");
    for version in ["v1alpha", "v1beta"] {
        let emulator = emulator();
        let answer = mint_at(
            &emulator,
            version,
            r#"{"bidiGenerateContentSetup": {"generationConfig": {"mediaResolution": "SMELL"}}}"#,
        );
        assert_eq!(
            (answer.status, answer.json()),
            one(
                &field,
                &format!(
                    "Invalid value at '{field}' \
                     (type.googleapis.com/google.ai.generativelanguage.{version}.MediaResolution), \"SMELL\""
                )
            )
        );
    }
    assert_eq!(
        refused(r#"{"bidiGenerateContentSetup": {"generationConfig": {"mediaResolution": 9}}}"#),
        one(
            &field,
            &format!(
                "Invalid value at '{field}' \
                 (type.googleapis.com/google.ai.generativelanguage.v1alpha.MediaResolution), 9"
            )
        )
    );
}

#[test]
fn wrong_types_are_refused_in_the_services_words() {
    let cases: Vec<(&str, (u16, Value))> = vec![
        (
            r#"{"uses": "abc"}"#,
            one(
                "auth_token.uses",
                "Invalid value at 'auth_token.uses' (TYPE_INT32), \"abc\"",
            ),
        ),
        (
            r#"{"bidiGenerateContentSetup": {"model": 5}}"#,
            one(
                "auth_token.bidi_generate_content_setup.model",
                "Invalid value at 'auth_token.bidi_generate_content_setup.model' (TYPE_STRING), 5",
            ),
        ),
        (
            r#"{"bidiGenerateContentSetup": {"generationConfig": {"topK": 20.5}}}"#,
            one(
                "auth_token.bidi_generate_content_setup.generation_config.top_k",
                "Invalid value at 'auth_token.bidi_generate_content_setup.generation_config.top_k' \
                 (TYPE_INT32), 20.5",
            ),
        ),
        (
            r#"{"bidiGenerateContentSetup": {"generationConfig": {"temperature": {}}}}"#,
            one(
                "auth_token.bidi_generate_content_setup.generation_config",
                "Invalid value at 'auth_token.bidi_generate_content_setup.generation_config' \
                 (temperature), Starting an object on a scalar field",
            ),
        ),
        (
            r#"{"bidiGenerateContentSetup": {"model": ["models/m"]}}"#,
            one(
                "auth_token.bidi_generate_content_setup",
                "Invalid JSON payload received. Unknown name \"model\" at \
                 'auth_token.bidi_generate_content_setup': Proto field is not repeating, cannot \
                 start list.",
            ),
        ),
        (
            r#"{"bidiGenerateContentSetup": {"systemInstruction": "Be brief."}}"#,
            one(
                "auth_token.bidi_generate_content_setup.system_instruction",
                "Invalid value at 'auth_token.bidi_generate_content_setup.system_instruction' \
                 (type.googleapis.com/google.ai.generativelanguage.v1alpha.Content), \"Be brief.\"",
            ),
        ),
        (
            r#"{"bidiGenerateContentSetup": {"tools": [{"functionDeclarations": [{"parametersJsonSchema": {}, "response": []}]}]}}"#,
            one(
                "auth_token.bidi_generate_content_setup.tools[0].function_declarations[0]",
                "Invalid JSON payload received. Unknown name \"response\" at \
                 'auth_token.bidi_generate_content_setup.tools[0].function_declarations[0]': Proto \
                 field is not repeating, cannot start list.",
            ),
        ),
        (
            r#"{"expireTime": 5}"#,
            one(
                "auth_token.expire_time",
                "Invalid value at 'auth_token.expire_time' \
                 (type.googleapis.com/google.protobuf.Timestamp), 5",
            ),
        ),
        (
            r#"{"bidiGenerateContentSetup": {"avatarConfig": {"customizedAvatar": {"imageData": "not base64!"}}}}"#,
            one(
                "auth_token.bidi_generate_content_setup.avatar_config.customized_avatar.image_data",
                "Invalid value at \
                 'auth_token.bidi_generate_content_setup.avatar_config.customized_avatar.image_data' \
                 (TYPE_BYTES), \"not base64!\"",
            ),
        ),
    ];
    for (body, want) in cases {
        assert_eq!(refused(body), want, "{body}");
    }
}

#[test]
fn out_of_range_integers_are_refused() {
    assert_eq!(
        refused(r#"{"uses": 2147483648}"#),
        one(
            "auth_token.uses",
            "Invalid value at 'auth_token.uses' (TYPE_INT32), 2147483648"
        )
    );
    assert_eq!(
        refused(
            r#"{"bidiGenerateContentSetup": {"contextWindowCompression": {"triggerTokens": "9223372036854775808"}}}"#
        ),
        one(
            "auth_token.bidi_generate_content_setup.context_window_compression.trigger_tokens",
            "Invalid value at \
             'auth_token.bidi_generate_content_setup.context_window_compression.trigger_tokens' \
             (TYPE_INT64), \"9223372036854775808\""
        )
    );
    assert_eq!(
        refused(r#"{"bidiGenerateContentSetup": {"generationConfig": {"temperature": 1e39}}}"#),
        one(
            "auth_token.bidi_generate_content_setup.generation_config.temperature",
            "Invalid value at 'auth_token.bidi_generate_content_setup.generation_config.temperature' \
             (TYPE_FLOAT), 1e39"
        )
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    assert_eq!(
        refused(
            r#"{"uses": -1.5, "bogus": {"x": [1, 2]}, "bidiGenerateContentSetup": {"generationConfig": {"seed": true}}}"#
        ),
        (
            400,
            bad_request(&[
                (
                    Some("auth_token.uses"),
                    "Invalid value at 'auth_token.uses' (TYPE_INT32), -1.5"
                ),
                (
                    Some("auth_token"),
                    "Invalid JSON payload received. Unknown name \"bogus\" at 'auth_token': \
                     Cannot find field."
                ),
                (
                    Some("auth_token.bidi_generate_content_setup.generation_config.seed"),
                    "Invalid value at 'auth_token.bidi_generate_content_setup.generation_config.seed' \
                     (TYPE_INT32), true"
                ),
            ])
        )
    );
}

#[test]
fn malformed_json_is_refused_where_it_breaks() {
    assert_eq!(
        refused("{\"uses\": 1,\n \"expireTime\" \"2026-01-01T01:00:00Z\"}"),
        (
            400,
            bad_request(&[(
                None,
                "Invalid JSON payload received. Expected : between key:value pair.\n \
                 \"expireTime\" \"2026-01-01T01:00:00Z\"}\n              ^"
            )])
        )
    );
    assert_eq!(
        refused("{\"uses\": 1"),
        (
            400,
            bad_request(&[(
                None,
                "Invalid JSON payload received. Expected , or } after key:value pair.\n\
                 {\"uses\": 1\n          ^"
            )])
        )
    );
}

#[test]
fn an_empty_body_is_an_empty_message() {
    let emulator = emulator();
    for body in ["", " \r\n"] {
        assert_eq!(mint(&emulator, body).status, 200, "{body:?}");
    }
    let tokens = emulator.tokens();
    assert_eq!(tokens.len(), 2);
    assert_eq!(
        (
            tokens[0].uses,
            tokens[0].expire_time,
            tokens[0].new_session_expire_time,
            &tokens[0].bidi_generate_content_setup,
            &tokens[0].field_mask,
        ),
        (
            1,
            datetime!(2026-01-01 00:30 UTC),
            datetime!(2026-01-01 00:01 UTC),
            &None,
            &None
        )
    );
}

#[test]
fn chunked_bodies_are_decoded() {
    let emulator = emulator();
    let raw = format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
         Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n\
         5\r\n{{\"use\r\nA;ext=1\r\ns\": 3, \"bi\r\n1c\r\ndiGenerateContentSetup\": {{}}}}\r\n\
         0\r\nX-Trailer: t\r\n\r\n"
    );
    let answer = exchange(&emulator, raw.as_bytes());
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let token = &emulator.tokens()[0];
    assert_eq!(
        (token.uses, &token.bidi_generate_content_setup),
        (3, &Some(json!({})))
    );

    // Past 20 MiB in all, the chunks are refused as a body that size would be.
    let mut big = format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
         Transfer-Encoding: chunked\r\n\r\n{:x}\r\n",
        20 * 1024 * 1024
    )
    .into_bytes();
    big.resize(big.len() + 20 * 1024 * 1024, b' ');
    big.extend_from_slice(b"\r\n1\r\n \r\n0\r\n\r\n");
    let answer = exchange(&emulator, &big);
    assert_eq!(
        (answer.status, answer.json()),
        (
            413,
            json!({"error": {"code": 413, "status": "INVALID_ARGUMENT",
                "message": "Request payload size exceeds the limit: 20971520 bytes."}})
        )
    );
}

#[test]
fn bodies_up_to_20_mib_are_taken_and_larger_ones_refused_in_googles_shape() {
    let emulator = emulator();
    // 1.05 MiB of valid setup: a long system instruction.
    let text = "x".repeat(1_101_005);
    let body = format!(
        r#"{{"bidiGenerateContentSetup": {{"systemInstruction": {{"parts": [{{"text": "{text}"}}]}}}}}}"#
    );
    assert!(body.len() > 1_100_000);
    assert_eq!(mint(&emulator, &body).status, 200);
    assert_eq!(
        emulator.tokens()[0]
            .bidi_generate_content_setup
            .as_ref()
            .unwrap()["systemInstruction"]["parts"][0]["text"]
            .as_str()
            .map(str::len),
        Some(text.len())
    );

    let head = format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\nContent-Length: {}\r\n\r\n",
        20 * 1024 * 1024 + 1
    );
    let answer = exchange(&emulator, head.as_bytes());
    assert_eq!(
        (answer.status, answer.header("connection"), answer.json()),
        (
            413,
            Some("close"),
            json!({"error": {"code": 413, "status": "INVALID_ARGUMENT",
                "message": "Request payload size exceeds the limit: 20971520 bytes."}})
        )
    );
}

#[test]
fn a_post_without_a_length_is_answered_411() {
    let emulator = emulator();
    let answer = exchange(
        &emulator,
        format!("POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\r\n{{}}")
            .as_bytes(),
    );
    assert_eq!(
        (answer.status, answer.json()),
        (
            411,
            json!({"error": {"code": 411, "status": "INVALID_ARGUMENT",
                "message": "POST requests require a Content-length header."}})
        )
    );
    assert_eq!(emulator.mint_requests(), 0);
}

#[test]
fn mask_paths_are_checked_against_the_schema() {
    let setup = r#""bidiGenerateContentSetup": {"model": "models/m", "generationConfig": {"temperature": 0.5},
        "tools": [{"codeExecution": {}}], "labels": {"env": "dev"}}"#;
    let mask_refused = one("auth_token.field_mask", MASK_INVALID);
    for mask in [
        "model,generationConfig,tools,labels,temperature",
        "model,generationConfig,tools.0,labels",
        "model,generationConfig,tools,labels.env",
        "model,generationConfig.temperature.value,tools,labels",
        "model,,generationConfig,tools,labels",
    ] {
        assert_eq!(
            refused(&format!(r#"{{{setup}, "fieldMask": "{mask}"}}"#)),
            mask_refused,
            "{mask}"
        );
    }
    assert_eq!(
        refused(&format!(
            r#"{{{setup}, "fieldMask": "model,generationConfig.topK,tools,labels"}}"#
        )),
        one("auth_token.field_mask", MASK_MISSES_FIELDS)
    );
    // Proto-name segments, parents that cover their children, an empty mask.
    let emulator = emulator();
    for mask in [
        "model, generation_config.temperature,tools,labels",
        "model,generationConfig,tools,labels,outputAudioTranscription",
        "",
    ] {
        let answer = mint(&emulator, &format!(r#"{{{setup}, "fieldMask": "{mask}"}}"#));
        assert_eq!(answer.status, 200, "{mask}");
    }
    // Without a setup the paths must still name fields.
    assert_eq!(refused(r#"{"fieldMask": "top_k"}"#), mask_refused);
    assert_eq!(
        mint(&emulator, r#"{"fieldMask": "generation_config.top_k"}"#).status,
        200
    );
}

#[test]
fn escapes_are_decoded_in_names_and_values_and_checked_where_skipped() {
    let setup = kept_setup(
        r#"{"bidiGenerateContentSetup": {"syst\u0065mInstruction": {"parts": [{"text": "a\"b\\c\/d\be\ff\ng\rh\ti \u00e9 \ud83d\ude00"}]}}}"#,
    );
    assert_eq!(
        setup["systemInstruction"]["parts"][0]["text"],
        "a\"b\\c/d\u{8}e\u{c}f\ng\rh\ti é 😀"
    );
    // An unknown field's value is stepped over, escapes and all, and the field refused.
    let (status, body) = refused(r#"{"unknown": {"k\"ey": "v\\al\u00e9"}, "uses": 1}"#);
    assert_eq!(status, 400);
    assert_eq!(
        body["error"]["message"],
        "Invalid JSON payload received. Unknown name \"unknown\" at 'auth_token': Cannot find field."
    );
    // A bad escape in a stepped-over value is still a syntax error.
    let (status, body) = refused(r#"{"unknown": {"key": "\x"}}"#);
    assert_eq!(
        (status, body["error"]["message"].as_str().unwrap()),
        (
            400,
            // The caret is under the `x`.
            "Invalid JSON payload received. Invalid escape sequence.\n{\"unknown\": {\"key\": \"\\x\"}}\n                      ^"
        )
    );
}

#[test]
fn a_syntax_error_shows_its_own_line_of_a_crlf_body() {
    assert_eq!(
        refused("{\r\n \"uses\" 1,\r\n \"expireTime\": \"2026-01-01T01:00:00Z\"}"),
        (
            400,
            bad_request(&[(
                None,
                "Invalid JSON payload received. Expected : between key:value pair.\n \
                 \"uses\" 1,\n        ^"
            )])
        )
    );
}

#[test]
fn bad_unicode_escapes_are_refused_where_they_break() {
    let message = |text: &str| {
        let (status, body) = refused(&format!(r#"{{"uses": 1, "name": "{text}"}}"#));
        assert_eq!(status, 400);
        body["error"]["message"].as_str().unwrap().to_owned()
    };
    let at = |reason: &str, text: &str, column: usize| {
        format!(
            "Invalid JSON payload received. {reason}\n{{\"uses\": 1, \"name\": \"{text}\"}}\n{}^",
            " ".repeat(column)
        )
    };
    // The first byte of the string is at column 21.
    assert_eq!(
        message(r"\ud83dx"),
        at("Missing low surrogate.", r"\ud83dx", 27)
    );
    assert_eq!(
        message(r"\ud83d\u0041"),
        at("Invalid low surrogate.", r"\ud83d\u0041", 33)
    );
    assert_eq!(
        message(r"\udc00"),
        at("Invalid unicode code point.", r"\udc00", 27)
    );
    assert_eq!(
        message(r"\u12g4"),
        at("Invalid escape sequence.", r"\u12g4", 25)
    );
}

#[test]
fn fractions_and_exponents_of_any_length_are_numbers() {
    let setup = kept_setup(
        r#"{"bidiGenerateContentSetup": {"generationConfig": {"temperature": 0.125, "topP": 12.5e-2, "presencePenalty": -1.0625E+0}}}"#,
    );
    assert_eq!(
        setup["generationConfig"],
        json!({"temperature": 0.125, "topP": 0.125, "presencePenalty": -1.0625})
    );
}

#[test]
fn at_most_100_problems_are_reported() {
    let body = (0..150)
        .map(|i| format!("\"unknown{i}\": 1"))
        .collect::<Vec<_>>()
        .join(", ");
    let (status, answer) = refused(&format!("{{{body}}}"));
    assert_eq!(status, 400);
    let violations = answer["error"]["details"][0]["fieldViolations"]
        .as_array()
        .unwrap();
    assert_eq!(violations.len(), 100);
    assert_eq!(
        violations[99]["description"],
        "Invalid JSON payload received. Unknown name \"unknown99\" at 'auth_token': Cannot find field."
    );
}

#[test]
fn depth_is_counted_down_after_each_message() {
    // 150 messages side by side, each with a list and a map inside: far from the
    // limit of 100 deep.
    let tool = r#"{"functionDeclarations": [{"name": "f", "parameters": {"type": "OBJECT", "properties": {}}}]}"#;
    let tools = vec![tool; 150].join(", ");
    let setup = kept_setup(&format!(
        r#"{{"bidiGenerateContentSetup": {{"tools": [{tools}]}}}}"#
    ));
    assert_eq!(setup["tools"].as_array().unwrap().len(), 150);
}

#[test]
fn nothing_inside_a_refused_value_is_reported() {
    let (status, answer) = refused(r#"{"unknown": {"a": 1, "a": {"b": 2, "b": 3}}}"#);
    assert_eq!(
        (status, answer),
        (
            400,
            bad_request(&[(
                Some("auth_token"),
                "Invalid JSON payload received. Unknown name \"unknown\" at 'auth_token': Cannot find field."
            )])
        )
    );
}

#[test]
fn a_value_field_keeps_null_and_lists() {
    let setup = kept_setup(
        r#"{"bidiGenerateContentSetup": {"tools": [{"functionDeclarations": [{"name": "f", "parametersJsonSchema": [1, "two"], "responseJsonSchema": null}]}]}}"#,
    );
    assert_eq!(
        setup["tools"],
        json!([{"functionDeclarations": [{"name": "f", "parametersJsonSchema": [1, "two"], "responseJsonSchema": null}]}])
    );
}

#[test]
fn null_and_lists_where_a_list_item_or_map_is_due() {
    let message = |body: &str| {
        let (status, answer) = refused(body);
        assert_eq!(status, 400);
        answer["error"]["message"].as_str().unwrap().to_owned()
    };
    assert_eq!(
        message(r#"{"bidiGenerateContentSetup": {"tools": [null]}}"#),
        "Invalid value at 'auth_token.bidi_generate_content_setup.tools[0]' \
         (type.googleapis.com/google.ai.generativelanguage.v1alpha.Tool), null"
    );
    assert_eq!(
        message(r#"{"bidiGenerateContentSetup": {"tools": [[]]}}"#),
        "Invalid value at 'auth_token.bidi_generate_content_setup.tools[0]' \
         (type.googleapis.com/google.ai.generativelanguage.v1alpha.Tool), []"
    );
    assert_eq!(
        message(r#"{"bidiGenerateContentSetup": {"labels": ["a"]}}"#),
        "Invalid JSON payload received. Unknown name \"labels\" at \
         'auth_token.bidi_generate_content_setup': Proto field is not repeating, cannot start \
         list."
    );
    assert_eq!(
        message(r#"{"bidiGenerateContentSetup": {"labels": {"a": null}}}"#),
        "Invalid value at 'auth_token.bidi_generate_content_setup.labels[0].value' \
         (TYPE_STRING), null"
    );
    // A null list or map is unset.
    assert_eq!(
        kept_setup(
            r#"{"bidiGenerateContentSetup": {"tools": null, "labels": null, "model": "m"}}"#
        ),
        json!({"model": "m"})
    );
}

#[test]
fn a_refused_value_is_quoted_up_to_200_bytes_on_a_character_boundary() {
    // The quote is the first byte; the 200th is the first of `é`'s two.
    let text = format!("{}é{}", "a".repeat(198), "b".repeat(50));
    let (status, answer) = refused(&format!(r#"{{"uses": "{text}"}}"#));
    assert_eq!(status, 400);
    assert_eq!(
        answer["error"]["message"],
        format!(
            "Invalid value at 'auth_token.uses' (TYPE_INT32), \"{}...",
            "a".repeat(198)
        )
    );
}

#[test]
fn a_value_field_keeps_objects_and_counts_depth_down_inside() {
    // 150 empty objects and 150 empty lists side by side: far from 100 deep.
    let items = vec!["{}, []"; 150].join(", ");
    let setup = kept_setup(&format!(
        r#"{{"bidiGenerateContentSetup": {{"tools": [{{"functionDeclarations": [{{"name": "f", "parametersJsonSchema": {{"type": "object", "items": [{items}]}}}}]}}]}}}}"#
    ));
    let schema = &setup["tools"][0]["functionDeclarations"][0]["parametersJsonSchema"];
    assert_eq!(schema["type"], "object");
    assert_eq!(schema["items"].as_array().unwrap().len(), 300);
    assert_eq!(schema["items"][0], json!({}));
    assert_eq!(schema["items"][1], json!([]));
}

#[test]
fn bools_and_durations_are_taken_as_strings() {
    let setup = kept_setup(
        r#"{"bidiGenerateContentSetup": {"systemInstruction": {"parts": [{"thought": "true", "videoMetadata": {"startOffset": "1.5s"}}, {"thought": "false"}]}}}"#,
    );
    assert_eq!(
        setup["systemInstruction"]["parts"],
        json!([{"thought": true, "videoMetadata": {"startOffset": "1.5s"}}, {"thought": false}])
    );
}

#[test]
fn float_bounds_and_the_number_forms_a_string_may_take() {
    let setup = kept_setup(
        r#"{"bidiGenerateContentSetup": {"generationConfig": {"temperature": 3.4028234663852886e38, "seed": "0e999999999999"}}}"#,
    );
    assert_eq!(
        setup["generationConfig"]["temperature"],
        json!(3.402_823_466_385_288_6e38)
    );
    assert_eq!(setup["generationConfig"]["seed"], 0);
    let message = |body: &str| {
        let (status, answer) = refused(body);
        assert_eq!(status, 400);
        answer["error"]["message"].as_str().unwrap().to_owned()
    };
    for (field, value, kind) in [
        ("temperature", "3.5e38", "TYPE_FLOAT"),
        ("temperature", "\"+0.5\"", "TYPE_FLOAT"),
        ("temperature", "\".5\"", "TYPE_FLOAT"),
        ("topK", "1e999999999999", "TYPE_INT32"),
    ] {
        assert_eq!(
            message(&format!(
                r#"{{"bidiGenerateContentSetup": {{"generationConfig": {{"{field}": {value}}}}}}}"#
            )),
            format!(
                "Invalid value at 'auth_token.bidi_generate_content_setup.generation_config.{}' \
                 ({kind}), {value}",
                if field == "topK" { "top_k" } else { field }
            ),
            "{value}"
        );
    }
}
