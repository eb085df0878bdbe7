//! A proto3 JSON reader over the emulator's own schema ([`crate::schema`]): what the
//! service's parser accepts and how it words what it refuses.
//!
//! It reads the body in one pass, checking each key against the message it is in and
//! each value against the field's type, and writes the message back in a normal form
//! (lowerCamel names, numbers as numbers, enums by name) for the emulator to keep.
//! Errors do not stop the reading: like the service, it reports every unknown name and
//! every invalid value it finds, each with the field's path in proto form, in one
//! `400 INVALID_ARGUMENT`. Malformed JSON stops it at once.

use serde_json::{Map, Number, Value};

use crate::schema::{EnumType, Field, Kind, Label, Message};

/// How deep objects and arrays may nest, as protobuf's JSON parser allows by default.
pub(crate) const MAX_DEPTH: usize = 100;

/// The most violations one answer lists; the rest are not reported (ours: the service's
/// own bound is not known, and an answer must stay small).
pub(crate) const MAX_VIOLATIONS: usize = 100;

/// The most of a refused value that an error message quotes.
const MAX_ECHO: usize = 200;

/// One thing wrong with a request, as a `google.rpc.BadRequest.FieldViolation`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Violation {
    /// The path of the field in proto form; `None` when the body as a whole is wrong.
    pub(crate) field: Option<String>,
    pub(crate) description: String,
}

impl Violation {
    pub(crate) fn at(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: Some(field.into()),
            description: description.into(),
        }
    }
}

/// Reads `body` as the message `root`, whose fields' paths start with `root_path`
/// (`auth_token`). Type URLs in errors name `package`
/// (`google.ai.generativelanguage.v1alpha`). An empty body (or only white space) is
/// the empty message.
pub(crate) fn read(
    body: &[u8],
    root: &'static Message,
    root_path: &str,
    package: &str,
) -> Result<Map<String, Value>, Vec<Violation>> {
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            return Err(vec![syntax(
                body,
                e.valid_up_to(),
                "Encountered non UTF-8 code points.",
            )]);
        }
    };
    let mut reader = Reader {
        lex: Lexer {
            src: text.as_bytes(),
            pos: 0,
        },
        package,
        path: String::from(root_path),
        violations: Vec::new(),
        depth: 0,
    };
    let outcome = reader.root(root);
    match outcome {
        Err(Syntax { at, reason }) => Err(vec![syntax(body, at, reason)]),
        Ok(_) if !reader.violations.is_empty() => Err(reader.violations),
        Ok(message) => Ok(message),
    }
}

/// Malformed JSON: where, and the parser's words for what it expected.
#[derive(Debug)]
struct Syntax {
    at: usize,
    reason: &'static str,
}

type Read<T> = Result<T, Syntax>;

/// The violation for malformed JSON: the reason, then the line it is on and a caret
/// under the place (the service's form, as reported; the window is ours).
fn syntax(body: &[u8], at: usize, reason: &str) -> Violation {
    let at = at.min(body.len());
    let line_start = body
        .get(..at)
        .and_then(|b| b.iter().rposition(|c| *c == b'\n'))
        .map_or(0, |i| i + 1);
    let line_end = body
        .get(at..)
        .and_then(|b| b.iter().position(|c| *c == b'\n' || *c == b'\r'))
        .map_or(body.len(), |i| at + i);
    let from = line_start.max(at.saturating_sub(40));
    let to = line_end.min(at.saturating_add(40));
    let shown = String::from_utf8_lossy(body.get(from..to).unwrap_or_default());
    let column = String::from_utf8_lossy(body.get(from..at).unwrap_or_default())
        .chars()
        .count();
    Violation {
        field: None,
        description: format!(
            "Invalid JSON payload received. {reason}\n{shown}\n{}^",
            " ".repeat(column)
        ),
    }
}

/// The bytes of the body, read one token at a time.
struct Lexer<'a> {
    src: &'a [u8],
    pos: usize,
}

impl<'a> Lexer<'a> {
    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.src.get(self.pos) {
            self.pos += 1;
        }
    }

    /// The next byte that is not white space, not consumed.
    fn peek(&mut self) -> Option<u8> {
        self.skip_ws();
        self.src.get(self.pos).copied()
    }

    fn fail<T>(&self, reason: &'static str) -> Read<T> {
        Err(Syntax {
            at: self.pos,
            reason,
        })
    }

    /// Consumes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        if self.peek() == Some(byte) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A string, from its opening quote.
    fn string(&mut self) -> Read<String> {
        let mut out = String::new();
        self.string_into(Some(&mut out))?;
        Ok(out)
    }

    /// A string, from its opening quote, decoded onto `out`; with no `out`, only
    /// checked (a value stepped over costs no memory, however long).
    fn string_into(&mut self, mut out: Option<&mut String>) -> Read<()> {
        self.skip_ws();
        if self.src.get(self.pos) != Some(&b'"') {
            return self.fail("Unexpected token.");
        }
        self.pos += 1;
        let mut run = self.pos;
        loop {
            let Some(&byte) = self.src.get(self.pos) else {
                return self.fail("Closing quote expected in string.");
            };
            match byte {
                b'"' => {
                    if let Some(out) = out.as_deref_mut() {
                        out.push_str(self.text(run, self.pos));
                    }
                    self.pos += 1;
                    return Ok(());
                }
                b'\\' => {
                    if let Some(out) = out.as_deref_mut() {
                        out.push_str(self.text(run, self.pos));
                    }
                    self.pos += 1;
                    let c = self.escape()?;
                    if let Some(out) = out.as_deref_mut() {
                        out.push(c);
                    }
                    run = self.pos;
                }
                _ => self.pos += 1,
            }
        }
    }

    /// The source between two positions that fall on character boundaries.
    fn text(&self, from: usize, to: usize) -> &'a str {
        // The body was checked to be UTF-8, and both ends sit next to ASCII bytes.
        std::str::from_utf8(self.src.get(from..to).unwrap_or_default()).unwrap_or_default()
    }

    /// One escape, after its backslash.
    fn escape(&mut self) -> Read<char> {
        let Some(&byte) = self.src.get(self.pos) else {
            return self.fail("Closing quote expected in string.");
        };
        self.pos += 1;
        let c = match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4()?;
                if (0xDC00..0xE000).contains(&high) {
                    return self.fail("Invalid unicode code point.");
                }
                let code = if (0xD800..0xDC00).contains(&high) {
                    if self.src.get(self.pos..self.pos + 2) != Some(b"\\u") {
                        return self.fail("Missing low surrogate.");
                    }
                    self.pos += 2;
                    let low = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return self.fail("Invalid low surrogate.");
                    }
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                match char::from_u32(code) {
                    Some(c) => c,
                    None => return self.fail("Invalid unicode code point."),
                }
            }
            _ => {
                self.pos -= 1;
                return self.fail("Invalid escape sequence.");
            }
        };
        Ok(c)
    }

    fn hex4(&mut self) -> Read<u32> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .src
                .get(self.pos)
                .and_then(|b| char::from(*b).to_digit(16));
            match digit {
                Some(d) => code = code * 16 + d,
                None => return self.fail("Invalid escape sequence."),
            }
            self.pos += 1;
        }
        Ok(code)
    }

    /// A number token, as written; checked against JSON's grammar.
    fn number(&mut self) -> Read<&'a str> {
        self.skip_ws();
        let start = self.pos;
        let rest = self.src.get(start..).unwrap_or_default();
        match json_number_len(rest) {
            Some(len) => {
                self.pos += len;
                Ok(self.text(start, self.pos))
            }
            None => self.fail("Unable to parse number."),
        }
    }

    /// `true`, `false` or `null`.
    fn literal(&mut self, word: &'static str) -> Read<()> {
        self.skip_ws();
        if self
            .src
            .get(self.pos..)
            .is_some_and(|rest| rest.starts_with(word.as_bytes()))
        {
            self.pos += word.len();
            Ok(())
        } else {
            self.fail("Unexpected token.")
        }
    }
}

/// How long the JSON number at the start of `bytes` is, if one is there.
fn json_number_len(bytes: &[u8]) -> Option<usize> {
    let digits = |from: usize| {
        bytes
            .get(from..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut i = usize::from(bytes.first() == Some(&b'-'));
    match bytes.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => i += digits(i),
        _ => return None,
    }
    if bytes.get(i) == Some(&b'.') {
        let n = digits(i + 1);
        if n == 0 {
            return None;
        }
        i += 1 + n;
    }
    if let Some(b'e' | b'E') = bytes.get(i) {
        i += 1;
        if let Some(b'+' | b'-') = bytes.get(i) {
            i += 1;
        }
        let n = digits(i);
        if n == 0 {
            return None;
        }
        i += n;
    }
    Some(i)
}

/// A value that came as a scalar token, for conversion to a field's type.
#[derive(Debug)]
enum Scalar<'a> {
    String(String),
    Number(&'a str),
    Bool(bool),
}

/// What a refused value is called in the message: `(TYPE_INT32)`, or a type URL.
fn type_name(kind: Kind, package: &str) -> String {
    let url = |name: &str| {
        if name.starts_with("google.") {
            format!("type.googleapis.com/{name}")
        } else {
            format!("type.googleapis.com/{package}.{name}")
        }
    };
    match kind {
        Kind::Int32 => "TYPE_INT32".to_owned(),
        Kind::Int64 => "TYPE_INT64".to_owned(),
        Kind::Float => "TYPE_FLOAT".to_owned(),
        Kind::Double => "TYPE_DOUBLE".to_owned(),
        Kind::Bool => "TYPE_BOOL".to_owned(),
        Kind::String => "TYPE_STRING".to_owned(),
        Kind::Bytes => "TYPE_BYTES".to_owned(),
        Kind::Enum(e) => url(e.name),
        Kind::Message(m) => url(m.name),
        Kind::Timestamp => url("google.protobuf.Timestamp"),
        Kind::Duration => url("google.protobuf.Duration"),
        Kind::Struct => url("google.protobuf.Struct"),
        Kind::Value => url("google.protobuf.Value"),
        Kind::FieldMask => url("google.protobuf.FieldMask"),
    }
}

struct Reader<'a> {
    lex: Lexer<'a>,
    package: &'a str,
    /// The path of the value being read, in proto form.
    path: String,
    violations: Vec<Violation>,
    depth: usize,
}

impl<'a> Reader<'a> {
    fn report(&mut self, violation: Violation) {
        if self.violations.len() < MAX_VIOLATIONS {
            self.violations.push(violation);
        }
    }

    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self
                .lex
                .fail("Message too deep. Max recursion depth reached.");
        }
        Ok(())
    }

    /// The body: the root message, or white space only.
    fn root(&mut self, root: &'static Message) -> Read<Map<String, Value>> {
        let message = match self.lex.peek() {
            None => Map::new(),
            Some(b'{') => self.message(root)?,
            Some(_) => {
                self.skip()?;
                self.report(Violation {
                    field: None,
                    description: "Invalid JSON payload received. Unknown name \"\": Root element \
                                  must be a message."
                        .to_owned(),
                });
                Map::new()
            }
        };
        if self.lex.peek().is_some() {
            return self.lex.fail("Parsing terminated before end of input.");
        }
        Ok(message)
    }

    /// A message, from its `{`, at `self.path`.
    fn message(&mut self, message: &'static Message) -> Read<Map<String, Value>> {
        self.enter()?;
        self.lex.pos += 1;
        let mut out = Map::new();
        let mut seen = vec![false; message.fields.len()];
        if !self.lex.eat(b'}') {
            loop {
                if self.lex.peek() != Some(b'"') {
                    return self.lex.fail("Expected an object key or }.");
                }
                let key = self.lex.string()?;
                if !self.lex.eat(b':') {
                    return self.lex.fail("Expected : between key:value pair.");
                }
                match message.field(&key) {
                    None => {
                        let at = self.path.clone();
                        self.report(Violation::at(
                            &at,
                            format!(
                                "Invalid JSON payload received. Unknown name {}{}: Cannot find \
                                 field.",
                                quoted(&key),
                                at_clause(&at)
                            ),
                        ));
                        self.skip()?;
                    }
                    Some((index, _)) if seen.get(index) == Some(&true) => {
                        self.duplicate(&key);
                        self.skip()?;
                    }
                    Some((index, field)) => {
                        if let Some(slot) = seen.get_mut(index) {
                            *slot = true;
                        }
                        if let Some(value) = self.field(field, &key)? {
                            out.insert(field.json.to_owned(), value);
                        }
                    }
                }
                if self.lex.eat(b',') {
                    continue;
                }
                if self.lex.eat(b'}') {
                    break;
                }
                return self.lex.fail("Expected , or } after key:value pair.");
            }
        }
        self.depth -= 1;
        Ok(out)
    }

    /// Ours: the service's wording for a name given twice is not known.
    fn duplicate(&mut self, key: &str) {
        let at = self.path.clone();
        self.report(Violation::at(
            &at,
            format!(
                "Invalid JSON payload received. Duplicate name {}{}: the field is already set.",
                quoted(key),
                at_clause(&at)
            ),
        ));
    }

    /// A field's value; `None` when unset (`null`) or refused.
    fn field(&mut self, field: &'static Field, key: &str) -> Read<Option<Value>> {
        let parent = self.path.len();
        // A root read with an empty path (a Live client message) names its fields bare:
        // `setup.generation_config`.
        if parent > 0 {
            self.path.push('.');
        }
        self.path.push_str(field.proto);
        let value = match field.label {
            Label::Single => self.single(field.kind, field, key, parent),
            Label::Repeated => self.repeated(field, key, parent),
            Label::Map => self.map(field, key, parent),
        };
        self.path.truncate(parent);
        value
    }

    /// The parent of the value being read, `parent` bytes of the path.
    fn parent(&self, parent: usize) -> String {
        self.path.get(..parent).unwrap_or_default().to_owned()
    }

    /// One value of `kind` at `self.path`, for `field` (named `key` in the body, in
    /// the message whose path is the first `parent` bytes of `self.path`).
    fn single(
        &mut self,
        kind: Kind,
        field: &'static Field,
        key: &str,
        parent: usize,
    ) -> Read<Option<Value>> {
        match self.lex.peek() {
            Some(b'n') if !matches!(kind, Kind::Value) => {
                self.lex.literal("null")?;
                Ok(None)
            }
            Some(b'[') if !matches!(kind, Kind::Value) => {
                let at = self.parent(parent);
                self.report(Violation::at(
                    &at,
                    format!(
                        "Invalid JSON payload received. Unknown name {}{}: Proto field is not \
                         repeating, cannot start list.",
                        quoted(key),
                        at_clause(&at)
                    ),
                ));
                self.skip()?;
                Ok(None)
            }
            Some(b'{') => match kind {
                Kind::Message(message) => self.message(message).map(|m| Some(Value::Object(m))),
                Kind::Struct | Kind::Value => self.any().map(Some),
                _ => {
                    let at = self.parent(parent);
                    self.report(Violation::at(
                        &at,
                        format!(
                            "Invalid value at '{at}' ({}), Starting an object on a scalar field",
                            field.proto
                        ),
                    ));
                    self.skip()?;
                    Ok(None)
                }
            },
            _ if matches!(kind, Kind::Value) => self.any().map(Some),
            _ => {
                let start = self.lex.pos;
                let scalar = self.scalar()?;
                let echo = self.echo(start);
                match convert(kind, scalar) {
                    Some(value) => Ok(Some(value)),
                    None => {
                        self.invalid(kind, &echo);
                        Ok(None)
                    }
                }
            }
        }
    }

    /// `Invalid value at '<path>' (<type>), <value as sent>`.
    fn invalid(&mut self, kind: Kind, echo: &str) {
        let at = self.path.clone();
        let kind = type_name(kind, self.package);
        self.report(Violation::at(
            &at,
            format!("Invalid value at '{at}' ({kind}), {echo}"),
        ));
    }

    /// The source from `start` to here, as a refused value is quoted.
    fn echo(&self, start: usize) -> String {
        let text = self.lex.text_lossy(start);
        let text = text.trim();
        if text.len() <= MAX_ECHO {
            return text.to_owned();
        }
        let mut end = MAX_ECHO;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        format!("{}...", text.get(..end).unwrap_or_default())
    }

    /// A list. A single value where a list is due is taken as a list of one, as the
    /// service's parser does (our reading of `Invalid value at 'contents' (...), "..."`,
    /// which names the field without an index).
    fn repeated(&mut self, field: &'static Field, key: &str, parent: usize) -> Read<Option<Value>> {
        match self.lex.peek() {
            Some(b'[') => {}
            // `null` too, which `single` takes as unset.
            _ => {
                return Ok(self
                    .single(field.kind, field, key, parent)?
                    .map(|v| Value::Array(vec![v])));
            }
        }
        self.enter()?;
        self.lex.pos += 1;
        let mut items = Vec::new();
        let base = self.path.len();
        if !self.lex.eat(b']') {
            loop {
                self.path.push_str(&format!("[{}]", items.len()));
                let start = self.lex.pos;
                let item = match self.lex.peek() {
                    Some(b'n' | b'[') if !matches!(field.kind, Kind::Value) => {
                        self.skip()?;
                        let echo = self.echo(start);
                        self.invalid(field.kind, &echo);
                        None
                    }
                    _ => self.single(field.kind, field, key, parent)?,
                };
                self.path.truncate(base);
                // A refused item keeps its place, so that later indexes stay right.
                items.push(item.unwrap_or(Value::Null));
                if self.lex.eat(b',') {
                    continue;
                }
                if self.lex.eat(b']') {
                    break;
                }
                return self.lex.fail("Expected , or ] after array value.");
            }
        }
        self.depth -= 1;
        Ok(Some(Value::Array(items)))
    }

    /// A map with string keys: a JSON object whose entries are `<path>[i].value`.
    fn map(&mut self, field: &'static Field, key: &str, parent: usize) -> Read<Option<Value>> {
        match self.lex.peek() {
            Some(b'{') => {}
            Some(b'n') => {
                self.lex.literal("null")?;
                return Ok(None);
            }
            Some(b'[') => {
                let at = self.parent(parent);
                self.report(Violation::at(
                    &at,
                    format!(
                        "Invalid JSON payload received. Unknown name {}{}: Proto field is not \
                         repeating, cannot start list.",
                        quoted(key),
                        at_clause(&at)
                    ),
                ));
                self.skip()?;
                return Ok(None);
            }
            _ => {
                let start = self.lex.pos;
                self.skip()?;
                let echo = self.echo(start);
                self.invalid(field.kind, &echo);
                return Ok(None);
            }
        }
        self.enter()?;
        self.lex.pos += 1;
        let mut out = Map::new();
        let base = self.path.len();
        if !self.lex.eat(b'}') {
            let mut index = 0;
            loop {
                if self.lex.peek() != Some(b'"') {
                    return self.lex.fail("Expected an object key or }.");
                }
                let entry_key = self.lex.string()?;
                if !self.lex.eat(b':') {
                    return self.lex.fail("Expected : between key:value pair.");
                }
                if out.contains_key(&entry_key) {
                    self.duplicate(&entry_key);
                    self.skip()?;
                } else {
                    self.path.push_str(&format!("[{index}].value"));
                    let entry_path = self.path.len();
                    let item = match self.lex.peek() {
                        Some(b'n') if !matches!(field.kind, Kind::Value) => {
                            let start = self.lex.pos;
                            self.skip()?;
                            let echo = self.echo(start);
                            self.invalid(field.kind, &echo);
                            None
                        }
                        _ => self.single(field.kind, field, &entry_key, entry_path)?,
                    };
                    self.path.truncate(base);
                    out.insert(entry_key, item.unwrap_or(Value::Null));
                }
                index += 1;
                if self.lex.eat(b',') {
                    continue;
                }
                if self.lex.eat(b'}') {
                    break;
                }
                return self.lex.fail("Expected , or } after key:value pair.");
            }
        }
        self.depth -= 1;
        Ok(Some(Value::Object(out)))
    }

    /// A string, number or boolean token.
    fn scalar(&mut self) -> Read<Scalar<'a>> {
        match self.lex.peek() {
            Some(b'"') => self.lex.string().map(Scalar::String),
            Some(b't') => self.lex.literal("true").map(|()| Scalar::Bool(true)),
            Some(b'f') => self.lex.literal("false").map(|()| Scalar::Bool(false)),
            Some(b'-' | b'0'..=b'9') => self.lex.number().map(Scalar::Number),
            None => self.lex.fail("Unexpected end of string."),
            Some(_) => self.lex.fail("Unexpected token."),
        }
    }

    /// Steps over a value, checking only that it is well formed: nothing inside it is
    /// reported (`value(false)` compares no names).
    fn skip(&mut self) -> Read<()> {
        self.value(false).map(drop)
    }

    /// Any JSON value, kept as it is (for `Struct` and `Value` fields). A name twice in
    /// one object is refused here too.
    fn any(&mut self) -> Read<Value> {
        self.value(true)
    }

    /// Any JSON value: kept, or with `keep` false only checked, at no cost in memory
    /// (`Value::Null` stands for it).
    fn value(&mut self, keep: bool) -> Read<Value> {
        match self.lex.peek() {
            Some(b'{') => {
                self.enter()?;
                self.lex.pos += 1;
                let mut out = Map::new();
                if !self.lex.eat(b'}') {
                    loop {
                        if self.lex.peek() != Some(b'"') {
                            return self.lex.fail("Expected an object key or }.");
                        }
                        if !keep {
                            self.lex.string_into(None)?;
                            if !self.lex.eat(b':') {
                                return self.lex.fail("Expected : between key:value pair.");
                            }
                            self.value(false)?;
                        } else {
                            let key = self.lex.string()?;
                            if !self.lex.eat(b':') {
                                return self.lex.fail("Expected : between key:value pair.");
                            }
                            let value = self.value(true)?;
                            if out.contains_key(&key) {
                                self.duplicate(&key);
                            } else {
                                out.insert(key, value);
                            }
                        }
                        if self.lex.eat(b',') {
                            continue;
                        }
                        if self.lex.eat(b'}') {
                            break;
                        }
                        return self.lex.fail("Expected , or } after key:value pair.");
                    }
                }
                self.depth -= 1;
                Ok(Value::Object(out))
            }
            Some(b'[') => {
                self.enter()?;
                self.lex.pos += 1;
                let mut items = Vec::new();
                if !self.lex.eat(b']') {
                    loop {
                        let item = self.value(keep)?;
                        if keep {
                            items.push(item);
                        }
                        if self.lex.eat(b',') {
                            continue;
                        }
                        if self.lex.eat(b']') {
                            break;
                        }
                        return self.lex.fail("Expected , or ] after array value.");
                    }
                }
                self.depth -= 1;
                Ok(Value::Array(items))
            }
            Some(b'n') => self.lex.literal("null").map(|()| Value::Null),
            Some(b'"') if !keep => self.lex.string_into(None).map(|()| Value::Null),
            _ => {
                let at = self.lex.pos;
                match self.scalar()? {
                    Scalar::String(s) => Ok(Value::String(s)),
                    Scalar::Bool(b) => Ok(Value::Bool(b)),
                    Scalar::Number(raw) => {
                        raw.parse::<Number>()
                            .map(Value::Number)
                            .map_err(|_| Syntax {
                                at,
                                reason: "Number exceeds the limit.",
                            })
                    }
                }
            }
        }
    }
}

impl Lexer<'_> {
    /// The source from `start` to here.
    fn text_lossy(&self, start: usize) -> std::borrow::Cow<'_, str> {
        String::from_utf8_lossy(self.src.get(start..self.pos).unwrap_or_default())
    }
}

/// A key as the service quotes it in a message.
/// ` at '<path>'`, or nothing at the root of a message read with an empty path (the
/// service then names no place: `Unknown name "x": Cannot find field.`).
fn at_clause(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!(" at '{path}'")
    }
}

fn quoted(key: &str) -> String {
    Value::String(key.to_owned()).to_string()
}

/// A scalar token as a value of `kind`, in the normal form kept; `None` if it is not
/// one.
fn convert(kind: Kind, scalar: Scalar<'_>) -> Option<Value> {
    match (kind, scalar) {
        (Kind::Int32, Scalar::Number(text)) => int(text, i64::from(i32::MIN), i64::from(i32::MAX)),
        (Kind::Int32, Scalar::String(text)) => int(&text, i64::from(i32::MIN), i64::from(i32::MAX)),
        (Kind::Int64, Scalar::Number(text)) => int(text, i64::MIN, i64::MAX),
        (Kind::Int64, Scalar::String(text)) => int(&text, i64::MIN, i64::MAX),
        (Kind::Float | Kind::Double, Scalar::Number(text)) => float(kind, text),
        (Kind::Float | Kind::Double, Scalar::String(text)) => match text.as_str() {
            "NaN" | "Infinity" | "-Infinity" => Some(Value::String(text)),
            _ if json_number_len(text.as_bytes()) == Some(text.len()) => float(kind, &text),
            _ => None,
        },
        (Kind::Bool, Scalar::Bool(b)) => Some(Value::Bool(b)),
        // As protobuf's parsers take them (ours: not seen from the service).
        (Kind::Bool, Scalar::String(text)) => match text.as_str() {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            _ => None,
        },
        (Kind::String, Scalar::String(text)) => Some(Value::String(text)),
        (Kind::Bytes, Scalar::String(text)) => is_base64(&text).then_some(Value::String(text)),
        (Kind::Enum(e), Scalar::String(text)) => enum_value(e, &text),
        (Kind::Enum(e), Scalar::Number(text)) => {
            let number = integer(text)?;
            e.by_number(i64::try_from(number).ok()?)
                .map(|name| Value::String(name.to_owned()))
        }
        (Kind::Timestamp, Scalar::String(text)) => {
            crate::rfc3339::parse(&text).map(|_| Value::String(text))
        }
        (Kind::Duration, Scalar::String(text)) => is_duration(&text).then_some(Value::String(text)),
        (Kind::FieldMask, Scalar::String(text)) => Some(Value::String(text)),
        _ => None,
    }
}

fn enum_value(e: &EnumType, text: &str) -> Option<Value> {
    if let Some(name) = e.by_name(text) {
        return Some(Value::String(name.to_owned()));
    }
    // A number in a string, as protobuf's parsers take it.
    let number = integer(text)?;
    e.by_number(i64::try_from(number).ok()?)
        .map(|name| Value::String(name.to_owned()))
}

/// An integer field's value: a JSON number or a decimal string, which may have a
/// fraction or an exponent as long as the value is whole (`20.0`, `1e3`), within
/// `min..=max`.
fn int(text: &str, min: i64, max: i64) -> Option<Value> {
    let value = integer(text)?;
    let value = i64::try_from(value).ok()?;
    (min..=max).contains(&value).then(|| Value::from(value))
}

/// The whole number `text` (JSON number syntax) stands for, if it is one and fits in
/// an `i128`.
fn integer(text: &str) -> Option<i128> {
    if json_number_len(text.as_bytes()) != Some(text.len()) {
        return None;
    }
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
        Some(i) => (
            unsigned.get(..i)?,
            unsigned.get(i + 1..)?.parse::<i64>().ok()?,
        ),
        None => (unsigned, 0),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let mut digits: String = format!("{whole}{fraction}");
    let mut exponent = exponent.checked_sub(i64::try_from(fraction.len()).ok()?)?;
    // Trailing zeros pay for a negative exponent; any other digit there is a fraction.
    while exponent < 0 {
        if !digits.ends_with('0') {
            return None;
        }
        digits.pop();
        exponent += 1;
    }
    let digits = digits.trim_start_matches('0');
    if digits.is_empty() {
        return Some(0);
    }
    // A huge exponent ends at the first overflow, within 39 rounds.
    let mut value: i128 = digits.parse().ok()?;
    for _ in 0..exponent {
        value = value.checked_mul(10)?;
    }
    Some(if negative { -value } else { value })
}

/// A float or double field's value from a number's text: finite, and within a
/// `float`'s range for a `float`.
fn float(kind: Kind, text: &str) -> Option<Value> {
    let value: f64 = text.parse().ok()?;
    if !value.is_finite() || (matches!(kind, Kind::Float) && value.abs() > f64::from(f32::MAX)) {
        return None;
    }
    Number::from_f64(value).map(Value::Number)
}

/// Base64, in the standard or the URL-safe alphabet, padded or not.
fn is_base64(text: &str) -> bool {
    let body = text.trim_end_matches('=');
    let padding = text.len() - body.len();
    body.bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'-' | b'_'))
        && body.len() % 4 != 1
        && padding <= 2
        && (padding == 0 || text.len() % 4 == 0)
}

/// A `google.protobuf.Duration` in JSON: seconds with up to nine decimals and an `s`,
/// at most 10 000 years either way.
fn is_duration(text: &str) -> bool {
    let Some(number) = text.strip_suffix('s') else {
        return false;
    };
    let unsigned = number.strip_prefix('-').unwrap_or(number);
    let (seconds, nanos) = unsigned.split_once('.').unwrap_or((unsigned, "0"));
    !seconds.is_empty()
        && seconds.bytes().all(|b| b.is_ascii_digit())
        && (1..=9).contains(&nanos.len())
        && nanos.bytes().all(|b| b.is_ascii_digit())
        && seconds.parse::<u64>().is_ok_and(|s| s <= 315_576_000_000)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::schema::AUTH_TOKEN;
    use serde_json::json;

    const PACKAGE: &str = "google.ai.generativelanguage.v1alpha";

    fn read_str(body: &str) -> Result<Value, Vec<String>> {
        read(body.as_bytes(), &AUTH_TOKEN, "auth_token", PACKAGE)
            .map(Value::Object)
            .map_err(|v| v.into_iter().map(|v| v.description).collect())
    }

    #[test]
    fn integers_from_whole_numbers_and_strings() {
        for (text, want) in [
            ("20", Some(20)),
            ("20.0", Some(20)),
            ("2e1", Some(20)),
            ("2000e-2", Some(20)),
            ("-0", Some(0)),
            ("0.0e5", Some(0)),
            ("20.5", None),
            ("1e400", None),
            ("1e9223372036854775807", None),
            ("1e-9223372036854775808", None),
            ("00", None),
            (" 5", None),
            ("5 ", None),
        ] {
            assert_eq!(integer(text), want, "{text}");
        }
        assert_eq!(
            int("2147483647", -1, i64::from(i32::MAX)),
            Some(json!(2147483647))
        );
        assert_eq!(int("2147483648", -1, i64::from(i32::MAX)), None);
    }

    #[test]
    fn base64_and_durations() {
        for (text, ok) in [
            ("", true),
            ("AAEC", true),
            ("AAE=", true),
            ("AA==", true),
            ("AAE", true),
            ("a-_b", true),
            ("A", false),
            ("AA=", false),
            ("!!!!", false),
        ] {
            assert_eq!(is_base64(text), ok, "{text}");
        }
        for (text, ok) in [
            ("1.5s", true),
            ("-2s", true),
            ("0.000000001s", true),
            ("1.s", false),
            ("1.5", false),
            ("s", false),
            ("1.0000000001s", false),
        ] {
            assert_eq!(is_duration(text), ok, "{text}");
        }
    }

    #[test]
    fn syntax_errors_point_at_the_place() {
        assert_eq!(
            read_str("{\"uses\": 1 \"x\": 2}"),
            Err(vec![
                "Invalid JSON payload received. Expected , or } after key:value pair.\n\
                 {\"uses\": 1 \"x\": 2}\n           ^"
                    .to_owned()
            ])
        );
        assert_eq!(
            read_str("q=test"),
            Err(vec![
                "Invalid JSON payload received. Unexpected token.\nq=test\n^".to_owned()
            ])
        );
        assert_eq!(
            read_str("{} {}"),
            Err(vec![
                "Invalid JSON payload received. Parsing terminated before end of input.\n\
                 {} {}\n   ^"
                    .to_owned()
            ])
        );
    }

    #[test]
    fn errors_are_all_reported_in_order() {
        assert_eq!(
            read_str(r#"{"uses": "x", "bogus": 1, "uses": 2, "fieldMask": 3}"#),
            Err(vec![
                "Invalid value at 'auth_token.uses' (TYPE_INT32), \"x\"".to_owned(),
                "Invalid JSON payload received. Unknown name \"bogus\" at 'auth_token': Cannot \
                 find field."
                    .to_owned(),
                "Invalid JSON payload received. Duplicate name \"uses\" at 'auth_token': the \
                 field is already set."
                    .to_owned(),
                "Invalid value at 'auth_token.field_mask' \
                 (type.googleapis.com/google.protobuf.FieldMask), 3"
                    .to_owned(),
            ])
        );
    }

    #[test]
    fn lists_maps_and_user_data() {
        let body = r#"{"bidi_generate_content_setup": {
            "tools": {"code_execution": {}},
            "labels": {"a": "b"},
            "generationConfig": {"responseModalities": ["AUDIO", 1], "stopSequences": "x"},
            "safetySettings": [{"category": 8, "threshold": "off"}],
            "tools2": 1}}"#;
        assert_eq!(
            read_str(body),
            Err(vec![
                "Invalid JSON payload received. Unknown name \"tools2\" at \
                 'auth_token.bidi_generate_content_setup': Cannot find field."
                    .to_owned()
            ])
        );
        let body = body.replace(",\n            \"tools2\": 1", "");
        assert_eq!(
            read_str(&body),
            Ok(json!({"bidiGenerateContentSetup": {
                "tools": [{"codeExecution": {}}],
                "labels": {"a": "b"},
                "generationConfig": {"responseModalities": ["AUDIO", "TEXT"], "stopSequences": ["x"]},
                "safetySettings": [{"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "OFF"}],
            }}))
        );
        assert_eq!(
            read_str(
                r#"{"bidiGenerateContentSetup": {"labels": {"a": 1, "b": [2]},
                "tools": [{"functionDeclarations": [{"parameters": {"properties": {"x": {"type": "OBJECT", "values": 1}}}}]}]}}"#
            ),
            Err(vec![
                "Invalid value at 'auth_token.bidi_generate_content_setup.labels[0].value' \
                 (TYPE_STRING), 1"
                    .to_owned(),
                "Invalid JSON payload received. Unknown name \"b\" at \
                 'auth_token.bidi_generate_content_setup.labels[1].value': Proto field is not \
                 repeating, cannot start list."
                    .to_owned(),
                "Invalid JSON payload received. Unknown name \"values\" at \
                 'auth_token.bidi_generate_content_setup.tools[0].function_declarations[0]\
                 .parameters.properties[0].value': Cannot find field."
                    .to_owned(),
            ])
        );
    }

    #[test]
    fn depth_is_bounded() {
        let deep = format!(
            "{{\"bidiGenerateContentSetup\": {{\"tools\": [{{\"functionDeclarations\": [{{\
             \"parametersJsonSchema\": {}1{}}}]}}]}}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        let error = read_str(&deep).unwrap_err();
        assert_eq!(error.len(), 1);
        assert!(
            error[0].starts_with(
                "Invalid JSON payload received. Message too deep. Max recursion depth reached.\n"
            ),
            "{error:?}"
        );
    }
}
