"""Third-party SDK compatibility: tastyware's Python SDK (`tastytrade` on PyPI, pinned in
scripts/setup.sh) against the simulator, unmodified. The only change is its base URL: the SDK
reads the module constant `tastytrade.session.API_URL` when a Session is built, so the test sets
that constant to the simulator (SDK_SIM_URL, set by e2e/sdk/run.sh).

Streaming: the SDK's own DXLinkStreamer fetches a quote token from /api-quote-tokens and
connects to the dxlink-url it names (the simulator's /dxlink): Quote, Greeks and Candle arrive
through the SDK's parsers. The simulator runs with a frozen market (run.sh: --ticks-per-sec 0),
so REST values equal the fixtures; the streaming test moves prices with the step hook and
resets the market when it ends.

Instruments and chains go through the SDK's models (Equity, NestedOptionChain, the flat chain's
Option, Future, FutureProduct, NestedFutureOptionChain, symbol search). Orders: a dry-run, a
placed limit order followed on the SDK's AlertStreamer (its URL constant pointed at the
simulator's /account-streamer) until Filled, a replace (legs left out, as the SDK sends it) and a
cancel, read back from the live orders; the test resets the simulator when it ends.

Run: SDK_SIM_URL=http://127.0.0.1:PORT .tools/py-sdk/bin/python e2e/sdk/python_sdk_test.py
Expected values come from simulator/fixtures/. Tokens are never printed.
"""

import asyncio
import functools
import json
import os
import pathlib
import sys
import unittest
import urllib.request
from datetime import datetime, timedelta
from decimal import Decimal

import tastytrade
import tastytrade.session
import tastytrade.streamer
from tastytrade import Account, AlertStreamer, DXLinkStreamer, Session
from tastytrade.dxfeed import Candle, Greeks, Quote
from tastytrade.instruments import (
    Equity,
    Future,
    FutureProduct,
    NestedFutureOptionChain,
    NestedOptionChain,
    get_option_chain,
)
from tastytrade.order import (
    LimitOrder,
    OrderAction,
    OrderStatus,
    OrderTimeInForce,
    PlacedOrder,
)
from tastytrade.search import symbol_search
from tastytrade.utils import TastytradeError

SIM = os.environ.get("SDK_SIM_URL", "")
SECRET = os.environ.get("DEMO_CLIENT_SECRET", "demo-secret-not-for-production")
# How long the streaming test waits for any one event.
EVENT_WAIT = 10
FIXTURES = pathlib.Path(__file__).resolve().parents[2] / "simulator" / "fixtures"
PINNED = "13.2.3"


def fixture(path):
    return json.loads((FIXTURES / path).read_text())["data"]


def sim(method, path, body=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(
        SIM + path, data=data, method=method, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(req, timeout=10) as res:
        return json.load(res)


def point_sdk_at_simulator():
    # The base-URL constant is the only thing changed. Fail loudly if the SDK stops reading it.
    assert hasattr(tastytrade.session, "API_URL"), "tastytrade.session.API_URL is gone"
    tastytrade.session.API_URL = SIM
    # The account streamer's URL is a module constant too (read when an AlertStreamer is built).
    assert hasattr(tastytrade.streamer, "STREAMER_URL"), "tastytrade.streamer.STREAMER_URL is gone"
    tastytrade.streamer.STREAMER_URL = SIM.replace("http", "ws", 1) + "/account-streamer"


def run_async(test):
    # asyncio.run per test; IsolatedAsyncioTestCase would run in asyncio debug mode and print
    # slow-callback warnings for the SDK's first (pydantic-warming) call.
    @functools.wraps(test)
    def wrapper(self):
        return asyncio.run(test(self))

    return wrapper


class PythonSdkTest(unittest.TestCase):
    refresh_token = ""

    @classmethod
    def setUpClass(cls):
        if not SIM:
            raise unittest.SkipTest("SDK_SIM_URL unset: run e2e/sdk/run.sh")
        point_sdk_at_simulator()
        token = sim("POST", "/sim/grants", {}).get("refresh-token")
        assert isinstance(token, str) and token, "no refresh token from /sim/grants"
        cls.refresh_token = token

    def session(self, secret=None, refresh_token=None):
        return Session(
            provider_secret=secret or SECRET,
            refresh_token=refresh_token or self.refresh_token,
        )

    def test_pinned_version(self):
        self.assertEqual(tastytrade.__version__, PINNED)

    @run_async
    async def test_accounts_balances_positions(self):
        start = sim("GET", "/sim/stats")
        expected = [i["account"] for i in fixture("accounts.json")["items"]]
        async with self.session() as session:
            accounts = await Account.get(session)
            # The SDK built its session with the refresh-token grant, against the simulator.
            self.assertEqual(str(session._client.base_url).rstrip("/"), SIM)
            self.assertNotEqual(session.session_token, "kyrieeleison", "no access token")
            self.assertGreater(session.session_expiration, 0)

            numbers = [a.account_number for a in accounts]
            for n in ("5WT00001", "5WT00002", "5WT00003"):
                self.assertIn(n, numbers)
            self.assertEqual(numbers, [a["account-number"] for a in expected])
            for account, want in zip(accounts, expected):
                self.assertEqual(account.nickname, want["nickname"])
                self.assertEqual(account.margin_or_cash, want["margin-or-cash"])
                self.assertEqual(account.is_futures_approved, want["is-futures-approved"])

            for account in accounts:
                n = account.account_number
                with self.subTest(account=n):
                    # AccountBalance is a strict pydantic model: parsing it at all proves every
                    # required field (used-derivative-buying-power, snapshot-date, …) is served.
                    balances = await account.get_balances(session)
                    want = fixture(f"accounts/{n}/balances.json")
                    self.assertEqual(balances.account_number, n)
                    for field in (
                        "net_liquidating_value",
                        "cash_balance",
                        "equity_buying_power",
                        "derivative_buying_power",
                        "used_derivative_buying_power",
                        "maintenance_requirement",
                    ):
                        value = getattr(balances, field)
                        self.assertIsInstance(value, Decimal, field)
                        self.assertEqual(value, Decimal(want[field.replace("_", "-")]), field)
                    self.assertGreater(balances.net_liquidating_value, 0)

                    positions = await account.get_positions(session, include_marks=True)
                    want_positions = fixture(f"accounts/{n}/positions.json")["items"]
                    self.assertEqual(
                        [p.symbol for p in positions], [p["symbol"] for p in want_positions]
                    )
                    for p, w in zip(positions, want_positions):
                        self.assertEqual(p.account_number, n)
                        self.assertEqual(p.quantity, Decimal(w["quantity"]))
                        self.assertEqual(p.quantity_direction, w["quantity-direction"])
                        self.assertIsNotNone(p.mark, f"{p.symbol}: include-marks gave no mark")
                    if n == "5WT00001":
                        self.assertTrue(positions, "5WT00001 has no positions")

            single = await Account.get(session, "5WT00002")
            self.assertEqual(single.account_number, "5WT00002")
            customer = await session.get_customer()
            self.assertEqual(customer.id, fixture("customer.json")["id"])

        end = sim("GET", "/sim/stats")
        # One token refresh served everything; 1 + 2 per account + 2 API requests.
        self.assertEqual(end["grants"]["refresh-token"] - start["grants"]["refresh-token"], 1)
        self.assertEqual(end["api-requests"] - start["api-requests"], 1 + 2 * len(numbers) + 2)

    @run_async
    async def test_streamer_quotes_greeks_and_candles(self):
        option = ".SPY261218C700"  # a fixture position's streamer symbol
        try:
            async with self.session() as session:
                async with DXLinkStreamer(session) as streamer:
                    # One channel per type, as this SDK does it; no reset, no FEED_CONFIG wait.
                    await streamer.subscribe(Quote, ["SPY", "AAPL"])
                    await streamer.subscribe(Greeks, [option])
                    start = datetime.now() - timedelta(hours=2)
                    await streamer.subscribe_candle(["AAPL"], "5m", start)

                    quotes = {}
                    while len(quotes) < 2:
                        q = await asyncio.wait_for(streamer.get_event(Quote), EVENT_WAIT)
                        quotes[q.event_symbol] = q
                    for q in quotes.values():
                        self.assertIsInstance(q.bid_price, Decimal)
                        self.assertLess(q.bid_price, q.ask_price)
                        self.assertIsInstance(q.bid_exchange_code, str)
                    # A frozen market: the stream's midpoint is the REST (fixture) mark.
                    aapl = quotes["AAPL"]
                    # (The SDK makes Decimals from JSON floats, so compare within float noise.)
                    mid = (aapl.bid_price + aapl.ask_price) / 2
                    self.assertLess(abs(mid - Decimal("245.36")), Decimal("1e-9"))

                    greeks = await asyncio.wait_for(streamer.get_event(Greeks), EVENT_WAIT)
                    self.assertEqual(greeks.event_symbol, option)
                    self.assertTrue(0 < greeks.delta < 1, greeks.delta)
                    self.assertGreater(greeks.gamma, 0)
                    self.assertLess(greeks.theta, 0)
                    self.assertTrue(0 < greeks.volatility < 3, greeks.volatility)
                    # The fixture mark (14.55) is the model price the option started at.
                    self.assertLess(abs(greeks.price - Decimal("14.55")), Decimal("0.005"))

                    candle = await asyncio.wait_for(streamer.get_event(Candle), EVENT_WAIT)
                    self.assertEqual(candle.event_symbol, "AAPL{=5m,tho=true}")
                    self.assertTrue(candle.snapshot_begin, "history starts with the newest")
                    self.assertLess(abs(candle.close - Decimal("245.36")), Decimal("1e-9"))
                    self.assertGreaterEqual(candle.time, int(start.timestamp() * 1000) - 300_000)
                    older = await asyncio.wait_for(streamer.get_event(Candle), EVENT_WAIT)
                    self.assertLess(older.time, candle.time)

                    # Live: the market steps, new quotes follow.
                    before = quotes["SPY"]
                    sim("POST", "/sim/market/step", {"ticks": 10})
                    while True:
                        q = await asyncio.wait_for(streamer.get_event(Quote), EVENT_WAIT)
                        if q.event_symbol == "SPY":
                            break
                    self.assertNotEqual(q.bid_time, before.bid_time)
        finally:
            # The other tests compare REST values with the fixtures.
            sim("POST", "/sim/market/reset", {})

    @run_async
    async def test_instruments_and_chains_parse(self):
        async with self.session() as session:
            aapl = await Equity.get(session, "AAPL")
            self.assertEqual(aapl.streamer_symbol, "AAPL")
            many = await Equity.get(session, ["SPY", "AAPL"])
            self.assertEqual(sorted(e.symbol for e in many), ["AAPL", "SPY"])
            nested = await NestedOptionChain.get(session, "SPY")
            expirations = nested[0].expirations
            self.assertIn("Quarterly", {e.expiration_type for e in expirations})
            strike = expirations[0].strikes[0]
            self.assertTrue(strike.call_streamer_symbol.startswith(".SPY"))
            flat = await get_option_chain(session, "SPY")
            first = flat[expirations[0].expiration_date]
            self.assertEqual(len(first), 2 * len(expirations[0].strikes))
            es = await Future.get(session, "/ESZ6")
            self.assertEqual(es.streamer_symbol, "/ESZ26:XCME")
            products = await FutureProduct.get(session)
            self.assertIn("ES", {p.code for p in products})
            chain = await NestedFutureOptionChain.get(session, "ES")
            self.assertEqual(chain.futures[0].symbol, "/ESZ6")
            self.assertTrue(chain.option_chains[0].expirations[0].strikes)
            found = await symbol_search(session, "AA")
            self.assertEqual(found[0].symbol, "AAPL")

    @run_async
    async def test_orders_and_the_account_streamer(self):
        try:
            async with self.session() as session:
                account = await Account.get(session, "5WT00001")
                aapl = await Equity.get(session, "AAPL")
                leg = aapl.build_leg(Decimal(10), OrderAction.BUY_TO_OPEN)
                # The SDK's price is signed: negative is a debit.
                order = LimitOrder(
                    time_in_force=OrderTimeInForce.DAY, legs=[leg], price=Decimal("-250")
                )
                dry = await account.place_order(session, order, dry_run=True)
                self.assertEqual(dry.order.status, OrderStatus.RECEIVED)
                self.assertLess(dry.buying_power_effect.change_in_buying_power, 0)
                self.assertLess(dry.fee_calculation.total_fees, 0)
                async with AlertStreamer(session) as streamer:
                    await streamer.subscribe_accounts([account])
                    placed = await account.place_order(session, order, dry_run=False)
                    self.assertEqual(placed.order.status, OrderStatus.ROUTED)

                    async def until_filled():
                        statuses = []
                        async for o in streamer.listen(PlacedOrder):
                            if o.id == placed.order.id:
                                statuses.append(o.status)
                                if o.status == OrderStatus.FILLED:
                                    return statuses, o

                    statuses, filled = await asyncio.wait_for(until_filled(), EVENT_WAIT)
                    self.assertEqual(statuses[-1], OrderStatus.FILLED)
                    self.assertEqual(filled.legs[0].fills[0].quantity, 10)
                # A working order: replaced (legs left out, as the SDK sends it), then cancelled.
                away = LimitOrder(
                    time_in_force=OrderTimeInForce.GTC, legs=[leg], price=Decimal("-200")
                )
                working = await account.place_order(session, away, dry_run=False)
                closer = LimitOrder(
                    time_in_force=OrderTimeInForce.GTC, legs=[leg], price=Decimal("-201")
                )
                new = await account.replace_order(session, working.order.id, closer)
                self.assertEqual(new.replaces_order_id, working.order.id)
                await account.delete_order(session, new.id)
                live = {o.id: o for o in await account.get_live_orders(session)}
                self.assertEqual(live[working.order.id].status, OrderStatus.CANCELLED)
                self.assertEqual(live[new.id].status, OrderStatus.CANCELLED)
                self.assertEqual(live[placed.order.id].status, OrderStatus.FILLED)
        finally:
            # The other tests compare with the fixtures.
            sim("POST", "/sim/reset", {})

    @run_async
    async def test_foreign_account_is_refused(self):
        async with self.session() as session:
            with self.assertRaises(TastytradeError) as caught:
                await Account.get(session, "5WX99999")
        # The SDK parsed the simulator's API error envelope into "code: message".
        self.assertIn("not_permitted", str(caught.exception))

    @run_async
    async def test_unknown_refresh_token_fails(self):
        async with self.session(refresh_token="not-a-grant") as session:
            with self.assertRaises(TastytradeError) as caught:
                await Account.get(session)
        # Token errors are {"error_code","error_description"}, which this SDK doesn't parse
        # into a message (it reports the raw body); tastytrade answers the same way.
        self.assertIn("invalid_grant", str(caught.exception))


if __name__ == "__main__":
    sys.exit(0 if unittest.main(verbosity=2, exit=False).result.wasSuccessful() else 1)
