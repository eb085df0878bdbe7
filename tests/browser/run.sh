#!/usr/bin/env bash
# The browser test from scratch: install chromium and playwright-core (setup.sh; quick
# when installed), build the axum example (quick when up to date), and run the test
# with Node's test runner. Screenshots land in tests/browser/output/.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"

"$here/setup.sh"
(cd "$root" && cargo build -q -p gemini-token-example-axum)
cd "$here"
# --test-force-exit: a Chromium left running by a failed step must not keep the run alive.
node --test --test-force-exit live.test.mjs
