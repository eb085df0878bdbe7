// Mints one token per case of tests/sdk/cases.json with the official JS SDK.
//
// Usage: node mint.mjs --base URL --key KEY --cases FILE --out FILE [--only NAME]...
//
// Every request goes through a small capturing proxy on 127.0.0.1 (started here), so
// the record shows the bytes the SDK put on the wire, whether the service accepted
// them or not. The record never holds the API key or a minted token: the key header
// is noted as present, and a token is reduced to whether it has the service's shape.
import { GoogleGenAI } from '@google/genai';
import http from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';

// A wrong key for the cases that test the refusal of one; never a real key.
const WRONG_KEY = 'wrong-key-for-sdk-tests';
const TOKEN_SHAPE = /^auth_tokens\/[0-9a-f]{64}$/;
const UNITS = { s: 1, m: 60, h: 3600 };

function parseArgs(argv) {
  const args = { only: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const name = argv[i].replace(/^--/, '');
    if (name === 'only') args.only.push(argv[i + 1]);
    else args[name] = argv[i + 1];
  }
  for (const need of ['base', 'key', 'cases', 'out']) {
    if (!args[need]) throw new Error(`--${need} is required`);
  }
  return args;
}

function redact(headers) {
  const out = {};
  for (const [k, v] of Object.entries(headers)) {
    const name = k.toLowerCase();
    out[name] = name === 'x-goog-api-key' || name === 'authorization' ? '<present>' : v;
  }
  return out;
}

function startProxy(upstream) {
  const target = new URL(upstream);
  const exchanges = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const headers = { ...req.headers };
      for (const h of ['host', 'connection', 'transfer-encoding', 'content-length']) delete headers[h];
      headers['content-length'] = String(body.length);
      const up = http.request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers },
        (answer) => {
          const parts = [];
          answer.on('data', (c) => parts.push(c));
          answer.on('end', () => {
            const answerBody = Buffer.concat(parts);
            exchanges.push({
              method: req.method,
              path: req.url,
              headers: redact(req.headers),
              body_bytes: body.length,
              body_text: body.toString('utf8'),
              status: answer.statusCode,
              answer_text: answerBody.toString('utf8'),
            });
            const out = { ...answer.headers };
            for (const h of ['connection', 'transfer-encoding']) delete out[h];
            out['content-length'] = String(answerBody.length);
            res.writeHead(answer.statusCode, out);
            res.end(answerBody);
          });
        },
      );
      up.on('error', (e) => {
        res.writeHead(502);
        res.end(String(e));
      });
      up.end(body);
    });
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ server, exchanges, url: `http://127.0.0.1:${server.address().port}` });
    });
  });
}

// Turns {"$time": "+30m", "naive": bool} into the string a JS user passes: an ISO
// time from Date (UTC, "Z"), or for "naive" the same digits with no offset.
function resolveTimes(value, now) {
  if (Array.isArray(value)) return value.map((v) => resolveTimes(v, now));
  if (value !== null && typeof value === 'object') {
    if ('$time' in value) {
      const spec = value.$time;
      const ms = Number.parseInt(spec.slice(0, -1), 10) * UNITS[spec.slice(-1)] * 1000;
      const iso = new Date(now + ms).toISOString();
      return value.naive ? iso.replace(/Z$/, '') : iso;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveTimes(v, now)]));
  }
  return value;
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

async function emulatorTokens(base) {
  const r = await fetch(`${base}/emulator/tokens`);
  const data = await r.json();
  return new Map((data.tokens || []).map((t) => [t.name, t]));
}

async function runCase(c, base, key, proxy) {
  const ai = new GoogleGenAI({
    apiKey: c.key === 'wrong' ? WRONG_KEY : key,
    httpOptions: { apiVersion: 'v1alpha', baseUrl: proxy.url },
  });
  const config = resolveTimes(c.js, Date.now());
  const start = proxy.exchanges.length;
  let name = null;
  let outcome;
  try {
    const token = await ai.authTokens.create(config === null ? {} : { config });
    name = token.name || '';
    outcome = { kind: 'token', shape_ok: TOKEN_SHAPE.test(name) };
  } catch (e) {
    if (e && e.constructor && e.constructor.name === 'ApiError') {
      // The JS SDK's ApiError carries the HTTP status and, as its message, the body.
      const body = parseJson(e.message);
      const err = (body && body.error) || {};
      outcome = {
        kind: 'error',
        code: e.status,
        status: err.status ?? null,
        message: err.message ?? e.message,
      };
    } else {
      outcome = {
        kind: 'client_error',
        type: (e && e.constructor && e.constructor.name) || typeof e,
        message: String((e && e.message) || e).split('\n')[0],
      };
    }
  }
  const sent = proxy.exchanges.slice(start);
  let request = null;
  if (sent.length > 0) {
    const x = sent[0];
    request = {
      method: x.method,
      path: x.path,
      content_type: x.headers['content-type'] ?? null,
      headers: x.headers,
      body_bytes: x.body_bytes,
      body_text: x.body_text,
      body: parseJson(x.body_text),
    };
    const answer = parseJson(x.answer_text) || {};
    const details = (answer.error && answer.error.details) || [];
    const reason = details.map((d) => d && d.reason).find(Boolean);
    if (reason && outcome.kind === 'error') outcome.reason = reason;
  }
  let stored = null;
  if (name) {
    const t = (await emulatorTokens(base)).get(name);
    if (t) {
      stored = {
        uses: t.uses ?? null,
        bidiGenerateContentSetup: t.bidiGenerateContentSetup ?? null,
        fieldMask: t.fieldMask ?? null,
      };
    }
  }
  return { case: c.name, sdk: 'node', requests: sent.length, request, outcome, stored };
}

const args = parseArgs(process.argv.slice(2));
const cases = JSON.parse(readFileSync(args.cases, 'utf8')).cases;
const proxy = await startProxy(args.base);
const records = [];
for (const c of cases) {
  if (args.only.length > 0 && !args.only.includes(c.name)) continue;
  if (!('js' in c)) continue;
  records.push(await runCase(c, args.base, args.key, proxy));
}
writeFileSync(args.out, JSON.stringify(records, null, 1));
// The SDK's kept-alive connections would hold the proxy open.
proxy.server.closeAllConnections();
proxy.server.close();
