// The browser half of the demo: sign in, fetch a token from the backend, and talk to the
// Live API over a WebSocket with that token. Plain script, no build step, no libraries.
'use strict';

const GREETING = 'Hello from the browser';

let bearer = null;
let token = null;

const $ = (id) => document.getElementById(id);

function show(id, text) {
  // textContent only: what the server sends is shown, never interpreted as HTML.
  $(id).textContent = text;
}

function log(direction, text) {
  const line = document.createElement('div');
  line.textContent = `${new Date().toISOString().slice(11, 23)} ${direction} ${text}`;
  $('log').append(line);
}

for (const button of document.querySelectorAll('[data-bearer]')) {
  button.addEventListener('click', () => {
    bearer = button.dataset.bearer;
    token = null;
    show('user', button.dataset.name);
    show('token-status', 'none');
    $('get-token').disabled = false;
    $('connect').disabled = true;
    $('connect-again').disabled = true;
  });
}

$('get-token').addEventListener('click', async () => {
  $('get-token').disabled = true;
  try {
    const answer = await fetch('/api/live-token', {
      method: 'POST',
      headers: { Authorization: `Bearer ${bearer}` },
    });
    const body = await answer.json();
    if (!answer.ok) {
      show('token-status', `refused: ${answer.status} ${body.error}`);
      return;
    }
    token = body;
    // The token itself stays off the page: it is a credential.
    show('token-status', 'received (one session)');
    show('token-model', body.model);
    show('token-expires', body.expireTime);
    show('token-host', new URL(body.liveUrl).host);
    for (const section of ['first', 'again']) reset(section);
    $('connect').disabled = false;
    $('connect-again').disabled = true;
  } catch (e) {
    show('token-status', `failed: ${e}`);
  } finally {
    $('get-token').disabled = false;
  }
});

$('connect').addEventListener('click', () => {
  $('connect').disabled = true;
  session('first', () => { $('connect-again').disabled = false; });
});

$('connect-again').addEventListener('click', () => {
  $('connect-again').disabled = true;
  session('again', () => {});
});

function reset(section) {
  setState(section, 'idle');
  for (const field of ['setup', 'echo', 'close-code', 'close-reason']) show(`${section}-${field}`, '');
}

function setState(section, state) {
  $(section).dataset.state = state;
  show(`${section}-state`, state);
}

// One Live session: setup, one text turn, close; every step shown under `section`.
function session(section, onClosed) {
  reset(section);
  setState(section, 'connecting');
  const ws = new WebSocket(token.liveUrl);
  let echo = '';

  const send = (message) => {
    const text = JSON.stringify(message);
    log('→', text);
    ws.send(text);
  };

  ws.addEventListener('open', () => {
    setState(section, 'open');
    // The model as the backend locked it. Text answers, since a Live model answers in
    // audio unless asked otherwise (a field the token leaves to the client).
    send({ setup: { model: token.model, generationConfig: { responseModalities: ['TEXT'] } } });
  });

  ws.addEventListener('message', async (event) => {
    // Google's service sends JSON in binary frames; the emulator may send text.
    const text = typeof event.data === 'string' ? event.data : await event.data.text();
    log('←', text);
    let message;
    try {
      message = JSON.parse(text);
    } catch {
      return;
    }
    if (message.setupComplete) {
      setState(section, 'setup complete');
      show(`${section}-setup`, 'setupComplete');
      send({ clientContent: { turns: [{ role: 'user', parts: [{ text: GREETING }] }], turnComplete: true } });
    }
    const content = message.serverContent;
    for (const part of content?.modelTurn?.parts ?? []) {
      if (typeof part.text === 'string') {
        echo += part.text;
        show(`${section}-echo`, echo);
      }
    }
    if (content?.turnComplete) {
      setState(section, 'turn complete');
      ws.close(1000, 'done');
    }
  });

  ws.addEventListener('close', (event) => {
    log('×', `close ${event.code} ${event.reason}`);
    show(`${section}-close-code`, String(event.code));
    show(`${section}-close-reason`, event.reason);
    setState(section, 'closed');
    onClosed();
  });
}
