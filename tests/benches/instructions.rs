//! One way of minting, N tokens in a row, for `bench/instructions.sh` to run under
//! callgrind: the instructions a token costs do not move with the machine's load,
//! where the load bench's tokens per second do.
//!
//! Run: `cargo bench -p gemini-token-conformance --bench instructions -- --way WAY
//! --tokens N [--tls | --base-url URL --key KEY [--ca-cert FILE]]`, WAY one of
//! `bare-ureq`, `ureq-create`, `ureq-create_prepared`, `bare-reqwest`,
//! `reqwest-create`, `reqwest-create_prepared`. Without a URL the emulator runs in
//! this process, so that its instructions count too (the whole exchange: what a
//! CPU-bound run on a shared machine pays per token); with one, only the client's
//! count. One request at a time, reqwest on a current-thread runtime: the counts are
//! then the same from run to run.

// A bench runs one way and stops on a broken setup.
#![allow(clippy::panic, clippy::unwrap_used, missing_docs)]

use gemini_token_conformance::bare::{BarePost, Setup, typical_config};
use gemini_token_conformance::clients::Settings;
use gemini_token_core::{ApiKey, Endpoint, PreparedConfig, RetryPolicy};
use gemini_token_emulator::Emulator;

fn main() {
    // The same TLS library for every way, as in the load bench.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let (mut way, mut tokens, mut tls) = (String::new(), 0usize, false);
    let (mut base_url, mut key, mut ca) = (None, None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--way" => way = args.next().unwrap(),
            "--tokens" => tokens = args.next().and_then(|n| n.parse().ok()).unwrap(),
            "--tls" => tls = true,
            "--base-url" => base_url = args.next(),
            "--key" => key = args.next(),
            "--ca-cert" => ca = args.next().map(|path| std::fs::read(path).unwrap()),
            // cargo bench passes `--bench`.
            _ => {}
        }
    }
    let own = if base_url.is_none() {
        let builder = Emulator::builder();
        Some(if tls { builder.tls() } else { builder }.start().unwrap())
    } else {
        None
    };
    if let Some(emulator) = &own {
        base_url = Some(emulator.base_url().to_owned());
        key = Some(emulator.key().to_owned());
        ca = emulator
            .ca_certificate_pem()
            .map(|pem| pem.as_bytes().to_vec());
    }
    let (base_url, key_text) = (base_url.unwrap(), key.unwrap());
    let key = ApiKey::new(key_text.as_str()).unwrap();
    let config = typical_config();
    let once = PreparedConfig::new(&config).unwrap();
    let endpoint = Endpoint::new(&base_url, "v1alpha").unwrap();
    let bare = BarePost::new(&config, &endpoint, &key).unwrap();
    let setup = Setup {
        root_certificates: ca.clone(),
        idle_per_host: 1,
        timeout: Some(gemini_token_core::DEFAULT_TIMEOUT),
    };

    // The clients as the load bench builds them: no retries, the default timeout.
    let settings = Settings {
        retry: RetryPolicy::none(),
        timeout: gemini_token_core::DEFAULT_TIMEOUT,
        root_certificates: ca.map(|pem| String::from_utf8(pem).unwrap()),
        ..Settings::new(&base_url, &key_text)
    };
    let ureq_client = || settings.build::<gemini_token_ureq::Client>().unwrap();
    let reqwest_client = || settings.build::<gemini_token_reqwest::Client>().unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    match way.as_str() {
        "bare-ureq" => {
            let agent = BarePost::ureq_agent(&setup);
            (0..tokens).for_each(|_| bare.post_ureq(&agent));
        }
        "ureq-create" => {
            let client = ureq_client();
            (0..tokens).for_each(|_| drop(client.create(&config).unwrap()));
        }
        "ureq-create_prepared" => {
            let client = ureq_client();
            (0..tokens).for_each(|_| drop(client.create_prepared(&once).unwrap()));
        }
        "bare-reqwest" => runtime.block_on(async {
            let client = BarePost::reqwest_client(&setup);
            for _ in 0..tokens {
                bare.post_reqwest(&client).await;
            }
        }),
        "reqwest-create" => runtime.block_on(async {
            let client = reqwest_client();
            for _ in 0..tokens {
                drop(client.create(&config).await.unwrap());
            }
        }),
        "reqwest-create_prepared" => runtime.block_on(async {
            let client = reqwest_client();
            for _ in 0..tokens {
                drop(client.create_prepared(&once).await.unwrap());
            }
        }),
        other => panic!("unknown --way {other:?}"),
    }
}
