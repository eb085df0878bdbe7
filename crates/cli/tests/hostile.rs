//! Hostile inputs to the command: config files that are not configs, and every error
//! path run with a canary key that must show nowhere.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

mod common;

use std::process::Output;
use std::time::Duration;

use common::text;
use gemini_token_emulator::{Emulator, Fault};

const CANARY: &str = "AIzaSyCANARY-cli-hostile-0123456789";

/// Runs the binary with this key in `GEMINI_API_KEY`, or none.
fn run(args: &[&str], key: Option<&str>) -> Output {
    match key {
        Some(key) => common::run(args, &[("GEMINI_API_KEY", key)]),
        None => common::run(args, &[]),
    }
}

#[test]
fn hostile_config_files_get_one_line_and_exit_2() {
    let dir = std::env::temp_dir().join(format!("gemini-token-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let deep_object = format!("{}1{}", r#"{"a":"#.repeat(5000), "}".repeat(5000));
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "binary garbage",
            vec![0, 159, 146, 150, 255, 0, 1],
            "not valid JSON: expected value at line 1 column 1",
        ),
        (
            "truncated JSON",
            br#"{"uses": 1, "live_connect_constraints": {"model": "#.to_vec(),
            "not valid JSON: EOF while parsing",
        ),
        (
            "arrays nested thousands deep",
            format!("{}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            "not valid JSON: recursion limit exceeded",
        ),
        (
            "objects nested thousands deep",
            deep_object.into_bytes(),
            "not valid JSON: recursion limit exceeded",
        ),
        (
            "a number out of range",
            br#"{"uses": 1e400}"#.to_vec(),
            "not valid JSON: number out of range",
        ),
        (
            "uses beyond int32",
            br#"{"uses": 3000000000}"#.to_vec(),
            "uses: must be a whole number from 0 (unlimited) to 2147483647",
        ),
        (
            "top_k beyond int32",
            br#"{"live_connect_constraints": {"config": {"top_k": 1e12}}}"#.to_vec(),
            "live_connect_constraints.config.top_k: invalid value",
        ),
        (
            "NaN",
            br#"{"live_connect_constraints": {"config": {"temperature": NaN}}}"#.to_vec(),
            "not valid JSON: expected value",
        ),
        (
            "Infinity",
            br#"{"live_connect_constraints": {"config": {"temperature": Infinity}}}"#.to_vec(),
            "not valid JSON: expected value",
        ),
        (
            "an invalid escape",
            br#"{"live_connect_constraints": {"model": "a\qb"}}"#.to_vec(),
            "not valid JSON: invalid escape",
        ),
        (
            "a lone surrogate",
            br#"{"live_connect_constraints": {"model": "\ud800"}}"#.to_vec(),
            "not valid JSON: unexpected end of hex escape",
        ),
        (
            "a list",
            b"[1, 2]".to_vec(),
            "a token config is a JSON object, not a list",
        ),
        (
            "many megabytes",
            vec![b' '; 8 * 1024 * 1024],
            "larger than 1048576 bytes; a config is a small JSON object",
        ),
    ];
    for (name, contents, want) in cases {
        let path = dir.join(name.replace(' ', "-"));
        std::fs::write(&path, &contents).unwrap();
        let out = run(
            &["mint", "--dry-run", "--config", path.to_str().unwrap()],
            None,
        );
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(stderr.contains(want), "{name}: want {want:?} in {stderr:?}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}");
    }
    for (path, want) in [
        ("/dev/zero", "config file /dev/zero: not a regular file"),
        ("/", "config file /: not a regular file"),
    ] {
        let out = run(&["mint", "--dry-run", "--config", path], None);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(text(&out.stderr), format!("gemini-token: {want}\n"));
    }
}

#[test]
fn no_error_path_shows_the_key() {
    let faults = [
        Fault::unavailable(),
        Fault::quota_exceeded(Some("57s")),
        Fault::Html,
        Fault::Reset,
        Fault::Truncate,
        Fault::Oversized(2 * 1024 * 1024),
        Fault::Delay(Duration::from_secs(5)),
        Fault::Drip(Duration::from_millis(200)),
        Fault::json(
            400,
            format!(
                r#"{{"error":{{"code":400,"message":"echo {CANARY}","status":"INVALID_ARGUMENT"}}}}"#
            ),
        ),
        Fault::Status {
            status: 500,
            body: format!("<p>echo {CANARY}</p>"),
            content_type: "text/html".into(),
        },
    ];
    let mut paths = 0;
    for fault in faults {
        let emulator = Emulator::builder()
            .key(CANARY)
            .fault(fault.clone())
            .start()
            .unwrap();
        let out = run(
            &[
                "mint",
                "--base-url",
                emulator.base_url(),
                "--retries",
                "0",
                "--timeout",
                "300ms",
            ],
            Some(CANARY),
        );
        let shown = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert_ne!(out.status.code(), Some(0), "{fault:?}: {shown}");
        assert!(!shown.contains(CANARY), "{fault:?}: {shown}");
        paths += 1;
    }
    // A wrong key, an unreachable service, and a key file that is not one.
    let emulator = Emulator::start().unwrap();
    let out = run(&["mint", "--base-url", emulator.base_url()], Some(CANARY));
    assert_eq!(out.status.code(), Some(3));
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let closed = format!("http://127.0.0.1:{port}");
    let unreachable = run(
        &["mint", "--base-url", &closed, "--retries", "0"],
        Some(CANARY),
    );
    assert_eq!(unreachable.status.code(), Some(4));
    let dir = std::env::temp_dir().join(format!("gemini-token-canary-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key_file = dir.join("key");
    std::fs::write(&key_file, format!("{CANARY} with a space")).unwrap();
    let bad_file = run(
        &["mint", "--api-key-file", key_file.to_str().unwrap()],
        None,
    );
    assert_eq!(bad_file.status.code(), Some(2));
    for out in [out, unreachable, bad_file] {
        let shown = format!("{}{}", text(&out.stdout), text(&out.stderr));
        assert!(!shown.contains(CANARY), "{shown}");
        paths += 1;
    }
    assert_eq!(paths, 13);
}

#[test]
fn a_config_file_does_not_choose_where_the_key_goes() {
    // An emulator stands where the file points: nothing may reach it.
    let emulator = Emulator::start().unwrap();
    let file = common::temp_file(
        format!(
            r#"{{"uses": 1, "http_options": {{"base_url": "{}"}}}}"#,
            emulator.base_url()
        )
        .as_bytes(),
    );
    let path = file.to_str().unwrap();
    for args in [
        vec!["mint", "--config", path],
        vec!["mint", "--config", path, "--dry-run"],
        vec!["mint", "--config", path, "--emulator"],
    ] {
        let out = run(&args, Some(CANARY));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            text(&out.stderr),
            format!(
                "gemini-token: config file {path}: http_options.base_url: a config file may not \
                 choose where the API key is sent; pass --base-url instead\n"
            ),
            "{args:?}"
        );
    }
    assert_eq!(emulator.mint_requests(), 0);
}

#[test]
fn ca_cert_files_that_are_not_ca_bundles_are_refused() {
    let emulator = Emulator::start().unwrap();
    let not_pem = common::temp_file(b"not a certificate");
    let dir = std::env::temp_dir();
    for (file, why) in [
        (
            not_pem.to_str().unwrap(),
            "invalid config: root_certificates: holds no PEM certificate: give CA certificates \
             as `-----BEGIN CERTIFICATE-----` blocks",
        ),
        (dir.to_str().unwrap(), "--ca-cert"),
    ] {
        let out = run(
            &["mint", "--base-url", emulator.base_url(), "--ca-cert", file],
            Some(CANARY),
        );
        assert_eq!(out.status.code(), Some(2), "{file}");
        assert!(text(&out.stderr).contains(why), "{}", text(&out.stderr));
    }
    assert_eq!(emulator.mint_requests(), 0);
}
