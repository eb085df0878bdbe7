//! A small HTTP/1.1 server on plain threads: one thread accepts, one thread serves
//! each connection (keep-alive). Written on the socket rather than on an HTTP library
//! because the faults need what a library prevents: a body cut short, a reset instead
//! of an answer, an answer dripped a byte at a time.

use std::collections::{HashMap, VecDeque};
use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use time::OffsetDateTime;

use crate::faults::{Fault, oversized_body};
use crate::google::{PROXY_ERROR_PAGE, Reply};
use crate::service::{self, Route};
use crate::store::MintedToken;

/// The most a request head may take.
const MAX_HEAD: usize = 16 * 1024;
/// The most a request body may take.
const MAX_BODY: usize = 1024 * 1024;

/// A request as read off the wire.
#[derive(Debug)]
pub(crate) struct Request {
    pub(crate) method: String,
    pub(crate) path: String,
    headers: Vec<(String, String)>,
    pub(crate) body: Vec<u8>,
}

impl Request {
    /// The first value of a header, by its lowercase name.
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the server threads share with the handle.
pub(crate) struct Shared {
    pub(crate) keys: Vec<String>,
    pub(crate) clock: Box<dyn Fn() -> OffsetDateTime + Send + Sync>,
    pub(crate) faults: Mutex<VecDeque<Fault>>,
    pub(crate) random_faults: Option<RandomFaults>,
    pub(crate) keep_tokens: bool,
    pub(crate) tokens: Mutex<Vec<MintedToken>>,
    pub(crate) mint_requests: AtomicUsize,
    stopping: AtomicBool,
    wake: Condvar,
    sleeping: Mutex<()>,
    connections: Mutex<HashMap<u64, TcpStream>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
    next_id: AtomicU64,
}

/// Faults drawn at random for a share of the requests (for soak tests).
pub(crate) struct RandomFaults {
    rate: f64,
    faults: Vec<Fault>,
    state: Mutex<u64>,
    pub(crate) drawn: AtomicUsize,
}

impl RandomFaults {
    pub(crate) fn new(rate: f64, faults: Vec<Fault>, seed: u64) -> Self {
        Self {
            rate,
            faults,
            state: Mutex::new(seed | 1),
            drawn: AtomicUsize::new(0),
        }
    }

    /// A fault for this request, with probability `rate`.
    fn draw(&self) -> Option<Fault> {
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
    pub(crate) fn new(
        keys: Vec<String>,
        clock: Box<dyn Fn() -> OffsetDateTime + Send + Sync>,
        faults: VecDeque<Fault>,
        random_faults: Option<RandomFaults>,
        keep_tokens: bool,
    ) -> Self {
        Self {
            keys,
            clock,
            faults: Mutex::new(faults),
            random_faults,
            keep_tokens,
            tokens: Mutex::new(Vec::new()),
            mint_requests: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
            wake: Condvar::new(),
            sleeping: Mutex::new(()),
            connections: Mutex::new(HashMap::new()),
            workers: Mutex::new(Vec::new()),
            next_id: AtomicU64::new(0),
        }
    }

    fn stopping(&self) -> bool {
        self.stopping.load(Ordering::SeqCst)
    }

    /// Sleeps `duration`, or less if the server stops; `false` if it is stopping.
    fn sleep(&self, duration: Duration) -> bool {
        let guard = lock(&self.sleeping);
        let _ = self
            .wake
            .wait_timeout_while(guard, duration, |()| !self.stopping())
            .unwrap_or_else(PoisonError::into_inner);
        !self.stopping()
    }
}

/// Accepts connections until the server stops.
pub(crate) fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stopping() {
            break;
        }
        let Ok(stream) = stream else { continue };
        let id = shared.next_id.fetch_add(1, Ordering::Relaxed);
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.connections).insert(id, clone);
        }
        let worker = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name(format!("emulator-conn-{id}"))
            .spawn(move || {
                serve_connection(stream, &worker);
                lock(&worker.connections).remove(&id);
            });
        let mut workers = lock(&shared.workers);
        workers.retain(|w| !w.is_finished());
        if let Ok(handle) = spawned {
            workers.push(handle);
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
    // Wake the accept loop, which blocks in accept().
    let _ = TcpStream::connect_timeout(&addr, Duration::from_secs(1));
    if let Some(acceptor) = acceptor {
        let _ = acceptor.join();
    }
    for stream in lock(&shared.connections).values() {
        let _ = stream.shutdown(Shutdown::Both);
    }
    let workers = std::mem::take(&mut *lock(&shared.workers));
    for worker in workers {
        let _ = worker.join();
    }
}

fn serve_connection(mut stream: TcpStream, shared: &Shared) {
    let _ = stream.set_nodelay(true);
    let mut buffer = Vec::with_capacity(4096);
    while !shared.stopping() {
        let request = match read_request(&mut stream, &mut buffer) {
            Ok(Some(request)) => request,
            Ok(None) => return,
            Err(reply) => {
                let _ = write_reply(&mut stream, &reply, true);
                return;
            }
        };
        let keep_alive = !request
            .header("connection")
            .is_some_and(|c| c.eq_ignore_ascii_case("close"));
        let open = match service::route(&request) {
            Route::ListTokens => {
                let reply = service::list_tokens(&lock(&shared.tokens));
                write_reply(&mut stream, &reply, !keep_alive).is_ok()
            }
            Route::NotFound => write_reply(&mut stream, &Reply::not_found(), !keep_alive).is_ok(),
            Route::Mint { version } => {
                shared.mint_requests.fetch_add(1, Ordering::SeqCst);
                let queued = lock(&shared.faults).pop_front();
                let fault =
                    queued.or_else(|| shared.random_faults.as_ref().and_then(RandomFaults::draw));
                answer_mint(&mut stream, shared, &request, version, fault, keep_alive)
            }
        };
        if !open || !keep_alive {
            return;
        }
    }
}

/// Answers a mint request, through `fault` if there is one; whether the connection
/// stays open.
fn answer_mint(
    stream: &mut TcpStream,
    shared: &Shared,
    request: &Request,
    version: &str,
    fault: Option<Fault>,
    keep_alive: bool,
) -> bool {
    let mint = || {
        let (reply, token) = service::mint(request, version, &shared.keys, (shared.clock)());
        if let Some(token) = token.filter(|_| shared.keep_tokens) {
            lock(&shared.tokens).push(token);
        }
        reply
    };
    match fault {
        None => write_reply(stream, &mint(), !keep_alive).is_ok(),
        Some(Fault::Delay(delay)) => {
            shared.sleep(delay) && write_reply(stream, &mint(), !keep_alive).is_ok()
        }
        Some(Fault::Status {
            status,
            body,
            content_type,
        }) => write_reply(stream, &Reply::new(status, content_type, body), !keep_alive).is_ok(),
        Some(Fault::Html) => {
            let reply = Reply::new(502, "text/html; charset=UTF-8", PROXY_ERROR_PAGE);
            write_reply(stream, &reply, !keep_alive).is_ok()
        }
        Some(Fault::Oversized(bytes)) => {
            let reply = Reply::new(200, crate::google::JSON, oversized_body(bytes));
            write_reply(stream, &reply, !keep_alive).is_ok()
        }
        Some(Fault::Reset) => {
            // Linger zero: close() sends RST instead of FIN.
            let _ = socket2::SockRef::from(&*stream).set_linger(Some(Duration::ZERO));
            false
        }
        Some(Fault::Truncate) => {
            let reply = mint();
            let bytes = encode(&reply, true);
            let cut = bytes.len() - reply.body.len() / 2;
            let _ = stream
                .write_all(&bytes[..cut])
                .and_then(|()| stream.flush());
            false
        }
        Some(Fault::Drip(interval)) => {
            let reply = mint();
            for byte in encode(&reply, !keep_alive) {
                if stream.write_all(&[byte]).is_err() || !shared.sleep(interval) {
                    return false;
                }
            }
            keep_alive
        }
    }
}

/// Reads one request; `None` when the peer closed the connection between requests.
fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Result<Option<Request>, Reply> {
    let bad = |message: &str| Reply::new(400, "text/plain", message.as_bytes());
    let head_end = loop {
        if let Some(end) = find(buffer, b"\r\n\r\n") {
            break end + 4;
        }
        if buffer.len() > MAX_HEAD {
            return Err(Reply::new(
                431,
                "text/plain",
                &b"request head too large"[..],
            ));
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Ok(None),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    };
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(&buffer[..head_end]) {
        Ok(httparse::Status::Complete(_)) => {}
        _ => return Err(bad("malformed request")),
    }
    let method = parsed.method.unwrap_or_default().to_owned();
    let path = parsed.path.unwrap_or_default().to_owned();
    let headers: Vec<(String, String)> = parsed
        .headers
        .iter()
        .map(|h| {
            (
                h.name.to_ascii_lowercase(),
                String::from_utf8_lossy(h.value).into_owned(),
            )
        })
        .collect();
    if headers
        .iter()
        .any(|(n, v)| n == "transfer-encoding" && !v.eq_ignore_ascii_case("identity"))
    {
        return Err(Reply::new(411, "text/plain", &b"send a Content-Length"[..]));
    }
    let length = match headers.iter().find(|(n, _)| n == "content-length") {
        None => 0,
        Some((_, v)) => v
            .trim()
            .parse::<usize>()
            .map_err(|_| bad("bad Content-Length"))?,
    };
    if length > MAX_BODY {
        return Err(Reply::new(
            413,
            "text/plain",
            &b"request body too large"[..],
        ));
    }
    buffer.drain(..head_end);
    while buffer.len() < length {
        let mut chunk = [0u8; 8192];
        match stream.read(&mut chunk) {
            Ok(0) | Err(_) => return Ok(None),
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
    let body: Vec<u8> = buffer.drain(..length).collect();
    Ok(Some(Request {
        method,
        path,
        headers,
        body,
    }))
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The bytes of an HTTP/1.1 response.
fn encode(reply: &Reply, close: bool) -> Vec<u8> {
    let reason = http_reason(reply.status);
    let mut out = format!(
        "HTTP/1.1 {} {reason}\r\nContent-Type: {}\r\nContent-Length: {}\r\n{}\r\n",
        reply.status,
        reply.content_type,
        reply.body.len(),
        if close { "Connection: close\r\n" } else { "" },
    )
    .into_bytes();
    out.extend_from_slice(&reply.body);
    out
}

fn write_reply(stream: &mut TcpStream, reply: &Reply, close: bool) -> io::Result<()> {
    stream.write_all(&encode(reply, close))?;
    stream.flush()
}

fn http_reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        408 => "Request Timeout",
        411 => "Length Required",
        413 => "Payload Too Large",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}
