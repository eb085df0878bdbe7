// The official JS SDK (@google/genai, installed by tests/sdk/node/setup.sh) on the
// emulator's Live endpoint: tokens minted with the SDK, sessions opened with
// `ai.live.connect` and the token as the API key, refusals as the SDK surfaces them,
// and the effective setup of each lock mode read back from GET /emulator/sessions.
//
//   node tests/sdk-live/live.mjs --base http://127.0.0.1:PORT --key KEY
//
// Prints `pass node CASE` or `FAIL node CASE: why` per case; tests/sdk-live/run.sh
// counts them.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const here = path.dirname(fileURLToPath(import.meta.url));
// The SDK as tests/sdk installs it: its ESM build for Node, found through the
// package's own `exports`, so this directory needs no install of its own.
const sdkDir = path.resolve(here, '../sdk/node/node_modules/@google/genai');
const sdkExports = JSON.parse(readFileSync(path.join(sdkDir, 'package.json'), 'utf8')).exports;
const { GoogleGenAI, Modality } = await import(pathToFileURL(path.join(sdkDir, sdkExports['.'].node.import)).href);

const cases = JSON.parse(readFileSync(path.join(here, 'cases.json'), 'utf8'));

const { values: flags } = parseArgs({ options: { base: { type: 'string' }, key: { type: 'string' } } });
if (!flags.base || !flags.key) {
  console.error('usage: live.mjs --base URL --key KEY');
  process.exit(2);
}
const httpOptions = { apiVersion: 'v1alpha', baseUrl: flags.base };
const minter = new GoogleGenAI({ apiKey: flags.key, httpOptions });

// A step that takes longer than this has hung: a bound for liveness, not a timing check.
const STEP_MS = 15_000;

// The SDK warns on stderr that token support is experimental, once per connection.
const warn = console.warn;
console.warn = (...args) => {
  if (!String(args[0]).includes('Ephemeral token support is experimental')) warn(...args);
};

function inSeconds(seconds) {
  return new Date(Date.now() + seconds * 1000).toISOString();
}

async function mint({ uses = 1, expireIn = 1800, newSessionIn = 60, lock } = {}) {
  const config = {
    uses,
    expireTime: inSeconds(expireIn),
    newSessionExpireTime: inSeconds(newSessionIn),
    liveConnectConstraints: {
      model: cases.token.model,
      config: {
        systemInstruction: cases.token.systemInstruction,
        temperature: cases.token.temperature,
        responseModalities: [Modality.TEXT],
      },
    },
  };
  if (lock === 'set') config.lockAdditionalFields = [];
  if (lock === 'extra') config.lockAdditionalFields = ['topP'];
  const token = await minter.authTokens.create({ config });
  return token.name;
}

/** What the client asks for: all of it differs from what the token sets. */
const CLIENT_CONFIG = {
  systemInstruction: cases.client.systemInstruction,
  temperature: cases.client.temperature,
  topP: cases.client.topP,
  maxOutputTokens: cases.client.maxOutputTokens,
  responseModalities: [Modality.TEXT],
};

function within(promise, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${STEP_MS} ms`)), STEP_MS);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `ai.live.connect` with the token as the API key. Resolves with `{session}` once the
 * SDK has seen setupComplete, or with `{closed: {code, reason}}` when the server closes
 * first: the SDK's `connect()` then never settles, and the close reaches only
 * `callbacks.onclose`.
 */
async function connect(token) {
  const ai = new GoogleGenAI({ apiKey: token, httpOptions });
  const inbox = [];
  let wake = () => {};
  let resolveClosed;
  const closed = new Promise((resolve) => { resolveClosed = resolve; });
  // An error event comes before a close without a frame (1006): its message says why
  // (`Unexpected server response: 404` when the handshake was refused).
  let error;
  const callbacks = {
    onmessage: (message) => { inbox.push(message); wake(); },
    onerror: (event) => { error = event.message; },
    onclose: (event) => {
      resolveClosed({ code: event.code, reason: event.reason, ...(error && { error }) });
      wake();
    },
  };
  const opened = ai.live
    .connect({ model: cases.client.model, config: structuredClone(CLIENT_CONFIG), callbacks })
    .then((session) => ({ session }));
  const first = await within(Promise.race([opened, closed.then((c) => ({ closed: c }))]), 'connect');
  if (first.closed) return first;

  const next = async () => {
    while (inbox.length === 0) {
      const woken = new Promise((resolve) => { wake = resolve; });
      const done = await within(Promise.race([woken.then(() => null), closed]), 'a server message');
      if (done && inbox.length === 0) return { closed: done };
    }
    return { message: inbox.shift() };
  };
  return { session: first.session, next, closed };
}

/** One text turn: the concatenated model text, once turnComplete arrives. */
async function turn(live, text) {
  live.session.sendClientContent({ turns: [{ role: 'user', parts: [{ text }] }], turnComplete: true });
  let answer = '';
  for (;;) {
    const got = await live.next();
    if (got.closed) throw new Error(`closed mid-turn: ${got.closed.code} ${got.closed.reason}`);
    if (got.message.setupComplete) continue;
    for (const part of got.message.serverContent?.modelTurn?.parts ?? []) answer += part.text ?? '';
    if (got.message.serverContent?.turnComplete) return answer;
  }
}

/** The emulator's record of the sessions this token opened, oldest first. */
async function sessionsOf(token) {
  const answer = await fetch(`${flags.base}/emulator/sessions`);
  assert.equal(answer.status, 200);
  return sessionsOfToken(await answer.json(), token);
}

/** A session through to its end: setupComplete, one turn, the client's close. */
async function fullSession(token) {
  const live = await connect(token);
  assert.ok(live.session, `refused: ${JSON.stringify(live.closed)}`);
  const answer = await turn(live, cases.greeting);
  live.session.close();
  const closed = await within(live.closed, 'the close');
  return { answer, closed };
}

async function refusal(token) {
  const live = await connect(token);
  if (live.session) {
    live.session.close();
    throw new Error('the session opened: setupComplete arrived');
  }
  return live.closed;
}

async function lockCase(lock) {
  const token = await mint({ lock });
  const { answer } = await fullSession(token);
  const expected = cases.expected[lock];
  assert.equal(answer, echo(cases.greeting, expected));
  const sessions = await sessionsOf(token);
  assert.equal(sessions.length, 1);
  assert.equal(sessions[0].credential, 'accessToken');
  // The client did ask for its own values...
  assert.deepEqual(summary(sessions[0].clientSetup), cases.clientSetup);
  // ...and the session ran with the token's where locked, the client's where free.
  assert.deepEqual(summary(sessions[0].effectiveSetup), expected);
}

/** The model turn the emulator answers a text turn with. */
function echo(text, setup) {
  return `echo: ${text} (model ${setup.model}; system instruction: "${setup.systemInstruction}")`;
}

function ended(session) {
  const { method, apiVersion, credential, setupComplete, turns, closedBy, closeCode } = session;
  return { method, apiVersion, credential, setupComplete, turns, closedBy, closeCode };
}

function sessionsOfToken(body, token) {
  return body.sessions.filter((session) => session.token === token);
}

/** The fields of a setup the cases set, in the shape of cases.json. */
function summary(setup) {
  const generation = setup?.generationConfig ?? {};
  return {
    model: setup?.model ?? null,
    systemInstruction: (setup?.systemInstruction?.parts ?? []).map((part) => part.text).join(' '),
    temperature: generation.temperature ?? null,
    topP: generation.topP ?? null,
    maxOutputTokens: generation.maxOutputTokens ?? null,
    responseModalities: generation.responseModalities ?? null,
  };
}

const run = [];
const add = (name, body) => run.push([name, body]);

let oneUse;
add('connect_turn_close', async () => {
  oneUse = await mint();
  const { answer, closed } = await fullSession(oneUse);
  assert.equal(answer, echo(cases.greeting, cases.expected.all));
  // session.close() sends a close frame without a code: 1005, "no status received".
  assert.deepEqual(closed, { code: 1005, reason: '' });
  const [session] = await sessionsOf(oneUse);
  assert.deepEqual(ended(session), {
    method: 'BidiGenerateContentConstrained',
    apiVersion: 'v1alpha',
    credential: 'accessToken',
    setupComplete: true,
    turns: 1,
    closedBy: 'client',
    closeCode: null,
  });
});
add('second_connection_refused', async () => {
  assert.deepEqual(await refusal(oneUse), { code: 1011, reason: 'Token has been used too many times' });
});
add('lock_all', () => lockCase('all'));
add('lock_set_fields', () => lockCase('set'));
add('lock_extra', () => lockCase('extra'));

let expired;
let lateForNew;
add('expired_token', async () => {
  // No clock to move from outside the emulator: deadlines 2 s ahead, then a wait.
  expired = await mint({ expireIn: 2, newSessionIn: 2 });
  lateForNew = await mint({ newSessionIn: 2 });
  await new Promise((resolve) => setTimeout(resolve, 2500));
  assert.deepEqual(await refusal(expired), { code: 1011, reason: 'Token has expired' });
});
add('new_session_deadline', async () => {
  assert.deepEqual(await refusal(lateForNew), { code: 1011, reason: 'new_session_expire_time deadline exceeded' });
});
add('expires_during_session', async () => {
  const token = await mint({ expireIn: 2, newSessionIn: 2 });
  const live = await connect(token);
  assert.ok(live.session, `refused: ${JSON.stringify(live.closed)}`);
  assert.equal(await turn(live, cases.greeting), echo(cases.greeting, cases.expected.all));
  assert.deepEqual(await within(live.closed, 'the close at expiry'), { code: 1011, reason: 'auth token has expired' });
});

for (const [name, body] of run) {
  try {
    await body();
    console.log(`pass node ${name}`);
  } catch (e) {
    console.log(`FAIL node ${name}: ${String(e.message ?? e).split('\n').join(' ')}`);
  }
}
// The SDK's pending connect() promises and sockets must not keep the process alive.
process.exit(0);
