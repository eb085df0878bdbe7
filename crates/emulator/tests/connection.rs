//! One connection over time: whether it stays open after each kind of answer, a
//! pipelined request that arrives in pieces, `Expect: 100-continue` with a chunked
//! body, and a dripped answer whose reader went away.

#![allow(clippy::panic, clippy::unwrap_used)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread::sleep;
use std::time::{Duration, Instant};

use gemini_token_emulator::{Emulator, Fault, SESSIONS_PATH, STATS_PATH};

use crate::support::{KEY, connect, read_answer};

fn mint_request(extra: &str) -> String {
    format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n{extra}\
         Content-Length: 2\r\n\r\n{{}}"
    )
}

#[test]
fn every_kind_of_answer_keeps_the_connection_unless_asked_to_close() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    let paths = ["/emulator/tokens", STATS_PATH, SESSIONS_PATH, "/nowhere"];
    let statuses = [200, 200, 200, 404];
    // Kept alive: each GET is answered without `Connection: close`, and a mint after
    // it on the same connection is answered too.
    for (path, status) in paths.iter().zip(statuses) {
        let mut stream = connect(&emulator);
        let get = format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n");
        stream.write_all(get.as_bytes()).unwrap();
        let answer = read_answer(&mut stream);
        assert_eq!(
            (answer.status, answer.header("connection")),
            (status, None),
            "{path}"
        );
        stream.write_all(mint_request("").as_bytes()).unwrap();
        assert_eq!(read_answer(&mut stream).status, 200, "{path}");
    }
    // Asked to close: each is answered with `Connection: close`, then closed.
    for (path, status) in paths.iter().zip(statuses) {
        let mut stream = connect(&emulator);
        let get = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        stream.write_all(get.as_bytes()).unwrap();
        let answer = read_answer(&mut stream);
        assert_eq!(
            (answer.status, answer.header("connection")),
            (status, Some("close")),
            "{path}"
        );
        assert_eq!(stream.read(&mut [0u8; 16]).unwrap(), 0, "{path}");
    }
}

#[test]
fn a_pipelined_request_may_arrive_in_pieces() {
    let emulator = Emulator::builder()
        .key(KEY)
        .request_timeout(Duration::from_secs(5))
        .start()
        .unwrap();
    let mut stream = connect(&emulator);
    let second = mint_request("");
    let (start, rest) = second.split_at(20);
    // The first request with the start of the second behind it.
    stream
        .write_all(format!("{}{start}", mint_request("")).as_bytes())
        .unwrap();
    assert_eq!(read_answer(&mut stream).status, 200);
    sleep(Duration::from_millis(50));
    stream.write_all(rest.as_bytes()).unwrap();
    assert_eq!(read_answer(&mut stream).status, 200);
    assert_eq!(emulator.tokens().len(), 2);
}

#[test]
fn a_chunked_body_is_continued_only_when_the_client_expects_it() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    let head = |expect: &str| {
        format!(
            "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n{expect}\
             Transfer-Encoding: chunked\r\n\r\n"
        )
    };
    let body = "2\r\n{}\r\n0\r\n\r\n";

    let mut stream = connect(&emulator);
    stream
        .write_all(head("Expect: 100-continue\r\n").as_bytes())
        .unwrap();
    let mut continued = [0u8; 25];
    stream.read_exact(&mut continued).unwrap();
    assert_eq!(&continued, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(body.as_bytes()).unwrap();
    assert_eq!(read_answer(&mut stream).status, 200);

    // Without the expectation, the body sent later gets only the answer.
    let mut stream = connect(&emulator);
    stream.write_all(head("").as_bytes()).unwrap();
    sleep(Duration::from_millis(50));
    stream.write_all(body.as_bytes()).unwrap();
    let mut start = [0u8; 12];
    stream.read_exact(&mut start).unwrap();
    assert_eq!(&start, b"HTTP/1.1 200");
}

#[test]
fn a_dripped_answer_stops_when_its_reader_goes_away() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    // A byte every 50 ms: the whole answer would take over ten seconds.
    emulator.push_fault(Fault::Drip(Duration::from_millis(50)));
    let mut stream = connect(&emulator);
    stream.write_all(mint_request("").as_bytes()).unwrap();
    let mut first = [0u8; 1];
    stream.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"H");
    drop(stream);
    let started = Instant::now();
    while emulator.open_connections() > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "the emulator still drips to a reader that left"
        );
        sleep(Duration::from_millis(10));
    }
}

#[test]
fn a_body_of_one_mebibyte_needs_no_permit_and_a_larger_one_waits_for_one() {
    let emulator = Emulator::builder()
        .key(KEY)
        .request_timeout(Duration::from_secs(3))
        .start()
        .unwrap();
    let head = |length: usize| {
        format!(
            "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
             Content-Length: {length}\r\n\r\n"
        )
    };
    // Two bodies of 2 MiB announced and not sent hold both permits.
    let holders: Vec<TcpStream> = (0..2)
        .map(|_| {
            let mut stream = connect(&emulator);
            stream.write_all(head(2 << 20).as_bytes()).unwrap();
            stream
        })
        .collect();
    sleep(Duration::from_millis(200));
    // A body of exactly 1 MiB (valid JSON: a message and spaces) is read at once.
    let body = |length: usize| format!("{{}}{}", " ".repeat(length - 2));
    let mut stream = connect(&emulator);
    stream
        .write_all(format!("{}{}", head(1 << 20), body(1 << 20)).as_bytes())
        .unwrap();
    assert_eq!(read_answer(&mut stream).status, 200);
    // One byte more, and it waits for a permit.
    let mut waiting = connect(&emulator);
    waiting
        .write_all(format!("{}{}", head((1 << 20) + 1), body((1 << 20) + 1)).as_bytes())
        .unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let waited = waiting.read(&mut [0u8; 16]).map_err(|e| e.kind());
    assert_eq!(waited, Err(std::io::ErrorKind::WouldBlock));

    // Chunked, the same: 1 MiB in all is read at once, one byte more waits.
    let chunked = |length: usize| {
        format!(
            "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
             Transfer-Encoding: chunked\r\n\r\n2\r\n{{}}\r\n{:x}\r\n{}\r\n0\r\n\r\n",
            length - 2,
            " ".repeat(length - 2)
        )
    };
    let mut stream = connect(&emulator);
    stream.write_all(chunked(1 << 20).as_bytes()).unwrap();
    assert_eq!(read_answer(&mut stream).status, 200);
    let mut waiting = connect(&emulator);
    waiting
        .write_all(chunked((1 << 20) + 1).as_bytes())
        .unwrap();
    waiting
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let waited = waiting.read(&mut [0u8; 16]).map_err(|e| e.kind());
    assert_eq!(waited, Err(std::io::ErrorKind::WouldBlock));
    drop(holders);
}

#[test]
fn a_permit_is_given_back_after_each_large_body() {
    let emulator = Emulator::builder()
        .key(KEY)
        .request_timeout(Duration::from_secs(3))
        .start()
        .unwrap();
    // Three bodies of 1.5 MiB, one after the other: each takes one of the two permits
    // and gives it back.
    let body = format!("{{}}{}", " ".repeat(3 << 19));
    let request = format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n\
         Content-Length: {}\r\n\r\n{body}",
        body.len()
    );
    for _ in 0..3 {
        let mut stream = connect(&emulator);
        stream.write_all(request.as_bytes()).unwrap();
        assert_eq!(read_answer(&mut stream).status, 200);
    }
}
