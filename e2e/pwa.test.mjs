// The installable app: the manifest and its icons, the service worker (precached shell, never any
// account data in a cache), sign-in with the worker in control, and the offline message.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { APP_URL, demoAccounts, sim } from './harness.mjs';
import {
  VIEWPORTS, launch, newPage, shot, signInLikeAPerson, assertLandmarks, isScreenModule,
} from './browser-kit.mjs';

let browser;
before(async () => {
  await sim.reset();
  browser = await launch();
});
after(async () => browser?.close());

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes) {
  const sig = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  assert.ok(bytes.subarray(0, 8).equals(sig), 'a PNG');
  return `${bytes.readUInt32BE(16)}x${bytes.readUInt32BE(20)}`;
}

test('the manifest makes the app installable: name, standalone, start URL, icons that exist', async () => {
  const res = await fetch(APP_URL + '/manifest.webmanifest');
  assert.equal(res.status, 200);
  const m = await res.json();
  assert.equal(m.display, 'standalone');
  // The installed app starts at `/?launch=installed`: the service worker then caches every
  // screen's module for offline use (a browser tab never downloads one it does not open).
  assert.equal(m.start_url, '/?launch=installed');
  assert.equal(m.id, '/', 'the identity stays / whatever the start URL');
  assert.ok(m.name && m.short_name && m.theme_color && m.background_color);
  const purposes = new Set();
  for (const icon of m.icons) {
    const img = await fetch(APP_URL + icon.src);
    assert.equal(img.status, 200, icon.src);
    assert.equal(img.headers.get('content-type'), 'image/png', icon.src);
    assert.equal(pngSize(Buffer.from(await img.arrayBuffer())), icon.sizes, icon.src);
    purposes.add(icon.purpose);
  }
  assert.ok(m.icons.some((i) => i.sizes === '192x192') && m.icons.some((i) => i.sizes === '512x512'));
  assert.ok(purposes.has('maskable'), 'a maskable icon');
  const page = await (await fetch(APP_URL + '/')).text();
  assert.match(page, /<link[^>]*href="?\/manifest\.webmanifest"?[^>]*rel="?manifest/);
});

/** Every cached request URL and whether a cached body holds account data. */
async function cacheContents(page, accountNumbers) {
  return page.evaluate(async (numbers) => {
    const out = [];
    for (const key of await caches.keys()) {
      const cache = await caches.open(key);
      for (const request of await cache.keys()) {
        const response = await cache.match(request);
        const html = (response.headers.get('content-type') ?? '').includes('html');
        const body = await response.text();
        // An account number anywhere, or the worker's inlined data element in a page.
        const personal = numbers.some((n) => body.includes(n))
          || (html && /<script[^>]*id="?pocket-bootstrap/.test(body));
        out.push({ url: request.url, personal });
      }
    }
    return out;
  }, accountNumbers);
}

test('phone: the service worker precaches the shell, takes control, and caches no account data', async () => {
  const vp = VIEWPORTS[0];
  const { context, page, errors } = await newPage(browser, vp);
  await page.goto(APP_URL + '/');
  await page.waitForSelector('[data-testid=signin-button]');
  await page.evaluate(() => navigator.serviceWorker.ready);
  // Sign in with the worker in control: the redirect, the callback and the exchange pass by it.
  await signInLikeAPerson(page, vp);
  assert.ok(await page.evaluate(() => !!navigator.serviceWorker.controller), 'the page is controlled');
  await page.waitForSelector('[data-testid=position-row]');
  // Visit a few screens so anything cacheable would have been cached.
  for (const section of ['Orders', 'Activity', 'Watchlists', 'Positions']) {
    await page.click(`[data-testid=nav-link][data-section=${section}]`);
    await page.waitForSelector('main h1');
  }
  await page.reload();
  await page.waitForSelector('[data-testid=position-row]');

  const numbers = demoAccounts().map((a) => a['account-number']);
  const cached = await cacheContents(page, numbers);
  const dist = new Set(readdirSync(fileURLToPath(new URL('../dist/', import.meta.url))).map((f) => '/' + f));
  assert.ok(cached.some((c) => c.url.endsWith('_bg.wasm')), 'the wasm is precached');
  // The screens' own modules are cached as they are opened, and only those: a visit in a tab
  // downloads nothing it does not use (the first-visit budget; the installed app caches them
  // all: lazy.test.mjs).
  const modules = cached.map((c) => new URL(c.url).pathname).filter(isScreenModule);
  for (const screen of ['orders-screens', 'activity-screen', 'watchlist-screens']) {
    assert.ok(modules.some((m) => m.startsWith(`/lazy-split-${screen}-`)), `${screen} cached once opened: ${modules}`);
  }
  for (const screen of ['history-screen', 'ticket-screen', 'chain-screen']) {
    assert.ok(!modules.some((m) => m.startsWith(`/lazy-split-${screen}-`)), `${screen} never opened, yet cached`);
  }
  for (const { url, personal } of cached) {
    const u = new URL(url);
    assert.ok(!/^\/(auth|api)\//.test(u.pathname), `cached ${u.pathname}`);
    assert.ok(dist.has(u.pathname) || u.pathname === '/', `cached ${u.pathname}: not one of the app's files`);
    assert.ok(!personal, `cached ${u.pathname}${u.search} holds account data`);
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: offline, the app says so plainly and comes back when the connection does', async () => {
  const vp = VIEWPORTS[0];
  const { context, page } = await newPage(browser, vp);
  await page.goto(APP_URL + '/');
  await page.waitForSelector('[data-testid=signin-button]');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await page.reload();
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);

  await context.setOffline(true);
  await page.reload();
  // The shell comes from the service worker's cache; the app cannot reach the worker.
  await page.waitForSelector('[data-testid=offline-banner]');
  await page.waitForSelector('[data-testid=error-panel]');
  assert.match(await page.locator('[data-testid=error-panel]').innerText(), /offline/i);
  await assertLandmarks(page, 'offline');
  await shot(page, vp, 'offline');

  await context.setOffline(false);
  await page.waitForSelector('[data-testid=offline-banner]', { state: 'detached' });
  await page.click('[data-testid=error-panel] button');
  await page.waitForSelector('[data-testid=signin-button]');
  await context.close();
});
