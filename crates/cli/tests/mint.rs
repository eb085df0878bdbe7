//! `gemini-token mint` for real: against an emulator this test starts, or the one the
//! command starts itself (`--emulator`).

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

mod common;

use std::process::Output;
use std::time::Duration;

use common::{run, text};
use gemini_token_emulator::{Emulator, Fault};
use serde_json::{Value, json};

const KEY: &str = "AIzaSyCLI-canary-key-0123456789";

fn emulator() -> Emulator {
    Emulator::builder().key(KEY).start().unwrap()
}

/// Asserts `out` failed with `code` and one stderr line starting with `message`, and
/// that the key shows nowhere.
fn assert_failed(out: &Output, code: i32, message: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{stderr}");
    assert!(
        stderr.starts_with(&format!("gemini-token: {message}")),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(!stderr.contains(KEY) && !text(&out.stdout).contains(KEY));
}

#[test]
fn mints_from_its_own_emulator_and_says_so() {
    let out = run(&["mint", "--emulator"], &[]);
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.starts_with("gemini-token: minting from a local emulator at http://127.0.0.1:"),
        "{stderr}"
    );
    assert!(stderr.contains("not Google's service"));
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 5, "{stdout}");
    assert!(lines[0].starts_with("token:         auth_tokens/"));
    assert!(lines[1].starts_with("expires:       "), "{}", lines[1]);
    assert!(
        lines[1].contains("(in 29m5") || lines[1].ends_with("(in 30m)"),
        "{}",
        lines[1]
    );
    assert!(lines[2].starts_with("new sessions:  until "));
    assert_eq!(lines[3], "uses:          1");
    assert!(lines[4].starts_with("Live API URL:  ws://127.0.0.1:"));
    assert!(lines[4].contains("BidiGenerateContentConstrained?access_token=auth_tokens%2F"));
}

#[test]
fn flags_become_the_token_constraints() {
    let emulator = emulator();
    let out = run(
        &[
            "mint",
            "--json",
            "--base-url",
            emulator.base_url(),
            "--uses",
            "2",
            "--expire-in",
            "10m",
            "--new-session-in",
            "2m",
            "--model",
            "gemini-live-2.5-flash-preview",
            "--system-instruction",
            "Be terse.",
            "--temperature",
            "0.3",
            "--response-modality",
            "audio",
            "--voice",
            "Kore",
            "--lock",
            "top_k",
        ],
        &[("GEMINI_API_KEY", KEY)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let printed: Value = serde_json::from_slice(&out.stdout).unwrap();
    let stored = &emulator.tokens()[0];
    assert_eq!(printed["token"], stored.name.as_str());
    assert_eq!(printed["uses"], 2);
    assert_eq!(
        printed["expireTime"],
        gemini_token_core::formats::format_rfc3339(stored.expire_time).unwrap()
    );
    assert!(
        printed["liveUrl"]
            .as_str()
            .unwrap()
            .starts_with(&format!("ws://{}/ws/", emulator.addr()))
    );
    assert_eq!(
        stored.expire_time - stored.new_session_expire_time,
        time::Duration::minutes(8)
    );
    assert_eq!(
        stored.bidi_generate_content_setup,
        Some(json!({
            "model": "models/gemini-live-2.5-flash-preview",
            "generationConfig": {
                "responseModalities": ["AUDIO"],
                "temperature": 0.3,
                "speechConfig": {"voiceConfig": {"prebuiltVoiceConfig": {"voiceName": "Kore"}}},
            },
            "systemInstruction": {"parts": [{"text": "Be terse."}], "role": "user"},
        }))
    );
    assert_eq!(
        stored.field_mask.as_deref(),
        Some(
            "model,generationConfig.responseModalities,generationConfig.temperature,\
             generationConfig.speechConfig,systemInstruction.parts,systemInstruction.role,generationConfig.topK"
        )
    );
}

#[test]
fn flags_override_the_config_file() {
    let dir = std::env::temp_dir().join(format!("gemini-token-mint-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("config.json");
    std::fs::write(
        &file,
        r#"{"uses": 5, "live_connect_constraints": {"model": "a", "config": {"temperature": 0.9}}, "lock_additional_fields": []}"#,
    )
    .unwrap();
    let out = run(
        &[
            "mint",
            "--dry-run",
            "--config",
            file.to_str().unwrap(),
            "--uses",
            "1",
            "--model",
            "b",
            "--lock-all",
            "--now",
            "2026-01-01T00:00:00Z",
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let request: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        request["body"],
        json!({"uses": 1, "bidiGenerateContentSetup": {"model": "models/b", "generationConfig": {"temperature": 0.9}}})
    );
}

#[test]
fn curl_reads_the_key_from_the_environment() {
    let out = run(
        &[
            "mint",
            "--curl",
            "--uses",
            "1",
            "--api-version",
            "v1beta",
            "--now",
            "2026-01-01T00:00:00Z",
        ],
        &[("GEMINI_API_KEY", KEY)],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "curl -sS -X POST 'https://generativelanguage.googleapis.com/v1beta/auth_tokens' \\\n  \
             -H 'content-type: application/json' \\\n  -H 'user-agent: gemini-token/{}' \\\n  \
             -H \"x-goog-api-key: ${{GOOGLE_API_KEY:-$GEMINI_API_KEY}}\" \\\n  --data-raw '{{\"uses\":1}}'\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn the_key_comes_from_the_environment_or_a_file() {
    let emulator = emulator();
    let base = emulator.base_url();
    // GOOGLE_API_KEY wins over GEMINI_API_KEY, as in the official SDKs.
    let out = run(
        &["mint", "--base-url", base],
        &[("GOOGLE_API_KEY", KEY), ("GEMINI_API_KEY", "wrong")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let dir = std::env::temp_dir().join(format!("gemini-token-key-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("key");
    std::fs::write(&key_file, format!("{KEY}\n")).unwrap();
    let out = run(
        &[
            "mint",
            "--base-url",
            base,
            "--api-key-file",
            key_file.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(emulator.tokens().len(), 2);

    let out = run(
        &[
            "mint",
            "--base-url",
            base,
            "--api-key-file",
            "/nonexistent/key",
        ],
        &[],
    );
    assert_failed(&out, 2, "--api-key-file /nonexistent/key: cannot open it");
    let out = run(
        &[
            "mint",
            "--base-url",
            base,
            "--api-key-file",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    assert_failed(
        &out,
        2,
        &format!("--api-key-file {}: not a regular file", dir.display()),
    );
}

#[test]
fn exit_codes_say_what_failed() {
    let emulator = emulator();
    let base = emulator.base_url();
    let out = run(
        &["mint", "--base-url", base],
        &[("GEMINI_API_KEY", "AIzaSyWRONG-canary")],
    );
    assert_failed(
        &out,
        3,
        "the API refused: INVALID_ARGUMENT (HTTP 400): API key not valid. Please pass a valid API key.",
    );
    assert!(!text(&out.stderr).contains("AIzaSyWRONG"));

    emulator.push_fault(Fault::Delay(Duration::from_secs(10)));
    let out = run(
        &[
            "mint",
            "--base-url",
            base,
            "--timeout",
            "200ms",
            "--retries",
            "0",
        ],
        &[("GEMINI_API_KEY", KEY)],
    );
    assert_failed(&out, 5, "timed out: no answer within 200ms");

    emulator.push_fault(Fault::Html);
    let out = run(
        &["mint", "--base-url", base, "--retries", "0"],
        &[("GEMINI_API_KEY", KEY)],
    );
    assert_failed(
        &out,
        4,
        "unreadable answer: unexpected response (HTTP 502): not Google's error JSON",
    );

    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("http://127.0.0.1:{port}");
    let out = run(
        &["mint", "--base-url", &closed, "--retries", "0"],
        &[("GEMINI_API_KEY", KEY)],
    );
    assert_failed(
        &out,
        4,
        "network error: could not connect to the token service",
    );

    let out = run(
        &["mint", "--base-url", "http://example.com"],
        &[("GEMINI_API_KEY", KEY)],
    );
    assert_failed(
        &out,
        2,
        "--base-url: `http://example.com` is plain HTTP to a host that is not this machine",
    );
    let out = run(&["mint", "--emulator", "--expire-in", "21h"], &[]);
    assert_failed(
        &out,
        2,
        "invalid config: expire_time: +21h is 20h or more after now",
    );
}

#[test]
fn conflicting_flags_are_refused() {
    for (args, message) in [
        (
            vec!["mint", "--json", "--curl"],
            "choose one of --json, --curl",
        ),
        (
            vec!["mint", "--lock-all", "--lock-set"],
            "choose one of --lock-all, --lock-set and --lock",
        ),
        (
            vec!["mint", "--emulator", "--base-url", "http://127.0.0.1:1"],
            "--emulator chooses its own URL and key",
        ),
        (
            vec!["mint", "--emulator", "--curl"],
            "--curl with --emulator would point at an emulator",
        ),
        (
            vec!["mint", "--now", "2026-01-01T00:00:00Z"],
            "--now works only with --dry-run or --curl",
        ),
        (
            vec!["mint", "--response-modality", "smell"],
            "--response-modality: `smell` is not a modality; use AUDIO or TEXT",
        ),
        (
            vec!["mint", "--uses", "-1"],
            "--uses: `-1` is not a whole number",
        ),
        (
            vec!["mint", "--expire-in", "soon"],
            "--expire-in: `soon` is not a duration",
        ),
    ] {
        assert_failed(&run(&args, &[]), 2, message);
    }
}
