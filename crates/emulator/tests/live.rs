//! The Live API's constrained WebSocket: tokens used, spent, expired and locked, with
//! the close codes and reasons the service sends. Clients are `tungstenite` over TCP or
//! rustls; tokens are minted through core's `prepare`, and their handshake is core's
//! `AuthToken::live_handshake_request`.

#![allow(clippy::panic, clippy::unwrap_used)]

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::support::{KEY, parse};
use gemini_token_core::setup::SessionResumptionConfig;
use gemini_token_core::{
    ApiKey, AuthToken, CreateAuthTokenConfig, Endpoint, LiveConnectConfig, LiveConnectConstraints,
    Lock, prepare,
};
use gemini_token_emulator::live::{
    EXPIRED_DURING_SESSION, GO_AWAY_ENDED, INVALID_ARGUMENT, MAX_MESSAGE,
    NEW_SESSION_DEADLINE_EXCEEDED, PROJECT_SCOPED, TOKEN_EXPIRED, TOKEN_NOT_FOUND,
    UNREGISTERED_CALLER, USES_EXHAUSTED,
};
use gemini_token_emulator::{
    ClosedBy, Credential, Emulator, EmulatorBuilder, Fault, INVALID_KEY, SESSIONS_PATH,
};
use rustls::pki_types::{CertificateDer, ServerName};
use rustls::{ClientConfig, ClientConnection, RootCertStore, StreamOwned};
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::macros::datetime;
use tungstenite::client::IntoClientRequest;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::{CloseFrame, WebSocket};
use tungstenite::{Message, client};

const START: OffsetDateTime = datetime!(2026-01-01 00:00 UTC);
const MODEL: &str = "models/gemini-live-2.5-flash-preview";

/// A plain TCP or a TLS stream, for one client code over both.
enum Stream {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Self::Plain(s) => s.read(buf),
            Self::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Self::Plain(s) => s.write(buf),
            Self::Tls(s) => s.write(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Self::Plain(s) => s.flush(),
            Self::Tls(s) => s.flush(),
        }
    }
}

type Ws = WebSocket<Stream>;

/// An emulator with a clock the test moves.
struct Fixture {
    emulator: Emulator,
    clock: Arc<Mutex<OffsetDateTime>>,
    tls: Option<Arc<ClientConfig>>,
}

impl Fixture {
    fn new() -> Self {
        Self::with(|b| b)
    }

    fn with(change: impl FnOnce(EmulatorBuilder) -> EmulatorBuilder) -> Self {
        let clock = Arc::new(Mutex::new(START));
        let shared = Arc::clone(&clock);
        let builder = Emulator::builder()
            .key(KEY)
            .clock(move || *shared.lock().unwrap());
        let emulator = change(builder).start().unwrap();
        let tls = emulator.ca_certificate_der().map(|der| {
            let mut roots = RootCertStore::empty();
            roots.add(CertificateDer::from(der.to_vec())).unwrap();
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            Arc::new(
                ClientConfig::builder_with_provider(provider)
                    .with_safe_default_protocol_versions()
                    .unwrap()
                    .with_root_certificates(roots)
                    .with_no_client_auth(),
            )
        });
        Self {
            emulator,
            clock,
            tls,
        }
    }

    fn now(&self) -> OffsetDateTime {
        *self.clock.lock().unwrap()
    }

    fn advance(&self, by: time::Duration) {
        *self.clock.lock().unwrap() += by;
    }

    fn stream(&self) -> Stream {
        let tcp = TcpStream::connect(self.emulator.addr()).unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        tcp.set_write_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        match &self.tls {
            None => Stream::Plain(tcp),
            Some(config) => {
                let name = ServerName::try_from("127.0.0.1").unwrap();
                let conn = ClientConnection::new(Arc::clone(config), name).unwrap();
                Stream::Tls(Box::new(StreamOwned::new(conn, tcp)))
            }
        }
    }

    /// Sends one HTTP request (with `Connection: close`) and reads the whole answer.
    fn http(&self, head: &str, body: &[u8]) -> crate::support::Answer {
        let mut stream = self.stream();
        let mut raw = format!(
            "{head}Host: 127.0.0.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .into_bytes();
        raw.extend_from_slice(body);
        stream.write_all(&raw).unwrap();
        stream.flush().unwrap();
        let mut received = Vec::new();
        match stream.read_to_end(&mut received) {
            Ok(_) => {}
            // rustls reports a close without close_notify; the answer is complete.
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => {}
            Err(e) => panic!("{e}"),
        }
        parse(&received)
    }

    /// Mints through core: `prepare` as of the emulator's clock, the request sent as
    /// is, the answer parsed by core into an `AuthToken`.
    fn mint(&self, config: &CreateAuthTokenConfig) -> AuthToken {
        let endpoint = Endpoint::new(self.emulator.base_url(), "v1alpha").unwrap();
        let key = ApiKey::new(KEY).unwrap();
        let (request, parser) = prepare(config, &endpoint, &key, self.now())
            .unwrap()
            .into_parts();
        let mut head = format!(
            "{} {} HTTP/1.1\r\n",
            request.method(),
            request.uri().path_and_query().unwrap()
        );
        for (name, value) in request.headers() {
            head.push_str(&format!("{name}: {}\r\n", value.to_str().unwrap()));
        }
        let answer = self.http(&head, request.body());
        let response = http::Response::builder()
            .status(answer.status)
            .body(answer.body)
            .unwrap();
        parser.parse(&response).unwrap()
    }

    /// Mints through the emulator's HTTP API with a raw body; the token's name.
    fn mint_raw(&self, body: &str) -> String {
        let answer = self.http(
            &format!("POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n"),
            body.as_bytes(),
        );
        assert_eq!(answer.status, 200, "{:?}", answer.json());
        answer.json()["name"].as_str().unwrap().to_owned()
    }

    /// `GET /emulator/sessions`.
    fn sessions(&self) -> Vec<Value> {
        let answer = self.http(&format!("GET {SESSIONS_PATH} HTTP/1.1\r\n"), b"");
        assert_eq!(answer.status, 200);
        answer.json()["sessions"].as_array().unwrap().clone()
    }

    /// The last session listed.
    fn last_session(&self) -> Value {
        self.sessions().pop().unwrap()
    }

    /// Opens a WebSocket with this handshake request (its URL's host and scheme are
    /// not used: the stream is this emulator's).
    fn connect(&self, request: http::Request<()>) -> Ws {
        let (ws, response) = client(request, self.stream()).unwrap();
        assert_eq!(response.status(), 101);
        ws
    }

    /// Opens a WebSocket to a path (and query) of the emulator.
    fn connect_path(&self, path_and_query: &str) -> Ws {
        let scheme = if self.tls.is_some() { "wss" } else { "ws" };
        let url = format!("{scheme}://{}{path_and_query}", self.emulator.addr());
        self.connect(url.into_client_request().unwrap())
    }
}

fn live_path(version: &str, method: &str) -> String {
    format!("/ws/google.ai.generativelanguage.{version}.GenerativeService.{method}")
}

fn send(ws: &mut Ws, message: &Value) {
    ws.send(Message::text(message.to_string())).unwrap();
}

fn send_setup(ws: &mut Ws, setup: Value) {
    send(ws, &json!({ "setup": setup }));
}

/// The next server message, which must be JSON in a binary frame.
fn recv(ws: &mut Ws) -> Value {
    loop {
        match ws.read().unwrap() {
            Message::Binary(bytes) => return serde_json::from_slice(&bytes).unwrap(),
            Message::Ping(_) | Message::Pong(_) => {}
            other => panic!("expected a binary message, got {other:?}"),
        }
    }
}

/// The server's close frame, which must come next; then the close handshake is
/// completed.
fn closed(ws: &mut Ws) -> (u16, String) {
    let frame = loop {
        match ws.read() {
            Ok(Message::Close(frame)) => break frame.unwrap(),
            Ok(Message::Ping(_) | Message::Pong(_)) => {}
            Ok(other) => panic!("expected a close, got {other:?}"),
            Err(e) => panic!("expected a close, got {e}"),
        }
    };
    // Reading on sends our reply and ends when the server closes.
    while ws.read().is_ok() {}
    (u16::from(frame.code), frame.reason.as_str().to_owned())
}

fn reason(code: u16, reason: &str) -> (u16, String) {
    (code, reason.to_owned())
}

/// A complete setup, checks `setupComplete`; returns the handle when one follows.
fn set_up(ws: &mut Ws, setup: Value, resumable: bool) -> Option<String> {
    send_setup(ws, setup);
    assert_eq!(recv(ws), json!({"setupComplete": {}}));
    resumable.then(|| handle(ws))
}

fn handle(ws: &mut Ws) -> String {
    let update = recv(ws);
    assert_eq!(
        update["sessionResumptionUpdate"]["resumable"], true,
        "{update}"
    );
    let handle = update["sessionResumptionUpdate"]["newHandle"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(handle.len(), 32);
    handle
}

fn client_turn(ws: &mut Ws, text: &str) {
    send(
        ws,
        &json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": text}]}], "turnComplete": true}}),
    );
}

/// The echo's text, then checks `turnComplete` follows.
fn echo(ws: &mut Ws) -> String {
    let turn = recv(ws);
    let text = turn["serverContent"]["modelTurn"]["parts"][0]["text"]
        .as_str()
        .unwrap_or_else(|| panic!("{turn}"))
        .to_owned();
    assert_eq!(recv(ws), json!({"serverContent": {"turnComplete": true}}));
    text
}

fn say_goodbye(mut ws: Ws) {
    ws.close(Some(CloseFrame {
        code: CloseCode::Normal,
        reason: "bye".into(),
    }))
    .unwrap();
    while ws.read().is_ok() {}
}

/// One use, 30 minutes, the model and a system instruction.
fn one_use() -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::new()
        .uses(1)
        .expire_in(time::Duration::minutes(30))
        .constraints(
            LiveConnectConstraints::new()
                .model("gemini-live-2.5-flash-preview")
                .config(LiveConnectConfig::new().system_instruction("Be terse.")),
        )
        .lock(Lock::SetFields)
}

fn resumable_one_use() -> CreateAuthTokenConfig {
    one_use().constraints(
        LiveConnectConstraints::new()
            .model("gemini-live-2.5-flash-preview")
            .config(
                LiveConnectConfig::new()
                    .system_instruction("Be terse.")
                    .session_resumption(SessionResumptionConfig::new()),
            ),
    )
}

#[test]
fn a_one_use_token_opens_one_session_and_the_second_is_refused() {
    let f = Fixture::new();
    let token = f.mint(&one_use());

    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);
    client_turn(&mut ws, "Hello");
    assert_eq!(
        echo(&mut ws),
        format!("echo: Hello (model {MODEL}; system instruction: \"Be terse.\")")
    );
    say_goodbye(ws);

    let mut ws = f.connect(token.live_handshake_request().unwrap());
    send_setup(&mut ws, json!({}));
    assert_eq!(closed(&mut ws), reason(1011, USES_EXHAUSTED));

    let sessions = f.sessions();
    assert_eq!(sessions.len(), 2);
    assert_eq!(sessions[0]["setupComplete"], true);
    assert_eq!(sessions[0]["turns"], 1);
    assert_eq!(sessions[0]["closedBy"], "client");
    assert_eq!(sessions[0]["closeCode"], 1000);
    assert_eq!(sessions[0]["closeReason"], "bye");
    assert_eq!(sessions[0]["startTime"], "2026-01-01T00:00:00Z");
    assert_eq!(sessions[0]["endTime"], "2026-01-01T00:00:00Z");
    assert_eq!(sessions[1]["setupComplete"], false);
    assert_eq!(sessions[1]["closedBy"], "server");
    assert_eq!(sessions[1]["closeCode"], 1011);
    assert_eq!(sessions[1]["closeReason"], USES_EXHAUSTED);
    assert_eq!(sessions[1]["token"], token.secret());
}

#[test]
fn uses_zero_is_unlimited() {
    let f = Fixture::new();
    let token = f.mint(&one_use().uses(0));
    for _ in 0..3 {
        let mut ws = f.connect(token.live_handshake_request().unwrap());
        set_up(&mut ws, json!({}), false);
        say_goodbye(ws);
    }
    assert!(f.sessions().iter().all(|s| s["setupComplete"] == true));
}

#[test]
fn a_resumed_session_does_not_spend_a_use_and_an_expired_token_cannot_resume() {
    let f = Fixture::new();
    let token = f.mint(&resumable_one_use());

    let mut ws = f.connect(token.live_handshake_request().unwrap());
    let first = set_up(&mut ws, json!({}), true).unwrap();
    client_turn(&mut ws, "one");
    echo(&mut ws);
    // Each turn brings a new handle.
    let second = handle(&mut ws);
    assert_ne!(first, second);
    say_goodbye(ws);

    // Past the deadline for new sessions, with its one use spent, the token resumes,
    // twice, with either handle.
    f.advance(time::Duration::minutes(5));
    for handle in [&first, &second] {
        let mut ws = f.connect(token.live_handshake_request().unwrap());
        set_up(
            &mut ws,
            json!({"sessionResumption": {"handle": handle}}),
            true,
        );
        say_goodbye(ws);
    }
    let sessions = f.sessions();
    assert_eq!(sessions[1]["resumed"], true);
    assert_eq!(sessions[1]["resumedSession"], sessions[0]["id"]);

    // A new session is refused: the deadline is checked first, then the uses.
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    send_setup(&mut ws, json!({}));
    assert_eq!(closed(&mut ws), reason(1011, NEW_SESSION_DEADLINE_EXCEEDED));

    // A handle the emulator never gave out.
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    send_setup(&mut ws, json!({"sessionResumption": {"handle": "0123"}}));
    assert_eq!(closed(&mut ws), reason(1007, INVALID_ARGUMENT));

    f.advance(time::Duration::minutes(30));
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    send_setup(&mut ws, json!({"sessionResumption": {"handle": first}}));
    assert_eq!(closed(&mut ws), reason(1011, TOKEN_EXPIRED));
}

#[test]
fn a_spent_token_still_resumes_before_the_deadline() {
    let f = Fixture::new();
    let token = f.mint(&resumable_one_use());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    let handle = set_up(&mut ws, json!({}), true).unwrap();
    say_goodbye(ws);

    let mut ws = f.connect(token.live_handshake_request().unwrap());
    send_setup(&mut ws, json!({}));
    assert_eq!(closed(&mut ws), reason(1011, USES_EXHAUSTED));

    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(
        &mut ws,
        json!({"sessionResumption": {"handle": handle}}),
        true,
    );
    client_turn(&mut ws, "still here");
    assert_eq!(
        echo(&mut ws),
        format!("echo: still here (model {MODEL}; system instruction: \"Be terse.\")")
    );
}

#[test]
fn an_expired_token_and_a_late_new_session_are_refused() {
    let f = Fixture::new();
    let token = f.mint(&one_use());
    f.advance(time::Duration::seconds(61));
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    send_setup(&mut ws, json!({}));
    assert_eq!(closed(&mut ws), reason(1011, NEW_SESSION_DEADLINE_EXCEEDED));

    f.advance(time::Duration::minutes(30));
    // Refused at once, before any setup is sent.
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    assert_eq!(closed(&mut ws), reason(1011, TOKEN_EXPIRED));
    let session = f.last_session();
    assert_eq!(session["clientSetup"], Value::Null);
    assert_eq!(session["closeReason"], TOKEN_EXPIRED);
}

#[test]
fn no_session_outlives_the_tokens_expiry() {
    let f = Fixture::new();
    let token = f.mint(&one_use());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);

    // The client says nothing more; the emulator's clock passes the expiry.
    f.advance(time::Duration::minutes(30));
    let moved = Instant::now();
    assert_eq!(closed(&mut ws), reason(1011, EXPIRED_DURING_SESSION));
    // "Within about a second"; the bound is generous for a loaded machine.
    assert!(
        moved.elapsed() < Duration::from_secs(5),
        "{:?}",
        moved.elapsed()
    );
    let session = f.last_session();
    assert_eq!(session["setupComplete"], true);
    assert_eq!(session["endTime"], "2026-01-01T00:30:00Z");
}

/// The token's setup, the client's, and what each lock mode makes of them, read back
/// from `GET /emulator/sessions`.
#[test]
fn locked_fields_carry_the_tokens_values_and_free_ones_the_clients() {
    let f = Fixture::new();
    let constraints = LiveConnectConstraints::new()
        .model("gemini-live-2.5-flash-preview")
        .config(
            LiveConnectConfig::new()
                .system_instruction("Be terse.")
                .temperature(0.2),
        );
    // The client asks for another model and instruction, another temperature, a top-k,
    // and resumption, in the proto names the Python SDK sends.
    let client = json!({
        "model": "models/other",
        "system_instruction": {"parts": [{"text": "Be chatty."}]},
        "generation_config": {"temperature": 1.0, "top_k": 5.0},
        "session_resumption": {},
    });
    let normal_client = json!({
        "model": "models/other",
        "systemInstruction": {"parts": [{"text": "Be chatty."}]},
        "generationConfig": {"temperature": 1.0, "topK": 5},
        "sessionResumption": {},
    });
    let token_setup = json!({
        "model": MODEL,
        "systemInstruction": {"parts": [{"text": "Be terse."}], "role": "user"},
        "generationConfig": {"temperature": 0.2},
    });
    let cases = [
        // No mask: the token's setup, the client's ignored.
        (Lock::All, token_setup.clone(), false),
        // The set fields locked: the rest is the client's.
        (
            Lock::SetFields,
            json!({
                "model": MODEL,
                "systemInstruction": {"parts": [{"text": "Be terse."}], "role": "user"},
                "generationConfig": {"temperature": 0.2, "topK": 5},
                "sessionResumption": {},
            }),
            true,
        ),
        // And top-k and resumption, which the token leaves unset: cleared.
        (
            Lock::set_fields_and(["topK", "sessionResumption"]).unwrap(),
            json!({
                "model": MODEL,
                "systemInstruction": {"parts": [{"text": "Be terse."}], "role": "user"},
                "generationConfig": {"temperature": 0.2},
            }),
            false,
        ),
    ];
    for (lock, effective, resumable) in cases {
        let token = f.mint(
            &CreateAuthTokenConfig::new()
                .constraints(constraints.clone())
                .lock(lock.clone()),
        );
        let mut ws = f.connect(token.live_handshake_request().unwrap());
        set_up(&mut ws, client.clone(), resumable);
        client_turn(&mut ws, "Hi");
        assert_eq!(
            echo(&mut ws),
            format!("echo: Hi (model {MODEL}; system instruction: \"Be terse.\")"),
            "{lock:?}"
        );
        let session = f.last_session();
        assert_eq!(session["clientSetup"], normal_client, "{lock:?}");
        assert_eq!(session["effectiveSetup"], effective, "{lock:?}");
        assert_eq!(session["token"], token.secret());
        assert_eq!(session["credential"], "authorizationHeader");
        say_goodbye(ws);
    }

    // A token with no setup leaves the client's as it is.
    let token = f.mint(&CreateAuthTokenConfig::new());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, client, true);
    assert_eq!(f.last_session()["effectiveSetup"], normal_client);
    assert_eq!(
        f.emulator.sessions().last().unwrap().effective_setup,
        Some(normal_client)
    );
}

#[test]
fn a_mask_in_proto_names_locks_the_same_fields() {
    let f = Fixture::new();
    let name = f.mint_raw(
        r#"{"bidiGenerateContentSetup": {"model": "models/m", "generationConfig": {"topK": 3}},
            "fieldMask": "model,generation_config.top_k"}"#,
    );
    let mut ws = f.connect_path(&format!(
        "{}?access_token={name}",
        live_path("v1beta", "BidiGenerateContentConstrained")
    ));
    set_up(
        &mut ws,
        json!({"model": "models/x", "generationConfig": {"topK": 9, "topP": 0.5}}),
        false,
    );
    assert_eq!(
        f.last_session()["effectiveSetup"],
        json!({"model": "models/m", "generationConfig": {"topK": 3, "topP": 0.5}})
    );
}

#[test]
fn both_credential_forms_work() {
    let f = Fixture::new();
    let token = f.mint(&one_use().uses(3));
    // What browsers use: the token in the query, percent-encoded by core.
    let url = token.live_url();
    assert!(url.contains("?access_token=auth_tokens%2F"), "{url}");
    let (_, path_and_query) = url.split_once(&f.emulator.addr().to_string()).unwrap();
    let mut ws = f.connect_path(path_and_query);
    set_up(&mut ws, json!({}), false);
    say_goodbye(ws);
    assert_eq!(f.last_session()["credential"], "accessToken");
    // The JS SDK's path starts with `//ws/`; the service takes it.
    let mut ws = f.connect_path(&format!("/{path_and_query}"));
    set_up(&mut ws, json!({}), false);
    say_goodbye(ws);

    // What the Python and Go SDKs send: the header.
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);
    say_goodbye(ws);
    let sessions = f.emulator.sessions();
    assert_eq!(sessions[2].credential, Credential::AuthorizationHeader);
    assert_eq!(sessions[2].closed_by, Some(ClosedBy::Client));
    assert_eq!(sessions[2].token.as_deref(), Some(token.secret()));
    assert!(
        !format!("{:?}", sessions[2]).contains(token.secret()),
        "Debug hides the token"
    );
}

#[test]
fn the_plain_method_refuses_tokens_and_takes_a_key() {
    let f = Fixture::new();
    let token = f.mint(&one_use());
    let plain = live_path("v1alpha", "BidiGenerateContent");

    let mut ws = f.connect_path(&format!("{plain}?access_token={}", token.secret()));
    assert_eq!(closed(&mut ws), reason(1008, UNREGISTERED_CALLER));
    let mut request = token.live_handshake_request().unwrap();
    *request.uri_mut() = format!("ws://{}{plain}", f.emulator.addr())
        .parse()
        .unwrap();
    let mut ws = f.connect(request);
    assert_eq!(closed(&mut ws), reason(1008, UNREGISTERED_CALLER));
    let mut ws = f.connect_path(&plain);
    assert_eq!(closed(&mut ws), reason(1008, UNREGISTERED_CALLER));
    // A token passed as a key, and a wrong key.
    for key in [token.secret(), "wrong"] {
        let mut ws = f.connect_path(&format!("{plain}?key={key}"));
        assert_eq!(closed(&mut ws), reason(1007, INVALID_KEY));
    }
    // None of these spent the token's use.
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);

    // With the key: an unconstrained session, the client's setup as it is.
    let mut ws = f.connect_path(&format!("{plain}?key={KEY}"));
    set_up(
        &mut ws,
        json!({"model": "models/any", "systemInstruction": {"parts": [{"text": "Mine."}]}}),
        false,
    );
    client_turn(&mut ws, "Hi");
    assert_eq!(
        echo(&mut ws),
        "echo: Hi (model models/any; system instruction: \"Mine.\")"
    );
    let session = f.last_session();
    assert_eq!(session["credential"], "apiKey");
    assert_eq!(session["method"], "BidiGenerateContent");
    assert_eq!(session["token"], Value::Null);
    assert_eq!(
        session["effectiveSetup"],
        json!({"model": "models/any", "systemInstruction": {"parts": [{"text": "Mine."}]}})
    );
}

#[test]
fn refusals_of_the_setup() {
    let f = Fixture::new();
    let token = f.mint(&one_use().uses(0));
    let constrained = live_path("v1alpha", "BidiGenerateContentConstrained");
    let refused = |first: &str| {
        let mut ws = f.connect(token.live_handshake_request().unwrap());
        ws.send(Message::text(first)).unwrap();
        closed(&mut ws)
    };
    assert_eq!(
        refused("{\"setup\": "),
        reason(
            1007,
            "Invalid JSON payload received. Unexpected end of string."
        )
    );
    assert_eq!(
        refused(r#"{"setup": {"bogus": 1}}"#),
        reason(
            1007,
            "Invalid JSON payload received. Unknown name \"bogus\" at 'setup': Cannot find field."
        )
    );
    assert_eq!(
        refused(r#"{"hello": {}}"#),
        reason(
            1007,
            "Invalid JSON payload received. Unknown name \"hello\": Cannot find field."
        )
    );
    assert_eq!(
        refused(r#"{"setup": {"generation_config": {"top_k": "many"}}}"#),
        reason(
            1007,
            "Invalid value at 'setup.generation_config.top_k' (TYPE_INT32), \"many\""
        )
    );
    // Not a setup first, two messages in one, an empty message.
    for first in [
        r#"{"clientContent": {"turnComplete": true}}"#,
        r#"{"setup": {}, "toolResponse": {}}"#,
        "{}",
    ] {
        assert_eq!(refused(first), reason(1007, INVALID_ARGUMENT), "{first}");
    }

    // A token that pins no model, so the client's bare id is used.
    let bare = f.mint(&CreateAuthTokenConfig::new());
    for setup in [json!({"model": "gemini-live"}), json!({})] {
        let mut ws = f.connect(bare.live_handshake_request().unwrap());
        send_setup(&mut ws, setup);
        assert_eq!(closed(&mut ws), reason(1007, PROJECT_SCOPED));
    }

    let mut ws = f.connect_path(&format!(
        "{constrained}?access_token=auth_tokens/{}",
        "0".repeat(64)
    ));
    assert_eq!(closed(&mut ws), reason(1008, TOKEN_NOT_FOUND));
    assert_eq!(f.last_session()["token"], Value::Null);
}

#[test]
fn a_second_setup_is_refused_and_other_messages_are_taken() {
    let f = Fixture::new();
    let token = f.mint(&one_use());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    // Binary frames are read too.
    ws.send(Message::binary(br#"{"setup": {}}"#.to_vec()))
        .unwrap();
    assert_eq!(recv(&mut ws), json!({"setupComplete": {}}));
    // Audio, a tool's answer, a turn in two parts: no answer until the turn completes.
    send(
        &mut ws,
        &json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": "AAAA"}}}),
    );
    send(
        &mut ws,
        &json!({"toolResponse": {"functionResponses": [{"id": "1", "name": "f", "response": {"ok": true}}]}}),
    );
    send(
        &mut ws,
        &json!({"clientContent": {"turns": [{"parts": [{"text": "one"}]}]}}),
    );
    send(
        &mut ws,
        &json!({"clientContent": {"turns": [{"parts": [{"text": "two"}]}], "turnComplete": true}}),
    );
    assert_eq!(
        recv(&mut ws),
        json!({"serverContent": {"modelTurn": {"parts": [{"text": format!("echo: one two (model {MODEL}; system instruction: \"Be terse.\")")}]}}})
    );
    assert_eq!(
        recv(&mut ws),
        json!({"serverContent": {"turnComplete": true}})
    );
    // Text as realtime input is a turn of its own.
    send(&mut ws, &json!({"realtimeInput": {"text": "three"}}));
    assert_eq!(
        echo(&mut ws),
        format!("echo: three (model {MODEL}; system instruction: \"Be terse.\")")
    );
    send_setup(&mut ws, json!({}));
    assert_eq!(closed(&mut ws), reason(1007, INVALID_ARGUMENT));
    assert_eq!(f.last_session()["turns"], 2);
}

#[test]
fn live_faults_go_away_close_and_drop() {
    let f = Fixture::with(|b| b.fault(Fault::LiveGoAway(Duration::from_secs(1))));
    f.emulator
        .push_fault(Fault::live_close(1011, "Internal error occurred.").unwrap());
    f.emulator.push_fault(Fault::LiveDrop);
    // A mint fault queued after them still applies to the next mint.
    f.emulator.push_fault(Fault::unavailable());
    assert_eq!(f.emulator.pending_faults(), 4);
    let answer = f.http(
        &format!("POST /v1alpha/auth_tokens HTTP/1.1\r\nx-goog-api-key: {KEY}\r\n"),
        b"{}",
    );
    assert_eq!(answer.status, 503);
    let token = f.mint(&resumable_one_use().uses(0));

    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), true);
    assert_eq!(recv(&mut ws), json!({"goAway": {"timeLeft": "1s"}}));
    // The session goes on until the time is up.
    client_turn(&mut ws, "quick");
    echo(&mut ws);
    handle(&mut ws);
    assert_eq!(closed(&mut ws), reason(1001, GO_AWAY_ENDED));

    let mut ws = f.connect(token.live_handshake_request().unwrap());
    let handle = set_up(&mut ws, json!({}), true).unwrap();
    assert_eq!(closed(&mut ws), reason(1011, "Internal error occurred."));

    // The client resumes with the handle it got before the close; then is dropped.
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(
        &mut ws,
        json!({"sessionResumption": {"handle": handle}}),
        true,
    );
    match ws.read() {
        Err(tungstenite::Error::Protocol(
            tungstenite::error::ProtocolError::ResetWithoutClosingHandshake,
        )) => {}
        Err(tungstenite::Error::Io(e)) if e.kind() == io::ErrorKind::ConnectionReset => {}
        other => panic!("expected the connection dropped, got {other:?}"),
    }
    let session = f.last_session();
    assert_eq!(session["resumed"], true);
    assert_eq!(session["closedBy"], "server");
    assert_eq!(session["closeCode"], Value::Null);
    assert_eq!(f.emulator.pending_faults(), 0);
}

#[test]
fn a_message_over_the_limit_closes_the_session() {
    let f = Fixture::new();
    let token = f.mint(&one_use());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    // The server may close before the whole frame is written.
    ws.send(Message::text(" ".repeat(MAX_MESSAGE + 1)))
        .unwrap_or(());
    assert_eq!(
        closed(&mut ws),
        reason(
            1009,
            &format!("A message is at most {MAX_MESSAGE} bytes in the emulator.")
        )
    );
}

#[test]
fn a_silent_client_is_closed_after_the_idle_timeout() {
    let f = Fixture::with(|b| b.idle_timeout(Duration::from_millis(500)));
    let token = f.mint(&one_use());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);
    assert_eq!(
        closed(&mut ws),
        reason(1001, "No message for 500ms: the emulator's idle timeout.")
    );
}

#[test]
fn sessions_count_in_the_connection_cap_and_are_not_closed_to_make_room() {
    let f = Fixture::with(|b| b.max_connections(2));
    let token = f.mint(&one_use().uses(0));
    let mut first = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut first, json!({}), false);
    let mut second = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut second, json!({}), false);
    assert_eq!(f.emulator.open_connections(), 2);
    let answer = f.http(&format!("GET {SESSIONS_PATH} HTTP/1.1\r\n"), b"");
    assert_eq!(answer.status, 503);
    // Both sessions are still live.
    for ws in [&mut first, &mut second] {
        client_turn(ws, "still");
        echo(ws);
    }
    say_goodbye(first);
    say_goodbye(second);
}

#[test]
fn over_tls_too() {
    let f = Fixture::with(EmulatorBuilder::tls);
    assert!(f.emulator.live_url().starts_with("wss://127.0.0.1:"));
    let token = f.mint(&one_use());
    assert!(token.live_url().starts_with("wss://127.0.0.1:"));
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({"model": "models/ignored"}), false);
    client_turn(&mut ws, "secure");
    assert_eq!(
        echo(&mut ws),
        format!("echo: secure (model {MODEL}; system instruction: \"Be terse.\")")
    );
    say_goodbye(ws);

    let mut ws = f.connect(token.live_handshake_request().unwrap());
    send_setup(&mut ws, json!({}));
    assert_eq!(closed(&mut ws), reason(1011, USES_EXHAUSTED));
}

#[test]
fn a_get_that_is_not_an_upgrade_is_answered_over_http() {
    let f = Fixture::new();
    let path = live_path("v1alpha", "BidiGenerateContentConstrained");
    let answer = f.http(&format!("GET {path} HTTP/1.1\r\n"), b"");
    assert_eq!(answer.status, 400);
    assert_eq!(
        answer.json()["error"]["message"],
        "This is the Live API's WebSocket: it takes a GET with Upgrade: websocket, Connection: \
         Upgrade, Sec-WebSocket-Version: 13 and a Sec-WebSocket-Key."
    );
    // Another version, or another method, is not found.
    for path in [
        live_path("v1", "BidiGenerateContentConstrained"),
        live_path("v1alpha", "BidiGenerateContentX"),
    ] {
        let answer = f.http(&format!("GET {path} HTTP/1.1\r\n"), b"");
        assert_eq!(answer.status, 404, "{path}");
    }
    assert_eq!(
        f.emulator.live_url(),
        format!(
            "ws://{}{}",
            f.emulator.addr(),
            live_path("v1alpha", "BidiGenerateContentConstrained")
        )
    );
}

#[test]
fn a_turn_of_megabytes_is_echoed_whole_and_pending_text_is_cut_at_4_mib() {
    let f = Fixture::new();
    let token = f.mint(&one_use());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);
    let text = "x".repeat(3 << 20);
    client_turn(&mut ws, &text);
    assert_eq!(
        echo(&mut ws),
        format!("echo: {text} (model {MODEL}; system instruction: \"Be terse.\")")
    );
    // Two turns not complete, of 2.5 MiB each: the text gathered stops at 4 MiB.
    let part = |letter: &str| json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": letter.repeat(5 << 19)}]}], "turnComplete": false}});
    send(&mut ws, &part("a"));
    send(&mut ws, &part("b"));
    send(&mut ws, &json!({"clientContent": {"turnComplete": true}}));
    let gathered = format!(
        "{} {}",
        "a".repeat(5 << 19),
        "b".repeat((4 << 20) - (5 << 19) - 1)
    );
    assert_eq!(
        echo(&mut ws),
        format!("echo: {gathered} (model {MODEL}; system instruction: \"Be terse.\")")
    );
    say_goodbye(ws);
}

#[test]
fn a_sessions_debug_shows_every_field_but_the_token() {
    let f = Fixture::new();
    let token = f.mint(&one_use());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);
    say_goodbye(ws);
    let session = f.emulator.sessions().pop().unwrap();
    assert!(session.token.is_some());
    assert_eq!(
        format!("{session:?}"),
        format!(
            "LiveSession {{ id: {:?}, api_version: {:?}, method: {:?}, credential: {:?}, \
             token: Some(\"[redacted]\"), client_setup: {:?}, effective_setup: {:?}, \
             start_time: {:?}, setup_complete: true, resumed: false, resumed_session: None, \
             turns: 0, end_time: {:?}, closed_by: {:?}, close_code: Some(1000), \
             close_reason: Some(\"bye\") }}",
            session.id,
            session.api_version,
            session.method,
            session.credential,
            session.client_setup,
            session.effective_setup,
            session.start_time,
            session.end_time,
            session.closed_by,
        )
    );
}

#[test]
fn a_spent_token_is_refused_for_its_uses_before_its_setup_is_checked() {
    let f = Fixture::new();
    let token = f.mint(&CreateAuthTokenConfig::new().uses(1));
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({"model": MODEL}), false);
    say_goodbye(ws);
    // A setup that would be refused (no full model name) gets the uses' reason.
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    send_setup(&mut ws, json!({"model": "gemini-live"}));
    assert_eq!(closed(&mut ws), reason(1011, USES_EXHAUSTED));
}

#[test]
fn an_upgrade_needs_every_header_of_a_websocket_handshake() {
    let f = Fixture::new();
    let path = live_path("v1alpha", "BidiGenerateContentConstrained");
    let status = |headers: &[&str]| {
        let mut stream = f.stream();
        let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\n{}\r\n", headers.concat());
        stream.write_all(request.as_bytes()).unwrap();
        let mut line = [0u8; 12];
        stream.read_exact(&mut line).unwrap();
        String::from_utf8(line.to_vec()).unwrap()
    };
    let upgrade = "Upgrade: websocket\r\n";
    let connection = "Connection: keep-alive, Upgrade\r\n";
    let version = "Sec-WebSocket-Version: 13\r\n";
    let key = "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n";
    assert_eq!(status(&[upgrade, connection, version, key]), "HTTP/1.1 101");
    assert_eq!(status(&[connection, version, key]), "HTTP/1.1 400");
    assert_eq!(status(&[upgrade, version, key]), "HTTP/1.1 400");
    assert_eq!(status(&[upgrade, connection, key]), "HTTP/1.1 400");
    assert_eq!(
        status(&[upgrade, connection, "Sec-WebSocket-Version: 8\r\n", key]),
        "HTTP/1.1 400"
    );
    assert_eq!(status(&[upgrade, connection, version]), "HTTP/1.1 400");
    assert_eq!(
        status(&[
            upgrade,
            connection,
            version,
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=\r\n"
        ]),
        "HTTP/1.1 400"
    );
}

#[test]
fn a_handle_resumes_only_its_own_tokens_sessions_for_two_hours() {
    let f = Fixture::new();
    let config = resumable_one_use()
        .uses(0)
        .expire_in(time::Duration::hours(3));
    let token = f.mint(&config);
    let other = f.mint(&config);
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    let handle = set_up(&mut ws, json!({}), true).unwrap();
    say_goodbye(ws);
    let resumed = |token: &AuthToken| {
        let mut ws = f.connect(token.live_handshake_request().unwrap());
        send_setup(&mut ws, json!({"sessionResumption": {"handle": handle}}));
        assert_eq!(recv(&mut ws), json!({"setupComplete": {}}));
        say_goodbye(ws);
    };
    let refused = |token: &AuthToken| {
        let mut ws = f.connect(token.live_handshake_request().unwrap());
        send_setup(&mut ws, json!({"sessionResumption": {"handle": handle}}));
        closed(&mut ws)
    };
    assert_eq!(refused(&other), reason(1007, INVALID_ARGUMENT));
    f.advance(time::Duration::hours(2) - time::Duration::seconds(1));
    resumed(&token);
    f.advance(time::Duration::seconds(1));
    assert_eq!(refused(&token), reason(1007, INVALID_ARGUMENT));
}

#[test]
fn realtime_input_without_text_gets_no_answer() {
    let f = Fixture::new();
    let token = f.mint(&one_use());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);
    send(&mut ws, &json!({"realtimeInput": {"text": ""}}));
    send(&mut ws, &json!({"realtimeInput": {"audioStreamEnd": true}}));
    send(&mut ws, &json!({"realtimeInput": {"text": "next"}}));
    assert_eq!(
        echo(&mut ws),
        format!("echo: next (model {MODEL}; system instruction: \"Be terse.\")")
    );
    say_goodbye(ws);
}

#[test]
fn after_its_close_frame_the_server_waits_a_second_for_the_clients() {
    let f =
        Fixture::with(|b| b.fault(Fault::live_close(1011, "Internal error occurred.").unwrap()));
    let token = f.mint(&one_use());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);
    let Message::Close(Some(frame)) = ws.read().unwrap() else {
        panic!("expected a close frame");
    };
    assert_eq!(u16::from(frame.code), 1011);
    // No reply is sent (the socket is read beneath tungstenite): the connection stays
    // open for the reply, then the server closes it.
    let Stream::Plain(tcp) = ws.get_mut() else {
        panic!("plain TCP");
    };
    tcp.set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let waiting = tcp.read(&mut [0u8; 64]).map_err(|e| e.kind());
    assert_eq!(waiting, Err(io::ErrorKind::WouldBlock));
    tcp.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let started = Instant::now();
    assert_eq!(tcp.read(&mut [0u8; 64]).unwrap(), 0);
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn a_client_still_sending_an_oversized_message_gets_the_close_frame() {
    let f = Fixture::new();
    let token = f.mint(&one_use());
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);
    // The server reads the rest of the message after its close frame, so that the
    // client's write completes and the close frame is not lost to a reset.
    ws.send(Message::text(" ".repeat((4 << 20) + 1))).unwrap();
    assert_eq!(
        closed(&mut ws),
        reason(1009, "A message is at most 4194304 bytes in the emulator.")
    );
}

#[test]
fn text_that_is_not_utf8_is_closed_1007_and_a_client_gone_is_listed_as_such() {
    use tungstenite::protocol::frame::Frame;
    use tungstenite::protocol::frame::coding::{Data, OpCode};

    let f = Fixture::new();
    let token = f.mint(&one_use().uses(0));
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);
    let frame = Frame::message(vec![0xff, 0xfe], OpCode::Data(Data::Text), true);
    ws.send(Message::Frame(frame)).unwrap();
    assert_eq!(
        closed(&mut ws),
        reason(1007, "A text message that is not UTF-8.")
    );

    // A client that goes away without a close frame.
    let mut ws = f.connect(token.live_handshake_request().unwrap());
    set_up(&mut ws, json!({}), false);
    drop(ws);
    let started = Instant::now();
    let session = loop {
        let session = f.last_session();
        if !session["endTime"].is_null() {
            break session;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "{session}");
        std::thread::sleep(Duration::from_millis(10));
    };
    assert_eq!(
        (&session["closedBy"], &session["closeCode"]),
        (&json!("connection"), &Value::Null)
    );
}

#[test]
fn a_live_method_needs_the_live_prefix() {
    let f = Fixture::new();
    let path = live_path("v1alpha", "BidiGenerateContentConstrained").replacen("/ws/", "/xx/", 1);
    let answer = f.http(&format!("GET {path} HTTP/1.1\r\n"), b"");
    assert_eq!(answer.status, 404);
}
