#!/usr/bin/env bash
# Makes tests/sdk/python/.venv with the pinned google-genai from the package index.
# Quick when the venv already matches requirements.txt and constraints.txt: a stamp
# holds their checksum, so an edit to either reinstalls.
#   setup.sh             install (or do nothing when up to date)
#   setup.sh --refreeze  reinstall from requirements.txt alone and rewrite constraints.txt
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
stamp="$venv/.sdk-stamp"
python="${PYTHON:-python3}"

sum() { cat "$here/requirements.txt" "$here/constraints.txt" | sha256sum | cut -d' ' -f1; }

if [ "${1:-}" = "--refreeze" ]; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install -q -r "$here/requirements.txt"
    {
        echo "# pip freeze of a venv made from requirements.txt (Python 3.11); regenerate with"
        echo "# tests/sdk/python/setup.sh --refreeze after changing requirements.txt."
        "$venv/bin/pip" freeze
    } >"$here/constraints.txt"
    sum >"$stamp"
    echo "python sdk: constraints.txt rewritten"
    exit 0
fi

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$(sum)" ]; then
    exit 0
fi
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/pip" install -q -r "$here/requirements.txt" -c "$here/constraints.txt"
sum >"$stamp"
echo "python sdk: installed $("$venv/bin/python" -c 'from google.genai import version; print("google-genai", version.__version__)')"
