// A watchlist, live (issue 7): with prices pinned through the simulator's hooks, every row's last
// price, change, change %, bid × ask and IV rank equal what this file computes from the same feed
// (its own DXLink client), the REST metrics and the instruments' streamer symbols (the futures
// rows too); the sort picker orders the rows by those figures, keeps the order in the address,
// and a reload comes back sorted. Phone (390 px) and desktop (1280 px).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL } from './harness.mjs';
import {
  VIEWPORTS, shot, money, assertNoHorizontalScroll, assertAccessible, apiData,
} from './browser-kit.mjs';
import { market, readFeed, streamerSymbol, marketSuite, near, openLive } from './market-kit.mjs';

const LIST = 'Index & Futures';
const listPath = `/watchlists/${encodeURIComponent(LIST)}`;

const browser = marketSuite();

/** "+23.62 (+0.35%)" / "−2.88 (-0.47%)" → { change: 23.62, pct: 0.35 } */
function changeOf(text) {
  const m = /^([+−-]?[\d.,]+)(?:\s*\(([+−-]?[\d.,]+)%\))?$/.exec(text.trim());
  assert.ok(m, `a change figure: "${text}"`);
  const n = (s) => Number(s.replace('−', '-').replaceAll(',', ''));
  return { change: n(m[1]), pct: m[2] === undefined ? null : n(m[2]) };
}

/** The rows' symbols in screen order. */
const rowOrder = (page) => page.$$eval('[data-testid=watchlist-entry]', (rows) => rows.map((r) => r.dataset.symbol));

/** Waits until the rows are in `want`'s order (the sort runs in an effect after the pick). */
async function expectOrder(page, want, what) {
  await page.waitForFunction((w) => JSON.stringify([...document.querySelectorAll('[data-testid=watchlist-entry]')]
    .map((r) => r.dataset.symbol)) === w, JSON.stringify(want), { timeout: 10000 })
    .catch(async () => assert.deepEqual(await rowOrder(page), want, what));
}

/** Waits until every row shows a last price. */
async function allPriced(page, count) {
  await page.waitForFunction((n) => {
    const cells = [...document.querySelectorAll('[data-testid=watch-last]')];
    return cells.length === n && cells.every((c) => /\d/.test(c.textContent));
  }, count, { timeout: 30000 });
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: every live figure of a watchlist equals the feed's, and the sort follows them`, async () => {
    const { context, page, errors } = await openLive(browser(), vp, listPath,
      { SPY: vp.name === 'phone' ? '681.25' : '664.10', QQQ: '600' });

    const list = await apiData(page, listPath);
    const symbols = list['watchlist-entries'].map((e) => e.symbol);
    assert.ok(symbols.some((s) => s.startsWith('/')), 'the list holds futures');
    await allPriced(page, symbols.length);

    // The truth: streamer symbols (futures looked up), the feed, the metrics.
    const futures = symbols.filter((s) => s.startsWith('/'));
    const query = futures.map((s) => `symbol[]=${encodeURIComponent(s)}`).join('&');
    const instruments = (await apiData(page, `/instruments/futures?${query}`)).items;
    const streamerOf = (s) => (s.startsWith('/')
      ? instruments.find((i) => i.symbol === s)['streamer-symbol'] : streamerSymbol(s));
    const { token, 'dxlink-url': url } = await apiData(page, '/api-quote-tokens');
    const subs = symbols.flatMap((s) => ['Quote', 'Summary', 'Trade'].map((type) => ({ type, symbol: streamerOf(s) })));
    const feed = await readFeed(token, url, subs);
    const plain = symbols.filter((s) => !s.startsWith('/'));
    const metrics = (await apiData(page, `/market-metrics?symbols=${plain.join(',')}`)).items;

    const expected = new Map();
    for (const s of symbols) {
      const streamer = streamerOf(s);
      const q = feed.get(`Quote:${streamer}`);
      const t = feed.get(`Trade:${streamer}`);
      const prev = Number(feed.get(`Summary:${streamer}`).prevDayClosePrice);
      const last = Number.isFinite(Number(t.price)) ? Number(t.price) : (Number(q.bidPrice) + Number(q.askPrice)) / 2;
      const change = last - prev;
      const ivRank = metrics.find((m) => m.symbol === s)?.['implied-volatility-index-rank'];
      expected.set(s, { last, change, pct: (change / prev) * 100, bid: Number(q.bidPrice), ask: Number(q.askPrice), ivRank });
    }
    const spy = expected.get('SPY');
    near((spy.bid + spy.ask) / 2, Number(vp.name === 'phone' ? '681.25' : '664.10'), 0.011, 'SPY is quoted at its pin');

    for (const s of symbols) {
      const row = page.locator(`[data-testid=watchlist-entry][data-symbol="${s}"]`);
      const want = expected.get(s);
      near(money(await row.locator('[data-testid=watch-last]').innerText()), want.last, 0.005, `${s} last`);
      const { change, pct } = changeOf(await row.locator('[data-testid=watch-change]').innerText());
      near(change, want.change, 0.00005 + 1e-9, `${s} change`);
      near(pct, want.pct, 0.0051, `${s} change %`);
      const [bid, ask] = (await row.locator('[data-testid=watch-bid-ask]').innerText()).split('×').map(money);
      near(bid, want.bid, 0.005, `${s} bid`);
      near(ask, want.ask, 0.005, `${s} ask`);
      const ivr = await row.locator('[data-testid=watch-iv-rank]').innerText();
      if (want.ivRank === undefined) {
        assert.equal(ivr, '', `${s}: no metrics, no IV rank`);
      } else {
        assert.equal(ivr, `IVR ${Number((Number(want.ivRank) * 100).toFixed(1))}`, `${s} IV rank`);
      }
    }

    // Sorted by change %, gainers first: the order the figures give, kept in the address.
    const byChange = [...symbols].sort((a, b) => expected.get(b).pct - expected.get(a).pct);
    assert.deepEqual(await rowOrder(page), symbols, 'the saved order first');
    await page.selectOption('[data-testid=watchlist-sort]', 'change-desc');
    await page.waitForURL(/[?&]sort=change-desc/);
    await expectOrder(page, byChange, 'gainers first');
    await assertNoHorizontalScroll(page, 'live watchlist');
    await assertAccessible(page, vp, 'live watchlist, sorted');
    await shot(page, vp, 'watchlist-live-sorted');

    // A reload comes back sorted once the figures are in; losers first is the reverse.
    await page.reload();
    await allPriced(page, symbols.length);
    await expectOrder(page, byChange, 'sorted again after a reload');
    assert.equal(await page.locator('[data-testid=watchlist-sort]').inputValue(), 'change-desc');
    await page.selectOption('[data-testid=watchlist-sort]', 'change-asc');
    await page.waitForURL(/[?&]sort=change-asc/);
    await expectOrder(page, [...byChange].reverse(), 'losers first');
    await page.selectOption('[data-testid=watchlist-sort]', 'symbol');
    await expectOrder(page, [...symbols].sort(), 'A–Z');
    assert.deepEqual(errors, []);
    await context.close();
  });
}
