//! The command line: subcommands and flags.

use std::ffi::OsString;
use std::path::PathBuf;

use gemini_token_core::setup::Modality;
use gemini_token_core::{Lock, TokenTime};
use time::OffsetDateTime;

use crate::Failure;

const HELP: &str = "\
gemini-token: mint Gemini API ephemeral tokens

Usage:
  gemini-token mint [OPTIONS]          mint a token (see `gemini-token mint --help`)
  gemini-token mint --emulator         mint from a local emulator: no key needed
  gemini-token explain [OPTIONS]       what a token's clients may change, and traps
  gemini-token emulator [OPTIONS]      run a local emulator of the token service
  gemini-token --help | --version

Exit codes:
  0  the token was minted (or the dry run printed)
  2  bad input: a flag, the config, the key file, no key
  3  the API answered with an error (a wrong key, a refused config, quota)
  4  the API could not be reached, or its answer could not be read
  5  the API did not answer in time
  1  anything else (stdout closed, the emulator could not start)
";

const MINT_HELP: &str = "\
gemini-token mint: mint an ephemeral token

Usage:
  gemini-token mint [OPTIONS]

The key comes from GOOGLE_API_KEY, else GEMINI_API_KEY, or --api-key-file. There is
no --api-key flag: it would show in the process list.

Token:
  --uses N                 Sessions it may start; 0 is unlimited (service default 1)
  --expire-in DURATION     Expires this long from now, e.g. 30m (default 30m)
  --expire-at TIME         Expires at this RFC 3339 time
  --new-session-in DUR     Starts no session after this long, e.g. 1m (default 60s)
  --new-session-at TIME    Starts no session after this RFC 3339 time
  --model NAME             The model, e.g. gemini-live-2.5-flash-preview
  --system-instruction T   The system instruction
  --temperature X          The sampling temperature
  --response-modality M    AUDIO or TEXT (comma-separated for more)
  --voice NAME             A prebuilt voice, e.g. Kore
  --lock-all               Lock the whole setup (the default)
  --lock-set               Lock only the fields set; the client may change the rest
  --lock FIELD,...         Lock the fields set and these (snake_case or camelCase)
  --config FILE            A CreateAuthTokenConfig as JSON (snake_case or camelCase
                           keys, as the official SDKs take it); flags override it

Where:
  --base-url URL           The service (default https://generativelanguage.googleapis.com)
  --api-version V          v1alpha (default) or v1beta
  --api-key-file FILE      Read the key from FILE instead of the environment
  --ca-cert FILE           Trust only the CA certificates in FILE (PEM) for HTTPS:
                           an emulator's (`gemini-token emulator --tls`) or a
                           TLS-inspecting proxy's
  --timeout DURATION       Time for one attempt, e.g. 5s (default 15s)
  --retries N              Retries of transient failures (default 2; 0 for none)
  --emulator               Start a local emulator and mint from it (no key needed;
                           the token works only with that emulator)

Output:
  (default)                The token, when it expires, and its Live API URL
  --json                   One JSON object: token, expireTime, newSessionExpireTime,
                           uses, liveUrl
  --dry-run                Print the exact request as JSON {method, url, headers,
                           body}, the key redacted, and send nothing (no key needed)
  --curl                   Print an equivalent curl command that reads the key from
                           the environment; send nothing
  --now TIME               With --dry-run or --curl: the clock, RFC 3339
  -h, --help               Show this help.
";

const EXPLAIN_HELP: &str = "\
gemini-token explain: what a token's clients may change, and the traps in its config

Usage:
  gemini-token explain [--config FILE] [TOKEN FLAGS] [--client-setup FILE] [--json]

Reads the token's constraints as `gemini-token mint` does (--config and the token
flags of `gemini-token mint --help`; nothing is sent, no key is needed) and prints
which setup fields are locked and which the client may change, and warnings for
known traps: the client's setup ignored, session resumption locked off, a model,
modality or voice the client cannot change, a lock that pins a field to its default.

Options:
  --client-setup FILE   A client's `setup` message (JSON, the API's lowerCamel names;
                        `{\"setup\": {...}}` too): also print the setup a session would
                        run with
  --json                One JSON object instead of text
  -h, --help            Show this help.
";

const EMULATOR_HELP: &str = "\
gemini-token emulator: a local emulator of the token service

Usage:
  gemini-token emulator [--port N] [--key KEY]... [--fault SPEC]... [--tls]

Answers POST /v1alpha/auth_tokens (and /v1beta) on 127.0.0.1 as the service does,
serves the Live API's WebSocket for the tokens it mints (uses, expiry and locks
enforced), lists what it minted at GET /emulator/tokens and the Live sessions at
GET /emulator/sessions, and stops on Ctrl-C.

Options:
  --port N         The port (default: one the OS picks).
  --tls            Serve HTTPS, with a certificate for 127.0.0.1 and localhost made
                   at start; its CA is written to a PEM file whose path is printed
                   (give it to `gemini-token mint --ca-cert`).
  --key KEY        A key to accept; repeat for more (default: one random key).
                   The key is printed: use the emulator only with test keys.
  --fault SPEC     Fail the next request, in order; repeat for more:
                   status=CODE, quota[=57s], delay=2s, drip=50ms, reset,
                   truncate, html, oversized=BYTES; and for the next Live
                   session: live-goaway=10s, live-close=CODE[:REASON],
                   live-drop.
  -h, --help       Show this help.
";

/// What to do.
#[derive(Debug)]
pub(crate) enum Command {
    Help(String),
    Version(String),
    Mint(Box<MintArgs>),
    Explain(Box<MintArgs>),
    Emulator(EmulatorArgs),
}

/// The flags of `emulator`.
#[derive(Debug, Default)]
pub(crate) struct EmulatorArgs {
    pub(crate) port: u16,
    pub(crate) keys: Vec<String>,
    pub(crate) faults: Vec<gemini_token_emulator::Fault>,
    pub(crate) tls: bool,
}

/// What `mint` prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Output {
    /// The token and its times, for a person.
    #[default]
    Human,
    /// One JSON object, for scripts.
    Json,
    /// The request, sent nowhere.
    DryRun,
    /// An equivalent curl command.
    Curl,
}

/// The token settings given as flags; each overrides the config file.
#[derive(Debug, Default)]
pub(crate) struct Overrides {
    pub(crate) uses: Option<u32>,
    pub(crate) expire: Option<TokenTime>,
    pub(crate) new_session: Option<TokenTime>,
    pub(crate) model: Option<String>,
    pub(crate) system_instruction: Option<String>,
    pub(crate) temperature: Option<f64>,
    pub(crate) response_modalities: Option<Vec<Modality>>,
    pub(crate) voice: Option<String>,
    pub(crate) lock: Option<Lock>,
}

/// The flags of `mint`.
#[derive(Debug, Default)]
pub(crate) struct MintArgs {
    pub(crate) output: Output,
    pub(crate) config: Option<PathBuf>,
    pub(crate) now: Option<OffsetDateTime>,
    pub(crate) overrides: Overrides,
    pub(crate) base_url: Option<String>,
    pub(crate) api_version: Option<String>,
    pub(crate) api_key_file: Option<PathBuf>,
    pub(crate) ca_cert: Option<PathBuf>,
    pub(crate) timeout: Option<std::time::Duration>,
    pub(crate) retries: Option<u32>,
    pub(crate) emulator: bool,
    /// `explain` only: the client's setup.
    pub(crate) client_setup: Option<PathBuf>,
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
        Some(Value(command)) if command == "mint" => parse_mint(&mut parser, Sub::Mint),
        Some(Value(command)) if command == "explain" => parse_mint(&mut parser, Sub::Explain),
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
                    Long("tls") => emulator.tls = true,
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

/// The subcommands that read a token's constraints from flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sub {
    Mint,
    Explain,
}

/// Flags of `mint` that only sending needs: `explain` refuses them.
const SENDING_FLAGS: [&str; 10] = [
    "dry-run",
    "curl",
    "emulator",
    "api-key-file",
    "ca-cert",
    "base-url",
    "api-version",
    "timeout",
    "retries",
    "now",
];

fn parse_mint(parser: &mut lexopt::Parser, sub: Sub) -> Result<Command, Failure> {
    use lexopt::prelude::*;

    let name_of = match sub {
        Sub::Mint => "mint",
        Sub::Explain => "explain",
    };
    let bad =
        |e: lexopt::Error| Failure::bad_input(format!("{e}; see `gemini-token {name_of} --help`"));
    let mut mint = MintArgs::default();
    let mut outputs = Vec::new();
    let mut locks = Vec::new();
    while let Some(arg) = parser.next().map_err(bad)? {
        let name = match arg {
            Long(name) => name.to_owned(),
            Short('h') => "help".to_owned(),
            other => return Err(bad(other.unexpected())),
        };
        let flag = format!("--{name}");
        let mut value = || -> Result<String, Failure> {
            parser
                .value()
                .map_err(bad)?
                .string()
                .map_err(|_| Failure::bad_input(format!("{flag}: not UTF-8")))
        };
        let invalid = |why: String| Failure::bad_input(format!("{flag}: {why}"));
        let o = &mut mint.overrides;
        if sub == Sub::Explain && SENDING_FLAGS.contains(&name.as_str()) {
            return Err(Failure::bad_input(format!(
                "{flag} is a flag of `gemini-token mint`; explain sends nothing"
            )));
        }
        match name.as_str() {
            "client-setup" if sub == Sub::Explain => mint.client_setup = Some(value()?.into()),
            "json" => outputs.push((Output::Json, flag)),
            "dry-run" => outputs.push((Output::DryRun, flag)),
            "curl" => outputs.push((Output::Curl, flag)),
            "emulator" => mint.emulator = true,
            "config" => mint.config = Some(value()?.into()),
            "api-key-file" => mint.api_key_file = Some(value()?.into()),
            "ca-cert" => mint.ca_cert = Some(value()?.into()),
            "base-url" => mint.base_url = Some(value()?),
            "timeout" => {
                let d = duration(&value()?).map_err(invalid)?;
                mint.timeout = Some(
                    std::time::Duration::try_from(d).map_err(|_| invalid("negative".to_owned()))?,
                );
            }
            "retries" => {
                let text = value()?;
                mint.retries = Some(text.parse().ok().filter(|n| *n <= 10).ok_or_else(|| {
                    invalid(format!("`{text}` is not a number of retries from 0 to 10"))
                })?);
            }
            "api-version" => mint.api_version = Some(value()?),
            "now" => {
                mint.now = Some(
                    gemini_token_core::formats::parse_rfc3339(&value()?)
                        .map_err(|e| invalid(e.to_string()))?,
                );
            }
            "uses" => {
                let text = value()?;
                o.uses = Some(
                    text.parse()
                        .ok()
                        .filter(|n| *n <= gemini_token_core::MAX_USES)
                        .ok_or_else(|| {
                            invalid(format!(
                                "`{text}` is not a whole number from 0 (unlimited) to {}",
                                gemini_token_core::MAX_USES
                            ))
                        })?,
                );
            }
            "expire-in" => o.expire = Some(TokenTime::In(duration(&value()?).map_err(invalid)?)),
            "new-session-in" => {
                o.new_session = Some(TokenTime::In(duration(&value()?).map_err(invalid)?))
            }
            "expire-at" => {
                o.expire = Some(TokenTime::At(
                    gemini_token_core::formats::parse_rfc3339(&value()?)
                        .map_err(|e| invalid(e.to_string()))?,
                ));
            }
            "new-session-at" => {
                o.new_session = Some(TokenTime::At(
                    gemini_token_core::formats::parse_rfc3339(&value()?)
                        .map_err(|e| invalid(e.to_string()))?,
                ));
            }
            "model" => o.model = Some(value()?),
            "system-instruction" => o.system_instruction = Some(value()?),
            "temperature" => {
                let text = value()?;
                o.temperature = Some(
                    text.parse::<f64>()
                        .ok()
                        .filter(|t| t.is_finite())
                        .ok_or_else(|| invalid(format!("`{text}` is not a number")))?,
                );
            }
            "response-modality" => {
                let text = value()?;
                let modalities = text
                    .split(',')
                    .map(|m| {
                        serde_json::from_value::<Modality>(serde_json::Value::from(
                            m.trim().to_ascii_uppercase(),
                        ))
                        .map_err(|_| invalid(format!("`{m}` is not a modality; use AUDIO or TEXT")))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                o.response_modalities = Some(modalities);
            }
            "voice" => o.voice = Some(value()?),
            "lock-all" => locks.push((Lock::All, flag)),
            "lock-set" => locks.push((Lock::SetFields, flag)),
            "lock" => {
                let names = value()?;
                let lock = Lock::set_fields_and(names.split(',').map(str::trim))
                    .map_err(|e| invalid(e.message().to_owned()))?;
                locks.push((lock, flag));
            }
            "help" if sub == Sub::Explain => return Ok(Command::Help(EXPLAIN_HELP.to_owned())),
            "help" => return Ok(Command::Help(MINT_HELP.to_owned())),
            _ => {
                return Err(Failure::bad_input(format!(
                    "unknown option {flag}; see `gemini-token {name_of} --help`"
                )));
            }
        }
    }
    if outputs.len() > 1 {
        let names: Vec<&str> = outputs.iter().map(|(_, f)| f.as_str()).collect();
        return Err(Failure::bad_input(format!(
            "choose one of {}",
            names.join(", ")
        )));
    }
    if locks.len() > 1 {
        return Err(Failure::bad_input(
            "choose one of --lock-all, --lock-set and --lock",
        ));
    }
    mint.overrides.lock = locks.pop().map(|(lock, _)| lock);
    mint.output = outputs.pop().map(|(o, _)| o).unwrap_or_default();
    let sends = matches!(mint.output, Output::Human | Output::Json);
    if mint.now.is_some() && sends {
        return Err(Failure::bad_input(
            "--now works only with --dry-run or --curl: a real request uses the real clock",
        ));
    }
    if mint.emulator
        && (mint.base_url.is_some() || mint.api_key_file.is_some() || mint.ca_cert.is_some())
    {
        return Err(Failure::bad_input(
            "--emulator chooses its own URL and key; drop --base-url, --api-key-file and --ca-cert",
        ));
    }
    if mint.emulator && mint.output == Output::Curl {
        return Err(Failure::bad_input(
            "--curl with --emulator would point at an emulator that is gone when this command ends",
        ));
    }
    Ok(match sub {
        Sub::Mint => Command::Mint(Box::new(mint)),
        Sub::Explain => Command::Explain(Box::new(mint)),
    })
}

fn duration(text: &str) -> Result<time::Duration, String> {
    gemini_token_core::formats::parse_duration(text).map_err(|e| e.to_string())
}
