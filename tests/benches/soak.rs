//! The soak: 20 000 tokens with the async client at 64 concurrent tasks and 2 000 with
//! the blocking client, against an emulator that fails 1 % of requests in transient
//! ways, with retries on. It passes when no mint fails, the process has as many file
//! descriptors open afterwards as before, and its memory stays flat.
//!
//! Run (not part of `cargo test`): `cargo bench -p gemini-token-conformance --bench soak
//! [-- ASYNC_TOKENS BLOCKING_TOKENS]`
//! Exit status 0 when it passes; it prints what it measured either way.

// A soak prints its findings and stops on a broken setup.
#![allow(clippy::print_stdout, clippy::panic, clippy::unwrap_used, missing_docs)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gemini_token_conformance::bare::typical_config;
use gemini_token_core::{ApiKey, RetryPolicy};
use gemini_token_emulator::{Emulator, Fault};

const ASYNC_TASKS: usize = 64;
/// Tokens per batch of the async phase; RSS is sampled after each.
const BATCH: usize = 2_000;

fn open_fds() -> usize {
    std::fs::read_dir("/proc/self/fd")
        .map(|d| d.count())
        .unwrap_or(0)
}

fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    // `-- ASYNC_TOKENS BLOCKING_TOKENS` for a longer soak; cargo bench adds --bench.
    let mut counts = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse::<usize>().ok());
    let async_tokens = counts.next().unwrap_or(20_000);
    let blocking_tokens = counts.next().unwrap_or(2_000);
    let config = Arc::new(typical_config());
    let retry = RetryPolicy::default()
        .with_initial_delay(Duration::from_millis(10))
        .with_max_attempts(4);
    let started = Instant::now();
    let fds_before = open_fds();
    let failures = AtomicUsize::new(0);
    let mut rss = Vec::new();
    let (requests, drawn);
    {
        let emulator = Emulator::builder()
            .fault_rate(
                0.01,
                vec![
                    Fault::unavailable(),
                    Fault::quota_exceeded(Some("0.01s")),
                    Fault::Reset,
                    Fault::Truncate,
                    Fault::Html,
                ],
            )
            .keep_tokens(false)
            .start()
            .unwrap();
        let key = ApiKey::new(emulator.key()).unwrap();

        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let client = gemini_token_reqwest::Client::builder(key.clone())
            .base_url(emulator.base_url())
            .retry(retry.clone())
            .build()
            .unwrap();
        for batch in 0..async_tokens.div_ceil(BATCH) {
            let in_batch = BATCH.min(async_tokens - batch * BATCH);
            let left = Arc::new(AtomicUsize::new(in_batch));
            runtime.block_on(async {
                let tasks: Vec<_> = (0..ASYNC_TASKS)
                    .map(|_| {
                        let (client, config, left) =
                            (client.clone(), Arc::clone(&config), Arc::clone(&left));
                        tokio::spawn(async move {
                            let mut failed = 0;
                            // Take tokens from the batch until none are left.
                            while left
                                .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                                    n.checked_sub(1)
                                })
                                .is_ok()
                            {
                                if let Err(e) = client.create(&config).await {
                                    println!("async mint failed: {e}");
                                    failed += 1;
                                }
                            }
                            failed
                        })
                    })
                    .collect();
                for task in tasks {
                    failures.fetch_add(task.await.unwrap(), Ordering::SeqCst);
                }
            });
            rss.push(rss_kib());
        }
        drop(client);
        drop(runtime);

        let client = gemini_token_ureq::Client::builder(key)
            .base_url(emulator.base_url())
            .retry(retry)
            .build()
            .unwrap();
        for _ in 0..blocking_tokens {
            if let Err(e) = client.create(&config) {
                println!("blocking mint failed: {e}");
                failures.fetch_add(1, Ordering::SeqCst);
            }
        }
        drop(client);
        requests = emulator.mint_requests();
        drawn = emulator.random_faults_drawn();
    }
    // Connections closed by the emulator's shutdown reach the OS at once; give the
    // kernel a moment anyway.
    std::thread::sleep(Duration::from_millis(200));
    let fds_after = open_fds();

    let tokens = async_tokens + blocking_tokens;
    let failed = failures.load(Ordering::SeqCst);
    // Pools and buffers grow while 64 connections warm up (about the first 10 000
    // tokens); after that, memory must stay within 10 % of where the second half of the
    // async phase started.
    let second_half = &rss[rss.len() / 2..];
    let (warm, last) = (
        second_half[0],
        second_half.iter().copied().max().unwrap_or(0),
    );
    let flat = last <= warm + warm / 10;
    println!(
        "soak: {tokens} tokens ({async_tokens} async at {ASYNC_TASKS} tasks, {blocking_tokens} blocking) in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    println!(
        "  requests the emulator saw: {requests}; faults injected: {drawn} ({:.2} %); retries: {}",
        100.0 * drawn as f64 / requests as f64,
        requests - tokens
    );
    println!("  failed mints: {failed}");
    println!("  open file descriptors: {fds_before} before, {fds_after} after");
    println!("  RSS after each batch of {BATCH} async tokens (KiB): {rss:?}");
    println!(
        "  second half of the async phase: from {warm} KiB, at most {last} KiB: {}",
        if flat {
            "flat (within 10 %)"
        } else {
            "GROWING"
        }
    );
    let passed = failed == 0 && fds_after == fds_before && flat;
    println!("soak {}", if passed { "passed" } else { "FAILED" });
    if !passed {
        std::process::exit(1);
    }
}
