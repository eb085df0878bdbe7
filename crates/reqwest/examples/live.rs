//! Mint a one-use token, then use it on the Live API: setup, one turn, close.
//!
//! Starts a local emulator (no key, no network, no Google account), mints from it
//! with the async client, and connects to the emulator's Live WebSocket with
//! `tokio-tungstenite`, the token in the `Authorization: Token` header that
//! `AuthToken::live_handshake_request` builds. The emulator answers each turn with an
//! echo that names the model and system instruction the session runs with.
//!
//! Run: `cargo run -p gemini-token-reqwest --example live`

// An example shows its result on stdout.
#![allow(clippy::print_stdout)]

use futures_util::{SinkExt, StreamExt};
use gemini_token_emulator::Emulator;
use gemini_token_reqwest::{
    ApiKey, Client, CreateAuthTokenConfig, LiveConnectConfig, LiveConnectConstraints, Lock,
};
use serde_json::{Value, json};
use time::Duration;
use tokio_tungstenite::tungstenite::Message;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = Emulator::start()?;
    let client = Client::builder(ApiKey::new(emulator.key())?)
        .base_url(emulator.base_url())
        .build()?;
    let config = CreateAuthTokenConfig::new()
        .uses(1)
        .expire_in(Duration::minutes(30))
        .constraints(
            LiveConnectConstraints::new()
                .model("gemini-live-2.5-flash-preview")
                .config(LiveConnectConfig::new().system_instruction("You are a friendly tutor.")),
        )
        .lock(Lock::SetFields);
    let token = client.create(&config).await?;
    // The token is a secret: shown nowhere, only used.
    println!("minted a one-use token at {}", emulator.base_url());

    // What a Rust client needs to connect: the handshake request, and one call.
    let (mut ws, _) = tokio_tungstenite::connect_async(token.live_handshake_request()?).await?;
    println!("connected to {}", emulator.live_url());

    // The model and instruction are the token's (locked); the modality is ours.
    let setup = json!({"setup": {"generationConfig": {"responseModalities": ["TEXT"]}}});
    ws.send(Message::text(setup.to_string())).await?;
    let answer = next_json(&mut ws).await?;
    if answer != json!({"setupComplete": {}}) {
        return Err(format!("expected setupComplete, got {answer}").into());
    }
    println!("setupComplete");

    let turn = json!({"clientContent": {
        "turns": [{"role": "user", "parts": [{"text": "Hello from Rust"}]}],
        "turnComplete": true,
    }});
    ws.send(Message::text(turn.to_string())).await?;
    loop {
        let message = next_json(&mut ws).await?;
        let content = &message["serverContent"];
        for part in content["modelTurn"]["parts"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(text) = part["text"].as_str() {
                println!("model: {text}");
            }
        }
        if content["turnComplete"] == true {
            break;
        }
    }

    ws.close(None).await?;
    // Read on until the server's close frame has come and the connection ends.
    while let Some(Ok(_)) = ws.next().await {}
    println!("closed; the emulator ran the session with:");
    if let Some(session) = emulator.sessions().last() {
        println!(
            "{}",
            serde_json::to_string_pretty(&session.effective_setup)?
        );
    }
    Ok(())
}

/// The next server message as JSON (the service sends binary frames; text is taken
/// too). A close, or the end of the stream, is an error that says why.
async fn next_json<S>(ws: &mut S) -> Result<Value, Box<dyn std::error::Error>>
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    loop {
        match ws.next().await {
            Some(Ok(Message::Binary(bytes))) => return Ok(serde_json::from_slice(&bytes)?),
            Some(Ok(Message::Text(text))) => return Ok(serde_json::from_str(&text)?),
            Some(Ok(Message::Close(frame))) => {
                let why = frame.map_or_else(String::new, |f| format!("{} {}", f.code, f.reason));
                return Err(format!("the server closed the session: {why}").into());
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => return Err(e.into()),
            None => return Err("the connection ended".into()),
        }
    }
}
