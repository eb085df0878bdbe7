#!/usr/bin/env bash
# Runs bench.py with the official google-genai SDK at the version tests/sdk pins (its
# venv, made by tests/sdk/python/setup.sh from PyPI when missing or stale).
# Usage: bench/python/run.sh --base-url URL --key KEY [--tokens N] [--csv FILE]
#        (over HTTPS, export SSL_CERT_FILE=the emulator's CA first)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
sdk="$here/../../tests/sdk/python"
"$sdk/setup.sh" >&2
exec "$sdk/.venv/bin/python" "$here/bench.py" "$@"
