//! The names of the setup's fields, as a tree: what lock names are checked against,
//! and where a lock path may go.
//!
//! The tree is derived from the typed messages, never written apart from them:
//! `message!` gives every message a [`FieldKind`] whose fields are its Rust fields,
//! named on the wire by serde's camelCase rule (`wire_name!`), each with what is below
//! it taken from its type. A message may add fields the API has but this crate does not
//! let a config set (`lock_only`): a lock may still name those, and keeps their default.

use std::collections::BTreeMap;

/// A field of a setup message, and what is below it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) below: Below,
}

impl Field {
    /// A field, with what its type says is below it.
    pub(crate) const fn new(name: &'static str, below: Below) -> Self {
        Self { name, below }
    }

    /// A scalar or enum field with no type of its own here (`lock_only` fields).
    pub(crate) const fn leaf(name: &'static str) -> Self {
        Self::new(name, Below::Nothing)
    }

    /// A list field with no type of its own here.
    pub(crate) const fn list(name: &'static str) -> Self {
        Self::new(name, Below::List)
    }

    /// A message field with no type of its own here.
    pub(crate) const fn message(name: &'static str, fields: &'static [Field]) -> Self {
        Self::new(name, Below::Message(fields))
    }
}

/// What a lock path may find below a field.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Below {
    /// A scalar or an enum: nothing.
    Nothing,
    /// A list: a mask path never indexes into one.
    List,
    /// A map of user data (`labels`): its keys are not fields.
    Map,
    /// A message, with its fields.
    Message(&'static [Field]),
}

/// What is below a field of this type; every type a message field may have has one.
pub(crate) trait FieldKind {
    const BELOW: Below;
}

impl<T> FieldKind for Vec<T> {
    const BELOW: Below = Below::List;
}

impl<K, V> FieldKind for BTreeMap<K, V> {
    const BELOW: Below = Below::Map;
}

impl FieldKind for serde_json::Map<String, serde_json::Value> {
    const BELOW: Below = Below::Map;
}

macro_rules! scalar_kinds {
    ($($ty:ty),*) => {
        $(impl FieldKind for $ty {
            const BELOW: Below = Below::Nothing;
        })*
    };
}

// `serde_json::Value` is user data whose inside a lock never names.
scalar_kinds!(String, bool, i32, i64, f64, serde_json::Value);

/// The length of `snake`'s camelCase form: one byte less per underscore.
pub(crate) const fn camel_len(snake: &str) -> usize {
    let bytes = snake.as_bytes();
    let (mut i, mut len) = (0, 0);
    while i < bytes.len() {
        if bytes[i] != b'_' {
            len += 1;
        }
        i += 1;
    }
    len
}

/// `snake`'s camelCase form, as serde writes it (each `_` dropped, the letter after it
/// upper-cased), in [`camel_len`] bytes: a shorter `N` is an out-of-bounds build error.
pub(crate) const fn camel_bytes<const N: usize>(snake: &str) -> [u8; N] {
    let bytes = snake.as_bytes();
    let mut out = [0; N];
    let (mut i, mut o, mut upper) = (0, 0, false);
    while i < bytes.len() {
        if bytes[i] == b'_' {
            upper = true;
        } else {
            out[o] = if upper {
                bytes[i].to_ascii_uppercase()
            } else {
                bytes[i]
            };
            upper = false;
            o += 1;
        }
        i += 1;
    }
    out
}

/// `bytes` as text. Only ASCII bytes were changed from a `&str`, so it always is;
/// `fallback` keeps this a total function without a panic.
pub(crate) const fn as_str(bytes: &'static [u8], fallback: &'static str) -> &'static str {
    match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(_) => fallback,
    }
}

/// The fields of a message type.
const fn fields_of(below: Below) -> &'static [Field] {
    match below {
        Below::Message(fields) => fields,
        Below::Nothing | Below::List | Below::Map => &[],
    }
}

/// The fields of `GenerationConfig` a lock may name: every field of the message, also
/// those the Live API does not let a config set (locking them keeps their default).
pub(crate) const GENERATION_CONFIG: &[Field] =
    fields_of(<crate::setup::GenerationConfig as FieldKind>::BELOW);

/// The top-level fields of the Live `setup` message, in wire order.
pub(crate) const SETUP: &[Field] = fields_of(<crate::wire::Setup<'static> as FieldKind>::BELOW);

/// The field called `name` (camelCase) among `fields`.
pub(crate) fn find<'f>(fields: &'f [Field], name: &str) -> Option<&'f Field> {
    fields.iter().find(|f| f.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every field name in the tree, dotted, depth first.
    fn paths(fields: &[Field], prefix: &str, out: &mut Vec<String>) {
        for field in fields {
            let path = format!("{prefix}{}", field.name);
            if let Below::Message(children) = field.below {
                paths(children, &format!("{path}."), out);
            }
            out.push(path);
        }
    }

    #[test]
    fn names_follow_serdes_camel_case() {
        assert_eq!(wire_name!(top_k), "topK");
        assert_eq!(
            wire_name!(interim_transcript_timestamp_enabled),
            "interimTranscriptTimestampEnabled"
        );
        assert_eq!(wire_name!(seed), "seed");
        let json = serde_json::to_value(
            crate::setup::RealtimeInputConfig::new().interim_transcript_timestamp_enabled(true),
        )
        .unwrap_or_default();
        assert_eq!(
            json,
            serde_json::json!({"interimTranscriptTimestampEnabled": true})
        );
    }

    #[test]
    fn the_tree_has_the_typed_fields_and_the_lock_only_ones() {
        // The wire setup's own fields, and the config's that it sends as they are.
        assert_eq!(SETUP.len(), 14);
        assert_eq!(SETUP[1].name, "generationConfig");
        let mut all = Vec::new();
        paths(GENERATION_CONFIG, "", &mut all);
        for want in [
            "speechConfig.voiceConfig.replicatedVoiceConfig.voiceConsentSignature.signature",
            "speechConfig.multiSpeakerVoiceConfig.speakerVoiceConfigs",
            "routingConfig.autoMode.modelRoutingPreference",
            "audioTranscriptionConfig.languageAuto",
            "stopSequences",
        ] {
            assert!(all.iter().any(|p| p == want), "{want} not in {all:?}");
        }
        assert!(matches!(
            find(SETUP, "labels").map(|f| f.below),
            Some(Below::Map)
        ));
        assert!(matches!(
            find(SETUP, "tools").map(|f| f.below),
            Some(Below::List)
        ));
    }
}
