//! The set-field paths of a setup: what [`Lock::SetFields`](crate::Lock::SetFields)
//! locks.
//!
//! They are read off the setup's JSON as it is written, by a `serde_json` formatter
//! that watches the object keys go by, rather than off the Rust types: so the mask
//! always matches the bytes sent (fields added through the escape hatch included),
//! costs no second pass over the setup, and one rule serves both the request we build
//! and a setup a server receives.

use std::io;

use serde::Serialize;
use serde_json::ser::{CharEscape, CompactFormatter, Formatter};

/// Keys whose values are maps of user data: one path for the whole map.
const USER_MAPS: &[&str] = &["labels"];

/// The paths of every field a setup (JSON object) sets, in its key order: `key.child`
/// for each child of a non-empty object, otherwise `key` (scalars, lists, empty
/// objects, maps of user data). Never an index into a list.
///
/// ```
/// let setup = serde_json::json!({
///     "model": "models/m",
///     "generationConfig": {"temperature": 0.7},
///     "tools": [{"codeExecution": {}}],
/// });
/// let paths = gemini_token_core::formats::set_field_paths(&setup)?;
/// // `json!` sorts keys; a setup this crate writes keeps the API's field order.
/// assert_eq!(paths, "generationConfig.temperature,model,tools");
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn set_field_paths<T: Serialize + ?Sized>(setup: &T) -> Result<String, serde_json::Error> {
    let mut paths = MaskFormatter::default();
    setup.serialize(&mut serde_json::Serializer::with_formatter(
        io::sink(),
        &mut paths,
    ))?;
    Ok(paths.finish())
}

/// A compact JSON formatter that also collects the set-field paths of the object it
/// writes, comma-joined.
#[derive(Debug, Default)]
pub(crate) struct MaskFormatter {
    /// The open containers: `true` for an object, `false` for a list.
    open: Vec<bool>,
    /// Whether the key being written is one we track, and its text so far.
    capturing: bool,
    key: String,
    /// The top-level key whose value is being written (empty before the first), and
    /// how many children it has so far.
    top: String,
    top_children: usize,
    paths: String,
}

impl MaskFormatter {
    /// A formatter with room for a typical setup's keys and mask, so that collecting
    /// them does not reallocate on the request path.
    pub(crate) fn new() -> Self {
        Self {
            open: Vec::with_capacity(8),
            key: String::with_capacity(32),
            top: String::with_capacity(32),
            paths: String::with_capacity(256),
            ..Self::default()
        }
    }

    /// The comma-joined paths.
    pub(crate) fn finish(mut self) -> String {
        self.close_top();
        self.paths
    }

    fn push_path(&mut self, parent: &str, child: Option<&str>) {
        if !self.paths.is_empty() {
            self.paths.push(',');
        }
        self.paths.push_str(parent);
        if let Some(child) = child {
            self.paths.push('.');
            self.paths.push_str(child);
        }
    }

    /// The previous top-level field is complete: it is one path if it had no children.
    fn close_top(&mut self) {
        if !self.top.is_empty() && self.top_children == 0 {
            let top = std::mem::take(&mut self.top);
            self.push_path(&top, None);
            self.top = top;
        }
        self.top.clear();
    }

    /// Whether the key about to be written is a setup field (depth 1) or a child of
    /// one (depth 2, under an object that is not user data).
    fn tracks_key(&self) -> bool {
        match self.open.as_slice() {
            [true] => true,
            [true, true] => !USER_MAPS.contains(&self.top.as_str()),
            _ => false,
        }
    }
}

impl Formatter for &mut MaskFormatter {
    fn begin_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open.push(false);
        CompactFormatter.begin_array(writer)
    }

    fn end_array<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open.pop();
        CompactFormatter.end_array(writer)
    }

    fn begin_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open.push(true);
        CompactFormatter.begin_object(writer)
    }

    fn end_object<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if self.open.len() == 1 {
            self.close_top();
        }
        self.open.pop();
        CompactFormatter.end_object(writer)
    }

    fn begin_object_key<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        if self.tracks_key() {
            if self.open.len() == 1 {
                self.close_top();
            }
            self.capturing = true;
            self.key.clear();
        }
        CompactFormatter.begin_object_key(writer, first)
    }

    fn end_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        if std::mem::take(&mut self.capturing) {
            if self.open.len() == 1 {
                std::mem::swap(&mut self.top, &mut self.key);
                self.top_children = 0;
            } else {
                let (top, key) = (std::mem::take(&mut self.top), std::mem::take(&mut self.key));
                self.push_path(&top, Some(&key));
                (self.top, self.key) = (top, key);
                self.top_children += 1;
            }
        }
        CompactFormatter.end_object_key(writer)
    }

    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        if self.capturing {
            self.key.push_str(fragment);
        }
        CompactFormatter.write_string_fragment(writer, fragment)
    }

    fn write_char_escape<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        escape: CharEscape,
    ) -> io::Result<()> {
        if self.capturing {
            self.key.push(match escape {
                CharEscape::Quote => '"',
                CharEscape::ReverseSolidus => '\\',
                CharEscape::Solidus => '/',
                CharEscape::Backspace => '\u{8}',
                CharEscape::FormFeed => '\u{c}',
                CharEscape::LineFeed => '\n',
                CharEscape::CarriageReturn => '\r',
                CharEscape::Tab => '\t',
                CharEscape::AsciiControl(byte) => char::from(byte),
            });
        }
        CompactFormatter.write_char_escape(writer, escape)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn two_levels_never_into_lists_or_user_maps() {
        let setup = json!({
            "model": "m",
            "sessionResumption": {},
            "systemInstruction": {"parts": [{"text": "x"}], "role": "user"},
            "realtimeInputConfig": {"automaticActivityDetection": {"disabled": true}},
            "tools": [{"googleSearch": {}}],
            "labels": {"a": "b"},
            "we\"ird": {"k\ny": 1},
        });
        let mut sorted: Vec<_> = set_field_paths(&setup)
            .unwrap_or_default()
            .split(',')
            .map(str::to_owned)
            .collect();
        sorted.sort();
        assert_eq!(
            sorted,
            [
                "labels",
                "model",
                "realtimeInputConfig.automaticActivityDetection",
                "sessionResumption",
                "systemInstruction.parts",
                "systemInstruction.role",
                "tools",
                "we\"ird.k\ny",
            ]
        );
    }

    #[test]
    fn writes_the_same_json_as_serde_json() {
        let setup = json!({"a": [1, {"b": "c\u{1}"}], "d": {}, "e": null});
        let mut out = Vec::new();
        let mut paths = MaskFormatter::default();
        setup
            .serialize(&mut serde_json::Serializer::with_formatter(
                &mut out, &mut paths,
            ))
            .unwrap_or_default();
        assert_eq!(
            String::from_utf8(out).unwrap_or_default(),
            setup.to_string()
        );
        assert_eq!(paths.finish(), "a,d,e");
    }
}
