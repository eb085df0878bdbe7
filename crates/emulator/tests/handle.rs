//! The `Emulator` handle and its builder: what they show, which keys they hold, and
//! the address asked for.

#![allow(clippy::unwrap_used)]

use std::io::Write;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};

use gemini_token_emulator::Emulator;

use crate::support::{KEY, read_answer};

#[test]
fn its_debug_shows_the_url_and_never_a_key() {
    let emulator = Emulator::builder().key("a-secret-key").start().unwrap();
    assert_eq!(
        format!("{emulator:?}"),
        format!(
            "Emulator {{ base_url: \"http://{}\", keys: \"[redacted]\", .. }}",
            emulator.addr()
        )
    );
}

#[test]
fn the_builders_debug_counts_the_keys_and_shows_the_settings() {
    let builder = Emulator::builder()
        .key("a-secret-key")
        .key("another")
        .port(0);
    assert_eq!(
        format!("{builder:?}"),
        "EmulatorBuilder { addr: 127.0.0.1:0, keys: 2, fixed_clock: false, faults: [], \
         random: None, keep_tokens: true, limits: Limits { idle_timeout: 30s, \
         request_timeout: 10s, max_connections: 1024 }, tls: false }"
    );
}

#[test]
fn keys_are_the_ones_given_in_order() {
    let emulator = Emulator::builder()
        .key("first")
        .key("second")
        .start()
        .unwrap();
    assert_eq!(emulator.key(), "first");
    assert_eq!(emulator.keys(), ["first".to_owned(), "second".to_owned()]);
}

#[test]
fn without_a_key_one_random_key_is_made_and_accepted() {
    let emulator = Emulator::start().unwrap();
    let key = emulator.key().to_owned();
    assert_eq!(emulator.keys(), std::slice::from_ref(&key));
    let random = key.strip_prefix("emulator-").unwrap();
    assert_eq!(random.len(), 32, "{random}");
    assert!(random.bytes().all(|b| b.is_ascii_hexdigit()), "{random}");
    assert_ne!(Emulator::start().unwrap().key(), key);
    assert_eq!(mint(&emulator, &key), 200);
    assert_eq!(mint(&emulator, KEY), 400);
}

#[test]
fn it_listens_on_the_port_and_address_asked_for() {
    // A port the OS has just given out and taken back is free for a moment.
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let emulator = Emulator::builder().key(KEY).port(port).start().unwrap();
    assert_eq!(
        emulator.addr(),
        SocketAddr::from((Ipv4Addr::LOCALHOST, port))
    );
    assert_eq!(emulator.base_url(), format!("http://127.0.0.1:{port}"));
    assert_eq!(mint(&emulator, KEY), 200);
    drop(emulator);

    let other = Ipv4Addr::new(127, 0, 0, 2);
    let emulator = Emulator::builder()
        .key(KEY)
        .addr((other, 0).into())
        .start()
        .unwrap();
    assert_eq!(emulator.addr().ip(), other);
    assert_ne!(emulator.addr().port(), 0);
    assert_eq!(mint(&emulator, KEY), 200);
}

/// Mints with `key` over a new connection; the answer's status.
fn mint(emulator: &Emulator, key: &str) -> u16 {
    let mut stream = TcpStream::connect(emulator.addr()).unwrap();
    let request = format!(
        "POST /v1alpha/auth_tokens HTTP/1.1\r\nHost: x\r\nx-goog-api-key: {key}\r\n\
         Content-Length: 2\r\nConnection: close\r\n\r\n{{}}"
    );
    stream.write_all(request.as_bytes()).unwrap();
    read_answer(&mut stream).status
}

#[test]
fn a_minted_tokens_debug_shows_every_field_but_its_name() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    assert_eq!(mint(&emulator, KEY), 200);
    let token = emulator.tokens().pop().unwrap();
    assert!(token.name.starts_with("auth_tokens/"));
    assert_eq!(
        format!("{token:?}"),
        format!(
            "MintedToken {{ name: \"[redacted]\", uses: 1, expire_time: {:?}, \
             new_session_expire_time: {:?}, bidi_generate_content_setup: None, \
             field_mask: None, api_version: \"v1alpha\", minted_at: {:?} }}",
            token.expire_time, token.new_session_expire_time, token.minted_at
        )
    );
}
