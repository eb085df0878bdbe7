#!/usr/bin/env bash
# Makes a venv with the official google-genai SDK (from PyPI) and runs bench.py.
# Usage: bench/python/run.sh --base-url URL --key KEY [--tokens N]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x "$here/.venv/bin/python" ]; then
    python3 -m venv "$here/.venv"
    "$here/.venv/bin/pip" install -q -r "$here/requirements.txt"
fi
exec "$here/.venv/bin/python" "$here/bench.py" "$@"
