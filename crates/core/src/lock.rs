//! Lock modes: which parts of the setup a token holder may not change, and the
//! `fieldMask` that says so on the wire.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::{ConfigError, ConfigErrorKind, ParseError};
use crate::fields::{self, Below, Field};
use crate::suggest::{closest, in_style_of, snake_to_camel};

/// How much of the token's setup is locked against the client's own setup message.
///
/// The official SDKs express this as `lock_additional_fields`: absent, `[]`, or a list
/// of names. Here it is a type with those three states.
///
/// | mode | JSON | `fieldMask` sent | the client may change |
/// |---|---|---|---|
/// | [`Lock::All`] | absent or `null` | none | nothing: its setup is ignored |
/// | [`Lock::SetFields`] | `[]` | every field the setup sets | every field not set |
/// | [`Lock::SetFieldsAnd`] | `["temperature", ...]` | the set fields and the named ones | every other field |
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lock {
    /// Lock the whole setup (no mask). The default, and the safest.
    #[default]
    All,
    /// Lock exactly the fields the setup sets.
    SetFields,
    /// Lock the fields the setup sets and these, which keep their defaults when the
    /// setup does not set them.
    SetFieldsAnd(Vec<LockPath>),
}

impl Lock {
    /// [`Lock::SetFieldsAnd`] from names in snake_case or camelCase (`"temperature"`,
    /// `"top_k"`, `"realtime_input_config.automatic_activity_detection"`).
    ///
    /// Every name is checked; the error lists each unknown one with a suggestion.
    ///
    /// ```
    /// use gemini_token_core::Lock;
    ///
    /// let lock = Lock::set_fields_and(["temperature", "outputAudioTranscription"])?;
    /// assert_eq!(lock.extra_paths()[0].as_str(), "generationConfig.temperature");
    ///
    /// let err = Lock::set_fields_and(["temprature"]).unwrap_err();
    /// assert_eq!(
    ///     err.to_string(),
    ///     "lock_additional_fields: unknown field name `temprature` (did you mean `temperature`?)"
    /// );
    /// # Ok::<(), gemini_token_core::ConfigError>(())
    /// ```
    pub fn set_fields_and<I, S>(names: I) -> Result<Self, ConfigError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut paths = Vec::new();
        let mut problems = Vec::new();
        for name in names {
            match LockPath::parse_named(name.as_ref()) {
                Ok(path) => paths.push(path),
                Err(problem) => problems.push(problem),
            }
        }
        if problems.is_empty() {
            Ok(Self::SetFieldsAnd(paths))
        } else {
            Err(ConfigError::new(
                ConfigErrorKind::UnknownLockField,
                "lock_additional_fields",
                problems.join("; "),
            ))
        }
    }

    /// Whether this is [`Lock::All`].
    pub fn is_all(&self) -> bool {
        matches!(self, Self::All)
    }

    /// The named paths of [`Lock::SetFieldsAnd`]; empty for the other modes.
    pub fn extra_paths(&self) -> &[LockPath] {
        match self {
            Self::SetFieldsAnd(paths) => paths,
            _ => &[],
        }
    }
}

impl Serialize for Lock {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::All => serializer.serialize_none(),
            _ => self.extra_paths().serialize(serializer),
        }
    }
}

impl<'de> Deserialize<'de> for Lock {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Option::<Vec<String>>::deserialize(deserializer)? {
            None => Ok(Self::All),
            Some(names) if names.is_empty() => Ok(Self::SetFields),
            Some(names) => {
                Self::set_fields_and(names).map_err(|e| serde::de::Error::custom(e.message()))
            }
        }
    }
}

/// A checked lock path: known setup fields, camelCase, joined with dots, never into a
/// list (`generationConfig.topK`, `outputAudioTranscription`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct LockPath(String);

impl LockPath {
    /// Checks a name (snake_case or camelCase, optionally dotted) against the setup's
    /// fields. A bare generation-config field (`temperature`) becomes
    /// `generationConfig.temperature`, as in the official SDKs.
    ///
    /// The error quotes the name and, for a misspelling, suggests the field meant.
    pub fn parse(name: &str) -> Result<Self, ParseError> {
        Self::parse_named(name).map_err(ParseError::new)
    }

    /// [`parse`](Self::parse), its error a sentence for a [`ConfigError`]'s message.
    fn parse_named(name: &str) -> Result<Self, String> {
        if name.is_empty() {
            return Err("an empty lock name is not a field".to_owned());
        }
        let mut segments = name.split('.');
        let written = segments.next().unwrap_or_default();
        let first = snake_to_camel(written);
        let (mut path, mut field) = if let Some(f) = fields::find(fields::SETUP, &first) {
            (String::new(), f)
        } else if let Some(f) = fields::find(fields::GENERATION_CONFIG, &first) {
            ("generationConfig.".to_owned(), f)
        } else {
            let names = fields::SETUP
                .iter()
                .chain(fields::GENERATION_CONFIG)
                .map(|f| f.name);
            return Err(unknown(name, written, names));
        };
        path.push_str(field.name);
        for segment in segments {
            let children: &[Field] = match &field.below {
                Below::Message(children) => children,
                Below::List => {
                    return Err(format!(
                        "lock name `{name}` goes into `{}`, a list; a lock path names a whole list",
                        field.name
                    ));
                }
                Below::Map => {
                    return Err(format!(
                        "lock name `{name}` goes into `{}`, a map of user data; lock it whole",
                        field.name
                    ));
                }
                Below::Nothing => {
                    return Err(format!(
                        "lock name `{name}` goes into `{}`, which has no fields",
                        field.name
                    ));
                }
            };
            let camel = snake_to_camel(segment);
            field = fields::find(children, &camel)
                .ok_or_else(|| unknown(name, segment, children.iter().map(|f| f.name)))?;
            path.push('.');
            path.push_str(field.name);
        }
        Ok(Self(path))
    }

    /// The camelCase path, as sent in the mask.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LockPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for LockPath {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

fn unknown<'a>(name: &str, segment: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    let mut out = format!("unknown field name `{name}`");
    if name.contains('.') {
        out = format!("unknown field name `{name}`: no field `{segment}` there");
    }
    if let Some(best) = closest(segment, candidates) {
        out.push_str(&format!(
            " (did you mean `{}`?)",
            in_style_of(best, segment)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn path(name: &str) -> Result<String, String> {
        LockPath::parse_named(name).map(|p| p.0)
    }

    #[test]
    fn maps_names_to_wire_paths() {
        assert_eq!(
            path("temperature").as_deref(),
            Ok("generationConfig.temperature")
        );
        assert_eq!(path("top_k").as_deref(), Ok("generationConfig.topK"));
        assert_eq!(
            path("output_audio_transcription").as_deref(),
            Ok("outputAudioTranscription")
        );
        assert_eq!(path("model").as_deref(), Ok("model"));
        assert_eq!(
            path("generationConfig.top_k").as_deref(),
            Ok("generationConfig.topK")
        );
        assert_eq!(
            path("realtime_input_config.automatic_activity_detection.silence_duration_ms")
                .as_deref(),
            Ok("realtimeInputConfig.automaticActivityDetection.silenceDurationMs")
        );
        assert_eq!(
            path("speech_config.voice_config").as_deref(),
            Ok("generationConfig.speechConfig.voiceConfig")
        );
    }

    #[test]
    fn refuses_unknown_names_and_paths_into_lists() {
        assert_eq!(
            path(""),
            Err("an empty lock name is not a field".to_owned())
        );
        assert_eq!(
            path("fooBar"),
            Err("unknown field name `fooBar`".to_owned())
        );
        assert_eq!(
            path("top_kk"),
            Err("unknown field name `top_kk` (did you mean `top_k`?)".to_owned())
        );
        assert_eq!(
            path("generationConfig.bogus_knob"),
            Err(
                "unknown field name `generationConfig.bogus_knob`: no field `bogus_knob` there"
                    .to_owned()
            )
        );
        assert_eq!(
            path("tools.0"),
            Err(
                "lock name `tools.0` goes into `tools`, a list; a lock path names a whole list"
                    .to_owned()
            )
        );
        assert_eq!(
            path("labels.team"),
            Err(
                "lock name `labels.team` goes into `labels`, a map of user data; lock it whole"
                    .to_owned()
            )
        );
    }

    #[test]
    fn reports_every_unknown_name() {
        let err = Lock::set_fields_and(["not_a_field", "fooBar", "", "temperature"])
            .err()
            .map(|e| e.to_string());
        assert_eq!(
            err.as_deref(),
            Some(
                "lock_additional_fields: unknown field name `not_a_field`; \
                 unknown field name `fooBar`; an empty lock name is not a field"
            )
        );
    }
}
