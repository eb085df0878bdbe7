//! The emulator's limits over real sockets: timeouts, the connection cap, `Expect:
//! 100-continue`, bounded faults.

#![allow(clippy::panic, clippy::unwrap_used)]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::support::{KEY, PATIENCE, closed_by_server, connect, mint_request, parse, read_answer};
use gemini_token_emulator::{Emulator, Fault, STATS_PATH};
use serde_json::json;

/// Reads until the server closes; the bytes and how the reading ended.
fn read_to_close(stream: &mut TcpStream) -> (Vec<u8>, Result<(), ErrorKind>) {
    let mut received = Vec::new();
    let end = stream
        .read_to_end(&mut received)
        .map(|_| ())
        .map_err(|e| e.kind());
    (received, end)
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < PATIENCE, "waited too long for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn an_idle_connection_is_closed_after_the_idle_timeout() {
    let emulator = Emulator::builder()
        .key(KEY)
        .idle_timeout(Duration::from_millis(300))
        .start()
        .unwrap();
    // One that never sends anything.
    let mut silent = connect(&emulator);
    // One that mints, keeps the connection, then sends nothing more.
    let mut kept = connect(&emulator);
    kept.write_all(&mint_request("{}", false)).unwrap();
    let answer = read_answer(&mut kept);
    assert_eq!((answer.status, answer.header("connection")), (200, None));

    assert_eq!(read_to_close(&mut silent), (Vec::new(), Ok(())));
    assert_eq!(read_to_close(&mut kept), (Vec::new(), Ok(())));
    wait_for("the connections to be forgotten", || {
        emulator.open_connections() == 0
    });
    assert_eq!(emulator.tokens().len(), 1);
}

#[test]
fn a_request_that_trickles_in_past_the_request_timeout_is_answered_408() {
    let emulator = Emulator::builder()
        .key(KEY)
        .request_timeout(Duration::from_millis(500))
        .start()
        .unwrap();
    let timed_out = json!({"error": {"code": 408, "status": "DEADLINE_EXCEEDED",
        "message": "The request did not arrive in full within 500ms of its first byte."}});

    // A head sent a byte every 50 ms: each read is quick, the whole is too slow.
    let mut head = connect(&emulator);
    head.set_read_timeout(Some(Duration::from_millis(50)))
        .unwrap();
    let mut received = Vec::new();
    let mut chunk = [0u8; 1024];
    let started = Instant::now();
    for byte in b"POST /v1alpha/auth_tokens HTTP/1.1\r\nX-Slow: "
        .iter()
        .chain(std::iter::repeat(&b'a'))
    {
        assert!(started.elapsed() < PATIENCE, "never answered");
        head.write_all(&[*byte]).unwrap();
        match head.read(&mut chunk) {
            Ok(n) => {
                received.extend_from_slice(&chunk[..n]);
                break;
            }
            Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
            Err(e) => panic!("{e}"),
        }
    }
    head.set_read_timeout(Some(PATIENCE)).unwrap();
    let (rest, end) = read_to_close(&mut head);
    received.extend_from_slice(&rest);
    assert_eq!(end, Ok(()));
    let answer = parse(&received);
    assert_eq!(
        (answer.status, answer.header("connection"), answer.json()),
        (408, Some("close"), timed_out.clone())
    );

    // A body announced longer than what comes.
    let mut body = connect(&emulator);
    body.write_all(
        format!(
            "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
             Content-Length: 1048576\r\n\r\n{{\"uses\":"
        )
        .as_bytes(),
    )
    .unwrap();
    let (received, end) = read_to_close(&mut body);
    assert_eq!(end, Ok(()));
    let answer = parse(&received);
    assert_eq!((answer.status, answer.json()), (408, timed_out));
    assert_eq!(emulator.mint_requests(), 0, "neither reached the service");
}

#[test]
fn past_the_cap_the_connection_idle_the_longest_is_closed() {
    let emulator = Emulator::builder()
        .key(KEY)
        .max_connections(100)
        .start()
        .unwrap();
    let idle: Vec<TcpStream> = (0..150).map(|_| connect(&emulator)).collect();
    let mut client = connect(&emulator);
    client.write_all(&mint_request("{}", true)).unwrap();
    let (received, end) = read_to_close(&mut client);
    assert_eq!((parse(&received).status, end), (200, Ok(())));
    // 151 connections for 100 places: the 51 oldest were closed, in order.
    let closed: Vec<bool> = idle.iter().map(closed_by_server).collect();
    assert_eq!(closed, [vec![true; 51], vec![false; 99]].concat());
    assert_eq!(emulator.connections(), 151);
}

#[test]
fn past_the_cap_an_idle_connection_goes_before_a_slow_sender() {
    let emulator = Emulator::builder()
        .key(KEY)
        .max_connections(2)
        .start()
        .unwrap();
    // A slow sender: the head is in, the body never comes. The 100 Continue shows
    // that the server has begun reading the request.
    let slow = |emulator: &Emulator| {
        let mut stream = connect(emulator);
        stream
            .write_all(
                format!(
                    "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
                     Expect: 100-continue\r\nContent-Length: 2\r\n\r\n"
                )
                .as_bytes(),
            )
            .unwrap();
        let mut continued = [0u8; 25];
        stream.read_exact(&mut continued).unwrap();
        assert_eq!(&continued, b"HTTP/1.1 100 Continue\r\n\r\n");
        stream
    };
    let first = slow(&emulator);
    let idle = connect(&emulator);
    wait_for("the idle connection", || emulator.open_connections() == 2);

    // The idle one is closed, though younger than the slow one.
    let mut client = connect(&emulator);
    client.write_all(&mint_request("{}", true)).unwrap();
    let (received, _) = read_to_close(&mut client);
    assert_eq!(parse(&received).status, 200);
    assert_eq!(
        (closed_by_server(&idle), closed_by_server(&first)),
        (true, false)
    );
    wait_for("the client to be gone", || emulator.open_connections() == 1);

    // With only slow senders left, the one sending the longest is closed.
    let second = slow(&emulator);
    wait_for("the second slow sender", || {
        emulator.open_connections() == 2
    });
    let mut client = connect(&emulator);
    client.write_all(&mint_request("{}", true)).unwrap();
    let (received, _) = read_to_close(&mut client);
    assert_eq!(parse(&received).status, 200);
    assert_eq!(
        (closed_by_server(&first), closed_by_server(&second)),
        (true, false)
    );
    assert_eq!(emulator.tokens().len(), 2);
}

#[test]
fn past_the_cap_with_every_connection_busy_a_new_one_is_answered_503() {
    let emulator = Emulator::builder()
        .key(KEY)
        .max_connections(1)
        .fault(Fault::delay(Duration::from_secs(60)).unwrap())
        .start()
        .unwrap();
    let mut busy = connect(&emulator);
    busy.write_all(&mint_request("{}", true)).unwrap();
    wait_for("the delayed mint", || emulator.mint_requests() == 1);

    let mut refused = connect(&emulator);
    refused.write_all(&mint_request("{}", true)).unwrap();
    let (received, end) = read_to_close(&mut refused);
    assert_eq!(end, Ok(()));
    let answer = parse(&received);
    assert_eq!(
        (answer.status, answer.header("connection"), answer.json()),
        (
            503,
            Some("close"),
            json!({"error": {"code": 503, "status": "UNAVAILABLE",
                "message": "Too many connections: the emulator's cap is 1 and every \
                            connection is busy. Try again."}})
        )
    );
    assert_eq!(emulator.mint_requests(), 1, "the refused one never got in");
    drop(emulator);
    assert_eq!(read_to_close(&mut busy), (Vec::new(), Ok(())));
}

#[test]
fn expect_100_continue_is_met_before_the_body() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    let body = r#"{"uses":3}"#;
    let mut stream = connect(&emulator);
    stream
        .write_all(
            format!(
                "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
                 Expect: 100-continue\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .as_bytes(),
        )
        .unwrap();
    let mut continued = [0u8; 25];
    stream.read_exact(&mut continued).unwrap();
    assert_eq!(&continued, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(body.as_bytes()).unwrap();
    let answer = read_answer(&mut stream);
    assert_eq!(answer.status, 200);
    assert_eq!(
        emulator.tokens().iter().map(|t| t.uses).collect::<Vec<_>>(),
        [3]
    );
}

#[test]
fn a_head_refused_with_expect_100_continue_is_answered_at_once() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    for (expect, length, status, said) in [
        (
            "100-continue",
            20 * 1024 * 1024 + 1,
            413,
            &br#"{"error":{"code":413,"message":"Request payload size exceeds the limit: 20971520 bytes.","status":"INVALID_ARGUMENT"}}"#[..],
        ),
        (
            "something-else",
            2,
            417,
            &b"the only expectation met is 100-continue"[..],
        ),
    ] {
        let mut stream = connect(&emulator);
        stream
            .write_all(
                format!(
                    "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
                     Expect: {expect}\r\nContent-Length: {length}\r\n\r\n"
                )
                .as_bytes(),
            )
            .unwrap();
        let (received, end) = read_to_close(&mut stream);
        assert_eq!(end, Ok(()));
        let answer = parse(&received);
        assert_eq!(
            (answer.status, answer.header("connection"), &answer.body[..]),
            (status, Some("close"), said),
            "{expect}"
        );
    }
    assert_eq!(emulator.mint_requests(), 0);
}

#[test]
fn faults_past_their_maxima_are_refused_or_cut() {
    assert_eq!(
        Fault::parse("oversized=100000000").unwrap_err().to_string(),
        "`oversized=100000000` is out of range: oversized takes 0 to 67108864 bytes (64 MiB)"
    );
    assert_eq!(
        Fault::parse("delay=1h").unwrap_err().to_string(),
        "`delay=1h` is out of range: delay takes 0s to 600s"
    );
    assert_eq!(
        Fault::parse("drip=2s").unwrap_err().to_string(),
        "`drip=2s` is out of range: drip takes 0s to 1s"
    );
    assert_eq!(
        Fault::oversized(Fault::MAX_OVERSIZED + 1)
            .unwrap_err()
            .to_string(),
        "`oversized=67108865` is out of range: oversized takes 0 to 67108864 bytes (64 MiB)"
    );

    // Built past the maximum, it is cut to it, and streamed.
    let emulator = Emulator::builder()
        .key(KEY)
        .fault(Fault::Oversized(usize::MAX))
        .start()
        .unwrap();
    let mut stream = connect(&emulator);
    stream.write_all(&mint_request("{}", true)).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).unwrap();
        head.push(byte[0]);
    }
    let answer = parse(&head);
    assert_eq!(
        (answer.status, answer.header("content-length")),
        (200, Some("67108864"))
    );
    let (mut length, mut last) = (0usize, Vec::new());
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        let n = stream.read(&mut chunk).unwrap();
        if n == 0 {
            break;
        }
        length += n;
        // The last bytes, however the reads split them.
        last.extend_from_slice(&chunk[..n]);
        let excess = last.len().saturating_sub(4);
        last.drain(..excess);
    }
    assert_eq!(length, Fault::MAX_OVERSIZED);
    assert!(last.ends_with(br#"xx"}"#));
}

#[test]
fn the_counters_are_served_as_json() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    let mut stream = connect(&emulator);
    stream.write_all(&mint_request("{}", false)).unwrap();
    assert_eq!(read_answer(&mut stream).status, 200);
    stream
        .write_all(format!("GET {STATS_PATH} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
        .unwrap();
    let answer = read_answer(&mut stream);
    assert_eq!(
        (answer.status, answer.json()),
        (
            200,
            json!({"connections": 1, "openConnections": 1, "handshakes": 0,
                "evictedConnections": 0, "refusedConnections": 0, "mintRequests": 1})
        )
    );
}

#[test]
fn deeply_nested_bodies_fit_the_small_stack_of_a_connection_thread() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    // As deep as the JSON reader goes (100 levels in all), inside a tool's JSON Schema
    // (kept as free JSON), with a mask so that the setup's paths are walked too.
    let depth = 94;
    let schema = format!("{}1{}", r#"{"a":"#.repeat(depth), "}".repeat(depth));
    let body = format!(
        r#"{{"fieldMask":"tools","bidiGenerateContentSetup":{{"tools":[{{"functionDeclarations":[{{"name":"f","parametersJsonSchema":{schema}}}]}}]}}}}"#
    );
    let mut stream = connect(&emulator);
    stream.write_all(&mint_request(&body, false)).unwrap();
    assert_eq!(read_answer(&mut stream).status, 200);
    // As deep through messages of the schema (a parameter's `items`, each a `Schema`),
    // where each level takes more stack.
    let items = format!(
        r#"{}{{"type":"STRING"}}{}"#,
        r#"{"items":"#.repeat(depth - 1),
        "}".repeat(depth - 1)
    );
    let through_messages = format!(
        r#"{{"bidiGenerateContentSetup":{{"tools":[{{"functionDeclarations":[{{"name":"f","parameters":{items}}}]}}]}}}}"#
    );
    stream
        .write_all(&mint_request(&through_messages, false))
        .unwrap();
    assert_eq!(read_answer(&mut stream).status, 200);
    // One level more is refused, and so is far more.
    let deeper = body.replace(r#"{"a":1"#, r#"{"a":{"a":1}"#);
    stream.write_all(&mint_request(&deeper, false)).unwrap();
    // The line around the brace one level too deep, and a caret under it.
    let message = format!(
        "Invalid JSON payload received. Message too deep. Max recursion depth reached.\n{}1{}\n{}^",
        r#"{"a":"#.repeat(9),
        "}".repeat(34),
        " ".repeat(40)
    );
    assert_eq!(
        read_answer(&mut stream).json(),
        json!({"error": {"code": 400, "status": "INVALID_ARGUMENT", "message": message,
            "details": [{"@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"description": message}]}]}})
    );
    let far = format!("{}1{}", "[".repeat(200_000), "]".repeat(200_000));
    stream.write_all(&mint_request(&far, true)).unwrap();
    let answer = read_answer(&mut stream);
    assert_eq!(
        answer.json()["error"]["message"],
        format!(
            "Invalid JSON payload received. Message too deep. Max recursion depth reached.\n{}\n{}^",
            "[".repeat(80),
            " ".repeat(40)
        )
    );
    assert_eq!(emulator.tokens().len(), 2);
}
