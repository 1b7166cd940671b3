// Shared helpers for the black-box worker tests and the browser tests. Expected values come from
// the simulator's fixtures (docs/contracts.md), never repeated here.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const APP_URL = process.env.APP_URL ?? 'http://localhost:8797';
export const SIM_URL = process.env.SIM_URL ?? 'http://127.0.0.1:7898';
export const DEMO_CLIENT_SECRET = process.env.DEMO_CLIENT_SECRET ?? 'demo-secret-not-for-production';
export const SESSION_COOKIE = '__Host-pocket-session';
export const CSRF = { 'x-pocket-csrf': '1' };
export const DEMO_USER = { username: 'demo', password: 'demo' };

const fixtures = new URL('../simulator/fixtures/', import.meta.url);
export function fixture(path) {
  return JSON.parse(readFileSync(fileURLToPath(new URL(path, fixtures)), 'utf8'));
}
export function demoAccounts() {
  return fixture('accounts.json').data.items.map((i) => i.account);
}

// --- simulator test hooks -------------------------------------------------------------------
async function simPost(path, body = {}) {
  const res = await fetch(SIM_URL + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${path}: ${res.status}`);
  return res.headers.get('content-type')?.includes('json') ? res.json() : null;
}
export const sim = {
  stats: async () => (await fetch(SIM_URL + '/sim/stats')).json(),
  reset: () => simPost('/sim/reset'),
  config: (cfg) => simPost('/sim/config', cfg),
  failNext: (spec) => simPost('/sim/fail-next', spec),
  expireAccessTokens: () => simPost('/sim/expire-access-tokens'),
  revokeGrants: () => simPost('/sim/revoke-grants'),
  issuedTokens: async () => (await fetch(SIM_URL + '/sim/issued-tokens')).json(),
};

// --- OAuth round trip without a browser (for the worker tests) ------------------------------
export function pkcePair() {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

function decodeHtml(s) {
  return s.replaceAll('&amp;', '&').replaceAll('&quot;', '"').replaceAll('&#39;', "'")
    .replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&#x2F;', '/');
}

/**
 * Sign-in and calls against one worker. The suites use the main one (the exports below); the
 * lifetime tests use a second worker with short lifetimes (SHORT_APP_URL, scripts/e2e.sh).
 */
export function workerAt(base) {
  /** Drives the simulator's authorize page like a user pressing Allow; returns the code. */
  async function authorizeCode({ state = 'st-' + randomBytes(8).toString('hex'), challenge, scope } = {}) {
    const config = await (await fetch(base + '/auth/config')).json();
    const url = new URL(config['authorize-url']);
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: config['client-id'],
      redirect_uri: config['redirect-uri'],
      scope: scope ?? config.scope,
      state,
      ...(challenge ? { code_challenge: challenge, code_challenge_method: 'S256' } : {}),
    }).toString();
    const page = await fetch(url);
    if (page.status !== 200) throw new Error(`authorize page: ${page.status}`);
    const html = await page.text();
    const form = new URLSearchParams();
    for (const m of html.matchAll(/<input\b[^>]*>/gi)) {
      const tag = m[0];
      const type = /type="([^"]*)"/i.exec(tag)?.[1];
      const name = /name="([^"]*)"/i.exec(tag)?.[1];
      const value = /value="([^"]*)"/i.exec(tag)?.[1] ?? '';
      if (type === 'hidden' && name) form.set(name, decodeHtml(value));
    }
    form.set('username', DEMO_USER.username);
    form.set('password', DEMO_USER.password);
    form.set('decision', 'allow');
    const action = new URL(/<form\b[^>]*action="([^"]*)"/i.exec(html)?.[1] ?? url.pathname, url);
    const res = await fetch(action, {
      method: 'POST',
      body: form,
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    const location = res.headers.get('location');
    if (res.status !== 302 && res.status !== 303) throw new Error(`allow: ${res.status}`);
    const back = new URL(location);
    if (back.searchParams.get('state') !== state) throw new Error('state not echoed');
    return back.searchParams.get('code');
  }


  /**
   * A signed-in session at the worker: returns { cookie, setCookie, body }. `scope` overrides
   * what the worker asks for (as a user unticking a scope would; a read-only session).
   */
  async function signIn({ cookie, scope } = {}) {
    const { verifier, challenge } = pkcePair();
    const code = await authorizeCode({ challenge, scope });
    const res = await exchange({ code, 'code-verifier': verifier }, cookie);
    if (res.status !== 200) throw new Error(`exchange: ${res.status} ${await res.text()}`);
    const setCookie = res.headers.getSetCookie();
    const session = setCookie.find((c) => c.startsWith(SESSION_COOKIE + '='));
    if (!session) throw new Error('no session cookie');
    return { cookie: session.split(';')[0], setCookie: session, body: await res.json(), code, verifier };
  }

  /**
   * POST /auth/exchange as the app does. The worker rate-limits sign-in attempts per address
   * (10 per 10 s); the suites sign in more often than a person would, so a 429 is waited out
   * (its Retry-After) and the same, unspent code posted again, as a patient user would.
   */
  async function exchange(body, cookie) {
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(base + '/auth/exchange', {
        method: 'POST',
        headers: {
          ...CSRF, 'content-type': 'application/json', origin: new URL(base).origin,
          ...(cookie ? { cookie } : {}),
        },
        body: JSON.stringify(body),
      });
      if (res.status !== 429 || attempt >= 5) return res;
      const wait = Number(res.headers.get('retry-after') ?? '10');
      await new Promise((r) => setTimeout(r, wait * 1000));
    }
  }

  /** GET/POST through the worker with a session cookie. */
  function api(path, cookie, init = {}) {
    return fetch(base + path, { ...init, headers: { ...(init.headers ?? {}), ...(cookie ? { cookie } : {}) } });
  }

  return { authorizeCode, signIn, exchange, api };
}

export const { authorizeCode, signIn, exchange, api } = workerAt(APP_URL);

/**
 * A request whose path is sent byte-for-byte (fetch/URL would normalise `..` and `//` away,
 * which is exactly what an attacker's raw client would not do). `body` (optional) is sent with a
 * Content-Length, or chunked without one when `chunked` is set. The answer carries the body and
 * its chunks with their arrival times (ms since the request started), to see what streams.
 */
export function rawRequest(method, rawPath, headers = {}, { body, chunked = false } = {}) {
  const { hostname, port } = new URL(APP_URL);
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = http.request({ host: hostname, port, method, path: rawPath, headers }, (res) => {
      const chunks = [];
      res.setEncoding('utf8');
      res.on('data', (c) => chunks.push({ at: performance.now() - started, text: c }));
      res.on('end', () => resolve({
        status: res.statusCode, headers: res.headers, body: chunks.map((c) => c.text).join(''), chunks,
      }));
    });
    req.on('error', reject);
    req.setTimeout(20000, () => req.destroy(new Error('timeout')));
    if (body === undefined) {
      req.end();
    } else if (chunked) {
      req.write(body);
      req.end();
    } else {
      req.setHeader('content-length', Buffer.byteLength(body));
      req.end(body);
    }
  });
}

/** The simulator's own answer to an API call, with a fresh token for the demo customer. */
export async function simApi(path, init = {}) {
  const { 'refresh-token': refresh } = await simPost('/sim/grants');
  const token = await fetch(SIM_URL + '/oauth/token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'tastypocket-e2e' },
    body: JSON.stringify({
      grant_type: 'refresh_token', refresh_token: refresh,
      client_id: 'tastypocket-demo', client_secret: DEMO_CLIENT_SECRET,
    }),
  });
  if (token.status !== 200) throw new Error(`sim token: ${token.status}`);
  const { access_token: access } = await token.json();
  return fetch(SIM_URL + path, {
    ...init,
    headers: { ...(init.headers ?? {}), authorization: `Bearer ${access}`, 'user-agent': 'tastypocket-e2e' },
  });
}

/** The inlined bootstrap data of an HTML page (`shared::bff::SignedIn`), or null. */
export function inlinedData(html) {
  const m = /<script type="application\/json" id="pocket-bootstrap">([\s\S]*?)<\/script>/.exec(html);
  return m ? JSON.parse(m[1]) : null;
}
