//! Cold start of the async client: the least a program needs to print one token, on
//! a current-thread tokio runtime, as a serverless function would on its first
//! request. `bench/coldstart.sh` times it from process start to exit with hyperfine.
//!
//! Run: `GEMINI_API_KEY=KEY target/release/examples/coldstart-reqwest BASE_URL CA_PEM_FILE`

// A program that prints its token, and stops on a broken setup.
#![allow(clippy::print_stdout)]

use gemini_token_reqwest::{Client, CreateAuthTokenConfig};
use time::Duration;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (base_url, ca) = (args.next().unwrap_or_default(), args.next());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut builder = Client::builder_from_env()?.base_url(base_url);
    if let Some(path) = ca {
        builder = builder.root_certificates(std::fs::read(path)?);
    }
    let config = CreateAuthTokenConfig::new()
        .uses(1)
        .expire_in(Duration::minutes(30))
        .new_session_expire_in(Duration::minutes(1));
    let token = runtime.block_on(builder.build()?.create(&config))?;
    println!("{}", token.secret());
    Ok(())
}
