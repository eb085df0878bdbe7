//! Reading a config file: bounded, and only from a regular file.

use std::io::Read as _;
use std::path::Path;

use gemini_token_core::CreateAuthTokenConfig;

use crate::Failure;

/// A config file larger than this is refused before it is read: a real config is a few
/// kilobytes, and a mistaken path (a log, a device) must not be read into memory.
pub(crate) const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// The config in `path`, or the empty config when there is no path.
pub(crate) fn load(path: Option<&Path>) -> Result<CreateAuthTokenConfig, Failure> {
    let Some(path) = path else {
        return Ok(CreateAuthTokenConfig::default());
    };
    let shown = path.display();
    let bad = |why: String| Failure::bad_input(format!("config file {shown}: {why}"));
    let bytes = read(path, "config file", "a config is a small JSON object")?;
    let config = CreateAuthTokenConfig::from_json(&bytes).map_err(|e| bad(e.to_string()))?;
    // A file is data: it does not choose where the key goes (the flags do).
    if config
        .http_options
        .as_ref()
        .is_some_and(|o| o.base_url.is_some())
    {
        return Err(bad(
            "http_options.base_url: a config file may not choose where the API key is sent; \
             pass --base-url instead"
                .to_owned(),
        ));
    }
    Ok(config)
}

/// The bytes of the regular file at `path` (a `what`, such as "config file"), at most
/// [`MAX_CONFIG_BYTES`]; `small` says what the file should be when it is larger.
pub(crate) fn read(path: &Path, what: &str, small: &str) -> Result<Vec<u8>, Failure> {
    let shown = path.display();
    let bad = |why: String| Failure::bad_input(format!("{what} {shown}: {why}"));
    let file = std::fs::File::open(path).map_err(|e| bad(format!("cannot open it: {e}")))?;
    let meta = file
        .metadata()
        .map_err(|e| bad(format!("cannot read it: {e}")))?;
    if !meta.is_file() {
        return Err(bad("not a regular file".to_owned()));
    }
    let mut bytes = Vec::new();
    file.take(MAX_CONFIG_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| bad(format!("cannot read it: {e}")))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(bad(format!(
            "larger than {MAX_CONFIG_BYTES} bytes; {small}"
        )));
    }
    Ok(bytes)
}
