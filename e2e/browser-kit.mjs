// What every browser test file shares: the Chromium launch, the two viewports, pages that
// collect errors, screenshots, taps, axe and landmark checks, and two ways to be signed in
// (through the simulator's page like a person, or with a session made over HTTP).
import { mkdirSync } from 'node:fs';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { APP_URL, SIM_URL, DEMO_USER, authorizeCode, pkcePair } from './harness.mjs';

export const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-output/screenshots';
mkdirSync(SHOTS, { recursive: true });

export const VIEWPORTS = [
  { name: 'phone', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
  { name: 'desktop', viewport: { width: 1280, height: 800 }, hasTouch: false, isMobile: false, deviceScaleFactor: 1 },
];

/** Headless Chromium with the flags this machine's closed network needs. */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** A fresh context and page at `vp`; `errors` collects page errors and console errors. */
export async function newPage(browser, vp, options = {}) {
  const { name, ...viewport } = vp;
  const context = await browser.newContext({ ...viewport, locale: 'en-US', ...options });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { context, page, errors };
}

export const shot = (page, vp, step) =>
  page.screenshot({ path: `${SHOTS}/${vp.name}-${step}.png`, fullPage: true });

/** A screen's own wasm module (`lazy-*.wasm`, fetched when the screen is first opened:
 * app/src/components/lazy.rs), as a URL path. */
export const isScreenModule = (path) => /^\/lazy-[\w-]+\.wasm$/.test(path);

/** A tap on touch viewports, a click otherwise. */
export const press = (page, vp, selector) => (vp.hasTouch ? page.tap(selector) : page.click(selector));

/** "$1,234.56" / "-$12.30" / "($12.30)" -> 1234.56 / -12.3 */
export function money(text) {
  const negative = /-|−|\(/.test(text);
  const n = Number(text.replace(/[^0-9.]/g, ''));
  return negative ? -n : n;
}
export const cents = (x) => Math.round(Number(x) * 100);

/** Rules that fail the test whatever axe's impact rating (these are "minor"/"moderate" in axe). */
const ALWAYS_FAIL = ['aria-allowed-role', 'landmark-one-main', 'landmark-no-duplicate-main', 'page-has-heading-one'];

/** axe-core on the current page: no serious or critical violation (nor any ALWAYS_FAIL one). */
export async function assertAccessible(page, vp, what) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || ALWAYS_FAIL.includes(v.id));
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(report, [], `${vp.name} ${what}: axe violations\n${report.join('\n')}`);
}

/**
 * axe-core inside `selector` only: no serious or critical violation (a screen's own content, e.g.
 * in dark mode, where the shell has its own tests).
 */
export async function assertAccessibleWithin(page, selector, what) {
  const { violations } = await new AxeBuilder({ page }).include(selector).analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(report, [], `${what}: axe violations\n${report.join('\n')}`);
}

/** Exactly one main landmark and at least one <h1>. (A `role` on <main> replaces its landmark.) */
export async function assertLandmarks(page, what) {
  const found = await page.evaluate(() => ({
    mains: document.querySelectorAll('main:not([role]), [role=main]').length,
    h1: [...document.querySelectorAll('h1')].map((h) => h.textContent.trim()).filter(Boolean),
  }));
  assert.equal(found.mains, 1, `${what}: exactly one <main>`);
  assert.ok(found.h1.length >= 1, `${what}: an <h1>`);
}

/** No horizontal page scroll (phones). */
export async function assertNoHorizontalScroll(page, what) {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: horizontal page scroll of ${overflow}px`);
}

/**
 * Signs in through the simulator's page like a person, starting at `path`. `atProvider` runs on
 * tastytrade's (the simulator's) page, before Allow. Resolves once back in the app.
 */
export async function signInLikeAPerson(page, vp, path = '/', atProvider = async () => {}) {
  await page.goto(APP_URL + path);
  await page.waitForSelector('[data-testid=signin-button]');
  await press(page, vp, '[data-testid=signin-button]');
  await page.waitForURL((u) => u.href.startsWith(SIM_URL + '/auth.html'));
  await page.fill('input[name=username]', DEMO_USER.username);
  await page.fill('input[name=password]', DEMO_USER.password);
  await atProvider();
  await press(page, vp, 'button[name=decision][value=allow]');
  await page.waitForURL((u) => !u.pathname.startsWith('/callback') && u.origin === new URL(APP_URL).origin);
}

/**
 * A session without the sign-in pages (quicker): the code comes from the simulator over HTTP and
 * the page itself posts it to the worker, so the browser stores the cookie as it would after a
 * real callback. Leaves the page on `/404` of the app, signed in. `scope` overrides the scope
 * asked for (`read`: a read-only session).
 */
export async function signInQuickly(page, { scope } = {}) {
  const { verifier, challenge } = pkcePair();
  const code = await authorizeCode({ challenge, scope });
  await page.goto(APP_URL + '/404');
  for (let attempt = 0; ; attempt++) {
    const { status, retryAfter } = await page.evaluate(async (body) => {
      const res = await fetch('/auth/exchange', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-pocket-csrf': '1' },
        body: JSON.stringify(body),
      });
      return { status: res.status, retryAfter: res.headers.get('retry-after') };
    }, { code, 'code-verifier': verifier });
    if (status === 200) return;
    // The worker limits sign-in attempts per address; the suites sign in more than a person.
    if (status !== 429 || attempt >= 5) throw new Error(`exchange from the page: ${status}`);
    await new Promise((r) => setTimeout(r, Number(retryAfter ?? '10') * 1000));
  }
}

/** tastytrade's `data` for `/api<path>`, through the worker with the page's session cookie. */
export async function apiData(page, path) {
  const res = await page.context().request.get(APP_URL + '/api' + path);
  assert.equal(res.status(), 200, `${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()).data;
}

/** Today in the page's time zone (what the app calls today), `YYYY-MM-DD`. */
export const pageToday = (page) => page.evaluate(() => {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
});

/** `Jan 1, 2020` for a `YYYY-MM-DD` day (or the day of an ISO date-time), as the app writes a
 * date (`format::date`) in the tests' locale, en-US. */
export const dayText = (iso) => new Date(`${iso.slice(0, 10)}T12:00:00Z`)
  .toLocaleDateString('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' });

/** Waits for the empty state at `selector` (app/src/components/dom.rs `empty`) and checks its
 * title and text. */
export async function assertEmptyState(page, selector, title, text) {
  const empty = page.locator(selector);
  await empty.waitFor();
  assert.equal(await empty.locator('.empty-title').innerText(), title, `${selector} title`);
  assert.equal(await empty.locator('.muted').innerText(), text, `${selector} text`);
}

/** `YYYY-MM-DD` moved by `days`. */
export function addDays(iso, days) {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Presses the download button `selector`; resolves to the file's name and text. */
export async function download(page, vp, selector) {
  const [file] = await Promise.all([page.waitForEvent('download'), press(page, vp, selector)]);
  const chunks = [];
  for await (const chunk of await file.createReadStream()) chunks.push(chunk);
  return { name: file.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
}

/**
 * RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote, CR or LF, quotes
 * doubled. Throws on anything else (a bare LF, a stray quote), so a test sees broken quoting.
 */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (i >= text.length) throw new Error('unterminated quoted field');
        if (text[i] === '"' && text[i + 1] === '"') { field += '"'; i += 2; continue; }
        if (text[i] === '"') { i++; break; }
        field += text[i++];
      }
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') {
        if (text[i] === '"' || text[i] === '\n') throw new Error(`bad character in an unquoted field at ${i}`);
        field += text[i++];
      }
    }
    row.push(field);
    if (text[i] === ',') { i++; continue; }
    if (text.slice(i, i + 2) !== '\r\n') throw new Error(`expected CRLF at ${i}`);
    i += 2;
    rows.push(row);
    row = [];
  }
  return rows;
}

/** CSV rows as objects keyed by the header row. */
export function csvRecords(text) {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => {
    assert.equal(r.length, header.length, `a row with ${r.length} fields: ${r.join(',')}`);
    return Object.fromEntries(header.map((h, i) => [h, r[i]]));
  });
}

/** A decimal string without trailing zeros (`"210.140"` -> `"210.14"`, `"-0.0"` -> `"0"`). */
export function plainDecimal(value) {
  let s = String(value).trim();
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (/^-?0$/.test(s)) return '0';
  return s;
}
