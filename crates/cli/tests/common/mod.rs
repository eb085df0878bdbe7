//! What every test of the binary needs: running it with a controlled environment,
//! reading its output, writing a file of the run's own.

// Each test file uses its own part of this module.
#![allow(dead_code, clippy::panic, clippy::unwrap_used)]

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The binary under test.
pub(crate) const BIN: &str = env!("CARGO_BIN_EXE_gemini-token");

/// Runs the binary with exactly these key variables (none from the caller's
/// environment).
pub(crate) fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(BIN);
    command
        .args(args)
        .env_remove("GEMINI_API_KEY")
        .env_remove("GOOGLE_API_KEY");
    for (name, value) in env {
        command.env(name, value);
    }
    command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {BIN}: {e}"))
}

/// Output as text.
pub(crate) fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A file of this test run's own, with `contents`.
pub(crate) fn temp_file(contents: &[u8]) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!("gemini-token-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("file-{}", NEXT.fetch_add(1, Ordering::Relaxed)));
    std::fs::write(&path, contents).unwrap();
    path
}
