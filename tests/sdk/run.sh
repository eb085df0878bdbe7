#!/usr/bin/env bash
# Mints every case of tests/sdk/cases.json with the official Python and JS SDKs against
# `gemini-token emulator`, and compares each outcome with what the real service answers.
#
#   tests/sdk/run.sh                 one line per case per SDK, then `sdk: N passed, M failed`;
#                                    exits 1 on any mismatch
#   tests/sdk/run.sh --report        what each SDK sent for each case, and what came back
#   tests/sdk/run.sh --only NAME     just that case (repeatable)
#   tests/sdk/run.sh --install-only  install both SDKs and stop
#
# Installs both SDKs first (tests/sdk/python/setup.sh, tests/sdk/node/setup.sh: quick
# when already installed). Uses target/debug/gemini-token, building it when missing;
# GEMINI_TOKEN_BIN names another binary. Needs python3 (3.11), node 20 and npm.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

mode=check
only=()
while [ $# -gt 0 ]; do
    case "$1" in
        --report) mode=report ;;
        --install-only) mode=install ;;
        --only) only+=(--only "$2"); shift ;;
        -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
    shift
done

"$here/python/setup.sh"
"$here/node/setup.sh"
[ "$mode" = install ] && exit 0

bin="${GEMINI_TOKEN_BIN:-$root/target/debug/gemini-token}"
if [ ! -x "$bin" ]; then
    (cd "$root" && cargo build -q -p gemini-token-cli)
fi

work="$(mktemp -d)"
emulator=""
cleanup() {
    if [ -n "$emulator" ]; then kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT

# A fresh test key per run; the SDKs get it on their command line, never a real key
# from the environment.
key="sdk-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
"$bin" emulator --key "$key" >"$work/emulator.out" 2>&1 &
emulator=$!
base=""
for _ in $(seq 200); do
    base=$(sed -n 's/^base URL: *//p' "$work/emulator.out")
    [ -n "$base" ] && break
    kill -0 "$emulator" 2>/dev/null || break
    sleep 0.05
done
if [ -z "$base" ]; then
    echo "run.sh: the emulator did not start:" >&2
    cat "$work/emulator.out" >&2
    exit 1
fi

export -n GOOGLE_API_KEY GEMINI_API_KEY 2>/dev/null || true
unset GOOGLE_API_KEY GEMINI_API_KEY
"$here/python/.venv/bin/python" "$here/python/mint.py" \
    --base "$base" --key "$key" --cases "$here/cases.json" --out "$work/python.json" "${only[@]}"
node "$here/node/mint.mjs" \
    --base "$base" --key "$key" --cases "$here/cases.json" --out "$work/node.json" "${only[@]}"

if [ "$mode" = report ]; then
    python3 "$here/compare.py" "$here/cases.json" "$work/python.json" "$work/node.json" --report
else
    python3 "$here/compare.py" "$here/cases.json" "$work/python.json" "$work/node.json"
fi
