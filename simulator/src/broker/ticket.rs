//! An order request as tastytrade takes it (docs/tastytrade.md §6.11, the request body): the
//! body's shape (400 `validation_error`), then the preflight rules
//! (422 `preflight_check_failure` with `errors[]`), the natural price from the market, fees
//! and the buying-power effect.

use serde_json::{json, Value};

use crate::dates::Date;
use crate::decimal::Dec;
use crate::ledger::fees;
use crate::market::catalog::Kind;
use crate::market::{Instrument, Market};

pub const ORDER_TYPES: [&str; 4] = ["Limit", "Market", "Stop", "Stop Limit"];
pub const TIME_IN_FORCE: [&str; 5] = ["Day", "GTC", "GTD", "Ext", "GTC Ext"];
/// Most legs an option order may have (docs/tastytrade.md §6.11).
const MAX_OPTION_LEGS: usize = 4;
/// A limit this far from the mid (fraction of the mid, and at least 5 ticks) gets a warning.
const FAR_FROM_MARKET: f64 = 0.10;
/// Futures initial margin, as a fraction of the notional (a simulator simplification).
const FUTURES_MARGIN: f64 = 0.05;
/// Extra requirement per uncovered short call, as a fraction of the underlying's notional.
const NAKED_CALL_MARGIN: f64 = 0.20;

/// A `{code, message}` item of `errors[]` or `warnings[]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    pub code: &'static str,
    pub message: String,
}

impl Problem {
    fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn json(&self) -> Value {
        json!({ "code": self.code, "message": self.message })
    }
}

/// One leg, resolved against the market.
#[derive(Debug, Clone)]
pub struct Leg {
    pub instrument_type: &'static str,
    pub symbol: String,
    pub action: &'static str,
    pub quantity: i64,
    pub instrument: Instrument,
    /// The order's `underlying-symbol` for this leg (`AAPL`, `/ES`).
    pub underlying: String,
    pub multiplier: f64,
    pub tick: f64,
}

impl Leg {
    pub fn buys(&self) -> bool {
        self.action.starts_with("Buy")
    }

    pub fn closes(&self) -> bool {
        self.action.ends_with("to Close")
    }
}

/// A validated order.
#[derive(Debug, Clone)]
pub struct Ticket {
    pub time_in_force: &'static str,
    pub order_type: &'static str,
    /// Unsigned per-unit price and its effect (Limit, Stop Limit).
    pub price: Option<(Dec, &'static str)>,
    pub stop_trigger: Option<Dec>,
    pub gtc_date: Option<Date>,
    pub legs: Vec<Leg>,
    /// The order's size: the legs' common divisor (a 2×2 vertical is size 2 of a 1:1 spread).
    pub size: i64,
    pub underlying: String,
    pub underlying_type: &'static str,
    pub source: Option<String>,
}

impl Ticket {
    /// Each leg's units per unit of the order.
    pub fn ratio(&self, leg: &Leg) -> i64 {
        leg.quantity / self.size.max(1)
    }

    /// The signed limit: positive a debit, negative a credit.
    pub fn signed_price(&self) -> Option<Dec> {
        self.price
            .map(|(p, effect)| if effect == "Debit" { p } else { -p })
    }
}

fn str_field<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// A decimal given as a string or a number.
fn decimal(v: &Value) -> Option<Dec> {
    match v {
        Value::String(s) => Dec::parse(s.trim()),
        Value::Number(n) => Dec::parse(&n.to_string()),
        _ => None,
    }
}

fn one_of(value: &str, allowed: &[&'static str]) -> Option<&'static str> {
    allowed.iter().copied().find(|a| *a == value)
}

/// What the body says, checked for shape only.
struct Draft<'a> {
    time_in_force: &'static str,
    order_type: &'static str,
    price: Option<Dec>,
    price_effect: Option<&'static str>,
    stop_trigger: Option<Dec>,
    gtc_date: Option<Date>,
    legs: Vec<(&'static str, &'a str, &'static str, Dec)>,
    source: Option<String>,
}

const INSTRUMENT_TYPES: [&str; 4] = ["Equity", "Equity Option", "Future", "Future Option"];
const ALL_ACTIONS: [&str; 6] = [
    "Buy to Open",
    "Sell to Open",
    "Buy to Close",
    "Sell to Close",
    "Buy",
    "Sell",
];

/// The body's shape; `Err` lists `(domain, reason)` pairs for a 400 `validation_error`.
fn draft(body: &Value) -> Result<Draft<'_>, Vec<(String, String)>> {
    let mut bad: Vec<(String, String)> = Vec::new();
    let mut fail = |domain: &str, reason: &str| bad.push((domain.to_owned(), reason.to_owned()));
    if !body.is_object() {
        fail("body", "must be a JSON object");
        return Err(bad);
    }
    let time_in_force = match str_field(body, "time-in-force") {
        None => {
            fail("time-in-force", "is missing");
            "Day"
        }
        Some(t) => one_of(t, &TIME_IN_FORCE).unwrap_or_else(|| {
            fail("time-in-force", "does not have a valid value");
            "Day"
        }),
    };
    let order_type = match str_field(body, "order-type") {
        None => {
            fail("order-type", "is missing");
            "Limit"
        }
        Some(t) => one_of(t, &ORDER_TYPES).unwrap_or_else(|| {
            fail("order-type", "does not have a valid value");
            "Limit"
        }),
    };
    let mut number = |key: &str| match body.get(key) {
        None | Some(Value::Null) => None,
        Some(v) => {
            let d = decimal(v);
            if d.is_none() {
                fail(key, "is not a decimal");
            }
            d
        }
    };
    let price = number("price");
    let stop_trigger = number("stop-trigger");
    let mut bad_effect = false;
    let price_effect = str_field(body, "price-effect").and_then(|e| {
        let found = one_of(e, &["Debit", "Credit"]);
        bad_effect = found.is_none();
        found
    });
    if bad_effect {
        fail("price-effect", "does not have a valid value");
    }
    let gtc_date = match str_field(body, "gtc-date") {
        None => None,
        Some(d) => match d.parse::<Date>() {
            Ok(d) => Some(d),
            Err(_) => {
                fail("gtc-date", "is not a YYYY-MM-DD date");
                None
            }
        },
    };
    let mut legs = Vec::new();
    match body.get("legs").and_then(Value::as_array) {
        None => fail("legs", "is missing"),
        Some(list) if list.is_empty() => fail("legs", "must have at least one leg"),
        Some(list) => {
            for (i, leg) in list.iter().enumerate() {
                let at = |k: &str| format!("legs[{i}].{k}");
                let kind =
                    str_field(leg, "instrument-type").and_then(|t| one_of(t, &INSTRUMENT_TYPES));
                let action = str_field(leg, "action").and_then(|a| one_of(a, &ALL_ACTIONS));
                let symbol = str_field(leg, "symbol").filter(|s| !s.trim().is_empty());
                let quantity = leg.get("quantity").and_then(decimal);
                if kind.is_none() {
                    fail(&at("instrument-type"), "does not have a valid value");
                }
                if action.is_none() {
                    fail(&at("action"), "does not have a valid value");
                }
                if symbol.is_none() {
                    fail(&at("symbol"), "is missing");
                }
                if quantity.is_none() {
                    fail(&at("quantity"), "is missing or not a number");
                }
                if let (Some(k), Some(s), Some(a), Some(q)) = (kind, symbol, action, quantity) {
                    legs.push((k, s, a, q));
                }
            }
        }
    }
    let source = str_field(body, "source").map(str::to_owned);
    if bad.is_empty() {
        Ok(Draft {
            time_in_force,
            order_type,
            price,
            price_effect,
            stop_trigger,
            gtc_date,
            legs,
            source,
        })
    } else {
        Err(bad)
    }
}

/// What the account allows and holds.
pub struct AccountView<'a> {
    pub futures_approved: bool,
    pub cash_account: bool,
    /// Open positions: `(symbol, signed quantity)`.
    pub positions: &'a [(String, i64)],
}

impl AccountView<'_> {
    pub fn held(&self, symbol: &str) -> i64 {
        self.positions
            .iter()
            .find(|(s, _)| s == symbol)
            .map_or(0, |(_, q)| *q)
    }
}

/// Either a 400 (shape) or a 422 (preflight) refusal.
#[derive(Debug)]
pub enum Refusal {
    Shape(Vec<(String, String)>),
    Preflight(Vec<Problem>),
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 {
        a.abs()
    } else {
        gcd(b, a % b)
    }
}

fn on_tick(price: Dec, tick: f64) -> bool {
    let t = Dec::from_f64(tick).0.max(1);
    price.0 % t == 0
}

/// Checks a body against tastytrade's rules for this account and market.
pub fn check(
    body: &Value,
    m: &Market,
    account: &AccountView,
    today: Date,
) -> Result<Ticket, Refusal> {
    let d = draft(body).map_err(Refusal::Shape)?;
    let mut errors: Vec<Problem> = Vec::new();
    let mut err = |code: &'static str, msg: String| errors.push(Problem::new(code, msg));

    let priced = matches!(d.order_type, "Limit" | "Stop Limit");
    let stopped = matches!(d.order_type, "Stop" | "Stop Limit");
    match (priced, d.price, d.price_effect) {
        (true, None, _) => err(
            "price_required",
            format!("A {} order needs a price.", d.order_type),
        ),
        (true, Some(_), None) => err(
            "price_effect_required",
            "A priced order needs a price-effect (Debit or Credit).".into(),
        ),
        (false, Some(_), _) | (false, None, Some(_)) => err(
            "price_not_allowed",
            format!("A {} order takes no price or price-effect.", d.order_type),
        ),
        _ => {}
    }
    if d.price.is_some_and(Dec::is_negative) {
        err(
            "invalid_price",
            "The price is unsigned; its direction is the price-effect.".into(),
        );
    }
    match (stopped, d.stop_trigger) {
        (true, None) => err(
            "stop_trigger_required",
            format!("A {} order needs a stop-trigger.", d.order_type),
        ),
        (false, Some(_)) => err(
            "stop_trigger_not_allowed",
            format!("A {} order takes no stop-trigger.", d.order_type),
        ),
        (true, Some(t)) if t.0 <= 0 => err(
            "invalid_stop_trigger",
            "The stop-trigger must be positive.".into(),
        ),
        _ => {}
    }
    match (d.time_in_force == "GTD", d.gtc_date) {
        (true, None) => err("gtc_date_required", "A GTD order needs a gtc-date.".into()),
        (false, Some(_)) => err(
            "gtc_date_not_allowed",
            "Only a GTD order takes a gtc-date.".into(),
        ),
        (true, Some(date)) if date <= today => err(
            "invalid_gtc_date",
            "The gtc-date must be after today.".into(),
        ),
        _ => {}
    }
    if d.order_type == "Market" && matches!(d.time_in_force, "GTC" | "GTD" | "GTC Ext") {
        err(
            "invalid_time_in_force",
            "A Market order must be a Day order.".into(),
        );
    }

    let mut legs: Vec<Leg> = Vec::new();
    for (i, &(kind, symbol, action, quantity)) in d.legs.iter().enumerate() {
        let n = i + 1;
        if quantity.0 <= 0 || quantity.0 % Dec::units(1).0 != 0 {
            err(
                "invalid_quantity",
                format!("Leg {n}: the quantity must be a positive whole number."),
            );
            continue;
        }
        let quantity = quantity.0 / Dec::units(1).0;
        let Some(inst) = m.resolve_rest(symbol) else {
            err(
                "invalid_symbol",
                format!("Leg {n}: {symbol} is not a tradeable instrument."),
            );
            continue;
        };
        let (actual, underlying, multiplier, tick) = match &inst {
            Instrument::Underlying(u) => {
                let l = &m.underlying(*u).listing;
                match l.kind {
                    Kind::Index => {
                        err(
                            "invalid_symbol",
                            format!("Leg {n}: an index cannot be traded."),
                        );
                        continue;
                    }
                    Kind::Future => {
                        let root = l
                            .rest_symbol
                            .get(..l.rest_symbol.len().saturating_sub(2))
                            .unwrap_or_default();
                        ("Future", root.to_owned(), l.multiplier, l.tick)
                    }
                    _ => ("Equity", l.rest_symbol.clone(), 1.0, 0.01),
                }
            }
            Instrument::Option(o) => {
                let l = &m.underlying(o.underlying).listing;
                if o.on_future {
                    ("Future Option", l.rest_symbol.clone(), o.multiplier, o.tick)
                } else {
                    ("Equity Option", l.rest_symbol.clone(), o.multiplier, o.tick)
                }
            }
        };
        if actual != kind {
            err(
                "invalid_instrument_type",
                format!("Leg {n}: {symbol} is an {actual}, not an {kind}."),
            );
            continue;
        }
        if let Instrument::Option(o) = &inst {
            if o.expiration < today {
                err(
                    "expired_instrument",
                    format!("Leg {n}: {symbol} has expired."),
                );
                continue;
            }
        }
        let futures_like = kind.starts_with("Future");
        if futures_like && !account.futures_approved {
            err(
                "futures_not_approved",
                "This account is not approved for futures.".into(),
            );
            continue;
        }
        if matches!(action, "Buy" | "Sell") && kind != "Future" {
            err(
                "invalid_action",
                format!("Leg {n}: Buy and Sell are for futures; use Buy to Open, Sell to Close…"),
            );
            continue;
        }
        legs.push(Leg {
            instrument_type: kind,
            symbol: symbol.to_owned(),
            action,
            quantity,
            instrument: inst,
            underlying,
            multiplier,
            tick,
        });
    }
    // Leg counts and mixes (docs/tastytrade.md §6.11).
    let options = legs
        .iter()
        .filter(|l| l.instrument_type.ends_with("Option"))
        .count();
    if legs.len() > 1 {
        if options != legs.len() {
            err(
                "invalid_leg_count",
                "Equity and futures orders have exactly one leg.".into(),
            );
        } else if legs.len() > MAX_OPTION_LEGS {
            err(
                "invalid_leg_count",
                format!("An option order has at most {MAX_OPTION_LEGS} legs."),
            );
        }
        let mut symbols: Vec<&str> = legs.iter().map(|l| l.symbol.as_str()).collect();
        symbols.sort();
        symbols.dedup();
        if symbols.len() != legs.len() {
            err(
                "duplicate_legs",
                "Each leg must have a different symbol.".into(),
            );
        }
        if legs.iter().any(|l| l.underlying != legs[0].underlying) {
            err(
                "mixed_underlyings",
                "Every leg must have the same underlying.".into(),
            );
        }
    }
    if legs.len() != 1 && d.order_type != "Limit" && !legs.is_empty() {
        err(
            "invalid_order_type",
            format!("A {} order has exactly one leg.", d.order_type),
        );
    }
    if account.cash_account {
        let mut found = Vec::new();
        cash_account_rules(m, &legs, account, &mut found);
        for p in found {
            err(p.code, p.message);
        }
    }
    // The price's direction and its tick.
    if let (Some(price), Some(effect)) = (d.price, d.price_effect) {
        let all_buy = legs.iter().all(Leg::buys);
        let all_sell = legs.iter().all(|l| !l.buys());
        if !legs.is_empty() && all_buy && effect == "Credit" {
            err("cant_buy_for_credit", "You cannot buy for a credit.".into());
        }
        if !legs.is_empty() && all_sell && effect == "Debit" {
            err("cant_sell_for_debit", "You cannot sell for a debit.".into());
        }
        if price.0 == 0 && legs.len() == 1 {
            err("invalid_price", "The price must be more than zero.".into());
        }
        if let Some(l) = legs.first() {
            if legs.len() == 1 && !on_tick(price, l.tick) {
                err(
                    "invalid_price_increment",
                    format!("The price must be a multiple of {}.", Dec::from_f64(l.tick)),
                );
            }
        }
    }
    if d.order_type == "Market" && !m.control.open && legs.iter().any(|l| !l.closes()) {
        err(
            "market_closed",
            "Opening market orders are not accepted while the market is closed.".into(),
        );
    }
    if !errors.is_empty() || legs.is_empty() {
        if errors.is_empty() {
            errors.push(Problem::new("invalid_legs", "The order has no valid leg."));
        }
        return Err(Refusal::Preflight(errors));
    }
    let size = legs.iter().fold(0, |g, l| gcd(g, l.quantity));
    let first = &legs[0];
    Ok(Ticket {
        time_in_force: d.time_in_force,
        order_type: d.order_type,
        price: d.price.zip(d.price_effect),
        stop_trigger: d.stop_trigger,
        gtc_date: d.gtc_date,
        underlying: first.underlying.clone(),
        underlying_type: if first.instrument_type.starts_with("Future") {
            "Future"
        } else {
            "Equity"
        },
        size,
        legs,
        source: d.source,
    })
}

/// A cash account (the IRA) neither sells stock short nor sells uncovered calls: a call sold
/// to open needs 100 shares a contract, or a bought call in the same order.
fn cash_account_rules(m: &Market, legs: &[Leg], account: &AccountView, errors: &mut Vec<Problem>) {
    for l in legs.iter().filter(|l| !l.buys()) {
        let short_after = account.held(&l.symbol) - l.quantity < 0;
        match &l.instrument {
            Instrument::Underlying(_) if short_after => errors.push(Problem::new(
                "short_sale_not_allowed",
                "A cash account cannot sell short.",
            )),
            Instrument::Option(o) if o.call && short_after => {
                let shares = account.held(&m.underlying(o.underlying).listing.rest_symbol);
                let hedged = legs
                    .iter()
                    .any(|b| b.buys() && matches!(&b.instrument, Instrument::Option(x) if x.call));
                if !hedged && shares < l.quantity * 100 {
                    errors.push(Problem::new(
                        "uncovered_option_not_allowed",
                        "A cash account can only sell covered calls.",
                    ));
                }
            }
            _ => {}
        }
    }
}

/// The market for one leg: (bid, ask, mark, displayed size on the side it would take).
pub fn leg_quote(m: &Market, leg: &Leg) -> (f64, f64, f64, u64) {
    let s = m.snapshot(&leg.instrument);
    let size = if leg.buys() { s.ask_size } else { s.bid_size };
    (s.bid, s.ask, s.mark, size)
}

/// The natural price per order unit, signed (positive a debit): buys at the ask, sells at
/// the bid; and the mid.
pub fn natural(m: &Market, t: &Ticket) -> (f64, f64) {
    let mut nat = 0.0;
    let mut mid = 0.0;
    for leg in &t.legs {
        let (bid, ask, mark, _) = leg_quote(m, leg);
        let r = t.ratio(leg) as f64;
        if leg.buys() {
            nat += ask * r;
            mid += mark * r;
        } else {
            nat -= bid * r;
            mid -= mark * r;
        }
    }
    (nat, mid)
}

/// Fees of `units` of the order at signed per-unit price `price`:
/// (commission, clearing, regulatory), all debits (same schedule as the history's fills).
pub fn order_fees(t: &Ticket, units: i64, price: f64) -> (Dec, Dec, Dec) {
    let mut total = (Dec::ZERO, Dec::ZERO, Dec::ZERO);
    for leg in &t.legs {
        let q = t.ratio(leg) * units;
        let value = Dec::from_f64(price.abs() * q as f64 * leg.multiplier);
        let (c, cl, r) = fees(leg.instrument_type, leg.action, q, value);
        total = (total.0 + c, total.1 + cl, total.2 + r);
    }
    total
}

/// The buying power `units` of the order take at signed per-unit price `price` (positive
/// uses buying power), and whether it is a spread. The model (a simplification, documented in
/// simulator/README.md § Orders): closing legs use none and free what they receive; equities
/// take their cost (half of it in a margin account); futures 5 % of their notional; options
/// their worst loss at expiration (a naked call adds 20 % of the underlying's notional).
pub fn buying_power(
    m: &Market,
    t: &Ticket,
    account: &AccountView,
    units: i64,
    price: f64,
) -> (f64, bool) {
    let closing = t
        .legs
        .iter()
        .all(|l| l.closes() && (account.held(&l.symbol) != 0));
    let cash = price * units as f64;
    let first = &t.legs[0];
    if closing {
        return (cash * first.multiplier, false);
    }
    match first.instrument_type {
        "Equity" => {
            let cost = cash.abs();
            let share = if account.cash_account { 1.0 } else { 0.5 };
            (cost * share, false)
        }
        "Future" => {
            let (_, _, mark, _) = leg_quote(m, first);
            (
                mark * first.multiplier * (units * t.ratio(first)) as f64 * FUTURES_MARGIN,
                false,
            )
        }
        _ => {
            let spread = t.legs.len() > 1;
            (option_requirement(m, t, units, price), spread)
        }
    }
}

fn option_requirement(m: &Market, t: &Ticket, units: i64, price: f64) -> f64 {
    let mut strikes = vec![0.0];
    let mut uncovered_calls: i64 = 0;
    let mut spot = 0.0;
    let mult = t.legs[0].multiplier;
    let mut legs = Vec::new();
    for leg in &t.legs {
        if let Instrument::Option(o) = &leg.instrument {
            strikes.push(o.strike);
            spot = m.underlying(o.underlying).mark();
            let q = (t.ratio(leg) * units) * if leg.buys() { 1 } else { -1 };
            if o.call {
                uncovered_calls -= q;
            }
            legs.push((o.call, o.strike, q));
        }
    }
    let high = strikes.iter().cloned().fold(spot, f64::max) * 1.5;
    strikes.push(high);
    let worst = strikes
        .iter()
        .map(|&s| {
            let payoff: f64 = legs
                .iter()
                .map(|&(call, k, q)| {
                    let intrinsic = if call {
                        (s - k).max(0.0)
                    } else {
                        (k - s).max(0.0)
                    };
                    intrinsic * q as f64
                })
                .sum();
            payoff * mult - price * units as f64 * mult
        })
        .fold(f64::INFINITY, f64::min);
    let naked = uncovered_calls.max(0) as f64 * spot * mult * NAKED_CALL_MARGIN;
    (-worst).max(0.0) + naked
}

/// Warnings for an order that passes: a limit far from the mid, closing legs without a
/// position, an order that waits for the next session.
pub fn warnings(m: &Market, t: &Ticket, account: &AccountView) -> Vec<Problem> {
    let mut out = Vec::new();
    for leg in &t.legs {
        let held = account.held(&leg.symbol);
        let has = if leg.buys() { held < 0 } else { held > 0 };
        if leg.closes() && !has {
            out.push(Problem::new(
                "closing_with_no_position",
                format!(
                    "There is no position in {} to close; the leg will open one.",
                    leg.symbol
                ),
            ));
        }
    }
    if let Some(limit) = t.signed_price() {
        let (_, mid) = natural(m, t);
        let tick = t.legs[0].tick;
        let gap = (limit.to_f64() - mid).abs();
        if gap > mid.abs() * FAR_FROM_MARKET && gap > 5.0 * tick {
            out.push(Problem::new(
                "price_far_from_market",
                format!(
                    "The limit {} is far from the market's mid {:.2}.",
                    limit.abs(),
                    mid.abs()
                ),
            ));
        }
    }
    if !m.control.open {
        out.push(Problem::new(
            "tif.next_valid_session",
            "Your order will begin working during next valid session.",
        ));
    }
    out
}
