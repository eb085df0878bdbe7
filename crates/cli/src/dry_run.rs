//! `mint --dry-run`: the exact request, as JSON, with secrets redacted.

use std::collections::BTreeMap;

use gemini_token_core::{API_KEY_HEADER, ApiKey, CreateAuthTokenConfig, Endpoint, prepare};
use serde_json::value::RawValue;
use time::OffsetDateTime;

use crate::Failure;

/// What a dry run prints in place of a secret header's value.
const REDACTED: &str = "[redacted]";

#[derive(serde::Serialize)]
struct DryRun<'a> {
    method: &'a str,
    url: String,
    headers: BTreeMap<&'a str, &'a str>,
    body: &'a RawValue,
}

/// The request `config` makes to `endpoint` at `now`, as one line of JSON.
pub(crate) fn render(
    config: &CreateAuthTokenConfig,
    endpoint: &Endpoint,
    now: OffsetDateTime,
) -> Result<String, Failure> {
    // A dry run needs no key; a stand-in fills the header, which is redacted anyway.
    let key = ApiKey::new("dry-run").map_err(|e| Failure::bad_input(e.to_string()))?;
    let prepared = prepare(config, endpoint, &key, now).map_err(crate::mint::failure)?;
    let request = prepared.request();
    let body = std::str::from_utf8(request.body())
        .ok()
        .and_then(|b| serde_json::from_str::<&RawValue>(b).ok())
        .ok_or_else(|| {
            Failure::bad_input("the request body is not JSON (a bug: please report it)")
        })?;
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            // The config's own headers are shown as its file gives them.
            let shown = if name == API_KEY_HEADER {
                REDACTED
            } else {
                value.to_str().unwrap_or(REDACTED)
            };
            (name.as_str(), shown)
        })
        .collect();
    let dry_run = DryRun {
        method: request.method().as_str(),
        url: request.uri().to_string(),
        headers,
        body,
    };
    let mut out = serde_json::to_string(&dry_run)
        .map_err(|e| Failure::bad_input(format!("cannot render the request: {e}")))?;
    out.push('\n');
    Ok(out)
}
