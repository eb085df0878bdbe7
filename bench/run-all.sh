#!/usr/bin/env bash
# Runs every benchmark in one go and writes bench/results.md and the charts
# (docs/benchmarks/load.svg, docs/benchmarks/coldstart.svg):
#   - load over HTTP and over HTTPS: both clients, their bare baselines, the raw-stream
#     floor (the Rust load bench), the official Python SDK (sync and async) and the
#     official JS SDK in Node, against two emulators (plain and --tls), each in a
#     process of its own, with the connections / TLS handshakes each row cost;
#   - cold start over HTTPS (bench/coldstart.sh: hyperfine, peak RSS) of
#     `gemini-token mint`, a minimal program on each client crate, and the SDKs;
#   - instructions per token under callgrind, each client beside its bare baseline
#     (bench/instructions.sh): the measure the machine's load does not move;
#   - the peak RSS of `gemini-token mint --emulator`, the dependency budget, and the
#     core's criterion benches.
# Installs what it needs on a fresh machine: hyperfine and valgrind (Debian), the SDKs at the
# versions tests/sdk pins (PyPI, npm), matplotlib in bench/python/.venv (PyPI).
# Usage: bench/run-all.sh [TOKENS]   (default 2000 per Rust row, a quarter per SDK row)
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
tokens="${1:-2000}"
sdk_tokens=$((tokens / 4))
runs="${COLDSTART_RUNS:-40}"
out=bench/results.md
charts=docs/benchmarks
work=$(mktemp -d)

# --- what the run needs ------------------------------------------------------------
if ! command -v hyperfine >/dev/null || ! command -v valgrind >/dev/null; then
    apt-get update -qq && apt-get install -y -qq hyperfine valgrind >/dev/null
fi
tests/sdk/python/setup.sh >&2
tests/sdk/node/setup.sh >&2
if [ ! -x bench/python/.venv/bin/python ]; then
    python3 -m venv bench/python/.venv
    bench/python/.venv/bin/pip install -q -r bench/python/requirements.txt
fi
cargo build -q --release -p gemini-token-cli
cargo build -q --release -p gemini-token-conformance --example coldstart-ureq --example coldstart-reqwest
cargo bench -q -p gemini-token-conformance --bench load --no-run 2>/dev/null

# --- two emulators: plain HTTP and HTTPS, each in a process of its own ---------------
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
. bench/emulators.sh
start_emulator http
start_emulator https --tls
http_url=$(field http 'base URL')
http_key=$(field http 'API key')
https_url=$(field https 'base URL')
https_key=$(field https 'API key')
ca=$(field https 'CA certificate')
csv="$work/load.csv"
: >"$csv"

load_rows() { # URL KEY [CA]
    local ca_args=()
    [ -n "${3:-}" ] && ca_args=(--ca-cert "$3")
    cargo bench -q -p gemini-token-conformance --bench load -- --tokens "$tokens" \
        --base-url "$1" --key "$2" "${ca_args[@]}" --csv "$work/rust.csv" 2>/dev/null
    cat "$work/rust.csv" >>"$csv"
    echo
    echo "The official SDKs, same emulator, same config ($sdk_tokens tokens per row):"
    echo
    echo '| way | in flight | tokens/s | p50 µs | p99 µs | | connections | TLS handshakes |'
    echo '|---|---|---|---|---|---|---|---|'
    # An empty SSL_CERT_FILE is a file the SDK cannot open: set the CA only over HTTPS.
    local ca_env=()
    [ -n "${3:-}" ] && ca_env=(SSL_CERT_FILE="$3" NODE_EXTRA_CA_CERTS="$3")
    env "${ca_env[@]}" bench/python/run.sh --base-url "$1" --key "$2" --tokens "$sdk_tokens" \
        --csv "$csv" 2>/dev/null | grep -v '^[0-9]* tokens per row'
    env "${ca_env[@]}" node bench/node/bench.mjs --base-url "$1" --key "$2" \
        --tokens "$sdk_tokens" --csv "$csv" 2>/dev/null | grep -v '^[0-9]* tokens per row'
}

{
    echo "# Benchmark results"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, $(rustc --version), Python $(python3 -c 'import platform; print(platform.python_version())'), Node $(node --version)."
    echo
    echo "## Load over HTTP: tokens minted against the emulator (release build, its own process)"
    echo
    load_rows "$http_url" "$http_key"
    echo
    echo "## Load over HTTPS: the same, against the emulator's --tls mode"
    echo
    load_rows "$https_url" "$https_key" "$ca"
    echo
    echo "## Cold start over HTTPS: process start to exit, the token printed ($runs runs each)"
    echo
    bench/coldstart.sh --base-url "$https_url" --key "$https_key" --ca-cert "$ca" --runs "$runs" \
        --json "$work/coldstart.json" 2>/dev/null
    echo
    echo "## Instructions per token (callgrind), client and bare side by side"
    echo
    bench/instructions.sh 2>/dev/null
    echo
    echo "## The Python SDK's own cost per create(), no network"
    echo
    tests/sdk/python/.venv/bin/python bench/python/bench.py --prepare-only --tokens 2000 2>/dev/null
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

cp "$csv" bench/results-load.csv
cp "$work/coldstart.json" bench/results-coldstart.json
bench/python/.venv/bin/python bench/python/plot.py "$csv" "$work/coldstart.json" "$charts"
echo "charts: $charts/load.svg, $charts/coldstart.svg; load rows: bench/results-load.csv" >&2
