//! Every request vector, through the library API: `from_json`, then `prepare`.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use gemini_token_conformance::{check_every_vector, error_problems, request_problems};
use gemini_token_core::formats::parse_rfc3339;
use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, prepare};

#[test]
fn every_vector_through_the_library() {
    let key = ApiKey::new("AIzaSy-conformance-canary-0123456789").unwrap_or_else(|e| panic!("{e}"));
    let checked = check_every_vector(|vector| {
        let now = parse_rfc3339(&vector.now).unwrap_or_else(|e| panic!("{}: {e}", vector.name));
        let json = serde_json::to_vec(&vector.config).unwrap_or_default();
        let outcome = CreateAuthTokenConfig::from_json(&json)
            .map_err(|e| e.to_string())
            .and_then(|config| {
                prepare(&config, &Endpoint::default(), &key, now).map_err(|e| e.to_string())
            });
        match (&vector.expect.body, &vector.expect.error, outcome) {
            (Some(_), _, Ok(prepared)) => {
                let request = prepared.request();
                let body = serde_json::from_slice(request.body()).unwrap_or_default();
                request_problems(vector, &request.uri().to_string(), &body)
            }
            (Some(_), _, Err(e)) => vec![format!("refused: {e}")],
            (None, Some(want), Err(message)) => error_problems(want, &message),
            (None, _, Ok(prepared)) => vec![format!(
                "accepted, sending {}",
                String::from_utf8_lossy(prepared.request().body())
            )],
            (None, None, Err(e)) => vec![format!("vector has no expectation; got {e}")],
        }
    });
    assert_eq!(checked, 104);
}
