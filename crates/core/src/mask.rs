//! The set-field paths of a setup: what [`Lock::SetFields`](crate::Lock::SetFields)
//! locks.
//!
//! They are read off the setup's JSON rather than off the Rust types, so that the
//! mask always matches the bytes sent, fields added through the escape hatch
//! included, and so that a server (the emulator) can compute the same paths from a
//! request it receives.

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// Keys whose values are maps of user data: one path for the whole map.
const USER_MAPS: &[&str] = &["labels"];

/// The paths of every field a setup (JSON object) sets, in its key order: `key.child`
/// for each child of a non-empty object, otherwise `key` (scalars, lists, empty
/// objects, maps of user data). Never an index into a list.
///
/// ```
/// let paths = gemini_token_core::set_field_paths(
///     r#"{"model":"models/m","generationConfig":{"temperature":0.7},"tools":[{"codeExecution":{}}]}"#,
/// )?;
/// assert_eq!(paths, ["model", "generationConfig.temperature", "tools"]);
/// # Ok::<(), serde_json::Error>(())
/// ```
pub fn set_field_paths(setup_json: &str) -> Result<Vec<String>, serde_json::Error> {
    let mut paths = Vec::new();
    let mut de = serde_json::Deserializer::from_str(setup_json);
    TopLevel(&mut paths).deserialize(&mut de)?;
    de.end()?;
    Ok(paths)
}

struct TopLevel<'a>(&'a mut Vec<String>);

impl<'de> DeserializeSeed<'de> for TopLevel<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a setup object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Key(key)) = map.next_key()? {
            if USER_MAPS.contains(&key.as_ref()) {
                map.next_value::<IgnoredAny>()?;
                self.0.push(key.into_owned());
                continue;
            }
            let before = self.0.len();
            map.next_value_seed(Children {
                parent: &key,
                paths: self.0,
            })?;
            if self.0.len() == before {
                self.0.push(key.into_owned());
            }
        }
        Ok(())
    }
}

/// Pushes `parent.child` for each key of an object value; nothing for other values.
struct Children<'a> {
    parent: &'a str,
    paths: &'a mut Vec<String>,
}

impl<'de> DeserializeSeed<'de> for Children<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Children<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(Key(key)) = map.next_key()? {
            map.next_value::<IgnoredAny>()?;
            let mut path = String::with_capacity(self.parent.len() + 1 + key.len());
            path.push_str(self.parent);
            path.push('.');
            path.push_str(&key);
            self.paths.push(path);
        }
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(())
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// An object key, borrowed from the input when it has no escapes.
struct Key<'de>(Cow<'de, str>);

impl<'de> de::Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a key")
            }

            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }

            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_levels_never_into_lists_or_user_maps() {
        let paths = set_field_paths(
            r#"{"model":"m","sessionResumption":{},"systemInstruction":{"parts":[{"text":"x"}],"role":"user"},
               "realtimeInputConfig":{"automaticActivityDetection":{"disabled":true}},
               "tools":[{"googleSearch":{}}],"labels":{"a":"b"},"x\u0079z":{"k\u0065y":1}}"#,
        )
        .unwrap_or_default();
        assert_eq!(
            paths,
            [
                "model",
                "sessionResumption",
                "systemInstruction.parts",
                "systemInstruction.role",
                "realtimeInputConfig.automaticActivityDetection",
                "tools",
                "labels",
                "xyz.key"
            ]
        );
    }

    #[test]
    fn refuses_what_is_not_one_object() {
        assert!(set_field_paths("[]").is_err());
        assert!(set_field_paths("{} {}").is_err());
        assert!(set_field_paths("{").is_err());
    }
}
