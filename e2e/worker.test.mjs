// Black-box tests of the edge worker (wrangler dev) in front of the simulator.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  APP_URL, CSRF, DEMO_CLIENT_SECRET, SESSION_COOKIE, SIM_URL, api, authorizeCode, demoAccounts,
  fixture, pkcePair, rawRequest, signIn, sim,
} from './harness.mjs';

before(async () => {
  await sim.reset();
});

test('auth config tells the app how to start sign-in, and nothing secret', async () => {
  const res = await fetch(APP_URL + '/auth/config');
  assert.equal(res.status, 200);
  const text = await res.text();
  const config = JSON.parse(text);
  assert.equal(config['client-id'], 'tastypocket-demo');
  assert.equal(config['redirect-uri'], APP_URL + '/callback');
  assert.equal(config.pkce, true);
  assert.equal(config.environment, 'simulator');
  assert.ok(!text.includes(DEMO_CLIENT_SECRET), 'client secret leaked in /auth/config');
  assert.equal(res.headers.get('cache-control'), 'no-store');
  assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
});

test('exchange sets only an opaque __Host- cookie with the right flags', async () => {
  const { setCookie, body, cookie } = await signIn();
  const attrs = setCookie.split(';').map((s) => s.trim().toLowerCase());
  assert.ok(attrs.includes('secure'), setCookie);
  assert.ok(attrs.includes('httponly'), setCookie);
  assert.ok(attrs.includes('path=/'), setCookie);
  assert.ok(attrs.includes('samesite=strict'), setCookie);
  assert.ok(!attrs.some((a) => a.startsWith('domain')), 'no Domain on a __Host- cookie');
  const id = cookie.slice(SESSION_COOKIE.length + 1);
  assert.match(id, /^[A-Za-z0-9_-]{43,}$/, 'session id is a long random opaque value');
  // The session, and the first screen's data (e2e/account-api.test.mjs); never a token.
  assert.deepEqual(Object.keys(body).sort(),
    ['bootstrap', 'can-trade', 'dxlink-url-pattern', 'environment', 'expires-at', 'idle-expires-at', 'signed-in']);
  assert.equal(body['signed-in'], true);
  // The one place the page may stream market data from: the simulator's own listener here.
  assert.equal(body['dxlink-url-pattern'], SIM_URL.replace('http://', 'ws://'));
  const session = await (await api('/auth/session', cookie)).json();
  assert.equal(session['signed-in'], true);
  assert.ok(session['expires-at'] > Date.now());
});

test('exchange refuses a missing CSRF header, a cross-site origin, a reused code', async () => {
  const { verifier, challenge } = pkcePair();
  const code = await authorizeCode({ challenge });
  const body = JSON.stringify({ code, 'code-verifier': verifier });
  const json = { 'content-type': 'application/json' };

  let res = await fetch(APP_URL + '/auth/exchange', { method: 'POST', headers: json, body });
  assert.equal(res.status, 403);
  assert.equal((await res.json()).error.code, 'csrf_required');

  res = await fetch(APP_URL + '/auth/exchange', {
    method: 'POST', headers: { ...json, ...CSRF, origin: 'https://evil.example' }, body,
  });
  assert.equal(res.status, 403);
  assert.equal(res.headers.getSetCookie().length, 0);

  // The refusals above did not spend the code: it still works once, then never again.
  res = await fetch(APP_URL + '/auth/exchange', { method: 'POST', headers: { ...json, ...CSRF }, body });
  assert.equal(res.status, 200);
  res = await fetch(APP_URL + '/auth/exchange', { method: 'POST', headers: { ...json, ...CSRF }, body });
  assert.ok(res.status >= 400 && res.status < 500, `reused code: ${res.status}`);
  const err = await res.json();
  assert.equal(err.error.code, 'exchange_failed');
  assert.ok(!JSON.stringify(err).includes(code), 'error echoes the code');
  assert.equal(res.headers.getSetCookie().length, 0);
});

test('exchange with a wrong PKCE verifier fails', async () => {
  const { challenge } = pkcePair();
  const code = await authorizeCode({ challenge });
  const res = await fetch(APP_URL + '/auth/exchange', {
    method: 'POST',
    headers: { ...CSRF, 'content-type': 'application/json' },
    body: JSON.stringify({ code, 'code-verifier': pkcePair().verifier }),
  });
  assert.equal(res.status >= 400 && res.status < 500, true);
  assert.equal((await res.json()).error.code, 'exchange_failed');
});

test('proxy forwards allowlisted calls with the bearer token and passes upstream errors', async () => {
  const { cookie } = await signIn();
  let res = await api('/api/customers/me/accounts', cookie);
  assert.equal(res.status, 200);
  const accounts = (await res.json()).data.items.map((i) => i.account['account-number']);
  assert.deepEqual(accounts, demoAccounts().map((a) => a['account-number']));

  const n = accounts[0];
  res = await api(`/api/accounts/${n}/balances`, cookie);
  assert.equal(res.status, 200);
  assert.equal((await res.json()).data['net-liquidating-value'],
    fixture(`accounts/${n}/balances.json`).data['net-liquidating-value']);

  res = await api(`/api/accounts/${n}/positions?include-marks=true`, cookie);
  assert.equal(res.status, 200);
  const items = (await res.json()).data.items;
  assert.equal(items.length, fixture(`accounts/${n}/positions.json`).data.items.length);
  assert.ok(items.every((p) => 'mark' in p), 'query string reached the simulator');

  // Someone else's account: tastytrade's own 403 error envelope comes through untouched.
  res = await api('/api/accounts/5WX99999/balances', cookie);
  assert.equal(res.status, 403);
  assert.equal((await res.json()).error.code, 'not_permitted');
});

test('proxy refuses everything off the allowlist', async () => {
  const { cookie } = await signIn();
  const headers = { cookie, ...CSRF };
  // The worker itself must answer these with not_allowed.
  const refused = [
    ['GET', '/api//evil.example/customers/me'], // another host
    ['GET', '/api/https://evil.example/customers/me'], // absolute URL
    ['GET', '/api/http:%2F%2Fevil.example%2Fcustomers%2Fme'],
    ['GET', '/api/accounts/..%2F..%2Fcustomers%2Fme/balances'], // encoded separators
    ['GET', '/api/accounts/5WT00001%2Fbalances/positions'],
    ['GET', '/api/accounts/5WT00001/../../oauth/token'], // traversal to an unlisted path
    ['GET', '/api/accounts/5WT00001\\..\\..\\oauth\\token'],
    ['GET', '/api/@evil.example/customers/me'],
    ['GET', '/api/oauth/token'], // unlisted paths
    ['GET', '/api/accounts/5WT00001/documents'],
    ['GET', '/api/accounts/5WT00001/orders/1/fills'],
    ['GET', '/api/customers/C0000002/accounts'],
    ['GET', '/api/sim/stats'],
    ['POST', '/api/customers/me'], // unlisted methods
    ['DELETE', '/api/accounts/5WT00001/balances'],
  ];
  // workerd resolves dot segments (also %2e) before the worker runs; these land outside /api/*
  // and must simply never be proxied.
  const escaping = [
    '/api/accounts/5WT00001/%2e%2e/%2e%2e/%2e%2e/sim/stats',
    '/api/../sim/stats',
    '/api/accounts/../../oauth/token',
  ];
  const counters = async () => {
    const s = await sim.stats();
    return [s['api-requests'], s['token-requests']];
  };
  const before = await counters();
  for (const [method, path] of refused) {
    const res = await rawRequest(method, path, headers);
    assert.ok([400, 403, 404, 405].includes(res.status), `${method} ${path} -> ${res.status}`);
    assert.match(res.body, /not_allowed|bad_request/, `${method} ${path}: ${res.body}`);
  }
  for (const path of escaping) {
    // (Not a navigation: a signed-in navigation's page carries the customer's data.)
    const res = await rawRequest('GET', path, { ...headers, 'sec-fetch-mode': 'cors' });
    assert.doesNotMatch(res.body, /"data"|"error_code"|"grants"|"token-requests"/, `${path} was proxied: ${res.body.slice(0, 200)}`);
  }
  assert.deepEqual(await counters(), before, 'a refused request reached tastytrade');
});

test('no cookie, tampered cookie or garbage cookie -> 401, never a 500', async () => {
  const { cookie } = await signIn();
  const id = cookie.slice(SESSION_COOKIE.length + 1);
  const flipped = id.slice(0, -1) + (id.endsWith('A') ? 'B' : 'A');
  for (const c of [null, `${SESSION_COOKIE}=${flipped}`, `${SESSION_COOKIE}=../../x`,
    `${SESSION_COOKIE}=${'f'.repeat(64)}`, `${SESSION_COOKIE}=`]) {
    const res = await api('/api/customers/me/accounts', c);
    assert.equal(res.status, 401, `cookie ${c}`);
    assert.equal((await res.json()).error.code, 'session_required');
    const session = await (await api('/auth/session', c)).json();
    assert.equal(session['signed-in'], false);
  }
});

test('logout needs the CSRF header, then the copied cookie is useless', async () => {
  const { cookie } = await signIn();
  let res = await api('/auth/logout', cookie, { method: 'POST' });
  assert.equal(res.status, 403);
  assert.equal((await api('/api/customers/me', cookie)).status, 200, 'refused logout kept the session');

  res = await api('/auth/logout', cookie, { method: 'POST', headers: CSRF });
  assert.equal(res.status, 204);
  const cleared = res.headers.getSetCookie().find((c) => c.startsWith(SESSION_COOKIE + '='));
  assert.match(cleared ?? '', /max-age=0/i, 'logout clears the cookie');

  res = await api('/api/customers/me', cookie); // replay of the copied cookie
  assert.equal(res.status, 401);
  assert.equal((await (await api('/auth/session', cookie)).json())['signed-in'], false);
});

test('parallel calls on an expired access token cause exactly one refresh', async () => {
  await sim.config({ 'access-token-ttl': 2 });
  try {
    const { cookie } = await signIn();
    await new Promise((r) => setTimeout(r, 2500)); // the access token is now expired
    await sim.reset(); // counters to 0 (and ttl back to its default for the refreshed token)
    const results = await Promise.all(
      Array.from({ length: 12 }, () => api('/api/customers/me/accounts', cookie)),
    );
    assert.deepEqual(results.map((r) => r.status), Array(12).fill(200));
    const stats = await sim.stats();
    assert.equal(stats.grants['refresh-token'], 1, JSON.stringify(stats));
  } finally {
    await sim.reset();
  }
});

test('an access token revoked upstream is refreshed once, even for parallel calls', async () => {
  const { cookie } = await signIn();
  await sim.reset();
  await sim.expireAccessTokens(); // the worker still believes its token is fresh -> upstream 401
  const results = await Promise.all(
    Array.from({ length: 8 }, () => api('/api/customers/me', cookie)),
  );
  assert.deepEqual(results.map((r) => r.status), Array(8).fill(200));
  assert.equal((await sim.stats()).grants['refresh-token'], 1);
});

test('a dropped connection or a 5xx during refresh keeps the session', async () => {
  const { cookie } = await signIn();
  for (const failure of [{ mode: 'drop' }, { status: 503 }]) {
    await sim.reset();
    await sim.expireAccessTokens();
    await sim.failNext({ count: 1, 'path-prefix': '/oauth/token', ...failure });
    const res = await api('/api/customers/me', cookie);
    assert.equal(res.status, 502, JSON.stringify(failure));
    assert.equal((await res.json()).error.code, 'upstream_unavailable');
    assert.equal((await sim.stats())['token-requests'], 1, 'the refresh was attempted once');
    // Still signed in: the next call refreshes successfully.
    assert.equal((await api('/api/customers/me', cookie)).status, 200);
    assert.equal((await (await api('/auth/session', cookie)).json())['signed-in'], true);
  }
});

test('invalid_client on refresh is reported clearly, once per call, and keeps the session', async () => {
  const { cookie } = await signIn();
  await sim.reset();
  await sim.expireAccessTokens();
  await sim.failNext({ count: 2, 'error-code': 'invalid_client', status: 401, 'path-prefix': '/oauth/token' });
  for (let i = 1; i <= 2; i++) {
    const res = await api('/api/customers/me', cookie);
    assert.equal(res.status, 502);
    const { error } = await res.json();
    assert.equal(error.code, 'client_rejected');
    assert.match(error.message, /OAuth client/);
    assert.equal((await sim.stats())['token-requests'], i, 'no retry loop');
  }
  // Once the deployment's credentials work again, the same session carries on.
  assert.equal((await api('/api/customers/me', cookie)).status, 200);
});

test('a refresh token rejected with invalid_grant ends the session', async () => {
  const { cookie } = await signIn();
  assert.equal((await api('/api/customers/me', cookie)).status, 200);
  await sim.revokeGrants(); // the user deleted the grant on tastytrade's site
  let res = await api('/api/customers/me', cookie);
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, 'session_revoked');
  res = await api('/api/customers/me', cookie); // the session is gone, not retried forever
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, 'session_required');
  assert.equal((await (await api('/auth/session', cookie)).json())['signed-in'], false);
});

test('security headers on the app shell and the callback route', async () => {
  for (const path of ['/', '/callback?code=x&state=y']) {
    const res = await fetch(APP_URL + path);
    assert.equal(res.status, 200, path);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/, path);
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'( 'sha256-[A-Za-z0-9+/=]+')+/, path);
    assert.match(csp, /frame-ancestors 'none'/, path);
    const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
    assert.doesNotMatch(scriptSrc, /'unsafe-eval'|'unsafe-inline'/, path);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff', path);
    assert.equal(res.headers.get('referrer-policy'), 'no-referrer', path);
  }
  const callback = await fetch(APP_URL + '/callback?code=x&state=y');
  assert.match(callback.headers.get('cache-control') ?? '', /no-store/);
});
