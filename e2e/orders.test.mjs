// The Orders screens in headless Chromium, phone (390x844, touch) and desktop (1280x800):
// working orders and the history against the simulator's JSON (fetched through the worker with
// the page's own session), filters in the address (status, symbol, dates; reload and
// back/forward keep them), an order's detail (legs, fills, timeline, reject reason, replace
// links), the orders CSV, tastytrade's 429 ("busy, retrying in N s") and its recovery, axe, no
// sideways scroll at 390 px, and screenshots in light and dark mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, demoAccounts, fixture, sim } from './harness.mjs';
import {
  VIEWPORTS, launch, newPage, shot, press, money, assertAccessible, assertLandmarks,
  assertNoHorizontalScroll, signInQuickly, apiData, pageToday, addDays, download, csvRecords,
  plainDecimal, assertAccessibleWithin, isScreenModule, dayText, assertEmptyState,
} from './browser-kit.mjs';
import { apiWrite } from './screens-harness.mjs';

const WORKING = ['Received', 'Routed', 'In Flight', 'Live', 'Cancel Requested', 'Replace Requested', 'Contingent'];
/** What the screen asks for by default: the last 90 days, 25 a page, newest first. */
const DEFAULT_DAYS = 90;
const PER_PAGE = 25;

const [account] = demoAccounts().map((a) => a['account-number']);
const ordersPath = `/accounts/${account}/orders`;

let browser;
before(async () => {
  await sim.reset();
  browser = await launch();
});
after(async () => browser?.close());

/** Page `offset` of the search the screen makes for `filters` ({status: [..], symbol, from, to}),
 * with its pagination block. */
async function searchPage(page, { status = [], symbol = '', from, to }, offset = 0) {
  const q = new URLSearchParams();
  for (const s of status) q.append('status[]', s);
  if (symbol) q.set('underlying-symbol', symbol);
  q.set('start-date', from);
  q.set('end-date', to);
  q.set('sort', 'Desc');
  q.set('per-page', String(PER_PAGE));
  q.set('page-offset', String(offset));
  const res = await page.context().request.get(`${APP_URL}/api/accounts/${account}/orders?${q}`);
  assert.equal(res.status(), 200, `orders search: ${res.status()}`);
  return res.json();
}

/** The first page's orders of the screen's search for `filters`. */
const searchIds = async (page, filters) => (await searchPage(page, filters)).data.items;

const rowIds = (page, list) => page.locator(`[data-testid=${list}] [data-testid=order-row]`)
  .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-order-id')));

/** WCAG relative luminance of `rgb(r, g, b)` or `#rrggbb`. */
function luminance(color) {
  const hex = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  const rgb = hex ? hex.slice(1).map((h) => parseInt(h, 16)) : color.match(/\d+/g).slice(0, 3).map(Number);
  const [r, g, b] = rgb.map((c) => {
    const v = c / 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * index.html's theme colours: exactly one `theme-color` meta applies in `scheme` (its media
 * names it), and the browser's bar in that colour blends into the page's own background (a
 * contrast ratio of at most 1.1: the same colour, give or take a shade).
 */
async function assertThemeColor(page, scheme) {
  const found = await page.evaluate(() => ({
    metas: [...document.querySelectorAll('meta[name=theme-color]')]
      .map((m) => ({ media: m.media, content: m.content, applies: matchMedia(m.media || 'all').matches })),
    background: getComputedStyle(document.body).backgroundColor,
  }));
  assert.equal(found.metas.length, 2, `a light and a dark theme-color: ${JSON.stringify(found.metas)}`);
  const applying = found.metas.filter((m) => m.applies);
  assert.equal(applying.length, 1, `one theme-color applies: ${JSON.stringify(found.metas)}`);
  assert.match(applying[0].media, new RegExp(`prefers-color-scheme: ?${scheme}`));
  const theme = luminance(applying[0].content);
  const background = luminance(found.background);
  const ratio = (Math.max(theme, background) + 0.05) / (Math.min(theme, background) + 0.05);
  assert.ok(ratio <= 1.1, `theme-color ${applying[0].content} vs the page's ${found.background}: ${ratio.toFixed(3)}:1`);
  assert.ok(scheme === 'dark' ? theme < 0.05 : theme > 0.8, `a ${scheme} theme-color: ${applying[0].content}`);
}

/** Waits until the history shows exactly `orders` (by id, in order), or its empty state. */
async function waitForHistory(page, orders) {
  const want = orders.map((o) => String(o.id));
  await page.waitForFunction((ids) => {
    const shown = [...document.querySelectorAll('[data-testid=order-history] [data-testid=order-row]')]
      .map((r) => r.getAttribute('data-order-id'));
    if (ids.length === 0) return !!document.querySelector('[data-testid=orders-empty]');
    return JSON.stringify(shown) === JSON.stringify(ids);
  }, want, { timeout: 10000 }).catch(async () => {
    assert.deepEqual(await rowIds(page, 'order-history'), want, 'history rows');
  });
}

/** The leg actions the row writes (BTO, STC, Buy, …), in order. */
const SHORT = { 'Buy to Open': 'BTO', 'Sell to Open': 'STO', 'Buy to Close': 'BTC', 'Sell to Close': 'STC' };

/**
 * What an order row's second line says for `o`, in the page's locale and time zone: the type and
 * time in force (a GTD with its date; a multi-leg order's size when not 1), then when it was
 * received and, once it ended, when (the time alone on the same local day).
 */
function expectedMeta(page, o) {
  return page.evaluate(({ o, working }) => {
    const lang = navigator.language;
    const localDay = (d) => `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
    const instant = (iso, sameDayAs) => {
      const d = new Date(iso);
      const options = { hour: 'numeric', minute: '2-digit' };
      if (sameDayAs && localDay(new Date(sameDayAs)) === localDay(d)) return d.toLocaleTimeString(lang, options);
      Object.assign(options, { month: 'short', day: 'numeric' });
      if (d.getFullYear() !== new Date().getFullYear()) options.year = 'numeric';
      return d.toLocaleString(lang, options);
    };
    const day = (iso) => new Date(`${iso.slice(0, 10)}T12:00:00`)
      .toLocaleDateString(lang, { year: 'numeric', month: 'short', day: 'numeric' });
    const tif = o['gtc-date'] ? `${o['time-in-force']} ${day(o['gtc-date'])}` : o['time-in-force'];
    const kind = [o['order-type'], tif];
    if (o.legs.length > 1 && o.size !== undefined && Number(o.size) !== 1) kind.push(`×${Number(o.size)}`);
    let times = instant(o['received-at']);
    if (o['terminal-at'] && !working) times += ` → ${instant(o['terminal-at'], o['received-at'])}`;
    return [kind.join(' · '), times];
  }, { o, working: WORKING.includes(o.status) });
}

async function checkRows(page, list, orders) {
  assert.deepEqual(await rowIds(page, list), orders.map((o) => String(o.id)), `${list} ids`);
  for (const o of orders) {
    const row = page.locator(`[data-testid=${list}] [data-testid=order-row][data-order-id="${o.id}"]`);
    const meta = await row.locator('.order-meta > span').allInnerTexts();
    assert.deepEqual(meta, await expectedMeta(page, o), `${o.id} time in force and times`);
    assert.equal(await row.getAttribute('data-status'), o.status);
    assert.equal(await row.locator('[data-testid=order-status]').innerText(), o.status);
    assert.equal(await row.getAttribute('href'), `${ordersPath}/${o.id}`);
    const legs = await row.locator('[data-testid=order-legs]').innerText();
    const actions = legs.split(' / ').map((l) => l.split(' ')[0]);
    assert.deepEqual(actions, o.legs.map((l) => SHORT[l.action] ?? l.action), `${o.id} legs: ${legs}`);
    if (o.price !== undefined) {
      const shown = money(await row.locator('[data-testid=order-price]').innerText());
      assert.equal(shown, Number(o.price), `${o.id} price`);
      const effect = await row.locator('.effect').innerText();
      assert.equal(effect, o['price-effect'] === 'Debit' ? 'db' : 'cr', `${o.id} debit/credit`);
    } else {
      assert.equal(await row.locator('[data-testid=order-price]').count(), 0, `${o.id} has no price`);
    }
  }
}


for (const vp of VIEWPORTS) {
  test(`${vp.name}: working orders and history, filters in the address, detail, back/forward, CSV`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    // Loads of the app; the orders screens' own module (fetched when first opened) is not one.
    let wasm = 0;
    page.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (path.endsWith('.wasm') && !isScreenModule(path)) wasm++;
    });
    await signInQuickly(page);
    await page.goto(APP_URL + '/');
    await page.waitForSelector('[data-testid=position-row]');
    wasm = 0;

    // Reached by tapping the navigation; the wasm is not fetched again.
    await press(page, vp, '[data-testid=nav-link][data-section=Orders]');
    await page.waitForURL(APP_URL + ordersPath);
    const today = await pageToday(page);
    const from = addDays(today, 1 - DEFAULT_DAYS);

    // Working: /orders/live's orders that still work.
    const live = (await apiData(page, `/accounts/${account}/orders/live`)).items;
    const working = live.filter((o) => WORKING.includes(o.status));
    assert.ok(working.length > 0, 'the simulator has a working order');
    await page.waitForSelector('[data-testid=working-orders] [data-testid=order-row]');
    await checkRows(page, 'working-orders', working);

    // History: the last 90 days, newest first.
    const history = await searchIds(page, { from, to: today });
    assert.ok(history.length >= 3, `orders in the default range: ${history.length}`);
    await waitForHistory(page, history);
    await checkRows(page, 'order-history', history);
    assert.equal(await page.locator('[data-testid=orders-load-more]').count(), history.length === PER_PAGE ? 1 : 0);
    assert.equal(await page.locator('[data-testid=filter-from]').inputValue(), from);
    assert.equal(await page.locator('[data-testid=filter-to]').inputValue(), today);
    assert.ok(await page.locator('[data-testid=filter-reset]').isDisabled(), 'nothing to reset');
    await assertLandmarks(page, 'orders');
    await assertAccessible(page, vp, 'orders');
    if (vp.isMobile) await assertNoHorizontalScroll(page, 'orders');
    await assertThemeColor(page, 'light');
    await shot(page, vp, 'orders');

    // The CSV holds the loaded orders (working first, each once), values unformatted.
    const csv = await download(page, vp, '[data-testid=orders-csv]');
    assert.match(csv.name, new RegExp(`^tastypocket-${account}-orders-${today}\\.csv$`));
    const records = csvRecords(csv.text);
    const loaded = [...working, ...history.filter((o) => !working.some((w) => w.id === o.id))];
    assert.deepEqual(records.map((r) => r['Order ID']), loaded.map((o) => String(o.id)), 'CSV rows');
    for (const [i, o] of loaded.entries()) {
      const r = records[i];
      assert.equal(r.Account, account);
      assert.equal(r.Status, o.status);
      assert.equal(r.Underlying, o['underlying-symbol']);
      assert.equal(r['Time in force'], o['time-in-force']);
      assert.equal(r.Price, o.price === undefined ? '' : plainDecimal(o.price), `${o.id} price`);
      const signed = o.price === undefined ? ''
        : plainDecimal((o['price-effect'] === 'Debit' ? '-' : '') + o.price);
      assert.equal(r['Signed price'], signed, `${o.id} signed price`);
      assert.equal(r['Received at'], o['received-at']);
      assert.equal(r['Terminal at'], o['terminal-at'] ?? '');
      assert.equal(r['Leg symbols'], o.legs.map((l) => l.symbol).join(' / '));
    }

    // Status filter: in the address, and the search asks tastytrade for it.
    await page.selectOption('[data-testid=filter-status]', 'Filled');
    await page.waitForURL((u) => u.searchParams.get('status') === 'Filled');
    const filled = await searchIds(page, { status: ['Filled'], from, to: today });
    await waitForHistory(page, filled);
    assert.ok(filled.length >= 2 && filled.length < history.length, 'the filter narrows the list');

    // Symbol: typed in lower case, applied on Enter.
    const symbol = filled[0]['underlying-symbol'];
    await page.fill('[data-testid=filter-symbol]', ` ${symbol.toLowerCase()} `);
    await page.press('[data-testid=filter-symbol]', 'Enter');
    await page.waitForURL((u) => u.searchParams.get('symbol') === symbol);
    const bySymbol = await searchIds(page, { status: ['Filled'], symbol, from, to: today });
    await waitForHistory(page, bySymbol);
    assert.ok(bySymbol.every((o) => o['underlying-symbol'] === symbol));
    assert.equal(await page.locator('[data-testid=filter-symbol]').inputValue(), symbol);

    // Dates: an earlier start finds older orders.
    const older = addDays(today, -400);
    await page.fill('[data-testid=filter-from]', older);
    await page.waitForURL((u) => u.searchParams.get('from') === older);
    const wide = await searchIds(page, { status: ['Filled'], symbol, from: older, to: today });
    await waitForHistory(page, wide);
    await shot(page, vp, 'orders-filtered');

    assert.equal(wasm, 0, 'filtering and moving between screens never reloads the app');

    // A reload keeps the filters (the address is the state).
    const filteredUrl = page.url();
    await page.reload();
    await waitForHistory(page, wide);
    assert.equal(page.url(), filteredUrl);
    assert.equal(await page.locator('[data-testid=filter-status]').inputValue(), 'Filled');
    wasm = 0;

    // An order's detail: a link; back returns to the filtered list, forward to the order.
    const order = wide[0];
    await press(page, vp, `[data-testid=order-history] [data-testid=order-row][data-order-id="${order.id}"]`);
    await page.waitForURL(`${APP_URL}${ordersPath}/${order.id}`);
    await page.waitForSelector('[data-testid=order-detail]');
    assert.match(await page.locator('main h1').innerText(), new RegExp(String(order.id)));
    assert.equal(await page.locator('[data-testid=order-leg]').count(), order.legs.length);
    const fills = order.legs.flatMap((l) => l.fills ?? []);
    assert.equal(await page.locator('[data-testid=fill-row]').count(), fills.length);
    const steps = await page.locator('[data-testid=order-step] .step-label').allInnerTexts();
    assert.deepEqual(steps, ['Received', ...(order['live-at'] ? ['Live'] : []), order.status]);
    for (const leg of order.legs) {
      const el = page.locator(`[data-testid=order-leg][data-symbol="${leg.symbol}"]`);
      if (leg.fills?.length === 1) {
        assert.equal(money(await el.locator('[data-testid=leg-average]').innerText()), Number(leg.fills[0]['fill-price']));
      }
      // Each leg's symbol opens its quote.
      assert.equal(await el.locator('[data-testid=leg-quote-link]').getAttribute('href'),
        `/quote/${encodeURIComponent(leg.symbol)}`);
    }
    await assertAccessible(page, vp, 'order detail');
    if (vp.isMobile) await assertNoHorizontalScroll(page, 'order detail');
    await shot(page, vp, 'order-detail');
    await page.goBack();
    await page.waitForURL(filteredUrl);
    await waitForHistory(page, wide);
    await page.goForward();
    await page.waitForURL(`${APP_URL}${ordersPath}/${order.id}`);
    await page.waitForSelector('[data-testid=order-detail]');
    await press(page, vp, '[data-testid=back-to-orders]');
    await page.waitForURL(APP_URL + ordersPath);
    assert.equal(wasm, 0, 'the detail and back/forward stay in the app');

    // Reset clears the address and the filters.
    await page.goto(filteredUrl);
    await waitForHistory(page, wide);
    await press(page, vp, '[data-testid=filter-reset]');
    await page.waitForURL(APP_URL + ordersPath);
    await waitForHistory(page, history);
    assert.equal(await page.locator('[data-testid=filter-status]').inputValue(), '');
    assert.equal(await page.locator('[data-testid=filter-symbol]').inputValue(), '');

    // Backwards dates say so instead of asking tastytrade.
    await page.goto(`${APP_URL}${ordersPath}?from=${today}&to=${addDays(today, -1)}`);
    await page.waitForSelector('[data-testid=orders-bad-range]:visible');

    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('desktop: a rejected order says why; a replaced order links both ways; unknown ids', async () => {
  const vp = VIEWPORTS[1];
  const { context, page, errors } = await newPage(browser, vp);
  await signInQuickly(page);
  await page.goto(APP_URL + ordersPath);
  const today = await pageToday(page);
  const all = await searchIds(page, { from: addDays(today, -730), to: today });

  const rejected = all.find((o) => o.status === 'Rejected');
  assert.ok(rejected?.['reject-reason'], 'the simulator has a rejected order');
  await page.goto(`${APP_URL}${ordersPath}/${rejected.id}`);
  await page.waitForSelector('[data-testid=order-detail]');
  assert.equal(await page.locator('[data-testid=reject-reason]').innerText(), rejected['reject-reason']);
  const steps = await page.locator('[data-testid=order-step] .step-label').allInnerTexts();
  assert.deepEqual(steps, ['Received', 'Rejected'], 'a rejected order never went live');

  const old = all.find((o) => o['replacing-order-id']);
  assert.ok(old, 'the simulator has a replaced order');
  await page.goto(`${APP_URL}${ordersPath}/${old.id}`);
  await page.click('[data-testid=order-replaced-by]');
  await page.waitForURL(`${APP_URL}${ordersPath}/${old['replacing-order-id']}`);
  await page.waitForSelector(`[data-testid=order-replaces][href="${ordersPath}/${old.id}"]`);
  await shot(page, vp, 'order-detail-replaced');

  await page.goto(`${APP_URL}${ordersPath}/1`);
  await page.waitForSelector('[data-testid=order-not-found]');
  assert.equal(await page.locator('[data-testid=error-panel]:visible').count(), 0, 'no pointless retry');
  assert.deepEqual(errors.filter((e) => !/404/.test(e)), []);
  await context.close();
});

for (const vp of VIEWPORTS) {
  test(`${vp.name}: a date range without orders shows the empty state`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    await signInQuickly(page);
    const range = { from: '2020-01-01', to: '2020-01-31' };
    assert.equal((await searchPage(page, range)).data.items.length, 0, 'tastytrade has no orders then');
    await page.goto(`${APP_URL}${ordersPath}?from=${range.from}&to=${range.to}`);
    await assertEmptyState(page, '[data-testid=orders-empty]', 'No orders',
      `No orders match these filters from ${dayText(range.from)} to ${dayText(range.to)}.`);
    assert.equal(await page.locator('[data-testid=order-history]').count(), 0);
    assert.equal(await page.locator('[data-testid=orders-load-more]').count(), 0);
    // The filters show the range, and reset can bring the default back.
    assert.equal(await page.locator('[data-testid=filter-from]').inputValue(), range.from);
    assert.equal(await page.locator('[data-testid=filter-to]').inputValue(), range.to);
    assert.equal(await page.locator('[data-testid=filter-reset]').isDisabled(), false);
    await assertAccessibleWithin(page, 'main', 'orders, empty');
    if (vp.isMobile) await assertNoHorizontalScroll(page, 'orders, empty');
    await shot(page, vp, 'orders-empty');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

/** A limit buy far under the market: it stays working (simulator/README.md § Orders). */
const farLimitBuy = (cents, tif, gtcDate) => ({
  'time-in-force': tif, 'order-type': 'Limit', price: (cents / 100).toFixed(2), 'price-effect': 'Debit',
  ...(gtcDate ? { 'gtc-date': gtcDate } : {}),
  legs: [{ 'instrument-type': 'Equity', symbol: 'AAPL', quantity: 1, action: 'Buy to Open' }],
});

for (const vp of VIEWPORTS) {
  test(`${vp.name}: "Load more" brings the next page of a long range, then goes away`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    await signInQuickly(page);
    await page.goto(APP_URL + '/');
    await page.waitForSelector('[data-testid=position-row]');
    const today = await pageToday(page);
    const range = { from: addDays(today, -730), to: today };
    try {
      // Two years of the demo history fit one page: orders placed today (Day, GTC and GTD,
      // working) make it more than one.
      const before = (await searchPage(page, range)).pagination['total-items'];
      const extra = PER_PAGE + 3 - before;
      for (let i = 0; i < extra; i++) {
        const tif = ['Day', 'GTC', 'GTD'][i % 3];
        const res = await apiWrite(page, 'POST', `/accounts/${account}/orders`,
          farLimitBuy(101 + i, tif, tif === 'GTD' ? addDays(today, 30) : undefined));
        assert.equal(res.status(), 201, `order ${i}: ${await res.text()}`);
      }
      const first = await searchPage(page, range, 0);
      const second = await searchPage(page, range, 1);
      assert.equal(first.pagination['total-pages'], 2);
      assert.equal(first.data.items.length, PER_PAGE);
      assert.equal(second.data.items.length, 3);
      assert.ok(first.data.items.some((o) => o['time-in-force'] === 'GTD' && o['gtc-date']), 'a GTD order is listed');

      await press(page, vp, '[data-testid=nav-link][data-section=Orders]');
      await page.waitForURL(APP_URL + ordersPath);
      await page.fill('[data-testid=filter-from]', range.from);
      await page.waitForURL((u) => u.searchParams.get('from') === range.from);
      await waitForHistory(page, first.data.items);
      await checkRows(page, 'order-history', first.data.items);
      const more = page.locator('[data-testid=orders-load-more]');
      await more.waitFor({ state: 'visible' });
      await shot(page, vp, 'orders-load-more');
      await press(page, vp, '[data-testid=orders-load-more]');
      // The API's page-offset=1 page is appended under the first, and the button goes.
      await waitForHistory(page, [...first.data.items, ...second.data.items]);
      await checkRows(page, 'order-history', [...first.data.items, ...second.data.items]);
      await more.waitFor({ state: 'detached' });
      if (vp.isMobile) await assertNoHorizontalScroll(page, 'orders, two pages');
    } finally {
      await sim.reset();
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: dark mode`, async () => {
    const { context, page, errors } = await newPage(browser, vp, { colorScheme: 'dark' });
    await signInQuickly(page);
    // Positions in dark mode: rows with their live figures.
    await page.goto(`${APP_URL}/accounts/${account}/positions`);
    await page.waitForSelector('[data-testid=position-row]');
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid=position-pl]')]
      .some((e) => /\d/.test(e.textContent)));
    await assertThemeColor(page, 'dark');
    await assertAccessibleWithin(page, 'main', 'positions, dark');
    await shot(page, vp, 'positions-dark');
    await page.goto(APP_URL + ordersPath);
    await page.waitForSelector('[data-testid=order-history] [data-testid=order-row]');
    assert.equal(await page.evaluate(() => matchMedia('(prefers-color-scheme: dark)').matches), true);
    await assertAccessibleWithin(page, 'main', 'orders, dark');
    await shot(page, vp, 'orders-dark');
    const id = await page.locator('[data-testid=order-history] [data-testid=order-row]').first().getAttribute('data-order-id');
    await page.goto(`${APP_URL}${ordersPath}/${id}`);
    await page.waitForSelector('[data-testid=order-detail]');
    await assertAccessibleWithin(page, 'main', 'order detail, dark');
    await shot(page, vp, 'order-detail-dark');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('phone: a 429 from tastytrade says "busy, retrying in N s", then the orders arrive by themselves', async () => {
  const vp = VIEWPORTS[0];
  const { context, page, errors } = await newPage(browser, vp);
  await signInQuickly(page);
  await page.goto(APP_URL + '/');
  await page.waitForSelector('[data-testid=position-row]');
  const orderCalls = [];
  page.on('request', (r) => new URL(r.url()).pathname.startsWith(`/api${ordersPath}`) && orderCalls.push(r.url()));
  // The next two order calls upstream are throttled, with Retry-After: 2.
  await sim.failNext({ 'path-prefix': ordersPath, status: 429, 'retry-after': 2, count: 2 });
  await press(page, vp, '[data-testid=nav-link][data-section=Orders]');
  const notice = page.locator('[data-testid=throttled]').first();
  await notice.waitFor();
  assert.match(await notice.innerText(), /^tastytrade is busy, retrying in \d+ s\.$/);
  assert.equal(await page.locator('[data-testid=error-panel]').count(), 0, 'no error while it waits');
  const first = Number((await notice.innerText()).match(/(\d+) s/)[1]);
  assert.ok(first >= 2 && first <= 3, `Retry-After 2 is the floor of the first wait (${first} s)`);
  await shot(page, vp, 'orders-throttled');
  // Recovery without a tap: both lists arrive and the notices go.
  await page.waitForSelector('[data-testid=working-orders] [data-testid=order-row]', { timeout: 15000 });
  await page.waitForSelector('[data-testid=order-history] [data-testid=order-row]', { timeout: 15000 });
  await page.waitForSelector('[data-testid=throttled]', { state: 'detached' });
  assert.equal(await page.locator('[data-testid=error-panel]').count(), 0);
  assert.equal(orderCalls.length, 4, `each throttled read was retried once: ${orderCalls.join(' ')}`);
  assert.deepEqual(errors.filter((e) => !/429/.test(e)), []);
  await context.close();
});

test('phone: the positions CSV holds every position, unformatted', async () => {
  const vp = VIEWPORTS[0];
  const { context, page } = await newPage(browser, vp);
  await signInQuickly(page);
  await page.goto(`${APP_URL}/accounts/${account}/positions`);
  await page.waitForSelector('[data-testid=position-row]');
  const today = await pageToday(page);
  const csv = await download(page, vp, '[data-testid=positions-csv]');
  assert.match(csv.name, new RegExp(`^tastypocket-${account}-positions-${today}\\.csv$`));
  const records = csvRecords(csv.text);
  const positions = fixture(`accounts/${account}/positions.json`).data.items;
  assert.deepEqual(records.map((r) => r.Symbol).sort(), positions.map((p) => p.symbol).sort());
  for (const p of positions) {
    const r = records.find((x) => x.Symbol === p.symbol);
    const signed = (p['quantity-direction'] === 'Short' ? '-' : '') + p.quantity;
    assert.equal(r.Quantity, plainDecimal(signed), `${p.symbol} quantity`);
    assert.equal(r['Average open price'], plainDecimal(p['average-open-price']), `${p.symbol} open price`);
    assert.equal(r.Account, account);
    if (p['expires-at']) assert.equal(r.Expires, p['expires-at'].slice(0, 10));
  }
  await context.close();
});
