// The quote screen (issue 7): reached by tapping a symbol in a watchlist, every live figure equals
// the feed's (this file's own DXLink client) and the metrics' (REST), the day's chart is drawn
// from candles, "Back" returns; a future's quote deep-linked (`/quote/%2FESZ6`, an encoded slash)
// survives a reload and streams under its looked-up streamer symbol. Phone and desktop.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL } from './harness.mjs';
import {
  VIEWPORTS, newPage, shot, press, money, assertNoHorizontalScroll, assertAccessible,
  signInQuickly, apiData,
} from './browser-kit.mjs';
import { market, readFeed, marketSuite, near } from './market-kit.mjs';

const browser = marketSuite();

const text = async (page, testid) => (await page.locator(`[data-testid=${testid}]`).textContent()).trim();
/** "$240.20 – $249.17" → [240.2, 249.17] */
const range = (t) => t.split('–').map(money);

/** Waits until the screen shows a last price and a drawn chart. */
async function loaded(page) {
  await page.waitForFunction(() => /\d/.test(document.querySelector('[data-testid=quote-last]')?.textContent ?? '')
    && document.querySelector('[data-testid=quote-chart]'), null, { timeout: 30000 });
}

async function checkAgainstFeed(page, streamer, symbol) {
  const { token, 'dxlink-url': url } = await apiData(page, '/api-quote-tokens');
  const feed = await readFeed(token, url, ['Quote', 'Trade', 'Summary', 'Profile'].map((type) => ({ type, symbol: streamer })));
  const q = feed.get(`Quote:${streamer}`);
  const t = feed.get(`Trade:${streamer}`);
  const s = feed.get(`Summary:${streamer}`);
  const p = feed.get(`Profile:${streamer}`);
  const last = Number(t.price);
  near(money(await text(page, 'quote-last')), last, 0.005, `${symbol} last`);
  const [change, pct] = (await text(page, 'quote-change')).replace('−', '-').split(' ');
  near(Number(change), last - Number(s.prevDayClosePrice), 0.00006, `${symbol} change`);
  near(Number(pct.replace(/[()%]/g, '')), ((last - Number(s.prevDayClosePrice)) / Number(s.prevDayClosePrice)) * 100, 0.0051, `${symbol} change %`);
  const [bid, ask] = (await text(page, 'quote-bid-ask')).split('×').map((x) => money(x.replace(/\(.*\)/, '')));
  near(bid, Number(q.bidPrice), 0.005, 'bid');
  near(ask, Number(q.askPrice), 0.005, 'ask');
  const [low, high] = range(await text(page, 'quote-day-range'));
  near(low, Number(s.dayLowPrice), 0.005, 'day low');
  near(high, Number(s.dayHighPrice), 0.005, 'day high');
  const [low52, high52] = range(await text(page, 'quote-52-week'));
  near(low52, Number(p.low52WeekPrice), 0.005, '52-week low');
  near(high52, Number(p.high52WeekPrice), 0.005, '52-week high');
  near(money(await text(page, 'quote-open')), Number(s.dayOpenPrice), 0.005, 'open');
  near(money(await text(page, 'quote-prev-close')), Number(s.prevDayClosePrice), 0.005, 'previous close');
  assert.equal(await text(page, 'quote-description'), p.description);
  assert.ok(Number(await page.locator('[data-testid=quote-chart]').getAttribute('data-points')) > 1, 'the day chart has bars');
}

for (const vp of VIEWPORTS) {
  test(`${vp.name}: a watchlist symbol opens its live quote, equal to the feed and the metrics`, async () => {
    await market('reset');
    await market('pin', { symbol: 'AAPL', price: vp.name === 'phone' ? '251.10' : '239.95' });
    await market('step', { ticks: 1 });
    const { context, page, errors } = await newPage(browser(), vp);
    await signInQuickly(page);
    await page.goto(`${APP_URL}/watchlists/${encodeURIComponent('Tech Giants')}`);
    await press(page, vp, '[data-testid=watchlist-entry][data-symbol=AAPL] [data-testid=watchlist-quote-link]');
    await page.waitForURL(`${APP_URL}/quote/AAPL`);
    assert.equal(await text(page, 'quote-title'), 'AAPL');
    await loaded(page);
    await checkAgainstFeed(page, 'AAPL', 'AAPL');
    const [metric] = (await apiData(page, '/market-metrics?symbols=AAPL')).items;
    assert.equal(await text(page, 'quote-iv-rank'), String(Number((Number(metric['implied-volatility-index-rank']) * 100).toFixed(1))));
    assert.equal(await text(page, 'quote-beta'), String(Number(Number(metric.beta).toFixed(2))));
    await assertNoHorizontalScroll(page, 'quote');
    await assertAccessible(page, vp, 'quote');
    await shot(page, vp, 'quote-aapl');
    await press(page, vp, 'button.back-link');
    await page.waitForURL(`${APP_URL}/watchlists/${encodeURIComponent('Tech Giants')}`);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test('phone: a future\'s quote, deep-linked with an encoded slash, survives a reload and streams', async () => {
  await market('reset');
  await market('step', { ticks: 1 });
  const { context, page, errors } = await newPage(browser(), VIEWPORTS[0]);
  await signInQuickly(page);
  const path = `/quote/${encodeURIComponent('/ESZ6')}`;
  await page.goto(APP_URL + path);
  assert.equal(page.url(), APP_URL + path, 'no redirect to another page');
  assert.equal(await text(page, 'quote-title'), '/ESZ6');
  await loaded(page);
  await page.reload();
  await loaded(page);
  const [future] = (await apiData(page, '/instruments/futures?symbol[]=%2FESZ6')).items;
  await checkAgainstFeed(page, future['streamer-symbol'], '/ESZ6');
  await shot(page, VIEWPORTS[0], 'quote-future');
  assert.deepEqual(errors, []);
  await context.close();
});
