//! Core's public API tested from outside, one module per concern, linked into one
//! test binary: a change to core then relinks one binary instead of twelve, which
//! is most of what a build costs CI and each cargo-mutants mutant. The property
//! tests (`properties.rs`, `fuzz.rs`) stay binaries of their own: a long run of
//! them (`PROPTEST_CASES=…`) is its own job.
//!
//! One concern: `cargo test -p gemini-token-core --test api retry_loop::`.

mod answers;
mod boundaries;
mod builders;
mod checks;
mod effective;
mod endpoint_security;
mod fields;
mod reading;
mod response;
mod retry;
mod retry_loop;
mod text_forms;
