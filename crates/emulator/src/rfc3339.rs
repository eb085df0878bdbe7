//! `google.protobuf.Timestamp` in JSON: an RFC 3339 date and time with an offset,
//! read here rather than with the core crate's parser, so that the two are checked
//! against each other instead of agreeing by construction.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// `YYYY-MM-DDThh:mm:ss[.f]` then `Z` or `±hh:mm`, with one to nine decimals. `t` and
/// `z` may be lowercase (RFC 3339 allows it; protobuf's own parsers differ).
pub(crate) fn parse(text: &str) -> Option<OffsetDateTime> {
    let b = text.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits
            .iter()
            .all(u8::is_ascii_digit)
            .then(|| digits.iter().fold(0, |n, d| n * 10 + u32::from(d - b'0')))
    };
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't'))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return None;
    }
    let year = i32::try_from(num(0, 4)?).ok()?;
    let month = Month::try_from(u8::try_from(num(5, 2)?).ok()?).ok()?;
    let day = u8::try_from(num(8, 2)?).ok()?;
    let hour = u8::try_from(num(11, 2)?).ok()?;
    let minute = u8::try_from(num(14, 2)?).ok()?;
    let second = u8::try_from(num(17, 2)?).ok()?;
    let mut at = 19;
    let mut nanos = 0;
    if b.get(at) == Some(&b'.') {
        let digits = b
            .get(at + 1..)?
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        if !(1..=9).contains(&digits) {
            return None;
        }
        nanos = num(at + 1, digits)? * 10u32.pow(9 - u32::try_from(digits).ok()?);
        at += 1 + digits;
    }
    let offset = match b.get(at..)? {
        [b'Z' | b'z'] => UtcOffset::UTC,
        [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
            let hours = i8::try_from(num(at + 1, 2)?).ok()?;
            let minutes = i8::try_from(num(at + 4, 2)?).ok()?;
            if hours > 23 || minutes > 59 {
                return None;
            }
            let (hours, minutes) = if *sign == b'-' {
                (-hours, -minutes)
            } else {
                (hours, minutes)
            };
            UtcOffset::from_hms(hours, minutes, 0).ok()?
        }
        _ => return None,
    };
    if year == 0 {
        return None;
    }
    let date = Date::from_calendar_date(year, month, day).ok()?;
    let time = Time::from_hms_nano(hour, minute, second, nanos).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn reads_what_rfc_3339_allows_and_nothing_else() {
        let at = |text: &str| parse(text).map(|t| t.unix_timestamp_nanos());
        assert_eq!(at("2026-01-01T00:00:00Z"), Some(1_767_225_600_000_000_000));
        assert_eq!(
            at("2026-01-01t01:00:00.5+01:00"),
            Some(1_767_225_600_500_000_000)
        );
        assert_eq!(
            at("2025-12-31T23:00:00.000000001-01:00"),
            Some(1_767_225_600_000_000_001)
        );
        // Offsets up to 23:59 either way; a negative one is negative in its minutes too.
        assert_eq!(
            at("2026-01-01T23:59:00+23:59"),
            Some(1_767_225_600_000_000_000)
        );
        assert_eq!(
            at("2025-12-31T22:30:00-01:30"),
            Some(1_767_225_600_000_000_000)
        );
        for bad in [
            "2026x01-01T00:00:00Z",
            "2026-01x01T00:00:00Z",
            "2026-01-01T00x00:00Z",
            "2026-01-01T00:00x00Z",
            "2026-01-01T00:00:00+00:60",
            "2026-01-01T00:00:00",
            "2026-01-01 00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:60Z",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00:00:00.0000000001Z",
            "2026-01-01T00:00:00+0100",
            "2026-01-01T00:00:00+24:00",
            "0000-01-01T00:00:00Z",
            "+2026-01-01T00:00:00Z",
            "",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
