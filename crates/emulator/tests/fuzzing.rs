//! The in-memory entry point that a fuzz target drives: what it answers, and that no
//! input makes it panic.

#![allow(clippy::panic, clippy::unwrap_used)]

use crate::support::parse;
use gemini_token_emulator::fuzzing::{KEY, serve_bytes};
use proptest::prelude::*;
use serde_json::json;

fn mint(body: &str, extra: &str) -> String {
    format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n{extra}\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    )
}

/// Splits what the server wrote into its answers, by their Content-Length.
fn answers(mut output: &[u8]) -> Vec<crate::support::Answer> {
    let mut all = Vec::new();
    while !output.is_empty() {
        let end = output.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
        let head = parse(&output[..end]);
        let length: usize = head
            .header("content-length")
            .map_or(0, |l| l.parse().unwrap());
        all.push(parse(&output[..end + length]));
        output = &output[end + length..];
    }
    all
}

#[test]
fn answers_what_a_client_sent_in_order() {
    let input = format!(
        "{}{}GET /emulator/tokens HTTP/1.1\r\n\r\n",
        mint(r#"{"uses":2}"#, ""),
        mint("{}", "x-goog-api-key-typo: 1\r\n"),
    );
    let answers = answers(&serve_bytes(input.as_bytes()));
    assert_eq!(
        answers.iter().map(|a| a.status).collect::<Vec<_>>(),
        [200, 200, 200]
    );
    let listed = answers[2].json();
    assert_eq!(listed["tokens"].as_array().unwrap().len(), 2);
    assert_eq!(listed["tokens"][0]["uses"], 2);
    assert_eq!(listed["tokens"][0]["mintedAt"], "2026-01-01T00:00:00Z");
}

#[test]
fn expect_100_continue_and_bad_heads() {
    // The body came with the head: no 100 Continue is due, only the answer.
    let output = serve_bytes(mint("{}", "Expect: 100-continue\r\n").as_bytes());
    assert!(output.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert_eq!(parse(&output).status, 200);
    // The body never comes: 100 Continue, then the client went away.
    let head = "POST /v1alpha/auth_tokens HTTP/1.1\r\nExpect: 100-continue\r\n\
                Content-Length: 2\r\n\r\n";
    assert_eq!(
        serve_bytes(head.as_bytes()),
        b"HTTP/1.1 100 Continue\r\n\r\n"
    );

    let refused = |input: &str| {
        let answer = parse(&serve_bytes(input.as_bytes()));
        (answer.status, String::from_utf8(answer.body).unwrap())
    };
    assert_eq!(
        refused("POST /v1alpha/auth_tokens HTTP/1.1\r\nContent-Length: 99999999\r\n\r\n"),
        (
            413,
            r#"{"error":{"code":413,"message":"Request payload size exceeds the limit: 20971520 bytes.","status":"INVALID_ARGUMENT"}}"#
                .to_owned()
        )
    );
    assert_eq!(
        refused("POST /v1alpha/auth_tokens HTTP/1.1\r\n\r\n"),
        (
            411,
            r#"{"error":{"code":411,"message":"POST requests require a Content-length header.","status":"INVALID_ARGUMENT"}}"#
                .to_owned()
        )
    );
    assert_eq!(
        refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n"),
        (400, "both Content-Length and Transfer-Encoding".to_owned())
    );
    assert_eq!(
        refused("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
        (501, "the only transfer coding taken is chunked".to_owned())
    );
    assert_eq!(
        refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n"),
        (400, "bad chunked body".to_owned())
    );
    assert_eq!(
        refused("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc\r\n"),
        (400, "bad chunked body".to_owned())
    );
    assert_eq!(
        refused("POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab"),
        (400, "bad Content-Length".to_owned())
    );
    assert_eq!(
        refused("\u{1}\u{2}\r\n\r\n"),
        (400, "malformed request".to_owned())
    );
    assert_eq!(
        refused(&format!("GET / HTTP/1.1\r\nX: {}", "a".repeat(20_000))),
        (431, "request head too large".to_owned())
    );
}

#[test]
fn a_body_nested_past_the_parsers_limit_is_refused() {
    let body = "[".repeat(100_000);
    let answer = parse(&serve_bytes(mint(&body, "").as_bytes()));
    assert_eq!(
        (answer.status, answer.json()["error"]["status"].clone()),
        (400, json!("INVALID_ARGUMENT"))
    );
}

#[test]
fn nothing_in_nothing_out() {
    assert_eq!(serve_bytes(b""), b"");
    // A request cut short gets no answer: the client went away.
    assert_eq!(
        serve_bytes(mint("{}", "").as_bytes().split_last().unwrap().1),
        b""
    );
}

/// The upgrade to a Live session with the fuzzing key (the only credential an input
/// can know: tokens are random).
fn upgrade() -> String {
    format!(
        "GET /ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent\
         ?key={KEY} HTTP/1.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
    )
}

/// A client frame: masked, as clients must send them.
fn frame(fin: bool, opcode: u8, payload: &[u8]) -> Vec<u8> {
    let mask = [0x37, 0xfa, 0x21, 0x3d];
    let mut out = vec![u8::from(fin) << 7 | opcode];
    match payload.len() {
        n @ 0..=125 => out.push(0x80 | n as u8),
        n @ 126..=0xffff => {
            out.push(0x80 | 126);
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        n => {
            out.push(0x80 | 127);
            out.extend_from_slice(&(n as u64).to_be_bytes());
        }
    }
    out.extend_from_slice(&mask);
    out.extend(payload.iter().zip(mask.iter().cycle()).map(|(b, m)| b ^ m));
    out
}

/// What the server sent after its `101`, read as a client would: the messages, then
/// the close frame's code and reason, if one came.
fn server_messages(output: &[u8]) -> (Vec<serde_json::Value>, Option<(u16, String)>) {
    use tungstenite::protocol::{Role, WebSocket};
    let end = output.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(output.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
    // A stream that gives the server's bytes and takes the client's replies.
    let stream = std::io::Cursor::new(output[end..].to_vec());
    let mut ws = WebSocket::from_raw_socket(ReadOnly(stream), Role::Client, None);
    let mut messages = Vec::new();
    loop {
        match ws.read() {
            Ok(tungstenite::Message::Binary(bytes)) => {
                messages.push(serde_json::from_slice(&bytes).unwrap());
            }
            Ok(tungstenite::Message::Close(frame)) => {
                let frame = frame.unwrap();
                return (
                    messages,
                    Some((u16::from(frame.code), frame.reason.as_str().to_owned())),
                );
            }
            Ok(other) => panic!("{other:?}"),
            Err(_) => return (messages, None),
        }
    }
}

/// A reader that swallows what is written to it.
struct ReadOnly(std::io::Cursor<Vec<u8>>);

impl std::io::Read for ReadOnly {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.0.read(buf)
    }
}

impl std::io::Write for ReadOnly {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_live_session_in_memory() {
    let mut input = upgrade().into_bytes();
    input.extend(frame(true, 1, br#"{"setup": {"model": "models/m"}}"#));
    // A turn in two fragments, then a close.
    let turn =
        br#"{"clientContent": {"turns": [{"parts": [{"text": "hi"}]}], "turnComplete": true}}"#;
    input.extend(frame(false, 1, &turn[..10]));
    input.extend(frame(true, 0, &turn[10..]));
    input.extend(frame(true, 8, &[0x03, 0xe8]));
    let (messages, close) = server_messages(&serve_bytes(&input));
    assert_eq!(
        messages,
        [
            json!({"setupComplete": {}}),
            json!({"serverContent": {"modelTurn": {"parts": [{"text": "echo: hi (model models/m; no system instruction)"}]}}}),
            json!({"serverContent": {"turnComplete": true}}),
        ]
    );
    assert_eq!(close, Some((1000, String::new())));

    // A frame announcing more than the emulator reads.
    let mut input = upgrade().into_bytes();
    input.extend_from_slice(&[0x81, 0xff]);
    input.extend_from_slice(&(u64::MAX >> 1).to_be_bytes());
    input.extend_from_slice(&[1, 2, 3, 4]);
    let (messages, close) = server_messages(&serve_bytes(&input));
    assert!(messages.is_empty());
    assert_eq!(close.map(|c| c.0), Some(1009));

    // An unmasked frame is a protocol error.
    let mut input = upgrade().into_bytes();
    input.extend_from_slice(b"\x81\x02{}");
    let (_, close) = server_messages(&serve_bytes(&input));
    assert_eq!(
        close,
        Some((1002, "A WebSocket protocol error.".to_owned()))
    );
}

/// Frames for inputs that reach into a Live session.
fn live_piece() -> impl Strategy<Value = Vec<u8>> {
    let message = prop::sample::select(vec![
        r#"{"setup": {"model": "models/m", "sessionResumption": {}}}"#,
        r#"{"setup": {"model": "models/m", "sessionResumption": {"handle": "x"}}}"#,
        r#"{"setup": {}}"#,
        r#"{"clientContent": {"turns": [{"parts": [{"text": "hi"}]}], "turnComplete": true}}"#,
        r#"{"clientContent": {"turns": []}}"#,
        r#"{"realtimeInput": {"text": "t"}}"#,
        r#"{"realtimeInput": {"audio": {"data": "AAAA"}}}"#,
        r#"{"toolResponse": {"functionResponses": [{"id": "1"}]}}"#,
        r#"{"setup": "#,
        "{}",
        "\u{e9}",
    ]);
    prop_oneof![
        (any::<bool>(), 0u8..16, message).prop_map(|(fin, op, m)| frame(fin, op, m.as_bytes())),
        (
            any::<bool>(),
            0u8..16,
            proptest::collection::vec(any::<u8>(), 0..200)
        )
            .prop_map(|(fin, op, p)| frame(fin, op, &p)),
        Just(frame(true, 8, &[0x03, 0xe8, b'o', b'k'])),
        Just(frame(true, 9, b"ping")),
        Just(vec![
            0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4
        ]),
        proptest::collection::vec(any::<u8>(), 0..32),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_live_session_makes_it_panic(pieces in proptest::collection::vec(live_piece(), 0..16)) {
        let mut input = upgrade().into_bytes();
        input.extend(pieces.concat());
        let output = serve_bytes(&input);
        prop_assert!(output.starts_with(b"HTTP/1.1 101 Switching Protocols\r\n"));
    }
}

/// Pieces of requests, for inputs closer to HTTP than random bytes.
fn fragment() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        Just(b"POST /v1alpha/auth_tokens HTTP/1.1\r\n".to_vec()),
        Just(b"GET /emulator/tokens HTTP/1.1\r\n".to_vec()),
        Just(b"GET /emulator/stats HTTP/1.1\r\n".to_vec()),
        Just(b"GET /emulator/sessions HTTP/1.1\r\n".to_vec()),
        Just(upgrade().into_bytes()),
        Just(frame(true, 1, br#"{"setup": {"model": "m"}}"#)),
        Just(format!("x-goog-api-key: {KEY}\r\n").into_bytes()),
        Just(b"Content-Length: 2\r\n".to_vec()),
        Just(b"Transfer-Encoding: chunked\r\n".to_vec()),
        Just(b"2;x=y\r\n{}\r\n".to_vec()),
        Just(b"0\r\nTrailer: t\r\n\r\n".to_vec()),
        Just(b"fffffffffffffffff\r\n".to_vec()),
        Just(b"Content-Length: 18446744073709551616\r\n".to_vec()),
        Just(b"Expect: 100-continue\r\n".to_vec()),
        Just(b"Connection: close\r\n".to_vec()),
        Just(b"\r\n".to_vec()),
        Just(
            br#"{"uses":1,"fieldMask":"model","bidiGenerateContentSetup":{"model":"m"}}"#.to_vec()
        ),
        Just(b"{}".to_vec()),
        Just(br#"{"uses":"5","uses":1e3,"bogus":[{"a":null}],"expire_time":"x"}"#.to_vec()),
        Just(br#"{"bidi_generate_content_setup":{"generation_config":{"top_k":20.0,"media_resolution":2}}}"#.to_vec()),
        proptest::collection::vec(any::<u8>(), 0..64),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn no_input_makes_it_panic(pieces in proptest::collection::vec(fragment(), 0..24)) {
        let input = pieces.concat();
        let output = serve_bytes(&input);
        prop_assert!(output.is_empty() || output.starts_with(b"HTTP/1.1 "));
    }
}

/// Pieces of bodies, for inputs that reach deep into the JSON reader.
fn json_piece() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "{",
        "}",
        "[",
        "]",
        ":",
        ",",
        " ",
        "null",
        "true",
        "1",
        "20.0",
        "-1e3",
        "1e999",
        "\"5000\"",
        "\"NaN\"",
        "\"x\"",
        "\"\\u00e9\"",
        "\"\\ud800\"",
        "\"\\q\"",
        "\"uses\"",
        "\"expireTime\"",
        "\"2026-01-01T01:00:00Z\"",
        "\"fieldMask\"",
        "\"model,tools\"",
        "\"bidiGenerateContentSetup\"",
        "\"generation_config\"",
        "\"topK\"",
        "\"mediaResolution\"",
        "\"tools\"",
        "\"functionDeclarations\"",
        "\"parameters\"",
        "\"properties\"",
        "\"items\"",
        "\"labels\"",
        "\"parametersJsonSchema\"",
        "\u{e9}",
    ])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn every_body_gets_a_token_or_googles_400(pieces in proptest::collection::vec(json_piece(), 0..64)) {
        let body = pieces.concat();
        let answer = parse(&serve_bytes(mint(&body, "").as_bytes()));
        prop_assert!(answer.status == 200 || answer.status == 400, "{}", answer.status);
        if answer.status == 400 {
            let error = answer.json();
            prop_assert_eq!(&error["error"]["status"], "INVALID_ARGUMENT");
            prop_assert!(error["error"]["details"][0]["fieldViolations"][0]["description"].is_string());
        }
    }
}

#[test]
fn heads_and_chunk_lines_up_to_their_limits_are_taken() {
    let status = |input: &str| parse(&serve_bytes(input.as_bytes())).status;
    // A head of 15 000 bytes (the limit is 16 KiB).
    let padding = format!("X-Padding: {}\r\n", "a".repeat(15_000));
    assert_eq!(status(&mint("{}", &padding)), 200);

    // A chunk size line with 3 000 bytes of extension (the limit is 4 KiB), and one
    // past the limit.
    let chunked = |extension: usize| {
        format!(
            "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
             Transfer-Encoding: chunked\r\n\r\n2;x={}\r\n{{}}\r\n0\r\n\r\n",
            "e".repeat(extension)
        )
    };
    assert_eq!(status(&chunked(3_000)), 200);
    let answer = parse(&serve_bytes(chunked(5_000).as_bytes()));
    assert_eq!(
        (answer.status, String::from_utf8(answer.body).unwrap()),
        (400, "bad chunked body".to_owned())
    );
    // Trailers count as head: 15 000 bytes of them are taken.
    let trailers = format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
         Transfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\nX-Trailer: {}\r\n\r\n",
        "t".repeat(15_000)
    );
    assert_eq!(status(&trailers), 200);
}

#[test]
fn megabytes_of_answers_are_all_returned() {
    // 7 000 pipelined mints: over a megabyte of answers, all within MAX_OUTPUT.
    let input = mint("{}", "").repeat(7_000);
    let output = serve_bytes(input.as_bytes());
    assert!(output.len() > 1_200_000, "{}", output.len());
    let answers = answers(&output);
    assert_eq!(answers.len(), 7_000);
    assert!(answers.iter().all(|a| a.status == 200));
}

#[test]
fn a_head_may_pass_16_kib_while_its_last_bytes_arrive() {
    // Reads are of 4 KiB: a head of 16 386 bytes has its end just past the fourth.
    let short = mint("{}", "X-Padding: \r\n");
    let padding = "p".repeat(16_386 - (short.len() - 2));
    let request = mint("{}", &format!("X-Padding: {padding}\r\n"));
    assert_eq!(request.len() - 2, 16_386);
    assert_eq!(parse(&serve_bytes(request.as_bytes())).status, 200);
}

#[test]
fn a_chunk_size_is_up_to_16_hex_digits_without_a_sign() {
    let status = |size: &str| {
        let input = format!(
            "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
             Transfer-Encoding: chunked\r\n\r\n{size}\r\n{{}}\r\n0\r\n\r\n"
        );
        parse(&serve_bytes(input.as_bytes())).status
    };
    assert_eq!(status("2"), 200);
    assert_eq!(status(&format!("{:016x}", 2)), 200);
    assert_eq!(status(&format!("{:017x}", 2)), 400);
    assert_eq!(status("+2"), 400);
    assert_eq!(status(""), 400);
    assert_eq!(status("2 ; name=value"), 200);
}

#[test]
fn chunk_lines_and_trailers_at_their_limits() {
    let answer = |input: &str| {
        let answer = parse(&serve_bytes(input.as_bytes()));
        (answer.status, String::from_utf8(answer.body).unwrap())
    };
    // A head of 4 095 bytes, then a chunk-size line of 4 096 (the limit): reads of
    // 4 KiB bring it with its `\r` and without its `\n`.
    let start = format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
         Transfer-Encoding: chunked\r\nX-Padding: "
    );
    let head = format!("{start}{}\r\n\r\n", "p".repeat(4_095 - start.len() - 4));
    assert_eq!(head.len(), 4_095);
    let line = format!("2;x={}", "e".repeat(4_096 - 4));
    assert_eq!(answer(&format!("{head}{line}\r\n{{}}\r\n0\r\n\r\n")).0, 200);
    assert_eq!(
        answer(&format!("{head}{line}e\r\n{{}}\r\n0\r\n\r\n")),
        (400, "bad chunked body".to_owned())
    );

    // Trailers count as head, each line with its CRLF: 16 384 bytes in all are taken.
    let trailed = |length: usize| {
        format!(
            "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
             Transfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n0\r\nX: {}\r\n\r\n",
            "t".repeat(length - 3)
        )
    };
    assert_eq!(answer(&trailed(16_382)).0, 200);
    assert_eq!(
        answer(&trailed(16_383)),
        (431, "request head too large".to_owned())
    );
}

#[test]
fn identity_is_no_transfer_coding_and_any_other_but_chunked_is_refused() {
    let status = |coding: &str, framing: &str| {
        let input = format!(
            "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
             Transfer-Encoding: {coding}\r\n{framing}"
        );
        parse(&serve_bytes(input.as_bytes())).status
    };
    assert_eq!(status("identity", "Content-Length: 2\r\n\r\n{}"), 200);
    assert_eq!(status("chunked, identity", "\r\n2\r\n{}\r\n0\r\n\r\n"), 200);
    assert_eq!(status("gzip", "\r\n2\r\n{}\r\n0\r\n\r\n"), 501);
}

#[test]
fn a_body_of_exactly_20_mib_is_taken() {
    // Announced and not sent: continued, where one byte more is refused at once.
    let head = |length: usize| {
        format!(
            "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
             Expect: 100-continue\r\nContent-Length: {length}\r\n\r\n"
        )
    };
    assert_eq!(
        serve_bytes(head(20 << 20).as_bytes()),
        b"HTTP/1.1 100 Continue\r\n\r\n"
    );
    assert_eq!(
        parse(&serve_bytes(head((20 << 20) + 1).as_bytes())).status,
        413
    );
}
