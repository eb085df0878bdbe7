//! The `tracing` feature: what one mint records, event by event and field by field,
//! through `TokenClient` over a scripted transport (no sockets, a virtual clock, known
//! random numbers, so every wait is exact; the transport echoes the API key into
//! every error it sends), and through both clients against the emulator (the HTTP
//! stack's own events included). No recorded name, field or message may hold a key
//! or the token.
//!
//! Run with `cargo test -p gemini-token-conformance --features tracing --test tracing`.

#![cfg(feature = "tracing")]
// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use gemini_token_conformance::recorder::Recorder;
use gemini_token_core::transport::{
    BuildClient, ClientParts, Limits, TokenClient, Transport, async_trait,
};
use gemini_token_core::{
    API_KEY_HEADER, ApiKey, AuthToken, ClientBuilder, CreateAuthTokenConfig, Error, KeySource,
    RetryPolicy, TransportError, TransportErrorKind,
};
use http::{Request, Response, StatusCode};
use time::OffsetDateTime;
use time::macros::datetime;

/// The key the client holds: it must never be recorded.
const KEY: &str = "AIzaSyCANARY-key-never-logged-0123456789";
/// The token the transport mints: it must never be recorded.
const TOKEN: &str = "auth_tokens/CANARY-token-never-logged-42";

/// What one attempt meets.
enum Answer {
    /// A token.
    Token,
    /// Google's error JSON whose message and metadata repeat the key the request
    /// carried, as a careless server might.
    Google {
        status: u16,
        name: &'static str,
        reason: Option<&'static str>,
        retry_delay: Option<&'static str>,
    },
    /// A proxy's HTML page that repeats the key.
    Page(u16),
    /// The connection failed this way.
    Fail(TransportErrorKind),
}

/// A transport that plays a script, each send taking no virtual time; each sleep moves
/// the clock; every random number is 0.5; the keys it was sent are kept.
struct Scripted {
    clock: Mutex<OffsetDateTime>,
    script: Mutex<VecDeque<Answer>>,
    keys_seen: Mutex<Vec<String>>,
}

const START: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);

#[async_trait]
impl Transport for Scripted {
    async fn send(
        &self,
        request: Request<Vec<u8>>,
        _limits: Limits,
    ) -> Result<Response<Vec<u8>>, TransportError> {
        let key = request.headers()[API_KEY_HEADER]
            .to_str()
            .unwrap()
            .to_owned();
        self.keys_seen.lock().unwrap().push(key.clone());
        let (status, body) = match self.script.lock().unwrap().pop_front().unwrap() {
            Answer::Token => (200, format!(r#"{{"name":"{TOKEN}"}}"#)),
            Answer::Google {
                status,
                name,
                reason,
                retry_delay,
            } => {
                let mut details = Vec::new();
                if let Some(reason) = reason {
                    details.push(format!(
                        r#"{{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"{reason}","metadata":{{"key":"{key}"}}}}"#
                    ));
                }
                if let Some(delay) = retry_delay {
                    details.push(format!(
                        r#"{{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"{delay}"}}"#
                    ));
                }
                let details = details.join(",");
                let body = format!(
                    r#"{{"error":{{"code":{status},"message":"API key {key} refused","status":"{name}","details":[{details}]}}}}"#
                );
                (status, body)
            }
            Answer::Page(status) => (status, format!("<html>bad gateway for {key}</html>")),
            Answer::Fail(kind) => return Err(TransportError::new(kind, format!("failed: {key}"))),
        };
        let mut response = Response::new(body.into_bytes());
        *response.status_mut() = StatusCode::from_u16(status).unwrap();
        Ok(response)
    }

    async fn sleep(&self, duration: Duration) {
        *self.clock.lock().unwrap() += duration;
    }

    fn now(&self) -> OffsetDateTime {
        *self.clock.lock().unwrap()
    }

    fn random(&self) -> f64 {
        0.5
    }
}

/// A client's parts, made as the transport crates make theirs.
struct Built(ClientParts<()>);

impl BuildClient for Built {
    type Http = ();
    fn build_client(parts: ClientParts<()>) -> Result<Self, Error> {
        Ok(Built(parts))
    }
}

/// Runs a future that never waits (the scripted transport's never do).
fn run_ready<F: Future>(future: F) -> F::Output {
    match pin!(future)
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the scripted transport never waits"),
    }
}

/// One mint of `config` under `policy` with a recorder as the subscriber: the result,
/// the recorded lines, and how many requests were sent. Fails if a line holds the key
/// or the token.
fn traced(
    script: Vec<Answer>,
    policy: RetryPolicy,
    config: &CreateAuthTokenConfig,
) -> (Result<AuthToken, Error>, Vec<String>, usize) {
    let Built(parts) = ClientBuilder::<Built>::new(ApiKey::new(KEY).unwrap(), KeySource::Given)
        .retry(policy)
        .build()
        .unwrap();
    let transport = Arc::new(Scripted {
        clock: Mutex::new(START),
        script: Mutex::new(script.into()),
        keys_seen: Mutex::new(Vec::new()),
    });
    let client = TokenClient::from_parts(Arc::clone(&transport), parts);
    let recorder = Recorder::default();
    let result =
        tracing::subscriber::with_default(recorder.clone(), || run_ready(client.create(config)));
    let keys_seen = transport.keys_seen.lock().unwrap().clone();
    // The key was there to leak: every request carried it, and every error echoed it.
    assert!(keys_seen.iter().all(|k| k == KEY), "{keys_seen:?}");
    let lines = recorder.lines();
    let secret_part = TOKEN.trim_start_matches("auth_tokens/");
    for line in &lines {
        assert!(!line.contains(KEY), "the key is recorded: {line}");
        assert!(!line.contains(secret_part), "the token is recorded: {line}");
        assert!(
            !line.contains("auth_tokens/"),
            "a token is recorded: {line}"
        );
    }
    (result, lines, keys_seen.len())
}

fn ten_minutes() -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::new()
        .uses(1)
        .expire_in(time::Duration::minutes(10))
}

const SPAN: &str = "span INFO gemini_token_core gemini_token.mint: \
                    host=generativelanguage.googleapis.com api_version=v1alpha max_attempts=3";

#[test]
fn a_token_on_the_first_try_is_one_event_with_its_expiry_and_uses() {
    let (result, lines, sends) =
        traced(vec![Answer::Token], RetryPolicy::default(), &ten_minutes());
    assert_eq!(result.unwrap().secret(), TOKEN);
    assert_eq!(sends, 1);
    assert_eq!(
        lines,
        [
            SPAN,
            "event INFO gemini_token_core gemini_token.attempt in gemini_token.mint: \
             message=token minted attempt=1 outcome=token expire_time=2026-01-01T00:10:00Z uses=1",
        ]
    );
}

#[test]
fn a_503_then_a_token_records_the_exact_wait() {
    let unavailable = Answer::Google {
        status: 503,
        name: "UNAVAILABLE",
        reason: None,
        retry_delay: None,
    };
    let (result, lines, sends) = traced(
        vec![unavailable, Answer::Token],
        RetryPolicy::default(),
        &ten_minutes(),
    );
    assert_eq!(result.unwrap().secret(), TOKEN);
    assert_eq!(sends, 2);
    // 500 ms less half of the jitter (0.5 · 0.5): 375 ms; the second attempt's
    // 10 minutes count from then.
    assert_eq!(
        lines,
        [
            SPAN,
            "event WARN gemini_token_core gemini_token.attempt in gemini_token.mint: \
             message=attempt failed, retrying attempt=1 outcome=Api http_status=503 \
             google_status=UNAVAILABLE retry_in_ms=375",
            "event INFO gemini_token_core gemini_token.attempt in gemini_token.mint: \
             message=token minted attempt=2 outcome=token \
             expire_time=2026-01-01T00:10:00.375Z uses=1",
        ]
    );
}

#[test]
fn a_400_is_not_retried_and_its_echo_of_the_key_is_not_recorded() {
    let invalid = Answer::Google {
        status: 400,
        name: "INVALID_ARGUMENT",
        reason: Some("API_KEY_INVALID"),
        retry_delay: None,
    };
    let (result, lines, sends) = traced(vec![invalid], RetryPolicy::default(), &ten_minutes());
    let Err(Error::Api(api)) = result else {
        panic!("{result:?}")
    };
    assert_eq!(api.message(), "API key [redacted] refused");
    assert_eq!(sends, 1);
    assert_eq!(
        lines,
        [
            SPAN,
            "event WARN gemini_token_core gemini_token.attempt in gemini_token.mint: \
             message=attempt failed, giving up attempt=1 outcome=Api http_status=400 \
             google_status=INVALID_ARGUMENT reason=API_KEY_INVALID stop=NotTransient",
        ]
    );
}

#[test]
fn timeouts_are_retried_until_the_attempts_run_out() {
    let timeout = || Answer::Fail(TransportErrorKind::Timeout);
    let (result, lines, sends) = traced(
        vec![timeout(), timeout(), timeout()],
        RetryPolicy::default(),
        &ten_minutes(),
    );
    let Err(Error::Transport(error)) = result else {
        panic!("{result:?}")
    };
    assert_eq!(error.kind(), TransportErrorKind::Timeout);
    assert_eq!(sends, 3);
    let event = "event WARN gemini_token_core gemini_token.attempt in gemini_token.mint:";
    assert_eq!(
        lines,
        [
            SPAN.to_owned(),
            format!(
                "{event} message=attempt failed, retrying attempt=1 outcome=Transport \
                 transport_kind=Timeout retry_in_ms=375"
            ),
            format!(
                "{event} message=attempt failed, retrying attempt=2 outcome=Transport \
                 transport_kind=Timeout retry_in_ms=750"
            ),
            format!(
                "{event} message=attempt failed, giving up attempt=3 outcome=Transport \
                 transport_kind=Timeout stop=AttemptsExhausted"
            ),
        ]
    );
}

#[test]
fn a_server_asking_for_too_long_a_wait_is_recorded_with_the_wait_it_asked_for() {
    let quota = Answer::Google {
        status: 429,
        name: "RESOURCE_EXHAUSTED",
        reason: None,
        retry_delay: Some("30s"),
    };
    let (result, lines, _) = traced(vec![quota], RetryPolicy::default(), &ten_minutes());
    assert!(matches!(result, Err(Error::Api(_))), "{result:?}");
    assert_eq!(
        lines,
        [
            SPAN,
            "event WARN gemini_token_core gemini_token.attempt in gemini_token.mint: \
             message=attempt failed, giving up attempt=1 outcome=Api http_status=429 \
             google_status=RESOURCE_EXHAUSTED stop=DelayTooLong asked_delay_ms=30000",
        ]
    );
}

#[test]
fn a_proxy_page_is_recorded_by_its_status_and_problem_never_its_body() {
    let (result, lines, _) = traced(vec![Answer::Page(502)], RetryPolicy::none(), &ten_minutes());
    let Err(Error::UnexpectedResponse(answer)) = result else {
        panic!("{result:?}")
    };
    assert_eq!(
        answer.body_prefix(),
        "<html>bad gateway for [redacted]</html>"
    );
    assert_eq!(
        lines,
        [
            "span INFO gemini_token_core gemini_token.mint: \
             host=generativelanguage.googleapis.com api_version=v1alpha max_attempts=1",
            "event WARN gemini_token_core gemini_token.attempt in gemini_token.mint: \
             message=attempt failed, giving up attempt=1 outcome=UnexpectedResponse \
             http_status=502 problem=not Google's error JSON stop=AttemptsExhausted",
        ]
    );
}

#[test]
fn a_config_refused_before_sending_is_recorded_by_its_kind_and_path() {
    let past = CreateAuthTokenConfig::new().expire_at(datetime!(2025-01-01 00:00 UTC));
    let (result, lines, sends) = traced(Vec::new(), RetryPolicy::default(), &past);
    let Err(Error::Config(error)) = result else {
        panic!("{result:?}")
    };
    assert_eq!(error.path(), "expire_time");
    assert_eq!(sends, 0);
    assert_eq!(
        lines,
        [
            SPAN,
            "event WARN gemini_token_core gemini_token.attempt in gemini_token.mint: \
             message=attempt failed, giving up attempt=1 outcome=Config \
             config_kind=TimeOutOfRange config_path=expire_time stop=NotTransient",
        ]
    );
}

/// The clients over the emulator: a mint, then a refused key.
mod clients {
    use gemini_token_conformance::recorder::Recorder;
    use gemini_token_core::{AuthToken, CreateAuthTokenConfig, Error, formats};
    use gemini_token_emulator::Emulator;

    /// The emulator's key, which the client holds: never to be recorded.
    const KEY: &str = "AIzaSyCANARY-client-key-never-logged-01";
    /// A key the emulator refuses: never to be recorded either.
    const WRONG_KEY: &str = "AIzaSyCANARY-client-wrong-key-never-logged";

    fn config() -> CreateAuthTokenConfig {
        CreateAuthTokenConfig::new()
            .uses(1)
            .expire_in(time::Duration::minutes(30))
    }

    /// Checks what a mint with `KEY` then one with `WRONG_KEY` recorded: no secret in
    /// any line, and core's lines exactly.
    fn check(recorder: &Recorder, token: &AuthToken, refused: Result<AuthToken, Error>) {
        let Err(Error::Api(api)) = refused else {
            panic!("{refused:?}")
        };
        assert_eq!(api.reason(), Some("API_KEY_INVALID"));
        let lines = recorder.lines();
        for line in &lines {
            for secret in [KEY, WRONG_KEY, token.secret()] {
                assert!(!line.contains(secret), "{secret} is recorded: {line}");
            }
        }
        let ours: Vec<&str> = lines
            .iter()
            .map(String::as_str)
            .filter(|line| line.split(' ').nth(2) == Some("gemini_token_core"))
            .collect();
        let span = "span INFO gemini_token_core gemini_token.mint: \
                    host=127.0.0.1 api_version=v1alpha max_attempts=3";
        let event = "gemini_token_core gemini_token.attempt in gemini_token.mint:";
        assert_eq!(
            ours,
            [
                span.to_owned(),
                format!(
                    "event INFO {event} message=token minted attempt=1 outcome=token \
                     expire_time={} uses=1",
                    formats::format_rfc3339(token.expire_time()).unwrap()
                ),
                span.to_owned(),
                format!(
                    "event WARN {event} message=attempt failed, giving up attempt=1 \
                     outcome=Api http_status=400 google_status=INVALID_ARGUMENT \
                     reason=API_KEY_INVALID stop=NotTransient"
                ),
            ]
        );
    }

    // One thread, so that the HTTP stack's tasks report to this test's subscriber too.
    #[tokio::test(flavor = "current_thread")]
    async fn over_reqwest_a_mint_and_a_refused_key_hold_neither_key_nor_token() {
        use gemini_token_reqwest::{ApiKey, Client};
        let emulator = Emulator::builder().key(KEY).start().unwrap();
        let client = |key: &str| {
            Client::builder(ApiKey::new(key).unwrap())
                .base_url(emulator.base_url())
                .build()
                .unwrap()
        };
        let recorder = Recorder::default();
        let guard = tracing::subscriber::set_default(recorder.clone());
        let token = client(KEY).create(&config()).await.unwrap();
        let refused = client(WRONG_KEY).create(&config()).await;
        drop(guard);
        check(&recorder, &token, refused);
    }

    #[test]
    fn over_ureq_a_mint_and_a_refused_key_hold_neither_key_nor_token() {
        use gemini_token_ureq::{ApiKey, Client};
        let emulator = Emulator::builder().key(KEY).start().unwrap();
        let client = |key: &str| {
            Client::builder(ApiKey::new(key).unwrap())
                .base_url(emulator.base_url())
                .build()
                .unwrap()
        };
        let recorder = Recorder::default();
        let (token, refused) = tracing::subscriber::with_default(recorder.clone(), || {
            (
                client(KEY).create(&config()).unwrap(),
                client(WRONG_KEY).create(&config()),
            )
        });
        check(&recorder, &token, refused);
    }
}
