#!/usr/bin/env bash
# Installs what the browser test needs: Debian's chromium (when /usr/bin/chromium is
# missing; needs root, as on CI) and playwright-core from the committed
# package-lock.json (npm ci, no install scripts: playwright-core downloads no browser
# of its own). Quick when both are there: a stamp holds the lockfile's checksum.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"

if [ ! -x /usr/bin/chromium ]; then
    echo "browser test: installing chromium (Debian's package)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium >/dev/null
fi

stamp="$here/node_modules/.browser-stamp"
sum=$(cat "$here/package.json" "$here/package-lock.json" | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    exit 0
fi
(cd "$here" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
echo "$sum" >"$stamp"
echo "browser test: installed playwright-core $(node -p "require('$here/node_modules/playwright-core/package.json').version")"
