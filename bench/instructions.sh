#!/usr/bin/env bash
# Instructions per token, counted by callgrind, for each client and its bare baseline,
# over HTTP and HTTPS: what this project's code adds to a token, in a measure that the
# machine's load does not move (the load bench's tokens per second do, by ±10 % from
# one row pair to the next on a busy 2-core machine).
#
# Two counts per way:
#   client  the client process alone, against an emulator in a process of its own;
#   whole   client and emulator in one process: everything a token costs the machine,
#           so whole(bare) / whole(client) is the throughput ratio a CPU-bound run
#           would show if nothing else ran.
# Each is (I(N2) - I(N1)) / (N2 - N1) from two runs of N1 and N2 tokens, so that the
# process's start, the TLS handshake and the exit cancel out.
#
# Usage: bench/instructions.sh [N1 N2]   (default 20 220); needs valgrind.
set -euo pipefail
cd "$(dirname "$0")/.."
n1="${1:-20}"
n2="${2:-220}"
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -INT "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

if ! command -v valgrind >/dev/null; then
    apt-get update -qq && apt-get install -y -qq valgrind >/dev/null
fi
cargo build -q --release -p gemini-token-cli
bin=$(cargo bench -p gemini-token-conformance --bench instructions --no-run 2>&1 |
    sed -n 's/.*Executable .*(\(.*\))$/\1/p' | tail -n 1)
[ -x "$bin" ] || {
    echo "instructions bench binary not found" >&2
    exit 1
}

. bench/emulators.sh

# Instructions of one run: callgrind's "Collected" total.
count() { # TOKENS WAY ARGS...
    valgrind --tool=callgrind --callgrind-out-file=/dev/null "$bin" --tokens "$1" --way "$2" \
        "${@:3}" 2>&1 >/dev/null | sed -n 's/.*Collected : *//p'
}
per_token() { # WAY ARGS...
    local a b
    a=$(count "$n1" "$@")
    b=$(count "$n2" "$@")
    echo $(((b - a) / (n2 - n1)))
}
ratio() { python3 -c "print(f'{$1 / $2:.3f}')"; }

start_emulator http
start_emulator https --tls
echo "Instructions per token (callgrind; ($n2 − $n1)-token difference), typical config, one request at a time."
echo
echo '| way | protocol | client instructions | vs bare | client + emulator | vs bare |'
echo '|---|---|---|---|---|---|'
for protocol in http https; do
    external=(--base-url "$(field "$protocol" 'base URL')" --key "$(field "$protocol" 'API key')")
    own=()
    if [ "$protocol" = https ]; then
        external+=(--ca-cert "$(field https 'CA certificate')")
        own=(--tls)
    fi
    for library in ureq reqwest; do
        base_client=$(per_token "bare-$library" "${external[@]}")
        base_whole=$(per_token "bare-$library" "${own[@]}")
        echo "| bare $library POST | $protocol | $base_client | — | $base_whole | — |"
        for call in create create_prepared; do
            client=$(per_token "$library-$call" "${external[@]}")
            whole=$(per_token "$library-$call" "${own[@]}")
            echo "| gemini-token-$library $call | $protocol | $client | $(ratio "$client" "$base_client") | $whole | $(ratio "$whole" "$base_whole") |"
        done
    done
done
