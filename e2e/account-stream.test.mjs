// tastytrade's account streamer, app-wide (app/src/stream/account.rs, shell/notices.rs): an
// order placed elsewhere (another device: straight at the simulator) appears among the working
// orders as it is announced, with no request; when it fills, wherever the person is, a notice
// says so and the positions and balances follow without a reload. The relay dropping is
// survived: the app reconnects and catches up on what it missed. Phone and desktop.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, SIM_URL, simApi } from './harness.mjs';
import {
  VIEWPORTS, newPage, shot, press, assertAccessible, assertNoHorizontalScroll, signInQuickly, apiData,
} from './browser-kit.mjs';
import { market, marketSuite } from './market-kit.mjs';

const browser = marketSuite();
const ACCOUNT = '5WT00001';

/** A limit buy of `quantity` AAPL at `price` placed by another client (not this page). */
async function buyElsewhere(quantity, price) {
  const res = await simApi(`/accounts/${ACCOUNT}/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      'time-in-force': 'Day', 'order-type': 'Limit', price, 'price-effect': 'Debit',
      legs: [{ 'instrument-type': 'Equity', symbol: 'AAPL', quantity, action: 'Buy to Open' }],
    }),
  });
  const body = await res.text();
  assert.equal(res.status, 201, `placed elsewhere: ${res.status} ${body}`);
  return JSON.parse(body).data.order;
}

/** The relay sockets the page opened, and what came through them. */
function relaySockets(page) {
  const sockets = [];
  page.on('websocket', (ws) => {
    if (new URL(ws.url()).pathname !== '/api/account-streamer') return;
    const s = { frames: [], closed: false };
    ws.on('framereceived', (f) => s.frames.push(String(f.payload)));
    ws.on('close', () => { s.closed = true; });
    sockets.push(s);
  });
  return sockets;
}

/** A signed-in page (AAPL pinned at 240), its relay sockets, and the AAPL the account holds. */
async function signedIn(vp) {
  await market('reset');
  await market('pin', { symbol: 'AAPL', price: '240.00' });
  await market('step', { ticks: 1 });
  const opened = await newPage(browser(), vp);
  const sockets = relaySockets(opened.page);
  await signInQuickly(opened.page);
  const held = Number((await apiData(opened.page, `/accounts/${ACCOUNT}/positions`)).items
    .find((p) => p.symbol === 'AAPL').quantity);
  return { ...opened, sockets, held };
}

/** Waits until the positions screen shows `n` AAPL. */
const waitForAapl = (page, n) => page.waitForFunction((q) => {
  const shown = document.querySelector('[data-testid=position-row][data-symbol=AAPL] [data-testid=position-quantity]');
  return shown && new RegExp(`\\b${q}\\b`).test(shown.textContent);
}, n, { timeout: 10000 });

const quantityOf = (page, symbol) => page.evaluate((s) =>
  document.querySelector(`[data-testid=position-row][data-symbol="${s}"] [data-testid=position-quantity]`)?.textContent ?? '', symbol);

for (const vp of VIEWPORTS) {
  test(`${vp.name}: an order placed elsewhere shows up live, and its fill updates positions with a notice`, async () => {
    const { context, page, errors, sockets, held } = await signedIn(vp);

    // Orders: the working list loads once; the new order arrives on the stream, not by polling.
    await page.goto(`${APP_URL}/accounts/${ACCOUNT}/orders`);
    await page.waitForSelector('[data-testid=working-section] [data-testid=order-row], [data-testid=working-empty]');
    await waitForRelay(sockets);
    const liveReads = [];
    page.on('request', (r) => { if (new URL(r.url()).pathname.endsWith('/orders/live')) liveReads.push(r.url()); });
    const order = await buyElsewhere(2, '230.00');
    const row = `[data-testid=working-orders] [data-order-id="${order.id}"]`;
    await page.waitForSelector(row, { timeout: 10000 });
    assert.deepEqual(liveReads, [], 'announced, not fetched');

    // Positions: the fill (the price comes down through the limit) is announced; the quantity
    // follows and a notice says what filled, with a link to the order.
    await press(page, vp, '[data-testid=nav-link][data-section=Positions]');
    await page.waitForSelector('[data-testid=position-row][data-symbol=AAPL]');
    assert.match(await quantityOf(page, 'AAPL'), new RegExp(`\\b${held}\\b`));
    await market('pin', { symbol: 'AAPL', price: '229.00' });
    await market('step', { ticks: 3 });
    const toast = page.locator('[data-testid=toast]', { hasText: 'Filled: BTO 2 AAPL' });
    await toast.waitFor({ timeout: 15000 });
    await waitForAapl(page, held + 2);
    // At the average fill price tastytrade reports for the order.
    const filled = await apiData(page, `/accounts/${ACCOUNT}/orders/${order.id}`);
    const fills = filled.legs[0].fills;
    const average = fills.reduce((s, f) => s + Number(f.quantity) * Number(f['fill-price']), 0)
      / fills.reduce((s, f) => s + Number(f.quantity), 0);
    const shown = (await toast.locator('.toast-text').textContent()).trim();
    assert.match(shown, /^Filled: BTO 2 AAPL at \$?[\d,]+\.\d{2,4}$/);
    assert.equal(Number(shown.split(' at ')[1].replace(/[$,]/g, '')), Number(average.toFixed(4)), shown);
    assert.equal(await page.locator('[data-testid=toasts]').getAttribute('aria-live'), 'polite');
    assert.equal(await toast.locator('a').getAttribute('href'), `/accounts/${ACCOUNT}/orders/${order.id}`);
    await assertNoHorizontalScroll(page);
    await assertAccessible(page, vp, 'fill notice');
    await shot(page, vp, 'notice-filled');
    // The notice leads to the order, filled; its own page shows that without a reload.
    await press(page, vp, '[data-testid=toast] a');
    await page.waitForURL(`${APP_URL}/accounts/${ACCOUNT}/orders/${order.id}`);
    await page.waitForSelector('[data-testid=order-detail] [data-testid=order-status]:text("Filled")');
    assert.equal(await page.locator('[data-testid=toast]').count(), 0, 'the notice went with the tap');
    assert.equal(sockets.length, 1, 'one relay socket for the whole visit');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

async function waitForRelay(sockets) {
  const deadline = Date.now() + 10000;
  while (!sockets.some((s) => s.frames.some((f) => /"action":"connect"/.test(f) && /"status":"ok"/.test(f)))) {
    if (Date.now() > deadline) throw new Error('the relay never connected');
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('phone: the relay drops; the app reconnects, catches up, and hears the next fill', async () => {
  const vp = VIEWPORTS[0];
  const { context, page, errors, sockets, held } = await signedIn(vp);
  await page.goto(`${APP_URL}/accounts/${ACCOUNT}/positions`);
  await page.waitForSelector('[data-testid=position-row][data-symbol=AAPL]');
  await waitForRelay(sockets);

  // The streamer goes away; an order fills while the app is not listening.
  const positionReads = [];
  page.on('request', (r) => { if (new URL(r.url()).pathname === `/api/accounts/${ACCOUNT}/positions`) positionReads.push(r.url()); });
  const dropped = await (await fetch(`${SIM_URL}/sim/account-streamer/drop-sockets`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}',
  })).json();
  assert.ok(dropped.dropped >= 1, `dropped ${JSON.stringify(dropped)}`);
  const missed = await buyElsewhere(1, '235.00');
  await market('pin', { symbol: 'AAPL', price: '234.00' });
  await market('step', { ticks: 3 });
  // A new socket (after a backoff of a second or two) and a refresh bring the missed fill.
  const deadline = Date.now() + 20000;
  while (sockets.length < 2 || !sockets[1].frames.some((f) => /"action":"connect"/.test(f) && /"status":"ok"/.test(f))) {
    if (Date.now() > deadline) throw new Error(`no reconnect: ${sockets.length} sockets`);
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(sockets[0].closed, 'the first socket ended');
  await waitForAapl(page, held + 1);
  assert.ok(positionReads.length >= 1, 'caught up by fetching the positions again');
  assert.ok(missed.id);

  // Listening again: the next fill is announced on the new socket.
  await market('pin', { symbol: 'AAPL', price: '240.00' });
  await market('step', { ticks: 1 });
  const next = await buyElsewhere(3, '238.00');
  await market('pin', { symbol: 'AAPL', price: '237.00' });
  await market('step', { ticks: 3 });
  await page.locator('[data-testid=toast]', { hasText: 'Filled: BTO 3 AAPL' }).waitFor({ timeout: 15000 });
  assert.equal(sockets.length, 2, 'one reconnect');
  assert.ok(sockets[1].frames.some((f) => f.includes(`"id":${next.id}`) && f.includes('"Filled"')), 'announced on the new socket');
  assert.deepEqual(errors, []);
  await context.close();
});
