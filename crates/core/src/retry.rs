//! When to try again: a policy as data, and a pure function of it.

use std::time::Duration;

use http::StatusCode;

use crate::error::Error;

/// How failed attempts are retried.
///
/// Each setting has a getter of its name and a setter `with_` it (`max_attempts()`,
/// `with_max_attempts(n)`), since a value type cannot have both under one name.
///
/// Transient failures are retried: HTTP 408, 429, 500, 502, 503 and 504, and connection
/// failures, resets and timeouts. The wait before attempt *n*+1 is `initial_delay ·
/// multiplier^(n-1)`, at most `max_delay`, less a random part of up to `jitter` of it;
/// a server's `RetryInfo.retryDelay` replaces it, and one longer than `max_delay` is not
/// waited for: the error that asked for it is returned at once. At most `max_attempts`
/// attempts are made, and no wait starts that would end after `max_elapsed`.
///
/// The defaults, and why they differ from the official SDKs' (which retry only when
/// configured, then 5 attempts, 1 s initial, 60 s cap, base 2, 1 s jitter, and ignore
/// `RetryInfo`): a token is minted while a user waits for a voice session, so we retry
/// by default but briefly, 3 attempts from 500 ms and within 30 s in all, and we honour
/// the server's delay up to 10 s. Retrying a mint is safe: a token minted by an attempt
/// whose answer was lost is never handed out and expires unused.
///
/// ```
/// use std::time::Duration;
/// use gemini_token_core::RetryPolicy;
///
/// let patient = RetryPolicy::default()
///     .with_max_attempts(5)
///     .with_max_delay(Duration::from_secs(60));
/// assert_eq!(patient.max_attempts(), 5);
/// assert_eq!(patient.max_delay(), Duration::from_secs(60));
/// assert_eq!(RetryPolicy::none().max_attempts(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    max_attempts: u32,
    initial_delay: Duration,
    multiplier: f64,
    max_delay: Duration,
    max_elapsed: Duration,
    jitter: f64,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 3,
            initial_delay: Duration::from_millis(500),
            multiplier: 2.0,
            max_delay: Duration::from_secs(10),
            max_elapsed: Duration::from_secs(30),
            jitter: 0.5,
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retry {
    /// Wait this long, then try again.
    After(Duration),
    /// Return the error.
    Stop(StopReason),
}

/// Why no further attempt is made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The error is not one that trying again can fix.
    NotTransient,
    /// `max_attempts` attempts were made.
    AttemptsExhausted,
    /// The server asked for a wait longer than `max_delay`.
    DelayTooLong(Duration),
    /// The wait would end after `max_elapsed`.
    OutOfTime,
}

impl RetryPolicy {
    /// No retries: one attempt.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Attempts in all, the first included (at least 1).
    #[must_use]
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// The wait after the first failure.
    #[must_use]
    pub fn with_initial_delay(mut self, delay: Duration) -> Self {
        self.initial_delay = delay;
        self
    }

    /// How much each wait grows (at least 1).
    #[must_use]
    pub fn with_multiplier(mut self, multiplier: f64) -> Self {
        self.multiplier = if multiplier.is_finite() {
            multiplier.max(1.0)
        } else {
            1.0
        };
        self
    }

    /// The longest wait, computed or asked for by the server.
    #[must_use]
    pub fn with_max_delay(mut self, delay: Duration) -> Self {
        self.max_delay = delay;
        self
    }

    /// The time all attempts and waits may take, from the first attempt.
    #[must_use]
    pub fn with_max_elapsed(mut self, elapsed: Duration) -> Self {
        self.max_elapsed = elapsed;
        self
    }

    /// The share of each computed wait that is random, from 0 (none) to 1 (all).
    #[must_use]
    pub fn with_jitter(mut self, jitter: f64) -> Self {
        self.jitter = if jitter.is_finite() {
            jitter.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self
    }

    /// Attempts in all, the first included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The wait after the first failure.
    pub fn initial_delay(&self) -> Duration {
        self.initial_delay
    }

    /// How much each wait grows.
    pub fn multiplier(&self) -> f64 {
        self.multiplier
    }

    /// The longest wait, computed or asked for by the server.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// The time all attempts and waits may take.
    pub fn max_elapsed(&self) -> Duration {
        self.max_elapsed
    }

    /// The share of each computed wait that is random.
    pub fn jitter(&self) -> f64 {
        self.jitter
    }

    /// What to do after attempt number `attempt` (1 for the first) failed with
    /// `error`, `elapsed` after the first attempt started. `random` is a number in
    /// `[0, 1)` for the jitter, so that this stays a pure function.
    pub fn decide(&self, attempt: u32, error: &Error, elapsed: Duration, random: f64) -> Retry {
        if !is_transient(error) {
            return Retry::Stop(StopReason::NotTransient);
        }
        if attempt >= self.max_attempts {
            return Retry::Stop(StopReason::AttemptsExhausted);
        }
        let delay = match error {
            Error::Api(api) if api.retry_delay().is_some() => {
                let asked = api.retry_delay().unwrap_or_default();
                if asked > self.max_delay {
                    return Retry::Stop(StopReason::DelayTooLong(asked));
                }
                asked
            }
            _ => self.backoff(attempt, random),
        };
        if elapsed.saturating_add(delay) > self.max_elapsed {
            return Retry::Stop(StopReason::OutOfTime);
        }
        Retry::After(delay)
    }

    /// The computed wait after attempt `attempt` failed.
    pub fn backoff(&self, attempt: u32, random: f64) -> Duration {
        let exponent = i32::try_from(attempt.saturating_sub(1)).unwrap_or(i32::MAX);
        let grown = self.initial_delay.as_secs_f64() * self.multiplier.powi(exponent);
        let capped = grown.min(self.max_delay.as_secs_f64());
        let random = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Duration::try_from_secs_f64(capped * (1.0 - self.jitter * random)).unwrap_or(self.max_delay)
    }
}

/// The HTTP statuses worth trying again.
const TRANSIENT_STATUSES: [StatusCode; 6] = [
    StatusCode::REQUEST_TIMEOUT,
    StatusCode::TOO_MANY_REQUESTS,
    StatusCode::INTERNAL_SERVER_ERROR,
    StatusCode::BAD_GATEWAY,
    StatusCode::SERVICE_UNAVAILABLE,
    StatusCode::GATEWAY_TIMEOUT,
];

/// Whether trying again may succeed: a transient HTTP status (from the API or from a
/// proxy page), or a connection failure, reset or timeout.
pub fn is_transient(error: &Error) -> bool {
    match error {
        Error::Api(api) => TRANSIENT_STATUSES.contains(&api.http_status()),
        Error::UnexpectedResponse(answer) => TRANSIENT_STATUSES.contains(&answer.status()),
        Error::Transport(transport) => transport.is_transient(),
        Error::Config(_) => false,
    }
}
