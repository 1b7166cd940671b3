// The Activity screen in headless Chromium, phone (390x844, touch) and desktop (1280x800):
// transactions by day against the simulator's JSON (through the worker with the page's own
// session), signed amounts, type chips and dates in the address, "load more" to the last page,
// the fees card (this year and the period, checked against the transactions' fee fields and
// against tastytrade's per-day total-fees), the activity CSV, axe, no sideways scroll at 390 px,
// screenshots in light and dark mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, demoAccounts, sim } from './harness.mjs';
import {
  VIEWPORTS, launch, newPage, shot, press, money, assertAccessible, assertLandmarks,
  assertNoHorizontalScroll, signInQuickly, apiData, pageToday, addDays, download, csvRecords,
  plainDecimal, assertAccessibleWithin, isScreenModule, dayText, assertEmptyState,
} from './browser-kit.mjs';

const DEFAULT_DAYS = 90;
const PER_PAGE = 50;
const FEE_FIELDS = ['commission', 'clearing-fees', 'regulatory-fees', 'proprietary-index-option-fees'];

// 5WT00003 (futures) has a daily mark-to-market: more than a page in 90 days.
const accounts = demoAccounts().map((a) => a['account-number']);
const busy = accounts[2];
const activityPath = (n) => `/accounts/${n}/activity`;

let browser;
before(async () => {
  await sim.reset();
  browser = await launch();
});
after(async () => browser?.close());

/** A decimal string as integer units of 10^-8 (exact). */
function units(text) {
  const s = String(text ?? '0').trim();
  const negative = s.startsWith('-');
  const [whole, frac = ''] = s.replace(/^[-+]/, '').split('.');
  const v = BigInt(whole || '0') * 10n ** 8n + BigInt((frac + '00000000').slice(0, 8));
  return negative ? -v : v;
}
/** Units of 10^-8 rounded half away from zero to cents (as Intl shows money). */
function toCents(u) {
  const negative = u < 0n;
  const abs = negative ? -u : u;
  let c = abs / 10n ** 6n;
  if ((abs % 10n ** 6n) * 2n >= 10n ** 6n) c += 1n;
  return Number(negative ? -c : c);
}
const signed = (t, key) => (t[`${key}-effect`] === 'Debit' ? -units(t[key]) : units(t[key]));
/** Fees paid by `t`: its fee fields, Debit counting positive. */
const feesPaid = (t) => FEE_FIELDS.reduce((sum, k) => sum - (t[k] === undefined ? 0n : signed(t, k)), 0n);
const shownCents = (text) => Math.round(money(text) * 100);

/** Every transaction of a search (all pages), as the screen asks for them. */
async function transactions(page, n, { types = [], symbol = '', from, to }, perPage = 250) {
  const all = [];
  for (let offset = 0; ; offset++) {
    const q = new URLSearchParams();
    for (const t of types) q.append('types[]', t);
    if (symbol) q.set('underlying-symbol', symbol);
    q.set('start-date', from);
    q.set('end-date', to);
    q.set('sort', 'Desc');
    q.set('per-page', String(perPage));
    q.set('page-offset', String(offset));
    const res = await page.context().request.get(`${APP_URL}/api/accounts/${n}/transactions?${q}`);
    assert.equal(res.status(), 200);
    const body = await res.json();
    all.push(...body.data.items);
    if (offset + 1 >= body.pagination['total-pages']) return all;
  }
}

const shownIds = (page) => page.locator('[data-testid=tx-row]')
  .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-tx-id')));

async function waitForRows(page, txs) {
  const want = txs.map((t) => String(t.id));
  await page.waitForFunction((ids) => {
    const shown = [...document.querySelectorAll('[data-testid=tx-row]')].map((r) => r.getAttribute('data-tx-id'));
    if (ids.length === 0) return !!document.querySelector('[data-testid=activity-empty]');
    return JSON.stringify(shown) === JSON.stringify(ids);
  }, want, { timeout: 10000 }).catch(async () => {
    assert.deepEqual(await shownIds(page), want, 'activity rows');
  });
}

/** Rows, days and amounts as shown, against the JSON. */
async function checkRows(page, txs) {
  assert.deepEqual(await shownIds(page), txs.map((t) => String(t.id)));
  const days = await page.locator('[data-testid=activity-day]').evaluateAll((d) => d.map((x) => x.getAttribute('data-date')));
  assert.deepEqual(days, [...new Set(txs.map((t) => t['transaction-date']))], 'one heading per day, newest first');
  const nets = await page.locator('[data-testid=tx-net]').allInnerTexts();
  txs.forEach((t, i) => {
    assert.equal(shownCents(nets[i]), toCents(signed(t, 'net-value')), `${t.id} net value ${nets[i]}`);
  });
  const classes = await page.locator('[data-testid=tx-net]').evaluateAll((e) => e.map((x) => x.className));
  txs.forEach((t, i) => {
    const v = signed(t, 'net-value');
    if (v > 0n) assert.match(classes[i], /pl-up/, `${t.id} credit is green`);
    if (v < 0n) assert.match(classes[i], /pl-down/, `${t.id} debit is red`);
  });
}


for (const vp of VIEWPORTS) {
  test(`${vp.name}: activity by day, load more, type and date filters, fees, CSV`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    let wasm = 0;
    // The app itself (its main module); Activity's own module downloads when first opened.
    page.on('request', (r) => r.url().endsWith('.wasm') && !isScreenModule(new URL(r.url()).pathname) && wasm++);
    await signInQuickly(page);
    await page.goto(`${APP_URL}/accounts/${busy}/positions`);
    await page.waitForSelector('[data-testid=position-row]');
    wasm = 0;
    await press(page, vp, '[data-testid=nav-link][data-section=Activity]');
    await page.waitForURL(APP_URL + activityPath(busy));
    const today = await pageToday(page);
    const from = addDays(today, 1 - DEFAULT_DAYS);

    // The first page, then "load more" until the whole period is on screen.
    const period = await transactions(page, busy, { from, to: today });
    assert.ok(period.length > PER_PAGE, `more than a page in the default period (${period.length})`);
    await waitForRows(page, period.slice(0, PER_PAGE));
    await checkRows(page, period.slice(0, PER_PAGE));
    await assertLandmarks(page, 'activity');
    await assertAccessible(page, vp, 'activity');
    if (vp.isMobile) await assertNoHorizontalScroll(page, 'activity');
    await shot(page, vp, 'activity');
    for (let pages = 1; pages * PER_PAGE < period.length; pages++) {
      await press(page, vp, '[data-testid=activity-load-more]');
      await waitForRows(page, period.slice(0, (pages + 1) * PER_PAGE));
    }
    await checkRows(page, period);
    await page.locator('[data-testid=activity-load-more]').waitFor({ state: 'detached' });

    // Fees: the year's and the period's, from the transactions' fee fields ...
    const year = await transactions(page, busy, { from: `${today.slice(0, 4)}-01-01`, to: today });
    const yearFees = year.reduce((s, t) => s + feesPaid(t), 0n);
    const periodFees = period.reduce((s, t) => s + feesPaid(t), 0n);
    assert.ok(periodFees > 0n, 'the period has fees');
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=fees-ytd]')?.textContent ?? ''));
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=fees-period]')?.textContent ?? ''));
    assert.equal(shownCents(await page.locator('[data-testid=fees-ytd]').innerText()), toCents(yearFees), 'fees this year');
    assert.equal(shownCents(await page.locator('[data-testid=fees-period]').innerText()), toCents(periodFees), 'fees in the period');
    // ... which is what tastytrade's total-fees says, day by day.
    let perDay = 0n;
    for (const day of new Set(period.map((t) => t['transaction-date']))) {
      const total = await apiData(page, `/accounts/${busy}/transactions/total-fees?date=${day}`);
      perDay += total['total-fees-effect'] === 'Debit' ? units(total['total-fees']) : -units(total['total-fees']);
    }
    assert.equal(perDay, periodFees, 'summing fee fields = summing total-fees per day');

    // CSV of the loaded rows: signed, unformatted, RFC 4180.
    const csv = await download(page, vp, '[data-testid=activity-csv]');
    assert.match(csv.name, new RegExp(`^tastypocket-${busy}-activity-${today}\\.csv$`));
    const records = csvRecords(csv.text);
    assert.deepEqual(records.map((r) => r['Transaction ID']), period.map((t) => String(t.id)));
    period.forEach((t, i) => {
      const r = records[i];
      assert.equal(r.Date, t['transaction-date']);
      assert.equal(r['Executed at'], t['executed-at']);
      assert.equal(r.Type, t['transaction-type']);
      assert.equal(r.Description, t.description);
      assert.equal(units(r['Net value']), signed(t, 'net-value'), `${t.id} net value ${r['Net value']}`);
      assert.equal(r['Net value'], plainDecimal(r['Net value']), 'no trailing zeros, no formatting');
      assert.equal(units(r.Value), signed(t, 'value'), `${t.id} value`);
      assert.equal(units(r.Fees), -feesPaid(t), `${t.id} fees`);
    });

    // Type chips: in the address, sent as types[].
    await press(page, vp, '[data-testid=filter-type][data-type=Trade]');
    await page.waitForURL((u) => u.searchParams.get('type') === 'Trade');
    const trades = await transactions(page, busy, { types: ['Trade'], from, to: today });
    assert.ok(trades.length > 0 && trades.length < period.length);
    await waitForRows(page, trades);
    assert.equal(await page.locator('[data-testid=filter-type][data-type=Trade]').getAttribute('aria-pressed'), 'true');
    assert.deepEqual([...new Set(await page.locator('[data-testid=tx-row]').evaluateAll((r) => r.map((x) => x.dataset.type)))], ['Trade']);
    // The period's fees follow the filters (here the first page holds them all: no extra call).
    const tradeFees = trades.reduce((s, t) => s + feesPaid(t), 0n);
    await page.waitForFunction((want) => {
      const t = document.querySelector('[data-testid=fees-period]')?.textContent ?? '';
      return Math.round(Number(t.replace(/[^0-9.]/g, '')) * 100) === want;
    }, toCents(tradeFees));
    assert.match(await page.locator('[data-testid=fees-period-label]').innerText(), /Trade/);

    // A second type, then a narrower date range.
    await press(page, vp, '[data-testid=filter-type][data-type="Money Movement"]');
    await page.waitForURL((u) => u.searchParams.get('type') === 'Trade,Money Movement');
    const to = addDays(today, -20);
    await page.fill('[data-testid=filter-to]', to);
    await page.waitForURL((u) => u.searchParams.get('to') === to);
    const narrowed = await transactions(page, busy, { types: ['Trade', 'Money Movement'], from, to });
    await waitForRows(page, narrowed.slice(0, PER_PAGE));
    await shot(page, vp, 'activity-filtered');
    assert.equal(wasm, 0, 'filtering never reloads the app');

    // Reload keeps it all; back/forward between screens too.
    const url = page.url();
    await page.reload();
    await waitForRows(page, narrowed.slice(0, PER_PAGE));
    assert.equal(page.url(), url);
    await press(page, vp, '[data-testid=nav-link][data-section=Orders]');
    await page.waitForURL(`${APP_URL}/accounts/${busy}/orders`);
    await page.goBack();
    await page.waitForURL(url);
    await waitForRows(page, narrowed.slice(0, PER_PAGE));

    // Reset.
    await press(page, vp, '[data-testid=filter-reset]');
    await page.waitForURL(APP_URL + activityPath(busy));
    await waitForRows(page, period.slice(0, PER_PAGE));
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('phone: an account whose period fits one page totals its fees without another call', async () => {
  const vp = VIEWPORTS[0];
  const { context, page, errors } = await newPage(browser, vp);
  await signInQuickly(page);
  const [n] = accounts;
  const calls = [];
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.pathname === `/api/accounts/${n}/transactions`) calls.push(u.searchParams.get('start-date'));
  });
  await page.goto(APP_URL + activityPath(n));
  const today = await pageToday(page);
  const from = addDays(today, 1 - DEFAULT_DAYS);
  const period = await transactions(page, n, { from, to: today });
  assert.ok(period.length <= PER_PAGE);
  await waitForRows(page, period);
  await checkRows(page, period);
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=fees-period]')?.textContent ?? ''));
  assert.equal(shownCents(await page.locator('[data-testid=fees-period]').innerText()),
    toCents(period.reduce((s, t) => s + feesPaid(t), 0n)));
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=fees-ytd]')?.textContent ?? ''));
  // The list's page and the year's total; the period's total came from the list's rows. (The
  // test's own API calls go through another client and are not counted here.)
  assert.deepEqual(calls.sort(), [from, `${today.slice(0, 4)}-01-01`].sort(), `transaction calls: ${calls}`);
  assert.deepEqual(errors, []);
  await context.close();
});

for (const vp of VIEWPORTS) {
  test(`${vp.name}: a date range without transactions shows the empty state`, async () => {
    const { context, page, errors } = await newPage(browser, vp);
    await signInQuickly(page);
    const range = { from: '2020-01-01', to: '2020-01-31' };
    assert.deepEqual(await transactions(page, busy, range), [], 'tastytrade has no transactions then');
    await page.goto(`${APP_URL}${activityPath(busy)}?from=${range.from}&to=${range.to}`);
    await assertEmptyState(page, '[data-testid=activity-empty]', 'No activity',
      `No transactions match these filters from ${dayText(range.from)} to ${dayText(range.to)}.`);
    assert.equal(await page.locator('[data-testid=tx-row]').count(), 0);
    assert.equal(await page.locator('[data-testid=activity-load-more]').count(), 0);
    assert.equal(await page.locator('[data-testid=filter-from]').inputValue(), range.from);
    assert.equal(await page.locator('[data-testid=filter-to]').inputValue(), range.to);
    // Nothing in the period: no fees in it.
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=fees-period]')?.textContent ?? ''));
    assert.equal(shownCents(await page.locator('[data-testid=fees-period]').innerText()), 0);
    await assertAccessibleWithin(page, 'main', 'activity, empty');
    if (vp.isMobile) await assertNoHorizontalScroll(page, 'activity, empty');
    await shot(page, vp, 'activity-empty');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: activity in dark mode`, async () => {
    const { context, page, errors } = await newPage(browser, vp, { colorScheme: 'dark' });
    await signInQuickly(page);
    await page.goto(APP_URL + activityPath(accounts[0]));
    await page.waitForSelector('[data-testid=tx-row]');
    await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=fees-ytd]')?.textContent ?? ''));
    await assertAccessibleWithin(page, 'main', 'activity, dark');
    await shot(page, vp, 'activity-dark');
    assert.deepEqual(errors, []);
    await context.close();
  });
}
