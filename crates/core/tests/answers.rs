//! The answer parser at its boundaries: the shortest token name, the statuses and
//! bodies that choose each problem, and the body prefix at exactly its limit.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use gemini_token_core::{
    ApiKey, BODY_PREFIX_LIMIT, CreateAuthTokenConfig, Endpoint, Error, ResponseParser,
    UnexpectedResponse, prepare,
};
use http::{Response, StatusCode};
use time::macros::datetime;

fn parser() -> ResponseParser {
    let key = ApiKey::new("AIzaSy-answers-key").unwrap();
    prepare(
        &CreateAuthTokenConfig::new(),
        &Endpoint::default(),
        &key,
        datetime!(2026-01-01 00:00 UTC),
    )
    .unwrap()
    .parser()
    .clone()
}

fn answer(status: u16, body: &[u8]) -> Response<Vec<u8>> {
    let mut response = Response::new(body.to_vec());
    *response.status_mut() = StatusCode::from_u16(status).unwrap();
    response
}

fn unexpected(status: u16, body: &[u8]) -> UnexpectedResponse {
    match parser().parse(&answer(status, body)) {
        Err(Error::UnexpectedResponse(e)) => e,
        other => panic!("want an unexpected response, got {other:?}"),
    }
}

const NOT_A_NAME: &str = "the token name does not start with `auth_tokens/`";

#[test]
fn a_token_name_is_auth_tokens_slash_and_at_least_one_more_byte() {
    let token = parser()
        .parse(&answer(200, br#"{"name":"auth_tokens/x"}"#))
        .unwrap();
    assert_eq!(token.secret(), "auth_tokens/x");
    let bare = unexpected(200, br#"{"name":"auth_tokens/"}"#);
    assert_eq!(
        (bare.status(), bare.problem(), bare.body_prefix()),
        (StatusCode::OK, NOT_A_NAME, r#"{"name":"auth_tokens/"}"#)
    );
    // Long enough, but not the service's form.
    let elsewhere = unexpected(200, br#"{"name":"projects/p/auth_tokens/abc"}"#);
    assert_eq!(elsewhere.problem(), NOT_A_NAME);
    // Any 2xx is a success.
    let created = parser()
        .parse(&answer(201, br#"{"name":"auth_tokens/created"}"#))
        .unwrap();
    assert_eq!(created.secret(), "auth_tokens/created");
    assert_eq!(
        unexpected(204, b"").problem(),
        "a success without a token name"
    );
}

#[test]
fn only_an_empty_404_is_asked_about_the_api_version_or_base_url() {
    let hint = "not found, with an empty body: is the API version or base URL right?";
    assert_eq!(unexpected(404, b"").problem(), hint);
    let page = unexpected(404, b"Not Found");
    assert_eq!(
        (page.status(), page.problem(), page.body_prefix()),
        (
            StatusCode::NOT_FOUND,
            "not Google's error JSON",
            "Not Found"
        )
    );
    let empty_500 = unexpected(500, b"");
    assert_eq!(
        (
            empty_500.status(),
            empty_500.problem(),
            empty_500.body_prefix()
        ),
        (
            StatusCode::INTERNAL_SERVER_ERROR,
            "not Google's error JSON",
            ""
        )
    );
    let empty_403 = unexpected(403, b"");
    assert_eq!(empty_403.problem(), "not Google's error JSON");
}

#[test]
fn the_body_prefix_keeps_exactly_the_limit_and_no_more() {
    assert_eq!(BODY_PREFIX_LIMIT, 512);
    let exact = "a".repeat(512);
    assert_eq!(unexpected(502, exact.as_bytes()).body_prefix(), exact);
    let over = format!("{}bc", "a".repeat(511));
    assert_eq!(
        unexpected(502, over.as_bytes()).body_prefix(),
        format!("{}b", "a".repeat(511))
    );
    // A 2-byte character across the limit is left out whole: 510 + 2 fit, 511 + 2 do not.
    let fits = format!("{}é", "a".repeat(510));
    assert_eq!(unexpected(502, fits.as_bytes()).body_prefix(), fits);
    let straddles = format!("{}éz", "a".repeat(511));
    assert_eq!(
        unexpected(502, straddles.as_bytes()).body_prefix(),
        "a".repeat(511)
    );
    // A 4-byte character three bytes past a boundary: the cut walks back three bytes.
    let emoji = format!("{}🦀", "a".repeat(509));
    assert_eq!(
        unexpected(502, emoji.as_bytes()).body_prefix(),
        "a".repeat(509)
    );
}

#[test]
fn a_field_violation_reads_its_field_and_description() {
    let body = br#"{"error":{"code":400,"message":"bad","status":"INVALID_ARGUMENT","details":[
        {"@type":"type.googleapis.com/google.rpc.BadRequest","fieldViolations":[
            {"field":"bidiGenerateContentSetup.model","description":"unknown model"}]}]}}"#;
    let error = match parser().parse(&answer(400, body)) {
        Err(Error::Api(error)) => error,
        other => panic!("want an API error, got {other:?}"),
    };
    let violations: Vec<(&str, &str)> = error
        .field_violations()
        .map(|v| (v.field(), v.description()))
        .collect();
    assert_eq!(
        violations,
        [("bidiGenerateContentSetup.model", "unknown model")]
    );
}
