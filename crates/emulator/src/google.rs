//! Answers shaped as Google's: the error JSON, its details, and the messages the real
//! service is known to send (REFERENCE.md quotes them).

use std::borrow::Cow;
use std::time::Duration;

use serde_json::{Value, json};

use crate::proto_json::Violation;

/// The message for a request without an API key.
pub const MISSING_KEY: &str = "Method doesn't allow unregistered callers (callers without \
     established identity). Please use API Key or other form of API consumer identity to call \
     this API.";
/// The message for a wrong API key.
pub const INVALID_KEY: &str = "API key not valid. Please pass a valid API key.";
/// The message for a field mask that does not cover a field the setup sets.
pub const MASK_MISSES_FIELDS: &str =
    "BidiGenerateContentSetup contains fields that are not specified in field_mask";
/// The message for a field mask with a path into a list, or no field at all.
pub const MASK_INVALID: &str = "field_mask is invalid for BidiGenerateContentSetup";

/// A complete HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) content_type: Cow<'static, str>,
    pub(crate) body: Vec<u8>,
}

pub(crate) const JSON: &str = "application/json; charset=UTF-8";

impl Reply {
    pub(crate) fn json(status: u16, body: &Value) -> Self {
        Self {
            status,
            content_type: JSON.into(),
            body: body.to_string().into_bytes(),
        }
    }

    /// A reply with any content type and body.
    pub(crate) fn new(
        status: u16,
        content_type: impl Into<Cow<'static, str>>,
        body: impl Into<Vec<u8>>,
    ) -> Self {
        Self {
            status,
            content_type: content_type.into(),
            body: body.into(),
        }
    }

    /// The service's answer to an unknown path or method: 404 and no body.
    pub(crate) fn not_found() -> Self {
        Self::new(404, "text/html; charset=UTF-8", Vec::new())
    }
}

/// Google's error JSON.
pub(crate) fn error(code: u16, status: &str, message: &str, details: Vec<Value>) -> Reply {
    let mut error = json!({"code": code, "message": message, "status": status});
    if !details.is_empty() {
        error["details"] = Value::Array(details);
    }
    Reply::json(code, &json!({ "error": error }))
}

/// The emulator's answer to a request that did not arrive in full in time: Google's
/// error shape (the service itself is behind a front end that answers an HTML page).
pub(crate) fn request_timeout(limit: Duration) -> Reply {
    error(
        408,
        "DEADLINE_EXCEEDED",
        &format!(
            "The request did not arrive in full within {} of its first byte.",
            crate::faults::show(limit)
        ),
        Vec::new(),
    )
}

/// The emulator's answer to a connection past its cap when every other one is busy.
pub(crate) fn too_many_connections(cap: usize) -> Reply {
    error(
        503,
        "UNAVAILABLE",
        &format!(
            "Too many connections: the emulator's cap is {cap} and every connection is busy. \
             Try again."
        ),
        Vec::new(),
    )
}

/// 400 INVALID_ARGUMENT naming the field at fault, as the service does for bad bodies.
pub(crate) fn invalid_argument(field: &str, message: &str) -> Reply {
    bad_request(&[Violation::at(field, message)])
}

/// 400 INVALID_ARGUMENT with one `BadRequest` field violation per problem: the
/// message is their descriptions, one per line, as the service reports several at once.
/// A violation without a field (malformed JSON) has no `field` key.
pub(crate) fn bad_request(violations: &[Violation]) -> Reply {
    let message = violations
        .iter()
        .map(|v| v.description.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    let field_violations: Vec<Value> = violations
        .iter()
        .map(|v| match &v.field {
            Some(field) => json!({"field": field, "description": v.description}),
            None => json!({"description": v.description}),
        })
        .collect();
    error(
        400,
        "INVALID_ARGUMENT",
        &message,
        vec![json!({
            "@type": "type.googleapis.com/google.rpc.BadRequest",
            "fieldViolations": field_violations,
        })],
    )
}

/// The answer to a request body larger than the emulator takes. The status, and the
/// wording (recalled from Google's answer to oversized Gemini API requests, not
/// confirmed for this method), are our inference.
pub(crate) fn payload_too_large(limit: usize) -> Reply {
    error(
        413,
        "INVALID_ARGUMENT",
        &format!("Request payload size exceeds the limit: {limit} bytes."),
        Vec::new(),
    )
}

/// The answer to a `POST` with neither `Content-Length` nor a chunked body. Google's
/// front end answers an HTML page saying this; the JSON shape is ours.
pub(crate) fn length_required() -> Reply {
    error(
        411,
        "INVALID_ARGUMENT",
        "POST requests require a Content-length header.",
        Vec::new(),
    )
}

/// The answer to a request without a key.
pub(crate) fn missing_key() -> Reply {
    error(403, "PERMISSION_DENIED", MISSING_KEY, Vec::new())
}

/// The answer to a wrong key.
pub(crate) fn invalid_key() -> Reply {
    error(
        400,
        "INVALID_ARGUMENT",
        INVALID_KEY,
        vec![
            json!({
                "@type": "type.googleapis.com/google.rpc.ErrorInfo",
                "reason": "API_KEY_INVALID",
                "domain": "googleapis.com",
                "metadata": {"service": "generativelanguage.googleapis.com"},
            }),
            json!({
                "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
                "locale": "en-US",
                "message": INVALID_KEY,
            }),
        ],
    )
}

/// 429 RESOURCE_EXHAUSTED, with a `RetryInfo` when `retry_delay` is given (`"57s"`).
pub fn quota_exceeded_body(retry_delay: Option<&str>) -> String {
    let mut details = Vec::new();
    if let Some(delay) = retry_delay {
        details.push(json!({
            "@type": "type.googleapis.com/google.rpc.RetryInfo",
            "retryDelay": delay,
        }));
    }
    String::from_utf8_lossy(
        &error(
            429,
            "RESOURCE_EXHAUSTED",
            "Resource has been exhausted (e.g. check quota).",
            details,
        )
        .body,
    )
    .into_owned()
}

/// 503 UNAVAILABLE.
pub fn unavailable_body() -> String {
    String::from_utf8_lossy(
        &error(
            503,
            "UNAVAILABLE",
            "The service is currently unavailable.",
            Vec::new(),
        )
        .body,
    )
    .into_owned()
}

/// The page a proxy sends when the service behind it fails.
pub const PROXY_ERROR_PAGE: &str = "<!DOCTYPE html>\n<html lang=en><meta charset=utf-8>\
    <title>Error 502 (Server Error)!!1</title><p><b>502.</b> That's an error.\
    <p>The server encountered a temporary error and could not complete your request.\
    <p>Please try again in 30 seconds.</html>\n";
