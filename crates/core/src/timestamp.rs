//! RFC 3339 timestamps and short durations, in the exact forms the service and our
//! config files use.
//!
//! The `time` crate can parse RFC 3339, but the rules here are stricter than RFC 3339
//! (a `T`, an offset, at most nine fraction digits) and the messages must say what is
//! allowed, so the grammar is written out. Formatting follows protobuf's JSON mapping:
//! UTC `Z`, and a fraction of 3, 6 or 9 digits only when it is not zero.

use std::fmt::Write as _;

use time::{Date, Duration, Month, OffsetDateTime, Time, UtcOffset};

/// What an RFC 3339 timestamp must look like; used in error messages.
pub(crate) const TIMESTAMP_FORM: &str = "an RFC 3339 timestamp with a `T` and an offset, \
     such as 2025-05-01T00:00:00Z or 2025-05-01T02:00:00.5+02:00";

/// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]{Z|±hh:mm}`; the fraction has 1 to 9 digits.
///
/// The error says what is wrong with the text, not what the text is: callers add the
/// field name.
pub(crate) fn parse_rfc3339(text: &str) -> Result<OffsetDateTime, String> {
    let bad = || format!("`{text}` is not {TIMESTAMP_FORM}");
    let b = text.as_bytes();
    if b.len() < 20 {
        return Err(bad());
    }
    let num = |range: std::ops::Range<usize>| -> Result<u32, String> {
        let part = b.get(range).ok_or_else(bad)?;
        if part.iter().all(u8::is_ascii_digit) {
            Ok(part.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
        } else {
            Err(bad())
        }
    };
    let punct = [(4, b'-'), (7, b'-'), (13, b':'), (16, b':')];
    if punct.iter().any(|&(i, c)| b[i] != c) || !matches!(b[10], b'T' | b't') {
        return Err(bad());
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);

    let mut rest = &b[19..];
    let mut nanos = 0u32;
    if let Some(frac) = rest.strip_prefix(b".") {
        let digits = frac.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 {
            return Err(bad());
        }
        if digits > 9 {
            return Err(format!(
                "`{text}` has {digits} fraction digits; at most 9 (nanoseconds) are allowed"
            ));
        }
        nanos = frac[..digits]
            .iter()
            .fold(0, |n, d| n * 10 + u32::from(d - b'0'))
            * 10u32.pow(9 - digits as u32);
        rest = &frac[digits..];
    }
    let offset = match rest {
        [b'Z' | b'z'] => UtcOffset::UTC,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let two = |a: u8, b: u8| -> Result<i8, String> {
                if a.is_ascii_digit() && b.is_ascii_digit() {
                    Ok(((a - b'0') * 10 + (b - b'0')) as i8)
                } else {
                    Err(bad())
                }
            };
            let (h, m) = (two(*h1, *h2)?, two(*m1, *m2)?);
            if h > 23 || m > 59 {
                return Err(bad());
            }
            let s = if *sign == b'-' { -1 } else { 1 };
            UtcOffset::from_hms(s * h, s * m, 0).map_err(|_| bad())?
        }
        _ => return Err(bad()),
    };
    let month = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
        .ok_or_else(|| format!("`{text}` has no month {month}"))?;
    let date = Date::from_calendar_date(year as i32, month, day as u8)
        .map_err(|_| format!("`{text}` is not a date on the calendar"))?;
    let time = Time::from_hms_nano(hour as u8, minute as u8, second as u8, nanos)
        .map_err(|_| format!("`{text}` is not a time of day (leap seconds are not accepted)"))?;
    Ok(date.with_time(time).assume_offset(offset))
}

/// Formats an instant as protobuf JSON does: UTC with `Z`, and a fraction of 3, 6 or
/// 9 digits only when it is not zero. Years outside 0..=9999 have no RFC 3339 form.
pub(crate) fn format_rfc3339(at: OffsetDateTime) -> Result<String, String> {
    Rfc3339Buf::new(at).map(|b| b.as_str().to_owned())
}

/// An RFC 3339 form written into a buffer on the stack: formatting sits on the hot
/// path of every request, and `fmt` machinery with padding costs more than the rest of
/// the body together.
pub(crate) struct Rfc3339Buf {
    bytes: [u8; 30],
    len: usize,
}

impl Rfc3339Buf {
    pub(crate) fn new(at: OffsetDateTime) -> Result<Self, String> {
        let at = at
            .checked_to_offset(UtcOffset::UTC)
            .ok_or_else(|| format!("{at} has no UTC form"))?;
        let year = at.year();
        if !(0..=9999).contains(&year) {
            return Err(format!("year {year} has no RFC 3339 form"));
        }
        let mut buf = Self {
            bytes: [0; 30],
            len: 0,
        };
        let (date, time) = (at.date(), at.time());
        buf.digits(year as u32, 4);
        buf.push(b'-');
        buf.digits(u32::from(u8::from(date.month())), 2);
        buf.push(b'-');
        buf.digits(u32::from(date.day()), 2);
        buf.push(b'T');
        buf.digits(u32::from(time.hour()), 2);
        buf.push(b':');
        buf.digits(u32::from(time.minute()), 2);
        buf.push(b':');
        buf.digits(u32::from(time.second()), 2);
        let nanos = time.nanosecond();
        if nanos != 0 {
            buf.push(b'.');
            if nanos % 1_000_000 == 0 {
                buf.digits(nanos / 1_000_000, 3);
            } else if nanos % 1_000 == 0 {
                buf.digits(nanos / 1_000, 6);
            } else {
                buf.digits(nanos, 9);
            }
        }
        buf.push(b'Z');
        Ok(buf)
    }

    fn push(&mut self, b: u8) {
        self.bytes[self.len] = b;
        self.len += 1;
    }

    /// `n` in exactly `width` decimal digits, zero-padded.
    fn digits(&mut self, mut n: u32, width: usize) {
        for i in (0..width).rev() {
            self.bytes[self.len + i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
        self.len += width;
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits and punctuation were written.
        std::str::from_utf8(&self.bytes[..self.len]).unwrap_or_default()
    }
}

/// The units a duration may be written in, largest first.
const UNITS: [(&str, i128); 6] = [
    ("h", 3_600_000_000_000),
    ("m", 60_000_000_000),
    ("s", 1_000_000_000),
    ("ms", 1_000_000),
    ("us", 1_000),
    ("ns", 1),
];

/// What a duration must look like; used in error messages.
pub(crate) const DURATION_FORM: &str =
    "a duration such as 30m, 1h30m, 90s or 1500ms (units h, m, s, ms, us, ns)";

/// Parses a duration written as whole numbers with units, largest unit first, such as
/// `30m`, `1h30m`, `90s` or `250ms`.
pub(crate) fn parse_duration(text: &str) -> Result<Duration, String> {
    let bad = || format!("`{text}` is not {DURATION_FORM}");
    let mut rest = text;
    let mut total: i128 = 0;
    let mut last_unit = usize::MAX;
    if rest.is_empty() {
        return Err(bad());
    }
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 18 {
            return Err(bad());
        }
        let n: i128 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        // Longest unit name first, so that `ms` is not read as `m`.
        let (index, (name, nanos)) = UNITS
            .iter()
            .enumerate()
            .filter(|(_, (name, _))| rest.starts_with(name))
            .max_by_key(|(_, (name, _))| name.len())
            .ok_or_else(bad)?;
        if last_unit != usize::MAX && index <= last_unit {
            return Err(format!("`{text}`: units must go from largest to smallest"));
        }
        last_unit = index;
        rest = &rest[name.len()..];
        total += n * nanos;
    }
    let secs = i64::try_from(total / 1_000_000_000).map_err(|_| bad())?;
    Ok(Duration::new(secs, (total % 1_000_000_000) as i32))
}

/// Formats a non-negative duration in the form [`parse_duration`] reads, using the
/// largest units that fit (`1h30m`, `90ms`, `0s`).
pub(crate) fn format_duration(d: Duration) -> String {
    let mut nanos = d.whole_nanoseconds();
    let mut out = String::new();
    if nanos < 0 {
        out.push('-');
        nanos = -nanos;
    }
    for (name, size) in UNITS {
        if nanos >= size {
            let _ = write!(out, "{}{name}", nanos / size);
            nanos %= size;
        }
    }
    if out.is_empty() || out == "-" {
        out.push_str("0s");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_offsets_and_fractions() {
        assert_eq!(
            parse_rfc3339("2025-05-01T02:00:00.5+02:00"),
            Ok(datetime!(2025-05-01 00:00:00.5 UTC))
        );
        assert_eq!(
            parse_rfc3339("2025-05-01t00:00:00.123456789z"),
            Ok(datetime!(2025-05-01 00:00:00.123456789 UTC))
        );
        assert_eq!(
            parse_rfc3339("2025-05-01T00:00:00-05:30"),
            Ok(datetime!(2025-05-01 05:30:00 UTC))
        );
    }

    #[test]
    fn refuses_other_forms() {
        for text in [
            "2025-05-01T00:00:00",
            "2025-05-01 00:00:00Z",
            "2025-05-01T00:00:00+0200",
            "1746057600",
            "2025-05-01T00:00:00.Z",
            "2025-13-01T00:00:00Z",
            "2025-02-30T00:00:00Z",
            "2025-05-01T24:00:00Z",
            "2025-05-01T00:00:60Z",
            "2025-05-01T00:00:00+24:00",
            "2025-05-01T00:00:00Z ",
            "２025-05-01T00:00:00Z",
        ] {
            assert!(parse_rfc3339(text).is_err(), "{text} was accepted");
        }
        assert_eq!(
            parse_rfc3339("2025-05-01T00:00:00.1234567891Z"),
            Err("`2025-05-01T00:00:00.1234567891Z` has 10 fraction digits; \
                 at most 9 (nanoseconds) are allowed"
                .to_owned())
        );
    }

    #[test]
    fn formats_like_protobuf_json() {
        let f = |t| format_rfc3339(t).unwrap_or_default();
        assert_eq!(
            f(datetime!(2025-05-01 00:00:00 UTC)),
            "2025-05-01T00:00:00Z"
        );
        assert_eq!(
            f(datetime!(2025-05-01 00:00:00.5 UTC)),
            "2025-05-01T00:00:00.500Z"
        );
        assert_eq!(
            f(datetime!(2025-05-01 00:00:00.000123 UTC)),
            "2025-05-01T00:00:00.000123Z"
        );
        assert_eq!(
            f(datetime!(2025-05-01 00:00:00.000000001 UTC)),
            "2025-05-01T00:00:00.000000001Z"
        );
        assert_eq!(
            f(datetime!(2025-05-01 02:00:00 +02:00)),
            "2025-05-01T00:00:00Z"
        );
        assert_eq!(
            format_rfc3339(datetime!(-0001-01-01 00:00:00 UTC)),
            Err("year -1 has no RFC 3339 form".to_owned())
        );
        assert!(format_rfc3339(datetime!(9999-12-31 23:00:00 -05:00)).is_err());
    }

    #[test]
    fn durations_round_trip() {
        assert_eq!(parse_duration("30m"), Ok(Duration::minutes(30)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::minutes(90)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::milliseconds(1500)));
        assert_eq!(parse_duration("1m1s1ns"), Ok(Duration::new(61, 1)));
        for bad in ["", "30", "m", "1.5h", "30m1h", "1m1m", "-5m", "5 m", "5d"] {
            assert!(parse_duration(bad).is_err(), "{bad} was accepted");
        }
        for d in [
            Duration::ZERO,
            Duration::new(5400, 0),
            Duration::new(61, 500_000_001),
        ] {
            assert_eq!(parse_duration(&format_duration(d)), Ok(d));
        }
        assert_eq!(format_duration(Duration::new(5400, 0)), "1h30m");
    }
}
