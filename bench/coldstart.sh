#!/usr/bin/env bash
# Cold start: wall time from process start to exit (the token is the last thing each
# prints) of five programs that mint one token over HTTPS from a running emulator:
# `gemini-token mint`, a minimal program on each client crate, a Python one-liner on
# google-genai and a Node one-liner on @google/genai. Medians of hyperfine runs, then
# each program's peak RSS (median of 5 runs of /usr/bin/time).
#
# Usage: bench/coldstart.sh --base-url URL --key KEY --ca-cert FILE [--runs N] [--json FILE]
# Needs: hyperfine, the release builds (bench/run-all.sh makes them), tests/sdk's installs.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs=40
json=""
while [ $# -gt 0 ]; do
    case "$1" in
        --base-url) url="$2"; shift 2 ;;
        --key) key="$2"; shift 2 ;;
        --ca-cert) ca="$2"; shift 2 ;;
        --runs) runs="$2"; shift 2 ;;
        --json) json="$2"; shift 2 ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
: "${url:?--base-url is needed}" "${key:?--key is needed}" "${ca:?--ca-cert is needed}"

# Each program finds the key and the CA where it would in production: the key in the
# environment; the CA given to the Rust programs, and to the SDKs through the variables
# their TLS stacks read.
export GEMINI_API_KEY="$key" BASE_URL="$url" SSL_CERT_FILE="$ca" NODE_EXTRA_CA_CERTS="$ca"
unset GOOGLE_API_KEY
python="$root/tests/sdk/python/.venv/bin/python"
py_mint="from google import genai; import datetime as d, os; n = d.datetime.now(d.timezone.utc); \
c = genai.Client(http_options={'base_url': os.environ['BASE_URL'], 'api_version': 'v1alpha'}); \
print(c.auth_tokens.create(config={'uses': 1, 'expire_time': n + d.timedelta(minutes=30), 'new_session_expire_time': n + d.timedelta(minutes=1)}).name)"
node_mint="import { GoogleGenAI } from '@google/genai'; const n = Date.now(); \
const t = await new GoogleGenAI({ apiKey: process.env.GEMINI_API_KEY, httpOptions: { apiVersion: 'v1alpha', baseUrl: process.env.BASE_URL } })\
.authTokens.create({ config: { uses: 1, expireTime: new Date(n + 1800e3).toISOString(), newSessionExpireTime: new Date(n + 60e3).toISOString() } }); \
console.log(t.name);"

names=("gemini-token mint" "coldstart-ureq (gemini-token-ureq)" "coldstart-reqwest (gemini-token-reqwest)" \
    "Python one-liner (google-genai)" "Node one-liner (@google/genai)")
commands=(
    "$root/target/release/gemini-token mint --base-url $url --ca-cert $ca"
    "$root/target/release/examples/coldstart-ureq $url $ca"
    "$root/target/release/examples/coldstart-reqwest $url $ca"
    "$python -c \"$py_mint\""
    "node --input-type=module -e \"$node_mint\""
)

# Node resolves '@google/genai' from the working directory's node_modules.
cd "$root/tests/sdk/node"
# Every program must mint over HTTPS: the emulator's handshake count moves by one
# per run (checked here once each, before timing).
stats() {
    python3 -c 'import json, ssl, sys, urllib.request as u
ctx = ssl.create_default_context(cafile=sys.argv[2])
print(json.load(u.urlopen(sys.argv[1] + "/emulator/stats", context=ctx))["handshakes"])' "$url" "$ca"
}
for i in "${!names[@]}"; do
    before=$(stats)
    out=$(eval "${commands[$i]}" 2>&1) || { echo "${names[$i]} failed: $out" >&2; exit 1; }
    after=$(stats)
    case "$out" in
        *auth_tokens/*) ;;
        *) echo "${names[$i]} printed no token: $out" >&2; exit 1 ;;
    esac
    # The stats call itself is one handshake.
    echo "${names[$i]}: minted over HTTPS, $((after - before - 1)) TLS handshake(s)" >&2
done

out_json="${json:-$(mktemp)}"
args=()
for i in "${!names[@]}"; do args+=(-n "${names[$i]}" "${commands[$i]}"); done
hyperfine -N --warmup 3 --runs "$runs" --style basic --export-json "$out_json" "${args[@]}" >&2

rss() {
    local samples=()
    for _ in 1 2 3 4 5; do
        samples+=("$(eval "/usr/bin/time -f %M ${1}" 2>&1 >/dev/null | tail -n 1)")
    done
    printf '%s\n' "${samples[@]}" | sort -n | sed -n 3p
}
echo '| program | median ms | mean ± σ ms | min ms | runs | peak RSS KiB |'
echo '|---|---|---|---|---|---|'
for i in "${!names[@]}"; do
    kib=$(rss "${commands[$i]}")
    python3 - "$out_json" "$i" "$kib" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][int(sys.argv[2])]
print(f"| {r['command']} | {r['median'] * 1e3:.1f} | {r['mean'] * 1e3:.1f} ± {r['stddev'] * 1e3:.1f} "
      f"| {r['min'] * 1e3:.1f} | {len(r['times'])} | {sys.argv[3]} |")
PY
done
python3 - "$out_json" <<'PY'
import json, sys
r = {x["command"]: x["median"] for x in json.load(open(sys.argv[1]))["results"]}
mint = r["gemini-token mint"]
print()
print(f"- `gemini-token mint` median {mint * 1e3:.1f} ms (target < 20 ms); "
      f"the Python one-liner's is {r['Python one-liner (google-genai)'] / mint:.0f}× it (target ≥ 30×), "
      f"the Node one-liner's {r['Node one-liner (@google/genai)'] / mint:.0f}×.")
PY
