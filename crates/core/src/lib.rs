//! # gemini-token-core
//!
//! Gemini API ephemeral tokens as types, with no I/O: no network, no clock, no
//! runtime, no files. Everything needed to turn what a backend wants ("one use, 30
//! minutes, this model, this system instruction, the rest locked") into the exact
//! `POST /v1alpha/auth_tokens` request, and to turn the answer into an [`AuthToken`] or a
//! typed [`Error`].
//!
//! Most users want a transport crate instead (`gemini-token-reqwest` for async
//! programs, `gemini-token-ureq` for blocking ones), which calls this crate and moves
//! the bytes.
//!
//! ```
//! use gemini_token_core::{
//!     ApiKey, CreateAuthTokenConfig, Endpoint, LiveConnectConfig, LiveConnectConstraints, Lock,
//!     prepare,
//! };
//! use time::{Duration, macros::datetime};
//!
//! let config = CreateAuthTokenConfig::new()
//!     .uses(1)
//!     .expire_in(Duration::minutes(30))
//!     .constraints(
//!         LiveConnectConstraints::new()
//!             .model("gemini-live-2.5-flash-preview")
//!             .config(LiveConnectConfig::new().system_instruction("Be terse.")),
//!     )
//!     .lock(Lock::SetFields);
//!
//! let key = ApiKey::new("AIza-example")?;
//! let now = datetime!(2026-01-01 00:00 UTC);
//! let prepared = prepare(&config, &Endpoint::default(), &key, now)?;
//! assert_eq!(
//!     std::str::from_utf8(prepared.request().body())?,
//!     r#"{"expireTime":"2026-01-01T00:30:00Z","uses":1,"bidiGenerateContentSetup":{"model":"models/gemini-live-2.5-flash-preview","systemInstruction":{"parts":[{"text":"Be terse."}],"role":"user"}},"fieldMask":"model,systemInstruction.parts,systemInstruction.role"}"#
//! );
//!
//! // ... a transport sends `prepared.request()` and reads the answer ...
//! let answer = http::Response::new(br#"{"name":"auth_tokens/abc123"}"#.to_vec());
//! let token = prepared.parser().parse(&answer)?;
//! assert_eq!(token.secret(), "auth_tokens/abc123");
//! assert_eq!(token.expire_time(), now + Duration::minutes(30));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Where things are
//! - the crate root: what a user of a client meets: the config
//!   ([`CreateAuthTokenConfig`]), the lock modes ([`Lock`]), the client's builder and
//!   [`RetryPolicy`], the token ([`AuthToken`]), the errors, and [`prepare`] /
//!   [`ResponseParser`] for sending the request yourself.
//! - [`setup`]: the typed Live `setup` messages (generation, content, tools ...).
//! - [`transport`]: for writing a transport: the [`Transport`](transport::Transport)
//!   trait, the [`TokenClient`](transport::TokenClient) that runs on it, with a mock
//!   transport for tests as the example.
//! - [`formats`]: the wire's text forms (RFC 3339 timestamps, durations, field masks),
//!   for tools.

#![forbid(unsafe_code)]

#[macro_use]
mod macros;

mod api_key;
mod client;
mod config;
mod effective;
mod error;
mod explain;
mod fields;
pub mod formats;
mod input;
mod live;
mod lock;
mod mask;
mod request;
mod response;
mod retry;
pub mod setup;
mod suggest;
mod timestamp;
mod token;
mod trace;
pub mod transport;
mod wire;

pub use api_key::ApiKey;
pub use client::{
    ClientBuilder, DEFAULT_CONNECT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, KeySource,
    api_key_from_env,
};
pub use config::{CreateAuthTokenConfig, HttpOptions, MAX_USES, TokenTime};
pub use effective::{SetupJson, effective_setup};
pub use error::{
    ApiError, ConfigError, ConfigErrorKind, Error, ErrorDetail, FieldViolation, ParseError,
    UnexpectedResponse,
};
pub use explain::{Explanation, Locked, Warning};
pub use live::{LiveConnectConfig, LiveConnectConstraints};
pub use lock::{Lock, LockPath};
pub use request::{
    API_KEY_HEADER, DEFAULT_API_VERSION, DEFAULT_BASE_URL, Endpoint, MAX_LIFETIME, PreparedConfig,
    PreparedRequest, USER_AGENT_VALUE, prepare, prepare_with,
};
pub use response::{
    BODY_PREFIX_LIMIT, DEFAULT_EXPIRE_AFTER, DEFAULT_NEW_SESSION_EXPIRE_AFTER, ResponseParser,
};
pub use retry::{Retry, RetryPolicy, StopReason, is_transient};
pub use token::AuthToken;
pub use transport::{TransportError, TransportErrorKind};
