"""Mints one token per case of tests/sdk/cases.json with the official Python SDK.

Usage: mint.py --base URL --key KEY --cases FILE --out FILE [--only NAME]...

Every request goes through a small capturing proxy on 127.0.0.1 (started here), so the
record shows the bytes the SDK put on the wire, whether the service accepted them or
not. The record never holds the API key or a minted token: the key header is noted as
present, and a token is reduced to whether it has the service's shape.
"""

import argparse
import datetime
import http.client
import http.server
import json
import re
import sys
import threading
import urllib.parse
import warnings

from google import genai
from google.genai import errors

# A wrong key for the cases that test the refusal of one; never a real key.
WRONG_KEY = "wrong-key-for-sdk-tests"
TOKEN_SHAPE = re.compile(r"^auth_tokens/[0-9a-f]{64}$")
UNITS = {"s": 1, "m": 60, "h": 3600}


class Proxy:
    """Forwards each request to the emulator and keeps what was sent and answered."""

    def __init__(self, upstream):
        parsed = urllib.parse.urlsplit(upstream)
        self.host, self.port = parsed.hostname, parsed.port
        self.exchanges = []
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _read_body(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0], 16)
                        if size == 0:
                            self.rfile.readline()
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _forward(self):
                body = self._read_body()
                headers = {
                    k: v
                    for k, v in self.headers.items()
                    if k.lower() not in ("host", "connection", "transfer-encoding", "content-length")
                }
                conn = http.client.HTTPConnection(proxy.host, proxy.port, timeout=30)
                conn.request(self.command, self.path, body=body, headers=headers)
                answer = conn.getresponse()
                answer_body = answer.read()
                conn.close()
                proxy.exchanges.append(
                    {
                        "method": self.command,
                        "path": self.path,
                        "headers": redact(self.headers),
                        "body_bytes": len(body),
                        "body_text": body.decode("utf-8", "replace"),
                        "status": answer.status,
                        "answer_text": answer_body.decode("utf-8", "replace"),
                    }
                )
                self.send_response(answer.status)
                for k, v in answer.getheaders():
                    if k.lower() not in ("connection", "transfer-encoding", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(answer_body)))
                self.end_headers()
                self.wfile.write(answer_body)

            do_POST = do_GET = do_PUT = do_PATCH = do_DELETE = _forward

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def redact(headers):
    """The headers the report shows: the key only as present or absent."""
    out = {}
    for k, v in headers.items():
        k = k.lower()
        if k == "x-goog-api-key":
            v = "<present>"
        elif k == "authorization":
            v = "<present>"
        out[k] = v
    return out


def resolve_times(value, now):
    """Turns {"$time": "+30m", "naive": bool} into the datetime a Python user passes."""
    if isinstance(value, dict):
        if "$time" in value:
            spec = value["$time"]
            delta = datetime.timedelta(seconds=int(spec[:-1]) * UNITS[spec[-1]])
            if value.get("naive"):
                # What `datetime.datetime.now() + timedelta(...)` gives: no tzinfo.
                return now.astimezone().replace(tzinfo=None) + delta
            return now + delta
        return {k: resolve_times(v, now) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_times(v, now) for v in value]
    return value


def emulator_tokens(base):
    parsed = urllib.parse.urlsplit(base)
    conn = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=30)
    conn.request("GET", "/emulator/tokens")
    data = json.loads(conn.getresponse().read())
    conn.close()
    return {t["name"]: t for t in data.get("tokens", [])}


def parse_json(text):
    try:
        return json.loads(text)
    except ValueError:
        return None


def run_case(case, base, key, proxy):
    now = datetime.datetime.now(datetime.timezone.utc)
    client = genai.Client(
        api_key=WRONG_KEY if case.get("key") == "wrong" else key,
        http_options={"api_version": "v1alpha", "base_url": proxy.url},
    )
    config = resolve_times(case.get("python"), now)
    start = len(proxy.exchanges)
    name = None
    with warnings.catch_warnings():
        # The SDK warns that token creation is experimental, on every call.
        warnings.simplefilter("ignore")
        try:
            token = (
                client.auth_tokens.create()
                if config is None
                else client.auth_tokens.create(config=config)
            )
            name = token.name or ""
            outcome = {"kind": "token", "shape_ok": bool(TOKEN_SHAPE.match(name))}
        except errors.APIError as e:
            outcome = {"kind": "error", "code": e.code, "status": e.status, "message": e.message}
        except Exception as e:  # the SDK refused the config before sending it
            outcome = {
                "kind": "client_error",
                "type": type(e).__name__,
                "message": str(e).splitlines()[0] if str(e) else "",
            }
    sent = proxy.exchanges[start:]
    request = None
    if sent:
        x = sent[0]
        request = {
            "method": x["method"],
            "path": x["path"],
            "content_type": x["headers"].get("content-type"),
            "headers": x["headers"],
            "body_bytes": x["body_bytes"],
            "body_text": x["body_text"],
            "body": parse_json(x["body_text"]),
        }
        answer = parse_json(x["answer_text"]) or {}
        reasons = [
            d.get("reason")
            for d in (answer.get("error") or {}).get("details") or []
            if isinstance(d, dict) and d.get("reason")
        ]
        if reasons and outcome["kind"] == "error":
            outcome["reason"] = reasons[0]
    stored = None
    if name:
        t = emulator_tokens(base).get(name)
        if t is not None:
            stored = {k: t.get(k) for k in ("uses", "bidiGenerateContentSetup", "fieldMask")}
    return {
        "case": case["name"],
        "sdk": "python",
        "requests": len(sent),
        "request": request,
        "outcome": outcome,
        "stored": stored,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--base", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--cases", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--only", action="append", default=[])
    args = ap.parse_args()
    with open(args.cases) as f:
        cases = json.load(f)["cases"]
    proxy = Proxy(args.base)
    records = []
    for case in cases:
        if args.only and case["name"] not in args.only:
            continue
        if case.get("python", "absent") == "absent":
            continue
        records.append(run_case(case, args.base, args.key, proxy))
    with open(args.out, "w") as f:
        json.dump(records, f, indent=1)
    proxy.server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
