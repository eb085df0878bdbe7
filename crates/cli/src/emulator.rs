//! `gemini-token emulator`: the local emulator, until Ctrl-C.

use std::io::Write;
use std::sync::mpsc;

use gemini_token_emulator::{Emulator, TOKENS_PATH};

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
    let emulator = builder
        .start()
        .map_err(|e| failed("cannot start the emulator", &e))?;
    let base = emulator.base_url();
    writeln!(
        out,
        "gemini-token emulator: a local emulator of the token service, not Google's\n\
         base URL: {base}\n\
         API key:  {}\n\
         minted:   {base}{TOKENS_PATH}\n\
         Ctrl-C stops it.",
        emulator.key()
    )
    .and_then(|()| out.flush())
    .map_err(|e| failed("cannot write to stdout", &e))?;

    let _ = stopped.recv();
    let minted = emulator.tokens().len();
    emulator.shutdown();
    writeln!(out, "stopped after minting {minted} token(s)")
        .map_err(|e| failed("cannot write to stdout", &e))
}
