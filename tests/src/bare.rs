//! Bare posts of prepared bytes, with the HTTP libraries the clients use: the
//! baselines the benches measure the clients against.

use std::time::Duration;

use gemini_token_core::{ApiKey, CreateAuthTokenConfig, Endpoint, prepare};

/// One request's bytes, prepared once, to post again and again.
#[derive(Debug, Clone)]
pub struct BarePost {
    url: String,
    key: ApiKey,
    body: Vec<u8>,
}

impl BarePost {
    /// The request `config` makes to `endpoint`, prepared now.
    pub fn new(
        config: &CreateAuthTokenConfig,
        endpoint: &Endpoint,
        key: &ApiKey,
    ) -> Result<Self, gemini_token_core::Error> {
        let prepared = prepare(config, endpoint, key, time::OffsetDateTime::now_utc())?;
        Ok(Self {
            url: endpoint.url(),
            key: key.clone(),
            body: prepared.request().body().clone(),
        })
    }

    /// An agent set up as the blocking client sets up its own: no redirects, no
    /// status errors, and an overall timeout when one is given.
    pub fn ureq_agent(timeout: Option<Duration>) -> ureq::Agent {
        ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(timeout)
            .build()
            .into()
    }

    /// A client set up as the async client sets up its own: no redirects.
    pub fn reqwest_client() -> reqwest::Client {
        reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap_or_default()
    }

    /// Posts with `agent` and reads the answer; panics unless it is a 200.
    pub fn post_ureq(&self, agent: &ureq::Agent) {
        let mut response = agent
            .post(self.url.as_str())
            .header("content-type", "application/json")
            .header("x-goog-api-key", self.key.expose_secret())
            .send(&self.body[..])
            .unwrap_or_else(|e| panic!("bare ureq post: {e}"));
        assert_eq!(response.status(), 200);
        let _ = response.body_mut().read_to_vec();
    }

    /// Posts with `client`, within `timeout`, and reads the answer; panics unless it is
    /// a 200.
    pub async fn post_reqwest(&self, client: &reqwest::Client, timeout: Duration) {
        let response = client
            .post(self.url.as_str())
            .timeout(timeout)
            .header("content-type", "application/json")
            .header("x-goog-api-key", self.key.expose_secret())
            .body(self.body.clone())
            .send()
            .await
            .unwrap_or_else(|e| panic!("bare reqwest post: {e}"));
        assert_eq!(response.status(), 200);
        let _ = response.bytes().await;
    }
}
