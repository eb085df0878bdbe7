//! The emulator's request reading and handling, from memory: one connection on which
//! a client sent these bytes and closed. The emulator stands in for the service in
//! tests, so whatever a client (or a broken one) sends, it must answer in proper
//! HTTP/1.1 or close, and never panic.
//!
//! Beyond "starts with `HTTP/1.1 `", the whole output is checked as a client would
//! read it: a sequence of framed answers (`100 Continue` heads, and heads with a
//! `Content-Length` and that many bytes), nothing after `Connection: close`, JSON
//! where `application/json` is said, a token name on every `200` to a mint; and after
//! a `101` (the Live API's WebSocket), server frames as RFC 6455 has them: unmasked,
//! no reserved bits or opcodes, control frames whole and at most 125 bytes, a close
//! code a server may send and a UTF-8 reason, nothing after the close, and every
//! message JSON.

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
        if head.status == 101 {
            assert!(
                head.header("upgrade")
                    .is_some_and(|u| u.eq_ignore_ascii_case("websocket")),
                "a 101 that is no WebSocket: {}",
                shown()
            );
            check_frames(rest);
            return;
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

/// The server's side of a WebSocket, frame by frame.
fn check_frames(mut rest: &[u8]) {
    let shown = |problem: &str| format!("{problem}; frames: {:?}", String::from_utf8_lossy(rest));
    let mut message: Option<Vec<u8>> = None;
    let mut closed = false;
    while !rest.is_empty() {
        assert!(!closed, "{}", shown("a frame after the close frame"));
        let &[b0, b1, ..] = rest else {
            panic!("{}", shown("a cut frame header"));
        };
        let (fin, opcode) = (b0 & 0x80 != 0, b0 & 0x0f);
        assert_eq!(b0 & 0x70, 0, "{}", shown("reserved bits set"));
        assert_eq!(b1 & 0x80, 0, "{}", shown("a masked server frame"));
        let (length, start): (Option<usize>, usize) = match b1 & 0x7f {
            126 => (
                rest.get(2..4)
                    .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]]))),
                4,
            ),
            127 => (
                rest.get(2..10)
                    .and_then(|b| usize::try_from(u64::from_be_bytes(b.try_into().ok()?)).ok()),
                10,
            ),
            short => (Some(usize::from(short)), 2),
        };
        let payload = length
            .and_then(|n| rest.get(start..start.checked_add(n)?))
            .unwrap_or_else(|| panic!("{}", shown("a frame shorter than its length")));
        rest = &rest[start + payload.len()..];
        match opcode {
            0x0 => match message.as_mut() {
                Some(sofar) => sofar.extend_from_slice(payload),
                None => panic!("a continuation frame with no message begun"),
            },
            0x1 | 0x2 => {
                assert!(message.is_none(), "a new message inside a fragmented one");
                message = Some(payload.to_vec());
            }
            0x8..=0xA => {
                assert!(
                    fin && payload.len() <= 125,
                    "a control frame cut or too long"
                );
                if opcode == 0x8 {
                    check_close(payload);
                    closed = true;
                }
                continue;
            }
            other => panic!("reserved opcode {other:#x}"),
        }
        if fin {
            let whole = message.take().unwrap_or_default();
            if let Err(error) = serde_json::from_slice::<serde_json::Value>(&whole) {
                panic!(
                    "a server message that is not JSON ({error}): {:?}",
                    String::from_utf8_lossy(&whole)
                );
            }
        }
    }
}

/// A close frame's payload: empty, or a code a server may send and a UTF-8 reason.
fn check_close(payload: &[u8]) {
    let [high, low, reason @ ..] = payload else {
        assert!(payload.is_empty(), "a close frame of one byte");
        return;
    };
    let code = u16::from_be_bytes([*high, *low]);
    assert!(
        matches!(code, 1000..=1003 | 1007..=1014 | 3000..=4999),
        "close code {code} may not be sent"
    );
    assert!(
        std::str::from_utf8(reason).is_ok(),
        "a close reason that is not UTF-8"
    );
}
