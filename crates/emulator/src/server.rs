//! A small server on plain threads: one thread accepts, one thread serves each
//! connection (keep-alive), with a small stack. Blocking threads suit what the
//! emulator does: faults that write to the raw socket, TLS through a blocking
//! `rustls` stream, and (later) a blocking WebSocket on the same port.
//!
//! Every connection is registered with its state (idle, reading a request, busy
//! answering), so that past the connection cap the server can choose whom to close.

use std::collections::{HashMap, VecDeque};
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU8, AtomicU64, AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use serde_json::json;
use time::OffsetDateTime;

use crate::faults::Fault;
use crate::google::{self, Reply};
use crate::http;
use crate::live::LiveState;
use crate::store::MintedToken;
use crate::tls::Tls;
use crate::transport::TimedSocket;

/// The stack of a connection thread: half the default. The deepest body the JSON
/// parser accepts (128 levels, through the setup's checks) needs about 450 KiB in a
/// debug build, so this leaves twice that. Only the pages a thread touches count as
/// memory: a thousand idle connections take about 20 MiB.
const STACK_SIZE: usize = 1024 * 1024;

/// How many large body buffers are kept for reuse.
const POOLED_BODIES: usize = 4;
/// The smallest body buffer worth keeping.
const POOLED_BODY_MIN: usize = 64 * 1024;

/// The largest body a connection holds on its own. A larger one (up to the 20 MiB the
/// emulator takes) needs one of [`LARGE_BODIES`] permits for as long as it is read and
/// answered, so that the memory bodies take stays bounded however many clients send
/// large ones at once: about 1 MiB per connection plus 20 MiB per permit.
pub(crate) const HELD_BODY: usize = 1024 * 1024;
/// How many bodies larger than [`HELD_BODY`] may be in memory at once.
pub(crate) const LARGE_BODIES: usize = 2;

/// How many refused connections may wait for their 503 before more are simply closed.
const REFUSALS_QUEUED: usize = 64;

/// The time limits and the connection cap.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// How long a connection may wait between requests, or for its first.
    pub(crate) idle_timeout: Duration,
    /// How long a request's head and body may take to arrive, from its first byte
    /// (and a TLS handshake, from the connection).
    pub(crate) request_timeout: Duration,
    /// How many connections may be open at once.
    pub(crate) max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            idle_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

/// Everything the server is started with.
pub(crate) struct Config {
    pub(crate) keys: Vec<String>,
    pub(crate) clock: Box<dyn Fn() -> OffsetDateTime + Send + Sync>,
    pub(crate) faults: VecDeque<Fault>,
    pub(crate) random_faults: Option<RandomFaults>,
    pub(crate) keep_tokens: bool,
    pub(crate) limits: Limits,
    pub(crate) tls: Option<Tls>,
}

/// What the server threads share with the handle.
pub(crate) struct Shared {
    pub(crate) keys: Vec<String>,
    pub(crate) clock: Box<dyn Fn() -> OffsetDateTime + Send + Sync>,
    pub(crate) faults: Mutex<VecDeque<Fault>>,
    pub(crate) random_faults: Option<RandomFaults>,
    pub(crate) keep_tokens: bool,
    pub(crate) limits: Limits,
    pub(crate) tls: Option<Tls>,
    pub(crate) tokens: Mutex<Vec<MintedToken>>,
    /// The Live sessions, the uses they spent, their handles and faults.
    pub(crate) live: LiveState,
    pub(crate) mint_requests: AtomicUsize,
    pub(crate) counters: Counters,
    stopping: AtomicBool,
    wake: Condvar,
    sleeping: Mutex<()>,
    registry: Mutex<HashMap<u64, Arc<Slot>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    /// Large body buffers given back, for the next large body on any thread: each
    /// thread's allocator arena would otherwise keep its own megabyte or two.
    bodies: Mutex<Vec<Vec<u8>>>,
    /// The permits for bodies larger than [`HELD_BODY`], and their buffers.
    large_bodies: Mutex<LargePool>,
    /// Signalled when one of those is let go (or the server stops).
    large_body_done: Condvar,
    next_id: AtomicU64,
    /// Orders state changes, so that "the oldest idle connection" is well defined.
    clock_ticks: AtomicU64,
}

/// Counts of what happened to connections, for tests and benchmarks.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Connections accepted, refused ones included.
    pub(crate) accepted: AtomicU64,
    /// TLS handshakes completed.
    pub(crate) handshakes: AtomicU64,
    /// Connections closed to make room for a new one.
    pub(crate) evicted: AtomicU64,
    /// Connections answered 503 because every other one was busy.
    pub(crate) refused: AtomicU64,
}

/// A connection's state, as the cap sees it.
const IDLE: u8 = 0;
const READING: u8 = 1;
const BUSY: u8 = 2;
const EVICTED: u8 = 3;

/// One registered connection.
#[derive(Debug)]
pub(crate) struct Slot {
    /// A handle on the socket, to close it from another thread.
    socket: Option<TcpStream>,
    state: AtomicU8,
    /// The tick of the last state change.
    since: AtomicU64,
}

impl Slot {
    /// A slot for a connection no registry knows (in memory, for fuzzing).
    pub(crate) fn detached() -> Self {
        Self {
            socket: None,
            state: AtomicU8::new(IDLE),
            since: AtomicU64::new(0),
        }
    }

    fn new(socket: Option<TcpStream>, state: u8, tick: u64) -> Self {
        Self {
            socket,
            state: AtomicU8::new(state),
            since: AtomicU64::new(tick),
        }
    }
}

/// The permits for large bodies: how many are out, and the buffers of those given
/// back. A large body is read into one of these buffers rather than a fresh one, so
/// that large bodies take at most [`LARGE_BODIES`] buffers of up to 20 MiB for the
/// life of the server, instead of leaving their memory in each thread's allocator
/// arena.
#[derive(Debug, Default)]
pub(crate) struct LargePool {
    in_use: usize,
    buffers: Vec<Vec<u8>>,
}

/// The right to hold one body larger than [`HELD_BODY`], with a buffer for it; both
/// are given back when dropped.
pub(crate) struct LargeBody<'a> {
    shared: &'a Shared,
    buffer: Vec<u8>,
}

impl LargeBody<'_> {
    /// The buffer to read the body into, empty.
    pub(crate) fn take_buffer(&mut self) -> Vec<u8> {
        let mut buffer = std::mem::take(&mut self.buffer);
        buffer.clear();
        buffer
    }

    /// Keeps `body`'s buffer to give back with the permit.
    pub(crate) fn keep(&mut self, body: Vec<u8>) {
        if body.capacity() > self.buffer.capacity() {
            self.buffer = body;
        }
    }
}

impl Drop for LargeBody<'_> {
    fn drop(&mut self) {
        let mut pool = lock(&self.shared.large_bodies);
        pool.in_use = pool.in_use.saturating_sub(1);
        if pool.buffers.len() < LARGE_BODIES {
            let mut buffer = std::mem::take(&mut self.buffer);
            buffer.clear();
            pool.buffers.push(buffer);
        }
        self.shared.large_body_done.notify_one();
    }
}

/// Faults drawn at random for a share of the requests (for soak tests).
pub(crate) struct RandomFaults {
    rate: f64,
    faults: Vec<Fault>,
    state: Mutex<u64>,
    pub(crate) drawn: AtomicUsize,
}

impl RandomFaults {
    pub(crate) fn new(rate: f64, mut faults: Vec<Fault>, seed: u64) -> Self {
        faults.retain(|f| !f.is_live());
        Self {
            rate,
            faults,
            state: Mutex::new(seed | 1),
            drawn: AtomicUsize::new(0),
        }
    }

    /// A fault for this request, with probability `rate`. Live faults in the list are
    /// never drawn: random faults are for the token method.
    pub(crate) fn draw(&self) -> Option<Fault> {
        if self.faults.is_empty() {
            return None;
        }
        let mut state = lock(&self.state);
        // xorshift64*: enough for spreading faults; tokens use the OS generator.
        let mut next = || {
            *state ^= *state >> 12;
            *state ^= *state << 25;
            *state ^= *state >> 27;
            state.wrapping_mul(0x2545_F491_4F6C_DD1D)
        };
        let unit = (next() >> 11) as f64 / (1u64 << 53) as f64;
        if unit >= self.rate {
            return None;
        }
        let pick = (next() % self.faults.len() as u64) as usize;
        self.drawn.fetch_add(1, Ordering::SeqCst);
        self.faults.get(pick).cloned()
    }
}

/// A lock that survives a thread that panicked while holding it: the data here stays
/// consistent between statements.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Shared {
    pub(crate) fn new(config: Config) -> Self {
        let (live_faults, faults): (VecDeque<Fault>, VecDeque<Fault>) =
            config.faults.into_iter().partition(Fault::is_live);
        Self {
            keys: config.keys,
            clock: config.clock,
            faults: Mutex::new(faults),
            live: LiveState::new(live_faults),
            random_faults: config.random_faults,
            keep_tokens: config.keep_tokens,
            limits: config.limits,
            tls: config.tls,
            tokens: Mutex::new(Vec::new()),
            mint_requests: AtomicUsize::new(0),
            counters: Counters::default(),
            stopping: AtomicBool::new(false),
            wake: Condvar::new(),
            sleeping: Mutex::new(()),
            registry: Mutex::new(HashMap::new()),
            workers: Mutex::new(Vec::new()),
            bodies: Mutex::new(Vec::new()),
            large_bodies: Mutex::new(LargePool::default()),
            large_body_done: Condvar::new(),
            next_id: AtomicU64::new(0),
            clock_ticks: AtomicU64::new(0),
        }
    }

    pub(crate) fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Sleeps `duration`, or less if the server stops; `false` if it is stopping.
    pub(crate) fn sleep(&self, duration: Duration) -> bool {
        let guard = lock(&self.sleeping);
        let _ = self
            .wake
            .wait_timeout_while(guard, duration, |()| !self.stopping())
            .unwrap_or_else(PoisonError::into_inner);
        !self.stopping()
    }

    /// An empty buffer for a large request body, reused if one was given back.
    pub(crate) fn body_buffer(&self) -> Vec<u8> {
        lock(&self.bodies).pop().unwrap_or_default()
    }

    /// Takes back a request body's buffer, if it is large, not larger than a
    /// connection holds on its own, and there is room.
    pub(crate) fn give_back(&self, mut body: Vec<u8>) {
        if (POOLED_BODY_MIN..=HELD_BODY).contains(&body.capacity()) {
            body.clear();
            let mut bodies = lock(&self.bodies);
            if bodies.len() < POOLED_BODIES {
                bodies.push(body);
            }
        }
    }

    /// A permit to hold a body larger than [`HELD_BODY`], waiting until `deadline` for
    /// one to be free; `None` if none was, or the server is stopping.
    pub(crate) fn large_body(&self, deadline: Instant) -> Option<LargeBody<'_>> {
        let mut pool = lock(&self.large_bodies);
        loop {
            if self.stopping() {
                return None;
            }
            if pool.in_use < LARGE_BODIES {
                pool.in_use += 1;
                let buffer = pool.buffers.pop().unwrap_or_default();
                return Some(LargeBody {
                    shared: self,
                    buffer,
                });
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            pool = self
                .large_body_done
                .wait_timeout(pool, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// How many connections are open.
    pub(crate) fn open_connections(&self) -> usize {
        lock(&self.registry).len()
    }

    fn tick(&self) -> u64 {
        self.clock_ticks.fetch_add(1, Ordering::SeqCst)
    }

    /// Moves `slot` from state `from` to `to`; `false` if it was not in `from` (it was
    /// closed to make room, so the connection must end).
    fn shift(&self, slot: &Slot, from: u8, to: u8) -> bool {
        let moved = slot
            .state
            .compare_exchange(from, to, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        if moved {
            slot.since.store(self.tick(), Ordering::SeqCst);
        }
        moved
    }

    /// The TLS handshake is done; waiting for the first request.
    pub(crate) fn handshake_done(&self, slot: &Slot) -> bool {
        self.shift(slot, READING, IDLE)
    }

    /// The first bytes of a request arrived on an idle connection.
    pub(crate) fn begin_request(&self, slot: &Slot) -> bool {
        self.shift(slot, IDLE, READING)
    }

    /// The request arrived in full; answering it.
    pub(crate) fn request_read(&self, slot: &Slot) -> bool {
        self.shift(slot, READING, BUSY)
    }

    /// Answered; waiting for the next request.
    pub(crate) fn answered(&self, slot: &Slot) -> bool {
        self.shift(slot, BUSY, IDLE)
    }

    /// Makes room for one more connection: under the cap, nothing to do; at it, the
    /// connection idle the longest is closed, else the one that has been reading its
    /// request the longest (a slow sender). `false` if every connection is busy
    /// answering.
    fn make_room(&self) -> bool {
        let mut registry = lock(&self.registry);
        if registry.len() < self.limits.max_connections {
            return true;
        }
        for class in [IDLE, READING] {
            loop {
                let victim = registry
                    .iter()
                    .filter(|(_, slot)| slot.state.load(Ordering::SeqCst) == class)
                    .min_by_key(|(_, slot)| slot.since.load(Ordering::SeqCst))
                    .map(|(id, slot)| (*id, Arc::clone(slot)));
                let Some((id, slot)) = victim else { break };
                // The connection may have moved on since the scan; then look again.
                if slot
                    .state
                    .compare_exchange(class, EVICTED, Ordering::SeqCst, Ordering::SeqCst)
                    .is_ok()
                {
                    if let Some(socket) = &slot.socket {
                        let _ = socket.shutdown(Shutdown::Both);
                    }
                    registry.remove(&id);
                    self.counters.evicted.fetch_add(1, Ordering::SeqCst);
                    return true;
                }
            }
        }
        false
    }

    /// The emulator's own counters, as JSON (`GET /emulator/stats`).
    pub(crate) fn stats(&self) -> Reply {
        let count = |c: &AtomicU64| c.load(Ordering::SeqCst);
        Reply::json(
            200,
            &json!({
                "connections": count(&self.counters.accepted),
                "openConnections": self.open_connections(),
                "handshakes": count(&self.counters.handshakes),
                "evictedConnections": count(&self.counters.evicted),
                "refusedConnections": count(&self.counters.refused),
                "mintRequests": self.mint_requests.load(Ordering::SeqCst),
            }),
        )
    }
}

/// Accepts connections until the server stops.
pub(crate) fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let (refusals, queue) = std::sync::mpsc::sync_channel(REFUSALS_QUEUED);
    let answer = http::encode(
        &google::too_many_connections(shared.limits.max_connections),
        true,
    );
    let refuser = std::thread::Builder::new()
        .name("emulator-refuse".to_owned())
        .stack_size(STACK_SIZE)
        .spawn({
            let shared = Arc::clone(&shared);
            move || refuse_loop(&queue, &answer, &shared)
        })
        .ok();
    for stream in listener.incoming() {
        if shared.stopping() {
            break;
        }
        let Ok(stream) = stream else {
            // Out of file descriptors, say: wait for some to be closed, without spinning.
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        shared.counters.accepted.fetch_add(1, Ordering::SeqCst);
        if shared.make_room() {
            spawn_connection(stream, &shared);
        } else {
            refuse(stream, &refusals, &shared);
        }
    }
    drop(refusals);
    if let Some(refuser) = refuser {
        let _ = refuser.join();
    }
}

fn spawn_connection(stream: TcpStream, shared: &Arc<Shared>) {
    let _ = stream.set_nodelay(true);
    // A peer that stops reading an answer is dropped after this long without progress.
    let _ = stream.set_write_timeout(Some(
        shared.limits.idle_timeout.max(Duration::from_millis(1)),
    ));
    let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
    // A TLS connection starts with its handshake: work under way, like a request.
    let state = if shared.tls.is_some() { READING } else { IDLE };
    let slot = Arc::new(Slot::new(stream.try_clone().ok(), state, shared.tick()));
    lock(&shared.registry).insert(id, Arc::clone(&slot));
    let worker = Arc::clone(shared);
    let spawned = std::thread::Builder::new()
        .name(format!("emulator-conn-{id}"))
        .stack_size(STACK_SIZE)
        .spawn(move || {
            match &worker.tls {
                None => http::serve_connection(&mut TimedSocket::new(stream), &worker, &slot),
                Some(tls) => tls.serve(stream, &worker, &slot),
            }
            lock(&worker.registry).remove(&id);
        });
    match spawned {
        Ok(handle) => {
            let mut workers = lock(&shared.workers);
            workers.retain(|w| !w.is_finished());
            workers.push(handle);
        }
        Err(_) => {
            lock(&shared.registry).remove(&id);
        }
    }
}

/// Hands a connection over the cap to the refusing thread, or closes it at once when
/// that thread is behind.
fn refuse(stream: TcpStream, refusals: &SyncSender<TcpStream>, shared: &Shared) {
    shared.counters.refused.fetch_add(1, Ordering::SeqCst);
    match refusals.try_send(stream) {
        Ok(()) => {}
        Err(TrySendError::Full(stream) | TrySendError::Disconnected(stream)) => drop(stream),
    }
}

/// Answers each refused connection `503 UNAVAILABLE` (Google's JSON) and closes it,
/// after reading what it sent for a moment, so that the close is not a reset that
/// could destroy the answer.
fn refuse_loop(queue: &Receiver<TcpStream>, answer: &[u8], shared: &Shared) {
    for mut stream in queue {
        if shared.stopping() {
            continue;
        }
        let _ = stream.set_write_timeout(Some(Duration::from_millis(100)));
        let _ = stream.set_read_timeout(Some(Duration::from_millis(100)));
        let mut head = [0u8; 4096];
        let _ = stream.read(&mut head);
        if stream.write_all(answer).is_ok() {
            let _ = stream.shutdown(Shutdown::Write);
            let until = Instant::now() + Duration::from_millis(200);
            while Instant::now() < until {
                match stream.read(&mut head) {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
        }
    }
}

/// Stops the server: no new connections, open ones closed, every thread joined.
pub(crate) fn stop(shared: &Shared, addr: SocketAddr, acceptor: Option<JoinHandle<()>>) {
    shared.stopping.store(true, Ordering::SeqCst);
    {
        let _guard = lock(&shared.sleeping);
        shared.wake.notify_all();
    }
    {
        let _guard = lock(&shared.large_bodies);
        shared.large_body_done.notify_all();
    }
    // Wake the accept loop, which blocks in accept().
    let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
    if let Some(acceptor) = acceptor {
        let _ = acceptor.join();
    }
    for slot in lock(&shared.registry).values() {
        if let Some(socket) = &slot.socket {
            let _ = socket.shutdown(Shutdown::Both);
        }
    }
    let workers = std::mem::take(&mut *lock(&shared.workers));
    for worker in workers {
        let _ = worker.join();
    }
}

/// A server state with no key, no fault, default limits and a clock at the epoch, for
/// the unit tests of the modules that take one.
#[cfg(test)]
pub(crate) fn shared() -> Shared {
    Shared::new(Config {
        keys: Vec::new(),
        clock: Box::new(|| OffsetDateTime::UNIX_EPOCH),
        faults: VecDeque::new(),
        random_faults: None,
        keep_tokens: true,
        limits: Limits::default(),
        tls: None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn filled(capacity: usize) -> Vec<u8> {
        let mut buffer = Vec::with_capacity(capacity);
        buffer.push(1);
        buffer
    }

    #[test]
    fn body_buffers_from_64_kib_to_1_mib_are_kept_emptied_four_at_most() {
        let shared = shared();
        shared.give_back(filled(64 * 1024 - 1));
        shared.give_back(filled(HELD_BODY + 1));
        assert_eq!(shared.body_buffer().capacity(), 0);
        for capacity in [64 * 1024, 100_000, 200_000, 300_000, HELD_BODY] {
            shared.give_back(filled(capacity));
        }
        let taken: Vec<(usize, usize)> = (0..5)
            .map(|_| {
                let buffer = shared.body_buffer();
                (buffer.len(), buffer.capacity())
            })
            .collect();
        // The last four given back, newest first; the fifth found no room.
        assert_eq!(
            taken,
            [
                (0, 300_000),
                (0, 200_000),
                (0, 100_000),
                (0, 64 * 1024),
                (0, 0)
            ]
        );
    }

    #[test]
    fn a_large_bodys_largest_buffer_goes_back_with_its_permit() {
        let shared = shared();
        let deadline = Instant::now() + Duration::from_secs(5);
        let mut permit = shared.large_body(deadline).unwrap();
        assert_eq!(permit.take_buffer().capacity(), 0);
        permit.keep(filled(2 << 20));
        permit.keep(filled(1 << 20));
        drop(permit);
        let mut permit = shared.large_body(deadline).unwrap();
        let buffer = permit.take_buffer();
        assert_eq!((buffer.len(), buffer.capacity()), (0, 2 << 20));
    }

    #[test]
    fn random_faults_follow_xorshift64_star_from_the_seed() {
        // The draws and picks of Vigna's xorshift64* (shifts 12, 25, 27; multiplier
        // 0x2545F4914F6CDD1D) from the state 12345, worked out apart from this code.
        let faults: Vec<Fault> = (1..=3)
            .map(|ms| Fault::Delay(Duration::from_millis(ms)))
            .collect();
        let random = RandomFaults::new(0.5, faults.clone(), 12345);
        let drawn: Vec<Option<Fault>> = (0..20).map(|_| random.draw()).collect();
        let expected: Vec<Option<Fault>> = [
            None,
            None,
            Some(0),
            Some(1),
            None,
            None,
            None,
            Some(1),
            Some(0),
            Some(0),
            Some(0),
            None,
            None,
            Some(2),
            None,
            None,
            None,
            None,
            None,
            None,
        ]
        .iter()
        .map(|pick| pick.map(|i: usize| faults[i].clone()))
        .collect();
        assert_eq!(drawn, expected);
        assert_eq!(random.drawn.load(Ordering::SeqCst), 7);
        // Live faults are never drawn; with none left, nothing is.
        let live = RandomFaults::new(1.0, vec![Fault::LiveDrop], 1);
        assert_eq!(live.draw(), None);
    }
}
