//! `gemini-token mint`: the config from the file and the flags, the key, the request.

use std::io::Read as _;
use std::path::Path;

use gemini_token_core::{
    ApiKey, CreateAuthTokenConfig, Endpoint, Error, KeySource, LiveConnectConfig,
    LiveConnectConstraints, PreparedConfig, RetryPolicy, TransportErrorKind, api_key_from_env,
    prepare_with,
};
use gemini_token_emulator::Emulator;
use time::OffsetDateTime;

use crate::Failure;
use crate::args::{MintArgs, Output, Overrides};
use crate::{config_file, output};

/// Exit code: the API answered with an error.
const EXIT_API: u8 = 3;
/// Exit code: the API could not be reached, or its answer not read.
const EXIT_NETWORK: u8 = 4;
/// Exit code: the API did not answer in time.
const EXIT_TIMEOUT: u8 = 5;

/// A key file larger than this is not a key file.
const MAX_KEY_FILE_BYTES: u64 = 4096;

/// Runs `mint` as `args` say; what to print on stdout.
pub(crate) fn run(args: MintArgs) -> Result<String, Failure> {
    let mut config = config_file::load(args.config.as_deref())?;
    apply(&mut config, args.overrides);
    let endpoint = endpoint(args.base_url.as_deref(), args.api_version.as_deref())?;
    match args.output {
        Output::DryRun => crate::dry_run::render(
            &config,
            &endpoint,
            args.now.unwrap_or_else(OffsetDateTime::now_utc),
        ),
        Output::Curl => output::curl(
            &config,
            &endpoint,
            args.now.unwrap_or_else(OffsetDateTime::now_utc),
        ),
        Output::Human | Output::Json => {
            // Check and serialize the config once, and refuse a bad one (times included)
            // before starting an emulator or reading a key; the client then mints from
            // the prepared config instead of preparing it again.
            let once = PreparedConfig::new(&config).map_err(|e| failure(e.into()))?;
            let stand_in = ApiKey::new("check").map_err(|e| Failure::bad_input(e.to_string()))?;
            prepare_with(&once, &endpoint, &stand_in, OffsetDateTime::now_utc())
                .map_err(failure)?;
            let emulator = args
                .emulator
                .then(|| {
                    Emulator::start().map_err(|e| Failure {
                        message: format!("cannot start the emulator: {e}"),
                        code: 1,
                    })
                })
                .transpose()?;
            let (key, source, endpoint) = match &emulator {
                Some(emulator) => {
                    eprintln!(
                        "gemini-token: minting from a local emulator at {} — not Google's service; \
                         the token works only with this emulator, which stops when this command ends",
                        emulator.base_url()
                    );
                    let key = ApiKey::new(emulator.key())
                        .map_err(|e| Failure::bad_input(e.to_string()))?;
                    (
                        key,
                        KeySource::Given,
                        endpoint_at(emulator.base_url(), endpoint.api_version())?,
                    )
                }
                None => {
                    let (key, source) = api_key(args.api_key_file.as_deref())?;
                    (key, source, endpoint)
                }
            };
            let mut builder = gemini_token_ureq::ClientBuilder::new(key, source)
                .base_url(endpoint.base_url())
                .api_version(endpoint.api_version());
            if let Some(path) = args.ca_cert.as_deref() {
                builder = builder.root_certificates(ca_cert(path)?);
            }
            if let Some(timeout) = args.timeout {
                builder = builder.timeout(timeout);
            }
            if let Some(retries) = args.retries {
                builder = builder.retry(RetryPolicy::default().with_max_attempts(retries + 1));
            }
            let token = builder
                .build()
                .and_then(|client| client.create_prepared(&once))
                .map_err(failure)?;
            let now = OffsetDateTime::now_utc();
            Ok(match args.output {
                Output::Json => output::json(&token),
                _ => output::human(&token, now),
            })
        }
    }
}

/// The flags over the config file's settings.
pub(crate) fn apply(config: &mut CreateAuthTokenConfig, o: Overrides) {
    if o.uses.is_some() {
        config.uses = o.uses;
    }
    if o.expire.is_some() {
        config.expire_time = o.expire;
    }
    if o.new_session.is_some() {
        config.new_session_expire_time = o.new_session;
    }
    if let Some(lock) = o.lock {
        config.lock = lock;
    }
    let sets_live = o.system_instruction.is_some()
        || o.temperature.is_some()
        || o.response_modalities.is_some()
        || o.voice.is_some();
    if o.model.is_none() && !sets_live {
        return;
    }
    let constraints = config
        .live_connect_constraints
        .get_or_insert_with(LiveConnectConstraints::new);
    if o.model.is_some() {
        constraints.model = o.model;
    }
    if sets_live {
        let live = constraints
            .config
            .get_or_insert_with(LiveConnectConfig::new);
        if let Some(text) = o.system_instruction {
            live.system_instruction = Some(text.into());
        }
        if o.temperature.is_some() {
            live.temperature = o.temperature;
        }
        if o.response_modalities.is_some() {
            live.response_modalities = o.response_modalities;
        }
        if let Some(voice) = o.voice {
            live.speech_config = Some(voice.into());
        }
    }
}

fn endpoint(base_url: Option<&str>, api_version: Option<&str>) -> Result<Endpoint, Failure> {
    let defaults = Endpoint::default();
    let base = base_url.unwrap_or(defaults.base_url());
    endpoint_at(base, api_version.unwrap_or(defaults.api_version()))
}

fn endpoint_at(base_url: &str, api_version: &str) -> Result<Endpoint, Failure> {
    Endpoint::new(base_url, api_version).map_err(|e| {
        let flag = if e.path() == "api_version" {
            "--api-version"
        } else {
            "--base-url"
        };
        Failure::bad_input(format!("{flag}: {}", e.message()))
    })
}

/// The key from `--api-key-file`, else the environment.
fn api_key(file: Option<&Path>) -> Result<(ApiKey, KeySource), Failure> {
    let Some(path) = file else {
        return api_key_from_env(|name| std::env::var(name).ok()).map_err(|_| {
            Failure::bad_input(
                "no API key: set GOOGLE_API_KEY or GEMINI_API_KEY, pass --api-key-file, \
                 or try --emulator",
            )
        });
    };
    let shown = path.display();
    let bad = |why: String| Failure::bad_input(format!("--api-key-file {shown}: {why}"));
    let file = std::fs::File::open(path).map_err(|e| bad(format!("cannot open it: {e}")))?;
    if !file
        .metadata()
        .map_err(|e| bad(format!("cannot read it: {e}")))?
        .is_file()
    {
        return Err(bad("not a regular file".to_owned()));
    }
    let mut text = String::new();
    file.take(MAX_KEY_FILE_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|_| bad("not a text file".to_owned()))?;
    if text.len() as u64 > MAX_KEY_FILE_BYTES {
        return Err(bad(format!(
            "larger than {MAX_KEY_FILE_BYTES} bytes; a key file holds one key"
        )));
    }
    // The message of ApiKey's error never repeats the key.
    let key = ApiKey::new(text).map_err(|e| bad(e.message().to_owned()))?;
    Ok((key, KeySource::Given))
}

/// The PEM of `--ca-cert`: bounded, and only from a regular file.
fn ca_cert(path: &Path) -> Result<Vec<u8>, Failure> {
    config_file::read(path, "--ca-cert", "a CA bundle is a few PEM certificates")
}

/// An error as one line, with the exit code of its kind.
pub(crate) fn failure(error: Error) -> Failure {
    let code = match &error {
        Error::Config(_) => crate::EXIT_BAD_INPUT,
        Error::Api(_) => EXIT_API,
        Error::Transport(t) if t.kind() == TransportErrorKind::Timeout => EXIT_TIMEOUT,
        _ => EXIT_NETWORK,
    };
    let what = match &error {
        Error::Config(_) => "invalid config",
        Error::Api(_) => "the API refused",
        Error::UnexpectedResponse(_) => "unreadable answer",
        Error::Transport(t) if t.kind() == TransportErrorKind::Timeout => "timed out",
        _ => "network error",
    };
    Failure {
        message: format!("{what}: {}", chain(&error)),
        code,
    }
}

/// An error and its sources, on one line.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        source = cause.source();
    }
    line.replace('\n', " ")
}
