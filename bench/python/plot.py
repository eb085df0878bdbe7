#!/usr/bin/env python3
"""Draws the benchmark charts from the CSV rows bench/run-all.sh collects.

    plot.py LOAD_CSV COLDSTART_JSON OUT_DIR

LOAD_CSV: rows `protocol,way,in_flight,tokens_per_s,p50_us,p99_us,ratio,connections,
handshakes` from the Rust load bench (--csv), bench/python/bench.py and
bench/node/bench.mjs. COLDSTART_JSON: hyperfine's --export-json of bench/coldstart.sh.
Writes OUT_DIR/load.svg (tokens/s against requests in flight, HTTP and HTTPS side by
side, log scales) and OUT_DIR/coldstart.svg (median cold start, log scale).
"""

import json
import os
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

# One series per way; a bare baseline appears once per row it was run beside, so its
# points are averaged per concurrency.
WAYS = [
    ("raw TcpStream (floor)", "floor: raw stream", "0.6", ":"),
    ("raw TLS stream (floor)", "floor: raw stream", "0.6", ":"),
    ("bare reqwest POST", "bare reqwest", "tab:blue", "--"),
    ("gemini-token-reqwest create", "gemini-token-reqwest create", "tab:blue", "-"),
    ("gemini-token-reqwest create_prepared", "gemini-token-reqwest create_prepared", "navy", "-"),
    ("bare ureq POST", "bare ureq", "tab:orange", "--"),
    ("gemini-token-ureq create", "gemini-token-ureq create", "tab:orange", "-"),
    ("gemini-token-ureq create_prepared", "gemini-token-ureq create_prepared", "saddlebrown", "-"),
    ("@google/genai (Node)", "@google/genai (Node)", "tab:green", "-"),
    ("google-genai async", "google-genai async (Python)", "tab:red", "-"),
    ("google-genai sync", "google-genai sync (Python)", "tab:purple", "-"),
]


def load(path):
    series = defaultdict(lambda: defaultdict(list))
    with open(path) as f:
        for line in f:
            # A way's name may hold a comma; the seven fields after it never do.
            fields = line.rstrip("\n").split(",")
            protocol, way = fields[0], ",".join(fields[1:-7])
            in_flight, per_second = fields[-7], fields[-6]
            series[(protocol, way)][int(in_flight)].append(float(per_second))
    return series


def plot_load(series, out):
    fig, axes = plt.subplots(1, 2, figsize=(12, 5.2), sharey=True)
    for ax, protocol in zip(axes, ("http", "https")):
        for way, label, color, style in WAYS:
            points = series.get((protocol, way))
            if not points:
                continue
            xs = sorted(points)
            ys = [sum(points[x]) / len(points[x]) for x in xs]
            ax.plot(xs, ys, style, color=color, label=label, marker="o", markersize=4)
        ax.set_xscale("log", base=2)
        ax.set_yscale("log")
        ax.set_xticks([1, 4, 16, 64])
        ax.set_xticklabels(["1", "4", "16", "64"])
        ax.set_xlabel("requests in flight (threads or tasks)")
        ax.set_title(f"over {protocol.upper()}, loopback emulator")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("tokens per second")
    handles, labels = axes[1].get_legend_handles_labels()
    more_h, more_l = axes[0].get_legend_handles_labels()
    for h, l in zip(more_h, more_l):
        if l not in labels:
            handles.append(h)
            labels.append(l)
    fig.legend(handles, labels, loc="lower center", ncol=4, fontsize=8, frameon=False)
    fig.suptitle("Minting throughput (2 cores shared by client and emulator)")
    fig.tight_layout(rect=(0, 0.14, 1, 1))
    fig.savefig(os.path.join(out, "load.svg"), metadata={"Date": None})


def plot_coldstart(path, out):
    results = json.load(open(path))["results"]
    names = [r["command"] for r in results]
    medians = [r["median"] * 1e3 for r in results]
    fig, ax = plt.subplots(figsize=(9, 3.6))
    bars = ax.barh(names[::-1], medians[::-1], color=["tab:green", "tab:red", "tab:blue", "tab:orange", "navy"][: len(names)][::-1])
    for bar, value in zip(bars, medians[::-1]):
        ax.text(value * 1.08, bar.get_y() + bar.get_height() / 2, f"{value:.1f} ms", va="center", fontsize=8)
    ax.set_xscale("log")
    ax.set_xlim(1, max(medians) * 4)
    ax.set_xlabel("median ms from process start to exit, token printed (log scale)")
    ax.set_title(f"Cold start: one token over HTTPS from a running emulator ({len(results[0]['times'])} runs each)")
    ax.grid(True, axis="x", which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(os.path.join(out, "coldstart.svg"), metadata={"Date": None})


def main():
    load_csv, coldstart_json, out = sys.argv[1:4]
    os.makedirs(out, exist_ok=True)
    plot_load(load(load_csv), out)
    plot_coldstart(coldstart_json, out)


if __name__ == "__main__":
    main()
