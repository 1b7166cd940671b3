// The app's frame in headless Chromium: moving between every screen by tapping (no reloads),
// back/forward, deep links that survive a reload, the sign-in bringing you back to the link you
// opened, and the data round trips from the callback (and from a returning visit) to a painted
// screen. Phone (390x844, touch) and desktop (1280x800).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, demoAccounts, sim } from './harness.mjs';
import {
  VIEWPORTS, launch, newPage, shot, press, assertAccessible, assertLandmarks,
  assertNoHorizontalScroll, signInLikeAPerson, signInQuickly, isScreenModule,
} from './browser-kit.mjs';

const SECTIONS = [
  ['Orders', 'orders'], ['Activity', 'activity'], ['History', 'history'],
  ['Watchlists', null], ['Positions', 'positions'],
];

let browser;
before(async () => {
  await sim.reset();
  browser = await launch();
});
after(async () => browser?.close());

const [first, second] = demoAccounts().map((a) => a['account-number']);
const pathOf = (segment, account = first) => (segment ? `/accounts/${account}/${segment}` : '/watchlists');

/** Requests the page makes to the worker's data routes (`/auth/*`, `/api/*`), in order. */
function dataRequests(page) {
  const seen = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.origin === new URL(APP_URL).origin && /^\/(auth|api)\//.test(u.pathname)) {
      seen.push(`${r.method()} ${u.pathname}`);
    }
  });
  return seen;
}

/**
 * Where the navigation sits: on a phone a tab bar fixed to the bottom of the viewport across its
 * width (it stays there when the page scrolls); on a desktop a column left of the content.
 */
async function assertNavigationPlace(page, vp, what) {
  // One evaluation: nothing loads between the measures (a list arriving would move the end).
  const at = await page.evaluate(() => {
    const nav = document.querySelector('nav.main-nav');
    const main = document.querySelector('main');
    const measure = () => ({
      nav: nav.getBoundingClientRect().toJSON(), main: main.getBoundingClientRect().toJSON(),
    });
    const top = measure();
    window.scrollTo(0, document.documentElement.scrollHeight);
    const end = measure();
    window.scrollTo(0, 0);
    return {
      top, end, position: getComputedStyle(nav).position,
      width: document.documentElement.clientWidth, height: window.innerHeight,
    };
  });
  const { nav, main } = at.top;
  if (vp.isMobile) {
    assert.equal(at.position, 'fixed', `${what}: the tab bar is fixed`);
    assert.ok(Math.abs(nav.bottom - at.height) <= 1, `${what}: tab bar bottom ${nav.bottom}, viewport ${at.height}`);
    assert.ok(nav.left <= 0 && nav.right >= at.width, `${what}: tab bar ${nav.left}–${nav.right} of ${at.width}`);
    assert.ok(nav.height >= 44 && nav.height <= 120, `${what}: tab bar height ${nav.height}`);
    // Scrolled to the end, it is still at the bottom and no content hides under it.
    assert.ok(Math.abs(at.end.nav.bottom - at.height) <= 1, `${what}: scrolled, tab bar bottom ${at.end.nav.bottom}`);
    assert.ok(at.end.main.bottom <= at.end.nav.top + 1,
      `${what}: scrolled to the end, the content ends at ${at.end.main.bottom}, the tab bar starts at ${at.end.nav.top}`);
  } else {
    assert.notEqual(at.position, 'fixed', `${what}: a column of the layout, not the phone's fixed bar`);
    assert.ok(nav.right <= main.left, `${what}: navigation ${nav.left}–${nav.right} left of main at ${main.left}`);
    assert.ok(nav.top < at.height / 2 && nav.height < at.height, `${what}: navigation at the top (${nav.top})`);
    assert.ok(main.width > at.width / 2, `${what}: main takes most of the width (${main.width})`);
  }
}

/** Waits until the screen has drawn what it loads: no placeholder or busy part in `main`, and
 * no fade still running (axe would measure a half-faded colour). */
async function settled(page) {
  await page.waitForFunction(() => !document.querySelector('main [aria-busy=true], main .skeleton')
    && document.getAnimations().every((a) => a.effect?.getTiming().iterations === Infinity));
}

async function currentSection(page) {
  return page.locator('[data-testid=nav-link][aria-current=page]').getAttribute('data-section');
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: every screen by tapping, once-loaded wasm, back/forward, reload on each route`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    // The app's main module, and the screens' own modules (`lazy-*.wasm`: fetched when a screen
    // that needs one is first opened; app/src/components/lazy.rs).
    let wasm = 0;
    const modules = [];
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (isScreenModule(path)) modules.push(path);
      else if (path.endsWith('.wasm')) wasm++;
    });
    await signInQuickly(page);
    await page.goto(APP_URL + '/');
    // `/` opens the first account's positions.
    await page.waitForURL(APP_URL + pathOf('positions'));
    await page.waitForSelector('[data-testid=position-row]');
    assert.equal(wasm, 2, 'the app was loaded (sign-in page, then /)');
    assert.deepEqual(modules, [], 'sign-in and positions need no screen module');
    wasm = 0;

    const seen = dataRequests(page);
    for (const [label, segment] of SECTIONS) {
      await press(page, vp, `[data-testid=nav-link][data-section=${label}]`);
      await page.waitForURL(APP_URL + pathOf(segment));
      await page.waitForSelector('main h1');
      await settled(page);
      assert.equal(await currentSection(page), label, `${label} is the current link`);
      assert.equal(await page.locator('[data-testid=nav-link][aria-current]').count(), 1);
      await assertLandmarks(page, label);
      if (vp.isMobile) await assertNoHorizontalScroll(page, label);
      await assertNavigationPlace(page, vp, label);
      await assertAccessible(page, vp, `${label} screen`);
      await shot(page, vp, `nav-${label.toLowerCase()}`);
    }
    assert.equal(wasm, 0, 'moving between screens never reloads the app');
    // What several screens read is cached for the session (app/src/data/mod.rs `Data`): the
    // accounts, each account's balances and each account's positions are not asked for again
    // when moving between sections (back on Positions included).
    await page.waitForSelector('[data-testid=position-row]');
    const cached = seen.filter((r) => r === 'GET /api/customers/me/accounts'
      || /^GET \/api\/accounts\/[^/]+\/(balances|positions)$/.test(r));
    assert.deepEqual(cached, [], `cached reads asked for again: ${seen.join(', ')}`);
    assert.ok(seen.some((r) => r.startsWith(`GET /api/accounts/${first}/orders`)), `the screens read their own data: ${seen.join(', ')}`);
    assert.ok(modules.length > 0, 'the screens opened fetched their own modules');
    assert.equal(new Set(modules).size, modules.length, `each screen module is fetched once: ${modules}`);

    // Back and forward walk the screens visited.
    await page.goBack();
    await page.waitForURL(APP_URL + pathOf(null));
    assert.equal(await currentSection(page), 'Watchlists');
    await page.goBack();
    await page.waitForURL(APP_URL + pathOf('history'));
    await page.goForward();
    await page.waitForURL(APP_URL + pathOf(null));
    assert.equal(wasm, 0, 'back/forward stay in the app');

    // Switching account keeps the section.
    await press(page, vp, `[data-testid=nav-link][data-section=Orders]`);
    await page.waitForURL(APP_URL + pathOf('orders'));
    await press(page, vp, `[data-testid=account-tab][data-account-number="${second}"]`);
    await page.waitForURL(APP_URL + pathOf('orders', second));
    await page.waitForSelector(`[data-testid=account-tab][data-account-number="${second}"][aria-current=true]`);

    // Every route is a deep link that survives a reload.
    for (const [label, segment] of SECTIONS) {
      const path = pathOf(segment, second);
      await page.goto(APP_URL + path);
      await page.waitForSelector('main h1');
      assert.equal(new URL(page.url()).pathname, path);
      assert.equal(await currentSection(page), label, `reloaded ${path}`);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

/** The live market's own requests (docs/contracts.md, app: live market data). */
const isMarketData = (r) => /^GET \/api\/(api-quote-tokens|market-metrics|market-time\/|market-data\/)/.test(r);

test('phone: callback -> positions in one data round trip (the exchange brings the first screen)', async () => {
  const vp = VIEWPORTS[0];
  const { context, page, errors } = await newPage(browser, vp);
  const seen = dataRequests(page);
  const statics = [];
  let atProvider = 0;
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (atProvider && u.origin === new URL(APP_URL).origin && !/^\/(auth|api)\//.test(u.pathname)) {
      statics.push(u.pathname);
    }
  });
  await signInLikeAPerson(page, vp, '/', async () => { atProvider = seen.length || -1; });
  const callbackAt = Math.max(atProvider, 0);
  assert.deepEqual(seen.slice(0, callbackAt), ['GET /auth/session', 'GET /auth/config'],
    'before leaving for tastytrade');
  await page.waitForSelector('[data-testid=position-row]');
  await page.waitForSelector('[data-testid=account-nlv]');
  const after = seen.slice(callbackAt);
  // One data round trip: the exchange; accounts, every balance and the positions came with it.
  // (What the live market needs — the quote token, the market session, betas — is asked for once
  // the positions are drawn, to make them live; it is not part of painting them.)
  assert.deepEqual(after.filter((r) => !r.endsWith('/auth/config') && !isMarketData(r)),
    ['POST /auth/exchange'],
    `data requests from the callback to the painted positions: ${after.join(', ')}`);
  console.log(`callback -> positions: ${after.length} data request(s) [${after.join(', ')}], `
    + `${statics.length} static request(s) [${statics.join(', ')}]`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: a returning visit paints positions with no data request (inlined bootstrap)', async () => {
  const vp = VIEWPORTS[0];
  const { context, page, errors } = await newPage(browser, vp);
  await signInQuickly(page);
  const seen = dataRequests(page);
  await page.goto(`${APP_URL}/accounts/${second}/positions`);
  await page.waitForSelector('[data-testid=position-row]');
  await page.waitForSelector(`[data-testid=account-tab][data-account-number="${first}"] [data-testid=account-nlv]`);
  assert.deepEqual(seen.filter((r) => !isMarketData(r)), [],
    `data requests before the screen painted: ${seen.join(', ')}`);
  assert.equal(await page.locator('#pocket-bootstrap').count(), 0, 'the data element is read and removed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: a deep link opened signed out comes back after sign-in', async () => {
  const vp = VIEWPORTS[0];
  const { context, page } = await newPage(browser, vp);
  const path = `/accounts/${second}/history?range=3m`;
  await signInLikeAPerson(page, vp, path);
  await page.waitForURL(APP_URL + path);
  assert.equal(await currentSection(page), 'History');
  await context.close();
});

for (const vp of VIEWPORTS) {
  test(`${vp.name}: unknown accounts and paths say so`, async () => {
    const { context, page } = await newPage(browser, vp);
    await signInQuickly(page);
    await page.goto(`${APP_URL}/accounts/ZZ99999/orders`);
    await page.waitForSelector('[data-testid=unknown-account]');
    await page.goto(`${APP_URL}/no/such/page`);
    await page.waitForSelector('text=Page not found');
    await assertLandmarks(page, 'not found');
    await context.close();
  });
}
