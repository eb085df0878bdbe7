//! A thousand idle connections and two slow senders do not keep a normal client from
//! minting, and cost the emulator little memory. Alone in its file, so that the
//! memory is measured in a process where nothing else runs.

#![allow(clippy::panic, clippy::unwrap_used)]

mod support;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use gemini_token_emulator::Emulator;
use serde_json::json;
use support::{KEY, closed_by_server, mint_request, parse, rss_kib};

const IDLE: usize = 1000;

#[test]
fn a_thousand_idle_connections_and_two_slow_senders_do_not_stop_a_mint() {
    // Both ends of every connection are in this process.
    #[cfg(unix)]
    {
        let files = rlimit::increase_nofile_limit(4096).unwrap();
        assert!(
            files >= 2 * IDLE as u64 + 100,
            "the test needs {} open files; the hard limit is {files}",
            2 * IDLE + 100
        );
    }
    let emulator = Emulator::builder()
        .key(KEY)
        .request_timeout(Duration::from_secs(2))
        .start()
        .unwrap();
    let addr = emulator.addr();
    let before = rss_kib();

    let idle: Vec<TcpStream> = (0..IDLE)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();

    // A head that never ends, one byte every 100 ms.
    let trickle = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(100)))
            .unwrap();
        let head = b"POST /v1alpha/auth_tokens HTTP/1.1\r\nHost: x\r\nX-Slow: ";
        let mut bytes = head.iter().chain(std::iter::repeat(&b'a'));
        let started = Instant::now();
        let mut received = Vec::new();
        let mut chunk = [0u8; 1024];
        while started.elapsed() < Duration::from_secs(20) {
            // Once the answer starts, stop sending and read it to the end.
            if received.is_empty() {
                let byte = bytes.next().unwrap();
                if stream.write_all(&[*byte]).is_err() {
                    break;
                }
            }
            match stream.read(&mut chunk) {
                Ok(0) => break,
                Ok(n) => received.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(_) => break,
            }
        }
        (received, started.elapsed())
    });
    // A body announced as 1 MiB, of which one byte comes.
    let short = std::thread::spawn(move || {
        let mut stream = TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let started = Instant::now();
        stream
            .write_all(
                format!(
                    "POST /v1alpha/auth_tokens HTTP/1.1\r\nHost: x\r\nx-goog-api-key: {KEY}\r\n\
                     Content-Length: 1048576\r\n\r\n{{"
                )
                .as_bytes(),
            )
            .unwrap();
        let mut received = Vec::new();
        let read = stream.read_to_end(&mut received).map(|_| ());
        (read, received, started.elapsed())
    });

    let waiting = Instant::now();
    while emulator.open_connections() < IDLE + 2 {
        assert!(
            waiting.elapsed() < Duration::from_secs(20),
            "never accepted"
        );
        std::thread::sleep(Duration::from_millis(10));
    }

    let started = Instant::now();
    let mut client = TcpStream::connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    client.write_all(&mint_request("{}", true)).unwrap();
    let mut received = Vec::new();
    client.read_to_end(&mut received).unwrap();
    let took = started.elapsed();
    let answer = parse(&received);
    assert_eq!(answer.status, 200);
    let name = answer.json()["name"].as_str().unwrap().to_owned();
    assert_eq!(
        emulator
            .tokens()
            .iter()
            .map(|t| t.name.clone())
            .collect::<Vec<_>>(),
        [name]
    );
    assert!(took < Duration::from_secs(1), "the mint took {took:?}");

    if let (Some(before), Some(after)) = (before, rss_kib()) {
        let grown_mib = after.saturating_sub(before) / 1024;
        assert!(
            grown_mib < 64,
            "{grown_mib} MiB more resident memory with {} connections open",
            emulator.open_connections()
        );
    }

    // Both slow senders are answered 408 at the request deadline, and closed.
    let timed_out = json!({"error": {"code": 408, "status": "DEADLINE_EXCEEDED",
        "message": "The request did not arrive in full within 2s of its first byte."}});
    let (received, elapsed) = trickle.join().unwrap();
    let answer = parse(&received);
    assert_eq!(
        (answer.status, answer.header("connection"), answer.json()),
        (408, Some("close"), timed_out.clone())
    );
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");
    let (read, received, elapsed) = short.join().unwrap();
    assert_eq!(
        read.map_err(|e| e.kind()),
        Ok(()),
        "closed after the answer"
    );
    let answer = parse(&received);
    assert_eq!(
        (answer.status, answer.header("connection"), answer.json()),
        (408, Some("close"), timed_out)
    );
    assert!(elapsed >= Duration::from_secs(2), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(10), "{elapsed:?}");

    // The idle connections are untouched: their timeout is the default 30 s.
    assert_eq!(idle.iter().filter(|s| closed_by_server(s)).count(), 0);
    assert_eq!(emulator.connections(), IDLE as u64 + 3);
    assert_eq!(emulator.mint_requests(), 1);
}
