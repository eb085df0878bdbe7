//! Faults: the ways the service, or the network in front of it, can fail a request.

use std::fmt;
use std::io::{self, Write};
use std::time::Duration;

use crate::google;

/// How to fail one request or one Live session. Queue faults with
/// [`Emulator::push_fault`](crate::Emulator::push_fault) (in-process) or
/// `gemini-token emulator --fault SPEC` (command line). The faults of the token method
/// each apply to one request to it, in order; the `Live*` faults
/// ([`is_live`](Self::is_live)) each apply to one Live session, in order, once it is
/// set up (after `setupComplete`, and the first `sessionResumptionUpdate` when the
/// session can be resumed).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// Answer with this status and body (no token is minted).
    Status {
        /// The HTTP status.
        status: u16,
        /// The body.
        body: String,
        /// The `Content-Type`.
        content_type: String,
    },
    /// Wait this long, then answer normally.
    Delay(Duration),
    /// Read the request, then reset the connection without answering.
    Reset,
    /// Mint, then send the headers and only half the body, and close.
    Truncate,
    /// Answer 200 with a JSON body of this many bytes.
    Oversized(usize),
    /// Answer 502 with an HTML error page, as a proxy in front of the service does.
    Html,
    /// Mint, then send the answer one byte at a time, this long apart.
    Drip(Duration),
    /// Live: send `{"goAway": {"timeLeft": ...}}` with this time left, then close the
    /// session with 1001 once it has passed.
    LiveGoAway(Duration),
    /// Live: close the session with this code and reason.
    LiveClose {
        /// The close code: 1000 to 1003, 1007 to 1014, or 3000 to 4999.
        code: u16,
        /// The reason, at most 123 bytes (what a close frame holds).
        reason: String,
    },
    /// Live: drop the connection, with no close frame (over TLS, no `close_notify`).
    LiveDrop,
}

impl Fault {
    /// The largest body [`Fault::Oversized`] sends: 64 MiB. It is streamed, never held
    /// in memory; a larger `Oversized` built directly is cut to this.
    pub const MAX_OVERSIZED: usize = 64 * 1024 * 1024;
    /// The longest [`Fault::Delay`]: 10 minutes, longer than any client's timeout worth
    /// testing. A longer `Delay` built directly is cut to this.
    pub const MAX_DELAY: Duration = Duration::from_secs(600);
    /// The longest gap between two bytes of [`Fault::Drip`]: 1 second, so that a whole
    /// answer drips in minutes, not days. A longer `Drip` built directly is cut to this.
    pub const MAX_DRIP: Duration = Duration::from_secs(1);

    /// The longest `timeLeft` of [`Fault::LiveGoAway`]: 10 minutes, as [`MAX_DELAY`].
    /// A longer one built directly is cut to this.
    ///
    /// [`MAX_DELAY`]: Self::MAX_DELAY
    pub const MAX_GO_AWAY: Duration = Self::MAX_DELAY;
    /// The longest reason of [`Fault::LiveClose`]: 123 bytes, all a close frame holds.
    /// A longer one built directly is cut to this (on a character boundary).
    pub const MAX_CLOSE_REASON: usize = crate::live::MAX_CLOSE_REASON;

    /// Whether this fault applies to Live sessions rather than to the token method.
    pub fn is_live(&self) -> bool {
        matches!(
            self,
            Self::LiveGoAway(_) | Self::LiveClose { .. } | Self::LiveDrop
        )
    }

    /// [`Fault::LiveGoAway`], refused above [`Fault::MAX_GO_AWAY`].
    pub fn live_go_away(time_left: Duration) -> Result<Self, FaultError> {
        if time_left > Self::MAX_GO_AWAY {
            return Err(out_of_range(
                &format!("live-goaway={}", show(time_left)),
                "live-goaway",
            ));
        }
        Ok(Self::LiveGoAway(time_left))
    }

    /// [`Fault::LiveClose`], refused for a code a server may not send (see there) or a
    /// reason longer than [`Fault::MAX_CLOSE_REASON`] bytes.
    pub fn live_close(code: u16, reason: impl Into<String>) -> Result<Self, FaultError> {
        let reason = reason.into();
        if !close_code_allowed(code) {
            return Err(FaultError(format!(
                "`live-close={code}`: a server closes with 1000 to 1003, 1007 to 1014 or \
                 3000 to 4999"
            )));
        }
        if reason.len() > Self::MAX_CLOSE_REASON {
            return Err(FaultError(format!(
                "`live-close={code}:...`: the reason is {} bytes; a close frame holds at most {}",
                reason.len(),
                Self::MAX_CLOSE_REASON
            )));
        }
        Ok(Self::LiveClose { code, reason })
    }

    /// 429 RESOURCE_EXHAUSTED, with `RetryInfo.retryDelay` when given (`"57s"`).
    pub fn quota_exceeded(retry_delay: Option<&str>) -> Self {
        Self::json(429, google::quota_exceeded_body(retry_delay))
    }

    /// 503 UNAVAILABLE.
    pub fn unavailable() -> Self {
        Self::json(503, google::unavailable_body())
    }

    /// A status with a JSON body.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self::Status {
            status,
            body: body.into(),
            content_type: google::JSON.to_owned(),
        }
    }

    /// [`Fault::Oversized`], refused above [`Fault::MAX_OVERSIZED`] bytes.
    pub fn oversized(bytes: usize) -> Result<Self, FaultError> {
        if bytes > Self::MAX_OVERSIZED {
            return Err(out_of_range(&format!("oversized={bytes}"), "oversized"));
        }
        Ok(Self::Oversized(bytes))
    }

    /// [`Fault::Delay`], refused above [`Fault::MAX_DELAY`].
    pub fn delay(delay: Duration) -> Result<Self, FaultError> {
        if delay > Self::MAX_DELAY {
            return Err(out_of_range(&format!("delay={}", show(delay)), "delay"));
        }
        Ok(Self::Delay(delay))
    }

    /// [`Fault::Drip`], refused when the gap is above [`Fault::MAX_DRIP`].
    pub fn drip(interval: Duration) -> Result<Self, FaultError> {
        if interval > Self::MAX_DRIP {
            return Err(out_of_range(&format!("drip={}", show(interval)), "drip"));
        }
        Ok(Self::Drip(interval))
    }

    /// This fault with its size or duration cut to the maxima, as the server applies
    /// it (the variants are public, so a fault may be built past them).
    pub(crate) fn bounded(self) -> Self {
        match self {
            Self::Oversized(bytes) => Self::Oversized(bytes.min(Self::MAX_OVERSIZED)),
            Self::Delay(delay) => Self::Delay(delay.min(Self::MAX_DELAY)),
            Self::Drip(interval) => Self::Drip(interval.min(Self::MAX_DRIP)),
            Self::LiveGoAway(left) => Self::LiveGoAway(left.min(Self::MAX_GO_AWAY)),
            Self::LiveClose { code, reason } => Self::LiveClose {
                // A code no server may send becomes the service's internal error.
                code: if close_code_allowed(code) { code } else { 1011 },
                reason: crate::live::cut_reason(&reason).to_owned(),
            },
            other => other,
        }
    }

    /// Reads a fault from the command line's form:
    ///
    /// | spec | fault |
    /// |---|---|
    /// | `status=503` | that status, with Google's error JSON for 429 and 503, else an empty body |
    /// | `quota` / `quota=57s` | 429 RESOURCE_EXHAUSTED, with that retry delay |
    /// | `delay=2s` | wait, then answer (at most 600 s) |
    /// | `reset` | reset the connection |
    /// | `truncate` | half the body |
    /// | `oversized=2000000` | a 200 body of that many bytes (at most 67108864) |
    /// | `html` | a proxy's 502 page |
    /// | `drip=50ms` | one byte every 50 ms (at most 1 s apart) |
    /// | `live-goaway=10s` | Live: `goAway` with that `timeLeft` (at most 600 s), then close 1001 |
    /// | `live-close=1011` / `live-close=1011:Internal error occurred.` | Live: close with that code and reason |
    /// | `live-drop` | Live: drop the connection, no close frame |
    ///
    /// A size or a duration past its maximum is refused, with an error naming the spec
    /// and the range allowed.
    pub fn parse(spec: &str) -> Result<Self, FaultError> {
        let (name, value) = spec
            .split_once('=')
            .map_or((spec, None), |(n, v)| (n, Some(v)));
        let fail = |message: String| FaultError(message);
        let duration = |v: Option<&str>| -> Result<Duration, FaultError> {
            let text =
                v.ok_or_else(|| fail(format!("`{spec}` needs a duration, such as {name}=2s")))?;
            let d = gemini_token_core::formats::parse_duration(text)
                .map_err(|e| fail(format!("`{spec}`: {e}")))?;
            Duration::try_from(d).map_err(|_| fail(format!("`{spec}`: `{text}` is negative")))
        };
        let in_range =
            |fault: Result<Self, FaultError>| fault.map_err(|_| out_of_range(spec, name));
        match (name, value) {
            ("status", Some(code)) => {
                let status: u16 = code
                    .parse()
                    .ok()
                    .filter(|s| (100..=599).contains(s))
                    .ok_or_else(|| fail(format!("`{code}` is not an HTTP status (100 to 599)")))?;
                Ok(match status {
                    429 => Self::quota_exceeded(None),
                    503 => Self::unavailable(),
                    _ => Self::Status {
                        status,
                        body: String::new(),
                        content_type: google::JSON.to_owned(),
                    },
                })
            }
            ("quota", delay) => Ok(Self::quota_exceeded(delay)),
            ("delay", v) => in_range(Self::delay(duration(v)?)),
            ("drip", v) => in_range(Self::drip(duration(v)?)),
            ("live-goaway", v) => in_range(Self::live_go_away(duration(v)?)),
            ("live-close", Some(v)) => {
                let (code, reason) = v.split_once(':').unwrap_or((v, ""));
                let code: u16 = code.parse().map_err(|_| {
                    fail(format!(
                        "`{spec}` needs a close code, such as live-close=1011 or \
                         live-close=1011:Internal error occurred."
                    ))
                })?;
                Self::live_close(code, reason)
            }
            ("live-close", None) => Err(fail(format!(
                "`{spec}` needs a close code, such as live-close=1011 or \
                 live-close=1011:Internal error occurred."
            ))),
            ("live-drop", None) => Ok(Self::LiveDrop),
            ("reset", None) => Ok(Self::Reset),
            ("truncate", None) => Ok(Self::Truncate),
            ("html", None) => Ok(Self::Html),
            ("oversized", Some(n)) if !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) => {
                // Digits too many for a usize are out of range, not "not a number".
                in_range(
                    n.parse()
                        .map_or(Err(FaultError(String::new())), Self::oversized),
                )
            }
            ("oversized", _) => Err(fail(format!(
                "`{spec}` needs a number of bytes, such as oversized=2000000 (0 to {})",
                Self::MAX_OVERSIZED
            ))),
            _ => Err(fail(format!(
                "`{spec}` is not a fault; use status=CODE, quota[=DELAY], delay=DURATION, \
                 drip=DURATION, reset, truncate, html, oversized=BYTES, live-goaway=DURATION, \
                 live-close=CODE[:REASON] or live-drop"
            ))),
        }
    }
}

/// A fault refused: a spec that is not one, or a size or duration past its maximum.
/// Its message names the spec and says what is allowed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FaultError(String);

impl fmt::Display for FaultError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FaultError {}

/// The refusal of a size or duration past its maximum, for the fault `name`.
fn out_of_range(spec: &str, name: &str) -> FaultError {
    let allowed = match name {
        "oversized" => format!("0 to {} bytes (64 MiB)", Fault::MAX_OVERSIZED),
        "delay" => format!("0s to {}", show(Fault::MAX_DELAY)),
        "live-goaway" => format!("0s to {}", show(Fault::MAX_GO_AWAY)),
        _ => format!("0s to {}", show(Fault::MAX_DRIP)),
    };
    FaultError(format!("`{spec}` is out of range: {name} takes {allowed}"))
}

/// Whether a server may send this close code (RFC 6455 7.4: 1004 to 1006 and 1015 are
/// reserved, and codes below 3000 not listed there are for future standards).
pub(crate) fn close_code_allowed(code: u16) -> bool {
    matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999)
}

/// A duration in the command line's form where it is whole (`600s`, `50ms`).
pub(crate) fn show(duration: Duration) -> String {
    if duration.subsec_nanos() == 0 {
        format!("{}s", duration.as_secs())
    } else if duration.subsec_nanos() % 1_000_000 == 0 {
        format!("{}ms", duration.as_millis())
    } else {
        format!("{}ns", duration.as_nanos())
    }
}

/// The prefix and suffix of an oversized body: a token with padding between, valid
/// JSON as long as the body has room for both.
const OVERSIZED_HEAD: &[u8] = br#"{"name":"auth_tokens/oversized","padding":""#;
const OVERSIZED_TAIL: &[u8] = br#""}"#;

/// Writes a body of exactly `bytes` bytes that is valid JSON (as long as `bytes` >=
/// 45), in pieces, so that even the largest never sits in memory.
pub(crate) fn write_oversized_body(out: &mut impl Write, bytes: usize) -> io::Result<()> {
    const PAD: [u8; 16 * 1024] = [b'x'; 16 * 1024];
    const SPACES: [u8; 64] = [b' '; 64];
    if bytes < OVERSIZED_HEAD.len() + OVERSIZED_TAIL.len() {
        return out.write_all(&SPACES[..bytes.min(SPACES.len())]);
    }
    out.write_all(OVERSIZED_HEAD)?;
    let mut left = bytes - OVERSIZED_HEAD.len() - OVERSIZED_TAIL.len();
    while left > 0 {
        let n = left.min(PAD.len());
        out.write_all(&PAD[..n])?;
        left -= n;
    }
    out.write_all(OVERSIZED_TAIL)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn oversized_body(bytes: usize) -> Vec<u8> {
        let mut body = Vec::new();
        write_oversized_body(&mut body, bytes).unwrap_or_default();
        body
    }

    #[test]
    fn specs() {
        assert_eq!(
            Fault::parse("delay=2s"),
            Ok(Fault::Delay(Duration::from_secs(2)))
        );
        assert_eq!(
            Fault::parse("drip=50ms"),
            Ok(Fault::Drip(Duration::from_millis(50)))
        );
        assert_eq!(Fault::parse("reset"), Ok(Fault::Reset));
        assert_eq!(Fault::parse("oversized=10"), Ok(Fault::Oversized(10)));
        assert_eq!(Fault::parse("status=503"), Ok(Fault::unavailable()));
        assert_eq!(
            Fault::parse("quota=57s"),
            Ok(Fault::quota_exceeded(Some("57s")))
        );
        let error = |spec: &str| Fault::parse(spec).map_err(|e| e.to_string());
        assert_eq!(
            error("status=700"),
            Err("`700` is not an HTTP status (100 to 599)".to_owned())
        );
        assert_eq!(
            error("delay"),
            Err("`delay` needs a duration, such as delay=2s".to_owned())
        );
        assert_eq!(
            error("explode"),
            Err(
                "`explode` is not a fault; use status=CODE, quota[=DELAY], delay=DURATION, \
                 drip=DURATION, reset, truncate, html, oversized=BYTES, \
                 live-goaway=DURATION, live-close=CODE[:REASON] or live-drop"
                    .to_owned()
            )
        );
        assert_eq!(
            error("oversized=ten"),
            Err(
                "`oversized=ten` needs a number of bytes, such as oversized=2000000 \
                 (0 to 67108864)"
                    .to_owned()
            )
        );
    }

    #[test]
    fn sizes_and_durations_past_their_maxima_are_refused() {
        let error = |spec: &str| Fault::parse(spec).map_err(|e| e.to_string());
        assert_eq!(
            Fault::parse("oversized=67108864"),
            Ok(Fault::Oversized(Fault::MAX_OVERSIZED))
        );
        assert_eq!(
            error("oversized=67108865"),
            Err(
                "`oversized=67108865` is out of range: oversized takes 0 to 67108864 bytes \
                 (64 MiB)"
                    .to_owned()
            )
        );
        assert_eq!(
            error("oversized=999999999999999999999999"),
            Err(
                "`oversized=999999999999999999999999` is out of range: oversized takes 0 to \
                 67108864 bytes (64 MiB)"
                    .to_owned()
            )
        );
        assert_eq!(
            Fault::parse("delay=10m"),
            Ok(Fault::Delay(Fault::MAX_DELAY))
        );
        assert_eq!(
            error("delay=10m1ms"),
            Err("`delay=10m1ms` is out of range: delay takes 0s to 600s".to_owned())
        );
        assert_eq!(
            error("drip=1001ms"),
            Err("`drip=1001ms` is out of range: drip takes 0s to 1s".to_owned())
        );
        assert_eq!(
            Fault::oversized(usize::MAX).map_err(|e| e.to_string()),
            Err(format!(
                "`oversized={}` is out of range: oversized takes 0 to 67108864 bytes (64 MiB)",
                usize::MAX
            ))
        );
        assert_eq!(
            Fault::delay(Duration::from_secs(3600)).map_err(|e| e.to_string()),
            Err("`delay=3600s` is out of range: delay takes 0s to 600s".to_owned())
        );
        assert_eq!(
            Fault::drip(Duration::from_millis(1500)).map_err(|e| e.to_string()),
            Err("`drip=1500ms` is out of range: drip takes 0s to 1s".to_owned())
        );
        assert_eq!(
            Fault::drip(Duration::from_millis(20)),
            Ok(Fault::Drip(Duration::from_millis(20)))
        );
        assert_eq!(
            Fault::Oversized(usize::MAX).bounded(),
            Fault::Oversized(Fault::MAX_OVERSIZED)
        );
        assert_eq!(
            Fault::Delay(Duration::MAX).bounded(),
            Fault::Delay(Fault::MAX_DELAY)
        );
    }

    #[test]
    fn live_specs() {
        let error = |spec: &str| Fault::parse(spec).map_err(|e| e.to_string());
        assert_eq!(
            Fault::parse("live-goaway=10s"),
            Ok(Fault::LiveGoAway(Duration::from_secs(10)))
        );
        assert_eq!(
            error("live-goaway=601s"),
            Err("`live-goaway=601s` is out of range: live-goaway takes 0s to 600s".to_owned())
        );
        assert_eq!(
            Fault::parse("live-close=1011:Internal error occurred."),
            Ok(Fault::LiveClose {
                code: 1011,
                reason: "Internal error occurred.".to_owned()
            })
        );
        assert_eq!(
            Fault::parse("live-close=4000"),
            Ok(Fault::LiveClose {
                code: 4000,
                reason: String::new()
            })
        );
        assert_eq!(Fault::parse("live-drop"), Ok(Fault::LiveDrop));
        assert_eq!(
            error("live-close=1005"),
            Err(
                "`live-close=1005`: a server closes with 1000 to 1003, 1007 to 1014 or 3000 \
                 to 4999"
                    .to_owned()
            )
        );
        assert_eq!(
            error("live-close=abc"),
            Err(
                "`live-close=abc` needs a close code, such as live-close=1011 or \
                 live-close=1011:Internal error occurred."
                    .to_owned()
            )
        );
        assert_eq!(
            error(&format!("live-close=1000:{}", "x".repeat(124))),
            Err(
                "`live-close=1000:...`: the reason is 124 bytes; a close frame holds at most 123"
                    .to_owned()
            )
        );
        assert!(Fault::LiveDrop.is_live());
        assert!(!Fault::Reset.is_live());
        assert_eq!(
            Fault::LiveClose {
                code: 1005,
                reason: "é".repeat(70)
            }
            .bounded(),
            Fault::LiveClose {
                code: 1011,
                reason: "é".repeat(61)
            }
        );
        assert_eq!(
            Fault::LiveGoAway(Duration::MAX).bounded(),
            Fault::LiveGoAway(Fault::MAX_GO_AWAY)
        );
    }

    #[test]
    fn oversized_bodies_are_json_of_the_exact_size() {
        for bytes in [45, 100, 16 * 1024 + 45, 100_000] {
            let body = oversized_body(bytes);
            assert_eq!(body.len(), bytes);
            let value: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
            assert_eq!(value["name"], "auth_tokens/oversized", "{bytes}");
        }
        assert_eq!(oversized_body(10), b"          ");
        // One byte short of the smallest JSON body: spaces only.
        assert_eq!(oversized_body(44), [b' '; 44]);
    }

    #[test]
    fn each_maximum_is_allowed_and_one_past_it_refused() {
        let nanosecond = Duration::from_nanos(1);
        assert_eq!(
            Fault::live_go_away(Fault::MAX_GO_AWAY),
            Ok(Fault::LiveGoAway(Fault::MAX_GO_AWAY))
        );
        assert_eq!(
            Fault::live_go_away(Fault::MAX_GO_AWAY + nanosecond).map_err(|e| e.to_string()),
            Err(
                "`live-goaway=600000000001ns` is out of range: live-goaway takes 0s to 600s"
                    .to_owned()
            )
        );
        assert_eq!(
            Fault::drip(Fault::MAX_DRIP),
            Ok(Fault::Drip(Fault::MAX_DRIP))
        );
        assert_eq!(
            Fault::drip(Fault::MAX_DRIP + nanosecond).map_err(|e| e.to_string()),
            Err("`drip=1000000001ns` is out of range: drip takes 0s to 1s".to_owned())
        );
        let longest = "x".repeat(Fault::MAX_CLOSE_REASON);
        assert_eq!(
            Fault::live_close(1000, longest.clone()),
            Ok(Fault::LiveClose {
                code: 1000,
                reason: longest
            })
        );
    }

    #[test]
    fn every_spec_without_a_value() {
        assert_eq!(Fault::parse("truncate"), Ok(Fault::Truncate));
        assert_eq!(Fault::parse("html"), Ok(Fault::Html));
        assert_eq!(Fault::parse("quota"), Ok(Fault::quota_exceeded(None)));
        // 429 and 503 get Google's bodies; any other status an empty one.
        assert_eq!(Fault::parse("status=429"), Ok(Fault::quota_exceeded(None)));
        assert_eq!(
            Fault::parse("status=500"),
            Ok(Fault::Status {
                status: 500,
                body: String::new(),
                content_type: google::JSON.to_owned()
            })
        );
        assert_eq!(
            Fault::parse("live-close").map_err(|e| e.to_string()),
            Err(
                "`live-close` needs a close code, such as live-close=1011 or \
                 live-close=1011:Internal error occurred."
                    .to_owned()
            )
        );
    }
}
