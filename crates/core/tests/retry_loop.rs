//! The retry loop of `TokenClient`, run for real against a fake transport with a
//! virtual clock: no sockets, no sleeping. Every send, every wait and every random
//! number is known, so each wait is checked exactly against a model of the policy
//! written here from its documentation.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use async_trait::async_trait;
use gemini_token_core::transport::{BuildClient, ClientParts, Limits, TokenClient, Transport};
use gemini_token_core::{
    ApiKey, AuthToken, ClientBuilder, CreateAuthTokenConfig, Error, KeySource, RetryPolicy,
    TransportError, TransportErrorKind,
};
use http::{Request, Response, StatusCode};
use proptest::prelude::*;
use time::OffsetDateTime;
use time::macros::datetime;

/// What one attempt meets.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// A token.
    Token,
    /// An HTTP error answer, in Google's shape; `retry_delay` adds a `RetryInfo`.
    Status {
        status: u16,
        retry_delay: Option<Duration>,
    },
    /// The connection failed this way.
    Transport(TransportErrorKind),
}

impl Outcome {
    fn is_transient(&self) -> bool {
        match self {
            Outcome::Token => false,
            Outcome::Status { status, .. } => [408, 429, 500, 502, 503, 504].contains(status),
            Outcome::Transport(kind) => matches!(
                kind,
                TransportErrorKind::Connect | TransportErrorKind::Timeout | TransportErrorKind::Io
            ),
        }
    }
}

/// A transport that plays a script: each send takes `latency` of virtual time and meets
/// the next outcome (a 503 once the script is spent); each sleep is recorded and moves
/// the clock; each random number comes from a list.
struct Fake {
    clock: Mutex<OffsetDateTime>,
    script: Mutex<VecDeque<(Duration, Outcome)>>,
    randoms: Mutex<VecDeque<f64>>,
    sends: Mutex<Vec<OffsetDateTime>>,
    sleeps: Mutex<Vec<(OffsetDateTime, Duration)>>,
}

const START: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);

impl Fake {
    fn new(script: Vec<(Duration, Outcome)>, randoms: Vec<f64>) -> Self {
        Self {
            clock: Mutex::new(START),
            script: Mutex::new(script.into()),
            randoms: Mutex::new(randoms.into()),
            sends: Mutex::new(Vec::new()),
            sleeps: Mutex::new(Vec::new()),
        }
    }
}

fn google_body(status: u16, retry_delay: Option<Duration>) -> String {
    let details = retry_delay.map_or(String::new(), |d| {
        format!(
            r#","details":[{{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"{}.{:09}s"}}]"#,
            d.as_secs(),
            d.subsec_nanos()
        )
    });
    format!(r#"{{"error":{{"code":{status},"message":"scripted","status":"S"{details}}}}}"#)
}

#[async_trait]
impl Transport for Fake {
    async fn send(
        &self,
        _request: Request<Vec<u8>>,
        _limits: Limits,
    ) -> Result<Response<Vec<u8>>, TransportError> {
        let (latency, outcome) = self.script.lock().unwrap().pop_front().unwrap_or((
            Duration::ZERO,
            Outcome::Status {
                status: 503,
                retry_delay: None,
            },
        ));
        let sent_at = *self.clock.lock().unwrap();
        self.sends.lock().unwrap().push(sent_at);
        *self.clock.lock().unwrap() += latency;
        let (status, body) = match outcome {
            Outcome::Token => (200, r#"{"name":"auth_tokens/fake"}"#.to_owned()),
            Outcome::Status {
                status,
                retry_delay,
            } => (status, google_body(status, retry_delay)),
            Outcome::Transport(kind) => return Err(TransportError::new(kind, "scripted")),
        };
        let mut response = Response::new(body.into_bytes());
        *response.status_mut() = StatusCode::from_u16(status).unwrap();
        Ok(response)
    }

    async fn sleep(&self, duration: Duration) {
        let mut clock = self.clock.lock().unwrap();
        self.sleeps.lock().unwrap().push((*clock, duration));
        *clock += duration;
    }

    fn now(&self) -> OffsetDateTime {
        *self.clock.lock().unwrap()
    }

    fn random(&self) -> f64 {
        self.randoms.lock().unwrap().pop_front().unwrap_or(0.0)
    }
}

/// Runs a future that never waits (the fake's never do) to completion.
fn run_ready<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    match future
        .as_mut()
        .poll(&mut Context::from_waker(Waker::noop()))
    {
        Poll::Ready(output) => output,
        Poll::Pending => panic!("the fake transport never waits"),
    }
}

/// A client over `fake` with `policy`, made as the transport crates make theirs.
struct Built(ClientParts<()>);

impl BuildClient for Built {
    type Http = ();
    fn build_client(parts: ClientParts<()>) -> Result<Self, Error> {
        Ok(Built(parts))
    }
}

fn mint(fake: Fake, policy: RetryPolicy) -> (Result<AuthToken, Error>, Arc<Fake>) {
    let Built(parts) = ClientBuilder::<Built>::new(ApiKey::new("k").unwrap(), KeySource::Given)
        .retry(policy)
        .build()
        .unwrap();
    let fake = Arc::new(fake);
    let client = TokenClient::from_parts(Arc::clone(&fake), parts);
    (
        run_ready(client.create(&CreateAuthTokenConfig::new())),
        fake,
    )
}

/// The settings of a policy, kept beside it for the model.
#[derive(Debug, Clone)]
struct Settings {
    attempts: u32,
    initial: Duration,
    multiplier: f64,
    cap: Duration,
    budget: Duration,
    jitter: f64,
}

impl Settings {
    fn policy(&self) -> RetryPolicy {
        RetryPolicy::default()
            .with_max_attempts(self.attempts)
            .with_initial_delay(self.initial)
            .with_multiplier(self.multiplier)
            .with_max_delay(self.cap)
            .with_max_elapsed(self.budget)
            .with_jitter(self.jitter)
    }
}

/// What the documentation of `RetryPolicy` says happens: the sends (their count), the
/// waits, and the outcome of the last attempt.
fn model(
    settings: &Settings,
    script: &[(Duration, Outcome)],
    randoms: &[f64],
) -> (usize, Vec<Duration>, Outcome) {
    let mut elapsed = Duration::ZERO;
    let mut waits = Vec::new();
    for attempt in 1u32.. {
        let index = attempt as usize - 1;
        let (latency, outcome) = script.get(index).cloned().unwrap_or((
            Duration::ZERO,
            Outcome::Status {
                status: 503,
                retry_delay: None,
            },
        ));
        elapsed += latency;
        let random = randoms.get(index).copied().unwrap_or(0.0);
        if !outcome.is_transient() || attempt >= settings.attempts {
            return (attempt as usize, waits, outcome);
        }
        let wait = match &outcome {
            Outcome::Status {
                retry_delay: Some(asked),
                ..
            } => {
                if *asked > settings.cap {
                    return (attempt as usize, waits, outcome);
                }
                *asked
            }
            _ => {
                let grown = settings.initial.as_secs_f64()
                    * settings
                        .multiplier
                        .powi(i32::try_from(attempt - 1).unwrap());
                let capped = grown.min(settings.cap.as_secs_f64());
                Duration::from_secs_f64(capped * (1.0 - settings.jitter * random))
            }
        };
        if elapsed + wait > settings.budget {
            return (attempt as usize, waits, outcome);
        }
        waits.push(wait);
        elapsed += wait;
    }
    unreachable!()
}

fn outcome_of(result: &Result<AuthToken, Error>) -> Outcome {
    match result {
        Ok(token) => {
            assert_eq!(token.secret(), "auth_tokens/fake");
            Outcome::Token
        }
        Err(Error::Api(api)) => Outcome::Status {
            status: api.http_status().as_u16(),
            retry_delay: api.retry_delay(),
        },
        Err(Error::Transport(t)) => Outcome::Transport(t.kind()),
        Err(other) => panic!("unexpected {other:?}"),
    }
}

fn outcomes() -> impl Strategy<Value = Outcome> {
    let ms = |max: u64| (0..=max).prop_map(Duration::from_millis);
    prop_oneof![
        2 => Just(Outcome::Token),
        4 => prop::sample::select(vec![408u16, 429, 500, 502, 503, 504, 400, 401, 403, 404])
            .prop_map(|status| Outcome::Status { status, retry_delay: None }),
        2 => (prop::sample::select(vec![429u16, 503]), ms(20_000))
            .prop_map(|(status, d)| Outcome::Status { status, retry_delay: Some(d) }),
        3 => prop::sample::select(vec![
            TransportErrorKind::Connect,
            TransportErrorKind::Timeout,
            TransportErrorKind::Io,
            TransportErrorKind::BodyTooLarge,
            TransportErrorKind::Redirected,
            TransportErrorKind::Other,
        ])
        .prop_map(Outcome::Transport),
    ]
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        1u32..7,
        0u64..2_000,
        1.0f64..4.0,
        0u64..15_000,
        0u64..60_000,
        0.0f64..=1.0,
    )
        .prop_map(
            |(attempts, initial, multiplier, cap, budget, jitter)| Settings {
                attempts,
                initial: Duration::from_millis(initial),
                multiplier,
                cap: Duration::from_millis(cap),
                budget: Duration::from_millis(budget),
                jitter,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    /// Attempts never exceed the policy, the waits never exceed the budget, each wait
    /// is the documented one (RetryInfo up to the cap, else the jittered backoff), a
    /// delay past the cap and a non-transient error end the loop at once, and the
    /// error returned is the last attempt's.
    #[test]
    fn the_loop_is_the_policy(
        settings in settings(),
        script in prop::collection::vec(
            ((0u64..5_000).prop_map(Duration::from_millis), outcomes()),
            0..8,
        ),
        randoms in prop::collection::vec(0.0f64..1.0, 8),
    ) {
        let (sends, waits, last) = model(&settings, &script, &randoms);
        let (result, fake) = mint(Fake::new(script.clone(), randoms), settings.policy());

        let sent = fake.sends.lock().unwrap().clone();
        let slept = fake.sleeps.lock().unwrap().clone();
        prop_assert_eq!(sent.len(), sends);
        prop_assert!(sent.len() <= settings.attempts as usize);
        prop_assert_eq!(slept.iter().map(|(_, d)| *d).collect::<Vec<_>>(), waits);
        for (at, wait) in &slept {
            // No wait starts that would end past the budget.
            prop_assert!(*at - START + *wait <= settings.budget);
        }
        prop_assert_eq!(outcome_of(&result), last.clone());
        if !last.is_transient() {
            // A non-transient outcome is never retried: it is the first such outcome.
            let first = script.iter().position(|(_, o)| !o.is_transient());
            prop_assert_eq!(first, Some(sends - 1));
        }
    }
}

#[test]
fn a_server_delay_is_waited_exactly_and_one_past_the_cap_is_returned_at_once() {
    let asked = |ms: u64| Outcome::Status {
        status: 429,
        retry_delay: Some(Duration::from_millis(ms)),
    };
    let settings = Settings {
        attempts: 5,
        initial: Duration::from_millis(500),
        multiplier: 2.0,
        cap: Duration::from_secs(10),
        budget: Duration::from_secs(30),
        jitter: 0.5,
    };
    let script = vec![
        (Duration::from_millis(40), asked(1_500)),
        (Duration::from_millis(40), asked(10_000)),
        (Duration::from_millis(40), asked(10_001)),
        (Duration::ZERO, Outcome::Token),
    ];
    let (result, fake) = mint(Fake::new(script, vec![0.9; 4]), settings.policy());
    let slept: Vec<Duration> = fake.sleeps.lock().unwrap().iter().map(|s| s.1).collect();
    assert_eq!(
        slept,
        [Duration::from_millis(1_500), Duration::from_secs(10)]
    );
    assert_eq!(fake.sends.lock().unwrap().len(), 3);
    match result {
        Err(Error::Api(api)) => {
            assert_eq!(api.http_status(), StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(api.retry_delay(), Some(Duration::from_millis(10_001)));
        }
        other => panic!("want the 429 past the cap, got {other:?}"),
    }
}

#[test]
fn the_jitter_takes_the_transports_random_number() {
    // 500 ms, then 1 s, each less jitter · random: 0.5 · 0.2 and 0.5 · 0.8 of them.
    let script = vec![
        (
            Duration::ZERO,
            Outcome::Transport(TransportErrorKind::Connect),
        ),
        (
            Duration::ZERO,
            Outcome::Transport(TransportErrorKind::Timeout),
        ),
        (Duration::ZERO, Outcome::Token),
    ];
    let (result, fake) = mint(Fake::new(script, vec![0.2, 0.8]), RetryPolicy::default());
    assert_eq!(result.unwrap().secret(), "auth_tokens/fake");
    let slept: Vec<Duration> = fake.sleeps.lock().unwrap().iter().map(|s| s.1).collect();
    assert_eq!(
        slept,
        [Duration::from_millis(450), Duration::from_millis(600)]
    );
}

#[test]
fn the_client_shows_its_options_and_hides_its_key() {
    let Built(parts) =
        ClientBuilder::<Built>::new(ApiKey::new("AIzaSy-loop-canary").unwrap(), KeySource::Given)
            .retry(RetryPolicy::none())
            .build()
            .unwrap();
    let client = TokenClient::from_parts(Fake::new(Vec::new(), Vec::new()), parts);
    assert_eq!(client.options().retry, RetryPolicy::none());
    assert_eq!(client.key_source(), KeySource::Given);
    let shown = format!("{client:?}");
    assert!(
        shown.starts_with(
            "TokenClient { transport: \"api::retry_loop::Fake\", api_key: ApiKey([redacted]), \
             key_source: Given, options: ClientOptions {"
        ),
        "{shown}"
    );
    assert!(!shown.contains("canary"));
}
