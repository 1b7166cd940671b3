// End to end in headless Chromium: the real app, served by the worker, signing in through the
// simulator's tastytrade page. Phone (390x844, touch) and desktop (1280x800).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { chromium } from 'playwright-core';
import {
  APP_URL, SIM_URL, DEMO_CLIENT_SECRET, DEMO_USER, SESSION_COOKIE, api, demoAccounts, fixture, sim,
} from './harness.mjs';

const SHOTS = process.env.SCREENSHOT_DIR ?? 'test-output/screenshots';
mkdirSync(SHOTS, { recursive: true });

const VIEWPORTS = [
  { name: 'phone', viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 },
  { name: 'desktop', viewport: { width: 1280, height: 800 }, hasTouch: false, isMobile: false, deviceScaleFactor: 1 },
];

let browser;
before(async () => {
  await sim.reset();
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_BIN ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => browser?.close());

async function newPage(vp) {
  const { name, ...options } = vp;
  const context = await browser.newContext({ ...options, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(20000);
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  return { context, page, errors };
}

const shot = (page, vp, step) => page.screenshot({ path: `${SHOTS}/${vp.name}-${step}.png`, fullPage: true });
const press = (page, vp, selector) => (vp.hasTouch ? page.tap(selector) : page.click(selector));

/** "$1,234.56" / "-$12.30" / "($12.30)" -> 1234.56 / -12.3 */
function money(text) {
  const negative = /-|−|\(/.test(text);
  const n = Number(text.replace(/[^0-9.]/g, ''));
  return negative ? -n : n;
}
const cents = (x) => Math.round(Number(x) * 100);

/** Clicks through the simulator's authorize page; returns the exchange request body the app sent. */
async function signInThroughSimulator(page, vp) {
  await page.goto(APP_URL + '/');
  await page.waitForSelector('[data-testid=signin-button]');
  await shot(page, vp, '1-signin');
  await press(page, vp, '[data-testid=signin-button]');
  await page.waitForURL((u) => u.href.startsWith(SIM_URL + '/auth.html'));
  const authorizeUrl = new URL(page.url());
  assert.equal(authorizeUrl.searchParams.get('code_challenge_method'), 'S256');
  assert.ok(authorizeUrl.searchParams.get('state')?.length >= 16, 'state is long and random');
  await page.fill('input[name=username]', DEMO_USER.username);
  await page.fill('input[name=password]', DEMO_USER.password);
  await shot(page, vp, '2-simulator-authorize');
  const exchange = page.waitForRequest((r) => r.url() === APP_URL + '/auth/exchange');
  await press(page, vp, 'button[name=decision][value=allow]');
  const body = JSON.parse((await exchange).postData());
  await page.waitForSelector('[data-testid=account-tab]');
  assert.ok(!page.url().includes('code='), 'the code is stripped from the address bar');
  return body;
}

async function checkAccount(page, account) {
  const n = account['account-number'];
  const balances = fixture(`accounts/${n}/balances.json`).data;
  const positions = fixture(`accounts/${n}/positions.json`).data.items;
  const tab = page.locator(`[data-testid=account-tab][data-account-number="${n}"]`);
  await tab.click();
  await page.waitForSelector(`[data-testid=account-tab][data-account-number="${n}"][aria-selected=true]`);
  await page.waitForFunction(
    (want) => document.querySelectorAll('[data-testid=position-row]').length === want,
    positions.length,
  );
  const nlv = await page.locator('[data-testid=net-liq]').innerText();
  assert.equal(cents(money(nlv)), cents(balances['net-liquidating-value']), `${n} net liq: ${nlv}`);
  const cash = await page.locator('[data-testid=cash-balance]').innerText();
  assert.equal(cents(money(cash)), cents(balances['cash-balance']), `${n} cash: ${cash}`);
  await page.locator('[data-testid=buying-power]').waitFor();
  const symbols = await page.locator('[data-testid=position-row]').evaluateAll(
    (rows) => rows.map((r) => r.getAttribute('data-symbol')).sort(),
  );
  assert.deepEqual(symbols, positions.map((p) => p.symbol).sort(), `${n} positions`);
  for (const p of positions) {
    const row = page.locator(`[data-testid=position-row][data-symbol="${p.symbol}"]`);
    const qty = money(await row.locator('[data-testid=position-quantity]').innerText());
    const signed = Number(p.quantity) * (p['quantity-direction'] === 'Short' ? -1 : 1);
    assert.equal(qty, signed, `${p.symbol} quantity`);
    await row.locator('[data-testid=position-pl]').waitFor();
  }
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: sign in, every account's net liq and positions, switch, sign out`, async () => {
    const { context, page, errors } = await newPage(vp);
    const authBodies = [];
    page.on('response', async (r) => {
      if (r.url().startsWith(APP_URL + '/auth/')) authBodies.push(await r.text().catch(() => ''));
    });
    const exchangeBody = await signInThroughSimulator(page, vp);
    assert.ok(exchangeBody['code-verifier']?.length >= 43, 'PKCE verifier sent to the worker');

    // The switcher shows every seeded account with its net liquidating value.
    const accounts = demoAccounts();
    assert.equal(await page.locator('[data-testid=account-tab]').count(), accounts.length);
    for (const a of accounts) {
      const n = a['account-number'];
      const nlv = page.locator(`[data-testid=account-tab][data-account-number="${n}"] [data-testid=account-nlv]`);
      await page.waitForFunction((sel) => /\d/.test(document.querySelector(sel)?.textContent ?? ''),
        `[data-testid=account-tab][data-account-number="${n}"] [data-testid=account-nlv]`);
      const want = fixture(`accounts/${n}/balances.json`).data['net-liquidating-value'];
      assert.equal(cents(money(await nlv.innerText())), cents(want), `${n} tab net liq`);
    }
    assert.match(await page.locator('[data-testid=environment-badge]').innerText(), /demo|simulator/i);

    for (const [i, a] of accounts.entries()) {
      await checkAccount(page, a);
      await shot(page, vp, `3-dashboard-${i + 1}-${a['account-number']}`);
    }

    if (vp.isMobile) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `horizontal page scroll of ${overflow}px at 390 px`);
    }

    // No token, verifier, code or secret is reachable from page JavaScript.
    const [cookie] = (await context.cookies(APP_URL)).filter((c) => c.name === SESSION_COOKIE);
    assert.ok(cookie?.httpOnly && cookie.secure && cookie.sameSite === 'Strict', 'session cookie flags');
    const exposed = await page.evaluate(() => ({
      local: Object.entries(localStorage),
      session: Object.entries(sessionStorage),
      cookie: document.cookie,
    }));
    assert.equal(exposed.session.length, 0, `sessionStorage kept after login: ${JSON.stringify(exposed.session)}`);
    assert.equal(exposed.cookie, '', 'no JS-readable cookie');
    const visible = JSON.stringify(exposed);
    for (const secret of [exchangeBody['code-verifier'], exchangeBody.code, DEMO_CLIENT_SECRET, cookie.value]) {
      assert.ok(!visible.includes(secret), 'a secret is readable from page JavaScript');
    }
    assert.doesNotMatch(visible, /token|verifier|secret/i);
    for (const body of authBodies) {
      assert.doesNotMatch(body, /access_token|refresh_token|access-token|refresh-token/);
      assert.ok(!body.includes(DEMO_CLIENT_SECRET));
    }

    // Sign out: back to the sign-in screen, and the old cookie is dead server-side.
    const oldCookie = `${SESSION_COOKIE}=${cookie.value}`;
    await press(page, vp, '[data-testid=signout-button]');
    await page.waitForSelector('[data-testid=signin-button]');
    await shot(page, vp, '4-signed-out');
    assert.equal((await api('/api/customers/me', oldCookie)).status, 401);
    await page.reload();
    await page.waitForSelector('[data-testid=signin-button]');
    assert.deepEqual(errors.filter((e) => !/401|Unauthorized/.test(e)), [], 'console errors');
    await context.close();
  });
}

/**
 * Opens a phone page, starts sign-in and stops on the simulator's authorize page. `exchanged()`
 * tells whether the app has since asked the worker to exchange a code.
 */
async function atAuthorizePage() {
  const vp = VIEWPORTS[0];
  const { context, page } = await newPage(vp);
  await page.goto(APP_URL + '/');
  await press(page, vp, '[data-testid=signin-button]');
  await page.waitForURL((u) => u.href.startsWith(SIM_URL));
  let exchanged = false;
  page.on('request', (r) => r.url().includes('/auth/exchange') && (exchanged = true));
  return { vp, context, page, exchanged: () => exchanged };
}

test('phone: denying consent shows a clear message and a retry', async () => {
  const { vp, context, page, exchanged } = await atAuthorizePage();
  await press(page, vp, 'button[name=decision][value=deny]');
  const error = page.locator('[data-testid=auth-error]');
  await error.waitFor();
  assert.match(await error.innerText(), /denied|declined|cancel/i);
  assert.ok(!exchanged(), 'no exchange after a denial');
  assert.ok(!page.url().includes('error='), 'the error is stripped from the address bar');
  await shot(page, vp, '5-denied');
  await press(page, vp, '[data-testid=retry-signin]');
  await page.waitForURL((u) => u.href.startsWith(SIM_URL + '/auth.html'));
  await context.close();
});

test('phone: a forged state is refused without calling the worker', async () => {
  const { vp, context, page, exchanged } = await atAuthorizePage();
  // An attacker's callback link: a real-looking code with a state this browser never issued.
  await page.goto(APP_URL + '/callback?code=attacker-code&state=forged-state-value');
  const error = page.locator('[data-testid=auth-error]');
  await error.waitFor();
  assert.match(await error.innerText(), /state|expired|again/i);
  assert.ok(!exchanged(), 'the worker was asked to exchange a forged callback');
  assert.equal((await (await page.evaluate(() => fetch('/auth/session').then((r) => r.json()))))['signed-in'], false);
  await shot(page, vp, '6-forged-state');
  await context.close();
});

test('phone: an account without positions shows the empty state', async () => {
  const vp = VIEWPORTS[0];
  const [, empty] = demoAccounts().map((a) => a['account-number']);
  await sim.config({ 'empty-positions': [empty] });
  try {
    const { context, page } = await newPage(vp);
    await signInThroughSimulator(page, vp);
    await press(page, vp, `[data-testid=account-tab][data-account-number="${empty}"]`);
    await page.waitForSelector('[data-testid=positions-empty]');
    assert.equal(await page.locator('[data-testid=position-row]').count(), 0);
    await shot(page, vp, '8-no-positions');
    await context.close();
  } finally {
    await sim.reset();
  }
});

test('phone: an ended session shows "sign in again"', async () => {
  const vp = VIEWPORTS[0];
  const { context, page } = await newPage(vp);
  await signInThroughSimulator(page, vp);
  // The session dies server-side (e.g. logged out on another device).
  const [cookie] = (await context.cookies(APP_URL)).filter((c) => c.name === SESSION_COOKIE);
  const res = await api('/auth/logout', `${SESSION_COOKIE}=${cookie.value}`, {
    method: 'POST', headers: { 'x-pocket-csrf': '1' },
  });
  assert.equal(res.status, 204);
  await page.locator('[data-testid=refresh-button]').click();
  await page.waitForSelector('[data-testid=session-ended] [data-testid=signin-button]');
  await shot(page, vp, '7-session-ended');
  await context.close();
});
