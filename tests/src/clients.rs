//! Both clients behind one function, so that every scenario runs on each.

use std::time::Duration;

use gemini_token_core::transport::BuildClient;
use gemini_token_core::{
    AuthToken, ClientBuilder, CreateAuthTokenConfig, Error, KeySource, RetryPolicy,
};

/// Which client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `gemini-token-reqwest`, on a tokio runtime.
    Async,
    /// `gemini-token-ureq`, on the calling thread.
    Blocking,
}

/// Both flavors, for loops.
pub const FLAVORS: [Flavor; 2] = [Flavor::Async, Flavor::Blocking];

/// How a scenario sets a client up.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The key the client sends.
    pub key: String,
    /// Where it mints.
    pub base_url: String,
    /// Its retry policy.
    pub retry: RetryPolicy,
    /// Its per-attempt timeout.
    pub timeout: Duration,
    /// Its cap on answers.
    pub max_response_bytes: usize,
    /// The CA certificates (PEM) it trusts instead of the built-in roots.
    pub root_certificates: Option<String>,
}

impl Settings {
    /// Settings for `base_url` with `key`: quick retries (3 attempts, 10 ms apart) so
    /// that scenarios run fast, a 5 s timeout and a 1 MiB cap.
    pub fn new(base_url: &str, key: &str) -> Self {
        Self {
            key: key.to_owned(),
            base_url: base_url.to_owned(),
            retry: RetryPolicy::default()
                .with_initial_delay(Duration::from_millis(10))
                .with_jitter(0.0)
                .with_max_delay(Duration::from_secs(1)),
            timeout: Duration::from_secs(5),
            max_response_bytes: 1024 * 1024,
            root_certificates: None,
        }
    }

    /// A client of type `C` (`gemini_token_reqwest::Client`, `gemini_token_ureq::Client`)
    /// built from these settings.
    pub fn build<C: BuildClient>(&self) -> Result<C, Error> {
        let key = gemini_token_core::ApiKey::new(self.key.as_str())?;
        let builder = ClientBuilder::<C>::new(key, KeySource::Given)
            .base_url(self.base_url.as_str())
            .retry(self.retry.clone())
            .timeout(self.timeout)
            .max_response_bytes(self.max_response_bytes);
        match &self.root_certificates {
            Some(pem) => builder.root_certificates(pem),
            None => builder,
        }
        .build()
    }
}

/// Mints once with `flavor`'s client, built from `settings`.
pub fn mint(
    flavor: Flavor,
    settings: &Settings,
    config: &CreateAuthTokenConfig,
) -> Result<AuthToken, Error> {
    match flavor {
        Flavor::Blocking => settings
            .build::<gemini_token_ureq::Client>()?
            .create(config),
        Flavor::Async => {
            let client = settings.build::<gemini_token_reqwest::Client>()?;
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| {
                    Error::Transport(gemini_token_core::TransportError::new(
                        gemini_token_core::TransportErrorKind::Other,
                        format!("no tokio runtime: {e}"),
                    ))
                })?;
            runtime.block_on(client.create(config))
        }
    }
}

/// Every text an error shows: its Display and Debug, and those of every source.
pub fn error_texts(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut texts = Vec::new();
    let mut next = Some(error);
    while let Some(e) = next {
        texts.push(e.to_string());
        texts.push(format!("{e:?}"));
        next = e.source();
    }
    texts
}
