//! [`AuthToken`]: the minted token, and how a client uses it.

use std::fmt;
use std::sync::Arc;

use time::OffsetDateTime;

/// A minted ephemeral token.
///
/// Its `Debug` hides the token. Hand [`secret`](Self::secret) (or
/// [`live_url`](Self::live_url)) to the one client it is for, and nothing else.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthToken {
    pub(crate) name: String,
    pub(crate) expire_time: OffsetDateTime,
    pub(crate) new_session_expire_time: OffsetDateTime,
    pub(crate) uses: u32,
    pub(crate) live_url_prefix: Arc<str>,
}

impl AuthToken {
    /// The token itself (`auth_tokens/...`): a credential, to be handed to one client.
    pub fn secret(&self) -> &str {
        &self.name
    }

    /// When the token stops working: the requested expiry, or, when none was
    /// requested, the service's default (30 minutes) counted from the `now` the request
    /// was prepared with.
    pub fn expire_time(&self) -> OffsetDateTime {
        self.expire_time
    }

    /// After when it starts no new session: the requested time, or the service's
    /// default (60 seconds) counted from the `now` the request was prepared with.
    pub fn new_session_expire_time(&self) -> OffsetDateTime {
        self.new_session_expire_time
    }

    /// How many sessions it may start; 0 is unlimited.
    pub fn uses(&self) -> u32 {
        self.uses
    }

    /// The Live API WebSocket URL with the token in the `access_token` query, the only
    /// way a browser can pass it (browsers cannot set WebSocket headers).
    pub fn live_url(&self) -> String {
        let mut url = String::with_capacity(self.live_url_prefix.len() + self.name.len() + 8);
        url.push_str(&self.live_url_prefix);
        percent_encode(&self.name, &mut url);
        url
    }

    /// The value of the `Authorization` header for clients that can set one:
    /// `Token auth_tokens/...`.
    pub fn authorization_header_value(&self) -> String {
        format!("Token {}", self.name)
    }

    /// The WebSocket handshake request for the Live API's constrained method, with the
    /// token in the `Authorization: Token ...` header (as the Python and Go SDKs send
    /// it) rather than in the URL, and every header a WebSocket handshake needs, so a
    /// client library can use it as it is: `tungstenite::connect(request)`, or
    /// `tokio_tungstenite::connect_async(request)`.
    ///
    /// ```
    /// # use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, prepare};
    /// # let prepared = prepare(&CreateAuthTokenConfig::new(), &Endpoint::default(),
    /// #     &ApiKey::new("k")?, time::OffsetDateTime::UNIX_EPOCH)?;
    /// # let token = prepared.parser().parse(&http::Response::new(br#"{"name":"auth_tokens/x"}"#.to_vec()))?;
    /// let request = token.live_handshake_request()?;
    /// assert_eq!(request.uri().path(), "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained");
    /// assert_eq!(request.headers()["authorization"], "Token auth_tokens/x");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// The header value is marked sensitive, so the request's `Debug` does not show
    /// the token.
    pub fn live_handshake_request(&self) -> Result<http::Request<()>, http::Error> {
        let url = self
            .live_url_prefix
            .strip_suffix("?access_token=")
            .unwrap_or(&self.live_url_prefix);
        let uri: http::Uri = url.parse()?;
        let host = uri
            .authority()
            .map(|a| a.as_str().to_owned())
            .unwrap_or_default();
        let mut authorization = http::HeaderValue::try_from(self.authorization_header_value())?;
        authorization.set_sensitive(true);
        http::Request::get(uri)
            .header(http::header::HOST, host)
            .header(http::header::CONNECTION, "Upgrade")
            .header(http::header::UPGRADE, "websocket")
            .header(http::header::SEC_WEBSOCKET_VERSION, "13")
            .header(http::header::SEC_WEBSOCKET_KEY, websocket_key())
            .header(http::header::AUTHORIZATION, authorization)
            .body(())
    }
}

/// A `Sec-WebSocket-Key`: 16 random bytes in base64. It is a nonce that keeps caches
/// from replaying handshakes, not a secret, so the standard library's per-process
/// random keys are enough.
fn websocket_key() -> String {
    let mut nonce = [0u8; 16];
    nonce[..8].copy_from_slice(&crate::transport::random_u64().to_le_bytes());
    nonce[8..].copy_from_slice(&crate::transport::random_u64().to_le_bytes());
    base64_16(nonce)
}

/// 16 bytes in standard base64: 22 characters and `==`.
fn base64_16(bytes: [u8; 16]) -> String {
    const BASE64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut padded = [0u8; 18];
    padded[..16].copy_from_slice(&bytes);
    let mut key = String::with_capacity(24);
    for chunk in padded.chunks(3) {
        let n = u32::from_be_bytes([0, chunk[0], chunk[1], chunk[2]]);
        for shift in [18, 12, 6, 0] {
            key.push(BASE64[(n >> shift & 63) as usize] as char);
        }
    }
    // The last chunk held one real byte: two characters of it, then the padding.
    key.truncate(22);
    key.push_str("==");
    key
}

impl fmt::Debug for AuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthToken")
            .field("name", &"[redacted]")
            .field("expire_time", &self.expire_time)
            .field("new_session_expire_time", &self.new_session_expire_time)
            .field("uses", &self.uses)
            .finish()
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(b >> 4)] as char);
            out.push(HEX[usize::from(b & 15)] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_of_the_rfc_6455_sample_nonce() {
        // RFC 6455, section 1.3: the nonce "the sample nonce".
        assert_eq!(
            super::base64_16(*b"the sample nonce"),
            "dGhlIHNhbXBsZSBub25jZQ=="
        );
        assert_eq!(super::base64_16([255; 16]), "/////////////////////w==");
    }
}
