// Runs against the second worker of scripts/e2e.sh (SHORT_APP_URL): SESSION_IDLE_SECS 3,
// SESSION_MAX_SECS 6, UPSTREAM_TIMEOUT_MS 1500 — lifetimes this short are accepted only with
// TT_ENVIRONMENT=simulator (worker/src/config.rs). Lifetime checks happen in the session's
// Durable Object on every call (worker/src/lifetime.rs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sim, workerAt } from './harness.mjs';

const SHORT_APP_URL = process.env.SHORT_APP_URL ?? 'http://localhost:8798';
const { signIn, api } = workerAt(SHORT_APP_URL);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const signedIn = async (cookie) => (await (await api('/auth/session', cookie)).json())['signed-in'];

before(async () => sim.reset());
after(async () => sim.reset());

test('an idle session ends after SESSION_IDLE_SECS and cannot be revived', async () => {
  const { cookie } = await signIn();
  assert.equal((await api('/api/customers/me', cookie)).status, 200);
  await sleep(3500);
  const res = await api('/api/customers/me', cookie);
  assert.equal(res.status, 401);
  assert.equal((await res.json()).error.code, 'session_required');
  assert.equal(await signedIn(cookie), false);
});

test('use keeps a session alive, but never past SESSION_MAX_SECS', async () => {
  const { cookie } = await signIn();
  const start = Date.now();
  const statuses = [];
  // A call every second: always inside the idle timeout, so only the absolute end stops it.
  while (Date.now() - start < 7500) {
    const res = await api('/api/customers/me', cookie);
    statuses.push({ at: Date.now() - start, status: res.status });
    await sleep(1000);
  }
  const early = statuses.filter((s) => s.at < 5500);
  const late = statuses.filter((s) => s.at > 6200);
  assert.ok(early.length >= 4 && late.length >= 1, JSON.stringify(statuses));
  assert.ok(early.every((s) => s.status === 200), `alive while used: ${JSON.stringify(statuses)}`);
  assert.ok(late.every((s) => s.status === 401), `ended at the absolute limit: ${JSON.stringify(statuses)}`);
  assert.equal(await signedIn(cookie), false);
});

test('a refresh that times out keeps the session', async () => {
  const { cookie } = await signIn();
  await sim.expireAccessTokens(); // the next call must refresh
  await sim.failNext({ mode: 'hang', 'hang-ms': 5000, 'path-prefix': '/oauth/token' });
  const started = Date.now();
  const res = await api('/api/customers/me', cookie);
  const waited = Date.now() - started;
  assert.equal(res.status, 504);
  assert.equal((await res.json()).error.code, 'upstream_unavailable');
  assert.ok(waited >= 1400 && waited < 4500, `gave up after the 1.5 s timeout, not the hang: ${waited} ms`);
  // Still signed in; the next call refreshes.
  assert.equal((await api('/api/customers/me', cookie)).status, 200);
  assert.equal(await signedIn(cookie), true);
});
