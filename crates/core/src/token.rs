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
