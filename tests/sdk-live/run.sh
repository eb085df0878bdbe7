#!/usr/bin/env bash
# The official SDKs on the emulator's Live endpoint, with tokens they mint themselves:
# the JS SDK (node live.mjs) over plain HTTP/WebSocket, the Python SDK (live.py) over
# HTTPS/wss, since it always opens wss://. One line per case, then
# `sdk-live: N passed, M failed`; exits 1 on any failure.
#
# Installs both SDKs with tests/sdk's setup scripts (quick when installed) and builds
# the gemini-token binary (quick when up to date); GEMINI_TOKEN_BIN names another
# binary and skips the build. Needs python3 (3.11), node 20, npm and cargo.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

"$root/tests/sdk/python/setup.sh"
"$root/tests/sdk/node/setup.sh"
if [ -z "${GEMINI_TOKEN_BIN:-}" ]; then
    (cd "$root" && cargo build -q -p gemini-token-cli)
fi
bin="${GEMINI_TOKEN_BIN:-$root/target/debug/gemini-token}"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Starts `gemini-token emulator "$@"` in the background, its output in $work/$name.out;
# waits for its base URL.
start_emulator() {
    local name=$1
    shift
    "$bin" emulator "$@" >"$work/$name.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 200); do
        grep -q '^base URL: ' "$work/$name.out" && return 0
        kill -0 "${pids[-1]}" 2>/dev/null || break
        sleep 0.05
    done
    echo "sdk-live: the emulator ($name) did not start:" >&2
    cat "$work/$name.out" >&2
    exit 1
}

# A fresh test key per run, never a real key from the environment.
key="sdk-live-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
unset GOOGLE_API_KEY GEMINI_API_KEY
start_emulator plain --key "$key"
start_emulator tls --key "$key" --tls
plain_base=$(sed -n 's/^base URL: *//p' "$work/plain.out")
tls_base=$(sed -n 's/^base URL: *//p' "$work/tls.out")
ca=$(sed -n 's/^CA certificate: *//p' "$work/tls.out")

{
    node "$here/live.mjs" --base "$plain_base" --key "$key" 2>"$work/node.err" || echo "FAIL node (the script): exit $?"
    SSL_CERT_FILE="$ca" "$root/tests/sdk/python/.venv/bin/python" "$here/live.py" \
        --base "$tls_base" --key "$key" 2>"$work/python.err" || echo "FAIL python (the script): exit $?"
} | tee "$work/results"

for sdk in node python; do
    if [ -s "$work/$sdk.err" ]; then
        echo "--- $sdk stderr:"
        cat "$work/$sdk.err"
    fi
done
passed=$(grep -c '^pass ' "$work/results" || true)
failed=$(grep -c '^FAIL ' "$work/results" || true)
echo "sdk-live: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
