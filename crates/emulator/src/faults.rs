//! Faults: the ways the service, or the network in front of it, can fail a request.

use std::time::Duration;

use crate::google;

/// How to fail one request. Queue faults with
/// [`Emulator::push_fault`](crate::Emulator::push_fault) (in-process) or
/// `gemini-token emulator --fault SPEC` (command line); each applies to one request to
/// the token method, in order.
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
}

impl Fault {
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

    /// Reads a fault from the command line's form:
    ///
    /// | spec | fault |
    /// |---|---|
    /// | `status=503` | that status, with Google's error JSON for 429 and 503, else an empty body |
    /// | `quota` / `quota=57s` | 429 RESOURCE_EXHAUSTED, with that retry delay |
    /// | `delay=2s` | wait, then answer |
    /// | `reset` | reset the connection |
    /// | `truncate` | half the body |
    /// | `oversized=2000000` | a 200 body of that many bytes |
    /// | `html` | a proxy's 502 page |
    /// | `drip=50ms` | one byte every 50 ms |
    pub fn parse(spec: &str) -> Result<Self, String> {
        let (name, value) = spec
            .split_once('=')
            .map_or((spec, None), |(n, v)| (n, Some(v)));
        let duration = |v: Option<&str>| -> Result<Duration, String> {
            let text = v.ok_or_else(|| format!("`{spec}` needs a duration, such as {name}=2s"))?;
            let d = gemini_token_core::timestamp::parse_duration(text)?;
            Duration::try_from(d).map_err(|_| format!("`{text}` is negative"))
        };
        match (name, value) {
            ("status", Some(code)) => {
                let status: u16 = code
                    .parse()
                    .ok()
                    .filter(|s| (100..=599).contains(s))
                    .ok_or_else(|| format!("`{code}` is not an HTTP status (100 to 599)"))?;
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
            ("delay", v) => Ok(Self::Delay(duration(v)?)),
            ("drip", v) => Ok(Self::Drip(duration(v)?)),
            ("reset", None) => Ok(Self::Reset),
            ("truncate", None) => Ok(Self::Truncate),
            ("html", None) => Ok(Self::Html),
            ("oversized", Some(n)) => n
                .parse()
                .map(Self::Oversized)
                .map_err(|_| format!("`{n}` is not a number of bytes")),
            _ => Err(format!(
                "`{spec}` is not a fault; use status=CODE, quota[=DELAY], delay=DURATION, \
                 drip=DURATION, reset, truncate, html or oversized=BYTES"
            )),
        }
    }
}

/// A body of exactly `bytes` bytes that is valid JSON (as long as `bytes` >= 12):
/// a token with padding, as an oversized answer would be.
pub(crate) fn oversized_body(bytes: usize) -> Vec<u8> {
    let head = br#"{"name":"auth_tokens/oversized","padding":""#;
    let tail = br#""}"#;
    if bytes < head.len() + tail.len() {
        return vec![b' '; bytes];
    }
    let mut body = Vec::with_capacity(bytes);
    body.extend_from_slice(head);
    body.resize(bytes - tail.len(), b'x');
    body.extend_from_slice(tail);
    body
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert!(Fault::parse("status=700").is_err());
        assert!(Fault::parse("delay").is_err());
        assert!(Fault::parse("explode").is_err());
        assert_eq!(oversized_body(100).len(), 100);
        assert!(serde_json::from_slice::<serde_json::Value>(&oversized_body(100)).is_ok());
    }
}
