#!/usr/bin/env python3
"""The public API of each published library crate, as sorted text, committed in api/.

Every change to what a user can name (an item, a signature, a trait impl, a field, a
variant, `#[non_exhaustive]`, `Send`/`Sync`) shows as a changed line in review.

    python3 tests/api/snapshot.py            # regenerate and compare with api/*.txt
    python3 tests/api/snapshot.py --update   # regenerate api/*.txt

The text comes from rustdoc's JSON output, which needs a nightly toolchain; without
one the check says so and passes. The JSON format changes between nightlies, so this
reads only its long-standing parts (the index, the paths, names, kinds, function
signatures, generics, types) and renders unknown shapes as their JSON rather than
failing. Each crate is documented with all its features (`tracing`, both TLS
libraries), in target/api-check, a target directory of its own.

One line per item, with the item's public path (the shortest one, where it is
re-exported), signatures with full paths (`alloc::string::String`), so a move
inside a crate's private modules changes nothing here. Blanket impls (`impl<T> From<T>
for T` and friends) are left out: they follow from the rest.
"""

import difflib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
API_DIR = ROOT / "api"
TARGET = ROOT / "target" / "api-check"

# In dependency order: a crate's glob re-exports of an earlier one are expanded.
CRATES = [
    "gemini-token-core",
    "gemini-token-emulator",
    "gemini-token-reqwest",
    "gemini-token-ureq",
]

# Auto traits that are part of a type's stable API (nightly may list unstable ones).
AUTO_TRAITS = {"Send", "Sync", "Unpin", "UnwindSafe", "RefUnwindSafe"}


class Lines:
    """The snapshot's lines, each filed under the item it is about, so that a type's
    methods, fields and impls sort together, the item itself first."""

    def __init__(self):
        self.owner = ""
        self.by_line = {}

    def decl(self, line):
        """The line that declares the item: first of its group."""
        self.add_for(self.owner, line, 0)

    def add(self, line):
        self.add_for(self.owner, line)

    def add_for(self, owner, line, rank=1):
        old = self.by_line.get(line)
        if old is None or (owner, rank) < old:
            self.by_line[line] = (owner, rank)

    def sorted(self):
        return [line for line, _ in sorted(self.by_line.items(), key=lambda i: (i[1], i[0]))]


def unknown(value):
    return "<%s>" % json.dumps(value, sort_keys=True, separators=(",", ":"))


class Api:
    def __init__(self, doc, crate_roots, public_of):
        self.index = doc["index"]
        self.paths = doc["paths"]
        self.root = str(doc["root"])
        self.crate = self.index[self.root]["name"]
        self.crate_roots = crate_roots
        self.public_of = public_of
        self.public_path = {}
        self.placements = []
        self.root_names = {}

    # ---- where each public item is reachable -------------------------------------

    def place(self, item_id, path, seen):
        item = self.index.get(str(item_id))
        if item is None:
            return
        kind = next(iter(item["inner"]))
        key = (str(item_id), path)
        if key in seen:
            return
        seen.add(key)
        self.placements.append((str(item_id), path))
        old = self.public_path.get(str(item_id))
        if old is None or (path.count("::"), path) < (old.count("::"), old):
            self.public_path[str(item_id)] = path
        if kind == "module":
            self.place_module(item_id, path, seen)

    def place_module(self, module_id, prefix, seen):
        items = self.index[str(module_id)]["inner"]["module"]["items"]
        named = set()
        for item_id in items:
            item = self.index.get(str(item_id))
            if item is None:
                continue
            use = item["inner"].get("use")
            if use is not None and use.get("is_glob"):
                continue
            named.add(use["name"] if use is not None else item["name"])
        for item_id in items:
            item = self.index.get(str(item_id))
            if item is None:
                continue
            use = item["inner"].get("use")
            if use is None:
                self.place(item_id, "%s::%s" % (prefix, item["name"]), seen)
            elif use.get("is_glob"):
                self.place_glob(use, prefix, named, seen)
            elif use.get("id") is not None and str(use["id"]) in self.index:
                self.place(use["id"], "%s::%s" % (prefix, use["name"]), seen)
            else:
                self.placements.append(("use", "%s::%s" % (prefix, use["name"]), use))

    def place_glob(self, use, prefix, named, seen):
        target = use.get("id")
        if target is not None and str(target) in self.index:
            if "module" in self.index[str(target)]["inner"]:
                self.place_module(target, prefix, seen)
            return
        source = self.external_path(target, use["source"])
        names = self.crate_roots.get(source)
        if names is None:
            self.placements.append(("use", "%s::*" % prefix, use))
            return
        for name, kind in sorted(names.items()):
            if name not in named:
                self.placements.append(
                    ("glob", "%s::%s" % (prefix, name), (kind, "%s::%s" % (source, name)))
                )

    def external_path(self, item_id, written):
        entry = self.paths.get(str(item_id)) if item_id is not None else None
        return "::".join(entry["path"]) if entry else written

    # ---- rendering ---------------------------------------------------------------

    def name_of(self, item_id, written):
        if item_id is not None:
            if str(item_id) in self.public_path:
                return self.public_path[str(item_id)]
            entry = self.paths.get(str(item_id))
            if entry:
                full = "::".join(entry["path"])
                # An item of an earlier crate of ours: its public path, not its module's.
                return self.public_of.get(full, full)
        return written

    def path(self, p):
        return self.name_of(p.get("id"), p.get("path") or p.get("name", "?")) + self.args(
            p.get("args")
        )

    def args(self, a):
        if not a:
            return ""
        if "angle_bracketed" in a:
            ab = a["angle_bracketed"]
            parts = []
            for arg in ab.get("args", []):
                if arg == "infer":
                    parts.append("_")
                elif "type" in arg:
                    parts.append(self.ty(arg["type"]))
                elif "lifetime" in arg:
                    parts.append(arg["lifetime"])
                elif "const" in arg:
                    c = arg["const"]
                    parts.append(c.get("expr", unknown(c)) if isinstance(c, dict) else str(c))
                else:
                    parts.append(unknown(arg))
            for c in ab.get("constraints", ab.get("bindings", [])):
                binding = c.get("binding", {})
                name = c["name"] + self.args(c.get("args"))
                if "equality" in binding:
                    eq = binding["equality"]
                    parts.append("%s = %s" % (name, self.ty(eq["type"]) if "type" in eq else unknown(eq)))
                elif "constraint" in binding:
                    parts.append("%s: %s" % (name, self.bounds(binding["constraint"])))
                else:
                    parts.append(unknown(c))
            return "<%s>" % ", ".join(parts) if parts else ""
        if "parenthesized" in a:
            p = a["parenthesized"]
            out = "(%s)" % ", ".join(self.ty(t) for t in p["inputs"])
            if p.get("output") is not None:
                out += " -> " + self.ty(p["output"])
            return out
        if a == "return_type_notation":
            return "(..)"
        return unknown(a)

    def ty(self, t):
        if t is None:
            return "()"
        if not isinstance(t, dict):
            return unknown(t)
        (kind, v), = t.items()
        if kind == "resolved_path":
            return self.path(v)
        if kind in ("generic", "primitive"):
            return v
        if kind == "borrowed_ref":
            lt = v["lifetime"] + " " if v.get("lifetime") else ""
            return "&%s%s%s" % (lt, "mut " if v["is_mutable"] else "", self.ty(v["type"]))
        if kind == "raw_pointer":
            return "*%s %s" % ("mut" if v["is_mutable"] else "const", self.ty(v["type"]))
        if kind == "tuple":
            return "(%s)" % ", ".join(self.ty(x) for x in v) if len(v) != 1 else "(%s,)" % self.ty(v[0])
        if kind == "slice":
            return "[%s]" % self.ty(v)
        if kind == "array":
            return "[%s; %s]" % (self.ty(v["type"]), v["len"])
        if kind == "pat":
            return self.ty(v["type"])
        if kind == "infer":
            return "_"
        if kind == "impl_trait":
            return "impl " + self.bounds(v)
        if kind == "dyn_trait":
            parts = [self.hrtb(p.get("generic_params")) + self.path(p["trait"]) for p in v["traits"]]
            if v.get("lifetime"):
                parts.append(v["lifetime"])
            return "dyn " + " + ".join(parts)
        if kind == "function_pointer":
            return "%sfn(%s)%s" % (
                self.hrtb(v.get("generic_params")),
                ", ".join(self.ty(x[1]) for x in v["sig"]["inputs"]),
                "" if v["sig"].get("output") is None else " -> " + self.ty(v["sig"]["output"]),
            )
        if kind == "qualified_path":
            own = v["name"] + self.args(v.get("args"))
            if v.get("trait") is None:
                return "%s::%s" % (self.ty(v["self_type"]), own)
            return "<%s as %s>::%s" % (self.ty(v["self_type"]), self.path(v["trait"]), own)
        return unknown(t)

    def hrtb(self, params):
        if not params:
            return ""
        return "for<%s> " % ", ".join(self.param(p) for p in params)

    def bounds(self, bounds):
        out = []
        for b in bounds:
            if "trait_bound" in b:
                tb = b["trait_bound"]
                mod = {"maybe": "?", "maybe_const": "~const "}.get(tb.get("modifier"), "")
                out.append(mod + self.hrtb(tb.get("generic_params")) + self.path(tb["trait"]))
            elif "outlives" in b:
                out.append(b["outlives"])
            elif "use" in b:
                out.append("use<%s>" % ", ".join(
                    x if isinstance(x, str) else next(iter(x.values())) for x in b["use"]
                ))
            else:
                out.append(unknown(b))
        return " + ".join(out)

    def param(self, p):
        kind = p["kind"]
        if "lifetime" in kind:
            outlives = kind["lifetime"].get("outlives") or []
            return p["name"] + (": " + " + ".join(outlives) if outlives else "")
        if "type" in kind:
            k = kind["type"]
            out = p["name"]
            if k.get("bounds"):
                out += ": " + self.bounds(k["bounds"])
            if k.get("default") is not None:
                out += " = " + self.ty(k["default"])
            return out
        if "const" in kind:
            k = kind["const"]
            out = "const %s: %s" % (p["name"], self.ty(k["type"]))
            if k.get("default") is not None:
                out += " = " + str(k["default"])
            return out
        return unknown(p)

    def generics(self, g):
        if not g:
            return "", ""
        params = [
            self.param(p)
            for p in g.get("params", [])
            if not p["kind"].get("type", {}).get("is_synthetic")
        ]
        preds = []
        for w in g.get("where_predicates", []):
            if "bound_predicate" in w:
                b = w["bound_predicate"]
                preds.append("%s%s: %s" % (
                    self.hrtb(b.get("generic_params")), self.ty(b["type"]), self.bounds(b["bounds"])
                ))
            elif "lifetime_predicate" in w:
                b = w["lifetime_predicate"]
                preds.append("%s: %s" % (b["lifetime"], " + ".join(b["outlives"])))
            elif "eq_predicate" in w:
                b = w["eq_predicate"]
                rhs = b["rhs"].get("type", b["rhs"]) if isinstance(b["rhs"], dict) else b["rhs"]
                preds.append("%s == %s" % (self.ty(b["lhs"]), self.ty(rhs)))
            else:
                preds.append(unknown(w))
        return (
            "<%s>" % ", ".join(params) if params else "",
            " where " + ", ".join(preds) if preds else "",
        )

    def function(self, f, path):
        sig = f.get("sig", f.get("decl"))
        header = f.get("header", {})
        quals = "".join(
            q + " "
            for q, on in (
                ("const", header.get("is_const")),
                ("async", header.get("is_async")),
                ("unsafe", header.get("is_unsafe")),
            )
            if on
        )
        abi = header.get("abi", "Rust")
        if abi != "Rust":
            quals += 'extern "%s" ' % (abi if isinstance(abi, str) else next(iter(abi)))
        params, where = self.generics(f.get("generics"))
        inputs = []
        for name, t in sig["inputs"]:
            if name == "self":
                if t == {"generic": "Self"}:
                    inputs.append("self")
                    continue
                ref = t.get("borrowed_ref") if isinstance(t, dict) else None
                if ref and ref["type"] == {"generic": "Self"}:
                    lt = ref["lifetime"] + " " if ref.get("lifetime") else ""
                    inputs.append("&%s%sself" % (lt, "mut " if ref["is_mutable"] else ""))
                    continue
            inputs.append("%s: %s" % (name, self.ty(t)))
        out = "" if sig.get("output") is None else " -> " + self.ty(sig["output"])
        return "%sfn %s%s(%s)%s%s" % (quals, path, params, ", ".join(inputs), out, where)

    def attrs(self, item):
        marks = []
        for a in item.get("attrs", []):
            text = a if isinstance(a, str) else next(iter(a)) if isinstance(a, dict) else ""
            for mark in ("non_exhaustive", "must_use"):
                if mark in text and "#[%s]" % mark not in marks:
                    marks.append("#[%s]" % mark)
        if item.get("deprecation"):
            marks.append("#[deprecated]")
        return " ".join(marks) + " " if marks else ""

    def impl(self, impl_id, self_path, lines):
        item = self.index.get(str(impl_id))
        if item is None:
            return
        imp = item["inner"]["impl"]
        if imp.get("blanket_impl") is not None:
            return
        params, where = self.generics(imp.get("generics"))
        for_ty = self.ty(imp["for"])
        if imp.get("trait") is None:
            for member_id in imp["items"]:
                member = self.index.get(str(member_id))
                if member is None or member.get("visibility") != "public":
                    continue
                kind, v = next(iter(member["inner"].items()))
                head = "impl%s %s%s: " % (params, for_ty, where) if params or where else ""
                path = "%s::%s" % (self_path, member["name"])
                if kind == "function":
                    lines.add("%s%spub %s" % (head, self.attrs(member), self.function(v, path)))
                elif kind == "assoc_const":
                    lines.add("%spub const %s: %s" % (head, path, self.ty(v["type"])))
                else:
                    lines.add("%s%s %s" % (head, kind, path))
            return
        trait = self.path(imp["trait"])
        if imp.get("is_synthetic") and trait.rsplit("::", 1)[-1] not in AUTO_TRAITS:
            return
        if trait.endswith("StructuralPartialEq"):
            return  # an unstable marker that derive(PartialEq) adds
        assoc = []
        for member_id in imp["items"]:
            member = self.index.get(str(member_id))
            if member is not None and "assoc_type" in member["inner"]:
                at = member["inner"]["assoc_type"]
                assoc.append("type %s = %s" % (member["name"], self.ty(at.get("type", at.get("default")))))
        lines.add_for(for_ty.split("<")[0], "impl%s %s%s for %s%s%s" % (
            params,
            "!" if imp.get("is_negative") else "",
            trait,
            for_ty,
            where,
            " { %s }" % "; ".join(sorted(assoc)) if assoc else "",
        ))

    def render(self):
        lines = Lines()
        for entry in self.placements:
            if entry[0] == "use":
                _, path, use = entry
                lines.owner = path
                kind = (self.paths.get(str(use.get("id"))) or {}).get("kind", "item")
                lines.decl("pub use %s (%s) = %s" % (path, kind, self.external_path(use.get("id"), use["source"])))
                continue
            if entry[0] == "glob":
                _, path, (kind, source) = entry
                lines.owner = path
                lines.decl("pub use %s (%s) = %s" % (path, kind, source))
                continue
            item_id, path = entry
            lines.owner = path
            item = self.index[item_id]
            kind, v = next(iter(item["inner"].items()))
            a = self.attrs(item)
            canonical = self.public_path[item_id]
            if canonical != path:
                # Reachable at two paths: described once, at the shorter.
                lines.decl("pub use %s (%s) = %s" % (path, kind, canonical))
                continue
            if path.count("::") == 1:
                self.root_names[path.split("::")[1]] = kind
            if kind == "module":
                lines.decl("pub mod %s" % path)
            elif kind == "function":
                lines.decl("%spub %s" % (a, self.function(v, path)))
            elif kind in ("constant", "static"):
                t = v.get("type")
                lines.decl("pub %s %s: %s" % ("const" if kind == "constant" else "static", path, self.ty(t)))
            elif kind == "type_alias":
                params, where = self.generics(v.get("generics"))
                lines.decl("pub type %s%s = %s%s" % (path, params, self.ty(v["type"]), where))
            elif kind in ("macro", "proc_macro"):
                lines.decl("pub macro %s" % path)
            elif kind in ("struct", "union"):
                params, where = self.generics(v.get("generics"))
                shape = v.get("kind", {})
                suffix = ""
                if shape == "unit":
                    suffix = ";"
                elif isinstance(shape, dict) and "tuple" in shape:
                    suffix = "(%s)" % ", ".join(
                        "_" if f is None else "pub " + self.ty(self.index[str(f)]["inner"]["struct_field"])
                        for f in shape["tuple"]
                    )
                elif isinstance(shape, dict) and "plain" in shape:
                    for f in shape["plain"]["fields"]:
                        field = self.index.get(str(f))
                        if field is not None:
                            lines.add("pub %s::%s: %s" % (path, field["name"], self.ty(field["inner"]["struct_field"])))
                    if shape["plain"].get("has_stripped_fields"):
                        suffix = " { .. }"
                lines.decl("%spub %s %s%s%s%s" % (a, kind, path, params, suffix, where))
                for impl_id in v.get("impls", []):
                    self.impl(impl_id, path, lines)
            elif kind == "enum":
                params, where = self.generics(v.get("generics"))
                lines.decl("%spub enum %s%s%s%s" % (a, path, params, where, " { .. }" if v.get("has_stripped_variants") else ""))
                for var_id in v["variants"]:
                    var = self.index[str(var_id)]
                    vk = var["inner"]["variant"]["kind"]
                    vpath = "%s::%s" % (path, var["name"])
                    if vk == "plain":
                        shape = ""
                    elif "tuple" in vk:
                        shape = "(%s)" % ", ".join(
                            "_" if f is None else self.ty(self.index[str(f)]["inner"]["struct_field"]) for f in vk["tuple"]
                        )
                    elif "struct" in vk:
                        fields = [self.index[str(f)] for f in vk["struct"]["fields"]]
                        shape = " { %s%s }" % (
                            ", ".join("%s: %s" % (f["name"], self.ty(f["inner"]["struct_field"])) for f in fields),
                            ", .." if vk["struct"].get("has_stripped_fields") else "",
                        )
                    else:
                        shape = unknown(vk)
                    lines.add("%spub %s%s" % (self.attrs(var), vpath, shape))
                for impl_id in v.get("impls", []):
                    self.impl(impl_id, path, lines)
            elif kind == "trait":
                params, where = self.generics(v.get("generics"))
                bounds = ": " + self.bounds(v["bounds"]) if v.get("bounds") else ""
                lines.decl("%spub %s%strait %s%s%s%s" % (
                    a, "unsafe " if v.get("is_unsafe") else "", "auto " if v.get("is_auto") else "",
                    path, params, bounds, where,
                ))
                for member_id in v["items"]:
                    member = self.index.get(str(member_id))
                    if member is None:
                        continue
                    mk, mv = next(iter(member["inner"].items()))
                    mpath = "%s::%s" % (path, member["name"])
                    if mk == "function":
                        provided = " (provided)" if mv.get("has_body") else ""
                        lines.add("%s%s%s" % (self.attrs(member), self.function(mv, mpath), provided))
                    elif mk == "assoc_type":
                        b = ": " + self.bounds(mv["bounds"]) if mv.get("bounds") else ""
                        d = " = " + self.ty(mv["type"]) if mv.get("type") is not None else ""
                        lines.add("type %s%s%s" % (mpath, b, d))
                    elif mk == "assoc_const":
                        lines.add("const %s: %s" % (mpath, self.ty(mv["type"])))
                    else:
                        lines.add("%s %s" % (mk, mpath))
                for impl_id in v.get("implementations", []):
                    self.impl(impl_id, path, lines)
            elif kind in ("struct_field", "variant", "impl", "use", "assoc_type", "assoc_const"):
                continue
            else:
                lines.decl("%s %s" % (kind, path))
        return lines.sorted()


def generate(out_dir):
    """Write <crate>.txt for each crate into out_dir; False when nightly is missing."""
    toolchains = subprocess.run(["rustup", "toolchain", "list"], capture_output=True, text=True)
    if toolchains.returncode != 0 or not any(
        line.startswith("nightly") for line in toolchains.stdout.splitlines()
    ):
        return False
    cmd = ["cargo", "+nightly", "doc", "--quiet", "--no-deps", "--all-features"]
    for crate in CRATES:
        cmd += ["-p", crate]
    env = dict(
        os.environ,
        CARGO_TARGET_DIR=str(TARGET),
        RUSTDOCFLAGS="-Z unstable-options --output-format json",
    )
    subprocess.run(cmd, cwd=ROOT, env=env, check=True)
    crate_roots = {}
    public_of = {}
    for crate in CRATES:
        name = crate.replace("-", "_")
        doc = json.loads((TARGET / "doc" / ("%s.json" % name)).read_text())
        api = Api(doc, crate_roots, public_of)
        seen = set()
        api.place_module(api.root, api.crate, seen)
        lines = api.render()
        crate_roots[name] = api.root_names
        for item_id, path in api.public_path.items():
            entry = api.paths.get(item_id)
            if entry:
                public_of.setdefault("::".join(entry["path"]), path)
        header = (
            "# The public API of %s, with all features (rustdoc JSON format %s).\n"
            "# Regenerate: python3 tests/api/snapshot.py --update\n"
        ) % (crate, doc.get("format_version"))
        (Path(out_dir) / ("%s.txt" % crate)).write_text(header + "\n".join(lines) + "\n")
    return True


def main(argv):
    update = "--update" in argv
    with tempfile.TemporaryDirectory(prefix="api-snapshot-") as tmp:
        if not generate(tmp):
            print("api snapshot: skipped: no nightly toolchain (rustdoc's JSON output needs one)")
            return 0
        if update:
            API_DIR.mkdir(exist_ok=True)
            for crate in CRATES:
                src = Path(tmp) / ("%s.txt" % crate)
                (API_DIR / src.name).write_text(src.read_text())
                print("wrote api/%s (%d items)" % (src.name, src.read_text().count("\n") - 2))
            return 0
        changed = 0
        for crate in CRATES:
            new = (Path(tmp) / ("%s.txt" % crate)).read_text().splitlines(keepends=True)
            old_file = API_DIR / ("%s.txt" % crate)
            old = old_file.read_text().splitlines(keepends=True) if old_file.exists() else []
            # The header names the rustdoc JSON format: a newer nightly alone is no change.
            if [l for l in old if not l.startswith("#")] != [l for l in new if not l.startswith("#")]:
                changed += 1
                sys.stdout.writelines(
                    difflib.unified_diff(old, new, "api/%s.txt (committed)" % crate, "%s (this tree)" % crate)
                )
        if changed:
            print(
                "\napi snapshot: the public API of %d crate(s) changed; if that is intended, run\n"
                "    python3 tests/api/snapshot.py --update\nand commit api/." % changed,
                file=sys.stderr,
            )
            return 1
        print("api snapshot: the public API matches api/*.txt")
        return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
