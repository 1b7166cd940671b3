// The simulator's market hooks and a minimal DXLink client of the tests' own: the truth the
// screens are checked against (e2e/market.test.mjs, watchlist-live.test.mjs, quote.test.mjs).
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { APP_URL, SIM_URL, sim } from './harness.mjs';
import { launch, newPage, signInQuickly } from './browser-kit.mjs';

export async function market(path, body = {}) {
  const res = await fetch(`${SIM_URL}/sim/market/${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`/sim/market/${path}: ${res.status} ${await res.text()}`);
  return res.json().catch(() => null);
}
export const marketStats = async () => (await fetch(`${SIM_URL}/sim/market/stats`)).json();

/**
 * The feed's latest events for `subs` ([{type, symbol}]), read with a minimal DXLink client
 * (FULL format, one channel): the truth the screen is checked against.
 */
export function readFeed(token, url, subs) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const events = new Map();
    const send = (m) => ws.send(JSON.stringify(m));
    const timer = setTimeout(() => { ws.close(); reject(new Error(`feed: no data for ${JSON.stringify(subs)}`)); }, 15000);
    ws.onopen = () => send({ type: 'SETUP', channel: 0, version: '0.1-e2e', keepaliveTimeout: 60, acceptKeepaliveTimeout: 60 });
    ws.onerror = (e) => reject(new Error(`feed: ${e.message ?? 'error'}`));
    ws.onmessage = (m) => {
      const msg = JSON.parse(m.data);
      if (msg.type === 'AUTH_STATE' && msg.state === 'UNAUTHORIZED') send({ type: 'AUTH', channel: 0, token });
      if (msg.type === 'AUTH_STATE' && msg.state === 'AUTHORIZED') {
        send({ type: 'CHANNEL_REQUEST', channel: 1, service: 'FEED', parameters: { contract: 'AUTO' } });
      }
      if (msg.type === 'CHANNEL_OPENED') {
        send({
          type: 'FEED_SETUP', channel: 1, acceptAggregationPeriod: 0.1, acceptDataFormat: 'FULL',
          acceptEventFields: {
            Quote: ['eventType', 'eventSymbol', 'bidPrice', 'askPrice'],
            Greeks: ['eventType', 'eventSymbol', 'delta', 'gamma', 'theta', 'vega', 'volatility'],
            Summary: ['eventType', 'eventSymbol', 'prevDayClosePrice', 'dayOpenPrice', 'dayHighPrice', 'dayLowPrice'],
            Trade: ['eventType', 'eventSymbol', 'price', 'change', 'dayVolume'],
            Profile: ['eventType', 'eventSymbol', 'description', 'high52WeekPrice', 'low52WeekPrice'],
          },
        });
        send({ type: 'FEED_SUBSCRIPTION', channel: 1, add: subs });
      }
      if (msg.type === 'FEED_DATA') {
        for (const e of msg.data) if (e && e.eventType) events.set(`${e.eventType}:${e.eventSymbol}`, e);
        if (subs.every((s) => events.has(`${s.type}:${s.symbol}`))) {
          clearTimeout(timer);
          ws.close();
          resolve(events);
        }
      }
    };
  });
}

/** `.SPY261218C700` for `SPY   261218C00700000` (what the app derives; docs/tastytrade.md §6.9). */
export function streamerSymbol(symbol) {
  const m = /^(.{1,6}?)\s*(\d{6})([CP])(\d{8})$/.exec(symbol);
  if (!m) return symbol;
  return `.${m[1].trim()}${m[2]}${m[3]}${Number(m[4]) / 1000}`;
}


/**
 * A file's browser over a reset simulator, its market reset and resumed afterwards:
 * `const browser = marketSuite();` then `browser()` in the tests.
 */
export function marketSuite() {
  let browser;
  before(async () => {
    await sim.reset();
    browser = await launch();
  });
  after(async () => {
    await market('reset').catch(() => {});
    await market('resume').catch(() => {});
    await browser?.close();
  });
  return () => browser;
}

export const near = (actual, expected, tolerance, what) =>
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (±${tolerance})`);

/**
 * A signed-in page at `path` with the feed live, the market reset and `pins` ({symbol: price})
 * pinned first (one tick taken so every symbol has moved once).
 */
export async function openLive(browser, vp, path, pins) {
  await market('reset');
  for (const [symbol, price] of Object.entries(pins)) await market('pin', { symbol, price });
  await market('step', { ticks: 1 });
  const opened = await newPage(browser, vp);
  await signInQuickly(opened.page);
  await opened.page.goto(APP_URL + path);
  await opened.page.waitForSelector('[data-testid=stream-status][data-state=live]');
  return opened;
}
