//! The core's costs, per config size: `prepare` (config → request), reading a config
//! from JSON, reading the answer, and the field mask alone.
//!
//! Run: `cargo bench -p gemini-token-core --bench prepare`.
//!
//! The configs are the fixtures beside this file: `minimal.json` (`{}`), `typical.json`
//! (a model, a system instruction, three generation settings, the set fields locked)
//! and `maximal.json` (every `LiveConnectConfig` field set).

// criterion's macros generate undocumented items; a bench may stop on a bad fixture.
#![allow(missing_docs, clippy::panic, clippy::unwrap_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use gemini_token_core::formats::set_field_paths;
use gemini_token_core::{
    ApiKey, CreateAuthTokenConfig, Endpoint, PreparedConfig, prepare, prepare_with,
};

const FIXTURES: [(&str, &str); 3] = [
    ("minimal", include_str!("fixtures/minimal.json")),
    ("typical", include_str!("fixtures/typical.json")),
    ("maximal", include_str!("fixtures/maximal.json")),
];

fn benches(c: &mut Criterion) {
    let endpoint = Endpoint::default();
    let key = ApiKey::new("AIzaSy-benchmark-key-0123456789").unwrap();
    let now = time::macros::datetime!(2026-01-01 00:00 UTC);
    let answer = http::Response::new(
        br#"{"name":"auth_tokens/4f1c6a0e9b2d8c7e5a3f1b0d9c8e7f6a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e"}"#.to_vec(),
    );
    for (name, json) in FIXTURES {
        let config = CreateAuthTokenConfig::from_json(json.as_bytes()).unwrap();
        c.bench_function(&format!("prepare/{name}"), |b| {
            b.iter(|| prepare(black_box(&config), &endpoint, &key, black_box(now)))
        });
        let once = PreparedConfig::new(&config).unwrap();
        c.bench_function(&format!("prepare_with/{name}"), |b| {
            b.iter(|| prepare_with(black_box(&once), &endpoint, &key, black_box(now)))
        });
        c.bench_function(&format!("from_json/{name}"), |b| {
            b.iter(|| CreateAuthTokenConfig::from_json(black_box(json.as_bytes())))
        });
        let prepared = prepare(&config, &endpoint, &key, now).unwrap();
        c.bench_function(&format!("parse/{name}"), |b| {
            b.iter(|| prepared.parser().parse(black_box(&answer)))
        });
        let body: serde_json::Value = serde_json::from_slice(prepared.request().body()).unwrap();
        if let Some(setup) = body.get("bidiGenerateContentSetup") {
            c.bench_function(&format!("field_mask/{name}"), |b| {
                b.iter(|| set_field_paths(black_box(setup)))
            });
        }
    }
}

criterion_group!(core, benches);
criterion_main!(core);
