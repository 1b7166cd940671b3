//! The simulator as a broker (issue 8 §1): orders placed through the API work against the
//! live market and change a live book per account, seeded from the fixtures (positions,
//! balances) and the generated history (orders, transactions). docs/tastytrade.md §6.4;
//! simulator/README.md § Orders.
//!
//! Lock order: the broker, then the market (never the other way round).

pub mod routes;
pub mod streamer;
pub mod ticket;

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::MutexGuard;
use std::time::{Duration, Instant};

use tokio::sync::broadcast;

use serde_json::{json, Map, Value};

use crate::dates::{iso, Date};
use crate::decimal::Dec;
use crate::ledger::{fill_row, LegSpec, Row, VENUE};
use crate::live::MarketGuard;
use crate::market::Market;
use crate::state::{Failure, SimState};
use ticket::{leg_quote, natural, AccountView, Ticket};

/// Ids of orders and transactions made here, far above the history's.
const FIRST_ORDER_ID: i64 = 950_000_000;
const FIRST_TRANSACTION_ID: i64 = 960_000_000;
/// Statuses in which an order still works (can fill, be cancelled or replaced).
pub const WORKING: [&str; 4] = ["Received", "Routed", "In Flight", "Live"];

/// An order placed through the API.
#[derive(Debug, Clone)]
pub struct Placed {
    pub id: i64,
    pub account: String,
    pub ticket: Ticket,
    pub status: &'static str,
    pub received_at: i64,
    pub terminal_at: Option<i64>,
    pub cancelled_at: Option<i64>,
    pub updated_at: i64,
    /// Fills per leg (wire objects).
    pub fills: Vec<Vec<Value>>,
    /// Units still to fill, per leg.
    pub remaining: Vec<i64>,
    /// A stop order's trigger was reached.
    pub triggered: bool,
    /// The market tick of the last fill: one fill (at the displayed size) per tick.
    pub last_tick: Option<u64>,
    pub replaces: Option<i64>,
    pub replacing: Option<i64>,
}

impl Placed {
    pub fn working(&self) -> bool {
        WORKING.contains(&self.status)
    }

    pub fn row(&self) -> Row {
        Row {
            at: self.received_at,
            json: order_json(&self.account, &self.ticket, Some(self), self.status),
        }
    }
}

/// The order object (docs/tastytrade.md §6.4), for a placed order or (without one) a
/// dry-run: no `id`, `updated-at` 0.
pub fn order_json(account: &str, t: &Ticket, placed: Option<&Placed>, status: &str) -> Value {
    let mut o = Map::new();
    if let Some(p) = placed {
        o.insert("id".into(), json!(p.id));
    }
    o.insert("account-number".into(), json!(account));
    o.insert("time-in-force".into(), json!(t.time_in_force));
    o.insert("order-type".into(), json!(t.order_type));
    o.insert("size".into(), json!(t.size));
    o.insert("underlying-symbol".into(), json!(t.underlying));
    o.insert(
        "underlying-instrument-type".into(),
        json!(t.underlying_type),
    );
    if let Some((price, effect)) = t.price {
        o.insert("price".into(), json!(price.to_string()));
        o.insert("price-effect".into(), json!(effect));
    }
    if let Some(stop) = t.stop_trigger {
        o.insert("stop-trigger".into(), json!(stop.to_string()));
    }
    if let Some(d) = t.gtc_date {
        o.insert("gtc-date".into(), json!(d.to_string()));
    }
    if let Some(source) = &t.source {
        o.insert("source".into(), json!(source));
    }
    o.insert("status".into(), json!(status));
    let working = WORKING.contains(&status);
    o.insert("cancellable".into(), json!(working));
    o.insert("editable".into(), json!(working));
    o.insert(
        "edited".into(),
        json!(placed.is_some_and(|p| p.replacing.is_some())),
    );
    o.insert(
        "updated-at".into(),
        json!(placed.map_or(0, |p| p.updated_at)),
    );
    if let Some(p) = placed {
        let at = p.received_at;
        o.insert("received-at".into(), json!(iso(at)));
        o.insert("in-flight-at".into(), json!(iso(at + 35)));
        o.insert("live-at".into(), json!(iso(at + 60)));
        o.insert("destination-venue".into(), json!(VENUE));
        o.insert(
            "ext-client-order-id".into(),
            json!(format!("SIM{:x}", p.id)),
        );
        o.insert(
            "ext-exchange-order-number".into(),
            json!(format!("{}", p.id * 7)),
        );
        o.insert("ext-global-order-number".into(), json!(p.id % 10_000_000));
        // tastyware types it as a string (docs/tastytrade.md §6.4: string-or-number).
        o.insert("user-id".into(), json!("1"));
        o.insert("username".into(), json!(crate::config::DEMO_USERNAME));
        for (key, v) in [
            ("terminal-at", p.terminal_at),
            ("cancelled-at", p.cancelled_at),
        ] {
            if let Some(v) = v {
                o.insert(key.into(), json!(iso(v)));
            }
        }
        for (key, v) in [
            ("replaces-order-id", p.replaces),
            ("replacing-order-id", p.replacing),
        ] {
            if let Some(v) = v {
                o.insert(key.into(), json!(v));
            }
        }
    }
    let legs: Vec<Value> = t
        .legs
        .iter()
        .enumerate()
        .map(|(i, leg)| {
            json!({
                "instrument-type": leg.instrument_type,
                "symbol": leg.symbol,
                "quantity": leg.quantity,
                "remaining-quantity": placed.map_or(leg.quantity, |p| p.remaining[i]),
                "action": leg.action,
                "fills": placed.map_or(Vec::new(), |p| p.fills[i].clone()),
            })
        })
        .collect();
    o.insert("legs".into(), Value::Array(legs));
    Value::Object(o)
}

/// One account's live book.
#[derive(Debug, Clone)]
pub struct Book {
    /// Position items (as `/positions` serves them; `mark` is the price the balances
    /// were last settled at, see `fill_position`).
    pub positions: Vec<Value>,
    /// The balances' `data`.
    pub balances: Value,
    pub orders: Vec<Placed>,
    /// History orders changed here (a cancelled working GTC order), by id.
    pub history_overrides: BTreeMap<i64, Value>,
    pub transactions: Vec<Row>,
    pub futures_approved: bool,
    pub cash_account: bool,
    /// Account streamer notifications not yet sent (docs/tastytrade.md §6.12).
    pub outbox: Vec<Value>,
}

/// An account streamer notification: `{type, data, timestamp}` (a full object, never a diff).
pub fn notice(kind: &str, data: Value, timestamp: i64) -> Value {
    json!({ "type": kind, "data": data, "timestamp": timestamp })
}

impl Book {
    /// Queues the order's current state (as `status` when given: a transitional one).
    pub fn notify_order(&mut self, i: usize, status: Option<&str>, at: i64) {
        let mut data = self.orders[i].row().json;
        if let Some(s) = status {
            data["status"] = json!(s);
        }
        self.outbox.push(notice("Order", data, at));
    }

    /// Queues the position in `symbol` (quantity 0 once closed) and the balances, at the
    /// market's marks, as REST would serve them.
    fn notify_book(&mut self, m: &Market, symbols: &[String], at: i64) {
        for symbol in symbols {
            let mut item = self
                .positions
                .iter()
                .find(|p| p["symbol"] == symbol.as_str())
                .cloned()
                .unwrap_or_else(|| {
                    json!({
                        "account-number": self.balances["account-number"],
                        "symbol": symbol, "quantity": 0, "quantity-direction": "Zero",
                        "updated-at": iso(at),
                    })
                });
            crate::live::mark_positions(m, std::slice::from_mut(&mut item), true);
            self.outbox.push(notice("CurrentPosition", item, at));
        }
        let positions = json!({ "data": { "items": self.positions } });
        let mut balances = self.balances.clone();
        crate::live::mark_balances(m, &positions, &mut balances);
        self.outbox.push(notice("AccountBalance", balances, at));
    }

    pub fn holdings(&self) -> Vec<(String, i64)> {
        self.positions
            .iter()
            .map(|p| {
                let q = p["quantity"].as_i64().unwrap_or(0);
                let signed = if p["quantity-direction"] == "Short" {
                    -q
                } else {
                    q
                };
                (p["symbol"].as_str().unwrap_or_default().to_owned(), signed)
            })
            .collect()
    }

    pub fn view<'a>(&self, holdings: &'a [(String, i64)]) -> AccountView<'a> {
        AccountView {
            futures_approved: self.futures_approved,
            cash_account: self.cash_account,
            positions: holdings,
        }
    }

    pub fn dec(&self, key: &str) -> Dec {
        self.balances[key]
            .as_str()
            .and_then(Dec::parse)
            .unwrap_or_default()
    }

    /// Net liq moves, and margin equity with it where it equals net liq (as on read,
    /// `live::mark_balances`).
    fn move_net_liq(&mut self, delta: Dec) {
        if self.dec("margin-equity") == self.dec("net-liquidating-value") {
            self.add("margin-equity", delta);
        }
        self.add("net-liquidating-value", delta);
    }

    fn add(&mut self, key: &str, delta: Dec) {
        if self.balances.get(key).is_some() {
            let v = self.dec(key) + delta;
            self.balances[key] = json!(v.to_string());
        }
    }
}

pub struct Broker {
    pub books: BTreeMap<String, Book>,
    next_order: i64,
    next_transaction: i64,
    /// What the next order POST does after it has been accepted (`/sim/orders/fail-next`).
    pub fail_next: Option<Failure>,
    submissions: HashMap<String, VecDeque<Instant>>,
    /// Notifications for the account streamer sockets: (account, message).
    pub notices: broadcast::Sender<(String, Value)>,
    /// Ends every account streamer socket (`/sim/account-streamer/drop-sockets`).
    pub drops: broadcast::Sender<()>,
}

impl Default for Broker {
    fn default() -> Self {
        Self {
            books: BTreeMap::new(),
            next_order: 0,
            next_transaction: 0,
            fail_next: None,
            submissions: HashMap::new(),
            notices: broadcast::channel(4096).0,
            drops: broadcast::channel(4).0,
        }
    }
}

impl Broker {
    /// Sends what the books queued to the account streamer sockets.
    pub fn flush(&mut self) {
        for (n, book) in &mut self.books {
            for msg in book.outbox.drain(..) {
                // No socket listening is fine.
                let _ = self.notices.send((n.clone(), msg));
            }
        }
    }

    pub fn order_id(&mut self) -> i64 {
        self.next_order += 1;
        FIRST_ORDER_ID + self.next_order
    }

    /// Counts an order submission; `Err(seconds)` when the account has made `limit` in the
    /// last minute (0 = no limit).
    pub fn admit_submission(&mut self, account: &str, limit: u32, now: Instant) -> Result<(), u64> {
        if limit == 0 {
            return Ok(());
        }
        let window = Duration::from_secs(60);
        let times = self.submissions.entry(account.to_owned()).or_default();
        while times
            .front()
            .is_some_and(|t| now.duration_since(*t) >= window)
        {
            times.pop_front();
        }
        if times.len() >= limit as usize {
            let oldest = times.front().copied().unwrap_or(now);
            let wait = window.saturating_sub(now.duration_since(oldest));
            return Err(wait.as_secs_f64().ceil().max(1.0) as u64);
        }
        times.push_back(now);
        Ok(())
    }

    /// Works every live order against the market: triggers stops, fills what is marketable
    /// (at most the displayed size per tick, so a large order fills in parts).
    pub fn work(&mut self, m: &Market, now_ms: i64) {
        let Broker {
            books,
            next_transaction,
            ..
        } = self;
        for book in books.values_mut() {
            for i in 0..book.orders.len() {
                if book.orders[i].status != "Live" {
                    continue;
                }
                if expired(m, &book.orders[i]) {
                    let o = &mut book.orders[i];
                    o.status = "Expired";
                    o.terminal_at = Some(m.session.open_ms);
                    o.updated_at = now_ms;
                    book.notify_order(i, None, now_ms);
                    continue;
                }
                let Some(units) = fillable(m, &mut book.orders[i]) else {
                    continue;
                };
                fill(m, book, i, units, now_ms, next_transaction);
            }
        }
    }
}

/// A Day order from an earlier session, or a GTD order past its date: the simulated session
/// runs until the next one opens (simulator/README.md § Market), so that is where they end.
fn expired(m: &Market, o: &Placed) -> bool {
    match o.ticket.time_in_force {
        "Day" | "Ext" => o.received_at < m.session.open_ms,
        "GTD" => o.ticket.gtc_date.is_some_and(|d| m.session.date > d),
        _ => false,
    }
}

/// How many order units can fill now, if any.
fn fillable(m: &Market, o: &mut Placed) -> Option<i64> {
    let t = &o.ticket;
    let first = &t.legs[0];
    if let (Some(stop), false) = (t.stop_trigger, o.triggered) {
        let (_, _, mark, _) = leg_quote(m, first);
        let stop = stop.to_f64();
        let reached = if first.buys() {
            mark >= stop
        } else {
            mark <= stop
        };
        if !reached {
            return None;
        }
        o.triggered = true;
    }
    if !m.control.open || o.last_tick == Some(m.tick()) {
        return None;
    }
    let (nat, _) = natural(m, t);
    let marketable = match t.signed_price() {
        None => true,
        Some(limit) => nat <= limit.to_f64() + 1e-9,
    };
    if !marketable {
        return None;
    }
    let left = o.remaining[0] / t.ratio(first).max(1);
    let shown = t
        .legs
        .iter()
        .map(|l| leg_quote(m, l).3 as i64 / t.ratio(l).max(1))
        .min()
        .unwrap_or(0)
        .max(1);
    Some(left.min(shown)).filter(|u| *u > 0)
}

/// Fills `units` of order `i`: fills on its legs, a Trade transaction per leg, and the
/// positions and balances moved.
fn fill(m: &Market, book: &mut Book, i: usize, units: i64, at: i64, next_tx: &mut i64) {
    let t = book.orders[i].ticket.clone();
    let id = book.orders[i].id;
    let (nat, _) = natural(m, &t);
    let holdings = book.holdings();
    let (bp, _) = ticket::buying_power(m, &t, &book.view(&holdings), units, nat);
    for (k, leg) in t.legs.iter().enumerate() {
        let (bid, ask, _, _) = leg_quote(m, leg);
        let price = Dec::from_f64(if leg.buys() { ask } else { bid });
        let qty = t.ratio(leg) * units;
        *next_tx += 1;
        let exec = FIRST_TRANSACTION_ID + *next_tx;
        let spec = LegSpec {
            instrument_type: leg.instrument_type,
            symbol: leg.symbol.clone(),
            underlying: leg.underlying.clone(),
            action: leg.action,
            quantity: qty,
            multiplier: leg.multiplier as i64,
            fill_price: price,
            fill_after_ms: 0,
        };
        let row = fill_row(
            &book.orders[i].account,
            exec,
            id,
            exec,
            t.legs.len(),
            &spec,
            at,
        );
        let net = signed_amount(&row.json, "net-value");
        let value = signed_amount(&row.json, "value");
        book.transactions.push(row);
        let o = &mut book.orders[i];
        o.fills[k].push(json!({
            "ext-group-fill-id": format!("{}", exec * 3),
            "ext-exec-id": format!("{exec}"),
            "fill-id": format!("SIM_FILL_{id}_{exec}"),
            "quantity": qty,
            "fill-price": price.to_string(),
            "filled-at": iso(at),
            "destination-venue": VENUE,
        }));
        o.remaining[k] -= qty;
        let signed_qty = if leg.buys() { qty } else { -qty };
        fill_position(book, leg, signed_qty, price, at);
        // Cash moves by the premium and the fees; net liq by the fees and the difference
        // between the fill and the position's reference mark (applied in fill_position).
        let fees = value - net;
        book.add("cash-balance", net);
        book.add("cash-available-to-withdraw", net);
        book.move_net_liq(-fees);
    }
    // Buying power used (or freed, when closing for a credit).
    let bp = Dec::from_f64(bp);
    let ratio = if book.cash_account { 1 } else { 2 };
    book.add("derivative-buying-power", -bp);
    book.add("equity-buying-power", -bp.times(ratio));
    if t.underlying_type == "Future" {
        book.add("available-trading-funds", -bp);
        book.add("futures-margin-requirement", bp);
    } else if !book.cash_account {
        book.add("maintenance-requirement", bp);
        book.add("reg-t-margin-requirement", bp);
        book.add("maintenance-excess", -bp);
    }
    let o = &mut book.orders[i];
    o.last_tick = Some(m.tick());
    o.updated_at = at;
    if o.remaining.iter().all(|r| *r <= 0) {
        o.status = "Filled";
        o.terminal_at = Some(at);
    }
    book.notify_order(i, None, at);
    let symbols: Vec<String> = t.legs.iter().map(|l| l.symbol.clone()).collect();
    book.notify_book(m, &symbols, at);
}

fn signed_amount(v: &Value, key: &str) -> Dec {
    let d = v[key].as_str().and_then(Dec::parse).unwrap_or_default();
    if v[format!("{key}-effect")] == "Debit" {
        -d
    } else {
        d
    }
}

/// The balances keys a position's value is in (long, short).
fn value_keys(instrument_type: &str) -> (&'static str, &'static str) {
    match instrument_type {
        "Equity" => ("long-equity-value", "short-equity-value"),
        "Equity Option" => ("long-derivative-value", "short-derivative-value"),
        "Future" => ("long-futures-value", "short-futures-value"),
        _ => (
            "long-futures-derivative-value",
            "short-futures-derivative-value",
        ),
    }
}

/// Moves a position by `dq` (signed) filled at `price`. A position's `mark` is its reference
/// mark R: the balances hold its value at R, and the market's move from R is added on read
/// (`live::mark_balances`). So a fill moves the value keys at R and net liq by
/// `dq × (R − price) × multiplier`; a new position's R is its fill price.
fn fill_position(book: &mut Book, leg: &ticket::Leg, dq: i64, price: Dec, at: i64) {
    let found = book
        .positions
        .iter()
        .position(|p| p["symbol"] == leg.symbol.as_str());
    let mult = leg.multiplier as i64;
    let (before, reference, open_price) = match found {
        Some(i) => {
            let p = &book.positions[i];
            let q = p["quantity"].as_i64().unwrap_or(0);
            let q = if p["quantity-direction"] == "Short" {
                -q
            } else {
                q
            };
            let r = p["mark"].as_str().and_then(Dec::parse).unwrap_or(price);
            let open = p["average-open-price"]
                .as_str()
                .and_then(Dec::parse)
                .unwrap_or(price);
            (q, r, open)
        }
        None => (0, price, price),
    };
    let after = before + dq;
    let (long_key, short_key) = value_keys(leg.instrument_type);
    let key = |q: i64| if q >= 0 { long_key } else { short_key };
    book.add(key(before), -reference.times(before.abs() * mult));
    book.add(key(after), reference.times(after.abs() * mult));
    book.move_net_liq((reference - price).times(dq * mult));
    let average = if before == 0 || before.signum() != after.signum() {
        price
    } else if after.abs() > before.abs() {
        Dec::from_f64(
            (open_price.to_f64() * before.abs() as f64 + price.to_f64() * dq.abs() as f64)
                / after.abs() as f64,
        )
    } else {
        open_price
    };
    let today = Date::of_ts(at).to_string();
    match found {
        Some(i) if after == 0 => {
            book.positions.remove(i);
        }
        Some(i) => {
            let p = &mut book.positions[i];
            p["quantity"] = json!(after.abs());
            p["quantity-direction"] = json!(if after > 0 { "Long" } else { "Short" });
            p["cost-effect"] = json!(if after > 0 { "Credit" } else { "Debit" });
            p["average-open-price"] = json!(average.to_string());
            p["updated-at"] = json!(iso(at));
        }
        None => book.positions.push(json!({
            "account-number": book.balances["account-number"],
            "symbol": leg.symbol,
            "instrument-type": leg.instrument_type,
            "underlying-symbol": leg.underlying,
            "quantity": after.abs(),
            "quantity-direction": if after > 0 { "Long" } else { "Short" },
            "close-price": price.to_string(),
            "average-open-price": price.to_string(),
            "average-yearly-market-close-price": price.to_string(),
            "average-daily-market-close-price": price.to_string(),
            "mark": price.to_string(),
            "mark-price": price.to_string(),
            "multiplier": mult,
            "cost-effect": if after > 0 { "Credit" } else { "Debit" },
            "is-suppressed": false,
            "is-frozen": false,
            "restricted-quantity": 0,
            "realized-day-gain": "0.0",
            "realized-day-gain-effect": "None",
            "realized-day-gain-date": today,
            "realized-today": "0.0",
            "realized-today-effect": "None",
            "realized-today-date": today,
            "created-at": iso(at),
            "updated-at": iso(at),
        })),
    }
}

/// The broker, locked, with every live order worked against the market (which stays locked
/// for the caller, after the broker: the lock order).
pub struct Trading<'a> {
    pub broker: MutexGuard<'a, Broker>,
    pub market: MarketGuard<'a>,
}

impl Drop for Trading<'_> {
    /// Whatever changed while locked goes out to the account streamer.
    fn drop(&mut self) {
        self.broker.flush();
    }
}

impl Trading<'_> {
    /// The account's book, seeded from the fixtures on first use.
    pub fn book(&mut self, sim: &SimState, n: &str) -> Option<&mut Book> {
        if !self.broker.books.contains_key(n) {
            let f = sim.fixtures().by_account.get(n)?;
            let account = sim.fixtures().account(n).cloned().unwrap_or_default();
            let book = Book {
                positions: f.positions["data"]["items"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
                balances: f.balances["data"].clone(),
                orders: Vec::new(),
                history_overrides: BTreeMap::new(),
                transactions: Vec::new(),
                outbox: Vec::new(),
                futures_approved: account["is-futures-approved"] == true,
                cash_account: account["margin-or-cash"] == "Cash",
            };
            self.broker.books.insert(n.to_owned(), book);
        }
        self.broker.books.get_mut(n)
    }

    pub fn now_ms(&self) -> i64 {
        self.market.clock(Instant::now())
    }
}

impl SimState {
    /// The broker and the market, locked in that order, live orders worked.
    pub fn trading(&self) -> Trading<'_> {
        let mut broker = self.broker_slot();
        let market = self.market();
        let now = market.clock(Instant::now());
        broker.work(&market, now);
        Trading { broker, market }
    }

    /// An account's positions and balances as the book has them (after fills), or `None`
    /// while nothing was traded there (the fixtures then stand).
    pub fn book_snapshot(&self, n: &str) -> Option<(Vec<Value>, Value)> {
        let t = self.trading();
        t.broker
            .books
            .get(n)
            .map(|b| (b.positions.clone(), b.balances.clone()))
    }

    /// The account's orders: the history's (as changed here) and those placed here.
    pub fn account_orders(&self, n: &str) -> Vec<Row> {
        let history = self.ledger();
        let t = self.trading();
        let book = t.broker.books.get(n);
        let mut rows: Vec<Row> = history
            .accounts
            .get(n)
            .map(|a| a.orders.clone())
            .unwrap_or_default();
        if let Some(b) = book {
            for r in &mut rows {
                if let Some(o) = r.json["id"]
                    .as_i64()
                    .and_then(|id| b.history_overrides.get(&id))
                {
                    r.json = o.clone();
                }
            }
            rows.extend(b.orders.iter().map(Placed::row));
        }
        rows
    }

    /// The account's transactions: the history's and the fills made here.
    pub fn account_transactions(&self, n: &str) -> Vec<Row> {
        let history = self.ledger();
        let mut rows: Vec<Row> = history
            .accounts
            .get(n)
            .map(|a| a.transactions.clone())
            .unwrap_or_default();
        if let Some(b) = self.trading().broker.books.get(n) {
            rows.extend(b.transactions.iter().cloned());
        }
        rows
    }
}
