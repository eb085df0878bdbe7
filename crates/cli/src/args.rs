//! The command line: subcommands and flags.

use std::ffi::OsString;
use std::path::PathBuf;

use time::OffsetDateTime;

use crate::Failure;

const HELP: &str = "\
gemini-token: mint Gemini API ephemeral tokens

Usage:
  gemini-token mint --dry-run [--config FILE] [--now TIME]
  gemini-token --help | --version

Commands:
  mint        Mint a token (for now only with --dry-run)

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

/// What to do.
#[derive(Debug)]
pub(crate) enum Command {
    Help(String),
    Version(String),
    Mint(MintArgs),
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
        Some(Value(command)) => Err(Failure::bad_input(format!(
            "unknown command `{}`; see `gemini-token --help`",
            command.to_string_lossy()
        ))),
        Some(other) => Err(bad(other.unexpected())),
    }
}
