//! `gemini-token emulator`: the local emulator, until Ctrl-C.

use std::io::Write;
use std::sync::mpsc;

use gemini_token_emulator::{Emulator, SESSIONS_PATH, TOKENS_PATH};

use crate::Failure;
use crate::args::EmulatorArgs;

/// Starts the emulator, prints where it is and the key, and serves until SIGINT or
/// SIGTERM; then stops it (closing connections, joining threads) and returns.
pub(crate) fn run(args: EmulatorArgs, out: &mut impl Write) -> Result<(), Failure> {
    let failed = |what: &str, e: &dyn std::fmt::Display| Failure {
        message: format!("{what}: {e}"),
        code: 1,
    };
    let (stop, stopped) = mpsc::channel();
    ctrlc::set_handler(move || {
        let _ = stop.send(());
    })
    .map_err(|e| failed("cannot handle Ctrl-C", &e))?;

    let mut builder = Emulator::builder().port(args.port);
    for key in args.keys {
        builder = builder.key(key);
    }
    for fault in args.faults {
        builder = builder.fault(fault);
    }
    if args.tls {
        builder = builder.tls();
    }
    let emulator = builder
        .start()
        .map_err(|e| failed("cannot start the emulator", &e))?;
    let base = emulator.base_url();
    // The CA changes on every start: a file of this process's own, removed at the end.
    let ca_file = args.tls.then(|| {
        std::env::temp_dir().join(format!(
            "gemini-token-emulator-{}-ca.pem",
            std::process::id()
        ))
    });
    if let Some(path) = &ca_file {
        emulator
            .write_ca_certificate(path)
            .map_err(|e| failed("cannot write the CA certificate", &e))?;
    }
    let ca_line = ca_file
        .as_ref()
        .map(|path| format!("CA certificate: {}\n", path.display()))
        .unwrap_or_default();
    writeln!(
        out,
        "gemini-token emulator: a local emulator of the token service, not Google's\n\
         base URL: {base}\n\
         {ca_line}\
         API key:  {}\n\
         minted:   {base}{TOKENS_PATH}\n\
         Live API: {}\n\
         sessions: {base}{SESSIONS_PATH}\n\
         Ctrl-C stops it.",
        emulator.key(),
        emulator.live_url(),
    )
    .and_then(|()| out.flush())
    .map_err(|e| failed("cannot write to stdout", &e))?;

    let _ = stopped.recv();
    let minted = emulator.tokens().len();
    emulator.shutdown();
    if let Some(path) = &ca_file {
        let _ = std::fs::remove_file(path);
    }
    writeln!(out, "stopped after minting {minted} token(s)")
        .map_err(|e| failed("cannot write to stdout", &e))
}
