//! The answer parser on any status and any bytes: the service, a proxy or a broken
//! network can send anything, and the parser must turn it into a token or a typed
//! error without panicking and without ever showing the API key.
//!
//! Input: two bytes of status (mapped onto 100..=999, every code `http` accepts),
//! then the body.

#![no_main]

use std::error::Error as _;
use std::sync::OnceLock;

use gemini_token_core::{
    ApiKey, BODY_PREFIX_LIMIT, CreateAuthTokenConfig, Endpoint, Error, ResponseParser, prepare,
};
use http::{Response, StatusCode};
use libfuzzer_sys::fuzz_target;

mod common;

use common::CANARY;

/// Preparing is not what this target measures: one parser, made once.
fn parser() -> &'static ResponseParser {
    static PARSER: OnceLock<ResponseParser> = OnceLock::new();
    PARSER.get_or_init(|| {
        let key = ApiKey::new(CANARY).expect("the canary is a valid key");
        prepare(
            &CreateAuthTokenConfig::new().uses(3),
            &Endpoint::default(),
            &key,
            time::OffsetDateTime::UNIX_EPOCH,
        )
        .expect("an empty config prepares")
        .parser()
        .clone()
    })
}

fuzz_target!(|data: &[u8]| {
    let [high, low, body @ ..] = data else {
        return;
    };
    let code = 100 + u16::from_be_bytes([*high, *low]) % 900;
    let status = StatusCode::from_u16(code).expect("100..=999 is a valid status");
    let mut response = Response::new(body);
    *response.status_mut() = status;

    match parser().parse(&response) {
        Ok(token) => {
            assert!(status.is_success(), "a token from a {status} answer");
            assert!(!token.secret().is_empty(), "an empty token secret");
            assert!(
                token.secret().starts_with("auth_tokens/"),
                "a token not named `auth_tokens/...`"
            );
            assert_eq!(token.uses(), 3, "the uses asked for");
            let debug = format!("{token:?}");
            assert!(
                !debug.contains(token.secret()),
                "the secret in Debug: {debug}"
            );
            assert!(
                !debug.contains(CANARY),
                "the key in the token's Debug: {debug}"
            );
        }
        Err(error) => {
            // Every text a log could hold: Display and Debug of the error and of each
            // source below it.
            let mut shown = format!("{error}\n{error:?}");
            let mut source = error.source();
            while let Some(cause) = source {
                shown.push_str(&format!("\n{cause}\n{cause:?}"));
                source = cause.source();
            }
            assert!(!shown.contains(CANARY), "the API key in an error: {shown}");
            match &error {
                Error::UnexpectedResponse(answer) => {
                    assert_eq!(answer.status(), status);
                    assert!(
                        answer.body_prefix().len() <= BODY_PREFIX_LIMIT,
                        "a body prefix of {} bytes",
                        answer.body_prefix().len()
                    );
                    prefix_is_the_scrubbed_body_start(body, answer.body_prefix());
                }
                Error::Api(api) => {
                    assert!(!status.is_success(), "an API error from a {status} answer");
                    assert_eq!(api.http_status(), status);
                }
                other => panic!("a parser error that is neither API nor unexpected: {other:?}"),
            }
        }
    }
});

/// The contract of `body_prefix`: the start of the whole body, decoded and scrubbed
/// of every key, bounded. Reading only a head of the body may end the text early
/// and with a U+FFFD for a character cut in two, but never with the start of a key
/// whose end lies past the head. (`[redacted]` is what `ApiKey::scrub` writes.)
///
/// FINDING 1 (docs/reliability.md, "Fuzzing"): broken twice, fixed in aa4c3ad and
/// d5deb08; both inputs are in the corpus.
fn prefix_is_the_scrubbed_body_start(body: &[u8], prefix: &str) {
    let whole = String::from_utf8_lossy(body).replace(CANARY, "[redacted]");
    let shown = prefix.trim_end_matches('\u{FFFD}');
    assert!(
        whole.starts_with(shown),
        "the body prefix is not the start of the scrubbed body: it ends {:?}",
        &prefix[prefix.floor_char_boundary(prefix.len().saturating_sub(40))..]
    );
}
