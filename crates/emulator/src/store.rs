//! What the emulator minted: every token with its constraints, resolved times and uses.

use std::fmt;

use serde::Serialize;
use time::OffsetDateTime;

/// A token the emulator minted, as the service would have stored it.
#[derive(Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MintedToken {
    /// The token (`auth_tokens/` and 64 hex characters).
    pub name: String,
    /// Sessions it may start; 0 is unlimited. Default 1.
    pub uses: u32,
    /// When it stops working. Default: 30 minutes after minting.
    #[serde(serialize_with = "rfc3339")]
    pub expire_time: OffsetDateTime,
    /// After when it starts no new session. Default: 60 seconds after minting.
    #[serde(serialize_with = "rfc3339")]
    pub new_session_expire_time: OffsetDateTime,
    /// The setup it is limited to, in proto3 JSON's normal form: every name in its
    /// JSON (lowerCamel) form, integers (`int64` too) and floats as numbers (or
    /// `"NaN"`, `"Infinity"`, `"-Infinity"`), enums by name, unset (`null`) fields left
    /// out. What two clients send for the same settings, in either name form or number
    /// form, is kept the same.
    pub bidi_generate_content_setup: Option<serde_json::Value>,
    /// The field mask, as received (checked, not rewritten).
    pub field_mask: Option<String>,
    /// The API version it was minted through.
    pub api_version: String,
    /// When it was minted, by the emulator's clock.
    #[serde(serialize_with = "rfc3339")]
    pub minted_at: OffsetDateTime,
}

impl fmt::Debug for MintedToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MintedToken")
            .field("name", &"[redacted]")
            .field("uses", &self.uses)
            .field("expire_time", &self.expire_time)
            .field("new_session_expire_time", &self.new_session_expire_time)
            .field(
                "bidi_generate_content_setup",
                &self.bidi_generate_content_setup,
            )
            .field("field_mask", &self.field_mask)
            .field("api_version", &self.api_version)
            .field("minted_at", &self.minted_at)
            .finish()
    }
}

pub(crate) fn rfc3339<S: serde::Serializer>(
    at: &OffsetDateTime,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let text = gemini_token_core::formats::format_rfc3339(*at)
        .ok_or_else(|| serde::ser::Error::custom("a year outside 0000-9999"))?;
    serializer.serialize_str(&text)
}

/// [`rfc3339`], for a time that may be absent (`null`).
pub(crate) fn rfc3339_option<S: serde::Serializer>(
    at: &Option<OffsetDateTime>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    match at {
        Some(at) => rfc3339(at, serializer),
        None => serializer.serialize_none(),
    }
}
