//! The errors of the core: a config that cannot be sent, an answer from the API that
//! says no, and an answer that is not what the API sends.

use std::fmt;
use std::time::Duration;

use http::StatusCode;

/// Anything that keeps a token from being minted.
///
/// No variant ever holds the API key: messages from the server are scrubbed of it, and
/// the key itself is never formatted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The config was refused before anything was sent.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The API answered with an error.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// The answer is not one the API sends (a proxy's error page, a cut-off body ...).
    #[error(transparent)]
    UnexpectedResponse(#[from] UnexpectedResponse),
    /// The bytes could not be moved: no connection, a reset, a timeout, a body too
    /// large.
    #[error(transparent)]
    Transport(#[from] crate::transport::TransportError),
}

impl Error {
    /// Whether trying again may succeed (see [`RetryPolicy`](crate::RetryPolicy)).
    pub fn is_transient(&self) -> bool {
        crate::retry::is_transient(self)
    }
}

/// What is wrong with a config, and where.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigErrorKind {
    /// The config file is not JSON, or not a JSON object.
    Syntax,
    /// A key that is no field of its message.
    UnknownField,
    /// The same field given twice, e.g. as `top_k` and `topK`.
    DuplicateField,
    /// A value of the wrong type or out of range.
    InvalidValue,
    /// A time that is not an RFC 3339 timestamp or a `+duration`.
    InvalidTime,
    /// A time not after now, 20 h or more ahead, or a new-session expiry after the
    /// expiry.
    TimeOutOfRange,
    /// `uses` that is not a whole number from 0 to 2147483647.
    InvalidUses,
    /// A model name that is empty or holds `..`, `?`, `&`, `#` or white space.
    InvalidModel,
    /// A lock name that matches no setup field.
    UnknownLockField,
    /// A setting only Vertex AI accepts; the Gemini Developer API, the only one that
    /// issues ephemeral tokens, refuses it.
    VertexOnly,
    /// A setting the Live API does not support.
    NotSupportedInLive,
    /// A base URL or API version that cannot be used, including plain HTTP to a host
    /// that is not this machine.
    InvalidEndpoint,
    /// An extra request header that is not valid or may not be set.
    InvalidHeader,
}

/// A config refused before anything was sent: what is wrong, at which path.
///
/// The path is written with the keys as the user wrote them
/// (`live_connect_constraints.config.tools[0].retrieval`); its last key names the
/// offending field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ConfigError {
    kind: ConfigErrorKind,
    path: String,
    message: String,
}

impl ConfigError {
    /// A `kind` of problem with the setting at `path`, and a `message` that says what
    /// is allowed; for transports that check settings of their own (TLS roots).
    pub fn new(kind: ConfigErrorKind, path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            kind,
            path: path.into(),
            message: message.into(),
        }
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ConfigErrorKind {
        self.kind
    }

    /// Where: the path of the offending field, empty for the config as a whole.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The offending field: the last key of [`path`](Self::path).
    pub fn field(&self) -> &str {
        let last = self.path.rsplit('.').next().unwrap_or_default();
        last.split('[').next().unwrap_or_default()
    }

    /// What is wrong and what is allowed, without the path.
    pub fn message(&self) -> &str {
        &self.message
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

/// An error answer from the API, as Google's error JSON describes it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{} (HTTP {}): {}", .status.as_deref().unwrap_or("error"), .http_status.as_u16(), .message)]
pub struct ApiError {
    pub(crate) http_status: StatusCode,
    pub(crate) status: Option<String>,
    pub(crate) message: String,
    pub(crate) details: Vec<ErrorDetail>,
}

impl ApiError {
    /// The HTTP status.
    pub fn http_status(&self) -> StatusCode {
        self.http_status
    }

    /// Google's status name, such as `INVALID_ARGUMENT` or `RESOURCE_EXHAUSTED`.
    pub fn status(&self) -> Option<&str> {
        self.status.as_deref()
    }

    /// The message, as the server wrote it.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The details, in the order the server sent them.
    pub fn details(&self) -> &[ErrorDetail] {
        &self.details
    }

    /// How long the server asks the caller to wait before trying again
    /// (`RetryInfo.retryDelay`).
    pub fn retry_delay(&self) -> Option<Duration> {
        self.details.iter().find_map(|d| match d {
            ErrorDetail::RetryInfo { retry_delay } => Some(*retry_delay),
            _ => None,
        })
    }

    /// The machine-readable reason (`ErrorInfo.reason`), such as `API_KEY_INVALID`.
    pub fn reason(&self) -> Option<&str> {
        self.details.iter().find_map(|d| match d {
            ErrorDetail::ErrorInfo { reason, .. } => Some(reason.as_str()),
            _ => None,
        })
    }

    /// The fields the server found wrong (`BadRequest.fieldViolations`).
    pub fn field_violations(&self) -> impl Iterator<Item = &FieldViolation> {
        self.details.iter().flat_map(|d| match d {
            ErrorDetail::BadRequest { field_violations } => field_violations.as_slice(),
            _ => &[],
        })
    }
}

/// One entry of an API error's `details`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum ErrorDetail {
    /// `google.rpc.RetryInfo`: when to try again.
    RetryInfo {
        /// The delay the server asks for.
        retry_delay: Duration,
    },
    /// `google.rpc.ErrorInfo`: why, in a machine-readable form.
    ErrorInfo {
        /// The reason, such as `API_KEY_INVALID`.
        reason: String,
        /// The domain, such as `googleapis.com`.
        domain: Option<String>,
        /// Further facts.
        metadata: serde_json::Map<String, serde_json::Value>,
    },
    /// `google.rpc.BadRequest`: which fields were wrong.
    BadRequest {
        /// The fields.
        field_violations: Vec<FieldViolation>,
    },
    /// A detail of another type, kept as sent.
    Other(serde_json::Value),
}

/// A field the server found wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct FieldViolation {
    field: String,
    description: String,
}

impl FieldViolation {
    /// A violation of `field`, as a server describes it; for tests and transports
    /// that build answers.
    pub fn new(field: impl Into<String>, description: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            description: description.into(),
        }
    }

    /// The field's path, as the server wrote it (`bidiGenerateContentSetup.model`).
    pub fn field(&self) -> &str {
        &self.field
    }

    /// What is wrong with it.
    pub fn description(&self) -> &str {
        &self.description
    }
}

/// Text that is not in the form a parser reads: a timestamp, a duration, a lock
/// name. Says what was expected; the text itself is quoted only where it cannot be a
/// secret (these parsers never see the key or a token).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
#[non_exhaustive]
pub struct ParseError {
    message: String,
}

impl ParseError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    /// What is wrong and what is allowed.
    pub fn message(&self) -> &str {
        &self.message
    }
}

/// An answer the API does not send: not JSON, cut off, or JSON of another shape.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unexpected response (HTTP {}): {problem}; body starts: {body_prefix:?}", .status.as_u16())]
pub struct UnexpectedResponse {
    pub(crate) status: StatusCode,
    pub(crate) problem: String,
    pub(crate) body_prefix: String,
}

impl UnexpectedResponse {
    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// What is wrong with the answer.
    pub fn problem(&self) -> &str {
        &self.problem
    }

    /// The start of the body (at most [`BODY_PREFIX_LIMIT`](crate::BODY_PREFIX_LIMIT)
    /// bytes, lossily decoded), scrubbed of the API key.
    pub fn body_prefix(&self) -> &str {
        &self.body_prefix
    }
}
