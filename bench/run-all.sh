#!/usr/bin/env bash
# Runs every benchmark in one go and writes bench/results.md:
#   - the core's criterion benches (prepare, from_json, parse, field mask);
#   - the load generator (both clients and their bare baselines) and the official
#     Python SDK (sync and async), against one emulator in a process of its own;
#   - the peak RSS of `gemini-token mint --emulator`;
#   - the dependency budget (`cargo tree -e normal` line counts).
# Usage: bench/run-all.sh [TOKENS]   (default 2000 per row)
set -euo pipefail
cd "$(dirname "$0")/.."
tokens="${1:-2000}"
out=bench/results.md
key="bench-$(date +%s)"

cargo build -q --release -p gemini-token-cli
emulator_log=$(mktemp)
target/release/gemini-token emulator --key "$key" >"$emulator_log" &
emulator=$!
trap 'kill -INT $emulator 2>/dev/null || true' EXIT
url=""
for _ in $(seq 100); do
    url=$(sed -n 's/^base URL: //p' "$emulator_log")
    [ -n "$url" ] && break
    sleep 0.1
done
[ -n "$url" ] || { cat "$emulator_log" >&2; exit 1; }

{
    echo "# Benchmark results"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(rustc --version)."
    echo
    echo "## Load: tokens minted against the emulator (release build, its own process)"
    echo
    cargo bench -q -p gemini-token-conformance --bench load -- --tokens "$tokens" --base-url "$url" --key "$key" 2>/dev/null
    echo
    echo "## The official Python SDK, same emulator, same config"
    echo
    echo '| way | concurrency | tokens/s | p50 µs | p99 µs | |'
    echo '|---|---|---|---|---|---|'
    bench/python/run.sh --base-url "$url" --key "$key" --tokens "$((tokens / 4))" 2>/dev/null | grep -v '^[0-9]* tokens per row'
    bench/python/run.sh --prepare-only --tokens 2000 2>/dev/null
    echo
    echo "## Peak RSS of \`gemini-token mint --emulator\`"
    echo
    /usr/bin/time -f '%M KiB' target/release/gemini-token mint --emulator 2>&1 >/dev/null | tail -n 1
    echo
    echo "## Dependency budget (\`cargo tree -e normal\` lines)"
    echo
    for crate in gemini-token-core gemini-token-ureq gemini-token-reqwest; do
        echo "- $crate: $(cargo tree -q -p "$crate" -e normal | wc -l)"
    done
    echo "- HTTP client, TLS or runtime in gemini-token-core: $(cargo tree -q -p gemini-token-core -e normal | grep -cE '\b(tokio|hyper|reqwest|ureq|rustls|native-tls|openssl)\b' || true)"
    echo
    echo "## Core (criterion medians)"
    echo
    cargo bench -q -p gemini-token-core --bench prepare >/dev/null 2>&1
    python3 - <<'PY'
import glob, json, os
for path in sorted(glob.glob("target/criterion/*/new/estimates.json")):
    name = "/".join(path.split(os.sep)[-3].rsplit("_", 1))
    median = json.load(open(path))["median"]["point_estimate"]
    print(f"- {name}: {median / 1000:.2f} µs" if median >= 1000 else f"- {name}: {median:.0f} ns")
PY
} | tee "$out"
