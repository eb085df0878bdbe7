#!/usr/bin/env python3
"""Picks the committed seed corpus of one fuzz target from what a long run grew.

libFuzzer's own minimization (`cargo fuzz cmin`, `-merge=1`) keeps one input per
new feature, which after ten minutes is a thousand or more files. This keeps at
most CAP: the named files of corpus/<target> (hand-written seeds and the inputs of
fixed findings; libFuzzer names its own inputs by their SHA-1) first, then, greedily,
the input that adds the most coverage edges (then features) to what is kept, the
smaller on a tie.

Usage, from fuzz/, after `cargo +nightly fuzz build`:

    python3 pick_corpus.py <target> <grown corpus dir> [CAP=50]

It replaces corpus/<target> with the pick and prints its size and coverage.
Edges and features are the `COV` and `FT` lines of libFuzzer's merge control file.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile


def main():
    target, grown = sys.argv[1], sys.argv[2]
    cap = int(sys.argv[3]) if len(sys.argv) > 3 else 50
    binary = f"target/x86_64-unknown-linux-gnu/release/{target}"
    seeds_dir = f"corpus/{target}"
    work = tempfile.mkdtemp(prefix=f"pick-{target}-")
    minimized, control = f"{work}/min", f"{work}/control"
    os.makedirs(minimized)
    quiet = dict(stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    # One input per feature set, from the grown corpus and the seeds.
    subprocess.run([binary, "-merge=1", minimized, grown, seeds_dir], **quiet)
    # The features of each input, seeds first, in a control file kept for reading.
    os.makedirs(f"{work}/empty")
    subprocess.run([binary, "-merge=1", f"-merge_control_file={control}",
                    f"{work}/empty", seeds_dir, minimized], **quiet)

    lines = open(control).read().splitlines()
    count = int(lines[0])
    files = lines[2:2 + count]
    features, edges = {}, {}
    for line in lines[2 + count:]:
        kind, index, *values = line.split()
        if kind == "FT":
            features[int(index)] = set(map(int, values))
        elif kind == "COV":
            edges[int(index)] = set(map(int, values))

    seed_paths = {
        os.path.join(seeds_dir, name)
        for name in os.listdir(seeds_dir)
        if not re.fullmatch(r"[0-9a-f]{40}", name)
    }
    chosen = [i for i, path in enumerate(files) if path in seed_paths]
    have_ft = set().union(*(features.get(i, set()) for i in chosen))
    have_cov = set().union(*(edges.get(i, set()) for i in chosen))
    while len(chosen) < cap:
        best, best_gain = None, (0, 0)
        for i in features:
            if i in chosen:
                continue
            gain = (len(edges.get(i, set()) - have_cov), len(features[i] - have_ft))
            if gain > best_gain or (
                gain == best_gain and gain > (0, 0)
                and os.path.getsize(files[i]) < os.path.getsize(files[best])
            ):
                best, best_gain = i, gain
        if best is None:
            break
        chosen.append(best)
        have_ft |= features[best]
        have_cov |= edges.get(best, set())

    picked = f"{work}/picked"
    os.makedirs(picked)
    for i in chosen:
        shutil.copy(files[i], picked)
    shutil.rmtree(seeds_dir)
    shutil.copytree(picked, seeds_dir)
    all_cov = set().union(*edges.values())
    size = sum(os.path.getsize(files[i]) for i in chosen)
    print(f"{target}: {len(chosen)} files, {size} bytes; "
          f"{len(have_cov)} of {len(all_cov)} edges of the grown corpus")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
