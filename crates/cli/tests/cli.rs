//! The `gemini-token` binary, run as a user runs it.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

mod common;

use std::process::{Command, Output};

use common::{BIN, temp_file, text};
use gemini_token_conformance::{check_every_vector, error_problems, request_problems};

/// Runs the binary with no API key in its environment.
fn run(args: &[&str]) -> Output {
    common::run(args, &[])
}

#[test]
fn every_vector_through_the_binary() {
    let checked = check_every_vector(|vector| {
        let mut args = vec!["mint", "--dry-run"];
        let path;
        if !vector.config.is_null() {
            path = temp_file(&serde_json::to_vec(&vector.config).unwrap_or_default());
            args.extend(["--config", path.to_str().unwrap_or_default()]);
        }
        args.extend(["--now", &vector.now]);
        let out = run(&args);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        let code = out.status.code();
        match (&vector.expect.body, &vector.expect.error) {
            (Some(_), _) if code == Some(0) => {
                let request: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
                let url = request["url"].as_str().unwrap_or_default();
                let mut problems = request_problems(vector, url, &request["body"]);
                if request["method"] != "POST" {
                    problems.push(format!("method {}", request["method"]));
                }
                if request["headers"]["x-goog-api-key"] != "[redacted]" {
                    problems.push(format!(
                        "key header {}",
                        request["headers"]["x-goog-api-key"]
                    ));
                }
                if request["headers"]["content-type"] != "application/json" {
                    problems.push(format!(
                        "content-type {}",
                        request["headers"]["content-type"]
                    ));
                }
                problems
            }
            (Some(_), _) => vec![format!("exit {code:?}: {stderr}")],
            (None, Some(want)) => {
                let mut problems = error_problems(want, &stderr);
                if code != Some(2) {
                    problems.push(format!("exit {code:?}, want 2"));
                }
                if stderr.contains("panicked") || stderr.lines().count() != 1 || !stdout.is_empty()
                {
                    problems.push(format!(
                        "want one line on stderr and nothing on stdout: {stderr:?} {stdout:?}"
                    ));
                }
                problems
            }
            (None, None) => vec!["vector has no expectation".to_owned()],
        }
    });
    assert_eq!(checked, 104);
}

#[test]
fn dry_run_prints_the_whole_request() {
    let config = temp_file(br#"{"uses": 2, "http_options": {"headers": {"x-trace": "t1"}}}"#);
    let out = run(&[
        "mint",
        "--dry-run",
        "--config",
        config.to_str().unwrap_or_default(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "{{\"method\":\"POST\",\"url\":\"https://generativelanguage.googleapis.com/v1alpha/auth_tokens\",\
             \"headers\":{{\"content-type\":\"application/json\",\"user-agent\":\"gemini-token/{}\",\
             \"x-goog-api-key\":\"[redacted]\",\"x-trace\":\"t1\"}},\"body\":{{\"uses\":2}}}}\n",
            env!("CARGO_PKG_VERSION")
        )
    );
}

#[test]
fn bad_input_is_one_line_and_exit_2() {
    let dir = std::env::temp_dir();
    let cases: Vec<(Vec<String>, String)> = vec![
        (
            vec!["mint".into(), "--dry-run".into(), "--bogus".into()],
            "unknown option --bogus".into(),
        ),
        (
            vec!["frobnicate".into()],
            "unknown command `frobnicate`".into(),
        ),
        (
            vec![
                "mint".into(),
                "--dry-run".into(),
                "--now".into(),
                "yesterday".into(),
            ],
            "--now: `yesterday` is not".into(),
        ),
        (
            vec![
                "mint".into(),
                "--dry-run".into(),
                "--config".into(),
                dir.display().to_string(),
            ],
            format!("config file {}: not a regular file", dir.display()),
        ),
        (
            vec![
                "mint".into(),
                "--dry-run".into(),
                "--config".into(),
                "/nonexistent/config.json".into(),
            ],
            "config file /nonexistent/config.json: cannot open it".into(),
        ),
        (
            vec!["mint".into()],
            "no API key: set GOOGLE_API_KEY or GEMINI_API_KEY, pass --api-key-file, or try --emulator".into(),
        ),
    ];
    for (args, want) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = run(&args);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with("gemini-token: "), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&want),
            "{args:?}: want {want:?} in {stderr:?}"
        );
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn config_files_are_bounded_and_must_be_json() {
    let big = temp_file(&vec![b' '; 1024 * 1024 + 1]);
    let out = run(&[
        "mint",
        "--dry-run",
        "--config",
        big.to_str().unwrap_or_default(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).ends_with("larger than 1048576 bytes; a config is a small JSON object\n")
    );

    let garbage = temp_file(b"\xff\xfe{not json");
    let out = run(&[
        "mint",
        "--dry-run",
        "--config",
        garbage.to_str().unwrap_or_default(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains(": not valid JSON: expected value at line 1 column 1"),
        "{}",
        text(&out.stderr)
    );

    let deep = temp_file(format!("{}{}", "[".repeat(5000), "]".repeat(5000)).as_bytes());
    let out = run(&[
        "mint",
        "--dry-run",
        "--config",
        deep.to_str().unwrap_or_default(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("recursion limit exceeded"),
        "{}",
        text(&out.stderr)
    );
}

#[test]
fn help_and_version() {
    let out = run(&["--help"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text(&out.stdout).starts_with("gemini-token: mint Gemini API ephemeral tokens\n\nUsage:\n")
    );
    let out = run(&["mint", "--help"]);
    assert!(text(&out.stdout).contains("--dry-run"));
    let out = run(&["--version"]);
    assert_eq!(
        text(&out.stdout),
        format!("gemini-token {}\n", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn emulator_serves_until_interrupted() {
    use std::io::{BufRead, BufReader, Read, Write};

    let mut child = Command::new(BIN)
        .args(["emulator", "--key", "cli-test-key", "--fault", "status=503"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    while printed.len() < 7 {
        printed.push(lines.next().unwrap().unwrap());
    }
    assert_eq!(
        printed[0],
        "gemini-token emulator: a local emulator of the token service, not Google's"
    );
    let base = printed[1]
        .strip_prefix("base URL: http://")
        .unwrap()
        .to_owned();
    assert_eq!(printed[2], "API key:  cli-test-key");
    assert_eq!(
        printed[3],
        format!("minted:   http://{base}/emulator/tokens")
    );
    assert_eq!(
        printed[4],
        format!(
            "Live API: ws://{base}/ws/google.ai.generativelanguage.v1alpha.GenerativeService.\
             BidiGenerateContentConstrained"
        )
    );
    assert_eq!(
        printed[5],
        format!("sessions: http://{base}/emulator/sessions")
    );
    assert_eq!(printed[6], "Ctrl-C stops it.");

    let mut stream = std::net::TcpStream::connect(&base).unwrap();
    stream
        .write_all(
            b"POST /v1alpha/auth_tokens HTTP/1.1\r\nHost: x\r\nx-goog-api-key: cli-test-key\r\n\
              Content-Length: 2\r\nConnection: close\r\n\r\n{}",
        )
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(
        answer.starts_with("HTTP/1.1 503 Service Unavailable\r\n"),
        "{answer}"
    );

    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
    assert_eq!(
        lines.next().unwrap().unwrap(),
        "stopped after minting 0 token(s)"
    );
    assert!(lines.next().is_none());
}

#[test]
fn an_https_emulator_is_minted_from_with_its_ca_certificate() {
    use std::io::{BufRead, BufReader};

    let mut child = Command::new(BIN)
        .args(["emulator", "--key", "cli-tls-key", "--tls"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    while printed.len() < 8 {
        printed.push(lines.next().unwrap().unwrap());
    }
    let base = printed[1].strip_prefix("base URL: ").unwrap().to_owned();
    assert!(base.starts_with("https://127.0.0.1:"), "{base}");
    let ca = printed[2]
        .strip_prefix("CA certificate: ")
        .unwrap()
        .to_owned();
    assert!(
        std::fs::read_to_string(&ca)
            .unwrap()
            .starts_with("-----BEGIN CERTIFICATE-----"),
        "{ca}"
    );
    assert_eq!(printed[3], "API key:  cli-tls-key");
    assert_eq!(printed[4], format!("minted:   {base}/emulator/tokens"));

    let key = [("GEMINI_API_KEY", "cli-tls-key")];
    let minted = common::run(
        &["mint", "--base-url", &base, "--ca-cert", &ca, "--json"],
        &key,
    );
    assert_eq!(minted.status.code(), Some(0), "{}", text(&minted.stderr));
    let token: serde_json::Value = serde_json::from_slice(&minted.stdout).unwrap();
    assert!(token["token"].as_str().unwrap().starts_with("auth_tokens/"));
    // Without the CA the handshake fails: a network error, and nothing minted.
    let refused = common::run(&["mint", "--base-url", &base, "--retries", "0"], &key);
    assert_eq!(refused.status.code(), Some(4), "{}", text(&refused.stderr));
    assert!(
        text(&refused.stderr).starts_with("gemini-token: network error: "),
        "{}",
        text(&refused.stderr)
    );

    let interrupted = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(interrupted.success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert_eq!(
        lines.next().unwrap().unwrap(),
        "stopped after minting 1 token(s)"
    );
    // The CA file belonged to that run.
    assert!(!std::path::Path::new(&ca).exists());
}

#[test]
fn emulator_flags_are_checked() {
    for (args, want) in [
        (
            vec!["emulator", "--fault", "explode"],
            "--fault: `explode` is not a fault",
        ),
        (
            vec!["emulator", "--port", "70000"],
            "--port: `70000` is not a port (0 to 65535)",
        ),
        (
            vec!["emulator", "--key", ""],
            "--key: a key is visible ASCII, not empty",
        ),
    ] {
        let out = run(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            text(&out.stderr).contains(want),
            "{args:?}: {}",
            text(&out.stderr)
        );
    }
}
