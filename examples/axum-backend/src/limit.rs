//! How many tokens each signed-in user may mint, and how fast.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use governor::clock::{Clock, FakeRelativeClock};
use governor::middleware::NoOpMiddleware;
use governor::nanos::Nanos;
use governor::state::keyed::HashMapStateStore;
use governor::{Quota, RateLimiter};

const FIVE: NonZeroU32 = match NonZeroU32::new(5) {
    Some(five) => five,
    None => NonZeroU32::MIN,
};

/// `last_sweep` before the first sweep.
const NEVER: u64 = u64::MAX;

/// Where the limiter reads the time.
#[derive(Debug, Clone)]
pub enum LimiterClock {
    /// The monotonic clock, counted from the given instant.
    Monotonic(Instant),
    /// A clock that moves only when told to ([`FakeRelativeClock::advance`]): for tests,
    /// so that `Retry-After` values are exact.
    Manual(FakeRelativeClock),
}

impl LimiterClock {
    /// The monotonic clock, counted from now.
    pub fn monotonic() -> Self {
        Self::Monotonic(Instant::now())
    }
}

impl Clock for LimiterClock {
    type Instant = Nanos;

    fn now(&self) -> Nanos {
        match self {
            // u64 nanoseconds last 584 years; saturating keeps this free of panics anyway.
            Self::Monotonic(origin) => {
                Nanos::new(u64::try_from(origin.elapsed().as_nanos()).unwrap_or(u64::MAX))
            }
            Self::Manual(clock) => clock.now(),
        }
    }
}

/// A per-user limit on minting tokens: a burst, then one more token per interval.
///
/// Keyed by the signed-in user, never by IP: users behind one NAT do not share an
/// allowance, and one user cannot get more by changing address.
pub struct TokenLimiter {
    limiter: RateLimiter<String, HashMapStateStore<String>, LimiterClock, NoOpMiddleware<Nanos>>,
    quota: Quota,
    max_tracked: usize,
    /// When (limiter clock, nanoseconds) the map was last swept, or [`NEVER`].
    last_sweep: AtomicU64,
}

impl TokenLimiter {
    /// A burst of 5 tokens, then one more every 12 seconds.
    ///
    /// A user opening a voice session needs one token. Resuming a dropped session
    /// reuses it, but a reloaded page, a second tab or a session that could not be
    /// resumed needs another, so a few in a row must pass. Sustained, one every
    /// 12 s is far more than a person talking needs, and caps what one account (or a
    /// script signed in as it) can spend of the project's quota at 300 tokens an hour
    /// after the first 5.
    pub const DEFAULT_QUOTA: Quota = Quota::per_minute(FIVE);

    /// How many users the limiter tracks before it starts forgetting idle ones.
    pub const DEFAULT_MAX_TRACKED: usize = 10_000;

    /// A limiter with the given quota, on the monotonic clock.
    pub fn new(quota: Quota) -> Self {
        Self::with_clock(quota, LimiterClock::monotonic())
    }

    /// A limiter with the given quota and clock.
    pub fn with_clock(quota: Quota, clock: LimiterClock) -> Self {
        Self {
            limiter: RateLimiter::hashmap_with_clock(quota, clock),
            quota,
            max_tracked: Self::DEFAULT_MAX_TRACKED,
            last_sweep: AtomicU64::new(NEVER),
        }
    }

    /// Past how many tracked users the limiter sweeps out those whose allowance is
    /// full again ([`DEFAULT_MAX_TRACKED`](Self::DEFAULT_MAX_TRACKED) by default).
    #[must_use]
    pub fn max_tracked(mut self, users: usize) -> Self {
        self.max_tracked = users;
        self
    }

    /// Counts one token for `user`: `Ok` if the user may have it, else `Err` with the
    /// whole seconds (rounded up, at least 1) until the user may ask again.
    pub fn check(&self, user: &str) -> Result<(), u64> {
        let outcome = self.limiter.check_key(&user.to_owned());
        self.sweep_if_crowded();
        outcome.map(drop).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.limiter.clock().now());
            // Rounded up, so that a client that waits exactly this long is let in; and
            // never 0, which would invite a retry in the same instant.
            (wait.as_secs() + u64::from(wait.subsec_nanos() > 0)).max(1)
        })
    }

    /// How many users the limiter holds state for.
    pub fn tracked_users(&self) -> usize {
        self.limiter.len()
    }

    /// Keeps the limiter's memory bounded.
    ///
    /// governor keeps one entry per key it has seen and never drops one by itself. Once
    /// more than `max_tracked` users are tracked, `retain_recent` drops the users whose
    /// allowance is full again: forgetting them changes no answer, since a user the
    /// limiter does not know gets a full burst. What remains is bounded by the users
    /// active within one burst's refill time (a minute by default), each of them
    /// signed in: strangers are refused before the limiter sees them. A sweep walks
    /// the whole map under its lock, so there is at most one per replenish interval
    /// (12 s by default): a crowd of active users costs one sweep per interval, not
    /// one per request.
    fn sweep_if_crowded(&self) {
        if self.limiter.len() <= self.max_tracked {
            return;
        }
        let now = self.limiter.clock().now().as_u64();
        let last = self.last_sweep.load(Ordering::Relaxed);
        let interval = u64::try_from(self.quota.replenish_interval().as_nanos()).unwrap_or(0);
        if last != NEVER && now.saturating_sub(last) < interval {
            return;
        }
        // Whoever fails the exchange leaves the sweep to the thread that won it.
        if self
            .last_sweep
            .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
            .is_ok()
        {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
    }
}

impl Default for TokenLimiter {
    /// [`DEFAULT_QUOTA`](Self::DEFAULT_QUOTA) on the monotonic clock.
    fn default() -> Self {
        Self::new(Self::DEFAULT_QUOTA)
    }
}

impl fmt::Debug for TokenLimiter {
    // User names stay out of Debug: a count says what matters.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenLimiter")
            .field("burst", &self.quota.burst_size())
            .field("replenish_interval", &self.quota.replenish_interval())
            .field("max_tracked", &self.max_tracked)
            .field("tracked_users", &self.tracked_users())
            .finish()
    }
}
