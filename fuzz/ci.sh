#!/usr/bin/env bash
# Coverage-guided fuzzing, short: every libFuzzer target for 20 s over the committed
# corpus (fuzz/corpus/<target>), with its dictionary. Fails when a target crashes,
# and says where libFuzzer wrote the input (fuzz/artifacts/<target>/).
#
# Needs a nightly toolchain; without one it says so and passes, since the property
# tests (crates/core/tests/fuzz.rs) still run on stable in the default `cargo test`.
# cargo-fuzz is installed when missing: `cargo install cargo-fuzz --locked` took
# 2 min 5 s on this machine (2 cores).
#
# Time on this machine (2 cores, 2026-11-30), cargo-fuzz installed, dependencies
# downloaded: 2 min 41 s from a cold fuzz/target (build 1 min 14 s, the four runs
# 80 s), while other builds ran (load 1.3 to 2.5); 4 min 37 s under a heavier load
# (about 4); about 1 min 30 s with fuzz/target kept from an earlier run, which is
# what caching fuzz/target in CI buys.
#
# Long runs and what they found: docs/reliability.md, "Fuzzing".
set -euo pipefail

cd "$(dirname "$0")"

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    echo "fuzz: skipped: no nightly toolchain"
    exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

targets=(response config lock_names emulator_request)
# A smoke run, so built for build time: unoptimized (debug assertions on) and without
# AddressSanitizer (the crates under test forbid `unsafe`). A cold build so takes
# about a quarter of a default (optimized, ASan) build's 5 min here. The long runs
# use the default build (docs/reliability.md).
flags=(--dev -s none)
# FUZZ_STRICT=1 checks the open findings too (the `strict` feature) and replays
# fuzz/regressions/: it fails until they are fixed, then it is how to see that they are.
dirs=(corpus)
if [ "${FUZZ_STRICT:-0}" = 1 ]; then
    flags+=(--features strict)
    dirs+=(regressions)
fi

cargo +nightly fuzz build "${flags[@]}"

failed=()
for target in "${targets[@]}"; do
    # New inputs go to a scratch directory: the committed corpus stays as it is.
    scratch="$(mktemp -d)"
    extra=()
    # Lock names are short; long inputs only slow the "did you mean" search.
    if [ "$target" = lock_names ]; then extra=(-max_len=256); fi
    echo "fuzz: $target, 20 s"
    seeds=()
    for dir in "${dirs[@]}"; do
        if [ -d "$dir/$target" ]; then seeds+=("$dir/$target"); fi
    done
    if cargo +nightly fuzz run "${flags[@]}" "$target" "$scratch" "${seeds[@]}" -- \
        -dict="$PWD/$target.dict" -max_total_time=20 \
        -print_final_stats=1 "${extra[@]}" 2>"$scratch.log"; then
        grep -E '^(#[0-9]+\s+DONE|stat::number_of_executed_units|stat::average_exec_per_sec)' "$scratch.log" || true
    else
        tail -n 40 "$scratch.log"
        echo "fuzz: $target CRASHED; the input is in fuzz/artifacts/$target/"
        failed+=("$target")
    fi
    rm -rf "$scratch" "$scratch.log"
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: failed: ${failed[*]}"
    exit 1
fi
echo "fuzz: passed: ${targets[*]}"
