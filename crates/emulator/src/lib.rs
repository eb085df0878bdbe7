//! # gemini-token-emulator
//!
//! A local emulator of the Gemini API token service (`POST /v1alpha/auth_tokens`), to
//! mint against without a Google account or a network: on `127.0.0.1`, on a port the
//! OS picks, answering as the real service does (the key check, the body rules, the
//! defaults, Google's error JSON), keeping every token it mints, and failing on demand
//! in every way the service or the network can.
//!
//! ```
//! use gemini_token_emulator::{Emulator, Fault};
//!
//! let emulator = Emulator::start()?;
//! println!("mint at {} with key {}", emulator.base_url(), emulator.key());
//! emulator.push_fault(Fault::unavailable()); // the next request gets a 503
//! assert!(emulator.tokens().is_empty());
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! On the same port it serves the Live API's WebSocket, where tokens are used
//! ([`live`]): `GET /ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained`
//! with `?access_token=` or `Authorization: Token`. It applies the token's rules (uses,
//! expiry, the deadline for new sessions, the locked fields), answers the setup and
//! echoes each turn, closes with the codes and reasons the service sends, and records
//! every session ([`Emulator::sessions`]).
//!
//! With [`EmulatorBuilder::tls`] it serves HTTPS (and `wss://`) instead, with a
//! certificate authority made at start that clients are given to trust
//! ([`Emulator::ca_certificate_pem`]).
//!
//! The emulator is for tests, examples and the command line; no library crate of this
//! project depends on it. Its limits (timeouts, a connection cap, bounded faults) keep
//! one misbehaving client from starving the others; `docs/emulator.md` lists them.

#![forbid(unsafe_code)]

mod faults;
mod google;
mod http;
pub mod live;
mod mask;
mod proto_json;
mod rfc3339;
mod schema;
mod server;
mod service;
mod store;
mod tls;
mod transport;

use std::collections::VecDeque;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::thread::JoinHandle;
use std::time::Duration;

use time::OffsetDateTime;

pub use faults::{Fault, FaultError};
pub use google::{
    INVALID_KEY, MASK_INVALID, MASK_MISSES_FIELDS, MISSING_KEY, PROXY_ERROR_PAGE,
    quota_exceeded_body, unavailable_body,
};
pub use live::{ClosedBy, Credential, LiveSession};
pub use store::MintedToken;

use server::{Limits, Shared, lock};

/// The path under which the emulator lists what it minted (`GET`, JSON); the real
/// service has no such path.
pub const TOKENS_PATH: &str = service::TOKENS_PATH;

/// The path under which the emulator reports its counters (`GET`, JSON:
/// `connections`, `openConnections`, `handshakes`, `evictedConnections`,
/// `refusedConnections`, `mintRequests`); the real service has no such path.
pub const STATS_PATH: &str = service::STATS_PATH;

/// The path under which the emulator lists the Live sessions (`GET`, JSON:
/// `{"sessions": [...]}`, each a [`LiveSession`]); the real service has no such path.
pub const SESSIONS_PATH: &str = service::SESSIONS_PATH;

/// A running emulator. Dropping it stops the server and joins its threads.
pub struct Emulator {
    addr: SocketAddr,
    base_url: String,
    shared: Arc<Shared>,
    acceptor: Option<JoinHandle<()>>,
}

impl fmt::Debug for Emulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .field("keys", &"[redacted]")
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// Starts an emulator on `127.0.0.1`, on a port the OS picks, with one random key.
    pub fn start() -> io::Result<Self> {
        Self::builder().start()
    }

    /// A builder, to choose the address, the keys, the clock or faults to start with.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// The base URL to mint at, such as `http://127.0.0.1:40123`, or
    /// `https://127.0.0.1:40123` when started with [`EmulatorBuilder::tls`].
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The certificate authority that signed the server's certificate, in PEM, when
    /// serving HTTPS: what a client must trust. Made at start, so it differs on every
    /// run; its private key never leaves the process.
    pub fn ca_certificate_pem(&self) -> Option<&str> {
        self.shared.tls.as_ref().map(tls::Tls::ca_pem)
    }

    /// The same authority, in DER.
    pub fn ca_certificate_der(&self) -> Option<&[u8]> {
        self.shared.tls.as_ref().map(tls::Tls::ca_der)
    }

    /// Writes [`ca_certificate_pem`](Self::ca_certificate_pem) to `path` (replacing
    /// the file), for a client in another process to trust. Fails with
    /// [`io::ErrorKind::InvalidInput`] when the emulator serves plain HTTP.
    pub fn write_ca_certificate(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let pem = self.ca_certificate_pem().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the emulator serves plain HTTP and has no CA certificate; \
                 start it with EmulatorBuilder::tls()",
            )
        })?;
        std::fs::write(path, pem)
    }

    /// How many TCP connections it accepted, refused ones included.
    pub fn connections(&self) -> u64 {
        self.shared.counters.accepted.load(Ordering::SeqCst)
    }

    /// How many TLS handshakes it completed (0 over plain HTTP). A client that keeps
    /// its connections alive makes one per connection, however many tokens it mints.
    pub fn handshakes(&self) -> u64 {
        self.shared.counters.handshakes.load(Ordering::SeqCst)
    }

    /// How many connections are open now.
    pub fn open_connections(&self) -> usize {
        self.shared.open_connections()
    }

    /// The address it listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The first key it accepts.
    pub fn key(&self) -> &str {
        self.shared.keys.first().map_or("", String::as_str)
    }

    /// Every key it accepts.
    pub fn keys(&self) -> &[String] {
        &self.shared.keys
    }

    /// Every token minted so far, oldest first.
    pub fn tokens(&self) -> Vec<MintedToken> {
        lock(&self.shared.tokens).clone()
    }

    /// The Live API's constrained WebSocket for tokens, on the same port, without a
    /// token: `ws://127.0.0.1:40123/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained`
    /// (`wss://` with [`EmulatorBuilder::tls`]). Add `?access_token=` and the token, or
    /// send it in `Authorization: Token ...`.
    pub fn live_url(&self) -> String {
        let scheme = if self.shared.tls.is_some() {
            "wss"
        } else {
            "ws"
        };
        format!(
            "{scheme}://{}/ws/google.ai.generativelanguage.v1alpha.GenerativeService.\
             BidiGenerateContentConstrained",
            self.addr
        )
    }

    /// Every Live connection so far, oldest first (at most the last 10 000), refused
    /// ones included: the token, the client's setup, the effective setup, the times
    /// and how it ended. The same is at `GET /emulator/sessions`.
    pub fn sessions(&self) -> Vec<LiveSession> {
        self.shared.live.sessions()
    }

    /// How many requests reached the token method, faulted ones included.
    pub fn mint_requests(&self) -> usize {
        self.shared.mint_requests.load(Ordering::SeqCst)
    }

    /// Fails the next request to the token method not already claimed by a queued
    /// fault; a Live fault ([`Fault::is_live`]), the next Live session set up.
    pub fn push_fault(&self, fault: Fault) {
        if fault.is_live() {
            self.shared.live.push_fault(fault);
        } else {
            lock(&self.shared.faults).push_back(fault);
        }
    }

    /// How many faults were drawn at random (see [`EmulatorBuilder::fault_rate`]).
    pub fn random_faults_drawn(&self) -> usize {
        self.shared
            .random_faults
            .as_ref()
            .map_or(0, |r| r.drawn.load(Ordering::SeqCst))
    }

    /// Faults queued and not yet applied, Live ones included.
    pub fn pending_faults(&self) -> usize {
        lock(&self.shared.faults).len() + self.shared.live.pending_faults()
    }

    /// Stops the server: new connections are refused, open ones closed, faults that
    /// wait (delays, drips) cut short. The same happens on drop.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(acceptor) = self.acceptor.take() {
            server::stop(&self.shared, self.addr, Some(acceptor));
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Chooses how an [`Emulator`] starts.
pub struct EmulatorBuilder {
    addr: SocketAddr,
    keys: Vec<String>,
    clock: Option<Box<dyn Fn() -> OffsetDateTime + Send + Sync>>,
    faults: VecDeque<Fault>,
    random: Option<(f64, Vec<Fault>)>,
    keep_tokens: bool,
    limits: Limits,
    tls: bool,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            keys: Vec::new(),
            clock: None,
            faults: VecDeque::new(),
            random: None,
            keep_tokens: true,
            limits: Limits::default(),
            tls: false,
        }
    }
}

impl fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("addr", &self.addr)
            .field("keys", &self.keys.len())
            .field("fixed_clock", &self.clock.is_some())
            .field("faults", &self.faults)
            .field("random", &self.random)
            .field("keep_tokens", &self.keep_tokens)
            .field("limits", &self.limits)
            .field("tls", &self.tls)
            .finish()
    }
}

impl EmulatorBuilder {
    /// Listens on this port of `127.0.0.1` (0, the default, lets the OS pick).
    #[must_use]
    pub fn port(mut self, port: u16) -> Self {
        self.addr.set_port(port);
        self
    }

    /// Listens on this address. Anything but a loopback address is for a network
    /// namespace of your own: the emulator logs nothing, and its certificate (with
    /// [`tls`](Self::tls)) is one no one else trusts.
    #[must_use]
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// Accepts this key (call again for more). Without any, one random key is made.
    #[must_use]
    pub fn key(mut self, key: impl Into<String>) -> Self {
        self.keys.push(key.into());
        self
    }

    /// Uses this clock instead of the system's, for tests of the time rules.
    #[must_use]
    pub fn clock(mut self, clock: impl Fn() -> OffsetDateTime + Send + Sync + 'static) -> Self {
        self.clock = Some(Box::new(clock));
        self
    }

    /// Queues a fault for the first requests, in order (a Live fault, for the first
    /// Live sessions).
    #[must_use]
    pub fn fault(mut self, fault: Fault) -> Self {
        self.faults.push_back(fault);
        self
    }

    /// Fails a share `rate` (0 to 1) of the requests not claimed by a queued fault, each
    /// with one of `faults` picked at random: for soak tests.
    #[must_use]
    pub fn fault_rate(mut self, rate: f64, faults: Vec<Fault>) -> Self {
        self.random = Some((rate.clamp(0.0, 1.0), faults));
        self
    }

    /// Whether to keep every minted token (the default). A soak that mints many
    /// thousands turns this off, so that the emulator's memory stays flat.
    #[must_use]
    pub fn keep_tokens(mut self, keep: bool) -> Self {
        self.keep_tokens = keep;
        self
    }

    /// Closes a connection that waits longer than this for a request (its first, or
    /// the next on a kept-alive connection), without an answer. Default 30 s. Also
    /// bounds how long one write of an answer may wait for a client that stopped
    /// reading.
    #[must_use]
    pub fn idle_timeout(mut self, timeout: Duration) -> Self {
        self.limits.idle_timeout = timeout;
        self
    }

    /// Answers `408` (Google's error JSON, then closes) when a request's head and
    /// body have not arrived in full this long after its first byte, however steadily
    /// the bytes trickle in. Default 10 s. Also bounds a TLS handshake.
    #[must_use]
    pub fn request_timeout(mut self, timeout: Duration) -> Self {
        self.limits.request_timeout = timeout;
        self
    }

    /// Keeps at most this many connections open (default 1024; 0 is taken as 1).
    /// Past it, a new connection closes the one idle the longest, else the one
    /// that has been sending its request the longest; when every connection is busy
    /// answering, the new one is answered `503 UNAVAILABLE` and closed.
    #[must_use]
    pub fn max_connections(mut self, max: usize) -> Self {
        self.limits.max_connections = max.max(1);
        self
    }

    /// Serves HTTPS instead of HTTP, on the same kind of port, with a certificate for
    /// `127.0.0.1` and `localhost` signed by an authority made at start (see
    /// [`Emulator::ca_certificate_pem`]). TLS 1.2 and 1.3, through `rustls` on `ring`.
    #[must_use]
    pub fn tls(mut self) -> Self {
        self.tls = true;
        self
    }

    /// Binds and starts serving.
    pub fn start(self) -> io::Result<Emulator> {
        let mut keys = self.keys;
        if keys.is_empty() {
            let random = service::random_hex::<16>()
                .ok_or_else(|| io::Error::other("the OS random generator failed"))?;
            keys.push(format!("emulator-{random}"));
        }
        let listener = listen(self.addr, self.limits.max_connections)?;
        let addr = listener.local_addr()?;
        let clock = self
            .clock
            .unwrap_or_else(|| Box::new(OffsetDateTime::now_utc));
        let random = match self.random {
            Some((rate, faults)) => {
                let mut seed = [0u8; 8];
                getrandom::fill(&mut seed)
                    .map_err(|_| io::Error::other("the OS random generator failed"))?;
                Some(server::RandomFaults::new(
                    rate,
                    faults,
                    u64::from_le_bytes(seed),
                ))
            }
            None => None,
        };
        let tls = if self.tls {
            Some(tls::Tls::generate(addr.ip())?)
        } else {
            None
        };
        let scheme = if tls.is_some() { "https" } else { "http" };
        let shared = Arc::new(Shared::new(server::Config {
            keys,
            clock,
            faults: self.faults,
            random_faults: random,
            keep_tokens: self.keep_tokens,
            limits: self.limits,
            tls,
        }));
        let worker = Arc::clone(&shared);
        let acceptor = std::thread::Builder::new()
            .name("emulator-accept".to_owned())
            .spawn(move || server::accept_loop(listener, worker))?;
        Ok(Emulator {
            addr,
            base_url: format!("{scheme}://{addr}"),
            shared,
            acceptor: Some(acceptor),
        })
    }
}

/// Binds a listener whose queue holds a burst as large as the connection cap (the
/// standard library's holds 128: a client opening more at once waits a second for
/// its SYN to be sent again).
fn listen(addr: SocketAddr, backlog: usize) -> io::Result<TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    #[cfg(unix)]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(i32::try_from(backlog).unwrap_or(i32::MAX))?;
    Ok(socket.into())
}

#[doc(hidden)]
pub mod fuzzing {
    //! **Unstable, for fuzzing only**: not part of the API, may change or go in any
    //! release.

    use std::collections::VecDeque;

    use time::OffsetDateTime;

    use crate::server::{Config, Limits, Shared, Slot};
    use crate::transport::MemoryStream;

    /// The key [`serve_bytes`] accepts, for a fuzzer's dictionary.
    pub const KEY: &str = "fuzzing-key";

    /// The most [`serve_bytes`] returns; past it, the server sees a peer that stopped
    /// reading.
    pub const MAX_OUTPUT: usize = 16 * 1024 * 1024;

    /// Serves one connection on which the client sent `input` and then closed its
    /// writing half: the emulator's request reading and handling, with no socket, no
    /// fault, no sleep, a fixed clock (2026-01-01T00:00:00Z) and [`KEY`]. Returns what
    /// the server wrote. Never panics; runs in time bounded by the input's length.
    pub fn serve_bytes(input: &[u8]) -> Vec<u8> {
        let shared = Shared::new(Config {
            keys: vec![KEY.to_owned()],
            clock: Box::new(|| OffsetDateTime::UNIX_EPOCH + time::Duration::seconds(1_767_225_600)),
            faults: VecDeque::new(),
            random_faults: None,
            keep_tokens: true,
            limits: Limits::default(),
            tls: None,
        });
        let mut stream = MemoryStream::new(input, MAX_OUTPUT);
        crate::http::serve_connection(&mut stream, &shared, &Slot::detached());
        stream.output
    }
}
