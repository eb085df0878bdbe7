//! Mint tokens from an async backend: one config checked and serialized once, then
//! a token per user, concurrently, over one connection pool.
//!
//! With `GOOGLE_API_KEY` or `GEMINI_API_KEY` set, this mints from the real service;
//! without, it starts the local emulator and mints from that.
//!
//! Run: `cargo run -p gemini-token-reqwest --example mint-reqwest`

// An example shows its result on stdout.
#![allow(clippy::print_stdout)]

use gemini_token_emulator::Emulator;
use gemini_token_reqwest::formats::format_rfc3339;
use gemini_token_reqwest::time::Duration;
use gemini_token_reqwest::{
    ApiKey, Client, CreateAuthTokenConfig, LiveConnectConfig, LiveConnectConstraints, Lock,
    PreparedConfig,
};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A backend's config is fixed: check and serialize it once, at start-up.
    let once = PreparedConfig::new(
        &CreateAuthTokenConfig::new()
            .uses(1)
            .expire_in(Duration::minutes(30))
            .constraints(
                LiveConnectConstraints::new()
                    .model("gemini-live-2.5-flash-preview")
                    .config(LiveConnectConfig::new().system_instruction("You are a tutor.")),
            )
            .lock(Lock::SetFields),
    )?;

    let emulator = match std::env::var_os("GOOGLE_API_KEY").or(std::env::var_os("GEMINI_API_KEY")) {
        Some(_) => None,
        None => Some(Emulator::start()?),
    };
    let client = match &emulator {
        None => Client::from_env()?,
        Some(emulator) => {
            eprintln!(
                "no API key set: minting from a local emulator at {}",
                emulator.base_url()
            );
            Client::builder(ApiKey::new(emulator.key())?)
                .base_url(emulator.base_url())
                .build()?
        }
    };

    // Three users ask at once; each gets a token of their own (clones share the pool).
    let (alice, bob, carol) = tokio::try_join!(
        client.create_prepared(&once),
        client.create_prepared(&once),
        client.create_prepared(&once),
    )?;
    for (user, token) in [("alice", alice), ("bob", bob), ("carol", carol)] {
        let expires = format_rfc3339(token.expire_time()).unwrap_or_default();
        println!("{user}: one session, until {expires}");
    }
    Ok(())
}
