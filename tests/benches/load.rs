//! A load generator: mints N tokens against an emulator on loopback, over HTTP or
//! HTTPS, with each client, with a bare POST of the same bytes through the same HTTP
//! library as the baseline, and with the same bytes written by hand to kept-alive raw
//! connections (the floor), in one run. Prints tokens/s, p50/p99 latency, the ratio
//! to the baseline, and the connections (TLS handshakes) each row cost, counted by the
//! emulator; then this process's peak RSS.
//!
//! Run: `cargo bench -p gemini-token-conformance --bench load -- [--tokens N]
//! [--repeats R] [--in-flight 1,4,16,64] [--tls | --base-url URL --key KEY
//! [--ca-cert FILE]] [--csv FILE]`. Without a URL it starts an emulator in this
//! process (whose threads then count in the RSS); `bench/run-all.sh` runs one in a
//! process of its own. An `https://` URL needs the emulator's CA (`--ca-cert`, the file
//! `gemini-token emulator --tls` prints).

// A bench prints its table and stops on a broken setup.
#![allow(clippy::print_stdout, clippy::panic, clippy::unwrap_used, missing_docs)]

#[path = "support/floor.rs"]
mod floor;

use std::fmt::Write as _;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gemini_token_conformance::bare::{BarePost, Setup, typical_config};
use gemini_token_core::{ApiKey, Endpoint, PreparedConfig, RetryPolicy};
use gemini_token_emulator::Emulator;

struct Args {
    tokens: usize,
    repeats: usize,
    in_flight: Vec<usize>,
    base_url: Option<String>,
    key: Option<String>,
    ca_cert: Option<String>,
    tls: bool,
    csv: Option<String>,
}

fn args() -> Args {
    let mut args = Args {
        tokens: 2000,
        repeats: 10,
        in_flight: vec![1, 4, 16, 64],
        base_url: None,
        key: None,
        ca_cert: None,
        tls: false,
        csv: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--tokens" => args.tokens = it.next().and_then(|n| n.parse().ok()).unwrap(),
            "--repeats" => args.repeats = it.next().and_then(|n| n.parse().ok()).unwrap(),
            "--in-flight" => {
                args.in_flight = it
                    .next()
                    .unwrap()
                    .split(',')
                    .map(|n| n.parse().unwrap())
                    .collect();
            }
            "--base-url" => args.base_url = it.next(),
            "--key" => args.key = it.next(),
            "--ca-cert" => args.ca_cert = it.next(),
            "--tls" => args.tls = true,
            "--csv" => args.csv = it.next(),
            _ => {} // cargo bench passes --bench
        }
    }
    args
}

/// The emulator's connection counters, read without counting the reads.
struct Counters {
    emulator: Option<Emulator>,
    dialer: floor::Dialer,
    /// Reads so far: each over a connection of its own, which the counters include.
    probes: std::cell::Cell<u64>,
}

impl Counters {
    /// (connections, TLS handshakes) so far, the reads' own left out.
    fn now(&self) -> (u64, u64) {
        if let Some(emulator) = &self.emulator {
            return (emulator.connections(), emulator.handshakes());
        }
        let stats = self.dialer.stats();
        self.probes.set(self.probes.get() + 1);
        let tls = u64::from(self.dialer.is_tls());
        let get = |name: &str| stats[name].as_u64().unwrap();
        (
            get("connections") - self.probes.get(),
            get("handshakes") - tls * self.probes.get(),
        )
    }
}

/// A client's throughput over its baseline's: the median of the paired runs, and
/// their interquartile range.
#[derive(Clone, Copy)]
struct Ratio {
    median: f64,
    low: f64,
    high: f64,
}

/// What one run measured.
#[derive(Default)]
struct Run {
    elapsed: Duration,
    latencies: Vec<Duration>,
    connections: u64,
    handshakes: u64,
}

impl Run {
    fn merge(runs: Vec<Run>) -> Run {
        let mut all = Run::default();
        for run in runs {
            all.elapsed += run.elapsed;
            all.latencies.extend(run.latencies);
            all.connections += run.connections;
            all.handshakes += run.handshakes;
        }
        all
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
        ..Run::default()
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
            ..Run::default()
        }
    })
}

/// A way of minting, measured over `n` tokens.
type Way<'a> = Box<dyn FnMut(usize) -> Run + 'a>;

/// Prints the rows, and keeps them for the CSV file.
struct Table<'a> {
    counters: &'a Counters,
    tokens: usize,
    repeats: usize,
    protocol: &'static str,
    csv: String,
    /// Pooled rows whose handshakes (connections) exceeded the requests in flight.
    over_pool: Vec<String>,
}

impl Table<'_> {
    /// Runs `way`, counting the connections it opens.
    fn counted(&self, way: &mut dyn FnMut(usize) -> Run, n: usize) -> Run {
        let (c0, h0) = self.counters.now();
        let mut run = way(n);
        let (c1, h1) = self.counters.now();
        run.connections = c1 - c0;
        run.handshakes = h1 - h0;
        run
    }

    /// Runs `way` once, untimed, with enough tokens to open every connection its pool
    /// will keep: the alternations then compare steady states, not which way happened
    /// to pay its TLS handshakes in a quieter moment. The connections it opens still
    /// count in the row.
    fn warm_up(&self, way: &mut dyn FnMut(usize) -> Run, in_flight: usize) -> Run {
        let mut run = self.counted(way, in_flight * 4);
        run.latencies.clear();
        run.elapsed = Duration::ZERO;
        run
    }

    /// Alternates `baseline` and `client`, `repeats` times each, and prints both rows.
    /// The ratio is the median of the `repeats` paired ratios (each client run against
    /// the baseline run just before it), printed with their interquartile range: the
    /// pairs share the machine's load, the medians ignore a pair that did not.
    fn compare(
        &mut self,
        in_flight: usize,
        unit: &str,
        (base_name, mut baseline): (&str, Way<'_>),
        (name, mut client): (&str, Way<'_>),
        pooled: bool,
    ) {
        let (mut base_runs, mut client_runs) = (
            vec![self.warm_up(&mut baseline, in_flight)],
            vec![self.warm_up(&mut client, in_flight)],
        );
        let mut ratios = Vec::with_capacity(self.repeats);
        for _ in 0..self.repeats {
            let base = self.counted(&mut baseline, self.tokens / self.repeats);
            let run = self.counted(&mut client, self.tokens / self.repeats);
            ratios.push(run.per_second() / base.per_second());
            base_runs.push(base);
            client_runs.push(run);
        }
        ratios.sort_by(f64::total_cmp);
        let quartile = |q: f64| ratios[((ratios.len() - 1) as f64 * q).round() as usize];
        let ratio = Ratio {
            median: quartile(0.5),
            low: quartile(0.25),
            high: quartile(0.75),
        };
        let (mut base, mut run) = (Run::merge(base_runs), Run::merge(client_runs));
        self.row(base_name, in_flight, unit, &mut base, None, true);
        self.row(name, in_flight, unit, &mut run, Some(ratio), pooled);
    }

    /// Runs `way` `repeats` times and prints its row.
    fn alone(&mut self, name: &str, in_flight: usize, unit: &str, mut way: Way<'_>) {
        let mut runs = vec![self.warm_up(&mut way, in_flight)];
        runs.extend((0..self.repeats).map(|_| self.counted(&mut way, self.tokens / self.repeats)));
        self.row(name, in_flight, unit, &mut Run::merge(runs), None, true);
    }

    fn row(
        &mut self,
        way: &str,
        in_flight: usize,
        unit: &str,
        run: &mut Run,
        ratio: Option<Ratio>,
        pooled: bool,
    ) {
        let ratio_text = ratio.map_or("—".to_owned(), |r| {
            format!("{:.3} ({:.3}–{:.3})", r.median, r.low, r.high)
        });
        let (p50, p99) = (
            run.percentile(0.5).as_secs_f64() * 1e6,
            run.percentile(0.99).as_secs_f64() * 1e6,
        );
        let handshakes = if self.protocol == "https" {
            run.handshakes.to_string()
        } else {
            "—".to_owned()
        };
        println!(
            "| {way} | {in_flight} {unit} | {:.0} | {p50:.0} | {p99:.0} | {ratio_text} | {} | {handshakes} |",
            run.per_second(),
            run.connections,
        );
        let opened = run.connections.max(run.handshakes);
        if pooled && opened > in_flight as u64 {
            self.over_pool
                .push(format!("{way} at {in_flight}: {opened} connections"));
        }
        let _ = writeln!(
            self.csv,
            "{},{way},{in_flight},{:.1},{p50:.1},{p99:.1},{},{},{}",
            self.protocol,
            run.per_second(),
            ratio.map_or(String::new(), |r| format!("{:.4}", r.median)),
            run.connections,
            run.handshakes,
        );
    }
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
    // One TLS setup for every way: rustls on ring, as the emulator, the floor and
    // gemini-token-ureq use. A reqwest client built without a TLS configuration of its
    // own (the bare baseline's) takes the process default; without one it would take
    // aws-lc-rs.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let args = args();
    let mut emulator = None;
    let (base_url, key, roots) = match (&args.base_url, &args.key) {
        (Some(url), Some(key)) => {
            let roots = args
                .ca_cert
                .as_ref()
                .map(|path| std::fs::read(path).unwrap());
            (url.clone(), key.clone(), roots)
        }
        _ => {
            let builder = Emulator::builder();
            let own = if args.tls { builder.tls() } else { builder }
                .start()
                .unwrap();
            let found = (
                own.base_url().to_owned(),
                own.key().to_owned(),
                own.ca_certificate_pem().map(|pem| pem.as_bytes().to_vec()),
            );
            emulator = Some(own);
            found
        }
    };
    let protocol = if base_url.starts_with("https://") {
        "https"
    } else {
        "http"
    };
    let tokens = args.tokens;
    let key = ApiKey::new(key).unwrap();
    let config = Arc::new(typical_config());
    let endpoint = Endpoint::new(&base_url, "v1alpha").unwrap();
    let bare = Arc::new(BarePost::new(&config, &endpoint, &key).unwrap());
    let timeout = gemini_token_core::DEFAULT_TIMEOUT;
    let once = Arc::new(PreparedConfig::new(&config).unwrap());
    let dialer = floor::Dialer::new(&base_url, roots.as_deref());
    let counters = Counters {
        emulator,
        dialer: dialer.clone(),
        probes: std::cell::Cell::new(0),
    };
    let mut table = Table {
        counters: &counters,
        tokens,
        repeats: args.repeats,
        protocol,
        csv: String::new(),
        over_pool: Vec::new(),
    };
    let setup = |idle_per_host| Setup {
        root_certificates: roots.clone(),
        idle_per_host,
        timeout: Some(timeout),
    };
    let ureq_client = |agent: Option<ureq::Agent>| {
        let mut builder = gemini_token_ureq::Client::builder(key.clone())
            .base_url(base_url.as_str())
            .retry(RetryPolicy::none());
        match (agent, &roots) {
            (Some(agent), _) => builder = builder.http_client(agent),
            (None, Some(pem)) => builder = builder.root_certificates(pem),
            (None, None) => {}
        }
        builder.build().unwrap()
    };
    let reqwest_client = |http: Option<reqwest::Client>| {
        let mut builder = gemini_token_reqwest::Client::builder(key.clone())
            .base_url(base_url.as_str())
            .retry(RetryPolicy::none());
        match (http, &roots) {
            (Some(http), _) => builder = builder.http_client(http),
            (None, Some(pem)) => builder = builder.root_certificates(pem),
            (None, None) => {}
        }
        builder.build().unwrap()
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();

    println!(
        "{tokens} tokens per row ({} runs alternating with the baseline, after an untimed \
         warm-up of 4 tokens per request in flight), typical config, \
         against {base_url}",
        args.repeats
    );
    println!(
        "| way | in flight | tokens/s | p50 µs | p99 µs | tokens/s vs bare: median of pairs (IQR) | connections | TLS handshakes |"
    );
    println!("|---|---|---|---|---|---|---|---|");

    for &n in &args.in_flight {
        // The floor: raw connections, one thread per request in flight.
        let raw = floor::Floor::new(dialer.clone(), &bare);
        table.alone(
            if protocol == "https" {
                "raw TLS stream (floor)"
            } else {
                "raw TcpStream (floor)"
            },
            n,
            "threads",
            Box::new(|k| blocking(k, n, &|| raw.post())),
        );
        drop(raw);

        // Blocking: ureq. A new agent and client for each row, so that the row's
        // connections are its own.
        for prepared in [false, true] {
            let agent = BarePost::ureq_agent(&setup(n));
            let client = ureq_client(None);
            let config = &config;
            let once = &once;
            let (bare, client) = (&bare, &client);
            let mint: Box<dyn Fn() + Sync> = if prepared {
                Box::new(move || drop(client.create_prepared(once).unwrap()))
            } else {
                Box::new(move || drop(client.create(config).unwrap()))
            };
            table.compare(
                n,
                "threads",
                (
                    "bare ureq POST",
                    Box::new(|k| blocking(k, n, &|| bare.post_ureq(&agent))),
                ),
                (
                    if prepared {
                        "gemini-token-ureq create_prepared"
                    } else {
                        "gemini-token-ureq create"
                    },
                    Box::new(|k| blocking(k, n, &*mint)),
                ),
                true,
            );
        }

        // Async: reqwest on a two-thread tokio runtime.
        for prepared in [false, true] {
            let http = BarePost::reqwest_client(&setup(usize::MAX));
            let client = reqwest_client(None);
            let bare_post = |k| {
                let (http, bare) = (http.clone(), Arc::clone(&bare));
                concurrent(&runtime, k, n, move || {
                    let (http, bare) = (http.clone(), Arc::clone(&bare));
                    async move { bare.post_reqwest(&http).await }
                })
            };
            let mint = |k| {
                let (client, config, once) =
                    (client.clone(), Arc::clone(&config), Arc::clone(&once));
                concurrent(&runtime, k, n, move || {
                    let (client, config, once) =
                        (client.clone(), Arc::clone(&config), Arc::clone(&once));
                    async move {
                        if prepared {
                            drop(client.create_prepared(&once).await.unwrap());
                        } else {
                            drop(client.create(&config).await.unwrap());
                        }
                    }
                })
            };
            table.compare(
                n,
                "tasks",
                ("bare reqwest POST", Box::new(bare_post)),
                (
                    if prepared {
                        "gemini-token-reqwest create_prepared"
                    } else {
                        "gemini-token-reqwest create"
                    },
                    Box::new(mint),
                ),
                true,
            );
        }
    }

    // Without a pool: what a client that opens a connection per token would pay, one
    // request at a time, against the pooled bare post.
    {
        let agent = BarePost::ureq_agent(&setup(1));
        let unpooled = ureq_client(Some(BarePost::ureq_agent(&setup(0))));
        table.compare(
            1,
            "threads",
            (
                "bare ureq POST",
                Box::new(|k| blocking(k, 1, &|| bare.post_ureq(&agent))),
            ),
            (
                "gemini-token-ureq create_prepared, new connection per token",
                Box::new(|k| blocking(k, 1, &|| drop(unpooled.create_prepared(&once).unwrap()))),
            ),
            false,
        );
        let http = BarePost::reqwest_client(&setup(usize::MAX));
        let unpooled = reqwest_client(Some(BarePost::reqwest_client(&setup(0))));
        table.compare(
            1,
            "tasks",
            (
                "bare reqwest POST",
                Box::new(|k| {
                    let (http, bare) = (http.clone(), Arc::clone(&bare));
                    concurrent(&runtime, k, 1, move || {
                        let (http, bare) = (http.clone(), Arc::clone(&bare));
                        async move { bare.post_reqwest(&http).await }
                    })
                }),
            ),
            (
                "gemini-token-reqwest create_prepared, new connection per token",
                Box::new(|k| {
                    let (client, once) = (unpooled.clone(), Arc::clone(&once));
                    concurrent(&runtime, k, 1, move || {
                        let (client, once) = (client.clone(), Arc::clone(&once));
                        async move { drop(client.create_prepared(&once).await.unwrap()) }
                    })
                }),
            ),
            false,
        );
    }

    if table.over_pool.is_empty() {
        println!(
            "pooled rows: no row opened more connections than requests in flight{}",
            if protocol == "https" {
                " (each connection one TLS handshake)"
            } else {
                ""
            }
        );
    } else {
        println!(
            "pooled rows that opened more connections than requests in flight: {}",
            table.over_pool.join("; ")
        );
    }
    println!("peak RSS of this process: {} KiB", peak_rss_kib());
    if let Some(path) = &args.csv {
        std::fs::write(path, &table.csv).unwrap();
    }
}
