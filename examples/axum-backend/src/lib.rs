//! A backend that hands each signed-in user a one-use Gemini Live token.
//!
//! `POST /api/live-token` with `Authorization: Bearer <user token>` answers
//! `{"token", "liveUrl", "model", "expireTime", "newSessionExpireTime"}`: what a
//! browser needs to open the Live API WebSocket itself, without ever seeing the API
//! key. The token allows one session, for 30 minutes (a new session only in the first
//! minute), with the model and the system instruction locked.
//!
//! Each user may mint a burst of 5 tokens, then one more every 12 seconds
//! ([`TokenLimiter`]); past that the answer is `429 Too Many Requests` with a
//! `Retry-After` header. Without such a limit, any signed-in user could spend the
//! project's token quota for everyone.
//!
//! The bearer check is a toy (a fixed table of user tokens, [`DEMO_USERS`]); put your
//! own authentication there.
//!
//! `GET /` serves a small page (HTML and a script, built into the binary) that does
//! what a real client does: sign in, get a token, open the Live API WebSocket with it,
//! send the setup and one turn, and show the answer; then connect again with the same
//! one-use token and show the refusal.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Html;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gemini_token_reqwest::formats::format_rfc3339;
use gemini_token_reqwest::{
    Client, CreateAuthTokenConfig, LiveConnectConfig, LiveConnectConstraints, Lock,
};
use serde::Serialize;
use time::Duration;

mod limit;

pub use limit::{LimiterClock, TokenLimiter};

/// The model every token is locked to.
pub const MODEL: &str = "gemini-live-2.5-flash-preview";

/// The demo users: (bearer token, name). `main` signs them in, and the page has a
/// sign-in button for each.
pub const DEMO_USERS: [(&str, &str); 2] =
    [("demo-token-alice", "Alice"), ("demo-token-bob", "Bob")];

/// The page served at `/`.
pub const PAGE_HTML: &str = include_str!("page/index.html");

/// The page's script, served at `/app.js`.
pub const PAGE_SCRIPT: &str = include_str!("page/app.js");

/// What the handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    /// Mints the tokens; cheap to clone, one connection pool.
    pub client: Client,
    /// Bearer token → user name. A stand-in for real authentication.
    pub users: Arc<HashMap<String, String>>,
    /// How many tokens each user may mint, and how fast.
    pub limiter: Arc<TokenLimiter>,
}

/// The routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/app.js", get(script))
        .route("/api/live-token", post(live_token))
        .with_state(state)
}

/// What the browser gets.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LiveToken {
    /// The ephemeral token, `auth_tokens/...`.
    pub token: String,
    /// The Live API WebSocket URL with the token in it.
    pub live_url: String,
    /// The model the token is locked to, as the client's setup names it
    /// (`models/...`).
    pub model: String,
    /// When the token stops working.
    pub expire_time: String,
    /// After when it can start no session.
    pub new_session_expire_time: String,
}

async fn page() -> Html<&'static str> {
    Html(PAGE_HTML)
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8")],
        PAGE_SCRIPT,
    )
}

async fn live_token(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(user) = signed_in_user(&state, &headers) else {
        return error(StatusCode::UNAUTHORIZED, "sign in first");
    };
    // After the bearer check, so that a stranger can neither spend a user's allowance
    // nor grow the limiter's map; before minting, so that a refused request costs the
    // project nothing.
    if let Err(seconds) = state.limiter.check(user) {
        return too_many_requests(seconds);
    }
    let config = CreateAuthTokenConfig::new()
        .uses(1)
        .expire_in(Duration::minutes(30))
        .new_session_expire_in(Duration::minutes(1))
        .constraints(
            LiveConnectConstraints::new().model(MODEL).config(
                LiveConnectConfig::new()
                    .system_instruction(format!("You are a patient language tutor for {user}.")),
            ),
        )
        .lock(Lock::SetFields);
    match state.client.create(&config).await {
        // A token is a credential: no cache (the browser's, a proxy's) may keep it.
        Ok(token) => (
            [(header::CACHE_CONTROL, "no-store")],
            Json(LiveToken {
                token: token.secret().to_owned(),
                live_url: token.live_url(),
                model: format!("models/{MODEL}"),
                expire_time: format_rfc3339(token.expire_time()).unwrap_or_default(),
                new_session_expire_time: format_rfc3339(token.new_session_expire_time())
                    .unwrap_or_default(),
            }),
        )
            .into_response(),
        // The details (never the key) belong in the server's logs, not in the answer.
        Err(e) if e.is_transient() => error(StatusCode::SERVICE_UNAVAILABLE, "try again shortly"),
        Err(_) => error(StatusCode::BAD_GATEWAY, "could not get a token"),
    }
}

fn signed_in_user<'a>(state: &'a AppState, headers: &HeaderMap) -> Option<&'a str> {
    let bearer = headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")?;
    state.users.get(bearer).map(String::as_str)
}

fn error(status: StatusCode, message: &str) -> Response {
    (status, Json(serde_json::json!({ "error": message }))).into_response()
}

fn too_many_requests(seconds: u64) -> Response {
    (
        StatusCode::TOO_MANY_REQUESTS,
        [(header::RETRY_AFTER, seconds.to_string())],
        Json(serde_json::json!({
            "error": format!("too many token requests; retry in {seconds} s"),
            "retryAfterSeconds": seconds,
        })),
    )
        .into_response()
}
