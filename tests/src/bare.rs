//! Bare posts of prepared bytes, with the HTTP libraries the clients use: the
//! baselines the benches measure the clients against.
//!
//! Each is meant to be the fastest honest use of its library: the URL parsed once, the
//! headers made once, the body shared rather than copied, the timeout set once on the
//! client or agent (as the clients do) rather than per request, connections pooled for
//! as many requests in flight as the bench runs. What it does not skip is what the
//! clients must do too: send the same bytes, wait for the whole answer within a
//! timeout, check the status.

use std::time::Duration;

use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, prepare};
use ureq::http;

/// The config every bench mints: the fixture `crates/core/benches/fixtures/typical.json`
/// (a model, a system instruction, three generation settings, the set fields locked).
pub fn typical_config() -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::from_json(include_bytes!(
        "../../crates/core/benches/fixtures/typical.json"
    ))
    .unwrap_or_else(|e| panic!("the typical fixture: {e}"))
}

/// One request's bytes, prepared once, to post again and again.
#[derive(Debug, Clone)]
pub struct BarePost {
    url: String,
    reqwest_url: reqwest::Url,
    http_uri: http::Uri,
    /// The headers the clients send: content type, user agent, key.
    headers: http::HeaderMap,
    /// Made once for the life of the bench (a few hundred bytes), so that both
    /// libraries take it per request without a copy.
    body: &'static [u8],
}

/// How many idle connections a bare agent keeps, and the TLS roots it trusts.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// CA certificates (PEM) trusted instead of the built-in roots: an emulator's.
    pub root_certificates: Option<Vec<u8>>,
    /// Idle connections kept per host; 0 opens a new connection for every request.
    pub idle_per_host: usize,
    /// The overall timeout of one request, set once on the client or agent.
    pub timeout: Option<Duration>,
}

impl BarePost {
    /// The request `config` makes to `endpoint`, prepared now.
    pub fn new(
        config: &CreateAuthTokenConfig,
        endpoint: &Endpoint,
        key: &ApiKey,
    ) -> Result<Self, gemini_token_core::Error> {
        let prepared = prepare(config, endpoint, key, time::OffsetDateTime::now_utc())?;
        let url = endpoint.url();
        let reqwest_url = reqwest::Url::parse(&url).map_err(|_| endpoint_error(&url))?;
        let http_uri = url.parse().map_err(|_| endpoint_error(&url))?;
        let (parts, body) = prepared.into_parts().0.into_parts();
        Ok(Self {
            url,
            reqwest_url,
            http_uri,
            headers: parts.headers,
            body: Box::leak(body.into_boxed_slice()),
        })
    }

    /// The URL posted to.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The body posted.
    pub fn body(&self) -> &[u8] {
        self.body
    }

    /// The headers sent (the key among them).
    pub fn headers(&self) -> &http::HeaderMap {
        &self.headers
    }

    /// An agent set up as the blocking client sets up its own (no redirects, no status
    /// errors, the same TLS library) with `setup`'s roots, pool and timeout.
    pub fn ureq_agent(setup: &Setup) -> ureq::Agent {
        let builder = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(setup.timeout)
            .max_idle_connections(setup.idle_per_host.max(1) * 2)
            .max_idle_connections_per_host(setup.idle_per_host);
        tls::ureq(builder, setup.root_certificates.as_deref())
            .build()
            .into()
    }

    /// A client set up as the async client sets up its own (no redirects, the same TLS
    /// library) with `setup`'s roots, pool and timeout.
    pub fn reqwest_client(setup: &Setup) -> reqwest::Client {
        let mut builder = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .pool_max_idle_per_host(setup.idle_per_host);
        if let Some(timeout) = setup.timeout {
            builder = builder.timeout(timeout);
        }
        tls::reqwest(builder, setup.root_certificates.as_deref())
            .build()
            .unwrap_or_else(|e| panic!("bare reqwest client: {e}"))
    }

    /// Posts with `agent` and reads the answer; panics unless it is a 200.
    pub fn post_ureq(&self, agent: &ureq::Agent) {
        let mut request = http::Request::new(self.body);
        *request.method_mut() = http::Method::POST;
        *request.uri_mut() = self.http_uri.clone();
        *request.headers_mut() = self.headers.clone();
        let mut response = agent
            .run(request)
            .unwrap_or_else(|e| panic!("bare ureq post: {e}"));
        assert_eq!(response.status(), 200);
        let _ = response.body_mut().read_to_vec();
    }

    /// Posts with `client` and reads the answer; panics unless it is a 200.
    pub async fn post_reqwest(&self, client: &reqwest::Client) {
        let response = client
            .post(self.reqwest_url.clone())
            .headers(self.headers.clone())
            .body(self.body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("bare reqwest post: {e}"));
        assert_eq!(response.status(), 200);
        let _ = response.bytes().await;
    }
}

fn endpoint_error(url: &str) -> gemini_token_core::Error {
    gemini_token_core::ConfigError::new(
        gemini_token_core::ConfigErrorKind::InvalidEndpoint,
        "base_url",
        format!("`{url}` is not a URL the HTTP libraries read"),
    )
    .into()
}

/// The TLS library and roots, chosen as the clients choose them (`native-tls` wins
/// when both features are on).
mod tls {
    #[cfg(feature = "native-tls")]
    pub(crate) fn ureq(
        builder: ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
        roots: Option<&[u8]>,
    ) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
        with_roots(builder, ureq::tls::TlsProvider::NativeTls, roots)
    }

    #[cfg(all(feature = "rustls", not(feature = "native-tls")))]
    pub(crate) fn ureq(
        builder: ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
        roots: Option<&[u8]>,
    ) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
        with_roots(builder, ureq::tls::TlsProvider::Rustls, roots)
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    fn with_roots(
        builder: ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
        provider: ureq::tls::TlsProvider,
        roots: Option<&[u8]>,
    ) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
        use ureq::tls::{PemItem, RootCerts, TlsConfig};
        let mut tls = TlsConfig::builder().provider(provider);
        if let Some(pem) = roots {
            let certificates: Vec<_> = ureq::tls::parse_pem(pem)
                .filter_map(|item| match item {
                    Ok(PemItem::Certificate(c)) => Some(c),
                    _ => None,
                })
                .collect();
            tls = tls.root_certs(RootCerts::from(certificates));
        }
        builder.tls_config(tls.build())
    }

    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    pub(crate) fn ureq(
        builder: ureq::config::ConfigBuilder<ureq::typestate::AgentScope>,
        _roots: Option<&[u8]>,
    ) -> ureq::config::ConfigBuilder<ureq::typestate::AgentScope> {
        builder
    }

    #[cfg(any(feature = "rustls", feature = "native-tls"))]
    pub(crate) fn reqwest(
        builder: reqwest::ClientBuilder,
        roots: Option<&[u8]>,
    ) -> reqwest::ClientBuilder {
        #[cfg(feature = "native-tls")]
        let builder = builder.tls_backend_native();
        #[cfg(not(feature = "native-tls"))]
        let builder = builder.tls_backend_rustls();
        match roots.and_then(|pem| reqwest::Certificate::from_pem_bundle(pem).ok()) {
            Some(certificates) => builder.tls_certs_only(certificates),
            None => builder,
        }
    }

    #[cfg(not(any(feature = "rustls", feature = "native-tls")))]
    pub(crate) fn reqwest(
        builder: reqwest::ClientBuilder,
        _roots: Option<&[u8]>,
    ) -> reqwest::ClientBuilder {
        builder
    }
}
