//! The command line: subcommands and flags.

use std::ffi::OsString;
use std::path::PathBuf;

use time::OffsetDateTime;

use crate::Failure;

const HELP: &str = "\
gemini-token: mint Gemini API ephemeral tokens

Usage:
  gemini-token mint --dry-run [--config FILE] [--now TIME]
  gemini-token emulator [--port N] [--key KEY]... [--fault SPEC]...
  gemini-token --help | --version

Commands:
  mint        Mint a token (for now only with --dry-run)
  emulator    Run a local emulator of the token service until Ctrl-C

Exit codes: 0 ok, 2 bad input.
";

const MINT_HELP: &str = "\
gemini-token mint: mint an ephemeral token

Usage:
  gemini-token mint --dry-run [--config FILE] [--now TIME]

Options:
  --dry-run        Print the exact request as JSON {method, url, headers, body},
                   the API key redacted, and send nothing. Needs no key.
  --config FILE    A CreateAuthTokenConfig as JSON, with snake_case or camelCase
                   keys, as the official SDKs take it (http_options included).
                   Without it, the config is empty: the service's defaults.
  --now TIME       The clock, as an RFC 3339 time (2026-01-01T00:00:00.5Z); every
                   time rule is checked against it. Default: the system clock.
  -h, --help       Show this help.
";

const EMULATOR_HELP: &str = "\
gemini-token emulator: a local emulator of the token service

Usage:
  gemini-token emulator [--port N] [--key KEY]... [--fault SPEC]...

Answers POST /v1alpha/auth_tokens (and /v1beta) on 127.0.0.1 as the service does,
lists what it minted at GET /emulator/tokens, and stops on Ctrl-C.

Options:
  --port N         The port (default: one the OS picks).
  --key KEY        A key to accept; repeat for more (default: one random key).
                   The key is printed: use the emulator only with test keys.
  --fault SPEC     Fail the next request, in order; repeat for more:
                   status=CODE, quota[=57s], delay=2s, drip=50ms, reset,
                   truncate, html, oversized=BYTES.
  -h, --help       Show this help.
";

/// What to do.
#[derive(Debug)]
pub(crate) enum Command {
    Help(String),
    Version(String),
    Mint(MintArgs),
    Emulator(EmulatorArgs),
}

/// The flags of `emulator`.
#[derive(Debug, Default)]
pub(crate) struct EmulatorArgs {
    pub(crate) port: u16,
    pub(crate) keys: Vec<String>,
    pub(crate) faults: Vec<gemini_token_emulator::Fault>,
}

/// The flags of `mint`.
#[derive(Debug, Default)]
pub(crate) struct MintArgs {
    pub(crate) dry_run: bool,
    pub(crate) config: Option<PathBuf>,
    pub(crate) now: Option<OffsetDateTime>,
}

pub(crate) fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, Failure> {
    use lexopt::prelude::*;

    let mut parser = lexopt::Parser::from_args(args);
    let bad = |e: lexopt::Error| Failure::bad_input(format!("{e}; see `gemini-token --help`"));
    match parser.next().map_err(bad)? {
        Some(Long("help") | Short('h')) | None => Ok(Command::Help(HELP.to_owned())),
        Some(Long("version") | Short('V')) => Ok(Command::Version(format!(
            "gemini-token {}\n",
            env!("CARGO_PKG_VERSION")
        ))),
        Some(Value(command)) if command == "mint" => {
            let mut mint = MintArgs::default();
            while let Some(arg) = parser.next().map_err(bad)? {
                match arg {
                    Long("dry-run") => mint.dry_run = true,
                    Long("config") => mint.config = Some(parser.value().map_err(bad)?.into()),
                    Long("now") => {
                        let text = parser.value().map_err(bad)?.string().map_err(bad)?;
                        let now = gemini_token_core::timestamp::parse_rfc3339(&text)
                            .map_err(|e| Failure::bad_input(format!("--now: {e}")))?;
                        mint.now = Some(now);
                    }
                    Long("help") | Short('h') => return Ok(Command::Help(MINT_HELP.to_owned())),
                    other => {
                        return Err(bad(other.unexpected()));
                    }
                }
            }
            Ok(Command::Mint(mint))
        }
        Some(Value(command)) if command == "emulator" => {
            let mut emulator = EmulatorArgs::default();
            while let Some(arg) = parser.next().map_err(bad)? {
                match arg {
                    Long("port") => {
                        let text = parser.value().map_err(bad)?.string().map_err(bad)?;
                        emulator.port = text.parse().map_err(|_| {
                            Failure::bad_input(format!(
                                "--port: `{text}` is not a port (0 to 65535)"
                            ))
                        })?;
                    }
                    Long("key") => {
                        let key = parser.value().map_err(bad)?.string().map_err(bad)?;
                        if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) {
                            return Err(Failure::bad_input(
                                "--key: a key is visible ASCII, not empty",
                            ));
                        }
                        emulator.keys.push(key);
                    }
                    Long("fault") => {
                        let spec = parser.value().map_err(bad)?.string().map_err(bad)?;
                        let fault = gemini_token_emulator::Fault::parse(&spec)
                            .map_err(|e| Failure::bad_input(format!("--fault: {e}")))?;
                        emulator.faults.push(fault);
                    }
                    Long("help") | Short('h') => {
                        return Ok(Command::Help(EMULATOR_HELP.to_owned()));
                    }
                    other => return Err(bad(other.unexpected())),
                }
            }
            Ok(Command::Emulator(emulator))
        }
        Some(Value(command)) => Err(Failure::bad_input(format!(
            "unknown command `{}`; see `gemini-token --help`",
            command.to_string_lossy()
        ))),
        Some(other) => Err(bad(other.unexpected())),
    }
}
