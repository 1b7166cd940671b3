// Screens whose code is a wasm module of their own (app/src/components/lazy.rs): a first visit
// does not download History, Orders or Activity; opening one shows its skeleton while its module
// arrives (the time it takes is printed), an error panel with "Try again" when it cannot arrive,
// and an installed app opens them offline (the service worker precached the modules).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, demoAccounts } from './harness.mjs';
import { VIEWPORTS, launch, newPage, press, signInQuickly, signInLikeAPerson, isScreenModule } from './browser-kit.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => browser?.close());

const vp = VIEWPORTS[0];
const [account] = demoAccounts().map((a) => a['account-number']);
const screenModules = (page) => page.evaluate(() => performance.getEntriesByType('resource')
  .map((e) => ({ path: new URL(e.name).pathname, ms: Math.round(e.responseEnd - e.startTime), bytes: e.encodedBodySize })))
  .then((entries) => entries.filter((e) => isScreenModule(e.path)));
const historyModule = /^\/lazy-split-history-screen-[0-9a-f]+\.wasm$/;

test('phone: History downloads its module when opened, showing its skeleton meanwhile', async () => {
  // Without the service worker, whose precache would serve the module: this is a first open.
  const { context, page, errors } = await newPage(browser, vp, { serviceWorkers: 'block' });
  await signInQuickly(page);
  await page.goto(`${APP_URL}/accounts/${account}/positions`);
  await page.waitForSelector('[data-testid=position-row]');
  assert.deepEqual(await screenModules(page), [], 'positions needs no screen module');

  // Held back a moment, so the skeleton can be seen.
  let release;
  const held = new Promise((r) => { release = r; });
  await page.route((u) => historyModule.test(u.pathname), async (route) => { await held; await route.continue(); });
  await press(page, vp, '[data-testid=nav-link][data-section=History]');
  await page.waitForSelector('main [role=status][aria-label="Loading history"]');
  release();
  await page.waitForSelector('[data-testid=history-figure]');
  await page.unrouteAll({ behavior: 'ignoreErrors' });

  // Timed without the hold: a fresh page opened on Activity (a module of its own).
  await page.goto(`${APP_URL}/accounts/${account}/positions`);
  await page.waitForSelector('[data-testid=position-row]');
  const started = Date.now();
  await press(page, vp, '[data-testid=nav-link][data-section=Activity]');
  await page.waitForSelector('main h1:text("Activity")');
  const shown = Date.now() - started;
  const modules = await screenModules(page);
  assert.ok(modules.some((m) => /^\/lazy-split-activity-screen-/.test(m.path)), 'the activity module was fetched');
  console.log(`Activity opened in ${shown} ms; its modules: ${modules.map((m) => `${m.path} ${m.bytes} B in ${m.ms} ms`).join(', ')}`);
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: a screen whose module cannot download says so, and "Try again" brings it', async () => {
  const { context, page } = await newPage(browser, vp, { serviceWorkers: 'block' });
  await signInQuickly(page);
  await page.goto(`${APP_URL}/accounts/${account}/positions`);
  await page.waitForSelector('[data-testid=position-row]');
  await page.route((u) => isScreenModule(u.pathname), (route) => route.abort('internetdisconnected'));
  await press(page, vp, '[data-testid=nav-link][data-section=Activity]');
  const panel = page.locator('main [data-testid=error-panel]');
  await panel.waitFor();
  assert.match(await panel.innerText(), /offline/i);
  assert.match(await panel.innerText(), /this screen's code did not download/);
  // The rest of the app still works: another screen, then back.
  await press(page, vp, '[data-testid=nav-link][data-section=Positions]');
  await page.waitForSelector('[data-testid=position-row]');
  await press(page, vp, '[data-testid=nav-link][data-section=Activity]');
  await panel.waitFor();

  await page.unrouteAll({ behavior: 'ignoreErrors' });
  await press(page, vp, 'main [data-testid=error-panel] button');
  await page.waitForSelector('main h1:text("Activity")');
  assert.equal(await panel.count(), 0, 'the error panel went');
  await context.close();
});

test('phone: installed, the app opens a screen it never opened while offline', async () => {
  const { context, page, errors } = await newPage(browser, vp);
  await page.goto(APP_URL + '/');
  await page.waitForSelector('[data-testid=signin-button]');
  await page.evaluate(() => navigator.serviceWorker.ready);
  await signInLikeAPerson(page, vp);
  await page.waitForFunction(() => !!navigator.serviceWorker.controller);
  await page.waitForSelector('[data-testid=position-row]');
  assert.deepEqual(await screenModules(page), [], 'no screen module was needed yet');
  // Started as the installed app (the manifest's start_url): every screen's module is cached.
  const cachedModules = () => page.evaluate(async () => {
    const out = [];
    for (const key of await caches.keys()) {
      for (const r of await (await caches.open(key)).keys()) out.push(new URL(r.url).pathname);
    }
    return out.filter((p) => /^\/lazy-[\w-]+\.wasm$/.test(p)).length;
  });
  const sw = await (await fetch(APP_URL + '/sw.js')).text();
  const onDemand = JSON.parse(sw.match(/const ON_DEMAND = (\[.*?\]);/)[1]);
  assert.ok(onDemand.length > 8, `the screens' modules are listed: ${onDemand.length}`);
  assert.equal(await cachedModules(), 0, 'a tab visit caches no module it did not open');
  await page.goto(APP_URL + '/?launch=installed');
  await page.waitForSelector('[data-testid=position-row]');
  // (A poll from here: waitForFunction does not wait for an async predicate's promise.)
  const deadline = Date.now() + 20000;
  while (await cachedModules() < onDemand.length) {
    if (Date.now() > deadline) throw new Error(`${await cachedModules()} of ${onDemand.length} modules cached`);
    await new Promise((r) => setTimeout(r, 250));
  }

  await context.setOffline(true);
  await press(page, vp, '[data-testid=nav-link][data-section=History]');
  // The module comes from the service worker's cache; only the data is missing.
  await page.waitForSelector('[data-testid=history-figure]');
  assert.equal(await page.getByText("this screen's code did not download").count(), 0);
  await context.setOffline(false);
  assert.deepEqual(errors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(e)), []);
  await context.close();
});
