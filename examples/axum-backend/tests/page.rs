//! The demo page: served at `/` with its script at `/app.js`, both built into the
//! binary, and consistent with the backend (one sign-in button per demo user).

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::HashMap;
use std::sync::Arc;

use gemini_token_emulator::Emulator;
use gemini_token_example_axum::{
    AppState, DEMO_USERS, PAGE_HTML, PAGE_SCRIPT, TokenLimiter, router,
};
use gemini_token_reqwest::{ApiKey, Client};

/// Serves the backend with the demo users; returns its base URL.
async fn serve(emulator: &Emulator) -> String {
    let client = Client::builder(ApiKey::new(emulator.key()).unwrap())
        .base_url(emulator.base_url())
        .build()
        .unwrap();
    let users: HashMap<String, String> = DEMO_USERS
        .iter()
        .map(|(bearer, name)| ((*bearer).to_owned(), (*name).to_owned()))
        .collect();
    let app = router(AppState {
        client,
        users: Arc::new(users),
        limiter: Arc::new(TokenLimiter::default()),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

#[tokio::test]
async fn the_page_is_served_at_the_root_as_html() {
    let emulator = Emulator::start().unwrap();
    let base = serve(&emulator).await;
    let answer = reqwest::get(format!("{base}/")).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-type"], "text/html; charset=utf-8");
    let body = answer.text().await.unwrap();
    assert_eq!(body, PAGE_HTML);
    assert!(body.contains(r#"<body data-marker="gemini-token-live-demo">"#));
    assert!(body.contains(r#"<script src="/app.js"></script>"#));
}

#[tokio::test]
async fn the_script_is_served_as_javascript() {
    let emulator = Emulator::start().unwrap();
    let base = serve(&emulator).await;
    let answer = reqwest::get(format!("{base}/app.js")).await.unwrap();
    assert_eq!(answer.status(), 200);
    assert_eq!(
        answer.headers()["content-type"],
        "text/javascript; charset=utf-8"
    );
    let body = answer.text().await.unwrap();
    assert_eq!(body, PAGE_SCRIPT);
    assert!(body.contains("const GREETING = 'Hello from the browser';"));
}

#[test]
fn the_page_has_a_sign_in_button_for_each_demo_user_and_no_other() {
    for (bearer, name) in DEMO_USERS {
        let button = format!(
            r#"<button type="button" id="sign-in-{}" data-bearer="{bearer}" data-name="{name}">Sign in as {name}</button>"#,
            name.to_lowercase()
        );
        assert!(PAGE_HTML.contains(&button), "no button: {button}");
    }
    assert_eq!(PAGE_HTML.matches("data-bearer=").count(), DEMO_USERS.len());
}

#[tokio::test]
async fn the_token_answer_names_the_locked_model_for_the_clients_setup() {
    let emulator = Emulator::start().unwrap();
    let base = serve(&emulator).await;
    let answer = reqwest::Client::new()
        .post(format!("{base}/api/live-token"))
        .bearer_auth(DEMO_USERS[0].0)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(body["model"], "models/gemini-live-2.5-flash-preview");
    assert_eq!(
        emulator.tokens()[0]
            .bidi_generate_content_setup
            .as_ref()
            .unwrap()["model"],
        body["model"]
    );
}

#[tokio::test]
async fn other_paths_are_404() {
    let emulator = Emulator::start().unwrap();
    let base = serve(&emulator).await;
    for path in ["/index.html", "/app.css", "/api"] {
        let answer = reqwest::get(format!("{base}{path}")).await.unwrap();
        assert_eq!(answer.status(), 404, "{path}");
    }
}
