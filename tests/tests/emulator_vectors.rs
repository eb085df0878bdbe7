//! The core crate's requests against the emulator, whose schema is its own (written from
//! Google's protos, the API reference and the SDKs, not from the core crate's types):
//! every request the vectors make must be minted, and kept as sent; and where the two
//! disagree about what the service takes, the second test lists it, case by case.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};

use gemini_token_conformance::check_every_vector;
use gemini_token_core::formats::parse_rfc3339;
use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, prepare};
use gemini_token_emulator::Emulator;
use serde_json::{Value, json};
use time::OffsetDateTime;

/// Sends `request` over a new connection: the least HTTP/1.1 that the emulator takes.
fn send(request: &http::Request<Vec<u8>>) -> http::Response<Vec<u8>> {
    let authority = request.uri().authority().unwrap().as_str().to_owned();
    let mut head = format!(
        "{} {} HTTP/1.1\r\nHost: {authority}\r\n",
        request.method(),
        request.uri().path()
    );
    for (name, value) in request.headers() {
        head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
    }
    head.push_str(&format!(
        "Content-Length: {}\r\nConnection: close\r\n\r\n",
        request.body().len()
    ));
    let mut stream = TcpStream::connect(&authority).unwrap();
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(request.body()).unwrap();
    let mut received = Vec::new();
    stream.read_to_end(&mut received).unwrap();
    let mut headers = [httparse::EMPTY_HEADER; 16];
    let mut parsed = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(at) = parsed.parse(&received).unwrap() else {
        panic!("incomplete")
    };
    let mut response = http::Response::new(received[at..].to_vec());
    *response.status_mut() = http::StatusCode::from_u16(parsed.code.unwrap()).unwrap();
    response
}

/// Where `kept` differs from `sent`, one line per place, with the path in JSON names.
fn differences(path: &str, sent: &Value, kept: &Value, out: &mut Vec<String>) {
    match (sent, kept) {
        (Value::Object(a), Value::Object(b)) => {
            for (key, value) in a {
                let at = format!("{path}.{key}");
                match b.get(key) {
                    Some(other) => differences(&at, value, other, out),
                    None => out.push(format!("{at}: sent {value}, not kept")),
                }
            }
            for (key, value) in b {
                if !a.contains_key(key) {
                    out.push(format!("{path}.{key}: not sent, kept {value}"));
                }
            }
        }
        (Value::Array(a), Value::Array(b)) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                differences(&format!("{path}[{i}]"), x, y, out);
            }
        }
        _ if sent == kept => {}
        _ => out.push(format!("{path}: sent {sent}, kept {kept}")),
    }
}

#[test]
fn the_emulator_mints_every_request_the_vectors_make() {
    let clock = Arc::new(Mutex::new(OffsetDateTime::UNIX_EPOCH));
    let read = Arc::clone(&clock);
    let emulator = Emulator::builder()
        .key("AIzaSy-vector-key")
        .clock(move || *read.lock().unwrap())
        .start()
        .unwrap();
    let key = ApiKey::new(emulator.key()).unwrap();
    let mut minted = 0;
    check_every_vector(|vector| {
        if vector.expect.body.is_none() {
            return Vec::new();
        }
        let now = parse_rfc3339(&vector.now).unwrap();
        *clock.lock().unwrap() = now;
        let version = vector
            .url_suffix()
            .trim_start_matches('/')
            .trim_end_matches("/auth_tokens");
        let endpoint = Endpoint::new(emulator.base_url(), version).unwrap();
        let config =
            CreateAuthTokenConfig::from_json(&serde_json::to_vec(&vector.config).unwrap()).unwrap();
        // The vectors' http_options name the real service's version only; the base URL
        // is the emulator's.
        let prepared = prepare(&config, &endpoint, &key, now).unwrap();
        let sent: Value = serde_json::from_slice(prepared.request().body()).unwrap();
        let response = send(prepared.request());
        if response.status() != 200 {
            // The emulator's own words, which name the field its schema refuses.
            return vec![format!(
                "the emulator's schema refuses core's body {sent}: {} {}",
                response.status(),
                String::from_utf8_lossy(response.body())
            )];
        }
        let token = match prepared.parser().parse(&response) {
            Ok(token) => token,
            Err(e) => return vec![format!("core cannot read the emulator's answer: {e}")],
        };
        minted += 1;
        let stored = emulator.tokens().pop().unwrap();
        let mut problems = Vec::new();
        if stored.name != token.secret() {
            problems.push("the token returned is not the one stored".to_owned());
        }
        // The emulator keeps the setup in proto3 JSON's normal form (JSON names, numbers
        // as numbers, enums by name): core must send it in that form already.
        let kept = stored
            .bidi_generate_content_setup
            .clone()
            .unwrap_or(Value::Null);
        let sent_setup = sent
            .get("bidiGenerateContentSetup")
            .cloned()
            .unwrap_or(Value::Null);
        differences(
            "bidiGenerateContentSetup",
            &sent_setup,
            &kept,
            &mut problems,
        );
        if stored.field_mask.as_deref() != sent.get("fieldMask").and_then(Value::as_str) {
            problems.push(format!("stored mask {:?}", stored.field_mask));
        }
        if stored.expire_time != token.expire_time() || stored.uses != token.uses() {
            problems.push(format!("stored {stored:?}, token says {token:?}"));
        }
        problems
    });
    assert_eq!(minted, 81);
}

/// What one side makes of a config: core's request body or its refusal; the
/// emulator's status and message for that body.
#[derive(Debug, PartialEq)]
enum Verdict {
    /// Core builds a request, and the emulator answers with this status and message
    /// (the message is empty for a token).
    CoreSends(u16, String),
    /// Core refuses the config (its message), but the emulator mints the same setup
    /// sent as the SDKs send it.
    CoreRefusesEmulatorMints(String),
}

/// Where the core crate and the emulator's schema disagree today. Each row is a
/// finding about one or the other; the row's note says which we believe, and why.
#[test]
fn where_core_and_the_schema_disagree() {
    let emulator = Emulator::builder()
        .key("AIzaSy-vector-key")
        .clock(|| time::macros::datetime!(2026-01-01 00:00 UTC))
        .start()
        .unwrap();
    let key = ApiKey::new(emulator.key()).unwrap();
    let endpoint = Endpoint::new(emulator.base_url(), "v1alpha").unwrap();
    let now = time::macros::datetime!(2026-01-01 00:00 UTC);
    let setup_config = |config: Value| json!({"live_connect_constraints": {"model": "gemini-live-2.5-flash-preview", "config": config}});
    let verdict = |config: &Value, setup: &Value| {
        let core = CreateAuthTokenConfig::from_json(&serde_json::to_vec(config).unwrap())
            .map_err(|e| e.to_string())
            .and_then(|c| prepare(&c, &endpoint, &key, now).map_err(|e| e.to_string()));
        match core {
            Ok(prepared) => {
                let response = send(prepared.request());
                let message = if response.status() == 200 {
                    String::new()
                } else {
                    let body: Value = serde_json::from_slice(response.body()).unwrap();
                    body["error"]["message"].as_str().unwrap().to_owned()
                };
                Verdict::CoreSends(response.status().as_u16(), message)
            }
            Err(refusal) => {
                let body = json!({"bidiGenerateContentSetup": setup}).to_string();
                let response = send(
                    &http::Request::post(format!("{}/v1alpha/auth_tokens", emulator.base_url()))
                        .header("x-goog-api-key", emulator.key())
                        .body(body.into_bytes())
                        .unwrap(),
                );
                assert_eq!(response.status(), 200, "{refusal}");
                Verdict::CoreRefusesEmulatorMints(refusal)
            }
        }
    };
    let setup = "auth_token.bidi_generate_content_setup";
    let cases: Vec<(&str, Value, Value, Verdict)> = vec![
        (
            "Core takes a function's `parameters` as free JSON and sends JSON Schema keywords \
             through; the service's `parameters` is a `Schema` message, which has no \
             `additionalProperties` ([seen] the service refuses it so). A finding about core.",
            setup_config(json!({"tools": [{"function_declarations": [{"name": "f",
                "parameters": {"type": "object", "additionalProperties": false}}]}]})),
            Value::Null,
            Verdict::CoreSends(
                400,
                format!(
                    "Invalid JSON payload received. Unknown name \"additionalProperties\" at \
                     '{setup}.tools[0].function_declarations[0].parameters': Cannot find field."
                ),
            ),
        ),
        (
            "Core sends a function response that is not an object; `FunctionResponse.response` \
             is a `google.protobuf.Struct` ([seen] a list there is refused so). A finding \
             about core.",
            setup_config(
                json!({"system_instruction": {"parts": [{"function_response":
                {"name": "f", "response": [1, 2]}}]}}),
            ),
            Value::Null,
            Verdict::CoreSends(
                400,
                format!(
                    "Invalid JSON payload received. Unknown name \"response\" at \
                     '{setup}.system_instruction.parts[0].function_response': Proto field is not \
                     repeating, cannot start list."
                ),
            ),
        ),
        (
            "Core sends a video offset that is not a protobuf Duration; the field is a \
             `google.protobuf.Duration` in Google's proto. A finding about core.",
            setup_config(json!({"system_instruction": {"parts": [{"text": "a",
                "video_metadata": {"start_offset": "ten seconds"}}]}})),
            Value::Null,
            Verdict::CoreSends(
                400,
                format!(
                    "Invalid value at '{setup}.system_instruction.parts[0].video_metadata.start_offset' \
                     (type.googleapis.com/google.protobuf.Duration), \"ten seconds\""
                ),
            ),
        ),
        (
            "Core sends inline data that is not base64; `Blob.data` is `bytes`. A finding \
             about core.",
            setup_config(json!({"system_instruction": {"parts": [{"inline_data":
                {"mime_type": "image/png", "data": "not base64!"}}]}})),
            Value::Null,
            Verdict::CoreSends(
                400,
                format!(
                    "Invalid value at '{setup}.system_instruction.parts[0].inline_data.data' \
                     (TYPE_BYTES), \"not base64!\""
                ),
            ),
        ),
        (
            "Core refuses `google_maps.auth_config` as Vertex AI only, but google-genai 3.6.1 \
             sends `authConfig` (its `apiKey`) in Gemini API mode. A finding about core, if \
             the SDK is right.",
            setup_config(json!({"tools": [{"google_maps": {"auth_config": {"api_key": "k"}}}]})),
            json!({"model": "models/gemini-live-2.5-flash-preview",
                "tools": [{"googleMaps": {"authConfig": {"apiKey": "k"}}}]}),
            Verdict::CoreRefusesEmulatorMints(String::new()),
        ),
        (
            "Core refuses `speech_config.multi_speaker_voice_config` as not supported by the \
             Live API; the service's `SpeechConfig` has the field, so minting takes it \
             (whether a session then does is not known). Core is stricter, on purpose.",
            setup_config(json!({"speech_config": {"multi_speaker_voice_config":
                {"speaker_voice_configs": []}}})),
            json!({"model": "models/gemini-live-2.5-flash-preview",
                "generationConfig": {"speechConfig": {"multiSpeakerVoiceConfig": {"speakerVoiceConfigs": []}}}}),
            Verdict::CoreRefusesEmulatorMints(String::new()),
        ),
        (
            "Core does not know the newer `Part` fields that google-genai 3.6.1 sends in Gemini \
             API mode (`mediaResolution`, `partMetadata`, ...). A gap in core.",
            setup_config(json!({"system_instruction": {"parts": [{"text": "a",
                "media_resolution": {"level": "MEDIA_RESOLUTION_LOW"}}]}})),
            json!({"model": "models/gemini-live-2.5-flash-preview",
                "systemInstruction": {"parts": [{"text": "a", "mediaResolution": {"level": "MEDIA_RESOLUTION_LOW"}}]}}),
            Verdict::CoreRefusesEmulatorMints(String::new()),
        ),
    ];
    let mut mismatches = Vec::new();
    for (note, config, setup, want) in &cases {
        let got = match (verdict(config, setup), want) {
            // Core's wording is its own; only the fact of the refusal is compared.
            (Verdict::CoreRefusesEmulatorMints(_), Verdict::CoreRefusesEmulatorMints(_)) => {
                Verdict::CoreRefusesEmulatorMints(String::new())
            }
            (got, _) => got,
        };
        if &got != want {
            mismatches.push(format!("{note}\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(mismatches.is_empty(), "{}", mismatches.join("\n"));
}
