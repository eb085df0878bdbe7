//! The backend on a loopback port, minting from an emulator.

// A broken fixture stops the test.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use gemini_token_emulator::Emulator;
use gemini_token_example_axum::{AppState, TokenLimiter, router};
use gemini_token_reqwest::{ApiKey, Client};

/// Serves the backend for the users `t-alice` (Alice) and `t-bob` (Bob); returns the
/// token endpoint's URL.
pub(crate) async fn serve(emulator: &Emulator, limiter: Arc<TokenLimiter>) -> String {
    let client = Client::builder(ApiKey::new(emulator.key()).unwrap())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let users = HashMap::from([
        ("t-alice".to_owned(), "Alice".to_owned()),
        ("t-bob".to_owned(), "Bob".to_owned()),
    ]);
    let app = router(AppState {
        client,
        users: Arc::new(users),
        limiter,
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/api/live-token")
}
