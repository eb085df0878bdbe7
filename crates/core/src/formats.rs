//! The text forms of the service's wire format, for tools that read or write them
//! (a CLI, an emulator, a test): RFC 3339 timestamps as protobuf's JSON mapping writes
//! them, protobuf durations (`"57s"`), the short durations of config files (`30m`),
//! field masks, and the two spellings of a field's name (`top_k`, `topK`).
//!
//! A backend that mints tokens does not need this module: the config types use these
//! forms already.
//!
//! ```
//! use gemini_token_core::formats::{format_rfc3339, parse_duration, parse_rfc3339};
//! use time::Duration;
//!
//! let at = parse_rfc3339("2026-01-01T02:00:00.5+02:00")?;
//! assert_eq!(format_rfc3339(at).as_deref(), Some("2026-01-01T00:00:00.500Z"));
//! assert_eq!(parse_duration("1h30m")?, Duration::minutes(90));
//! assert_eq!(
//!     parse_duration("soon").unwrap_err().to_string(),
//!     "`soon` is not a duration such as 30m, 1h30m, 90s or 1500ms (units h, m, s, ms, us, ns)"
//! );
//! # Ok::<(), gemini_token_core::ParseError>(())
//! ```

use time::{Duration, OffsetDateTime};

use crate::error::ParseError;
use crate::timestamp;

pub use crate::mask::set_field_paths;
pub use crate::response::parse_proto_duration;
pub use crate::suggest::{camel_to_snake, snake_to_camel};

/// Reads `YYYY-MM-DDTHH:MM:SS[.fraction]{Z|±hh:mm}` (the fraction has 1 to 9 digits):
/// RFC 3339 with a `T` and an offset, as the service reads it. The error quotes the
/// text and says what is allowed.
pub fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, ParseError> {
    timestamp::parse_rfc3339(text).map_err(ParseError::new)
}

/// Writes an instant as protobuf's JSON mapping does: UTC with `Z`, and a fraction of
/// 3, 6 or 9 digits only when it is not zero. `None` for a year outside 0000–9999,
/// which has no RFC 3339 form.
pub fn format_rfc3339(at: OffsetDateTime) -> Option<String> {
    timestamp::format_rfc3339(at).ok()
}

/// Reads a duration written as whole numbers with units, largest unit first (`30m`,
/// `1h30m`, `90s`, `250ms`; units `h`, `m`, `s`, `ms`, `us`, `ns`).
pub fn parse_duration(text: &str) -> Result<Duration, ParseError> {
    timestamp::parse_duration(text).map_err(ParseError::new)
}

/// Writes a duration in the form [`parse_duration`] reads, with the largest units
/// that fit (`1h30m`, `90ms`, `0s`; a negative one starts with `-`).
pub fn format_duration(duration: Duration) -> String {
    timestamp::format_duration(duration)
}
