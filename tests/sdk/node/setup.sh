#!/usr/bin/env bash
# Installs tests/sdk/node/node_modules from the committed package-lock.json (npm ci,
# no install scripts). Quick when already installed: a stamp holds the lockfile's
# checksum, so a changed lockfile reinstalls. Refuses a lockfile that would download
# from anywhere but the configured npm registry.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
stamp="$here/node_modules/.sdk-stamp"
lock="$here/package-lock.json"

registry="$(npm config get registry)"
registry="${registry%/}/"
bad=$(grep -o '"resolved": *"[^"]*"' "$lock" | sed 's/"resolved": *"//; s/"$//' | grep -v -F "$registry" || true)
if [ -n "$bad" ]; then
    echo "package-lock.json downloads from outside the npm registry ($registry):" >&2
    echo "$bad" >&2
    exit 1
fi

sum=$(cat "$here/package.json" "$lock" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    exit 0
fi
(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "$sum" >"$stamp"
echo "node sdk: installed @google/genai $(node -p "require('$here/node_modules/@google/genai/package.json').version")"
