//! The backend, over HTTP, minting from an emulator.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use gemini_token_emulator::Emulator;
use gemini_token_example_axum::{MODEL, TokenLimiter};
use serde_json::{Value, json};

async fn serve(emulator: &Emulator) -> String {
    common::serve(emulator, Arc::new(TokenLimiter::default())).await
}

#[tokio::test]
async fn a_signed_in_user_gets_a_locked_one_use_token() {
    let emulator = Emulator::start().unwrap();
    let url = serve(&emulator).await;
    let http = reqwest::Client::new();
    let answer = http.post(&url).bearer_auth("t-alice").send().await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["cache-control"], "no-store");
    let body: Value = answer.json().await.unwrap();

    let stored = emulator.tokens();
    assert_eq!(stored.len(), 1);
    let token = &stored[0];
    assert_eq!(body["token"], token.name.as_str());
    assert_eq!(
        body["liveUrl"],
        format!(
            "ws://{}/ws/google.ai.generativelanguage.v1alpha.GenerativeService.\
             BidiGenerateContentConstrained?access_token={}",
            emulator.addr(),
            token.name.replace('/', "%2F")
        )
    );
    let expire = gemini_token_reqwest::formats::format_rfc3339(token.expire_time).unwrap();
    assert_eq!(body["expireTime"], expire);
    assert_eq!(token.uses, 1);
    assert_eq!(
        token.expire_time - token.new_session_expire_time,
        time::Duration::minutes(29)
    );
    assert_eq!(
        token.bidi_generate_content_setup,
        Some(json!({
            "model": format!("models/{MODEL}"),
            "systemInstruction": {"parts": [{"text": "You are a patient language tutor for Alice."}], "role": "user"},
        }))
    );
    assert_eq!(
        token.field_mask.as_deref(),
        Some("model,systemInstruction.parts,systemInstruction.role")
    );
}

#[tokio::test]
async fn strangers_get_401_and_no_token() {
    let emulator = Emulator::start().unwrap();
    let url = serve(&emulator).await;
    let http = reqwest::Client::new();
    for request in [http.post(&url), http.post(&url).bearer_auth("t-mallory")] {
        let answer = request.send().await.unwrap();
        assert_eq!(answer.status(), 401);
        assert_eq!(
            answer.json::<Value>().await.unwrap(),
            json!({"error": "sign in first"})
        );
    }
    assert_eq!(emulator.mint_requests(), 0);
}

#[tokio::test]
async fn a_failing_service_is_503_without_details() {
    let emulator = Emulator::start().unwrap();
    let url = serve(&emulator).await;
    for _ in 0..3 {
        emulator.push_fault(gemini_token_emulator::Fault::unavailable());
    }
    let answer = reqwest::Client::new()
        .post(&url)
        .bearer_auth("t-alice")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 503);
    assert_eq!(
        answer.json::<Value>().await.unwrap(),
        json!({"error": "try again shortly"})
    );
}
