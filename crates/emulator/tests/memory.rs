//! A kept-alive connection does not keep the memory of the largest body it carried.
//! Alone in its file, so that the memory is measured in a process where nothing else
//! runs.

// Resident memory is read from /proc.
#![cfg(target_os = "linux")]
#![allow(clippy::panic, clippy::unwrap_used)]

mod support;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use gemini_token_emulator::Emulator;
use support::{KEY, read_answer, rss_kib};

const CONNECTIONS: usize = 200;
/// The largest body the emulator takes.
const BODY: usize = 1024 * 1024;

#[test]
fn idle_connections_let_go_of_large_bodies() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    let mut request = format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\nContent-Length: {BODY}\r\n\r\n"
    )
    .into_bytes();
    request.resize(request.len() + BODY, b'x');
    let before = rss_kib().unwrap();
    // One at a time, so that at most one body is in flight; each connection stays
    // open afterwards.
    let connections: Vec<TcpStream> = (0..CONNECTIONS)
        .map(|_| {
            let mut stream = TcpStream::connect(emulator.addr()).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            stream.write_all(&request).unwrap();
            // Not JSON: refused, after the whole body was read.
            assert_eq!(read_answer(&mut stream).status, 400);
            stream
        })
        .collect();
    let grown_mib = rss_kib().unwrap().saturating_sub(before) / 1024;
    assert!(
        grown_mib < 64,
        "{grown_mib} MiB more resident memory after {CONNECTIONS} bodies of 1 MiB"
    );
    assert_eq!(emulator.open_connections(), connections.len());
    assert_eq!(emulator.mint_requests(), CONNECTIONS);
}
