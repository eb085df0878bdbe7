# Sourced by the bench scripts: start `gemini-token emulator` (release) in a process of
# its own and read what it prints. Needs `work` (a directory) and the array `pids`
# (killed by the caller's cleanup).

start_emulator() { # NAME [--tls]
    local log="$work/$1.log"
    target/release/gemini-token emulator "${@:2}" >"$log" &
    pids+=($!)
    for _ in $(seq 100); do
        grep -q '^API key:' "$log" 2>/dev/null && return 0
        sleep 0.1
    done
    cat "$log" >&2
    exit 1
}

# A line the emulator NAME printed: `field https 'base URL'`.
field() { sed -n "s/^$2: *//p" "$work/$1.log"; }
