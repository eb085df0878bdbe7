//! Per-user rate limiting of the token endpoint: exact statuses, `Retry-After` values
//! and bodies, on a clock the tests move by hand.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

mod common;

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use gemini_token_emulator::Emulator;
use gemini_token_example_axum::{LimiterClock, TokenLimiter};
use governor::Quota;
use governor::clock::FakeRelativeClock;
use serde_json::{Value, json};

const HOUR: u64 = 3600;

fn once_an_hour() -> Quota {
    Quota::per_hour(NonZeroU32::MIN)
}

fn manual(quota: Quota) -> (FakeRelativeClock, Arc<TokenLimiter>) {
    let clock = FakeRelativeClock::default();
    let limiter = TokenLimiter::with_clock(quota, LimiterClock::Manual(clock.clone()));
    (clock, Arc::new(limiter))
}

/// Status, `Retry-After` and body of one request, with this `Authorization` value.
async fn ask(url: &str, authorization: Option<&str>) -> (u16, Option<String>, Value) {
    let mut request = reqwest::Client::new().post(url);
    if let Some(value) = authorization {
        request = request.header("authorization", value);
    }
    let answer = request.send().await.unwrap();
    let status = answer.status().as_u16();
    let retry_after = answer
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry_after, answer.json().await.unwrap())
}

fn too_many(seconds: u64) -> (u16, Option<String>, Value) {
    (
        429,
        Some(seconds.to_string()),
        json!({
            "error": format!("too many token requests; retry in {seconds} s"),
            "retryAfterSeconds": seconds,
        }),
    )
}

fn status_and_retry_after(answer: &(u16, Option<String>, Value)) -> (u16, Option<&str>) {
    (answer.0, answer.1.as_deref())
}

const ALICE: Option<&str> = Some("Bearer t-alice");
const BOB: Option<&str> = Some("Bearer t-bob");

#[tokio::test]
async fn the_sixth_token_in_a_burst_is_429_until_the_next_one_is_due() {
    let emulator = Emulator::start().unwrap();
    let (clock, limiter) = manual(TokenLimiter::DEFAULT_QUOTA);
    let url = common::serve(&emulator, limiter).await;

    for _ in 0..5 {
        assert_eq!(status_and_retry_after(&ask(&url, ALICE).await), (200, None));
    }
    // The default quota gives one token back every 12 s.
    assert_eq!(ask(&url, ALICE).await, too_many(12));
    assert_eq!(emulator.mint_requests(), 5);

    // Half a second short: rounded up to a whole second.
    clock.advance(Duration::from_millis(11_500));
    assert_eq!(ask(&url, ALICE).await, too_many(1));
    clock.advance(Duration::from_millis(500));
    assert_eq!(status_and_retry_after(&ask(&url, ALICE).await), (200, None));
    assert_eq!(ask(&url, ALICE).await, too_many(12));
    assert_eq!(emulator.mint_requests(), 6);
}

#[tokio::test]
async fn one_user_over_the_limit_leaves_another_unaffected() {
    let emulator = Emulator::start().unwrap();
    let (_clock, limiter) = manual(once_an_hour());
    let url = common::serve(&emulator, limiter).await;

    assert_eq!(status_and_retry_after(&ask(&url, ALICE).await), (200, None));
    assert_eq!(ask(&url, ALICE).await, too_many(HOUR));
    assert_eq!(status_and_retry_after(&ask(&url, BOB).await), (200, None));
    assert_eq!(ask(&url, BOB).await, too_many(HOUR));
    assert_eq!(ask(&url, ALICE).await, too_many(HOUR));
    assert_eq!(emulator.mint_requests(), 2);
}

#[tokio::test]
async fn strangers_are_401_and_spend_no_one_s_allowance() {
    let emulator = Emulator::start().unwrap();
    let (_clock, limiter) = manual(once_an_hour());
    let url = common::serve(&emulator, Arc::clone(&limiter)).await;

    // No header, an unknown bearer, a user's name as the bearer, a user's token under
    // another scheme.
    let strangers = [
        None,
        Some("Bearer t-mallory"),
        Some("Bearer Alice"),
        Some("Basic t-alice"),
    ];
    for _ in 0..3 {
        for stranger in strangers {
            assert_eq!(
                ask(&url, stranger).await,
                (401, None, json!({"error": "sign in first"}))
            );
        }
    }
    assert_eq!(limiter.tracked_users(), 0);
    assert_eq!(emulator.mint_requests(), 0);

    assert_eq!(status_and_retry_after(&ask(&url, ALICE).await), (200, None));
    assert_eq!(limiter.tracked_users(), 1);
}

#[tokio::test]
async fn the_real_clock_counts_down_from_the_quota() {
    let emulator = Emulator::start().unwrap();
    let limiter = Arc::new(TokenLimiter::new(once_an_hour()));
    let url = common::serve(&emulator, limiter).await;

    assert_eq!(status_and_retry_after(&ask(&url, ALICE).await), (200, None));
    let (status, retry_after, body) = ask(&url, ALICE).await;
    assert_eq!(status, 429);
    // The real clock moves between the two requests: 3600 unless more than a second
    // passed, and ten seconds is a generous bound.
    let seconds: u64 = retry_after.unwrap().parse().unwrap();
    assert!((HOUR - 10..=HOUR).contains(&seconds), "{seconds}");
    assert_eq!(body, too_many(seconds).2);
}

#[test]
fn a_crowded_limiter_forgets_only_users_whose_allowance_is_full_again() {
    let (clock, limiter) = manual(once_an_hour());
    let limiter = Arc::into_inner(limiter).unwrap().max_tracked(2);

    assert_eq!(limiter.check("a"), Ok(()));
    assert_eq!(limiter.check("b"), Ok(()));
    // A third user: a sweep, but every allowance is spent, so nobody is forgotten.
    assert_eq!(limiter.check("c"), Ok(()));
    assert_eq!(limiter.tracked_users(), 3);
    assert_eq!(limiter.check("a"), Err(HOUR));

    // governor forgets a user one interval after the allowance is full again: at 2 h.
    clock.advance(Duration::from_secs(2 * HOUR));
    assert_eq!(limiter.check("d"), Ok(()));
    assert_eq!(limiter.tracked_users(), 1);
    // Forgetting changed no answer: a full allowance, then none.
    assert_eq!(limiter.check("a"), Ok(()));
    assert_eq!(limiter.check("a"), Err(HOUR));
    assert_eq!(limiter.tracked_users(), 2);
}

#[test]
fn a_crowded_limiter_sweeps_at_most_once_per_interval() {
    let (clock, limiter) = manual(once_an_hour());
    let limiter = Arc::into_inner(limiter).unwrap().max_tracked(1);
    let minutes = |m: u64| Duration::from_secs(m * 60);

    // x's allowance is full at 1 h; the limiter may forget x from 2 h on.
    assert_eq!(limiter.check("x"), Ok(()));
    clock.advance(minutes(90));
    // 1 h 30: a sweep, too early for x.
    assert_eq!(limiter.check("y"), Ok(()));
    assert_eq!(limiter.tracked_users(), 2);
    clock.advance(minutes(45));
    // 2 h 15: x could go, but the last sweep was 45 minutes ago.
    assert_eq!(limiter.check("z"), Ok(()));
    assert_eq!(limiter.tracked_users(), 3);
    clock.advance(minutes(15));
    // 2 h 30: an hour since the last sweep; x goes, y, z and w stay.
    assert_eq!(limiter.check("w"), Ok(()));
    assert_eq!(limiter.tracked_users(), 3);
    // z's next token is due at 3 h 15.
    assert_eq!(limiter.check("z"), Err(45 * 60));
}
