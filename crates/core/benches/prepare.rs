//! How long `prepare` takes for a typical token config: a model, a system
//! instruction, three generation settings, and the set fields locked.
//!
//! Run: `cargo bench -p gemini-token-core --bench prepare`.

// criterion's macros generate undocumented items; a bench may stop on a bad fixture.
#![allow(missing_docs, clippy::panic)]

use criterion::{Criterion, criterion_group, criterion_main};
use gemini_token_core::setup::Modality;
use gemini_token_core::{
    ApiKey, CreateAuthTokenConfig, Endpoint, LiveConnectConfig, LiveConnectConstraints, Lock,
    prepare,
};
use std::hint::black_box;
use time::Duration;

fn typical() -> CreateAuthTokenConfig {
    CreateAuthTokenConfig::new()
        .uses(1)
        .expire_in(Duration::minutes(30))
        .new_session_expire_in(Duration::minutes(1))
        .constraints(
            LiveConnectConstraints::new()
                .model("gemini-live-2.5-flash-preview")
                .config(
                    LiveConnectConfig::new()
                        .system_instruction("You are a friendly tutor. Answer in French.")
                        .response_modalities(vec![Modality::Audio])
                        .temperature(0.7)
                        .speech_config("Kore"),
                ),
        )
        .lock(Lock::SetFields)
}

fn bench_prepare(c: &mut Criterion) {
    let config = typical();
    let endpoint = Endpoint::default();
    let key = ApiKey::new("AIzaSy-benchmark-key-0123456789").unwrap_or_else(|e| panic!("{e}"));
    let now = time::macros::datetime!(2026-01-01 00:00 UTC);
    c.bench_function("prepare/typical", |b| {
        b.iter(|| prepare(black_box(&config), &endpoint, &key, black_box(now)))
    });
}

criterion_group!(benches, bench_prepare);
criterion_main!(benches);
