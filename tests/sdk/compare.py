"""Compares what each SDK got from the emulator with cases.json (see its "about").

Usage: compare.py CASES RECORDS.json... [--report]

Prints one line per case per SDK, `ok` or `MISMATCH: want ..., got ...`, and closes
with `sdk: N passed, M failed`; exits 1 on any mismatch. With --report it prints,
instead, what each SDK sent for each case and what came back (for the docs).
Standard library only: it runs under the system python3.
"""

import json
import re
import sys

# Values that are user data: their keys are kept as sent, never renamed.
VERBATIM = {"parametersJsonSchema", "responseJsonSchema", "labels", "args"}
INT64 = {"triggerTokens", "targetTokens"}


def camel(name):
    return re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), name)


def norm(value, key=None):
    """A setup in one spelling: lowerCamel keys, numbers by value, int64 as numbers."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, dict):
        if key in VERBATIM:
            return value
        out = {}
        for k, v in value.items():
            # Under a Schema's `properties` the keys are the user's property names.
            nk = k if key == "properties" else camel(k)
            out[nk] = norm(v, None if key == "properties" else nk)
        return out
    if isinstance(value, list):
        return [norm(v, key) for v in value]
    if key in INT64 and isinstance(value, str) and re.fullmatch(r"-?\d+", value):
        return int(value)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def mask_set(mask):
    if mask is None:
        return None
    paths = mask.split(",") if isinstance(mask, str) else mask
    return sorted({".".join(camel(seg) for seg in p.strip().split(".")) for p in paths if p.strip()})


def effective(case, sdk):
    want = dict(case["expect"])
    over = case.get(f"expect_{sdk}") or {}
    for k, v in over.items():
        if k == "stored" and isinstance(want.get("stored"), dict):
            want["stored"] = {**want["stored"], **v}
        else:
            want[k] = v
    if want.get("outcome") != "token":
        want.pop("stored", None)
    return want


def short(value):
    text = json.dumps(value, separators=(",", ":"), sort_keys=True)
    return text if len(text) <= 400 else text[:400] + "..."


def check(want, rec):
    """None when the record meets the expectation, else (want, got) texts."""
    got = rec["outcome"]
    kind = want["outcome"]
    if got["kind"] != kind:
        return describe(want), describe(got)
    if kind == "token":
        if not got.get("shape_ok"):
            return "a token auth_tokens/<64 hex>", "a name of another shape"
        stored = want.get("stored")
        if stored:
            have = rec.get("stored")
            if have is None:
                return "the token listed at GET /emulator/tokens", "no such token there"
            if "uses" in stored and have.get("uses") != stored["uses"]:
                return f"stored uses {stored['uses']}", f"stored uses {have.get('uses')}"
            if "bidiGenerateContentSetup" in stored:
                w = norm(stored["bidiGenerateContentSetup"])
                g = norm(have.get("bidiGenerateContentSetup"))
                if w != g:
                    return f"stored setup {short(w)}", f"stored setup {short(g)}"
            if "fieldMask" in stored:
                w, g = mask_set(stored["fieldMask"]), mask_set(have.get("fieldMask"))
                if w != g:
                    return f"stored fieldMask {w}", f"stored fieldMask {g}"
        return None
    if kind == "error":
        for field in ("code", "status", "reason"):
            if field in want and got.get(field) != want[field]:
                return describe(want), describe(got)
        if "message" in want and got.get("message") != want["message"]:
            return describe(want), describe(got)
        if "message_regex" in want and not re.fullmatch(want["message_regex"], got.get("message") or ""):
            return describe(want), describe(got)
        return None
    if "message_contains" in want and want["message_contains"] not in (got.get("message") or ""):
        return describe(want), describe(got)
    return None


def describe(o):
    kind = o.get("outcome") or o.get("kind")
    if kind == "token":
        return "a token"
    if kind == "error":
        parts = [str(o.get("code"))]
        if o.get("status"):
            parts.append(o["status"])
        if o.get("reason"):
            parts.append(o["reason"])
        if "message" in o:
            parts.append(json.dumps(o["message"]))
        elif "message_regex" in o:
            parts.append("/" + o["message_regex"] + "/")
        return " ".join(parts)
    text = f"the SDK refusing the config ({o.get('type', 'an error')}"
    msg = o.get("message") or o.get("message_contains")
    return text + (f": {json.dumps(msg)})" if msg else ")")


def report(cases, records):
    by = {(r["sdk"], r["case"]): r for r in records}
    sdks = sorted({r["sdk"] for r in records}, key=lambda s: s != "python")
    for case in cases:
        print(f"## {case['name']}: {case.get('about', '')}")
        for sdk in sdks:
            rec = by.get((sdk, case["name"]))
            if rec is None:
                continue
            req = rec["request"]
            if req is None:
                sent = "nothing sent"
            elif req["body_bytes"] == 0:
                sent = f"{req['method']} {req['path']} with an EMPTY body (Content-Type: {req['content_type']})"
            else:
                sent = f"{req['method']} {req['path']} {req['body_text']}"
            print(f"  {sdk:6} sent: {sent}")
            print(f"  {sdk:6} got:  {describe(rec['outcome'])}")
        print()


def main(argv):
    want_report = "--report" in argv
    args = [a for a in argv if a != "--report"]
    with open(args[0]) as f:
        cases = json.load(f)["cases"]
    records = []
    for path in args[1:]:
        with open(path) as f:
            records.extend(json.load(f))
    if want_report:
        report(cases, records)
        return 0
    by = {(r["sdk"], r["case"]): r for r in records}
    sdks = sorted({r["sdk"] for r in records}, key=lambda s: s != "python")
    passed = failed = 0
    for case in cases:
        for sdk in sdks:
            rec = by.get((sdk, case["name"]))
            if rec is None:
                continue
            result = check(effective(case, sdk), rec)
            if result is None:
                passed += 1
                print(f"{sdk:6} {case['name']}: ok")
            else:
                failed += 1
                print(f"{sdk:6} {case['name']}: MISMATCH: want {result[0]}, got {result[1]}")
    print(f"sdk: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
