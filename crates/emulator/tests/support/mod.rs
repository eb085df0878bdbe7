//! What the socket-level tests share: raw requests, reading answers, the memory gauge.

#![allow(dead_code, clippy::panic, clippy::unwrap_used)]

use std::io::{ErrorKind, Read};
use std::net::TcpStream;

use serde_json::Value;

pub(crate) const KEY: &str = "emulator-test-key";

/// Generous: how long a test waits for something that should take a fraction of it.
pub(crate) const PATIENCE: std::time::Duration = std::time::Duration::from_secs(10);

/// A new connection to `emulator`, whose reads wait at most [`PATIENCE`].
pub(crate) fn connect(emulator: &gemini_token_emulator::Emulator) -> TcpStream {
    let stream = TcpStream::connect(emulator.addr()).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    stream
}

/// An answer as received.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {:?}", String::from_utf8_lossy(&self.body)))
    }

    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A mint request with `body`; `close` asks the server to close after answering.
pub(crate) fn mint_request(body: &str, close: bool) -> Vec<u8> {
    format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n\
         x-goog-api-key: {KEY}\r\nContent-Length: {}\r\n{}\r\n{body}",
        body.len(),
        if close { "Connection: close\r\n" } else { "" },
    )
    .into_bytes()
}

/// Parses a whole answer (head and body) received.
pub(crate) fn parse(received: &[u8]) -> Answer {
    let mut headers = [httparse::EMPTY_HEADER; 32];
    let mut response = httparse::Response::new(&mut headers);
    let httparse::Status::Complete(head) = response.parse(received).unwrap() else {
        panic!("incomplete head: {:?}", String::from_utf8_lossy(received));
    };
    Answer {
        status: response.code.unwrap(),
        headers: response
            .headers
            .iter()
            .map(|h| {
                (
                    h.name.to_owned(),
                    String::from_utf8_lossy(h.value).into_owned(),
                )
            })
            .collect(),
        body: received[head..].to_vec(),
    }
}

/// Reads one answer off a kept-alive connection, by its `Content-Length`.
pub(crate) fn read_answer(stream: &mut impl Read) -> Answer {
    let mut received = Vec::new();
    let mut chunk = [0u8; 4096];
    loop {
        if let Some(end) = received.windows(4).position(|w| w == b"\r\n\r\n") {
            let partial = parse(&received[..end + 4]);
            let length: usize = partial.header("content-length").unwrap().parse().unwrap();
            if received.len() >= end + 4 + length {
                return parse(&received[..end + 4 + length]);
            }
        }
        let n = stream.read(&mut chunk).unwrap();
        assert_ne!(
            n,
            0,
            "closed mid-answer: {:?}",
            String::from_utf8_lossy(&received)
        );
        received.extend_from_slice(&chunk[..n]);
    }
}

/// Whether the server closed `stream` (a read gives end of file) rather than keeping
/// it open with nothing to say (a non-blocking read would block).
pub(crate) fn closed_by_server(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut byte = [0u8; 1];
    let closed = match (&*stream).read(&mut byte) {
        Ok(0) => true,
        Ok(_) => panic!("unexpected bytes"),
        Err(e) if e.kind() == ErrorKind::WouldBlock => false,
        Err(e) if e.kind() == ErrorKind::ConnectionReset => true,
        Err(e) => panic!("{e}"),
    };
    stream.set_nonblocking(false).unwrap();
    closed
}

/// This process's resident memory, in KiB, where the system reports it (Linux).
pub(crate) fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.trim().strip_suffix("kB"))
        .and_then(|kib| kib.trim().parse().ok())
}
