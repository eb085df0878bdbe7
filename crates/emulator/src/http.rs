//! HTTP/1.1 on any [`Transport`]: requests read under deadlines, answers written on
//! the stream itself, because the faults need what an HTTP library prevents (a body
//! cut short, a reset instead of an answer, an answer dripped a byte at a time).

use std::io::{self, Read, Write};
use std::sync::atomic::Ordering;
use std::time::Instant;

use crate::faults::{Fault, write_oversized_body};
use crate::google::{self, PROXY_ERROR_PAGE, Reply};
use crate::server::{HELD_BODY, LargeBody, Shared, Slot, lock};
use crate::service::{self, Route};
use crate::transport::Transport;

/// The most a request head may take.
const MAX_HEAD: usize = 16 * 1024;
/// The most a request body may take: of the order of Google's own request limits
/// (20 MiB for a Gemini API request), so that no body the service takes is refused
/// for its size. Bodies larger than [`HELD_BODY`] wait for a permit (see there).
pub(crate) const MAX_BODY: usize = 20 * 1024 * 1024;
/// The longest line of a chunked body's framing (a chunk size and its extensions).
const MAX_CHUNK_LINE: usize = 4 * 1024;
/// The buffer a connection keeps between requests; after a large body the rest is
/// given back, so that idle connections hold little.
const KEPT_BUFFER: usize = 8 * 1024;

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

/// What comes of reading a request.
enum Incoming<'s> {
    /// A request, with the permit its body needed if it is large.
    Request(Request, Option<LargeBody<'s>>),
    /// The peer closed, the read failed, or the connection was closed to make room.
    Gone,
    /// No request began within the idle timeout.
    Idle,
}

/// How a connection goes on after an answer.
enum Next {
    /// Read the next request.
    Open,
    /// Close in good order.
    Close,
    /// Close in good order, draining what the peer may still send.
    Drain,
    /// Drop the connection as it is (after a reset or a truncation, or when stopping).
    Abort,
}

/// Serves requests on one connection until it closes.
pub(crate) fn serve_connection<T: Transport>(stream: &mut T, shared: &Shared, slot: &Slot) {
    let mut buffer = Vec::new();
    let next = loop {
        if shared.stopping() {
            break Next::Abort;
        }
        let (request, permit) = match read_request(stream, &mut buffer, shared, slot) {
            Ok(Incoming::Request(request, permit)) => (request, permit),
            Ok(Incoming::Gone) => break Next::Abort,
            Ok(Incoming::Idle) => break Next::Close,
            Err(refusal) => {
                let _ = write_reply(stream, &refusal, true);
                break Next::Drain;
            }
        };
        if let Route::Live {
            version,
            constrained,
        } = service::route(&request)
        {
            // The connection becomes a WebSocket; what the client sent after its
            // request is the start of its first frame.
            let leftover = std::mem::take(&mut buffer);
            break match crate::live::serve(stream, shared, &request, version, constrained, leftover)
            {
                Some(refusal) => match write_reply(stream, &refusal, true) {
                    Ok(()) => Next::Close,
                    Err(_) => Next::Abort,
                },
                None => Next::Abort,
            };
        }
        let next = answer(stream, shared, &request);
        match permit {
            Some(mut permit) => permit.keep(request.body),
            None => shared.give_back(request.body),
        }
        if buffer.capacity() > KEPT_BUFFER {
            buffer.shrink_to(KEPT_BUFFER);
        }
        match next {
            Next::Open if shared.answered(slot) => {}
            Next::Open => break Next::Abort,
            other => break other,
        }
    };
    match next {
        Next::Close => stream.close(false),
        Next::Drain => stream.close(true),
        Next::Open | Next::Abort => {}
    }
}

/// Answers one request.
fn answer<T: Transport>(stream: &mut T, shared: &Shared, request: &Request) -> Next {
    let keep_alive = !request
        .header("connection")
        .is_some_and(|c| c.eq_ignore_ascii_case("close"));
    let sent = |result: io::Result<()>| match result {
        Ok(()) if keep_alive => Next::Open,
        Ok(()) => Next::Close,
        Err(_) => Next::Abort,
    };
    match service::route(request) {
        Route::ListTokens => {
            let reply = service::list_tokens(&lock(&shared.tokens));
            sent(write_reply(stream, &reply, !keep_alive))
        }
        Route::Stats => sent(write_reply(stream, &shared.stats(), !keep_alive)),
        Route::ListSessions => sent(write_reply(stream, &shared.live.list(), !keep_alive)),
        // Served by `serve_connection` before it gets here.
        Route::Live { .. } => Next::Abort,
        Route::NotFound => sent(write_reply(stream, &Reply::not_found(), !keep_alive)),
        Route::Mint { version } => {
            shared.mint_requests.fetch_add(1, Ordering::SeqCst);
            let queued = lock(&shared.faults).pop_front();
            let fault = queued
                .or_else(|| shared.random_faults.as_ref().and_then(|r| r.draw()))
                .map(Fault::bounded);
            answer_mint(stream, shared, request, version, fault, keep_alive)
        }
    }
}

/// Answers a mint request, through `fault` if there is one.
fn answer_mint<T: Transport>(
    stream: &mut T,
    shared: &Shared,
    request: &Request,
    version: &str,
    fault: Option<Fault>,
    keep_alive: bool,
) -> Next {
    let mint = || {
        let (reply, token) = service::mint(request, version, &shared.keys, (shared.clock)());
        if let Some(token) = token.filter(|_| shared.keep_tokens) {
            lock(&shared.tokens).push(token);
        }
        reply
    };
    let sent = |result: io::Result<()>| match result {
        Ok(()) if keep_alive => Next::Open,
        Ok(()) => Next::Close,
        Err(_) => Next::Abort,
    };
    let close = !keep_alive;
    match fault {
        None | Some(Fault::LiveGoAway(_) | Fault::LiveClose { .. } | Fault::LiveDrop) => {
            sent(write_reply(stream, &mint(), close))
        }
        Some(Fault::Delay(delay)) => {
            if !shared.sleep(delay) {
                return Next::Abort;
            }
            sent(write_reply(stream, &mint(), close))
        }
        Some(Fault::Status {
            status,
            body,
            content_type,
        }) => sent(write_reply(
            stream,
            &Reply::new(status, content_type, body),
            close,
        )),
        Some(Fault::Html) => {
            let reply = Reply::new(502, "text/html; charset=UTF-8", PROXY_ERROR_PAGE);
            sent(write_reply(stream, &reply, close))
        }
        Some(Fault::Oversized(bytes)) => {
            let head = encode_head(200, google::JSON, bytes, close);
            sent(
                stream
                    .write_all(&head)
                    .and_then(|()| write_oversized_body(stream, bytes))
                    .and_then(|()| stream.flush()),
            )
        }
        Some(Fault::Reset) => {
            if let Some(tcp) = stream.tcp() {
                // Linger zero: the close sends RST instead of FIN.
                let _ = socket2::SockRef::from(tcp).set_linger(Some(std::time::Duration::ZERO));
            }
            Next::Abort
        }
        Some(Fault::Truncate) => {
            let reply = mint();
            let bytes = encode(&reply, true);
            let cut = bytes.len() - reply.body.len() / 2;
            let _ = stream
                .write_all(bytes.get(..cut).unwrap_or_default())
                .and_then(|()| stream.flush());
            Next::Abort
        }
        Some(Fault::Drip(interval)) => {
            let reply = mint();
            for byte in encode(&reply, close) {
                let written = stream.write_all(&[byte]).and_then(|()| stream.flush());
                if written.is_err() || !shared.sleep(interval) {
                    return Next::Abort;
                }
            }
            sent(Ok(()))
        }
    }
}

/// Why reading a request body stopped.
enum Stop {
    /// The peer went away, or the server is stopping: no answer.
    Gone,
    /// An answer to send before closing.
    Refuse(Reply),
}

impl From<Reply> for Stop {
    fn from(reply: Reply) -> Self {
        Self::Refuse(reply)
    }
}

/// Reads one request, each byte of it before the deadline: the idle timeout for the
/// first, then the request timeout from the first. `Err` is a refusal to send
/// before closing.
fn read_request<'s, T: Transport>(
    stream: &mut T,
    buffer: &mut Vec<u8>,
    shared: &'s Shared,
    slot: &Slot,
) -> Result<Incoming<'s>, Reply> {
    let limits = shared.limits;
    let idle_deadline = Instant::now() + limits.idle_timeout;
    let mut deadline = None;
    let timed_out = || google::request_timeout(limits.request_timeout);
    // Bytes left from the last read (a pipelined request) start this one at once.
    if !buffer.is_empty() {
        if !shared.begin_request(slot) {
            return Ok(Incoming::Gone);
        }
        deadline = Some(Instant::now() + limits.request_timeout);
    }
    let mut scanned = 0;
    let head_end = loop {
        if let Some(end) = find(buffer.get(scanned..).unwrap_or_default(), b"\r\n\r\n") {
            break scanned + end + 4;
        }
        scanned = buffer.len().saturating_sub(3);
        if buffer.len() > MAX_HEAD {
            return Err(Reply::new(
                431,
                "text/plain",
                &b"request head too large"[..],
            ));
        }
        stream.set_deadline(Some(deadline.unwrap_or(idle_deadline)));
        match read_more(stream, buffer) {
            Ok(0) => return Ok(Incoming::Gone),
            Ok(_) => {}
            Err(e) if e.kind() == io::ErrorKind::TimedOut => {
                return match deadline {
                    Some(_) => Err(timed_out()),
                    None => Ok(Incoming::Idle),
                };
            }
            Err(_) => return Ok(Incoming::Gone),
        }
        if deadline.is_none() {
            if !shared.begin_request(slot) {
                return Ok(Incoming::Gone);
            }
            deadline = Some(Instant::now() + limits.request_timeout);
        }
    };
    let deadline = deadline.unwrap_or(idle_deadline);
    let head = parse_head(buffer.get(..head_end).unwrap_or_default())?;
    buffer.drain(..head_end);
    let mut permit = None;
    let read = match head.framing {
        Framing::Length(length) => {
            if length > HELD_BODY {
                permit = shared.large_body(deadline);
                if permit.is_none() {
                    return if shared.stopping() {
                        Ok(Incoming::Gone)
                    } else {
                        Err(timed_out())
                    };
                }
            }
            if head.expects_continue && buffer.len() < length && !send_continue(stream) {
                return Ok(Incoming::Gone);
            }
            let body = match permit.as_mut() {
                Some(permit) => permit.take_buffer(),
                None if length > KEPT_BUFFER => shared.body_buffer(),
                None => Vec::new(),
            };
            read_sized_body(stream, buffer, shared, body, length, deadline)
        }
        Framing::Chunked => {
            if head.expects_continue && buffer.is_empty() && !send_continue(stream) {
                return Ok(Incoming::Gone);
            }
            read_chunked_body(stream, buffer, shared, deadline, &mut permit)
        }
    };
    stream.set_deadline(None);
    let body = match read {
        Ok(body) => body,
        Err(Stop::Gone) => return Ok(Incoming::Gone),
        Err(Stop::Refuse(reply)) => return Err(reply),
    };
    if !shared.request_read(slot) {
        return Ok(Incoming::Gone);
    }
    Ok(Incoming::Request(
        Request {
            method: head.method,
            path: head.path,
            headers: head.headers,
            body,
        },
        permit,
    ))
}

/// Writes `100 Continue`; `false` if the peer is gone.
fn send_continue(stream: &mut impl Write) -> bool {
    stream
        .write_all(b"HTTP/1.1 100 Continue\r\n\r\n")
        .and_then(|()| stream.flush())
        .is_ok()
}

/// The deadline's refusal (`408`), or the peer gone, for a failed read.
fn read_failed(e: &io::Error, shared: &Shared) -> Stop {
    if e.kind() == io::ErrorKind::TimedOut {
        Stop::Refuse(google::request_timeout(shared.limits.request_timeout))
    } else {
        Stop::Gone
    }
}

/// A body of `length` bytes, into `body`: what already came with the head, then the
/// rest.
fn read_sized_body<T: Transport>(
    stream: &mut T,
    buffer: &mut Vec<u8>,
    shared: &Shared,
    mut body: Vec<u8>,
    length: usize,
    deadline: Instant,
) -> Result<Vec<u8>, Stop> {
    body.reserve_exact(length);
    let early = buffer.len().min(length);
    body.extend(buffer.drain(..early));
    read_exact_into(stream, &mut body, length, deadline, shared)?;
    Ok(body)
}

/// Reads from `stream` onto `body` until it holds `until` bytes.
fn read_exact_into<T: Transport>(
    stream: &mut T,
    body: &mut Vec<u8>,
    until: usize,
    deadline: Instant,
    shared: &Shared,
) -> Result<(), Stop> {
    while body.len() < until {
        stream.set_deadline(Some(deadline));
        let want = (until - body.len()) as u64;
        // `take` + `read_to_end` fill the spare capacity without zeroing it first.
        match Read::by_ref(stream).take(want).read_to_end(body) {
            Ok(0) => return Err(Stop::Gone),
            Ok(_) => {}
            Err(e) => return Err(read_failed(&e, shared)),
        }
    }
    Ok(())
}

/// A chunked body (`Transfer-Encoding: chunked`), decoded: chunk sizes in hex, each
/// chunk's bytes, then a zero size and optional trailers (read and dropped). Bounded
/// like any body: [`MAX_BODY`] in all, and a permit past [`HELD_BODY`].
fn read_chunked_body<'s, T: Transport>(
    stream: &mut T,
    buffer: &mut Vec<u8>,
    shared: &'s Shared,
    deadline: Instant,
    permit: &mut Option<LargeBody<'s>>,
) -> Result<Vec<u8>, Stop> {
    let bad = || Stop::Refuse(Reply::new(400, "text/plain", &b"bad chunked body"[..]));
    let mut body = Vec::new();
    loop {
        let line = read_line(stream, buffer, MAX_CHUNK_LINE, deadline, shared)?;
        let size = line.split(|b| *b == b';').next().unwrap_or_default();
        let size = size.trim_ascii();
        // An empty size is refused by the parse below; a sign, which it takes, here.
        if size.len() > 16 || !size.iter().all(u8::is_ascii_hexdigit) {
            return Err(bad());
        }
        let size = usize::from_str_radix(std::str::from_utf8(size).unwrap_or("x"), 16)
            .map_err(|_| bad())?;
        if size == 0 {
            break;
        }
        let total = body.len() + size;
        if total > MAX_BODY {
            return Err(google::payload_too_large(MAX_BODY).into());
        }
        if total > HELD_BODY && permit.is_none() {
            *permit = shared.large_body(deadline);
            let Some(permit) = permit.as_mut() else {
                return Err(if shared.stopping() {
                    Stop::Gone
                } else {
                    Stop::Refuse(google::request_timeout(shared.limits.request_timeout))
                });
            };
            let mut large = permit.take_buffer();
            large.extend_from_slice(&body);
            body = large;
        }
        if total > body.capacity() {
            // Grows by doubling as usual, but never past the bound.
            let target = (body.capacity() * 2).clamp(total, MAX_BODY.max(total));
            body.reserve_exact(target - body.len());
        }
        let early = buffer.len().min(size);
        body.extend(buffer.drain(..early));
        read_exact_into(stream, &mut body, total, deadline, shared)?;
        if !read_line(stream, buffer, 0, deadline, shared)?.is_empty() {
            return Err(bad());
        }
    }
    let mut trailers = 0;
    loop {
        let line = read_line(stream, buffer, MAX_HEAD, deadline, shared)?;
        if line.is_empty() {
            return Ok(body);
        }
        trailers += line.len() + 2;
        if trailers > MAX_HEAD {
            return Err(Stop::Refuse(Reply::new(
                431,
                "text/plain",
                &b"request head too large"[..],
            )));
        }
    }
}

/// One line of a chunked body's framing, without its line end (CRLF, or a bare LF),
/// at most `limit` bytes long.
fn read_line<T: Transport>(
    stream: &mut T,
    buffer: &mut Vec<u8>,
    limit: usize,
    deadline: Instant,
    shared: &Shared,
) -> Result<Vec<u8>, Stop> {
    loop {
        if let Some(end) = buffer.iter().position(|b| *b == b'\n') {
            let mut line: Vec<u8> = buffer.drain(..=end).collect();
            line.pop();
            if line.last() == Some(&b'\r') {
                line.pop();
            }
            if line.len() > limit {
                break;
            }
            return Ok(line);
        }
        if buffer.len() > limit + 1 {
            break;
        }
        stream.set_deadline(Some(deadline));
        match read_more(stream, buffer) {
            Ok(0) => return Err(Stop::Gone),
            Ok(_) => {}
            Err(e) => return Err(read_failed(&e, shared)),
        }
    }
    Err(Stop::Refuse(Reply::new(
        400,
        "text/plain",
        &b"bad chunked body"[..],
    )))
}

/// How a request's body is framed.
enum Framing {
    /// `Content-Length` bytes (none when the header is absent on a method without one).
    Length(usize),
    /// `Transfer-Encoding: chunked`.
    Chunked,
}

/// A request head, checked.
struct Head {
    method: String,
    path: String,
    headers: Vec<(String, String)>,
    framing: Framing,
    expects_continue: bool,
}

/// Parses and checks a request head (ending with its blank line); `Err` is the
/// refusal, sent at once, before any body is read.
fn parse_head(bytes: &[u8]) -> Result<Head, Reply> {
    let bad = |message: &'static str| Reply::new(400, "text/plain", message.as_bytes());
    let mut headers = [httparse::EMPTY_HEADER; 64];
    let mut parsed = httparse::Request::new(&mut headers);
    match parsed.parse(bytes) {
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
    let values = |name: &'static str| {
        headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.trim())
    };
    let codings: Vec<String> = values("transfer-encoding")
        .flat_map(|v| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    let chunked = match codings.as_slice() {
        [] => false,
        [only] if only == "chunked" => true,
        _ => {
            return Err(Reply::new(
                501,
                "text/plain",
                &b"the only transfer coding taken is chunked"[..],
            ));
        }
    };
    let mut lengths = values("content-length").map(|v| v.parse::<usize>());
    let length = match lengths.next() {
        // Both framings at once is how requests are smuggled past proxies.
        Some(_) if chunked => return Err(bad("both Content-Length and Transfer-Encoding")),
        None if chunked => None,
        None if method == "POST" => return Err(google::length_required()),
        None => Some(0),
        Some(Ok(length)) if lengths.all(|other| other == Ok(length)) => Some(length),
        Some(_) => return Err(bad("bad Content-Length")),
    };
    let mut expects_continue = false;
    for expectation in values("expect") {
        if expectation.eq_ignore_ascii_case("100-continue") {
            expects_continue = true;
        } else {
            return Err(Reply::new(
                417,
                "text/plain",
                &b"the only expectation met is 100-continue"[..],
            ));
        }
    }
    let framing = match length {
        Some(length) if length > MAX_BODY => return Err(google::payload_too_large(MAX_BODY)),
        Some(length) => Framing::Length(length),
        None => Framing::Chunked,
    };
    Ok(Head {
        method,
        path,
        headers,
        framing,
        expects_continue,
    })
}

/// Reads what comes, up to 4 KiB, onto the end of `buffer`.
fn read_more(stream: &mut impl Read, buffer: &mut Vec<u8>) -> io::Result<usize> {
    let mut chunk = [0u8; 4096];
    let n = stream.read(&mut chunk)?;
    buffer.extend_from_slice(chunk.get(..n).unwrap_or_default());
    Ok(n)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// The head of an HTTP/1.1 response.
fn encode_head(status: u16, content_type: &str, length: usize, close: bool) -> Vec<u8> {
    format!(
        "HTTP/1.1 {status} {}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n{}\r\n",
        http_reason(status),
        if close { "Connection: close\r\n" } else { "" },
    )
    .into_bytes()
}

/// The bytes of an HTTP/1.1 response.
pub(crate) fn encode(reply: &Reply, close: bool) -> Vec<u8> {
    let mut out = encode_head(reply.status, &reply.content_type, reply.body.len(), close);
    out.extend_from_slice(&reply.body);
    out
}

fn write_reply(stream: &mut impl Write, reply: &Reply, close: bool) -> io::Result<()> {
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
        417 => "Expectation Failed",
        501 => "Not Implemented",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Status",
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// A peer that sends `input`, then fails its next read with `error`.
    struct FailingPeer {
        input: &'static [u8],
        error: io::ErrorKind,
        output: Vec<u8>,
    }

    impl Read for FailingPeer {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            if self.input.is_empty() {
                return Err(self.error.into());
            }
            self.input.read(buf)
        }
    }

    impl Write for FailingPeer {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            self.output.write(buf)
        }

        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Transport for FailingPeer {
        fn set_deadline(&mut self, _deadline: Option<Instant>) {}

        fn tcp(&self) -> Option<&std::net::TcpStream> {
            None
        }

        fn close(&mut self, _drain: bool) {}
    }

    fn served(input: &'static [u8], error: io::ErrorKind) -> String {
        let shared = crate::server::shared();
        let mut peer = FailingPeer {
            input,
            error,
            output: Vec::new(),
        };
        serve_connection(&mut peer, &shared, &Slot::detached());
        String::from_utf8(peer.output).unwrap()
    }

    #[test]
    fn a_request_cut_by_a_timeout_is_answered_408_and_by_a_reset_not_at_all() {
        let half = b"POST /v1alpha/auth_tokens HTTP/1.1\r\nContent-Le";
        let answer = served(half, io::ErrorKind::TimedOut);
        assert!(
            answer.starts_with("HTTP/1.1 408 Request Timeout\r\n"),
            "{answer}"
        );
        assert_eq!(served(half, io::ErrorKind::ConnectionReset), "");
        // Between requests, neither is answered.
        assert_eq!(served(b"", io::ErrorKind::TimedOut), "");
        assert_eq!(served(b"", io::ErrorKind::ConnectionReset), "");
    }

    #[test]
    fn reason_phrases_are_the_standard_ones() {
        let statuses = [
            200, 400, 403, 404, 408, 411, 413, 417, 429, 431, 500, 501, 502, 503, 504,
        ];
        for status in statuses {
            let standard = http::StatusCode::from_u16(status)
                .unwrap()
                .canonical_reason()
                .unwrap();
            assert_eq!(http_reason(status), standard, "{status}");
        }
        assert_eq!(http_reason(418), "Status");
    }

    #[test]
    fn a_chunked_body_grows_by_doubling_to_fit() {
        let shared = crate::server::shared();
        let chunk = "x".repeat(100_000);
        let input = format!(
            "{0:x}\r\n{chunk}\r\n{0:x}\r\n{chunk}\r\n{0:x}\r\n{chunk}\r\n0\r\n\r\n",
            chunk.len()
        );
        let mut stream = crate::transport::MemoryStream::new(input.as_bytes(), 0);
        let deadline = Instant::now() + std::time::Duration::from_secs(5);
        let mut permit = None;
        let body = read_chunked_body(&mut stream, &mut Vec::new(), &shared, deadline, &mut permit)
            .ok()
            .unwrap();
        // 100 000 exactly, then 200 000 exactly, then doubled to 400 000.
        assert_eq!((body.len(), body.capacity()), (300_000, 400_000));
        assert!(body.iter().all(|b| *b == b'x'));
    }
}
