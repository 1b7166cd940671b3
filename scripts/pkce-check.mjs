#!/usr/bin/env node
// Does this tastytrade enforce PKCE? Run it once against the real sandbox (or production) with
// your own OAuth client; it needs one sign-in in a browser. It asks for a code with an S256
// challenge, then redeems it with a WRONG verifier: a server that enforces PKCE refuses that.
//
//   TT_AUTHORIZE_URL=https://cert-my.staging-tasty.works/auth.html \
//   TT_API_BASE=https://api.cert.tastyworks.com TT_CLIENT_ID=… TT_CLIENT_SECRET=… \
//   REDIRECT_URI=https://<your host>/callback node scripts/pkce-check.mjs
//
// Open the printed URL, sign in, and paste the address tastytrade sends you back to (the page
// there may show an error: only its URL matters). Nothing is stored; the secret is only sent to
// the token endpoint. A refused wrong verifier is followed by the right one on a fresh code, to
// tell "enforced" from "every exchange fails".
import { createHash, randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline/promises';

const b64url = (buf) => Buffer.from(buf).toString('base64url');
export function pkcePair() {
  const verifier = b64url(randomBytes(32));
  return { verifier, challenge: b64url(createHash('sha256').update(verifier).digest()) };
}

export function authorizeUrl({ authorizeUrl, clientId, redirectUri, challenge, state }) {
  const url = new URL(authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'read', state,
    code_challenge: challenge, code_challenge_method: 'S256',
  }).toString();
  return url.href;
}

/** POSTs the code grant; resolves to { ok, status, errorCode } (no token is kept or printed). */
export async function redeem({ apiBase, clientId, clientSecret, redirectUri, code, verifier }) {
  const res = await fetch(`${apiBase.replace(/\/$/, '')}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', 'user-agent': 'tastypocket-pkce-check/1.0' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code, client_id: clientId, client_secret: clientSecret,
      redirect_uri: redirectUri, code_verifier: verifier,
    }),
  });
  let errorCode = null;
  try { const j = await res.json(); errorCode = j.error_code ?? (typeof j.error === 'string' ? j.error : null); } catch { /* not JSON */ }
  return { ok: res.status === 200, status: res.status, errorCode };
}

/**
 * The check. `getCode({ challenge, state })` returns an authorization code issued for that
 * challenge (a person signing in, or the simulator driven by a test).
 * Returns 'enforced' | 'not-enforced' | 'inconclusive'.
 */
export async function checkPkce(opts, getCode) {
  const wrong = pkcePair();
  const first = pkcePair();
  const code1 = await getCode({ challenge: first.challenge, state: b64url(randomBytes(16)) });
  const withWrong = await redeem({ ...opts, code: code1, verifier: wrong.verifier });
  if (withWrong.ok) return { verdict: 'not-enforced', detail: 'a wrong code_verifier was accepted' };
  const second = pkcePair();
  const code2 = await getCode({ challenge: second.challenge, state: b64url(randomBytes(16)) });
  const withRight = await redeem({ ...opts, code: code2, verifier: second.verifier });
  if (withRight.ok) {
    return { verdict: 'enforced', detail: `wrong verifier refused (${withWrong.status} ${withWrong.errorCode ?? ''}), right one accepted` };
  }
  return { verdict: 'inconclusive', detail: `both exchanges failed (${withWrong.status}, ${withRight.status} ${withRight.errorCode ?? ''}): check the client and redirect URI` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const env = (name) => process.env[name] ?? (() => { console.error(`set ${name}`); process.exit(2); })();
  const opts = {
    apiBase: env('TT_API_BASE'), clientId: env('TT_CLIENT_ID'), clientSecret: env('TT_CLIENT_SECRET'),
    redirectUri: env('REDIRECT_URI'),
  };
  const authorize = env('TT_AUTHORIZE_URL');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const result = await checkPkce(opts, async ({ challenge, state }) => {
    console.log(`\nOpen, sign in and allow:\n  ${authorizeUrl({ authorizeUrl: authorize, clientId: opts.clientId, redirectUri: opts.redirectUri, challenge, state })}\n`);
    const back = new URL((await rl.question('Paste the address you were sent back to: ')).trim());
    if (back.searchParams.get('state') !== state) throw new Error('state does not match this check');
    return back.searchParams.get('code');
  });
  rl.close();
  console.log(`\nPKCE at ${opts.apiBase}: ${result.verdict} — ${result.detail}`);
  process.exit(result.verdict === 'enforced' ? 0 : 1);
}
