// Browser helpers for the screen tests (history, watchlists, …): the two viewports, a signed-in
// page reached through the simulator's tastytrade page, navigation by tapping, axe, screenshots,
// and tastytrade's JSON fetched through the worker with the page's own session cookie.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import AxeBuilder from '@axe-core/playwright';
import { APP_URL, SIM_URL, DEMO_USER, CSRF } from './harness.mjs';

export const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-output/screenshots';
mkdirSync(SHOTS, { recursive: true });

/**
 * In dark mode the shell's current navigation entry (accent on a 10 % accent tint) is below
 * 4.5:1 (axe color-contrast); it is the shell's to fix, so the screen tests leave it out there.
 */
export const DARK_EXCLUDE = ['.main-nav'];

export const VIEWPORTS = [
  { name: 'phone', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
  { name: 'desktop', viewport: { width: 1280, height: 800 }, hasTouch: false, isMobile: false, deviceScaleFactor: 1 },
];

export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/**
 * A page at `vp`, with its console errors and every request it made. `colorScheme` ('light' or
 * 'dark') is the OS setting the app follows.
 */
export async function newPage(browser, vp, { colorScheme = 'light' } = {}) {
  const { name, ...options } = vp;
  const context = await browser.newContext({ ...options, colorScheme, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const errors = [];
  const requests = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  page.on('request', (r) => requests.push({ method: r.method(), url: r.url() }));
  return { context, page, errors, requests };
}

/** How many requests matched `test(url, method)` so far. */
export const count = (requests, test) => requests.filter((r) => test(new URL(r.url), r.method)).length;
export const wasmLoads = (requests) => count(requests, (u) => u.pathname.endsWith('.wasm'));

export const shot = (page, vp, name) => page.screenshot({ path: `${SHOTS}/${vp.name}-${name}.png`, fullPage: true });
export const press = (page, vp, target) => {
  const locator = typeof target === 'string' ? page.locator(target) : target;
  return vp.hasTouch ? locator.tap() : locator.click();
};

/** Opens the app and signs in on the simulator's page; ends on the first account's positions. */
export async function signIn(page, vp) {
  await page.goto(APP_URL + '/');
  await press(page, vp, '[data-testid=signin-button]');
  await page.waitForURL((u) => u.href.startsWith(SIM_URL + '/auth.html'));
  await page.fill('input[name=username]', DEMO_USER.username);
  await page.fill('input[name=password]', DEMO_USER.password);
  await press(page, vp, 'button[name=decision][value=allow]');
  await page.waitForSelector('[data-testid=position-row], [data-testid=positions-empty]');
}

/** Taps the navigation entry of `section` (its label). */
export async function tapNav(page, vp, section) {
  const link = page.locator(`[data-testid=nav-link][data-section="${section}"]`);
  await press(page, vp, link);
  await page.waitForSelector(`[data-testid=nav-link][data-section="${section}"][aria-current=page]`);
}

/** tastytrade's `data` for `path` (under /api), through the worker with the page's session. */
export async function apiData(page, path) {
  const res = await page.context().request.get(APP_URL + '/api' + path);
  assert.equal(res.status(), 200, `${path}: ${res.status()} ${await res.text()}`);
  return (await res.json()).data;
}

/** A write through the worker with the page's session (for setting up a test's situation). */
export async function apiWrite(page, method, path, body) {
  return page.context().request.fetch(APP_URL + '/api' + path, {
    method,
    headers: { ...CSRF, 'content-type': 'application/json', origin: new URL(APP_URL).origin },
    data: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Rules that fail the test whatever axe's impact rating. */
const ALWAYS_FAIL = ['aria-allowed-role', 'landmark-one-main', 'landmark-no-duplicate-main', 'page-has-heading-one'];

/** axe-core: no serious or critical violation (nor any ALWAYS_FAIL one) outside `exclude`. */
export async function assertAccessible(page, what, { exclude = [] } = {}) {
  const axe = new AxeBuilder({ page });
  for (const selector of exclude) axe.exclude(selector);
  const { violations } = await axe.analyze();
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical' || ALWAYS_FAIL.includes(v.id));
  const report = bad.map((v) => `${v.impact} ${v.id}: ${v.help}\n    ${v.nodes.map((n) => n.target.join(' ')).join('\n    ')}`);
  assert.deepEqual(report, [], `${what}: axe violations\n${report.join('\n')}`);
}

/** At 390 px nothing scrolls sideways. */
export async function assertNoSideScroll(page, vp, what) {
  if (vp.viewport.width > 400) return;
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${what}: horizontal page scroll of ${overflow}px at ${vp.viewport.width} px`);
}

/** "$1,234.56" / "-$12.30" / "+$0.50" -> cents as a BigInt. */
export function shownCents(text) {
  const negative = /-|−|\(/.test(text);
  const digits = text.replace(/[^0-9.]/g, '');
  const [whole, frac = ''] = digits.split('.');
  const cents = BigInt(whole || '0') * 100n + BigInt((frac + '00').slice(0, 2));
  return negative ? -cents : cents;
}

/** A decimal string as an exact scaled BigInt: `{ units, scale }` (value = units / 10^scale). */
export function decimal(text) {
  const s = String(text).trim();
  const negative = s.startsWith('-');
  const [whole, frac = ''] = s.replace(/^[-+]/, '').split('.');
  const units = BigInt(whole || '0') * 10n ** BigInt(frac.length) + BigInt(frac || '0');
  return { units: negative ? -units : units, scale: frac.length };
}

/** a − b of two decimal strings, rounded half away from zero to cents (as Intl shows money). */
export function differenceCents(a, b) {
  const x = decimal(a);
  const y = decimal(b);
  const scale = Math.max(x.scale, y.scale, 2);
  const diff = x.units * 10n ** BigInt(scale - x.scale) - y.units * 10n ** BigInt(scale - y.scale);
  return roundToCents(diff, scale);
}

/** A decimal string rounded to cents. */
export const cents = (a) => differenceCents(a, '0');

function roundToCents(units, scale) {
  const divisor = 10n ** BigInt(scale - 2);
  const negative = units < 0n;
  const abs = negative ? -units : units;
  let q = abs / divisor;
  if ((abs % divisor) * 2n >= divisor) q += 1n;
  return negative ? -q : q;
}
