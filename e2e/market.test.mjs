// The live market in headless Chromium against the simulator's DXLink feed (issue 7): with
// prices pinned through the simulator's hooks, every live figure on the positions screen (mark,
// open and day P/L, position Greeks, group and account totals, the portfolio risk summary) equals
// what this file computes by hand from the same feed (read here with a minimal DXLink client of
// its own) and the positions' REST fields; a paused feed shows "Stale"; a hidden tab closes the
// socket and a visible one resumes it; a dropped socket reconnects without a duplicate
// subscription; the quote token stays out of storage, cookies, the URL and the console; a token
// answer pointing elsewhere is refused and the CSP allows only the configured feed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, SIM_URL, demoAccounts } from './harness.mjs';
import {
  VIEWPORTS, newPage, shot, money, assertAccessible, assertNoHorizontalScroll,
  signInQuickly, apiData, pageToday,
} from './browser-kit.mjs';
import { market, marketStats, readFeed, streamerSymbol, marketSuite, near, openLive } from './market-kit.mjs';

/** The account-streamer relay's socket (same origin; app/src/stream/account.rs), not DXLink. */
const isRelay = (url) => new URL(url).pathname === '/api/account-streamer';
const [account] = demoAccounts().map((a) => a['account-number']);
const positionsPath = `/accounts/${account}/positions`;

const signedQty = (p) => (p['quantity-direction'] === 'Short' ? -1 : 1) * Math.abs(Number(p.quantity));
/** "Δ +60 · Θ +50 · V −160 · IV 23.1%" → { Δ: 60, Θ: 50, V: -160, IV: 23.1 } */
function greeksOf(text) {
  const out = {};
  for (const part of text.split('·')) {
    const [label, value] = part.trim().split(/\s+/);
    if (label) out[label] = Number(value.replace('−', '-').replace('%', ''));
  }
  return out;
}

const browser = marketSuite();

for (const vp of VIEWPORTS) {
  test(`${vp.name}: with pinned prices every live figure equals the hand computation`, async () => {
    const { context, page, errors } = await openLive(browser(), vp, positionsPath,
      { SPY: vp.name === 'phone' ? '680' : '671.50', AAPL: '250' });

    const positions = (await apiData(page, `/accounts/${account}/positions`)).items;
    const today = await pageToday(page);
    const { token, 'dxlink-url': url } = await apiData(page, '/api-quote-tokens');
    const subs = [{ type: 'Quote', symbol: 'SPY' }];
    for (const p of positions) {
      const s = streamerSymbol(p.symbol);
      subs.push({ type: 'Quote', symbol: s }, { type: 'Summary', symbol: s });
      if (s.startsWith('.')) subs.push({ type: 'Greeks', symbol: s }, { type: 'Quote', symbol: p['underlying-symbol'] });
    }
    const feed = await readFeed(token, url, subs);
    const mid = (s) => (Number(feed.get(`Quote:${s}`).bidPrice) + Number(feed.get(`Quote:${s}`).askPrice)) / 2;
    const metrics = (await apiData(page, `/market-metrics?symbols=SPY,AAPL`)).items;
    const beta = (s) => Number(metrics.find((m) => m.symbol === s)?.beta);
    // Pinned: the feed says what the hook set.
    assert.equal(mid('SPY'), Number(vp.name === 'phone' ? '680' : '671.50'));
    assert.equal(mid('AAPL'), 250);

    let [open, day, theta, vega, delta] = [0, 0, 0, 0, 0];
    for (const p of positions) {
      const s = streamerSymbol(p.symbol);
      const row = page.locator(`[data-testid=position-row][data-symbol="${p.symbol}"]`);
      const size = signedQty(p) * Number(p.multiplier ?? 1);
      const mark = mid(s);
      const prevClose = Number(feed.get(`Summary:${s}`).prevDayClosePrice);
      const rowOpen = (mark - Number(p['average-open-price'])) * size;
      const openedToday = p['created-at']?.slice(0, 10) === today;
      const rowDay = (mark - (openedToday ? Number(p['average-open-price']) : prevClose)) * size;
      // Retried: the screen redraws on its own schedule.
      await assert.doesNotReject(() => row.locator('[data-testid=position-mark]').filter({ hasText: /\d/ }).waitFor());
      near(money(await row.locator('[data-testid=position-mark]').textContent()), mark, 0.005, `${p.symbol} mark`);
      near(money(await row.locator('[data-testid=position-pl]').textContent()), rowOpen, 0.011, `${p.symbol} open P/L`);
      near(money(await row.locator('[data-testid=position-day-pl]').textContent()), rowDay, 0.011, `${p.symbol} day P/L`);
      open += rowOpen;
      day += rowDay;
      if (s.startsWith('.')) {
        const g = feed.get(`Greeks:${s}`);
        const shown = greeksOf(await row.locator('[data-testid=position-greeks]').textContent());
        near(shown['Δ'], Number(g.delta) * size, 0.006, `${p.symbol} position delta`);
        near(shown['Θ'], Number(g.theta) * size, 0.006, `${p.symbol} position theta`);
        near(shown.V, Number(g.vega) * size, 0.006, `${p.symbol} position vega`);
        near(shown.IV, Number(g.volatility) * 100, 0.051, `${p.symbol} IV`);
        theta += Number(g.theta) * size;
        vega += Number(g.vega) * size;
        const u = p['underlying-symbol'];
        delta += Number(g.delta) * size * beta(u) * mid(u) / mid('SPY');
      } else {
        delta += size * beta(p['underlying-symbol'] ?? p.symbol) * mark / mid('SPY');
      }
    }
    near(money(await page.textContent('[data-testid=positions-total-pl]')), open, 0.011 * positions.length, 'account open P/L');
    near(money(await page.textContent('[data-testid=positions-day-pl]')), day, 0.011 * positions.length, 'account day P/L');
    near(Number((await page.textContent('[data-testid=risk-delta]')).replace('−', '-').replace('+', '')), delta, 0.051, 'beta-weighted delta');
    near(money(await page.textContent('[data-testid=risk-theta]')), theta, 0.006, 'theta per day');
    near(money(await page.textContent('[data-testid=risk-vega]')), vega, 0.006, 'vega');
    assert.equal(await page.textContent('[data-testid=risk-note]'), '', 'every position counted');

    // A new pin moves the screen, in place.
    await market('pin', { symbol: 'AAPL', price: '260' });
    await market('step', { ticks: 1 });
    const aapl = page.locator('[data-testid=position-row][data-symbol=AAPL] [data-testid=position-mark]');
    await aapl.filter({ hasText: '$260.00' }).waitFor();

    await assertAccessible(page, vp, 'live positions');
    await assertNoHorizontalScroll(page, 'live positions');
    await shot(page, vp, 'positions-live');
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('phone: a paused feed shows "Stale", and "Live" again when it resumes', async () => {
  await market('reset');
  const { context, page, errors } = await newPage(browser(), VIEWPORTS[0]);
  await signInQuickly(page);
  await page.goto(APP_URL + positionsPath);
  await page.waitForSelector('[data-testid=stream-status][data-state=live]');
  await market('pause');
  await page.waitForSelector('[data-testid=stream-status][data-state=stale]', { timeout: 30000 });
  await shot(page, VIEWPORTS[0], 'positions-stale');
  await market('resume');
  await market('tick-rate', { 'ticks-per-sec': 2 });
  await page.waitForSelector('[data-testid=stream-status][data-state=live]', { timeout: 30000 });
  await market('tick-rate', { 'ticks-per-sec': 0 });
  assert.deepEqual(errors, []);
  await context.close();
});

test('phone: futures and future options stream under the streamer symbols tastytrade gives them', async () => {
  await market('reset');
  await market('step', { ticks: 1 });
  const futuresAccount = demoAccounts().map((a) => a['account-number'])[2];
  const { context, page, errors } = await newPage(browser(), VIEWPORTS[0]);
  await signInQuickly(page);
  await page.goto(`${APP_URL}/accounts/${futuresAccount}/positions`);
  await page.waitForSelector('[data-testid=stream-status][data-state=live]');
  const positions = (await apiData(page, `/accounts/${futuresAccount}/positions`)).items;
  const futures = positions.filter((p) => p['instrument-type'] === 'Future');
  const options = positions.filter((p) => p['instrument-type'] === 'Future Option');
  assert.ok(futures.length > 0 && options.length > 0, 'the account holds both');
  const lookup = async (path, list) => (await apiData(page,
    `/instruments/${path}?${list.map((p) => `symbol[]=${encodeURIComponent(p.symbol)}`).join('&')}`)).items;
  const streamers = new Map([...await lookup('futures', futures), ...await lookup('future-options', options)]
    .map((i) => [i.symbol, i['streamer-symbol']]));
  const { token, 'dxlink-url': url } = await apiData(page, '/api-quote-tokens');
  const subs = [...futures, ...options].flatMap((p) => [{ type: 'Quote', symbol: streamers.get(p.symbol) }]);
  for (const p of options) subs.push({ type: 'Greeks', symbol: streamers.get(p.symbol) });
  const feed = await readFeed(token, url, subs);
  for (const p of [...futures, ...options]) {
    const q = feed.get(`Quote:${streamers.get(p.symbol)}`);
    const mid = (Number(q.bidPrice) + Number(q.askPrice)) / 2;
    const row = page.locator(`[data-testid=position-row][data-symbol="${p.symbol}"]`);
    const mark = row.locator('[data-testid=position-mark]');
    await page.waitForFunction(([sel, want]) => {
      const text = document.querySelector(sel)?.textContent ?? '';
      return Math.abs(Number(text.replace(/[^0-9.]/g, '')) - want) < 0.006;
    }, [`[data-testid=position-row][data-symbol="${p.symbol}"] [data-testid=position-mark]`, mid], { timeout: 15000 })
      .catch(async () => near(money(await mark.textContent()), mid, 0.005, `${p.symbol} mark is the feed's mid`));
    if (p['instrument-type'] === 'Future Option') {
      const g = greeksOf(await row.locator('[data-testid=position-greeks]').textContent());
      const delta = Number(feed.get(`Greeks:${streamers.get(p.symbol)}`).delta) * signedQty(p) * Number(p.multiplier);
      near(g['Δ'], delta, 0.006, `${p.symbol} position delta`);
    }
  }
  // Theta and vega of the future options count even without a beta; Δ says what it leaves out.
  await page.waitForFunction(() => /without a beta left out of Δ/
    .test(document.querySelector('[data-testid=risk-note]')?.textContent ?? ''), null, { timeout: 10000 })
    .catch(async () => assert.fail(`risk note: "${await page.locator('[data-testid=risk-note]').textContent()}"`));
  assert.notEqual(await page.locator('[data-testid=risk-theta]').textContent(), '$0.00');
  assert.deepEqual(errors, []);
  await context.close();
  // The next test counts sockets: this page's is gone first.
  for (let i = 0; i < 50 && (await marketStats())['open-sockets'] !== 0; i++) await new Promise((r) => setTimeout(r, 100));
});

test('desktop: a dropped socket reconnects and resubscribes without duplicates; a hidden tab closes it, a visible one resumes', async () => {
  await market('reset');
  const { context, page, errors } = await newPage(browser(), VIEWPORTS[1]);
  await page.clock.install();
  const sockets = [];
  page.on('websocket', (ws) => {
    if (isRelay(ws.url())) return; // the account streamer (same origin), not the market feed
    const s = { url: ws.url(), closed: false };
    ws.on('close', () => { s.closed = true; });
    sockets.push(s);
  });
  await signInQuickly(page);
  await page.goto(APP_URL + positionsPath);
  await page.waitForSelector('[data-testid=stream-status][data-state=live]');
  const before = await marketStats();
  assert.equal(before['open-sockets'], 1, 'one socket for the whole app');

  await market('drop-sockets');
  await page.clock.runFor(5000);
  await page.waitForSelector('[data-testid=stream-status][data-state=live]', { timeout: 30000 });
  const after = await marketStats();
  assert.equal(after['open-sockets'], 1);
  const [socket] = after.sockets;
  assert.equal(socket['duplicate-adds'], 0, 'no subscription sent twice on the new socket');
  assert.equal(socket.subscriptions, before.sockets[0].subscriptions, 'the same subscriptions again');

  // The account data a page shown again fetches anew (live prices aside).
  const accountReads = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (/^\/api\/(customers|accounts)\//.test(path)) accountReads.push(path);
  });
  const setVisibility = (state) => page.evaluate((s) => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => s });
    document.dispatchEvent(new Event('visibilitychange'));
  }, state);
  // Hidden a moment: the numbers are seconds old, nothing is fetched again.
  await setVisibility('hidden');
  await page.clock.runFor(1000);
  await setVisibility('visible');
  await page.clock.runFor(1000);
  await page.waitForTimeout(300);
  assert.deepEqual(accountReads, [], 'a tab hidden for a second keeps its data');

  // Hidden for over a minute: closed (and said so); visible: open again.
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.clock.runFor(65000);
  await page.waitForSelector('[data-testid=stream-status][data-state=paused]');
  await assert.doesNotReject(async () => {
    for (let i = 0; i < 50 && (await marketStats())['open-sockets'] !== 0; i++) await page.waitForTimeout(100);
  });
  assert.equal((await marketStats())['open-sockets'], 0, 'the hidden tab closed its socket');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'visible' });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  await page.clock.runFor(2000);
  await page.waitForSelector('[data-testid=stream-status][data-state=live]', { timeout: 30000 });
  assert.equal((await marketStats())['open-sockets'], 1);
  assert.ok(accountReads.some((p) => p.endsWith('/positions')) && accountReads.some((p) => p.endsWith('/balances')),
    `a tab shown again after a minute fetches the account anew: ${accountReads.join(', ')}`);
  assert.ok(sockets.every((s) => s.url.startsWith(SIM_URL.replace('http', 'ws'))), 'only the simulator feed');
  assert.deepEqual(errors, []);
  await context.close();
});

test('desktop: the quote token stays in memory; a token answer pointing elsewhere is refused; the CSP allows only the feed', async () => {
  await market('reset');
  const { context, page, errors } = await newPage(browser(), VIEWPORTS[1]);
  const logs = [];
  page.on('console', (m) => logs.push(m.text()));
  let token;
  page.on('response', async (r) => {
    if (r.url().endsWith('/api/api-quote-tokens') && r.ok()) token = (await r.json()).data.token;
  });
  await signInQuickly(page);
  await page.goto(APP_URL + positionsPath);
  await page.waitForSelector('[data-testid=stream-status][data-state=live]');
  assert.ok(token && token.length > 10, 'the app fetched a quote token');
  const where = await page.evaluate(() => ({
    local: JSON.stringify({ ...localStorage }),
    session: JSON.stringify({ ...sessionStorage }),
    cookie: document.cookie,
    url: location.href,
  }));
  for (const [k, v] of Object.entries(where)) assert.ok(!v.includes(token), `the quote token is in ${k}`);
  assert.ok(!logs.some((l) => l.includes(token)), 'the quote token is in a console line');
  const cookies = await context.cookies();
  assert.ok(!cookies.some((c) => c.value.includes(token)), 'the quote token is in a cookie');

  // The page's CSP: connect-src is this origin and the configured feed, nothing wider.
  const res = await page.request.get(APP_URL + positionsPath);
  const csp = res.headers()['content-security-policy'];
  const connect = csp.split(';').map((d) => d.trim()).find((d) => d.startsWith('connect-src'));
  assert.equal(connect, `connect-src 'self' ${SIM_URL.replace('http://', 'ws://')}`);
  // Another host is blocked by the browser itself.
  const blocked = await page.evaluate(() => new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve(e.blockedURI), { once: true });
    try { new WebSocket('ws://127.0.0.2:9/elsewhere'); } catch (e) { resolve(`threw ${e.name}`); }
    setTimeout(() => resolve('not blocked'), 3000);
  }));
  assert.notEqual(blocked, 'not blocked');
  await context.close();

  // A token answer whose dxlink-url is elsewhere: refused with a reason, never connected to.
  const second = await newPage(browser(), VIEWPORTS[1]);
  const opened = [];
  second.page.on('websocket', (ws) => isRelay(ws.url()) || opened.push(ws.url()));
  await second.page.route('**/api/api-quote-tokens', async (route) => {
    const real = await route.fetch();
    const body = await real.json();
    body.data['dxlink-url'] = 'wss://feed.attacker.example/realtime';
    await route.fulfill({ response: real, json: body });
  });
  await signInQuickly(second.page);
  await second.page.goto(APP_URL + positionsPath);
  const status = second.page.locator('[data-testid=stream-status][data-state=refused]');
  await status.waitFor();
  assert.match(await status.textContent(), /feed\.attacker\.example|not allowed/i);
  assert.deepEqual(opened, [], 'no socket was opened');
  await shot(second.page, VIEWPORTS[1], 'positions-feed-refused');
  assert.deepEqual(second.errors, []);
  await second.context.close();
  // (The CSP's own report of the connection this test provoked is the one expected console error.)
  assert.deepEqual(errors.filter((e) => !e.includes('ws://127.0.0.2:9/elsewhere')), []);
});
