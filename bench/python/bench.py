#!/usr/bin/env python3
"""The load generator's workload, through the official Python SDK.

Mints N tokens with `client.auth_tokens.create` (sync, one at a time) and with
`client.aio.auth_tokens.create` (async, C at a time) against the same emulator the
Rust load generator uses, and prints rows in the same Markdown table format:
tokens/s, p50/p99 latency, and this process's peak RSS.

Usage: bench.py --base-url URL --key KEY [--tokens N] [--concurrency 1,4,16,64] [--csv FILE]
Over HTTPS the SDK trusts the emulator's CA through SSL_CERT_FILE (its httpx and
requests transports both read it); each row also shows the TLS handshakes it cost, read
from the emulator's /emulator/stats.
Also: bench.py --prepare-only [--tokens N]: the SDK's own time per create() before
any network I/O (its HTTP call is replaced by a stub that answers at once).
"""

import argparse
import asyncio
import json
import os
import resource
import ssl
import statistics
import sys
import time
import urllib.request
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


class Counter:
    """The emulator's connections (TLS handshakes over HTTPS), each read over a
    connection of its own (urllib closes it), which is left out."""

    def __init__(self, base_url, csv):
        self.url = base_url + "/emulator/stats"
        self.https = base_url.startswith("https://")
        self.context = ssl.create_default_context(cafile=os.environ.get("SSL_CERT_FILE")) if self.https else None
        self.csv = csv

    def now(self):
        with urllib.request.urlopen(self.url, context=self.context) as answer:
            stats = json.load(answer)
        return stats["handshakes"] if self.https else stats["connections"]


def row(counter, way, concurrency, elapsed, latencies, opened):
    per_second = len(latencies) / elapsed
    p50, p99 = percentile(latencies, 0.5) * 1e6, percentile(latencies, 0.99) * 1e6
    handshakes = opened if counter.https else "—"
    print(
        f"| {way} | {concurrency} in flight | {per_second:.0f} | {p50:.0f} | {p99:.0f} | — | {opened} | {handshakes} |",
        flush=True,
    )
    if counter.csv:
        protocol = "https" if counter.https else "http"
        with open(counter.csv, "a") as f:
            f.write(
                f"{protocol},{way},{concurrency},{per_second:.1f},{p50:.1f},{p99:.1f},,{opened},"
                f"{opened if counter.https else 0}\n"
            )


def run_sync(client, tokens, counter):
    latencies = []
    before = counter.now()
    started = time.perf_counter()
    for _ in range(tokens):
        t = time.perf_counter()
        client.auth_tokens.create(config=config())
        latencies.append(time.perf_counter() - t)
    elapsed = time.perf_counter() - started
    row(counter, "google-genai sync", 1, elapsed, latencies, counter.now() - before - 1)


async def run_async(client, tokens, tasks, counter):
    latencies = []

    async def worker(n):
        for _ in range(n):
            t = time.perf_counter()
            await client.aio.auth_tokens.create(config=config())
            latencies.append(time.perf_counter() - t)

    before = counter.now()
    started = time.perf_counter()
    await asyncio.gather(*(worker(tokens // tasks + (i < tokens % tasks)) for i in range(tasks)))
    elapsed = time.perf_counter() - started
    row(counter, "google-genai async", tasks, elapsed, latencies, counter.now() - before - 1)


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
    parser.add_argument("--concurrency", default="1,4,16,64")
    parser.add_argument("--csv")
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
    counter = Counter(args.base_url, args.csv)
    run_sync(client, args.tokens, counter)
    for tasks in (int(c) for c in args.concurrency.split(",")):
        asyncio.run(run_async(client, args.tokens, tasks, counter))
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak RSS of this process: {peak_kib} KiB")


if __name__ == "__main__":
    sys.exit(main())
