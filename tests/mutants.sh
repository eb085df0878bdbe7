#!/usr/bin/env bash
# Mutation testing with cargo-mutants (`cargo install cargo-mutants --locked`): each
# mutant of a crate's code must make one of the chosen test packages fail.
#
#   tests/mutants.sh [core|core-quick|core-tracing|reqwest|ureq|emulator|emulator-quick|retest|emulator-full|all] [options...]
#
#   core      core's mutants against core's tests, the conformance suite, the CLI and
#             the emulator (issue 15's command); about 30 s a mutant, hours in all
#   core-quick  the same verdicts in about a third of the time, in two passes: first
#             against core's unit tests and its API test binary (not the property tests),
#             two mutants at a time; then `core` with `--iterate`, which tests
#             again only what the first pass did not catch. A mutant is caught when any
#             test fails, and the first pass's tests are among the second's, so the
#             outcome is the one `core` would give.
#   core-tracing  trace.rs, left out of the runs above: its `on` module (the `tracing`
#             feature) against the tracing tests, its `off` module without the feature
#   reqwest   the async client's mutants against its tests and the conformance suite
#   ureq      the blocking client's, likewise
#   emulator  the emulator's mutants against its tests and the conformance suite
#   emulator-quick  the same verdicts as `emulator`, in two passes: its unit tests and
#             its API test binary (threaded 8 wide: their time is mostly spent waiting
#             on sockets and timeouts), two mutants at a time; then `emulator-full
#             emulator`
#   retest NAME [options]  what the emulator run in target/mutants/NAME missed, again,
#             against the same tests as emulator-quick's first pass (after new tests);
#             the mutants are found by file and description, so lines that moved still
#             match (`--iterate` matches by line, and tests timeouts again)
#   emulator-full NAME  what the emulator run NAME missed, against all of the
#             emulator's tests and the conformance suite (into NAME-full)
#   all       the four, one after the other
#
# Options after the first argument go to cargo-mutants, for instance `-f
# crates/core/src/retry.rs` (one file), `-F 'parse_rfc3339'` (functions matching a
# regex), `--list` (what would be run), `-j 2` (parallel builds). MUTANTS_JOBS sets
# `-j` (default 1). Results go to target/mutants/<which>/mutants.out (caught.txt,
# missed.txt, unviable.txt, timeout.txt, and a log per mutant); the summary line is
# printed at the end. Exclusions of equivalent mutants, with the reasons, are in
# .cargo/mutants.toml.
#
# Not run by .ci/run: it takes far too long. Run it before resolving an issue that
# changes core, and record the figures in docs/reliability.md.
set -euo pipefail

cd "$(dirname "$0")/.."
which="${1:-core}"
shift || true

run() {
    local name=$1
    shift
    local out="target/mutants/$name"
    mkdir -p "$out"
    echo "== cargo mutants ${*:1:12}$( (($# > 12)) && echo " ... ($# arguments)") (results in $out/mutants.out)"
    # cargo-mutants exits 2 when mutants were missed and 3 on timeouts: report, go on.
    cargo mutants "$@" -j "${MUTANTS_JOBS:-1}" -o "$out" "${extra[@]}" 2>&1 |
        tee "$out/run.log" || true
    echo "== $name: $(grep -E 'mutants tested' "$out/run.log" | tail -1)"
}

# `-F` filters for each mutant a run missed: its file and description, any line.
missed_filters() {
    local list="target/mutants/$1/mutants.out/missed.txt"
    [[ -s $list ]] || return 0
    python3 - "$list" <<'PY'
import re, sys
for line in open(sys.argv[1]):
    path, _, _, what = line.rstrip("\n").split(":", 3)
    print("-F")
    print("^" + re.escape(path) + r":\d+:\d+:" + re.escape(what) + "$")
PY
}

# What the run NAME missed, against the emulator's tests (all of them, doctests too)
# and the conformance suite: NAME-full.
emulator_full() {
    local missed
    mapfile -t missed < <(missed_filters "$1")
    if ((${#missed[@]})); then
        MUTANTS_JOBS="${MUTANTS_JOBS:-2}" run "$1-full" -p gemini-token-emulator \
            --test-package gemini-token-emulator --test-package gemini-token-conformance \
            "${missed[@]}"
    fi
}

extra=("$@")
core_packages=(--test-package gemini-token-core --test-package gemini-token-conformance
    --test-package gemini-token-cli --test-package gemini-token-emulator)
case "$which" in
core | all)
    # trace.rs's code is compiled with the `tracing` feature or without it, never
    # both: core-tracing runs it.
    run core -p gemini-token-core "${core_packages[@]}" -e crates/core/src/trace.rs
    ;;&
core-quick)
    # Pass 1 builds and runs only core's unit tests and its API test binary.
    MUTANTS_JOBS="${MUTANTS_JOBS:-2}" run core -p gemini-token-core \
        --test-package gemini-token-core --cargo-arg=--lib --cargo-arg=--test=api \
        -e crates/core/src/trace.rs
    run core -p gemini-token-core "${core_packages[@]}" -e crates/core/src/trace.rs --iterate
    ;;
core-tracing | all)
    # With the feature, its `on` module against the tracing tests; without it, the
    # empty `off` module against core's tests. A mutant counts as caught in the run
    # that compiles it.
    run core-tracing -p gemini-token-core -f crates/core/src/trace.rs \
        --features gemini-token-conformance/tracing \
        --test-package gemini-token-conformance --cargo-test-arg=--test=tracing
    run core-tracing-off -p gemini-token-core -f crates/core/src/trace.rs \
        --test-package gemini-token-core
    ;;&
reqwest | all)
    run reqwest -p gemini-token-reqwest \
        --test-package gemini-token-reqwest --test-package gemini-token-conformance
    ;;&
ureq | all)
    run ureq -p gemini-token-ureq \
        --test-package gemini-token-ureq --test-package gemini-token-conformance
    ;;&
emulator | all)
    run emulator -p gemini-token-emulator \
        --test-package gemini-token-emulator --test-package gemini-token-conformance
    ;;&
emulator-quick)
    RUST_TEST_THREADS=8 MUTANTS_JOBS="${MUTANTS_JOBS:-2}" run emulator -p gemini-token-emulator \
        --test-package gemini-token-emulator --cargo-arg=--lib --cargo-arg=--test=api
    emulator_full emulator
    ;;
emulator-full)
    name="${extra[0]:?usage: tests/mutants.sh emulator-full NAME [options]}"
    extra=("${extra[@]:1}")
    emulator_full "$name"
    ;;
retest)
    name="${extra[0]:?usage: tests/mutants.sh retest NAME [options]}"
    extra=("${extra[@]:1}")
    mapfile -t missed < <(missed_filters "$name")
    RUST_TEST_THREADS=8 MUTANTS_JOBS="${MUTANTS_JOBS:-2}" run "$name-retest" \
        -p gemini-token-emulator --test-package gemini-token-emulator \
        --cargo-arg=--lib --cargo-arg=--test=api "${missed[@]}"
    ;;
core | core-tracing | reqwest | ureq | emulator | retest | all) ;;
*)
    echo "usage: tests/mutants.sh [core|core-quick|core-tracing|reqwest|ureq|emulator|emulator-quick|retest|emulator-full|all] [cargo-mutants options...]" >&2
    exit 64
    ;;
esac
