#!/usr/bin/env python3
"""The READMEs' Rust examples compile with only the crates a reader is told to add.

Each ```rust block of README.md and crates/*/README.md becomes its own scratch crate,
in a temporary directory outside the workspace, whose only dependencies are:

- each gemini-token crate the block names (`gemini_token_reqwest::...`), as a path
  dependency with its default features, as a user adds it;
- tokio, axum and serde when the block names them, with the features a reader of
  the example would turn on.

Nothing else: a block that writes `use time::Duration;` fails, since a user who
added only `gemini-token-reqwest` has no `time` (it is `gemini_token_reqwest::time`).

The workspace's Cargo.lock is copied in, so the versions are the ones the workspace
builds and tests with, and cargo runs `--offline`. The blocks are checked (`cargo
check`, as rustdoc's `no_run` would build them, without linking) in
target/readme-check, a target directory of their own, so the main one is not touched
and the dependencies are built once for all blocks.

    python3 tests/readme/check.py                 # every README
    python3 tests/readme/check.py FILE.md ...     # these files
    python3 tests/readme/check.py --self-test     # a broken block must be reported

Exits 1 naming every block that does not compile (file, line, what it depends on),
with the compiler's errors.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "target" / "readme-check"

# The gemini-token crates a block may name, by their Rust name.
OUR_CRATES = {
    "gemini_token_core": "crates/core",
    "gemini_token_reqwest": "crates/reqwest",
    "gemini_token_ureq": "crates/ureq",
    "gemini_token_emulator": "crates/emulator",
}

# What a reader of the examples adds for the runtime, the web framework and the
# derive; the versions come from the copied Cargo.lock.
OTHERS = {
    "tokio": '{ version = "1", features = ["macros", "rt-multi-thread", "net"] }',
    "axum": '{ version = "0.8", default-features = false, features = ["http1", "json", "tokio"] }',
    "serde": '{ version = "1", features = ["derive"] }',
}

# Info-string attributes of blocks that are not meant to compile.
SKIP = {"ignore", "compile_fail"}


def blocks(path):
    """(line, code) of each ```rust block in a Markdown file, line counted from 1."""
    found = []
    lines = Path(path).read_text().splitlines()
    i = 0
    while i < len(lines):
        m = re.match(r"^(\s*)(```+)\s*(.*)$", lines[i])
        if not m:
            i += 1
            continue
        fence, info = m.group(2), m.group(3)
        attrs = [a.strip() for a in info.split(",") if a.strip()]
        start = i + 1
        body = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i])
            i += 1
        i += 1
        if attrs and attrs[0] == "rust" and not SKIP.intersection(attrs):
            found.append((start, "\n".join(body)))
    return found


def to_program(code):
    """The block as rustdoc compiles it: hidden `# ` lines shown, a `main` if it has none."""
    out = []
    for line in code.splitlines():
        stripped = line.lstrip()
        if stripped == "#":
            out.append("")
        elif stripped.startswith("# "):
            out.append(line.replace("# ", "", 1))
        else:
            out.append(line)
    text = "\n".join(out)
    if not re.search(r"\bfn\s+main\s*\(", text):
        text = "fn main() {\n" + text + "\n}"
    return text + "\n"


def dependencies(program):
    """The crates a block names, and nothing else."""
    code = re.sub(r"//[^\n]*", "", program)
    deps = []
    for name, rel in OUR_CRATES.items():
        if re.search(r"\b%s\b" % name, code):
            deps.append('%s = { path = "%s" }' % (name.replace("_", "-"), ROOT / rel))
    for name, spec in OTHERS.items():
        if re.search(r"\b%s\s*::" % name, code):
            deps.append("%s = %s" % (name, spec))
    return deps


def check(path, line, code, scratch):
    """None when the block compiles, else the compiler's output."""
    rel = os.path.relpath(path, ROOT) if Path(path).is_absolute() else str(path)
    slug = re.sub(r"[^a-z0-9]+", "_", rel.lower()).strip("_")
    # The same name on every run, so cargo's fingerprints are reused.
    name = "readme_%s_%d" % (slug, line)
    crate = scratch / name
    (crate / "src").mkdir(parents=True)
    program = to_program(code)
    deps = dependencies(program)
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n'
        "[dependencies]\n%s\n\n"
        "# Its own workspace: not a member of any around it.\n[workspace]\n"
        % (name, "\n".join(deps))
    )
    (crate / "src" / "main.rs").write_text(program)
    shutil.copy(ROOT / "Cargo.lock", crate / "Cargo.lock")
    env = dict(os.environ, CARGO_TARGET_DIR=str(TARGET))
    run = subprocess.run(
        ["cargo", "check", "--offline", "--quiet", "--color", "never"],
        cwd=crate,
        env=env,
        capture_output=True,
        text=True,
    )
    names = [d.split(" ", 1)[0] for d in deps] or ["(no dependencies)"]
    label = "%s:%d (depends on %s)" % (rel, line, ", ".join(names))
    if run.returncode == 0:
        print("ok     %s" % label)
        return None
    print("FAILED %s" % label)
    return label, run.stderr


def main(argv):
    self_test = "--self-test" in argv
    files = [a for a in argv if a != "--self-test"]
    if self_test:
        files = [str(Path(__file__).parent / "self-test.md")]
    elif not files:
        files = [str(ROOT / "README.md")] + sorted(
            str(p) for p in ROOT.glob("crates/*/README.md")
        )
    failures = []
    total = 0
    with tempfile.TemporaryDirectory(prefix="readme-check-") as tmp:
        for path in files:
            for line, code in blocks(path):
                total += 1
                failed = check(path, line, code, Path(tmp))
                if failed:
                    failures.append(failed)
    if self_test:
        # self-test.md: its first block must compile, its second must not.
        # The second must fail for the right reason, not for, say, a missing download.
        second = ":%d " % blocks(files[0])[1][0]
        if (
            total == 2
            and len(failures) == 1
            and second in failures[0][0]
            and "unresolved import `time`" in failures[0][1]
        ):
            print("self-test: the block that uses `time` without depending on it was reported")
            return 0
        print("self-test FAILED: expected exactly the second block to fail", file=sys.stderr)
        return 1
    for label, errors in failures:
        print("\n== %s does not compile:\n%s" % (label, errors), file=sys.stderr)
    if failures:
        print(
            "%d of %d README blocks do not compile with only the crates they name"
            % (len(failures), total),
            file=sys.stderr,
        )
        return 1
    print("all %d README Rust blocks compile" % total)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
