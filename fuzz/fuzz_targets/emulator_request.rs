//! The emulator's request reading and handling, from memory: one connection on which
//! a client sent these bytes and closed. The emulator stands in for the service in
//! tests, so whatever a client (or a broken one) sends, it must answer in proper
//! HTTP/1.1 or close, and never panic.
//!
//! Beyond "starts with `HTTP/1.1 `", the whole output is checked as a client would
//! read it: a sequence of framed answers (`100 Continue` heads, and heads with a
//! `Content-Length` and that many bytes), nothing after `Connection: close`, JSON
//! where `application/json` is said, and a token name on every `200` to a mint.

#![no_main]

use gemini_token_emulator::fuzzing::serve_bytes;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let output = serve_bytes(data);
    if output.is_empty() {
        return;
    }
    assert!(
        output.starts_with(b"HTTP/1.1 "),
        "output does not start with `HTTP/1.1 `: {:?}",
        String::from_utf8_lossy(&output)
    );
    check_framing(&output);
});

/// One answer's head, as a client reads it.
struct Head<'a> {
    status: u16,
    headers: Vec<(&'a str, &'a str)>,
}

impl Head<'_> {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }
}

fn check_framing(output: &[u8]) {
    let shown = || String::from_utf8_lossy(output).into_owned();
    let mut rest = output;
    while !rest.is_empty() {
        let Some(end) = rest.windows(4).position(|w| w == b"\r\n\r\n") else {
            panic!("an answer head without its blank line: {}", shown());
        };
        let head_text = std::str::from_utf8(&rest[..end])
            .unwrap_or_else(|_| panic!("an answer head that is not UTF-8: {}", shown()));
        let head = parse_head(head_text).unwrap_or_else(|| panic!("a malformed head: {}", shown()));
        rest = &rest[end + 4..];
        if head.status == 100 {
            assert!(head.headers.is_empty(), "a 100 with headers: {}", shown());
            continue;
        }
        let length: usize = head
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("an answer without a Content-Length: {}", shown()));
        assert!(
            rest.len() >= length,
            "an answer shorter than its Content-Length: {}",
            shown()
        );
        let (body, after) = rest.split_at(length);
        let json = head
            .header("content-type")
            .is_some_and(|t| t.starts_with("application/json"));
        if json && let Err(error) = serde_json::from_slice::<serde_json::Value>(body) {
            panic!("a JSON answer that is not JSON ({error}): {}", shown());
        }
        if head.status == 200 && body.starts_with(b"{\"name\"") {
            let token: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
            let name = token["name"].as_str().unwrap_or_default();
            assert!(
                name.starts_with("auth_tokens/") && name.len() > 12,
                "{}",
                shown()
            );
        }
        if head
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"))
        {
            assert!(
                after.is_empty(),
                "bytes after `Connection: close`: {}",
                shown()
            );
        }
        rest = after;
    }
}

/// `HTTP/1.1 <3 digits> <reason>` and `Name: value` lines.
fn parse_head(text: &str) -> Option<Head<'_>> {
    let mut lines = text.split("\r\n");
    let status_line = lines.next()?.strip_prefix("HTTP/1.1 ")?;
    let (code, reason) = status_line.split_once(' ')?;
    if code.len() != 3 || reason.is_empty() {
        return None;
    }
    let status = code.parse().ok()?;
    let headers = lines
        .map(|line| line.split_once(": "))
        .collect::<Option<Vec<_>>>()?;
    Some(Head { status, headers })
}
