//! What `mint` prints: for a person, for a script, or as a curl command.

use gemini_token_core::formats::{format_duration, format_rfc3339};
use gemini_token_core::{
    API_KEY_HEADER, ApiKey, AuthToken, CreateAuthTokenConfig, Endpoint, prepare,
};
use time::OffsetDateTime;

use crate::Failure;

fn rfc3339(at: OffsetDateTime) -> String {
    format_rfc3339(at).unwrap_or_else(|| at.to_string())
}

/// The token and its times, for a person.
pub(crate) fn human(token: &AuthToken, now: OffsetDateTime) -> String {
    let left = |at: OffsetDateTime| {
        let whole_seconds = time::Duration::seconds((at - now).whole_seconds().max(0));
        format_duration(whole_seconds)
    };
    format!(
        "token:         {}\n\
         expires:       {} (in {})\n\
         new sessions:  until {} (in {})\n\
         uses:          {}\n\
         Live API URL:  {}\n",
        token.secret(),
        rfc3339(token.expire_time()),
        left(token.expire_time()),
        rfc3339(token.new_session_expire_time()),
        left(token.new_session_expire_time()),
        if token.uses() == 0 {
            "unlimited".to_owned()
        } else {
            token.uses().to_string()
        },
        token.live_url(),
    )
}

/// The token as one JSON object, for scripts.
pub(crate) fn json(token: &AuthToken) -> String {
    let mut out = serde_json::json!({
        "token": token.secret(),
        "expireTime": rfc3339(token.expire_time()),
        "newSessionExpireTime": rfc3339(token.new_session_expire_time()),
        "uses": token.uses(),
        "liveUrl": token.live_url(),
    })
    .to_string();
    out.push('\n');
    out
}

/// A curl command that makes the same request, reading the key from the environment
/// as this command does (`GOOGLE_API_KEY`, else `GEMINI_API_KEY`).
pub(crate) fn curl(
    config: &CreateAuthTokenConfig,
    endpoint: &Endpoint,
    now: OffsetDateTime,
) -> Result<String, Failure> {
    // The key is not needed to build the command; a stand-in fills the header, which
    // the command replaces with the environment's.
    let key = ApiKey::new("curl").map_err(|e| Failure::bad_input(e.to_string()))?;
    let prepared = prepare(config, endpoint, &key, now).map_err(crate::mint::failure)?;
    let request = prepared.request();
    let mut out = format!("curl -sS -X POST {}", quote(&request.uri().to_string()));
    for (name, value) in request.headers() {
        if name == API_KEY_HEADER {
            out.push_str(&format!(
                " \\\n  -H \"{name}: ${{GOOGLE_API_KEY:-$GEMINI_API_KEY}}\""
            ));
        } else {
            let value = value.to_str().unwrap_or_default();
            out.push_str(&format!(" \\\n  -H {}", quote(&format!("{name}: {value}"))));
        }
    }
    let body = String::from_utf8_lossy(request.body());
    out.push_str(&format!(" \\\n  --data-raw {}\n", quote(&body)));
    Ok(out)
}

/// `text` as one single-quoted shell word.
fn quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_for_the_shell() {
        assert_eq!(quote("it's"), r"'it'\''s'");
        assert_eq!(quote("$HOME"), "'$HOME'");
    }
}
