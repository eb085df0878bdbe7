//! A `tracing` subscriber for tests: it writes each span and event as one line, so
//! that a test can assert what a mint records, exactly, and that no line holds a
//! secret.

use std::fmt::{self, Write as _};
use std::sync::{Arc, Mutex};

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

/// A subscriber that writes each span and event it is given as one line: kind, level,
/// target, name, the span it happened in, and every field as `name=value`.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Recorded>>);

#[derive(Debug, Default)]
struct Recorded {
    /// The name of span `Id` n at index n - 1.
    spans: Vec<&'static str>,
    /// The spans entered on this thread, innermost last.
    entered: Vec<u64>,
    lines: Vec<String>,
}

impl Recorder {
    /// The state, also after a panic elsewhere (a test's own assertion).
    fn state(&self) -> std::sync::MutexGuard<'_, Recorded> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Every span, record and event so far, one line each.
    pub fn lines(&self) -> Vec<String> {
        self.state().lines.clone()
    }
}

/// The fields of one span or event, as ` name=value` each.
#[derive(Debug, Default)]
struct Fields(String);

impl Visit for Fields {
    fn record_str(&mut self, field: &Field, value: &str) {
        let _ = write!(self.0, " {}={value}", field.name());
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        let _ = write!(self.0, " {}={value:?}", field.name());
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
        let mut recorded = self.state();
        recorded.spans.push(meta.name());
        recorded.lines.push(format!(
            "span {} {} {}:{}",
            meta.level(),
            meta.target(),
            meta.name(),
            fields.0
        ));
        Id::from_u64(recorded.spans.len() as u64)
    }

    fn record(&self, span: &Id, values: &Record<'_>) {
        let mut fields = Fields::default();
        values.record(&mut fields);
        let mut recorded = self.state();
        let line = format!("record {}:{}", span.into_u64(), fields.0);
        recorded.lines.push(line);
    }

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut fields = Fields::default();
        event.record(&mut fields);
        let meta = event.metadata();
        let mut recorded = self.state();
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
        self.state().entered.push(span.into_u64());
    }

    fn exit(&self, _span: &Id) {
        self.state().entered.pop();
    }
}
