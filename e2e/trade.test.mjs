// Trading in the browser (issue 8 §3): search → quote → Buy → ticket (the limit starts at the mid
// on the tick) → review (tastytrade's dry-run: buying power, fees) → send once → followed until
// filled; an option vertical built from the chain, worked, its price changed and cancelled; an
// order whose send got no answer is found in the live orders (placed once) or reported as not
// placed; the app's own order rate; a read-only session sees no trading. Phone and desktop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, SIM_URL } from './harness.mjs';
import {
  VIEWPORTS, newPage, shot, press, money, assertNoHorizontalScroll, assertAccessible,
  signInQuickly, apiData,
} from './browser-kit.mjs';
import { market, marketSuite, near } from './market-kit.mjs';

const browser = marketSuite();
const ACCOUNT = '5WT00001';

const text = async (page, testid) => (await page.locator(`[data-testid=${testid}]`).first().textContent()).trim();
const liveOrders = async (page) => (await apiData(page, `/accounts/${ACCOUNT}/orders/live`)).items;
const simPost = (path, body) => fetch(SIM_URL + path, {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body ?? {}),
});

/** Bid and ask of the ticket's first leg as shown: "$245.28 × $245.30". */
async function legQuote(page) {
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=leg-quote]')?.textContent ?? ''));
  return (await text(page, 'leg-quote')).split('×').map(money);
}

/** The frames the account-streamer relay sends the page (the app listens there for its orders). */
function streamerFrames(page) {
  const frames = [];
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).pathname === '/api/account-streamer') {
      ws.on('framereceived', (f) => frames.push(String(f.payload)));
      ws.on('framesent', (f) => frames.push('sent ' + String(f.payload)));
    }
  });
  return frames;
}

/** Counts the order POSTs (placements, not dry-runs) the page sends. */
function countPlacements(page) {
  let n = 0;
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname === `/api/accounts/${ACCOUNT}/orders`) n++;
  });
  return () => n;
}

async function review(page, vp) {
  await press(page, vp, '[data-testid=ticket-review]');
  await page.waitForSelector('[data-testid=ticket-review-card], [data-testid=ticket-review-error] .banner, [data-testid=ticket-problems] li');
  if (!(await page.locator('[data-testid=ticket-review-card]').count())) {
    throw new Error(`no review: ${await text(page, 'ticket-review-error')} ${await text(page, 'ticket-problems')}`);
  }
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: search, quote, Buy: the mid on the tick, a review with buying power and fees, sent once, filled`, async () => {
    await market('reset');
    await market('pin', { symbol: 'AAPL', price: '240.00' });
    await market('step', { ticks: 1 });
    const { context, page, errors } = await newPage(browser(), vp);
    const frames = streamerFrames(page);
    await signInQuickly(page);
    await page.goto(`${APP_URL}/accounts/${ACCOUNT}/positions`);
    await press(page, vp, '[data-testid=search-link]');
    await page.waitForURL(`${APP_URL}/search`);
    await page.fill('[data-testid=search-input]', 'aap');
    await page.waitForURL(/\/search\?q=aap/);
    const first = page.locator('[data-testid=search-result]').first();
    await first.waitFor();
    assert.match(await first.textContent(), /AAPL/);
    await assertAccessible(page, vp, 'search');
    await shot(page, vp, 'trade-1-search');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${APP_URL}/quote/AAPL`);
    await press(page, vp, '[data-testid=quote-buy]');
    await page.waitForURL(/\/accounts\/5WT00001\/trade\?leg=BTO%3A1%3AAAPL/);
    assert.match(await text(page, 'ticket-account'), /5WT00001 · Demo/);
    assert.equal(await text(page, 'leg-side'), 'Buy to Open');

    // The limit starts at the mid, rounded to AAPL's tick (0.01 above $1).
    const [bid, ask] = await legQuote(page);
    await page.waitForFunction(() => (document.querySelector('[data-testid=ticket-price]')?.value ?? '') !== '');
    const mid = Math.round(((bid + ask) / 2) * 100) / 100;
    assert.equal(Number(await page.inputValue('[data-testid=ticket-price]')), mid);
    assert.equal(await page.locator('[data-testid=ticket-effect] [aria-checked=true]').textContent(), 'Debit');

    // Bad input is named and nothing is asked of tastytrade.
    await page.fill('[data-testid=ticket-quantity]', '0');
    await press(page, vp, '[data-testid=ticket-review]');
    assert.match(await text(page, 'ticket-problems'), /quantity/i);
    await page.fill('[data-testid=ticket-quantity]', '3');
    await press(page, vp, 'button[data-pick=natural]');
    assert.equal(Number(await page.inputValue('[data-testid=ticket-price]')), ask);

    const placements = countPlacements(page);
    const before = await liveOrders(page);
    const held = async () => Number((await apiData(page, `/accounts/${ACCOUNT}/positions`)).items.find((p) => p.symbol === 'AAPL')?.quantity ?? 0);
    const heldBefore = await held();
    await review(page, vp);
    assert.deepEqual((await text(page, 'review-legs')), 'Buy to Open 3 AAPL');
    assert.match(await text(page, 'review-terms'), /^Limit [\d.]+ debit · Day$/);
    assert.equal(money(await text(page, 'review-amount')), Math.round(ask * 3 * 100) / 100);
    assert.ok(money(await text(page, 'review-bp-change')) < 0, 'buying power goes down');
    const now = money(await text(page, 'review-bp-current'));
    const after = money(await text(page, 'review-bp-after'));
    assert.ok(Math.abs(now + money(await text(page, 'review-bp-change')) - after) < 0.011, 'now + change = after');
    assert.match(await text(page, 'review-bp-share'), /^(\d+(\.\d)?%|under 0\.1%)$/);
    assert.match(await text(page, 'review-fees'), /\$/);
    assert.equal((await liveOrders(page)).length, before.length, 'a review places nothing');
    assert.match(await text(page, 'ticket-send'), /Send order · Demo/);
    await assertAccessible(page, vp, 'order review');
    await assertNoHorizontalScroll(page, 'order review');
    await shot(page, vp, 'trade-2-review');

    // An edit drops the review: the order sent is always the one reviewed.
    await page.fill('[data-testid=ticket-quantity]', '4');
    await page.waitForSelector('[data-testid=ticket-review-card]', { state: 'detached' });
    await page.fill('[data-testid=ticket-quantity]', '3');
    await review(page, vp);
    // A double tap sends once.
    await page.locator('[data-testid=ticket-send]').dblclick();
    await page.waitForFunction(() => document.querySelector('[data-testid=order-status]')?.textContent === 'Filled', null, { timeout: 20000 });
    assert.match(await text(page, 'order-progress'), /^Filled 3 of 3 at /);
    assert.equal(placements(), 1, 'one placement');
    const after_ = await liveOrders(page);
    const mine = after_.filter((o) => !before.some((b) => b.id === o.id));
    assert.equal(mine.length, 1, 'exactly one new order');
    assert.equal(mine[0].source, 'tastypocket');
    assert.equal(Number(mine[0].legs[0].quantity), 3);
    assert.match(await text(page, 'order-id'), new RegExp(`#${mine[0].id}$`));
    // tastytrade announced it on the account streamer, through the worker: the page's messages
    // carry no token, the notifications carry the order.
    const sent = frames.filter((f) => f.startsWith('sent '));
    assert.ok(sent.some((f) => /"action":"connect"/.test(f) && f.includes(ACCOUNT)), `connected to the account: ${frames.join(' | ')}`);
    assert.ok(sent.every((f) => !/auth-token|Bearer/i.test(f)), 'no token from the page');
    const notified = frames.filter((f) => !f.startsWith('sent ')).map((f) => JSON.parse(f))
      .filter((m) => m.type === 'Order' && m.data.id === mine[0].id).map((m) => m.data.status);
    assert.ok(notified.includes('Filled'), `Order notifications: ${notified}`);
    await assertAccessible(page, vp, 'order filled');
    await shot(page, vp, 'trade-3-filled');
    // The position grew by the fill, on tastytrade and on the positions screen (refreshed on the fill).
    assert.equal(await held(), heldBefore + 3);
    await page.goto(`${APP_URL}/accounts/${ACCOUNT}/positions`);
    await page.waitForFunction((n) => document.querySelector('[data-testid=position-row][data-symbol=AAPL] [data-testid=position-quantity]')?.textContent.includes(String(n)), heldBefore + 3);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('phone: a vertical from the chain: worked below the market, price changed, cancelled', async () => {
  const vp = VIEWPORTS[0];
  await market('reset');
  await market('pin', { symbol: 'SPY', price: '600.00' });
  await market('step', { ticks: 1 });
  const { context, page, errors } = await newPage(browser(), vp);
  await signInQuickly(page);
  await page.goto(`${APP_URL}/accounts/${ACCOUNT}/positions`);
  await page.goto(`${APP_URL}/quote/SPY`);
  await press(page, vp, '[data-testid=quote-chain]');
  await page.waitForURL(`${APP_URL}/chain/SPY`);
  await page.waitForSelector('[data-testid=chain-row]');
  const rows = page.locator('[data-testid=chain-row]');
  assert.equal(await rows.count(), 10, 'ten strikes by default');
  // Once the underlying's price is in, the strikes centre on it: 600 is among them.
  await page.waitForSelector('.chain-row.itm-call');
  // Calls below 600 are in the money, puts above it.
  const strikes = await rows.evaluateAll((els) => els.map((e) => [Number(e.dataset.strike), e.className]));
  assert.ok(strikes[0][0] < 600 && strikes.at(-1)[0] > 600, `strikes around 600: ${strikes.map(([s]) => s)}`);
  for (const [strike, cls] of strikes) {
    if (strike < 600) assert.match(cls, /itm-call/, `${strike}`);
    if (strike > 600) assert.match(cls, /itm-put/, `${strike}`);
  }
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=call-ask]')?.textContent ?? ''));
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=call-delta]')?.textContent ?? ''));
  await assertNoHorizontalScroll(page, 'chain');
  await assertAccessible(page, vp, 'chain');
  await shot(page, vp, 'trade-4-chain');
  // More strikes, another expiration: kept in the address.
  await page.selectOption('[data-testid=chain-strikes]', '20');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=chain-row]').length === 20);
  await page.locator('[data-testid=chain-tab]').nth(1).click();
  await page.waitForURL(/exp=\d{4}-\d\d-\d\d&strikes=20/);
  await page.selectOption('[data-testid=chain-strikes]', '10');
  await page.waitForFunction(() => document.querySelectorAll('[data-testid=chain-row]').length === 10);

  // Vertical: buy the lower call, sell the higher one.
  await press(page, vp, '[data-testid=chain-vertical]');
  const row = (strike) => page.locator(`[data-testid=chain-row][data-strike="${strike}"]`);
  const shown = await rows.evaluateAll((els) => els.map((e) => Number(e.dataset.strike)));
  const [low, high] = shown.filter((s) => s >= 600).slice(0, 2);
  await page.waitForSelector(`[data-testid=chain-row][data-strike="${low}"]`);
  await row(low).locator('[data-testid=call-ask]').click();
  assert.match(await text(page, 'chain-hint'), /Buying .*other strike/);
  await row(high).locator('[data-testid=call-ask]').click();
  await page.waitForURL(/\/accounts\/5WT00001\/trade\?leg=BTO.*&leg=STO/);
  const legs = page.locator('[data-testid=ticket-leg]');
  await legs.nth(1).waitFor();
  assert.equal(await legs.count(), 2);
  assert.equal(await legs.nth(0).locator('[data-testid=leg-side]').textContent(), 'Buy to Open');
  assert.equal(await legs.nth(1).locator('[data-testid=leg-side]').textContent(), 'Sell to Open');
  await page.waitForFunction(() => (document.querySelector('[data-testid=ticket-price]')?.value ?? '') !== '');
  assert.equal(await page.locator('[data-testid=ticket-effect] [aria-checked=true]').textContent(), 'Debit');
  // A tap on a leg's action flips it: selling both calls is a credit, priced at its own mid.
  const effect = (want) => page.waitForFunction((w) => document.querySelector('[data-testid=ticket-effect] [aria-checked=true]')?.textContent === w, want);
  await press(page, vp, '[data-testid=ticket-leg]:first-child [data-testid=leg-side]');
  await effect('Credit');
  assert.equal(await legs.nth(0).locator('[data-testid=leg-side]').textContent(), 'Sell to Open');
  await press(page, vp, '[data-testid=ticket-leg]:first-child [data-testid=leg-side]');
  await effect('Debit');
  await assertAccessible(page, vp, 'vertical ticket');
  await shot(page, vp, 'trade-5-vertical');

  // Far below the market, so it works; then a new price, then cancelled.
  await page.fill('[data-testid=ticket-price]', '0.05');
  await review(page, vp);
  // What-if against the account's SPY positions expiring that day (50 shares, long 2 700 calls,
  // short 3 620 puts): the group's delta moves by exactly what the order adds.
  const orderDelta = Number(/Δ ([+−-]?[\d.]+)/.exec(await text(page, 'review-risk'))[1].replace('−', '-'));
  const whatIf = /With your 3 positions here: Δ ([+−-]?[\d.]+) → ([+−-]?[\d.]+)/.exec(await text(page, 'review-what-if'));
  assert.ok(whatIf, await text(page, 'review-what-if'));
  const [before, after] = [whatIf[1], whatIf[2]].map((x) => Number(x.replace('−', '-')));
  near(after - before, orderDelta, 0.15, 'the group delta moves by the order delta');
  assert.ok(orderDelta > 0, 'a call debit spread adds delta');
  assert.equal(await page.locator('[data-testid=review-payoff] path.payoff-before').count(), 1, 'the curve without the order');
  assert.equal(await page.locator('[data-testid=review-payoff] path.payoff-line').count(), 1, 'the curve with it');
  await assertAccessible(page, vp, 'vertical review');
  await shot(page, vp, 'trade-5b-vertical-review');
  await press(page, vp, '[data-testid=ticket-send]');
  await page.waitForFunction(() => document.querySelector('[data-testid=order-status]')?.textContent === 'Live', null, { timeout: 20000 });
  const firstId = Number((await text(page, 'order-id')).replace(/\D/g, ''));
  await page.fill('[data-testid=replace-price]', '0.10');
  await press(page, vp, '[data-testid=order-replace]');
  await page.waitForSelector('[data-testid=replace-review]');
  assert.match(await text(page, 'replace-review'), /New price \$0\.10 · buying power/);
  await press(page, vp, '[data-testid=replace-send]');
  await page.waitForFunction((id) => /#\d+$/.test(document.querySelector('[data-testid=order-id]')?.textContent ?? '') && !document.querySelector('[data-testid=order-id]').textContent.endsWith(`#${id}`), firstId, { timeout: 20000 });
  await page.waitForFunction(() => document.querySelector('[data-testid=order-status]')?.textContent === 'Live', null, { timeout: 20000 });
  const replaced = await apiData(page, `/accounts/${ACCOUNT}/orders/${firstId}`);
  assert.equal(replaced.status, 'Cancelled', 'the original ends when replaced');
  const secondId = Number((await text(page, 'order-id')).replace(/\D/g, ''));
  assert.equal(Number((await apiData(page, `/accounts/${ACCOUNT}/orders/${secondId}`)).price), 0.1);
  await shot(page, vp, 'trade-6-working');
  await press(page, vp, '[data-testid=order-cancel]');
  await press(page, vp, '[data-testid=cancel-keep]');
  assert.equal(await text(page, 'order-status'), 'Live', 'kept');
  await press(page, vp, '[data-testid=order-cancel]');
  await press(page, vp, '[data-testid=cancel-confirm]');
  await page.waitForFunction(() => document.querySelector('[data-testid=order-status]')?.textContent === 'Cancelled', null, { timeout: 20000 });
  assert.equal(await page.locator('[data-testid=order-cancel]').count(), 0, 'nothing to cancel once cancelled');
  assert.deepEqual(errors, []);
  await context.close();
});

test('desktop: a send without an answer: found in the live orders (placed once), or reported not placed', async () => {
  const vp = VIEWPORTS[1];
  await market('reset');
  const { context, page, errors } = await newPage(browser(), vp);
  await signInQuickly(page);
  const placements = countPlacements(page);
  const before = await liveOrders(page);
  await page.goto(`${APP_URL}/accounts/${ACCOUNT}/trade?leg=BTO%3A1%3AMSFT`);
  await page.waitForFunction(() => (document.querySelector('[data-testid=ticket-price]')?.value ?? '') !== '');
  await page.fill('[data-testid=ticket-price]', '1.00');
  await review(page, vp);
  // A stock purchase at 1.00: it can lose the 1.00, gain without limit, breaks even at 1.00.
  assert.equal(money(await text(page, 'payoff-max-loss')), -1);
  assert.equal(await text(page, 'payoff-max-profit'), 'Unlimited');
  assert.equal(money(await text(page, 'payoff-breakeven')), 1);
  // tastytrade accepts the order, then answers 500: the worker says the outcome is unknown.
  assert.equal((await simPost('/sim/orders/fail-next', { mode: '500' })).status, 200);
  await press(page, vp, '[data-testid=ticket-send]');
  await page.waitForSelector('[data-testid=order-found-later]', { timeout: 20000 });
  assert.equal(await text(page, 'order-status'), 'Live');
  const after = (await liveOrders(page)).filter((o) => !before.some((b) => b.id === o.id));
  assert.equal(after.length, 1, 'placed exactly once');
  assert.equal(placements(), 1, 'never re-sent');
  await shot(page, vp, 'trade-7-found-later');
  await press(page, vp, '[data-testid=order-cancel]');
  await press(page, vp, '[data-testid=cancel-confirm]');
  await page.waitForFunction(() => document.querySelector('[data-testid=order-status]')?.textContent === 'Cancelled', null, { timeout: 20000 });

  // The connection drops before the worker: nothing arrived, and the page says so.
  await review(page, vp);
  await page.route(`${APP_URL}/api/accounts/${ACCOUNT}/orders`, (route) => route.abort('connectionreset'));
  const count = (await liveOrders(page)).length;
  await press(page, vp, '[data-testid=ticket-send]');
  await page.waitForSelector('[data-testid=order-checking]');
  await page.waitForSelector('[data-testid=order-not-placed]', { timeout: 20000 });
  assert.equal((await liveOrders(page)).length, count, 'no order');
  await assertAccessible(page, vp, 'not placed');
  await shot(page, vp, 'trade-8-not-placed');
  assert.deepEqual(errors.filter((e) => !/connection|net::|502/i.test(e)), []);
  await context.close();
});

test('phone: an order beyond the buying power: tastytrade says why, and Send stays off', async () => {
  const vp = VIEWPORTS[0];
  const { context, page } = await newPage(browser(), vp);
  await signInQuickly(page);
  // A sell of stock the account holds (150 AAPL) closes it, whatever the link said.
  await page.goto(`${APP_URL}/accounts/${ACCOUNT}/trade?leg=STO%3A1%3AAAPL`);
  await page.waitForFunction(() => document.querySelector('[data-testid=leg-side]')?.textContent === 'Sell to Close');
  await page.goto(`${APP_URL}/accounts/${ACCOUNT}/trade?leg=BTO%3A1%3AAAPL`);
  await page.waitForFunction(() => (document.querySelector('[data-testid=ticket-price]')?.value ?? '') !== '');
  await page.fill('[data-testid=ticket-quantity]', '100000');
  const placements = countPlacements(page);
  await review(page, vp);
  assert.match(await text(page, 'review-errors'), /buying power|margin/i);
  assert.equal(await page.locator('[data-testid=ticket-send]').isDisabled(), true);
  await page.locator('[data-testid=ticket-send]').click({ force: true, timeout: 2000 }).catch(() => {});
  assert.equal(placements(), 0, 'nothing sent');
  await assertAccessible(page, vp, 'refused review');
  await shot(page, vp, 'trade-10-refused');
  await context.close();
});

test('desktop: a working order on its Orders page: change its price (reviewed first), then cancel it (confirmed)', async () => {
  const vp = VIEWPORTS[1];
  const { context, page, errors } = await newPage(browser(), vp);
  await signInQuickly(page);
  const res = await page.context().request.post(`${APP_URL}/api/accounts/${ACCOUNT}/orders`, {
    headers: { 'x-pocket-csrf': '1', origin: new URL(APP_URL).origin },
    data: { 'time-in-force': 'GTC', 'order-type': 'Limit', price: '1.00', 'price-effect': 'Debit',
      legs: [{ 'instrument-type': 'Equity', symbol: 'MSFT', quantity: 2, action: 'Buy to Open' }] },
  });
  assert.equal(res.status(), 201, await res.text());
  const id = (await res.json()).data.order.id;
  await page.goto(`${APP_URL}/accounts/${ACCOUNT}/orders/${id}`);
  await page.fill('[data-testid=replace-price]', '1.25');
  await press(page, vp, '[data-testid=order-replace]');
  await page.waitForSelector('[data-testid=replace-review]');
  assert.match(await text(page, 'replace-review'), /New price \$1\.25/);
  await assertAccessible(page, vp, 'replace review');
  await press(page, vp, '[data-testid=replace-send]');
  await page.waitForURL((u) => /\/orders\/\d+$/.test(u.pathname) && !u.pathname.endsWith(`/${id}`));
  const newId = Number(page.url().split('/').pop());
  assert.equal(Number((await apiData(page, `/accounts/${ACCOUNT}/orders/${newId}`)).price), 1.25);
  assert.equal((await apiData(page, `/accounts/${ACCOUNT}/orders/${id}`)).status, 'Cancelled');
  await page.waitForSelector('[data-testid=order-cancel]');
  await press(page, vp, '[data-testid=order-cancel]');
  await press(page, vp, '[data-testid=cancel-confirm]');
  await page.waitForFunction(() => !document.querySelector('[data-testid=order-cancel]'), null, { timeout: 20000 });
  const status = (await apiData(page, `/accounts/${ACCOUNT}/orders/${newId}`)).status;
  assert.ok(['Cancel Requested', 'Cancelled'].includes(status), status);
  await shot(page, vp, 'trade-11-order-page');
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: the app keeps under the order rate and says when the next order can go', async () => {
  const vp = VIEWPORTS[0];
  const { context, page } = await newPage(browser(), vp);
  await signInQuickly(page);
  await page.goto(`${APP_URL}/accounts/${ACCOUNT}/trade?leg=BTO%3A1%3AMSFT`);
  // Sixty sends from this browser in the last minute (as the app records them).
  await page.evaluate((account) => {
    const now = Date.now();
    localStorage.setItem('pocket-order-sends', JSON.stringify([[account, Array.from({ length: 60 }, (_, i) => now - 30000 + i)]]));
  }, ACCOUNT);
  await page.waitForFunction(() => (document.querySelector('[data-testid=ticket-price]')?.value ?? '') !== '');
  await page.fill('[data-testid=ticket-price]', '1.00');
  await review(page, vp);
  const placements = countPlacements(page);
  await press(page, vp, '[data-testid=ticket-send]');
  const note = await text(page, 'ticket-send-note');
  assert.match(note, /60 orders a minute.*next one can go in (\d+) s/);
  const secs = Number(/in (\d+) s/.exec(note)[1]);
  assert.ok(secs > 0 && secs <= 31, `${secs} s`);
  assert.equal(placements(), 0, 'nothing sent');
  await shot(page, vp, 'trade-9-rate');
  await context.close();
});

test('phone: a read-only session sees no Buy or Sell, and the ticket says trading is off', async () => {
  const vp = VIEWPORTS[0];
  const { context, page } = await newPage(browser(), vp);
  await signInQuickly(page, { scope: 'read' });
  const session = await (await page.context().request.get(APP_URL + '/auth/session')).json();
  assert.notEqual(session['can-trade'], true);
  await page.goto(`${APP_URL}/quote/AAPL`);
  await page.waitForSelector('[data-testid=quote-chain]');
  assert.equal(await page.locator('[data-testid=quote-buy]').count(), 0);
  await page.goto(`${APP_URL}/accounts/${ACCOUNT}/trade?leg=BTO%3A1%3AAAPL`);
  await page.waitForSelector('[data-testid=ticket-read-only]');
  assert.equal(await page.locator('[data-testid=ticket-review]').count(), 0);
  await context.close();
});
