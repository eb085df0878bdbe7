//! Runs the backend on 127.0.0.1:3000 (or `PORT`).
//!
//! With `GOOGLE_API_KEY` or `GEMINI_API_KEY` set it mints from Google; without, from a
//! local emulator it starts, saying so.
//!
//! Run: `cargo run -p gemini-token-example-axum`, then open http://127.0.0.1:3000/ in a
//! browser, or
//! `curl -X POST -H 'Authorization: Bearer demo-token-alice' http://127.0.0.1:3000/api/live-token`
//!
//! Without a key the token's Live URL points at the emulator's own port: the browser
//! opens its WebSocket there, not at this backend.

use std::collections::HashMap;
use std::sync::Arc;

use gemini_token_emulator::Emulator;
use gemini_token_example_axum::{AppState, DEMO_USERS, TokenLimiter, router};
use gemini_token_reqwest::{ApiKey, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (client, _emulator) = match Client::from_env() {
        Ok(client) => (client, None),
        Err(_) => {
            let emulator = Emulator::start()?;
            eprintln!(
                "no GOOGLE_API_KEY or GEMINI_API_KEY: minting from a local emulator at {} \
                 (its tokens work only there)",
                emulator.base_url()
            );
            let client = Client::builder(ApiKey::new(emulator.key())?)
                .base_url(emulator.base_url())
                .build()?;
            (client, Some(emulator))
        }
    };
    let users: HashMap<String, String> = DEMO_USERS
        .iter()
        .map(|(bearer, name)| ((*bearer).to_owned(), (*name).to_owned()))
        .collect();
    let state = AppState {
        client,
        users: Arc::new(users),
        limiter: Arc::new(TokenLimiter::default()),
    };

    let port = std::env::var("PORT")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(3000u16);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    eprintln!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
