//! The fault matrix: every emulator fault × both clients × retries on and off, each
//! with its exact outcome, the attempts the emulator saw, and the wall time within the
//! configured bounds; and a canary key absent from every error.

// Tests stop at the first broken fixture; this one prints the matrix's size.
#![allow(clippy::panic, clippy::unwrap_used, clippy::print_stdout)]

use std::time::{Duration, Instant};

use gemini_token_conformance::clients::{FLAVORS, Settings, error_texts, mint};
use gemini_token_core::{AuthToken, CreateAuthTokenConfig, Error, RetryPolicy, TransportErrorKind};
use gemini_token_emulator::{Emulator, Fault};

const CANARY: &str = "AIzaSyCANARY-fault-matrix-0123456789";
const TIMEOUT: Duration = Duration::from_millis(400);
const RETRY_DELAY: Duration = Duration::from_millis(20);

/// The outcome a case must have.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    /// A token.
    Token,
    /// `Error::Api` with this status, and this retry delay.
    Api(u16, Option<Duration>),
    /// `Error::UnexpectedResponse` with this status.
    Unexpected(u16),
    /// `Error::Transport` of this kind.
    Transport(TransportErrorKind),
}

fn outcome(result: &Result<AuthToken, Error>) -> Outcome {
    match result {
        Ok(_) => Outcome::Token,
        Err(Error::Api(api)) => Outcome::Api(api.http_status().as_u16(), api.retry_delay()),
        Err(Error::UnexpectedResponse(answer)) => Outcome::Unexpected(answer.status().as_u16()),
        Err(Error::Transport(e)) => Outcome::Transport(e.kind()),
        Err(other) => panic!("{other:?}"),
    }
}

/// Google's error JSON for a status.
fn google(status: u16, name: &str) -> Fault {
    Fault::json(
        status,
        format!(r#"{{"error":{{"code":{status},"message":"m","status":"{name}"}}}}"#),
    )
}

/// Each fault; its outcome when retries are off; whether it is transient (then, with
/// retries on, the second attempt mints the token); how long it delays an attempt at
/// most.
fn faults() -> Vec<(&'static str, Fault, Outcome, bool, Duration)> {
    use Outcome::*;
    use TransportErrorKind as K;
    let zero = Duration::ZERO;
    vec![
        (
            "503 with Google's body",
            Fault::unavailable(),
            Api(503, None),
            true,
            zero,
        ),
        (
            "500 with Google's body",
            google(500, "INTERNAL"),
            Api(500, None),
            true,
            zero,
        ),
        (
            "503 without a body",
            Fault::Status {
                status: 503,
                body: String::new(),
                content_type: "text/plain".into(),
            },
            Unexpected(503),
            true,
            zero,
        ),
        (
            "429 with RetryInfo",
            Fault::quota_exceeded(Some("0.05s")),
            Api(429, Some(Duration::from_millis(50))),
            true,
            Duration::from_millis(50),
        ),
        (
            "429 without RetryInfo",
            Fault::quota_exceeded(None),
            Api(429, None),
            true,
            zero,
        ),
        (
            "400 with Google's body",
            google(400, "INVALID_ARGUMENT"),
            Api(400, None),
            false,
            zero,
        ),
        (
            "404 without a body",
            Fault::Status {
                status: 404,
                body: String::new(),
                content_type: "text/html".into(),
            },
            Unexpected(404),
            false,
            zero,
        ),
        (
            "delay past the timeout",
            Fault::Delay(Duration::from_secs(5)),
            Transport(K::Timeout),
            true,
            TIMEOUT,
        ),
        (
            "reset before the answer",
            Fault::Reset,
            Transport(K::Io),
            true,
            zero,
        ),
        (
            "truncated body",
            Fault::Truncate,
            Transport(K::Io),
            true,
            zero,
        ),
        (
            "oversized body",
            Fault::Oversized(2 * 1024 * 1024),
            Transport(K::BodyTooLarge),
            false,
            zero,
        ),
        ("HTML page", Fault::Html, Unexpected(502), true, zero),
        (
            "slow drip",
            Fault::Drip(Duration::from_millis(100)),
            Transport(K::Timeout),
            true,
            TIMEOUT,
        ),
    ]
}

#[test]
fn every_fault_on_both_clients_with_and_without_retries() {
    let mut cases = 0;
    let mut failures = Vec::new();
    for (name, fault, without_retries, transient, delay) in faults() {
        for flavor in FLAVORS {
            for retries in [false, true] {
                cases += 1;
                let emulator = Emulator::builder().key(CANARY).start().unwrap();
                emulator.push_fault(fault.clone());
                let mut settings = Settings::new(emulator.base_url(), CANARY);
                settings.timeout = TIMEOUT;
                settings.retry = if retries {
                    RetryPolicy::default()
                        .with_initial_delay(RETRY_DELAY)
                        .with_jitter(0.0)
                        .with_max_delay(Duration::from_secs(1))
                } else {
                    RetryPolicy::none()
                };
                let started = Instant::now();
                let result = mint(flavor, &settings, &CreateAuthTokenConfig::new().uses(1));
                let elapsed = started.elapsed();

                let (want, attempts) = match (retries, transient) {
                    (true, true) => (Outcome::Token, 2),
                    _ => (without_retries.clone(), 1),
                };
                let got = outcome(&result);
                let case = format!(
                    "{name} / {flavor:?} / retries {}",
                    if retries { "on" } else { "off" }
                );
                if got != want {
                    failures.push(format!("{case}: want {want:?}, got {got:?}"));
                }
                if emulator.mint_requests() != attempts {
                    failures.push(format!(
                        "{case}: {} attempts, want {attempts}",
                        emulator.mint_requests()
                    ));
                }
                // Each attempt within the timeout (plus the fault's own delay when it
                // stops short of it), waits as configured, and a second of slack for
                // a busy machine.
                let bound =
                    (TIMEOUT + delay) * attempts as u32 + RETRY_DELAY + Duration::from_secs(1);
                if elapsed > bound {
                    failures.push(format!("{case}: took {elapsed:?}, bound {bound:?}"));
                }
                if let Err(error) = &result {
                    for text in error_texts(error) {
                        if text.contains(CANARY) {
                            failures.push(format!("{case}: the key shows in {text}"));
                        }
                    }
                }
                if let Ok(token) = &result {
                    let debug = format!("{token:?}");
                    if debug.contains(token.secret()) {
                        failures.push(format!("{case}: the token shows in its Debug"));
                    }
                }
            }
        }
    }
    println!("fault matrix: {cases} cases (13 faults × 2 clients × retries on/off)");
    assert!(
        failures.is_empty(),
        "{} of {cases} cases fail:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(cases, 52);
}
