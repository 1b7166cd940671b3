// Black-box tests of the worker's sign-in hardening, body limits, cookie rules, single-flight
// refresh under latency and static caching (issue "Harden sign-in, the proxy and the simulator").
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  APP_URL, CSRF, SESSION_COOKIE, api, authorizeCode, exchange, pkcePair, signIn, sim,
} from './harness.mjs';

before(async () => sim.reset());
after(async () => sim.reset());

const tokenRequests = async () => (await sim.stats())['token-requests'];

test('exchange takes only JSON and always needs a PKCE verifier; neither refusal reaches tastytrade', async () => {
  const { challenge } = pkcePair();
  const code = await authorizeCode({ challenge });
  const before = await tokenRequests();
  let res = await fetch(APP_URL + '/auth/exchange', {
    method: 'POST', headers: { ...CSRF, 'content-type': 'text/plain' }, body: JSON.stringify({ code }),
  });
  assert.equal(res.status, 415);
  assert.equal((await res.json()).error.code, 'unsupported_media_type');
  res = await fetch(APP_URL + '/auth/exchange', {
    method: 'POST', headers: { ...CSRF, 'content-type': 'application/x-www-form-urlencoded' }, body: `code=${code}`,
  });
  assert.equal(res.status, 415);
  res = await exchange({ code }); // no verifier: a leaked code must not become a session
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.code, 'bad_request');
  assert.equal(res.headers.getSetCookie().length, 0);
  assert.equal(await tokenRequests(), before, 'a refused exchange made a token request');
});

test('the body limit holds while reading: a chunked body past the drain limit is answered 413 before it ends', async () => {
  // The worker reads at most DRAIN_LIMIT (1 MiB, worker/src/edge/auth.rs) of an oversized body,
  // then answers. This body is 4 MiB in paced 16 KiB chunks, and it is not ended before the
  // deadline: code that waits for the whole body (or buffers it) answers only after that.
  const CHUNK = 16 * 1024;
  const TOTAL = 4 * 1024 * 1024;
  const DEADLINE_MS = 5000;
  const { answer, sent } = await new Promise((resolve) => {
    const { hostname, port } = new URL(APP_URL);
    const chunk = Buffer.alloc(CHUNK, 'a');
    let sent = 0;
    let answer = null;
    let ended = false;
    const req = http.request({
      host: hostname, port, method: 'POST', path: '/auth/exchange',
      headers: { ...CSRF, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
    });
    // Whatever happens, the body is finished rather than abandoned: a client that vanishes
    // mid-body stalls `wrangler dev`'s proxy for the next request (measured: until it timed out).
    const finishBody = () => {
      if (ended) return;
      ended = true;
      const rest = () => {
        while (sent < TOTAL && !req.destroyed) {
          sent += CHUNK;
          if (!req.write(chunk)) return void req.once('drain', rest);
        }
        if (!req.destroyed) req.end();
      };
      rest();
    };
    const deadline = setTimeout(finishBody, DEADLINE_MS);
    const giveUp = setTimeout(() => req.destroy(), DEADLINE_MS + 15000);
    req.on('response', (res) => {
      answer = { status: res.statusCode, body: '', sentBefore: sent, beforeEnd: !ended };
      res.setEncoding('utf8');
      res.on('data', (d) => { answer.body += d; });
      res.on('end', finishBody);
    });
    // The worker stops reading past the drain limit, so the rest may be refused (a reset).
    req.on('error', () => {});
    req.on('close', () => {
      clearTimeout(deadline);
      clearTimeout(giveUp);
      resolve({ answer, sent });
    });
    const pump = () => {
      if (answer || ended || sent >= TOTAL) return;
      sent += CHUNK;
      req.write(chunk);
      setTimeout(pump, 5);
    };
    pump();
  });
  assert.ok(answer, `no answer at all (${sent} bytes sent)`);
  assert.ok(answer.beforeEnd, `no answer within ${DEADLINE_MS} ms while the body was still open (answered ${answer.status} after it ended)`);
  assert.equal(answer.status, 413);
  assert.equal(JSON.parse(answer.body).error.code, 'payload_too_large');
  assert.ok(answer.sentBefore > 1024 * 1024 && answer.sentBefore < TOTAL,
    `answered after ${answer.sentBefore} bytes: past the 1 MiB drain limit, before the end`);
  // The worker still answers at once.
  const next = await fetch(APP_URL + '/auth/config', { signal: AbortSignal.timeout(10000) });
  assert.equal(next.status, 200);
});

test('a failed exchange keeps the session; a successful one ends the previous session', async () => {
  const first = await signIn();
  // Failed exchanges (an unknown or expired code, a wrong verifier) must not sign this browser out.
  const { challenge } = pkcePair();
  const spare = await authorizeCode({ challenge });
  for (const body of [
    { code: 'no-such-code', 'code-verifier': first.verifier },
    { code: spare, 'code-verifier': pkcePair().verifier },
  ]) {
    const res = await exchange(body, first.cookie);
    assert.ok(res.status >= 400 && res.status < 500, `failed exchange: ${res.status}`);
    assert.equal((await api('/api/customers/me', first.cookie)).status, 200, 'failed exchange ended the session');
  }
  // Signing in again from the same browser replaces the old session.
  const second = await signIn({ cookie: first.cookie });
  assert.notEqual(second.cookie, first.cookie);
  assert.equal((await api('/api/customers/me', second.cookie)).status, 200);
  assert.equal((await api('/api/customers/me', first.cookie)).status, 401, 'previous session still alive');
});

test('replaying the code a session came from revokes that session at tastytrade (RFC 6749 §4.1.2)', async () => {
  // The worker keeps the session (the exchange failed), but tastytrade revokes the tokens the
  // code bought; the next call finds that out and reports it, once.
  const { cookie, code, verifier } = await signIn();
  const res = await exchange({ code, 'code-verifier': verifier }, cookie);
  assert.equal(res.status, 400);
  const next = await api('/api/customers/me', cookie);
  assert.equal(next.status, 401);
  assert.equal((await next.json()).error.code, 'session_revoked');
});

test('forged ids and duplicated cookies are no session', async () => {
  const { cookie } = await signIn();
  const forged = `${SESSION_COOKIE}=${randomBytes(48).toString('base64url')}`; // right shape, no valid MAC
  for (const c of [forged, `${cookie}; ${forged}`, `${forged}; ${cookie}`, `${cookie}; ${cookie}`,
    `\u00a0${cookie}`]) {
    const res = await api('/api/customers/me', c);
    assert.equal(res.status, 401, c);
  }
  assert.equal((await api('/api/customers/me', cookie)).status, 200);
});

test('PKCE sent but not required by tastytrade (the production-like path) still signs in', async () => {
  await sim.config({ 'require-pkce': false });
  try {
    const { body } = await signIn();
    assert.equal(body['signed-in'], true);
  } finally {
    await sim.reset();
  }
});

test('single-flight refresh under latency: overlapping calls make exactly one token request', async () => {
  await sim.config({ 'access-token-ttl': 2 });
  try {
    const { cookie } = await signIn();
    await new Promise((r) => setTimeout(r, 2500));
    await sim.reset();
    await sim.config({ 'latency-ms': 300 }); // every call overlaps the refresh in flight
    const results = await Promise.all(
      Array.from({ length: 12 }, () => api('/api/customers/me/accounts', cookie)),
    );
    assert.deepEqual(results.map((r) => r.status), Array(12).fill(200));
    const stats = await sim.stats();
    assert.equal(stats.grants['refresh-token'], 1, JSON.stringify(stats));
    assert.equal(stats['token-requests'], 1, JSON.stringify(stats));
  } finally {
    await sim.reset();
  }
});

test('hashed assets are cached immutably; the page revalidates', async () => {
  const page = await fetch(APP_URL + '/');
  assert.equal(page.headers.get('cache-control'), 'no-cache');
  const html = await page.text();
  const assets = [...new Set([...html.matchAll(/\/([A-Za-z0-9_.-]+-[0-9a-f]{8,16}(?:_bg)?\.(?:js|wasm|css))\b/g)]
    .map((m) => m[1]))];
  assert.ok(assets.length >= 3, `hashed assets in the page: ${assets}`);
  for (const a of assets) {
    const res = await fetch(`${APP_URL}/${a}`);
    assert.equal(res.status, 200, a);
    assert.equal(res.headers.get('cache-control'), 'public, max-age=31536000, immutable', a);
  }
});

// Last: it spends this address's sign-in allowance (the harness waits out the 429s after it).
test('a flood of junk exchanges becomes a bounded number of token requests', async () => {
  await new Promise((r) => setTimeout(r, 10_500)); // a fresh rate-limit window
  const before = await tokenRequests();
  const statuses = [];
  for (let i = 0; i < 40; i++) {
    const res = await fetch(APP_URL + '/auth/exchange', {
      method: 'POST',
      headers: { ...CSRF, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'junk-' + randomBytes(8).toString('hex'), 'code-verifier': 'v'.repeat(43) }),
    });
    statuses.push(res.status);
    if (res.status === 429) assert.ok(Number(res.headers.get('retry-after')) > 0);
    await res.arrayBuffer();
  }
  const made = (await tokenRequests()) - before;
  assert.ok(made <= 10, `40 junk exchanges made ${made} token requests`);
  assert.ok(statuses.filter((s) => s === 429).length >= 30, statuses.join(','));
});

test('the PKCE check script tells an enforcing tastytrade from one that ignores PKCE', async () => {
  const { checkPkce } = await import('../scripts/pkce-check.mjs');
  const { SIM_URL, DEMO_CLIENT_SECRET } = await import('./harness.mjs');
  const config = await (await fetch(APP_URL + '/auth/config')).json();
  const opts = {
    apiBase: SIM_URL, clientId: config['client-id'], clientSecret: DEMO_CLIENT_SECRET,
    redirectUri: config['redirect-uri'],
  };
  const getCode = ({ challenge, state }) => authorizeCode({ challenge, state });
  try {
    await sim.config({ 'require-pkce': true });
    assert.equal((await checkPkce(opts, getCode)).verdict, 'enforced');
    // A server that does not know PKCE ignores the parameters (RFC 6749 §3.1).
    await sim.config({ 'require-pkce': false, 'ignore-pkce': true });
    assert.equal((await checkPkce(opts, getCode)).verdict, 'not-enforced');
  } finally {
    await sim.reset();
  }
});

/** Every file under a directory, recursively. */
function filesUnder(dir) {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

test('tokens are encrypted at rest: the persisted session state holds none the simulator issued', async () => {
  const stateDir = process.env.WRANGLER_STATE;
  assert.ok(stateDir, 'scripts/e2e.sh sets WRANGLER_STATE to the worker\'s --persist-to directory');
  const { cookie } = await signIn();
  await sim.expireAccessTokens(); // make the worker refresh, so refreshed tokens are stored too
  assert.equal((await api('/api/customers/me', cookie)).status, 200);
  const issued = await sim.issuedTokens();
  const tokens = [...issued['access-tokens'], ...issued['refresh-tokens']];
  assert.ok(issued['access-tokens'].length >= 1 && issued['refresh-tokens'].length >= 1);
  const blobs = filesUnder(stateDir).map((f) => ({ f, bytes: readFileSync(f) }));
  // Positive control: the session's storage is in these files (its plain key names are).
  assert.ok(blobs.some(({ bytes }) => bytes.includes('last_used') && bytes.includes('created')),
    `no Durable Object storage found under ${stateDir}`);
  for (const { f, bytes } of blobs) {
    for (const token of tokens) {
      assert.ok(!bytes.includes(token), `an issued token is stored in plain text in ${f}`);
    }
    assert.ok(!bytes.includes(process.env.DEMO_CLIENT_SECRET ?? 'demo-secret-not-for-production'),
      `the client secret is in ${f}`);
  }
});
