//! Bodies larger than a connection holds on its own (1 MiB, up to the 20 MiB the
//! emulator takes) wait for one of two permits, so that many clients sending large
//! bodies at once do not take the memory of all their bodies. Alone in its file, so
//! that the memory is measured in a process where nothing else runs.

// Resident memory is read from /proc.
#![cfg(target_os = "linux")]
#![allow(clippy::panic, clippy::unwrap_used)]

mod support;

use std::io::Write;
use std::net::TcpStream;
use std::time::Duration;

use gemini_token_emulator::Emulator;
use support::{KEY, read_answer, rss_kib};

const CLIENTS: usize = 24;
const BODY: usize = 8 * 1024 * 1024;

#[test]
fn many_large_bodies_at_once_take_the_memory_of_two() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    let mut request = format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\nContent-Length: {BODY}\r\n\r\n"
    )
    .into_bytes();
    // Valid JSON, refused for its content only after the whole body was read.
    request.push(b'"');
    request.resize(request.len() + BODY - 2, b'x');
    request.push(b'"');
    let request = std::sync::Arc::new(request);
    let before = rss_kib().unwrap();
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let request = std::sync::Arc::clone(&request);
            let addr = emulator.addr();
            std::thread::spawn(move || {
                let mut stream = TcpStream::connect(addr).unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(30)))
                    .unwrap();
                stream.write_all(&request).unwrap();
                let answer = read_answer(&mut stream);
                (answer.status, answer.json()["error"]["message"].clone())
            })
        })
        .collect();
    for client in clients {
        assert_eq!(
            client.join().unwrap(),
            (
                400,
                "Invalid JSON payload received. Unknown name \"\": Root element must be a message."
                    .into()
            )
        );
    }
    let grown_mib = rss_kib().unwrap().saturating_sub(before) / 1024;
    // Unbounded, the bodies alone would take 192 MiB.
    assert!(
        grown_mib < 48,
        "{grown_mib} MiB more resident memory after {CLIENTS} bodies of 8 MiB at once"
    );
    assert_eq!(emulator.mint_requests(), CLIENTS);
}
