//! What a mint reports through [`tracing`](https://docs.rs/tracing), with the
//! `tracing` feature (off by default; both transport crates forward it). Without the
//! feature every function here is empty and `tracing` is not a dependency at all.
//!
//! Everything is under the target `gemini_token_core`, so
//! `RUST_LOG=gemini_token_core=info` (or a filter on that target) shows it all.
//!
//! - **Span `gemini_token.mint`** (INFO), around one `create` / `create_prepared`,
//!   retries and waits included. Fields: `host` and `api_version` of the client's
//!   endpoint (a config's `http_options.api_version` can change the version of its
//!   request; the span shows the client's), `max_attempts` of its retry policy.
//! - **Event `gemini_token.attempt`**, one per attempt, inside that span.
//!   - a token (INFO, message `token minted`): `attempt` (1 for the first),
//!     `outcome = "token"`, `expire_time` (RFC 3339), `uses`.
//!   - a failure (WARN, message `attempt failed, retrying` or `attempt failed, giving
//!     up`): `attempt`, `outcome` (the [`Error`] variant: `Config`, `Api`,
//!     `UnexpectedResponse`, `Transport`) and what the variant says:
//!     `config_kind` and `config_path` ([`ConfigErrorKind`](crate::ConfigErrorKind)
//!     and the field's path); `http_status`, `google_status` and `reason` (Google's
//!     status name and `ErrorInfo.reason`); `http_status` and `problem` (core's own
//!     phrase for what is wrong with the answer); `transport_kind`
//!     ([`TransportErrorKind`](crate::TransportErrorKind)). Then the retry decision:
//!     `retry_in_ms` (the wait before the next attempt, whole milliseconds), or `stop`
//!     (the [`StopReason`] variant) and, for `DelayTooLong`, `asked_delay_ms`.
//!
//! Never recorded: the API key, the token, a request or answer body, or any message
//! of an error. Only fields that cannot carry them are: numbers, names of this
//! crate's enums, core's own fixed phrases, and Google's status and reason, which
//! the parser has already scrubbed of the key (`ApiError` holds no key). The token's
//! name is never read here. `tests/tests/tracing.rs` (the conformance suite, with
//! `--features tracing`) checks this with a server that echoes the key into every
//! string it sends.

#[cfg(feature = "tracing")]
pub(crate) use on::{failed, mint, minted};

#[cfg(not(feature = "tracing"))]
pub(crate) use off::{failed, mint, minted};

/// The feature on: the span and the events.
#[cfg(feature = "tracing")]
mod on {
    use std::future::Future;
    use std::time::Duration;

    use tracing::Instrument;
    use tracing::field::{DebugValue, debug};

    use crate::error::{ConfigErrorKind, Error};
    use crate::request::Endpoint;
    use crate::retry::{Retry, StopReason};
    use crate::token::AuthToken;
    use crate::transport::{ClientOptions, TransportErrorKind};

    /// A fixed target, so that moving this module never changes users' filters.
    const TARGET: &str = "gemini_token_core";

    /// `future` (one whole mint) inside a `gemini_token.mint` span.
    pub(crate) fn mint<F: Future>(
        options: &ClientOptions,
        future: F,
    ) -> impl Future<Output = F::Output> {
        // The fields are computed only when a subscriber wants the span.
        let span = tracing::info_span!(
            target: TARGET,
            "gemini_token.mint",
            host = host(&options.endpoint),
            api_version = options.endpoint.api_version(),
            max_attempts = options.retry.max_attempts(),
        );
        future.instrument(span)
    }

    /// The endpoint's host. Its base URL never holds credentials, a query or a
    /// fragment (`Endpoint::new` refuses them), so the host is all that is taken.
    fn host(endpoint: &Endpoint) -> Option<String> {
        let uri: http::Uri = endpoint.base_url().parse().ok()?;
        uri.host().map(str::to_owned)
    }

    /// Attempt `attempt` minted `token`: its expiry and uses, never its name.
    pub(crate) fn minted(attempt: u32, token: &AuthToken) {
        tracing::event!(
            name: "gemini_token.attempt",
            target: TARGET,
            tracing::Level::INFO,
            attempt,
            outcome = "token",
            expire_time = crate::formats::format_rfc3339(token.expire_time()),
            uses = token.uses(),
            "token minted"
        );
    }

    /// Attempt `attempt` failed with `error`, and `decision` is what happens next.
    pub(crate) fn failed(attempt: u32, error: &Error, decision: Retry) {
        let facts = Facts::of(error);
        let (retry_in_ms, stop, asked_delay_ms, note) = match decision {
            Retry::After(delay) => (Some(millis(delay)), None, None, "retrying"),
            Retry::Stop(reason) => {
                let (name, asked) = match reason {
                    StopReason::NotTransient => ("NotTransient", None),
                    StopReason::AttemptsExhausted => ("AttemptsExhausted", None),
                    StopReason::DelayTooLong(asked) => ("DelayTooLong", Some(millis(asked))),
                    StopReason::OutOfTime => ("OutOfTime", None),
                };
                (None, Some(name), asked, "giving up")
            }
        };
        tracing::event!(
            name: "gemini_token.attempt",
            target: TARGET,
            tracing::Level::WARN,
            attempt,
            outcome = facts.outcome,
            config_kind = facts.config_kind,
            config_path = facts.config_path,
            http_status = facts.http_status,
            google_status = facts.google_status,
            reason = facts.reason,
            problem = facts.problem,
            transport_kind = facts.transport_kind,
            retry_in_ms,
            stop,
            asked_delay_ms,
            "attempt failed, {note}"
        );
    }

    /// Whole milliseconds, saturating.
    fn millis(duration: Duration) -> u64 {
        u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
    }

    /// What an error says that may be recorded: structured facts, never a message.
    #[derive(Default)]
    struct Facts<'a> {
        outcome: &'static str,
        config_kind: Option<DebugValue<ConfigErrorKind>>,
        config_path: Option<&'a str>,
        http_status: Option<u16>,
        google_status: Option<&'a str>,
        reason: Option<&'a str>,
        problem: Option<&'a str>,
        transport_kind: Option<DebugValue<TransportErrorKind>>,
    }

    impl<'a> Facts<'a> {
        fn of(error: &'a Error) -> Self {
            match error {
                Error::Config(config) => Self {
                    outcome: "Config",
                    config_kind: Some(debug(config.kind())),
                    config_path: Some(config.path()),
                    ..Self::default()
                },
                // Both strings were scrubbed of the key when the answer was parsed.
                Error::Api(api) => Self {
                    outcome: "Api",
                    http_status: Some(api.http_status().as_u16()),
                    google_status: api.status(),
                    reason: api.reason(),
                    ..Self::default()
                },
                // `problem` is one of the parser's fixed phrases; the body is left out.
                Error::UnexpectedResponse(answer) => Self {
                    outcome: "UnexpectedResponse",
                    http_status: Some(answer.status().as_u16()),
                    problem: Some(answer.problem()),
                    ..Self::default()
                },
                Error::Transport(transport) => Self {
                    outcome: "Transport",
                    transport_kind: Some(debug(transport.kind())),
                    ..Self::default()
                },
            }
        }
    }
}

/// The feature off: nothing, inlined away.
#[cfg(not(feature = "tracing"))]
mod off {
    use std::future::Future;

    use crate::error::Error;
    use crate::retry::Retry;
    use crate::token::AuthToken;
    use crate::transport::ClientOptions;

    /// `future` as it is.
    #[inline(always)]
    pub(crate) fn mint<F: Future>(_options: &ClientOptions, future: F) -> F {
        future
    }

    /// Nothing.
    #[inline(always)]
    pub(crate) fn minted(_attempt: u32, _token: &AuthToken) {}

    /// Nothing.
    #[inline(always)]
    pub(crate) fn failed(_attempt: u32, _error: &Error, _decision: Retry) {}
}
