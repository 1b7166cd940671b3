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
    return {
      status: err?.response?.status, data: err?.response?.data, url: err?.config?.url,
      retryAfter: err?.response?.headers?.['retry-after'], text: explain(err),
    };
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

// ---- Trading: instruments, chains, orders and the SDK's own AccountStreamer ----------------
// What 7.0.2 offers for this: `instrumentsService` (equities, equity options, futures, future
// products, nested chains), `symbolSearchService`, `orderService` (`postOrderDryRun`,
// `createOrder`, `replacementOrderDryRun`, `replaceOrder`, `cancelOrder`, `getLiveOrders`) and
// `accountStreamer` (an `AccountStreamer` on `accountStreamerUrl`). Its services put a symbol into
// the path as given, unencoded: the caller must encode `/ESZ6` and OCC symbols (docs/tastytrade.md
// §7: "URL-encode symbols in paths"), or `/instruments/futures//ESZ6` goes out.

const ACCOUNT = '5WT00001';

/** A client that may trade: the `trade` scope, and the simulator's account streamer. */
function tradingClient() {
  return client({
    oauthScopes: ['read', 'trade'],
    accountStreamerUrl: `${SIM.replace(/^http/, 'ws')}/account-streamer`,
  });
}

/** A decimal string as an exact integer of 10⁻¹⁰ units, so money compares without floats. */
function units(text) {
  const m = /^(-?)(\d+)(?:\.(\d{1,10}))?$/.exec(String(text));
  assert.ok(m, `not a decimal: ${text}`);
  const value = BigInt(m[2] + (m[3] ?? '').padEnd(10, '0'));
  return m[1] ? -value : value;
}

/** An AAPL stock order of the documented body (docs/tastytrade.md §6.11), kebab-case as sent. */
function aaplOrder({ price, quantity = 10, tif = 'Day' }) {
  return {
    'time-in-force': tif, 'order-type': 'Limit', price, 'price-effect': 'Debit',
    legs: [{ 'instrument-type': 'Equity', symbol: 'AAPL', quantity, action: 'Buy to Open' }],
  };
}

/**
 * Starts the SDK's AccountStreamer and connects it to one account (the SDK sends the number as a
 * string). Every frame it sees is kept in `frames`.
 */
async function openStreamer(tt, account) {
  const frames = [];
  tt.accountStreamer.addMessageObserver((frame) => frames.push(frame));
  await call('accountStreamer.start', tt.accountStreamer.start());
  const ack = await tt.accountStreamer.subscribeToAccounts([account]);
  assert.equal(ack, 'connect');
  return frames;
}

/** The `Order` notifications for order `id`, oldest first. */
function orderUpdates(frames, id) {
  return frames.filter((f) => f.type === 'Order' && f.data?.id === id).map((f) => f.data);
}

/**
 * A test that trades with its own client. Afterwards its streamer stops and the simulator is
 * reset: the first tests compare REST values with the fixtures, and the Python suite runs next.
 */
function tradingTest(name, body) {
  test(name, { skip }, async () => {
    const tt = tradingClient();
    try {
      await body(tt);
    } finally {
      tt.accountStreamer.stop();
      await simJson('POST', '/sim/reset', {});
    }
  });
}

test('JS SDK: instruments, symbol search and nested option chains', { skip }, async () => {
  const instruments = client().instrumentsService;
  const aapl = await call('getSingleEquity', instruments.getSingleEquity('AAPL'));
  assert.equal(aapl.symbol, 'AAPL');
  assert.equal(aapl['instrument-type'], 'Equity');
  assert.equal(aapl['streamer-symbol'], 'AAPL');
  // Tick tables: the entry without a threshold applies above the last threshold.
  assert.ok(aapl['tick-sizes'].length > 0 && !('threshold' in aapl['tick-sizes'].at(-1)),
    JSON.stringify(aapl['tick-sizes']));
  const many = await call('getEquityDefinitions',
    instruments.getEquityDefinitions({ symbol: ['SPY', 'AAPL'] }));
  assert.deepEqual(many.map((e) => e.symbol).sort(), ['AAPL', 'SPY']);

  const found = await call('getSymbolData', client().symbolSearchService.getSymbolData('AA'));
  assert.equal(found[0].symbol, 'AAPL');

  // The nested chain: items per root, expirations, strikes with both symbol forms.
  const chain = await call('getNestedOptionChain', instruments.getNestedOptionChain('SPY'));
  assert.equal(chain[0]['underlying-symbol'], 'SPY');
  assert.equal(chain[0]['shares-per-contract'], 100);
  const expiration = chain[0].expirations[0];
  assert.ok(expiration.strikes.length > 0, 'no strikes');
  const strike = expiration.strikes[0];
  assert.ok(strike['call-streamer-symbol'].startsWith('.SPY'), strike['call-streamer-symbol']);
  // The OCC symbol of a strike names an option the instruments endpoint knows (spaces encoded).
  const option = await call('getSingleEquityOption',
    instruments.getSingleEquityOption(encodeURIComponent(strike.call)));
  assert.equal(option.symbol, strike.call);
  assert.equal(option['streamer-symbol'], strike['call-streamer-symbol']);
  assert.equal(option['expiration-date'], expiration['expiration-date']);

  // Futures: by symbol list and by path (the slash encoded by us; the SDK does not).
  const [listed] = await call('getFutures', instruments.getFutures({ symbol: ['/ESZ6'] }));
  assert.equal(listed['streamer-symbol'], '/ESZ26:XCME');
  const es = await call('getSingleFuture', instruments.getSingleFuture(encodeURIComponent('/ESZ6')));
  assert.equal(es['notional-multiplier'], listed['notional-multiplier']);
  assert.ok(Number(es['notional-multiplier']) > 0, es['notional-multiplier']);
  const unencoded = await failure('getSingleFuture(/ESZ6) unencoded', instruments.getSingleFuture('/ESZ6'));
  assert.equal(unencoded.status, 404, unencoded.text);
  const products = await call('getFuturesProducts', instruments.getFuturesProducts());
  assert.ok(products.some((p) => p.code === 'ES'), 'no ES product');

  // The futures chain is an object (`futures`, `option-chains`), not `items`.
  const futuresChain = await call('getNestedFutureOptionChains', instruments.getNestedFutureOptionChains('ES'));
  assert.equal(futuresChain.futures[0].symbol, '/ESZ6');
  const futuresStrike = futuresChain['option-chains'][0].expirations[0].strikes[0];
  assert.ok(futuresStrike.call.startsWith('./ESZ6 '), futuresStrike.call);
  assert.match(futuresStrike['call-streamer-symbol'], /^\.\/\w+C\d+:XCME$/);
});

tradingTest('JS SDK: dry-run, place, and the fill on its own AccountStreamer', async (tt) => {
  const balances = await call('balances', tt.balancesAndPositionsService.getAccountBalanceValues(ACCOUNT));
  // AAPL's ask is a tick above the frozen 245.36 mark: a 250 limit buy is marketable.
  const order = aaplOrder({ price: '250' });
  const dry = await call('postOrderDryRun', tt.orderService.postOrderDryRun(ACCOUNT, order));
  assert.equal(dry.order.status, 'Received');
  assert.equal(dry.order.id, undefined, 'a dry-run order has no id');
  assert.deepEqual(dry.warnings, []);
  const bp = dry['buying-power-effect'];
  assert.equal(bp['change-in-buying-power-effect'], 'Debit');
  assert.ok(units(bp['change-in-buying-power']) > 0n, bp['change-in-buying-power']);
  // A stock order draws on the equity buying power; new = current − change, to the last digit.
  assert.equal(bp['current-buying-power'], balances['equity-buying-power']);
  assert.equal(units(bp['new-buying-power']),
    units(bp['current-buying-power']) - units(bp['change-in-buying-power']));
  const fees = dry['fee-calculation'];
  assert.equal(fees['total-fees-effect'], 'Debit');
  assert.ok(units(fees['total-fees']) > 0n, fees['total-fees']);

  const frames = await openStreamer(tt, ACCOUNT);
  const placed = await call('createOrder', tt.orderService.createOrder(ACCOUNT, order));
  assert.equal(placed.order.status, 'Routed');
  const id = placed.order.id;
  assert.equal(typeof id, 'number');

  // The socket works the order against the market; a frozen market fills at most the displayed
  // size per tick, so step it while the fill is partial.
  const filled = () => orderUpdates(frames, id).some((o) => o.status === 'Filled');
  for (let step = 0; step < 20 && !filled(); step++) {
    try {
      await until(filled, 1_000, 'fill');
    } catch {
      await simJson('POST', '/sim/market/step', { ticks: 1 });
    }
  }
  const updates = orderUpdates(frames, id);
  const statuses = updates.map((o) => o.status);
  assert.deepEqual(statuses.slice(0, 2), ['Routed', 'Live'], statuses.join(' → '));
  assert.equal(statuses.at(-1), 'Filled', statuses.join(' → '));
  const fills = updates.at(-1).legs[0].fills;
  assert.equal(fills.reduce((sum, f) => sum + Number(f.quantity), 0), 10);
  for (const f of fills) assert.ok(units(f['fill-price']) <= units('250'), f['fill-price']);

  // After the fill: the position and the balance, as full objects.
  await until(() => frames.some((f) => f.type === 'AccountBalance'), 5_000, 'AccountBalance');
  const position = frames.filter((f) => f.type === 'CurrentPosition' && f.data.symbol === 'AAPL').at(-1);
  assert.ok(position, 'no CurrentPosition for AAPL');
  assert.equal(position.data['account-number'], ACCOUNT);
  const rest = await call('positions', tt.balancesAndPositionsService.getPositionsList(ACCOUNT));
  assert.equal(position.data.quantity, rest.find((p) => p.symbol === 'AAPL').quantity);

  // The SDK keeps its heartbeat going only on acks (docs/tastytrade.md §6.12): by now (> 4 s
  // after open at 2 s a beat) at least two came back.
  await until(() => frames.filter((f) => f.action === 'heartbeat').length >= 2, 8_000, 'two heartbeat acks');
  assert.ok(frames.filter((f) => f.action === 'heartbeat').every((f) => f.status === 'ok'));
});

tradingTest('JS SDK: a working order replaced (legs left out) and cancelled', async (tt) => {
  const frames = await openStreamer(tt, ACCOUNT);
  // Far below the market: it works and never fills.
  const working = await call('createOrder',
    tt.orderService.createOrder(ACCOUNT, aaplOrder({ price: '200', quantity: 3, tif: 'GTC' })));
  const oldId = working.order.id;
  const change = { 'order-type': 'Limit', 'time-in-force': 'GTC', price: '201', 'price-effect': 'Debit' };
  const preview = await call('replacementOrderDryRun',
    tt.orderService.replacementOrderDryRun(ACCOUNT, oldId, change));
  assert.equal(preview.order.price, '201.0');
  assert.equal(preview['buying-power-effect']['change-in-buying-power-effect'], 'Debit');

  const replacement = await call('replaceOrder', tt.orderService.replaceOrder(ACCOUNT, oldId, change));
  assert.equal(replacement['replaces-order-id'], oldId);
  assert.equal(replacement.legs[0]['remaining-quantity'], 3, 'the remaining quantity carries over');
  const cancelled = await call('cancelOrder', tt.orderService.cancelOrder(ACCOUNT, replacement.id));
  assert.equal(cancelled.status, 'Cancel Requested');

  const live = await call('getLiveOrders', tt.orderService.getLiveOrders(ACCOUNT));
  const old = live.find((o) => o.id === oldId);
  assert.equal(old.status, 'Cancelled');
  assert.equal(old['replacing-order-id'], replacement.id);
  assert.equal(old.edited, true);
  assert.equal(live.find((o) => o.id === replacement.id).status, 'Cancelled');

  // The streamer told the same story, in order.
  await until(() => orderUpdates(frames, replacement.id).some((o) => o.status === 'Cancelled'), 5_000,
    'the replacement Cancelled');
  assert.equal(orderUpdates(frames, oldId).at(-1).status, 'Cancelled');
  assert.deepEqual(orderUpdates(frames, replacement.id).map((o) => o.status),
    ['Routed', 'Live', 'Cancel Requested', 'Cancelled']);

  // A finished order cannot be cancelled again.
  const again = await failure('cancel twice', tt.orderService.cancelOrder(ACCOUNT, replacement.id));
  assert.equal(again.status, 422, again.text);
  assert.equal(again.data?.error?.code, 'cannot_update_order', again.text);
});

tradingTest('JS SDK: over the order rate a placement gets 429 and is not sent again', async (tt) => {
  await simJson('POST', '/sim/config', { 'order-rate-per-min': 2 });
  const before = await call('getLiveOrders', tt.orderService.getLiveOrders(ACCOUNT));
  const order = aaplOrder({ price: '200', quantity: 1, tif: 'GTC' });
  for (let i = 0; i < 2; i++) await call(`createOrder ${i}`, tt.orderService.createOrder(ACCOUNT, order));
  const start = await simJson('GET', '/sim/stats');
  const refused = await failure('third createOrder', tt.orderService.createOrder(ACCOUNT, order));
  assert.equal(refused.status, 429, refused.text);
  assert.equal(refused.data?.error?.code, 'too_many_requests', refused.text);
  assert.match(refused.retryAfter ?? '', /^[1-9]\d*$/, 'Retry-After in seconds');
  // One request: the SDK (axios) does not retry a write on its own.
  const end = await simJson('GET', '/sim/stats');
  assert.equal(end['api-requests'] - start['api-requests'], 1);
  // Dry-runs are not submissions: they still work.
  const dry = await call('postOrderDryRun', tt.orderService.postOrderDryRun(ACCOUNT, order));
  assert.equal(dry.order.status, 'Received');
  const after = await call('getLiveOrders', tt.orderService.getLiveOrders(ACCOUNT));
  assert.equal(after.length - before.length, 2, 'exactly the two accepted orders are working');
});

test("JS SDK: AccountStreamer connects several accounts, is refused someone else's and a dead token", { skip }, async () => {
  const tt = tradingClient();
  const other = tradingClient();
  try {
    const frames = [];
    tt.accountStreamer.addMessageObserver((frame) => frames.push(frame));
    await call('accountStreamer.start', tt.accountStreamer.start());
    // Several accounts go as a list, and the ack names them.
    assert.equal(await tt.accountStreamer.subscribeToAccounts(['5WT00001', '5WT00003']), 'connect');
    assert.deepEqual(frames.find((f) => f.action === 'connect').value, ['5WT00001', '5WT00003']);

    await call('other.start', other.accountStreamer.start());
    // The SDK rejects the connect promise with the error ack's message.
    await assert.rejects(other.accountStreamer.subscribeToAccounts(['5WX99999']),
      (message) => message === 'User not permitted access');
    // A token the server no longer honours (the SDK still thinks it valid): the error ack names
    // the request, so the promise rejects instead of waiting forever.
    await simJson('POST', '/sim/expire-access-tokens', {});
    await assert.rejects(other.accountStreamer.subscribeToAccounts([ACCOUNT]),
      (message) => /^Unauthorized/.test(message));
  } finally {
    tt.accountStreamer.stop();
    other.accountStreamer.stop();
  }
});
