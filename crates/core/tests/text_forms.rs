//! Timestamps and durations read at the edges of their grammar: the shortest text, the
//! largest offset and number, and texts wrong in one place only.

// Tests stop at the first broken fixture.
#![allow(clippy::unwrap_used)]

use gemini_token_core::formats::{parse_duration, parse_rfc3339};
use time::Duration;
use time::macros::datetime;

fn refusal(text: &str) -> String {
    parse_rfc3339(text).unwrap_err().to_string()
}

fn not_a_timestamp(text: &str) -> String {
    format!(
        "`{text}` is not an RFC 3339 timestamp with a `T` and an offset, such as \
         2025-05-01T00:00:00Z or 2025-05-01T02:00:00.5+02:00"
    )
}

#[test]
fn the_shortest_timestamp_is_twenty_bytes() {
    assert_eq!(
        parse_rfc3339("2025-05-01T00:00:00Z").unwrap(),
        datetime!(2025-05-01 00:00 UTC)
    );
    for short in ["2025-05-01T00:00:0Z", "2025-05-01T00:00Z", "2025", ""] {
        assert_eq!(refusal(short), not_a_timestamp(short));
    }
}

#[test]
fn one_wrong_separator_is_enough_to_refuse() {
    for text in [
        "2025/05-01T00:00:00Z",
        "2025-05/01T00:00:00Z",
        "2025-05-01T00.00:00Z",
        "2025-05-01T00:00.00Z",
        "2025-05-01X00:00:00Z",
    ] {
        assert_eq!(refusal(text), not_a_timestamp(text));
    }
}

#[test]
fn offsets_go_up_to_23_59_either_way() {
    assert_eq!(
        parse_rfc3339("2025-05-01T23:59:00+23:59").unwrap(),
        datetime!(2025-05-01 00:00 UTC)
    );
    assert_eq!(
        parse_rfc3339("2025-05-01T00:00:00-23:59").unwrap(),
        datetime!(2025-05-01 23:59 UTC)
    );
    assert_eq!(
        parse_rfc3339("2025-05-01T13:45:00+13:45").unwrap(),
        datetime!(2025-05-01 00:00 UTC)
    );
    assert_eq!(
        parse_rfc3339("2025-05-01T00:59:00+00:59").unwrap(),
        datetime!(2025-05-01 00:00 UTC)
    );
    for text in [
        "2025-05-01T00:00:00+24:00",
        "2025-05-01T00:00:00+25:00",
        "2025-05-01T00:00:00+00:60",
        "2025-05-01T00:00:00-24:00",
        // A byte below `0` where a digit belongs, in each place of the offset.
        "2025-05-01T00:00:00+0/:00",
        "2025-05-01T00:00:00+/0:00",
        "2025-05-01T00:00:00+00:/0",
        "2025-05-01T00:00:00+00:0/",
        "2025-05-01T00:00:00+0a:00",
    ] {
        assert_eq!(refusal(text), not_a_timestamp(text));
    }
}

#[test]
fn fractions_have_one_to_nine_digits() {
    assert_eq!(
        parse_rfc3339("2025-05-01T00:00:00.1Z").unwrap(),
        datetime!(2025-05-01 00:00:00.1 UTC)
    );
    assert_eq!(
        parse_rfc3339("2025-05-01T00:00:00.987654321Z").unwrap(),
        datetime!(2025-05-01 00:00:00.987654321 UTC)
    );
    assert_eq!(
        refusal("2025-05-01T00:00:00.9876543210Z"),
        "`2025-05-01T00:00:00.9876543210Z` has 10 fraction digits; at most 9 (nanoseconds) \
         are allowed"
    );
    assert_eq!(
        refusal("2025-05-01T00:00:00.Z"),
        not_a_timestamp("2025-05-01T00:00:00.Z")
    );
}

#[test]
fn calendar_and_clock_errors_say_which() {
    assert_eq!(
        refusal("2025-13-01T00:00:00Z"),
        "`2025-13-01T00:00:00Z` has no month 13"
    );
    assert_eq!(
        refusal("2025-02-29T00:00:00Z"),
        "`2025-02-29T00:00:00Z` is not a date on the calendar"
    );
    assert_eq!(
        parse_rfc3339("2024-02-29T10:20:30Z").unwrap(),
        datetime!(2024-02-29 10:20:30 UTC)
    );
    assert_eq!(
        refusal("2025-05-01T00:00:60Z"),
        "`2025-05-01T00:00:60Z` is not a time of day (leap seconds are not accepted)"
    );
}

fn not_a_duration(text: &str) -> String {
    format!(
        "`{text}` is not a duration such as 30m, 1h30m, 90s or 1500ms (units h, m, s, ms, us, ns)"
    )
}

#[test]
fn a_duration_number_has_one_to_eighteen_digits() {
    assert_eq!(
        parse_duration("999999999999999999ns").unwrap(),
        Duration::new(999_999_999, 999_999_999)
    );
    assert_eq!(
        parse_duration("9999999999999999999ns")
            .unwrap_err()
            .to_string(),
        not_a_duration("9999999999999999999ns")
    );
    assert_eq!(
        parse_duration("ms").unwrap_err().to_string(),
        not_a_duration("ms")
    );
}

#[test]
fn duration_units_add_up_exactly() {
    assert_eq!(
        parse_duration("2h3m4s5ms6us7ns").unwrap(),
        Duration::new(2 * 3600 + 3 * 60 + 4, 5_006_007)
    );
    assert_eq!(parse_duration("90s").unwrap(), Duration::seconds(90));
    assert_eq!(
        parse_duration("2500ms").unwrap(),
        Duration::new(2, 500_000_000)
    );
    assert_eq!(
        parse_duration("1s1s").unwrap_err().to_string(),
        "`1s1s`: units must go from largest to smallest"
    );
    assert_eq!(
        parse_duration("1ms1s").unwrap_err().to_string(),
        "`1ms1s`: units must go from largest to smallest"
    );
}

#[test]
fn a_sign_before_a_duration_says_which_way() {
    use gemini_token_core::TokenTime;
    assert_eq!(
        TokenTime::parse("+90s").unwrap(),
        TokenTime::In(Duration::seconds(90))
    );
    assert_eq!(
        TokenTime::parse("-90s").unwrap(),
        TokenTime::In(Duration::seconds(-90))
    );
}

#[test]
fn a_parse_error_says_what_is_wrong_and_what_is_allowed() {
    let error = gemini_token_core::TokenTime::parse("+soon").unwrap_err();
    let expected = "`+soon` is not `+` followed by a duration such as 30m, 1h30m, 90s or \
                    1500ms (units h, m, s, ms, us, ns)";
    assert_eq!(error.message(), expected);
    assert_eq!(error.to_string(), expected);
}

#[test]
fn instants_and_durations_are_written_as_they_are_read() {
    use gemini_token_core::formats::{format_duration, format_rfc3339};
    assert_eq!(
        format_rfc3339(datetime!(2025-05-01 02:00:00.5 +02:00)).as_deref(),
        Some("2025-05-01T00:00:00.500Z")
    );
    assert_eq!(format_rfc3339(datetime!(-0001-01-01 00:00 UTC)), None);
    assert_eq!(format_duration(Duration::minutes(90)), "1h30m");
    assert_eq!(format_duration(Duration::milliseconds(-1500)), "-1s500ms");
    assert_eq!(format_duration(Duration::ZERO), "0s");
}
