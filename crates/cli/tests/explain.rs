//! `gemini-token explain`: the locked and free fields, the traps, the effective setup.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

mod common;

use common::{temp_file, text};
use serde_json::{Value, json};

fn explain(args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["explain"];
    all.extend_from_slice(args);
    let out = common::run(&all, &[]);
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_pinned_model_with_everything_locked_prints_its_traps() {
    let (code, out, err) = explain(&["--model", "gemini-live-2.5-flash-preview"]);
    assert_eq!((code, err.as_str()), (Some(0), ""));
    assert_eq!(
        out,
        "token setup:   {\"model\":\"models/gemini-live-2.5-flash-preview\"}\n\
         field mask:    none\n\
         locked:        everything: the token's setup is used and the client's ignored\n\
         partly locked: none\n\
         client may set: none\n\
         warnings:\n  \
         - the whole setup is locked: the client's setup is ignored, and everything the token \
         leaves unset runs with the service's defaults (the token sets only: model); lock the \
         set fields instead to let clients add their own\n  \
         - session resumption is locked off: clients cannot enable it, so they cannot reconnect \
         after the server's goAway; set session_resumption in the token, or leave it unlocked\n  \
         - clients cannot change `model`: it is pinned to \"models/gemini-live-2.5-flash-preview\"\n  \
         - clients cannot change `generationConfig.responseModalities`: it stays at the \
         service's default\n  \
         - clients cannot change `generationConfig.speechConfig`: it stays at the service's \
         default\n"
    );
}

#[test]
fn with_a_client_setup_the_effective_one_as_json() {
    let config = temp_file(
        br#"{"live_connect_constraints": {"model": "gemini-live-2.5-flash-preview",
             "config": {"temperature": 0.3}}, "lock_additional_fields": ["top_k"]}"#,
    );
    let client = temp_file(
        br#"{"setup": {"model": "models/other", "systemInstruction": {"parts": [{"text": "hi"}]},
             "generationConfig": {"temperature": 1, "topK": 7, "seed": 3}}}"#,
    );
    let (code, out, err) = explain(&[
        "--config",
        config.to_str().unwrap(),
        "--client-setup",
        client.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!((code, err.as_str()), (Some(0), ""));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        report["locked"],
        json!([
            "model",
            "generationConfig.temperature",
            "generationConfig.topK"
        ])
    );
    assert_eq!(report["partlyLocked"], json!(["generationConfig"]));
    assert_eq!(
        report["effectiveSetup"],
        json!({
            "model": "models/gemini-live-2.5-flash-preview",
            "systemInstruction": {"parts": [{"text": "hi"}]},
            "generationConfig": {"temperature": 0.3, "seed": 3}
        })
    );
    assert_eq!(
        report["warnings"],
        json!([
            {"kind": "pinned", "message": "clients cannot change `model`: it is pinned to \"models/gemini-live-2.5-flash-preview\""},
            {"kind": "lockedToDefault", "message": "`generationConfig.topK` is locked but the token leaves it unset: clients cannot set it, and it stays at the service's default"},
        ])
    );
}

#[test]
fn explain_sends_nothing_and_checks_its_inputs() {
    let (code, _, err) = explain(&["--base-url", "https://example.com"]);
    assert_eq!(
        (code, err.as_str()),
        (
            Some(2),
            "gemini-token: --base-url is a flag of `gemini-token mint`; explain sends nothing\n"
        )
    );
    let snake = temp_file(br#"{"generation_config": {}}"#);
    let (code, _, err) = explain(&["--client-setup", snake.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert_eq!(
        err,
        format!(
            "gemini-token: --client-setup {}: `generation_config` is not the API's JSON name; \
             write setups with lowerCamel names (generationConfig, systemInstruction)\n",
            snake.display()
        )
    );
    let list = temp_file(b"[1]");
    let (code, _, err) = explain(&["--client-setup", list.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        err.ends_with(": not a JSON object; a setup message is one\n"),
        "{err}"
    );
    let (code, _, err) = explain(&["--lock", "temprature"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("did you mean `temperature`?"), "{err}");
}
