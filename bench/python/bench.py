#!/usr/bin/env python3
"""The load generator's workload, through the official Python SDK.

Mints N tokens with `client.auth_tokens.create` (sync, one at a time) and with
`client.aio.auth_tokens.create` (async, C at a time) against the same emulator the
Rust load generator uses, and prints rows in the same Markdown table format:
tokens/s, p50/p99 latency, and this process's peak RSS.

Usage: bench.py --base-url URL --key KEY [--tokens N] [--concurrency 1,16,64]
Also: bench.py --prepare-only [--tokens N]: the SDK's own time per create() before
any network I/O (its HTTP call is replaced by a stub that answers at once).
"""

import argparse
import asyncio
import resource
import statistics
import sys
import time

import warnings

from google import genai

# The SDK warns on every token call that the feature is experimental; the warning
# machinery is not what is being measured.
warnings.simplefilter("ignore")

# The typical config of the Rust benches (crates/core/benches/fixtures/typical.json),
# less the bare voice name, which the SDK refuses.
CONFIG = {
    "uses": 1,
    "live_connect_constraints": {
        "model": "gemini-live-2.5-flash-preview",
        "config": {
            "system_instruction": "You are a friendly tutor. Answer in French.",
            "response_modalities": ["AUDIO"],
            "temperature": 0.7,
        },
    },
    "lock_additional_fields": [],
}


def config():
    """A fresh config with times relative to now, as the Rust fixture's +30m / +1m."""
    now = time.time()
    from datetime import datetime, timezone

    c = dict(CONFIG)
    c["expire_time"] = datetime.fromtimestamp(now + 1800, timezone.utc)
    c["new_session_expire_time"] = datetime.fromtimestamp(now + 60, timezone.utc)
    return c


def percentile(samples, p):
    samples = sorted(samples)
    return samples[round((len(samples) - 1) * p)]


def row(way, concurrency, elapsed, latencies):
    print(
        f"| {way} | {concurrency} | {len(latencies) / elapsed:.0f} | "
        f"{percentile(latencies, 0.5) * 1e6:.0f} | {percentile(latencies, 0.99) * 1e6:.0f} | — |",
        flush=True,
    )


def run_sync(client, tokens):
    latencies = []
    started = time.perf_counter()
    for _ in range(tokens):
        t = time.perf_counter()
        client.auth_tokens.create(config=config())
        latencies.append(time.perf_counter() - t)
    row("google-genai sync", "1 thread", time.perf_counter() - started, latencies)


async def run_async(client, tokens, tasks):
    latencies = []

    async def worker(n):
        for _ in range(n):
            t = time.perf_counter()
            await client.aio.auth_tokens.create(config=config())
            latencies.append(time.perf_counter() - t)

    started = time.perf_counter()
    await asyncio.gather(*(worker(tokens // tasks) for _ in range(tasks)))
    row("google-genai async", f"{tasks} task(s)", time.perf_counter() - started, latencies)


def prepare_only(tokens):
    """The SDK's time per create() before any network I/O."""
    client = genai.Client(api_key="stub-key", http_options={"api_version": "v1alpha"})

    class Answer:
        headers = {}
        body = '{"name": "auth_tokens/stub"}'

    client._api_client.request = lambda *a, **k: Answer()  # no network
    samples = []
    for _ in range(tokens):
        t = time.perf_counter()
        try:
            client.auth_tokens.create(config=config())
        except Exception:  # the stub's answer may not parse; the request was built
            pass
        samples.append(time.perf_counter() - t)
    print(f"google-genai create() without network: median {statistics.median(samples) * 1e6:.0f} µs")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url")
    parser.add_argument("--key")
    parser.add_argument("--tokens", type=int, default=1000)
    parser.add_argument("--concurrency", default="1,16,64")
    parser.add_argument("--prepare-only", action="store_true")
    args = parser.parse_args()
    if args.prepare_only:
        prepare_only(args.tokens)
        return
    if not (args.base_url and args.key):
        parser.error("--base-url and --key are needed")
    client = genai.Client(
        api_key=args.key,
        http_options={"base_url": args.base_url, "api_version": "v1alpha"},
    )
    print(f"{args.tokens} tokens per row, google-genai {genai.__version__}, against {args.base_url}")
    run_sync(client, args.tokens)
    for tasks in (int(c) for c in args.concurrency.split(",")):
        asyncio.run(run_async(client, args.tokens, tasks))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS of this process: {peak_kib} KiB")


if __name__ == "__main__":
    sys.exit(main())
