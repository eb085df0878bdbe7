//! A token config explained for people: which fields of the setup its clients may
//! change, which they may not, and the traps users of the official SDKs fall into.

use std::fmt;

use serde_json::Value;

use crate::config::CreateAuthTokenConfig;
use crate::effective::{SetupJson, effective_setup, mask_paths, value_at};
use crate::error::{ConfigError, ConfigErrorKind};
use crate::fields;
use crate::request::PreparedConfig;

/// How much of the setup a token locks.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Locked {
    /// Nothing: the token has neither a setup nor a mask, and the client's setup is
    /// used as it is.
    Nothing,
    /// Everything: the token has a setup and no field mask, so the client's setup is
    /// ignored.
    Everything,
    /// These paths (the field mask): the token's values replace the client's there.
    Paths(Vec<String>),
}

impl Locked {
    /// Whether the client's value at `path` (`generationConfig.temperature`) is
    /// replaced, wholly or in part, by the token's.
    pub fn covers(&self, path: &str) -> bool {
        match self {
            Self::Nothing => false,
            Self::Everything => true,
            Self::Paths(paths) => paths.iter().any(|locked| {
                locked == path
                    || path
                        .strip_prefix(locked.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
                    || locked
                        .strip_prefix(path)
                        .is_some_and(|rest| rest.starts_with('.'))
            }),
        }
    }
}

/// A trap in a token config: something its clients cannot do, probably by mistake.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Warning {
    /// The whole setup is locked: the client's `setup` message is ignored entirely, so
    /// every field the token leaves unset (a system instruction, tools ...) runs with
    /// the service's default. Lock the set fields instead to let clients add theirs.
    ClientSetupIgnored {
        /// The top-level fields the token sets.
        token_sets: Vec<String>,
    },
    /// `sessionResumption` is locked and the token leaves it unset: clients cannot
    /// enable session resumption, so they cannot reconnect after the server's `goAway`.
    SessionResumptionLockedOff,
    /// Clients cannot change this field (`model`, the response modalities, the voice).
    Pinned {
        /// The field's path.
        path: String,
        /// The token's value, or `None` when the token leaves it at the service's default.
        value: Option<Value>,
    },
    /// A locked path the token leaves unset: clients cannot set it, and it stays at the
    /// service's default.
    LockedToDefault {
        /// The path.
        path: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ClientSetupIgnored { token_sets } => write!(
                f,
                "the whole setup is locked: the client's setup is ignored, and everything the \
                 token leaves unset runs with the service's defaults (the token sets only: {}); \
                 lock the set fields instead to let clients add their own",
                if token_sets.is_empty() {
                    "nothing".to_owned()
                } else {
                    token_sets.join(", ")
                }
            ),
            Self::SessionResumptionLockedOff => f.write_str(
                "session resumption is locked off: clients cannot enable it, so they cannot \
                 reconnect after the server's goAway; set session_resumption in the token, or \
                 leave it unlocked",
            ),
            Self::Pinned { path, value } => match value {
                Some(value) => write!(f, "clients cannot change `{path}`: it is pinned to {value}"),
                None => write!(
                    f,
                    "clients cannot change `{path}`: it stays at the service's default"
                ),
            },
            Self::LockedToDefault { path } => write!(
                f,
                "`{path}` is locked but the token leaves it unset: clients cannot set it, and \
                 it stays at the service's default"
            ),
        }
    }
}

/// The fields whose being locked is worth a warning of its own: what users most often
/// mean to leave to the client.
const PINNED: [&str; 3] = [
    "model",
    "generationConfig.responseModalities",
    "generationConfig.speechConfig",
];

/// What a token minted from a config lets its clients do.
///
/// ```
/// use gemini_token_core::{CreateAuthTokenConfig, Explanation, LiveConnectConstraints, Lock, Warning};
///
/// let config = CreateAuthTokenConfig::new()
///     .constraints(LiveConnectConstraints::new().model("gemini-live-2.5-flash-preview"))
///     .lock(Lock::SetFields);
/// let explained = Explanation::new(&config)?;
/// assert_eq!(explained.free_fields()[..2], ["generationConfig", "systemInstruction"]);
/// assert!(explained.warnings().contains(&Warning::Pinned {
///     path: "model".into(),
///     value: Some("models/gemini-live-2.5-flash-preview".into()),
/// }));
/// # Ok::<(), gemini_token_core::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    token_setup: Option<SetupJson>,
    field_mask: Option<String>,
    locked: Locked,
    warnings: Vec<Warning>,
}

impl Explanation {
    /// Explains `config` as it would be minted (checked as `prepare` checks it).
    pub fn new(config: &CreateAuthTokenConfig) -> Result<Self, ConfigError> {
        let prepared = PreparedConfig::new(config)?;
        // The setup and the mask exactly as they are sent.
        let mut tail = Vec::with_capacity(prepared.tail().len() + 2);
        tail.push(b'{');
        tail.extend_from_slice(prepared.tail());
        tail.push(b'}');
        let sent: SetupJson = serde_json::from_slice(&tail).map_err(|e| {
            ConfigError::new(
                ConfigErrorKind::InvalidValue,
                "live_connect_constraints",
                e.to_string(),
            )
        })?;
        let token_setup = sent
            .get("bidiGenerateContentSetup")
            .and_then(Value::as_object)
            .cloned();
        let field_mask = sent
            .get("fieldMask")
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(Self::from_parts(token_setup, field_mask))
    }

    /// Explains a token as minted: its setup and field mask.
    pub fn from_parts(token_setup: Option<SetupJson>, field_mask: Option<String>) -> Self {
        let paths: Vec<String> = mask_paths(field_mask.as_deref())
            .map(str::to_owned)
            .collect();
        let locked = match (&token_setup, paths.is_empty()) {
            (None, true) => Locked::Nothing,
            (Some(_), true) => Locked::Everything,
            (_, false) => Locked::Paths(paths),
        };
        let mut explained = Self {
            token_setup,
            field_mask,
            locked,
            warnings: Vec::new(),
        };
        explained.warnings = explained.find_warnings();
        explained
    }

    fn find_warnings(&self) -> Vec<Warning> {
        if self.locked == Locked::Nothing {
            return Vec::new();
        }
        let empty = SetupJson::new();
        let token = self.token_setup.as_ref().unwrap_or(&empty);
        let at = |path: &str| value_at(token, &path.split('.').collect::<Vec<_>>()).cloned();
        let mut warnings = Vec::new();
        if self.locked == Locked::Everything {
            warnings.push(Warning::ClientSetupIgnored {
                token_sets: token.keys().cloned().collect(),
            });
        }
        if self.locked.covers("sessionResumption") && at("sessionResumption").is_none() {
            warnings.push(Warning::SessionResumptionLockedOff);
        }
        for path in PINNED {
            if self.locked.covers(path) {
                warnings.push(Warning::Pinned {
                    path: path.to_owned(),
                    value: at(path),
                });
            }
        }
        if let Locked::Paths(paths) = &self.locked {
            for path in paths {
                let named = path == "sessionResumption" || PINNED.contains(&path.as_str());
                if !named && at(path).is_none() {
                    warnings.push(Warning::LockedToDefault { path: path.clone() });
                }
            }
        }
        warnings
    }

    /// The setup the token carries, as sent.
    pub fn token_setup(&self) -> Option<&SetupJson> {
        self.token_setup.as_ref()
    }

    /// The field mask, as sent.
    pub fn field_mask(&self) -> Option<&str> {
        self.field_mask.as_deref()
    }

    /// What is locked.
    pub fn locked(&self) -> &Locked {
        &self.locked
    }

    /// The top-level setup fields a client may set as it likes.
    pub fn free_fields(&self) -> Vec<&'static str> {
        fields::SETUP
            .iter()
            .map(|f| f.name)
            .filter(|name| !self.locked.covers(name))
            .collect()
    }

    /// The top-level setup fields of which some parts are locked and the rest is the
    /// client's (`generationConfig` when only its temperature is locked).
    pub fn partly_locked_fields(&self) -> Vec<&'static str> {
        let Locked::Paths(paths) = &self.locked else {
            return Vec::new();
        };
        fields::SETUP
            .iter()
            .map(|f| f.name)
            .filter(|name| {
                !paths.iter().any(|p| p == name)
                    && paths
                        .iter()
                        .any(|p| p.strip_prefix(name).is_some_and(|r| r.starts_with('.')))
            })
            .collect()
    }

    /// The traps found, worst first.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The setup a session would run with if a client sent `client_setup`.
    pub fn effective_setup(&self, client_setup: &SetupJson) -> SetupJson {
        effective_setup(
            self.token_setup.as_ref(),
            self.field_mask.as_deref(),
            client_setup,
        )
    }
}
