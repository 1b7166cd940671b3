// The worker half of trading (docs/contracts.md, Worker): order writes through the proxy (never
// re-sent; an unanswered one is 502 outcome_unknown), the read-only session, instrument reads,
// and the account-streamer relay at /api/account-streamer (Origin and cookie checked, only
// connect / account-subscribe / heartbeat forwarded, the session's token put in by the worker,
// closed on sign-out).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, CSRF, SIM_URL, api, rawRequest, signIn, sim, workerAt } from './harness.mjs';

const SHORT_APP_URL = process.env.SHORT_APP_URL ?? 'http://localhost:8798';
const ACCOUNT = '5WT00001';
const WRITE = { ...CSRF, 'content-type': 'application/json', origin: new URL(APP_URL).origin };
const stats = async () => (await sim.stats())['api-requests'];
const simPost = async (path, body) => {
  const res = await fetch(SIM_URL + path, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  assert.equal(res.status, 200, `${path}: ${res.status}`);
};
const failNextOrder = (spec) => simPost('/sim/orders/fail-next', spec);

/** A limit order far under the market (it stays working); `price` tells orders apart. */
const limitBuy = (price, symbol = 'AAPL') => ({
  'time-in-force': 'Day', 'order-type': 'Limit', price: String(price), 'price-effect': 'Debit',
  legs: [{ 'instrument-type': 'Equity', symbol, quantity: 1, action: 'Buy to Open' }],
});
/** A distinct price per call, so a test finds exactly its own orders in the live list. */
let nextCents = 100 + Math.floor(Math.random() * 5000);
const uniquePrice = () => (nextCents++ / 100).toFixed(2);

function write(method, path, cookie, body, base = APP_URL) {
  return fetch(base + '/api' + path, {
    method,
    headers: { ...WRITE, origin: new URL(base).origin, cookie },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function liveOrdersAt(price, cookie, base = APP_URL) {
  const res = await fetch(`${base}/api/accounts/${ACCOUNT}/orders/live`, { headers: { cookie } });
  assert.equal(res.status, 200);
  const items = (await res.json()).data.items;
  return items.filter((o) => Number(o.price) === Number(price));
}

let cookie;
before(async () => {
  await sim.reset();
  ({ cookie } = await signIn());
});
after(async () => {
  await sim.config({ 'access-token-ttl': 900 });
});

test('a sign-in with trade says can-trade; instruments, search and chains are readable', async () => {
  const session = await (await api('/auth/session', cookie)).json();
  assert.equal(session['can-trade'], true);
  for (const path of [
    '/instruments/equities/AAPL',
    '/instruments/equities?symbol[]=AAPL&symbol[]=SPY',
    '/symbols/search/AA',
    '/option-chains/SPY/nested',
    '/instruments/future-products',
    '/futures-option-chains/ES/nested',
  ]) {
    const res = await api('/api' + path, cookie);
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    assert.ok((await res.json()).data, path);
  }
  // A futures symbol keeps its slash encoded on the way to tastytrade.
  const res = await api('/api/instruments/equities/BRK%2FB', cookie);
  assert.notEqual(res.status, 403);
  const before = await stats();
  for (const bad of ['/symbols/search/A%3FB', '/instruments/equities/%2E%2E', '/option-chains/A+B/nested']) {
    const refused = await api('/api' + bad, cookie);
    assert.equal(refused.status, 403, bad);
  }
  assert.equal(await stats(), before, 'a refused symbol reached tastytrade');
});

test('dry-run and place through the worker; the order is live; cancel/replace and cancel', async () => {
  const price = uniquePrice();
  let res = await write('POST', `/accounts/${ACCOUNT}/orders/dry-run`, cookie, limitBuy(price));
  assert.equal(res.status, 201);
  let body = await res.json();
  assert.equal(body.data.order.status, 'Received');
  assert.ok(body.data['buying-power-effect']);
  assert.equal((await liveOrdersAt(price, cookie)).length, 0, 'a dry-run places nothing');

  res = await write('POST', `/accounts/${ACCOUNT}/orders`, cookie, limitBuy(price));
  assert.equal(res.status, 201);
  body = await res.json();
  const id = body.data.order.id;
  assert.ok(id, 'the placed order has an id');
  const live = await liveOrdersAt(price, cookie);
  assert.deepEqual(live.map((o) => o.id), [id]);

  // Replace: its dry-run, then the PUT; the old order is replaced by a new one.
  const newPrice = uniquePrice();
  const replacement = { 'time-in-force': 'Day', 'order-type': 'Limit', price: newPrice, 'price-effect': 'Debit' };
  res = await write('POST', `/accounts/${ACCOUNT}/orders/${id}/dry-run`, cookie, replacement);
  assert.equal(res.status, 201, await res.clone().text());
  res = await write('PUT', `/accounts/${ACCOUNT}/orders/${id}`, cookie, replacement);
  assert.equal(res.status, 200, await res.clone().text());
  const replaced = (await res.json()).data;
  assert.equal(String(replaced['replaces-order-id']), String(id));
  assert.equal((await liveOrdersAt(newPrice, cookie)).length, 1);

  res = await write('DELETE', `/accounts/${ACCOUNT}/orders/${replaced.id}`, cookie);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).data.status, 'Cancel Requested');
  // Cancelling it again: tastytrade's 422 passes through as it is.
  await new Promise((r) => setTimeout(r, 300));
  res = await write('DELETE', `/accounts/${ACCOUNT}/orders/${replaced.id}`, cookie);
  assert.equal(res.status, 422);
  assert.equal((await res.json()).error.code, 'cannot_update_order');
});

test('order writes keep the write rules: CSRF, same origin, JSON, size', async () => {
  const path = `/api/accounts/${ACCOUNT}/orders`;
  const body = JSON.stringify(limitBuy(uniquePrice()));
  const before = await stats();
  let res = await fetch(APP_URL + path, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body });
  assert.equal(res.status, 403);
  res = await fetch(APP_URL + path, { method: 'POST', headers: { ...WRITE, cookie, origin: 'https://evil.example' }, body });
  assert.equal(res.status, 403);
  res = await fetch(APP_URL + path, { method: 'POST', headers: { ...WRITE, cookie, 'content-type': 'text/plain' }, body });
  assert.equal(res.status, 415);
  res = await fetch(APP_URL + path, { method: 'POST', headers: { ...WRITE, cookie }, body: '{"legs": [' });
  assert.equal(res.status, 400);
  res = await fetch(APP_URL + path, { method: 'POST', headers: { ...WRITE, cookie }, body: JSON.stringify({ pad: 'x'.repeat(70 * 1024) }) });
  assert.equal(res.status, 413);
  assert.equal(await stats(), before, 'a refused order write reached tastytrade');
});

test('tastytrade preflight errors (422) pass through', async () => {
  const order = limitBuy(uniquePrice());
  order['price-effect'] = 'Credit';
  const res = await write('POST', `/accounts/${ACCOUNT}/orders`, cookie, order);
  assert.equal(res.status, 422);
  const body = await res.json();
  assert.equal(body.error.code, 'preflight_check_failure');
  assert.ok(body.error.errors.length > 0);
});

test('an order POST answered 500 after acceptance: 502 outcome_unknown, placed exactly once', async () => {
  const price = uniquePrice();
  await failNextOrder({ mode: '500' });
  const before = await stats();
  const res = await write('POST', `/accounts/${ACCOUNT}/orders`, cookie, limitBuy(price));
  assert.equal(res.status, 502);
  const body = await res.json();
  assert.equal(body.error.code, 'outcome_unknown');
  assert.match(body.error.message, /live orders/);
  assert.doesNotMatch(JSON.stringify(body), /simulated|"data"/, 'the 5xx body is not passed on');
  assert.equal(await stats(), before + 1, 'sent once, never again');
  assert.equal((await liveOrdersAt(price, cookie)).length, 1, 'the simulator has it exactly once');
});

test('an order POST that times out after acceptance: 502 outcome_unknown, placed exactly once', async () => {
  // The short worker waits 1.5 s for tastytrade (scripts/e2e.sh); its session lives 6 s.
  const short = workerAt(SHORT_APP_URL);
  const { cookie: shortCookie } = await short.signIn();
  const price = uniquePrice();
  await failNextOrder({ mode: 'timeout', 'hang-ms': 4000 });
  const before = await stats();
  const started = Date.now();
  const res = await write('POST', `/accounts/${ACCOUNT}/orders`, shortCookie, limitBuy(price), SHORT_APP_URL);
  const took = Date.now() - started;
  assert.equal(res.status, 502);
  assert.equal((await res.json()).error.code, 'outcome_unknown');
  assert.ok(took < 3900, `answered after the worker's timeout, not tastytrade's hang (${took} ms)`);
  await new Promise((r) => setTimeout(r, 4200 - took));
  assert.equal(await stats(), before + 1, 'never re-sent');
  assert.equal((await liveOrdersAt(price, cookie)).length, 1, 'the simulator has it exactly once');
});

test('an order DELETE that gets no answer (network failure) is outcome_unknown too', async () => {
  const price = uniquePrice();
  const res = await write('POST', `/accounts/${ACCOUNT}/orders`, cookie, limitBuy(price));
  const id = (await res.json()).data.order.id;
  await simPost('/sim/fail-next', { mode: 'drop', 'path-prefix': `/accounts/${ACCOUNT}/orders/${id}` });
  const before = await stats();
  const cancel = await write('DELETE', `/accounts/${ACCOUNT}/orders/${id}`, cookie);
  assert.equal(cancel.status, 502);
  assert.equal((await cancel.json()).error.code, 'outcome_unknown');
  assert.equal(await stats(), before + 1, 'never re-sent');
});

test('a read-only session: can-trade false, every order write 403 read_only, nothing sent', async () => {
  const { cookie: readOnly, body } = await signIn({ scope: 'read' });
  assert.equal(body['can-trade'] ?? false, false);
  const session = await (await api('/auth/session', readOnly)).json();
  assert.equal(session['can-trade'] ?? false, false);
  // Its reads work.
  assert.equal((await api(`/api/accounts/${ACCOUNT}/orders/live`, readOnly)).status, 200);
  const before = await stats();
  for (const [method, path, order] of [
    ['POST', `/accounts/${ACCOUNT}/orders/dry-run`, limitBuy('1.00')],
    ['POST', `/accounts/${ACCOUNT}/orders`, limitBuy('1.00')],
    ['POST', `/accounts/${ACCOUNT}/orders/1/dry-run`, limitBuy('1.00')],
    ['PUT', `/accounts/${ACCOUNT}/orders/1`, limitBuy('1.00')],
    ['DELETE', `/accounts/${ACCOUNT}/orders/1`, undefined],
  ]) {
    const res = await write(method, path, readOnly, order);
    assert.equal(res.status, 403, `${method} ${path}`);
    assert.equal((await res.json()).error.code, 'read_only', `${method} ${path}`);
  }
  assert.equal(await stats(), before, 'a read-only order write reached tastytrade');
});

// --- the account-streamer relay -------------------------------------------------------------

const STREAM_URL = APP_URL.replace(/^http/, 'ws') + '/api/account-streamer';

/** Opens the relay; resolves { ws, next(pred), closed } or rejects with the HTTP refusal. */
function openStream(cookieHeader, { origin = new URL(APP_URL).origin, url = STREAM_URL } = {}) {
  return new Promise((resolve, reject) => {
    const headers = { ...(cookieHeader ? { cookie: cookieHeader } : {}), ...(origin ? { origin } : {}) };
    const ws = new WebSocket(url, { headers });
    const frames = [];
    const waiters = [];
    let closeInfo;
    const closeWaiters = [];
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      frames.push(msg);
      for (const w of [...waiters]) if (w.pred(msg)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(msg); }
    };
    ws.onclose = (e) => {
      closeInfo = { code: e.code, reason: e.reason, at: Date.now() };
      for (const w of closeWaiters) w(closeInfo);
      for (const w of waiters) w.reject(new Error(`closed ${e.code} waiting`));
    };
    ws.onerror = () => { if (ws.readyState !== WebSocket.OPEN) reject(new Error('refused')); };
    ws.onopen = () => resolve({
      ws,
      frames,
      send: (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)),
      next: (pred, ms = 5000) => {
        const seen = frames.find(pred);
        if (seen) { frames.splice(frames.indexOf(seen), 1); return Promise.resolve(seen); }
        return new Promise((res, rej) => {
          const w = { pred, resolve: (m) => { clearTimeout(t); frames.splice(frames.indexOf(m), 1); res(m); }, reject: rej };
          const t = setTimeout(() => { waiters.splice(waiters.indexOf(w), 1); rej(new Error('no such frame in time')); }, ms);
          waiters.push(w);
        });
      },
      closed: () => closeInfo ? Promise.resolve(closeInfo) : new Promise((r) => closeWaiters.push(r)),
    });
  });
}

/** The upgrade's HTTP answer when it is refused (status and body). */
function upgradeRefusal(headers) {
  return rawRequest('GET', '/api/account-streamer', {
    upgrade: 'websocket', connection: 'Upgrade', 'sec-websocket-version': '13',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers,
  });
}

const ack = (action, id) => (m) => m.action === action && m['request-id'] === id;

test('relay: no cookie 401, another origin 403, both refused before any socket opens', async () => {
  const before = await stats();
  let r = await upgradeRefusal({ origin: new URL(APP_URL).origin });
  assert.equal(r.status, 401);
  assert.match(r.body, /session_required/);
  r = await upgradeRefusal({ cookie, origin: 'https://evil.example' });
  assert.equal(r.status, 403);
  r = await upgradeRefusal({ cookie });
  assert.equal(r.status, 403, 'no Origin at all');
  await assert.rejects(openStream(null));
  await assert.rejects(openStream(cookie, { origin: 'https://evil.example' }));
  assert.equal(await stats(), before, 'nothing reached tastytrade');
});

test('relay: connect own accounts, heartbeats answered, others refused, forged token ignored', async () => {
  const s = await openStream(cookie);
  // A forged token from the page is replaced with the session's (the simulator refuses unknown
  // tokens, so an ok ack means the worker's token was used).
  s.send({ action: 'connect', value: [ACCOUNT, '5WT00002'], 'auth-token': 'Bearer forged-by-page', 'request-id': 1, source: 'e2e' });
  const connected = await s.next(ack('connect', 1));
  assert.equal(connected.status, 'ok', JSON.stringify(connected));
  assert.deepEqual(connected.value, [ACCOUNT, '5WT00002']);
  s.send({ action: 'heartbeat', 'request-id': 2 });
  assert.equal((await s.next(ack('heartbeat', 2))).status, 'ok');
  // Another customer's account: refused by the worker, the socket stays open.
  s.send({ action: 'connect', value: '5WX99999', 'request-id': 3 });
  const refused = await s.next((m) => m.status === 'error' && m.action === 'connect');
  assert.deepEqual(refused, { status: 'error', action: 'connect', message: 'not allowed' });
  for (const bad of [{ action: 'public-watchlists-subscribe' }, { action: 'user-message-subscribe', value: 'x' }]) {
    s.send(bad);
    assert.deepEqual(await s.next((m) => m.status === 'error' && m.action === bad.action),
      { status: 'error', action: bad.action, message: 'not allowed' });
  }
  s.send('not json');
  assert.deepEqual(await s.next((m) => m.status === 'error' && m.action === null),
    { status: 'error', action: null, message: 'not allowed' });
  s.send({ action: 'heartbeat', source: 'x'.repeat(5000) });
  await s.next((m) => m.status === 'error' && m.message === 'not allowed');
  // Still open and working.
  s.send({ action: 'heartbeat', 'request-id': 4 });
  assert.equal((await s.next(ack('heartbeat', 4))).status, 'ok');
  // Nothing the relay passes on carries a token.
  const issued = await sim.issuedTokens();
  const all = JSON.stringify(s.frames);
  for (const t of issued['access-tokens']) assert.ok(!all.includes(t), 'a token reached the page');
  s.ws.close();
});

test('relay: an order placed through the proxy arrives as an Order notification', async () => {
  const s = await openStream(cookie);
  s.send({ action: 'connect', value: ACCOUNT, 'request-id': 1 });
  assert.equal((await s.next(ack('connect', 1))).status, 'ok');
  const price = uniquePrice();
  const res = await write('POST', `/accounts/${ACCOUNT}/orders`, cookie, limitBuy(price));
  assert.equal(res.status, 201);
  const id = (await res.json()).data.order.id;
  const note = await s.next((m) => m.type === 'Order' && m.data?.id === id);
  assert.equal(note.data['account-number'], ACCOUNT);
  assert.ok(['Routed', 'Live', 'Received'].includes(note.data.status), note.data.status);
  assert.ok(Number.isFinite(note.timestamp));
  s.ws.close();
});

test('relay: messages after the access token expired still go through (renewed by the worker)', async () => {
  await sim.config({ 'access-token-ttl': 4 });
  try {
    const { cookie: c } = await signIn();
    const s = await openStream(c);
    s.send({ action: 'connect', value: ACCOUNT, 'request-id': 1 });
    assert.equal((await s.next(ack('connect', 1))).status, 'ok');
    const tokensBefore = (await sim.stats())['token-requests'];
    await new Promise((r) => setTimeout(r, 5000));
    s.send({ action: 'heartbeat', 'request-id': 2 });
    const beat = await s.next(ack('heartbeat', 2));
    assert.equal(beat.status, 'ok', JSON.stringify(beat));
    assert.ok((await sim.stats())['token-requests'] > tokensBefore, 'the worker refreshed the token');
    s.ws.close();
  } finally {
    await sim.config({ 'access-token-ttl': 900 });
  }
});

test('relay: sign-out closes the socket within a second', async () => {
  const { cookie: c } = await signIn();
  const s = await openStream(c);
  s.send({ action: 'connect', value: ACCOUNT, 'request-id': 1 });
  assert.equal((await s.next(ack('connect', 1))).status, 'ok');
  const started = Date.now();
  const out = await fetch(APP_URL + '/auth/logout', { method: 'POST', headers: { ...WRITE, cookie: c } });
  assert.equal(out.status, 204);
  const closed = await Promise.race([
    s.closed(),
    new Promise((r) => setTimeout(() => r(null), 3000)),
  ]);
  assert.ok(closed, 'the socket did not close');
  const ms = closed.at - started;
  console.log(`sign-out -> relay closed in ${ms} ms (code ${closed.code}, "${closed.reason}")`);
  assert.ok([1000, 4001].includes(closed.code), String(closed.code));
  assert.ok(ms <= 1000, `closed after ${ms} ms`);
  // And the session is gone for a new socket.
  assert.equal((await upgradeRefusal({ cookie: c, origin: new URL(APP_URL).origin })).status, 401);
});
