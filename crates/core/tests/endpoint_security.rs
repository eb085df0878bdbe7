//! Where the API key may go, and what a base URL may not leak: a config does not choose
//! the endpoint unless the client opted in, and credentials in a base URL are refused
//! and never shown.

// Tests stop at the first broken fixture.
#![allow(clippy::panic, clippy::unwrap_used)]

use std::collections::BTreeMap;

use gemini_token_core::transport::{BuildClient, ClientOptions, ClientParts};
use gemini_token_core::{
    ApiKey, ClientBuilder, ConfigErrorKind, CreateAuthTokenConfig, Endpoint, Error, HttpOptions,
    KeySource, PreparedConfig, prepare,
};
use time::macros::datetime;

const KEY: &str = "AIzaSy-endpoint-canary";

fn key() -> ApiKey {
    ApiKey::new(KEY).unwrap()
}

fn now() -> time::OffsetDateTime {
    datetime!(2026-01-01 00:00 UTC)
}

fn attacker_config() -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::from_json(br#"{"http_options":{"base_url":"https://attacker.example"}}"#)
        .unwrap()
}

fn config_error(result: Result<impl std::fmt::Debug, Error>) -> (ConfigErrorKind, String, String) {
    match result {
        Err(Error::Config(e)) => (e.kind(), e.path().to_owned(), e.message().to_owned()),
        other => panic!("want a config error, got {other:?}"),
    }
}

#[test]
fn a_config_does_not_choose_where_the_key_goes() {
    let refused = config_error(prepare(
        &attacker_config(),
        &Endpoint::default(),
        &key(),
        now(),
    ));
    assert_eq!(
        refused,
        (
            ConfigErrorKind::InvalidEndpoint,
            "http_options.base_url".to_owned(),
            "a config may not choose where the API key is sent: set the base URL on the client \
             (`ClientBuilder::base_url`), or build the client with `allow_config_base_url()` if \
             every config it reads is trusted"
                .to_owned()
        )
    );
    // Prepared once, the same refusal on every request.
    let once = PreparedConfig::new(&attacker_config()).unwrap();
    let emulator = Endpoint::new("http://127.0.0.1:9", "v1alpha").unwrap();
    assert_eq!(
        config_error(gemini_token_core::prepare_with(
            &once,
            &emulator,
            &key(),
            now()
        ))
        .1,
        "http_options.base_url"
    );
}

#[test]
fn a_client_that_opted_in_lets_a_config_choose() {
    let trusting = Endpoint::default().allow_config_base_url();
    assert!(trusting.allows_config_base_url());
    assert!(!Endpoint::default().allows_config_base_url());
    let prepared = prepare(&attacker_config(), &trusting, &key(), now()).unwrap();
    assert_eq!(
        prepared.request().uri(),
        "https://attacker.example/v1alpha/auth_tokens"
    );
}

#[test]
fn an_api_version_in_a_config_is_still_allowed() {
    // It changes the path, never the host the key goes to.
    let config =
        CreateAuthTokenConfig::new().http_options(HttpOptions::new().api_version("v1beta"));
    let prepared = prepare(&config, &Endpoint::default(), &key(), now()).unwrap();
    assert_eq!(
        prepared.request().uri(),
        "https://generativelanguage.googleapis.com/v1beta/auth_tokens"
    );
}

/// A transport crate's client reduced to what it was built with.
#[derive(Debug)]
struct Parts(ClientParts<()>);

impl BuildClient for Parts {
    type Http = ();
    fn build_client(parts: ClientParts<()>) -> Result<Self, Error> {
        Ok(Parts(parts))
    }
}

#[test]
fn the_client_builder_opts_in_on_its_endpoint_only_when_asked() {
    let Parts(plain) = ClientBuilder::<Parts>::new(key(), KeySource::Given)
        .build()
        .unwrap();
    assert!(!plain.options.endpoint.allows_config_base_url());
    let Parts(trusting) = ClientBuilder::<Parts>::new(key(), KeySource::Given)
        .base_url("http://127.0.0.1:1")
        .allow_config_base_url()
        .build()
        .unwrap();
    assert!(trusting.options.endpoint.allows_config_base_url());
    assert_eq!(
        trusting.options.endpoint.url(),
        "http://127.0.0.1:1/v1alpha/auth_tokens"
    );
}

#[test]
fn credentials_in_a_base_url_are_refused_and_not_repeated() {
    for (url, shown) in [
        (
            "https://user:pw@proxy.example/gemini",
            "https://[redacted]@proxy.example/gemini",
        ),
        (
            "https://pw@proxy.example",
            "https://[redacted]@proxy.example",
        ),
        (
            "http://user:pw@127.0.0.1:8080",
            "http://[redacted]@127.0.0.1:8080",
        ),
    ] {
        let err = Endpoint::new(url, "v1alpha").unwrap_err();
        assert_eq!(
            (err.kind(), err.path(), err.message()),
            (
                ConfigErrorKind::InvalidEndpoint,
                "base_url",
                format!(
                    "`{shown}` carries a user name or password; they would be copied into the \
                     Live API URL handed to browsers: give a proxy's credentials to the HTTP \
                     client instead"
                )
                .as_str()
            ),
            "{url}"
        );
        assert!(!format!("{err:?}").contains("pw"), "{err:?}");
    }
    // Other refusals of a URL with credentials do not repeat them either.
    for url in ["ftp://user:pw@example.com", "http://user:pw@example.com"] {
        let err = Endpoint::new(url, "v1alpha").unwrap_err();
        assert!(err.message().contains("[redacted]@example.com"), "{err}");
        assert!(!err.to_string().contains("pw"), "{err}");
    }
    // Nor from a config, through a client that opted in.
    let config = CreateAuthTokenConfig::new()
        .http_options(HttpOptions::new().base_url("https://user:pw@proxy.example"));
    let trusting = Endpoint::default().allow_config_base_url();
    let (kind, path, message) = config_error(prepare(&config, &trusting, &key(), now()));
    assert_eq!(
        (kind, path.as_str()),
        (ConfigErrorKind::InvalidEndpoint, "http_options.base_url")
    );
    assert!(!message.contains("pw"), "{message}");
}

#[test]
fn no_debug_shows_credentials_or_header_values() {
    let options = HttpOptions::new()
        .base_url("https://user:pw-canary@proxy.example/x")
        .headers(BTreeMap::from([(
            "proxy-authorization".to_owned(),
            "Basic header-canary".to_owned(),
        )]));
    let config = CreateAuthTokenConfig::new().http_options(options.clone());
    let builder = ClientBuilder::<Parts>::new(key(), KeySource::Given)
        .base_url("https://user:pw-canary@proxy.example/x");
    let prepared = PreparedConfig::new(&config).unwrap();
    let trusting = Endpoint::new("https://proxy.example", "v1alpha")
        .unwrap()
        .allow_config_base_url();
    let mut without_url = options.clone();
    without_url.base_url = None;
    let config_without_url = CreateAuthTokenConfig::new().http_options(without_url);
    let request = prepare(&config_without_url, &trusting, &key(), now()).unwrap();
    for shown in [
        format!("{options:?}"),
        format!("{config:?}"),
        format!("{builder:?}"),
        format!("{prepared:?}"),
        format!("{request:?}"),
    ] {
        for secret in ["pw-canary", "header-canary", KEY] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
    assert!(format!("{options:?}").contains("https://[redacted]@proxy.example/x"));
    assert!(format!("{options:?}").contains("proxy-authorization"));
    assert_eq!(
        format!("{prepared:?}"),
        "PreparedConfig { expire_time: None, new_session_expire_time: None, uses: None, \
         tail: \"\", base_url: Some(\"https://[redacted]@proxy.example/x\"), \
         api_version: None, headers: [(\"proxy-authorization\", Sensitive)], timeout: None }"
    );
    // The header is still sent as given.
    assert_eq!(
        request.request().headers()["proxy-authorization"],
        "Basic header-canary"
    );
}

#[test]
fn a_transport_without_tls_refuses_https_when_built() {
    let options = |base: &str, roots: Option<&str>| {
        let mut builder = ClientBuilder::<Parts>::new(key(), KeySource::Given).base_url(base);
        if let Some(pem) = roots {
            builder = builder.root_certificates(pem);
        }
        let Parts(parts) = builder.build().unwrap();
        parts.options
    };
    let why = "HTTPS needs the `rustls` or `native-tls` feature of gemini-token-x; without \
               either only plain HTTP to this machine works";
    let err = options("https://example.com", None)
        .refuse_tls("gemini-token-x")
        .unwrap_err();
    assert_eq!((err.path(), err.message()), ("base_url", why));
    let pem = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";
    let err = options("http://127.0.0.1:1", Some(pem))
        .refuse_tls("gemini-token-x")
        .unwrap_err();
    assert_eq!((err.path(), err.message()), ("root_certificates", why));
    assert_eq!(
        options("http://127.0.0.1:1", None).refuse_tls("gemini-token-x"),
        Ok(())
    );
}

#[test]
fn the_client_defaults_and_debug() {
    let Parts(parts) = ClientBuilder::<Parts>::new(key(), KeySource::Given)
        .build()
        .unwrap();
    let options = &parts.options;
    assert_eq!(options.timeout, std::time::Duration::from_secs(15));
    assert_eq!(options.connect_timeout, std::time::Duration::from_secs(5));
    assert_eq!(options.max_response_bytes, 1_048_576);
    assert_eq!(options.root_certificates, None);
    assert_eq!(options.endpoint, Endpoint::default());
    let builder = ClientBuilder::<Parts>::new(key(), KeySource::Given)
        .base_url("https://user:pw@proxy.example/x")
        .allow_config_base_url();
    assert_eq!(
        format!("{builder:?}"),
        format!(
            "ClientBuilder {{ options: {:?}, api_key: ApiKey([redacted]), key_source: Given, \
             base_url: Some(\"https://[redacted]@proxy.example/x\"), api_version: None, \
             config_base_url: true, http: None }}",
            ClientOptions::default()
        )
    );
    // A valid PEM block is accepted; the check looks for it anywhere in the bundle.
    let pem = "# a comment\n-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";
    let Parts(parts) = ClientBuilder::<Parts>::new(key(), KeySource::Given)
        .root_certificates(pem)
        .root_certificates(pem)
        .build()
        .unwrap();
    assert_eq!(
        parts.options.root_certificates.as_deref(),
        Some(format!("{pem}{pem}").as_bytes())
    );
}

#[test]
fn settings_a_callers_http_client_cannot_take_are_refused_by_name() {
    let pem = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";
    let refused = |builder: ClientBuilder<Parts>| match builder.build() {
        Err(Error::Config(e)) => (e.kind(), e.path().to_owned(), e.message().to_owned()),
        other => panic!("expected a config error, got {other:?}"),
    };
    let with_http = || ClientBuilder::<Parts>::new(key(), KeySource::Given).http_client(());
    assert_eq!(
        refused(with_http().root_certificates(pem)),
        (
            ConfigErrorKind::InvalidValue,
            "root_certificates".to_owned(),
            "cannot be added to an HTTP client you built: add them to that client".to_owned()
        )
    );
    assert_eq!(
        refused(with_http().connect_timeout(std::time::Duration::from_secs(1))),
        (
            ConfigErrorKind::InvalidValue,
            "connect_timeout".to_owned(),
            "cannot be applied to an HTTP client you built: set it on that client".to_owned()
        )
    );
    // Each alone is fine, and the overall timeout is applied per request, so it is too.
    let Parts(parts) = with_http()
        .timeout(std::time::Duration::from_secs(2))
        .build()
        .unwrap();
    assert_eq!(parts.http, Some(()));
    assert_eq!(parts.options.timeout, std::time::Duration::from_secs(2));
    let Parts(parts) = ClientBuilder::<Parts>::new(key(), KeySource::Given)
        .connect_timeout(std::time::Duration::from_secs(1))
        .root_certificates(pem)
        .build()
        .unwrap();
    assert_eq!(
        parts.options.connect_timeout,
        std::time::Duration::from_secs(1)
    );
}

#[test]
fn root_certificates_must_hold_a_pem_certificate_block() {
    let build = |pem: &str| {
        ClientBuilder::<Parts>::new(key(), KeySource::Given)
            .root_certificates(pem)
            .build()
    };
    // Longer than the block's first line, so that every window of it is compared.
    let no_block = "-----BEGIN PRIVATE KEY-----\nAA==\n-----END PRIVATE KEY-----\n";
    match build(no_block) {
        Err(Error::Config(e)) => assert_eq!(
            (e.path(), e.message()),
            (
                "root_certificates",
                "holds no PEM certificate: give CA certificates as \
                 `-----BEGIN CERTIFICATE-----` blocks"
            )
        ),
        other => panic!("want a config error, got {other:?}"),
    }
    let pem = "-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----\n";
    let Parts(parts) = build(pem).unwrap();
    assert_eq!(
        parts.options.root_certificates.as_deref(),
        Some(pem.as_bytes())
    );
}
