//! The `tracing` feature over ureq, against the emulator: a mint and a refused key
//! each record their span and attempt, and nothing recorded holds either key or the
//! token.

#![cfg(feature = "tracing")]
// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};

use gemini_token_emulator::Emulator;
use gemini_token_ureq::{ApiKey, Client, CreateAuthTokenConfig, Error, formats};
use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// The emulator's key, which the client holds: never to be recorded.
const KEY: &str = "AIzaSyCANARY-ureq-key-never-logged-01";
/// A key the emulator refuses: never to be recorded either.
const WRONG_KEY: &str = "AIzaSyCANARY-ureq-wrong-key-never-logged";

/// A subscriber that writes each span and event as one line: kind, level, target,
/// name, the span it happened in, and every field as `name=value`.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Recorded>>);

#[derive(Default)]
struct Recorded {
    /// The name of span `Id` n at index n - 1.
    spans: Vec<&'static str>,
    /// The spans entered on this thread, innermost last.
    entered: Vec<u64>,
    lines: Vec<String>,
}

/// The fields of one span or event, as ` name=value` each.
#[derive(Default)]
struct Fields(String);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        write!(self.0, " {}={value}", field.name()).unwrap();
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        write!(self.0, " {}={value:?}", field.name()).unwrap();
    }
}

impl Subscriber for Recorder {
    fn enabled(&self, _metadata: &Metadata<'_>) -> bool {
        true
    }

    fn new_span(&self, span: &Attributes<'_>) -> Id {
        let mut fields = Fields::default();
        span.record(&mut fields);
        let meta = span.metadata();
        let mut recorded = self.0.lock().unwrap();
        recorded.spans.push(meta.name());
        let line = format!(
            "span {} {} {}:{}",
            meta.level(),
            meta.target(),
            meta.name(),
            fields.0
        );
        recorded.lines.push(line);
        Id::from_u64(recorded.spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        let line = format!("record {}:{}", span.into_u64(), fields.0);
        self.0.lock().unwrap().lines.push(line);
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        let mut recorded = self.0.lock().unwrap();
        let within = recorded
            .entered
            .last()
            .map_or("no span", |id| recorded.spans[*id as usize - 1]);
        let line = format!(
            "event {} {} {} in {within}:{}",
            meta.level(),
            meta.target(),
            meta.name(),
            fields.0
        );
        recorded.lines.push(line);
    }

    fn enter(&self, span: &Id) {
        self.0.lock().unwrap().entered.push(span.into_u64());
    }

    fn exit(&self, _span: &Id) {
        self.0.lock().unwrap().entered.pop();
    }
}

#[test]
fn a_mint_and_a_refused_key_are_traced_without_either_key_or_the_token() {
    let emulator = Emulator::builder().key(KEY).start().unwrap();
    let client = |key: &str| {
        Client::builder(ApiKey::new(key).unwrap())
            .base_url(emulator.base_url())
            .build()
            .unwrap()
    };
    let config = CreateAuthTokenConfig::new()
        .uses(1)
        .expire_in(time::Duration::minutes(30));
    let recorder = Recorder::default();
    let (token, refused) = tracing::subscriber::with_default(recorder.clone(), || {
        (
            client(KEY).create(&config).unwrap(),
            client(WRONG_KEY).create(&config),
        )
    });

    let Err(Error::Api(api)) = refused else {
        panic!("{refused:?}")
    };
    assert_eq!(api.reason(), Some("API_KEY_INVALID"));
    let lines = recorder.0.lock().unwrap().lines.clone();
    for line in &lines {
        for secret in [KEY, WRONG_KEY, token.secret()] {
            assert!(!line.contains(secret), "{secret} is recorded: {line}");
        }
    }
    let ours: Vec<&str> = lines
        .iter()
        .map(String::as_str)
        .filter(|line| line.split(' ').nth(2) == Some("gemini_token_core"))
        .collect();
    let span = "span INFO gemini_token_core gemini_token.mint: \
                host=127.0.0.1 api_version=v1alpha max_attempts=3";
    let event = "gemini_token_core gemini_token.attempt in gemini_token.mint:";
    assert_eq!(
        ours,
        [
            span.to_owned(),
            format!(
                "event INFO {event} message=token minted attempt=1 outcome=token \
                 expire_time={} uses=1",
                formats::format_rfc3339(token.expire_time()).unwrap()
            ),
            span.to_owned(),
            format!(
                "event WARN {event} message=attempt failed, giving up attempt=1 outcome=Api \
                 http_status=400 google_status=INVALID_ARGUMENT reason=API_KEY_INVALID \
                 stop=NotTransient"
            ),
        ]
    );
}
