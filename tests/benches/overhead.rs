//! Per-token overhead of each client over a bare POST of the same bytes, with the
//! same HTTP library, to the same emulator on loopback, measured side by side in one
//! run: rounds alternate between the ways so that the machine's noise falls on all of
//! them alike.
//!
//! The bare posts are configured as the clients configure their HTTP library (the
//! same overall timeout, no redirects), so that the ratio is what this project's code
//! adds: preparing the request, reading the answer, the retry loop. What ureq's own
//! overall timeout costs is shown on a line of its own.
//!
//! Run: `cargo bench -p gemini-token-conformance --bench overhead [-- ROUNDS PER_ROUND]`
//! (default: 3000 rounds of one request per way, so that each way takes its turn
//! every few hundred microseconds).

// A bench prints its table and stops on a broken setup.
#![allow(clippy::print_stdout, clippy::panic, clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use gemini_token_conformance::bare::{BarePost, Setup, typical_config};
use gemini_token_core::{ApiKey, Endpoint, RetryPolicy};
use gemini_token_emulator::Emulator;

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort_unstable();
    samples[samples.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| !a.starts_with('-'));
    let rounds: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3000);
    let per_round: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);

    let emulator = Emulator::start().unwrap();
    let key = ApiKey::new(emulator.key()).unwrap();
    let config = typical_config();
    let endpoint = Endpoint::new(emulator.base_url(), "v1alpha").unwrap();
    // The bytes the clients send, for the bare posts to send too.
    let bare = BarePost::new(&config, &endpoint, &key).unwrap();

    let ureq_client = gemini_token_ureq::Client::builder(key.clone())
        .base_url(emulator.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let reqwest_client = gemini_token_reqwest::Client::builder(key.clone())
        .base_url(emulator.base_url())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let timeout = gemini_token_core::DEFAULT_TIMEOUT;
    let with_timeout = |timeout| Setup {
        root_certificates: None,
        idle_per_host: 1,
        timeout,
    };
    let agent = BarePost::ureq_agent(&with_timeout(Some(timeout)));
    let agent_without_timeout = BarePost::ureq_agent(&with_timeout(None));
    let bare_reqwest = BarePost::reqwest_client(&with_timeout(Some(timeout)));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let mut samples: [Vec<Duration>; 5] = Default::default();
    let timed = |samples: &mut Vec<Duration>, mut once: Box<dyn FnMut() + '_>| {
        for _ in 0..per_round {
            let started = Instant::now();
            once();
            samples.push(started.elapsed());
        }
    };
    for _ in 0..rounds {
        timed(&mut samples[0], Box::new(|| bare.post_ureq(&agent)));
        timed(
            &mut samples[1],
            Box::new(|| drop(ureq_client.create(&config).unwrap())),
        );
        timed(
            &mut samples[2],
            Box::new(|| runtime.block_on(bare.post_reqwest(&bare_reqwest))),
        );
        timed(
            &mut samples[3],
            Box::new(|| drop(runtime.block_on(reqwest_client.create(&config)).unwrap())),
        );
        timed(
            &mut samples[4],
            Box::new(|| bare.post_ureq(&agent_without_timeout)),
        );
    }

    let [
        bare_ureq,
        ureq_client,
        bare_reqwest,
        reqwest_client,
        no_timeout,
    ] = &mut samples;
    let (bu, cu, br, cr) = (
        median(bare_ureq),
        median(ureq_client),
        median(bare_reqwest),
        median(reqwest_client),
    );
    let nt = median(no_timeout);
    let ratio = |client: Duration, bare: Duration| client.as_secs_f64() / bare.as_secs_f64();
    println!(
        "{} requests per way, in {rounds} alternating rounds; median latency per token:",
        rounds * per_round
    );
    println!("| way | median | vs bare |");
    println!("|---|---|---|");
    println!(
        "| bare ureq POST | {:.1} µs | 1.000 |",
        bu.as_secs_f64() * 1e6
    );
    println!(
        "| gemini-token-ureq Client::create | {:.1} µs | {:.3} |",
        cu.as_secs_f64() * 1e6,
        ratio(cu, bu)
    );
    println!(
        "| bare reqwest POST | {:.1} µs | 1.000 |",
        br.as_secs_f64() * 1e6
    );
    println!(
        "| gemini-token-reqwest Client::create | {:.1} µs | {:.3} |",
        cr.as_secs_f64() * 1e6,
        ratio(cr, br)
    );
    println!(
        "| (bare ureq POST without an overall timeout) | {:.1} µs | {:.3} |",
        nt.as_secs_f64() * 1e6,
        ratio(nt, bu)
    );
}
