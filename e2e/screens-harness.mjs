// What the screen tests (history, watchlists) add to browser-kit.mjs: the requests a page made,
// navigation by tapping, tastytrade's JSON (and writes) through the worker with the page's own
// session, and exact money arithmetic on tastytrade's decimal strings.
import assert from 'node:assert/strict';
import { APP_URL, CSRF } from './harness.mjs';
import { press, signInLikeAPerson, assertNoHorizontalScroll, isScreenModule } from './browser-kit.mjs';

/** Every request `page` makes from now on, as `{ method, url }`. */
export function trackRequests(page) {
  const requests = [];
  page.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
  return requests;
}

/** How many of `requests` match `test(url, method)`. */
export const count = (requests, test) => requests.filter((r) => test(new URL(r.url), r.method)).length;
/** Loads of the app (its main wasm module; the screens' own modules are not the app). */
export const wasmLoads = (requests) => count(requests, (u) => u.pathname.endsWith('.wasm') && !isScreenModule(u.pathname));

/** Taps the navigation entry of `section` (its label) and waits for it to be current. */
export async function tapNav(page, vp, section) {
  const link = `[data-testid=nav-link][data-section="${section}"]`;
  await press(page, vp, link);
  await page.waitForSelector(`${link}[aria-current=page]`);
}

/** tastytrade's `data` for `path` (under /api), through the worker with the page's session. */
export async function apiData(page, path) {
  const res = await page.context().request.get(APP_URL + '/api' + path);
  assert.equal(res.status(), 200, `${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()).data;
}

/** A write through the worker with the page's session (to set up a test's situation). */
export function apiWrite(page, method, path, body) {
  return page.context().request.fetch(APP_URL + '/api' + path, {
    method,
    headers: { ...CSRF, 'content-type': 'application/json', origin: new URL(APP_URL).origin },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Shown money ("$1,234.56", "-$12.30", "+$0.50") as exact cents (BigInt). */
export function shownCents(text) {
  const negative = /-|−|\(/.test(text);
  const [whole, frac = ''] = text.replace(/[^0-9.]/g, '').split('.');
  const cents = BigInt(whole || '0') * 100n + BigInt((frac + '00').slice(0, 2));
  return negative ? -cents : cents;
}

/** A decimal string as `{ units, scale }` (value = units / 10^scale), exactly. */
function decimal(text) {
  const s = String(text).trim();
  const [whole, frac = ''] = s.replace(/^[-+]/, '').split('.');
  const units = BigInt(whole || '0') * 10n ** BigInt(frac.length) + BigInt(frac || '0');
  return { units: s.startsWith('-') ? -units : units, scale: frac.length };
}

/** a − b of two decimal strings in cents, rounded half away from zero (as Intl shows money). */
export function differenceCents(a, b) {
  const x = decimal(a);
  const y = decimal(b);
  const scale = Math.max(x.scale, y.scale, 2);
  const diff = x.units * 10n ** BigInt(scale - x.scale) - y.units * 10n ** BigInt(scale - y.scale);
  const divisor = 10n ** BigInt(scale - 2);
  const abs = diff < 0n ? -diff : diff;
  const rounded = abs / divisor + ((abs % divisor) * 2n >= divisor ? 1n : 0n);
  return diff < 0n ? -rounded : rounded;
}

/** A decimal string in cents (BigInt), rounded as Intl shows money. */
export const exactCents = (a) => differenceCents(a, '0');

/** Signs in like a person (from `/`) and waits for the first account's positions. */
export async function signIn(page, vp) {
  await signInLikeAPerson(page, vp);
  await page.waitForSelector('[data-testid=position-row], [data-testid=positions-empty]');
}

/** No horizontal page scroll on the phone viewport. */
export async function assertNoSideScroll(page, vp, what) {
  if (vp.isMobile) await assertNoHorizontalScroll(page, `${vp.name} ${what}`);
}
