#!/usr/bin/env bash
# `gemini-token emulator --tls` in one process, `gemini-token mint --base-url https://...
# --ca-cert FILE` in another, with the command built with rustls (the default) and with
# native-tls alone. Each build goes to its own target directory under target/ so that
# target/debug/gemini-token stays the default build for the steps after this one.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build -q -p gemini-token-cli
log=$(mktemp)
target/debug/gemini-token emulator --tls --key ci-tls-key >"$log" &
emulator=$!
trap 'kill $emulator 2>/dev/null || true' EXIT
url="" ca=""
for _ in $(seq 100); do
    url=$(sed -n 's/^base URL: //p' "$log")
    ca=$(sed -n 's/^CA certificate: //p' "$log")
    [ -n "$url" ] && [ -n "$ca" ] && break
    sleep 0.1
done
[ -n "$url" ] && [ -n "$ca" ] || { cat "$log" >&2; exit 1; }
case "$url" in https://127.0.0.1:*) ;; *) echo "not an HTTPS URL: $url" >&2; exit 1 ;; esac

mint() {
    env -u GOOGLE_API_KEY GEMINI_API_KEY=ci-tls-key "$1" mint --base-url "$url" --ca-cert "$ca" \
        | grep -q '^token:         auth_tokens/' || { echo "$2: no token over HTTPS" >&2; exit 1; }
    echo "minted over HTTPS with $2"
}
mint target/debug/gemini-token "gemini-token (rustls)"
cargo build -q -p gemini-token-cli --no-default-features --features native-tls \
    --target-dir target/native-tls
mint target/native-tls/debug/gemini-token "gemini-token (native-tls)"

kill -INT $emulator
wait $emulator
trap - EXIT
grep -q '^stopped after minting 2 token(s)$' "$log" || { cat "$log" >&2; exit 1; }
