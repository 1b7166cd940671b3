// End to end in headless Chromium: the real app, served by the worker, signing in through the
// simulator's tastytrade page. Phone (390x844, touch) and desktop (1280x800).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createHash } from 'node:crypto';
import {
  APP_URL, CSRF, SIM_URL, DEMO_CLIENT_SECRET, DEMO_USER, SESSION_COOKIE, api, demoAccounts, fixture, sim,
} from './harness.mjs';
import {
  VIEWPORTS, launch, newPage, shot, press, money, cents, assertAccessible, assertLandmarks,
  isScreenModule, apiData, pageToday,
} from './browser-kit.mjs';

let browser;
before(async () => {
  await sim.reset();
  browser = await launch();
});
after(async () => browser?.close());

/** `Decimal::MAX`: the largest value tastytrade's decimals can hold in the app's models. */
const DECIMAL_MAX = '79228162514264337593543950335';

/** The authorize URL carries an S256 PKCE challenge (43 base64url chars) and a long state. */
function assertAuthorizeUrl(href) {
  const url = new URL(href);
  assert.equal(url.searchParams.get('code_challenge_method'), 'S256', `no S256 challenge in ${url.search}`);
  assert.match(url.searchParams.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/, 'S256 challenge');
  assert.ok(url.searchParams.get('state')?.length >= 16, 'state is long and random');
  return url;
}

/** Clicks through the simulator's authorize page; returns the exchange request body the app sent. */
async function signInThroughSimulator(page, vp) {
  await page.goto(APP_URL + '/');
  await page.waitForSelector('[data-testid=signin-button]');
  await shot(page, vp, '1-signin');
  await press(page, vp, '[data-testid=signin-button]');
  await page.waitForURL((u) => u.href.startsWith(SIM_URL + '/auth.html'));
  const authorizeUrl = assertAuthorizeUrl(page.url());
  await page.fill('input[name=username]', DEMO_USER.username);
  await page.fill('input[name=password]', DEMO_USER.password);
  await shot(page, vp, '2-simulator-authorize');
  const exchange = page.waitForRequest((r) => r.url() === APP_URL + '/auth/exchange');
  await press(page, vp, 'button[name=decision][value=allow]');
  const body = JSON.parse((await exchange).postData());
  await page.waitForSelector('[data-testid=account-tab]');
  assert.ok(!page.url().includes('code='), 'the code is stripped from the address bar');
  // The challenge on the authorize URL is S256 of the verifier the app sent to the worker.
  const challenge = createHash('sha256').update(body['code-verifier'] ?? '').digest('base64url');
  assert.equal(authorizeUrl.searchParams.get('code_challenge'), challenge, 'S256(verifier) = challenge');
  return body;
}

async function checkAccount(page, account) {
  const n = account['account-number'];
  const balances = fixture(`accounts/${n}/balances.json`).data;
  const positions = fixture(`accounts/${n}/positions.json`).data.items;
  const tab = page.locator(`[data-testid=account-tab][data-account-number="${n}"]`);
  await tab.click();
  await page.waitForSelector(`[data-testid=account-tab][data-account-number="${n}"][aria-current=true]`);
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
    const { context, page, errors } = await newPage(browser, vp);
    const authBodies = [];
    page.on('response', async (r) => {
      if (r.url().startsWith(APP_URL + '/auth/')) authBodies.push(await r.text().catch(() => ''));
    });
    await page.goto(APP_URL + '/');
    // The file's first page load: once, under load, the local workerd took 20.5 s to serve the
    // wasm (its log), so this wait is longer than the others.
    await page.waitForSelector('[data-testid=signin-button]', { timeout: 60000 });
    await assertLandmarks(page, 'sign-in page');
    await assertAccessible(page, vp, 'sign-in page');
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
    await assertLandmarks(page, 'dashboard');
    await assertAccessible(page, vp, 'dashboard');

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
  const { context, page } = await newPage(browser, vp);
  await page.goto(APP_URL + '/');
  await press(page, vp, '[data-testid=signin-button]');
  await page.waitForURL((u) => u.href.startsWith(SIM_URL));
  assertAuthorizeUrl(page.url());
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
  assertAuthorizeUrl(page.url());
  await context.close();
});

test('phone: a rate-limited sign-in waits, says so, and then completes with the same code', async () => {
  const { vp, context, page } = await atAuthorizePage();
  let exchanges = 0;
  page.on('request', (r) => r.url() === APP_URL + '/auth/exchange' && exchanges++);
  // This address has 10 sign-in attempts per 10 s window. The page's first exchange is held until
  // junk codes have been refused with 429 (the window is used up), then let go at once; a flood
  // keeps the next window used up too until the page says it waits. (A fixed burst before the
  // click could straddle a window boundary on a slow machine and let the page's code through.)
  const junkExchange = (i) => fetch(APP_URL + '/auth/exchange', {
    method: 'POST',
    headers: { ...CSRF, 'content-type': 'application/json', origin: new URL(APP_URL).origin },
    body: JSON.stringify({ code: `junk-${i}`, 'code-verifier': 'v'.repeat(43) }),
  });
  let junkSent = 0;
  const useUpWindow = async () => {
    for (;;) {
      const statuses = await Promise.all([0, 1, 2].map(() => junkExchange(junkSent++).then((r) => r.status)));
      if (statuses.includes(429)) return;
    }
  };
  let held = true;
  await page.route(APP_URL + '/auth/exchange', async (route) => {
    if (held) {
      held = false;
      await useUpWindow();
    }
    await route.continue();
  });
  let junk = true;
  const flood = (async () => {
    while (junk) {
      await Promise.all([0, 1].map(() => junkExchange(junkSent++)));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  await page.fill('input[name=username]', DEMO_USER.username);
  await page.fill('input[name=password]', DEMO_USER.password);
  await press(page, vp, 'button[name=decision][value=allow]');
  const waiting = page.locator('[data-testid=signin-waiting]');
  await waiting.waitFor().finally(() => { junk = false; });
  await flood;
  assert.match(await waiting.innerText(), /continues in \d+ s/);
  await shot(page, vp, '5b-rate-limited');
  await assertAccessible(page, vp, 'rate-limited sign-in');
  await page.waitForSelector('[data-testid=account-tab]', { timeout: 40000 });
  assert.ok(exchanges >= 2, `the same code went again after the wait (${exchanges} exchanges)`);
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
    const { context, page } = await newPage(browser, vp);
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
  const { context, page } = await newPage(browser, vp);
  await signInThroughSimulator(page, vp);
  // The session dies server-side (e.g. logged out on another device).
  const [cookie] = (await context.cookies(APP_URL)).filter((c) => c.name === SESSION_COOKIE);
  const res = await api('/auth/logout', `${SESSION_COOKIE}=${cookie.value}`, {
    method: 'POST', headers: { 'x-pocket-csrf': '1' },
  });
  assert.equal(res.status, 204);
  // The app hears it from the account streamer (the worker's relay closes with 4001 on
  // sign-out: docs/contracts.md) or, without that, from its next read: the refresh.
  const ended = page.locator('[data-testid=session-ended] [data-testid=signin-button]');
  await ended.waitFor({ timeout: 3000 }).catch(() => page.locator('[data-testid=refresh-button]').click());
  await ended.waitFor();
  await shot(page, vp, '7-session-ended');
  await context.close();
});

test('phone: an error= with a state this browser did not issue (or none) is a state mismatch', async () => {
  for (const query of ['error=access_denied&state=forged', 'error=access_denied', 'error=server_error&state=']) {
    const { vp, context, page, exchanged } = await atAuthorizePage();
    await page.goto(`${APP_URL}/callback?${query}`);
    const error = page.locator('[data-testid=auth-error]');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-reason'), 'state-mismatch', query);
    assert.ok(!exchanged());
    assert.ok(!page.url().includes('error='), 'the error is stripped from the address bar');
    if (query.includes('forged')) await shot(page, vp, '6b-error-with-forged-state');
    await context.close();
  }
});

test('phone: no text from the callback URL reaches the page', async () => {
  const { vp, context, page } = await atAuthorizePage();
  // The state this browser really issued, with attacker-chosen error text around it.
  const state = new URL(page.url()).searchParams.get('state');
  const marker = 'INJECTED-7f3a';
  const query = new URLSearchParams({
    error: `<script>window.pwned=1</script><b>${marker}-code</b>`,
    error_description: `${marker}-description: call +1 555 0100 to restore your account`,
    error_uri: `https://evil.example/${marker}`,
    state,
  });
  await page.goto(`${APP_URL}/callback?${query}`);
  const error = page.locator('[data-testid=auth-error]');
  await error.waitFor();
  assert.equal(await error.getAttribute('data-reason'), 'provider-error');
  assert.equal(await error.getAttribute('data-provider-code'), 'other');
  const seen = await page.evaluate(() => ({
    html: document.documentElement.outerHTML,
    title: document.title,
    href: location.href,
    pwned: window.pwned,
  }));
  assert.ok(!seen.html.includes(marker), 'URL text shown on the page');
  assert.ok(!seen.title.includes(marker));
  assert.ok(!seen.href.includes(marker), 'the error is stripped from the address bar');
  assert.equal(seen.pwned, undefined);
  await shot(page, vp, '6c-provider-error');
  await assertAccessible(page, vp, 'callback error page');
  await context.close();
});

test('phone: the code leaves the address bar and history before the exchange finishes', async () => {
  const vp = VIEWPORTS[0];
  const { context, page } = await newPage(browser, vp);
  await page.goto(APP_URL + '/');
  await press(page, vp, '[data-testid=signin-button]');
  await page.waitForURL((u) => u.href.startsWith(SIM_URL + '/auth.html'));
  await page.fill('input[name=username]', DEMO_USER.username);
  await page.fill('input[name=password]', DEMO_USER.password);

  // Hold the exchange until the address bar and the history have been checked.
  let release;
  const held = new Promise((resolve) => {
    page.route((url) => url.href === APP_URL + '/auth/exchange', (route) => {
      resolve(route);
      return new Promise((r) => (release = r)).then(() => route.continue());
    });
  });
  const cdp = await context.newCDPSession(page);
  const historyUrls = async () => (await cdp.send('Page.getNavigationHistory')).entries.map((e) => e.url);
  let callbackUrl;
  page.on('framenavigated', (f) => f === page.mainFrame() && f.url().includes('code=') && (callbackUrl = f.url()));

  await press(page, vp, 'button[name=decision][value=allow]');
  const route = await held;
  const code = new URL(callbackUrl).searchParams.get('code');
  assert.ok(code, 'the callback was loaded with a code');
  const during = await page.evaluate(() => ({ href: location.href, length: history.length }));
  assert.equal(new URL(during.href).search, '', `code/state still in the address bar: ${during.href}`);
  assert.equal(new URL(during.href).pathname, '/callback');
  const entries = await historyUrls();
  assert.equal(entries.length, during.length);
  for (const url of entries) {
    assert.ok(!url.includes(code) && !url.includes('code='), `a history entry keeps the code: ${url}`);
  }
  assert.equal(entries.at(-1), APP_URL + '/callback', 'the callback entry was replaced, not pushed');
  release();
  await route.request().response();
  await page.waitForSelector('[data-testid=account-tab]');
  assert.equal(await page.evaluate(() => history.length), during.length, 'no history entry added');

  // Going back never lands on a URL with the code.
  for (const url of await historyUrls()) assert.ok(!url.includes('code='), url);
  await page.goBack();
  assert.ok(!page.url().includes('code='), `back landed on ${page.url()}`);
  await context.close();
});

for (const vp of VIEWPORTS) {
  test(`${vp.name}: a P/L too large for a decimal shows — and the page keeps working`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    const [first] = demoAccounts().map((a) => a['account-number']);
    const huge = {
      'account-number': first, symbol: 'HUGE', 'instrument-type': 'Equity', 'underlying-symbol': 'HUGE',
      quantity: '1000000', 'quantity-direction': 'Long', 'average-open-price': '100',
      'close-price': '10', mark: DECIMAL_MAX, 'mark-price': DECIMAL_MAX, multiplier: 1, 'cost-effect': 'Debit',
    };
    // The simulator cannot serve such a mark: rewrite its positions answer on the way in.
    await page.route((url) => /^\/api\/accounts\/[^/]+\/positions$/.test(url.pathname), async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      if (route.request().url().includes(`/accounts/${first}/`)) body.data.items.push(huge);
      await route.fulfill({ response, json: body });
    });
    // The first screen's positions come with the sign-in (the exchange's bootstrap data).
    await page.route((url) => url.pathname === '/auth/exchange', async (route) => {
      const response = await route.fetch();
      const body = await response.json();
      const positions = body.bootstrap?.positions;
      if (positions?.account === first) positions.body.data.items.push(huge);
      await route.fulfill({ response, json: body });
    });
    await signInThroughSimulator(page, vp);
    const fixtureRows = fixture(`accounts/${first}/positions.json`).data.items;
    await page.waitForSelector('[data-testid=position-row][data-symbol=HUGE]');
    assert.equal(await page.locator('[data-testid=position-row]').count(), fixtureRows.length + 1);
    const row = page.locator('[data-testid=position-row][data-symbol=HUGE]');
    assert.equal((await row.locator('[data-testid=position-pl]').innerText()).trim(), '—');
    assert.equal((await page.locator('[data-testid=positions-total-pl]').innerText()).trim(), '—',
      'the total cannot leave the impossible row out');
    // Every other row is intact: quantity as in the fixture, a P/L figure where one applies.
    for (const p of fixtureRows) {
      const other = page.locator(`[data-testid=position-row][data-symbol="${p.symbol}"]`);
      const qty = money(await other.locator('[data-testid=position-quantity]').innerText());
      assert.equal(qty, Number(p.quantity) * (p['quantity-direction'] === 'Short' ? -1 : 1), p.symbol);
      if (p['average-open-price'] && (p['mark-price'] ?? p['close-price'])) {
        assert.match(await other.locator('[data-testid=position-pl]').innerText(), /\d/, `${p.symbol} P/L`);
      }
    }
    await page.locator('[data-testid=net-liq]').waitFor();
    if (vp.isMobile) {
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `horizontal page scroll of ${overflow}px at 390 px`);
    }
    // The huge figures wrap inside their card instead of pushing the P/L column out of it.
    const fit = await page.evaluate(() => {
      const card = document.querySelector('.positions').getBoundingClientRect();
      const pl = document.querySelector('[data-symbol=HUGE] [data-testid=position-pl]').getBoundingClientRect();
      return { card: card.right, pl: pl.right };
    });
    assert.ok(fit.pl <= fit.card, `P/L cell ends at ${fit.pl}px, its card at ${fit.card}px`);
    await shot(page, vp, '9-impossible-pl');
    // Still alive: switching accounts and refreshing work.
    const [, second] = demoAccounts().map((a) => a['account-number']);
    await press(page, vp, `[data-testid=account-tab][data-account-number="${second}"]`);
    await page.waitForSelector(`[data-testid=account-tab][data-account-number="${second}"][aria-current=true]`);
    await page.locator('[data-testid=refresh-button]').click();
    await press(page, vp, `[data-testid=account-tab][data-account-number="${first}"]`);
    await page.waitForSelector('[data-testid=position-row][data-symbol=HUGE]');
    assert.deepEqual(errors, [], 'page errors (a panic shows as "unreachable")');
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  });
}

test('phone: a first visit fetches only dist/ files (what the size report counts) and JSON', async () => {
  const vp = VIEWPORTS[0];
  const dist = fileURLToPath(new URL('../dist/', import.meta.url));
  const files = new Set(readdirSync(dist, { recursive: true }).map((f) => '/' + String(f).replaceAll('\\', '/')));
  const { context, page } = await newPage(browser, vp);
  const fetched = [];
  page.on('request', (r) => fetched.push(new URL(r.url())));
  await page.goto(APP_URL + '/');
  await page.waitForSelector('[data-testid=signin-button]');
  await page.waitForLoadState('networkidle');
  const statics = fetched.filter((u) => !/^\/(auth|api)\//.test(u.pathname));
  for (const u of statics) {
    assert.equal(u.origin, new URL(APP_URL).origin, `first visit fetched ${u.href}`);
    const path = u.pathname === '/' ? '/index.html' : u.pathname;
    assert.ok(files.has(path), `first visit fetched ${u.pathname}, which is not in dist/ (not in the size report)`);
  }
  assert.ok(statics.some((u) => u.pathname.endsWith('.wasm')), 'the wasm was fetched');
  // The screens' own modules are not part of a first visit (the size report lists them apart).
  const modules = statics.filter((u) => isScreenModule(u.pathname)).map((u) => u.pathname);
  assert.deepEqual(modules, [], 'a first visit fetches no screen module');
  await context.close();
});

/** Whole days from `today` to the day an `expires-at` names (its date as written). */
const daysUntil = (today, expiresAt) => (Date.parse(expiresAt.slice(0, 10)) - Date.parse(today)) / 86400000;
/** What a row says for `days` to expiration (app/src/features/positions/table.rs `dte_label`). */
const dteLabel = (days) => (days < 0 ? 'expired' : `${days}d`);

/**
 * Every account's positions with an `expires-at` (options, futures) show their days to
 * expiration from the page's today; the others show none. Returns the labels checked.
 */
async function checkDaysToExpiration(page, vp) {
  const today = await pageToday(page);
  const seen = [];
  for (const n of demoAccounts().map((a) => a['account-number'])) {
    await press(page, vp, `[data-testid=account-tab][data-account-number="${n}"]`);
    await page.waitForSelector(`[data-testid=account-tab][data-account-number="${n}"][aria-current=true]`);
    const positions = (await apiData(page, `/accounts/${n}/positions`)).items;
    // This account's rows (the previous account's could have as many).
    await page.waitForFunction((want) => JSON.stringify([...document.querySelectorAll('[data-testid=position-row]')]
      .map((r) => r.dataset.symbol).sort()) === want, JSON.stringify(positions.map((p) => p.symbol).sort()));
    for (const p of positions) {
      const dte = page.locator(`[data-testid=position-row][data-symbol="${p.symbol}"] [data-testid=position-dte]`);
      if (!p['expires-at']) {
        assert.equal(await dte.count(), 0, `${n} ${p.symbol} has no expiration`);
        continue;
      }
      const want = dteLabel(daysUntil(today, p['expires-at']));
      assert.equal((await dte.innerText()).trim(), want, `${n} ${p.symbol} expiring ${p['expires-at']}, today ${today}`);
      seen.push({ type: p['instrument-type'], label: want });
    }
  }
  return seen;
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: positions grouped by underlying with each group's P/L; a tap shows a row's details`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    await signInThroughSimulator(page, vp);
    const [first] = demoAccounts().map((a) => a['account-number']);
    const positions = fixture(`accounts/${first}/positions.json`).data.items;
    // Expected groups from the fixture: the underlying (a future stands with its options).
    const key = (p) => (p['instrument-type'] === 'Future' ? p.symbol : p['underlying-symbol'] ?? p.symbol);
    const sign = (p) => (p['quantity-direction'] === 'Short' ? -1 : 1);
    const openPl = (p) => cents((Number(p['mark-price']) - Number(p['average-open-price']))
      * Number(p.quantity) * sign(p) * Number(p.multiplier ?? 1));
    const groups = new Map();
    for (const p of positions) groups.set(key(p), [...(groups.get(key(p)) ?? []), p]);
    await page.waitForSelector('[data-testid=position-group]');
    const shown = await page.locator('[data-testid=position-group]').evaluateAll(
      (els) => els.map((e) => e.getAttribute('data-underlying')),
    );
    assert.deepEqual(shown, [...groups.keys()], 'groups in order of first appearance');
    for (const [underlying, rows] of groups) {
      const group = page.locator(`[data-testid=position-group][data-underlying="${underlying}"]`);
      assert.equal(await group.locator('[data-testid=position-row]').count(), rows.length, underlying);
      const pl = await group.locator('[data-testid=group-pl]').innerText();
      assert.equal(cents(money(pl)), rows.reduce((s, p) => s + openPl(p), 0), `${underlying} group P/L`);
    }
    // Tapping a symbol shows its details; tapping again hides them.
    const row = page.locator('[data-testid=position-row]').first();
    const toggle = row.locator('button.row-toggle');
    const detail = page.locator(`#${await toggle.getAttribute('aria-controls')}`);
    assert.equal(await detail.isVisible(), false);
    await (vp.hasTouch ? toggle.tap() : toggle.click());
    await detail.waitFor({ state: 'visible' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.match(await detail.innerText(), /Average open/);
    await shot(page, vp, '10-position-details');
    await (vp.hasTouch ? toggle.tap() : toggle.click());
    await detail.waitFor({ state: 'hidden' });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');

    // Days to expiration on every account's options (and futures), against tastytrade's
    // `expires-at` and today.
    const dte = await checkDaysToExpiration(page, vp);
    assert.ok(dte.filter((d) => /Option/.test(d.type)).length >= 3, `options checked: ${JSON.stringify(dte)}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}
