// Third-party SDK compatibility: the official tastytrade JS SDK (@tastytrade/api, pinned in
// package.json) against the simulator, unmodified, with only its `baseUrl` changed.
// Run by e2e/sdk/run.sh, which starts its own simulator and sets SDK_SIM_URL. scripts/e2e.sh
// also finds this file (node --test e2e/ recurses); without SDK_SIM_URL it is skipped there.
// Expected values come from the simulator's fixtures, never repeated here. Tokens are never
// printed, not even in assertion messages.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { demoAccounts, fixture } from '../harness.mjs';

const SIM = process.env.SDK_SIM_URL;
const SECRET = process.env.DEMO_CLIENT_SECRET ?? 'demo-secret-not-for-production';
const skip = SIM ? false : 'run by e2e/sdk/run.sh (SDK_SIM_URL unset)';

let TastytradeClient;
let refreshToken;

async function simJson(method, path, body) {
  const res = await fetch(SIM + path, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  assert.equal(res.status, 200, `${method} ${path}`);
  return res.json();
}

/** A client exactly as the SDK's README builds one, but with the simulator's base URL. */
function client(overrides = {}) {
  return new TastytradeClient({
    ...TastytradeClient.ProdConfig,
    baseUrl: SIM,
    clientSecret: SECRET,
    refreshToken,
    oauthScopes: ['read'],
    ...overrides,
  });
}

/** What an axios error says, without its config and request (they hold the tokens). */
function explain(err) {
  return `${err?.message} (status ${err?.response?.status}, body ${JSON.stringify(err?.response?.data)})`;
}

/**
 * Awaits an SDK call. A failure is rethrown as a plain Error: the test runner would otherwise
 * print the whole AxiosError, whose config carries the bearer token or the refresh token.
 */
async function call(label, promise) {
  try {
    return await promise;
  } catch (err) {
    throw new Error(`${label}: ${explain(err)}`);
  }
}

/** Awaits an SDK call that must fail; returns the status, body and URL of its failure. */
async function failure(label, promise) {
  try {
    await promise;
  } catch (err) {
    return { status: err?.response?.status, data: err?.response?.data, url: err?.config?.url, text: explain(err) };
  }
  throw new Error(`${label}: succeeded, expected a failure`);
}

before(async () => {
  if (skip) return;
  ({ default: TastytradeClient } = await import('@tastytrade/api'));
  const grant = await simJson('POST', '/sim/grants', {});
  refreshToken = grant['refresh-token'];
  assert.equal(typeof refreshToken, 'string');
  assert.ok(refreshToken.length > 0, 'empty refresh token from /sim/grants');
});

test('JS SDK: refresh-token session, accounts, balances, positions', { skip }, async () => {
  const start = await simJson('GET', '/sim/stats');
  const tt = client();
  const expected = demoAccounts();

  const items = await call('getCustomerAccounts', tt.accountsAndCustomersService.getCustomerAccounts());
  // The SDK created its own access token through the refresh-token grant.
  assert.ok(tt.accessToken.isValid, 'SDK holds no valid access token after the first call');
  const numbers = items.map((i) => i.account['account-number']);
  for (const n of ['5WT00001', '5WT00002', '5WT00003']) assert.ok(numbers.includes(n), `${n} missing: ${numbers}`);
  assert.deepEqual(numbers, expected.map((a) => a['account-number']));
  for (const { account } of items) {
    const want = expected.find((a) => a['account-number'] === account['account-number']);
    assert.equal(account.nickname, want.nickname);
    assert.equal(account['margin-or-cash'], want['margin-or-cash']);
  }

  for (const n of numbers) {
    const balances = await call(`getAccountBalanceValues(${n})`,
      tt.balancesAndPositionsService.getAccountBalanceValues(n));
    const want = fixture(`accounts/${n}/balances.json`).data;
    assert.equal(balances['account-number'], n);
    for (const key of ['net-liquidating-value', 'cash-balance', 'equity-buying-power',
      'derivative-buying-power', 'used-derivative-buying-power']) {
      assert.ok(Number.isFinite(Number(balances[key])), `${n} ${key} = ${balances[key]}`);
      assert.equal(balances[key], want[key], `${n} ${key}`);
    }
    assert.ok(Number(balances['net-liquidating-value']) > 0, `${n} net liq`);

    const positions = await call(`getPositionsList(${n})`,
      tt.balancesAndPositionsService.getPositionsList(n, { includeMarks: true }));
    const wantPositions = fixture(`accounts/${n}/positions.json`).data.items;
    assert.ok(Array.isArray(positions), `${n} positions is not a list`);
    assert.deepEqual(positions.map((p) => p.symbol), wantPositions.map((p) => p.symbol), `${n} symbols`);
    for (const p of positions) {
      assert.equal(p['account-number'], n);
      assert.ok(Number.isFinite(Number(p.mark)), `${n} ${p.symbol}: include-marks gave no mark`);
      assert.ok(['Long', 'Short'].includes(p['quantity-direction']), `${n} ${p.symbol} direction`);
    }
    if (n === '5WT00001') assert.ok(positions.length > 0, '5WT00001 has no positions');

    const full = await call(`getFullCustomerAccountResource(${n})`,
      tt.accountsAndCustomersService.getFullCustomerAccountResource(n));
    assert.equal(full['account-number'], n);
  }

  const customer = await call('getCustomerResource', tt.accountsAndCustomersService.getCustomerResource());
  assert.equal(customer.id, fixture('customer.json').data.id);

  // Everything went to the simulator, and the SDK refreshed once for all of it.
  const end = await simJson('GET', '/sim/stats');
  assert.equal(end.grants['refresh-token'] - start.grants['refresh-token'], 1, 'token refreshes');
  assert.equal(end['api-requests'] - start['api-requests'], 1 + 3 * numbers.length + 1, 'API requests');
});

test("JS SDK: someone else's account is refused in the API error envelope", { skip }, async () => {
  const f = await failure('balances of 5WX99999',
    client().balancesAndPositionsService.getAccountBalanceValues('5WX99999'));
  assert.equal(f.status, 403, f.text);
  assert.equal(f.data?.error?.code, 'not_permitted', f.text);
});

test('JS SDK: a wrong client secret fails the token request', { skip }, async () => {
  const f = await failure('wrong secret',
    client({ clientSecret: 'wrong-secret' }).accountsAndCustomersService.getCustomerAccounts());
  assert.equal(f.url, '/oauth/token', 'the token request should be the one failing');
  assert.equal(f.status, 401, f.text);
  assert.equal(f.data?.error_code, 'invalid_client', f.text);
});

/** Waits until `ready()` holds (polling), or fails with `what` after `ms`. */
async function until(ready, ms, what) {
  const deadline = Date.now() + ms;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The SDK's QuoteStreamer: it fetches /api-quote-tokens and opens the dxlink-url it names (the
// simulator's /dxlink), sends SETUP and AUTH together, opens one AUTO channel, asks for no
// fields (the server's defaults, announced in FEED_CONFIG) with a 10 s aggregation period,
// and subscribes Quote, Trade, Summary, Profile, Greeks and Underlying for every symbol.
// QuoteStreamer.disconnect() only removes listeners and the SDK has no way to close its
// socket, so run.sh runs this file with --test-force-exit.
test('JS SDK: QuoteStreamer streams quotes, Greeks and candles', { skip }, async () => {
  assert.equal(typeof WebSocket, 'function', 'the SDK needs a global WebSocket (run.sh)');
  const tt = client();
  const events = [];
  tt.quoteStreamer.addEventListener((batch) => events.push(...batch));
  await call('quoteStreamer.connect', tt.quoteStreamer.connect());
  assert.match(tt.quoteStreamer.dxLinkUrl, /^ws:\/\/127\.0\.0\.1:\d+\/dxlink$/);

  const option = '.SPY261218C700';
  tt.quoteStreamer.subscribe(['SPY', 'AAPL', option]);
  tt.quoteStreamer.subscribeCandles('AAPL', Date.now() - 2 * 3_600_000, 5, 'm');
  const find = (type, symbol) => events.find((e) => e.eventType === type && e.eventSymbol === symbol);
  const wanted = [['Quote', 'SPY'], ['Quote', 'AAPL'], ['Trade', 'SPY'], ['Summary', 'AAPL'],
    ['Profile', 'AAPL'], ['Quote', option], ['Greeks', option], ['Candle', 'AAPL{=5m}']];
  await until(() => wanted.every(([t, s]) => find(t, s)), 15_000,
    () => `${wanted.filter(([t, s]) => !find(t, s)).map((w) => w.join(' '))}`);

  // A frozen market (run.sh: --ticks-per-sec 0): the stream's midpoint is the fixture mark.
  const aapl = find('Quote', 'AAPL');
  assert.ok(aapl.bidPrice < aapl.askPrice);
  assert.ok(Math.abs((aapl.bidPrice + aapl.askPrice) / 2 - 245.36) < 1e-9, JSON.stringify(aapl));
  assert.equal(typeof aapl.bidExchangeCode, 'string');
  const greeks = find('Greeks', option);
  assert.ok(greeks.delta > 0 && greeks.delta < 1, `delta ${greeks.delta}`);
  assert.ok(greeks.volatility > 0 && greeks.volatility < 3, `volatility ${greeks.volatility}`);
  assert.equal(find('Summary', 'AAPL').openInterest, 0);
  assert.equal(find('Profile', 'AAPL').description, 'Apple Inc.');
  const candle = find('Candle', 'AAPL{=5m}');
  assert.equal(candle.close, 245.36);
  assert.equal(candle.eventFlags & 0x04, 0x04, 'the newest candle begins the snapshot');
  // What the simulator doesn't serve stays silent: Greeks of a stock, Underlying events.
  assert.equal(find('Greeks', 'SPY'), undefined);
  assert.ok(!events.some((e) => e.eventType === 'Underlying'));

  // One socket, every subscription once: 6 types × 3 symbols + 1 candle.
  const stats = await simJson('GET', '/sim/market/stats');
  assert.equal(stats['open-sockets'], 1);
  assert.equal(stats.sockets[0].subscriptions, 19);
  assert.equal(stats.sockets[0]['duplicate-adds'], 0);
  tt.quoteStreamer.disconnect();
});
