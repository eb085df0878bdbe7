//! `gemini-token`: mint Gemini API ephemeral tokens from the command line.
//!
//! `gemini-token mint` mints a token (or, with `--dry-run`, prints the exact request);
//! `gemini-token explain` says what a token's clients may change;
//! `gemini-token emulator` runs a local emulator of the token service. See
//! `gemini-token --help`.

#![forbid(unsafe_code)]

mod args;
mod config_file;
mod dry_run;
mod emulator;
mod explain;
mod mint;
mod output;

use std::io::Write as _;
use std::process::ExitCode;

use args::Command;

/// Exit code for bad input: a bad flag, a config that cannot be sent.
const EXIT_BAD_INPUT: u8 = 2;

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => {
            // One line a person can act on; nothing else on stderr.
            let _ = writeln!(std::io::stderr(), "gemini-token: {}", failure.message);
            ExitCode::from(failure.code)
        }
    }
}

/// Why the command failed, and with which exit code.
#[derive(Debug)]
struct Failure {
    message: String,
    code: u8,
}

impl Failure {
    fn bad_input(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
            code: EXIT_BAD_INPUT,
        }
    }
}

fn run() -> Result<(), Failure> {
    let mut stdout = std::io::stdout().lock();
    let output = match args::parse(std::env::args_os().skip(1))? {
        Command::Help(text) | Command::Version(text) => text,
        Command::Emulator(args) => {
            emulator::run(args, &mut stdout)?;
            return Ok(());
        }
        Command::Mint(args) => mint::run(*args)?,
        Command::Explain(args) => explain::run(*args)?,
    };
    stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure {
            message: format!("cannot write to stdout: {e}"),
            code: 1,
        })
}
