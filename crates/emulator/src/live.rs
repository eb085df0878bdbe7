//! The Live API's WebSocket, where tokens are used:
//! `GET /ws/google.ai.generativelanguage.{version}.GenerativeService.BidiGenerateContentConstrained`
//! (and the plain `...BidiGenerateContent`, which takes an API key), on the same port
//! as the token service, over HTTP or HTTPS.
//!
//! The emulator's HTTP code reads the upgrade request; this module checks it, answers
//! `101 Switching Protocols` and hands the stream to `tungstenite` for the framing.
//! A session then runs on the connection's own thread: the token's rules (expiry,
//! uses, the deadline for new sessions, its locks through core's
//! [`effective_setup`](gemini_token_core::effective_setup)), the setup, resumption
//! handles, and an echo for each turn, so that a client can show a session working.
//! Every refusal is a close frame with the code and reason the real service was seen
//! sending where it is known (REFERENCE.md, "Using a token on the Live API"), and our
//! inference elsewhere; `docs/emulator.md` marks which is which.
//!
//! The close-reason constants are public so that tests of clients can assert them.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::net::Shutdown;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;
use tungstenite::error::ProtocolError;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, Role, WebSocket, WebSocketConfig};
use tungstenite::{Error as WsError, Message};

use crate::faults::Fault;
use crate::google::{self, Reply};
use crate::http::Request;
use crate::server::{Shared, lock};
use crate::store::{MintedToken, rfc3339, rfc3339_option};
use crate::transport::Transport;
use crate::{mask, proto_json, schema, service};

/// The most a close frame's reason holds: 125 bytes of payload, less the 2 of the
/// code (RFC 6455 5.5). The service's longer messages arrive cut to this.
pub const MAX_CLOSE_REASON: usize = 123;

/// The largest client message the emulator reads: 4 MiB (ours; the service's limit is
/// not documented). A larger one closes the session with 1009.
pub const MAX_MESSAGE: usize = 4 * 1024 * 1024;

/// 1011 when a token has started as many sessions as its `uses` allow (seen from the
/// service).
pub const USES_EXHAUSTED: &str = "Token has been used too many times";
/// 1011 for a new session after the token's `newSessionExpireTime` (seen).
pub const NEW_SESSION_DEADLINE_EXCEEDED: &str = "new_session_expire_time deadline exceeded";
/// 1011 when the token's `expireTime` passes during a session (seen).
pub const EXPIRED_DURING_SESSION: &str = "auth token has expired";
/// 1011 when connecting, or resuming, with an expired token (seen).
pub const TOKEN_EXPIRED: &str = "Token has expired";
/// 1007 when a token session's effective model is not a full `models/...` name, or it
/// has none (seen).
pub const PROJECT_SCOPED: &str =
    "token-based requests cannot use project-scoped features such as tuned models";
/// 1007 for a setup the service would not take (seen for invalid arguments in general;
/// which cases the emulator gives it for is our inference).
pub const INVALID_ARGUMENT: &str = "Request contains an invalid argument.";
/// 1008 for the plain `BidiGenerateContent` with a token, or no credentials: the
/// service's "Method doesn't allow unregistered callers ..." cut to fit a close frame,
/// as it was seen (the text is seen; the code is our inference).
pub const UNREGISTERED_CALLER: &str = "Method doesn't allow unregistered callers (callers without \
     established identity). Please use API Key or other form of API.";
/// 1008 for a token the emulator did not mint (ours: the service's answer is not known).
pub const TOKEN_NOT_FOUND: &str = "Token not found";
/// 1001 after a `goAway` fault's `timeLeft` (ours).
pub const GO_AWAY_ENDED: &str = "The session's time ran out after goAway.";

/// How long a resumption handle stays good: 2 hours, as the Live API's docs say.
const HANDLE_LIFETIME: time::Duration = time::Duration::hours(2);
/// How many handles are kept; the oldest are forgotten first (ours).
const MAX_HANDLES: usize = 4096;
/// How many sessions are listed; the oldest are forgotten first (ours).
const MAX_SESSIONS: usize = 10_000;
/// How often a session wakes, when the client is silent, to check the token's expiry
/// by the emulator's clock (which a test may move at any time).
const POLL: Duration = Duration::from_millis(200);
/// How long a server-initiated close waits for the client's close frame.
const CLOSE_WAIT: Duration = Duration::from_secs(1);
/// The buffer tungstenite reads into, allocated for each connection: small, since
/// sessions may be many and messages are mostly small.
const READ_BUFFER: usize = 8 * 1024;
/// The most text a session gathers for its next echo, across turns not yet complete.
const MAX_PENDING_TEXT: usize = MAX_MESSAGE;

/// One Live connection, as the emulator saw it: listed by
/// [`Emulator::sessions`](crate::Emulator::sessions) and `GET /emulator/sessions`
/// (camelCase JSON). Refused connections are listed too, with `setupComplete: false`.
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LiveSession {
    /// The emulator's number for the connection, from 1.
    pub id: u64,
    /// The API version of the path (`v1alpha`, `v1beta`).
    pub api_version: String,
    /// `BidiGenerateContentConstrained` or `BidiGenerateContent`.
    pub method: String,
    /// How the client identified itself.
    pub credential: Credential,
    /// The token used, if it is one the emulator minted.
    pub token: Option<String>,
    /// The client's setup, in proto3 JSON's normal form (lowerCamel names, as
    /// [`MintedToken::bidi_generate_content_setup`]), once received.
    pub client_setup: Option<Value>,
    /// The setup the session runs with: the token's and the client's, through the
    /// token's field mask (core's `effective_setup`); the client's as is with an API
    /// key. Also set when the setup was refused, to show what was checked.
    pub effective_setup: Option<Value>,
    /// When the connection was upgraded, by the emulator's clock.
    #[serde(serialize_with = "rfc3339")]
    pub start_time: OffsetDateTime,
    /// Whether `setupComplete` was sent.
    pub setup_complete: bool,
    /// Whether the session resumed an earlier one by its handle (and so did not count
    /// as a use of the token).
    pub resumed: bool,
    /// The `id` of the session whose handle was used, when resumed.
    pub resumed_session: Option<u64>,
    /// How many turns were answered.
    pub turns: u32,
    /// When it ended, by the emulator's clock; `None` while it runs.
    #[serde(serialize_with = "rfc3339_option")]
    pub end_time: Option<OffsetDateTime>,
    /// Who ended it; `None` while it runs.
    pub closed_by: Option<ClosedBy>,
    /// The close code, when a close frame was sent (by the server) or received (from
    /// the client).
    pub close_code: Option<u16>,
    /// The close frame's reason.
    pub close_reason: Option<String>,
}

impl fmt::Debug for LiveSession {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveSession")
            .field("id", &self.id)
            .field("api_version", &self.api_version)
            .field("method", &self.method)
            .field("credential", &self.credential)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("client_setup", &self.client_setup)
            .field("effective_setup", &self.effective_setup)
            .field("start_time", &self.start_time)
            .field("setup_complete", &self.setup_complete)
            .field("resumed", &self.resumed)
            .field("resumed_session", &self.resumed_session)
            .field("turns", &self.turns)
            .field("end_time", &self.end_time)
            .field("closed_by", &self.closed_by)
            .field("close_code", &self.close_code)
            .field("close_reason", &self.close_reason)
            .finish()
    }
}

/// How a Live client identified itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum Credential {
    /// A token in the query, `?access_token=auth_tokens/...` (what browsers must use).
    AccessToken,
    /// A token in the header `Authorization: Token auth_tokens/...` (the Python and Go
    /// SDKs).
    AuthorizationHeader,
    /// An API key, `?key=` or `x-goog-api-key`.
    ApiKey,
    /// Nothing.
    None,
}

/// Who ended a Live session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub enum ClosedBy {
    /// The emulator: a close frame (`closeCode` set), or, without one, a
    /// [`Fault::LiveDrop`] or the emulator stopping.
    Server,
    /// The client, with a close frame.
    Client,
    /// The connection ended without a close frame from the client (it went away, or a
    /// read or write failed).
    Connection,
}

/// The Live state the server threads share: sessions, uses, handles, faults.
pub(crate) struct LiveState {
    faults: Mutex<VecDeque<Fault>>,
    sessions: Mutex<VecDeque<LiveSession>>,
    /// Sessions started per token (resumptions not counted).
    uses: Mutex<HashMap<String, u32>>,
    handles: Mutex<Handles>,
    next_id: AtomicU64,
}

#[derive(Default)]
struct Handles {
    by_handle: HashMap<String, HandleInfo>,
    order: VecDeque<String>,
}

struct HandleInfo {
    token: Option<String>,
    session: u64,
    issued: OffsetDateTime,
}

impl LiveState {
    pub(crate) fn new(faults: VecDeque<Fault>) -> Self {
        Self {
            faults: Mutex::new(faults),
            sessions: Mutex::new(VecDeque::new()),
            uses: Mutex::new(HashMap::new()),
            handles: Mutex::new(Handles::default()),
            next_id: AtomicU64::new(1),
        }
    }

    /// Queues a fault for the next Live session set up.
    pub(crate) fn push_fault(&self, fault: Fault) {
        lock(&self.faults).push_back(fault);
    }

    /// Live faults not yet applied.
    pub(crate) fn pending_faults(&self) -> usize {
        lock(&self.faults).len()
    }

    /// Every session listed, oldest first.
    pub(crate) fn sessions(&self) -> Vec<LiveSession> {
        lock(&self.sessions).iter().cloned().collect()
    }

    /// `GET /emulator/sessions`.
    pub(crate) fn list(&self) -> Reply {
        match serde_json::to_value(self.sessions()) {
            Ok(sessions) => Reply::json(200, &json!({ "sessions": sessions })),
            // Only a clock set outside RFC 3339's years gets here.
            Err(e) => google::error(500, "INTERNAL", &e.to_string(), Vec::new()),
        }
    }

    fn add(&self, session: LiveSession) {
        let mut sessions = lock(&self.sessions);
        if sessions.len() >= MAX_SESSIONS {
            sessions.pop_front();
        }
        sessions.push_back(session);
    }

    fn update(&self, id: u64, change: impl FnOnce(&mut LiveSession)) {
        if let Some(session) = lock(&self.sessions).iter_mut().rev().find(|s| s.id == id) {
            change(session);
        }
    }

    fn exhausted(&self, token: &MintedToken) -> bool {
        token.uses != 0 && lock(&self.uses).get(&token.name).copied().unwrap_or(0) >= token.uses
    }

    /// Counts a session against the token; `false` if its uses are spent.
    fn spend(&self, token: &MintedToken) -> bool {
        let mut uses = lock(&self.uses);
        let used = uses.entry(token.name.clone()).or_insert(0);
        if token.uses != 0 && *used >= token.uses {
            return false;
        }
        *used = used.saturating_add(1);
        true
    }

    /// A new resumption handle for `session`; `None` if the OS has no random bytes.
    fn issue_handle(
        &self,
        token: Option<&str>,
        session: u64,
        now: OffsetDateTime,
    ) -> Option<String> {
        let handle = service::random_hex::<16>()?;
        let mut handles = lock(&self.handles);
        while handles.order.len() >= MAX_HANDLES {
            if let Some(old) = handles.order.pop_front() {
                handles.by_handle.remove(&old);
            }
        }
        handles.order.push_back(handle.clone());
        handles.by_handle.insert(
            handle.clone(),
            HandleInfo {
                token: token.map(str::to_owned),
                session,
                issued: now,
            },
        );
        Some(handle)
    }

    /// The session a handle resumes: one this emulator issued, to the same token (or
    /// to an API key session, for one), less than [`HANDLE_LIFETIME`] ago.
    fn resume(&self, handle: &str, token: Option<&str>, now: OffsetDateTime) -> Option<u64> {
        let handles = lock(&self.handles);
        let info = handles.by_handle.get(handle)?;
        (info.token.as_deref() == token && now < info.issued + HANDLE_LIFETIME)
            .then_some(info.session)
    }
}

/// `reason` cut to [`MAX_CLOSE_REASON`] bytes, on a character boundary.
pub(crate) fn cut_reason(reason: &str) -> &str {
    let mut end = reason.len().min(MAX_CLOSE_REASON);
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason.get(..end).unwrap_or_default()
}

/// Serves a Live request: checks the upgrade, answers `101`, runs the session. `Some`
/// is a refusal to answer over HTTP instead (not a WebSocket upgrade); `None` means
/// the connection is done with (closed, or gone).
pub(crate) fn serve<T: Transport>(
    stream: &mut T,
    shared: &Shared,
    request: &Request,
    version: &'static str,
    constrained: bool,
    leftover: Vec<u8>,
) -> Option<Reply> {
    let key = match handshake_key(request) {
        Ok(key) => key,
        Err(refusal) => return Some(refusal),
    };
    let accept = tungstenite::handshake::derive_accept_key(key.as_bytes());
    let head = format!(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Accept: {accept}\r\n\r\n"
    );
    if stream
        .write_all(head.as_bytes())
        .and_then(|()| stream.flush())
        .is_err()
    {
        return None;
    }
    let config = WebSocketConfig::default()
        .read_buffer_size(READ_BUFFER)
        .write_buffer_size(0)
        .max_message_size(Some(MAX_MESSAGE))
        .max_frame_size(Some(MAX_MESSAGE));
    // Bytes the client sent right after its request (a first frame) were read with it.
    let ws = WebSocket::from_partially_read(stream, leftover, Role::Server, Some(config));
    let (credential, auth) = authenticate(shared, request, constrained);
    let id = shared.live.next_id.fetch_add(1, Ordering::Relaxed);
    let token = match &auth {
        Ok(Auth::Token(token)) => Some(token.clone()),
        _ => None,
    };
    shared.live.add(LiveSession {
        id,
        api_version: version.to_owned(),
        method: if constrained {
            "BidiGenerateContentConstrained"
        } else {
            "BidiGenerateContent"
        }
        .to_owned(),
        credential,
        token: token.as_ref().map(|t| t.name.clone()),
        client_setup: None,
        effective_setup: None,
        start_time: (shared.clock)(),
        setup_complete: false,
        resumed: false,
        resumed_session: None,
        turns: 0,
        end_time: None,
        closed_by: None,
        close_code: None,
        close_reason: None,
    });
    let mask = token
        .as_ref()
        .and_then(|t| t.field_mask.as_deref())
        .map(normalized_mask);
    let mut session = Session {
        ws,
        shared,
        id,
        version,
        token,
        mask,
        running: false,
        effective: Map::new(),
        resumable: false,
        pending: String::new(),
        last_heard: Instant::now(),
        go_away_at: None,
        readable: true,
    };
    let end = match auth {
        Err(refusal) => refusal,
        Ok(_) => session.run(),
    };
    session.finish(end);
    None
}

/// The `Sec-WebSocket-Key` of a valid upgrade request; else the refusal (ours: the
/// service's answer to a plain `GET` here is not known).
fn handshake_key(request: &Request) -> Result<String, Reply> {
    let has_token = |header: &str, token: &str| {
        request.header(header).is_some_and(|v| {
            v.split(',')
                .any(|part| part.trim().eq_ignore_ascii_case(token))
        })
    };
    let key = request.header("sec-websocket-key").map(str::trim);
    match key {
        Some(key)
            if has_token("upgrade", "websocket")
                && has_token("connection", "upgrade")
                && request.header("sec-websocket-version").map(str::trim) == Some("13")
                && key.len() == 24 =>
        {
            Ok(key.to_owned())
        }
        _ => Err(google::error(
            400,
            "INVALID_ARGUMENT",
            "This is the Live API's WebSocket: it takes a GET with Upgrade: websocket, \
             Connection: Upgrade, Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key.",
            Vec::new(),
        )),
    }
}

/// Who the client is, and whether it may go on.
enum Auth {
    Token(MintedToken),
    Key,
}

/// A server close: its code and reason.
#[derive(Debug)]
struct Close {
    code: u16,
    reason: Cow<'static, str>,
}

fn close(code: u16, reason: impl Into<Cow<'static, str>>) -> End {
    End::Close(Close {
        code,
        reason: reason.into(),
    })
}

/// How a session ends.
#[derive(Debug)]
enum End {
    /// The server closes, with this code and reason.
    Close(Close),
    /// The client sent a close frame (with this code and reason, if any).
    ClientClosed(Option<(u16, String)>),
    /// The connection is dropped on purpose: no close frame.
    Drop,
    /// The emulator is stopping.
    Stopped,
    /// The connection failed or ended without a close frame.
    Gone,
}

/// The credentials of a Live request, checked as the service does: a token on the
/// constrained method; on the plain method, an API key only.
fn authenticate(
    shared: &Shared,
    request: &Request,
    constrained: bool,
) -> (Credential, Result<Auth, End>) {
    let header_token = request.header("authorization").and_then(|value| {
        let (scheme, token) = value.trim().split_once(' ')?;
        scheme
            .eq_ignore_ascii_case("token")
            .then(|| token.trim().to_owned())
    });
    let (credential, token) = match (header_token, service::query_param(request, "access_token")) {
        (Some(token), _) => (Credential::AuthorizationHeader, Some(token)),
        (None, Some(token)) => (Credential::AccessToken, Some(token)),
        (None, None) => (Credential::None, None),
    };
    let unregistered = || close(1008, UNREGISTERED_CALLER);
    match token {
        Some(_) if !constrained => (credential, Err(unregistered())),
        Some(name) => {
            let found = lock(&shared.tokens)
                .iter()
                .find(|t| t.name == name)
                .cloned();
            match found {
                None => (credential, Err(close(1008, TOKEN_NOT_FOUND))),
                Some(token) if (shared.clock)() >= token.expire_time => {
                    (credential, Err(close(1011, TOKEN_EXPIRED)))
                }
                Some(token) => (credential, Ok(Auth::Token(token))),
            }
        }
        None => {
            let key = request
                .header("x-goog-api-key")
                .map(|k| k.trim().to_owned())
                .or_else(|| service::query_param(request, "key"));
            match key.as_deref() {
                None | Some("") => (Credential::None, Err(unregistered())),
                Some(key) if shared.keys.iter().any(|k| k == key) => {
                    (Credential::ApiKey, Ok(Auth::Key))
                }
                // A token passed as a key lands here too, as with the service (seen).
                Some(_) => (Credential::ApiKey, Err(close(1007, google::INVALID_KEY))),
            }
        }
    }
}

/// The token's mask with each path in JSON names (`generationConfig.topK`), as core's
/// `effective_setup` walks the normal form; a mask the emulator took at minting always
/// parses.
fn normalized_mask(mask: &str) -> String {
    mask::parse(mask).map_or_else(
        || mask.to_owned(),
        |paths| {
            paths
                .iter()
                .map(|path| path.join("."))
                .collect::<Vec<_>>()
                .join(",")
        },
    )
}

/// A session on one connection.
struct Session<'s, T: Transport> {
    ws: WebSocket<&'s mut T>,
    shared: &'s Shared,
    id: u64,
    version: &'static str,
    token: Option<MintedToken>,
    /// The token's mask, normalized; `None` without a mask.
    mask: Option<String>,
    /// Whether the setup is done.
    running: bool,
    effective: Map<String, Value>,
    /// Whether the effective setup has `sessionResumption`: handles are sent.
    resumable: bool,
    /// Text of turns not yet complete.
    pending: String,
    last_heard: Instant,
    go_away_at: Option<Instant>,
    /// Whether frames can still be read: not after a read failed (other than by the
    /// poll's timeout), which leaves tungstenite's reader in a state it must not be
    /// called in again.
    readable: bool,
}

impl<T: Transport> Session<'_, T> {
    fn now(&self) -> OffsetDateTime {
        (self.shared.clock)()
    }

    /// Reads and answers messages until the session ends; wakes every [`POLL`] to
    /// check the token's expiry by the emulator's clock, however silent the client.
    fn run(&mut self) -> End {
        let idle_timeout = self.shared.limits.idle_timeout;
        loop {
            if self.shared.stopping() {
                return End::Stopped;
            }
            if let Some(token) = &self.token {
                if self.now() >= token.expire_time {
                    let reason = if self.running {
                        EXPIRED_DURING_SESSION
                    } else {
                        TOKEN_EXPIRED
                    };
                    return close(1011, reason);
                }
            }
            let idle_left = idle_timeout.saturating_sub(self.last_heard.elapsed());
            if idle_left.is_zero() {
                return close(
                    1001,
                    format!(
                        "No message for {}: the emulator's idle timeout.",
                        crate::faults::show(idle_timeout)
                    ),
                );
            }
            let mut wait = idle_left.min(POLL);
            if let Some(at) = self.go_away_at {
                let left = at.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return close(1001, GO_AWAY_ENDED);
                }
                wait = wait.min(left);
            }
            (**self.ws.get_mut()).set_deadline(Some(Instant::now() + wait));
            let message = match self.ws.read() {
                Ok(message) => message,
                Err(WsError::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                    ) =>
                {
                    continue;
                }
                Err(error) => {
                    self.readable = false;
                    return ended_by(&error);
                }
            };
            self.last_heard = Instant::now();
            let outcome = match message {
                Message::Text(text) => self.on_message(text.as_bytes()),
                Message::Binary(bytes) => self.on_message(&bytes),
                Message::Close(frame) => {
                    return End::ClientClosed(
                        frame.map(|f| (u16::from(f.code), f.reason.as_str().to_owned())),
                    );
                }
                Message::Ping(_) | Message::Pong(_) | Message::Frame(_) => Ok(()),
            };
            if let Err(end) = outcome {
                return end;
            }
        }
    }

    /// One client message: a `BidiGenerateContentClientMessage` with exactly one field.
    fn on_message(&mut self, bytes: &[u8]) -> Result<(), End> {
        let package = service::package(self.version);
        let message = proto_json::read(
            bytes,
            &schema::BIDI_GENERATE_CONTENT_CLIENT_MESSAGE,
            "",
            &package,
        )
        .map_err(|violations| {
            // The parser's first complaint, first line (no caret excerpt), as the reason.
            let reason = violations
                .first()
                .and_then(|v| v.description.lines().next())
                .unwrap_or(INVALID_ARGUMENT);
            close(1007, cut_reason(reason).to_owned())
        })?;
        let mut fields = message.into_iter();
        let (Some((kind, value)), None) = (fields.next(), fields.next()) else {
            return Err(close(1007, INVALID_ARGUMENT));
        };
        let Value::Object(value) = value else {
            return Err(close(1007, INVALID_ARGUMENT));
        };
        match (self.running, kind.as_str()) {
            (false, "setup") => self.setup(value),
            (true, "clientContent") => self.client_content(&value),
            (true, "realtimeInput") => match value.get("text").and_then(Value::as_str) {
                Some(text) if !text.is_empty() => {
                    self.gather(text);
                    self.answer()
                }
                _ => Ok(()),
            },
            (true, "toolResponse") => Ok(()),
            // A message before the setup, or a second setup.
            _ => Err(close(1007, INVALID_ARGUMENT)),
        }
    }

    /// The first message: the rules of the token, the effective setup, `setupComplete`.
    fn setup(&mut self, client: Map<String, Value>) -> Result<(), End> {
        let now = self.now();
        let effective = match &self.token {
            Some(token) => gemini_token_core::effective_setup(
                token
                    .bidi_generate_content_setup
                    .as_ref()
                    .and_then(Value::as_object),
                self.mask.as_deref(),
                &client,
            ),
            None => client.clone(),
        };
        let handle = client
            .get("sessionResumption")
            .and_then(|r| r.get("handle"))
            .and_then(Value::as_str)
            .filter(|h| !h.is_empty())
            .map(str::to_owned);
        self.shared.live.update(self.id, |s| {
            s.client_setup = Some(Value::Object(client));
            s.effective_setup = Some(Value::Object(effective.clone()));
        });
        let token = self.token.clone();
        if let Some(token) = &token {
            if now >= token.expire_time {
                return Err(close(1011, TOKEN_EXPIRED));
            }
        }
        // The handle comes from the client's setup: a token that locks the whole setup
        // with `sessionResumption` in it still lets the client resume (the trap is a
        // locked setup *without* it). Without resumption in effect, a handle is ignored.
        let resumable = effective.contains_key("sessionResumption");
        let resumed_from = match handle.filter(|_| resumable) {
            Some(handle) => {
                let token_name = token.as_ref().map(|t| t.name.as_str());
                Some(
                    self.shared
                        .live
                        .resume(&handle, token_name, now)
                        .ok_or_else(|| close(1007, INVALID_ARGUMENT))?,
                )
            }
            None => None,
        };
        let new_session = token.as_ref().filter(|_| resumed_from.is_none());
        if let Some(token) = new_session {
            if now >= token.new_session_expire_time {
                return Err(close(1011, NEW_SESSION_DEADLINE_EXCEEDED));
            }
            if self.shared.live.exhausted(token) {
                return Err(close(1011, USES_EXHAUSTED));
            }
        }
        check_setup(&effective, token.is_some())?;
        if let Some(token) = new_session {
            if !self.shared.live.spend(token) {
                return Err(close(1011, USES_EXHAUSTED));
            }
        }
        self.shared.live.update(self.id, |s| {
            s.setup_complete = true;
            s.resumed = resumed_from.is_some();
            s.resumed_session = resumed_from;
        });
        self.running = true;
        self.resumable = resumable;
        self.effective = effective;
        self.send(&json!({"setupComplete": {}}))?;
        if self.resumable {
            self.send_handle()?;
        }
        let fault = lock(&self.shared.live.faults).pop_front();
        match fault.map(Fault::bounded) {
            Some(Fault::LiveGoAway(left)) => {
                self.go_away_at = Some(Instant::now() + left);
                self.send(&json!({"goAway": {"timeLeft": proto_duration(left)}}))
            }
            Some(Fault::LiveClose { code, reason }) => Err(close(code, reason)),
            Some(Fault::LiveDrop) => Err(End::Drop),
            _ => Ok(()),
        }
    }

    /// A `clientContent` message: its text gathered, answered when the turn completes.
    fn client_content(&mut self, content: &Map<String, Value>) -> Result<(), End> {
        let turns = content.get("turns").and_then(Value::as_array);
        for turn in turns.into_iter().flatten() {
            let parts = turn.get("parts").and_then(Value::as_array);
            for part in parts.into_iter().flatten() {
                if let Some(text) = part.get("text").and_then(Value::as_str) {
                    self.gather(text);
                }
            }
        }
        if content.get("turnComplete") == Some(&Value::Bool(true)) {
            self.answer()
        } else {
            Ok(())
        }
    }

    /// Adds a text to the turn under way, within [`MAX_PENDING_TEXT`].
    fn gather(&mut self, text: &str) {
        if !self.pending.is_empty() {
            self.pending.push(' ');
        }
        let room = MAX_PENDING_TEXT.saturating_sub(self.pending.len());
        self.pending.push_str(cut_at(text, room));
    }

    /// The model's turn: an echo naming the effective model and system instruction,
    /// `turnComplete`, and a new handle when the session can be resumed.
    fn answer(&mut self) -> Result<(), End> {
        let text = std::mem::take(&mut self.pending);
        let model = self
            .effective
            .get("model")
            .and_then(Value::as_str)
            .unwrap_or("(none)");
        let instruction: Vec<&str> = self
            .effective
            .get("systemInstruction")
            .and_then(|c| c.get("parts"))
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|part| part.get("text").and_then(Value::as_str))
            .collect();
        let echo = if instruction.is_empty() {
            format!("echo: {text} (model {model}; no system instruction)")
        } else {
            format!(
                "echo: {text} (model {model}; system instruction: \"{}\")",
                instruction.join(" ")
            )
        };
        self.send(&json!({"serverContent": {"modelTurn": {"parts": [{"text": echo}]}}}))?;
        self.send(&json!({"serverContent": {"turnComplete": true}}))?;
        self.shared
            .live
            .update(self.id, |s| s.turns = s.turns.saturating_add(1));
        if self.resumable {
            self.send_handle()?;
        }
        Ok(())
    }

    fn send_handle(&mut self) -> Result<(), End> {
        let token = self.token.as_ref().map(|t| t.name.as_str());
        let Some(handle) = self.shared.live.issue_handle(token, self.id, self.now()) else {
            return Err(close(1011, "Internal error occurred."));
        };
        self.send(&json!({"sessionResumptionUpdate": {"newHandle": handle, "resumable": true}}))
    }

    /// Sends a server message: JSON in a binary frame, as the service sends them
    /// (browsers receive a `Blob`).
    fn send(&mut self, message: &Value) -> Result<(), End> {
        self.ws
            .send(Message::binary(message.to_string().into_bytes()))
            .map_err(|_| End::Gone)
    }

    /// Ends the session as `end` says, and records how.
    fn finish(mut self, end: End) {
        let (closed_by, code, reason) = match &end {
            End::Close(c) => (ClosedBy::Server, Some(c.code), Some(c.reason.to_string())),
            End::ClientClosed(frame) => (
                ClosedBy::Client,
                frame.as_ref().map(|f| f.0),
                frame.as_ref().map(|f| f.1.clone()),
            ),
            End::Drop | End::Stopped => (ClosedBy::Server, None, None),
            End::Gone => (ClosedBy::Connection, None, None),
        };
        let now = self.now();
        self.shared.live.update(self.id, |s| {
            s.end_time = Some(now);
            s.closed_by = Some(closed_by);
            s.close_code = code;
            s.close_reason = reason;
        });
        match end {
            End::Close(c) => {
                let frame = CloseFrame {
                    code: CloseCode::from(c.code),
                    reason: cut_reason(&c.reason).to_owned().into(),
                };
                if self.ws.close(Some(frame)).is_ok() {
                    self.await_close_reply();
                }
                (**self.ws.get_mut()).close(false);
            }
            End::ClientClosed(_) => {
                // Sends the close frame tungstenite queued in reply.
                let _ = self.ws.flush();
                (**self.ws.get_mut()).close(false);
            }
            End::Drop => {
                if let Some(tcp) = (**self.ws.get_mut()).tcp() {
                    let _ = tcp.shutdown(Shutdown::Both);
                }
            }
            End::Stopped | End::Gone => {}
        }
    }

    /// Waits, at most [`CLOSE_WAIT`], for the client's close frame in reply, dropping
    /// what it sends meanwhile; then the TCP connection can close without a reset
    /// (which could destroy the close frame before the client reads it).
    fn await_close_reply(&mut self) {
        let until = Instant::now() + CLOSE_WAIT;
        (**self.ws.get_mut()).set_deadline(Some(until));
        while self.readable && Instant::now() < until {
            if self.ws.read().is_err() {
                self.readable = false;
                return;
            }
        }
        if !self.readable {
            // The frames cannot be read (one too large, a protocol error): take the raw
            // bytes instead, up to a message's worth, until the client closes or the
            // wait is over (the client's close frame is among them, unrecognized).
            let stream = &mut **self.ws.get_mut();
            let mut sink = [0u8; 8 * 1024];
            let mut drained = 0;
            while drained <= MAX_MESSAGE + sink.len() {
                match stream.read(&mut sink) {
                    Ok(0) | Err(_) => return,
                    Ok(n) => drained += n,
                }
            }
        }
    }
}

/// How a failed read ends the session: a frame too large (1009), text that is not
/// UTF-8 (1007), a protocol error (1002), else the connection gone.
fn ended_by(error: &WsError) -> End {
    match error {
        WsError::Capacity(_) => close(
            1009,
            format!("A message is at most {MAX_MESSAGE} bytes in the emulator."),
        ),
        WsError::Utf8(_) => close(1007, "A text message that is not UTF-8."),
        WsError::Protocol(ProtocolError::ResetWithoutClosingHandshake) => End::Gone,
        WsError::Protocol(_) => close(1002, "A WebSocket protocol error."),
        _ => End::Gone,
    }
}

/// What the service checks of the effective setup before a session starts: a token
/// session needs a full `models/...` name (seen); any session needs a model, and no
/// `generationConfig` field the Live API does not support (both our inference).
fn check_setup(effective: &Map<String, Value>, token: bool) -> Result<(), End> {
    let model = effective.get("model").and_then(Value::as_str);
    match model {
        Some(m) if token && m.len() > "models/".len() && m.starts_with("models/") => {}
        _ if token => return Err(close(1007, PROJECT_SCOPED)),
        Some(m) if !m.is_empty() => {}
        _ => return Err(close(1007, INVALID_ARGUMENT)),
    }
    let generation = effective.get("generationConfig").and_then(Value::as_object);
    if let Some(generation) = generation {
        if schema::not_live_generation_fields().any(|name| generation.contains_key(name)) {
            return Err(close(1007, INVALID_ARGUMENT));
        }
    }
    Ok(())
}

/// A `google.protobuf.Duration` in JSON: seconds with up to 9 decimals, `"10s"`,
/// `"0.5s"`.
fn proto_duration(d: Duration) -> String {
    let nanos = d.subsec_nanos();
    if nanos == 0 {
        format!("{}s", d.as_secs())
    } else {
        let fraction = format!("{nanos:09}");
        format!("{}.{}s", d.as_secs(), fraction.trim_end_matches('0'))
    }
}

/// `text` cut to at most `max` bytes, on a character boundary.
fn cut_at(text: &str, max: usize) -> &str {
    let mut end = text.len().min(max);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text.get(..end).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_fit_a_close_frame() {
        for reason in [
            USES_EXHAUSTED,
            NEW_SESSION_DEADLINE_EXCEEDED,
            EXPIRED_DURING_SESSION,
            TOKEN_EXPIRED,
            PROJECT_SCOPED,
            INVALID_ARGUMENT,
            UNREGISTERED_CALLER,
            TOKEN_NOT_FOUND,
            GO_AWAY_ENDED,
            google::INVALID_KEY,
        ] {
            assert!(reason.len() <= MAX_CLOSE_REASON, "{reason}");
        }
        // The service's whole message, cut to a close frame, is what was seen but for
        // its last two bytes (" c") and a period.
        assert_eq!(
            cut_reason(google::MISSING_KEY),
            format!("{} c", UNREGISTERED_CALLER.trim_end_matches('.'))
        );
        assert_eq!(cut_reason(&"é".repeat(70)).len(), 122);
    }

    #[test]
    fn masks_are_normalized_to_json_names() {
        assert_eq!(
            normalized_mask("model, generation_config.top_k,system_instruction"),
            "model,generationConfig.topK,systemInstruction"
        );
        assert_eq!(normalized_mask(""), "");
    }

    #[test]
    fn durations_in_proto_json() {
        assert_eq!(proto_duration(Duration::from_secs(10)), "10s");
        assert_eq!(proto_duration(Duration::from_millis(1500)), "1.5s");
        assert_eq!(proto_duration(Duration::from_nanos(1)), "0.000000001s");
    }

    #[test]
    fn setups_are_checked() {
        let setup = |v: Value| v.as_object().cloned().unwrap_or_default();
        let reason = |r: Result<(), End>| match r {
            Ok(()) => None,
            Err(End::Close(c)) => Some((c.code, c.reason.into_owned())),
            Err(other) => Some((0, format!("{other:?}"))),
        };
        assert_eq!(
            reason(check_setup(&setup(json!({"model": "models/m"})), true)),
            None
        );
        for bad in [
            json!({}),
            json!({"model": "gemini-live"}),
            json!({"model": "models/"}),
            json!({"model": "tunedModels/x"}),
        ] {
            assert_eq!(
                reason(check_setup(&setup(bad.clone()), true)),
                Some((1007, PROJECT_SCOPED.to_owned())),
                "{bad}"
            );
        }
        assert_eq!(
            reason(check_setup(
                &setup(json!({"model": "tunedModels/x"})),
                false
            )),
            None
        );
        for unnamed in [json!({}), json!({"model": ""})] {
            assert_eq!(
                reason(check_setup(&setup(unnamed.clone()), false)),
                Some((1007, INVALID_ARGUMENT.to_owned())),
                "{unnamed}"
            );
        }
        assert_eq!(
            reason(check_setup(
                &setup(json!({"model": "models/m", "generationConfig": {"responseMimeType": "x"}})),
                true
            )),
            Some((1007, INVALID_ARGUMENT.to_owned()))
        );
    }

    #[test]
    fn text_is_cut_on_a_character_boundary() {
        assert_eq!(cut_at("aé", 0), "");
        assert_eq!(cut_at("aé", 1), "a");
        assert_eq!(cut_at("aé", 2), "a");
        assert_eq!(cut_at("aé", 3), "aé");
        assert_eq!(cut_at("aé", 10), "aé");
    }
}
