//! The emulator tested from outside, one module per concern, linked into one test
//! binary: a change to the emulator then relinks one binary instead of six, which is
//! most of what a build costs CI and each cargo-mutants mutant. The tests that read
//! the process's resident memory (`crowd.rs`, `large_bodies.rs`, `memory.rs`) stay
//! binaries of their own, so that nothing else runs in the process they measure.
//!
//! One concern: `cargo test -p gemini-token-emulator --test api live::`.

mod connection;
mod emulator;
mod fuzzing;
mod handle;
mod limits;
mod live;
mod proto_json;
mod support;
mod tls;
