// Watchlists in headless Chromium at 390x844 (touch) and 1280x800: reached by tapping the
// navigation; the user's and tastytrade's lists checked against the simulator's JSON (through the
// worker with the page's session); create → add → remove → delete surviving reloads, with a name
// that needs encoding; input refused before sending; tastytrade's errors next to their form with
// nothing typed lost; one write per tap while busy; a 429 shown and never retried; public lists
// read-only; axe; screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, sim } from './harness.mjs';
import {
  VIEWPORTS, launch, newPage, assertAccessible, press, shot,
} from './browser-kit.mjs';
import {
  trackRequests, count, wasmLoads, signIn, tapNav, apiData, apiWrite,
  assertNoSideScroll,
} from './screens-harness.mjs';

let browser;
before(async () => {
  await sim.reset();
  browser = await launch();
});
after(async () => browser?.close());

const enc = encodeURIComponent;
const attrs = (page, selector, name) => page.locator(selector).evaluateAll(
  (els, name) => els.map((e) => e.getAttribute(name)), name);
const symbolsShown = (page) => attrs(page, '[data-testid=watchlist-entry]', 'data-symbol');
const apiSymbols = async (page, name) =>
  (await apiData(page, `/watchlists/${enc(name)}`))['watchlist-entries'].map((e) => [e.symbol, e['instrument-type']]);

/** Requests the page sent to `/api<path>` with `method`. */
const sent = (requests, method, path) => count(requests, (u, m) => m === method && u.pathname === '/api' + path);

async function waitForSymbols(page, want) {
  await page.waitForFunction((want) => JSON.stringify(
    [...document.querySelectorAll('[data-testid=watchlist-entry]')].map((e) => e.dataset.symbol)) === JSON.stringify(want),
  want);
}

/** The lists index shows exactly the simulator's lists, with their counts. */
async function assertIndex(page) {
  await page.waitForSelector('[data-testid=my-watchlists] :is([data-testid=watchlist-link], [data-testid=watchlists-empty])');
  await page.waitForSelector('[data-testid=public-watchlist-link]');
  const mine = (await apiData(page, '/watchlists')).items;
  assert.deepEqual(await attrs(page, '[data-testid=watchlist-link]', 'data-name'), mine.map((w) => w.name));
  for (const w of mine) {
    const n = (w['watchlist-entries'] ?? []).length;
    const text = await page.locator(`[data-testid=watchlist-link][data-name="${w.name}"]`).innerText();
    assert.match(text, n === 0 ? /No symbols/ : new RegExp(`\\b${n} symbols?\\b`), `${w.name} count`);
  }
  const pub = (await apiData(page, '/public-watchlists?counts-only=true')).items;
  assert.deepEqual(await attrs(page, '[data-testid=public-watchlist-link]', 'data-name'), pub.map((w) => w.name));
  return { mine, pub };
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: watchlists create → add → remove → delete, errors, reloads, public lists`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    const requests = trackRequests(page);
    await signIn(page, vp);
    const wasmAtSignIn = wasmLoads(requests);

    await tapNav(page, vp, 'Watchlists');
    assert.equal(new URL(page.url()).pathname, '/watchlists');
    const { mine } = await assertIndex(page);
    await assertNoSideScroll(page, vp, 'watchlists');
    await assertAccessible(page, vp, 'watchlists');
    await shot(page, vp, 'watchlists');

    // Refused before anything is sent: empty, already one of the user's, a character the
    // worker cannot pass in a path.
    const nameInput = page.locator('[data-testid=new-watchlist-name]');
    const createError = page.locator('[data-testid=new-watchlist-error]');
    for (const [typed, why] of [['   ', /enter a name/i], [mine[0].name, /already have/i], ['a/b', /can't contain/i]]) {
      await nameInput.fill(typed);
      await press(page, vp, '[data-testid=new-watchlist-submit]');
      await page.waitForFunction((re) => new RegExp(re, 'i').test(
        document.querySelector('[data-testid=new-watchlist-error]').textContent), why.source);
      assert.equal(await nameInput.getAttribute('aria-invalid'), 'true');
    }
    assert.equal(sent(requests, 'POST', '/watchlists'), 0, 'nothing sent for refused names');

    // tastytrade's refusal (a name taken since the page loaded) shows by the form; the text stays.
    const taken = `Taken meanwhile ${vp.name}`;
    assert.equal((await apiWrite(page, 'POST', '/watchlists', { name: taken, 'watchlist-entries': [] })).status(), 201);
    await nameInput.fill(taken);
    await press(page, vp, '[data-testid=new-watchlist-submit]');
    await page.waitForFunction(() => /taken/i.test(document.querySelector('[data-testid=new-watchlist-error]').textContent));
    assert.equal(await nameInput.inputValue(), taken, 'the typed name is kept');
    assert.equal(sent(requests, 'POST', '/watchlists'), 1);
    await shot(page, vp, 'watchlists-error');
    assert.equal((await apiWrite(page, 'DELETE', `/watchlists/${enc(taken)}`)).status(), 200);

    // Create: a name with spaces, &, % and a non-ASCII letter; the route encodes it.
    const name = `Café & Co 100% ${vp.name}`;
    await nameInput.fill(`  ${name} `);
    await press(page, vp, '[data-testid=new-watchlist-submit]');
    await page.waitForURL((u) => u.pathname === `/watchlists/${enc(name)}`);
    assert.equal(await page.locator('[data-testid=watchlist-title]').innerText(), name);
    await page.waitForSelector('[data-testid=watchlist-empty]');
    assert.deepEqual(await apiSymbols(page, name), []);
    assert.equal(await createError.count(), 0, 'the index (and its error) is gone');

    // Add: uppercased; empty and duplicate refused before sending.
    const symbol = page.locator('[data-testid=add-symbol-input]');
    const addError = page.locator('[data-testid=add-symbol-error]');
    const add = () => press(page, vp, '[data-testid=add-symbol-submit]');
    await add();
    await page.waitForFunction(() => /enter a symbol/i.test(document.querySelector('[data-testid=add-symbol-error]').textContent));
    await symbol.fill('aapl');
    await page.selectOption('[data-testid=add-symbol-type]', 'Equity');
    await add();
    await waitForSymbols(page, ['AAPL']);
    assert.equal(await symbol.inputValue(), '', 'the field is cleared after a save');
    assert.equal(await addError.innerText(), '');
    assert.deepEqual(await apiSymbols(page, name), [['AAPL', 'Equity']]);
    await symbol.fill(' Aapl ');
    await add();
    await page.waitForFunction(() => /already in this list/i.test(document.querySelector('[data-testid=add-symbol-error]').textContent));
    const putPath = `/watchlists/${enc(name)}`;
    assert.equal(sent(requests, 'PUT', putPath), 1, 'one PUT so far');

    // A second tap while the first is in flight sends nothing.
    await sim.config({ 'latency-ms': 1200 });
    await symbol.fill('/esz6');
    await page.selectOption('[data-testid=add-symbol-type]', 'Future');
    await add();
    await page.waitForSelector('[data-testid=add-symbol-submit][aria-busy=true]');
    await add();
    await waitForSymbols(page, ['AAPL', '/ESZ6']);
    await sim.config({ 'latency-ms': 0 });
    assert.equal(sent(requests, 'PUT', putPath), 2, 'the second tap sent nothing');

    // tastytrade's validation errors (errors[] reasons) show by the form; what was typed stays.
    await page.locator('[data-testid=add-symbol-type]').evaluate((select) => {
      select.add(new Option('Bogus', 'Bogus'));
      select.value = 'Bogus';
      select.dispatchEvent(new Event('input', { bubbles: true }));
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await symbol.fill('msft');
    await add();
    await page.waitForFunction(() => /instrument-type/.test(document.querySelector('[data-testid=add-symbol-error]').textContent));
    assert.match(await addError.innerText(), /valid value/);
    assert.equal(await symbol.inputValue(), 'msft', 'the typed symbol is kept');
    assert.deepEqual(await symbolsShown(page), ['AAPL', '/ESZ6']);
    await shot(page, vp, 'watchlist-error');
    await page.selectOption('[data-testid=add-symbol-type]', 'Equity');
    await add();
    await waitForSymbols(page, ['AAPL', '/ESZ6', 'MSFT']);

    // tastytrade's 429 on a write (issue 6 §4): shown by the form, what was typed stays, and the
    // write is never sent again by the app, not even after the Retry-After (1 s) has passed.
    const putsBefore = sent(requests, 'PUT', putPath);
    await sim.failNext({ status: 429, 'path-prefix': putPath });
    await symbol.fill('qqq');
    await add();
    await page.waitForFunction(() => /too many requests/i.test(document.querySelector('[data-testid=add-symbol-error]').textContent));
    await page.waitForTimeout(2500);
    assert.equal(sent(requests, 'PUT', putPath), putsBefore + 1, 'the throttled PUT was sent once, never retried');
    assert.equal(await page.locator('[data-testid=throttled]').count(), 0, 'no "retrying in" notice');
    assert.doesNotMatch(await page.locator('body').innerText(), /retrying in/i);
    assert.match(await addError.innerText(), /too many requests/i, 'the error stays by the form');
    assert.equal(await symbol.inputValue(), 'qqq', 'the typed symbol is kept');
    assert.deepEqual(await symbolsShown(page), ['AAPL', '/ESZ6', 'MSFT']);
    assert.deepEqual(await apiSymbols(page, name), [['AAPL', 'Equity'], ['/ESZ6', 'Future'], ['MSFT', 'Equity']]);
    // The next add goes through, once, and the list is right.
    await add();
    await waitForSymbols(page, ['AAPL', '/ESZ6', 'MSFT', 'QQQ']);
    assert.equal(sent(requests, 'PUT', putPath), putsBefore + 2);
    assert.equal(await addError.innerText(), '');
    const kept = [['/ESZ6', 'Future'], ['MSFT', 'Equity'], ['QQQ', 'Equity']];
    const keptSymbols = kept.map(([s]) => s);

    // Remove.
    await press(page, vp, '[data-testid=watchlist-entry][data-symbol=AAPL] [data-testid=remove-symbol]');
    await waitForSymbols(page, keptSymbols);
    assert.deepEqual(await apiSymbols(page, name), kept);

    // A reload on the list's address shows the same list (deep link).
    await page.reload();
    await waitForSymbols(page, keptSymbols);
    assert.equal(await page.locator('[data-testid=watchlist-title]').innerText(), name);
    await assertNoSideScroll(page, vp, 'watchlist');
    await assertAccessible(page, vp, 'watchlist');
    await shot(page, vp, 'watchlist');

    // Back to the index (the new list is there with its count), forward to the list.
    await page.goBack();
    await page.waitForURL((u) => u.pathname === '/watchlists');
    await assertIndex(page);
    assert.match(await page.locator(`[data-testid=watchlist-link][data-name="${name}"]`).innerText(), new RegExp(`\\b${kept.length} symbols\\b`));
    await page.goForward();
    await waitForSymbols(page, keptSymbols);

    // Delete: the confirmation can be cancelled; confirmed, the list is gone for good.
    await press(page, vp, '[data-testid=delete-watchlist]');
    await page.waitForSelector('[data-testid=delete-confirm]');
    assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'confirm-delete', 'focus moves to the confirmation');
    await press(page, vp, '[data-testid=cancel-delete]');
    await page.waitForSelector('[data-testid=delete-watchlist]');
    await page.waitForFunction(() => document.activeElement?.dataset.testid === 'delete-watchlist');
    assert.deepEqual(await apiSymbols(page, name), kept);
    await press(page, vp, '[data-testid=delete-watchlist]');
    await shot(page, vp, 'watchlist-delete-confirm');
    await press(page, vp, '[data-testid=confirm-delete]');
    await page.waitForURL((u) => u.pathname === '/watchlists');
    await assertIndex(page);
    assert.equal(await page.locator(`[data-testid=watchlist-link][data-name="${name}"]`).count(), 0);
    assert.equal((await page.context().request.get(`${APP_URL}/api/watchlists/${enc(name)}`)).status(), 404);
    assert.equal(sent(requests, 'DELETE', putPath), 1);

    // A public list: its symbols, and nothing to change.
    const pub = (await apiData(page, '/public-watchlists?counts-only=true')).items[1];
    await press(page, vp, `[data-testid=public-watchlist-link][data-name="${pub.name}"]`);
    await page.waitForURL((u) => u.pathname === `/watchlists/public/${enc(pub.name)}`);
    const full = await apiData(page, `/public-watchlists/${enc(pub.name)}`);
    await waitForSymbols(page, full['watchlist-entries'].map((e) => e.symbol));
    for (const gone of ['add-symbol-input', 'remove-symbol', 'delete-watchlist']) {
      assert.equal(await page.locator(`[data-testid=${gone}]`).count(), 0, `no ${gone} on a public list`);
    }
    await assertNoSideScroll(page, vp, 'public watchlist');
    await assertAccessible(page, vp, 'public watchlist');
    await shot(page, vp, 'watchlist-public');

    assert.equal(wasmLoads(requests) - wasmAtSignIn, 1, 'the app was fetched again only by the reload');
    const unexpected = errors.filter((e) => !/status of (400|404|422|429)/.test(e));
    assert.deepEqual(unexpected, [], 'console errors');
    await context.close();
  });

  test(`${vp.name}: watchlists in dark mode, a missing list, an error with retry`, async () => {
    const { context, page } = await newPage(browser, vp, { colorScheme: 'dark' });
    await signIn(page, vp);
    await page.goto(`${APP_URL}/watchlists`);
    await assertIndex(page);
    await assertAccessible(page, vp, 'watchlists dark');
    await shot(page, vp, 'watchlists-dark');

    const { items } = await apiData(page, '/watchlists');
    await page.goto(`${APP_URL}/watchlists/${enc(items[1].name)}`);
    await waitForSymbols(page, items[1]['watchlist-entries'].map((e) => e.symbol));
    await assertAccessible(page, vp, 'watchlist dark');
    await shot(page, vp, 'watchlist-dark');

    await page.goto(`${APP_URL}/watchlists/${enc('No such list')}`);
    await page.waitForSelector('[data-testid=watchlist-not-found]');
    assert.equal(await page.locator('[data-testid=add-symbol-input]').count(), 0);

    await sim.failNext({ 'path-prefix': '/public-watchlists', status: 503 });
    await page.goto(`${APP_URL}/watchlists`);
    const panel = page.locator('[data-testid=public-watchlists] [data-testid=error-panel]');
    await panel.waitFor();
    await page.waitForSelector('[data-testid=watchlist-link]');
    await shot(page, vp, 'watchlists-error-panel');
    await press(page, vp, '[data-testid=public-watchlists] [data-testid=error-panel] button');
    await page.waitForSelector('[data-testid=public-watchlist-link]');
    await context.close();
  });
}
