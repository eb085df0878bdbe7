//! The long-lived API key: kept out of every Debug, Display and error.

use std::fmt;

use http::HeaderValue;

use crate::error::{ConfigError, ConfigErrorKind};

/// A Gemini API key.
///
/// It has no `Display`, and its `Debug` prints `ApiKey([redacted])`, so it cannot end up
/// in a log line by accident. The header value it becomes is marked sensitive, so
/// `http`'s own `Debug` of the request hides it too.
///
/// ```
/// use gemini_token_core::ApiKey;
///
/// let key = ApiKey::new("AIza-example-key")?;
/// assert_eq!(format!("{key:?}"), "ApiKey([redacted])");
/// # Ok::<(), gemini_token_core::ConfigError>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey {
    header: HeaderValue,
}

impl ApiKey {
    /// Checks that `key` can be sent in a header: not empty, visible ASCII only. The
    /// error never repeats the key.
    pub fn new(key: impl Into<String>) -> Result<Self, ConfigError> {
        let key = key.into();
        let trimmed = key.trim();
        let problem = if trimmed.is_empty() {
            Some("is empty")
        } else if !trimmed.bytes().all(|b| b.is_ascii_graphic()) {
            Some(
                "holds a character that is not visible ASCII (a space, a control character or non-ASCII)",
            )
        } else {
            None
        };
        if let Some(problem) = problem {
            return Err(ConfigError::new(
                ConfigErrorKind::InvalidValue,
                "api_key",
                format!("the API key {problem}"),
            ));
        }
        let mut header = HeaderValue::from_str(trimmed).map_err(|_| {
            ConfigError::new(
                ConfigErrorKind::InvalidValue,
                "api_key",
                "the API key cannot be sent in a header",
            )
        })?;
        header.set_sensitive(true);
        Ok(Self { header })
    }

    /// The key, for code that must send it some other way. Handle with care.
    pub fn expose_secret(&self) -> &str {
        // Only visible ASCII was accepted, so this is always valid UTF-8.
        self.header.to_str().unwrap_or_default()
    }

    pub(crate) fn header_value(&self) -> &HeaderValue {
        &self.header
    }

    /// `text` with every occurrence of the key replaced by `[redacted]`, for text that
    /// came from elsewhere (a server that echoes the request, say).
    pub(crate) fn scrub(&self, text: &str) -> String {
        let key = self.expose_secret();
        if key.is_empty() {
            text.to_owned()
        } else {
            text.replace(key, "[redacted]")
        }
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_keys_that_cannot_be_headers_without_repeating_them() {
        for bad in ["", "   ", "has space", "tab\there", "naïve"] {
            let err = ApiKey::new(bad)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(err.starts_with("api_key: the API key "), "{err}");
            if !bad.trim().is_empty() {
                assert!(!err.contains(bad), "{err}");
            }
        }
        let key = ApiKey::new("  AIzaSyTrimmed  ").ok();
        assert_eq!(
            key.as_ref().map(ApiKey::expose_secret),
            Some("AIzaSyTrimmed")
        );
        assert_eq!(
            key.map(|k| k.scrub("echo AIzaSyTrimmed!")),
            Some("echo [redacted]!".to_owned())
        );
    }
}
