//! A load generator: mints N tokens against an emulator on loopback with each client,
//! and with a bare POST of the same bytes through the same HTTP library as the
//! baseline, in one run. Prints tokens/s, p50/p99 latency, the ratio to the baseline,
//! and this process's peak RSS.
//!
//! Run: `cargo bench -p gemini-token-conformance --bench load -- [--tokens N]
//! [--base-url URL --key KEY]`. Without a URL it starts an emulator in this process
//! (whose threads then count in the RSS); `bench/run-all.sh` runs one in a process of
//! its own.

// A bench prints its table and stops on a broken setup.
#![allow(clippy::print_stdout, clippy::panic, clippy::unwrap_used, missing_docs)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use gemini_token_conformance::bare::BarePost;
use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, PreparedConfig, RetryPolicy};
use gemini_token_emulator::Emulator;

/// Each (way, concurrency) runs this many times, alternating with its baseline.
const REPEATS: usize = 10;

struct Args {
    tokens: usize,
    base_url: Option<String>,
    key: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        tokens: 2000,
        base_url: None,
        key: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--tokens" => args.tokens = it.next().and_then(|n| n.parse().ok()).unwrap(),
            "--base-url" => args.base_url = it.next(),
            "--key" => args.key = it.next(),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

/// The typical config of the issue: a model, a system instruction, three generation
/// settings, the set fields locked.
pub fn typical() -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::from_json(include_bytes!(
        "../../crates/core/benches/fixtures/typical.json"
    ))
    .unwrap()
}

/// What one run measured.
struct Run {
    elapsed: Duration,
    latencies: Vec<Duration>,
}

impl Run {
    fn merge(runs: Vec<Run>) -> Run {
        let elapsed = runs.iter().map(|r| r.elapsed).sum();
        let latencies = runs.into_iter().flat_map(|r| r.latencies).collect();
        Run { elapsed, latencies }
    }

    fn per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    fn percentile(&mut self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        self.latencies.sort_unstable();
        let index = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[index]
    }
}

/// Worker `i`'s share of `tokens` split among `workers`: all of them, to the token.
fn share(tokens: usize, workers: usize, i: usize) -> usize {
    tokens / workers + usize::from(i < tokens % workers)
}

/// Runs `once` `tokens` times on `threads` threads.
fn blocking(tokens: usize, threads: usize, once: &(dyn Fn() + Sync)) -> Run {
    let started = Instant::now();
    let latencies = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|i| {
                scope.spawn(move || {
                    (0..share(tokens, threads, i))
                        .map(|_| {
                            let t = Instant::now();
                            once();
                            t.elapsed()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    Run {
        elapsed: started.elapsed(),
        latencies,
    }
}

/// Runs `once` `tokens` times in `tasks` concurrent tasks.
fn concurrent<F, Fut>(
    runtime: &tokio::runtime::Runtime,
    tokens: usize,
    tasks: usize,
    once: F,
) -> Run
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = ()> + Send,
{
    let once = Arc::new(once);
    runtime.block_on(async {
        let started = Instant::now();
        let handles: Vec<_> = (0..tasks)
            .map(|i| {
                let once = Arc::clone(&once);
                tokio::spawn(async move {
                    let mine = share(tokens, tasks, i);
                    let mut latencies = Vec::with_capacity(mine);
                    for _ in 0..mine {
                        let t = Instant::now();
                        once().await;
                        latencies.push(t.elapsed());
                    }
                    latencies
                })
            })
            .collect();
        let mut latencies = Vec::with_capacity(tokens);
        for handle in handles {
            latencies.extend(handle.await.unwrap());
        }
        Run {
            elapsed: started.elapsed(),
            latencies,
        }
    })
}

/// Alternates baseline and client runs, `REPEATS` times each, `tokens` in all each.
fn side_by_side(
    tokens: usize,
    mut baseline: impl FnMut(usize) -> Run,
    mut client: impl FnMut(usize) -> Run,
) -> (Run, Run) {
    let (mut base_runs, mut client_runs) = (Vec::new(), Vec::new());
    for _ in 0..REPEATS {
        base_runs.push(baseline(tokens / REPEATS));
        client_runs.push(client(tokens / REPEATS));
    }
    (Run::merge(base_runs), Run::merge(client_runs))
}

/// A way of minting, measured over `n` tokens.
type Way<'a> = Box<dyn FnMut(usize) -> Run + 'a>;

/// Runs each of `ways` side by side with the bare baseline, and prints the rows.
fn compare(
    tokens: usize,
    library: &str,
    concurrency: &str,
    bare: &mut dyn FnMut(usize) -> Run,
    ways: Vec<(&str, Way<'_>)>,
) {
    for (name, mut way) in ways {
        let (mut base, mut client) = side_by_side(tokens, &mut *bare, &mut way);
        row(&format!("bare {library}"), concurrency, &mut base, None);
        row(name, concurrency, &mut client, Some(base.per_second()));
    }
}

fn row(way: &str, concurrency: &str, run: &mut Run, baseline: Option<f64>) {
    let ratio = baseline.map_or("—".to_owned(), |b| format!("{:.3}", run.per_second() / b));
    println!(
        "| {way} | {concurrency} | {:.0} | {:.0} | {:.0} | {ratio} |",
        run.per_second(),
        run.percentile(0.5).as_secs_f64() * 1e6,
        run.percentile(0.99).as_secs_f64() * 1e6,
    );
}

fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

fn main() {
    let args = args();
    let own;
    let (base_url, key) = match (&args.base_url, &args.key) {
        (Some(url), Some(key)) => (url.clone(), key.clone()),
        _ => {
            own = Emulator::start().unwrap();
            (own.base_url().to_owned(), own.key().to_owned())
        }
    };
    let tokens = args.tokens;
    let key = ApiKey::new(key).unwrap();
    let config = Arc::new(typical());
    let endpoint = Endpoint::new(&base_url, "v1alpha").unwrap();
    let bare = Arc::new(BarePost::new(&config, &endpoint, &key).unwrap());
    let timeout = gemini_token_core::DEFAULT_TIMEOUT;

    println!("{tokens} tokens per row, typical config, against {base_url}");
    println!("| way | concurrency | tokens/s | p50 µs | p99 µs | tokens/s vs bare |");
    println!("|---|---|---|---|---|---|");

    // Blocking: ureq.
    let ureq_client = gemini_token_ureq::Client::builder(key.clone())
        .base_url(base_url.as_str())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let agent = BarePost::ureq_agent(Some(timeout));
    let bare_ureq = || bare.post_ureq(&agent);
    let once = Arc::new(PreparedConfig::new(&config).unwrap());
    let client_ureq = || drop(ureq_client.create(&config).unwrap());
    let client_ureq_prepared = || drop(ureq_client.create_prepared(&once).unwrap());
    for threads in [1, 4] {
        compare(
            tokens,
            "ureq",
            &format!("{threads} thread(s)"),
            &mut |n| blocking(n, threads, &bare_ureq),
            vec![
                (
                    "gemini-token-ureq create",
                    Box::new(|n| blocking(n, threads, &client_ureq)),
                ),
                (
                    "gemini-token-ureq create_prepared",
                    Box::new(|n| blocking(n, threads, &client_ureq_prepared)),
                ),
            ],
        );
    }

    // Async: reqwest on tokio.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let reqwest_client = gemini_token_reqwest::Client::builder(key.clone())
        .base_url(base_url.as_str())
        .retry(RetryPolicy::none())
        .build()
        .unwrap();
    let bare_reqwest = BarePost::reqwest_client();
    for tasks in [1, 16, 64] {
        let mut bare_post = |n| {
            let (http, bare) = (bare_reqwest.clone(), Arc::clone(&bare));
            concurrent(&runtime, n, tasks, move || {
                let (http, bare) = (http.clone(), Arc::clone(&bare));
                async move { bare.post_reqwest(&http, timeout).await }
            })
        };
        let create = |n| {
            let (client, config) = (reqwest_client.clone(), Arc::clone(&config));
            concurrent(&runtime, n, tasks, move || {
                let (client, config) = (client.clone(), Arc::clone(&config));
                async move { drop(client.create(&config).await.unwrap()) }
            })
        };
        let create_prepared = |n| {
            let (client, once) = (reqwest_client.clone(), Arc::clone(&once));
            concurrent(&runtime, n, tasks, move || {
                let (client, once) = (client.clone(), Arc::clone(&once));
                async move { drop(client.create_prepared(&once).await.unwrap()) }
            })
        };
        compare(
            tokens,
            "reqwest",
            &format!("{tasks} task(s)"),
            &mut bare_post,
            vec![
                ("gemini-token-reqwest create", Box::new(create)),
                (
                    "gemini-token-reqwest create_prepared",
                    Box::new(create_prepared),
                ),
            ],
        );
    }
    println!("peak RSS of this process: {} KiB", peak_rss_kib());
}
