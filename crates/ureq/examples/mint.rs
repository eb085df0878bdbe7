//! Mint one token from a blocking program: no async runtime anywhere.
//!
//! With `GOOGLE_API_KEY` or `GEMINI_API_KEY` set, this mints from the real service;
//! without, it starts the local emulator and mints from that.
//!
//! Run: `cargo run -p gemini-token-ureq --example mint-ureq`

// An example shows its result on stdout.
#![allow(clippy::print_stdout)]

use gemini_token_emulator::Emulator;
use gemini_token_ureq::formats::format_rfc3339;
use gemini_token_ureq::time::Duration;
use gemini_token_ureq::{
    ApiKey, Client, CreateAuthTokenConfig, LiveConnectConfig, LiveConnectConstraints, Lock,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let config = CreateAuthTokenConfig::new()
        .uses(1)
        .expire_in(Duration::minutes(30))
        .new_session_expire_in(Duration::minutes(1))
        .constraints(
            LiveConnectConstraints::new()
                .model("gemini-live-2.5-flash-preview")
                .config(LiveConnectConfig::new().system_instruction("You are a friendly tutor.")),
        )
        .lock(Lock::SetFields);

    // The three lines a backend needs: a client, a config, a token.
    let (client, _emulator) = client()?;
    let token = client.create(&config)?;

    let show = |at| format_rfc3339(at).unwrap_or_default();
    println!("expires:     {}", show(token.expire_time()));
    println!(
        "new session: until {}",
        show(token.new_session_expire_time())
    );
    println!("Live URL:    {}", token.live_url());
    Ok(())
}

/// A client for the real service when a key is set, else for a local emulator (kept
/// alive by the returned handle).
fn client() -> Result<(Client, Option<Emulator>), Box<dyn std::error::Error>> {
    match Client::from_env() {
        Ok(client) => Ok((client, None)),
        Err(_) => {
            let emulator = Emulator::start()?;
            eprintln!(
                "no GOOGLE_API_KEY or GEMINI_API_KEY: minting from a local emulator at {}",
                emulator.base_url()
            );
            let client = Client::builder(ApiKey::new(emulator.key())?)
                .base_url(emulator.base_url())
                .build()?;
            Ok((client, Some(emulator)))
        }
    }
}
