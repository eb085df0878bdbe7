// The load generator's workload through the official JS SDK (@google/genai, the
// version tests/sdk/node pins), in Node: N tokens with `ai.authTokens.create`, C at a
// time, for each C; the same Markdown rows as the Rust load bench, the TLS handshakes
// each row cost (read from the emulator's /emulator/stats), and this process's peak
// RSS. Over HTTPS, Node trusts the emulator's CA through NODE_EXTRA_CA_CERTS.
//
// Usage: node bench.mjs --base-url URL --key KEY [--tokens N] [--concurrency 1,4,16,64]
//        [--sdk-dir DIR] [--csv FILE]
import { appendFileSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';

const here = dirname(fileURLToPath(import.meta.url));
const args = { tokens: '1000', concurrency: '1,4,16,64', 'sdk-dir': join(here, '../../tests/sdk/node') };
for (let i = 2; i < process.argv.length; i += 2) args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
if (!args['base-url'] || !args.key) throw new Error('--base-url and --key are needed');

// The SDK is installed in tests/sdk/node (by its setup.sh), not here.
const pkgPath = join(resolve(args['sdk-dir']), 'node_modules/@google/genai/package.json');
const pkg = JSON.parse(readFileSync(pkgPath, 'utf8'));
const { GoogleGenAI } = await import(pathToFileURL(join(dirname(pkgPath), pkg.exports['.'].node.import)).href);

// The typical config of the Rust benches, as the Python bench sends it.
function config() {
  const now = Date.now();
  return {
    uses: 1,
    expireTime: new Date(now + 1800e3).toISOString(),
    newSessionExpireTime: new Date(now + 60e3).toISOString(),
    liveConnectConstraints: {
      model: 'gemini-live-2.5-flash-preview',
      config: {
        systemInstruction: 'You are a friendly tutor. Answer in French.',
        responseModalities: ['AUDIO'],
        temperature: 0.7,
      },
    },
    lockAdditionalFields: [],
  };
}

const base = args['base-url'];
const https = base.startsWith('https://');
// The emulator's handshake counter; the read itself is one connection, closed after.
// Read with node:http(s) on a connection of its own (agent: false), not the SDK's pool.
async function handshakes() {
  const { get } = await import(https ? 'node:https' : 'node:http');
  const stats = await new Promise((ok, fail) => {
    get(`${base}/emulator/stats`, { agent: false }, (answer) => {
      let body = '';
      answer.on('data', (chunk) => (body += chunk));
      answer.on('end', () => ok(JSON.parse(body)));
    }).on('error', fail);
  });
  return https ? stats.handshakes : stats.connections;
}

const percentile = (sorted, p) => sorted[Math.round((sorted.length - 1) * p)];
const ai = new GoogleGenAI({ apiKey: args.key, httpOptions: { apiVersion: 'v1alpha', baseUrl: base } });
const tokens = Number(args.tokens);
console.log(`${tokens} tokens per row, @google/genai ${pkg.version}, Node ${process.version}, against ${base}`);
for (const c of args.concurrency.split(',').map(Number)) {
  const latencies = [];
  const before = await handshakes();
  const started = performance.now();
  const worker = async (n) => {
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      const token = await ai.authTokens.create({ config: config() });
      if (!token.name.startsWith('auth_tokens/')) throw new Error('no token');
      latencies.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: c }, (_, i) => worker(Math.floor(tokens / c) + (i < tokens % c ? 1 : 0))));
  const elapsed = (performance.now() - started) / 1000;
  const opened = (await handshakes()) - before - 1;
  latencies.sort((a, b) => a - b);
  const perSecond = latencies.length / elapsed;
  const [p50, p99] = [percentile(latencies, 0.5) * 1e3, percentile(latencies, 0.99) * 1e3];
  const shown = https ? `${opened} | ${opened}` : `${opened} | —`;
  console.log(`| @google/genai (Node) | ${c} in flight | ${perSecond.toFixed(0)} | ${p50.toFixed(0)} | ${p99.toFixed(0)} | — | ${shown} |`);
  if (args.csv) {
    appendFileSync(args.csv, `${https ? 'https' : 'http'},@google/genai (Node),${c},${perSecond.toFixed(1)},${p50.toFixed(1)},${p99.toFixed(1)},,${opened},${https ? opened : 0}\n`);
  }
}
console.log(`peak RSS of this process: ${Math.round(process.resourceUsage().maxRSS)} KiB`);
