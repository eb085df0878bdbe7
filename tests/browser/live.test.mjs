// A real browser on the axum example's page: headless Chromium signs in as a demo
// user, gets a one-use token from the backend, opens the Live API WebSocket with
// `?access_token=` (at the emulator the backend mints from), sees setupComplete and the
// echo of its turn, then connects again with the same token and sees the refusal.
//
//   node --test tests/browser/          (tests/browser/run.sh installs and builds first)
//
// EXAMPLE_BIN names the backend binary (default: target/debug/gemini-token-example-axum).
// Screenshots go to tests/browser/output/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const output = path.join(here, 'output');
const exampleBin = process.env.EXAMPLE_BIN ?? path.join(root, 'target/debug/gemini-token-example-axum');

const MODEL = 'models/gemini-live-2.5-flash-preview';
const INSTRUCTION = 'You are a patient language tutor for Alice.';
const GREETING = 'Hello from the browser';
// Generous bounds for liveness only: a step that takes longer has hung.
const STEP = 20_000;

/** Starts the backend on an OS-chosen port; resolves with its URL and its emulator's. */
function startBackend() {
  const env = { ...process.env, PORT: '0' };
  // No key: the backend must mint from its own emulator, never from Google.
  delete env.GOOGLE_API_KEY;
  delete env.GEMINI_API_KEY;
  const child = spawn(exampleBin, [], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`the backend did not start in time:\n${stderr}`)), STEP);
    const fail = (error) => {
      clearTimeout(timer);
      child.kill();
      reject(error);
    };
    child.on('error', fail);
    child.on('exit', (code) => fail(new Error(`the backend exited (${code}):\n${stderr}`)));
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      const listening = stderr.match(/^listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
      const emulator = stderr.match(/minting from a local emulator at (http:\/\/127\.0\.0\.1:\d+)/);
      if (listening && emulator) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        resolve({ child, url: listening[1], emulator: emulator[1], stderr: () => stderr });
      }
    });
  });
}

async function text(page, selector) {
  return (await page.textContent(selector)) ?? '';
}

test('a browser connects with a one-use token, then is refused', { timeout: 120_000 }, async () => {
  await mkdir(output, { recursive: true });
  const backend = await startBackend();
  const profile = await mkdtemp(path.join(tmpdir(), 'gemini-token-chromium-'));
  let context;
  try {
    context = await launch(profile);
    await demo(context, backend);
  } finally {
    // In this order: Chromium writes to its profile until it has exited.
    await context?.close();
    await rm(profile, { recursive: true, force: true, maxRetries: 5 });
    backend.child.kill();
  }
});

function launch(profile) {
  return chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 900, height: 1100 },
  });
}

async function demo(context, backend) {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(STEP);
  const pageErrors = [];
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });

  await page.goto(`${backend.url}/`);
  assert.equal(await page.title(), 'gemini-token: a browser on the Live API');

  await page.click('#sign-in-alice');
  assert.equal(await text(page, '#user'), 'Alice');

  await page.click('#get-token');
  await page.waitForSelector('#connect:not([disabled])');
  assert.equal(await text(page, '#token-status'), 'received (one session)');
  assert.equal(await text(page, '#token-model'), MODEL);
  // The browser talks to the emulator directly, not to the backend.
  assert.equal(await text(page, '#token-host'), new URL(backend.emulator).host);

  await page.click('#connect');
  await page.waitForSelector('#first[data-state="closed"]');
  assert.equal(await text(page, '#first-setup'), 'setupComplete');
  assert.equal(await text(page, '#first-echo'), expectedEcho());
  assert.equal(await text(page, '#first-close-code'), '1000');
  await page.screenshot({ path: path.join(output, 'connected.png'), fullPage: true });

  await page.click('#connect-again');
  await page.waitForSelector('#again[data-state="closed"]');
  assert.equal(await text(page, '#again-setup'), '');
  assert.equal(await text(page, '#again-echo'), '');
  assert.equal(await text(page, '#again-close-code'), '1011');
  assert.equal(await text(page, '#again-close-reason'), 'Token has been used too many times');
  await page.screenshot({ path: path.join(output, 'refused.png'), fullPage: true });

  // What the emulator recorded: one session, run with the token's locked model and
  // instruction, whatever the browser asked for.
  const sessions = await (await fetch(`${backend.emulator}/emulator/sessions`)).json();
  checkSessions(sessions);

  assert.deepEqual(pageErrors, []);
}

// What the emulator answers a text turn: the text, and the model and system
// instruction the session runs with (the token's, locked).
function expectedEcho() {
  return `echo: ${GREETING} (model ${MODEL}; system instruction: "${INSTRUCTION}")`;
}

// The emulator saw what the page showed: the first session set up with the token's
// model and instruction (locked) and the browser's modality (free), one turn, closed by
// the browser; the second refused, before setup, by the server.
function checkSessions({ sessions }) {
  const pick = ({ method, credential, setupComplete, turns, closedBy, closeCode, closeReason }) =>
    ({ method, credential, setupComplete, turns, closedBy, closeCode, closeReason });
  assert.deepEqual(sessions.map(pick), [
    {
      method: 'BidiGenerateContentConstrained',
      credential: 'accessToken',
      setupComplete: true,
      turns: 1,
      closedBy: 'client',
      closeCode: 1000,
      closeReason: 'done',
    },
    {
      method: 'BidiGenerateContentConstrained',
      credential: 'accessToken',
      setupComplete: false,
      turns: 0,
      closedBy: 'server',
      closeCode: 1011,
      closeReason: 'Token has been used too many times',
    },
  ]);
  assert.equal(sessions[0].token, sessions[1].token);
  assert.deepEqual(sessions[0].effectiveSetup, {
    model: MODEL,
    systemInstruction: { parts: [{ text: INSTRUCTION }], role: 'user' },
    generationConfig: { responseModalities: ['TEXT'] },
  });
}
